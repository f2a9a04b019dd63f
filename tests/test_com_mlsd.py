"""Annex 178A's ADC quantisation noise (178A.1.9) and MLSD credit (178A.1.10) against closed
forms, an independent grid computation, and (SIGINT_ORACLES=1) PyChOpMarg 3.4.0."""

from __future__ import annotations

import json

import numpy as np
import pytest
from oracles import run_oracle
from scipy.optimize import brentq
from scipy.special import ndtr, ndtri

from sigint.com.mlsd import (
    added_noise_gain,
    ffe_output_correlation,
    ffe_power_response,
    isi_correlation,
    isi_psd,
    lag_correlation,
    mlsd_credit,
    mlsd_der,
    tail_amplitude,
)
from sigint.com.quant import quantization_noise, quantizer_step
from sigint.stateye.grid import convolve_groups, with_gaussian

LEVELS = 4
DER0 = 1e-4
UI_S = 1 / 106.25e9


def _delta_pmf(sample_sets, dv_v, levels=LEVELS):
    """The PMF of Σ h·a (a on L equiprobable levels in ±1) on a zero-centred grid, and the
    variance the bin splitting added (V²)."""
    norm_levels = 2 * np.arange(levels) / (levels - 1) - 1
    support = sum(float(np.abs(h).sum()) for h in sample_sets)
    half = int(np.ceil(support / dv_v)) + 3
    pmf = np.zeros(2 * half + 1)
    pmf[half] = 1.0
    blocks = [
        (np.outer(h, norm_levels), np.full((h.size, levels), 1 / levels)) for h in sample_sets
    ]
    blur = convolve_groups(blocks, dv_v, pmf, np.empty(pmf.size))
    return pmf, blur * dv_v**2


def _scenario(bins_per_a_s=1000):
    """A DFE receiver's figures at the detector: residual ISI, one crosstalk aggressor, Gaussian
    noise of which 60 % is Rx noise, and PSDs on the folded band."""
    h0 = 0.03
    a_s = h0 / (LEVELS - 1)
    isi = h0 * np.array([0.005, -0.015, 0.01, 0.0, 0.02, 0.015, -0.01, 0.008, 0.005, -0.004])
    xt = h0 * 0.01 * np.random.default_rng(1).standard_normal(30)
    dv = a_s / bins_per_a_s
    pmf, blur_v2 = _delta_pmf([isi, xt], dv)
    sigma_g = 0.08 * a_s
    f = np.linspace(0, 0.5 / UI_S, 129)
    shape = 1 / (1 + (f * UI_S / 0.3) ** 2)
    s_rn = 0.6 * sigma_g**2 * shape / lag_correlation(f, shape, 0, UI_S)[0]
    s_n = s_rn + 0.4 * sigma_g**2 * UI_S
    return {
        "pmf_rest": pmf,
        "dv_v": dv,
        "var_g_v2": sigma_g**2 - blur_v2,
        "a_s_v": a_s,
        "f_hz": f,
        "s_n_out_v2_per_hz": s_n,
        "s_rn_out_v2_per_hz": s_rn,
        "s_isi_v2_per_hz": isi_psd(f, isi, UI_S, LEVELS),
    }


def _credit(case, b1, n_lags=100):
    f = case["f_hz"]
    lags = [
        lag_correlation(f, case[k], n_lags, UI_S)
        for k in ("s_n_out_v2_per_hz", "s_rn_out_v2_per_hz", "s_isi_v2_per_hz")
    ]
    return mlsd_credit(
        case["pmf_rest"], case["dv_v"], case["var_g_v2"], case["a_s_v"], DER0, b1, LEVELS, *lags
    )


# --- quantiser step (178A-29/30) ---------------------------------------------------------------


@pytest.mark.parametrize("p_clip", [1e-7, 1e-4])
def test_a_gaussian_alone_clips_at_its_two_sided_normal_quantile(p_clip):
    sigma = 2.5e-3
    for signal in ([], np.zeros(7)):
        q = quantizer_step(signal, sigma**2, LEVELS, p_clip=p_clip)
        expected = sigma * ndtri(1 - p_clip / 2)
        assert q.clip_v == pytest.approx(expected, rel=1e-9)
        assert q.step_v == pytest.approx(2 * expected / (2**6 - 1), rel=1e-9)


def test_a_long_tail_of_tiny_samples_gives_the_same_step_at_any_bin_count():
    """Samples under half a bin enter as their variance: a pulse with a 5000-UI tail decaying
    from 1 % to 1e-6 of its cursor (which samples count as tiny moves with the bin count) gives
    Δ with the search's 2001 bins within 1 % of 32001 bins (measured 0.8 %; when every tail
    sample was convolved on the grid, 2001 bins were 9.6 % off), and the tail's variance does
    matter (vs no tail)."""
    h = np.concatenate([[0.1, 0.03, -0.01], 1e-3 * np.geomspace(1, 1e-4, 5000)])
    coarse, fine = (quantizer_step(h, 1e-6, LEVELS, bins=b).step_v for b in (2001, 32001))
    assert coarse == pytest.approx(fine, rel=1e-2)
    assert quantizer_step(h[:3], 1e-6, LEVELS, bins=8001).step_v < fine * (1 - 1e-3)


def test_the_clipping_level_meets_p_clip_for_a_pam_cursor_in_gaussian_noise():
    """One cursor's L levels plus Gaussian noise: P(|x| > V_qc) has a closed form."""
    h0, sigma, p_clip = 0.1, 0.012, 1e-7
    values = h0 * (2 * np.arange(LEVELS) / (LEVELS - 1) - 1)

    def clipped(v):
        return np.mean(ndtr((values - v) / sigma) + ndtr((-v - values) / sigma))

    q = quantizer_step([h0], sigma**2, LEVELS, p_clip=p_clip)
    assert clipped(q.clip_v) == pytest.approx(p_clip, rel=1e-4)
    exact = brentq(lambda v: clipped(v) - p_clip, h0, h0 + 10 * sigma, xtol=1e-15)
    assert q.clip_v == pytest.approx(exact, rel=1e-6)


def test_interference_widens_the_clipping_level():
    rng = np.random.default_rng(3)
    pulse = 0.1 * np.concatenate([[0.02, -0.05, 0.15, 1.0], 0.4 * np.exp(-np.arange(40) / 6)])
    xt = [0.004 * rng.standard_normal(60) for _ in range(2)]
    alone = quantizer_step(pulse, 0.002**2, LEVELS)
    both = quantizer_step(pulse, 0.002**2, LEVELS, interference_v=xt)
    assert both.clip_v > alone.clip_v > np.abs(pulse).sum() * 0.5


# --- quantisation noise through the Rx FFE (178A-43/46) ---------------------------------------

TAPS = np.array([0.02, -0.06, 0.15, -0.35, 1.0, -0.25, 0.08, -0.03, 0.01, 0.004, -0.002])


@pytest.mark.parametrize("bins_per_step", [3.7, 20.0, 61.3])
def test_the_quantisation_pmf_has_the_taps_variance_and_support(bins_per_step):
    step = 1e-3
    dv = step / bins_per_step
    q = quantization_noise(TAPS, step, dv)
    assert q.var_v2 == pytest.approx(np.sum(TAPS**2) * step**2 / 12, rel=1e-14)
    assert q.pmf.sum() == pytest.approx(1.0, abs=1e-14)
    assert np.dot(q.pmf, q.y_v) == pytest.approx(0.0, abs=1e-12 * step)
    assert np.dot(q.pmf, q.y_v**2) == pytest.approx(q.var_v2 + q.excess_var_v2, rel=1e-12)
    assert abs(q.excess_var_v2) <= TAPS.size * dv**2 / 12 * 1.001
    assert q.half_width_v == pytest.approx(np.abs(TAPS).sum() * step / 2)
    edge = np.abs(q.y_v[q.pmf > 0]).max() / dv  # outermost bin with mass
    hw = q.half_width_v / dv
    assert hw - TAPS.size / 2 <= edge <= hw + TAPS.size / 2
    padded = quantization_noise(TAPS, step, dv, n_bins=q.pmf.size + 10)
    assert np.array_equal(padded.pmf[5:-5], q.pmf)


@pytest.mark.parametrize(
    ("bins_per_step", "gaussian"), [(100, False), (200, False), (25, True), (100, True)]
)
def test_the_quantisation_pmf_does_not_depend_on_the_bin_count(bins_per_step, gaussian):
    """Doubling the bins moves the DER_0 point of the quantisation noise by less than 0.5 %:
    alone at the COM grid's density (Δ spans 100+ bins of min(A_s/1000, 10 µV)), and with a
    Gaussian as large as it on a coarse grid. (Alone on a coarse grid the edge bins' smear is
    first order in the bin: 1.2 % at 25 bins.)"""
    step = 2e-3
    dv = step / bins_per_step
    coarse = quantization_noise(TAPS, step, dv)
    fine = quantization_noise(TAPS, step, dv / 2)
    var = coarse.var_v2 if gaussian else 0.0
    a = tail_amplitude(coarse.pmf, dv, var, DER0)
    b = tail_amplitude(fine.pmf, dv / 2, var, DER0)
    assert a == pytest.approx(b, rel=5e-3)


def test_one_tap_gives_the_exact_uniform_quantiles_inside_its_end_bins():
    """Exact masses per bin: the CDF is exact at every bin edge, so the quantiles are exact
    everywhere but within the (fractional) end bins."""
    q = quantization_noise([1.0], 1e-3, 1e-3 / 7.3)
    end_mass = q.pmf[0]
    for p in (end_mass * 1.01, 0.1, 0.3):
        assert tail_amplitude(q.pmf, q.dv_v, 0.0, p) == pytest.approx(0.5e-3 * (1 - 2 * p))


# --- added noise (178A.1.10.1) -----------------------------------------------------------------


def _grid_a_ni(pmf, dv, var, der0):
    """An independent DER_0 point: the Gaussian integrated over each bin on the grid (the
    statistical engine's path), then the CDF at bin edges, interpolated."""
    half = pmf.size // 2
    pad = int(np.ceil(14 * np.sqrt(var) / dv))
    full = with_gaussian(np.pad(pmf, pad), var, dv)
    cdf = np.cumsum(full)
    edges = (np.arange(full.size) - half - pad + 0.5) * dv
    live = cdf > 0
    return -float(np.interp(der0, cdf[live], edges[live]))


def test_the_added_noise_lowers_com_dfe_by_3_db():
    case = _scenario()
    var_rn = lag_correlation(case["f_hz"], case["s_rn_out_v2_per_hz"], 0, UI_S)[0]
    got = added_noise_gain(case["pmf_rest"], case["dv_v"], case["var_g_v2"], var_rn, DER0)
    assert got.var_an_v2 == pytest.approx(got.g_an * var_rn)
    pmf, dv, var_g = case["pmf_rest"], case["dv_v"], case["var_g_v2"]
    exact = 20 * np.log10(
        tail_amplitude(pmf, dv, var_g + got.var_an_v2, DER0) / tail_amplitude(pmf, dv, var_g, DER0)
    )
    assert exact == pytest.approx(3.0, abs=1e-9)
    on_grid = 20 * np.log10(
        _grid_a_ni(pmf, dv, var_g + got.var_an_v2, DER0) / _grid_a_ni(pmf, dv, var_g, DER0)
    )
    assert on_grid == pytest.approx(3.0, abs=1e-3)


def test_gaussian_noise_alone_needs_its_variance_doubled_for_3_db():
    got = added_noise_gain([1.0], 1e-5, 4e-6, 2e-6, DER0, 3.0)
    assert got.g_an * 2e-6 == pytest.approx(4e-6 * (10**0.3 - 1), rel=1e-10)
    assert got.a_ni_an_v / got.a_ni_v == pytest.approx(10 ** (3 / 20), rel=1e-12)


# --- MLSD error ratio (178A-50) ----------------------------------------------------------------


def _white_terms(a_s, sigma, b, n):
    """((L−1)/L)^(j−1)·Q(A_s·|u_j|/σ): the error events in white Gaussian noise."""
    j = np.arange(1, n + 1)
    norm = np.sqrt(1 + (j - 1) * (1 - b) ** 2 + b**2)
    return ((LEVELS - 1) / LEVELS) ** (j - 1) * ndtr(-a_s * norm / sigma)


def test_white_noise_and_no_post_cursor_give_the_slicer_error_ratio():
    a_s, sigma = 4e-3, 1e-3
    rho = np.r_[1.0, np.zeros(40)]
    got = mlsd_der([1.0], 1e-5, sigma**2, a_s, 0.0, rho, LEVELS)
    assert got.terms[0] == pytest.approx(ndtr(-a_s / sigma), rel=1e-12)
    assert got.der == pytest.approx(ndtr(-a_s / sigma), rel=1e-3)
    # through the whole credit, white noise: no credit, and COM stays COM_DFE
    white = sigma**2 * rho
    credit = mlsd_credit([1.0], 1e-5, sigma**2, a_s, DER0, 0.0, LEVELS, white, white, 0 * white)
    assert -0.01 < credit.delta_com_db <= 0
    assert credit.com_db == credit.com_dfe_db


@pytest.mark.parametrize("b1", [0.0, 0.2, 0.5, 0.85, 1.0])
def test_every_error_event_in_white_gaussian_noise_follows_the_closed_form(b1):
    a_s, sigma = 4e-3, 1.1e-3
    got = mlsd_der([1.0], 1e-5, sigma**2, a_s, b1, np.r_[1.0, np.zeros(200)], LEVELS)
    want = _white_terms(a_s, sigma, b1, got.n_terms)
    np.testing.assert_allclose(got.terms, want, rtol=1e-9)
    assert got.terms[-1] <= 1e-4 * got.der < got.terms[-2]


def test_a_lattice_part_in_the_noise_is_scaled_and_convolved_as_its_sum():
    """Noise = a symmetric two-point lattice part + Gaussian: P_j against direct enumeration."""
    a_s, sigma, c, b = 4e-3, 0.8e-3, 0.6e-3, 0.37
    dv = c / 20  # b·c and (1 − b)·c fall between bins
    pmf = np.zeros(41)
    pmf[[0, 40]] = 0.5  # ±c
    got = mlsd_der(pmf, dv, sigma**2, a_s, b, np.r_[1.0, np.zeros(6)], LEVELS, max_terms=3)
    for j, term in enumerate(got.terms, start=1):
        u = np.r_[1.0, np.full(j - 1, 1 - b), b]
        # Σ u_k·n_k: 2^(j+1) equiprobable lattice sums, each with a Gaussian of σ²|u|²
        signs = np.array(np.meshgrid(*[[-1, 1]] * (j + 1))).reshape(j + 1, -1).T
        x = a_s * (u @ u)
        p = np.mean(ndtr((-x - c * signs @ u) / (sigma * np.sqrt(u @ u))))
        assert term == pytest.approx(((LEVELS - 1) / LEVELS) ** (j - 1) * p, rel=1e-3)


def test_correlated_noise_changes_the_error_ratio_as_its_sign_says():
    """A positive ρ(1) adds to n0 + b·n1's variance (more errors), a negative one cancels it."""
    a_s, sigma, b = 4e-3, 1e-3, 0.6
    der = {
        r1: mlsd_der([1.0], 1e-5, sigma**2, a_s, b, [1.0, r1, 0.0, 0.0], LEVELS).der
        for r1 in (-0.3, 0.0, 0.3)
    }
    assert der[0.3] > der[0.0] > der[-0.3]


def test_a_strong_first_post_cursor_earns_credit_and_com_never_falls_below_com_dfe():
    case = _scenario()
    credits = {b: _credit(case, b) for b in (0.0, 0.3, 0.6, 0.85)}
    com_dfe = credits[0.0].com_dfe_db
    for c in credits.values():
        assert c.com_dfe_db == com_dfe
        assert c.com_db == max(c.com_dfe_db, c.com_dfe_db + c.delta_com_db)
        assert c.com_db >= com_dfe
    assert credits[0.85].delta_com_db > credits[0.6].delta_com_db > 0.2
    assert credits[0.85].der_mlsd < credits[0.6].der_mlsd < credits[0.0].der_mlsd


def test_the_credit_does_not_depend_on_the_bin_count():
    coarse, fine = _credit(_scenario(1000), 0.7), _credit(_scenario(2000), 0.7)
    assert coarse.delta_com_db == pytest.approx(fine.delta_com_db, abs=0.01)
    assert coarse.g_an == pytest.approx(fine.g_an, rel=2e-3)


# --- the PSD helpers ---------------------------------------------------------------------------


def test_lag_correlation_is_the_inverse_real_fft_of_the_folded_psd():
    f = np.linspace(0, 0.5 / UI_S, 65)
    s = (1 + np.cos(2 * np.pi * f * UI_S)) ** 2 * 1e-14
    want = np.fft.irfft(s)[:20] / UI_S
    np.testing.assert_allclose(lag_correlation(f, s, 19, UI_S), want, rtol=1e-10, atol=1e-16)


def test_the_isi_psd_integrates_to_the_isi_variance():
    isi = np.array([0.01, -0.02, 0.005, 0.03, -0.004])
    f = np.linspace(0, 0.5 / UI_S, 33)
    var_x = (LEVELS + 1) / (3 * (LEVELS - 1))
    r = lag_correlation(f, isi_psd(f, isi, UI_S, LEVELS), 2, UI_S)
    assert r[0] == pytest.approx(var_x * np.sum(isi**2), rel=1e-12)
    assert r[1] == pytest.approx(var_x * np.dot(isi[:-1], isi[1:]), rel=1e-12)


def test_the_lag_forms_equal_the_psd_forms():
    """R_n·γ_w and σ_X²Σh(n)h(n+k) from lags equal the lags of S·|H_w|² and S_isi."""
    f = np.linspace(0, 0.5 / UI_S, 257)
    s_in = (1 + 0.6 * np.cos(2 * np.pi * f * UI_S)) ** 3 * 1e-14
    taps = np.array([0.05, -0.2, 1.0, -0.3, 0.1, -0.02])
    r_in = lag_correlation(f, s_in, 20 + taps.size, UI_S)
    want = lag_correlation(f, s_in * ffe_power_response(f, taps, UI_S), 20, UI_S)
    np.testing.assert_allclose(ffe_output_correlation(r_in, taps, 20), want, atol=1e-12 * want[0])
    isi = np.array([0.01, -0.02, 0.005, 0.03, -0.004])
    want = lag_correlation(f, isi_psd(f, isi, UI_S, LEVELS), 8, UI_S)
    np.testing.assert_allclose(isi_correlation(isi, LEVELS, 8), want, atol=1e-12 * want[0])


def test_bad_inputs_name_the_value():
    with pytest.raises(ValueError, match="odd length"):
        mlsd_der(np.ones(4) / 4, 1e-5, 1e-6, 4e-3, 0.5, [1.0, 0.0], LEVELS)
    with pytest.raises(ValueError, match="b1"):
        mlsd_der([1.0], 1e-5, 1e-6, 4e-3, 1.2, [1.0, 0.0], LEVELS)
    with pytest.raises(ValueError, match="f_hz"):
        lag_correlation(np.linspace(0, 1e9, 5), np.ones(5), 2, UI_S)
    with pytest.raises(ValueError, match="var_rn_v2"):
        added_noise_gain([1.0], 1e-5, 1e-6, 0.0, DER0)
    with pytest.raises(ValueError, match="r_in_v2"):
        ffe_output_correlation(np.ones(3), np.ones(3), 2)
    with pytest.raises(ValueError, match="equal length"):
        mlsd_credit([1.0], 1e-5, 1e-6, 4e-3, DER0, 0.5, LEVELS, np.ones(3), np.ones(3), np.ones(2))
    with pytest.raises(ValueError, match="n_bins"):
        quantization_noise([1.0], 1e-3, 1e-4, n_bins=4)


# --- PyChOpMarg 3.4.0 as an oracle (SIGINT_ORACLES=1) ------------------------------------------

_ORACLE = r"""
import json, sys
import numpy as np
from pychopmarg.mlsd import der_mlsd, inv_cdf, solve_g_an
from pychopmarg.noise import NoiseCalc

d = np.load(sys.argv[1])
out = {}
# quantiser step: a NoiseCalc holding only what quant_step reads (one sample per UI)
nc = NoiseCalc.__new__(NoiseCalc)
nc.L, nc.Nqb, nc.Pqc, nc.nspui, nc.ts_ix = 4, 6, 1e-7, 1, 0
nc.vic_pulse_resp = d["q_signal"]
noise = [d["q_xt"][i] for i in range(d["q_xt"].shape[0])] + [d["q_dd"]]
out["step"] = nc.quant_step(float(d["q_var"]), noise_samps=noise, npts=8001)
# the MLSD credit as its COM.calc_mlsd computes it, on a grid padded for the added noise
dv, a_s, ui = float(d["dv"]), float(d["a_s"]), float(d["ui"])
var_rn = float(np.fft.irfft(d["s_rn"])[0] / ui)
p_rest = np.pad(d["pmf"], int(np.ceil(6 * a_s / dv)))
g_an, p_an = solve_g_an(p_rest, dv, float(d["var_g"]), var_rn, float(d["der0"]), 3.0)
out["g_an"], out["delta"] = g_an, []
for b in d["b"]:
    r_ni = np.fft.irfft(d["s_n"] + g_an * d["s_rn"] + d["s_isi"])
    der, _ = der_mlsd(p_an, dv, a_s, float(b), r_ni / r_ni[0], 4)
    out["delta"].append(20 * np.log10(-inv_cdf(p_an, dv, der) / a_s))
print(json.dumps(out))
"""


def test_pychopmarg_agrees_on_the_step_the_added_noise_and_the_credit(pychopmarg_path, tmp_path):
    rng = np.random.default_rng(3)
    pulse = 0.1 * np.concatenate(
        [
            [0.02, -0.05, 0.15, 1.0],
            0.4 * np.exp(-np.arange(60) / 6) * (1 + 0.2 * rng.normal(size=60)),
        ]
    )
    q_xt = 0.004 * rng.standard_normal((3, 80))
    q_dd = 0.002 * np.array([0.05, -0.2, 0.8, -0.6, 0.1])
    q_var = 0.0025**2
    case = _scenario(4000)
    bs = np.array([0.0, 0.3, 0.6, 0.85])
    np.savez(
        tmp_path / "in.npz",
        q_signal=pulse,
        q_xt=q_xt,
        q_dd=q_dd,
        q_var=q_var,
        pmf=case["pmf_rest"],
        dv=case["dv_v"],
        var_g=case["var_g_v2"],
        a_s=case["a_s_v"],
        der0=DER0,
        ui=UI_S,
        s_n=case["s_n_out_v2_per_hz"],
        s_rn=case["s_rn_out_v2_per_hz"],
        s_isi=case["s_isi_v2_per_hz"],
        b=bs,
    )
    want = json.loads(run_oracle(pychopmarg_path, _ORACLE, str(tmp_path / "in.npz")))
    step = quantizer_step(pulse, q_var, LEVELS, interference_v=[*q_xt, q_dd]).step_v
    assert step == pytest.approx(want["step"], rel=5e-3)
    for b, delta in zip(bs, want["delta"], strict=True):
        got = _credit(case, float(b))
        assert got.g_an == pytest.approx(want["g_an"], rel=1e-2)
        assert got.delta_com_db == pytest.approx(delta, abs=0.05)
