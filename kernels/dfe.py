"""Decision-feedback equalisation and slicing of the sampled waveform."""

import numpy as np
from numba import njit

from ._config import JIT_OPTIONS
from .equalize import equalize_slice


@njit(**JIT_OPTIONS)
def dfe_slice(y, thresholds, levels, taps, history, step, n_adapt, decisions, feedback):
    """Slice a normalised sample stream through a DFE, optionally adapting its taps by LMS.

    Everything is in normalised units: the ideal received levels are ``levels`` (the Tx
    levels over the outer level), and ``y`` is the slicer-phase sample divided by
    main cursor × outer level.

    Parameters
    ----------
    y : float64[n]
        Slicer-phase samples of the chunk.
    thresholds : float64[M - 1]
        Decision thresholds (ascending).
    levels : float64[M]
        Ideal level of each decision index.
    taps : float64[n_taps]
        DFE taps, updated in place while adapting.
    history : float64[n_taps]
        Levels of the last decisions, most recent first; updated in place (carried across
        chunks).
    step : float
        LMS step size μ.
    n_adapt : int
        Adapt taps on the first ``n_adapt`` samples of this chunk (0: frozen).
    decisions : int8[n]
        Decided level indices (output).
    feedback : float64[n]
        Feedback subtracted from each sample (output).

    Notes
    -----
    LMS: b_i ← b_i + μ·e_k·â_{k−i} with e_k = y_k − Σ b_i â_{k−i} − â_k, the data-aided
    error against the decided level. O(n · n_taps), inherently sequential: the
    :func:`~sigint.kernels.equalize.equalize_slice` kernel with a unit FFE.
    """
    n = y.shape[0]
    unit = np.ones(1)
    z = np.empty(n)
    trace = np.empty((0, 1 + taps.shape[0]))
    equalize_slice(
        y,
        unit,
        0,
        taps,
        history,
        thresholds,
        levels,
        0.0,
        step,
        n_adapt,
        False,
        False,
        decisions,
        z,
        feedback,
        trace,
        0,
        0,
    )
