"""``sigint com`` and ERL: the thru's ERL (93A.5) reported beside COM, in the text and the JSON
report (an infinite ERL as null, strict JSON), skipped with ``--no-erl`` or without an ``[erl]``
table, and kept out of the exit code unless ``--erl-fails``.

The channel: 1.5 m of 30 AWG twinax (COM passes the 802.3ck KR limit) whose port 1 sees one flat
reflection Γ = 0.1, 2 ns in (past the DFE span: ERL = −20·log10(0.1) = 20 dB), and whose port 2
is matched (S22 = 0: an infinite ERL).
"""

from __future__ import annotations

import dataclasses
import json
import re

import numpy as np
import pytest
import tomli_w

from sigint._configio import to_mapping
from sigint.channels.network import Network
from sigint.channels.presets import twinax
from sigint.channels.touchstone import write_touchstone
from sigint.cli import main
from sigint.com import load_preset
from sigint.com.erl import compute_erl

GAMMA = 0.1


def _strict_json(text: str):
    """Parse JSON as a strict reader does: Infinity and NaN are not JSON."""

    def refuse(name):
        raise ValueError(f"{name} is not valid JSON")

    return json.loads(text, parse_constant=refuse)


@pytest.fixture(scope="module")
def small_kr():
    """802.3ck KR with a reduced EQ grid and a 20 MHz step (a quicker COM, the same ERL)."""
    p = load_preset("802.3ck-KR")
    return dataclasses.replace(
        p, g_dc_db=p.g_dc_db[::4], g_dc2_db=p.g_dc2_db[::3], f_step_hz=0.02e9
    )


@pytest.fixture(scope="module")
def echo_thru(tmp_path_factory):
    f = np.linspace(0, 60e9, 1201)
    line = twinax(30).network(1.5, f)
    s = line.s.copy()
    s[:, 0, 0] = GAMMA * np.exp(-2j * np.pi * f * 2e-9)
    s[:, 1, 1] = 0.0
    path = tmp_path_factory.mktemp("com_erl") / "echo_thru.s2p"
    write_touchstone(Network(f, s, line.z_ref_ohm), path)
    return path


def _params_file(folder, params):
    path = folder / f"{params.name}.toml"
    path.write_text(tomli_w.dumps(to_mapping(params)))
    return str(path)


def _com(thru, params_path, out, *extra):
    return main(["com", str(thru), "--params", params_path, "--out", str(out), *extra])


def test_sigint_com_reports_the_erl_of_the_thru(echo_thru, small_kr, tmp_path, capsys):
    code = _com(echo_thru, _params_file(tmp_path, small_kr), tmp_path / "out")
    printed = capsys.readouterr().out
    doc = _strict_json((tmp_path / "out" / "echo_thru_com.json").read_text())
    assert doc["passed"] and code == 0
    erl = doc["erl"]
    direct = compute_erl(small_kr, path=echo_thru)
    assert erl["erl_db"] == pytest.approx(direct.erl_db, abs=1e-9)
    assert erl["erl_db"] == pytest.approx(-20 * np.log10(GAMMA), abs=0.1)
    assert erl["threshold_db"] == 9.7 and erl["passed"] is True
    assert [p["port"] for p in erl["ports"]] == [1, 2]
    assert erl["ports"][0]["erl_db"] == erl["erl_db"]
    assert erl["ports"][1]["erl_db"] is None  # matched: infinite ERL, null in JSON
    line = next(x for x in printed.splitlines() if x.startswith("ERL "))
    assert line == (
        f"ERL {erl['erl_db']:.2f} dB (pass, threshold 9.7 dB)  "
        f"port 1 (Tx side) {erl['erl_db']:.2f} dB, port 2 (Rx side) inf dB"
    )


def test_sigint_com_json_on_stdout_carries_erl_as_strict_json(
    echo_thru, small_kr, tmp_path, capsys
):
    code = _com(echo_thru, _params_file(tmp_path, small_kr), tmp_path, "--json")
    text = capsys.readouterr().out
    assert "Infinity" not in text and "NaN" not in text
    doc = _strict_json(text)
    assert code == 0 and doc["erl"]["ports"][1]["erl_db"] is None
    assert doc["erl"]["path"] == str(echo_thru)


def test_no_erl_flag_and_a_parameter_set_without_erl_skip_it(echo_thru, small_kr, tmp_path, capsys):
    params = _params_file(tmp_path, small_kr)
    assert _com(echo_thru, params, tmp_path / "a", "--no-erl") == 0
    assert not re.search(r"^ERL ", capsys.readouterr().out, re.MULTILINE)
    assert _strict_json((tmp_path / "a" / "echo_thru_com.json").read_text())["erl"] is None

    no_erl = dataclasses.replace(small_kr, name="kr-no-erl", erl=None)
    assert _com(echo_thru, _params_file(tmp_path, no_erl), tmp_path / "b") == 0
    assert not re.search(r"^ERL ", capsys.readouterr().out, re.MULTILINE)
    assert _strict_json((tmp_path / "b" / "echo_thru_com.json").read_text())["erl"] is None


def test_a_failing_erl_changes_the_exit_code_only_with_erl_fails(
    echo_thru, small_kr, tmp_path, capsys
):
    strict = dataclasses.replace(small_kr, name="kr-erl-25", erl_threshold_db=25.0)
    params = _params_file(tmp_path, strict)
    assert _com(echo_thru, params, tmp_path / "a") == 0  # COM passes; ERL is a companion
    printed = capsys.readouterr().out
    assert "COM " in printed and "(PASS" in printed
    assert re.search(r"^ERL 20\.\d\d dB \(fail, threshold 25 dB\)", printed, re.MULTILINE)
    doc = _strict_json((tmp_path / "a" / "echo_thru_com.json").read_text())
    assert doc["passed"] is True and doc["erl"]["passed"] is False

    assert _com(echo_thru, params, tmp_path / "b", "--erl-fails") == 1
    capsys.readouterr()
    assert _com(echo_thru, params, tmp_path / "c", "--erl-fails", "--json") == 1
    assert _strict_json(capsys.readouterr().out)["erl"]["passed"] is False
    # a passing ERL leaves the code to COM
    passing = _params_file(tmp_path, small_kr)
    assert _com(echo_thru, passing, tmp_path / "d", "--erl-fails") == 0


def test_erl_fails_needs_erl_and_excludes_no_erl(echo_thru, small_kr, tmp_path, capsys):
    no_erl = dataclasses.replace(small_kr, name="kr-no-erl", erl=None)
    assert _com(echo_thru, _params_file(tmp_path, no_erl), tmp_path, "--erl-fails") == 2
    err = capsys.readouterr().err
    assert "--erl-fails" in err and "[erl] table" in err and err.count("\n") == 1
    with pytest.raises(SystemExit) as exc:
        _com(echo_thru, _params_file(tmp_path, small_kr), tmp_path, "--erl-fails", "--no-erl")
    assert exc.value.code == 2
