"""Channel regression in CI (``sigint check``): a suite of channels, link presets and metric
limits, run against a stored baseline, reported as Markdown, JUnit XML and JSON.

- :mod:`.suite` — the suite file (channels, link presets, metric limits, baseline);
- :mod:`.metrics` — one channel's metrics at one preset;
- :mod:`.run` — every case, cached by file hash and judged against limits and the baseline;
- :mod:`.result` — what a check found (:class:`CaseResult`, :class:`CheckResult`);
- :mod:`.report` — the Markdown, JUnit XML and JSON reports;
- :mod:`.command` — ``sigint check``.
"""

from .report import write_reports
from .result import CaseResult, CheckResult
from .run import load_baseline, run_check, write_baseline
from .suite import METRICS, load_suite

__all__ = [
    "METRICS",
    "CaseResult",
    "CheckResult",
    "load_baseline",
    "load_suite",
    "run_check",
    "write_baseline",
    "write_reports",
]
