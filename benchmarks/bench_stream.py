"""Memory of a long run: the demo's 224G PAM4 chain, eye on, 100 M symbols streamed.

One single-core subprocess (as the time-domain rows: :mod:`benchmarks.bench_timedomain`), its
kernels loaded from a cache a short untimed run filled. Reported: the process's peak RSS
(``ru_maxrss``, interpreter and imports included), the part the run added over the imports, and
the symbols/s. The engine streams fixed chunks, so the peak should not grow with the run;
issue 10's bar is < 2 GB at 100 M symbols. ``--smoke``: 200k symbols.
"""

from __future__ import annotations

import argparse
import datetime
import json
import tempfile
from pathlib import Path

from .bench_timedomain import Case, _run_once, machine_info

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_JSON = ROOT / "benchmarks" / "results" / "stream.json"
TARGET_BYTES = 2 * 2**30


def main(argv: list[str] | None = None) -> int:
    """Run, print and write JSON."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks stream")
    parser.add_argument("--smoke", action="store_true", help="200k symbols")
    parser.add_argument("--symbols", type=int, default=100_000_000)
    parser.add_argument("--json-out", type=Path, default=DEFAULT_JSON)
    args = parser.parse_args(argv)
    n = 200_000 if args.smoke else args.symbols
    case = Case("224G", "PAM4", eye=True)
    with tempfile.TemporaryDirectory(prefix="sigint-bench-stream-") as cache:
        _run_once(case, 20_000, cache)  # compile into the cache
        run = _run_once(case, n, cache)
    doc = {
        "benchmark": "stream",
        "machine": machine_info(),
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "case": case.name,
        "n_symbols": n,
        "samples_per_ui": case.samples_per_ui,
        "peak_rss_bytes": run["peak_rss_bytes"],
        "peak_minus_baseline_bytes": run["peak_minus_baseline_bytes"],
        "symbols_per_s": run["symbols_per_s_simulate"],
        "simulate_s": run["simulate_s"],
        "ber": run["ber"],
        "target_peak_bytes": TARGET_BYTES,
    }
    print(
        f"{case.name}, {n:,} symbols streamed: peak RSS {run['peak_rss_bytes'] / 2**20:,.0f} MiB "
        f"(run adds {run['peak_minus_baseline_bytes'] / 2**20:,.0f} MiB over the imports), "
        f"{run['simulate_s']:.1f} s, {run['symbols_per_s_simulate']:,.0f} symbols/s "
        f"(target: peak < {TARGET_BYTES / 2**30:g} GiB)"
    )
    args.json_out.parent.mkdir(parents=True, exist_ok=True)
    args.json_out.write_text(json.dumps(doc, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
