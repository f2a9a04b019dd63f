"""Clock recovery: kernels against their twins, and the loop's physics on ISI-free PAM4.

The waveform is raised-cosine (β = 1) PAM4 at 32 samples/UI on the Tx grid, with AWGN; the
Rx clock's frequency offset (and SSC) is applied inside the CDR, as a free-running drift of
the sampling phase.
"""

from __future__ import annotations

import numpy as np
import pytest
import reference as ref
from numpy.lib.stride_tricks import sliding_window_view

from sigint.cdr import (
    CDRConfig,
    ClockRecovery,
    bb_pd_gain,
    design_loop_gains,
    jtol_template,
    loop_jitter_transfer,
    mm_pd_gain,
)
from sigint.errors import ConfigError
from sigint.kernels import cdr as k

S = 32
SPAN = 8  # pulse truncated to ±8 UI (β = 1 tails fall as 1/t³)
LEVELS = np.array([-1.0, -1 / 3, 1 / 3, 1.0])
THRESHOLDS = 0.5 * (LEVELS[1:] + LEVELS[:-1])
F_BAUD_HZ = 53.125e9
K_MM = mm_pd_gain(LEVELS, 1 / 3, -1 / 3)  # raised cosine β = 1: h'(∓1) = ±1/3
N_LONG = 1_000_000
CHUNK = 131_072


def _rc(t):
    """Raised cosine, β = 1, with its removable singularity at |t| = 1/2 filled in."""
    t = np.asarray(t, float)
    den = 1.0 - (2.0 * t) ** 2
    sing = np.abs(den) < 1e-9
    return np.where(
        sing, np.pi / 4 * np.sinc(0.5), np.sinc(t) * np.cos(np.pi * t) / np.where(sing, 1, den)
    )


def _rows(symbols, noise, rng, jitter=None, chunk=CHUNK):
    """Chunks of rows[k, p] = Σ_j a[k−j]·h(j + (p − S/2)/S − J[k−j]) + noise."""
    a = np.concatenate([np.zeros(SPAN), LEVELS[symbols], np.zeros(SPAN)])
    tp = (np.arange(S) - S / 2) / S
    lags = np.arange(SPAN, -SPAN - 1, -1)  # window column i holds symbol k − lags[i]
    pulse = _rc(lags[:, None] + tp[None, :])
    if jitter is not None:
        jit = np.concatenate([np.zeros(SPAN), jitter, np.zeros(SPAN)])
    for k0 in range(0, symbols.size, chunk):
        k1 = min(symbols.size, k0 + chunk)
        win = sliding_window_view(a[k0 : k1 + 2 * SPAN], 2 * SPAN + 1)
        if jitter is None:
            r = win @ pulse
        else:
            jw = sliding_window_view(jit[k0 : k1 + 2 * SPAN], 2 * SPAN + 1)
            r = np.zeros((k1 - k0, S))
            for i, lag in enumerate(lags):
                r += win[:, i, None] * _rc(lag + tp[None, :] - jw[:, i, None])
        yield r + noise * rng.standard_normal(r.shape)


def _run(cfg, symbols, rng, noise=0.01, jitter=None):
    """Stream the rows through a ClockRecovery; returns (report, symbol errors, phases)."""
    cr = ClockRecovery(cfg, LEVELS)
    errors, phases, rows_hit = 0, [], []
    for rows in _rows(symbols, noise, rng, jitter):
        d, sym, ph, _ = cr(rows)
        errors += int(np.count_nonzero(d != symbols[sym]))
        phases.append(ph)
        rows_hit.append(sym)
    return cr.report(), errors, np.concatenate(phases), np.concatenate(rows_hit)


@pytest.fixture(scope="module")
def symbols():
    return np.random.default_rng(2024).integers(0, 4, N_LONG)


def _mm(ppm=0.0, bw_hz=20e6, **kw):
    return CDRConfig.designed(
        "mueller-muller", bw_hz, 1.0, K_MM, F_BAUD_HZ, freq_offset_ppm=ppm, **kw
    )


def _bb(ppm=0.0, **kw):
    # slew-limited acquisition: the proportional path alone outruns the offset when
    # kp·ρ = 2⁻⁹/4 = 488 ppm > |offset|; ki = 2⁻²⁰ moves the frequency ~1 ppm per vote
    return CDRConfig("bang-bang", 2**-9, 2**-20, freq_offset_ppm=ppm, **kw)


# ------------------------------------------------------------------ kernels against twins
def test_sample_at_is_linear_interpolation_on_the_flattened_rows():
    rng = np.random.default_rng(0)
    flat = rng.standard_normal(6 * 8)
    for kk, phi in [
        (0, -0.5),
        (0, 0.0),
        (2, 0.37),
        (4, 0.5),
        (5, 0.25),
        (5, 0.375),
        (3, -0.123456),
    ]:
        assert k.sample_at(flat, 8, kk, phi) == pytest.approx(
            ref.cdr_sample_at(flat, 8, kk, phi), abs=1e-14
        )
    assert k.sample_at(flat, 8, 5, 0.375) == flat[-1]  # last grid point read alone


def test_phase_detectors_match_their_twins():
    rng = np.random.default_rng(1)
    for y, yp, a, ap in rng.standard_normal((50, 4)):
        assert k.pd_mueller_muller(y, yp, a, ap) == ref.cdr_pd_mueller_muller(y, yp, a, ap)
    for ap in LEVELS:
        for a in LEVELS:
            for edge in (-0.3, -1e-3, 0.0, 1e-3, 0.4):
                assert k.pd_bang_bang(ap, a, edge) == ref.cdr_pd_bang_bang(ap, a, edge)
    # only the symmetric transitions vote: -1↔+1 and -1/3↔+1/3 (4 of the 16 pairs)
    votes = [k.pd_bang_bang(ap, a, 0.1) != 0 for ap in LEVELS for a in LEVELS]
    assert sum(votes) == 4


@pytest.mark.parametrize("pi_steps", [0, 64])
def test_loop_update_matches_its_twin(pi_steps):
    rng = np.random.default_rng(2)
    state, twin = np.array([0.1, 0.0, 0.1]), [0.1, 0.0, 0.1]
    for e in rng.standard_normal(500):
        applied = k.loop_update(state, e, 0.01, 1e-4, pi_steps)
        twin, expect = ref.cdr_loop_update(twin, e, 0.01, 1e-4, pi_steps)
        assert applied == expect
        np.testing.assert_array_equal(state, twin)
    if pi_steps:
        assert np.all(np.round(state[2] * pi_steps, 9) % 1 == 0)


def _twin_cfg(detector):
    return dict(
        detector=detector,
        kp=0.05,
        ki=1e-4,
        pi_steps=16,
        eps0=3e-3,
        dev=2e-3,
        nu=1 / 700,
        window=16,
        n_lock=2,
        drift_thr=5e-3,
        rms_thr=0.2,
        phase0=0.05,
    )


def _kernel_params(c):
    p = np.zeros(k.N_PARAMS)
    p[[k.P_DETECTOR, k.P_KP, k.P_KI, k.P_PI_STEPS, k.P_FREQ, k.P_SSC_DEV, k.P_SSC_FREQ]] = [
        c["detector"],
        c["kp"],
        c["ki"],
        c["pi_steps"],
        c["eps0"],
        c["dev"],
        c["nu"],
    ]
    p[[k.P_WINDOW, k.P_LOCK_WINDOWS, k.P_DRIFT_THR, k.P_RMS_THR]] = [
        c["window"],
        c["n_lock"],
        c["drift_thr"],
        c["rms_thr"],
    ]
    return p


@pytest.mark.parametrize("detector", [0, 1], ids=["mueller-muller", "bang-bang"])
def test_recover_clock_matches_a_plain_python_loop_and_chunks_change_nothing(detector):
    rng = np.random.default_rng(3 + detector)
    rows = rng.standard_normal((1500, S))  # noise: the loop random-walks, slips and relocks
    c = _twin_cfg(detector)
    d, r, ph, lk, slips, stats = ref.cdr_recover_clock(rows, THRESHOLDS, LEVELS, c, 10**6)
    assert slips > 0 and lk.any() and not lk.all()  # the random walk exercises every branch

    def run(bounds):
        state = np.zeros(k.N_STATE)
        k.reset_cdr_state(state, c["phase0"])
        outs = []
        for lo, hi in bounds:
            buf = np.ascontiguousarray(rows[lo:hi])
            o = (
                np.empty(3000, np.int8),
                np.empty(3000, np.int64),
                np.empty(3000),
                np.empty(3000, np.int8),
            )
            n = k.recover_clock(buf, lo, THRESHOLDS, LEVELS, _kernel_params(c), state, *o)
            outs.append([x[:n] for x in o])
        return [np.concatenate(x) for x in zip(*outs, strict=True)], state

    (kd, kr, kph, klk), state = run([(0, rows.shape[0])])
    np.testing.assert_array_equal(kd, d)
    np.testing.assert_array_equal(kr, r)
    np.testing.assert_allclose(kph, ph, rtol=0, atol=1e-12)
    np.testing.assert_array_equal(klk, lk)
    assert state[k.S_SLIPS] == slips
    lock = state[k.LOCK0 :]
    assert lock[k.L_NWIN] == len(stats)
    np.testing.assert_allclose(
        [lock[k.L_DRIFT], lock[k.L_RMS], lock[k.L_FERR]], stats[-1], rtol=1e-9, atol=1e-12
    )
    # chunked, each chunk re-starting two rows before the next decision's row
    bounds, lo = [], 0
    for hi in (200, 201, 650, 1100, rows.shape[0]):
        bounds.append((lo, hi))
        lo = hi - 3
    (cd, cr_, cph, clk), cstate = run(bounds)
    np.testing.assert_array_equal(cd, kd)
    np.testing.assert_array_equal(cr_, kr)
    np.testing.assert_array_equal(cph, kph)
    np.testing.assert_array_equal(clk, klk)
    np.testing.assert_array_equal(cstate, state)


def test_the_stage_gives_the_same_answer_whatever_the_chunking():
    rng = np.random.default_rng(5)
    sym = rng.integers(0, 4, 20_000)
    rows = np.concatenate(list(_rows(sym, 0.02, rng)))
    cfg = _bb(ppm=250.0, pi_steps_per_ui=64, lock_window=512)
    one = ClockRecovery(cfg, LEVELS)
    ref_out = one(rows)
    many = ClockRecovery(cfg, LEVELS)
    cuts = np.sort(rng.choice(np.arange(1, rows.shape[0]), 30, replace=False))
    outs = [many(part) for part in np.split(rows, cuts)]
    for a, b in zip(ref_out, (np.concatenate(x) for x in zip(*outs, strict=True)), strict=True):
        np.testing.assert_array_equal(a, b)
    assert one.report() == many.report()


# ------------------------------------------------------------------ physics
@pytest.mark.parametrize("ppm", [100.0, -300.0])
@pytest.mark.parametrize("make", [_mm, _bb], ids=["mueller-muller", "bang-bang"])
def test_cdr_tracks_a_frequency_offset_over_1m_pam4_symbols(make, ppm, symbols):
    rep, errors, _, _ = _run(make(ppm, pi_steps_per_ui=64), symbols, np.random.default_rng(7))
    assert rep.n_decisions >= N_LONG - 3
    assert abs(rep.freq_error_ppm) < 1.0
    assert rep.max_freq_error_locked_ppm < 1.0  # every locked window, not just the last
    assert abs(rep.drift_ppm) < 1.0
    assert rep.slips == 0 and errors == 0
    assert rep.verdict == "locked" and rep.lock_gained_at[0] < 50_000 and not rep.lock_lost_at


@pytest.mark.parametrize("make", [_mm, _bb], ids=["mueller-muller", "bang-bang"])
def test_a_broken_loop_says_not_locked_and_counts_its_slips(make, symbols):
    # REFERENCE §9: PyBERT's loop drifted 2.7 % while its flag read "locked"
    cfg = CDRConfig(make().detector, 0.0, 0.0, freq_offset_ppm=100.0)
    rep, _, _, _ = _run(cfg, symbols[:200_000], np.random.default_rng(8))
    assert rep.verdict.startswith("NOT locked: never acquired lock")
    assert "drifting +100.0 ppm" in rep.verdict
    assert rep.slips == 20  # 100 ppm × 200k UI
    assert rep.freq_error_ppm == pytest.approx(100.0, abs=1e-6)
    assert rep.locked_fraction == 0.0


def test_ssc_down_spread_is_tracked_by_a_wide_loop_and_slips_a_narrow_one(symbols):
    ssc = dict(
        ssc_ppm=5000.0, ssc_freq_hz=33e3 * 4, pi_steps_per_ui=64
    )  # 4 × 33 kHz: 2.5 cycles in 1M UI
    wide, errors, _, _ = _run(_mm(bw_hz=20e6, **ssc), symbols, np.random.default_rng(9))
    assert wide.slips == 0 and errors == 0 and wide.verdict == "locked"
    # tracking a frequency ramp, a type-2 loop keeps a constant phase lag (ramp/ωn²)
    # at each turnaround the ramp of ε reverses (Δ = 4·dev·ν per UI) and the integrator lags
    # it by ~Δ/ωn ≈ 100 ppm·e⁻¹ for ζ = 1: a transient, not a loss of lock
    assert wide.max_freq_error_locked_ppm < 80.0
    narrow, _, _, _ = _run(_mm(bw_hz=0.2e6, **ssc), symbols[:300_000], np.random.default_rng(9))
    assert narrow.slips > 10 and narrow.verdict.startswith("NOT locked")


def test_phase_interpolator_steps_add_their_quantisation_noise(symbols):
    rms = {}
    for steps in (0, 64):
        rep, errors, _, _ = _run(
            _mm(100.0, pi_steps_per_ui=steps), symbols[:300_000], np.random.default_rng(10)
        )
        assert errors == 0 and rep.verdict == "locked"
        rms[steps] = rep.phase_rms_ui
    extra = np.sqrt(rms[64] ** 2 - rms[0] ** 2)
    assert extra == pytest.approx(1 / (64 * np.sqrt(12)), rel=0.25)


def test_mueller_muller_gain_matches_its_measured_s_curve(symbols):
    rows = next(_rows(symbols[:50_000], 0.0, np.random.default_rng(11)))
    flat = rows.ravel()
    idx = np.arange(SPAN, rows.shape[0] - SPAN)
    a = LEVELS[symbols[:50_000]]
    slope = []
    for tau in (-0.02, 0.02):
        y = np.interp(idx * S + S / 2 + tau * S, np.arange(flat.size), flat)
        e = y[1:] * a[idx[:-1]] - y[:-1] * a[idx[1:]]
        slope.append(e.mean())
    assert -(slope[1] - slope[0]) / 0.04 == pytest.approx(K_MM, rel=0.02)


@pytest.mark.parametrize("period_ui", [5000, 200], ids=["below-bandwidth", "above-bandwidth"])
def test_measured_phase_response_to_sinusoidal_jitter_matches_the_analytic_transfer(
    period_ui, symbols
):
    bw_hz, n = 50e6, 60_000
    cfg = _mm(bw_hz=bw_hz)
    f_hz = F_BAUD_HZ / period_ui
    amp = 0.05
    jit = amp * np.sin(2 * np.pi * np.arange(n) / period_ui)
    _, errors, phase, _ = _run(cfg, symbols[:n], np.random.default_rng(12), noise=0.0, jitter=jit)
    assert errors == 0
    start = 10_000
    stop = start + ((phase.size - start) // period_ui) * period_ui
    w = np.exp(-2j * np.pi * np.arange(start, stop) / period_ui)
    h_meas = np.sum(phase[start:stop] * w) / np.sum(jit[start:stop] * w)
    h = loop_jitter_transfer(f_hz, cfg.kp, cfg.ki, K_MM, F_BAUD_HZ)
    assert abs(h_meas) == pytest.approx(abs(h), rel=0.10)
    assert abs(np.angle(h_meas / h)) < 0.1
    assert (abs(h) > 0.9) == (period_ui == 5000)  # one point in the passband, one well above


# ------------------------------------------------------------------ analytic loop
def test_design_puts_the_minus_3db_point_at_the_requested_bandwidth():
    for zeta in (0.7, 1.0, 4.0):
        kp, ki = design_loop_gains(20e6, zeta, F_BAUD_HZ, K_MM)
        assert abs(loop_jitter_transfer(20e6, kp, ki, K_MM, F_BAUD_HZ)) == pytest.approx(
            2**-0.5, rel=0.01
        )
        assert K_MM * kp == pytest.approx(2 * zeta * np.sqrt(K_MM * ki))


def test_jtol_falls_20db_per_decade_below_the_bandwidth_and_40_below_the_integral_zero():
    zeta, bw = 4.0, 20e6
    kp, ki = design_loop_gains(bw, zeta, F_BAUD_HZ, K_MM)

    def slope(f):
        j = jtol_template(np.array([f / 1.1, f * 1.1]), kp, ki, K_MM, F_BAUD_HZ)
        return 20 * np.log10(j[1] / j[0]) / np.log10(1.21)

    f_zero = ki / kp * F_BAUD_HZ / (2 * np.pi)  # ωz = ki/kp = ωn/(2ζ)
    assert slope(np.sqrt(f_zero * bw)) == pytest.approx(-20, abs=2)  # middle of the 1/f region
    assert slope(f_zero / 100) == pytest.approx(-40, abs=0.5)
    assert slope(bw * 100) == pytest.approx(0, abs=0.5)
    assert jtol_template(bw * 100, kp, ki, K_MM, F_BAUD_HZ, margin_ui=0.3) == pytest.approx(
        0.3, rel=0.02
    )


def test_bang_bang_gain_formula():
    assert bb_pd_gain(0.02, 0.25) == pytest.approx(0.25 * np.sqrt(2 / np.pi) / 0.02)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        (dict(detector="gardner"), "cdr.detector"),
        (dict(kp=-1e-3), "cdr.kp"),
        (dict(ki=float("nan")), "cdr.ki"),
        (dict(pi_steps_per_ui=-1), "cdr.pi_steps_per_ui"),
        (dict(pi_steps_per_ui=6.5), "cdr.pi_steps_per_ui"),
        (dict(ssc_ppm=-5000.0, ssc_freq_hz=33e3), "cdr.ssc_ppm"),
        (dict(ssc_ppm=5000.0), "cdr.ssc_freq_hz"),
        (dict(lock_window=8), "cdr.lock_window"),
        (dict(lock_rms_ui=0.6), "cdr.lock_rms_ui"),
    ],
    ids=repr,
)
def test_config_errors_name_the_field(kwargs, field):
    base = dict(detector="mueller-muller", kp=1e-3, ki=1e-6)
    with pytest.raises(ConfigError, match=field.replace(".", r"\.")):
        CDRConfig(**{**base, **kwargs})


def test_sample_rows_at_matches_the_per_sample_reads():
    """The eye at the recovered clock: every phase of every decision through the FFE, against
    the twin's np.interp reads — decisions inside the rows (the kernel's shared-fraction path)
    and at both edges (its sample-by-sample path), fractions of 0 included."""
    rng = np.random.default_rng(5)
    s, n_rows, row0 = 16, 40, 100
    rows = rng.standard_normal((n_rows, s))
    ffe = np.array([0.1, 1.0, -0.3, 0.05])
    sym_rows = np.array([101, 105, 117, 120, 131, 136, 139, 139])
    phases = np.array([0.0, 0.25 / s, -0.31, 0.49, 3.0 / s, -0.5, 0.2, -0.45])
    out = np.full((sym_rows.size, s), np.nan)
    k.sample_rows_at(rows, row0, sym_rows, phases, ffe, 1, out)
    want = ref.cdr_sample_rows_at(rows, row0, sym_rows, phases, ffe, 1)
    np.testing.assert_allclose(out, want, rtol=1e-12, atol=1e-12)
