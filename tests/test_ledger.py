"""Power and latency ledgers of the link architectures against REFERENCE §7 (one direction)."""

from __future__ import annotations

import dataclasses
import json
import re

import pytest

from sigint.compare.ledger import (
    ARCHITECTURES,
    LEDGERS,
    VARIANTS,
    Ledger,
    LedgerBlock,
    ledger,
    ledger_with_overrides,
)
from sigint.errors import ConfigError

OPTICAL = ("dsp-pluggable", "lpo", "npo", "cpo")
COPPER = ("dac", "acc", "aec", "aec-ms")
FEC_NS = 60.0


# ------------------------------------------------------------------ REFERENCE §7.1 power
def test_the_seven_architectures_and_the_variant_all_have_a_ledger():
    assert ARCHITECTURES == ("dac", "acc", "aec", "dsp-pluggable", "lpo", "npo", "cpo")
    assert set(LEDGERS) == set(ARCHITECTURES) | set(VARIANTS)
    for name, led in LEDGERS.items():
        assert led.architecture == name and led.description


def test_the_dsp_is_about_60_percent_and_the_laser_about_15_percent_of_a_dsp_module():
    dsp = ledger("dsp-pluggable")
    assert 0.55 <= dsp.share_of_module_power("DSP") <= 0.65
    assert 0.13 <= dsp.share_of_module_power("laser") <= 0.17


def test_a_dsp_module_traversal_takes_150_to_200_ns_over_90_percent_of_it_in_the_dsp():
    dsp = ledger("dsp-pluggable")
    assert 150.0 <= dsp.module_latency_ns() <= 200.0
    assert dsp.share_of_module_latency("DSP") > 0.90


def test_a_dsp_pluggable_link_costs_15_to_20_pj_per_bit_with_a_12p5_to_18p75_module():
    dsp = ledger("dsp-pluggable")
    assert 15.0 <= dsp.power_pj_per_bit() <= 20.0
    assert 12.5 <= dsp.module_power_pj_per_bit() <= 18.75


def test_an_lpo_module_costs_5_to_7_pj_per_bit_under_10_w_at_1p6t():
    lpo = ledger("lpo")
    assert 5.0 <= lpo.module_power_pj_per_bit() <= 7.0
    watts_at_1p6t = lpo.module_power_pj_per_bit() * 1.6  # pJ/bit × Tb/s = W
    assert watts_at_1p6t < 10.0  # Semtech [S27]; industry 8–12 W
    assert watts_at_1p6t >= 8.0


def test_cpo_costs_5_to_6_pj_per_bit_about_9_w_per_1p6t_port():
    cpo = ledger("cpo")
    assert 5.0 <= cpo.power_pj_per_bit() <= 6.0
    assert cpo.power_pj_per_bit() * 1.6 == pytest.approx(9.0, abs=0.1)  # NVIDIA [S22]


def test_cpo_draws_30_to_35_percent_of_a_dsp_pluggable_link():
    ratio = ledger("cpo").power_pj_per_bit() / ledger("dsp-pluggable").power_pj_per_bit()
    assert 0.30 <= ratio <= 0.35  # [S22, S23, S28]


def test_npo_is_modelled_between_lpo_and_cpo_in_module_and_link_power():
    lpo, npo, cpo = ledger("lpo"), ledger("npo"), ledger("cpo")
    assert cpo.module_power_pj_per_bit() < npo.module_power_pj_per_bit()
    assert npo.module_power_pj_per_bit() < lpo.module_power_pj_per_bit()
    assert cpo.power_pj_per_bit() < npo.power_pj_per_bit() < lpo.power_pj_per_bit()


def test_removing_the_dsp_saves_power_and_the_retimed_link_costs_most():
    totals = {a: ledger(a).power_pj_per_bit() for a in ARCHITECTURES}
    assert max(totals, key=totals.get) == "dsp-pluggable"
    assert totals["lpo"] < totals["dsp-pluggable"]
    assert totals["dac"] == pytest.approx(5.5)  # the LR SerDes alone: the cable draws nothing


def test_an_aec_counts_both_retimers_each_3p3_pj_per_bit_per_direction():
    for name in ("aec", "aec-ms"):
        led = ledger(name)
        assert led.module_power_pj_per_bit() == pytest.approx(2 * 3.3)
    assert ledger("aec").module_latency_ns() == pytest.approx(50.0)
    assert ledger("aec-ms").module_latency_ns() == pytest.approx(3.0)


def test_power_is_the_sum_of_its_parts():
    for led in LEDGERS.values():
        parts = sum(led.power_pj_per_bit(p) for p in ("host", "module", "media", "fec"))
        assert parts == pytest.approx(led.power_pj_per_bit())
        assert led.module_power_pj_per_bit() == pytest.approx(led.power_pj_per_bit("module"))


# ------------------------------------------------------------------ REFERENCE §7.2 latency
@pytest.mark.parametrize("name", list(LEDGERS))
def test_latency_grows_linearly_with_distance_at_the_media_delay(name):
    led = ledger(name)
    per_m = 4.5 if name in COPPER else 4.9
    for d in (0.3, 2.0, 30.0, 500.0):
        assert led.latency_ns(d) - led.latency_ns(0.0) == pytest.approx(per_m * d)
    assert led.latency_ns(20.0) - led.latency_ns(10.0) == pytest.approx(
        led.latency_ns(10.0) - led.latency_ns(0.0)
    )


@pytest.mark.parametrize("name", list(LEDGERS))
def test_latency_at_0_m_is_the_sum_of_the_traversals_plus_the_fec(name):
    led = ledger(name)
    traversals = sum(b.latency_ns * b.traversals for b in led.blocks if b.part != "fec")
    assert led.latency_ns(0.0) == pytest.approx(traversals + FEC_NS)
    assert led.latency_ns(0.0, "fec") == pytest.approx(FEC_NS)


def test_a_module_is_crossed_twice_and_an_acc_redriver_once():
    dsp = ledger("dsp-pluggable")
    assert dsp.latency_ns(0.0, "module") == pytest.approx(2 * dsp.module_latency_ns())
    acc = ledger("acc")
    assert acc.latency_ns(0.0, "module") == pytest.approx(acc.module_latency_ns())


def test_copper_beats_every_optical_architecture_at_2_m():
    dac = ledger("dac").latency_ns(2.0)
    for name in OPTICAL:
        assert dac < ledger(name).latency_ns(2.0), name


def test_a_dsp_pluggable_link_at_100_m_takes_two_modules_plus_fibre_plus_fec():
    assert ledger("dsp-pluggable").latency_ns(100.0) == pytest.approx(2 * 164 + 490 + 60)


# ------------------------------------------------------------------ sources
_TAG = re.compile(r"\[(S\d+|R|M)[\s,\]]")


@pytest.mark.parametrize("name", list(LEDGERS))
def test_every_block_carries_a_source_tag_naming_a_source_an_assumption_or_a_model(name):
    for block in ledger(name).blocks:
        assert block.source.strip(), block.name
        assert _TAG.search(block.source), (block.name, block.source)


# ------------------------------------------------------------------ editing
def test_editing_the_dsp_changes_only_that_block_and_the_totals():
    dsp = ledger("dsp-pluggable")
    edited = dsp.with_block("DSP", pj_per_bit=8.0)
    assert edited.block("DSP").pj_per_bit == 8.0
    assert edited.power_pj_per_bit() == pytest.approx(dsp.power_pj_per_bit() - 1.4)
    assert edited.module_power_pj_per_bit() == pytest.approx(15.6 - 1.4)
    assert edited.latency_ns(30.0) == dsp.latency_ns(30.0)
    for old, new in zip(dsp.blocks, edited.blocks, strict=True):
        if old.name != "DSP":
            assert old == new
    assert "override" in edited.block("DSP").source  # the sourced number is no longer used
    assert dsp.block("DSP").pj_per_bit == 9.4  # the default is untouched
    assert LEDGERS["dsp-pluggable"] is dsp and dsp.power_pj_per_bit() == pytest.approx(18.1)


def test_the_default_ledgers_are_frozen():
    dsp = ledger("dsp-pluggable")
    with pytest.raises(dataclasses.FrozenInstanceError):
        dsp.architecture = "x"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        dsp.blocks[0].pj_per_bit = 0.0  # type: ignore[misc]


def test_editing_the_traversals_scales_the_latency_not_the_power():
    aec = ledger("aec")
    one = aec.with_block("retimer (DSP)", traversals=1)
    assert aec.latency_ns(1.0) - one.latency_ns(1.0) == pytest.approx(50.0)
    assert one.power_pj_per_bit() == aec.power_pj_per_bit()


def test_overrides_from_a_toml_table_give_the_same_ledger_as_with_block():
    table = {"DSP": {"pj_per_bit": 8, "latency_ns": 120.0}, "fibre": {"latency_ns_per_m": 5}}
    got = ledger_with_overrides("dsp-pluggable", table)
    want = (
        ledger("dsp-pluggable")
        .with_block("DSP", pj_per_bit=8.0, latency_ns=120.0)
        .with_block("fibre", latency_ns_per_m=5.0)
    )
    assert got == want
    assert got.latency_ns(10.0) == pytest.approx(2 * 124 + 50 + 60)
    assert ledger_with_overrides("cpo", {}) is ledger("cpo")


_DSP = LEDGERS["dsp-pluggable"]


@pytest.mark.parametrize(
    ("call", "key", "words"),
    [
        pytest.param(
            lambda: ledger("dsp-plugable"), "architecture", "'dsp-pluggable'", id="architecture"
        ),
        pytest.param(lambda: _DSP.with_block("DPS", pj_per_bit=1.0), "block", "'DSP'", id="block"),
        pytest.param(
            lambda: _DSP.with_block("DSP", pj_per_bit=-1.0), "DSP.pj_per_bit", "≥ 0", id="negative"
        ),
        pytest.param(
            lambda: _DSP.with_block("DSP", pj_per_bits=1.0),
            "DSP.pj_per_bits",
            "did you mean 'pj_per_bit'",
            id="field",
        ),
        pytest.param(
            lambda: _DSP.with_block("DSP", traversals=0), "DSP.traversals", "≥ 1", id="traversals"
        ),
        pytest.param(
            lambda: _DSP.with_block("DSP", latency_ns=True), "DSP.latency_ns", "a number", id="bool"
        ),
        pytest.param(
            lambda: _DSP.with_block("DSP", latency_ns_per_m=4.9),
            "DSP.latency_ns_per_m",
            "media",
            id="media-delay",
        ),
        pytest.param(
            lambda: ledger_with_overrides("lpo", {"lazer": {"pj_per_bit": 1.0}}),
            "lpo.lazer",
            "did you mean 'laser'",
            id="toml-block",
        ),
        pytest.param(
            lambda: ledger_with_overrides("lpo", {"laser": {"pj_per_bit": float("nan")}}),
            "lpo.laser.pj_per_bit",
            "finite",
            id="nan",
        ),
        pytest.param(
            lambda: ledger_with_overrides("lpo", {"laser": 2.0}), "lpo.laser", "a table", id="table"
        ),
        pytest.param(lambda: ledger("cpo").latency_ns(-1.0), "distance_m", "≥ 0", id="distance"),
        pytest.param(
            lambda: ledger("cpo").power_pj_per_bit("modul"), "part", "'module'", id="part"
        ),
        pytest.param(
            lambda: ledger("dac").share_of_module_power("copper cable"),
            "block",
            "none",
            id="no-module",
        ),
        pytest.param(lambda: LedgerBlock("x", "media", -0.1), "pj_per_bit", "≥ 0", id="block-init"),
        pytest.param(
            lambda: Ledger("x", (LedgerBlock("a", "fec"), LedgerBlock("a", "fec"))),
            "blocks",
            "unique",
            id="duplicate",
        ),
    ],
)
def test_bad_names_and_values_raise_a_config_error_naming_them(call, key, words):
    with pytest.raises(ConfigError) as info:
        call()
    assert info.value.key == key
    assert words in str(info.value)


# ------------------------------------------------------------------ output
def test_rows_and_dict_are_json_ready_and_add_up_to_the_totals():
    dsp = ledger("dsp-pluggable")
    rows = dsp.rows(30.0)
    assert [r["name"] for r in rows] == list(dsp.names)
    assert set(rows[0]) == {"name", "part", "pj_per_bit", "latency_ns", "source"}
    assert sum(r["latency_ns"] for r in rows) == pytest.approx(dsp.latency_ns(30.0))
    assert sum(r["pj_per_bit"] for r in rows) == pytest.approx(dsp.power_pj_per_bit())
    d = json.loads(json.dumps(dsp.to_dict(30.0)))
    assert d["latency_ns"] == pytest.approx(dsp.latency_ns(30.0))
    assert d["power_pj_per_bit"] == pytest.approx(18.1)
    assert "rows" not in dsp.to_dict()
