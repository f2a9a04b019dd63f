"""CTLE gain adaptation: the kernel's twin, exact gain derivatives, and the physics of the loop.

The 93A CTLE is affine in its linear DC gain g, so every response at g' is the response at g
plus (g' − g)·∂/∂g on the same window. The adaptation minimises the slicer MSE jointly with the
FFE and DFE; with a fixed sampling instant its optimum is the g that maximises the MMSE
equaliser's SNR at that instant (:meth:`Link.with_ctle_gain` holds the instant fixed).
"""

import dataclasses

import numpy as np
import pytest
import reference

from sigint import eqopt
from sigint.channel_config import AggressorConfig
from sigint.config import ConfigError
from sigint.demo import demo_config
from sigint.jitter import JitterConfig
from sigint.kernels.equalize import equalize_ctle_slice
from sigint.link import Link
from sigint.modulation import Modulation
from sigint.timedomain import simulate

LEVELS = Modulation(4).normalized_levels()
THRESHOLDS = 0.5 * (LEVELS[1:] + LEVELS[:-1])


@pytest.mark.parametrize("ss_ctle", [False, True])
def test_equalize_ctle_slice_equals_its_twin(ss_ctle):
    rng = np.random.default_rng(5)
    n_ffe, n_pre, n_dfe, n = 4, 1, 3, 400
    data = rng.choice(LEVELS, n + n_ffe - 1)
    x_gain = 0.8 * data + 0.05 * rng.standard_normal(data.size)
    x0 = 0.6 * data + 0.3 * np.roll(data, 1) + 0.05 * rng.standard_normal(data.size)
    ffe = np.array([0.0, 1.0, -0.2, 0.0])
    dfe = np.zeros(n_dfe)
    ctle = np.array([0.5, 0.4, 0.2, 0.9])
    mu_ctle = 2e-3 if ss_ctle else 2e-2
    x_hist = x0[: n_ffe - 1].copy()
    args = (mu_ctle, ss_ctle, 50, ffe, n_pre, dfe, np.zeros(n_dfe), THRESHOLDS, LEVELS)
    twin = reference.equalize_ctle_slice(
        x0, x_gain, x_hist, ctle, *args, 2e-3, 3e-3, 300, False, False
    )
    ours_ffe, ours_dfe, ours_ctle = ffe.copy(), dfe.copy(), ctle.copy()
    x = np.concatenate([x_hist, np.empty(n)])
    dec, z, fb = np.empty(n, np.int8), np.empty(n), np.empty(n)
    trace = np.empty((n + 1, n_ffe + n_dfe + 1))
    rows = equalize_ctle_slice(
        x0, x_gain, x, ours_ctle, mu_ctle, ss_ctle, 50, ours_ffe, n_pre, ours_dfe,
        np.zeros(n_dfe), THRESHOLDS, LEVELS, 2e-3, 3e-3, 300, False, False, dec, z, fb,
        trace, 1, 0,
    )  # fmt: skip
    assert np.array_equal(dec, twin[0])
    assert np.allclose(z, twin[1], atol=1e-12)
    assert np.allclose(trace[:rows, -1], twin[2], atol=1e-12)  # the gain, sample by sample
    assert np.allclose(ours_ffe, twin[3], atol=1e-12) and np.allclose(ours_dfe, twin[4])
    assert twin[2][49] == ctle[0] and twin[2][60] != ctle[0]  # held, then adapting
    assert np.all(twin[2][300:] == twin[2][299])  # frozen after n_adapt


def _link_config(g_dc_db):
    agg = AggressorConfig("fext", level_db=-30.0)
    cfg = demo_config("224G", "PAM4")
    return cfg.replace(
        **{
            "rx.ctle_g_dc_db": g_dc_db,
            "channel": dataclasses.replace(cfg.channel, aggressors=(agg,)),
            "tx.jitter": JitterConfig(rj_rms_ui=0.01),
        }
    )


def test_ctle_gain_derivatives_move_every_response_exactly():
    """Each response at g' equals the one at g plus (g' − g)·∂/∂g, on the same window."""
    here, there = Link(_link_config(-12.0)), Link(_link_config(-4.0))
    moved = here.with_ctle_gain(-4.0)
    n = here.full_pulse().size

    def on(window_start, size, periodic):
        return periodic[(window_start + np.arange(size)) % n]

    p = on(here.pulse.window_start, here.pulse.samples.size, there.full_pulse())
    assert np.allclose(moved.pulse.samples, p, atol=1e-12 * np.abs(p).max())
    assert abs(moved.pulse.main_cursor / here.pulse.main_cursor - 1) > 0.3  # it did move
    h_edge = there.h_edge_before_rx * there._h_rx_front * there.ctle_response(there.f_hz)
    e = on(here.pulse.window_start, here.pulse.samples.size, np.fft.irfft(h_edge))
    assert np.allclose(moved.edge_response, e, atol=1e-12 * np.abs(e).max())
    # noise σ and the aggressor pulse follow the rebuilt link's (cut differently, same physics)
    rx_n0 = here.cfg.rx.noise_density_v2_hz
    assert moved.noise.sigma_v(rx_n0, 16) == pytest.approx(there.noise.sigma_v(rx_n0, 16), 1e-6)
    agg_moved, agg_there = moved.aggressors[0].samples, there.aggressors[0].samples
    assert np.sum(agg_moved**2) == pytest.approx(np.sum(agg_there**2), rel=1e-6)


def test_a_gain_that_cannot_move_leaves_the_run_unchanged():
    cfg = demo_config("224G", "PAM4").replace(
        **{
            "rx.ffe_taps": (0.0, 1.0, 0.0),
            "rx.ffe_cursor": 1,
            "rx.ffe_adaptation": "lms",
            "sim.n_symbols": 40_000,
            "sim.warmup_symbols": 20_000,
        }
    )
    fixed = simulate(cfg)
    held = simulate(cfg.replace(**{"rx.ctle_adaptation": "lms", "rx.ctle_hold_symbols": 10**9}))
    assert held.ctle_g_dc_db == pytest.approx(cfg.rx.ctle_g_dc_db, abs=1e-12)
    assert held.symbol_errors == fixed.symbol_errors
    assert held.snr_db == pytest.approx(fixed.snr_db, abs=1e-9)
    assert np.allclose(held.ffe_taps, fixed.ffe_taps, atol=1e-12)


def _adaptive(g_dc_db, mode="lms", step=2e-3, **extra):
    cfg = demo_config("224G", "PAM4").replace(
        **{
            "rx.ctle_g_dc_db": g_dc_db,
            "rx.ffe_taps": (0.0, 0.0, 1.0),  # pre-cursor taps only: no FFE/DFE redundancy
            "rx.ffe_cursor": 2,
            "rx.ffe_adaptation": "lms",
            "rx.dfe_taps": 6,
            "rx.dfe_adaptation": "lms",
            "rx.ctle_adaptation": mode,
            "rx.ctle_step": step,
            "sim.n_symbols": 400_000,
            "sim.warmup_symbols": 350_000,
            "sim.eye": False,
            "sim.tap_trace_every": 1000,
            **extra,
        }
    )
    return cfg, simulate(cfg)


def _mmse_profile(cfg):
    """MMSE FFE (2 pre) + DFE (6) SNR against g_DC at the config's own sampling instant."""
    link = Link(cfg.replace(**{"rx.ffe_taps": (), "rx.ffe_adaptation": "fixed",
                               "rx.ctle_adaptation": "fixed", "rx.dfe_taps": 0}))  # fmt: skip
    grid = np.arange(-20.0, 0.5, 1.0)
    snr = [eqopt.solve_from_link(link.with_ctle_gain(g), 2, 0, 6, phase=16).snr_db for g in grid]
    return link, grid, np.array(snr)


@pytest.mark.parametrize("mode", ["lms", "sign-sign"])
def test_the_adapted_gain_climbs_the_mmse_profile_and_the_run_matches_it(mode):
    cfg, result = _adaptive(-8.0, mode, 2e-3 if mode == "lms" else 2e-5)
    link, grid, snr = _mmse_profile(cfg)
    best = grid[np.argmax(snr)]
    assert best < -10  # this channel wants more peaking than the start
    g = result.ctle_g_dc_db
    assert g < -9.5  # moved ≥ 1.5 dB towards it ...
    assert g >= best - 0.5  # ... without overshooting
    mmse_here = eqopt.solve_from_link(link.with_ctle_gain(g), 2, 0, 6, phase=16).snr_db
    assert mmse_here > np.interp(-8.0, grid, snr) + 0.4  # a real improvement
    assert result.snr_db == pytest.approx(mmse_here, abs=0.35)  # and the run delivers it


def test_started_at_the_optimum_the_gain_stays_and_frozen_it_does_not_move():
    cfg, result = _adaptive(-16.0, **{"rx.freeze_after_symbols": 200_000})
    _, grid, snr = _mmse_profile(cfg)
    assert abs(grid[np.argmax(snr)] - (-16.0)) <= 1.0
    trace_db = 20 * np.log10(result.tap_trace[:, -1])
    assert np.all(np.abs(trace_db + 16.0) < 0.5)
    frozen = trace_db[200:]  # one row per 1000 symbols
    assert np.all(frozen == frozen[0])


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"rx.ctle_g_dc_db": None}, "ctle_g_dc_db"),
        ({"rx.ffe_adaptation": "fixed"}, "adaptive Rx FFE"),
        ({"rx.ctle_g_dc_db": -30.0}, "inside ctle_g_dc_range_db"),
        ({"rx.ctle_g_dc_range_db": (0.0, -20.0)}, "low < high"),
    ],
)
def test_ctle_adaptation_refuses_what_it_cannot_do(changes, expected):
    base = {
        "rx.ctle_g_dc_db": -8.0,
        "rx.ffe_taps": (0.0, 1.0),
        "rx.ffe_cursor": 1,
        "rx.ffe_adaptation": "lms",
        "rx.ctle_adaptation": "lms",
    }
    with pytest.raises(ConfigError, match=expected):
        demo_config("224G", "PAM4").replace(**{**base, **changes})
