"""Screening a sheet before mapping: features sigint cannot represent, and MATLAB-only options.

:func:`refuse_features` raises on a row that switches on what sigint cannot represent (Annex
178A Rx FFE, ADC, MLSD; the Clause 120E CTLE; named package blocks) and notes the same rows
switched off as inert. :func:`check_neutral` notes every MATLAB-only option that changes COM
set to anything but its neutral value (:data:`~sigint.com.sheet.names.NEUTRAL`) as unmodelled.
"""

from __future__ import annotations

from decimal import InvalidOperation

import numpy as np

from .matlab import parse_matlab_array
from .names import NEUTRAL, REFUSED
from .rows import Rows


def refuse_features(rows: Rows) -> None:
    """Raise on a refused feature switched on (ConfigError naming the row); note it if off."""
    for key, expected in REFUSED.items():
        row = rows.rows.get(key)
        if row is None or row.value is None:
            continue
        row.used = True
        if key in ("f_hp_z", "f_hp_p", "pkg_name") or np.any(rows.array(row, "a number") != 0):
            raise rows.error(row, expected)
        rows.inert.append(f"{row.name} = {row.value} (feature off)")
    ctle_type = rows.get("CTLE_type")
    if ctle_type is not None and str(ctle_type.value).strip().upper() == "CL120E":
        raise rows.error(ctle_type, "CL93 or CL120d: the Clause 120E CTLE is not modelled")
    starts = [r for k, r in rows.rows.items() if k == ".start"]
    if starts:
        raise rows.error(starts[0], "no .START package blocks (named packages not imported)")


def _same(value, neutral) -> bool:
    if isinstance(neutral, tuple):
        try:
            a = parse_matlab_array(value) if isinstance(value, str) else np.array([[value]])
        except (ValueError, InvalidOperation):
            return False
        return a.size == len(neutral) and np.allclose(a.ravel(), neutral)
    if isinstance(neutral, str):
        return "".join(str(value).split()).lower() == neutral.lower()
    try:
        v = float(value) if not isinstance(value, str) else float(parse_matlab_array(value)[0, 0])
    except (ValueError, IndexError, InvalidOperation):
        return False
    return v == float(neutral)


def _show(setting) -> str:
    if isinstance(setting, tuple):
        return "[" + " ".join(str(x) for x in setting) + "]"
    return str(setting)


def check_neutral(rows: Rows) -> None:
    """Note the MATLAB-only options set away from their neutral value in ``rows.unmodelled``."""
    for key, neutral in NEUTRAL.items():
        row = rows.rows.get(key)
        if row is None or row.value is None:
            continue
        if not any(_same(row.value, ok) for ok in neutral):
            rows.flagged.add(key)
            shown = " or ".join(_show(ok) for ok in neutral)
            rows.unmodelled.append(f"{row.name} = {row.value!r} (cell {row.cell}; as if {shown})")


__all__ = ["check_neutral", "refuse_features"]
