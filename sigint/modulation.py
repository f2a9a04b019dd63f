"""PAM-M modulations: the one place for level tables, thresholds and bit labellings.

Conventions (the engines are built against them):

- A symbol is an index ``i`` in ``[0, M)`` in ascending amplitude order (``int8`` arrays).
- The normalised level of index ``i`` is ``x_i = (2i - (M-1)) / (M-1)`` in ``[-1, 1]``. Ratio of
  level mismatch ``rlm`` multiplies the inner levels (``|x_i| < 1``) and leaves the outer two;
  for PAM4 this gives ``[-1, -rlm/3, rlm/3, 1]``, whose IEEE 802.3 RLM
  ``min(3 ES1, 3 ES2, 2 - 3 ES1, 2 - 3 ES2)`` is ``rlm``. Volts are ``x_i * swing_vppd / 2``.
- Bits are ``uint8`` 0/1, most significant bit first within a symbol (or a PAM6 5-bit group).
- PAM2/4/8 are Gray mapped: the bits of a symbol, read as a binary-reflected Gray code, give its
  index, so adjacent levels differ in exactly one bit.

PAM6 carries 5 bits on 2 symbols ``(a, b)`` (2.5 b/symbol) using 32 of the 36 pairs: the four
corners ``(0,0), (0,5), (5,0), (5,5)``, the highest-energy pairs, are never sent (the 32-point
"cross"). :data:`PAM6_PAIRS` maps each 5-bit label to its pair; this picture gives the label of
every pair (row = first symbol ``a``, column = second symbol ``b``, ``--`` = unused corner)::

          b= 0  1  2  3  4  5
      a=0   --  0  8 24 16 --
      a=1   20  4 12 28 18  2
      a=2   22  6 14 30 26 10
      a=3   23  7 15 31 27 11
      a=4   19  3 13 29 25  9
      a=5   --  1  5 21 17 --

The labelling minimises the mean number of differing bits between horizontally or vertically
adjacent pairs (the nearest-neighbour errors in AWGN): 56/52 = 1.077 bits per edge, against
110/52 = 2.115 for the naive row-major labelling (labels 0..31 in reading order). No labelling of
the cross reaches 1 (it is not a subgraph of the 5-cube); 1.077 is the best of 40 annealing
restarts × 3 seeds. ``tools/design_pam6_map.py`` (seeded simulated annealing over label swaps)
reproduces the table.

Demapping uses the (6, 6) table :data:`PAM6_INVERSE`. A decision that lands on a corner (noise
can put it there) is read as the pair one step inward along the first symbol:
``(0,0)→(1,0)``, ``(0,5)→(1,5)``, ``(5,0)→(4,0)``, ``(5,5)→(4,5)``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = [
    "MODULATION_NAMES",
    "PAM6_CORNERS",
    "PAM6_INVERSE",
    "PAM6_PAIRS",
    "Modulation",
    "gray_labels",
    "pair_inverse_table",
]

MODULATION_NAMES = ("PAM2", "PAM4", "PAM6", "PAM8")

PAM6_CORNERS = ((0, 0), (0, 5), (5, 0), (5, 5))

#: label (5 bits, MSB first) -> symbol pair (a, b); produced by ``tools/design_pam6_map.py``.
_PAM6_PAIRS_LIST = (
    (0, 1),  #  0 = 00000
    (5, 1),  #  1 = 00001
    (1, 5),  #  2 = 00010
    (4, 1),  #  3 = 00011
    (1, 1),  #  4 = 00100
    (5, 2),  #  5 = 00101
    (2, 1),  #  6 = 00110
    (3, 1),  #  7 = 00111
    (0, 2),  #  8 = 01000
    (4, 5),  #  9 = 01001
    (2, 5),  # 10 = 01010
    (3, 5),  # 11 = 01011
    (1, 2),  # 12 = 01100
    (4, 2),  # 13 = 01101
    (2, 2),  # 14 = 01110
    (3, 2),  # 15 = 01111
    (0, 4),  # 16 = 10000
    (5, 4),  # 17 = 10001
    (1, 4),  # 18 = 10010
    (4, 0),  # 19 = 10011
    (1, 0),  # 20 = 10100
    (5, 3),  # 21 = 10101
    (2, 0),  # 22 = 10110
    (3, 0),  # 23 = 10111
    (0, 3),  # 24 = 11000
    (4, 4),  # 25 = 11001
    (2, 4),  # 26 = 11010
    (3, 4),  # 27 = 11011
    (1, 3),  # 28 = 11100
    (4, 3),  # 29 = 11101
    (2, 3),  # 30 = 11110
    (3, 3),  # 31 = 11111
)


def _readonly(a: np.ndarray) -> np.ndarray:
    a.flags.writeable = False
    return a


def gray_labels(m: int) -> np.ndarray:
    """Binary-reflected Gray label of every index of a PAM-``m`` constellation.

    Parameters
    ----------
    m : int
        Number of levels, a power of two.

    Returns
    -------
    numpy.ndarray
        ``uint8[m]``: ``labels[i] = i ^ (i >> 1)``, the bits sent for index ``i``.

    Examples
    --------
    >>> gray_labels(4).tolist()
    [0, 1, 3, 2]
    """
    i = np.arange(m, dtype=np.uint8)
    return i ^ (i >> 1)


def pair_inverse_table(pairs: np.ndarray) -> np.ndarray:
    """Demapping table ``(6, 6) -> label`` of a PAM6 pair labelling, corners included.

    Parameters
    ----------
    pairs : numpy.ndarray
        ``int8[32, 2]``, the pair ``(a, b)`` of every 5-bit label; must not use a corner.

    Returns
    -------
    numpy.ndarray
        ``uint8[6, 6]``. A corner maps to the label of the pair one step inward along ``a``.

    Raises
    ------
    ValueError
        If ``pairs`` is not a bijection from the 32 labels onto the 32 non-corner pairs.
    """
    pairs = np.asarray(pairs)
    if pairs.shape != (32, 2):
        raise ValueError(f"PAM6 pair table shape {pairs.shape}: expected (32, 2)")
    inv = np.full((6, 6), -1, dtype=np.int16)
    for label, (a, b) in enumerate(pairs.tolist()):
        if not (0 <= a < 6 and 0 <= b < 6) or (a, b) in PAM6_CORNERS or inv[a, b] >= 0:
            raise ValueError(
                f"PAM6 pair table entry {label} -> {(a, b)}: expected a distinct non-corner pair"
            )
        inv[a, b] = label
    for a, b in PAM6_CORNERS:
        inv[a, b] = inv[1 if a == 0 else 4, b]
    return inv.astype(np.uint8)


#: ``int8[32, 2]``: 5-bit label -> symbol pair (a, b). See the module docstring.
PAM6_PAIRS = _readonly(np.array(_PAM6_PAIRS_LIST, dtype=np.int8))
#: ``uint8[6, 6]``: symbol pair -> 5-bit label, corners demapped one step inward along ``a``.
PAM6_INVERSE = _readonly(pair_inverse_table(PAM6_PAIRS))


@dataclass(frozen=True)
class Modulation:
    """A PAM-M modulation: level table, thresholds and bit labelling.

    Parameters
    ----------
    levels : int
        Number of amplitude levels M, one of 2, 4, 6, 8.

    Raises
    ------
    ValueError
        If ``levels`` is not one of 2, 4, 6, 8.

    Examples
    --------
    >>> pam4 = Modulation.from_name("PAM4")
    >>> pam4.normalized_levels(rlm=0.9).round(3).tolist()
    [-1.0, -0.3, 0.3, 1.0]
    >>> Modulation(6).bits_per_symbol
    2.5
    """

    levels: int

    def __post_init__(self) -> None:
        if isinstance(self.levels, bool) or self.levels not in (2, 4, 6, 8):
            raise ValueError(f"Modulation.levels = {self.levels!r}: expected one of 2, 4, 6, 8")

    @classmethod
    def from_name(cls, name: str) -> Modulation:
        """Build from a name such as ``"PAM4"`` (case-insensitive).

        Raises
        ------
        ValueError
            If ``name`` is not one of :data:`MODULATION_NAMES`.
        """
        key = str(name).strip().upper()
        if key not in MODULATION_NAMES:
            raise ValueError(f"modulation {name!r}: expected one of {', '.join(MODULATION_NAMES)}")
        return cls(int(key[3:]))

    @property
    def name(self) -> str:
        """``"PAM4"`` etc."""
        return f"PAM{self.levels}"

    @property
    def bits_per_group(self) -> int:
        """Bits mapped together: 5 for PAM6, log2 M otherwise."""
        return 5 if self.levels == 6 else int(self.levels).bit_length() - 1

    @property
    def symbols_per_group(self) -> int:
        """Symbols those bits map to: 2 for PAM6, 1 otherwise."""
        return 2 if self.levels == 6 else 1

    @property
    def bits_per_symbol(self) -> float:
        """Bits carried per symbol: 1, 2, 2.5 or 3."""
        return self.bits_per_group / self.symbols_per_group

    def normalized_levels(self, rlm: float = 1.0) -> np.ndarray:
        """Levels in ``[-1, 1]``, ascending, inner levels scaled by ``rlm``.

        Parameters
        ----------
        rlm : float
            Ratio of level mismatch in ``(0, 1]``; 1 means equally spaced.

        Returns
        -------
        numpy.ndarray
            ``float64[M]``.

        Raises
        ------
        ValueError
            If ``rlm`` is not in ``(0, 1]``.
        """
        if not 0.0 < rlm <= 1.0:
            raise ValueError(f"rlm = {rlm!r}: expected 0 < rlm <= 1")
        m = self.levels
        x = (2.0 * np.arange(m) - (m - 1)) / (m - 1)
        x[1:-1] *= rlm
        return x

    def levels_v(self, swing_vppd: float, rlm: float = 1.0) -> np.ndarray:
        """Levels in volts: ``normalized_levels(rlm) * swing_vppd / 2``.

        Parameters
        ----------
        swing_vppd : float
            Peak-to-peak differential swing between the outer levels, volts; must be > 0.
        rlm : float
            Ratio of level mismatch in ``(0, 1]``.

        Returns
        -------
        numpy.ndarray
            ``float64[M]``, ascending.

        Raises
        ------
        ValueError
            If ``swing_vppd <= 0`` or ``rlm`` is out of range.
        """
        if not swing_vppd > 0.0:
            raise ValueError(f"swing_vppd = {swing_vppd!r}: expected > 0")
        return self.normalized_levels(rlm) * (0.5 * swing_vppd)

    def thresholds_v(self, swing_vppd: float, rlm: float = 1.0) -> np.ndarray:
        """Decision thresholds in volts: midpoints of adjacent levels (``float64[M-1]``)."""
        lv = self.levels_v(swing_vppd, rlm)
        return 0.5 * (lv[1:] + lv[:-1])

    @property
    def gray_labels(self) -> np.ndarray:
        """``uint8[M]``: bits of each index (PAM2/4/8 only).

        Raises
        ------
        ValueError
            For PAM6, which uses :attr:`pair_table`.
        """
        if self.levels == 6:
            raise ValueError("PAM6 has no per-symbol Gray labels: use pair_table")
        return gray_labels(self.levels)

    @property
    def gray_inverse(self) -> np.ndarray:
        """``int8[M]``: index of each label, the inverse of :attr:`gray_labels`."""
        inv = np.empty(self.levels, dtype=np.int8)
        inv[self.gray_labels] = np.arange(self.levels, dtype=np.int8)
        return inv

    @property
    def pair_table(self) -> np.ndarray:
        """:data:`PAM6_PAIRS` (PAM6 only)."""
        if self.levels != 6:
            raise ValueError(f"{self.name} has no pair table: only PAM6 maps bits to pairs")
        return PAM6_PAIRS

    @property
    def pair_inverse(self) -> np.ndarray:
        """:data:`PAM6_INVERSE` (PAM6 only)."""
        if self.levels != 6:
            raise ValueError(f"{self.name} has no pair table: only PAM6 maps bits to pairs")
        return PAM6_INVERSE
