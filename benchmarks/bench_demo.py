"""``sigint demo`` as a user meets it: wall time of the whole command, three ways.

Each run is ``python -m sigint demo --out DIR`` as a subprocess on the machine's cores (the
demo's reach table uses a process pool):

- **cold**: an empty Numba cache (``NUMBA_CACHE_DIR`` a fresh folder) and a fresh output
  folder: every kernel compiles, the reach table is solved;
- **warm**: the kernels cached by the cold run, a fresh output folder: everything is computed
  again but nothing compiles;
- **rerun**: the same command again in the warm run's folder: the reach table's HDF5 store
  answers (sweeps resume), the links are simulated again.

``--smoke`` runs the demo at 20k symbols per link (the reach table is the same).
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_JSON = ROOT / "benchmarks" / "results" / "demo.json"
TARGETS_S = {"cold": 20.0, "warm": 3.0}  # issue 10


def _demo(out: Path, cache: str, symbols: int | None) -> float:
    env = {**os.environ, "NUMBA_CACHE_DIR": cache}
    env.pop("NUMBA_DISABLE_JIT", None)
    cmd = [sys.executable, "-m", "sigint", "demo", "--out", str(out)]
    if symbols is not None:
        cmd += ["--symbols", str(symbols)]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=out.parent, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - t0
    if proc.returncode != 0:
        raise RuntimeError(f"sigint demo failed:\n{proc.stderr[-3000:]}")
    return elapsed


def main(argv: list[str] | None = None) -> int:
    """Time the demo cold, warm and rerun; print and write JSON."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks demo")
    parser.add_argument("--smoke", action="store_true", help="20k symbols per link")
    parser.add_argument("--json-out", type=Path, default=DEFAULT_JSON)
    args = parser.parse_args(argv)
    from .bench_timedomain import machine_info

    symbols = 20_000 if args.smoke else None
    with tempfile.TemporaryDirectory(prefix="sigint-bench-demo-") as tmp:
        tmp = Path(tmp)
        cache = str(tmp / "numba-cache")
        times = {
            "cold": _demo(tmp / "cold", cache, symbols),
            "warm": _demo(tmp / "warm", cache, symbols),
            "rerun": _demo(tmp / "warm", cache, symbols),
        }
    doc = {
        "benchmark": "demo",
        "machine": machine_info(),
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "settings": {"symbols_per_link": symbols or 200_000, "smoke": args.smoke},
        "seconds": times,
        "targets_s": TARGETS_S,
    }
    print(f"sigint demo ({os.cpu_count()} cores):")
    for k, v in times.items():
        target = f"   (target <= {TARGETS_S[k]:g} s)" if k in TARGETS_S else ""
        print(f"  {k:<6} {v:7.1f} s{target}")
    args.json_out.parent.mkdir(parents=True, exist_ok=True)
    args.json_out.write_text(json.dumps(doc, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
