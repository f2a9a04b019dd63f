"""Configs: TOML in and out, one-line errors naming the key, nearest-name suggestions."""

import math
import tomllib

import pytest

from sigint.config import (
    ChannelConfig,
    LinkConfig,
    RxConfig,
    SimConfig,
    StriplineSegment,
    TwinaxSegment,
    TxConfig,
    config_from_mapping,
    dumps_config,
    load_config,
    save_config,
)
from sigint.errors import ConfigError
from sigint.rates import RATE_PRESETS, preset_table, rate_preset


def test_default_config_round_trips_through_toml(tmp_path):
    cfg = LinkConfig(
        modulation="PAM6",
        rate="448G",
        tx=TxConfig(ffe_taps=(-0.1, 0.8, -0.1), ffe_cursor=1, sndr_db=30.0, precoding=True),
        channel=ChannelConfig((StriplineSegment(0.05), TwinaxSegment(2.0, 30))),
        rx=RxConfig(ctle_zeros_hz=(1e9,), ctle_poles_hz=(5e9, 10e9), dfe_taps=4),
        sim=SimConfig(n_symbols=20_000, warmup_symbols=1_000, seed=7),
    )
    path = tmp_path / "link.toml"
    save_config(cfg, path)
    assert load_config(path) == cfg
    assert config_from_mapping(tomllib.loads(dumps_config(cfg))) == cfg


@pytest.mark.parametrize(
    ("rate", "modulation", "f_baud_hz"),
    [
        ("112G", "PAM4", 53.125e9),
        ("224G", "PAM4", 106.25e9),
        ("224G", "PAM6", 85e9),
        ("224G", "PAM8", 212.5e9 / 3),
        ("448G", "PAM4", 212.5e9),
        ("448G", "PAM6", 170e9),
        ("448G", "PAM8", 425e9 / 3),
        ("OIF-448G", "PAM4", 224e9),
        ("OIF-448G", "PAM6", 448e9 / math.log2(6)),
        ("OIF-448G", "PAM8", 448e9 / 3),
        ("448G-inner-FEC", "PAM4", 226.875e9),
        ("448G-inner-FEC", "PAM6", 181.5e9),
        ("448G-inner-FEC", "PAM8", 151.25e9),
    ],
)
def test_rate_presets_give_the_reference_baud_rates(rate, modulation, f_baud_hz):
    assert LinkConfig(modulation=modulation, rate=rate).f_baud_hz == pytest.approx(f_baud_hz)


def test_oif_448g_pam6_is_173_31_gbd():
    assert rate_preset("oif-448g").f_baud_hz(6) / 1e9 == pytest.approx(173.31, abs=0.01)


def test_preset_table_lists_every_preset():
    rows = preset_table()
    assert {r["rate"] for r in rows} == set(RATE_PRESETS)
    assert all(r["nyquist_ghz"] == pytest.approx(r["f_baud_gbd"] / 2) for r in rows)


def _error(data) -> ConfigError:
    with pytest.raises(ConfigError) as info:
        config_from_mapping(data, source="link.toml")
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith("link.toml: ")
    return info.value


@pytest.mark.parametrize(
    ("data", "key", "hint"),
    [
        ({"tx": {"swing_vpp": 1.0}}, "tx.swing_vpp", "did you mean 'swing_vppd'"),
        ({"tx": {"swing_vppd": -1.0}}, "tx.swing_vppd", "positive swing"),
        ({"tx": {"swing_vppd": "big"}}, "tx.swing_vppd", "a number"),
        ({"tx": {"rlm": 1.5}}, "tx.rlm", "(0, 1]"),
        ({"tx": {"ffe_taps": [0.5, 0.8]}}, "tx.ffe_taps", "Σ|c| ≤ 1"),
        ({"tx": {"pattern": "prbs8"}}, "tx.pattern", "'prbs7'"),
        ({"link": {"rate": "225G"}}, "link.rate", "224G"),
        ({"link": {"modulation": "PAM5"}}, "link.modulation", "'PAM4'"),
        ({"link": {"rat": "224G"}}, "link.rat", "did you mean 'rate'"),
        ({"link": {"rate": "224G", "f_baud_hz": 1e11}}, "link.f_baud_hz", "106.25"),
        ({"tsx": {}}, "tsx", "did you mean 'tx'"),
        ({"channel": {"segments": [{"kind": "twinx"}]}}, "channel.segments[0].kind", "twinax"),
        (
            {"channel": {"segments": [{"kind": "twinax", "awg": 27}]}},
            "channel.segments[0].awg",
            "26",
        ),
        (
            {"channel": {"segments": [{"kind": "stripline", "length_m": -1}]}},
            "channel.segments[0].length_m",
            "length in metres",
        ),
        ({"channel": {"segments": [{"length_m": 1}]}}, "channel.segments[0]", "kind"),
        ({"rx": {"ctle_zeros_hz": [1e9]}}, "rx.ctle_poles_hz", "as many poles"),
        ({"rx": {"dfe_adaptation": "rls"}}, "rx.dfe_adaptation", "'lms'"),
        ({"rx": {"noise_density_v2_hz": -1e-18}}, "rx.noise_density_v2_hz", "non-negative"),
        ({"sim": {"n_symbols": 0}}, "sim.n_symbols", "symbol count"),
        ({"sim": {"samples_per_ui": 33}}, "sim.samples_per_ui", "32"),
        ({"sim": {"n_symbols": 1000, "warmup_symbols": 2000}}, "sim.warmup_symbols", "<"),
        ({"sim": {"eye": "yes"}}, "sim.eye", "true or false"),
        ({"sim": {"noise_samples_per_ui": 3}}, "sim.noise_samples_per_ui", "dividing"),
        (
            {
                "link": {"modulation": "PAM6", "rate": "448G"},
                "sim": {"n_symbols": 10_001, "warmup_symbols": 100},
            },
            "sim.n_symbols",
            "even",
        ),
    ],
)
def test_bad_input_names_the_key_the_value_and_what_was_expected(data, key, hint):
    err = _error(data)
    assert err.key == key
    assert hint in str(err)


def test_bools_are_not_numbers():
    err = _error({"sim": {"seed": True}})
    assert err.key == "sim.seed"


def test_missing_file_and_bad_toml_name_the_file(tmp_path):
    with pytest.raises(ConfigError, match=r"missing\.toml"):
        load_config(tmp_path / "missing.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("[tx\nswing_vppd = 1\n")
    with pytest.raises(ConfigError, match=r"bad\.toml.*valid TOML"):
        load_config(bad)


def test_replace_keeps_rate_and_baud_consistent():
    cfg = LinkConfig(rate="448G")
    pam8 = cfg.replace(modulation="PAM8")
    assert pam8.f_baud_hz == pytest.approx(425e9 / 3)
    assert cfg.replace(**{"tx.swing_vppd": 0.5}).tx.swing_vppd == 0.5
    assert cfg.replace(tx=TxConfig(rlm=0.9)).tx.rlm == 0.9
    assert cfg.replace(f_baud_hz=100e9).rate is None
    with pytest.raises(ConfigError, match="did you mean 'tx'"):
        cfg.replace(**{"tz.swing_vppd": 0.5})
    with pytest.raises(ConfigError, match=r"sim\.n_symbols"):
        cfg.replace(**{"sim.n_symbols": -5})


def test_configs_are_frozen():
    cfg = LinkConfig(rate="224G")
    with pytest.raises(AttributeError):
        cfg.tx.swing_vppd = 2.0  # type: ignore[misc]
