"""Closed forms for PAM-M in additive white Gaussian noise (AWGN).

SNR convention (DESIGN.md, REFERENCE.md §8.1): ``SNR = mean symbol power / noise power`` with the
mean taken over the M equally likely, equally spaced levels. The same SNR therefore means the same
noise standard deviation relative to the level spacing whatever the bit mapping; for PAM6 pairs,
whose corners are never sent, the transmitted power is 10/(35/3) = -0.67 dB below that mean.
"""

from __future__ import annotations

import numpy as np
from scipy.special import betaincinv, erfc, erfcinv

from sigint.modulation import PAM6_PAIRS, pair_inverse_table

__all__ = [
    "ber_gray",
    "ber_pam6_exact",
    "clopper_pearson",
    "noise_std_normalized",
    "q_function",
    "required_snr_db",
    "ser_pam",
    "symbol_transition_probabilities",
]


def _check_m(m: int) -> int:
    if isinstance(m, bool) or not isinstance(m, (int, np.integer)) or m < 2:
        raise ValueError(f"m = {m!r}: expected an integer number of levels >= 2")
    return int(m)


def q_function(x: float | np.ndarray) -> float | np.ndarray:
    """Gaussian tail probability ``Q(x) = P(N(0, 1) > x) = erfc(x / sqrt 2) / 2``.

    Examples
    --------
    >>> round(float(q_function(0.0)), 3)
    0.5
    """
    return 0.5 * erfc(np.asarray(x, dtype=np.float64) / np.sqrt(2.0))


def noise_std_normalized(m: int, snr_db: float | np.ndarray) -> float | np.ndarray:
    """Noise standard deviation for ``snr_db`` when the levels are ``x_i`` in ``[-1, 1]``.

    The mean power of the equally spaced levels is ``(M + 1) / (3 (M - 1))``.
    """
    m = _check_m(m)
    power = (m + 1) / (3.0 * (m - 1))
    return np.sqrt(power / 10.0 ** (np.asarray(snr_db, dtype=np.float64) / 10.0))


def ser_pam(m: int, snr_db: float | np.ndarray) -> float | np.ndarray:
    """Exact symbol error rate of equiprobable PAM-M with midpoint thresholds in AWGN.

    ``SER = 2 (1 - 1/M) Q(sqrt(3 SNR / (M^2 - 1)))``, SNR linear from ``snr_db``.

    Examples
    --------
    >>> f"{ser_pam(4, 18.23):.2e}"
    '1.98e-04'
    """
    m = _check_m(m)
    snr = 10.0 ** (np.asarray(snr_db, dtype=np.float64) / 10.0)
    return 2.0 * (1.0 - 1.0 / m) * q_function(np.sqrt(3.0 * snr / (m * m - 1)))


def ber_gray(m: int, snr_db: float | np.ndarray) -> float | np.ndarray:
    """Gray-mapped BER approximation ``SER / log2 M`` (nearest-neighbour errors only)."""
    return ser_pam(m, snr_db) / np.log2(_check_m(m))


def required_snr_db(m: int, ser: float | np.ndarray) -> float | np.ndarray:
    """SNR in dB at which :func:`ser_pam` equals ``ser`` (closed-form inverse).

    Raises
    ------
    ValueError
        If ``ser`` is not in ``(0, 1 - 1/M)``.

    Examples
    --------
    >>> round(float(required_snr_db(4, 2e-4)), 2)
    18.23
    """
    m = _check_m(m)
    p = np.asarray(ser, dtype=np.float64)
    top = 1.0 - 1.0 / m
    if np.any(~((p > 0.0) & (p < top))):
        raise ValueError(f"ser = {ser!r}: expected 0 < ser < {top:g}")
    x = np.sqrt(2.0) * erfcinv(p / top)  # Q^-1(p / (2 (1 - 1/M)))
    return 10.0 * np.log10(x * x * (m * m - 1) / 3.0)


def symbol_transition_probabilities(m: int, snr_db: float) -> np.ndarray:
    """``P[i, j] = P(decide j | sent i)`` for equally spaced PAM-M and midpoint thresholds.

    Each entry is the Gaussian mass of decision interval ``j`` around level ``i``:
    ``Q((t_{j-1} - x_i) / sigma) - Q((t_j - x_i) / sigma)``, with ``t_{-1} = -inf``,
    ``t_{M-1} = +inf``. Rows sum to 1.

    Returns
    -------
    numpy.ndarray
        ``float64[M, M]``.
    """
    m = _check_m(m)
    sigma = float(noise_std_normalized(m, snr_db))
    x = (2.0 * np.arange(m) - (m - 1)) / (m - 1)
    edges = np.concatenate(([-np.inf], 0.5 * (x[1:] + x[:-1]), [np.inf]))
    upper_tail = q_function((edges[None, :] - x[:, None]) / sigma)  # P(y > edge | sent i)
    return upper_tail[:, :-1] - upper_tail[:, 1:]


def ber_pam6_exact(
    snr_db: float, table: np.ndarray = PAM6_PAIRS, inverse: np.ndarray | None = None
) -> float:
    """Exact BER of the PAM6 5-bit → 2-symbol mapping in AWGN, including the corner demap rule.

    ``BER = (1/32) sum_label sum_(a',b') P(a'|a) P(b'|b) d_H(label, inverse[a', b']) / 5``, with
    ``(a, b) = table[label]``, the two symbols' noise independent and ``P`` from
    :func:`symbol_transition_probabilities` (SNR convention of this module).

    Parameters
    ----------
    snr_db : float
        SNR in dB.
    table : numpy.ndarray
        ``[32, 2]`` label → pair (default :data:`sigint.modulation.PAM6_PAIRS`).
    inverse : numpy.ndarray, optional
        ``[6, 6]`` pair → label; default built from ``table`` by ``pair_inverse_table``.
    """
    table = np.asarray(table)
    inv = pair_inverse_table(table) if inverse is None else np.asarray(inverse)
    p = symbol_transition_probabilities(6, snr_db)
    labels = np.arange(32)
    a, b = table[:, 0], table[:, 1]
    # d[label, a', b'] = Hamming distance between the sent label and the demapped label
    xor = labels[:, None, None] ^ inv[None, :, :].astype(np.int64)
    dist = np.unpackbits(xor.astype(np.uint8)[..., None], axis=-1).sum(axis=-1)
    weight = p[a][:, :, None] * p[b][:, None, :]
    return float((weight * dist).sum() / (32 * 5))


def clopper_pearson(k: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """Exact (Clopper–Pearson) two-sided confidence interval of a binomial proportion ``k/n``.

    Raises
    ------
    ValueError
        Unless ``0 <= k <= n``, ``n > 0`` and ``0 < confidence < 1``.

    Examples
    --------
    >>> lo, hi = clopper_pearson(0, 1000)
    >>> lo, round(hi, 5)
    (0.0, 0.00368)
    """
    if not (0 <= k <= n and n > 0):
        raise ValueError(f"k = {k!r}, n = {n!r}: expected 0 <= k <= n and n > 0")
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence = {confidence!r}: expected 0 < confidence < 1")
    alpha = 1.0 - confidence
    # Quantiles of Beta(k, n − k + 1) and Beta(k + 1, n − k): the inverse regularised
    # incomplete beta (scipy.stats.beta.ppf computes the same; importing scipy.stats costs ~1 s).
    lo = 0.0 if k == 0 else float(betaincinv(k, n - k + 1, alpha / 2))
    hi = 1.0 if k == n else float(betaincinv(k + 1, n - k, 1 - alpha / 2))
    return lo, hi
