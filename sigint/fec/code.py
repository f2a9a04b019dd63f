"""Reed–Solomon codes over GF(2^m): the validated object over :mod:`sigint.kernels.fec`
(encode, decode, syndromes), KP4 RS(544,514) and KR4 RS(528,514) of IEEE 802.3."""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from .._configio import check as _check
from ..kernels.fec import (
    build_generator,
    build_gf_tables,
    compute_syndromes,
    decode_rs,
    encode_rs,
)

#: Default field polynomial per symbol size m (bit mask including x^m); m = 10 is
#: x^10 + x^3 + 1, the polynomial of IEEE 802.3 Clause 91/119.
PRIMITIVE_POLYNOMIALS = {
    2: 0x7, 3: 0xB, 4: 0x13, 5: 0x25, 6: 0x43, 7: 0x89, 8: 0x11D, 9: 0x211, 10: 0x409,
    11: 0x805, 12: 0x1053, 13: 0x201B, 14: 0x4443, 15: 0x8003, 16: 0x1100B,
}  # fmt: skip


@functools.cache
def _field(symbol_bits: int, primitive_poly: int) -> tuple[np.ndarray, np.ndarray, bool]:
    q = 1 << symbol_bits
    exp = np.zeros(2 * (q - 1), np.int32)
    log = np.zeros(q, np.int32)
    primitive = bool(build_gf_tables(symbol_bits, primitive_poly, exp, log))
    exp.flags.writeable = log.flags.writeable = False
    return exp, log, primitive


@functools.cache
def _generator(symbol_bits: int, primitive_poly: int, n_parity: int) -> np.ndarray:
    exp, log, _ = _field(symbol_bits, primitive_poly)
    g = np.zeros(n_parity + 1, np.int32)
    build_generator(n_parity, exp, log, g)
    g.flags.writeable = False
    return g


def _is_int(x: object) -> bool:
    return isinstance(x, (int, np.integer)) and not isinstance(x, bool)


@dataclass(frozen=True)
class RsCode:
    """A Reed–Solomon code RS(n, k) over GF(2^m), systematic, as IEEE 802.3 Clause 91 builds it.

    Generator ``g(x) = Π_{j=0}^{2t−1} (x − α^j)``; a codeword is the k message symbols then
    the 2t parity symbols ``m(x)·x^(2t) mod g(x)``, highest degree first (the transmission
    order). Codes shorter than 2^m − 1 are shortened (the leading symbols fixed at zero).

    Parameters
    ----------
    n : int
        Codeword length in symbols, ``k + 2 <= n <= 2^m − 1``; shorter than 2^m − 1 is a
        shortened code.
    k : int
        Message length in symbols; the code corrects t = ⌊(n − k)/2⌋ symbol errors.
    symbol_bits : int
        m, bits per symbol, 2 to 16.
    primitive_poly : int, optional
        Field polynomial as a bit mask including x^m; default
        ``PRIMITIVE_POLYNOMIALS[symbol_bits]`` (x^10 + x^3 + 1 for m = 10).

    Raises
    ------
    ValueError
        (:class:`~sigint.errors.ConfigError`) naming the field, its value and the valid range.

    Examples
    --------
    >>> KP4.t, KP4.n_parity, round(KP4.rate, 4)
    (15, 30, 0.9449)
    >>> RsCode(272, 257).t, RsCode(272, 258).t  # 802.3 "RS(272,257+1)" pads to 258
    (7, 7)
    """

    n: int = 544
    k: int = 514
    symbol_bits: int = 10
    primitive_poly: int | None = None

    def __post_init__(self):
        m = self.symbol_bits
        _check(_is_int(m) and 2 <= m <= 16, "symbol_bits", m, "an integer from 2 to 16")
        q1 = (1 << m) - 1
        _check(
            _is_int(self.n) and 3 <= self.n <= q1,
            "n",
            self.n,
            f"a code length from 3 to 2^m − 1 = {q1} symbols (symbol_bits = {m})",
        )
        _check(
            _is_int(self.k) and 1 <= self.k <= self.n - 2,
            "k",
            self.k,
            f"a message length from 1 to n − 2 = {self.n - 2} symbols (t >= 1)",
        )
        if self.primitive_poly is None:
            object.__setattr__(self, "primitive_poly", PRIMITIVE_POLYNOMIALS[m])
        poly = self.primitive_poly
        _check(
            _is_int(poly) and poly >> m == 1 and _field(m, int(poly))[2],
            "primitive_poly",
            poly,
            f"a primitive polynomial of degree {m} as a bit mask, e.g. "
            f"{PRIMITIVE_POLYNOMIALS[m]:#x}",
        )

    @property
    def t(self) -> int:
        """Symbol errors corrected per codeword, ⌊(n − k)/2⌋."""
        return (self.n - self.k) // 2

    @property
    def n_parity(self) -> int:
        """Parity symbols per codeword, n − k (2t, or 2t + 1)."""
        return self.n - self.k

    @property
    def rate(self) -> float:
        """Code rate k/n."""
        return self.k / self.n

    @property
    def generator(self) -> np.ndarray:
        """g_0 … g_{2t} of the generator polynomial, lowest degree first (read-only)."""
        return _generator(self.symbol_bits, self.primitive_poly, self.n_parity)

    def _symbols(self, name: str, words, length: int) -> np.ndarray:
        a = np.asarray(words)
        _check(
            a.ndim in (1, 2) and a.shape[-1] == length and np.issubdtype(a.dtype, np.integer),
            name,
            f"array of shape {a.shape} and dtype {a.dtype}",
            f"integer symbols of shape [n_codewords, {length}] or [{length}]",
        )
        if a.size:
            bad = (a < 0) | (a >= 1 << self.symbol_bits)
            _check(
                not bad.any(),
                name,
                int(a[bad][0]) if bad.any() else 0,
                f"symbols from 0 to {(1 << self.symbol_bits) - 1}",
            )
        return np.ascontiguousarray(np.atleast_2d(a), dtype=np.uint16)

    def encode(self, messages) -> np.ndarray:
        """Systematic codewords of a batch of messages.

        Parameters
        ----------
        messages : array_like of int, [n_codewords, k] or [k]
            Symbols ``0 … 2^m − 1``, first transmitted first.

        Returns
        -------
        numpy.ndarray of uint16, [n_codewords, n]
            The messages followed by their 2t parity symbols.

        Examples
        --------
        >>> code = RsCode(15, 11, symbol_bits=4)
        >>> code.encode([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11])[0, 11:].tolist()
        [3, 3, 12, 12]
        """
        msgs = self._symbols("messages", messages, self.k)
        exp, log, _ = _field(self.symbol_bits, self.primitive_poly)
        out = np.empty((msgs.shape[0], self.n), np.uint16)
        encode_rs(msgs, self.generator, exp, log, out)
        return out

    def decode(self, received) -> tuple[np.ndarray, np.ndarray]:
        """Hard-decision bounded-distance decoding (Berlekamp–Massey, Chien, Forney).

        Parameters
        ----------
        received : array_like of int, [n_codewords, n] or [n]
            Received symbols.

        Returns
        -------
        decoded : numpy.ndarray of uint16, [n_codewords, n]
            The codeword within t symbols of each received word; the received word unchanged
            where the decoder failed.
        n_corrected : numpy.ndarray of int64, [n_codewords]
            Symbols corrected, or −1 where more than t errors were detected. A word more than
            t symbols from the sent codeword but within t of another is miscorrected
            silently: for a random word, (volume of a radius-t sphere)/q^(n−k), ~5e-17 for
            KP4 but 0.36 for RS(15,11) over GF(16).

        Examples
        --------
        >>> code = RsCode(15, 11, symbol_bits=4)
        >>> word = code.encode(list(range(11)))
        >>> word[0, 2] ^= 5
        >>> word[0, 9] ^= 1
        >>> decoded, n_corrected = code.decode(word)
        >>> decoded[0, :11].tolist(), int(n_corrected[0])
        ([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 2)
        """
        words = self._symbols("received", received, self.n)
        exp, log, _ = _field(self.symbol_bits, self.primitive_poly)
        out = np.empty_like(words)
        n_corrected = np.empty(words.shape[0], np.int64)
        decode_rs(words, self.n_parity, exp, log, out, n_corrected)
        return out, n_corrected

    def syndromes(self, words) -> np.ndarray:
        """Syndromes ``S_j = c(α^j)``, j = 0 … 2t − 1, [n_codewords, 2t]; zero for codewords."""
        w = self._symbols("words", words, self.n)
        exp, log, _ = _field(self.symbol_bits, self.primitive_poly)
        out = np.empty((w.shape[0], self.n_parity), np.int64)
        compute_syndromes(w, self.n_parity, exp, log, out)
        return out


#: RS(544,514) over GF(2^10), t = 15: the "KP4" FEC of 802.3 Clause 91/119 (100G–800G PAM4).
KP4 = RsCode(544, 514)
#: RS(528,514) over GF(2^10), t = 7: the "KR4" FEC of 802.3 Clause 91 (100GBASE-KR4/CR4).
KR4 = RsCode(528, 514)


def _probabilities(name: str, x) -> np.ndarray:
    a = np.asarray(x, dtype=float)
    bad = ~((a >= 0) & (a <= 1))  # NaN fails too
    if bad.any():
        _check(False, name, float(a[bad].flat[0]), "probabilities from 0 to 1")
    return a


def _code(code) -> RsCode:
    _check(isinstance(code, RsCode), "code", code, "an RsCode (e.g. sigint.fec.KP4)")
    return code


def _result(a: np.ndarray):
    return float(a) if a.ndim == 0 else a
