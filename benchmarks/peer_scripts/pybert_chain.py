"""PyBERT's time-domain chain on one job, timed; runs in PyBERT's own environment.

``python pybert_chain.py '<job json>'`` (see ``benchmarks/peer_chain.py`` for the job) builds a
headless :class:`pybert.pybert.PyBERT` (no GUI, no plots), sets the modulation, bit rate,
samples per UI, bit count, the channel file and the equaliser the job gives, and runs its
``simulate`` once. It prints one JSON line: the import, set-up and simulate wall times, the
bit errors PyBERT reports after its DFE, its own throughput figure and status line.

Nothing of sigint is imported here.
"""

from __future__ import annotations

import json
import sys
import time


def main() -> None:
    """Run the job given as the first argument; print one JSON line."""
    job = json.loads(sys.argv[1])
    t0 = time.perf_counter()
    from pybert.pybert import PyBERT

    t1 = time.perf_counter()
    bert = PyBERT(run_simulation=False, gui=False)
    bert.mod_type = "PAM-4"
    bert.bit_rate = job["bit_rate_gbps"]
    bert.nspui = job["samples_per_ui"]
    bert.nbits = 2 * job["n_symbols"]
    bert.eye_bits = bert.nbits // 2
    bert.seed = job.get("seed", 1)
    bert.inter_sel = "single"
    bert.ch_file = job["channel"]
    bert.f_max = job["f_max_ghz"]
    bert.f_step = job["f_step_mhz"]
    bert.peak_freq = job["ctle_peak_ghz"]
    bert.peak_mag = job["ctle_peak_db"]
    bert.rx_bw = job["ctle_bandwidth_ghz"]
    for k, tap in enumerate(bert.dfe_tap_tuners):
        tap.enabled = k < job["dfe_taps"]
    for tap in bert.tx_taps:
        tap.enabled = tap.pos == -1
        tap.value = job["tx_pre"] if tap.pos == -1 else 0.0
    bert.cdr_type = job.get("cdr", "Bang-Bang")
    t2 = time.perf_counter()
    bert.simulate(initial_run=True, update_plots=False)
    t3 = time.perf_counter()
    print(
        json.dumps(
            {
                "import_s": t1 - t0,
                "setup_s": t2 - t1,
                "simulate_s": t3 - t2,
                "n_symbols": job["n_symbols"],
                "bit_errors": int(bert.n_errs_dfe),
                "bits_checked": int(bert.eye_bits),
                "pybert_msamples_per_min": float(bert.total_perf) * 60e-6,
                "status": bert.status_str,
            }
        )
    )


if __name__ == "__main__":
    main()
