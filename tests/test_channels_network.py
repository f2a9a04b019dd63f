"""Network: cascade algebra, checks, and agreement with scikit-rf."""

from __future__ import annotations

import numpy as np
import pytest

from sigint.channels.network import Network, abcd_to_s, cascade_list, cascade_s
from sigint.channels.presets import stripline, twinax

F_HZ = np.linspace(0.0, 120e9, 241)


def _random_passive(rng, f_hz, n_ports=2, gain=0.9) -> Network:
    """Random S with every singular value ≤ gain (not reciprocal in general)."""
    a = rng.normal(size=(f_hz.size, n_ports, n_ports)) + 1j * rng.normal(
        size=(f_hz.size, n_ports, n_ports)
    )
    s = a / np.linalg.svd(a, compute_uv=False)[:, :1, None] * gain
    return Network(f_hz, s)


@pytest.fixture
def three():
    rng = np.random.default_rng(1)
    return (
        twinax(26).network(0.7, F_HZ),
        stripline().network(0.1, F_HZ),
        _random_passive(rng, F_HZ),
    )


def test_thru_is_the_identity_of_the_cascade(three):
    thru = Network.thru(F_HZ)
    for x in three:
        assert (thru**x).allclose(x, rtol=0, atol=1e-15)
        assert (x**thru).allclose(x, rtol=0, atol=1e-15)


def test_cascade_is_associative(three):
    a, b, c = three
    assert ((a**b) ** c).allclose(a ** (b**c), rtol=1e-12, atol=1e-14)
    assert cascade_list([a, b, c]) == (a**b) ** c
    assert cascade_list([a]) is a


def test_cascade_matches_scikit_rf(three):
    a, b, c = three
    ours = cascade_list([a, b, c])
    theirs = a.to_skrf() ** b.to_skrf() ** c.to_skrf()
    np.testing.assert_allclose(ours.s, theirs.s, rtol=0, atol=1e-12)
    assert Network.from_skrf(theirs).allclose(ours, rtol=0, atol=1e-12)


def test_skrf_round_trip_is_exact(three):
    for x in three:
        back = Network.from_skrf(x.to_skrf())
        assert back == x
        assert back.z_ref_ohm == 100.0


def test_from_skrf_rejects_mixed_reference_impedances():
    import skrf

    freq = skrf.Frequency.from_f(F_HZ, unit="hz")
    ntwk = skrf.Network(frequency=freq, s=np.zeros((F_HZ.size, 2, 2)), z0=[50.0, 100.0])
    with pytest.raises(ValueError, match="reference impedance"):
        Network.from_skrf(ntwk)


def test_abcd_cascade_equals_s_cascade_for_series_resistors():
    # two series resistors in a row are one resistor of the sum: ABCD [[1, R], [0, 1]]
    one, zero = np.ones(3), np.zeros(3)
    r1, r2 = 7.0, 33.0
    s1 = abcd_to_s(one, r1 * one, zero, one, 100.0)
    s2 = abcd_to_s(one, r2 * one, zero, one, 100.0)
    s12 = abcd_to_s(one, (r1 + r2) * one, zero, one, 100.0)
    np.testing.assert_allclose(cascade_s(s1, s2), s12, rtol=0, atol=1e-15)
    np.testing.assert_allclose(s12[:, 1, 0], 200.0 / (200.0 + r1 + r2), rtol=1e-15)
    np.testing.assert_allclose(s12[:, 0, 0], (r1 + r2) / (200.0 + r1 + r2), rtol=1e-15)


def test_cascade_refuses_mismatched_grids_and_reference_impedances(three):
    a = three[0]
    other_grid = Network.thru(F_HZ[:-1])
    with pytest.raises(ValueError, match="different frequency grids"):
        a**other_grid
    with pytest.raises(ValueError, match=r"z_ref_ohm: 100 Ω vs 50 Ω"):
        a ** Network.thru(F_HZ, z_ref_ohm=50.0)
    with pytest.raises(ValueError, match="at least one"):
        cascade_list([])
    four_port = Network(F_HZ, np.zeros((F_HZ.size, 4, 4)))
    with pytest.raises(ValueError, match="4 ports"):
        a**four_port


def test_passivity_and_reciprocity_checks_can_fail():
    rng = np.random.default_rng(2)
    lossy = _random_passive(rng, F_HZ, gain=0.99)
    assert lossy.is_passive()
    assert not lossy.is_reciprocal(1e-3)
    amp = Network(F_HZ, lossy.s * 1.02)
    assert not amp.is_passive()
    np.testing.assert_allclose(amp.max_singular_value(), 0.99 * 1.02, rtol=1e-12)
    thru = Network.thru(F_HZ)
    assert thru.is_passive(tol=0.0) and thru.is_reciprocal(tol=0.0)


def test_insertion_loss_of_an_attenuator():
    s = np.zeros((F_HZ.size, 2, 2), complex)
    s[:, 0, 1] = s[:, 1, 0] = 0.5
    np.testing.assert_allclose(Network(F_HZ, s).insertion_loss_db, 20 * np.log10(2), rtol=1e-15)
    assert np.all(Network.thru(F_HZ).insertion_loss_db == 0.0)


def test_equality_is_exact_and_allclose_carries_the_tolerance(three):
    a = three[0]
    nudged = Network(a.f_hz, a.s + 1e-13, a.z_ref_ohm)
    assert a == Network(a.f_hz, a.s, a.z_ref_ohm)
    assert a != nudged
    assert a.allclose(nudged, rtol=0, atol=1e-12)
    assert not a.allclose(nudged, rtol=0, atol=1e-14)


def test_network_is_immutable(three):
    a = three[0]
    with pytest.raises(AttributeError, match="immutable"):
        a.z_ref_ohm = 50.0
    with pytest.raises(ValueError, match="read-only"):
        a.s[0, 0, 0] = 1.0


@pytest.mark.parametrize(
    ("f_hz", "s", "z", "match"),
    [
        (F_HZ, np.zeros((3, 2, 2)), 100.0, "shape"),
        (F_HZ[::-1], np.zeros((F_HZ.size, 2, 2)), 100.0, "increasing"),
        (F_HZ, np.zeros((F_HZ.size, 2, 2)), -5.0, r"z_ref_ohm = -5\.0"),
    ],
)
def test_bad_networks_are_refused(f_hz, s, z, match):
    with pytest.raises(ValueError, match=match):
        Network(f_hz, s, z)


def test_renormalized_equals_scikit_rf_and_round_trips():
    rng = np.random.default_rng(5)
    f = np.linspace(0, 50e9, 11)
    s = 0.3 * (rng.standard_normal((11, 4, 4)) + 1j * rng.standard_normal((11, 4, 4)))
    s = 0.5 * (s + s.transpose(0, 2, 1))
    net = Network(f, s, 50.0)
    ours = net.renormalized(46.25)
    theirs = net.to_skrf()
    theirs.renormalize(46.25)
    assert np.allclose(ours.s, theirs.s, atol=1e-12)
    assert ours.renormalized(50.0).allclose(net, rtol=1e-12, atol=1e-12)
