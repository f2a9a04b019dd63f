"""The ``sigint`` command line: one verb per user question.

Exit codes: 0 success, 1 a check failed, 2 bad input (one line on stderr naming the file, key or
value and what was expected; never a traceback), 70 an internal error (a bug: one line, and the
traceback only with ``SIGINT_DEBUG=1``).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import traceback
from pathlib import Path

from ._version import __version__
from .errors import SigintError

PROGRESS_DELAY_S = 2.0


class _Progress:
    """A tqdm bar on stderr that appears only when the work lasts over ~2 s."""

    def __init__(self, total: int, desc: str, enabled: bool = True, unit: str = "sym"):
        self.bar = None
        if enabled:
            from tqdm import tqdm

            self.bar = tqdm(
                total=total,
                desc=desc,
                unit=unit,
                unit_scale=unit == "sym",
                delay=PROGRESS_DELAY_S,
                leave=False,
                file=sys.stderr,
            )
        self.done = 0

    def __call__(self, done: int) -> None:
        if self.bar is not None:
            self.bar.update(done - self.done)
        self.done = done

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def _run_link(cfg, desc: str, quiet: bool):
    from .timedomain import simulate

    progress = _Progress(cfg.sim.n_symbols, desc, enabled=not quiet)
    try:
        return simulate(cfg, progress=progress)
    finally:
        progress.close()


def _write_outputs(result, out_dir: Path, stem: str, formats: tuple[str, ...]) -> list[str]:
    from .plots import save_eye_plot
    from .store import write_json_atomic

    written = []
    for fmt in formats:
        if result.eye is not None:
            written.append(str(save_eye_plot(result, out_dir / f"{stem}.{fmt}")))
    if result.tap_trace is not None and result.tap_trace.size:
        from .plots import _pyplot, plot_taps

        plt = _pyplot()
        ax = plot_taps(result)
        ax.figure.savefig(out_dir / f"{stem}_taps.png", dpi=110)
        plt.close(ax.figure)
        written.append(str(out_dir / f"{stem}_taps.png"))
    write_json_atomic(out_dir / f"{stem}.json", result.to_dict())
    written.append(str(out_dir / f"{stem}.json"))
    result.save_hdf5(out_dir / f"{stem}.h5")
    written.append(str(out_dir / f"{stem}.h5"))
    return written


def _fmt_ber(result) -> str:
    if result.bit_errors == 0:
        return f"< {result.ber_ci[1]:.1e}"
    return f"{result.ber:.2e}"


def summary_table(results) -> str:
    """The demo's table: one row per link."""
    head = (
        f"{'link':<28}{'IL@Nyq':>8}{'SNR':>8}{'BER':>11}{'95% CI':>22}"
        f"{'min EH':>9}{'min EW':>8}{'Msym/s':>8}"
    )
    lines = [head, f"{'':<28}{'dB':>8}{'dB':>8}{'':>11}{'':>22}{'mV':>9}{'UI':>8}{'':>8}"]
    for r in results:
        lo, hi = r.ber_ci
        eh = min(r.eye_heights_v) * 1e3 if r.eye_heights_v is not None else float("nan")
        ew = min(r.eye_widths_ui) if r.eye_widths_ui is not None else float("nan")
        lines.append(
            f"{r.label:<28}{r.resolved['il_nyquist_db']:>8.1f}{r.snr_db:>8.2f}"
            f"{_fmt_ber(r):>11}{f'[{lo:.1e}, {hi:.1e}]':>22}{eh:>9.1f}{ew:>8.2f}"
            f"{r.symbols_per_s / 1e6:>8.2f}"
        )
    return "\n".join(lines)


def cmd_demo(args) -> int:
    """224G PAM4 and 448G PAM4/6/8 over the same cable: table, eye PNGs, JSON."""
    from .demo import CABLE_AWG, CABLE_M, HOST_TRACE_M, demo_configs
    from .store import write_json_atomic

    out_dir = Path(args.out)
    reach = _demo_reach(out_dir, args)
    results = []
    for cfg in demo_configs(n_symbols=args.symbols, seed=args.seed):
        stem = f"eye_{cfg.rate}_{cfg.modulation}"
        result = _run_link(cfg, stem, args.json)
        _write_outputs(result, out_dir, stem, ("png",))
        results.append(result)
    doc = {
        "sigint_version": __version__,
        "seed": args.seed,
        "example": (
            f"{CABLE_M:g} m of {CABLE_AWG} AWG twinax between PCB hosts "
            f"({HOST_TRACE_M * 1e3:g} mm of stripline each side)"
        ),
        "reach": reach.to_dict(),
        "links": [r.to_dict() for r in results],
    }
    write_json_atomic(out_dir / "demo.json", doc)
    if args.json:
        print(json.dumps(doc, indent=2))
    else:
        print(f"sigint {__version__} demo: how far 26 AWG twinax reaches (pre-FEC BER 2.4e-4)")
        print(reach.text())
        print(f"\nthe links at {doc['example']}, seed {args.seed}:")
        print(summary_table(results))
        print(f"\nreach table and plot, eye diagrams, JSON and HDF5 in {out_dir}/")
    return 0


def _demo_reach(out_dir: Path, args):
    """The demo's reach table (resumable in ``out_dir/reach.h5``) and its plot."""
    from .demo import demo_reach_specs
    from .plots import save_reach_plot
    from .reach.command import CONFIRM_SYMBOLS
    from .reach.table import STORE_META, reach_table
    from .sweep import SweepStore

    out_dir.mkdir(parents=True, exist_ok=True)
    specs = demo_reach_specs()
    bar = _Progress(len(specs), "reach", enabled=not args.json, unit="question")
    try:
        table = reach_table(
            specs,
            store=SweepStore(out_dir / "reach.h5", STORE_META),
            workers=args.workers,
            progress=lambda done, total: bar(done),
            confirm_symbols=CONFIRM_SYMBOLS,
        )
    finally:
        bar.close()
    save_reach_plot(table, out_dir / "reach.png")
    return table


def cmd_eye(args) -> int:
    """Bit-by-bit eye, BER and SNR of the link in a TOML config."""
    from .config import load_config

    cfg = load_config(args.config)
    if args.seed is not None:
        cfg = cfg.replace(**{"sim.seed": args.seed})
    if args.symbols is not None:
        cfg = cfg.replace(**{"sim.n_symbols": args.symbols})
    result = _run_link(cfg, Path(args.config).stem, args.json)
    out_dir = Path(args.out)
    stem = Path(args.config).stem
    written = _write_outputs(result, out_dir, stem, tuple(args.format))
    if args.json:
        print(json.dumps(result.to_dict(), indent=2))
    else:
        print(summary_table([result]))
        if result.cdr_report is not None:
            print(result.cdr_report)
        if result.ctle_g_dc_db is not None:
            start = result.config.rx.ctle_g_dc_db
            print(f"CTLE g_DC adapted: {start:.2f} dB -> {result.ctle_g_dc_db:.2f} dB")
        for note in result.channel_notes:
            print("channel " + "\n  ".join(note.lines()))
        print("wrote " + ", ".join(written))
    return 0


def cmd_stateye(args) -> int:
    """Statistical eye of the link in a TOML config: BER contours, bathtubs, heights, widths."""
    import time

    from .config import load_config
    from .plots import _pyplot, plot_bathtubs, plot_stateye
    from .stateye import PROBABILITY_FLOOR, statistical_eye
    from .store import write_json_atomic

    cfg = load_config(args.config)
    targets = [float(t) for t in args.targets.split(",")]
    for t in targets:
        if not 0 < t < 0.5:
            raise ValueError(f"--targets: {t!r}: expected probabilities between 0 and 0.5")
    t0 = time.perf_counter()
    stat = statistical_eye(cfg, voltage_bins=args.bins)
    elapsed = time.perf_counter() - t0
    doc = {"sigint_version": __version__, "config": args.config, "elapsed_s": elapsed}
    doc.update(stat.to_dict(targets))
    out_dir = Path(args.out)
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = Path(args.config).stem
    written = []
    plt = _pyplot()
    for fmt in args.format:
        ax = plot_stateye(stat, title=f"{stem}: statistical eye")
        path = out_dir / f"{stem}_stateye.{fmt}"
        ax.figure.savefig(path, dpi=120)
        plt.close(ax.figure)
        axes = plot_bathtubs(stat, title=stem)
        path_b = out_dir / f"{stem}_bathtubs.{fmt}"
        axes[0].figure.savefig(path_b, dpi=120)
        plt.close(axes[0].figure)
        written += [str(path), str(path_b)]
    write_json_atomic(out_dir / f"{stem}_stateye.json", doc)
    written.append(str(out_dir / f"{stem}_stateye.json"))
    if args.json:
        print(json.dumps(doc, indent=2))
        return 0
    print(f"sigint {__version__} stateye: {stem} ({elapsed:.2f} s)")

    def fmt(p):
        return f"< {PROBABILITY_FLOOR:.0e}" if p < PROBABILITY_FLOOR else f"{p:.3e}"

    print(f"SER {fmt(doc['ser'])}  BER {fmt(doc['ber'])} at the sampling phase")
    prop = doc["dfe_error_propagation"]
    if prop["ser"] > doc["ser"]:
        print(
            f"with DFE error propagation: SER {fmt(prop['ser'])}  BER {fmt(prop['ber'])}"
            f"  ({prop['mean_burst_errors']:.2f} errors per burst)"
        )
    print(f"{'probability':>12}  {'min eye height mV':>18}  {'min eye width UI':>17}")
    for e in doc["eyes"]:
        print(
            f"{e['probability']:>12.0e}  {min(e['heights_v']) * 1e3:>18.2f}"
            f"  {min(e['widths_ui']):>17.3f}"
        )
    for note in stat.notes:
        print(f"note: {note}")
    print("wrote " + ", ".join(written))
    return 0


def cmd_channel(args) -> int:
    """What is in a Touchstone channel (or a folder paired by name)."""
    from .channel_report import channel_report, plot_channel_report

    report = channel_report(
        args.file,
        ports=args.ports,
        next_files=tuple(args.next),
        fext_files=tuple(args.fext),
        rate=args.rate,
        modulation=args.modulation,
    )
    written = []
    if args.plot:
        stem = Path(report.path).stem
        written.append(str(plot_channel_report(report, Path(args.out) / f"{stem}_channel.png")))
    if args.json:
        doc = {"sigint_version": __version__, **report.to_dict(), "plots": written}
        print(json.dumps(doc, indent=2))
    else:
        print(report)
        if written:
            print("wrote " + ", ".join(written))
    return 0


def cmd_com(args) -> int:
    """IEEE 802.3 COM of a thru channel and its aggressors (Annex 93A or 178A), with the thru's ERL.

    The JSON report (``THRU_com.json``, and stdout with ``--json``) holds ``com_db``,
    ``passed`` (COM against its threshold), the cases and notes, and ``"erl"``: the ERL
    (93A.5) of the thru, computed whenever the parameter set has an ``[erl]`` table (unless
    ``--no-erl``), as ``{"path", "erl_db", "threshold_db", "passed", "record_s", "ports":
    [{"port", "erl_db", "r_eff", "phase"}, …]}``; ``"erl"`` is null when ERL is not computed.
    An ``erl_db`` of null is an infinite ERL: a matched port, no reflection sample reaching the
    1e-4 threshold (JSON has no infinity). ERL is a companion metric: the exit code is COM's
    verdict alone, unless ``--erl-fails`` (then 1 also when ERL is below its threshold).
    """
    import time

    from .channel_report import pair_folder
    from .com import load_params, load_preset
    from .com.engine import compute_com, search_steps
    from .errors import ConfigError
    from .store import write_json_atomic

    params = load_params(args.params) if args.params else load_preset(args.preset)
    with_erl = params.erl is not None and not args.no_erl
    if args.erl_fails and (params.erl is None or params.erl_threshold_db is None):
        missing = "an [erl] table" if params.erl is None else "erl_threshold_db"
        raise ConfigError(
            "--erl-fails", params.name, f"a COM parameter set with {missing} (ERL and its limit)"
        )
    thru, fext, next_ = Path(args.thru), list(args.fext), list(args.next)
    if thru.is_dir():
        pairs = pair_folder(thru)
        thru, fext, next_ = pairs.thru, list(pairs.fext) + fext, list(pairs.next) + next_
    t0 = time.perf_counter()
    progress = _Progress(search_steps(params), "COM EQ search", not args.json, unit="CTLE")
    try:
        result = compute_com(
            params, thru, fext, next_, ports=args.ports, workers=args.workers, progress=progress
        )
    finally:
        progress.close()
    elapsed = time.perf_counter() - t0
    erl = None
    if with_erl:
        from .com.erl import compute_erl

        erl = compute_erl(params, path=thru, ports=args.ports)
    doc = {
        "sigint_version": __version__,
        "elapsed_s": elapsed,
        **result.to_dict(),
        "erl": None if erl is None else _erl_doc(erl),
    }
    out_dir = Path(args.out)
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = Path(thru).stem
    json_path = out_dir / f"{stem}_com.json"
    write_json_atomic(json_path, doc)
    written = [str(json_path)]
    if args.plot:
        from .plots import save_com_plot

        written.append(str(save_com_plot(result, out_dir / f"{stem}_com.png")))
    failed = not result.passed or (args.erl_fails and erl is not None and erl.passed is False)
    if args.json:
        print(json.dumps(doc, indent=2))
        return 1 if failed else 0
    verdict = "PASS" if result.passed else "FAIL"
    print(
        f"COM {result.com_db:.2f} dB ({verdict}, threshold {params.com_threshold_db:g} dB)"
        f"  {params.name}, {len(fext)} FEXT + {len(next_)} NEXT, {elapsed:.1f} s"
    )
    head = f"{'case':>4}{'COM dB':>8}{'A_s mV':>8}{'A_ni mV':>9}{'FOM dB':>8}"
    print(head + f"{'g_DC':>6}{'g_DC2':>6}  Tx FFE")
    for c in result.cases:
        taps = " ".join(f"{x:+.2f}" for x in c.tx_taps)
        print(
            f"{c.case + 1:>4}{c.com_db:>8.2f}{c.a_s_v * 1e3:>8.3f}{c.a_ni_v * 1e3:>9.3f}"
            f"{c.fom_db:>8.2f}{c.g_dc_db:>6g}{c.g_dc2_db:>6g}  [{taps}]"
        )
    w = result.worst
    sig = "  ".join(f"σ_{k} {v * 1e3:.3f}" for k, v in w.sigmas_v.items())
    print(f"worst case {w.case + 1}: {sig} mV")
    print("DFE taps: " + " ".join(f"{b:.3f}" for b in w.dfe_taps))
    if erl is not None:
        print(_erl_line(erl))
    for note in result.notes:
        print(f"note: {note}")
    print("wrote " + ", ".join(written))
    return 1 if failed else 0


def _erl_line(erl) -> str:
    """``ERL 11.63 dB (pass, threshold 8.25 dB)  port 1 (Tx side) 11.63 dB, port 2 …``."""
    if erl.threshold_db is None:
        verdict = "no threshold"
    else:
        verdict = f"{'pass' if erl.passed else 'fail'}, threshold {erl.threshold_db:g} dB"
    sides = {1: "Tx side", 2: "Rx side"}
    ports = ", ".join(f"port {p.port} ({sides[p.port]}) {p.erl_db:.2f} dB" for p in erl.ports)
    return f"ERL {erl.erl_db:.2f} dB ({verdict})  {ports}"


def _erl_doc(erl) -> dict:
    """``ErlResult.to_dict()`` with an infinite ERL (a matched port) as None: JSON has no inf."""

    def finite(x):
        return x if x is None or math.isfinite(x) else None

    doc = erl.to_dict()
    doc["erl_db"] = finite(doc["erl_db"])
    doc["ports"] = [{**p, "erl_db": finite(p["erl_db"])} for p in doc["ports"]]
    return doc


def cmd_jtol(args) -> int:
    """Jitter tolerance of a link with clock recovery, against its loop template."""
    from .config import load_config
    from .jtol import jtol, plot_jtol
    from .plots import _pyplot

    cfg = load_config(args.config)
    if args.symbols is not None:
        cfg = cfg.replace(**{"sim.n_symbols": args.symbols})
    freqs = [float(f) for f in args.freqs.split(",")]
    progress = (
        None
        if args.json
        else (
            lambda i, a: print(f"  {freqs[i] / 1e6:9.3f} MHz: trying {a:.4g} UI", file=sys.stderr)
        )
    )
    result = jtol(
        cfg, freqs, target_ber=args.target_ber, resolution=args.resolution, progress=progress
    )
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    plt = _pyplot()
    ax = plot_jtol(result)
    path = out / f"{Path(args.config).stem}_jtol.png"
    ax.figure.savefig(path, dpi=110)
    plt.close(ax.figure)
    doc = {
        "sigint_version": __version__,
        "f_hz": result.f_hz.tolist(),
        "amplitude_ui": result.amplitude_ui.tolist(),
        "target_ber": result.target_ber,
        "n_symbols": result.n_symbols,
        "plot": str(path),
    }
    if args.json:
        print(json.dumps(doc, indent=2))
    else:
        print(f"{'SJ MHz':>10}{'tolerated UI pk':>18}")
        for f, a in zip(result.f_hz, result.amplitude_ui, strict=True):
            print(f"{f / 1e6:>10.3f}{a:>18.4g}")
        print(f"wrote {path}")
    return 0


def _grid(text: str, name: str) -> tuple[float, ...]:
    """``"a:b:step"`` (inclusive) or ``"x,y,z"`` as a tuple of floats."""
    from .errors import ConfigError

    try:
        if ":" in text:
            a, b, step = (float(v) for v in text.split(":"))
            if step == 0 or (b - a) / step < 0:
                raise ValueError
            n = round((b - a) / step) + 1
            return tuple(round(a + i * step, 12) for i in range(n))
        return tuple(float(v) for v in text.split(","))
    except ValueError:
        raise ConfigError(name, text, "'start:stop:step' or a comma-separated list") from None


def cmd_optimize(args) -> int:
    """Search the 93A CTLE and Tx FFE grid by MMSE figure of merit; say what won and why."""
    from .config import load_config, save_config
    from .eqopt import search_ctle_txffe

    cfg = load_config(args.config)
    if args.rx_ffe is None:  # score candidates with the receiver the config has
        taps = cfg.rx.ffe_taps
        n_pre, n_post = (cfg.rx.ffe_cursor, len(taps) - 1 - cfg.rx.ffe_cursor) if taps else (0, 0)
    else:
        n_pre, n_post = (int(v) for v in args.rx_ffe.split(","))
    n_dfe = args.dfe_taps if args.dfe_taps is not None else max(cfg.rx.dfe_taps, 1)
    result = search_ctle_txffe(
        cfg,
        g_dc_db=_grid(args.g_dc, "--g-dc"),
        g_dc2_db=_grid(args.g_dc2, "--g-dc2"),
        tx_pre=_grid(args.tx_pre, "--tx-pre"),
        tx_post=_grid(args.tx_post, "--tx-post"),
        rx_ffe=(n_pre, n_post),
        n_dfe=n_dfe,
        criterion=args.criterion,
    )
    best = result.best
    ranked = sorted(result.table, key=lambda c: -c.fom_db)
    written = None
    if args.write:
        tuned = cfg.replace(
            **{
                "rx.ctle_g_dc_db": best.g_dc_db,
                "rx.ctle_g_dc2_db": best.g_dc2_db,
                "rx.ctle_zeros_hz": (),
                "rx.ctle_poles_hz": (),
                "tx.ffe_taps": tuple(float(c) for c in best.tx_taps),
                "tx.ffe_cursor": best.tx_cursor,
            }
        )
        save_config(tuned, args.write)
        written = str(args.write)
    doc = {
        "sigint_version": __version__,
        "why": result.why,
        "best": {
            "g_dc_db": best.g_dc_db,
            "g_dc2_db": best.g_dc2_db,
            "tx_taps": list(best.tx_taps),
            "fom_db": best.fom_db,
            "rx_ffe_taps": [float(w) for w in result.solution.ffe_taps],
            "dfe_taps": [float(b) for b in result.solution.dfe_taps],
        },
        "candidates": len(result.table),
        "candidates_per_s": result.candidates_per_s,
        "top": [
            {
                "g_dc_db": c.g_dc_db,
                "g_dc2_db": c.g_dc2_db,
                "tx_taps": list(c.tx_taps),
                "fom_db": c.fom_db,
            }
            for c in ranked[:10]
        ],
        "written": written,
    }
    if args.json:
        print(json.dumps(doc, indent=2))
        return 0
    print(
        f"{len(result.table)} candidates in {result.elapsed_s:.2f} s "
        f"({result.candidates_per_s:.0f}/s), {args.criterion.upper()} Rx FFE "
        f"({n_pre} pre, {n_post} post) + {n_dfe}-tap DFE per candidate"
    )
    print(f"{'g_DC dB':>8}{'g_DC2 dB':>9}  {'Tx FFE':<28}{'FOM dB':>8}")
    for c in ranked[:5]:
        taps = ", ".join(f"{t:+.3f}" for t in c.tx_taps)
        print(f"{c.g_dc_db:>8.1f}{c.g_dc2_db:>9.1f}  [{taps}]".ljust(47) + f"{c.fom_db:>8.2f}")
    print(f"winner: {result.why}")
    if written:
        print(
            f"wrote {written} (the CTLE and Tx FFE; the Rx FFE/DFE above are the design at the "
            "search's sampling phase, not written)"
        )
    return 0


def cmd_presets(args) -> int:
    """List the line-rate presets and the COM parameter sets."""
    from .com import PRESETS, load_preset
    from .rates import preset_table

    rows = preset_table()
    com = [load_preset(name) for name in PRESETS]
    if args.json:
        doc = {
            "sigint_version": __version__,
            "rates": rows,
            "com": [{"name": p.name, "annex": p.annex, "source": p.source} for p in com],
        }
        print(json.dumps(doc, indent=2))
        return 0
    print(
        f"{'rate':<16}{'mod':<6}{'line Gb/s':>10}{'b/sym':>7}{'GBd':>9}{'Nyq GHz':>9}"
        f"{'UI ps':>7}  convention"
    )
    for r in rows:
        print(
            f"{r['rate']:<16}{r['modulation']:<6}{r['line_rate_gbps']:>10.3f}"
            f"{r['bits_per_symbol']:>7.3f}{r['f_baud_gbd']:>9.3f}{r['nyquist_ghz']:>9.3f}"
            f"{r['ui_ps']:>7.2f}  {r['convention']}"
        )
    print(f"\n{'COM parameters':<16}{'annex':<7}{'GBd':>9}{'L':>3}{'DER0':>8}  source")
    for p in com:
        print(
            f"{p.name:<16}{p.annex:<7}{p.f_baud_hz / 1e9:>9.3f}{p.levels:>3}{p.der0:>8.0e}"
            f"  {p.source}"
        )
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``sigint`` command."""
    parser = argparse.ArgumentParser(
        prog="sigint", description="SerDes / PAM signal-integrity simulator."
    )
    parser.add_argument("--version", action="version", version=f"sigint {__version__}")
    sub = parser.add_subparsers(dest="verb", required=True, metavar="VERB")

    p = sub.add_parser("demo", help="the built-in example: 224G and 448G links over one cable")
    p.add_argument("--out", default="sigint-out", help="output folder (default: sigint-out)")
    p.add_argument("--symbols", type=int, default=200_000, help="symbols per link")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--workers", type=int, default=None, help="reach processes (default: cores)")
    p.add_argument("--json", action="store_true", help="JSON on stdout")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("eye", help="bit-by-bit eye, BER and SNR of a link config")
    p.add_argument("config", help="link config (TOML)")
    p.add_argument("--out", default="sigint-out", help="output folder (default: sigint-out)")
    p.add_argument("--format", nargs="+", default=["png"], choices=["png", "svg"])
    p.add_argument("--seed", type=int, default=None, help="override sim.seed")
    p.add_argument("--symbols", type=int, default=None, help="override sim.n_symbols")
    p.add_argument("--json", action="store_true", help="JSON on stdout")
    p.set_defaults(func=cmd_eye)

    p = sub.add_parser("stateye", help="statistical eye: BER contours and bathtubs to 1e-15")
    p.add_argument("config", help="link config (TOML)")
    p.add_argument(
        "--targets", default="1e-3,1e-6,1e-9,1e-12,1e-15", help="probabilities for eye figures"
    )
    p.add_argument("--bins", type=int, default=2048, help="voltage bins of the grid")
    p.add_argument("--out", default="sigint-out", help="output folder (default: sigint-out)")
    p.add_argument("--format", nargs="+", default=["png"], choices=["png", "svg"])
    p.add_argument("--json", action="store_true", help="JSON on stdout")
    p.set_defaults(func=cmd_stateye)

    p = sub.add_parser("channel", help="what is in a Touchstone channel: IL, ILD, RL, ICN, checks")
    p.add_argument("file", help="thru .sNp file, or a folder with *thru*, *next*, *fext* files")
    p.add_argument("--ports", default=None, help="port map 'in+,in-:out+,out-' (default: detect)")
    p.add_argument("--next", nargs="*", default=[], help="NEXT aggressor files")
    p.add_argument("--fext", nargs="*", default=[], help="FEXT aggressor files")
    p.add_argument("--rate", default="224G", help="rate preset for the fit band, ICN and pulse")
    p.add_argument("--modulation", default="PAM4", choices=["PAM2", "PAM4", "PAM6", "PAM8"])
    p.add_argument("--plot", action="store_true", help="write IL/RL/pulse plots")
    p.add_argument("--out", default="sigint-out", help="output folder for plots")
    p.add_argument("--json", action="store_true", help="JSON on stdout")
    p.set_defaults(func=cmd_channel)

    p = sub.add_parser("com", help="IEEE 802.3 COM (Annex 93A or 178A) of a channel and aggressors")
    p.add_argument("thru", help="thru .sNp file, or a folder with *thru*, *next*, *fext* files")
    p.add_argument("--fext", nargs="*", default=[], help="FEXT aggressor files")
    p.add_argument("--next", nargs="*", default=[], help="NEXT aggressor files")
    p.add_argument("--preset", default="802.3ck-KR", help="COM parameter set (sigint presets)")
    p.add_argument("--params", default=None, help="a COM parameter TOML file instead")
    p.add_argument("--ports", default=None, help="port map 'in+,in-:out+,out-' (default: detect)")
    p.add_argument("--plot", action="store_true", help="write the pulse and PMF plot")
    p.add_argument(
        "--workers", type=int, default=None,
        help="processes for the package cases (default: one per case, up to the CPU count)",
    )  # fmt: skip
    p.add_argument("--out", default="sigint-out", help="output folder (default: sigint-out)")
    p.add_argument("--json", action="store_true", help="JSON on stdout")
    erl = p.add_mutually_exclusive_group()
    erl.add_argument(
        "--no-erl",
        action="store_true",
        help="skip the thru's ERL (reported by default when the parameter set has [erl])",
    )
    erl.add_argument(
        "--erl-fails",
        action="store_true",
        help="exit 1 also when ERL is below its threshold (default: COM alone sets the code)",
    )
    p.set_defaults(func=cmd_com)

    p = sub.add_parser("jtol", help="jitter tolerance of a link config with [rx.cdr]")
    p.add_argument("config", help="link config (TOML) with an [rx.cdr] table")
    p.add_argument(
        "--freqs", default="1e6,3e6,10e6,30e6,100e6,300e6,1e9", help="SJ frequencies, Hz"
    )
    p.add_argument("--target-ber", type=float, default=1e-4)
    p.add_argument("--resolution", type=float, default=0.05, help="relative bisection width")
    p.add_argument("--symbols", type=int, default=None, help="override sim.n_symbols per trial")
    p.add_argument("--out", default="sigint-out")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_jtol)

    p = sub.add_parser("optimize", help="search the CTLE and Tx FFE grid (MMSE FOM)")
    p.add_argument("config", help="link config (TOML)")
    p.add_argument(
        "--g-dc",
        default="-20:0:2",
        help="g_DC grid, dB: 'a:b:step' or a list; write --g-dc=-20:0:2",
    )
    p.add_argument("--g-dc2", default="-6:0:2", help="g_DC2 grid, dB")
    p.add_argument("--tx-pre", default="-0.15:0:0.05", help="Tx pre-cursor tap grid")
    p.add_argument("--tx-post", default="-0.1:0:0.05", help="Tx post-cursor tap grid")
    p.add_argument(
        "--rx-ffe",
        default=None,
        help="Rx FFE pre,post taps designed per candidate (default: the config's FFE shape)",
    )
    p.add_argument("--dfe-taps", type=int, default=None, help="DFE taps (default: the config's)")
    p.add_argument("--criterion", default="mmse", choices=["mmse", "zf"])
    p.add_argument("--write", type=Path, default=None, help="write the config with the winner")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_optimize)

    from .check.command import add_parser as add_check
    from .compare.command import add_parser as add_compare
    from .reach.command import add_parser as add_reach

    add_reach(sub)
    add_compare(sub)
    add_check(sub)

    p = sub.add_parser("presets", help="list the line-rate presets and COM parameter sets")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_presets)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the ``sigint`` command; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except SigintError as err:
        print(f"sigint {args.verb}: error: {err}", file=sys.stderr)
        return 2
    except (ValueError, OSError) as err:
        print(f"sigint {args.verb}: error: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"sigint {args.verb}: interrupted", file=sys.stderr)
        return 130
    except Exception as err:  # a bug: say so in one line, keep the traceback for debugging
        if os.environ.get("SIGINT_DEBUG"):
            traceback.print_exc()
        print(
            f"sigint {args.verb}: internal error: {type(err).__name__}: {err} "
            "(please report it; SIGINT_DEBUG=1 shows the traceback)",
            file=sys.stderr,
        )
        return 70


if __name__ == "__main__":
    sys.exit(main())
