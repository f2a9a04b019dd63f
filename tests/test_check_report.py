"""The reports of ``sigint check``: JUnit XML read by a JUnit parser, Markdown parsed into a
real table, and the three files written atomically."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from junitparser import Error, Failure, JUnitXml
from markdown_it import MarkdownIt

from sigint.check.report import (
    failure_type,
    junit_xml,
    markdown_report,
    md_escape,
    write_reports,
)
from sigint.check.result import CaseResult, CheckResult

PRESETS = ("224G-PAM4", "448G-PAM6")


def _il(channel, preset, value, baseline=None, status="pass", message=""):
    return CaseResult(
        channel, preset, "il_nyquist_db", value, "dB", limit_max=35.0, baseline=baseline,
        tolerance=0.5, status=status, message=message, files=(f"{channel}_thru.s4p",),
    )  # fmt: skip


def _ber(channel, preset, value, status="pass", message=""):
    return CaseResult(
        channel, preset, "ber", value, "", limit_max=2.4e-4, status=status, message=message,
        files=(f"{channel}_thru.s4p",),
    )  # fmt: skip


def _icn(channel, value):
    return CaseResult(channel, "", "icn_mv", value, "mV", limit_max=3.0, status="pass")


def _result(a="bp-a", b="bp-b") -> CheckResult:
    """Two channels × two presets × (IL, BER), and ICN of each channel alone: 10 cases; ``b``
    fails its IL limit at 224G, moves past its IL baseline at 448G and errors on BER at
    448G."""
    cases = (
        _il(a, PRESETS[0], 12.31, baseline=12.3),
        _ber(a, PRESETS[0], 1.0e-6),
        _il(a, PRESETS[1], 20.5, baseline=20.08),
        _ber(a, PRESETS[1], 3.0e-5),
        _icn(a, 1.1),
        _il(b, PRESETS[0], 36.2, baseline=35.1, status="fail",
            message="36.2 dB above the limit 35 by 1.2"),
        _ber(b, PRESETS[0], 2.0e-4),
        _il(b, PRESETS[1], 31.0, baseline=30.0, status="fail",
            message="31 dB moved +1 from the baseline 30 (tolerance 0.5 the worse way)"),
        _ber(b, PRESETS[1], None, status="error",
             message=f"TouchstoneError: {b}_thru.s4p line 7: 3 numbers, expected 9"),
        _icn(b, 1.4),
    )  # fmt: skip
    return CheckResult(
        suite="backplane", suite_path="suite.toml", cases=cases, seed=7, version="0.1.0",
        elapsed_s=4.2, plots={b: f"plots/{b}.png", a: f"plots/{a}.png"},
    )  # fmt: skip


def _md(text: str):
    return MarkdownIt("commonmark").enable("table").parse(text)


def _text(token) -> str:
    """The plain text of an inline token."""
    return "".join(c.content for c in token.children or () if c.type in ("text", "code_inline"))


def _table_rows(tokens) -> list[list[str]]:
    """The body rows of the first table, as the cells' plain text."""
    rows, row, in_body = [], None, False
    for t in tokens:
        if t.type == "tbody_open":
            in_body = True
        elif t.type == "tbody_close":
            break
        elif in_body and t.type == "tr_open":
            row = []
        elif in_body and t.type == "tr_close":
            rows.append(row)
        elif in_body and t.type == "inline":
            row.append(_text(t))
    return rows


def _junit(result, tmp_path) -> JUnitXml:
    path = tmp_path / "junit.xml"
    path.write_text(junit_xml(result), encoding="utf-8")
    return JUnitXml.fromfile(str(path))


# ------------------------------------------------------------------ JUnit XML
def test_junit_has_one_suite_per_channel_and_one_case_per_case(tmp_path):
    result = _result()
    xml = _junit(result, tmp_path)
    suites = list(xml)
    assert [s.name for s in suites] == ["bp-a", "bp-b"]
    names = [(c.classname, c.name) for s in suites for c in s]
    assert len(names) == len(result.cases) == 10
    assert ("backplane.bp-a", "224G-PAM4: il_nyquist_db") in names
    assert ("backplane.bp-b", "icn_mv") in names  # no preset: the metric alone
    a, b = suites
    assert (a.tests, a.failures, a.errors) == (5, 0, 0)
    assert (b.tests, b.failures, b.errors) == (5, 2, 1)
    assert (xml.tests, xml.failures, xml.errors) == (10, 2, 1)
    assert xml.time == pytest.approx(4.2) and sum(s.time for s in suites) == pytest.approx(4.2)


def test_junit_failures_carry_their_message_and_kind_and_the_error_an_error(tmp_path):
    suites = {s.name: {c.name: c for c in s} for s in _junit(_result(), tmp_path)}
    limit = suites["bp-b"]["224G-PAM4: il_nyquist_db"]
    (fail,) = limit.result
    assert isinstance(fail, Failure) and fail.type == "limit"
    assert fail.message == "36.2 dB above the limit 35 by 1.2"
    assert "bp-b / 224G-PAM4 / il_nyquist_db" in fail.text
    (moved,) = suites["bp-b"]["448G-PAM6: il_nyquist_db"].result
    assert isinstance(moved, Failure) and moved.type == "baseline"
    (err,) = suites["bp-b"]["448G-PAM6: ber"].result
    assert isinstance(err, Error) and err.type == "error"
    assert err.message.startswith("TouchstoneError: bp-b_thru.s4p line 7")
    assert suites["bp-a"]["224G-PAM4: ber"].is_passed
    out = limit.system_out
    assert "value: 36.2 dB" in out and "limit: <= 35" in out and "baseline: 35.1 dB" in out
    assert "change: +1.1" in out


def test_junit_survives_names_and_messages_xml_cannot_hold_raw(tmp_path):
    result = _result(b='b<&>"')
    bad = replace(result.cases[8], message="ValueError: byte \x00\x1b in <file> & more\nline 2")
    result = replace(result, cases=(*result.cases[:8], bad, result.cases[9]))
    text = junit_xml(result)
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    suites = {s.name: s for s in _junit(result, tmp_path)}
    (err,) = next(c for c in suites['b<&>"'] if c.name == "448G-PAM6: ber").result
    assert "in <file> & more" in err.message and "\x00" not in err.message


def test_failure_type_is_limit_when_a_limit_is_broken_else_baseline():
    case = _il("c", "p", 36.0, baseline=35.9, status="fail")
    assert failure_type(case) == "limit"
    assert failure_type(replace(case, value=34.0, baseline=33.0)) == "baseline"
    assert failure_type(replace(case, value=None)) == "limit"


# ------------------------------------------------------------------ Markdown
def test_markdown_lists_the_failures_before_a_real_table_of_channels_by_preset():
    result = _result()
    text = markdown_report(result)
    tokens = _md(text)
    types = [t.type for t in tokens]
    assert "table_open" in types
    before = " ".join(_text(t) for t in tokens[: types.index("table_open")] if t.type == "inline")
    assert "❌ 2 of 10 cases fail, 1 error" in before
    # the failing and erroring cases, named, above the table
    assert "bp-b · 224G-PAM4 · il_nyquist_db: 36.2 dB above the limit 35 by 1.2" in before
    assert "bp-b · 448G-PAM6 · ber: TouchstoneError: bp-b_thru.s4p line 7" in before
    assert "bp-a" not in before
    rows = _table_rows(tokens)
    pairs = {(c.channel, c.preset) for c in result.cases}
    assert len(rows) == len(pairs) == 6  # 2 channels × (2 presets + the channel alone)
    assert [r[:2] for r in rows] == [
        ["bp-a", "224G-PAM4"], ["bp-a", "448G-PAM6"], ["bp-a", "—"],
        ["bp-b", "224G-PAM4"], ["bp-b", "448G-PAM6"], ["bp-b", "—"],
    ]  # fmt: skip
    head = [_text(t) for t in tokens[types.index("thead_open") : types.index("thead_close")]
            if t.type == "inline"]  # fmt: skip
    assert head == ["Channel", "Preset", "il_nyquist_db (<= 35)", "ber (<= 0.00024)",
                    "icn_mv (<= 3)"]  # fmt: skip
    assert rows[0][2:] == ["✅ 12.31 dB (+0.01)", "✅ 1e-06", ""]
    assert rows[2][2:] == ["", "", "✅ 1.1 mV"]
    assert rows[3][2] == "❌ 36.2 dB (+1.1)"
    assert rows[4][2:4] == ["❌ 31 dB (+1)", "⚠️ error"]


def test_markdown_shows_the_plots_in_channel_order_and_a_footer():
    text = markdown_report(replace(_result(), plots={"bp-b": "plots/b (1).png"}))
    tokens = _md(text)
    images = [c for t in tokens if t.type == "inline" for c in t.children if c.type == "image"]
    assert [(i.attrs["src"], i.content) for i in images] == [("plots/b%20%281%29.png", "bp-b")]
    assert "sigint 0.1.0 · seed 7 · 4.2 s" in text.rstrip().splitlines()[-1]
    assert text.index("![bp-b]") > text.index("| bp-b |")


def test_a_pipe_in_a_channel_name_does_not_break_the_table():
    result = _result(a="left|right", b="x | y*")
    tokens = _md(markdown_report(result))
    rows = _table_rows(tokens)
    assert len(rows) == 6 and all(len(r) == 5 for r in rows)
    assert rows[0][:2] == ["left|right", "224G-PAM4"]
    assert rows[3][:2] == ["x | y*", "224G-PAM4"]


@pytest.mark.parametrize(
    ("statuses", "verdict"),
    [
        (("pass",) * 3, "✅ all 3 cases pass"),
        (("pass", "fail", "pass"), "❌ 1 of 3 cases fails"),
        (("pass", "error", "error"), "❌ 2 of 3 cases are errors"),
        (("fail", "fail", "error"), "❌ 2 of 3 cases fail, 1 error"),
    ],
)
def test_the_verdict_line_counts_failures_and_errors(statuses, verdict):
    cases = tuple(
        replace(_ber("c", p, None if s == "error" else 1e-6), status=s, message=s)
        for p, s in zip(("p1", "p2", "p3"), statuses, strict=True)
    )
    result = CheckResult("s", "s.toml", cases, 1, "0.1.0")
    tokens = _md(markdown_report(result))
    first = next(i for i, t in enumerate(tokens) if t.type == "paragraph_open")
    assert _text(tokens[first + 1]) == verdict


def test_md_escape_makes_markdown_literal():
    text = "*a* _b_ [c](d) <e> `f` | # &amp; \\ il_nyquist_db\nnext"
    tokens = _md(md_escape(text))
    assert [t.type for t in tokens] == ["paragraph_open", "inline", "paragraph_close"]
    assert _text(tokens[1]) == " ".join(text.split())


# ------------------------------------------------------------------ files
def test_write_reports_writes_the_three_files(tmp_path):
    result = _result()
    paths = write_reports(result, tmp_path / "new" / "reports")
    assert set(paths) == {"markdown", "junit", "json"}
    assert {p.name for p in paths.values()} == {"check.md", "junit.xml", "check.json"}
    assert json.loads(paths["json"].read_text()) == result.to_dict()
    assert paths["markdown"].read_text(encoding="utf-8") == markdown_report(result)
    assert len(list(JUnitXml.fromfile(str(paths["junit"])))) == 2


def test_writing_over_a_report_replaces_it_and_leaves_no_temp_files(tmp_path):
    write_reports(_result(), tmp_path)
    passing = _result()
    passing = replace(passing, cases=tuple(replace(c, status="pass") for c in passing.cases))
    paths = write_reports(passing, tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["check.json", "check.md", "junit.xml"]
    assert json.loads(paths["json"].read_text())["passed"] is True
    assert "✅ all 10 cases pass" in paths["markdown"].read_text(encoding="utf-8")
