"""Crosstalk aggressors: coupling levels, independent data, and the noise they add."""

import dataclasses

import numpy as np
import pytest

from sigint.channel_config import AggressorConfig
from sigint.config import ChannelConfig, LinkConfig, RxConfig, SimConfig, StriplineSegment, TxConfig
from sigint.crosstalk import cut_on_grid, parametric_coupling
from sigint.link import Link
from sigint.timedomain import simulate

F_BAUD = 106.25e9


def _victim(aggressors=(), n=60_000, seed=3, length_m=0.0):
    """A noiseless victim; with no channel (the default) it has no ISI to speak of."""
    return LinkConfig(
        rate="224G",
        tx=TxConfig(swing_vppd=0.8, pattern="random", rise_time_s=0.17 / F_BAUD),
        channel=ChannelConfig((StriplineSegment(length_m),), aggressors=tuple(aggressors)),
        rx=RxConfig(bandwidth_hz=6 * F_BAUD, dfe_taps=16),
        sim=SimConfig(n_symbols=n, warmup_symbols=2_000, seed=seed, eye=False),
    )


def test_parametric_levels_are_what_the_config_says():
    f = np.linspace(0, 200e9, 2001)
    s21 = np.exp(-(1 + 1j) * np.sqrt(f / 1e9) * 0.5 - 2j * np.pi * f * 1e-9)
    f_n = 53.125e9
    fext = parametric_coupling("fext", -30.0, f, s21, f_n)
    k = np.interp(f_n, f, np.abs(fext / np.where(s21 == 0, 1, s21)))
    assert 20 * np.log10(k) == pytest.approx(-30.0, abs=1e-3)
    assert fext[0] == 0  # no coupling at DC
    next_ = parametric_coupling("next", -40.0, f, s21, f_n)
    assert 20 * np.log10(abs(next_[-1])) == pytest.approx(-40.0, abs=0.01)
    with pytest.raises(ValueError, match="kind"):
        parametric_coupling("xext", -40.0, f, s21, f_n)


def test_cut_on_grid_keeps_the_sample_phase_and_every_significant_sample():
    s = 16
    p = np.zeros(4096)
    p[1000:1100] = np.hanning(100)
    support = np.flatnonzero(p)  # 1001..1098 (the Hann window's ends are zero)
    for start_mod in range(s):
        cut = cut_on_grid(p, start_mod, s)
        start = support[0] - int(np.flatnonzero(cut)[0])
        assert cut.size % s == 0 and start % s == start_mod
        assert start <= support[0] and start + cut.size > support[-1]
        assert start > support[0] - s  # no whole UI of leading zeros
        assert np.array_equal(cut, p[start : start + cut.size])


def test_adding_an_aggressor_leaves_the_victim_data_untouched():
    quiet = simulate(_victim(length_m=0.1))
    noisy = simulate(_victim([AggressorConfig("next", level_db=-25.0)], length_m=0.1))
    assert quiet.n_symbols == noisy.n_symbols
    # Same victim symbols: the level means agree, only the spread grows.
    assert np.allclose(quiet.level_means_v, noisy.level_means_v, rtol=5e-3)
    assert noisy.level_sigmas_v.mean() > 2 * quiet.level_sigmas_v.mean()


@pytest.mark.parametrize(
    "aggressors",
    [
        [AggressorConfig("fext", level_db=-10.0)],
        [AggressorConfig("next", level_db=-25.0)],
        [AggressorConfig("fext", level_db=-18.0), AggressorConfig("next", level_db=-28.0)],
    ],
    ids=["fext", "next", "fext+next"],
)
def test_crosstalk_noise_at_the_slicer_matches_its_pulse_cursors(aggressors):
    # 10 cm of board: a real delay and loss for the FEXT to follow; the victim's own residual
    # ISI is measured without the aggressors (same seed, same victim data) and adds in power.
    quiet = simulate(_victim(length_m=0.1))
    cfg = _victim(aggressors, length_m=0.1)
    link = Link(cfg)
    s = cfg.sim.samples_per_ui
    predicted = 0.0
    for agg in link.aggressors:
        cursors = agg.samples[s // 2 :: s]
        predicted += np.mean(agg.levels_v**2) * np.sum(cursors**2)
    result = simulate(cfg)
    measured = np.mean(result.level_sigmas_v**2) - np.mean(quiet.level_sigmas_v**2)
    assert predicted > 2 * np.mean(quiet.level_sigmas_v**2)
    assert measured == pytest.approx(predicted, rel=0.05)


def test_aggressors_are_reproducible_and_independent_per_seed():
    cfg = _victim([AggressorConfig("fext", level_db=-25.0)])
    a, b = simulate(cfg), simulate(cfg)
    c = simulate(cfg.replace(**{"sim.seed": 4}))
    assert np.array_equal(a.level_sigmas_v, b.level_sigmas_v)
    assert not np.array_equal(a.level_sigmas_v, c.level_sigmas_v)


def test_aggressor_config_needs_exactly_one_coupling_source():
    from sigint.errors import ConfigError

    with pytest.raises(ConfigError, match="either level_db"):
        AggressorConfig("fext")
    with pytest.raises(ConfigError, match="either level_db"):
        AggressorConfig("fext", level_db=-30.0, touchstone="x.s4p")
    cfg = _victim([AggressorConfig("next", level_db=-30.0)])
    assert dataclasses.replace(cfg.channel).aggressors[0].kind == "next"
