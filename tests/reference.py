"""Slow, obvious numpy twins of the kernels: the definitions the fast code is tested against.

Each twin returns what its kernel writes into ``out`` (and the new state where it has one).
"""

from __future__ import annotations

import numpy as np


def generate_prbs(state: int, order: int, taps_mask: int, n: int) -> tuple[np.ndarray, int]:
    """Twin of ``kernels.prbs.generate_prbs``: the recurrence on a list of past bits."""
    # history[j] = bit j + 1 steps back
    history = [(state >> j) & 1 for j in range(order)]
    taps = [j for j in range(order) if (taps_mask >> j) & 1]
    out = np.zeros(n, dtype=np.uint8)
    for k in range(n):
        bit = 0
        for j in taps:
            bit ^= history[j]
        out[k] = bit
        history = [bit, *history[:-1]]
    new_state = sum(b << j for j, b in enumerate(history))
    return out, new_state


def _gray_to_index(g: np.ndarray, k: int) -> np.ndarray:
    idx = np.zeros_like(g)
    for i in range(2**k):
        idx[g == (i ^ (i >> 1))] = i
    return idx


def map_gray(bits: np.ndarray, bits_per_symbol: int) -> np.ndarray:
    """Twin of ``kernels.pam.map_gray``: group, weight MSB first, invert the Gray table."""
    k = bits_per_symbol
    groups = bits.reshape(-1, k).astype(np.int64)
    g = groups @ (1 << np.arange(k - 1, -1, -1))
    return _gray_to_index(g, k).astype(np.int8)


def demap_gray(symbols: np.ndarray, bits_per_symbol: int) -> np.ndarray:
    """Twin of ``kernels.pam.demap_gray``."""
    k = bits_per_symbol
    s = symbols.astype(np.int64)
    g = s ^ (s >> 1)
    bits = (g[:, None] >> np.arange(k - 1, -1, -1)) & 1
    return bits.reshape(-1).astype(np.uint8)


def map_pairs(bits: np.ndarray, table: np.ndarray) -> np.ndarray:
    """Twin of ``kernels.pam.map_pairs``."""
    labels = bits.reshape(-1, 5).astype(np.int64) @ (1 << np.arange(4, -1, -1))
    return table[labels].reshape(-1).astype(np.int8)


def demap_pairs(symbols: np.ndarray, inverse_table: np.ndarray) -> np.ndarray:
    """Twin of ``kernels.pam.demap_pairs``."""
    pairs = symbols.reshape(-1, 2).astype(np.int64)
    labels = inverse_table[pairs[:, 0], pairs[:, 1]].astype(np.int64)
    bits = (labels[:, None] >> np.arange(4, -1, -1)) & 1
    return bits.reshape(-1).astype(np.uint8)


def precode(symbols: np.ndarray, m: int, state: int) -> tuple[np.ndarray, int]:
    """Twin of ``kernels.pam.precode``: the recurrence, one symbol at a time."""
    out = np.zeros(symbols.size, dtype=np.int8)
    prev = int(state)
    for k, s in enumerate(symbols.tolist()):
        prev = (s - prev) % m
        out[k] = prev
    return out, prev


def decode_precoded(symbols: np.ndarray, m: int, state: int) -> tuple[np.ndarray, int]:
    """Twin of ``kernels.pam.decode_precoded``: vectorised ``(r + roll(r)) mod m``."""
    r = symbols.astype(np.int64)
    previous = np.concatenate(([state], r[:-1])) if r.size else r
    new_state = int(r[-1]) if r.size else int(state)
    return ((r + previous) % m).astype(np.int8), new_state


def levels_from_indices(symbols: np.ndarray, level_table: np.ndarray) -> np.ndarray:
    """Twin of ``kernels.pam.levels_from_indices``."""
    return level_table[symbols.astype(np.int64)].astype(np.float64)


def slice_levels(y: np.ndarray, thresholds: np.ndarray) -> np.ndarray:
    """Twin of ``kernels.slicer.slice_levels``: count of thresholds strictly below each sample."""
    return (y[:, None] > thresholds[None, :]).sum(axis=1).astype(np.int8)
