"""sigint compare: architectures as segment chains whose BERs add, ledgers, winners, CLI."""

from __future__ import annotations

import json
import math

import pytest

from sigint.channels.presets import stripline
from sigint.cli import main
from sigint.compare.evaluate import evaluate_architecture, search_optical_eq
from sigint.compare.ledger import ledger
from sigint.compare.presets import CompareSpec, copper_spec, host_channel
from sigint.compare.table import compare
from sigint.errors import ConfigError
from sigint.reach import evaluate_length

SPEC = CompareSpec(distances_m=(0.3, 30.0), architectures=("dac", "dsp-pluggable", "cpo"))


@pytest.fixture(scope="module")
def small():
    return compare(SPEC)


def test_the_dac_is_the_reach_studys_link_at_that_length():
    point = evaluate_architecture(SPEC, "dac", 1.0)
    reach = evaluate_length(copper_spec(SPEC, "pcb"), 1.0)
    assert point.ber == pytest.approx(reach.ber, rel=1e-12)
    assert point.margin_decades == pytest.approx(math.log10(2.4e-4 / reach.ber))


def test_retimed_segments_ber_add():
    point = evaluate_architecture(SPEC, "aec", 4.5)
    to_retimer = evaluate_length(copper_spec(SPEC, "pcb", "retimer"), 0.0).ber
    cable = evaluate_length(copper_spec(SPEC, "retimer"), 4.5).ber
    assert point.ber == pytest.approx(2 * to_retimer + cable, rel=1e-9)
    assert [s.count for s in point.segments] == [2, 1]


def test_the_pluggables_optical_segment_adds_to_its_two_host_segments():
    point = evaluate_architecture(SPEC, "dsp-pluggable", 100.0)
    _, est = search_optical_eq(SPEC, "dsp-pluggable", 100.0)
    host = point.segments[0]
    assert point.ber == pytest.approx(2 * host.ber + est.ber, rel=1e-9)


def test_copper_beyond_its_range_does_not_close_and_says_why():
    point = evaluate_architecture(SPEC, "dac", 30.0)
    assert not point.closes
    assert "dB of cable loss at Nyquist" in point.reason


def test_a_redriver_at_the_cable_end_extends_copper():
    dac = evaluate_architecture(SPEC, "dac", 2.0)
    acc = evaluate_architecture(SPEC, "acc", 2.0)
    assert acc.margin_decades > dac.margin_decades


def test_more_host_channel_loss_costs_linear_optics_margin():
    bers = []
    for loss in (8.0, 16.0, 24.0):
        spec = CompareSpec(host_loss_db={"lpo": loss, "npo": 12.0, "cpo": 4.0})
        bers.append(evaluate_architecture(spec, "lpo", 100.0).ber)
    assert bers[0] < bers[1] < bers[2]


def test_host_channel_has_the_loss_asked_at_nyquist():
    (segment,) = host_channel(22.0, 53.125e9)
    assert segment.length_m * stripline().loss_db_per_m(53.125e9) == pytest.approx(22.0)


def test_points_carry_the_ledgers_energy_and_latency(small):
    p = small.point("dsp-pluggable", 30.0)
    book = ledger("dsp-pluggable")
    assert p.pj_per_bit == pytest.approx(book.power_pj_per_bit())
    assert p.latency_ns == pytest.approx(book.latency_ns(30.0))


def test_copper_wins_short_and_cpo_wins_long(small):
    assert small.winner(0.3).architecture == "dac"
    assert small.winner(30.0).architecture == "cpo"
    text = small.text()
    assert "does not close" in text and "winner" in text
    doc = small.to_dict()
    assert doc["winners"] == {"0.3": "dac", "30": "cpo"}


def test_bad_specs_name_the_value():
    with pytest.raises(ConfigError, match="architectures"):
        CompareSpec(architectures=("dac", "smoke-signals"))
    with pytest.raises(ConfigError, match="target_ber"):
        CompareSpec(target_ber=0.7)
    with pytest.raises(ConfigError, match="rate"):
        CompareSpec(rate="300G")


def test_cli_writes_table_json_and_plot(tmp_path, capsys):
    out = tmp_path / "cmp"
    code = main(["compare", "--distance", "0.5,50", "--arch", "dac,cpo", "--out", str(out),
                 "--no-progress", "--json"])  # fmt: skip
    assert code == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["winners"]["0.5"] == "dac"
    for name in ("compare.txt", "compare.json", "compare.png"):
        assert (out / name).stat().st_size > 0


def test_cli_ledger_edits_change_the_energy(tmp_path, capsys):
    edits = tmp_path / "ledger.toml"
    edits.write_text("[cpo.driver]\npj_per_bit = 4.0\n")
    code = main(["compare", "--distance", "50", "--arch", "cpo", "--ledger", str(edits),
                 "--out", str(tmp_path / "o"), "--no-progress", "--json"])  # fmt: skip
    assert code == 0
    doc = json.loads(capsys.readouterr().out)
    default = ledger("cpo").power_pj_per_bit()
    driver = ledger("cpo").block("driver").pj_per_bit
    assert doc["points"][0]["pj_per_bit"] == pytest.approx(default - driver + 4.0)


def test_cli_bad_host_loss_is_a_one_line_error(tmp_path, capsys):
    code = main(["compare", "--host-loss", "dsp=3", "--out", str(tmp_path), "--no-progress"])
    assert code == 2
    assert "--host-loss" in capsys.readouterr().err
