"""PAM bit mapping, 1/(1+D) mod-M precoding and level lookup on symbol indices."""

import numpy as np
from numba import njit

from ._config import JIT_OPTIONS


@njit(**JIT_OPTIONS)
def map_gray(bits, bits_per_symbol, out):
    """Gray-map ``bits`` (``uint8``, MSB first) to indices ``out`` (``int8[len(bits) // k]``).

    The ``k = bits_per_symbol`` bits of a symbol, read as a binary-reflected Gray code, give its
    index: ``index = g ^ (g >> 1) ^ (g >> 2) ^ ...``.
    """
    k = bits_per_symbol
    for s in range(out.shape[0]):
        g = 0
        for j in range(k):
            g = (g << 1) | bits[s * k + j]
        idx = g
        t = g >> 1
        while t:
            idx ^= t
            t >>= 1
        out[s] = idx


@njit(**JIT_OPTIONS)
def demap_gray(symbols, bits_per_symbol, out):
    """Inverse of :func:`map_gray`: indices to ``out`` (``uint8[len(symbols) * k]``) bits."""
    k = bits_per_symbol
    for s in range(symbols.shape[0]):
        idx = np.int64(symbols[s])
        g = idx ^ (idx >> 1)
        for j in range(k):
            out[s * k + j] = (g >> (k - 1 - j)) & 1


@njit(**JIT_OPTIONS)
def map_pairs(bits, table, out):
    """Map 5-bit groups (MSB first) to symbol pairs: ``out[2g], out[2g+1] = table[label]``.

    ``table``: ``int8[32, 2]``; ``out``: ``int8[2 * (len(bits) // 5)]``.
    """
    for grp in range(out.shape[0] // 2):
        label = 0
        for j in range(5):
            label = (label << 1) | bits[5 * grp + j]
        out[2 * grp] = table[label, 0]
        out[2 * grp + 1] = table[label, 1]


@njit(**JIT_OPTIONS)
def demap_pairs(symbols, inverse_table, out):
    """Inverse of :func:`map_pairs`: ``label = inverse_table[a, b]`` written as 5 bits, MSB first.

    ``inverse_table``: ``uint8[6, 6]`` (corners included); ``out``: ``uint8[5 * (len // 2)]``.
    """
    for grp in range(symbols.shape[0] // 2):
        label = np.int64(inverse_table[symbols[2 * grp], symbols[2 * grp + 1]])
        for j in range(5):
            out[5 * grp + j] = (label >> (4 - j)) & 1


@njit(**JIT_OPTIONS)
def precode(symbols, m, state, out):
    """1/(1+D) mod-M precoder: ``p[k] = (s[k] - p[k-1]) mod m``; returns the last ``p``.

    ``state`` is ``p[-1]`` (the previous chunk's last output, 0 at the start).
    """
    prev = np.int64(state)
    for k in range(symbols.shape[0]):
        prev = (np.int64(symbols[k]) - prev) % m
        out[k] = prev
    return prev


@njit(**JIT_OPTIONS)
def decode_precoded(symbols, m, state, out):
    """Decoder of :func:`precode`: ``s[k] = (r[k] + r[k-1]) mod m``; returns the last ``r``.

    ``state`` is ``r[-1]`` (the previous chunk's last input, 0 at the start).
    """
    prev = np.int64(state)
    for k in range(symbols.shape[0]):
        cur = np.int64(symbols[k])
        out[k] = (cur + prev) % m
        prev = cur
    return prev


@njit(**JIT_OPTIONS)
def levels_from_indices(symbols, level_table, out):
    """Look up ``out[k] = level_table[symbols[k]]`` (``float64`` volts)."""
    for k in range(symbols.shape[0]):
        out[k] = level_table[symbols[k]]
