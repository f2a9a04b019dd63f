"""COM against PyChOpMarg 3.4.0 as an oracle (optional: SIGINT_ORACLES=1 installs it).

The issue's comparison: the same channels, the same parameters, the equaliser pinned to the
same point, and the Annex 93A Tx-noise term (PyChOpMarg's "PRZF" mode computes σ_TX² =
h(0)²·10^(−SNR_TX/10); its MMSE mode applies 178A-21's channel-shaped term, REFERENCE §9).
Then COM must agree within 0.1 dB, A_s and A_ni within 1 %.

PyChOpMarg 3.4.0 cannot run a parameter set without an Rx FFE (its null Rx FFE has one tap
where its check expects none), so the oracle gets a one-tap Rx FFE fixed at 1 — the identity.
Each package test case runs as its own instance (its ``z_p[0]`` is the case's length).

PyChOpMarg's Annex 93A receiver package (3.4.0, ``COM._pkg_models``) keeps the Tx order of the
line segments (z_p at 87.5 Ω on the board side, z_pB = 1.8 mm at 92.5 Ω at the die) and flips
only the die; the reference MATLAB code flips the whole package (``s21_pkg`` cascades the Rx
package with S11 and S22 swapped), as sigint does. The oracle is given the receiver's segments
explicitly (``zp_rx``, ``z_c_rx``) in MATLAB's order. (Its 178A device models are right: see
tests/test_package.py.)
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import numpy as np
import pytest
from oracles import run_oracle

from sigint.com import compute_com, load_preset
from sigint.com.pychopmarg import CK_CR

SHARED = Path(__file__).resolve().parents[2] / "shared/channels"
EXAMPLE2 = SHARED / "pychopmarg_example2"
CABLE = SHARED / "ieee8023ck_cable_assembly_mellitz"

_ORACLE = r"""
import json, sys
from dataclasses import replace
import numpy as np
from pychopmarg.com import COM
from pychopmarg.common import OptMode
from pychopmarg.config.ieee_8023by import IEEE_8023by

job = json.loads(sys.argv[1])
arrays = ("dfe_min", "dfe_max", "rx_taps_min", "rx_taps_max", "R_d")
base = {k: np.array(v) if k in arrays else v for k, v in job["params"].items()}
# the identity as a one-tap Rx FFE (see the module docstring)
base.update(rx_taps_min=np.array([1.0]), rx_taps_max=np.array([1.0]), dw=0)
out = []
for case in job["cases"]:
    com = COM(replace(IEEE_8023by, **base, **case), job["channels"])
    com.opt_mode = OptMode.PRZF  # its Annex 93A noise terms
    rows = []
    for eq in job["points"]:
        taps = np.array(eq["tx_taps"] + [0.0] * job["pad_taps"])
        ix = int(np.argmin([np.abs(c - taps).sum() for c in com._tx_combs]))
        assert np.allclose(com._tx_combs[ix], taps)
        com.gDC, com.gDC2, com.tx_ix = eq["g_dc_db"], eq["g_dc2_db"], ix
        com.rx_taps, com.dfe_taps = np.array([1.0]), np.array([])
        a_s, a_ni, _ = com.calc_noise()
        com_db = float(20 * np.log10(a_s / a_ni))
        rows.append({"com": com_db, "a_s": float(a_s), "a_ni": float(a_ni)})
    out.append(rows)
print(json.dumps(out))
"""


def _rx_line(z_p_mm: float) -> dict:
    """The receiver's package line board side first, as MATLAB's fully flipped Rx package."""
    return {"zp_rx": [1.8, z_p_mm], "z_c_rx": [92.5, 87.5]}


def _compare(pychopmarg_path, job: dict, params, thru, fext, next_) -> None:
    """sigint's COM at each pinned point and case against the oracle's."""
    theirs = json.loads(run_oracle(pychopmarg_path, _ORACLE, json.dumps(job)))
    for k, eq in enumerate(job["points"]):
        mine = compute_com(params, thru, fext, next_, eq=eq)
        for case, rows in enumerate(theirs):
            ours, ref = mine.cases[case], rows[k]
            where = f"point {k} case {case + 1}: sigint {ours}, PyChOpMarg {ref}"
            # the bars are 0.1 dB and 1 %; measured: < 0.035 dB, A_s within 0.05 %,
            # A_ni within 0.4 % (PyChOpMarg reads A_ni at a bin of A_s/1000, without
            # interpolating)
            assert abs(ours.com_db - ref["com"]) < 0.05, where
            assert ours.a_s_v == pytest.approx(ref["a_s"], rel=1e-3), where
            assert ours.a_ni_v == pytest.approx(ref["a_ni"], rel=5e-3), where


#: Pinned equalisers: a mild one, a strong CTLE with de-emphasis, and sigint's own search
#: winner on case 1 (the grid allows c(0) = 0: the "cursor" moves to c(2)).
POINTS = [
    {"g_dc_db": -6.0, "g_dc2_db": 0.0, "tx_taps": [0, 0, -0.25, 0, 0, 0]},
    {"g_dc_db": -10.0, "g_dc2_db": 0.0, "tx_taps": [0, 0, -0.25, -0.25, 0, 0]},
    {"g_dc_db": 0.0, "g_dc2_db": 0.0, "tx_taps": [0, 0, 0, 0, 0, 0]},
    {"g_dc_db": -12.0, "g_dc2_db": 0.0, "tx_taps": [0, 0, 0, 0, 0.75, -0.25]},
]


@pytest.mark.skipif(not EXAMPLE2.is_dir(), reason="../shared/channels/pychopmarg_example2 absent")
def test_com_802_3by_example2_matches_pychopmarg(pychopmarg_path):
    files = {
        "THRU": [EXAMPLE2 / "example2_THRU.s4p"],
        "FEXT": [EXAMPLE2 / f"example2_FEXT{i}.s4p" for i in (1, 2)],
        "NEXT": [EXAMPLE2 / f"example2_NEXT{i}.s4p" for i in (1, 2, 3)],
    }
    job = {
        "params": {},  # its own 802.3by set, which sigint's preset transcribes
        "cases": [{"z_p": [z], **_rx_line(z)} for z in (12.0, 33.0)],
        "channels": {k: [str(p) for p in v] for k, v in files.items()},
        "points": POINTS,
        "pad_taps": 0,
    }
    params = load_preset("802.3by")
    _compare(pychopmarg_path, job, params, *files["THRU"], files["FEXT"], files["NEXT"])


@pytest.mark.skipif(not CABLE.is_dir(), reason="../shared/channels cable-assembly set absent")
def test_com_802_3ck_cr_cable_assembly_matches_pychopmarg(pychopmarg_path):
    files = {
        "THRU": [CABLE / "CA_19p75dB_thru.s4p"],
        "FEXT": sorted(CABLE.glob("*fext*.s4p")),
        "NEXT": sorted(CABLE.glob("*next*.s4p")),
    }
    cases = [
        {"z_p": [tx], "zp_tx": [tx, 1.8], "zp_fext": [tx, 1.8], "zp_next": [nx, 1.8]} | _rx_line(rx)
        for tx, nx, rx in ((12.0, 12.0, 12.0), (31.0, 29.0, 29.0))
    ]
    job = {
        "params": CK_CR,
        "cases": cases,
        "channels": {k: [str(p) for p in v] for k, v in files.items()},
        # sigint's search winners for the two package cases (without floating DFE taps)
        "points": [
            {"g_dc_db": -11.0, "g_dc2_db": -3.0, "tx_taps": [0.0, 0.04, -0.2, 0.0]},
            {"g_dc_db": -16.0, "g_dc2_db": -3.0, "tx_taps": [0.0, 0.02, -0.16, 0.0]},
        ],
        "pad_taps": 2,
    }
    params = dataclasses.replace(load_preset("802.3ck-CR"), dfe_float_groups=0)
    _compare(pychopmarg_path, job, params, *files["THRU"], files["FEXT"], files["NEXT"])


_DJ = r"""
import dataclasses, json, sys
import numpy as np
import skrf as rf
from pychopmarg.com import COM
from pychopmarg.common import OptMode
from pychopmarg.config import ieee_8023dj_d3p3 as d3

job = json.loads(sys.argv[1])
thru = rf.Network(job["thru"])
out = []
for case in job["cases"]:
    rows = []
    for eq in job["points"]:
        params = d3.com_params("KR")
        if "ts" in eq:  # the sampling time pinned too (offset from the peak, samples)
            params = dataclasses.replace(params, ts_sample_adj=(eq["ts"], eq["ts"]))
        com = COM(params, {"THRU": [thru], "FEXT": [], "NEXT": []},
                  tx_device=d3.device_model("KR", case, False),
                  rx_device=d3.device_model("KR", case, True))
        com.opt_mode = OptMode.MMSE
        taps = np.array(eq["tx_taps"] + [0.0, 0.0])  # its c(2), c(3) (fixed at 0)
        ix = int(np.argmin([np.abs(c - taps).sum() for c in com._tx_combs]))
        assert np.allclose(com._tx_combs[ix], taps)
        # its opt_eq() for one candidate: the MMSE Rx FFE/DFE at the pinned CTLE and Tx FFE
        com.com_rslts, com.fom_rslts = {}, {}
        com.calc_fom(ix, com.calc_Hctf(eq["g_dc_db"], eq["g_dc2_db"]), noise_vars=True)
        r = com.fom_rslts
        com.gDC, com.gDC2, com.tx_ix = eq["g_dc_db"], eq["g_dc2_db"], ix
        com.rx_taps = r["rx_taps"] / r["rx_taps"][com.nRxPreTaps]
        com.dfe_taps = r["dfe_tap_weights"]
        a_s, a_ni, _ = com.calc_noise(cursor_ix=r["cursor_ix"])
        com_dfe = float(20 * np.log10(a_s / a_ni))
        rows.append({"com": float(com.calc_mlsd(com_dfe)), "com_dfe": com_dfe,
                     "a_s": float(a_s), "a_ni": float(a_ni)})
    out.append(rows)
print(json.dumps(out))
"""


def _dj_compare(pychopmarg_path, thru, points, cases):
    """sigint's and PyChOpMarg's (COM, COM_DFE, A_s, A_ni) at pinned 802.3dj KR points."""
    job = {"thru": str(thru), "points": points, "cases": [f"A{c + 1}" for c in cases]}
    theirs = json.loads(run_oracle(pychopmarg_path, _DJ, json.dumps(job)))
    params = load_preset("802.3dj-KR")  # package class A, Tests 1 and 2
    pairs = []
    for k, eq in enumerate(points):
        p = params
        if "ts" in eq:
            p = dataclasses.replace(
                p, rx_ffe=dataclasses.replace(p.rx_ffe, ts_offsets=(eq["ts"],) * 2)
            )
        mine = compute_com(p, thru, eq=eq, workers=1)
        for j, case in enumerate(cases):
            ours, ref = mine.cases[case], theirs[j][k]
            pairs.append((ours, ref, f"point {k} Test {case + 1}: sigint {ours}, PyChOpMarg {ref}"))
    return pairs


@pytest.fixture(scope="module")
def dj_cable(tmp_path_factory):
    # a channel sigint builds: 2 m of 28 AWG twinax, 0-200 GHz
    from sigint.channels.presets import twinax
    from sigint.channels.touchstone import write_touchstone

    thru = tmp_path_factory.mktemp("dj") / "twinax28_2m.s2p"
    write_touchstone(twinax(28).network(2.0, np.linspace(0, 200e9, 10001)), thru)
    return thru


def test_com_802_3dj_kr_generated_channel_matches_pychopmarg(pychopmarg_path, dj_cable):
    points = [
        {"g_dc_db": -10.0, "g_dc2_db": -2.0, "tx_taps": [0.0, 0.04, -0.14, -0.06]},
        {"g_dc_db": -6.0, "g_dc2_db": 0.0, "tx_taps": [0.0, 0.0, -0.1, 0.0]},
    ]
    for ours, ref, where in _dj_compare(pychopmarg_path, dj_cable, points, (0, 1)):
        # the bars are 0.1 dB and 1 %. Measured: COM and COM_DFE within 0.025 dB
        # everywhere; A_s and A_ni within 0.2 %, except at point 1 in Test 2, where the two
        # tools pick neighbouring sampling times (1/32 UI apart) whose FOMs are 0.002-0.004 dB
        # apart in each, in opposite order (PyChOpMarg's clipping level is quantised to its
        # grid, ~0.1 % of Δ): A_s and A_ni then differ by 1.5-1.8 % together, their ratio
        # kept. At the same sampling time they agree within 0.1 % (the next test).
        assert abs(ours.com_dfe_db - ref["com_dfe"]) < 0.05, where
        assert abs(ours.com_db - ref["com"]) < 0.05, where
        assert ours.a_s_v == pytest.approx(ref["a_s"], rel=0.02), where
        assert ours.a_ni_v == pytest.approx(ref["a_ni"], rel=0.02), where


def test_com_802_3dj_kr_at_a_pinned_sampling_time_matches_pychopmarg(pychopmarg_path, dj_cable):
    """The near-tie above with the sampling time pinned as well (both offsets in contention):
    A_s and A_ni within the issue's 1 % (measured 0.1 %)."""
    eq = {"g_dc_db": -6.0, "g_dc2_db": 0.0, "tx_taps": [0.0, 0.0, -0.1, 0.0]}
    points = [eq | {"ts": -2}, eq | {"ts": -1}]
    for ours, ref, where in _dj_compare(pychopmarg_path, dj_cable, points, (1,)):
        assert abs(ours.com_dfe_db - ref["com_dfe"]) < 0.05, where
        assert ours.a_s_v == pytest.approx(ref["a_s"], rel=0.01), where
        assert ours.a_ni_v == pytest.approx(ref["a_ni"], rel=0.01), where
