"""Spectrum products for FFT convolution of upsampled (zero-stuffed) streams."""

from numba import njit

from ._config import JIT_OPTIONS


@njit(**JIT_OPTIONS)
def accumulate_tiled_product(x_f, f, out):
    """Add ``x_f`` repeated periodically times ``f`` to ``out``.

    ``out[ν] += x_f[ν mod len(x_f)] · f[ν]``: the spectrum of a stream upsampled by zero
    stuffing is its own spectrum repeated, so the product needs no tiled copy.

    Parameters
    ----------
    x_f : complex[L]
    f : complex[N]
    out : complex[N]
        Accumulated in place.
    """
    n = out.shape[0]
    period = x_f.shape[0]
    start = 0
    while start < n:
        stop = min(start + period, n)
        for i in range(stop - start):
            out[start + i] += x_f[i] * f[start + i]
        start = stop
