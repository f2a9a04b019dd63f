"""Throughput and memory of the time-domain engine on the demo chain, cold and warm.

Each measurement is its own subprocess on one core (``NUMBA_NUM_THREADS=1`` and the BLAS/OpenMP
thread counts at 1), so that imports, Numba compilation and peak RSS belong to that run alone:

- **cold**: ``NUMBA_CACHE_DIR`` is a fresh empty folder, so every kernel compiles inside the run;
- **warm**: the same command again, with the cache the cold run wrote.

The worker (``python -m benchmarks.bench_timedomain --worker ...``) imports sigint, records the
peak RSS after the imports as its baseline, runs :func:`sigint.timedomain.simulate` once and prints
one JSON line: the simulate wall time, the baseline and the peak RSS. The parent adds the wall
time of the whole process (interpreter start, imports and compilation included).
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_JSON = ROOT / "benchmarks" / "results" / "timedomain.json"
DEFAULT_SYMBOLS = 1_000_000
SMOKE_SYMBOLS = 20_000
SAMPLES_PER_UI = 32

# PyBERT 11.1 on a similar PAM4 chain (Tx FFE, channel, CTLE, DFE), as published in the issue
# that motivated this benchmark; not measured here side by side.
PYBERT_PUBLISHED_SYMBOLS_PER_S = (2_700.0, 4_600.0)
PYBERT_SOURCE = "PyBERT 11.1, published figure (not measured side by side)"

SINGLE_CORE_ENV = {
    "NUMBA_NUM_THREADS": "1",
    "OMP_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
}


@dataclass(frozen=True)
class Case:
    """One benchmark row: a demo link with the eye accumulation on or off."""

    rate: str
    modulation: str
    eye: bool
    # "fixed", "adaptive" (LMS FFE + DFE), "adaptive+ctle" (and the CTLE gain), "cdr",
    # "adaptive+cdr"
    rx: str = "fixed"
    samples_per_ui: int = SAMPLES_PER_UI

    @property
    def name(self) -> str:
        extra = "" if self.rx == "fixed" else f", {self.rx}"
        s = "" if self.samples_per_ui == SAMPLES_PER_UI else f", {self.samples_per_ui}/UI"
        return f"{self.rate} {self.modulation} eye {'on' if self.eye else 'off'}{extra}{s}"


CASES = (
    Case("224G", "PAM4", eye=True),
    Case("224G", "PAM4", eye=False),
    Case("448G", "PAM6", eye=True),
    Case("448G", "PAM8", eye=True),
    Case("224G", "PAM4", eye=False, rx="adaptive"),
    Case("224G", "PAM4", eye=False, rx="adaptive+ctle"),
    Case("224G", "PAM4", eye=False, rx="cdr"),
    Case("224G", "PAM4", eye=False, rx="adaptive+cdr"),
    Case("224G", "PAM4", eye=True, rx="adaptive+cdr"),
    Case("448G", "PAM6", eye=False),
    Case("448G", "PAM8", eye=False),
    Case("224G", "PAM4", eye=True, samples_per_ui=16),
    Case("224G", "PAM4", eye=False, samples_per_ui=16),
    Case("448G", "PAM6", eye=True, samples_per_ui=16),
    Case("448G", "PAM8", eye=True, samples_per_ui=16),
)


def receiver_changes(rx: str, f_baud_hz: float, n_symbols: int) -> dict:
    """Config changes for a receiver variant: a 7-tap LMS FFE with an LMS DFE, and/or a
    Mueller-Müller CDR (20 MHz loop, 64-step phase interpolator, +100 ppm offset); with
    "ctle" the CTLE's g_DC adapts by LMS too."""
    changes: dict = {}
    if "adaptive" in rx:
        changes.update(
            {
                "rx.ffe_taps": (0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0),
                "rx.ffe_cursor": 2,
                "rx.ffe_adaptation": "lms",
                "rx.dfe_adaptation": "lms",
                "rx.ffe_step": 5e-4,
                "rx.dfe_step": 5e-4,
                "sim.warmup_symbols": min(60_000, n_symbols // 2),
            }
        )
    if "ctle" in rx:
        changes.update({"rx.ctle_adaptation": "lms", "rx.ctle_hold_symbols": 10_000})
    if "cdr" in rx:
        from sigint.cdr import CDRConfig

        changes["rx.cdr"] = CDRConfig.designed(
            "mueller-muller", bandwidth_hz=20e6, damping=1.0, pd_gain=0.37,
            f_baud_hz=f_baud_hz, freq_offset_ppm=100.0, pi_steps_per_ui=64,
        )  # fmt: skip
    return changes


# ---------------------------------------------------------------- worker (inside the subprocess)


def _maxrss_bytes() -> int:
    import resource

    # ru_maxrss is KiB on Linux, bytes on macOS.
    scale = 1 if sys.platform == "darwin" else 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale


def _worker(case: Case, n_symbols: int) -> dict:
    import numpy as np  # noqa: F401  (part of the baseline)

    from sigint.demo import demo_config
    from sigint.timedomain import simulate

    baseline = _maxrss_bytes()
    cfg = demo_config(case.rate, case.modulation, n_symbols)
    cfg = cfg.replace(
        **{
            "sim.samples_per_ui": case.samples_per_ui,
            "sim.eye": case.eye,
            **receiver_changes(case.rx, cfg.f_baud_hz, n_symbols),
        }
    )
    t0 = time.perf_counter()
    result = simulate(cfg)
    simulate_s = time.perf_counter() - t0
    peak = _maxrss_bytes()
    return {
        "simulate_s": simulate_s,
        "result_elapsed_s": result.elapsed_s,
        "baseline_rss_bytes": baseline,
        "peak_rss_bytes": peak,
        "snr_db": result.snr_db,
        "ber": result.ber,
    }


# ---------------------------------------------------------------- parent


def _run_once(case: Case, n_symbols: int, cache_dir: str) -> dict:
    env = {**os.environ, **SINGLE_CORE_ENV, "NUMBA_CACHE_DIR": cache_dir}
    env.pop("NUMBA_DISABLE_JIT", None)
    cmd = [
        sys.executable,
        "-m",
        "benchmarks.bench_timedomain",
        "--worker",
        json.dumps(dataclasses.asdict(case)),
        str(n_symbols),
    ]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    process_s = time.perf_counter() - t0
    if proc.returncode != 0:
        raise RuntimeError(f"benchmark worker for {case.name} failed:\n{proc.stderr}")
    data = json.loads(proc.stdout.strip().splitlines()[-1])
    delta = max(data["peak_rss_bytes"] - data["baseline_rss_bytes"], 0)
    n_samples = n_symbols * case.samples_per_ui
    return {
        **data,
        "process_s": process_s,
        "symbols_per_s_simulate": n_symbols / data["simulate_s"],
        "symbols_per_s_process": n_symbols / process_s,
        "peak_minus_baseline_bytes": delta,
        "bytes_per_sample": delta / n_samples,
    }


def measure(case: Case, n_symbols: int) -> list[dict]:
    """Cold then warm run of one case, each in its own single-core subprocess."""
    rows = []
    with tempfile.TemporaryDirectory(prefix="sigint-bench-numba-") as cache_dir:
        for state in ("cold", "warm"):
            run = _run_once(case, n_symbols, cache_dir)
            rows.append(
                {
                    "case": case.name,
                    "rate": case.rate,
                    "modulation": case.modulation,
                    "eye": case.eye,
                    "cache": state,
                    "n_symbols": n_symbols,
                    "samples_per_ui": case.samples_per_ui,
                    **run,
                }
            )
    return rows


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _git_commit() -> str | None:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
        )
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError):
        return None
    return out.stdout.strip() + ("-dirty" if dirty.stdout.strip() else "")


def machine_info() -> dict:
    """Where and when the figures were taken."""
    import numba
    import numpy

    import sigint

    return {
        "platform": platform.platform(),
        "python": platform.python_version(),
        "cpu_model": _cpu_model(),
        "cpu_count": os.cpu_count(),
        "numpy": numpy.__version__,
        "numba": numba.__version__,
        "sigint": sigint.__version__,
        "git_commit": _git_commit(),
        "date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
    }


def _pybert_ratio(row: dict) -> str:
    if row["modulation"] != "PAM4":
        return "—"
    lo, hi = PYBERT_PUBLISHED_SYMBOLS_PER_S
    rate = row["symbols_per_s_simulate"]
    return f"{rate / hi:.0f}–{rate / lo:.0f}×"


def format_table(rows: list[dict]) -> str:
    """The rows as a fixed-width text table."""
    head = (
        "case",
        "cache",
        "process s",
        "simulate s",
        "sym/s simulate",
        "sym/s process",
        "peak-base MiB",
        "B/sample",
        "vs PyBERT (published)",
    )
    body = [
        (
            r["case"],
            r["cache"],
            f"{r['process_s']:.2f}",
            f"{r['simulate_s']:.2f}",
            f"{r['symbols_per_s_simulate']:,.0f}",
            f"{r['symbols_per_s_process']:,.0f}",
            f"{r['peak_minus_baseline_bytes'] / 2**20:.1f}",
            f"{r['bytes_per_sample']:.2f}",
            _pybert_ratio(r),
        )
        for r in rows
    ]
    widths = [max(len(h), *(len(b[i]) for b in body)) for i, h in enumerate(head)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(head, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(c.rjust(w) for c, w in zip(b, widths, strict=True)) for b in body]
    return "\n".join(lines)


def run(n_symbols: int, smoke: bool, json_out: Path) -> dict:
    """Measure every case (only the first when ``smoke``), print the table, write the JSON."""
    cases = CASES[:1] if smoke else CASES
    rows = []
    for case in cases:
        print(f"measuring {case.name}, {n_symbols:,} symbols ...", file=sys.stderr, flush=True)
        rows += measure(case, n_symbols)
    lo, hi = PYBERT_PUBLISHED_SYMBOLS_PER_S
    doc = {
        "benchmark": "timedomain",
        "machine": machine_info(),
        "settings": {
            "chain": "sigint.demo.demo_config (Tx FFE, 2x5 in stripline + 1 m 26 AWG twinax, "
            "93A CTLE, 24-tap ZF DFE, COM-like noise)",
            "n_symbols": n_symbols,
            "samples_per_ui": "per row",
            "smoke": smoke,
            "threads": SINGLE_CORE_ENV,
        },
        "pybert_published": {
            "symbols_per_s": [lo, hi],
            "modulation": "PAM4",
            "source": PYBERT_SOURCE,
        },
        "rows": rows,
    }
    print(format_table(rows))
    print(
        f"\nvs PyBERT: sym/s simulate divided by {hi:,.0f} and {lo:,.0f} PAM4 sym/s, the "
        f"{PYBERT_SOURCE}."
    )
    json_out.parent.mkdir(parents=True, exist_ok=True)
    json_out.write_text(json.dumps(doc, indent=2) + "\n")
    print(f"JSON: {json_out}")
    return doc


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="Time-domain engine throughput and memory on the demo chain, cold and warm.",
    )
    parser.add_argument(
        "--symbols", type=int, default=None, help=f"symbols per run (default {DEFAULT_SYMBOLS:,})"
    )
    parser.add_argument(
        "--smoke",
        action="store_true",
        help=f"CI check: {SMOKE_SYMBOLS:,} symbols, first row only",
    )
    parser.add_argument("--json-out", type=Path, default=DEFAULT_JSON, help="JSON output path")
    args = parser.parse_args(argv)
    n = args.symbols or (SMOKE_SYMBOLS if args.smoke else DEFAULT_SYMBOLS)
    if n <= 4_000:
        parser.error(f"--symbols {n}: expected more than the demo's 4000 warm-up symbols")
    run(n, args.smoke, args.json_out)
    return 0


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--worker":
        spec = json.loads(sys.argv[2])
        print(json.dumps(_worker(Case(**spec), int(sys.argv[3]))))
    else:
        sys.exit(main())
