"""Eye metrics from per-level histograms: heights and widths of synthetic Gaussian eyes whose
answers are known in closed form."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.special import ndtr, ndtri

from sigint.eye import EyeDiagram

UI = 1e-11
N_PER_COLUMN = 10**12  # counts per level and phase: quantiles resolved far below 1e-6


def _gaussian_counts(mean: float, sigma: float, edges: np.ndarray) -> np.ndarray:
    """Expected counts of N(mean, σ²) per bin, tails folded into the edge bins."""
    cdf = ndtr((edges - mean) / sigma)
    cdf[0], cdf[-1] = 0.0, 1.0
    return np.round(N_PER_COLUMN * np.diff(cdf)).astype(np.int64)


def _eye(means: np.ndarray, sigma: float, v_span=(-1.0, 1.0), n_bins=2000) -> EyeDiagram:
    """``means[level, phase]`` → an EyeDiagram of Gaussian histograms."""
    m, s = means.shape
    edges = np.linspace(*v_span, n_bins + 1)
    hist = np.empty((m, s, n_bins), np.int64)
    for lev in range(m):
        for p in range(s):
            hist[lev, p] = _gaussian_counts(means[lev, p], sigma, edges)
    return EyeDiagram(hist, v_span[0], v_span[1], UI)


def _q_inv(p: float) -> float:
    return float(-ndtri(p))


@pytest.mark.parametrize("probability", [1e-2, 1e-3, 1e-6])
@pytest.mark.parametrize("mu_sigma", [(0.3, 0.02), (0.3, 0.08), (0.1, 0.06)], ids=repr)
def test_height_of_a_two_level_gaussian_eye_is_2mu_minus_2sigma_qinv(mu_sigma, probability):
    mu, sigma = mu_sigma
    s = 8
    eye = _eye(np.array([[-mu] * s, [mu] * s]), sigma)
    bin_v = (eye.v_max - eye.v_min) / eye.hist.shape[2]
    want = 2 * mu - 2 * sigma * _q_inv(probability)
    heights = eye.heights_v(probability)
    assert heights.shape == (1,)
    assert heights[0] == pytest.approx(want, abs=bin_v)
    if want < 0:
        assert heights[0] < 0  # a closed eye reads negative


def test_pam4_eye_heights_use_the_facing_tails_of_adjacent_levels():
    s = 4
    centres = np.array([-0.6, -0.2, 0.25, 0.6])  # uneven spacing: eyes of different height
    sigmas = 0.03
    eye = _eye(np.repeat(centres[:, None], s, axis=1), sigmas)
    bin_v = 2.0 / eye.hist.shape[2]
    p = 1e-4
    want = np.diff(centres) - 2 * sigmas * _q_inv(p)
    np.testing.assert_allclose(eye.heights_v(p), want, atol=bin_v)
    np.testing.assert_allclose(eye.centers_v(), centres, atol=bin_v / 10)


@pytest.mark.parametrize("s", [16, 32])
def test_width_of_an_eye_whose_opening_falls_linearly_with_phase(s):
    """Levels ±μ(p), μ(p) = μ0 − k·|p − c|: the opening 2μ(p) − 2σQ⁻¹(P) crosses zero at
    |p − c| = (μ0 − σQ⁻¹(P))/k phases on either side of the centre."""
    c = s // 2
    mu0, sigma, p_eye = 0.4, 0.02, 1e-3
    k = 1.2 / s  # volts per phase: closes 0.28 UI either side of the centre
    mu = mu0 - k * np.abs(np.arange(s) - c)
    eye = _eye(np.stack([-mu, mu]), sigma, n_bins=4000)
    half_phases = (mu0 - sigma * _q_inv(p_eye)) / k
    want = 2 * half_phases / s
    openings = eye.openings_v(p_eye)[0]
    np.testing.assert_allclose(openings, 2 * mu - 2 * sigma * _q_inv(p_eye), atol=5e-4)
    assert eye.widths_ui(p_eye)[0] == pytest.approx(want, abs=0.01 / s)


def test_width_is_zero_when_closed_at_the_sampling_phase_and_the_ui_when_open_everywhere():
    s = 8
    closed = _eye(np.array([[-0.01] * s, [0.01] * s]), 0.05)
    assert closed.widths_ui(1e-3)[0] == 0.0
    open_ = _eye(np.array([[-0.5] * s, [0.5] * s]), 0.01)
    assert open_.widths_ui(1e-3)[0] == pytest.approx((s - 1) / s)


def test_asymmetric_eye_width_adds_the_left_and_right_crossings():
    """Opening 2A(1 − d/3.5) on the left and 2A(1 − d/5.5) on the right of the centre (d in
    phases): it crosses zero 3.5 and 5.5 phases out, a width of 9 phases."""
    s = 16
    c = s // 2
    d = np.arange(s) - c
    sigma, p_eye, a = 0.002, 1e-3, 0.2
    mu = sigma * _q_inv(p_eye) + a * (1 - np.where(d < 0, -d / 3.5, d / 5.5))
    eye = _eye(np.stack([-mu, mu]), sigma, n_bins=8000)
    np.testing.assert_allclose(
        eye.openings_v(p_eye)[0], 2 * a * (1 - np.abs(d) / np.where(d < 0, 3.5, 5.5)), atol=3e-4
    )
    assert eye.widths_ui(p_eye)[0] == pytest.approx(9 / s, abs=0.01 / s)


def test_density_2ui_repeats_one_ui_around_the_sampling_instant():
    s = 8
    rng = np.random.default_rng(0)
    hist = rng.integers(0, 9, (4, s, 32)).astype(np.int64)
    eye = EyeDiagram(hist, -1.0, 1.0, UI)
    counts, t_ui = eye.density_2ui()
    total = hist.sum(axis=0)
    assert counts.shape == (2 * s, 32)
    assert t_ui[0] == -1.0 and t_ui[s] == 0.0
    np.testing.assert_array_equal(counts[s], total[s // 2])  # t = 0 is the sampling phase
    np.testing.assert_array_equal(counts[s + 1 : s + s // 2], total[s // 2 + 1 :])
    assert counts.sum() == 2 * total.sum()
