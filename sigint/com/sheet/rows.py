"""The sheet's rows: found by name in the sheet's cells, looked up, converted, accounted for.

Like the MATLAB COM code, the reader finds a row by its name (case-insensitive) and takes the
value in the cell to its right; a known name found twice is an error. :class:`Rows` hands rows
to the mapping, converts their settings (numbers, MATLAB arrays, [Tx Rx] pairs) with errors
naming the row and cell, and records which rows were used, defaulted, ignored or unknown.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import InvalidOperation

import numpy as np

from ...errors import ConfigError
from .matlab import parse_matlab_array
from .names import IGNORED, NEUTRAL, known
from .workbook import Cell, column_letters


@dataclass
class Row:
    """A named row: its setting (the cell to the name's right), that cell, whether it was read."""

    name: str
    value: Cell
    cell: str  # the value's cell, e.g. "B12"
    used: bool = False

    @property
    def key(self) -> str:
        return f"{self.name} (cell {self.cell})"


class Rows:
    """The sheet's rows by lower-case name, with what the mapping used, defaulted or ignored."""

    def __init__(self, rows: dict[str, Row], source: str):
        self.rows = rows
        self.source = source
        self.defaults: list[str] = []
        self.unmodelled: list[str] = []
        self.flagged: set[str] = set()
        self.inert: list[str] = []

    def get(self, *names: str) -> Row | None:
        """The first of ``names`` (aliases) present with a value."""
        for name in names:
            row = self.rows.get(name.lower())
            if row is not None:
                row.used = True
                if row.value is not None:
                    return row
        return None

    def require(self, name: str, expected: str) -> Row:
        row = self.get(name)
        if row is None:
            raise ConfigError(
                name, "(missing)", f"a row '{name}' with {expected} (a required row)", self.source
            )
        return row

    def default(self, name: str, used: str) -> None:
        self.defaults.append(f"{name}: absent; {used}")

    def error(self, row: Row, expected: str) -> ConfigError:
        return ConfigError(row.key, row.value, expected, self.source)

    def ignored_names(self) -> list[str]:
        known = [
            r.name
            for k, r in self.rows.items()
            if (k in IGNORED or k in NEUTRAL) and k not in self.flagged
        ]
        return known + self.inert

    def unknown_names(self) -> list[str]:
        return [
            r.name
            for k, r in self.rows.items()
            if not r.used and r.value is not None and k not in IGNORED and k not in NEUTRAL
        ]

    # value conversions -------------------------------------------------------------------

    def array(self, row: Row, expected: str) -> np.ndarray:
        if isinstance(row.value, bool):
            return np.array([[float(row.value)]])
        if isinstance(row.value, float):
            return np.array([[row.value]])
        try:
            return parse_matlab_array(str(row.value))
        except (ValueError, InvalidOperation) as err:
            raise self.error(row, f"{expected} ({err})") from None

    def vector(self, row: Row, expected: str) -> np.ndarray:
        a = self.array(row, expected)
        if min(a.shape) > 1:
            raise self.error(row, f"{expected}: a row vector, not a matrix")
        return a.ravel()

    def number(self, row: Row, expected: str) -> float:
        v = self.vector(row, expected)
        if v.size != 1 or not np.isfinite(v[0]):
            raise self.error(row, f"{expected}: one finite number")
        return float(v[0])

    def integer(self, row: Row, expected: str) -> int:
        x = self.number(row, expected)
        if not x.is_integer():
            raise self.error(row, f"{expected}: an integer")
        return int(x)

    def pair(self, row: Row, expected: str) -> float:
        """A [Tx Rx] setting (or one value for both) that sigint holds once: Tx must equal Rx."""
        v = self.vector(row, f"{expected} ([Tx Rx])")
        if v.size not in (1, 2):
            raise self.error(row, f"{expected}: one value or [Tx Rx]")
        if v[0] != v[-1]:
            raise self.error(row, f"{expected} equal at Tx and Rx (sigint has one value for both)")
        return float(v[0])


_HEADER = ("parameter", "setting")


def collect_rows(cells: dict[tuple[int, int], Cell], source: str, sheet: str) -> dict:
    """The sheet's rows: every name in a name column and the cell to its right."""

    def text(rc):
        v = cells.get(rc)
        return v.strip().lower() if isinstance(v, str) else None

    headers = [(r, c) for (r, c) in cells if text((r, c)) == _HEADER[0]]
    headers = [(r, c) for r, c in headers if text((r, c + 1)) == _HEADER[1]]
    if not headers:
        raise ConfigError(
            "sheet",
            sheet,
            "a COM configuration sheet: a header row with 'Parameter' and 'Setting' cells",
            source,
        )
    counts: dict[int, int] = {}
    for (_, c), v in cells.items():
        if isinstance(v, str) and known(v.strip().lower()):
            counts[c] = counts.get(c, 0) + 1
    name_cols = {c for _, c in headers} | {c for c, n in counts.items() if n >= 3}
    rows: dict[str, Row] = {}
    for (r, c), v in sorted(cells.items()):
        if c not in name_cols or not isinstance(v, str) or not v.strip():
            continue
        name = v.strip()
        key = name.lower()
        if key == _HEADER[0] and text((r, c + 1)) == _HEADER[1]:
            continue
        value = cells.get((r, c + 1))
        if isinstance(value, str):
            value = value.strip() or None
        row = Row(name, value, f"{column_letters(c + 1)}{r + 1}")
        if key in rows:
            if known(key):
                raise ConfigError(
                    name,
                    f"cells {rows[key].cell} and {row.cell}",
                    "one row of this name (MATLAB COM stops on a repeated name too)",
                    source,
                )
            continue
        rows[key] = row
    return rows


__all__ = ["Row", "Rows", "collect_rows"]
