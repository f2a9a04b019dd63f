"""Bit sources, PAM mapping/demapping, precoding and slicing: validated wrappers over kernels.

Each function here checks its inputs, converts dtypes, allocates the output, then calls a kernel
in :mod:`sigint.kernels`; errors come only from here.
"""

from __future__ import annotations

import numpy as np

from sigint.kernels.pam import (
    decode_precoded,
    demap_gray,
    demap_pairs,
    levels_from_indices,
    map_gray,
    map_pairs,
    precode,
)
from sigint.kernels.prbs import generate_prbs
from sigint.kernels.slicer import slice_levels
from sigint.modulation import Modulation

__all__ = [
    "PRBS_POLYNOMIALS",
    "Prbs",
    "PrecodeDecoder",
    "Precoder",
    "RandomBits",
    "demap_symbols",
    "indices_to_levels",
    "map_bits",
    "prbs_taps_mask",
    "slice_symbols",
]

#: PRBS order -> exponents of its generator polynomial (the constant term 1 implied), per
#: ITU-T O.150 and IEEE 802.3. The output obeys ``b[k] = XOR_e b[k - e]`` over these exponents.
PRBS_POLYNOMIALS: dict[int, tuple[int, ...]] = {
    7: (7, 6),
    9: (9, 5),
    11: (11, 9),
    13: (13, 12, 2, 1),
    15: (15, 14),
    23: (23, 18),
    31: (31, 28),
}


def prbs_taps_mask(order: int) -> int:
    """Register tap mask of the standard PRBS of ``order`` (bit ``e - 1`` per exponent ``e``).

    Raises
    ------
    ValueError
        If ``order`` is not a key of :data:`PRBS_POLYNOMIALS`.
    """
    if order not in PRBS_POLYNOMIALS:
        raise ValueError(f"PRBS order {order!r}: expected one of {sorted(PRBS_POLYNOMIALS)}")
    return sum(1 << (e - 1) for e in PRBS_POLYNOMIALS[order])


def _as_count(n: int, what: str) -> int:
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 0:
        raise ValueError(f"{what} = {n!r}: expected an integer >= 0")
    return int(n)


def _as_modulation(modulation: Modulation | int | str) -> Modulation:
    if isinstance(modulation, Modulation):
        return modulation
    if isinstance(modulation, str):
        return Modulation.from_name(modulation)
    return Modulation(modulation)


class Prbs:
    """Streaming PRBS bit source; consecutive calls continue one sequence.

    Parameters
    ----------
    order : int
        7, 9, 11, 13, 15, 23 or 31 (polynomials in :data:`PRBS_POLYNOMIALS`).
    seed : int
        Any integer >= 0; the initial register is ``seed mod (2**order - 1) + 1`` (never zero).

    Input / Output
    --------------
    ``n_bits`` → ``uint8[n_bits]`` of 0/1.

    Examples
    --------
    >>> Prbs(7, seed=126)(8).tolist()  # register all ones
    [0, 0, 0, 0, 0, 0, 1, 0]
    """

    def __init__(self, order: int = 31, seed: int = 0):
        self.order = order
        self.taps_mask = prbs_taps_mask(order)
        seed = _as_count(seed, "seed")
        self.state = seed % ((1 << order) - 1) + 1

    def __call__(self, n_bits: int) -> np.ndarray:
        out = np.empty(_as_count(n_bits, "n_bits"), dtype=np.uint8)
        self.state = int(generate_prbs(self.state, self.order, self.taps_mask, out))
        return out


class RandomBits:
    """Independent fair bits from an injected ``numpy.random.Generator``.

    Input / Output: ``n_bits`` → ``uint8[n_bits]``.
    """

    def __init__(self, rng: np.random.Generator):
        if not isinstance(rng, np.random.Generator):
            raise ValueError(f"rng = {rng!r}: expected a numpy.random.Generator")
        self.rng = rng

    def __call__(self, n_bits: int) -> np.ndarray:
        return self.rng.integers(0, 2, size=_as_count(n_bits, "n_bits"), dtype=np.uint8)


def _as_bits(bits: np.ndarray) -> np.ndarray:
    b = np.ascontiguousarray(bits)
    if b.ndim != 1:
        raise ValueError(f"bits has shape {b.shape}: expected one dimension")
    if b.size and (b.dtype.kind not in "uib" or b.min() < 0 or b.max() > 1):
        raise ValueError("bits: expected integer values 0 or 1")
    return b.astype(np.uint8, copy=False)


def _as_indices(symbols: np.ndarray, m: int) -> np.ndarray:
    s = np.ascontiguousarray(symbols)
    if s.ndim != 1:
        raise ValueError(f"symbols has shape {s.shape}: expected one dimension")
    if s.size and (s.dtype.kind not in "ui" or s.min() < 0 or s.max() >= m):
        raise ValueError(f"symbols: expected integer indices in [0, {m})")
    return s.astype(np.int8, copy=False)


def map_bits(bits: np.ndarray, modulation: Modulation | int | str) -> np.ndarray:
    """Map bits to symbol indices (Gray for PAM2/4/8, 5 bits → 2 symbols for PAM6).

    Parameters
    ----------
    bits : numpy.ndarray
        ``[n_bits]`` of 0/1, a multiple of ``modulation.bits_per_group``.
    modulation : Modulation, int or str
        The modulation, its level count or its name.

    Returns
    -------
    numpy.ndarray
        ``int8[n_bits / bits_per_symbol]`` indices in ``[0, M)``.

    Raises
    ------
    ValueError
        If a bit is not 0/1 or ``n_bits`` is not a multiple of the group size.

    Examples
    --------
    >>> map_bits(np.array([0, 0, 0, 1, 1, 1, 1, 0]), "PAM4").tolist()
    [0, 1, 2, 3]
    """
    mod = _as_modulation(modulation)
    b = _as_bits(bits)
    k = mod.bits_per_group
    if b.size % k:
        raise ValueError(f"{b.size} bits: expected a multiple of {k} for {mod.name}")
    out = np.empty(b.size // k * mod.symbols_per_group, dtype=np.int8)
    if mod.levels == 6:
        map_pairs(b, mod.pair_table, out)
    else:
        map_gray(b, k, out)
    return out


def demap_symbols(indices: np.ndarray, modulation: Modulation | int | str) -> np.ndarray:
    """Inverse of :func:`map_bits`; PAM6 corner pairs demap one step inward (see modulation).

    Parameters
    ----------
    indices : numpy.ndarray
        ``[n_symbols]`` indices in ``[0, M)``; a multiple of 2 for PAM6.
    modulation : Modulation, int or str
        The modulation, its level count or its name.

    Returns
    -------
    numpy.ndarray
        ``uint8[n_symbols * bits_per_symbol]``.

    Raises
    ------
    ValueError
        If an index is out of range or ``n_symbols`` is not a multiple of the group size.
    """
    mod = _as_modulation(modulation)
    s = _as_indices(indices, mod.levels)
    g = mod.symbols_per_group
    if s.size % g:
        raise ValueError(f"{s.size} symbols: expected a multiple of {g} for {mod.name}")
    out = np.empty(s.size // g * mod.bits_per_group, dtype=np.uint8)
    if mod.levels == 6:
        demap_pairs(s, mod.pair_inverse, out)
    else:
        demap_gray(s, mod.bits_per_group, out)
    return out


def indices_to_levels(
    indices: np.ndarray, modulation: Modulation | int | str, swing_vppd: float, rlm: float = 1.0
) -> np.ndarray:
    """Levels in volts of symbol indices (``float64[n_symbols]``); see ``Modulation.levels_v``."""
    mod = _as_modulation(modulation)
    s = _as_indices(indices, mod.levels)
    out = np.empty(s.size, dtype=np.float64)
    levels_from_indices(s, mod.levels_v(swing_vppd, rlm), out)
    return out


def slice_symbols(
    y: np.ndarray, modulation: Modulation | int | str, swing_vppd: float, rlm: float = 1.0
) -> np.ndarray:
    """Decide samples (volts) against ``Modulation.thresholds_v``; returns ``int8`` indices."""
    mod = _as_modulation(modulation)
    yy = np.ascontiguousarray(y, dtype=np.float64)
    if yy.ndim != 1:
        raise ValueError(f"y has shape {yy.shape}: expected one dimension")
    out = np.empty(yy.size, dtype=np.int8)
    slice_levels(yy, mod.thresholds_v(swing_vppd, rlm), out)
    return out


def _as_levels(m: Modulation | int) -> int:
    lv = m.levels if isinstance(m, Modulation) else m
    if isinstance(lv, bool) or not isinstance(lv, (int, np.integer)) or not 2 <= lv <= 127:
        raise ValueError(f"m = {m!r}: expected an integer number of levels in [2, 127]")
    return int(lv)


class Precoder:
    """1/(1+D) mod-M precoder on indices, ``p[k] = (s[k] - p[k-1]) mod M``; state spans calls.

    Parameters
    ----------
    m : int or Modulation
        Number of levels M.

    Input / Output: ``int[n]`` indices → ``int8[n]`` precoded indices.

    Notes
    -----
    With :class:`PrecodeDecoder` after the slicer, one wrong decision ``r[k] + e`` becomes two
    wrong symbols (``k`` and ``k + 1``), while a DFE error burst of alternating sign
    ``+e, -e, +e, ...`` collapses to two wrong symbols at its ends.
    """

    def __init__(self, m: Modulation | int):
        self.m = _as_levels(m)
        self.state = 0

    def __call__(self, symbols: np.ndarray) -> np.ndarray:
        s = _as_indices(symbols, self.m)
        out = np.empty(s.size, dtype=np.int8)
        self.state = int(precode(s, self.m, self.state, out))
        return out


class PrecodeDecoder:
    """Decoder of :class:`Precoder`, ``s[k] = (r[k] + r[k-1]) mod M``; state spans calls.

    Parameters
    ----------
    m : int or Modulation
        Number of levels M.

    Input / Output: ``int[n]`` decided indices → ``int8[n]`` decoded indices.
    """

    def __init__(self, m: Modulation | int):
        self.m = _as_levels(m)
        self.state = 0

    def __call__(self, symbols: np.ndarray) -> np.ndarray:
        s = _as_indices(symbols, self.m)
        out = np.empty(s.size, dtype=np.int8)
        self.state = int(decode_precoded(s, self.m, self.state, out))
        return out
