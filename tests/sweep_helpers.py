"""Point functions for tests/test_sweep.py, importable by name in forked and spawned workers.

Each call appends ``{"x": ..., "pid": ...}`` to the file named by ``SWEEP_CALLS`` (when set), so
a test can count which points were computed and where; ``SWEEP_FAIL_AT=<x>`` makes that point
raise (both variables are read at call time, so forked workers see the test's values).
"""

from __future__ import annotations

import json
import os

import numpy as np


def log_call(point: dict) -> None:
    """Append the call to ``$SWEEP_CALLS`` (one JSON line; O_APPEND keeps lines whole)."""
    path = os.environ.get("SWEEP_CALLS")
    if path:
        line = json.dumps({"x": point["x"], "pid": os.getpid()}) + "\n"
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, line.encode())
        finally:
            os.close(fd)


def calls(path) -> list[dict]:
    """The calls logged in ``path`` so far."""
    try:
        with open(path) as fh:
            return [json.loads(line) for line in fh]
    except FileNotFoundError:
        return []


def square(point: dict) -> dict:
    """A result of every kind the store keeps: number, string, bool, array, list."""
    log_call(point)
    x = point["x"]
    if os.environ.get("SWEEP_FAIL_AT") == str(x):
        raise ValueError(f"x = {x} is the point that fails")
    return {
        "x2": x * x,
        "root": float(np.sqrt(x)),
        "name": f"p{x}",
        "even": x % 2 == 0,
        "wave": np.linspace(0.0, x, 5),
        "digits": [int(d) for d in str(x)],
    }


def square_but_three(point: dict) -> dict:
    """:func:`square`, except that x = 3 always fails."""
    if point["x"] == 3:
        log_call(point)
        raise ValueError("x = 3 is the point that fails")
    return square(point)
