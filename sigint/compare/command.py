"""``sigint compare``: which link architecture wins at each distance (see :func:`add_parser`)."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

from ..errors import ConfigError
from ..reach.command import _list
from .ledger import ARCHITECTURES, ledger_with_overrides
from .presets import HOST_LOSS_DB, CompareSpec


def add_parser(sub) -> None:
    """Register the ``compare`` verb on an argparse sub-parser set."""
    p = sub.add_parser(
        "compare",
        help="which link architecture wins at each distance: BER margin, pJ/bit, ns",
        description=(
            "Judge passive copper (dac), active copper (acc, aec), DSP pluggable optics, LPO, "
            "NPO and CPO at each distance: end-to-end pre-FEC BER and its margin (or why the "
            "link does not close), energy per bit and latency from the ledgers (one direction). "
            "Writes compare.txt, compare.json and compare.png to --out."
        ),
    )
    p.add_argument("--rate", default="224G", help="rate class: 112G, 224G or 448G")
    p.add_argument("--modulation", default="PAM4", choices=["PAM4", "PAM6", "PAM8"])
    p.add_argument(
        "--distance", default="0.3,1,2,5,30,100,500", help="distances in m (comma-separated)"
    )
    p.add_argument("--arch", default=",".join(ARCHITECTURES), help="architectures (default all)")
    p.add_argument("--target", type=float, default=2.4e-4, help="pre-FEC BER (KP4: 2.4e-4)")
    p.add_argument("--awg", type=int, default=26, help="twinax gauge of the copper (default 26)")
    p.add_argument("--host", default=None, help="copper host preset (default by rate)")
    p.add_argument(
        "--host-loss",
        default=None,
        help="host-channel loss at Nyquist, e.g. 'lpo=22,npo=12,cpo=4' (dB)",
    )
    p.add_argument("--ledger", default=None, help="TOML of ledger edits: [arch.block] field = x")
    p.add_argument(
        "--confirm", type=int, default=0, help="time-domain symbols per optical point (0: none)"
    )
    p.add_argument("--out", default="sigint-out/compare", help="output folder")
    p.add_argument("--json", action="store_true", help="print the JSON instead of the table")
    p.add_argument("--no-progress", action="store_true")
    p.set_defaults(func=cmd_compare)


def _host_loss(text: str | None) -> dict:
    losses = dict(HOST_LOSS_DB)
    if text is None:
        return losses
    for item in str(text).split(","):
        key, _, value = item.partition("=")
        key = key.strip()
        if key not in HOST_LOSS_DB:
            raise ConfigError("--host-loss", item, "arch=dB with arch one of lpo, npo, cpo")
        try:
            losses[key] = float(value)
        except ValueError:
            raise ConfigError("--host-loss", item, "arch=dB, e.g. lpo=22") from None
    return losses


def _ledgers(path: str | None, archs) -> dict:
    if path is None:
        return {}
    try:
        data = tomllib.loads(Path(path).read_text())
    except FileNotFoundError:
        raise ConfigError("--ledger", path, "an existing TOML file") from None
    except tomllib.TOMLDecodeError as err:
        raise ConfigError("--ledger", path, f"valid TOML ({err})") from None
    return {a: ledger_with_overrides(a, data[a]) for a in archs if a in data}


def cmd_compare(args) -> int:
    """Evaluate, print the table and write compare.txt/.json/.png."""
    from ..cli import _Progress
    from ..store import write_json_atomic, write_text_atomic
    from .plots import save_compare_plot
    from .table import compare

    archs = tuple(a.strip() for a in args.arch.split(",") if a.strip())
    spec = CompareSpec(
        rate=args.rate,
        modulation=args.modulation,
        distances_m=tuple(_list(args.distance, "--distance", float)),
        architectures=archs,
        target_ber=args.target,
        copper_awg=args.awg,
        host=args.host,
        host_loss_db=_host_loss(args.host_loss),
        confirm_symbols=args.confirm,
    )
    books = _ledgers(args.ledger, archs)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    n = len(spec.architectures) * len(spec.distances_m)
    bar = _Progress(n, "compare", enabled=not args.no_progress, unit="point")
    try:
        result = compare(spec, books, progress=bar)
    finally:
        bar.close()
    doc = result.to_dict()
    write_json_atomic(out / "compare.json", doc)
    text = result.text()
    write_text_atomic(out / "compare.txt", text + "\n")
    save_compare_plot(result, out / "compare.png")
    if args.json:
        print(json.dumps(doc, indent=2, default=float))
    else:
        print(text)
        print(f"\ntable, JSON and plot in {out}/")
    return 0
