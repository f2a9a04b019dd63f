"""Distributions on a uniform voltage grid: sums of independent value groups, plus Gaussian noise.

Shared by the statistical engine and COM's A_ni (both convolve per-cursor distributions, then a
Gaussian term, on one grid).
"""

from __future__ import annotations

import numpy as np
from scipy.special import ndtr

from ..kernels.stateye import convolve_cursors

#: The Gaussian kernel, and the grid beyond the worst-case interference, reach this many σ.
GRID_SIGMAS = 10.0


def convolve_groups(blocks, dv, pmf, work) -> float:
    """Convolve ``pmf`` in place with every group of ``(values_v, probs)`` blocks (one row
    per group); the splitting's variance, bins²."""
    blocks = [(v, pr) for v, pr in blocks if v.shape[0]]
    if not blocks:
        return 0.0
    width = max(v.shape[1] for v, _ in blocks)
    shifts = np.concatenate([_pad(v / dv, width) for v, _ in blocks])
    probs = np.concatenate([_pad(pr, width) for _, pr in blocks])
    return convolve_cursors(shifts, probs, pmf, work)


def _pad(a, width):
    out = np.zeros((a.shape[0], width))
    out[:, : a.shape[1]] = a
    return out


def with_gaussian(pmf: np.ndarray, var_v2: float, dv: float) -> np.ndarray:
    """``pmf`` convolved with a Gaussian of variance ``var_v2`` integrated over each bin."""
    if var_v2 <= 0:
        return pmf
    sigma = np.sqrt(var_v2) / dv  # bins
    w = int(np.ceil(GRID_SIGMAS * sigma)) + 1
    edges = (np.arange(-w, w + 2) - 0.5) / sigma
    kernel = np.diff(ndtr(edges))
    return np.convolve(pmf, kernel, mode="same")
