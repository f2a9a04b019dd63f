"""The Annex 93A / 178A device and package model: element formulas, orientation, preset losses and
(optionally, SIGINT_ORACLES=1) PyChOpMarg 3.4.0 as an oracle.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from oracles import run_oracle

from sigint.channels.boardline import com_package_line
from sigint.channels.network import Network, cascade_list
from sigint.channels.package import (
    IEEE8023CK_ZP_CASES_M,
    IEEE8023DJ_Z_REF_OHM,
    IEEE8023DJ_ZP1_CASES_M,
    PACKAGE_PRESETS,
    LineSegment,
    PackageModel,
    ieee8023ck_package,
    ieee8023dj_cr_package,
    ieee8023dj_package,
    package_preset,
)

F_HZ = np.linspace(0.0, 150e9, 1501)
R0 = 50.0  # Annex 93A single-ended reference; the differential 2-port is at 2·R0


def _only(**kw) -> PackageModel:
    """A package holding only the given elements (the others zero / absent)."""
    base = dict(c_d_f=(0.0,), l_s_h=(0.0,), c_b_f=0.0, segments=(), c_p_f=0.0)
    return PackageModel(**(base | kw))


def test_die_capacitance_matches_the_93a_shunt_c_formula():
    """93A-8: s11 = −jωR0C/(2 + jωR0C), s21 = 2/(2 + jωR0C), C single-ended, R0 = 50 Ω."""
    c = 120e-15
    n = _only(c_d_f=(c,)).network(F_HZ, 2 * R0)
    jwrc = 2j * np.pi * F_HZ * R0 * c
    np.testing.assert_allclose(n.s11, -jwrc / (2 + jwrc), atol=1e-15)
    np.testing.assert_allclose(n.s21, 2 / (2 + jwrc), atol=1e-15)
    np.testing.assert_allclose(n.s[:, 1, 1], n.s11, atol=1e-15)


def test_series_inductance_matches_the_178a_series_l_formula():
    """178A (93A.1.2.2a): s21 = 2/(2 + jωL/R0), s11 = jωL/R0 / (2 + jωL/R0)."""
    ls = 0.15e-9
    n = _only(l_s_h=(ls,)).network(F_HZ, 2 * R0)
    x = 2j * np.pi * F_HZ * ls / R0
    np.testing.assert_allclose(n.s21, 2 / (2 + x), atol=1e-15)
    np.testing.assert_allclose(n.s11, x / (2 + x), atol=1e-15)


def test_package_is_the_cascade_of_its_blocks_die_first():
    pkg = ieee8023dj_package("A", 1)
    blocks = pkg.blocks(F_HZ, 100.0)
    assert len(blocks) == 2 * 3 + 1 + 2 + 1  # 3 ladder sections, C_b, 2 segments, C_p
    assert pkg.network(F_HZ).allclose(cascade_list(blocks), rtol=0, atol=0)


def test_rx_side_is_the_tx_model_port_reversed():
    tx = ieee8023dj_package("B", 1, "tx")
    rx = tx.flipped()
    assert rx.side == "rx" and rx.flipped() == tx
    a, b = tx.network(F_HZ), rx.network(F_HZ)
    np.testing.assert_array_equal(b.s[:, 0, 0], a.s[:, 1, 1])
    np.testing.assert_array_equal(b.s[:, 1, 0], a.s[:, 0, 1])
    # a die at each end faces outward: the Tx die reflection is seen at Rx port 2
    assert not np.allclose(a.s11, a.s[:, 1, 1])


def test_rx_preset_uses_the_receiver_line_length():
    assert (
        ieee8023dj_package("B", 1, "rx").segments[0].length_m == IEEE8023DJ_ZP1_CASES_M[("B", 1)][1]
    )


def test_a_package_built_at_any_reference_is_the_same_circuit():
    """Renormalising the 100 Ω result to 92.5 Ω reproduces the 92.5 Ω build (scikit-rf does it)."""
    pkg = ieee8023dj_package("A", 1)
    at100 = pkg.network(F_HZ, 100.0).to_skrf()
    at100.renormalize(92.5)
    assert pkg.network(F_HZ, 92.5).allclose(Network.from_skrf(at100), rtol=1e-9, atol=1e-12)


def test_invalid_package_fields_are_named():
    with pytest.raises(ValueError, match="l_s_h"):
        _only(c_d_f=(1e-15, 2e-15))
    with pytest.raises(ValueError, match="c_p_f"):
        _only(c_p_f=-1e-15)
    with pytest.raises(ValueError, match="side"):
        _only(side="left")
    with pytest.raises(ValueError, match="length_m"):
        LineSegment(com_package_line(), -1.0)
    with pytest.raises(ValueError, match="pkg_class"):
        ieee8023dj_package("C", 1)


@pytest.mark.parametrize("name", sorted(PACKAGE_PRESETS))
def test_every_named_preset_builds_a_passive_package_for_each_side(name):
    tx, rx = package_preset(name, "tx"), package_preset(name, "rx")
    assert (tx.side, rx.side) == ("tx", "rx")
    z_ref = PACKAGE_PRESETS[name][1]
    assert tx.network(F_HZ, z_ref).is_passive() and rx.network(F_HZ, z_ref).is_passive()


def test_unknown_preset_name_lists_the_known_ones():
    with pytest.raises(ValueError, match=r"802\.3dj-A"):
        package_preset("802.3xx")


# -------------------------------------------------------------------- preset losses
F_NYQ = np.array([26.5625e9, 53.125e9, 106.25e9])


def _il(pkg: PackageModel, z_ref: float) -> np.ndarray:
    return pkg.network(F_NYQ, z_ref).insertion_loss_db


@pytest.mark.parametrize("z_p_m", IEEE8023CK_ZP_CASES_M["tx"])
def test_ck_package_loss_at_its_nyquist_is_a_few_db(z_p_m):
    il = _il(ieee8023ck_package(z_p_m), 100.0)[0]
    assert 1.5 < il < 6.0  # 12 mm: 2.2 dB, 31 mm: 4.8 dB at 26.56 GHz


@pytest.mark.parametrize(
    ("pkg_class", "test", "lo", "hi"),
    [("A", 1, 5.0, 7.0), ("A", 2, 1.5, 3.5), ("B", 1, 8.5, 10.5), ("B", 2, 6.0, 8.0)],
)
def test_dj_package_loss_at_53_ghz_is_in_the_expected_range(pkg_class, test, lo, hi):
    """Design A implies ≈ 6 dB per package at 53 GHz (40 dB die-to-die − 28 dB TP0–TP5)."""
    il = _il(ieee8023dj_package(pkg_class, test), IEEE8023DJ_Z_REF_OHM)[1]
    assert lo < il < hi


def test_dj_die_ladder_cuts_off_below_the_448g_nyquist():
    """The 178A C_d–L_s ladder is a low-pass tuned for 53 GHz: it reflects nearly all of 106 GHz,
    so the 802.3dj device model is no model for a 448G (106 GHz Nyquist) link."""
    il = _il(ieee8023dj_package("A", 2), IEEE8023DJ_Z_REF_OHM)
    assert il[2] > 25.0


def test_cr_host_classes_order_hl_hn_hh():
    il = [_il(ieee8023dj_cr_package(h), IEEE8023DJ_Z_REF_OHM)[1] for h in ("HL", "HN", "HH")]
    assert il[0] < il[1] < il[2]


# -------------------------------------------------------------------- optional oracle
_ORACLE = r"""
import json, sys
import numpy as np
from pychopmarg.config import ieee_8023dj_d3p3 as d
from pychopmarg.devmodel import s_rx_model, s_tx_model
from pychopmarg.utility.sparams import sCshunt, sDieLadderSegment, sPkgTline
import skrf as rf

f = np.array(json.loads(sys.argv[1]))
out = {}
for cls in "AB":
    for test in (1, 2):
        for rx in (False, True):
            dev = d.kr_c2c_device(cls, test, rx)
            n = (s_rx_model if rx else s_tx_model)(f, dev, 46.25)
            out[f"dj{cls}{test}{'rx' if rx else 'tx'}"] = n.s.tolist()
# 802.3ck Tx package, built as PyChOpMarg's COM does (93A.1.2, R0 = 50 Ω), z_p = 12 mm
ck = rf.network.cascade_list([
    sDieLadderSegment(f, (50.0, 120e-15, 0.12e-9)), sCshunt(f, 30e-15, 50.0),
    sPkgTline(f, 50.0, 9.909e-4, 2.772e-4, 6.141e-3, 0.0, [(87.5, 12.0), (92.5, 1.8)]),
    sCshunt(f, 87e-15, 50.0)])
out["ck12tx"] = ck.s.tolist()
print(json.dumps({k: [[[[c.real, c.imag] for c in r] for r in m] for m in v]
                  for k, v in ((k, np.array(v)) for k, v in out.items())}))
"""


def test_package_models_match_pychopmarg_3_4_0(pychopmarg_path):
    f = np.linspace(0.05e9, 120e9, 241)
    f = np.union1d(f, [26.5625e9, 53.125e9])
    out = run_oracle(pychopmarg_path, _ORACLE, json.dumps(f.tolist()))
    ref = {k: np.array(v)[..., 0] + 1j * np.array(v)[..., 1] for k, v in json.loads(out).items()}
    i53 = int(np.argmin(abs(f - 53.125e9)))
    for (cls, test), _ in IEEE8023DJ_ZP1_CASES_M.items():
        for side in ("tx", "rx"):
            mine = ieee8023dj_package(cls, test, side).network(f, IEEE8023DJ_Z_REF_OHM)
            theirs = ref[f"dj{cls}{test}{side}"]
            np.testing.assert_allclose(mine.s, theirs, atol=1e-10)
            il_mine = -20 * np.log10(abs(mine.s21[i53]))
            il_theirs = -20 * np.log10(abs(theirs[i53, 1, 0]))
            assert abs(il_mine - il_theirs) < 0.1  # the bar; the match is ~1e-12 dB
    ck = ieee8023ck_package(12e-3).network(f, 2 * R0)
    np.testing.assert_allclose(ck.s, ref["ck12tx"], atol=1e-10)
