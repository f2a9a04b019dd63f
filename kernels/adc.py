"""Uniform quantisation of sampled voltages: the ideal ADC."""

import numpy as np
from numba import njit

from ._config import JIT_OPTIONS


@njit(**JIT_OPTIONS)
def quantize(x, bits, full_scale, out):
    """Mid-rise uniform quantiser over ``[-full_scale, full_scale]`` with clipping.

    The ``2^bits`` output levels are ``(i + 1/2)·Δ`` for ``i = -2^(bits-1) … 2^(bits-1) - 1``,
    ``Δ = 2·full_scale / 2^bits``: there is no zero level, and the outer levels sit Δ/2 inside
    full scale. A sample beyond ``±full_scale`` takes the outer level and counts as a clip (one
    exactly at ``±full_scale`` does not: its error is Δ/2, still granular).

    Parameters
    ----------
    x : float64[n]
        Input samples.
    bits : int
        Resolution, ``bits >= 1``.
    full_scale : float
        Clipping level (> 0), same unit as ``x``.
    out : float64[n]
        Quantised samples (output). NaN in gives NaN out, not counted as a clip.

    Returns
    -------
    int
        Number of clipped samples.

    Notes
    -----
    O(n), one floor per sample.

    Examples
    --------
    >>> import numpy as np
    >>> out = np.empty(4)
    >>> quantize(np.array([0.1, -0.1, 0.9, -3.0]), 2, 1.0, out)
    1
    >>> out.tolist()
    [0.25, -0.25, 0.75, -0.75]
    """
    half = 2.0 ** (bits - 1)
    delta = full_scale / half
    clips = 0
    for k in range(x.shape[0]):
        v = x[k]
        if v > full_scale or v < -full_scale:
            clips += 1
        code = np.floor(v / delta)
        if code > half - 1.0:
            code = half - 1.0
        elif code < -half:
            code = -half
        out[k] = (code + 0.5) * delta
    return clips
