"""The time-domain engine's kernels against their numpy twins in ``tests/reference.py``.

Superposition, DFE/LMS slicing, eye accumulation and the FFT tiled product, on random inputs,
edge sizes (no rows, one row, one tap, rate > 1) and injected NaN / inf.
"""

from __future__ import annotations

import numpy as np
import pytest
import reference

from sigint.kernels.dfe import dfe_slice
from sigint.kernels.eye import accumulate_eye
from sigint.kernels.spectrum import accumulate_tiled_product
from sigint.kernels.superpose import superpose_pulses
from sigint.modulation import Modulation


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(2024)


# ---------------------------------------------------------------- superpose_pulses

# (n_rows, span in UI, rate, n_phases)
SUPERPOSE_CASES = [
    (0, 5, 1, 8),  # no rows
    (1, 5, 1, 8),  # one row
    (7, 1, 1, 4),  # one tap: no history
    (7, 1, 4, 4),  # one UI of rate 4: four taps, no history
    (50, 12, 1, 32),
    (50, 12, 4, 8),  # noise-like stream, four values per UI
    (33, 3, 2, 1),  # slicer phase only
]


@pytest.mark.parametrize("case", SUPERPOSE_CASES, ids=repr)
def test_superpose_pulses_matches_the_defining_sum(case, rng):
    n_rows, span, rate, n_phases = case
    n_taps = span * rate
    table = rng.standard_normal((n_taps, n_phases))
    x = rng.standard_normal((n_rows + span - 1) * rate)
    x[::3] = 0.0  # zero inputs (symbols of 0 V, gaps) must add nothing
    out = np.full((n_rows, n_phases), np.nan)
    superpose_pulses(x, table, rate, out)
    want = reference.superpose_pulses(x, table, rate, n_rows)
    assert out.shape == want.shape
    np.testing.assert_allclose(out, want, rtol=1e-12, atol=1e-12 * np.sqrt(span * rate))


def test_superpose_pulses_propagates_nan_to_exactly_the_rows_it_reaches(rng):
    span, rate, n_rows = 4, 2, 20
    table = rng.standard_normal((span * rate, 3))
    x = rng.standard_normal((n_rows + span - 1) * rate)
    x[17] = np.nan
    out = np.empty((n_rows, 3))
    superpose_pulses(x, table, rate, out)
    want = reference.superpose_pulses(x, table, rate, n_rows)
    np.testing.assert_array_equal(np.isnan(out), np.isnan(want))
    # input 17 ends UI 8 (0-based, history included); rows whose window covers it: k = 5..8
    assert np.flatnonzero(np.isnan(out).any(axis=1)).tolist() == [5, 6, 7, 8]
    np.testing.assert_allclose(out[~np.isnan(want)], want[~np.isnan(want)], rtol=1e-12)


# ---------------------------------------------------------------- dfe_slice


def _dfe_inputs(rng, m: int, n: int, n_taps: int):
    mod = Modulation(m)
    levels = mod.normalized_levels()
    thresholds = 0.5 * (levels[1:] + levels[:-1])
    true_taps = 0.3 * rng.standard_normal(n_taps) / np.arange(1, n_taps + 1)
    a = levels[rng.integers(0, m, n + n_taps)]
    # a channel with the DFE's post-cursors, plus noise: the decisions are mostly right
    y = a[n_taps:].copy()
    for i, t in enumerate(true_taps):
        y += t * a[n_taps - 1 - i : a.size - 1 - i]
    y += 0.05 / (m - 1) * rng.standard_normal(n)
    return y, thresholds, levels


def _run_dfe(y, thresholds, levels, taps, history, step, n_adapt):
    taps, history = taps.copy(), history.copy()
    decisions = np.full(y.size, -1, np.int8)
    feedback = np.full(y.size, np.nan)
    dfe_slice(y, thresholds, levels, taps, history, step, n_adapt, decisions, feedback)
    return decisions, feedback, taps, history


# (M, n samples, n_taps, n_adapt)
DFE_CASES = [
    (m, n, n_taps, n_adapt)
    for m in (2, 4, 6, 8)
    for (n, n_taps, n_adapt) in [(0, 3, 0), (1, 3, 1), (500, 0, 500), (500, 1, 0), (500, 6, 200)]
] + [(4, 2000, 12, 2000), (8, 2000, 12, 0)]


@pytest.mark.parametrize("case", DFE_CASES, ids=repr)
def test_dfe_slice_matches_its_twin(case, rng):
    m, n, n_taps, n_adapt = case
    y, thresholds, levels = _dfe_inputs(rng, m, n, n_taps)
    taps0 = 0.1 * rng.standard_normal(n_taps)
    history0 = levels[rng.integers(0, m, n_taps)]
    got = _run_dfe(y, thresholds, levels, taps0, history0, 3e-3, n_adapt)
    want = reference.dfe_slice(y, thresholds, levels, taps0, history0, 3e-3, n_adapt)
    np.testing.assert_array_equal(got[0], want[0])
    for g, w in zip(got[1:], want[1:], strict=True):
        np.testing.assert_allclose(g, w, rtol=1e-12, atol=1e-14)
    if n_adapt == 0:
        np.testing.assert_array_equal(got[2], taps0)  # frozen taps do not move at all


@pytest.mark.parametrize("m", [2, 4, 8])
def test_dfe_slice_chunked_with_carried_state_equals_one_shot(m, rng):
    y, thresholds, levels = _dfe_inputs(rng, m, 3000, 8)
    zero = np.zeros(8)
    one = _run_dfe(y, thresholds, levels, zero, zero, 2e-3, 1700)
    taps, history = zero.copy(), zero.copy()
    parts = []
    for lo, hi in [(0, 1000), (1000, 1001), (1001, 2500), (2500, 3000)]:
        d = np.empty(hi - lo, np.int8)
        fb = np.empty(hi - lo)
        dfe_slice(y[lo:hi], thresholds, levels, taps, history, 2e-3, max(0, 1700 - lo), d, fb)
        parts.append((d, fb))
    np.testing.assert_array_equal(np.concatenate([p[0] for p in parts]), one[0])
    np.testing.assert_array_equal(np.concatenate([p[1] for p in parts]), one[1])
    np.testing.assert_array_equal(taps, one[2])
    np.testing.assert_array_equal(history, one[3])


def test_dfe_lms_learns_the_post_cursors_of_a_known_channel(rng):
    """Data-aided LMS on y = a_k + Σ h_i a_{k−i} + noise converges to b = h."""
    m, n = 4, 20_000
    levels = Modulation(m).normalized_levels()
    thresholds = 0.5 * (levels[1:] + levels[:-1])
    h = np.array([0.2, -0.08, 0.03])
    a = levels[rng.integers(0, m, n + 3)]
    y = a[3:] + h[0] * a[2:-1] + h[1] * a[1:-2] + h[2] * a[:-3] + 0.02 * rng.standard_normal(n)
    taps = np.zeros(3)
    history = np.zeros(3)
    d = np.empty(n, np.int8)
    fb = np.empty(n)
    dfe_slice(y, thresholds, levels, taps, history, 5e-3, n, d, fb)
    np.testing.assert_allclose(taps, h, atol=5e-3)
    # after convergence every decision is right
    np.testing.assert_array_equal(levels[d[n // 2 :]], a[3:][n // 2 :])


def test_dfe_slice_nan_sample_decides_the_lowest_level(rng):
    y, thresholds, levels = _dfe_inputs(rng, 4, 50, 2)
    y[[0, 10, 49]] = np.nan
    got = _run_dfe(y, thresholds, levels, np.array([0.1, 0.05]), np.zeros(2), 1e-3, 0)
    want = reference.dfe_slice(y, thresholds, levels, [0.1, 0.05], np.zeros(2), 1e-3, 0)
    np.testing.assert_array_equal(got[0], want[0])
    assert got[0][[0, 10, 49]].tolist() == [0, 0, 0]
    np.testing.assert_allclose(got[1], want[1], rtol=1e-12)


# ---------------------------------------------------------------- accumulate_eye


# (M, n rows, n phases, n bins)
EYE_CASES = [(2, 0, 8, 16), (2, 1, 8, 16), (4, 300, 16, 64), (6, 300, 1, 32), (8, 1000, 32, 128)]


@pytest.mark.parametrize("case", EYE_CASES, ids=repr)
def test_accumulate_eye_matches_its_twin(case, rng):
    m, n, s, n_bins = case
    v_min, v_max = -0.4, 0.5
    rows = rng.uniform(-0.6, 0.7, (n, s))  # about a fifth of the samples outside the span
    offset = rng.uniform(-0.05, 0.05, n)
    lev = rng.integers(0, m, n).astype(np.int8)
    hist0 = rng.integers(0, 5, (m, s, n_bins)).astype(np.int64)
    hist = hist0.copy()
    accumulate_eye(rows, offset, lev, v_min, v_max, hist)
    np.testing.assert_array_equal(
        hist, reference.accumulate_eye(rows, offset, lev, v_min, v_max, hist0)
    )
    assert hist.sum() - hist0.sum() == n * s  # every sample counted once


def test_accumulate_eye_clips_out_of_range_and_non_finite_samples_to_the_edge_bins():
    values = [1e30, np.inf, 0.5, 0.2500001, -0.5, -1e30, -np.inf, np.nan, 0.0, 0.24999]
    rows = np.array(values)[:, None]
    hist = np.zeros((1, 1, 8), np.int64)
    accumulate_eye(rows, np.zeros(rows.shape[0]), np.zeros(rows.shape[0], np.int8), -0.5, 0.5, hist)
    want = reference.accumulate_eye(
        rows,
        np.zeros(rows.shape[0]),
        np.zeros(rows.shape[0], np.int8),
        -0.5,
        0.5,
        np.zeros_like(hist),
    )
    np.testing.assert_array_equal(hist, want)
    # top bin: 1e30, inf, 0.5 (the span's upper edge); bottom: -0.5, -1e30, -inf, NaN
    assert hist[0, 0].tolist() == [4, 0, 0, 0, 1, 1, 1, 3]


# ---------------------------------------------------------------- accumulate_tiled_product


# (period L, length N)
TILED_CASES = [(5, 0), (1, 7), (8, 8), (8, 3), (6, 20), (64, 1000)]


@pytest.mark.parametrize("dtype", [np.complex128, np.complex64])
@pytest.mark.parametrize("case", TILED_CASES, ids=repr)
def test_accumulate_tiled_product_matches_its_twin(case, dtype, rng):
    period, n = case

    def crandn(k):
        return (rng.standard_normal(k) + 1j * rng.standard_normal(k)).astype(dtype)

    x_f, f, out0 = crandn(period), crandn(n), crandn(n)
    out = out0.copy()
    accumulate_tiled_product(x_f, f, out)
    tol = 1e-6 if dtype == np.complex64 else 1e-14
    np.testing.assert_allclose(
        out, reference.accumulate_tiled_product(x_f, f, out0), rtol=tol, atol=tol
    )


def test_accumulate_tiled_product_propagates_inf_and_nan_where_they_land(rng):
    x_f = np.ones(4, complex)
    x_f[1] = np.inf
    f = np.ones(10, complex)
    f[6] = np.nan
    out = np.zeros(10, complex)
    accumulate_tiled_product(x_f, f, out)
    with np.errstate(invalid="ignore"):  # inf · (1 + 0j) has a NaN imaginary part
        want = reference.accumulate_tiled_product(x_f, f, np.zeros(10, complex))
    np.testing.assert_array_equal(out, want)  # NaN where NaN, inf where inf
    assert np.flatnonzero(np.isinf(out.real)).tolist() == [1, 5, 9]
    assert np.flatnonzero(np.isnan(out.real)).tolist() == [6]
    assert np.isfinite(out[[0, 2, 3, 4, 7, 8]]).all()
