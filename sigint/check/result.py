"""What a channel check found: one case per channel × link preset × metric.

A case is judged against its limit (``max`` or ``min``) and against the stored baseline (it may
not move the wrong way by more than its tolerance). A case that could not be computed (a
missing or malformed file, a link that does not build) is an ``error``: it fails, with the
message naming the file, and the other cases still run.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Literal

Status = Literal["pass", "fail", "error"]


@dataclass(frozen=True)
class CaseResult:
    """One channel × preset × metric.

    Attributes
    ----------
    channel : str
        The channel's name in the suite.
    preset : str
        The link preset's name ("" for a metric of the channel alone).
    metric : str
        The metric's key, e.g. ``"il_nyquist_db"``.
    value : float or None
        None when it could not be computed (``status == "error"``).
    unit : str
        E.g. ``"dB"``, ``"mV"``, ``""`` for a ratio.
    limit_max, limit_min : float or None
        The suite's limits (the value must be <= max and >= min).
    baseline : float or None
        The stored value, None when there is none yet.
    tolerance : float or None
        How far the value may move the wrong way from the baseline (in the metric's unit).
    status : {"pass", "fail", "error"}
    message : str
        Why it failed or errored (the limit or baseline broken and by how much, or the error
        naming the file); "" when it passed.
    files : tuple of str
        The files the case read (thru first).
    """

    channel: str
    preset: str
    metric: str
    value: float | None
    unit: str = ""
    limit_max: float | None = None
    limit_min: float | None = None
    baseline: float | None = None
    tolerance: float | None = None
    status: Status = "pass"
    message: str = ""
    files: tuple = ()

    @property
    def case_id(self) -> str:
        """``"channel / preset / metric"`` (the preset left out when there is none)."""
        parts = (self.channel, self.preset, self.metric)
        return " / ".join(p for p in parts if p)

    @property
    def delta(self) -> float | None:
        """value − baseline, None when either is missing."""
        if self.value is None or self.baseline is None:
            return None
        return self.value - self.baseline

    @property
    def limit_text(self) -> str:
        """E.g. ``"<= 30"``, ``">= 3"``, ``"1 .. 5"``, or ``""``."""
        lo, hi = self.limit_min, self.limit_max
        if lo is not None and hi is not None:
            return f"{lo:g} .. {hi:g}"
        if hi is not None:
            return f"<= {hi:g}"
        if lo is not None:
            return f">= {lo:g}"
        return ""

    def to_dict(self) -> dict:
        """JSON-ready (a value that is not finite becomes null, with the status saying why)."""
        value = self.value if self.value is not None and math.isfinite(self.value) else None
        return {
            "id": self.case_id, "channel": self.channel, "preset": self.preset,
            "metric": self.metric, "value": value, "unit": self.unit,
            "limit_max": self.limit_max, "limit_min": self.limit_min,
            "baseline": self.baseline, "delta": None if value is None else self.delta,
            "tolerance": self.tolerance,
            "status": self.status, "message": self.message, "files": list(self.files),
        }  # fmt: skip


@dataclass(frozen=True)
class CheckResult:
    """Every case of one suite run.

    Attributes
    ----------
    suite : str
        The suite's name.
    suite_path : str
    cases : tuple of CaseResult
        In suite order: channel, then preset, then metric.
    seed : int
    version : str
        The sigint version that ran it.
    elapsed_s : float
    plots : dict of str to str
        Per channel name, a small PNG (relative to the report folder) the Markdown shows.
    notes : tuple of str
    """

    suite: str
    suite_path: str
    cases: tuple
    seed: int
    version: str
    elapsed_s: float = 0.0
    plots: dict = field(default_factory=dict)
    notes: tuple = ()

    @property
    def passed(self) -> bool:
        """Whether every case passed."""
        return all(c.status == "pass" for c in self.cases)

    @property
    def counts(self) -> dict:
        """Cases per status."""
        out = {"pass": 0, "fail": 0, "error": 0}
        for c in self.cases:
            out[c.status] += 1
        return out

    def to_dict(self) -> dict:
        """JSON-ready."""
        return {
            "suite": self.suite, "suite_path": self.suite_path, "passed": self.passed,
            "counts": self.counts, "seed": self.seed, "sigint_version": self.version,
            "elapsed_s": self.elapsed_s, "plots": dict(self.plots), "notes": list(self.notes),
            "cases": [c.to_dict() for c in self.cases],
        }  # fmt: skip
