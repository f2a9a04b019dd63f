"""COM time: the full EQ search and A_ni on one channel set.

``--preset 802.3ck-CR`` (default, Annex 93A): the 802.3ck cable-assembly set (thru + 7 FEXT +
8 NEXT) when ``../shared/channels`` is present, otherwise a generated 2 m 30 AWG cable without
crosstalk; 21 g_DC × 7 g_DC2 × 4345 Tx FFE candidates × 2 package cases, searched with the
preset's Local Search 2 (the reference rule). PyChOpMarg 3.4.0 took 429 s for one 802.3ck COM
on a comparable case (REFERENCE §9).

``--preset 802.3dj-KR`` (Annex 178A): a generated 2 m 28 AWG twinax (no crosstalk file is
available at 212.5 Gb/s), the full grid: 21 × 7 CTLE × 1308 Tx FFE candidates × 2 package
cases, each with its MMSE Rx FFE (87 positions, 2 × 4 floating taps) at 33 sampling times
(PyChOpMarg ≈ 13-16 h serial).

The package cases run in ``--workers`` processes (default one per case, up to the CPU count);
``taskset -c 0`` pins the run to one core. ``--smoke`` searches every fourth g_DC and every
third g_DC2 on a generated cable.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared/channels/ieee8023ck_cable_assembly_mellitz"
DEFAULT_JSON = ROOT / "benchmarks" / "results" / "com.json"
TARGET_S = {"802.3ck-CR": 10.0, "802.3dj-KR": 300.0}  # issue 6 (802.3dj: on 2 cores)


def main(argv: list[str] | None = None) -> int:
    """Run the COM benchmark, print one line and write JSON."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks com")
    parser.add_argument("--smoke", action="store_true", help="a reduced grid on a generated cable")
    parser.add_argument("--preset", choices=sorted(TARGET_S), default="802.3ck-CR")
    parser.add_argument("--workers", type=int, default=None, help="processes (package cases)")
    parser.add_argument("--json-out", type=Path, default=None, help="default results/com*.json")
    args = parser.parse_args(argv)
    from sigint.channels.presets import twinax
    from sigint.channels.touchstone import write_touchstone
    from sigint.com import load_preset
    from sigint.com.engine import compute_com

    from .bench_timedomain import machine_info

    params = load_preset(args.preset)
    dj = args.preset == "802.3dj-KR"
    with tempfile.TemporaryDirectory() as tmp:
        if dj:
            thru = Path(tmp) / "twinax28_2m.s2p"
            write_touchstone(twinax(28).network(2.0, np.linspace(0, 200e9, 10001)), thru)
            fext, nxt = [], []
            label = "generated 2 m 28 AWG cable"
        elif SHARED.exists() and not args.smoke:
            thru = SHARED / "CA_19p75dB_thru.s4p"
            fext = [SHARED / f"CA_19p75dB_fext{i}.s4p" for i in range(1, 8)]
            nxt = [SHARED / f"CA_19p75dB_next{i}.s4p" for i in range(1, 9)]
            label = "802.3ck CA 19.75 dB set (thru + 7 FEXT + 8 NEXT)"
        else:
            thru = Path(tmp) / "twinax30_2m.s2p"
            write_touchstone(twinax(30).network(2.0, np.linspace(0, 60e9, 1201)), thru)
            fext, nxt = [], []
            label = "generated 2 m 30 AWG cable"
        if args.smoke:
            params = dataclasses.replace(
                params, g_dc_db=params.g_dc_db[::4], g_dc2_db=params.g_dc2_db[::3]
            )
        n_ctle = len(params.g_dc_db) * len(params.g_dc2_db)
        n_tx = params.tx_grid().shape[0]
        t0 = time.perf_counter()
        result = compute_com(params, thru, fext, nxt, workers=args.workers)
        elapsed = time.perf_counter() - t0
    workers = min(params.package.n_cases, os.cpu_count() or 1)
    workers = workers if args.workers is None else args.workers
    target = TARGET_S[args.preset]
    print(
        f"COM {params.name} on {label}: {result.com_db:.2f} dB in {elapsed:.1f} s "
        f"({n_ctle} CTLE × {n_tx} Tx FFE × {params.package.n_cases} cases, "
        f"Local Search {params.local_search}, {workers} process(es))"
    )
    print(f"target: the full {params.name} grid <= {target:g} s")
    doc = {
        "benchmark": "com",
        "machine": machine_info(),
        "channels": label,
        "preset": params.name,
        "ctle_settings": n_ctle,
        "tx_candidates": n_tx,
        "com_db": result.com_db,
        "local_search": params.local_search,
        "workers": workers,
        "elapsed_s": elapsed,
        "target_s": target,
    }
    if args.json_out is None:
        args.json_out = DEFAULT_JSON.with_name("com_178a.json" if dj else "com.json")
    args.json_out.parent.mkdir(parents=True, exist_ok=True)
    args.json_out.write_text(json.dumps(doc, indent=2) + "\n")
    print(f"JSON: {args.json_out}")
    return 0
