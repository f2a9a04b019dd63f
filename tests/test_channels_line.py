"""Transmission lines: passivity, reciprocity, causality, DC limit, length scaling, calibration."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from sigint.channels.line import TransmissionLine
from sigint.channels.network import Network
from sigint.channels.presets import TWINAX_AWG, stripline, twinax
from sigint.channels.response import (
    acausal_energy_fraction,
    frequency_grid,
    impulse_response,
    step_response,
)
from sigint.channels.rlgc import RLGCLine
from sigint.units import NEPER_TO_DB, SPEED_OF_LIGHT_M_S

PRESETS = {f"twinax{awg}": twinax(awg) for awg in TWINAX_AWG} | {"stripline": stripline()}
LENGTHS_M = (0.1, 0.5, 2.0)
F_BAND_HZ = np.linspace(0.0, 120e9, 1201)
F_NYQ_HZ = np.array([26.56e9, 53.125e9, 106.25e9])

# REFERENCE §4.1 totals, dB/m at 26.56 / 53.125 / 106.25 GHz
TWINAX_TOTAL_DB_PER_M = {
    24: (4.06, 6.27, 9.90),
    26: (4.89, 7.44, 11.57),
    28: (5.94, 8.92, 13.66),
    30: (7.25, 10.77, 16.28),
    32: (8.92, 13.13, 19.62),
    34: (11.03, 16.12, 23.83),
}

preset_lines = pytest.mark.parametrize("line", PRESETS.values(), ids=PRESETS.keys())
lengths = pytest.mark.parametrize("length_m", LENGTHS_M)


class NonCausalTwin(TransmissionLine):
    """The textbook non-causal line: real R ∝ √f without internal reactance, constant ε and tanδ."""

    def __init__(self, base: RLGCLine):
        self.base = base

    def series_impedance(self, f_hz):
        f = np.asarray(f_hz, dtype=float)
        b = self.base
        r = b.r_dc_ohm_per_m + b.r_skin_ohm_per_m_sqrt_hz * np.sqrt(f)
        return r + 2j * np.pi * f * b.l_ext_h_per_m

    def shunt_admittance(self, f_hz):
        f = np.asarray(f_hz, dtype=float)
        b = self.base
        return 2j * np.pi * f * b.c0_f_per_m * b.eps_r * (1 - 1j * b.tan_delta)


def _precursor_fraction(line, front_line: RLGCLine, length_m: float) -> float:
    """Energy share in negative time (last quarter of the window) of the front-aligned response.

    S21 is sampled to 240 GHz on a window ≥ 16× the line delay and ≥ 10 ns, shaped by a 50 GHz
    Gaussian (the measurement bandwidth; its own kernel is < e^-240 beyond 100 ps), and advanced
    by the delay of the signal front less a 100 ps guard. A causal line then has nothing before
    t = 0; a non-causal one spreads a precursor ahead of its front.
    """
    fs_hz, guard_s = 480e9, 100e-12
    delay_s = length_m * front_line.front_delay_s_per_m
    n = 2 * round(fs_hz * max(16 * delay_s, 10e-9) / 2)
    df = fs_hz / n
    f = frequency_grid(df, n)
    h_f = line.network(length_m, f).s21
    h_f = h_f * np.exp(-((f / 50e9) ** 2)) * np.exp(2j * np.pi * f * (delay_s - guard_s))
    _, h = impulse_response(h_f, df)
    return acausal_energy_fraction(h, n // 4)


@preset_lines
@lengths
def test_line_is_passive_and_reciprocal(line, length_m):
    net = line.network(length_m, F_BAND_HZ)
    assert np.max(net.max_singular_value()) <= 1 + 1e-12
    assert net.is_reciprocal(tol=1e-12)
    np.testing.assert_allclose(net.s[:, 0, 0], net.s[:, 1, 1], rtol=0, atol=1e-15)


@preset_lines
@lengths
def test_line_is_causal_ahead_of_its_signal_front(line, length_m):
    assert _precursor_fraction(line, line, length_m) < 1e-6


@pytest.mark.parametrize("name", ["twinax34", "stripline"])
def test_causality_check_catches_the_non_causal_textbook_line(name):
    # same loss magnitude, no dispersion: the check must see the precursor
    line = PRESETS[name]
    assert _precursor_fraction(NonCausalTwin(line), line, 1.0) > 1e-4


@preset_lines
@lengths
def test_step_response_settles_to_the_dc_gain_of_a_series_resistor(line, length_m):
    dc_gain = 2 * 100.0 / (2 * 100.0 + line.r_dc_ohm_per_m * length_m)
    df, n = 200e3, 200_000  # 5 µs window: skin effect fades into R_dc below f_δ ≈ 0.1–10 MHz
    f = frequency_grid(df, n)
    s21 = line.network(length_m, f).s21
    assert abs(s21[0] - dc_gain) < 1e-14
    _, h = impulse_response(s21 * np.exp(-((f / 8e9) ** 2)), df)
    step = step_response(h)
    settled = step[n // 4 : n // 2]  # 1.25 to 2.5 µs, long after the delay, before negative time
    assert np.max(np.abs(settled - dc_gain)) < 1e-3


@preset_lines
def test_loss_in_db_scales_linearly_with_length(line):
    f = np.linspace(1e9, 110e9, 110)
    il = np.array([line.network(x, f).insertion_loss_db for x in (1.0, 2.0, 3.0)])
    assert np.max(np.abs(il[1] - (il[0] + il[2]) / 2)) < 0.1
    for x, il_x in zip((1.0, 2.0, 3.0), il, strict=True):
        assert np.max(np.abs(il_x - x * line.loss_db_per_m(f))) < 0.1


@preset_lines
def test_sections_cascade_into_the_longer_line(line):
    whole = line.network(3.0, F_BAND_HZ)
    parts = line.network(1.0, F_BAND_HZ) ** line.network(2.0, F_BAND_HZ)
    assert parts.allclose(whole, rtol=1e-9, atol=1e-12)


@preset_lines
def test_zero_length_is_exactly_the_identity(line):
    assert line.network(0.0, F_BAND_HZ) == Network.thru(F_BAND_HZ)


@pytest.mark.parametrize("bad", [-0.1, np.nan, np.inf])
def test_bad_length_is_refused(bad):
    with pytest.raises(ValueError, match=rf"length_m = {bad!r}"):
        twinax(26).network(bad, F_BAND_HZ)


def test_twinax_26awg_loss_matches_reference():
    loss = twinax(26).loss_db_per_m(np.array([26.56e9, 53.125e9]))
    np.testing.assert_allclose(loss, [4.89, 7.44], rtol=0.10)


@pytest.mark.parametrize("awg", sorted(TWINAX_TOTAL_DB_PER_M))
def test_every_twinax_gauge_matches_the_reference_table(awg):
    line = twinax(awg)
    ref = TWINAX_TOTAL_DB_PER_M[awg]
    np.testing.assert_allclose(line.loss_db_per_m(F_NYQ_HZ), ref, rtol=0.10)
    il_1m = line.network(1.0, F_NYQ_HZ).insertion_loss_db
    np.testing.assert_allclose(il_1m, ref, rtol=0.10)


def test_stripline_matches_the_oif_board_model():
    loss_db_per_in = stripline().loss_db_per_m(F_NYQ_HZ) * 0.0254
    np.testing.assert_allclose(loss_db_per_in, [0.82, 1.25, 1.97], rtol=0.10)


@preset_lines
def test_calibration_follows_the_loss_law(line):
    # α ≈ k_c·√f + k_d·f, with k_c and k_d recovered from the line's own parameters
    f = np.geomspace(1e9, 110e9, 30)
    k_c = line.r_skin_ohm_per_m_sqrt_hz * np.sqrt(1e9) * NEPER_TO_DB / (2 * line.z_diff_ohm)
    k_d = NEPER_TO_DB * np.pi * np.sqrt(line.eps_r) * line.tan_delta * 1e9 / SPEED_OF_LIGHT_M_S
    law = k_c * np.sqrt(f / 1e9) + k_d * f / 1e9
    np.testing.assert_allclose(line.loss_db_per_m(f), law, rtol=0.03)


@preset_lines
def test_djordjevic_sarkar_dielectric_is_calibrated_and_kramers_kronig_shaped(line):
    eps_ref = line.permittivity(line.f_ref_hz)
    assert eps_ref.real == pytest.approx(line.eps_r, rel=1e-13)
    assert -eps_ref.imag / eps_ref.real == pytest.approx(line.tan_delta, rel=1e-12)
    eps = line.permittivity(np.geomspace(1.0, 1e15, 400))
    assert np.all(np.diff(eps.real) < 0)  # ε' falls wherever ε'' > 0: Kramers–Kronig
    assert np.all(-eps.imag > 0)  # lossy, never active
    assert eps[0].real == pytest.approx(line.eps_inf + line.delta_eps, rel=1e-9)
    assert eps[-1].real == pytest.approx(line.eps_inf, rel=1e-6)
    assert line.delta_eps > 0 and line.eps_inf >= 1


@preset_lines
def test_conductor_has_skin_effect_with_its_internal_inductance(line):
    z_dc = line.internal_impedance(0.0)
    assert z_dc == line.r_dc_ohm_per_m
    f = np.array([50e9, 100e9])
    z = line.internal_impedance(f)
    np.testing.assert_allclose(z.real, line.r_skin_ohm_per_m_sqrt_hz * np.sqrt(f), rtol=1e-3)
    np.testing.assert_allclose(z.imag, z.real, rtol=2e-3)  # R = ωL_int at high f


@preset_lines
def test_impedance_and_velocity_at_the_reference_frequency(line):
    f = line.f_ref_hz
    assert abs(line.z0(f)) == pytest.approx(line.z_diff_ohm, rel=5e-3)
    v = 2 * np.pi * f / line.gamma(f).imag
    assert v == pytest.approx(SPEED_OF_LIGHT_M_S / np.sqrt(line.eps_r), rel=5e-3)
    assert line.front_delay_s_per_m < 1 / v  # the front outruns the signal at f_ref
    assert np.isinf(line.z0(0.0))  # no shunt admittance at DC


def test_unknown_gauge_lists_the_valid_ones():
    with pytest.raises(ValueError, match=r"awg = 27: expected one of \[24, 26, 28, 30, 32, 34\]"):
        twinax(27)


@pytest.mark.parametrize(
    ("field", "value", "match"),
    [
        ("eps_r", 0.8, r"eps_r = 0\.8: expected a relative permittivity ≥ 1"),
        ("tan_delta", -1e-3, r"tan_delta = -0\.001"),
        ("r_dc_ohm_per_m", 0.0, r"r_dc_ohm_per_m = 0\.0"),
        ("f_ref_hz", 1e13, r"f_ref_hz = 10000000000000\.0"),
        ("ds_m2", 2.0, r"ds_m2 = 2\.0: expected a log10 frequency > ds_m1"),
        ("tan_delta", 0.5, r"ε_∞ ≥ 1"),
    ],
)
def test_bad_line_parameters_name_the_field_and_value(field, value, match):
    with pytest.raises(ValueError, match=match):
        dataclasses.replace(twinax(26), **{field: value})


def test_from_loss_coefficients_refuses_sub_vacuum_permittivity():
    with pytest.raises(ValueError, match=r"eps_r = 0\.5"):
        RLGCLine.from_loss_coefficients(0.8, 0.03, eps_r=0.5, r_dc_ohm_per_m=0.3)


def test_line_is_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        twinax(26).eps_r = 2.0
