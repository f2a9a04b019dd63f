"""TDECQ (IEEE 802.3 Clause 121.8.5): the reference receiver, ideal and hand-worked eyes, the
reference FFE, scope-noise de-embedding and closed eyes."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from scipy import signal
from scipy.optimize import brentq
from scipy.stats import norm

from sigint.optics.tdecq import TdecqResult, bessel_thomson4, ffe_bounds_802_3dj, tdecq

F_BAUD_HZ = 53.125e9
S = 16  # samples per UI: enough for flat-level eyes, whose histograms are exact
N_UI = 4096
OMA_W = 1e-3
P0_W = 0.2e-3
Q_T = 3.414
SER_TARGET = 4.8e-4
# σ at the decision that puts an ideal eye at the target: Q⁻¹(3.2e-4) = 3.41407, not 3.414
SIGMA_IDEAL_W = OMA_W / (6 * norm.isf(SER_TARGET / 1.5))


def _balanced_symbols(seed: int, n_ui: int = N_UI) -> np.ndarray:
    """Random PAM4 symbols with exactly n/4 of each level, so that P_avg is the eye's middle."""
    return np.random.default_rng(seed).permutation(np.tile(np.arange(4), n_ui // 4))


def _nrz(levels_w: np.ndarray, samples_per_ui: int = S) -> np.ndarray:
    """Rectangular (held) waveform: sample k·S starts symbol k."""
    return np.repeat(levels_w, samples_per_ui)


@pytest.fixture(scope="module")
def symbols():
    return _balanced_symbols(7)


@pytest.fixture(scope="module")
def ideal_levels_w(symbols):
    return P0_W + OMA_W * symbols / 3


# ------------------------------------------------------------------ reference receiver
def test_bessel_thomson_is_3db_down_at_its_corner_with_unit_dc_gain():
    for f3db_hz in (13.28e9, 26.5625e9, 56.72e9):
        h = bessel_thomson4(np.array([0.0, f3db_hz]), f3db_hz)
        assert h[0] == pytest.approx(1.0, abs=1e-15)
        assert abs(h[1]) == pytest.approx(1 / math.sqrt(2), abs=1e-6)


def test_bessel_thomson_group_delay_is_flat_in_band():
    f3db_hz = 26.5625e9
    f = np.linspace(0.0, 0.3 * f3db_hz, 3001)
    delay_s = -np.gradient(np.unwrap(np.angle(bessel_thomson4(f, f3db_hz))), 2 * np.pi * f)
    # unit delay of the normalised polynomial, scaled by its 3-dB frequency Ω₃ ≈ 2.1139 rad/s
    assert delay_s[0] == pytest.approx(2.1139 / (2 * np.pi * f3db_hz), rel=1e-4)
    k = np.searchsorted(f, 0.25 * f3db_hz)
    assert abs(delay_s[k] / delay_s[0] - 1) < 0.01  # Bessel: maximally flat delay


def test_bessel_thomson_magnitude_falls_monotonically():
    f = np.linspace(0.0, 10 * 26.5625e9, 5001)
    assert np.all(np.diff(np.abs(bessel_thomson4(f, 26.5625e9))) < 0)


def test_bessel_thomson_matches_scipys_magnitude_normalised_bessel():
    f3db_hz = 26.5625e9
    f = np.linspace(0.0, 4 * f3db_hz, 801)
    b, a = signal.bessel(4, 2 * np.pi * f3db_hz, analog=True, norm="mag")
    _, h_ref = signal.freqs(b, a, worN=2 * np.pi * f)
    assert np.max(np.abs(bessel_thomson4(f, f3db_hz) - h_ref)) < 1e-12


def test_bessel_thomson_refuses_a_corner_that_is_not_positive():
    with pytest.raises(ValueError, match="f3db_hz"):
        bessel_thomson4([1e9], 0.0)


# ------------------------------------------------------------------ ideal and hand-worked eyes
@pytest.mark.parametrize("known_symbols", [True, False], ids=["symbols", "decisions"])
def test_ideal_pam4_eye_scores_zero_db(symbols, ideal_levels_w, known_symbols):
    # Four flat, evenly spaced levels, thresholds midway: each level sits OMA/6 from its
    # threshold(s). The two outer levels can cross one threshold, the two inner ones two, so
    # SER = (1 + 2 + 2 + 1)/4 · Q(OMA/(6σ)) = 1.5·Q(OMA/(6σ)); at 4.8e-4, Q = 3.2e-4 and
    # OMA/(6σ) = 3.414: σ_G = OMA/(6·3.414) and TDECQ = 10·log10(1) = 0.
    r = tdecq(
        _nrz(ideal_levels_w),
        S,
        F_BAUD_HZ,
        symbols=symbols if known_symbols else None,
        n_taps=5,
        reference_receiver=False,
    )
    assert abs(r.tdecq_db) < 0.05
    assert r.sigma_g_w == pytest.approx(OMA_W / (6 * Q_T), rel=0.01)
    assert r.oma_outer_w == pytest.approx(OMA_W, rel=1e-9)
    assert r.p_avg_w == pytest.approx(P0_W + OMA_W / 2, rel=1e-12)
    assert r.thresholds_w == pytest.approx(r.p_avg_w + OMA_W / 3 * np.array([-1, 0, 1]))
    assert max(r.ser_left, r.ser_right) == pytest.approx(SER_TARGET, rel=1e-6)
    # the eye centre is the middle of the flat top, samples 0 … S−1 of each UI
    assert r.sampling_ui == pytest.approx((S - 1) / (2 * S), abs=0.01)


def test_tdecq_rises_monotonically_with_added_gaussian_noise(symbols, ideal_levels_w):
    rng = np.random.default_rng(11)
    wave = _nrz(ideal_levels_w)
    noise = rng.standard_normal(wave.size)
    results = [
        tdecq(wave + k * OMA_W * noise, S, F_BAUD_HZ, symbols=symbols, reference_receiver=False)
        for k in (0.0, 0.01, 0.02, 0.03)
    ]
    values = [r.tdecq_db for r in results]
    assert np.all(np.diff(values) > 0.05), values
    assert values[-1] > 0.5  # σ = 0.03·OMA ≈ 0.6·σ_ideal: about 10·log10(1/√(1 − 0.38)) dB


def test_compressed_inner_levels_match_the_hand_computed_tdecq():
    # Uneven levels (inner eyes squeezed, RLM < 1) with no ISI and no noise: every histogram
    # sample sits on one of four values, so the SER is a closed form in σ.
    levels = np.array([0.0, 0.30, 0.62, 1.0]) * OMA_W + 0.1e-3
    sym = _balanced_symbols(3)
    r = tdecq(_nrz(levels[sym]), S, F_BAUD_HZ, symbols=sym, n_taps=1, reference_receiver=False)

    p_avg = levels.mean()  # equal counts of each level
    th = p_avg + (levels[3] - levels[0]) / 3 * np.array([-1.0, 0.0, 1.0])
    below = levels - np.array([-np.inf, *th])  # distance to the threshold under each level
    above = np.array([*th, np.inf]) - levels  # and to the one over it

    def ser(sigma):
        return np.mean(norm.sf(below / sigma) + norm.sf(above / sigma))

    sigma_g = brentq(lambda s: ser(s) - SER_TARGET, 1e-9, 1e-3, xtol=1e-16)
    expected_db = 10 * math.log10(OMA_W / (6 * Q_T * sigma_g))
    # the narrowest gap, 0.14·OMA above P_avg for level 2, bounds the penalty from above
    assert 0.2 < expected_db < 10 * math.log10((1 / 6) / 0.14)
    assert r.tdecq_db == pytest.approx(expected_db, abs=0.05)
    assert r.sigma_g_w == pytest.approx(sigma_g, rel=1e-4)
    assert r.ser_left == pytest.approx(SER_TARGET, rel=1e-6) == r.ser_right
    assert r.c_eq == 1.0 and r.tdecq_minus_ceq_db == r.tdecq_db


def test_ffe_reopens_an_eye_closed_by_a_known_post_cursor(symbols, ideal_levels_w):
    # Channel (1 + 0.3·D)/1.3, T-spaced: DC gain 1, so OMA_outer and P_avg are unchanged.
    # A level-0 symbol after a level-3 one lands 0.3/1.3 = 0.23·OMA above P0, past the
    # lowest threshold at OMA/6: without an FFE the eye is closed.
    isi_w = (ideal_levels_w + 0.3 * np.roll(ideal_levels_w, 1)) / 1.3
    wave = _nrz(isi_w)
    bare = tdecq(wave, S, F_BAUD_HZ, symbols=symbols, n_taps=1, reference_receiver=False)
    assert bare.closed and "closed" in bare.reason
    r = tdecq(wave, S, F_BAUD_HZ, symbols=symbols, n_taps=5, reference_receiver=False)
    assert np.isfinite(r.tdecq_db) and r.oma_outer_w == pytest.approx(OMA_W, rel=1e-9)
    taps = np.array(r.ffe_taps)
    assert taps.sum() == pytest.approx(1.0, abs=1e-12)
    assert taps[3] / taps[2] == pytest.approx(-0.3, abs=0.03)  # the inverse's first term
    assert r.c_eq > 1.2  # undoing the post-cursor enhances noise

    # By hand: the zero-forcing inverse truncated to the taps after the main one,
    # 1.3·(1, −0.3, 0.09)/Σ, leaves 0.027 of ISI three UIs on; its TDECQ bounds the optimum.
    zf = np.zeros(5)
    zf[2:] = np.array([1.0, -0.3, 0.09]) / (1 - 0.3 + 0.09)
    y = sum(w * np.roll(isi_w, i - 2) for i, w in enumerate(zf))
    th = np.array([-np.inf, *(isi_w.mean() + OMA_W / 3 * np.array([-1, 0, 1])), np.inf])

    def ser(sigma):
        return np.mean(norm.sf((y - th[symbols]) / sigma) + norm.sf((th[symbols + 1] - y) / sigma))

    c_eq_zf = math.sqrt(np.sum(zf**2))
    sigma_g_zf = brentq(lambda s: ser(s) - SER_TARGET, 1e-6, 1e-3, xtol=1e-16) / c_eq_zf
    tdecq_zf_db = 10 * math.log10(OMA_W / (6 * Q_T * sigma_g_zf))
    assert r.tdecq_db <= tdecq_zf_db + 0.01
    # residual ISI can only narrow the ideal eye: TDECQ exceeds the noise-enhancement part
    assert 0 < r.tdecq_minus_ceq_db < 0.5


def test_reference_receiver_penalty_is_mostly_recovered_by_the_ffe():
    # An ideal eye at 32 samples/UI through the BT4 at 0.5 × baud: its ISI costs about 1.1 dB
    # with no FFE; five taps recover all but about 0.35 dB.
    sym = _balanced_symbols(5)
    wave = _nrz(P0_W + OMA_W * sym / 3, 32)
    bare = tdecq(wave, 32, F_BAUD_HZ, symbols=sym, n_taps=1)
    r = tdecq(wave, 32, F_BAUD_HZ, symbols=sym, n_taps=5)
    assert 0.5 < bare.tdecq_db < 2.0
    assert 0 < r.tdecq_db < 0.5 * bare.tdecq_db
    assert r.oma_outer_w == pytest.approx(OMA_W, rel=1e-3)  # the long-run levels survive
    # the eye moves by the filter's group delay, Ω₃/(2π·0.5) ≈ 0.67 UI, give or take
    # the asymmetry of its step: crossings, not the delay, set the time reference
    assert abs((r.sampling_ui - (0.5 + 0.67) + 0.5) % 1 - 0.5) < 0.05
    # an eye open before the FFE needs no symbols: decisions stand in for them exactly
    blind = tdecq(wave, 32, F_BAUD_HZ, n_taps=5)
    assert blind.oma_outer_w == pytest.approx(r.oma_outer_w, rel=1e-9)
    assert blind.tdecq_db == pytest.approx(r.tdecq_db, abs=0.02)


def test_symbols_lag_to_the_waveform_is_found(symbols, ideal_levels_w):
    wave = _nrz(ideal_levels_w)
    kwargs = {"n_taps": 3, "f_baud_hz": F_BAUD_HZ, "reference_receiver": True}
    a = tdecq(wave, S, symbols=symbols, **kwargs)
    b = tdecq(wave, S, symbols=np.roll(symbols, 37), **kwargs)
    assert b.tdecq_db == pytest.approx(a.tdecq_db, abs=1e-9)
    assert b.ffe_taps == pytest.approx(a.ffe_taps, abs=1e-6)


def test_tdecq_is_independent_of_the_power_scale(symbols, ideal_levels_w):
    levels = np.array([0.0, 0.30, 0.62, 1.0])[symbols]  # uneven levels: a non-zero TDECQ
    a = tdecq(_nrz(1e-3 * levels), S, F_BAUD_HZ, symbols=symbols, n_taps=1)
    b = tdecq(_nrz(3e-3 * levels), S, F_BAUD_HZ, symbols=symbols, n_taps=1)
    assert b.tdecq_db == pytest.approx(a.tdecq_db, abs=1e-9)
    assert b.oma_outer_w == pytest.approx(3 * a.oma_outer_w, rel=1e-9)
    assert b.sigma_g_w == pytest.approx(3 * a.sigma_g_w, rel=1e-6)


# ------------------------------------------------------------------ scope noise
def test_declared_scope_noise_is_de_embedded(symbols, ideal_levels_w):
    # White noise of σ_S = σ_ideal/2 on an ideal eye. Undeclared, it is part of the eye:
    # only √(σ_ideal² − σ_S²) more fits, TDECQ = 10·log10(1/√0.75) = 0.62 dB. Declared as
    # the scope's, it is given back: √(σ_G² + σ_S²) = σ_ideal and TDECQ returns to 0 dB.
    sigma_s = 0.5 * SIGMA_IDEAL_W
    wave = _nrz(ideal_levels_w)
    wave = wave + sigma_s * np.random.default_rng(2).standard_normal(wave.size)
    kwargs = {"symbols": symbols, "n_taps": 1, "reference_receiver": False}
    undeclared = tdecq(wave, S, F_BAUD_HZ, **kwargs)
    declared = tdecq(wave, S, F_BAUD_HZ, scope_noise_w=sigma_s, **kwargs)
    assert undeclared.tdecq_db == pytest.approx(10 * math.log10(1 / math.sqrt(0.75)), abs=0.1)
    assert abs(declared.tdecq_db) < 0.1
    assert declared.sigma_g_w == pytest.approx(undeclared.sigma_g_w, rel=1e-12)  # same search
    assert declared.scope_noise_w == sigma_s


# ------------------------------------------------------------------ closed eyes and bounds
def test_eye_buried_in_noise_is_reported_closed_not_raised(symbols, ideal_levels_w):
    # σ = 0.1·OMA: 1.5·Q(1/0.6) ≈ 7 % of the samples already sit past a threshold of their
    # own level, far above 4.8e-4 before any noise is added.
    wave = _nrz(ideal_levels_w)
    wave = wave + 0.1 * OMA_W * np.random.default_rng(4).standard_normal(wave.size)
    r = tdecq(wave, S, F_BAUD_HZ, symbols=symbols, n_taps=1, reference_receiver=False)
    assert r.closed and r.tdecq_db == math.inf and r.sigma_g_w == 0.0
    assert "closed" in r.reason
    assert max(r.ser_left, r.ser_right) > 0.03
    d = json.loads(json.dumps(r.to_dict()))  # Python's json writes inf as Infinity
    assert d["tdecq_db"] == math.inf and d["reason"] == r.reason
    # Without symbols the histograms are unlabelled, as a scope's: a sample past a threshold
    # is taken for the neighbouring level, so the eye reads as badly but finitely closed.
    blind = tdecq(wave, S, F_BAUD_HZ, n_taps=1, reference_receiver=False)
    assert 6.0 < blind.tdecq_db < math.inf


def test_802_3dj_bounds_hold_and_cost_tdecq_when_the_free_optimum_lies_outside():
    # A 1-pole roll-off at 0.25 × baud after the BT4: the free 5-tap optimum wants a first
    # post-cursor below the draft's −0.4 floor.
    sym = _balanced_symbols(9, 2048)
    wave = _nrz(P0_W + OMA_W * sym / 3)
    f_hz = np.fft.rfftfreq(wave.size, 1 / (S * F_BAUD_HZ))
    wave = np.fft.irfft(np.fft.rfft(wave) / (1 + 1j * f_hz / (0.25 * F_BAUD_HZ)), wave.size)
    bounds = ffe_bounds_802_3dj(5)
    free = tdecq(wave, S, F_BAUD_HZ, symbols=sym)
    held = tdecq(wave, S, F_BAUD_HZ, symbols=sym, taps_bounds=bounds)
    assert free.ffe_taps[3] < -0.4
    for w, (lo, hi) in zip(held.ffe_taps, bounds, strict=True):
        assert lo - 1e-4 <= w <= hi + 1e-4
    assert held.tdecq_db > free.tdecq_db + 0.1


def test_802_3dj_bounds_follow_the_distance_from_the_main_tap():
    b = ffe_bounds_802_3dj(9)
    assert b[4] == (0.8, 2.5)
    assert b[3] == b[5] == (-0.4, 0.05)
    assert b[2] == b[6] == (-0.1, 0.2)
    assert b[0] == b[1] == b[7] == b[8] == (-0.1, 0.1)


def test_result_round_trips_through_json(symbols, ideal_levels_w):
    r = tdecq(_nrz(ideal_levels_w), S, F_BAUD_HZ, symbols=symbols, n_taps=3)
    assert isinstance(r, TdecqResult)
    d = json.loads(json.dumps(r.to_dict()))
    assert d["tdecq_db"] == pytest.approx(r.tdecq_db)
    assert len(d["ffe_taps"]) == 3 and len(d["thresholds_w"]) == 3 and len(d["levels_w"]) == 4
    assert d["reason"] == ""


# ------------------------------------------------------------------ bad input
GOOD_SYMBOLS = _balanced_symbols(1, 256)
GOOD = np.repeat(P0_W + OMA_W * GOOD_SYMBOLS / 3, 8)  # 256 UI at 8 samples/UI


@pytest.mark.parametrize(
    ("change", "argument"),
    [
        ({"waveform_w": np.where(np.arange(GOOD.size) == 5, np.nan, GOOD)}, "waveform_w"),
        ({"waveform_w": GOOD[:-3]}, "waveform_w"),
        ({"waveform_w": GOOD[: 8 * 32]}, "waveform_w"),  # too few UIs
        ({"waveform_w": GOOD.reshape(2, -1)}, "waveform_w"),
        ({"waveform_w": np.full(GOOD.size, 1e-3)}, "waveform_w"),  # no eye at all
        ({"samples_per_ui": 0}, "samples_per_ui"),
        ({"samples_per_ui": 8.0}, "samples_per_ui"),
        ({"f_baud_hz": -1.0}, "f_baud_hz"),
        ({"n_taps": 4}, "n_taps"),
        ({"n_taps": 0}, "n_taps"),
        ({"n_taps": 101}, "n_taps"),  # more taps than a quarter of the 256 UIs
        ({"symbols": np.zeros(255, dtype=int)}, "symbols"),
        ({"symbols": np.full(256, 4)}, "symbols"),
        ({"symbols": np.tile([0, 1, 2], 86)[:256]}, "symbols"),  # level 3 never sent
        ({"symbols": 3 - GOOD_SYMBOLS}, "symbols"),  # order reversed
        ({"scope_noise_w": -1e-6}, "scope_noise_w"),
        ({"ser_target": 0.0}, "ser_target"),
        ({"q_t": float("nan")}, "q_t"),
        ({"window_ui": 0.0}, "window_ui"),
        ({"taps_bounds": ((0, 1),) * 4}, "taps_bounds"),
        ({"taps_bounds": ((1, 0),) * 5}, "taps_bounds"),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_bad_input_raises_value_error_naming_the_argument(change, argument):
    kwargs = {
        "waveform_w": GOOD,
        "samples_per_ui": 8,
        "f_baud_hz": F_BAUD_HZ,
        "symbols": GOOD_SYMBOLS,
    }
    kwargs.update(change)
    with pytest.raises(ValueError, match=argument):
        tdecq(**kwargs)
