"""MATLAB values as the COM sheets write them, read without ``eval``; exact decimal scaling.

:func:`parse_matlab_array` reads numbers, booleans, vectors, matrices, ranges and
``ones``/``zeros`` fills. :func:`exact_si` converts a sheet value to SI units by a decimal shift,
so ``8.2e-9`` V²/GHz becomes ``8.2e-18`` V²/Hz bit for bit, as the sheet shows it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal

import numpy as np

_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?|[-+]?[Ii]nf")
_FILL = re.compile(r"(ones|zeros)\((\d+)(?:,(\d+))?\)")


def parse_matlab_array(text: str) -> np.ndarray:
    """A MATLAB numeric literal, as the COM sheets write them, as a 2-D float array.

    Understood: numbers (``1.2e-4``, ``Inf``), ``true``/``false``, row vectors and matrices
    (``[12 31; 1.8 1.8]``, commas or spaces between elements), ranges ``a:b`` and ``a:step:b``
    (inside brackets or not), and ``x*ones(1,n)`` / ``ones(1,n)*x`` / ``zeros(1,n)`` elements
    with ``*`` and ``/`` by numbers. Nothing is evaluated.

    Parameters
    ----------
    text : str
        The cell's text.

    Returns
    -------
    ndarray
        float64[rows, columns]; a scalar is 1×1, ``[]`` is 1×0.

    Raises
    ------
    ValueError
        Anything else (unbalanced brackets, rows of different lengths, unknown names).

    Examples
    --------
    >>> parse_matlab_array("[-0.06:0.02:0]").tolist()
    [[-0.06, -0.04, -0.02, 0.0]]
    >>> parse_matlab_array("[12 31; 1.8 1.8]").shape
    (2, 2)
    >>> parse_matlab_array("[0.3 0.2*ones(1,2)]").tolist()
    [[0.3, 0.2, 0.2]]
    """
    s = text.strip()
    if s.lower() in ("true", "false"):
        return np.array([[1.0 if s.lower() == "true" else 0.0]])
    if s.startswith("["):
        if not s.endswith("]"):
            raise ValueError("a '[' without its ']'")
        s = s[1:-1]
    if "[" in s or "]" in s:
        raise ValueError("nested or unbalanced brackets")
    rows = []
    for row in s.split(";"):
        values: list[float] = []
        for element in _elements(row):
            values.extend(_element(element))
        if values or row.strip():
            rows.append(values)
    if not rows:
        return np.empty((1, 0))
    if len({len(r) for r in rows}) > 1:
        raise ValueError(f"rows of different lengths ({', '.join(str(len(r)) for r in rows)})")
    return np.array(rows, dtype=float)


def _elements(row: str) -> list[str]:
    """Split a matrix row at commas and blanks outside parentheses (``a : b`` is one element)."""
    row = re.sub(r"\s*([:*/])\s*", r"\1", row.strip())
    out, current, depth = [], "", 0
    for ch in row:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        if depth == 0 and (ch.isspace() or ch == ","):
            if current:
                out.append(current)
            current = ""
        elif not (depth > 0 and ch.isspace()):
            current += ch
    if depth != 0:
        raise ValueError("unbalanced parentheses")
    return out + ([current] if current else [])


def _decimal(token: str) -> Decimal:
    if not _NUMBER.fullmatch(token):
        raise ValueError(f"{token!r} is not a number")
    return Decimal(token.lower().replace("inf", "Infinity"))


def _element(element: str) -> list[float]:
    if ":" in element:
        parts = element.split(":")
        if len(parts) not in (2, 3):
            raise ValueError(f"{element!r} is not a range a:b or a:step:b")
        start, stop = _decimal(parts[0]), _decimal(parts[-1])
        step = _decimal(parts[1]) if len(parts) == 3 else Decimal(1)
        if not (start.is_finite() and stop.is_finite() and step.is_finite()):
            raise ValueError(f"{element!r} has a bound that is not finite")
        if step == 0 or (stop - start) * step < 0:
            return []
        n = int((stop - start) / step) + 1  # exact: decimal arithmetic, as the sheet reads
        return [float(start + k * step) + 0.0 for k in range(n)]
    tokens = re.split(r"([*/])", element)
    vector: list[float] | None = None
    scale = Decimal(1)
    for i in range(0, len(tokens), 2):
        op = tokens[i - 1] if i else "*"
        fill = _FILL.fullmatch(tokens[i])
        if fill:
            rows, cols = int(fill.group(2)), int(fill.group(3) or fill.group(2))
            if op != "*" or vector is not None or min(rows, cols) > 1:
                raise ValueError(f"{element!r}: only one ones/zeros(1,n) factor is understood")
            vector = [1.0 if fill.group(1) == "ones" else 0.0] * (rows * cols)
            continue
        value = _decimal(tokens[i])
        scale = scale * value if op == "*" else scale / value
    if vector is None:
        return [float(scale)]
    return [float(Decimal(repr(v)) * scale) + 0.0 for v in vector]


def exact_si(value: float, factor: str) -> float:
    """``value`` × ``factor`` (a power of ten), exactly as the decimal the sheet shows."""
    if not np.isfinite(value):
        return float(value)
    return float(Decimal(repr(float(value))) * Decimal(factor)) + 0.0


def floats(values: Iterable[float]) -> tuple[float, ...]:
    """Plain Python floats, ``-0.0`` as ``0.0``."""
    return tuple(float(v) + 0.0 for v in values)


__all__ = ["exact_si", "floats", "parse_matlab_array"]
