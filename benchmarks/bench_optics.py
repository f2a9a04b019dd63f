"""The optical time-domain chain against the electrical one, symbols/s on one core, and the
``sigint compare`` table's wall time.

Both engines run in this process (one thread: set ``NUMBA_NUM_THREADS`` and the BLAS thread
counts to 1 before starting, as the time-domain benchmark's workers do), each after an untimed
short run that compiles or loads its kernels:

- electrical: the demo chain (:func:`sigint.demo.demo_config`, 224G PAM4), eye off;
- optical: the default :class:`~sigint.optics.link.OpticalLinkConfig` (224G PAM4, MZM, 500 m
  O-band SMF, PD + TIA), eye off, trained 16-tap FFE + DFE, the field at its default 8
  samples per UI; and, for comparison, the field at every one of the 32 samples, and the
  eye (electrical and optical) on;

all at 32 samples/UI. The issue-9 target is optical ≥ 1/2 of electrical. Then the default
``sigint compare`` question (224G PAM4, seven architectures × seven distances) is timed.
``--smoke`` runs 40k symbols and two distances (CI: no time limit is asserted anywhere).
"""

from __future__ import annotations

import argparse
import datetime
import json
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_JSON = ROOT / "benchmarks" / "results" / "optics.json"
SAMPLES_PER_UI = 32


def _rate(run, n: int) -> tuple[float, object]:
    t0 = time.perf_counter()
    out = run(n)
    return n / (time.perf_counter() - t0), out


def main(argv: list[str] | None = None) -> int:
    """Measure, print and write JSON."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks optics")
    parser.add_argument("--smoke", action="store_true", help="40k symbols, two distances")
    parser.add_argument("--symbols", type=int, default=1_000_000)
    parser.add_argument("--json-out", type=Path, default=DEFAULT_JSON)
    args = parser.parse_args(argv)
    from sigint.compare.presets import CompareSpec
    from sigint.compare.table import compare
    from sigint.config import SimConfig
    from sigint.demo import demo_config
    from sigint.optics.engine import simulate_optical
    from sigint.optics.link import OpticalLinkConfig
    from sigint.timedomain import simulate

    from .bench_timedomain import machine_info

    n = 40_000 if args.smoke else args.symbols
    base = demo_config("224G", "PAM4")

    def electrical(k):
        changes = {"sim.n_symbols": k, "sim.eye": False, "sim.samples_per_ui": SAMPLES_PER_UI}
        return simulate(base.replace(**changes))

    def optical(k, field_samples_per_ui=None, eye=False):
        sim = SimConfig(n_symbols=k, eye=eye, warmup_symbols=10_000, samples_per_ui=32)
        cfg = OpticalLinkConfig(sim=sim, field_samples_per_ui=field_samples_per_ui)
        return simulate_optical(cfg)

    electrical(20_000)
    optical(20_000)
    optical(20_000, eye=True)
    e_rate, _ = _rate(electrical, n)
    o_rate, o_res = _rate(optical, n)
    full_rate, _ = _rate(lambda k: optical(k, field_samples_per_ui=SAMPLES_PER_UI), n)
    eye_rate, _ = _rate(lambda k: optical(k, eye=True), n)
    distances = (0.3, 100.0) if args.smoke else CompareSpec().distances_m
    t0 = time.perf_counter()
    compare(CompareSpec(distances_m=distances))
    compare_s = time.perf_counter() - t0
    doc = {
        "benchmark": "optics",
        "machine": machine_info(),
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "settings": {
            "n_symbols": n,
            "samples_per_ui": SAMPLES_PER_UI,
            "smoke": args.smoke,
            "compare_distances_m": list(distances),
        },
        "electrical_symbols_per_s": e_rate,
        "optical_symbols_per_s": o_rate,
        "optical_over_electrical": o_rate / e_rate,
        "optical_field_every_sample_symbols_per_s": full_rate,
        "optical_eye_on_symbols_per_s": eye_rate,
        "optical_ber": o_res.ber,
        "optical_snr_db": o_res.snr_db,
        "compare_s": compare_s,
    }
    print(f"optics benchmark: {n:,} PAM4 symbols at {SAMPLES_PER_UI} samples/UI, one process")
    print(f"  electrical chain (demo, eye off) {e_rate:>12,.0f} symbols/s")
    print(f"  optical chain (MZM, 500 m SMF)   {o_rate:>12,.0f} symbols/s   (field at 8/UI)")
    print(f"  optical / electrical             {o_rate / e_rate:>12.2f}   (target >= 0.5)")
    print(f"  optical, field at all 32 samples {full_rate:>12,.0f} symbols/s")
    print(f"  optical, eyes on                 {eye_rate:>12,.0f} symbols/s")
    print(f"  sigint compare, {len(distances)} distances x 7 architectures: {compare_s:.1f} s")
    args.json_out.parent.mkdir(parents=True, exist_ok=True)
    args.json_out.write_text(json.dumps(doc, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
