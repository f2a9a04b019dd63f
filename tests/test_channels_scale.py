"""Scaling a uniform cable's 2-port to another length (`sigint.channels.scale`).

Tolerances are the measured errors with a margin of about 5×: scaling 1 m of the 26 AWG twinax
model on 0–100 GHz (2001 points) reproduces the model at the new length to 1.7e-12 in |ΔS21|
and 2e-15 in |ΔS11|; the S21 error is the rounding of a 2570 rad phase (its ulp is 4.5e-13).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from sigint.channels import Network, abcd_to_s, twinax
from sigint.channels.parts import shunt_capacitor
from sigint.channels.scale import (
    ASYMMETRY_WARN,
    line_asymmetry,
    s_to_abcd,
    scale_line,
    scale_touchstone,
)
from sigint.channels.touchstone import write_touchstone

F_HZ = np.linspace(0.0, 100e9, 2001)
F_53_HZ = 53e9  # on the grid
S_ATOL = 1e-11  # measured max |ΔS| 1.7e-12 (S21, near 100 GHz)
SHARED = Path(__file__).resolve().parents[2] / "shared" / "channels"
CA_THRU = SHARED / "ieee8023ck_cable_assembly_mellitz" / "CA_19p75dB_thru.s4p"


@pytest.fixture(scope="module")
def one_metre() -> Network:
    return twinax(26).network(1.0, F_HZ)


def _il_db_at(network: Network, f_hz: float) -> float:
    return float(np.interp(f_hz, network.f_hz, network.insertion_loss_db))


# --------------------------------------------------------------------------- a uniform line
@pytest.mark.parametrize("factor", [0.5, 2.5, 3.0])
def test_scaled_twinax_equals_the_model_at_the_new_length(one_metre, factor):
    got = scale_line(one_metre, factor)
    want = twinax(26).network(factor, F_HZ)
    assert np.max(np.abs(got.s21 - want.s21)) < S_ATOL
    assert np.max(np.abs(got.s11 - want.s11)) < 1e-14  # measured 2e-15
    assert got.allclose(want, rtol=0.0, atol=S_ATOL)


def test_factor_zero_is_the_thru(one_metre):
    assert scale_line(one_metre, 0.0) == Network.thru(F_HZ)


def test_factor_one_reproduces_a_symmetric_line(one_metre):
    assert scale_line(one_metre, 1.0).allclose(one_metre, rtol=0.0, atol=S_ATOL)


def test_factor_two_is_the_line_cascaded_with_itself(one_metre):
    assert scale_line(one_metre, 2.0).allclose(one_metre**one_metre, rtol=0.0, atol=S_ATOL)


@pytest.mark.parametrize("factor", [0.5, 3.0])
def test_insertion_loss_in_db_at_53_ghz_scales_linearly_with_length(one_metre, factor):
    # the model's Z_c is not exactly 100 Ω: its mismatch bends IL(length) by < 1e-6 dB here
    il_1 = _il_db_at(one_metre, F_53_HZ)
    assert il_1 == pytest.approx(7.4, abs=0.05)
    assert _il_db_at(scale_line(one_metre, factor), F_53_HZ) == pytest.approx(
        factor * il_1, abs=1e-5
    )


@pytest.mark.parametrize("factor", [0.3, 2.5, 7.0])
def test_scaled_line_is_passive_reciprocal_and_symmetric(one_metre, factor):
    got = scale_line(one_metre, factor)
    assert got.is_passive(tol=1e-12)
    assert got.is_reciprocal(tol=0.0)
    assert np.max(np.abs(got.s11 - got.s[:, 1, 1])) < 1e-14


def test_dc_point_keeps_the_real_dc_loss(one_metre):
    got = scale_line(one_metre, 2.5)
    want = twinax(26).network(2.5, F_HZ)
    assert np.abs(got.s[0].imag).max() < 1e-15  # γl is real there: no phase
    assert got.s21[0].real == pytest.approx(want.s21[0].real, abs=1e-15)
    assert got.s21[0].real < 1.0  # the series resistance of 2.5 m of copper


def test_a_grid_without_dc_unwraps_the_phase_from_zero(one_metre):
    # 5 m: 20 ns of delay, the first point (10 MHz) already 1.3 rad of phase
    f = np.linspace(10e6, 60e9, 4000)
    got = scale_line(twinax(26).network(5.0, f), 2.0)
    assert got.allclose(twinax(26).network(10.0, f), rtol=0.0, atol=S_ATOL)


def test_s_to_abcd_inverts_abcd_to_s():
    rng = np.random.default_rng(7)
    a, b, c, d = (rng.normal(size=5) + 1j * rng.normal(size=5) for _ in range(4))
    b, c = 50 * b, c / 50
    back = s_to_abcd(abcd_to_s(a, b, c, d, 50.0), 50.0)
    for x, y in zip(back, (a, b, c, d), strict=True):
        assert np.allclose(x, y, rtol=1e-12, atol=0.0)


# --------------------------------------------------------------------------- not a line
def test_a_one_sided_shunt_capacitor_makes_it_asymmetric_and_warns(one_metre):
    assert line_asymmetry(one_metre) < 1e-12
    lopsided = one_metre ** shunt_capacitor(50e-15, F_HZ)
    asym = line_asymmetry(lopsided)
    assert asym > ASYMMETRY_WARN
    with pytest.warns(UserWarning, match=rf"line_asymmetry = {asym:.3g} "):
        got = scale_line(lopsided, 2.0)
    assert got.is_passive(tol=1e-12) and got.is_reciprocal(tol=0.0)


def test_lumped_reflections_stay_passive_at_any_length_only_with_the_passive_z_c(one_metre):
    pad = shunt_capacitor(30e-15, F_HZ)  # |S11| ≈ 0.24 each at 26.5 GHz: a strong launch
    launched = pad**one_metre**pad  # symmetric: no warning
    for factor in (0.3, 0.5, 1.5, 2.5):
        assert scale_line(launched, factor).is_passive(tol=1e-12)
    # the raw Z_c = sqrt(B/C) of this network is no passive line's: |S| reaches 1.5 at ×0.5,
    # though at ×1 it gives back the input itself
    assert scale_line(launched, 0.5, passive=False).max_singular_value().max() > 1.4
    assert scale_line(launched, 1.0, passive=False).allclose(launched, rtol=0.0, atol=S_ATOL)
    # the passive line's loss is linear in length; at ×1 it is the Bloch loss of the section,
    # 0.66 dB above the input's own 5.44 dB at 26.5 GHz here
    il_1, il_25 = (_il_db_at(scale_line(launched, k), 26.5e9) for k in (1.0, 2.5))
    assert il_1 - _il_db_at(launched, 26.5e9) == pytest.approx(0.66, abs=0.02)
    assert il_25 == pytest.approx(2.5 * il_1, abs=0.1)


# --------------------------------------------------------------------------- validation
@pytest.mark.parametrize("factor", [-0.5, np.nan, np.inf, "two", True, None])
def test_bad_factor_raises_naming_the_value(one_metre, factor):
    with pytest.raises(ValueError, match=rf"factor = {factor!r}"):
        scale_line(one_metre, factor)


def test_not_a_transmitting_two_port_raises_naming_it(one_metre):
    four = Network(F_HZ[:3], np.zeros((3, 4, 4)), 50.0)
    with pytest.raises(ValueError, match="4 ports: expected a 2-port"):
        scale_line(four, 2.0)
    with pytest.raises(ValueError, match="network is a ndarray: expected a 2-port Network"):
        scale_line(np.asarray(one_metre.s), 2.0)
    blocked = Network(F_HZ[:3], np.zeros((3, 2, 2)), 100.0)
    with pytest.raises(ValueError, match="S21 = 0 at index 0"):
        line_asymmetry(blocked)


@pytest.mark.parametrize(
    ("ref", "length", "match"),
    [(0.0, 1.0, "ref_length_m = 0.0"), (1.0, -2.0, "length_m = -2.0"), (np.nan, 1.0, "nan")],
)
def test_scale_touchstone_rejects_bad_lengths(tmp_path, ref, length, match):
    with pytest.raises(ValueError, match=match):
        scale_touchstone(tmp_path / "x.s2p", ref, length)


# --------------------------------------------------------------------------- files
def test_scale_touchstone_of_a_two_port_file_is_scale_line(tmp_path, one_metre):
    path = tmp_path / "cable_1m.s2p"
    write_touchstone(one_metre, path)
    got = scale_touchstone(path, ref_length_m=1.0, length_m=2.5)
    assert got.allclose(twinax(26).network(2.5, F_HZ), rtol=0.0, atol=S_ATOL)


def test_scale_touchstone_reduces_a_four_port_to_its_differential_pair(tmp_path, one_metre):
    # two uncoupled copies of the line on 1→2 and 3→4 (convention A): SDD is the line itself
    s = np.zeros((F_HZ.size, 4, 4), dtype=complex)
    for p, q in ((0, 1), (2, 3)):
        s[:, p, p] = s[:, q, q] = one_metre.s11
        s[:, q, p] = s[:, p, q] = one_metre.s21
    path = tmp_path / "cable_1m.s4p"
    write_touchstone(Network(F_HZ, s, 50.0), path)
    want = scale_line(one_metre, 3.0)
    for ports in ("1,3:2,4", None):
        got = scale_touchstone(path, 0.5, 1.5, ports=ports)
        assert got.z_ref_ohm == 100.0
        assert np.max(np.abs(got.s - want.s)) < 1e-13


@pytest.mark.skipif(not CA_THRU.is_file(), reason=f"{CA_THRU} is absent")
def test_a_measured_cable_assembly_warns_and_its_loss_doubles_with_length():
    with pytest.warns(UserWarning, match=r"line_asymmetry = 0\.8"):
        one = scale_touchstone(CA_THRU, 2.0, 2.0)
    with pytest.warns(UserWarning, match="line_asymmetry"):
        two = scale_touchstone(CA_THRU, 2.0, 4.0)
    il_1 = _il_db_at(one, 26.5625e9)
    assert il_1 == pytest.approx(19.75, abs=0.5)  # the file's own 19.75 dB, symmetrised
    assert _il_db_at(two, 26.5625e9) == pytest.approx(2 * il_1, rel=0.01)
