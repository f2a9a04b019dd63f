"""Monte-Carlo of a code with its real decoder on random symbol errors (the closed forms' check)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._configio import check as _check
from .code import RsCode, _code, _is_int, _probabilities


@dataclass(frozen=True)
class CodewordErrorCount:
    """Outcome of :func:`monte_carlo_codeword_errors`.

    Parameters
    ----------
    n_codewords : int
        Codewords decoded.
    n_detected : int
        Codewords the decoder reported uncorrectable.
    n_miscorrected : int
        Codewords decoded, without a failure report, to a wrong codeword.
    """

    n_codewords: int
    n_detected: int
    n_miscorrected: int

    @property
    def n_failures(self) -> int:
        """Codewords not delivered correctly (detected plus miscorrected)."""
        return self.n_detected + self.n_miscorrected

    @property
    def codeword_error_ratio(self) -> float:
        """Measured CER, n_failures / n_codewords."""
        return self.n_failures / self.n_codewords


def monte_carlo_codeword_errors(
    code: RsCode,
    p_symbol: float,
    n_codewords: int,
    rng: np.random.Generator,
    chunk_codewords: int = 4096,
) -> CodewordErrorCount:
    """Encode random messages, add independent symbol errors, decode with the real decoder.

    Each symbol is hit with probability ``p_symbol`` by a uniformly random nonzero error
    value; a codeword fails if the decoder reports it uncorrectable or returns anything but
    the sent codeword.

    Parameters
    ----------
    code : RsCode
    p_symbol : float
        Symbol error probability.
    n_codewords : int
        Codewords to simulate, >= 1.
    rng : numpy.random.Generator
        Source of the messages and errors (the caller seeds it).
    chunk_codewords : int
        Codewords per batch (memory: ~10 bytes × n × chunk).

    Returns
    -------
    CodewordErrorCount

    Raises
    ------
    ValueError
        If ``p_symbol`` is not a probability, a count is not a positive integer or ``rng``
        is not a :class:`numpy.random.Generator`.

    Notes
    -----
    KP4 runs at ~60 k codewords/s on one core (encoding, random numbers and decoding).

    Examples
    --------
    >>> from sigint.fec import KP4
    >>> count = monte_carlo_codeword_errors(KP4, 0.02, 200, np.random.default_rng(1))
    >>> count.n_codewords, count.n_miscorrected, 5 <= count.n_failures <= 35
    (200, 0, True)
    """
    code = _code(code)
    p = float(_probabilities("p_symbol", p_symbol))
    _check(
        _is_int(n_codewords) and n_codewords >= 1, "n_codewords", n_codewords, "a positive integer"
    )
    _check(
        _is_int(chunk_codewords) and chunk_codewords >= 1,
        "chunk_codewords",
        chunk_codewords,
        "a positive integer",
    )
    _check(isinstance(rng, np.random.Generator), "rng", rng, "a numpy.random.Generator")
    q = 1 << code.symbol_bits
    detected = miscorrected = 0
    for first in range(0, n_codewords, chunk_codewords):
        size = min(chunk_codewords, n_codewords - first)
        sent = code.encode(rng.integers(0, q, (size, code.k), dtype=np.uint16))
        hit = rng.random((size, code.n)) < p
        received = sent.copy()
        received[hit] ^= rng.integers(1, q, int(hit.sum()), dtype=np.uint16)
        decoded, n_corrected = code.decode(received)
        failed = n_corrected < 0
        detected += int(failed.sum())
        miscorrected += int((~failed & np.any(decoded != sent, axis=1)).sum())
    return CodewordErrorCount(n_codewords, detected, miscorrected)
