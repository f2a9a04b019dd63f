"""Mixed-mode conversion against scikit-rf's se2gmm, port maps, and thru-based detection."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest

from sigint.channels.mixedmode import (
    PortMap,
    PortMapError,
    detect_port_map,
    differential,
    mixed_mode,
    parse_port_map,
)
from sigint.channels.network import Network
from sigint.channels.touchstone import read_touchstone

SHARED = Path(__file__).resolve().parents[2] / "shared" / "channels"
CA_THRU = "ieee8023ck_cable_assembly_mellitz/CA_19p75dB_thru.s4p"
F_NYQ_HZ = 26.5625e9


@pytest.fixture
def shared_channels() -> Path:
    if not SHARED.is_dir():
        pytest.skip(f"{SHARED} is absent")
    return SHARED


def _skrf_gmm(net: Network, pairs, p: int) -> np.ndarray:
    """skrf's se2gmm after the renumbering it needs: its differential port k is the
    single-ended pair (2k, 2k+1) (0-based), so the ports go in order [in+, in-, out+, out-, …]."""
    perm = np.array([q for pair in pairs for q in pair]) - 1
    k = Network(net.f_hz, np.asarray(net.s)[:, perm][:, :, perm], net.z_ref_ohm).to_skrf()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        k.se2gmm(p=p)
    return k.s


def _random(n_ports: int, seed: int) -> Network:
    rng = np.random.default_rng(seed)
    shape = (11, n_ports, n_ports)
    s = (rng.normal(size=shape) + 1j * rng.normal(size=shape)) / 4
    return Network(np.linspace(0, 50e9, 11), s, 50.0)


@pytest.mark.parametrize("pairs", [[(1, 3), (2, 4)], [(1, 2), (4, 3)], [(3, 1), (4, 2)]], ids=str)
def test_four_port_mixed_mode_equals_skrf_se2gmm_after_renumbering(pairs):
    net = _random(4, seed=3)
    mm = mixed_mode(net, pairs)
    np.testing.assert_allclose(mm.s, _skrf_gmm(net, pairs, p=2), rtol=1e-12, atol=1e-14)
    assert mm.z_ref_ohm == 100.0


def test_eight_port_two_channels_equals_skrf_se2gmm():
    net = _random(8, seed=4)
    pairs = [(1, 3), (2, 4), (5, 7), (6, 8)]  # two differential channels, four diff ports
    mm = mixed_mode(net, pairs)
    np.testing.assert_allclose(mm.s, _skrf_gmm(net, pairs, p=4), rtol=1e-12, atol=1e-14)
    # the 2-port of the second channel is the SDD block of its pairs
    d2 = differential(net, PortMap((5, 7), (6, 8)))
    np.testing.assert_allclose(d2.s, mm.s[:, 2:4, 2:4], rtol=1e-12, atol=1e-14)


def test_differential_is_the_sdd_block_with_twice_the_reference():
    net = _random(4, seed=5)
    d = differential(net, "1,3:2,4")
    mm = mixed_mode(net, PortMap((1, 3), (2, 4)))
    np.testing.assert_allclose(d.s, mm.s[:, :2, :2])
    assert d.z_ref_ohm == 100.0
    # SDD21 = ½(S21 − S23 − S41 + S43) in single-ended (1-based) terms
    s = net.s
    want = 0.5 * (s[:, 1, 0] - s[:, 1, 2] - s[:, 3, 0] + s[:, 3, 2])
    np.testing.assert_allclose(d.s[:, 1, 0], want, rtol=1e-13)


def test_ideal_coupled_thru_is_a_lossless_differential_thru():
    s = np.zeros((2, 4, 4))
    for i, j in ((0, 1), (2, 3)):
        s[:, i, j] = s[:, j, i] = 1.0
    d = differential(Network([0.0, 1e9], s, 50.0), PortMap((1, 3), (2, 4)))
    np.testing.assert_allclose(d.s, [[[0, 1], [1, 0]]] * 2, atol=1e-15)


def test_port_map_validation_str_and_parse():
    pm = PortMap((1, 3), (2, 4))
    assert str(pm) == "(1,3)→(2,4)"
    assert parse_port_map(" 1,2 : 4,3 ") == PortMap((1, 2), (4, 3))
    for bad in ("1,3;2,4", "1,3:2", "a,b:c,d", "1,3:2,4:5"):
        with pytest.raises(PortMapError, match="expected 'in\\+,in-:out\\+,out-'"):
            parse_port_map(bad)
    with pytest.raises(PortMapError, match="distinct"):
        PortMap((1, 3), (3, 4))
    with pytest.raises(PortMapError, match="positive"):
        PortMap((0, 3), (2, 4))
    with pytest.raises(PortMapError, match="port 5 does not exist"):
        differential(_random(4, 1), PortMap((1, 5), (2, 4)))
    with pytest.raises(PortMapError, match="unpaired"):
        mixed_mode(_random(6, 1), [(1, 2), (3, 4)])


def test_detection_needs_a_four_port_and_a_clear_thru():
    with pytest.raises(PortMapError, match="needs a 4-port"):
        detect_port_map(_random(8, 2))
    with pytest.raises(PortMapError, match="no pairing is clearly a thru"):
        detect_port_map(_random(4, 2))


@pytest.mark.parametrize(
    ("thru", "want"),
    [
        (((1, 2), (3, 4)), PortMap((1, 3), (2, 4))),
        (((1, 4), (2, 3)), PortMap((1, 2), (4, 3))),
        (((1, 3), (2, 4)), PortMap((1, 2), (3, 4))),
        (((1, 3), (4, 2)), PortMap((1, 2), (3, 4))),
    ],
    ids=str,
)
def test_detection_on_synthetic_thrus(thru, want):
    s = np.full((20, 4, 4), 0.02 + 0j)
    for i, j in thru:
        s[:, i - 1, j - 1] = s[:, j - 1, i - 1] = 0.9
    pm, reason = detect_port_map(Network(np.linspace(0, 1e10, 20), s, 50.0))
    assert pm == want
    assert f"input ({want.inp[0]},{want.inp[1]})" in reason and "0.90" in reason


# --------------------------------------------------------------------------- real files
def _shared(pattern: str):
    return sorted(SHARED.glob(pattern)) if SHARED.is_dir() else []


def test_cable_assembly_sdd21_at_nyquist_reads_19p7_db_and_matches_skrf(shared_channels):
    net = read_touchstone(shared_channels / CA_THRU)
    pm, reason = detect_port_map(net)
    assert pm == PortMap((1, 3), (2, 4)), reason
    k = int(np.argmin(np.abs(net.f_hz - F_NYQ_HZ)))
    ours_db = -20 * np.log10(abs(differential(net, pm).s[k, 1, 0]))
    assert ours_db == pytest.approx(19.7, abs=0.1)

    # scikit-rf: swap single-ended ports 2 and 3 (0-based 1 and 2), then se2gmm(p=2)
    ref = net.to_skrf()
    ref.renumber([1, 2], [2, 1])
    ref.se2gmm(p=2)
    skrf_db = -20 * np.log10(abs(ref.s[k, 1, 0]))
    assert ours_db == pytest.approx(skrf_db, abs=0.05)

    # REFERENCE §9: without the renumbering scikit-rf pairs (1,2)/(3,4), the thru partners, and
    # reads a different channel (21.1 dB at Nyquist here; at 1 GHz no thru at all)
    plain = net.to_skrf()
    plain.se2gmm(p=2)
    assert abs(-20 * np.log10(abs(plain.s[k, 1, 0])) - ours_db) > 1.0
    k1 = int(np.argmin(np.abs(net.f_hz - 1e9)))
    assert abs(plain.s[k1, 1, 0]) < 0.5 * abs(differential(net, pm).s[k1, 1, 0])


CONVENTION_A_THRUS = [
    p
    for p in _shared("*/*")
    if p.parent.name != "measured_signalintegrity" and "thru" in p.name.lower()
]
CROSSTALK = [
    p
    for p in _shared("*/*")
    if p.suffix.lower() == ".s4p"
    and any(k in p.name.lower() for k in ("next", "fext", "nenf", "fen"))
]
MEASURED = {
    "WavePulserDemoBoard.s4p": PortMap((1, 2), (4, 3)),
    "HDMICableRawMeasurement.s4p": PortMap((1, 2), (4, 3)),
    "Sparq_demo_16.s4p": PortMap((1, 2), (3, 4)),
}


def _params(paths):
    if not paths:
        return [pytest.param(None, marks=pytest.mark.skip(reason=f"{SHARED} is absent"))]
    return paths


@pytest.mark.parametrize("path", _params(CONVENTION_A_THRUS), ids=lambda p: p.name if p else "-")
def test_convention_a_thru_files_detect_13_to_24(path, shared_channels):
    pm, reason = detect_port_map(read_touchstone(path))
    assert pm == PortMap((1, 3), (2, 4)), reason
    assert reason.startswith("thru on 1→2 and 3→4")


@pytest.mark.parametrize("name", sorted(MEASURED))
def test_measured_files_detect_their_own_convention(name, shared_channels):
    pm, reason = detect_port_map(
        read_touchstone(shared_channels / "measured_signalintegrity" / name)
    )
    assert pm == MEASURED[name], reason


@pytest.mark.parametrize("path", _params(CROSSTALK), ids=lambda p: p.name if p else "-")
def test_crosstalk_files_have_no_thru_and_say_so(path, shared_channels):
    with pytest.raises(PortMapError, match=r"no pairing is clearly a thru.*its thru's map"):
        detect_port_map(read_touchstone(path))
