"""The reports of a check run: a Markdown summary, JUnit XML and JSON.

:func:`markdown_report` is the one-glance page a CI job shows (GitHub's step summary, a merge
request comment): the verdict, then the failing and erroring cases (channel, preset, metric
and by how much), then a table of channels × presets by metric, the channels' small plots and
a footer naming the sigint version, seed and run time. :func:`junit_xml` is what CI test
panels read: one ``<testsuite>`` per channel, one ``<testcase>`` per channel × preset ×
metric. :func:`write_reports` writes both and ``check.json`` (:meth:`.CheckResult.to_dict`)
atomically, so a crash never leaves a half-written report.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import quote

from ..store import json_ready, write_json_atomic, write_text_atomic
from .result import CaseResult, CheckResult

#: The mark of each status in the Markdown report.
MARKS = {"pass": "✅", "fail": "❌", "error": "⚠️"}

#: At most this many failing or erroring cases are listed above the table (the table and
#: ``junit.xml`` hold them all).
MAX_LISTED = 25

#: Report file names by kind.
FILE_NAMES = {"markdown": "check.md", "junit": "junit.xml", "json": "check.json"}

# Markdown punctuation that could start emphasis, a link, HTML, an entity, a heading or a
# table cell; "_" only at a word's edge (intraword underscores are literal in CommonMark).
_MD_SPECIAL = re.compile(r"[\\`*\[\]<>|#!~&]|(?<![0-9A-Za-z])_|_(?![0-9A-Za-z])")
# Characters XML 1.0 cannot hold at all (control characters, lone surrogates, U+FFFE/FFFF).
_XML_INVALID = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


# ------------------------------------------------------------------ formatting
def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _num(x: float | None, fmt: str = ".4g") -> str:
    return "—" if x is None else format(x, fmt)


def _with_unit(x: float | None, unit: str) -> str:
    text = _num(x)
    return f"{text} {unit}" if unit and x is not None else text


def md_escape(text: str) -> str:
    """``text`` as literal Markdown inline text, safe in a table cell.

    Whitespace runs (newlines included) become one space; Markdown punctuation, ``|`` among
    it, is backslash-escaped.

    >>> md_escape("a|b *c*")
    'a\\\\|b \\\\*c\\\\*'
    >>> md_escape("il_nyquist_db")
    'il_nyquist_db'
    """
    text = " ".join(str(text).split())
    return _MD_SPECIAL.sub(lambda m: "\\" + m.group(0), text)


def _verdict(result: CheckResult) -> str:
    counts = result.counts
    n = len(result.cases)
    n_fail, n_err = counts["fail"], counts["error"]
    if n == 0:
        return "⚠️ no cases ran"
    if n_fail == 0 and n_err == 0:
        return "✅ the 1 case passes" if n == 1 else f"✅ all {n} cases pass"
    total = _plural(n, "case")
    if n_fail == 0:
        return f"❌ {n_err} of {total} {'is an error' if n_err == 1 else 'are errors'}"
    verdict = f"❌ {n_fail} of {total} {'fails' if n_fail == 1 else 'fail'}"
    return verdict + (f", {_plural(n_err, 'error')}" if n_err else "")


def _summary(case: CaseResult) -> str:
    """Why ``case`` failed or errored: its message, or its value against limit and baseline."""
    if case.message:
        return case.message
    parts = [_with_unit(case.value, case.unit)]
    if case.limit_text:
        parts.append(f"limit {case.limit_text}")
    if case.baseline is not None:
        parts.append(f"baseline {case.baseline:.4g} ({_num(case.delta, '+.3g')})")
    return ", ".join(parts)


def _cell(case: CaseResult) -> str:
    """A table cell: the mark, the value with its unit and the change against the baseline."""
    if case.status == "error":
        return f"{MARKS['error']} error"
    text = f"{MARKS.get(case.status, '?')} {_with_unit(case.value, case.unit)}"
    if case.delta is not None:  # rounding noise of an unchanged value reads as unchanged
        scale = max(abs(case.value or 0.0), abs(case.baseline or 0.0))
        text += " (=)" if abs(case.delta) <= 1e-9 * scale else f" ({case.delta:+.3g})"
    return md_escape(text)


def _channels(result: CheckResult) -> list[str]:
    """The channels in the order they first appear."""
    return list(dict.fromkeys(c.channel for c in result.cases))


def _table(result: CheckResult) -> list[str]:
    """A GFM pipe table: one row per channel × preset (in channel order), one column per
    metric; a metric of the channel alone (preset "") has a row of its own, preset "—"."""
    order = {ch: i for i, ch in enumerate(_channels(result))}
    metrics = list(dict.fromkeys(c.metric for c in result.cases))
    rows: dict[tuple[str, str], dict[str, list[CaseResult]]] = {}
    for c in result.cases:
        rows.setdefault((c.channel, c.preset), {}).setdefault(c.metric, []).append(c)
    keys = sorted(rows, key=lambda k: order[k[0]])  # stable: presets keep their order

    def header(metric: str) -> str:
        limits = {c.limit_text for c in result.cases if c.metric == metric}
        (limit,) = limits if len(limits) == 1 else ("",)
        return md_escape(f"{metric} ({limit})" if limit else metric)

    lines = [
        "| " + " | ".join(["Channel", "Preset", *(header(m) for m in metrics)]) + " |",
        "|" + "|".join([":---", ":---", *(":---:" for _ in metrics)]) + "|",
    ]
    for channel, preset in keys:
        by_metric = rows[(channel, preset)]
        cells = [md_escape(channel), md_escape(preset) if preset else "—"]
        cells += [" ".join(_cell(c) for c in by_metric.get(m, ())) for m in metrics]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def _image_target(path: str) -> str:
    """A relative path as a link destination (spaces and parentheses percent-encoded)."""
    return quote(str(path).replace("\\", "/"), safe="/:@-._~!$&'*+,;=")


# ------------------------------------------------------------------ Markdown
def markdown_report(result: CheckResult, *, max_listed: int = MAX_LISTED) -> str:
    """The one-glance Markdown summary of a check run (GitHub-flavoured).

    Parameters
    ----------
    result : CheckResult
    max_listed : int, optional
        At most this many failing or erroring cases are listed above the table.

    Returns
    -------
    str
        A heading naming the suite and the verdict (e.g. ``"❌ 2 of 36 cases fail, 1
        error"``); the failing (❌) and erroring (⚠️) cases, each with its channel, preset,
        metric and message; a pipe table with a row per channel × preset and a column per
        metric (the header shows the metric's limit when all its cases share it), each cell
        the mark, the value with its unit and the change against the baseline, e.g. ``"✅
        31.2 dB (+0.42)"``, or ``"⚠️ error"``; the channels' plots of ``result.plots``; the
        notes; a footer with the sigint version, seed and elapsed time. Every text from the
        result is escaped, so a ``|`` in a name cannot break the table.
    """
    out = [f"# sigint check: {md_escape(result.suite)}", "", f"**{_verdict(result)}**", ""]
    bad = [c for c in result.cases if c.status != "pass"]
    if bad:
        for c in bad[:max_listed]:
            where = " · ".join(md_escape(p) for p in (c.preset, c.metric) if p)
            mark = MARKS.get(c.status, "?")
            out.append(f"- {mark} **{md_escape(c.channel)}** · {where}: {md_escape(_summary(c))}")
        if len(bad) > max_listed:
            more = len(bad) - max_listed
            out.append(f"- … and {more} more (see the table and junit.xml)")
        out.append("")
    if result.cases:
        out += [*_table(result), ""]
    order = {ch: i for i, ch in enumerate(_channels(result))}
    plots = sorted(result.plots.items(), key=lambda kv: order.get(kv[0], len(order)))
    if plots:
        out += ["## Plots", ""]
        for channel, path in plots:
            out += [f"![{md_escape(channel)}]({_image_target(path)})", ""]
    if result.notes:
        out += ["## Notes", ""]
        out += [f"- {md_escape(note)}" for note in result.notes]
        out.append("")
    footer = (
        f"sigint {result.version} · seed {result.seed} · {result.elapsed_s:.1f} s · "
        f"{result.suite_path}"
    )
    out += ["---", "", md_escape(footer), ""]
    return "\n".join(out)


# ------------------------------------------------------------------ JUnit XML
def _xml_text(text: str) -> str:
    """``text`` with the characters XML cannot hold replaced by U+FFFD."""
    return _XML_INVALID.sub("\ufffd", str(text))


def failure_type(case: CaseResult) -> str:
    """``"limit"`` when a failed case's value breaks its limit (or has no value), otherwise
    ``"baseline"`` (it moved past its baseline tolerance)."""
    v = case.value
    if v is None:
        return "limit"
    if (case.limit_max is not None and not v <= case.limit_max) or (
        case.limit_min is not None and not v >= case.limit_min
    ):
        return "limit"
    return "baseline" if case.baseline is not None else "limit"


def _case_lines(case: CaseResult) -> str:
    """The case's figures, one ``key: value`` a line (its ``<system-out>``)."""
    lines = [
        f"case: {case.case_id}",
        f"status: {case.status}",
        f"value: {_with_unit(case.value, case.unit)}",
        f"limit: {case.limit_text or '—'}",
        f"baseline: {_with_unit(case.baseline, case.unit)}",
        f"change: {_num(case.delta, '+.4g')}",
        f"tolerance: {_num(case.tolerance, 'g')}",
    ]
    if case.files:
        lines.append("files: " + ", ".join(str(f) for f in case.files))
    return "\n".join(lines) + "\n"


def _time(seconds: float) -> str:
    return f"{max(seconds, 0.0):.3f}"


def junit_xml(result: CheckResult) -> str:
    """The check as JUnit XML.

    Parameters
    ----------
    result : CheckResult

    Returns
    -------
    str
        An XML declaration and a ``<testsuites>`` root (name = suite, totals) holding one
        ``<testsuite>`` per channel (``name``, ``tests``, ``failures``, ``errors``,
        ``skipped``, ``time``; ``<properties>`` with the seed, sigint version and suite file)
        and in it one ``<testcase>`` per case: ``classname`` ``"{suite}.{channel}"``, ``name``
        ``"{preset}: {metric}"`` (the metric alone without a preset). A failed case holds
        ``<failure message=... type="limit"|"baseline">`` (:func:`failure_type`), an erroring
        one ``<error message=... type="error">``, the details in the element's text; every
        case has its value, limit, baseline, change and files in ``<system-out>``. The
        cases are computed in parallel and cached, so no case has a time of its own: the
        run's elapsed time is shared equally among them.
    """
    n = len(result.cases)
    per_case_s = result.elapsed_s / n if n else 0.0
    counts = result.counts
    root = ET.Element(
        "testsuites",
        name=_xml_text(result.suite),
        tests=str(n),
        failures=str(counts["fail"]),
        errors=str(counts["error"]),
        time=_time(result.elapsed_s),
    )
    for channel in _channels(result):
        cases = [c for c in result.cases if c.channel == channel]
        suite_el = ET.SubElement(
            root,
            "testsuite",
            name=_xml_text(channel),
            tests=str(len(cases)),
            failures=str(sum(c.status == "fail" for c in cases)),
            errors=str(sum(c.status == "error" for c in cases)),
            skipped="0",
            time=_time(per_case_s * len(cases)),
        )
        props = ET.SubElement(suite_el, "properties")
        for key, value in (
            ("seed", result.seed),
            ("sigint_version", result.version),
            ("suite_path", result.suite_path),
        ):
            ET.SubElement(props, "property", name=key, value=_xml_text(value))
        for c in cases:
            name = f"{c.preset}: {c.metric}" if c.preset else c.metric
            case_el = ET.SubElement(
                suite_el,
                "testcase",
                classname=_xml_text(f"{result.suite}.{channel}"),
                name=_xml_text(name),
                time=_time(per_case_s),
            )
            if c.status == "fail":
                message = _summary(c)
                el = ET.SubElement(
                    case_el, "failure", message=_xml_text(message), type=failure_type(c)
                )
                el.text = _xml_text(f"{c.case_id}: {message}\n")
            elif c.status == "error":
                message = c.message or "could not be computed"
                el = ET.SubElement(case_el, "error", message=_xml_text(message), type="error")
                files = f"\nfiles: {', '.join(map(str, c.files))}" if c.files else ""
                el.text = _xml_text(f"{c.case_id}: {message}{files}\n")
            ET.SubElement(case_el, "system-out").text = _xml_text(_case_lines(c))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, "unicode") + "\n"


# ------------------------------------------------------------------ files
def write_reports(result: CheckResult, folder) -> dict[str, Path]:
    """Write ``check.md``, ``junit.xml`` and ``check.json`` into ``folder``, each atomically.

    Parameters
    ----------
    result : CheckResult
    folder : str or Path
        Created when missing; reports already there are replaced.

    Returns
    -------
    dict of str to Path
        The files by kind: ``"markdown"``, ``"junit"``, ``"json"``.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = {kind: folder / name for kind, name in FILE_NAMES.items()}
    write_json_atomic(paths["json"], json_ready(result.to_dict()))
    write_text_atomic(paths["junit"], junit_xml(result))
    write_text_atomic(paths["markdown"], markdown_report(result))
    return paths
