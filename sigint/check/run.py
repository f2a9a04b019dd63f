"""Run a suite: every channel × preset as one sweep point, cached by file hash, then judged.

Each point's metrics are computed by :func:`.metrics.compute_metrics` through
:func:`sigint.sweep.run_sweep` (a local process pool by default, Dask with a scheduler). The
point holds the SHA-256 of every file it reads and the sigint version, so a cache
(:class:`sigint.sweep.SweepStore`) returns an unchanged channel's figures without computing
them again and recomputes a changed one. A point that cannot be computed (a missing or
malformed file) returns its error, which becomes an ``error`` case for each of its metrics,
naming the file (and line); the other points still run.
"""

from __future__ import annotations

import functools
import hashlib
import json
import shutil
import time
from dataclasses import replace
from pathlib import Path

from .._version import __version__
from ..errors import SigintError
from ..store import write_json_atomic
from ..sweep import SweepStore, run_sweep
from .metrics import compute_metrics
from .result import CaseResult, CheckResult
from .suite import CHANNEL_ONLY, Suite

#: What a check cache is for (a store of another study is refused).
CACHE_META = {"study": "sigint check", "format": 1}


def _sha256(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def guarded_metrics(paths: dict, point: dict) -> dict:
    """:func:`compute_metrics` of a point that names its files by SHA-256 (``paths`` maps each
    hash to a file with that content), so the cache follows the contents, not where the files
    are. An error the files cause (a malformed file, a value out of range) is returned as
    ``{"error": text}`` and cached with the contents that cause it; any other exception (a
    transient one, or a bug) propagates and nothing is cached for it.
    """
    files = {
        "thru": paths[point["thru"]],
        "next": [paths[h] for h in point["next"]],
        "fext": [paths[h] for h in point["fext"]],
    }
    try:
        return compute_metrics({**point, **files})
    except (SigintError, ValueError) as err:  # the case reports it; the suite goes on
        return {"error": f"{type(err).__name__}: {err}"}


def load_baseline(path) -> dict:
    """The baseline's values by case id ({} when there is no file yet)."""
    if path is None or not Path(path).exists():
        return {}
    try:
        doc = json.loads(Path(path).read_text())
        return {str(k): float(v) for k, v in doc["cases"].items() if v is not None}
    except (ValueError, KeyError, TypeError, AttributeError) as err:
        raise ValueError(f"{path}: not a sigint check baseline ({err})") from None


def write_baseline(result: CheckResult, path) -> Path:
    """Store every computed value as the new baseline, atomically; the previous file is kept
    beside it as ``<name>.prev``. A case that could not be computed keeps its old value (a
    broken file must not erase what its channel is compared with)."""
    path = Path(path)
    cases = dict(load_baseline(path))
    cases.update({c.case_id: c.value for c in result.cases if c.value is not None})
    if path.exists():
        prev = path.with_name(path.name + ".prev")
        tmp = prev.with_name("." + prev.name + ".tmp")
        shutil.copy2(path, tmp)
        tmp.replace(prev)
    write_json_atomic(
        path, {"suite": result.suite, "sigint_version": result.version, "cases": cases}
    )
    return path


def run_check(
    suite: Suite,
    *,
    cache=None,
    workers: int | None = None,
    scheduler=None,
    progress=None,
    use_baseline: bool = True,
) -> CheckResult:
    """Run every case of ``suite`` and judge it against its limits and the baseline.

    Parameters
    ----------
    suite : Suite
    cache : str, Path or SweepStore, optional
        HDF5 store of computed points, keyed by the files' SHA-256 (not their paths) and
        the sigint version.
    workers, scheduler : optional
        As :func:`sigint.sweep.run_sweep`.
    progress : callable, optional
        ``progress(done, total)`` in channel × preset points.
    use_baseline : bool
        Judge against the stored baseline too (False: the limits only, as when the baseline
        is about to be replaced).

    Returns
    -------
    CheckResult
    """
    t0 = time.perf_counter()
    if cache is not None and not isinstance(cache, SweepStore):
        cache = SweepStore(cache, CACHE_META)
    baseline = load_baseline(suite.baseline) if use_baseline else {}
    per_preset = [m for m in suite.metrics if m.name not in CHANNEL_ONLY]
    per_channel = [m for m in suite.metrics if m.name in CHANNEL_ONLY]
    at_ber = {m.name: m.at_ber for m in suite.metrics}
    jobs, points, paths = [], [], {}
    for ch in suite.channels:
        try:
            hashes = {p: _sha256(p) for p in ch.files}
            missing = None
        except OSError as err:
            hashes, missing = {}, f"{err.filename}: {err.strerror}"
        paths.update({h: p for p, h in hashes.items()})
        files = {
            "thru": hashes.get(ch.thru), "next": [hashes.get(p) for p in ch.next],
            "fext": [hashes.get(p) for p in ch.fext], "ports": ch.ports,
            "length_m": ch.length_m, "sigint_version": __version__,
        }  # fmt: skip
        asks = [(p.name, per_preset, {"rate": p.rate, "modulation": p.modulation, "host": p.host})
                for p in suite.presets if per_preset]  # fmt: skip
        asks += [("", [m], {"com_preset": m.com_preset}) for m in per_channel]
        for preset_name, metrics, how in asks:
            point = None
            if missing is None:
                point = {**files, **how, "metrics": [m.name for m in metrics], "at_ber": at_ber}
                points.append(point)
            jobs.append((ch, preset_name, metrics, point, missing))
    values = run_sweep(
        functools.partial(guarded_metrics, paths), points, store=cache, workers=workers,
        scheduler=scheduler, progress=progress,
    )  # fmt: skip
    by_point = iter(values)
    cases = []
    for ch, preset_name, metrics, point, missing in jobs:
        got = {"error": missing} if point is None else next(by_point)
        for m in metrics:
            case = CaseResult(
                channel=ch.name, preset=preset_name, metric=m.name, value=None, unit=m.unit,
                limit_max=m.max, limit_min=m.min, tolerance=m.tolerance, files=ch.files,
            )  # fmt: skip
            case = _judge(case, m, got, baseline.get(case.case_id))
            cases.append(case)
    return CheckResult(
        suite=suite.name,
        suite_path=suite.path,
        cases=tuple(cases),
        seed=suite.seed,
        version=__version__,
        elapsed_s=time.perf_counter() - t0,
        notes=suite.notes,
    )


def _judge(case: CaseResult, m, got: dict, baseline: float | None) -> CaseResult:
    """The case with its value, baseline, status and message."""
    if "error" in got:
        return replace(case, status="error", message=str(got["error"]), baseline=baseline)
    value = float(got[m.name])
    problems = []
    if m.max is not None and not value <= m.max:
        problems.append(f"{value:.4g} {m.unit} above the limit {m.max:g} by {value - m.max:.3g}")
    if m.min is not None and not value >= m.min:
        problems.append(f"{value:.4g} {m.unit} below the limit {m.min:g} by {m.min - value:.3g}")
    if baseline is not None and m.tolerance is not None:
        moved = value - baseline if m.worse_up else baseline - value
        if m.max is not None and m.min is not None:  # a window: either way is a move
            moved = abs(value - baseline)
        if moved > m.tolerance:
            problems.append(
                f"{value:.4g} {m.unit} moved {value - baseline:+.3g} from the baseline "
                f"{baseline:.4g} (tolerance {m.tolerance:g} the worse way)"
            )
    status = "fail" if problems else "pass"
    return replace(case, value=value, baseline=baseline, status=status, message="; ".join(problems))
