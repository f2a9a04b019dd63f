"""``python -m benchmarks --smoke`` runs end to end and writes the JSON it promises (no timing
threshold: speed is reported, never asserted)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ROW_KEYS = {
    "case",
    "cache",
    "n_symbols",
    "samples_per_ui",
    "process_s",
    "simulate_s",
    "symbols_per_s_simulate",
    "symbols_per_s_process",
    "baseline_rss_bytes",
    "peak_rss_bytes",
    "peak_minus_baseline_bytes",
    "bytes_per_sample",
}
MACHINE_KEYS = {"platform", "cpu_model", "numpy", "numba", "date", "git_commit"}


def test_smoke_benchmark_writes_cold_and_warm_rows(tmp_path):
    out = tmp_path / "bench.json"
    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--smoke", "--json-out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "vs PyBERT (published)" in proc.stdout
    doc = json.loads(out.read_text())
    assert MACHINE_KEYS <= set(doc["machine"])
    assert doc["settings"]["n_symbols"] == 20_000
    assert doc["pybert_published"]["symbols_per_s"] == [2700.0, 4600.0]
    rows = doc["rows"]
    assert [r["cache"] for r in rows] == ["cold", "warm"]
    for row in rows:
        assert ROW_KEYS <= set(row), ROW_KEYS - set(row)
        assert row["case"] == "224G PAM4 eye on"
        assert row["symbols_per_s_simulate"] > 0
        assert row["symbols_per_s_process"] > 0
        assert row["process_s"] >= row["simulate_s"] > 0
        assert row["peak_rss_bytes"] >= row["baseline_rss_bytes"] > 0
        assert row["bytes_per_sample"] >= 0
    # The other suites ran too, at their smoke sizes, and the summary table closed the output.
    results = ROOT / "benchmarks" / "results"
    assert "suite" in proc.stdout and "figure" in proc.stdout and "target" in proc.stdout
    summary = json.loads((results / "summary.json").read_text())
    suites = {r["suite"] for r in summary["rows"]}
    assert {"timedomain", "stream", "demo", "peers", "optics", "com"} <= suites
    # (the time-domain JSON went to --json-out; the 802.3dj COM runs only in a full run)
    skipped = {"timedomain", "com_178a"}
    missing = [r["suite"] for r in summary["rows"] if r["figure"] == "not run"]
    assert set(missing) <= skipped, missing
    stream = json.loads((results / "stream.json").read_text())
    assert stream["n_symbols"] == 200_000 and stream["peak_rss_bytes"] > 0
    demo = json.loads((results / "demo.json").read_text())
    assert set(demo["seconds"]) == {"cold", "warm", "rerun"}
    peers = json.loads((results / "peers.json").read_text())
    chain = peers["chain"]
    assert chain["sigint_warm"]["simulate_s"] > 0
    # PyBERT measured side by side, or skipped with the reason (no registry, a failed build).
    assert (chain["pybert"] or {}).get("simulate_s", 0) > 0 or chain["pybert_skipped"]
