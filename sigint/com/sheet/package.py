"""The sheet's package and host-board rows → :class:`~sigint.com.params.ComPackage`.

Die and bump capacitances, series inductance, the package line (``z_p`` lengths per test case
and segment, ``package_Z_c``, the line model; Table 93A-3 where the rows are absent) and, with
``Include PCB`` = 1, the host board at both ends. Settings that differ between Tx and Rx where
sigint holds one value, or segments that change between cases, are refused.
"""

from __future__ import annotations

import numpy as np

from ...errors import ConfigError
from ..params import ComPackage
from .matlab import exact_si, floats
from .rows import Row, Rows

# Annex 93A Table 93A-3 package line, the 802.3bj-era MATLAB COM defaults.
_TABLE_93A_3 = {"gamma0_a1_a2": (0.0, 1.734e-3, 1.455e-4), "tau": 6.141e-3, "z_c": 78.2}


def _ends(rows: Rows, row: Row, expected: str, sections: int | None = None) -> tuple:
    """A die setting as (Tx sections, Rx sections): a scalar, [Tx Rx] or [Tx …; Rx …]."""
    a = rows.array(row, expected)
    if a.shape[0] == 1 and a.shape[1] in (1, 2):
        tx, rx = (a[0, 0],), (a[0, -1],)
    elif a.shape[0] == 2:
        tx, rx = tuple(a[0]), tuple(a[1])
    else:
        raise rows.error(row, f"{expected}: one value, [Tx Rx], or a matrix [Tx …; Rx …]")
    if sections is not None and len(tx) != sections:
        raise rows.error(row, f"{expected}: {sections} section(s) per end, as C_d has")
    return tx, rx


def package_params(rows: Rows) -> ComPackage:
    """The package (and host board) the sheet's ``rows`` describe."""
    nf = "1e-9"
    c_d = _ends(rows, rows.require("C_d", "the die capacitance in nF"), "C_d in nF")
    n_sec = len(c_d[0])
    row = rows.get("L_s")
    l_s = ((0.0,) * n_sec,) * 2 if row is None else _ends(rows, row, "L_s in nH", n_sec)
    if row is None:
        rows.default("L_s", "0 nH (MATLAB COM's default: no series inductance)")
    row = rows.get("C_b")
    c_b = 0.0 if row is None else rows.pair(row, "C_b in nF")
    if row is None:
        rows.default("C_b", "0 nF (MATLAB COM's default: no bump capacitance)")
    c_p = rows.pair(rows.require("C_p", "the package capacitance in nF ([Tx Rx])"), "C_p in nF")

    def si(values, factor):
        return tuple(exact_si(x, factor) for x in values)

    cases = _package_cases(rows)
    pkg = {
        "c_d_f": si(c_d[0], nf),
        "l_s_h": si(l_s[0], nf),
        "c_b_f": exact_si(c_b, nf),
        "c_p_f": exact_si(c_p, nf),
        **cases,
    }
    if c_d[1] != c_d[0] or l_s[1] != l_s[0]:
        pkg["c_d_rx_f"], pkg["l_s_rx_h"] = si(c_d[1], nf), si(l_s[1], nf)
    line = rows.get("package_tl_gamma0_a1_a2")
    if line is None:
        rows.default("package_tl_gamma0_a1_a2", "[0 1.734e-3 1.455e-4] (Table 93A-3)")
        gamma = _TABLE_93A_3["gamma0_a1_a2"]
    else:
        gamma = tuple(rows.vector(line, "[gamma0 a1 a2]"))
        if len(gamma) != 3:
            raise rows.error(line, "[gamma0 a1 a2] (1/mm, sqrt(ns)/mm, ns/mm): three values")
    tau = rows.get("package_tl_tau")
    pkg["gamma0_per_mm"], pkg["a1_sqrt_ns_per_mm"], pkg["a2_ns_per_mm"] = map(float, gamma)
    pkg["tau_ns_per_mm"] = _TABLE_93A_3["tau"] if tau is None else rows.number(tau, "ns/mm")
    if tau is None:
        rows.default("package_tl_tau", "6.141e-3 ns/mm (Table 93A-3)")
    pkg.update(_host(rows))
    try:
        return ComPackage(**pkg)
    except ConfigError as err:
        row = _PACKAGE_ROWS.get(err.key, err.key)
        raise ConfigError(
            f"{row} (sigint's package.{err.key}, SI units)", err.value, err.expected, rows.source
        ) from None


# fmt: off
_PACKAGE_ROWS = {
    "c_d_f": "C_d", "l_s_h": "L_s", "c_d_rx_f": "C_d", "l_s_rx_h": "L_s", "c_b_f": "C_b",
    "c_p_f": "C_p", "z_c_ohm": "package_Z_c", "z_rest_m": "z_p", "z_p_tx_m": "z_p (TX)",
    "z_p_next_m": "z_p (NEXT)", "z_p_fext_m": "z_p (FEXT)", "z_p_rx_m": "z_p (RX)",
    "gamma0_per_mm": "package_tl_gamma0_a1_a2", "a1_sqrt_ns_per_mm": "package_tl_gamma0_a1_a2",
    "a2_ns_per_mm": "package_tl_gamma0_a1_a2", "tau_ns_per_mm": "package_tl_tau",
    "host_length_m": "z_bp", "host_z_c_ohm": "board_Z_c", "host_c0_f": "C_0",
    "host_c1_f": "C_1", "host_a1_sqrt_ns_per_mm": "board_tl_gamma0_a1_a2",
    "host_a2_ns_per_mm": "board_tl_gamma0_a1_a2", "host_tau_ns_per_mm": "board_tl_tau",
}
# fmt: on


def _package_cases(rows: Rows) -> dict:
    """Test-case lengths from the z_p rows (one row per segment, one column per case)."""
    ends = {}
    for end in ("TX", "NEXT", "FEXT", "RX"):
        name = f"z_p ({end})"
        row = rows.require(name, "package lengths in mm (rows: segments; columns: cases)")
        ends[end] = (row, rows.array(row, "package lengths in mm"))
    shape = ends["TX"][1].shape
    for row, a in ends.values():
        if a.shape != shape or a.size == 0:
            raise rows.error(row, f"a {shape[0]}×{shape[1]} array, as z_p (TX) is")
    n_seg, n_cases = shape
    sel_row = rows.get("z_p select")
    if sel_row is None:
        rows.default("z_p select", "1 (MATLAB COM's default: the first test case only)")
        select = [1]
    else:
        sel = rows.vector(sel_row, "the test cases to run (1-based)")
        if sel.size == 0 or np.any(sel != np.round(sel)) or sel.min() < 1 or sel.max() > n_cases:
            raise rows.error(sel_row, f"case numbers from 1 to {n_cases} (the z_p columns)")
        select = [int(s) for s in sel]
    mm = "1e-3"
    out = {
        f"z_p_{end.lower()}_m": tuple(exact_si(a[0, s - 1], mm) for s in select)
        for end, (_, a) in ends.items()
    }
    rest = ends["TX"][1][1:, select[0] - 1]
    for row, a in ends.values():
        if not np.all(a[1:, [s - 1 for s in select]] == rest[:, None]):
            raise rows.error(
                row,
                "segments after the first of one length in every case and at every end "
                "(sigint's package varies only the first segment)",
            )
    out["z_rest_m"] = tuple(exact_si(x, mm) for x in rest)
    zc_row = rows.get("package_Z_c")
    if zc_row is None:
        if n_seg != 1:
            rows.require("package_Z_c", f"{n_seg} segment impedances in Ω ([Tx Rx] per row)")
        rows.default("package_Z_c", "78.2 Ω (Table 93A-3, a one-segment package)")
        out["z_c_ohm"] = (_TABLE_93A_3["z_c"],)
        return out
    zc = rows.array(zc_row, "package impedances in Ω")
    if zc.shape[0] != n_seg or zc.shape[1] not in (1, 2):
        raise rows.error(zc_row, f"{n_seg} row(s) (one per z_p segment) of [Tx Rx] in Ω")
    if np.any(zc[:, 0] != zc[:, -1]):
        raise rows.error(zc_row, "the same impedances at Tx and Rx (sigint has one package line)")
    out["z_c_ohm"] = floats(zc[:, 0])
    return out


def _host(rows: Rows) -> dict:
    row = rows.get("Include PCB", "Include PCB (table 92-13)")
    if row is None:
        rows.default("Include PCB", "0 (MATLAB COM's 802.3bj-era default: no host board)")
        return {}
    include = rows.integer(row, "0 (no host board) or 1 (at both ends)")
    board_rows = (
        "z_bp (TX)",
        "z_bp (NEXT)",
        "z_bp (FEXT)",
        "z_bp (RX)",
        "board_Z_c",
        "board_tl_gamma0_a1_a2",
        "board_tl_tau",
        "C_0",
        "C_1",
    )
    if include == 0:
        for name in board_rows:
            r = rows.get(name)
            if r is not None:
                rows.inert.append(f"{r.name} = {r.value} (Include PCB = 0)")
        return {}
    if include != 1:
        raise rows.error(row, "0 or 1 (a host board at the receiver only, 2, is not modelled)")
    lengths = {
        name: rows.number(rows.require(name, "the host board length in mm"), "mm")
        for name in board_rows[:4]
    }
    if len(set(lengths.values())) != 1:
        raise rows.error(
            rows.get("z_bp (NEXT)"),
            f"one host length for TX, NEXT, FEXT and RX (sigint's host board is the same at "
            f"both ends; here {lengths})",
        )
    z_c = rows.pair(rows.require("board_Z_c", "the host impedance in Ω"), "board_Z_c in Ω")
    line_row = rows.require("board_tl_gamma0_a1_a2", "[gamma0 a1 a2] of the host line")
    gamma = rows.vector(line_row, "[gamma0 a1 a2]")
    if gamma.size != 3 or gamma[0] != 0:
        raise rows.error(line_row, "[0 a1 a2]: three values with gamma0 = 0 (sigint's host line)")
    tau = rows.number(rows.require("board_tl_tau", "the host line delay in ns/mm"), "ns/mm")
    caps = {}
    for name in ("C_0", "C_1"):
        r = rows.get(name)
        if r is None:
            rows.default(name, "0 nF (MATLAB COM's default)")
        caps[name] = 0.0 if r is None else rows.pair(r, f"{name} in nF")
    return {
        "host_length_m": exact_si(lengths["z_bp (TX)"], "1e-3"),
        "host_z_c_ohm": z_c,
        "host_a1_sqrt_ns_per_mm": float(gamma[1]),
        "host_a2_ns_per_mm": float(gamma[2]),
        "host_tau_ns_per_mm": tau,
        "host_c0_f": exact_si(caps["C_0"], "1e-9"),
        "host_c1_f": exact_si(caps["C_1"], "1e-9"),
    }


__all__ = ["package_params"]
