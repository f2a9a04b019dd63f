"""Statistical-eye kernel: the distribution of a sum of independent PAM-weighted cursors.

The interference at a sampling instant is Σ_k a_k·h_k with independent symbols a_k. Its
probability mass function on a uniform voltage grid follows by successive convolution, one
cursor at a time (cost linear in the number of cursors, never M^K enumeration). A cursor moves
mass by h_k·a_l, which is rarely a whole number of bins: the mass is split between the two
neighbouring bins in proportion (linear "cloud-in-cell"), which keeps every moment's mean exact
and adds a known variance frac·(1 − frac)·Δ² per cursor and level; the kernel returns that
variance so the caller can take it back out of the Gaussian noise it convolves with next.
"""

import numpy as np
from numba import njit

from ._config import JIT_OPTIONS


@njit(**JIT_OPTIONS)
def convolve_cursors(shifts, probs, pmf, work):
    """Convolve ``pmf`` in place with the distribution of every cursor in turn.

    Parameters
    ----------
    shifts : float64[K, L]
        Displacement of each cursor k for each symbol value l, in bins (h_k·a_l / Δ).
    probs : float64[K, L]
        Probability of each symbol value (each row sums to 1).
    pmf : float64[N]
        Probability mass on the grid; updated in place. Mass moved past either end stays in the
        end bin (size the grid so that none does).
    work : float64[N]
        Scratch space.

    Returns
    -------
    float
        Variance the bin splitting added, bins².
    """
    n = pmf.shape[0]
    k_count, n_levels = shifts.shape
    lo = n
    hi = -1
    for b in range(n):  # support of the current pmf
        if pmf[b] != 0.0:
            if b < lo:
                lo = b
            hi = b
    if hi < 0:
        return 0.0
    blur = 0.0
    for k in range(k_count):
        new_lo = n
        new_hi = -1
        for b in range(n):
            work[b] = 0.0
        for m in range(n_levels):
            p = probs[k, m]
            if p == 0.0:
                continue
            s = shifts[k, m]
            i0 = int(np.floor(s))
            frac = s - i0
            blur += p * frac * (1.0 - frac)
            w0 = p * (1.0 - frac)
            w1 = p * frac
            for b in range(lo, hi + 1):
                v = pmf[b]
                if v == 0.0:
                    continue
                t = b + i0
                t0 = min(max(t, 0), n - 1)
                t1 = min(max(t + 1, 0), n - 1)
                work[t0] += w0 * v
                work[t1] += w1 * v
                if t0 < new_lo:
                    new_lo = t0
                if t1 > new_hi:
                    new_hi = t1
        for b in range(n):
            pmf[b] = work[b]
        lo, hi = new_lo, new_hi
    return blur
