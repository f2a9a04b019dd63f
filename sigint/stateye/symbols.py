"""Symbol statistics the statistical engine needs: level probabilities, PAM6 pair groups, and
the bits a wrong decision costs."""

from __future__ import annotations

import numpy as np

from ..modulation import gray_labels
from ..symbols import demap_symbols


def level_probabilities(mod) -> np.ndarray:
    """Probability of each level: uniform, except PAM6's 32-of-36 pair map."""
    m = mod.levels
    if m != 6:
        return _uniform(m)
    pairs = mod.pair_table
    counts = np.bincount(np.asarray(pairs).ravel(), minlength=m).astype(float)
    return counts / counts.sum()


def pair_block(h, main, q, levels_v, pairs, skip_own=False):
    """One joint group per PAM6 pair of the cursors ``h`` (row r: the symbol r − main UIs
    before the sampled one, which sits at position ``q`` of its pair): values
    h(first)·a(first) + h(second)·a(second) over the 32 pairs, equally likely. Pair P holds
    the symbols q − 2P (first) and q − 2P − 1; ``skip_own`` leaves out P = 0, the sampled
    symbol's own pair."""
    d = np.arange(h.size) - main
    rel = np.unique(np.floor_divide(q - d, 2))
    if skip_own:
        rel = rel[rel != 0]

    def at(dd):
        r = main + dd
        return np.where((r >= 0) & (r < h.size), h[np.clip(r, 0, h.size - 1)], 0.0)

    values = np.outer(at(q - 2 * rel), levels_v[pairs[:, 0]])
    values += np.outer(at(q - 2 * rel - 1), levels_v[pairs[:, 1]])
    return values, np.full(values.shape, 1.0 / pairs.shape[0])


def pair_error_bits(pair, q, mod) -> np.ndarray:
    """Bits lost when the symbol at position ``q`` of a PAM6 ``pair`` is decided as each
    level (decoding the damaged pair as the receiver does), float64[M]."""
    sent = demap_symbols(np.asarray(pair, dtype=np.int8), mod)
    out = np.zeros(mod.levels)
    for j in range(mod.levels):
        moved = np.array(pair, dtype=np.int8)
        moved[q] = j
        out[j] = np.count_nonzero(demap_symbols(moved, mod) != sent)
    return out


def gray_error_bits(m: int) -> np.ndarray:
    """Bits lost deciding level j for level i under Gray labels, float64[M, M]."""
    labels = gray_labels(m)
    diff = np.bitwise_xor.outer(labels, labels)
    return np.array([[bin(int(v)).count("1") for v in row] for row in diff], dtype=float)


def _uniform(m: int) -> np.ndarray:
    return np.full(m, 1.0 / m)
