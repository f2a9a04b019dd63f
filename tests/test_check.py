"""``sigint check``: a suite over generated channels passes, a perturbed or broken channel fails
by name, the cache and the baseline behave as CI needs."""

from __future__ import annotations

import json
import runpy
import shutil
from pathlib import Path

import numpy as np
import pytest

import sigint.check.run as run_mod
from sigint.channel import build_channel
from sigint.channel_config import ChannelConfig, StriplineSegment, TwinaxSegment
from sigint.channels.network import Network
from sigint.channels.touchstone import write_touchstone
from sigint.check.run import run_check
from sigint.check.suite import load_suite
from sigint.cli import main

SHARED = Path(__file__).resolve().parents[2] / "shared" / "channels"
F_HZ = np.arange(0, 2001) * 50e6  # DC to 100 GHz
F_REACH_HZ = np.arange(0, 4801) * 25e6  # DC to 120 GHz: past 448G PAM4's Nyquist

SUITE = """
[suite]
name = "generated"
baseline = "baseline.json"

[[channel]]
thru = "channels/*_thru.s2p"

[[preset]]
name = "224G-PAM4"
rate = "224G"
modulation = "PAM4"

[metrics]
il_nyquist_db = { max = 16.0, tolerance = 0.5 }
rl_min_db = { min = 10.0 }
ber = { max = 2.4e-4 }
eye_height_mv = { min = 20.0, at_ber = 1e-6, tolerance = 5.0 }
"""


def _channel(length_m: float, extra_db: float = 0.0) -> Network:
    """Board + twinax + board, with ``extra_db`` of flat loss on S21/S12."""
    segs = (StriplineSegment(0.05), TwinaxSegment(length_m, 26), StriplineSegment(0.05))
    net = build_channel(ChannelConfig(segs), F_HZ)
    s = net.s.copy()
    s[:, 0, 1] *= 10 ** (-extra_db / 20)
    s[:, 1, 0] *= 10 ** (-extra_db / 20)
    return Network(F_HZ, s, net.z_ref_ohm)


@pytest.fixture
def suite_dir(tmp_path):
    """A suite over three generated channels (0.5, 0.75 and 1 m of 26 AWG)."""
    (tmp_path / "channels").mkdir()
    for name, length in (("short", 0.5), ("mid", 0.75), ("long", 1.0)):
        write_touchstone(_channel(length), tmp_path / "channels" / f"{name}_thru.s2p")
    (tmp_path / "suite.toml").write_text(SUITE)
    return tmp_path


def _run(suite_dir, *extra) -> int:
    return main(["check", str(suite_dir / "suite.toml"), "--out", str(suite_dir / "out"),
                 "--workers", "1", "--no-progress", *extra])  # fmt: skip


def test_the_suite_passes_then_a_lossier_channel_fails_by_name(suite_dir, capsys):
    """End to end: the generated suite passes (exit 0) and stores its baseline; with 2 dB more
    loss on one channel the check fails (exit 1) naming that channel and IL at Nyquist (limit
    16 dB: 1 m measures 12.4 dB, +2 dB stays inside it, so it is the baseline's 0.5 dB
    tolerance that trips), while the other channels pass."""
    assert _run(suite_dir, "--update-baseline") == 0
    baseline = json.loads((suite_dir / "baseline.json").read_text())
    assert len(baseline["cases"]) == 3 * 4
    write_touchstone(_channel(1.0, extra_db=2.0), suite_dir / "channels" / "long_thru.s2p")
    capsys.readouterr()
    assert _run(suite_dir) == 1
    out = capsys.readouterr().out
    assert "long / 224G-PAM4 / il_nyquist_db" in out and "baseline" in out
    doc = json.loads((suite_dir / "out" / "check.json").read_text())
    failed = {c["id"] for c in doc["cases"] if c["status"] != "pass"}
    assert "long / 224G-PAM4 / il_nyquist_db" in failed
    assert not any(i.startswith(("short", "mid")) for i in failed)
    il = next(c for c in doc["cases"] if c["id"] == "long / 224G-PAM4 / il_nyquist_db")
    assert il["delta"] == pytest.approx(2.0, abs=0.05)  # flat 2 dB shows as 2 dB at Nyquist
    md = (suite_dir / "out" / "check.md").read_text()
    assert "long" in md and "il_nyquist_db" in md
    for name in ("short", "mid", "long"):  # a small IL plot per channel, shown in the report
        assert (suite_dir / "out" / "plots" / f"{name}.png").stat().st_size > 1000
        assert f"![{name}](plots/{name}.png)" in md


def test_a_corrupted_file_fails_its_own_cases_with_file_and_line(suite_dir, capsys):
    """A malformed Touchstone file among good ones: its cases are errors naming the file and
    the line; the others pass; exit 1."""
    bad = suite_dir / "channels" / "mid_thru.s2p"
    lines = bad.read_text().splitlines()
    i = next(k for k, line in enumerate(lines) if line and line[0].isdigit()) + 5
    lines[i] = "1.5e9 0.9 zero 0.0 0.1 0.1 0.0 0.0 0.9"
    bad.write_text("\n".join(lines) + "\n")
    assert _run(suite_dir) == 1
    doc = json.loads((suite_dir / "out" / "check.json").read_text())
    for case in doc["cases"]:
        if case["channel"] == "mid":
            assert case["status"] == "error"
            assert f"mid_thru.s2p:{i + 1}" in case["message"]
        else:
            assert case["status"] == "pass", case


def test_an_unchanged_channel_is_read_from_the_cache(suite_dir, monkeypatch):
    """The second run computes nothing (the metrics function would raise) and gives the same
    values; a byte-identical copy of the channels elsewhere is read back too (the cache is
    keyed by contents); changing one file's contents recomputes that channel only."""
    suite = load_suite(suite_dir / "suite.toml")
    cache = suite_dir / "cache.h5"
    first = run_check(suite, cache=cache, workers=1)
    calls = []

    def counting(paths, point):
        calls.append(Path(paths[point["thru"]]).name)
        return {"error": "computed again"}

    monkeypatch.setattr(run_mod, "guarded_metrics", counting)
    again = run_check(suite, cache=cache, workers=1)
    assert calls == [] and [c.value for c in again.cases] == [c.value for c in first.cases]
    moved = suite_dir / "elsewhere"  # the same contents in another folder: still cached
    shutil.copytree(suite_dir / "channels", moved / "channels")
    shutil.copy(suite_dir / "suite.toml", moved / "suite.toml")
    run_check(load_suite(moved / "suite.toml"), cache=cache, workers=1)
    assert calls == []
    write_touchstone(_channel(0.5, extra_db=0.1), suite_dir / "channels" / "short_thru.s2p")
    run_check(suite, cache=cache, workers=1)
    assert calls == ["short_thru.s2p"]


def test_update_baseline_keeps_the_previous_one(suite_dir):
    """--update-baseline writes the new baseline atomically and keeps the old as .prev."""
    assert _run(suite_dir, "--update-baseline") == 0
    first = (suite_dir / "baseline.json").read_text()
    write_touchstone(_channel(0.5, extra_db=0.2), suite_dir / "channels" / "short_thru.s2p")
    assert _run(suite_dir, "--update-baseline") == 0  # within tolerance: still a pass
    assert (suite_dir / "baseline.json.prev").read_text() == first
    assert (suite_dir / "baseline.json").read_text() != first
    assert not [p for p in suite_dir.iterdir() if p.name.startswith(".")]


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("[metrics]\nil_nyquist_dbb = { max = 1 }\n", "il_nyquist_dbb"),
        ("[[channel]]\nthru = 'x.s2p'\n[metrics]\nber = { max = 'low' }\n", "metrics.ber.max"),
        ("[[channel]]\nthru = 'x.s2p'\n[[preset]]\nrate = '999G'\n[metrics]\nber = {max=1}\n",
         "999G"),
    ],
)  # fmt: skip
def test_a_bad_suite_exits_2_naming_the_key(tmp_path, capsys, text, named):
    """A bad suite is bad input: exit 2 with one line naming the key or value."""
    (tmp_path / "suite.toml").write_text(text)
    assert main(["check", str(tmp_path / "suite.toml"), "--out", str(tmp_path / "o")]) == 2
    assert named in capsys.readouterr().err


@pytest.mark.skipif(not SHARED.is_dir(), reason="../shared/channels is not here")
def test_a_suite_over_the_ieee_cable_assembly_runs(tmp_path):
    """The 802.3ck cable assembly (thru + 7 FEXT + 8 NEXT) as a channel with its crosstalk:
    IL at 112G's Nyquist (19.7 dB at 26.56 GHz per the set's README) and ICN are computed."""
    folder = SHARED / "ieee8023ck_cable_assembly_mellitz"
    thru = next(folder.glob("*thru*.s4p"))
    (tmp_path / "suite.toml").write_text(
        f'[[channel]]\nname = "ca"\nthru = "{thru}"\nnext = ["{folder}/*next*.s4p"]\n'
        f'fext = ["{folder}/*fext*.s4p"]\n[[preset]]\nname = "112G"\nrate = "112G"\n'
        "[metrics]\nil_nyquist_db = { max = 25 }\nicn_mv = { max = 5 }\n"
    )
    result = run_check(load_suite(tmp_path / "suite.toml"), workers=1)
    il, icn = (c.value for c in result.cases)
    assert il == pytest.approx(19.7, abs=0.3) and 0 < icn < 5 and result.passed


def test_the_example_suite_passes_and_catches_a_regression(tmp_path, capsys):
    """examples/channel-regression, as its CI workflow runs it: generate the channels, check
    them against the committed baseline (exit 0); then 2 dB more loss on the 1 m cable fails
    the check (exit 1) naming that channel and IL at Nyquist in the reports."""
    example = Path(__file__).resolve().parents[1] / "examples" / "channel-regression"
    ex = tmp_path / "ex"
    shutil.copytree(example, ex, ignore=shutil.ignore_patterns("channels"))
    runpy.run_path(str(ex / "generate.py"), run_name="__main__")
    args = ["check", str(ex / "suite.toml"), "--out", str(tmp_path / "o"), "--workers", "1",
            "--no-progress"]  # fmt: skip
    assert main(args) == 0
    thru = ex / "channels" / "cable_1p0m_thru.s2p"
    write_touchstone(_perturbed(thru, 2.0), thru)
    capsys.readouterr()
    assert main(args) == 1
    md = (tmp_path / "o" / "check.md").read_text()
    problems = md.split("|")[0]  # the list before the table
    assert "cable_1p0m" in problems and "il_nyquist_db" in problems
    junit = (tmp_path / "o" / "junit.xml").read_text()
    assert 'name="224G-PAM4: il_nyquist_db"' in junit and "<failure" in junit


def _perturbed(path: Path, extra_db: float) -> Network:
    from sigint.channels.touchstone import read_touchstone

    net = read_touchstone(path)
    s = net.s.copy()
    s[:, 0, 1] *= 10 ** (-extra_db / 20)
    s[:, 1, 0] *= 10 ** (-extra_db / 20)
    return Network(net.f_hz, s, net.z_ref_ohm)


def test_com_is_a_channel_metric_computed_once_per_channel(suite_dir):
    """com_db is the channel's IEEE COM (its own COM set, not the link presets): one case per
    channel with no preset, equal to compute_com on the file, and longer cable, lower COM."""
    from sigint.com import compute_com, load_preset

    text = SUITE.replace(
        "[metrics]", '[metrics]\ncom_db = { min = 0.0, com_preset = "802.3ck-CR" }'
    )
    (suite_dir / "suite.toml").write_text(text.replace("[[preset]]", "[[preset]]", 1))
    suite = load_suite(suite_dir / "suite.toml")
    assert suite.n_points == 3 * 2  # each channel at the preset, and once for COM
    result = run_check(suite, workers=1)
    com = {c.channel: c for c in result.cases if c.metric == "com_db"}
    assert set(com) == {"short", "mid", "long"} and all(c.preset == "" for c in com.values())
    assert com["short"].value > com["mid"].value > com["long"].value
    want = compute_com(load_preset("802.3ck-CR"), suite_dir / "channels" / "long_thru.s2p")
    assert com["long"].value == pytest.approx(want.com_db, abs=1e-9)


def test_runs_repeat_exactly_and_a_dask_cluster_gives_the_same(suite_dir):
    """No cache: two runs give identical values (seeded, deterministic engines); a local Dask
    cluster computes the same cases."""
    distributed = pytest.importorskip("distributed")
    suite = load_suite(suite_dir / "suite.toml")
    one = run_check(suite, workers=1)
    two = run_check(suite, workers=1)
    assert [c.value for c in one.cases] == [c.value for c in two.cases]
    with (
        distributed.LocalCluster(n_workers=1, processes=False, threads_per_worker=1) as cluster,
        distributed.Client(cluster) as client,
    ):
        remote = run_check(suite, scheduler=client)
    assert [c.to_dict() for c in remote.cases] == [c.to_dict() for c in one.cases]


def test_a_broken_file_keeps_its_baseline_through_an_update(suite_dir):
    """--update-baseline while one file is broken: the other channels' values are replaced,
    the broken channel keeps its old ones (it would otherwise escape the baseline later), and
    the update run is judged against the limits only."""
    assert _run(suite_dir, "--update-baseline") == 0
    old = json.loads((suite_dir / "baseline.json").read_text())["cases"]
    (suite_dir / "channels" / "mid_thru.s2p").write_text("not a touchstone file\n")
    write_touchstone(_channel(0.5, extra_db=1.0), suite_dir / "channels" / "short_thru.s2p")
    assert _run(suite_dir, "--update-baseline") == 1  # the broken file's cases are errors
    new = json.loads((suite_dir / "baseline.json").read_text())["cases"]
    assert set(new) == set(old)
    mid = [k for k in old if k.startswith("mid /")]
    assert mid and all(new[k] == old[k] for k in mid)
    key = "short / 224G-PAM4 / il_nyquist_db"
    assert new[key] == pytest.approx(old[key] + 1.0, abs=0.05)  # 1 dB more: accepted


def test_reach_of_a_measured_cable_does_not_depend_on_the_length_measured(tmp_path):
    """reach_m scales each file as a uniform cable of its length_m: 0.5 m and 1.0 m files of
    the same 26 AWG twinax reach the same (measured 3.587 m both) and agree with the
    parametric cable's own reach (3.596 m) within 2 cm (448G PAM4, no host)."""
    from sigint.reach import CableSpec, ReachSpec, solve_reach

    (tmp_path / "channels").mkdir()
    for length in (0.5, 1.0):
        net = build_channel(ChannelConfig((TwinaxSegment(length, 26),)), F_REACH_HZ)
        write_touchstone(net, tmp_path / "channels" / f"tw{length}_thru.s2p")
    (tmp_path / "suite.toml").write_text(
        '[[channel]]\nname = "half"\nthru = "channels/tw0.5_thru.s2p"\nlength_m = 0.5\n'
        '[[channel]]\nname = "one"\nthru = "channels/tw1.0_thru.s2p"\nlength_m = 1.0\n'
        '[[preset]]\nname = "448G-PAM4"\nrate = "448G"\nhost = "none"\n'
        "[metrics]\nreach_m = { min = 1.0 }\n"
    )
    result = run_check(load_suite(tmp_path / "suite.toml"), workers=2)
    half, one = (c.value for c in result.cases)
    model = solve_reach(ReachSpec(rate="448G", host="none", cable=CableSpec(awg=26))).reach_m
    assert abs(half - one) <= 0.02 and abs(one - model) <= 0.02 and result.passed


def test_link_metrics_count_the_crosstalk_files(suite_dir):
    """A FEXT file (the thru 20 dB down) beside the 1 m channel: its eye height drops (the
    aggressor enters the EQ search and the statistical eye), while IL does not."""
    thru = _channel(1.0)
    s = thru.s.copy() * 10 ** (-20 / 20)
    write_touchstone(Network(F_HZ, s, thru.z_ref_ohm), suite_dir / "channels" / "long_fext.s2p")
    text = SUITE.replace(
        'thru = "channels/*_thru.s2p"',
        'name = "long"\nthru = "channels/long_thru.s2p"\nfext = ["channels/{stem}_fext.s2p"]',
    )
    (suite_dir / "suite.toml").write_text(text)
    with_xt = {c.metric: c.value for c in run_check(load_suite(suite_dir / "suite.toml")).cases}
    (suite_dir / "suite.toml").write_text(text.replace('fext = ["channels/{stem}_fext.s2p"]', ""))
    alone = {c.metric: c.value for c in run_check(load_suite(suite_dir / "suite.toml")).cases}
    assert with_xt["il_nyquist_db"] == pytest.approx(alone["il_nyquist_db"], abs=1e-9)
    assert with_xt["eye_height_mv"] < alone["eye_height_mv"] - 1.0
