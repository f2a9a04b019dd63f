"""Annex 178A MMSE reference receiver (sigint.com.mmse, its kernel sigint.kernels.mmse): its
maths against closed forms and against the slow, obvious twin of the reference procedure in
``tests/reference.py`` (which follows PyChOpMarg/MATLAB literally), and (optionally,
SIGINT_ORACLES=1) against PyChOpMarg 3.4.0's ``optimize.mmse``.
"""

from __future__ import annotations

import copy
import dataclasses
import json

import numpy as np
import pytest
import reference

from sigint.com import load_preset
from sigint.com.fom import ctle, full_taps, noise_variance, rx_filter, tx_filter
from sigint.com.mmse import MmseSearch, RxFfe, rx_ffe_8023dj, rx_noise_acf
from sigint.errors import ConfigError
from sigint.filters import apply_t_spaced_fir
from sigint.kernels.mmse import solve_mmse

VAR_X = 5 / 9  # PAM4
FB = 106.25e9
M = 32


# ---------------------------------------------------------------------- fixtures
def _params():
    """An 802.3dj-like parameter set on the 802.3ck-KR preset (REFERENCE §5.4 values)."""
    p = load_preset("802.3ck-KR")
    return dataclasses.replace(
        p, f_baud_hz=FB, f_r_fbaud=0.55, eta0_v2_per_hz=7.5e-18, snr_tx_db=33.5, a_dd_ui=0.02,
        sigma_rj_ui=0.01, a_v_v=0.385, a_fe_v=0.385, a_ne_v=0.481, rise_time_s=4e-12,
        ctle_fz_hz=FB / 2.5, ctle_fp1_hz=FB / 2.5, ctle_fp2_hz=FB, ctle_flf_hz=FB / 80,
    )  # fmt: skip


def _grid(n_ui):
    t = np.arange(n_ui * M) * (1 / FB / M)
    f = np.arange(n_ui * M // 2 + 1) * (1 / (t[1] * t.size))
    return t, f


def _line(f, loss_db, delay_ui, echo=0.0, echo_ui=25):
    """A causal-looking lossy line (skin (1+j)√f and dielectric f(1 − j(2/π)ln f) terms) with
    an echo ``echo_ui`` UI after the main response."""
    fn = FB / 2e9
    x = np.maximum(f / 1e9, 1e-6)
    g = 0.5 * (1 + 1j) * np.sqrt(x / fn) + 0.5 * x / fn * (1 - 2j / np.pi * np.log(x / fn))
    g = g * loss_db / 8.686
    h = np.exp(-g - 2j * np.pi * f * delay_ui / FB)
    h = h * (1 + echo * np.exp(-2j * np.pi * f * echo_ui / FB - 0.3 * g))
    h[0] = abs(h[1])
    return h


def _pulse(p, f, h21, amp, g_dc=-8.0, g_dc2=-2.0):
    hc = ctle(p, f, g_dc, g_dc2)
    h = tx_filter(p, f) * h21 * rx_filter(p, f) * hc
    return np.fft.irfft(M * np.sinc(f * p.ui_s) * h) * amp, hc


@pytest.fixture(scope="module")
def link():
    """A 30 dB channel with a 10 % echo 25 UI out, a FEXT and a NEXT aggressor, 512 UI."""
    p = _params()
    _, f = _grid(512)
    vic, hc = _pulse(p, f, _line(f, 30, 20, 0.10), p.a_v_v)
    fext, _ = _pulse(p, f, 0.05 * _line(f, 40, 25), p.a_fe_v)
    nxt, _ = _pulse(p, f, 0.03 * _line(f, 20, 22), p.a_ne_v)
    rx = rx_ffe_8023dj("KR")
    noise = rx_noise_acf(p, f, hc, rx.n_taps)
    n = 200 * M  # the rows where the pulses live
    search = MmseSearch(p, rx, vic[:n], [fext[:n]], [nxt[:n]], noise)
    return {"p": p, "f": f, "hc": hc, "rx": rx, "search": search, "vic": vic[:n],
            "fext": fext[:n], "next": nxt[:n], "noise": noise}  # fmt: skip


def _receiver(rx: RxFfe):
    """The receiver as the kernel and its twin take it: (w_min, w_max, b_min, b_max, n_pre,
    n_fixed, n_groups, n_float)."""
    return (
        np.asarray(rx.w_min, float), np.asarray(rx.w_max, float),
        np.asarray(rx.dfe_bmin, float), np.asarray(rx.dfe_bmax, float), rx.n_pre, rx.fixed,
        rx.float_groups, rx.float_taps,
    )  # fmt: skip


def _solve(r, v, rx: RxFfe, var_x=VAR_X):
    """The kernel on stacks of problems: (MSE, w, b)."""
    nb = r.shape[0]
    mse, w = np.empty(nb), np.empty((nb, rx.n_taps))
    b, n_ex = np.empty((nb, rx.n_dfe)), np.zeros(nb, np.int64)
    solve_mmse(
        np.ascontiguousarray(r), np.ascontiguousarray(v), *_receiver(rx), var_x, 1e-9, mse, w,
        b, n_ex,
    )  # fmt: skip
    return mse, w, b


def _problem(h, cursor, rx: RxFfe, noise_acf):
    """(r, v) of one sampling time from T-spaced samples h (cursor at index ``cursor``)."""
    nw, n = rx.n_taps, h.size
    r = np.array([h[: n - k] @ h[k:] if k < n else 0.0 for k in range(nw)])
    r = r + np.asarray(noise_acf)[:nw] / VAR_X
    idx = cursor + rx.n_pre + np.arange(rx.n_dfe + 1)[None, :] - np.arange(nw)[:, None]
    v = np.where((idx >= 0) & (idx < n), h[np.clip(idx, 0, n - 1)], 0.0)
    return r, v


def _channel_samples(rng, n=160, cursor=30, echo_at=(), echo=0.2):
    """T-spaced samples of a lossy pulse with optional echoes (cursor at ``cursor``)."""
    k = np.arange(n) - cursor
    h = np.where(k >= 0, np.exp(-k / 2.5), np.exp(k / 0.7)) * 0.3
    h[cursor] = 1.0
    for e in echo_at:
        h[cursor + e] += echo * (1 + 0.2 * rng.standard_normal())
    return h + 1e-3 * rng.standard_normal(n)


# ---------------------------------------------------------------------- the maths
def test_mmse_solution_satisfies_its_bordered_normal_equations():
    """With limits out of reach, w and b solve [R −Hbᵀ −h0; −Hb I 0; h0ᵀ 0 0][w; b; λ] =
    [h0; 0; 1] (178A-34/35): the unit cursor h0ᵀw = 1, b = Hb w, and R w − Hbᵀb − h0 ∥ h0."""
    rng = np.random.default_rng(1)
    rx = RxFfe.with_limits(24, 4, fixed_limit=10.0, dfe_bmin=(-5, -5), dfe_bmax=(5, 5))
    h = _channel_samples(rng)
    noise = np.zeros(rx.n_taps)
    noise[:3] = [2e-3, 5e-4, 1e-4]  # a coloured noise
    r, v = _problem(h, 30, rx, noise)
    mse, w, b = _solve(r[None], v[None], rx)
    w, b = w[0], b[0]
    big = reference.convolution_matrix(h, rx.n_taps)
    rr = big.T @ big + noise[np.abs(np.arange(24)[:, None] - np.arange(24))] / VAR_X
    h0, hb = v[:, 0], v[:, 1:].T
    assert h0 @ w == pytest.approx(1, abs=1e-12)
    np.testing.assert_allclose(b, hb @ w, atol=1e-12)
    g = rr @ w - hb.T @ b - h0  # = λ·h0
    lam = g @ h0 / (h0 @ h0)
    np.testing.assert_allclose(g, lam * h0, atol=1e-10)
    assert lam == pytest.approx(mse[0] / VAR_X, rel=1e-9)  # λ = MSE/σ_X² at the optimum


def test_white_noise_and_one_post_cursor_the_dfe_cancels_it_and_the_ffe_is_matched():
    """h = [1, a], white noise σ², a 2-tap FFE (one pre-cursor tap) and a DFE tap. With
    ρ = σ²/σ_X²: w(−1) = aρ/(1 + ρ + a²ρ), w(0) = (1 + ρ)/(1 + ρ + a²ρ) (the matched filter
    [a, 1] as the noise dominates), b = a·w(0), and MSE/σ_X² = ρ(1 + ρ)/(1 + ρ + a²ρ)."""
    rx = RxFfe.with_limits(2, 1, fixed_limit=10.0, dfe_bmin=(-1,), dfe_bmax=(1,))
    for a, rho in ((0.5, 0.01), (0.3, 0.3), (0.8, 2.0)):
        h = np.zeros(40)
        h[20], h[21] = 1.0, a
        r, v = _problem(h, 20, rx, [rho * VAR_X, 0.0])
        mse, w, b = _solve(r[None], v[None], rx)
        den = 1 + rho + a * a * rho
        np.testing.assert_allclose(w[0], [a * rho / den, (1 + rho) / den], rtol=1e-12)
        assert b[0, 0] == pytest.approx(a * (1 + rho) / den, rel=1e-12)
        assert mse[0] / VAR_X == pytest.approx(rho * (1 + rho) / den, rel=1e-12)


def test_mse_decreases_monotonically_as_taps_are_added():
    rng = np.random.default_rng(2)
    h = _channel_samples(rng, echo_at=(18, 33))
    noise = np.r_[1e-3, 2e-4, np.zeros(60)]
    wide = {"fixed_limit": 10.0, "float_limit": 10.0, "dfe_bmin": (-5,), "dfe_bmax": (5,)}
    mses = []
    for n_taps in range(6, 40, 3):
        rx = RxFfe.with_limits(n_taps, 4, **wide)
        r, v = _problem(h, 30, rx, noise)
        mses.append(_solve(r[None], v[None], rx)[0][0])
    assert np.all(np.diff(mses) <= 1e-15)
    assert mses[-1] < 0.5 * mses[0]
    groups = []
    for n_groups in range(4):
        rx = RxFfe.with_limits(60, 4, 12, n_groups, 3, **wide)
        r, v = _problem(h, 30, rx, noise)
        groups.append(_solve(r[None], v[None], rx)[0][0])
    assert np.all(np.diff(groups) < 0)


def test_tap_limits_are_respected_relative_to_the_cursor_tap():
    rng = np.random.default_rng(3)
    rx = RxFfe.with_limits(40, 6, 15, 2, 4, fixed_limit=0.1, float_limit=0.01,
                           dfe_bmin=(0.1,), dfe_bmax=(0.3,))  # fmt: skip
    problems = [_problem(_channel_samples(rng, echo_at=(20, 29), echo=0.3), 30 + s, rx,
                         np.r_[1e-4, np.zeros(40)]) for s in range(-1, 2)]  # fmt: skip
    r = np.stack([p[0] for p in problems])
    v = np.stack([p[1] for p in problems])
    _, w, b = _solve(r, v, rx)
    c = w / w[:, rx.n_pre : rx.n_pre + 1]
    assert np.all(c <= np.asarray(rx.w_max) + 1e-12) and np.all(c >= np.asarray(rx.w_min) - 1e-12)
    assert np.any(np.isclose(np.abs(c[:, 15:]), 0.01))  # the limits were reached
    assert np.all((b >= 0.1 - 1e-15) & (b <= 0.3 + 1e-15))
    np.testing.assert_allclose((w * v[:, :, 0]).sum(1), 1, atol=1e-12)  # renormalised


def test_floating_taps_land_on_the_largest_isi():
    """Two echoes beyond the fixed taps' reach: the groups go where they are."""
    rng = np.random.default_rng(4)
    rx = RxFfe.with_limits(87, 6, 15, 2, 4, float_limit=1.0)
    for e1, e2 in ((20, 45), (31, 70), (12, 57)):
        h = _channel_samples(rng, echo_at=(e1, e2), echo=0.15)
        r, v = _problem(h, 30, rx, np.r_[1e-4, np.zeros(90)])
        w = _solve(r[None], v[None], rx)[1][0]
        used = set(np.flatnonzero(w[rx.fixed :]) + rx.fixed)
        assert {rx.n_pre + e1, rx.n_pre + e2} <= used, (e1, e2, sorted(used))


@pytest.mark.parametrize("seed", [5, 6, 7])
def test_kernel_matches_the_slow_literal_reference_procedure(seed):
    """Floating groups, DFE and FFE clipping all active (a strong echo on ±0.05 taps)."""
    rng = np.random.default_rng(seed)
    rx = RxFfe.with_limits(40, 6, 15, 2, 4, fixed_limit=0.4, float_limit=0.05)
    noise = np.r_[2e-4, 5e-5, np.zeros(40)]
    for shift in (-1, 0, 1):
        h = _channel_samples(rng, echo_at=(int(rng.integers(12, 30)),), echo=0.25)
        fom, w_ref, b_ref = reference.solve_mmse(h, 30 + shift, noise, *_receiver(rx), VAR_X)
        r, v = _problem(h, 30 + shift, rx, noise)
        mse, w, b = _solve(r[None], v[None], rx)
        assert 20 * np.log10(0.95 / 3 / np.sqrt(mse[0])) == pytest.approx(fom, abs=1e-9)
        np.testing.assert_allclose(w[0], w_ref, atol=1e-9)
        np.testing.assert_allclose(b[0], b_ref, atol=1e-9)


# ---------------------------------------------------------------------- the search
def test_batch_results_equal_one_at_a_time_results(link):
    p, search = link["p"], link["search"]
    taps = full_taps(p, p.tx_grid()[::97])
    batch = search(taps)
    for i in (0, 3, len(taps) - 1):
        one = search(taps[i : i + 1])
        for name in ("fom_db", "mse", "cursor_ix", "rx_taps", "dfe_taps", "var_tx_v2"):
            # (equal to the last bits a different BLAS blocking of the batch may change)
            np.testing.assert_allclose(
                getattr(batch, name)[i], getattr(one, name)[0], rtol=1e-10, atol=1e-13
            )


def test_tx_ffe_shortcut_equals_the_equalised_pulses(link):
    """The lagged products from the unequalised pulses (γ_c ⋆ ρ) give what the equalised
    pulses give directly, for pulses with room for the Tx FFE's shifts at both ends."""
    p = link["p"]
    pad = np.zeros(8 * M)
    vic, fext = (np.concatenate([pad, link[k], pad]) for k in ("vic", "fext"))
    search = MmseSearch(p, link["rx"], vic, [fext], [link["next"]], link["noise"])
    taps = full_taps(p, p.tx_grid()[[5, 400, 1100]])
    eq = [np.array([apply_t_spaced_fir(x, c, p.tx_cursor, step=M) for c in taps])
          for x in (vic, fext)]  # fmt: skip
    a, b = search(taps), search.evaluate_pulses(eq[0], [eq[1]])
    np.testing.assert_allclose(a.fom_db, b.fom_db, atol=1e-9)
    np.testing.assert_array_equal(a.cursor_ix, b.cursor_ix)
    np.testing.assert_allclose(a.rx_taps, b.rx_taps, atol=1e-9)
    np.testing.assert_allclose(a.var_j_v2, b.var_j_v2, rtol=1e-9)


@pytest.mark.parametrize("bump", [0.0, 0.9, 1.3])
def test_a_band_of_rows_gives_the_whole_pulses_answer(link, bump):
    """The Tx FFE is applied only on a band of rows around the unequalised peak; the answer is
    the whole pulse's, also with a wide reflection ``bump`` × the peak 120 UI later, which the
    band cannot prove smaller than its peak (then every row is used)."""
    p, vic = link["p"], link["vic"].copy()
    t_ui = np.arange(vic.size) / M
    peak_ui = np.argmax(vic) / M
    vic += bump * vic.max() * np.exp(-(((t_ui - peak_ui - 120) / 6) ** 2))
    search = MmseSearch(p, link["rx"], vic, [link["fext"]], [link["next"]], link["noise"])
    whole = copy.copy(search)
    whole.band = (0, search.n_rows)
    taps = full_taps(p, p.tx_grid()[::61])
    table = search._tx_rows(taps, *search.band)
    assert search._band_holds_peak(taps, table, *search.band) == (bump == 0)
    a, b = search(taps), whole(taps)
    for name in ("fom_db", "cursor_ix", "rx_taps", "dfe_taps", "var_isi_v2", "var_xt_v2"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name))
    at_reflection = a.cursor_ix // M > np.argmax(link["vic"]) // M + 100
    assert at_reflection.any() == (bump > 1)  # equalised peaks outside the band were found


def test_noise_breakdown_sums_to_the_mse_and_names_its_terms(link):
    p, search = link["p"], link["search"]
    res = search(full_taps(p, p.tx_grid()[::300]))
    total = sum(s**2 for s in res.sigmas_v.values())
    np.testing.assert_allclose(total, res.mse * res.cursor_v**2, rtol=1e-9)
    assert np.all(res.fom_db == res.fom_ts_db.max(axis=1))
    # the cursor tap is 1 and the equalised cursor is h0·taps
    np.testing.assert_allclose(res.rx_taps[:, 6], 1.0)
    for k in ("tx", "isi", "j", "xt", "n"):
        assert np.all(res.sigmas_v[k] > 0)


def test_returned_taps_equalise_the_pulse_as_documented(link):
    """e(t) = Σ_i rx_taps[i]·p(t + (n_pre − i)T) has e[cursor_ix] = cursor_v, and its samples
    at the cursor's phase give the ISI term: every row but the cursor, the DFE's less b·e(0)."""
    p, rx = link["p"], link["rx"]
    pad = np.zeros(8 * M)
    vic = np.concatenate([pad, link["vic"], pad])
    search = MmseSearch(p, rx, vic, rx_noise=link["noise"])
    taps = full_taps(p, p.tx_grid()[[17, 777]])
    res = search(taps)
    for j, c in enumerate(taps):
        e = apply_t_spaced_fir(apply_t_spaced_fir(vic, c, p.tx_cursor, step=M), res.rx_taps[j],
                               rx.n_pre, step=M)  # fmt: skip
        ix = res.cursor_ix[j]
        assert e[ix] == pytest.approx(res.cursor_v[j], rel=1e-12)
        isi = e[ix % M :: M].copy()
        row = ix // M
        isi[row] = 0.0
        isi[row + 1] -= res.dfe_taps[j, 0] * e[ix]
        assert VAR_X * (isi**2).sum() == pytest.approx(res.var_isi_v2[j], rel=1e-9)


def test_white_noise_enters_through_every_tap(link):
    p, rx = link["p"], link["rx"]
    taps = full_taps(p, p.tx_grid()[[300]])
    quiet = MmseSearch(p, rx, link["vic"], rx_noise=link["noise"])(taps)
    noisy = MmseSearch(p, rx, link["vic"], rx_noise=link["noise"], white_v2=1e-7)(taps)
    assert noisy.fom_db[0] < quiet.fom_db[0]
    assert noisy.var_q_v2[0] == pytest.approx(1e-7 * (noisy.rx_taps[0] ** 2).sum(), rel=1e-12)
    assert quiet.var_q_v2[0] == 0.0


def test_sampling_time_search_covers_plus_minus_half_a_ui(link):
    res = link["search"](full_taps(link["p"], link["p"].tx_grid()[:2]))
    assert res.fom_ts_db.shape == (2, M + 1)
    peak = res.cursor_ix - (np.argmax(res.fom_ts_db, axis=1) - M // 2)
    assert np.all(np.abs(res.cursor_ix - peak) <= M // 2)


def test_rx_noise_autocorrelation_at_lag_zero_is_the_93a_35_integral(link):
    p, f, hc = link["p"], link["f"], link["hc"]
    acf = rx_noise_acf(p, f, hc, 8)
    assert acf[0] == pytest.approx(noise_variance(p, f, hc), rel=1e-3)
    assert np.all(np.abs(acf[1:]) < acf[0])


def test_rx_ffe_config_names_the_bad_field():
    with pytest.raises(ConfigError, match="float_groups"):
        RxFfe.with_limits(87, 6, 15, 20, 4)
    with pytest.raises(ConfigError, match="w_min"):
        RxFfe(4, 1, (0.0,) * 3, (1.0,) * 4, (0.0,), (1.0,))
    assert rx_ffe_8023dj("C2C").n_taps == 56


# ---------------------------------------------------------------------- optional oracle
_ORACLE = r"""
import json, sys
import numpy as np
from pychopmarg.noise import NoiseCalc
from pychopmarg.optimize import mmse
d = np.load(sys.argv[1])
out = []
for j in range(d["vic"].shape[0]):
    nc = NoiseCalc(4, float(d["tb"]), 0, d["t"], d["vic"][j], [d["fext"][j], d["next"]], d["f"],
                   d["ht"], d["h21"], d["hr"], d["hctf"], float(d["eta0"]), float(d["av"]),
                   float(d["snr"]), float(d["add"]), float(d["rj"]))
    r = mmse(nc, 87, 6, 1, 0.95, 4, d["bmin"], d["bmax"], d["wmin"], d["wmax"],
             n_fix=15, n_float_groups=2, n_float_taps=4)
    out.append({"fom": float(r["fom"]), "cursor_ix": int(r["cursor_ix"]),
                "rx_taps": (r["rx_taps"] / r["rx_taps"][6]).tolist(),
                "dfe": [float(x) for x in r["dfe_tap_weights"]], "mse": float(r["mse"]),
                "var_tx": float(r["varTx"])})
print(json.dumps(out))
"""


def test_mmse_matches_pychopmarg_3_4_0(pychopmarg_path, tmp_path):
    """The same pulses, noise and receiver (802.3dj KR: 87 positions, 6 pre, 15 fixed, 2 × 4
    floating, one DFE tap) through PyChOpMarg's ``optimize.mmse``: FOM within 0.05 dB, the same
    sampling index, taps within 1e-3. The grid is 1024 UI, so that PyChOpMarg's circular noise
    autocorrelations match the linear ones (COM's own grid is ~10⁴ UI)."""
    from oracles import run_oracle

    p = _params()
    t, f = _grid(1024)
    h21 = _line(f, 27, 20, 0.12)
    vic, hc = _pulse(p, f, h21, p.a_v_v, g_dc=-9.0, g_dc2=-1.0)
    fext, _ = _pulse(p, f, 0.05 * _line(f, 40, 25), p.a_fe_v, -9.0, -1.0)
    nxt, _ = _pulse(p, f, 0.03 * _line(f, 20, 22), p.a_ne_v, -9.0, -1.0)
    rx = rx_ffe_8023dj("KR")
    search = MmseSearch(p, rx, vic, [fext], [nxt], rx_noise_acf(p, f, hc, rx.n_taps))
    taps = full_taps(p, p.tx_grid()[[0, 230, 640, 911, 1278]])
    eq = [np.array([apply_t_spaced_fir(x, c, p.tx_cursor, step=M, circular=True) for c in taps])
          for x in (vic, fext)]  # fmt: skip
    mine = search.evaluate_pulses(eq[0], [eq[1]])
    np.savez(
        tmp_path / "in.npz", t=t, f=f, tb=p.ui_s, vic=np.roll(eq[0], rx.n_pre * M, axis=1),
        fext=eq[1], next=nxt, ht=tx_filter(p, f), h21=h21, hr=rx_filter(p, f), hctf=hc,
        eta0=p.eta0_v2_per_hz * 1e9, av=p.a_v_v, snr=p.snr_tx_db, add=p.a_dd_ui,
        rj=p.sigma_rj_ui, bmin=np.array(rx.dfe_bmin), bmax=np.array(rx.dfe_bmax),
        wmin=np.array(rx.w_min), wmax=np.array(rx.w_max),
    )  # fmt: skip
    ref = json.loads(run_oracle(pychopmarg_path, _ORACLE, str(tmp_path / "in.npz")))
    for j, r in enumerate(ref):  # (PyChOpMarg's pulses carry its Rx FFE's n_pre-UI delay)
        assert abs(mine.fom_db[j] - r["fom"]) < 0.05, (j, mine.fom_db[j], r["fom"])
        assert mine.cursor_ix[j] == r["cursor_ix"] - rx.n_pre * M
        np.testing.assert_allclose(mine.rx_taps[j], r["rx_taps"], atol=1e-3)
        np.testing.assert_allclose(mine.dfe_taps[j], r["dfe"], atol=1e-3)
        # its Tx noise is the one term it reports through the Rx FFE, relative to a unit cursor
        assert mine.var_tx_v2[j] / mine.cursor_v[j] ** 2 == pytest.approx(r["var_tx"], rel=1e-3)
