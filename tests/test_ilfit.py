"""802.3 channel figures: the IL fit recovers its coefficients; the 802.3ck cable assembly matches
REFERENCE §4.1; ICN of its 7 FEXT + 8 NEXT aggressors is finite and positive."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from sigint.channels.ilfit import (
    ILFit,
    fit_insertion_loss,
    insertion_loss_deviation,
    integrated_crosstalk_noise,
    power_sum_db,
    return_loss_db,
)

CA = Path(__file__).resolve().parents[1] / ".." / "shared" / "channels"
CA = CA / "ieee8023ck_cable_assembly_mellitz"


def _sdd(path: Path, out_row: int = 1, in_col: int = 0):
    """SDD_xy of a 4-port with differential input (1,3) and output (2,4) (convention A).

    Port p of the 2-port is single-ended pair (p_plus, p_minus): 1 → (0, 2), 2 → (1, 3).
    """
    skrf = pytest.importorskip("skrf")
    ntwk = skrf.Network(str(path))
    pairs = {0: (0, 2), 1: (1, 3)}
    (ap, am), (bp, bm) = pairs[out_row], pairs[in_col]
    s = ntwk.s
    return ntwk.f, 0.5 * (s[:, ap, bp] - s[:, ap, bm] - s[:, am, bp] + s[:, am, bm])


def test_fit_recovers_known_coefficients_exactly():
    f = np.arange(1, 3001) * 10e6
    truth = ILFit(0.07, 2.395, 0.174, 0.0038, 0.0, 0.0)
    fit = fit_insertion_loss(f, truth(f), 0.05e9, 30e9)
    got = np.array([fit.a0, fit.a1, fit.a2, fit.a4])
    np.testing.assert_allclose(got, [0.07, 2.395, 0.174, 0.0038], rtol=1e-9, atol=1e-12)
    assert np.max(np.abs(insertion_loss_deviation(f, truth(f), fit))) < 1e-9


def test_ild_is_the_ripple_left_after_the_fit():
    f = np.arange(5, 3001) * 10e6
    ripple = 0.3 * np.sin(2 * np.pi * f / 0.7e9)
    il = ILFit(0.1, 2.0, 0.2, 0.003, 0, 0)(f) + ripple
    fit = fit_insertion_loss(f, il, 0.05e9, 30e9)
    ild = insertion_loss_deviation(f, il, fit)
    assert np.sqrt(np.mean((ild - ripple) ** 2)) < 0.02


def test_fit_needs_points_in_the_band():
    with pytest.raises(ValueError, match="≥ 4"):
        fit_insertion_loss([1e9, 2e9, 3e9], [1.0, 2.0, 3.0], 0.05e9, 30e9)


def test_return_loss_and_power_sum():
    assert return_loss_db(np.array([0.1]))[0] == pytest.approx(20.0)
    assert power_sum_db([np.array([0.1]), np.array([0.1])])[0] == pytest.approx(
        20.0 - 10 * np.log10(2)
    )


def test_icn_of_a_flat_aggressor_matches_the_closed_sum():
    f = np.arange(0, 5001) * 10e6
    xt = np.full(f.size, 0.01 + 0j)  # −40 dB flat
    icn = integrated_crosstalk_noise(f, next_aggressors=[xt], f_b_hz=25.78125e9)
    fn = f[(f >= 0.05e9) & (f <= 25.78125e9)]
    w = 0.36 / 25.78125e9 * np.sinc(fn / 25.78125e9) ** 2
    w = w / (1 + (fn / (0.2365 / 24e-12)) ** 4) / (1 + (fn / (0.75 * 25.78125e9)) ** 8)
    assert icn.near_v == pytest.approx(np.sqrt(2 * 10e6 * np.sum(w) * 1e-4), rel=1e-12)
    assert icn.far_v == 0.0
    assert icn.total_v == pytest.approx(icn.near_v)


def test_icn_doubles_power_with_two_equal_aggressors():
    f = np.arange(0, 3001) * 10e6
    xt = np.full(f.size, 0.01 + 0j)
    one = integrated_crosstalk_noise(f, fext_aggressors=[xt])
    two = integrated_crosstalk_noise(f, fext_aggressors=[xt, xt])
    assert two.far_v == pytest.approx(np.sqrt(2) * one.far_v, rel=1e-12)


needs_ca = pytest.mark.skipif(not CA.is_dir(), reason="shared/channels is absent")


@needs_ca
def test_ieee_cable_assembly_fit_matches_reference_coefficients():
    f, sdd21 = _sdd(CA / "CA_19p75dB_thru.s4p")
    fit = fit_insertion_loss(f, -20 * np.log10(np.abs(sdd21)), 0.05e9, 30e9)
    ref = {"a0": 0.070, "a1": 2.395, "a2": 0.174, "a4": 0.0038}
    for name, value in ref.items():
        assert getattr(fit, name) == pytest.approx(value, rel=0.10), name
    assert fit(26.5625e9) == pytest.approx(19.7, abs=0.3)


@needs_ca
def test_ieee_cable_assembly_icn_is_finite_and_positive():
    f, _ = _sdd(CA / "CA_19p75dB_thru.s4p")
    fext = [_sdd(p)[1] for p in sorted(CA.glob("*fext*.s4p"))]
    nxt = [_sdd(p)[1] for p in sorted(CA.glob("*next*.s4p"))]
    assert (len(fext), len(nxt)) == (7, 8)
    icn = integrated_crosstalk_noise(
        f, nxt, fext, f_b_hz=53.125e9, a_nt_v=0.413, a_ft_v=0.413, t_nt_s=6.16e-12, t_ft_s=6.16e-12
    )
    for v in (icn.near_v, icn.far_v, icn.total_v):
        assert np.isfinite(v) and v > 0
    assert icn.total_v == pytest.approx(np.hypot(icn.near_v, icn.far_v))
    assert 1e-4 < icn.total_v < 1e-2  # mV-class, as 802.3 cable assemblies
