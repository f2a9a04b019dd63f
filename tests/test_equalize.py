"""The adaptive receive equaliser: kernel twins, adaptation behaviour, and engine equivalences."""

import numpy as np
import pytest
import reference

from sigint.demo import demo_config
from sigint.kernels.equalize import equalize_slice, filter_rows
from sigint.modulation import Modulation
from sigint.timedomain import simulate

LEVELS = Modulation(4).normalized_levels()
THRESHOLDS = 0.5 * (LEVELS[1:] + LEVELS[:-1])


def _run_kernel(x, ffe, n_pre, dfe, mu_ffe, mu_dfe, n_adapt, ss_ffe, ss_dfe, every=7, count0=3):
    n = x.size - ffe.size + 1
    ffe, dfe = ffe.copy(), dfe.copy()
    history = np.zeros(dfe.size)
    dec, z, fb = np.empty(n, np.int8), np.empty(n), np.empty(n)
    trace = np.empty((n // every + 1, ffe.size + dfe.size))
    n_trace = equalize_slice(
        x,
        ffe,
        n_pre,
        dfe,
        history,
        THRESHOLDS,
        LEVELS,
        mu_ffe,
        mu_dfe,
        n_adapt,
        ss_ffe,
        ss_dfe,
        dec,
        z,
        fb,
        trace,
        every,
        count0,
    )
    return dec, z, fb, ffe, dfe, history, trace[:n_trace]


@pytest.mark.parametrize("ss_ffe", [False, True])
@pytest.mark.parametrize("ss_dfe", [False, True])
@pytest.mark.parametrize(("n_ffe", "n_pre", "n_dfe"), [(1, 0, 0), (1, 0, 3), (5, 2, 0), (7, 2, 4)])
def test_equalize_slice_equals_its_twin(ss_ffe, ss_dfe, n_ffe, n_pre, n_dfe):
    rng = np.random.default_rng(n_ffe * 10 + n_dfe)
    x = rng.choice(LEVELS, 300) + 0.1 * rng.standard_normal(300)
    ffe = np.zeros(n_ffe)
    ffe[n_pre] = 1.0
    ffe += 0.02 * rng.standard_normal(n_ffe)
    dfe = 0.05 * rng.standard_normal(n_dfe)
    args = (x, ffe, n_pre, dfe, 3e-3, 2e-3, 200, ss_ffe, ss_dfe)
    ours = _run_kernel(*args)
    twin = reference.equalize_slice(
        x,
        ffe,
        n_pre,
        dfe,
        np.zeros(n_dfe),
        THRESHOLDS,
        LEVELS,
        3e-3,
        2e-3,
        200,
        ss_ffe,
        ss_dfe,
        7,
        3,
    )
    for a, b in zip(ours, twin, strict=True):
        assert np.allclose(a, b, atol=1e-12), (a, b)


def test_filter_rows_equals_its_twin():
    rng = np.random.default_rng(1)
    rows = rng.standard_normal((40, 8))
    taps = rng.standard_normal(5)
    out = np.empty((36, 8))
    filter_rows(rows, taps, out)
    assert np.allclose(out, reference.filter_rows(rows, taps))


def test_frozen_taps_do_not_move():
    rng = np.random.default_rng(2)
    x = rng.choice(LEVELS, 500) + 0.2 * rng.standard_normal(500)
    ffe = np.array([0.1, 1.0, -0.2])
    dfe = np.array([0.3, 0.1])
    for mu_ffe, mu_dfe, n_adapt in ((1e-2, 1e-2, 0), (0.0, 0.0, 500)):
        *_, ffe_out, dfe_out, _, _ = _run_kernel(
            x, ffe, 1, dfe, mu_ffe, mu_dfe, n_adapt, False, False
        )
        assert np.array_equal(ffe_out, ffe) and np.array_equal(dfe_out, dfe)


def _demo(n=60_000, **changes):
    cfg = demo_config("224G", "PAM4", n_symbols=n)
    changes = {"sim.eye": False, "sim.warmup_symbols": 4_000, **changes}
    return cfg.replace(**changes)


def test_an_frozen_ffe_in_the_dsp_equals_the_same_ffe_folded_into_the_pulse():
    taps = (-0.05, 0.9, -0.1, 0.03)
    folded = simulate(_demo(**{"rx.ffe_taps": taps, "rx.ffe_cursor": 1}))
    in_dsp = simulate(
        _demo(
            **{
                "rx.ffe_taps": taps,
                "rx.ffe_cursor": 1,
                "rx.ffe_adaptation": "lms",
                "rx.freeze_after_symbols": 0,
            }
        )
    )
    # Same sampling instant, same noise, linear chain: equal up to where each pulse is cut
    # (1e-4 of its own peak; the pre-FFE and folded pulses have different tails).
    assert in_dsp.n_symbols == folded.n_symbols
    assert in_dsp.snr_db == pytest.approx(folded.snr_db, abs=0.02)
    assert in_dsp.symbol_errors == folded.symbol_errors
    assert np.allclose(in_dsp.dfe_taps, folded.dfe_taps, atol=1e-3)
    assert np.allclose(in_dsp.level_means_v, folded.level_means_v, rtol=1e-3)
    assert in_dsp.noise_sigma_v == pytest.approx(folded.noise_sigma_v, rel=2e-3)


@pytest.mark.parametrize("mode", ["lms", "sign-sign"])
def test_adaptive_ffe_and_dfe_improve_on_the_fixed_dfe_and_then_freeze(mode):
    fixed = simulate(_demo())
    cfg = _demo(
        n=80_000,
        **{
            "rx.ffe_taps": (0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0),
            "rx.ffe_cursor": 2,
            "rx.ffe_adaptation": mode,
            "rx.dfe_adaptation": mode,
            "rx.ffe_step": 5e-4 if mode == "lms" else 2e-5,
            "rx.dfe_step": 5e-4 if mode == "lms" else 2e-5,
            "sim.warmup_symbols": 50_000,
            "sim.tap_trace_every": 1_000,
        },
    )
    adaptive = simulate(cfg)
    assert adaptive.snr_db > fixed.snr_db + 2.0
    trace = adaptive.tap_trace
    assert trace.shape[0] >= 80 and trace.shape[1] == 7 + 24
    frozen = trace[51:]  # snapshots after the 50k-symbol adaptation stopped
    assert np.all(frozen == frozen[0])
    assert not np.all(trace[5] == trace[40])  # it did move while adapting


def test_dfe_taps_respect_their_limit_zero_forcing_and_adapting():
    free = simulate(_demo())
    limited = simulate(_demo(**{"rx.dfe_tap_limit": 0.05}))
    assert free.dfe_taps.max() > 0.05
    assert np.abs(limited.dfe_taps).max() <= 0.05 + 1e-12
    assert limited.snr_db < free.snr_db  # the clipped residual stays as ISI
    adapted = simulate(
        _demo(
            **{"rx.dfe_tap_limit": 0.05, "rx.dfe_adaptation": "lms", "sim.warmup_symbols": 30_000}
        )
    )
    assert np.abs(adapted.dfe_taps).max() <= 0.05 + 1e-12


def test_lms_converges_to_the_mmse_solution():
    from sigint.eqopt import solve_from_link
    from sigint.link import Link

    n_pre, n_post, n_dfe = 2, 4, 8
    taps = np.zeros(n_pre + 1 + n_post)
    taps[n_pre] = 1.0
    cfg = _demo(
        n=200_000,
        **{
            "rx.ffe_taps": tuple(taps),
            "rx.ffe_cursor": n_pre,
            "rx.ffe_adaptation": "lms",
            "rx.dfe_adaptation": "lms",
            "rx.dfe_taps": n_dfe,
            "rx.ffe_step": 2e-4,
            "rx.dfe_step": 2e-4,
            "sim.warmup_symbols": 180_000,
        },
    )
    link = Link(cfg)
    mmse = solve_from_link(link, n_pre, n_post, n_dfe, "mmse", phase="peak")
    lms = simulate(cfg)
    # The DSP's taps act on samples over the (unequalised) main cursor: scale to compare.
    lms_ffe = lms.ffe_taps / link.pulse.main_cursor
    scale = lms_ffe[n_pre] / mmse.ffe_taps[n_pre]  # LMS is the biased MMSE: a common gain
    assert scale == pytest.approx(1.0, abs=0.03)
    # Post-cursor FFE taps overlap the DFE's span: the FFE and the DFE can trade them at
    # almost no cost in MSE, so only the pre-cursor taps and the MSE itself are unique.
    main = mmse.ffe_taps[n_pre]
    assert np.allclose(lms_ffe[:n_pre] / scale / main, mmse.ffe_taps[:n_pre] / main, atol=0.01)
    assert lms.snr_db == pytest.approx(mmse.snr_db, abs=0.3)


def test_receive_cdr_with_its_loop_open_equals_the_fixed_phase_equaliser():
    from sigint.kernels import cdr as k

    rng = np.random.default_rng(9)
    s, n = 8, 400
    rows = np.ascontiguousarray(rng.choice(LEVELS, (n, 1)) + 0.1 * rng.standard_normal((n, s)))
    ffe = np.array([0.05, 1.0, -0.1, 0.02])
    n_pre = 1
    dfe = np.array([0.1, -0.05])
    params = np.zeros(k.N_PARAMS)  # Mueller-Müller, kp = ki = 0, no offset: φ stays 0
    params[k.P_WINDOW], params[k.P_LOCK_WINDOWS] = 64, 2
    state = np.zeros(k.N_STATE)
    k.reset_cdr_state(state, 0.0)
    pad = ffe.size - 1 - n_pre
    buf = np.ascontiguousarray(np.vstack([np.zeros((pad, s)), rows]))
    cap = n - n_pre - 1
    out = [np.empty(cap, np.int8), np.empty(cap, np.int64), np.empty(cap), np.empty(cap, np.int8),
           np.empty(cap), np.empty(cap)]  # fmt: skip
    d = k.receive_cdr(
        buf, -pad, THRESHOLDS, LEVELS, params, state, ffe.copy(), n_pre, dfe.copy(),
        np.zeros(2), 0.0, 0.0, 0, False, False, np.zeros(8), np.zeros(cap), *out,
    )  # fmt: skip
    x = np.concatenate([np.zeros(pad), rows[:, s // 2]])
    ref = _run_kernel(x[: d + ffe.size - 1], ffe, n_pre, dfe, 0.0, 0.0, 0, False, False)
    assert d == cap
    assert np.array_equal(out[0][:d], ref[0])
    assert np.allclose(out[4][:d], ref[1], atol=1e-12)
    assert np.array_equal(out[1][:d], np.arange(d))


def test_tap_trajectories_are_plotted_by_the_cli(tmp_path, capsys):
    from sigint.cli import main
    from sigint.config import save_config

    cfg = _demo(
        n=30_000,
        **{
            "rx.ffe_taps": (0.0, 1.0, 0.0, 0.0),
            "rx.ffe_cursor": 1,
            "rx.ffe_adaptation": "sign-sign",
            "rx.ffe_step": 2e-5,
            "sim.warmup_symbols": 20_000,
            "sim.tap_trace_every": 200,
        },
    )
    save_config(cfg, tmp_path / "adaptive.toml")
    assert main(["eye", str(tmp_path / "adaptive.toml"), "--out", str(tmp_path)]) == 0
    assert (tmp_path / "adaptive_taps.png").stat().st_size > 0
    assert "adaptive_taps.png" in capsys.readouterr().out


def test_floating_dfe_groups_sit_on_the_strongest_post_cursors_and_cancel_them():
    from sigint.link import Link

    cfg = _demo(
        **{
            "rx.dfe_taps": 4,
            "rx.dfe_floating_groups": 2,
            "rx.dfe_floating_group_taps": 3,
            "rx.dfe_floating_span_ui": 40,
        }
    )
    link = Link(cfg)
    mask = link.dfe_mask()
    assert mask.size == 40 and mask.sum() == 4 + 2 * 3
    assert np.all(mask[:4] == 1)
    post = link.pulse.cursors()[link.pulse.pre_ui + 1 : link.pulse.pre_ui + 41]
    energy = post[4:] ** 2
    chosen = energy[mask[4:] == 1].sum()
    # no other 6 free positions in two windows of 3 could carry more than the chosen ones
    assert chosen >= np.sort(energy)[-6:].sum() * 0.6
    floating = simulate(cfg)
    fixed_only = simulate(_demo(**{"rx.dfe_taps": 4}))
    assert floating.snr_db > fixed_only.snr_db
    assert np.all(floating.dfe_taps[mask == 0] == 0)


def test_floating_ffe_taps_exist_only_where_asked_and_adapt():
    cfg = _demo(
        n=80_000,
        **{
            "rx.ffe_taps": (0.0, 1.0, 0.0),
            "rx.ffe_cursor": 1,
            "rx.ffe_floating_taps": (6, 9),
            "rx.ffe_adaptation": "lms",
            "rx.ffe_step": 5e-4,
            "sim.warmup_symbols": 60_000,
        },
    )
    result = simulate(cfg)
    taps = result.ffe_taps
    assert taps.size == 1 + 1 + 9
    present = np.zeros(taps.size, bool)
    present[[0, 1, 2, 1 + 6, 1 + 9]] = True
    assert np.all(taps[~present] == 0)
    assert np.all(taps[[7, 10]] != 0)
