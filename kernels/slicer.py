"""Threshold slicers: received samples to symbol indices."""

from numba import njit

from ._config import JIT_OPTIONS


@njit(**JIT_OPTIONS)
def decide(y, thresholds):
    """Index decided for one sample: the number of ``thresholds`` strictly below ``y``.

    ``thresholds`` ascending. A sample equal to a threshold takes the lower index; NaN gives 0.
    A linear scan: M - 1 <= 7 thresholds, cheaper than a bisection's branches.
    """
    idx = 0
    for t in thresholds:
        if y > t:
            idx += 1
    return idx


@njit(**JIT_OPTIONS)
def slice_levels(y, thresholds, out):
    """Decide every sample: ``out[k] = decide(y[k], thresholds)`` (``int8``)."""
    for k in range(y.shape[0]):
        out[k] = decide(y[k], thresholds)
