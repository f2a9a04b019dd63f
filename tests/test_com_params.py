"""COM parameter sets: the shipped presets load with the values their sources give, grids
enumerate as the sheets do, and bad input is named."""

import itertools

import numpy as np
import pytest

from sigint.com import PRESETS, TapGrid, load_params, load_preset
from sigint.errors import ConfigError


@pytest.mark.parametrize("name", PRESETS)
def test_every_preset_loads_and_names_its_source(name):
    p = load_preset(name)
    assert p.name == name and p.source
    # two package test cases (Test 1/2, or z_p 12/31 mm), one host-class pair for 802.3dj CR
    assert p.package.n_cases == (1 if name == "802.3dj-CR-HL" else 2)
    # the grid is every combination of the taps' values with c(0) >= c0_min, in the
    # reference order (first tap slowest), and its indices point at those values
    every = list(itertools.product(*(t.values() for t in p.tx_taps)))
    legal = [c for c in every if 1 - sum(abs(x) for x in c) >= p.c0_min - 1e-12]
    combos, index = p.tx_grid_indexed()
    assert np.array_equal(combos, np.array(legal))
    for k, tap in enumerate(p.tx_taps):
        assert np.array_equal(tap.values()[index[:, k]], combos[:, k])


def test_the_802_3ck_kr_sheet_values():
    p = load_preset("802.3ck-KR")
    assert (p.f_baud_hz, p.levels, p.der0, p.snr_tx_db) == (53.125e9, 4, 1e-4, 33.0)
    assert p.eta0_v2_per_hz == pytest.approx(8.2e-9 * 1e-9)  # V²/GHz → V²/Hz
    assert p.g_dc_db == tuple(float(g) for g in range(-20, 1))
    assert p.g_dc2_db == tuple(float(g) for g in range(-6, 1))
    # c(−3) 4 values × c(−2) 7 × c(−1) 18 × c(1) 11, of which c(0) >= 0.54 keeps 4345
    assert [t.values().size for t in p.tx_taps] == [4, 7, 18, 11]
    assert p.tx_grid().shape == (4345, 4)
    assert len(p.dfe_bmax) == 12 and p.dfe_bmax[0] == 0.85 and p.dfe_bmin[0] == 0.3
    assert (p.dfe_float_groups, p.dfe_float_taps, p.dfe_float_span_ui) == (3, 3, 40)
    assert p.package.z_p_tx_m == (12e-3, 31e-3) and p.package.z_p_rx_m == (12e-3, 29e-3)
    assert p.package.gamma0_per_mm == 0.0  # a legal value some tools reject (REFERENCE §9)
    assert p.tx_noise == "cursor"


def test_cr_and_c2c_differ_from_kr_where_their_sheets_do():
    kr, cr, c2c = (load_preset(n) for n in ("802.3ck-KR", "802.3ck-CR", "802.3ck-C2C"))
    assert cr.package.host_length_m == pytest.approx(110.3e-3) and kr.package.host_length_m == 0
    assert (cr.snr_tx_db, cr.eta0_v2_per_hz, cr.dfe_float_bmax) == (32.5, 9e-18, 0.03)
    assert c2c.der0 == 1e-5 and len(c2c.dfe_bmax) == 6 and c2c.dfe_float_groups == 0
    assert c2c.package.z_p_tx_m == (13e-3, 31e-3)


def test_tap_grid_values_include_both_ends():
    assert np.allclose(TapGrid(-0.34, 0.0, 0.02).values()[[0, -1]], [-0.34, 0.0])
    assert TapGrid(-0.34, 0.0, 0.02).values().size == 18
    assert TapGrid(0.1, 0.1, 0.0).values().tolist() == [0.1]


def test_legal_values_other_tools_reject_are_accepted(tmp_path):
    text = (
        __import__("importlib.resources", fromlist=["files"])
        .files("sigint.com")
        .joinpath("presets", "802.3ck-KR.toml")
        .read_text()
    )
    text = text.replace("a1_sqrt_ns_per_mm = 9.909e-4", "a1_sqrt_ns_per_mm = 1.734e-3")
    text = text.replace("l_s_h = [0.12e-9]", "l_s_h = [0.0]")
    path = tmp_path / "custom.toml"
    path.write_text(text)
    p = load_params(path)
    assert p.package.a1_sqrt_ns_per_mm == 1.734e-3 and p.package.l_s_h == (0.0,)


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (("der0 = 1e-4", "der0 = 0.5"), "der0"),
        (("levels = 4", "levels = 5"), "levels"),
        (("c0_min = 0.54", "c0_mn = 0.54"), "c0_min"),  # nearest-key hint
        (("dfe_bmin = [0.3,", "dfe_bmin = [0.9,"), "dfe_bmin"),
        (("z_p_rx_m = [12e-3, 29e-3]", "z_p_rx_m = [12e-3]"), "z_p_rx_m"),
        (("eta0_v2_per_hz = 8.2e-18\n", ""), "eta0_v2_per_hz"),  # a missing key, not a default
    ],
)
def test_bad_parameter_files_are_named(tmp_path, edit, expected):
    from importlib.resources import files

    text = files("sigint.com").joinpath("presets", "802.3ck-KR.toml").read_text()
    assert edit[0] in text
    path = tmp_path / "bad.toml"
    path.write_text(text.replace(edit[0], edit[1], 1))
    with pytest.raises(ConfigError, match=expected) as err:
        load_params(path)
    assert "bad.toml" in str(err.value)


def test_unknown_preset_lists_the_known_ones():
    with pytest.raises(ConfigError, match=r"802\.3ck-KR"):
        load_preset("802.3zz")
