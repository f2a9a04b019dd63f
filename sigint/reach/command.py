"""``sigint reach``: the reach table from the command line (see :func:`add_parser`)."""

from __future__ import annotations

import json
from pathlib import Path

from ..errors import ConfigError
from .hosts import HOSTS
from .spec import CableSpec, Criterion, EqSpec, ReachSpec

#: Default time-domain confirmation length, symbols.
CONFIRM_SYMBOLS = 200_000


def add_parser(sub) -> None:
    """Register the ``reach`` verb on an argparse sub-parser set."""
    p = sub.add_parser(
        "reach",
        help="how far copper reaches per modulation, rate and cable (table, plot, HDF5)",
        description=(
            "Solve the longest cable that closes the link for every modulation x rate x cable, "
            "with the equaliser optimised at each length, on the statistical engine; confirm "
            "each reach with a time-domain run. Writes reach.txt, reach.json, reach.png and a "
            "resumable reach.h5 to --out."
        ),
    )
    p.add_argument("--modulation", default="PAM4,PAM6,PAM8", help="list (default PAM4,PAM6,PAM8)")
    p.add_argument("--rate", default="112G,224G,448G", help="rate classes (default all three)")
    p.add_argument("--awg", default="26", help="twinax gauges, 24-34 (default 26)")
    p.add_argument("--stripline", action="store_true", help="a PCB stripline instead of twinax")
    p.add_argument("--touchstone", default=None, help="a measured cable to scale by length")
    p.add_argument("--ref-length", type=float, default=None, help="its length, m")
    p.add_argument("--ports", default=None, help="its port map, 'in+,in-:out+,out-' (4-port)")
    p.add_argument("--host", default="pcb", choices=sorted(HOSTS), help="host preset")
    p.add_argument("--eq", default="optimised", choices=["optimised", "fixed"])
    p.add_argument("--rx-ffe", default="4,11", help="Rx FFE pre,post taps (default 4,11)")
    p.add_argument("--dfe-taps", type=int, default=1, help="DFE taps (default 1)")
    p.add_argument("--criterion", default="ber", choices=["ber", "ser", "flr", "bound", "com"])
    p.add_argument(
        "--target", type=float, default=None, help="error ratio to meet (COM: dB, default 3)"
    )
    p.add_argument("--com-preset", default="802.3ck-CR", help="COM set for --criterion com")
    p.add_argument("--no-error-propagation", action="store_true")
    p.add_argument("--precoding", action="store_true", help="1/(1+D) precoding (FLR)")
    p.add_argument("--inner-hamming", action="store_true", help="Hamming(128,120) inside KP4 (FLR)")
    p.add_argument("--max-length", type=float, default=10.0, help="longest cable, m")
    p.add_argument("--resolution", type=float, default=0.01, help="length resolution, m")
    p.add_argument(
        "--confirm",
        type=int,
        default=CONFIRM_SYMBOLS,
        help=f"time-domain symbols at each reach (default {CONFIRM_SYMBOLS:,}; 0: none)",
    )
    p.add_argument("--out", default="sigint-out/reach", help="output folder")
    p.add_argument("--workers", type=int, default=None, help="local processes (default: cores)")
    p.add_argument("--scheduler", default=None, help="Dask scheduler address (dask extra)")
    p.add_argument("--fresh", action="store_true", help="start a new reach.h5 (no resume)")
    p.add_argument("--json", action="store_true", help="print the JSON instead of the table")
    p.add_argument("--no-progress", action="store_true")
    p.set_defaults(func=cmd_reach)


def _list(text: str, name: str, convert=str) -> list:
    items = [t.strip() for t in str(text).split(",") if t.strip()]
    if not items:
        raise ConfigError(name, text, "a comma-separated list")
    try:
        return [convert(t) for t in items]
    except ValueError:
        raise ConfigError(name, text, "a comma-separated list of numbers") from None


def specs_from_args(args) -> list[ReachSpec]:
    """The reach questions the command line asks."""
    from .table import grid_specs

    if args.touchstone is not None:
        if args.ref_length is None:
            raise ConfigError("--ref-length", None, "the Touchstone cable's length in m")
        if not Path(args.touchstone).is_file():
            raise ConfigError("--touchstone", args.touchstone, "an existing Touchstone file")
        cables = [CableSpec("touchstone", path=args.touchstone, ref_length_m=args.ref_length,
                            ports=args.ports)]  # fmt: skip
    elif args.stripline:
        cables = [CableSpec("stripline")]
    else:
        cables = [CableSpec("twinax", awg=a) for a in _list(args.awg, "--awg", int)]
    ffe = _list(args.rx_ffe, "--rx-ffe", int)
    if len(ffe) != 2:
        raise ConfigError("--rx-ffe", args.rx_ffe, "'pre,post' tap counts, e.g. 4,11")
    pre, post = ffe
    crit = {"kind": args.criterion, "error_propagation": not args.no_error_propagation,
            "precoding": args.precoding, "inner_hamming": args.inner_hamming,
            "com_preset": args.com_preset}  # fmt: skip
    if args.target is not None:
        crit["target"] = args.target
    mods, rates = _list(args.modulation, "--modulation"), _list(args.rate, "--rate")
    base = ReachSpec(
        modulation=mods[0],
        rate=rates[0],
        host=args.host,
        eq=EqSpec(mode=args.eq, rx_ffe_pre=pre, rx_ffe_post=post, dfe_taps=args.dfe_taps),
        criterion=Criterion(**crit),
        max_length_m=args.max_length,
        resolution_m=args.resolution,
    )
    return grid_specs(base, mods, rates, cables)


def cmd_reach(args) -> int:
    """Solve the table, print it and write reach.txt/.json/.png/.h5."""
    from ..cli import _Progress
    from ..plots import save_reach_plot
    from ..store import write_json_atomic, write_text_atomic
    from ..sweep import SweepStore
    from .table import STORE_META, reach_table

    specs = specs_from_args(args)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    store = SweepStore(out / "reach.h5", STORE_META, overwrite=args.fresh)
    bar = _Progress(len(specs), "reach", enabled=not args.no_progress, unit="question")
    try:
        table = reach_table(
            specs,
            store=store,
            workers=args.workers,
            scheduler=args.scheduler,
            progress=lambda done, total: bar(done),
            confirm_symbols=args.confirm,
        )
    finally:
        bar.close()
    doc = table.to_dict()
    write_json_atomic(out / "reach.json", doc)
    text = table.text()
    write_text_atomic(out / "reach.txt", text + "\n")
    save_reach_plot(table, out / "reach.png")
    if args.json:
        print(json.dumps(doc, indent=2))
    else:
        print(text)
        print(f"\nreach.txt, reach.json, reach.png and reach.h5 (resumable) in {out}/")
    return 0
