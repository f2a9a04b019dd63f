"""Joint Rx FFE + DFE optimisation from the pulse response, and the CTLE + Tx FFE search."""

import dataclasses as dc

import numpy as np
import pytest

from sigint.demo import ctle_93a, demo_config
from sigint.eqopt import (
    equalized_peak_phase,
    evaluate_ffe_dfe,
    search_ctle_txffe,
    solve_ffe_dfe,
    solve_from_link,
)
from sigint.link import Link
from sigint.timedomain import simulate


def _two_sided(rho=0.6, n=40):
    """Cursors ρ^|k|: H(z) = (1 − ρ²)/((1 − ρz⁻¹)(1 − ρz)), inverted exactly by 3 FFE taps."""
    k = np.arange(-n, n + 1)
    return rho ** np.abs(k), n


def test_flat_channel_mmse_is_a_unit_tap():
    sol = solve_ffe_dfe([0.5], 3, 4, 2, sigma_noise_v=0.05)
    expected = np.zeros(8)
    expected[3] = 2.0  # unit equalised cursor
    np.testing.assert_allclose(sol.ffe_taps, expected, atol=1e-12)
    np.testing.assert_allclose(sol.dfe_taps, 0.0, atol=1e-12)
    assert sol.snr_db == pytest.approx(20 * np.log10(0.5 / 0.05))


@pytest.mark.parametrize("criterion", ["mmse", "zf"])
def test_unit_cursor_constraint_holds_with_every_term(criterion):
    link = Link(demo_config("224G", "PAM4"))
    sx2 = float(np.mean(link.levels_v**2))
    agg = (link.pulse.cursors()[::-1] * 0.05, sx2)  # a made-up aggressor
    sol = solve_ffe_dfe(
        link.pulse, 3, 8, 4, criterion, sigma_noise_v=1e-3, aggressors=[agg], jitter=0.01,
        tx_noise_sigma_v=5e-3, dfe_limits=[0.3, 0.2, 0.1, 0.1], signal_power=sx2,
    )  # fmt: skip
    eq = np.convolve(link.pulse.cursors(), sol.ffe_taps)
    assert eq[link.pulse.pre_ui + 3] == pytest.approx(1.0, abs=1e-9)
    assert sol.equalized[sol.main] == pytest.approx(1.0, abs=1e-9)
    assert set(sol.components) == {"isi", "dfe_clip", "noise", "crosstalk", "tx_noise", "jitter"}
    assert sol.mse == pytest.approx(sum(sol.components.values()))
    assert sol.snr_db == pytest.approx(10 * np.log10(sx2 / sol.mse))


def test_zf_inverts_an_exactly_invertible_channel():
    c, main = _two_sided()
    sol = solve_ffe_dfe(c, 1, 1, 0, "zf", phase=main, sigma_noise_v=1e-3)
    np.testing.assert_allclose(sol.ffe_taps, np.array([-0.6, 1.36, -0.6]) / 0.64, atol=1e-9)
    # Only the truncation of the ρ^|k| tails is left: ρ^41-sized ISI.
    assert sol.components["isi"] < 1e-15
    assert sol.snr_db == pytest.approx(-20 * np.log10(1e-3 * np.linalg.norm(sol.ffe_taps)), 1e-6)


def test_zf_and_mmse_agree_at_very_high_snr():
    link = Link(demo_config("224G", "PAM4"))
    zf = solve_ffe_dfe(link.pulse, 4, 11, 3, "zf", sigma_noise_v=1e-9)
    mmse = solve_ffe_dfe(link.pulse, 4, 11, 3, "mmse", sigma_noise_v=1e-9)
    noisy = solve_ffe_dfe(link.pulse, 4, 11, 3, "mmse", sigma_noise_v=3e-3)
    scale = np.abs(zf.ffe_taps).max()
    np.testing.assert_allclose(mmse.ffe_taps, zf.ffe_taps, rtol=0, atol=1e-4 * scale)
    assert np.max(np.abs(noisy.ffe_taps - zf.ffe_taps)) > 1e-2 * scale  # noise does change them
    zf_noisy = solve_ffe_dfe(link.pulse, 4, 11, 3, "zf", sigma_noise_v=3e-3)
    assert noisy.snr_db >= zf_noisy.snr_db  # MMSE is optimal for the same noise


def test_mmse_bias_is_the_cursor_of_the_unconstrained_solution():
    c, main = _two_sided(0.4, 10)
    sol = solve_ffe_dfe(c, 2, 2, 1, phase=main, sigma_noise_v=0.2)
    h = np.array([[c[j - i] if 0 <= j - i < c.size else 0 for i in range(5)] for j in range(25)])
    h0 = h[main + 2]
    h_isi = np.delete(h, [main + 2, main + 3], axis=0)
    w_biased = np.linalg.solve(h_isi.T @ h_isi + np.outer(h0, h0) + 0.04 * np.eye(5), h0)
    assert h0 @ w_biased == pytest.approx(sol.bias, rel=1e-10)
    np.testing.assert_allclose(w_biased / (h0 @ w_biased), sol.ffe_taps, rtol=1e-9)


def test_dfe_limits_clip_and_the_clipped_residual_is_counted():
    c = np.array([0.0, 1.0, 0.7, 0.3, 0.1])
    free = solve_ffe_dfe(c, 0, 3, 3, phase=1, sigma_noise_v=0.01)
    lim = solve_ffe_dfe(c, 0, 3, 3, phase=1, sigma_noise_v=0.01, dfe_limits=[0.4, 0.4, 0.4])
    assert np.all(np.abs(lim.dfe_taps) <= 0.4 + 1e-12)
    assert lim.snr_db < free.snr_db
    assert lim.components["dfe_clip"] + lim.components["isi"] > 0
    # The FFE is re-solved around the clip: better than clipping the free solution's taps.
    clipped_free = evaluate_ffe_dfe(
        c, free.ffe_taps, 0, 3, phase=1, dfe_limits=[0.4, 0.4, 0.4]
    ).mse + 0.01**2 * np.sum(free.ffe_taps**2)
    assert lim.mse <= clipped_free + 1e-12


@pytest.mark.parametrize(("sndr_db", "rx_ffe", "n_dfe"), [(None, (4, 11), 4), (33.0, (2, 5), 1)])
def test_predicted_snr_matches_the_time_domain_engine(sndr_db, rx_ffe, n_dfe):
    cfg = demo_config("224G", "PAM4", n_symbols=100_000)
    cfg = dc.replace(
        cfg, tx=dc.replace(cfg.tx, sndr_db=sndr_db), sim=dc.replace(cfg.sim, eye=False)
    )
    link = Link(cfg)
    sol = solve_from_link(link, *rx_ffe, n_dfe, phase="equalized-peak")
    # The engine samples an equalised link at the equalised pulse's peak: the fixed point.
    assert equalized_peak_phase(link.pulse, sol.ffe_taps, rx_ffe[0]) == sol.phase
    rx = dc.replace(cfg.rx, ffe_taps=tuple(sol.ffe_taps), ffe_cursor=rx_ffe[0], dfe_taps=n_dfe)
    result = simulate(dc.replace(cfg, rx=rx))
    assert result.snr_db == pytest.approx(sol.snr_db, abs=0.3)
    np.testing.assert_allclose(result.dfe_taps, sol.dfe_taps, atol=2e-3)


def _grid(cfg):
    return search_ctle_txffe(
        cfg, g_dc_db=[-14.0, -8.0, -2.0], g_dc2_db=[-3.0, 0.0], tx_pre=[0.0, -0.1],
        tx_post=[0.0, -0.05], rx_ffe=(3, 8), n_dfe=2,
    )  # fmt: skip


def test_search_returns_the_best_candidate_and_is_deterministic():
    cfg = demo_config("224G", "PAM4")
    first, second = _grid(cfg), _grid(cfg)
    assert [c.fom_db for c in first.table] == [c.fom_db for c in second.table]
    assert first.best == second.best and len(first.table) == 3 * 2 * 2 * 2
    assert first.best.fom_db == max(c.fom_db for c in first.table)
    assert first.runner_up_margin_db >= 0
    assert f"g_DC {first.best.g_dc_db:g} dB" in first.why and "dominated by" in first.why
    assert first.candidates_per_s > 20
    # Brute force: rebuild the link for the winner and one loser and solve it.
    loser = min(first.table, key=lambda c: c.fom_db)
    for cand in (first.best, loser):
        rx = dc.replace(cfg.rx, **ctle_93a(cfg.f_baud_hz, cand.g_dc_db, cand.g_dc2_db))
        tx = dc.replace(cfg.tx, ffe_taps=cand.tx_taps, ffe_cursor=cand.tx_cursor)
        brute = solve_from_link(Link(dc.replace(cfg, rx=rx, tx=tx)), 3, 8, 2)
        assert brute.snr_db == pytest.approx(cand.fom_db, abs=0.02)
    assert first.solution.snr_db == pytest.approx(first.best.fom_db, abs=1e-9)
