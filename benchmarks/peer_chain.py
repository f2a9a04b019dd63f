"""sigint's time-domain chain and PyBERT's, side by side: same machine, channel and settings.

The issue's comparison: PAM4 at 53.125 GBd, 32 samples per UI, 100 000 symbols, through the
IEEE 802.3ck cable-assembly thru of ``../shared/channels`` (19.75 dB at Nyquist; a generated
2 m 30 AWG twinax ``.s2p`` when the folder is absent), one core each. Both chains are the full
receiver a user runs: Tx FFE (one pre-cursor tap, −0.1), the channel, a CTLE peaking at
Nyquist, a 5-tap adaptive DFE, a clock-recovery loop and the eye accumulated (PyBERT always
accumulates its eye and jitter analysis; sigint is run with the eye on too):

- **sigint** — :class:`~sigint.config.LinkConfig` with the Touchstone segment, the 93A CTLE
  (g_DC −12 dB), an LMS DFE, a Mueller–Müller CDR (10 MHz loop), in a single-core subprocess,
  first with an empty Numba cache (cold), then again (warm);
- **PyBERT 11.1** (``pipbert==11.1.0`` in its own environment, :mod:`benchmarks.peers`) —
  headless ``PyBERT(gui=False).simulate()`` with its CTLE at 12 dB of peaking at Nyquist, its
  5-tap DFE and its default (bang-bang) CDR.

The ratios divide PyBERT's simulate wall time by sigint's (link preparation from the file
included on both sides, imports excluded): sigint's second run of the link in the same process
(what each run of a study costs), its first run in a fresh process with its kernels cached
(loading them included), and its first run with an empty kernel cache (compiling them); the
whole processes' times (interpreter start and imports included) are printed too.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .bench_timedomain import SINGLE_CORE_ENV, _maxrss_bytes
from .peers import PeerUnavailable, run_peer

ROOT = Path(__file__).resolve().parents[1]
CA_THRU = ROOT.parent / "shared/channels/ieee8023ck_cable_assembly_mellitz/CA_19p75dB_thru.s4p"
F_BAUD_HZ = 53.125e9
SAMPLES_PER_UI = 32
N_SYMBOLS = 100_000
SMOKE_SYMBOLS = 10_000
DFE_TAPS = 5
TX_PRE = -0.1


def chain_config(channel: str, n_symbols: int):
    """sigint's side of the comparison (see the module docstring)."""
    from sigint.cdr import CDRConfig
    from sigint.channel_config import ChannelConfig, TouchstoneSegment
    from sigint.config import LinkConfig, RxConfig, SimConfig, TxConfig

    cdr = CDRConfig.designed(
        "mueller-muller", bandwidth_hz=10e6, damping=1.0, pd_gain=0.37, f_baud_hz=F_BAUD_HZ
    )
    return LinkConfig(
        modulation="PAM4",
        rate=None,
        f_baud_hz=F_BAUD_HZ,
        tx=TxConfig(swing_vppd=0.8, ffe_taps=(TX_PRE, 1 - abs(TX_PRE)), ffe_cursor=1),
        channel=ChannelConfig((TouchstoneSegment(channel),)),
        rx=RxConfig(
            noise_density_v2_hz=6e-18,
            ctle_g_dc_db=-12.0,
            dfe_taps=DFE_TAPS,
            dfe_adaptation="lms",
            dfe_step=5e-4,
            cdr=cdr,
        ),
        sim=SimConfig(
            n_symbols=n_symbols,
            samples_per_ui=SAMPLES_PER_UI,
            eye=True,
            warmup_symbols=min(20_000, n_symbols // 2),
        ),
    )


def _worker(channel: str, n_symbols: int) -> dict:
    from sigint.timedomain import simulate

    baseline = _maxrss_bytes()
    cfg = chain_config(channel, n_symbols)
    t0 = time.perf_counter()
    result = simulate(cfg)
    first_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    simulate(cfg)  # the same link again in this process: what each run of a sweep costs
    return {
        "simulate_s": first_s,
        "repeat_simulate_s": time.perf_counter() - t0,
        "ber": result.ber,
        "bit_errors": result.bit_errors,
        "snr_db": result.snr_db,
        "peak_minus_baseline_bytes": _maxrss_bytes() - baseline,
    }


def _sigint_run(channel: str, n_symbols: int, cache_dir: str) -> dict:
    env = {**os.environ, **SINGLE_CORE_ENV, "NUMBA_CACHE_DIR": cache_dir}
    env.pop("NUMBA_DISABLE_JIT", None)
    cmd = [sys.executable, "-m", "benchmarks.peer_chain", "--worker", channel, str(n_symbols)]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    process_s = time.perf_counter() - t0
    if proc.returncode != 0:
        raise RuntimeError(f"sigint chain worker failed:\n{proc.stderr[-3000:]}")
    return {**json.loads(proc.stdout.strip().splitlines()[-1]), "process_s": process_s}


def _channel(tmp: Path) -> tuple[str, str]:
    if CA_THRU.exists():
        return str(CA_THRU), "802.3ck CA 19.75 dB thru (mellitz_3ck_04_1119)"
    import numpy as np

    from sigint.channels.presets import twinax
    from sigint.channels.touchstone import write_touchstone

    path = tmp / "twinax30_2m.s2p"
    write_touchstone(twinax(30).network(2.0, np.linspace(0, 60e9, 6001)), path)
    return str(path), "generated 2 m 30 AWG twinax (../shared/channels absent)"


def measure_chain(smoke: bool = False) -> dict:
    """sigint cold and warm, then PyBERT, on the same chain; the figures and their ratios."""
    n = SMOKE_SYMBOLS if smoke else N_SYMBOLS
    with tempfile.TemporaryDirectory(prefix="sigint-peer-chain-") as tmp:
        channel, label = _channel(Path(tmp))
        rows = {}
        for state in ("cold", "warm"):
            print(f"sigint chain ({state}), {n:,} symbols ...", file=sys.stderr, flush=True)
            rows[state] = _sigint_run(channel, n, tmp)
        job = {
            "channel": channel,
            "bit_rate_gbps": 2 * F_BAUD_HZ / 1e9,
            "samples_per_ui": SAMPLES_PER_UI,
            "n_symbols": n,
            "f_max_ghz": 60.0,
            "f_step_mhz": 10.0,
            "ctle_peak_ghz": F_BAUD_HZ / 2e9,
            "ctle_peak_db": 12.0,
            "ctle_bandwidth_ghz": 40.0,
            "dfe_taps": DFE_TAPS,
            "tx_pre": TX_PRE,
        }
        print(f"PyBERT chain, {n:,} symbols ...", file=sys.stderr, flush=True)
        try:
            pybert = run_peer("pybert", "pybert_chain.py", job, timeout_s=7200)
            skipped = None
        except PeerUnavailable as exc:
            pybert, skipped = None, str(exc)
    out = {
        "channel": label,
        "n_symbols": n,
        "samples_per_ui": SAMPLES_PER_UI,
        "f_baud_hz": F_BAUD_HZ,
        "sigint_cold": rows["cold"],
        "sigint_warm": rows["warm"],
        "pybert": pybert,
        "pybert_skipped": skipped,
    }
    if pybert is not None:
        warm = rows["warm"]
        out["ratio_simulate"] = pybert["simulate_s"] / warm["simulate_s"]
        out["ratio_process"] = pybert["process_s"] / warm["process_s"]
        out["ratio_simulate_cold"] = pybert["simulate_s"] / rows["cold"]["simulate_s"]
        out["ratio_steady"] = pybert["simulate_s"] / warm["repeat_simulate_s"]
    return out


def format_chain(doc: dict) -> str:
    """The comparison as text lines."""
    n = doc["n_symbols"]
    lines = [
        f"time-domain chain, PAM4 {doc['f_baud_hz'] / 1e9:.3f} GBd, {doc['samples_per_ui']} "
        f"samples/UI, {n:,} symbols, {doc['channel']}, one core:"
    ]
    for name in ("sigint_cold", "sigint_warm"):
        r = doc[name]
        lines.append(
            f"  {name.replace('_', ' '):12s} simulate {r['simulate_s']:8.2f} s  "
            f"{n / r['simulate_s']:>12,.0f} sym/s  process {r['process_s']:7.2f} s  "
            f"BER {r['ber']:.2e}"
        )
    p = doc["pybert"]
    if p is None:
        lines.append(f"  PyBERT 11.1   skipped: {doc['pybert_skipped']}")
        return "\n".join(lines)
    bits = max(p["bits_checked"], 1)
    lines.append(
        f"  PyBERT 11.1  simulate {p['simulate_s']:8.2f} s  {n / p['simulate_s']:>12,.0f} sym/s"
        f"  process {p['process_s']:7.2f} s  BER {p['bit_errors'] / bits:.2e}"
    )
    r = doc["sigint_warm"]
    lines.append(
        f"  sigint again in the same process: simulate {r['repeat_simulate_s']:.3f} s, "
        f"{n / r['repeat_simulate_s']:,.0f} sym/s"
    )
    lines.append(
        f"  PyBERT time / sigint time: {doc['ratio_steady']:.0f}x (sigint's repeat run), "
        f"{doc['ratio_simulate']:.0f}x (its first run in a fresh process, kernels cached), "
        f"{doc['ratio_simulate_cold']:.0f}x (empty kernel cache); whole processes "
        f"{doc['ratio_process']:.0f}x"
    )
    return "\n".join(lines)


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--worker":
        print(json.dumps(_worker(sys.argv[2], int(sys.argv[3]))))
    else:
        print(format_chain(measure_chain("--smoke" in sys.argv)))
