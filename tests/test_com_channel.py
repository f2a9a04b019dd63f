"""COM's channel side: the grid, packages built from a parameter set, and 93A-18."""

from pathlib import Path

import numpy as np
import pytest

from sigint.channels.boardline import com_package_line
from sigint.channels.network import Network
from sigint.channels.package import ieee8023ck_package
from sigint.channels.parts import shunt_capacitor
from sigint.com import load_preset
from sigint.com.channel import channel_h21, com_grid, package_model, read_channel, terminated_h21

EXAMPLE2 = Path(__file__).resolve().parents[2] / "shared/channels/pychopmarg_example2"


def test_com_grid_is_one_period_of_the_frequency_step():
    p = load_preset("802.3ck-KR")
    t, f = com_grid(p)
    assert t[1] == pytest.approx(p.ui_s / 32)
    assert t[-1] < 1 / p.f_step_hz <= t[-1] + t[1]
    assert f[1] == pytest.approx(p.f_step_hz) and f[0] == 0
    assert f[-1] == pytest.approx(16 * p.f_baud_hz, rel=1e-3)  # Nyquist of UI/32


def _abcd(net: Network):
    """ABCD of a 2-port from its S-matrix at z0 (the textbook conversion)."""
    z0 = net.z_ref_ohm
    s11, s12, s21, s22 = net.s[:, 0, 0], net.s[:, 0, 1], net.s[:, 1, 0], net.s[:, 1, 1]
    a = ((1 + s11) * (1 - s22) + s12 * s21) / (2 * s21)
    b = z0 * ((1 + s11) * (1 + s22) - s12 * s21) / (2 * s21)
    c = ((1 - s11) * (1 - s22) - s12 * s21) / (2 * s21 * z0)
    d = ((1 - s11) * (1 + s22) + s12 * s21) / (2 * s21)
    return a, b, c, d


@pytest.mark.parametrize("rd_ohm", [50.0, 42.5, 55.0])
def test_93a_18_is_twice_the_load_voltage_over_the_source_voltage(rd_ohm):
    """Source and load of 2·R_d (differential) around a lossy line with shunt C: the circuit's
    2·V_load/V_source equals 93A-18 for any R_d (= S21 when R_d = R_0)."""
    f = np.linspace(0, 60e9, 301)
    net = com_package_line(87.5).network(20e-3, f, 100.0) ** shunt_capacitor(60e-15, f, 100.0)
    a, b, c, d = _abcd(net)
    r = 2 * rd_ohm
    v_ratio = r / (a * r + b + r * (c * r + d))
    gamma = (rd_ohm - 50.0) / (rd_ohm + 50.0)
    h21 = terminated_h21(net, gamma, gamma)
    assert np.allclose(h21, 2 * v_ratio, rtol=1e-9, atol=1e-12)
    if rd_ohm == 50.0:
        assert np.allclose(h21, net.s21)


def test_a_preset_package_equals_the_validated_802_3ck_package():
    p = load_preset("802.3ck-KR")
    f = np.linspace(0, 100e9, 201)
    for case, z_p in enumerate((12e-3, 31e-3)):
        mine = package_model(p, case, "tx").network(f, 100.0)
        ref = ieee8023ck_package(z_p, "tx").network(f, 100.0)
        assert np.allclose(mine.s, ref.s, atol=1e-12)
    rx = package_model(p, 1, "rx").network(f, 100.0)
    assert np.allclose(rx.s, ieee8023ck_package(29e-3, "rx").network(f, 100.0).s, atol=1e-12)
    cr = package_model(load_preset("802.3ck-CR"), 0, "tx").network(f, 100.0)
    ref = ieee8023ck_package(12e-3, "tx", include_pcb=True).network(f, 100.0)
    assert np.allclose(cr.s, ref.s, atol=1e-12)


@pytest.mark.skipif(not EXAMPLE2.exists(), reason="../shared/channels is absent")
def test_packages_and_terminations_on_a_real_channel():
    p = load_preset("802.3by")
    f = com_grid(p)[1][:4001]  # up to 40 GHz
    ch = read_channel(p, "thru", EXAMPLE2 / "example2_THRU.s4p", f)
    h_short, h_long = channel_h21(p, ch, 0), channel_h21(p, ch, 1)
    nyq = round(p.f_baud_hz / 2 / p.f_step_hz)
    bare = abs(ch.block.s21[nyq])
    # the packages add loss at Nyquist, the longer test case more; DC passes (R_d ≈ R_0)
    assert abs(h_long[nyq]) < abs(h_short[nyq]) < bare
    assert abs(h_short[0]) == pytest.approx(1.0, abs=0.05)
