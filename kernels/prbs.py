"""Fibonacci LFSR pseudo-random bit sequences (PRBS), streamed in chunks."""

import numpy as np
from numba import njit

from ._config import JIT_OPTIONS


@njit(**JIT_OPTIONS)
def generate_prbs(state, order, taps_mask, out):
    """Fill ``out`` with PRBS bits from a Fibonacci LFSR; return the register after the last bit.

    Bit ``j`` of ``state`` holds the output ``j + 1`` steps back (bit 0 = the latest bit). Each new
    bit is the XOR of the register bits selected by ``taps_mask``; for a polynomial
    ``x^n + ... + x^e + ... + 1`` bit ``e - 1`` of the mask is set for every exponent ``e``, so
    the output obeys ``b[k] = XOR_e b[k - e]``. Passing the returned state back continues the
    sequence, so chunked output equals one-shot output.

    ``state``: nonzero, below ``2**order``; ``order`` <= 62; ``out``: ``uint8[n]`` (written).
    """
    reg = np.int64(state)
    mask = np.int64(taps_mask)
    keep = (np.int64(1) << order) - 1
    for k in range(out.shape[0]):
        # Parity by folding: 6 shift-xors instead of a loop over up to 31 register bits.
        x = reg & mask
        x ^= x >> 32
        x ^= x >> 16
        x ^= x >> 8
        x ^= x >> 4
        x ^= x >> 2
        x ^= x >> 1
        bit = x & 1
        out[k] = bit
        reg = ((reg << 1) | bit) & keep
    return reg
