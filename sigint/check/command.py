"""``sigint check SUITE.toml``: channel regression for CI (exit 0 pass, 1 fail, 2 bad input)."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path


def add_parser(sub) -> None:
    """Register the ``check`` verb on an argparse sub-parser set."""
    p = sub.add_parser(
        "check",
        help="did a channel regress: a suite's metrics against limits and a baseline (CI)",
        description=(
            "Run a suite (TOML: channels, link presets, metric limits, baseline) and write "
            "check.md, junit.xml and check.json to --out. Exit 0 when every case passes, 1 when "
            "a limit or the baseline is broken or a file could not be read, 2 on bad input."
        ),
    )
    p.add_argument("suite", help="the suite file (TOML)")
    p.add_argument("--out", default="sigint-check", help="report folder (default sigint-check)")
    p.add_argument(
        "--cache",
        default=None,
        help="HDF5 cache of computed channels, keyed by file hash (default OUT/cache.h5)",
    )
    p.add_argument("--no-cache", action="store_true", help="compute every channel again")
    p.add_argument(
        "--update-baseline",
        action="store_true",
        help="store this run's values as the baseline (the previous one kept as .prev); "
        "the run is judged against the limits only",
    )
    p.add_argument("--workers", type=int, default=None, help="local processes (default: cores)")
    p.add_argument("--scheduler", default=None, help="Dask scheduler address (dask extra)")
    p.add_argument("--json", action="store_true", help="print the JSON report")
    p.add_argument("--no-progress", action="store_true")
    p.set_defaults(func=cmd_check)


def cmd_check(args) -> int:
    """Run the suite, write the reports, print the verdict."""
    from ..cli import _Progress
    from ..errors import ConfigError
    from .report import write_reports
    from .run import run_check, write_baseline
    from .suite import load_suite

    suite = load_suite(args.suite)
    if args.update_baseline and suite.baseline is None:
        raise ConfigError("suite.baseline", None, "a baseline path to update")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    cache = None if args.no_cache else Path(args.cache or out / "cache.h5")
    bar = _Progress(suite.n_points, "check", enabled=not args.no_progress, unit="point")
    try:
        result = run_check(
            suite,
            cache=cache,
            workers=args.workers,
            scheduler=args.scheduler,
            progress=lambda done, _total: bar(done),
            use_baseline=not args.update_baseline,
        )
    finally:
        bar.close()
    result = replace(result, plots=_plots(suite, result, out))
    paths = write_reports(result, out)
    if args.update_baseline:
        write_baseline(result, suite.baseline)
    if args.json:
        print(json.dumps(result.to_dict(), indent=2))
    else:
        n = result.counts
        verdict = "PASS" if result.passed else "FAIL"
        print(
            f"sigint check {suite.name}: {verdict}: {n['pass']} passed, {n['fail']} failed, "
            f"{n['error']} errors ({len(suite.channels)} channels, {len(suite.presets)} "
            f"presets, {len(suite.metrics)} metrics, {result.elapsed_s:.1f} s)"
        )
        errors = {}  # one line per channel whose files could not be read, not one per case
        for c in result.cases:
            if c.status == "error":
                errors.setdefault((c.channel, c.message), []).append(c)
            elif c.status == "fail":
                print(f"  FAIL  {c.case_id}: {c.message}")
        for (channel, message), cases in errors.items():
            print(f"  ERROR {channel} ({len(cases)} cases): {message}")
        for note in result.notes:
            print(f"  note: {note}")
        print("reports: " + ", ".join(str(p) for p in paths.values()))
        if args.update_baseline:
            print(f"baseline updated: {suite.baseline}")
    return 0 if result.passed else 1


def _plots(suite, result, out: Path) -> dict:
    """A small insertion-loss plot per readable channel (``out/plots/<channel>.png``), each
    preset's Nyquist frequency marked; a channel whose thru cannot be read has none."""
    from ..channel import read_differential
    from ..plots import save_insertion_loss_plot
    from ..rates import rate_preset

    nyquist = {
        p.name: rate_preset(p.rate).f_baud_hz(int(p.modulation[3:])) / 2 for p in suite.presets
    }
    errored = {c.channel for c in result.cases if c.status == "error"}
    plots = {}
    for ch in suite.channels:
        if ch.name in errored:
            continue
        try:
            net, _ = read_differential(ch.thru, ch.ports)
        except (OSError, ValueError):
            continue
        name = "".join(c if c.isalnum() or c in "-_." else "_" for c in ch.name)
        save_insertion_loss_plot(net, out / "plots" / f"{name}.png", nyquist, ch.name)
        plots[ch.name] = f"plots/{name}.png"
    return plots
