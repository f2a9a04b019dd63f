"""Channel parts (93A lines, packages, connectors, vias): physics identities for the whole zoo,
then the calibration of each preset.
"""

from __future__ import annotations

import numpy as np
import pytest

from sigint.channels.boardline import (
    GammaLine,
    com_package_line,
    oif_224g_board,
    oif_224g_package_line,
)
from sigint.channels.network import Network
from sigint.channels.package import (
    ieee8023ck_package,
    ieee8023dj_cr_package,
    ieee8023dj_package,
)
from sigint.channels.parts import (
    Connector,
    Via,
    design_a_via,
    next_gen_connector,
    open_stub,
    osfp_gen2,
    series_inductor,
    shunt_capacitor,
)
from sigint.channels.response import (
    acausal_energy_fraction,
    frequency_grid,
    impulse_response,
    step_response,
)

F_BAND_HZ = np.linspace(0.0, 150e9, 1501)
MM, INCH = 1e-3, 25.4e-3


def _line_block(line: GammaLine, length_m: float):
    return lambda f, z=100.0: line.network(length_m, f, z)


def _lumped(fn, value):
    return lambda f, z=100.0: fn(value, f, z)


def _stub(f, z=100.0):
    return open_stub(oif_224g_package_line(92.5), 2e-3, f, z)


# name -> (network(f, z_ref), bulk delay in s for the causality check). Blocks with a line whose
# γ keeps its a1·√f or a2·f·ln f terms down to DC (the 93A form does) have long t^-1/2 / t^-1
# tails, so they settle to S21(0) slowly: see the settling test.
BLOCKS = {
    "shunt_C_50fF": (_lumped(shunt_capacitor, 50e-15), 0.0),
    "series_L_0.2nH": (_lumped(series_inductor, 0.2e-9), 0.0),
    "open_stub_2mm": (_stub, 0.0),
    "oif_board_5in": (_line_block(oif_224g_board(), 5 * INCH), 5 * INCH / MM * 5.8e-12),
    "com_pkg_line_30mm": (_line_block(com_package_line(87.5), 30 * MM), 30 * 6.141e-12),
    "oif_pkg_line_20mm": (_line_block(oif_224g_package_line(92.5), 20 * MM), 20 * 5.7e-12),
    "ck_pkg_tx_31mm": (ieee8023ck_package(31e-3).network, 32.8 * 6.141e-12),
    "ck_pkg_rx_pcb": (
        ieee8023ck_package(29e-3, "rx", include_pcb=True).network,
        30.8 * 6.141e-12 + 110.3 * 5.79e-12,
    ),
    "dj_A_test1": (ieee8023dj_package("A", 1).network, 34.8 * 6.141e-12),
    "dj_B_test1_rx": (ieee8023dj_package("B", 1, "rx").network, 48.8 * 6.141e-12),
    "dj_CR_HH": (ieee8023dj_cr_package("HH").network, 49.8 * 6.141e-12 + 74 * 5.79e-12),
    "osfp_gen2": (osfp_gen2().network, 40e-12),
    "next_gen_connector": (next_gen_connector().network, 25e-12),
    "design_a_via": (design_a_via().network, 4e-12),
    "via_with_stub": (Via(1.5, 53.125e9, 85.0, 4e-12, stub_delay_s=2e-12).network, 4e-12),
}
blocks = pytest.mark.parametrize("name", BLOCKS)


@blocks
@pytest.mark.parametrize("z_ref_ohm", [100.0, 92.5])
def test_every_block_is_passive_and_reciprocal(name, z_ref_ohm):
    n = BLOCKS[name][0](F_BAND_HZ, z_ref_ohm)
    assert n.max_singular_value().max() <= 1 + 1e-9
    assert n.is_reciprocal(1e-12)


def _causal_response(name):
    """S21 on a 600 GS/s, 10 ns grid, shaped by a 60 GHz Gaussian (a measurement bandwidth whose
    own kernel is below e^-300 beyond 100 ps) and advanced by the bulk delay less a 100 ps guard.
    A causal block then has nothing in the last quarter of the window (negative time)."""
    fn, delay_s = BLOCKS[name]
    fs_hz, n, guard_s = 600e9, 6000, 100e-12
    df = fs_hz / n
    f = frequency_grid(df, n)
    h_f = fn(f).s21 * np.exp(-((f / 60e9) ** 2)) * np.exp(2j * np.pi * f * (delay_s - guard_s))
    _, h = impulse_response(h_f, df)
    return fn(np.array([0.0])).s21[0], h


LUMPED = {"shunt_C_50fF", "series_L_0.2nH"}


@blocks
def test_every_impulse_response_is_causal_and_settles_to_the_dc_gain(name):
    """Causal: < 1e-6 of the energy in negative time. Settles: the step response approaches
    S21(0). Lumped parts settle within 1e-9 in 5 ns; lines with the 93A γ carry the √f skin
    tail (step residual ≈ a1·z/√(πt): 0.6 % for 5 in of board at 5 ns) and the f·ln f tail
    (≈ a2·z/(πt)), so for them the residual must be below 1 % and still shrinking."""
    s21_dc, h = _causal_response(name)
    assert acausal_energy_fraction(h, h.size // 4) < 1e-6
    assert abs(s21_dc.imag) < 1e-15
    residual = np.abs(step_response(h) - s21_dc.real)
    n = h.size
    if name in LUMPED:
        assert residual[n // 2] < 1e-9
    else:
        assert residual[n // 2] < 1e-2
        assert residual[3 * n // 4 - 1] < 0.9 * residual[n // 4]


@pytest.mark.parametrize(
    "name",
    [
        "shunt_C_50fF",
        "series_L_0.2nH",
        "open_stub_2mm",
        "ck_pkg_tx_31mm",
        "osfp_gen2",
        "design_a_via",
    ],
)
def test_lossless_at_dc_parts_pass_dc_unchanged(name):
    n = BLOCKS[name][0](np.array([0.0, 1e6]))
    assert n.s21[0] == pytest.approx(1.0, abs=1e-15)
    assert abs(n.s11[0]) < 1e-15


def test_a_line_with_gamma0_has_its_dc_resistance():
    line, length = com_package_line(87.5), 30 * MM
    n = line.network(length, np.array([0.0]), 87.5)
    # matched: S21(0) = exp(-γ0·z)
    assert n.s21[0] == pytest.approx(np.exp(-5e-4 * 30), rel=1e-14)
    assert line.series_impedance(0.0).real == pytest.approx(5e-4 * 1e3 * 87.5)


@pytest.mark.parametrize("zc_ohm", [78.0, 87.5, 100.0])
@pytest.mark.parametrize("length_mm", [1.8, 12.0, 33.0])
def test_gamma_line_equals_the_93a_closed_form(zc_ohm, length_mm):
    """93A-12/13: s11 = ρ(1−e^{−2γz})/(1−ρ²e^{−2γz}), s21 = (1−ρ²)e^{−γz}/(1−ρ²e^{−2γz})."""
    line = com_package_line(zc_ohm)
    n = line.network(length_mm * MM, F_BAND_HZ, 100.0)
    gz = line.gamma_per_mm(F_BAND_HZ) * length_mm
    rho = (zc_ohm - 100.0) / (zc_ohm + 100.0)
    den = 1 - rho**2 * np.exp(-2 * gz)
    np.testing.assert_allclose(n.s11, rho * (1 - np.exp(-2 * gz)) / den, atol=1e-13)
    np.testing.assert_allclose(n.s21, (1 - rho**2) * np.exp(-gz) / den, atol=1e-13)


def test_gamma_line_rejects_a_negative_coefficient_by_name():
    with pytest.raises(ValueError, match="a2_ns_per_mm"):
        GammaLine(100.0, 0.0, 1e-4, -1e-5, 6e-3)


# ---------------------------------------------------------------- calibration
F_NYQ_HZ = np.array([26.5625e9, 53.125e9, 106.25e9])


def test_com_package_line_loses_0p090_0p153_0p269_db_per_mm():
    got = com_package_line(87.5).loss_db_per_m(F_NYQ_HZ) * MM
    np.testing.assert_allclose(got, [0.090, 0.153, 0.269], rtol=0.02)


def test_oif_board_line_loses_0p82_1p25_1p97_db_per_inch():
    got = oif_224g_board().loss_db_per_m(F_NYQ_HZ) * INCH
    np.testing.assert_allclose(got, [0.82, 1.25, 1.97], rtol=0.03)
    # and a matched 10-inch section shows the same loss in its S21
    s21 = oif_224g_board().network(10 * INCH, F_NYQ_HZ, 100.0).insertion_loss_db
    np.testing.assert_allclose(s21 / 10, got, rtol=1e-12)


def test_oif_package_line_loses_0p070_0p124_0p224_db_per_mm():
    got = oif_224g_package_line().loss_db_per_m(F_NYQ_HZ) * MM
    np.testing.assert_allclose(got, [0.070, 0.124, 0.224], rtol=0.02)


def _rl_db(n: Network) -> np.ndarray:
    return -20 * np.log10(np.abs(n.s11))


@pytest.mark.parametrize(
    ("connector", "rl_db", "f_rl_hz", "bw_hz"),
    [(osfp_gen2(), 10.0, 85e9, 100e9), (next_gen_connector(), 15.0, 106.25e9, 125e9)],
    ids=["osfp_gen2", "next_gen"],
)
def test_connector_meets_its_return_loss_and_bandwidth(connector, rl_db, f_rl_hz, bw_hz):
    n = connector.network(np.array([f_rl_hz, bw_hz]))
    assert _rl_db(n)[0] == pytest.approx(rl_db, abs=1e-6)
    assert n.insertion_loss_db[1] == pytest.approx(3.0, abs=1e-6)
    below = connector.network(np.linspace(1e9, f_rl_hz, 200))
    assert np.all(_rl_db(below) >= rl_db - 1e-9)  # better below the stated frequency
    assert np.all(np.diff(np.abs(below.s11)) > 0)  # and |S11| rises monotonically


def test_osfp_gen2_is_usable_to_85_ghz_and_not_beyond():
    rl = _rl_db(osfp_gen2().network(np.array([80e9, 90e9])))
    assert rl[0] > 10.0 > rl[1]


def test_next_gen_connector_loses_about_2p5_db_near_106_ghz_and_reaches_120_ghz():
    il = next_gen_connector().network(np.array([106.25e9, 120e9])).insertion_loss_db
    assert il[0] == pytest.approx(2.5, abs=0.15)
    assert il[1] < 3.0


def test_design_a_via_loses_a_quarter_of_1p5_db_at_53_ghz():
    """Design A: 1.5 dB for all (four) vias TP0–TP5. Cascaded back to back, their reflections
    would interact; in the channel they sit inches apart, so the per-via loss is the target."""
    il = design_a_via().network(np.array([53.125e9])).insertion_loss_db[0]
    assert 4 * il == pytest.approx(1.5, abs=1e-6)


def test_a_via_stub_notches_near_its_quarter_wave():
    stub_delay_s = 1 / (4 * 100e9)  # a quarter wave at 100 GHz
    via = Via(1.6, 53.125e9, 85.0, 4e-12, stub_delay_s=stub_delay_s)
    f = np.linspace(60e9, 140e9, 801)
    il = via.network(f).insertion_loss_db
    assert 90e9 < f[np.argmax(il)] < 110e9
    assert il.max() > 10.0


def test_connector_rejects_a_bandwidth_its_reflection_already_uses_up():
    with pytest.raises(ValueError, match="bandwidth_hz"):
        _ = Connector(bandwidth_hz=60e9, return_loss_db=3.5, rl_freq_hz=50e9).network([1e9])


def test_via_rejects_a_target_below_its_reflection_loss():
    with pytest.raises(ValueError, match="il_db"):
        _ = Via(0.001, 53.125e9, 60.0, 6e-12).network([1e9])
