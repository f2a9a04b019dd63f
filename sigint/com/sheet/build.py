"""The sheet's rows → :class:`~sigint.com.params.ComParams`.

Signal, noise, jitter and search rows directly; the CTLE (one or two stages), the Tx FFE taps
``c(n)`` (tap grids, trailing taps fixed at 0 dropped) and the DFE (limits, floating taps) here;
the package and host board in :mod:`.package`, the ERL rows in :mod:`.erl`. A value that
``ComParams`` rejects is reported under its sheet row.
"""

from __future__ import annotations

from decimal import Decimal
from itertools import pairwise
from pathlib import Path

import numpy as np

from ...errors import ConfigError
from ..params import ComParams, TapGrid
from .erl import erl_params
from .matlab import exact_si, floats
from .names import TAP
from .package import package_params
from .rows import Row, Rows
from .screen import check_neutral, refuse_features


def build_params(rows: Rows, path: Path, sheet: str) -> ComParams:
    """The parameter set the sheet's ``rows`` describe (ConfigError naming the row if not)."""
    refuse_features(rows)
    check_neutral(rows)

    def number(name, expected, factor=None):
        x = rows.number(rows.require(name, expected), expected)
        return x if factor is None else exact_si(x, factor)

    def number_or(name, expected, default, used, factor=None):
        row = rows.get(name)
        if row is None:
            rows.default(name, used)
            return default
        x = rows.number(row, expected)
        return x if factor is None else exact_si(x, factor)

    f_baud = number("f_b", "the signalling rate in GBd", "1e9")
    bj = "MATLAB COM's default, common to 802.3bj/bm"
    fields = {
        "name": path.stem,
        "annex": "93A",
        "source": f"MATLAB COM sheet {path.name} (sheet {sheet!r})",
        "f_baud_hz": f_baud,
        "levels": rows.integer(rows.require("L", "the number of levels"), "the number of levels"),
        "samples_per_ui": rows.integer(rows.require("M", "samples per UI"), "samples per UI"),
        "der0": number("DER_0", "the detector error ratio"),
        "rise_time_s": number_or(
            "T_r", "the transition time in ns", 8e-12, "8e-3 ns (MATLAB COM's default)", "1e-9"
        ),
        "rlm": number("R_LM", "the level mismatch ratio"),
        "a_v_v": number("A_v", "the victim amplitude in V"),
        "a_fe_v": number("A_fe", "the FEXT amplitude in V"),
        "a_ne_v": number("A_ne", "the NEXT amplitude in V"),
        "r0_ohm": number("R_0", "the reference impedance in Ω"),
        "rd_ohm": rows.pair(rows.require("R_d", "R_d in Ω ([Tx Rx])"), "R_d in Ω"),
        "a_dd_ui": number("A_DD", "the dual-Dirac jitter in UI"),
        "sigma_rj_ui": number("sigma_RJ", "the random jitter in UI"),
        "snr_tx_db": number("SNR_TX", "the Tx SNDR in dB"),
        "eta0_v2_per_hz": number("eta_0", "the noise density in V²/GHz", "1e-9"),
        "f_r_fbaud": number("f_r", "the Rx filter bandwidth in units of f_b"),
        "ctle_fz_hz": number_or("f_z", "f_z in GHz", f_baud / 4, f"f_b/4 ({bj})", "1e9"),
        "ctle_fp1_hz": number_or("f_p1", "f_p1 in GHz", f_baud / 4, f"f_b/4 ({bj})", "1e9"),
        "ctle_fp2_hz": number_or("f_p2", "f_p2 in GHz", f_baud, f"f_b ({bj})", "1e9"),
        "c0_min": number("c(0)", "the minimum Tx cursor"),
        "f_step_hz": number("Delta_f", "the frequency step in GHz", "1e9"),
        "f_min_hz": number("f_min", "the first frequency in GHz", "1e9"),
        "com_threshold_db": number("COM Pass threshold", "the COM pass limit in dB"),
    }
    local = rows.get("Local Search")
    if local is None:
        rows.default("Local Search", "0 (MATLAB COM's default: the full grid)")
    fields["local_search"] = 0 if local is None else rows.integer(local, "a search radius")
    erl = rows.get("ERL Pass threshold")
    erl_db = 0.0 if erl is None else rows.number(erl, "the ERL pass limit in dB")
    fields["erl_threshold_db"] = erl_db or None
    fields.update(_ctle(rows, f_baud))
    fields.update(_tx_taps(rows))
    fields.update(_dfe(rows))
    fields["package"] = package_params(rows)
    fields["erl"] = erl_params(rows, len(fields["dfe_bmax"]), fields["r0_ohm"])
    try:
        return ComParams(**fields)
    except ConfigError as err:
        row = _FIELD_ROWS.get(err.key, err.key)
        raise ConfigError(
            f"{row} (sigint's {err.key}, in SI units)", err.value, err.expected, rows.source
        ) from None


# ComParams field → sheet row, for errors from ComParams' own validation.
# fmt: off
_FIELD_ROWS = {
    "f_baud_hz": "f_b", "levels": "L", "samples_per_ui": "M", "der0": "DER_0",
    "rise_time_s": "T_r", "rlm": "R_LM", "a_v_v": "A_v", "a_fe_v": "A_fe", "a_ne_v": "A_ne",
    "r0_ohm": "R_0", "rd_ohm": "R_d", "a_dd_ui": "A_DD", "sigma_rj_ui": "sigma_RJ",
    "snr_tx_db": "SNR_TX", "eta0_v2_per_hz": "eta_0", "f_r_fbaud": "f_r", "ctle_fz_hz": "f_z",
    "ctle_fp1_hz": "f_p1", "ctle_fp2_hz": "f_p2", "ctle_flf_hz": "f_HP_PZ", "g_dc_db": "g_DC",
    "g_dc2_db": "g_DC_HP", "c0_min": "c(0)", "tx_cursor": "c(-n)", "dfe_bmin": "b_min",
    "f_step_hz": "Delta_f", "f_min_hz": "f_min", "dfe_float_span_ui": "N_f",
    "local_search": "Local Search",
}
# fmt: on


def _ctle(rows: Rows, f_baud: float) -> dict:
    g_dc = rows.vector(rows.require("g_DC", "the CTLE gains in dB"), "CTLE gains in dB")
    g2, f_lf = rows.get("g_DC_HP"), rows.get("f_HP_PZ")
    if (g2 is None) != (f_lf is None):
        missing = "f_HP_PZ" if f_lf is None else "g_DC_HP"
        rows.require(missing, "the second CTLE stage (g_DC_HP and f_HP_PZ come together)")
    if g2 is None:
        rows.default("g_DC_HP", "[0] dB: no second CTLE stage (CL93; unity for any f_LF)")
        return {"g_dc_db": floats(g_dc), "g_dc2_db": (0.0,), "ctle_flf_hz": f_baud / 80}
    return {
        "g_dc_db": floats(g_dc),
        "g_dc2_db": floats(rows.vector(g2, "the second-stage CTLE gains in dB")),
        "ctle_flf_hz": exact_si(rows.number(f_lf, "the CTLE pole-zero pair in GHz"), "1e9"),
    }


def _tap_grid(rows: Rows, row: Row) -> TapGrid:
    v = rows.vector(row, "a tap setting or a grid [min:step:max]")
    if v.size == 0:
        raise rows.error(row, "a tap setting or a grid [min:step:max] with at least one value")
    if v.size == 1 or np.all(v == v[0]):
        if not -1 <= v[0] <= 1:
            raise rows.error(row, "a Tx FFE tap in [-1, 1]")
        return TapGrid(min=float(v[0]), max=float(v[0]), step=0.0)
    d = [Decimal(repr(float(b))) - Decimal(repr(float(a))) for a, b in pairwise(v)]
    if any(abs(x - d[0]) > abs(d[0]) * Decimal("1e-9") for x in d):
        raise rows.error(row, "a uniform grid [min:step:max] (sigint searches min:step:max)")
    lo, hi = (float(v[0]), float(v[-1])) if d[0] > 0 else (float(v[-1]), float(v[0]))
    try:
        return TapGrid(min=lo, max=hi, step=abs(float(d[0])))
    except ConfigError as err:
        raise rows.error(row, f"a Tx FFE tap grid with {err.expected}") from None


def _tx_taps(rows: Rows) -> dict:
    found = {}
    for key, row in rows.rows.items():
        m = TAP.fullmatch(key)
        if m and int(m.group(1)) != 0 and row.value is not None:
            row.used = True
            found[int(m.group(1))] = row
    grids = {n: _tap_grid(rows, row) for n, row in found.items()}

    def zero(n):
        g = grids[n]
        return g.min == g.max == 0.0

    for side in (-1, 1):  # a tap fixed at 0 at the outer end is the same as no tap
        while (ends := [n for n in grids if n * side > 0]) and zero(max(ends, key=abs)):
            n = max(ends, key=abs)
            rows.inert.append(f"{found[n].name} = {found[n].value} (a tap fixed at 0)")
            del grids[n]
    pre = sorted((n for n in grids if n < 0), reverse=True)
    post = sorted(n for n in grids if n > 0)
    for side in (pre, post):
        for k, n in enumerate(side):
            if abs(n) != k + 1:
                gap = f"c({-(k + 1) if n < 0 else k + 1})"
                raise rows.error(found[n], f"the taps between c(0) and it ({gap} is missing)")
    taps = [grids[n] for n in sorted(pre)] + [grids[n] for n in post]
    return {"tx_taps": tuple(taps), "tx_cursor": len(pre)}


def _dfe(rows: Rows) -> dict:
    n_b_row = rows.require("N_b", "the number of DFE taps")
    n_b = rows.integer(n_b_row, "the number of DFE taps")
    if n_b < 0:
        raise rows.error(n_b_row, "a number of DFE taps >= 0")
    b_max1 = rows.number(rows.require("b_max(1)", "the first DFE tap limit"), "a tap limit")
    row = rows.get("b_min(1)")
    b_min1 = -b_max1 if row is None else rows.number(row, "a tap limit")
    if row is None and n_b:
        rows.default("b_min(1)", f"-b_max(1) = {-b_max1:g} (MATLAB COM's default)")

    def rest(row, expected):
        v = rows.vector(row, expected)
        if v.size == 1:
            return [float(v[0])] * (n_b - 1)
        if v.size != n_b - 1:
            raise rows.error(row, f"{expected}: one value or N_b - 1 = {n_b - 1} values")
        return [float(x) for x in v]

    b_max, b_min = [b_max1][:n_b], [b_min1][:n_b]
    if n_b >= 2:
        b_max += rest(rows.require("b_max(2..N_b)", "DFE tap limits"), "DFE tap limits")
        row = rows.get("b_min(2..N_b)")
        if row is None:
            rows.default("b_min(2..N_b)", "-b_max(2..N_b) (MATLAB COM's default)")
        b_min += [-x for x in b_max[1:]] if row is None else rest(row, "DFE tap lower limits")
    out = {"dfe_bmax": floats(b_max), "dfe_bmin": floats(b_min)}
    row = rows.get("N_bg")
    groups = 0 if row is None else rows.integer(row, "the number of floating tap groups")
    if groups == 0:
        for name in ("N_bf", "N_f", "N_bmax", "bmaxg", "B_float_RSS_MAX", "N_tail_start"):
            r = rows.get(name)
            if r is not None:
                rows.inert.append(f"{r.name} = {r.value} (no floating DFE taps: N_bg = 0)")
        return out

    def opt(name, default, integer=False):
        r = rows.get(name)
        if r is None:
            rows.default(name, f"{default} (MATLAB COM's default)")
            return default
        return rows.integer(r, name) if integer else rows.number(r, name)

    out.update(
        dfe_float_groups=groups,
        dfe_float_taps=opt("N_bf", 6, True),
        dfe_float_span_ui=opt("N_f", n_b, True),
        dfe_float_bmax=float(opt("bmaxg", 0.2)),
        dfe_float_rss_max=float(opt("B_float_RSS_MAX", 0.0)),
        dfe_tail_start_ui=opt("N_tail_start", 0, True),
    )
    return out


__all__ = ["build_params"]
