"""The peers side by side, in one run on this machine: PyBERT 11.1 on the time-domain chain
(:mod:`benchmarks.peer_chain`) and PyChOpMarg 3.4.0 on 802.3ck COM (:mod:`benchmarks.peer_com`).

Each peer is installed once into its own virtual environment (:mod:`benchmarks.peers`); a peer
that cannot be installed or run is skipped with the reason, and sigint's side is still
measured. ``--smoke`` runs a 10k-symbol chain and a reduced COM grid. ``--only chain|com``.
The full COM comparison keeps PyChOpMarg busy ~30 minutes; ``--com-json FILE`` takes a
comparison already measured (the JSON :func:`benchmarks.peer_com.measure_com` returned, as
written under ``"com"`` in an earlier ``peers.json``) instead of running it again.
"""

from __future__ import annotations

import argparse
import datetime
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_JSON = ROOT / "benchmarks" / "results" / "peers.json"
TARGETS = {"chain_ratio": 200.0, "com_ratio": 40.0, "com_delta_db": 0.1}  # issue 10


def main(argv: list[str] | None = None) -> int:
    """Measure, print and write JSON."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks peers")
    parser.add_argument("--smoke", action="store_true", help="small sizes (CI)")
    parser.add_argument("--only", choices=("chain", "com"), default=None)
    parser.add_argument("--com-json", type=Path, default=None, help="reuse a COM comparison")
    parser.add_argument("--json-out", type=Path, default=DEFAULT_JSON)
    args = parser.parse_args(argv)
    from .bench_timedomain import machine_info

    doc = {
        "benchmark": "peers",
        "machine": machine_info(),
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "smoke": args.smoke,
        "targets": TARGETS,
    }
    if args.only in (None, "chain"):
        from .peer_chain import format_chain, measure_chain

        doc["chain"] = measure_chain(args.smoke)
        print(format_chain(doc["chain"]))
    if args.only in (None, "com"):
        from .peer_com import format_com, measure_com

        if args.com_json is not None:
            saved = json.loads(args.com_json.read_text())
            doc["com"] = {**saved.get("com", saved), "reused_from": str(args.com_json)}
        else:
            doc["com"] = measure_com(smoke=args.smoke)
        print(format_com(doc["com"]))
    args.json_out.parent.mkdir(parents=True, exist_ok=True)
    args.json_out.write_text(json.dumps(doc, indent=2, default=str) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
