"""S-parameter hygiene against causal RLGC lines (exact at DC): DC extrapolation, band extension,
resampling, passivity, causality and reciprocity checks with their enforcements."""

from __future__ import annotations

import json

import numpy as np
import pytest

from sigint.channels.hygiene import (
    causality_report,
    enforce_causality,
    enforce_passivity,
    extend_band,
    extrapolate_dc,
    passivity_report,
    prepare,
    reciprocity_report,
    resample,
)
from sigint.channels.network import Network
from sigint.channels.presets import stripline, twinax

F_BAUD_HZ = 53.125e9
SPS = 32
GRID = np.arange(0, 6001) * 10e6  # 0 … 60 GHz, 10 MHz step


@pytest.fixture(scope="module")
def line():
    """26 AWG twinax, 1 m: 7.4 dB at 53 GHz, ~4 ns."""
    return twinax(26).network(1.0, GRID)


def _pulse(h_f, f_hz):
    """1-UI hold pulse response at 32 samples/UI, H zero-padded above the data to fs/2."""
    df = f_hz[1] - f_hz[0]
    fs = F_BAUD_HZ * SPS
    n = round(fs / df)
    n += n % 2
    f = np.arange(n // 2 + 1) * df
    h = np.zeros(f.size, dtype=complex)
    h[: f_hz.size] = h_f
    t_ui = 1.0 / F_BAUD_HZ
    hold = np.sinc(f * t_ui) * np.exp(-1j * np.pi * f * t_ui) * SPS  # sum over one UI of samples
    return np.fft.irfft(h * hold, n)


# ------------------------------------------------------------------ DC point
def test_dc_point_of_a_26awg_line_is_recovered_within_1e_3(line):
    dc, note = extrapolate_dc(Network(GRID[1:], line.s[1:], 100.0))
    assert dc.f_hz[0] == 0.0 and np.array_equal(dc.f_hz[1:], GRID[1:])
    assert dc.s[0].imag.max() == 0.0  # real at DC
    assert abs(dc.s[0, 1, 0].real - line.s[0, 1, 0].real) < 1e-3
    assert note.startswith("file starts at 10 MHz; DC point extrapolated: |S21(0)| = ")
    assert "delay 4." in note  # 26 AWG, ε_r 1.5: ~4.1 ns/m
    assert dc.is_passive(tol=1e-12)


@pytest.mark.parametrize(
    ("make", "length_m", "tol"),
    [(lambda: twinax(30), 2.0, 0.006), (stripline, 0.3, 0.01)],
    ids=["twinax30-2m", "stripline-0.3m"],
)
def test_dc_point_error_is_bounded_by_the_invisible_dc_resistance(make, length_m, tol):
    # R_dc sits below the skin-effect onset, so a file from 10 MHz up cannot show it: the
    # extrapolation reads high by about the DC loss, never low, and never AC-couples
    ntwk = make().network(length_m, GRID)
    dc, _ = extrapolate_dc(Network(GRID[1:], ntwk.s[1:], 100.0))
    err = dc.s[0, 1, 0].real - ntwk.s[0, 1, 0].real
    assert -1e-3 < err < tol


def test_pulse_response_with_the_dc_point_removed_matches_within_1_percent(line):
    dc, _ = extrapolate_dc(Network(GRID[1:], line.s[1:], 100.0))
    p_true = _pulse(line.s[:, 1, 0], GRID)
    p_dc = _pulse(dc.s[:, 1, 0], GRID)
    assert np.max(np.abs(p_dc - p_true)) < 0.01 * p_true.max()
    # the step settles to the DC gain, not to 0 (the AC-coupled trap of REFERENCE §9)
    assert np.cumsum(p_dc)[-1] / SPS == pytest.approx(line.s[0, 1, 0].real, abs=2e-3)


def test_dc_sign_follows_the_phase_trend():
    inv = twinax(26).network(0.5, GRID[1:100])
    flipped = Network(inv.f_hz, -inv.s, 100.0)
    dc, _ = extrapolate_dc(flipped)
    assert dc.s[0, 1, 0].real < -0.9


def test_network_with_a_dc_point_is_left_alone(line):
    same, note = extrapolate_dc(line)
    assert same is line and "nothing" in note


# ------------------------------------------------------------------ band extension
def test_band_extension_of_a_line_cut_at_40ghz_is_within_1db_at_53ghz(line):
    cut = Network(GRID[:4001], line.s[:4001], 100.0)
    ext, note = extend_band(cut, 106.25e9)
    assert ext.f_hz[-1] >= 106.25e9
    assert np.array_equal(ext.s[:4001], cut.s)
    k = int(np.argmin(np.abs(ext.f_hz - 53.125e9)))
    il_ext = -20 * np.log10(abs(ext.s[k, 1, 0]))
    il_true = float(twinax(26).network(1.0, [ext.f_hz[k]]).insertion_loss_db[0])
    assert abs(il_ext - il_true) < 1.0
    assert note.startswith("data end at 40 GHz; simulation needs 106.2 GHz; S21 IL extrapolated")
    il = -20 * np.log10(np.abs(ext.s[4000:, 1, 0]))
    assert np.all(np.diff(il) >= 0)  # never less loss further out
    assert np.all(np.abs(ext.s[4001:, 1, 0]) > 0.1)  # never zero-filled
    assert np.abs(ext.s[-1, 0, 0]) == pytest.approx(0.0, abs=1e-12)  # reflections rolled off
    assert ext.is_passive(tol=1e-9)


def test_band_extension_is_a_no_op_when_the_data_reach(line):
    same, note = extend_band(line, 50e9)
    assert same is line and "no extension" in note


def _delay_line(f_hz, delay_s=1e-9):
    """A matched, lossless delay line: S21 = S12 = exp(−j2πf·τ), S11 = S22 = 0."""
    s = np.zeros((f_hz.size, 2, 2), dtype=complex)
    s[:, 1, 0] = s[:, 0, 1] = np.exp(-2j * np.pi * f_hz * delay_s)
    return Network(f_hz, s, 100.0)


def test_band_extension_lands_on_the_top_even_when_the_step_does_not_divide_the_gap():
    # 0.25 / 1 ns is 249 999 999.99999997 Hz: 3240 such steps from 40 GHz end a hair below
    # 850 GHz, and extending again for that hair used to add no point (an IndexError).
    data = _delay_line(np.arange(0, 4001) * 10e6)
    ext, _ = extend_band(data, 850e9, step_hz=0.25 / 1e-9)
    assert ext.f_hz[-1] == 850e9
    assert np.all(np.diff(ext.f_hz) > 0)
    hair = Network(data.f_hz, data.s, 100.0)
    more, _ = extend_band(hair, float(np.nextafter(40e9, np.inf)))  # a rounding hair above
    assert more.f_hz.size == data.f_hz.size + 1 and more.f_hz[-1] >= np.nextafter(40e9, np.inf)


def test_band_extension_refuses_a_step_that_is_not_positive():
    with pytest.raises(ValueError, match="step_hz"):
        extend_band(_delay_line(np.arange(0, 11) * 10e6), 1e9, step_hz=0.0)


# ------------------------------------------------------------------ resampling
def test_resampling_50mhz_to_10mhz_matches_the_direct_evaluation():
    coarse = twinax(26).network(1.0, np.arange(0, 1201) * 50e6)
    fine = np.arange(0, 5001) * 10e6
    got = resample(coarse, fine)
    truth = twinax(26).network(1.0, fine)
    band = fine <= 50e9
    d_db = 20 * np.log10(np.abs(got.s[band, 1, 0]) / np.abs(truth.s[band, 1, 0]))
    d_deg = np.degrees(np.angle(got.s[band, 1, 0] / truth.s[band, 1, 0]))
    assert np.max(np.abs(d_db)) < 0.05
    assert np.max(np.abs(d_deg)) < 1.0


def test_resampling_keeps_magnitude_between_points_of_rotating_phase():
    # pure 5 ns delay sampled every 40 MHz (72° per step): real/imag interpolation would dip
    f = np.arange(0, 101) * 40e6
    s = np.zeros((f.size, 2, 2), dtype=complex)
    s[:, 1, 0] = s[:, 0, 1] = np.exp(-2j * np.pi * f * 5e-9)
    got = resample(Network(f, s, 100.0), np.arange(0, 401) * 10e6)
    np.testing.assert_allclose(np.abs(got.s[:, 1, 0]), 1.0, atol=1e-12)


def test_resampling_without_a_dc_point_is_refused(line):
    with pytest.raises(ValueError, match="extrapolate_dc"):
        resample(Network(GRID[1:], line.s[1:], 100.0), GRID)


# ------------------------------------------------------------------ passivity
def test_slightly_active_file_is_reported_and_clipped_to_passive(line):
    hot = Network(GRID, line.s * 1.08, 100.0)  # measured files reach 1.05–1.14 (REFERENCE §9)
    rep = passivity_report(hot)
    assert not rep.passive and rep.max_sv == pytest.approx(1.08, rel=1e-3)
    assert rep.n_violations > 0
    fixed, note = enforce_passivity(hot)
    assert fixed.is_passive(tol=1e-12)
    assert fixed.is_reciprocal(tol=1e-12)  # clipping keeps a symmetric S symmetric
    assert "largest correction 0.66" in note
    assert passivity_report(line).passive


# ------------------------------------------------------------------ causality
def test_rlgc_line_is_causal(line):
    rep = causality_report(line)
    assert rep.causal and rep.acausal_fraction < 1e-6
    assert rep.bulk_delay_s == pytest.approx(4.1e-9, rel=0.05)


def test_conjugated_data_are_flagged_as_non_causal(line):
    rep = causality_report(Network(GRID, np.conj(line.s), 100.0))  # e^{-jωt} convention
    assert not rep.causal and rep.bulk_delay_s < 0 and rep.acausal_fraction > 0.5


def test_zero_phase_loss_is_non_causal_and_enforcement_fixes_it():
    # loss without its minimum-phase dispersion: h(t) is symmetric about t = 0. A 1 m
    # Megtron-class stripline (~30 dB at 26 GHz) spreads it well past the 133 ps guard; a
    # low-loss line (1 m of 26 AWG, 7 dB at 53 GHz) stays inside it and is not flagged
    lossy = stripline().network(1.0, GRID)
    zero_phase = Network(GRID, np.abs(lossy.s).astype(complex), 100.0)
    rep = causality_report(zero_phase)
    assert not rep.causal and rep.acausal_fraction > 1e-2
    fixed, note = enforce_causality(zero_phase)
    assert causality_report(fixed).acausal_fraction < 1e-3
    assert "causality enforced" in note and "dB" in note


def test_enforcing_causality_barely_changes_a_causal_line(line):
    fixed, _ = enforce_causality(line)
    d_db = 20 * np.log10(np.abs(fixed.s[1:, 1, 0]) / np.abs(line.s[1:, 1, 0]))
    assert np.max(np.abs(d_db)) < 0.05


# ------------------------------------------------------------------ reciprocity
def test_reciprocity_report(line):
    assert reciprocity_report(line) == (0.0, True)
    s = np.array(line.s)
    s[:, 0, 1] *= 1.01
    d, ok = reciprocity_report(Network(GRID, s, 100.0))
    assert not ok and d == pytest.approx(0.01, rel=0.01)


# ------------------------------------------------------------------ the chain
def test_prepare_a_band_limited_file_without_dc_states_every_step():
    raw_f = np.arange(1, 4001) * 10e6  # 10 MHz … 40 GHz, like a VNA file
    raw = twinax(26).network(1.0, raw_f)
    raw = Network(raw_f, raw.s * 1.05, 100.0)  # and slightly active
    sim = np.arange(0, 10626) * 10e6  # to 106.25 GHz
    ready, report = prepare(raw, sim, enforce_passivity=True)
    assert np.array_equal(ready.f_hz, sim)
    text = str(report)
    assert "file starts at 10 MHz" in text
    assert "data end at 40 GHz; simulation needs 106.2 GHz" in text
    assert "passivity enforced" in text
    assert not report.passivity.passive and report.passivity_final.passive
    assert ready.is_passive(tol=1e-9)
    json.dumps(report.to_dict())  # JSON-ready
    assert report.to_dict()["passivity"]["passive"] is False


def test_prepare_a_40ghz_delay_line_onto_the_802_3ck_com_grid(tmp_path):
    # Regression: 0–40 GHz at 10 MHz onto COM's 0 … 850 GHz grid (10 MHz step) raised
    # IndexError in resample → extend_band (the extension ended a hair below 850 GHz).
    from sigint.channel import touchstone_block
    from sigint.com import load_preset
    from sigint.com.channel import com_grid

    _, grid = com_grid(load_preset("802.3ck-KR"))
    assert grid[-1] == 850e9 and grid.size == 85001
    data = _delay_line(np.arange(0, 4001) * 10e6)
    truth = np.exp(-2j * np.pi * grid * 1e-9)
    ready, report = prepare(data, grid)
    assert np.array_equal(ready.f_hz, grid)
    np.testing.assert_allclose(ready.s[:, 1, 0], truth, atol=1e-6)  # delay continued
    np.testing.assert_allclose(ready.s[:, 0, 0], 0.0, atol=1e-12)
    assert "data end at 40 GHz; simulation needs 850 GHz" in str(report)

    path = tmp_path / "delay_1ns.s2p"
    rows = [
        f"{f:.0f} 0 0 {t.real:.15e} {t.imag:.15e} {t.real:.15e} {t.imag:.15e} 0 0"
        for f, t in zip(data.f_hz, data.s[:, 1, 0], strict=True)
    ]
    path.write_text("# Hz S RI R 100\n" + "\n".join(rows) + "\n")
    block, info = touchstone_block(path, None, grid)
    assert "simulation needs 850 GHz" in str(info.hygiene)
    assert np.array_equal(block.f_hz, grid)
    np.testing.assert_allclose(block.s[:, 1, 0], truth, atol=1e-6)


def test_prepare_on_a_clean_grid_changes_nothing(line):
    ready, report = prepare(line, GRID)
    assert ready.allclose(line) and report.steps == []
    assert report.passivity.passive and report.causality.causal and report.reciprocal
