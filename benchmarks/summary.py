"""One table of every benchmark's headline figures, from the JSON files the suites wrote.

``python -m benchmarks`` prints it after running the suites; ``python -m benchmarks summary``
prints it from the files already in ``benchmarks/results/``. Each row: the suite, the figure,
its value, issue 10's (or the issue's own) target where there is one, and whether it is met.
The table is also written as ``benchmarks/results/summary.json`` with the machine and date.
Rows of a suite that has not been run say so.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable
from pathlib import Path

RESULTS = Path(__file__).resolve().parents[1] / "benchmarks" / "results"

Row = tuple[str, str, str, str, bool | None]  # suite, figure, value, target, met


def _load(name: str) -> dict | None:
    path = RESULTS / f"{name}.json"
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None


def _smoke(doc: dict) -> str:
    smoke = doc.get("smoke", doc.get("settings", {}).get("smoke"))
    return " (smoke)" if smoke else ""


def _timedomain(doc: dict) -> list[Row]:
    rows = []
    for r in doc["rows"]:
        if r["cache"] != "warm":
            continue
        rate = r["symbols_per_s_simulate"]
        target = r["modulation"] == "PAM4" and r["samples_per_ui"] == 32 and r["eye"]
        rows.append(
            (
                "timedomain",
                f"{r['case']}, warm",
                f"{rate / 1e6:.2f} M sym/s, {r['bytes_per_sample']:.2f} B/sample",
                ">= 1 M sym/s" if target else "",
                rate >= 1e6 if target else None,
            )
        )
    cold = [r for r in doc["rows"] if r["cache"] == "cold"]
    if cold:
        r = cold[0]
        rows.append(
            (
                "timedomain",
                f"{r['case']}, cold (compile)",
                f"{r['process_s']:.2f} s process",
                "",
                None,
            )
        )
    return rows


def _stream(doc: dict) -> list[Row]:
    peak = doc["peak_rss_bytes"]
    return [
        (
            "stream",
            f"{doc['n_symbols']:,} symbols, {doc['case']}",
            f"peak {peak / 2**20:,.0f} MiB, {doc['symbols_per_s'] / 1e6:.2f} M sym/s",
            "< 2 GiB",
            peak < doc["target_peak_bytes"],
        )
    ]


def _channel(doc: dict) -> list[Row]:
    s = doc["warm_best"]["total_s"]
    return [
        (
            "channel",
            "Touchstone load to pulse (802.3ck s4p), warm",
            f"{s:.3f} s",
            "< 0.3 s",
            s < 0.3,
        )
    ]


def _stateye(doc: dict) -> list[Row]:
    return [
        ("stateye", f"{r['case']} eye to 1e-15, warm", f"{r['warm']['total_s']:.3f} s", "", None)
        for r in doc["rows"]
    ]


def _com(doc: dict) -> list[Row]:
    s = doc["elapsed_s"]
    return [
        (
            "com",
            f"{doc['preset']} full grid, {doc['channels']}",
            f"{s:.1f} s, COM {doc['com_db']:.2f} dB",
            f"<= {doc['target_s']:g} s",
            s <= doc["target_s"],
        )
    ]


def _reach(doc: dict) -> list[Row]:
    run = doc["runs"]["local"]
    return [
        (
            "reach",
            f"{run['questions']} reach questions, {doc['settings']['workers']} workers",
            f"{run['seconds']:.1f} s",
            "",
            None,
        )
    ]


def _check(doc: dict) -> list[Row]:
    runs = doc["runs"]
    return [
        ("check", name, f"{runs[name]['seconds']:.2f} s", "", None)
        for name in ("cold", "warm")
        if name in runs
    ]


def _optics(doc: dict) -> list[Row]:
    ratio = doc["optical_over_electrical"]
    return [
        (
            "optics",
            "optical TD chain / electrical, symbols/s",
            f"{doc['optical_symbols_per_s'] / 1e6:.2f} M sym/s ({ratio:.2f})",
            ">= 0.5",
            ratio >= 0.5,
        )
    ]


def _demo(doc: dict) -> list[Row]:
    out = []
    for k, v in doc["seconds"].items():
        target = doc["targets_s"].get(k)
        out.append(
            (
                "demo",
                f"sigint demo, {k}",
                f"{v:.1f} s",
                f"<= {target:g} s" if target else "",
                v <= target if target else None,
            )
        )
    return out


def _peers(doc: dict) -> list[Row]:
    out = []
    chain = doc.get("chain")
    if chain:
        if chain.get("pybert") is None:
            out.append(
                ("peers", "vs PyBERT 11.1", "skipped: " + str(chain["pybert_skipped"]), "", None)
            )
        else:
            for key, label in (("ratio_simulate", "warm process"), ("ratio_steady", "steady")):
                if key in chain:
                    ratio = chain[key]
                    out.append(
                        (
                            "peers",
                            f"TD chain vs PyBERT 11.1 ({label})",
                            f"{ratio:.0f}x",
                            ">= 200x",
                            ratio >= 200,
                        )
                    )
    com = doc.get("com")
    if com:
        if com.get("skipped"):
            out.append(
                ("peers", "COM vs PyChOpMarg 3.4.0", "skipped: " + str(com["skipped"]), "", None)
            )
        elif "ratio" in com:
            ok = com["ratio"] >= 40 and abs(com.get("delta_db", 1e9)) <= 0.1
            out.append(
                (
                    "peers",
                    "802.3ck COM vs PyChOpMarg 3.4.0",
                    f"{com['ratio']:.0f}x, dCOM {com.get('delta_db', float('nan')):+.3f} dB",
                    ">= 40x, |dCOM| <= 0.1 dB",
                    ok,
                )
            )
    return out


SUITES: dict[str, Callable[[dict], list[Row]]] = {
    "timedomain": _timedomain,
    "stream": _stream,
    "channel": _channel,
    "stateye": _stateye,
    "com": _com,
    "com_178a": _com,
    "reach": _reach,
    "check": _check,
    "optics": _optics,
    "demo": _demo,
    "peers": _peers,
}


def rows() -> list[Row]:
    """Every suite's rows (a "not run" row for a missing or unreadable JSON)."""
    out: list[Row] = []
    for name, extract in SUITES.items():
        doc = _load(name)
        if doc is None:
            out.append((name, "not run", "", "", None))
            continue
        try:
            got = extract(doc)
        except (KeyError, TypeError, ValueError) as exc:
            got = [(name, f"unreadable JSON ({exc!r})", "", "", None)]
        tag = _smoke(doc)
        out += [(s, f + tag, v, t, m) for s, f, v, t, m in got]
    return out


def format_rows(table: list[Row]) -> str:
    """The rows as one fixed-width table."""
    head = ("suite", "figure", "value", "target", "met")
    body = [(s, f, v, t, "" if m is None else ("yes" if m else "NO")) for s, f, v, t, m in table]
    widths = [max(len(h), *(len(b[i]) for b in body)) for i, h in enumerate(head)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(head, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(c.ljust(w) for c, w in zip(b, widths, strict=True)) for b in body]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Print the table and write ``summary.json``."""
    del argv
    from .bench_timedomain import machine_info

    table = rows()
    print(format_rows(table))
    doc = {
        "benchmark": "summary",
        "machine": machine_info(),
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "rows": [
            {"suite": s, "figure": f, "value": v, "target": t, "met": m} for s, f, v, t, m in table
        ],
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "summary.json").write_text(json.dumps(doc, indent=2) + "\n")
    return 0
