"""Independent errors: pre-FEC BER or line SER to FEC-symbol error probability, the binomial
codeword error ratio, the inner Hamming(128,120) code and the BER threshold of a code."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
from scipy.optimize import brentq
from scipy.special import bdtrc, gammaln, xlog1py, xlogy

from .._configio import check as _check
from .code import RsCode, _code, _is_int, _probabilities, _result


def symbol_error_probability_from_ber(ber, symbol_bits: int = 10):
    """FEC-symbol error probability ``1 − (1 − BER)^m`` for independent bit errors.

    Parameters
    ----------
    ber : float or array_like
        Pre-FEC bit error ratio, from 0 to 1.
    symbol_bits : int
        m, bits per FEC symbol.

    Returns
    -------
    float or numpy.ndarray
        Probability that a FEC symbol holds at least one bit error (``−expm1(m·log1p(−BER))``,
        exact to the last digit at BER = 1e-15).

    Examples
    --------
    >>> round(symbol_error_probability_from_ber(2.4e-4), 7)
    0.0023974
    """
    _check(_is_int(symbol_bits) and symbol_bits >= 1, "symbol_bits", symbol_bits, "an integer >= 1")
    b = _probabilities("ber", ber)
    with np.errstate(divide="ignore"):
        return _result(-np.expm1(symbol_bits * np.log1p(-b)))


def _bit_size(name: str, value) -> Fraction:
    ok = isinstance(value, (int, float, np.integer, np.floating, Fraction))
    ok = ok and not isinstance(value, bool) and math.isfinite(value) and value > 0
    _check(ok, name, value, "a positive number of bits")
    return Fraction(value).limit_denominator(64)


def symbol_error_probability_from_ser(
    ser, bits_per_line_symbol: float = 2.0, symbol_bits: int = 10
):
    """FEC-symbol error probability for independent PAM line-symbol errors (Gray mapping).

    A line-symbol error flips one bit (adjacent-level error with Gray coding), at a position
    uniform over the symbol's bits. A FEC symbol of m bits touches the line symbols that
    overlap it; one that straddles two FEC symbols hits this one with probability
    (bits inside)/(bits per line symbol). The probability is averaged over the FEC symbols
    of one alignment period (which keeps the mean count of wrong FEC symbols exact).

    Parameters
    ----------
    ser : float or array_like
        Line symbol error ratio, from 0 to 1.
    bits_per_line_symbol : float
        b = log2(M) for PAM-M (2 for PAM4, 3 for PAM8, 2.5 for PAM6 with 5 bits per two
        symbols), at most ``symbol_bits``.
    symbol_bits : int
        m, bits per FEC symbol.

    Returns
    -------
    float or numpy.ndarray
        ``1 − (1 − SER)^(m/b)`` when b divides m (PAM4, KP4: five line symbols per FEC
        symbol); otherwise the alignment average described above.

    Examples
    --------
    >>> f"{symbol_error_probability_from_ser(1e-4):.6e}"  # 1 − (1 − 1e-4)^5
    '4.999000e-04'
    """
    _check(_is_int(symbol_bits) and symbol_bits >= 1, "symbol_bits", symbol_bits, "an integer >= 1")
    b = _bit_size("bits_per_line_symbol", bits_per_line_symbol)
    _check(
        b <= symbol_bits,
        "bits_per_line_symbol",
        bits_per_line_symbol,
        f"at most symbol_bits = {symbol_bits}",
    )
    s = _probabilities("ser", ser)
    period = (Fraction(symbol_bits) / b).denominator  # FEC symbols per alignment period
    p_wrong = np.zeros_like(s)
    with np.errstate(divide="ignore"):
        for f in range(period):
            lo, hi = f * symbol_bits, (f + 1) * symbol_bits
            log_ok = np.zeros_like(s)
            for j in range(math.floor(lo / b), math.ceil(hi / b)):
                overlap = min(hi, (j + 1) * b) - max(lo, j * b)
                log_ok = log_ok + np.log1p(-s * float(overlap / b))
            p_wrong = p_wrong - np.expm1(log_ok)
    return _result(p_wrong / period)


def error_count_pmf(code: RsCode, p_symbol: float) -> np.ndarray:
    """Binomial PMF of the symbol errors per codeword, [n + 1].

    Parameters
    ----------
    code : RsCode
    p_symbol : float
        Probability that a FEC symbol is wrong, independently of the others.

    Returns
    -------
    numpy.ndarray
        ``P(j errors)`` for j = 0 … n.
    """
    code = _code(code)
    p = float(_probabilities("p_symbol", p_symbol))
    return _binomial_pmf(np.arange(code.n + 1), code.n, p)


def codeword_error_ratio(code: RsCode, p_symbol):
    """Probability that a codeword holds more than t wrong symbols (independent errors).

    Parameters
    ----------
    code : RsCode
    p_symbol : float or array_like
        FEC-symbol error probability (e.g. from :func:`symbol_error_probability_from_ber`).

    Returns
    -------
    float or numpy.ndarray
        ``P(X > t)``, X ~ Binomial(n, p_symbol): the codeword error ratio of a
        bounded-distance decoder (failures plus the rare miscorrections).

    Raises
    ------
    ValueError
        If ``code`` is not an :class:`RsCode` or a probability is outside [0, 1] or NaN.

    Notes
    -----
    ``scipy.special.bdtrc`` (a regularized incomplete beta) keeps full relative precision in
    the far tail: KP4 at p_symbol = 1e-6 gives 2.249e-66, equal to the exact rational sum to
    1e-14.

    Examples
    --------
    >>> from sigint.fec import KP4
    >>> f"{codeword_error_ratio(KP4, symbol_error_probability_from_ber(2.4e-4)):.3e}"
    '8.152e-13'
    """
    code = _code(code)
    p = _probabilities("p_symbol", p_symbol)
    return _result(np.asarray(bdtrc(code.t, code.n, p), dtype=float))


def hamming_output_ber(ber, block_bits: int = 128):
    """BER after a hard-decision extended-Hamming SEC-DED inner decoder (default (128,120)).

    Model: bit errors independent at ``ber`` within a block of ``block_bits``; the decoder
    corrects a single error, leaves an even number of errors (detected, not corrected) and
    adds one more error to an odd number ≥ 3 (miscorrection). The residual errors fall
    uniformly over the block, so the data bits see ``E[residual errors]/block_bits``. The
    outer RS code is then fed independent bit errors at that BER (the binomial model): this
    ignores that residual errors come in pairs inside one block, which makes it optimistic.
    A soft-decision (Chase) inner decoder, as 802.3dj specifies, does much better.

    Parameters
    ----------
    ber : float or array_like
        Line BER at the inner decoder's input.
    block_bits : int
        Inner codeword length, a power of two >= 8 (128 for Hamming(128,120)).

    Returns
    -------
    float or numpy.ndarray
        BER at the output, ``≈ (block_bits − 1)·ber²`` at low BER.

    Examples
    --------
    >>> f"{hamming_output_ber(1e-3):.3e}"
    '1.217e-04'
    """
    _check(
        _is_int(block_bits) and block_bits >= 8 and block_bits & (block_bits - 1) == 0,
        "block_bits",
        block_bits,
        "a power of two >= 8 (an extended Hamming code)",
    )
    b = _probabilities("ber", ber)
    j = np.arange(2, block_bits + 1)
    residual = j + ((j % 2 == 1) & (j >= 3))  # odd counts gain a miscorrected bit
    pmf = _binomial_pmf(j, block_bits, b[..., None])
    return _result((pmf * residual).sum(axis=-1) / block_bits)


def codeword_error_ratio_from_ber(code: RsCode, ber, inner_hamming: bool = False):
    """CER for independent bit errors at ``ber``, optionally through an inner Hamming(128,120).

    Parameters
    ----------
    code : RsCode
    ber : float or array_like
        Line BER (before the inner decoder when ``inner_hamming``).
    inner_hamming : bool
        Pass the BER through :func:`hamming_output_ber` first.

    Returns
    -------
    float or numpy.ndarray
        The codeword error ratio.
    """
    code = _code(code)
    b = _probabilities("ber", ber)
    if inner_hamming:
        b = np.asarray(hamming_output_ber(b))
    return codeword_error_ratio(code, symbol_error_probability_from_ber(b, code.symbol_bits))


def ber_threshold(code: RsCode, cer_target: float, inner_hamming: bool = False) -> float:
    """Highest line BER whose codeword error ratio stays at ``cer_target`` (independent errors).

    Parameters
    ----------
    code : RsCode
    cer_target : float
        Target CER, from 1e-300 to 0.5.
    inner_hamming : bool
        Include the inner Hamming(128,120) of :func:`hamming_output_ber`.

    Returns
    -------
    float
        The BER, solved on log-log axes (relative precision 1e-10).

    Examples
    --------
    >>> from sigint.fec import KP4
    >>> f"{ber_threshold(KP4, 1e-12):.3e}"
    '2.433e-04'
    """
    code = _code(code)
    _check(
        isinstance(cer_target, (int, float)) and 1e-300 <= cer_target <= 0.5,
        "cer_target",
        cer_target,
        "a codeword error ratio from 1e-300 to 0.5",
    )

    def gap(log_ber: float) -> float:
        cer = codeword_error_ratio_from_ber(code, 10.0**log_ber, inner_hamming)
        return math.log10(max(cer, 1e-320)) - math.log10(cer_target)

    return 10.0 ** brentq(gap, -15.0, math.log10(0.4), xtol=1e-12, rtol=1e-12)


def _binomial_pmf(k, n: int, p):
    """P(X = k) for X ~ Binomial(n, p), in log space (exact at p = 0 and 1; what
    ``scipy.stats.binom.pmf`` gives, without its ~0.2 s import)."""
    k = np.asarray(k, dtype=float)
    log_comb = gammaln(n + 1.0) - gammaln(k + 1.0) - gammaln(n - k + 1.0)
    return np.exp(log_comb + xlogy(k, p) + xlog1py(n - k, -np.asarray(p, dtype=float)))
