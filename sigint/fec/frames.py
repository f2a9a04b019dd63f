"""Frame loss ratio and post-FEC BER from codeword error statistics."""

from __future__ import annotations

import numpy as np

from .._configio import check as _check
from .burst import _check_interleave
from .code import RsCode, _code, _is_int, _probabilities, _result


def frame_loss_ratio(code: RsCode, cer, frame_bytes: int = 64, interleave: int = 1):
    """Frame loss ratio from the codeword error ratio.

    A frame is lost if any codeword it touches fails (802.3 decoders corrupt the blocks of an
    uncorrectable codeword so the frame is dropped). Approximations: the frame is
    ``F = 8·frame_bytes`` bits of the message stream at a uniformly random position (the
    256b/257b transcoding and block alignment, which lengthen it by up to one 257-bit
    block, are ignored: < 3 % on the result); it touches every codeword of each interleave
    group it overlaps (true for frames longer than ``interleave`` FEC symbols), i.e. ``N``
    or ``N + 1`` groups with ``N = 1 + ⌊(F − 1)/G⌋``, ``G = interleave·k·m`` bits, the
    extra one with probability ``P_x = ((F − 1) mod G)/G``; codeword failures are
    independent.

    Parameters
    ----------
    code : RsCode
    cer : float or array_like
        Codeword error ratio.
    frame_bytes : int
        Frame length in bytes.
    interleave : int
        Codewords interleaved symbol by symbol.

    Returns
    -------
    float or numpy.ndarray
        ``(1 − P_x)·(1 − (1 − CER)^(I·N)) + P_x·(1 − (1 − CER)^(I·(N + 1)))``, ≈
        ``(I + (F − 1)/(k·m))·CER`` for small CER.

    Examples
    --------
    >>> from sigint.fec import KP4, codeword_error_ratio_from_ber
    >>> cer = codeword_error_ratio_from_ber(KP4, 2.4e-4)
    >>> f"{frame_loss_ratio(KP4, cer, interleave=2):.2e}"
    '1.71e-12'
    """
    code = _code(code)
    interleave = _check_interleave(interleave)
    _check(_is_int(frame_bytes) and frame_bytes >= 1, "frame_bytes", frame_bytes,
           "a positive frame length in bytes")  # fmt: skip
    c = _probabilities("cer", cer)
    group_bits = interleave * code.k * code.symbol_bits
    n_groups, rest = divmod(8 * frame_bytes - 1, group_bits)
    p_more = rest / group_bits  # the frame reaches into one more group
    with np.errstate(divide="ignore"):
        log_ok = np.log1p(-c)
    touched = interleave * (n_groups + 1)
    lost = (1 - p_more) * -np.expm1(touched * log_ok) + p_more * -np.expm1(
        (touched + interleave) * log_ok
    )
    return _result(lost)


def post_fec_ber(code: RsCode, pmf, bit_errors_per_symbol_error: float = 1.0) -> float:
    """Post-FEC BER from the PMF of wrong symbols per codeword.

    Codewords with more than t wrong symbols pass them through undecoded (no miscorrection);
    each wrong symbol carries ``bit_errors_per_symbol_error`` bit errors on average (≈ 1 at
    low BER with independent bit errors; m/2 for random symbol values).

    Parameters
    ----------
    code : RsCode
    pmf : array_like, [n + 1]
        ``P(j wrong symbols)``, from :func:`error_count_pmf` or :func:`burst_error_count_pmf`.
    bit_errors_per_symbol_error : float
        From 1 to m.

    Returns
    -------
    float
        ``Σ_{j>t} j·P(j)·bit_errors_per_symbol_error / (n·m)``.

    Examples
    --------
    >>> from sigint.fec import KP4, error_count_pmf, symbol_error_probability_from_ber
    >>> pmf = error_count_pmf(KP4, symbol_error_probability_from_ber(2.4e-4))
    >>> f"{post_fec_ber(KP4, pmf):.2e}"
    '2.41e-15'
    """
    code = _code(code)
    a = np.asarray(pmf, dtype=float)
    _check(
        a.shape == (code.n + 1,) and bool(np.all((a >= 0) & (a <= 1))),
        "pmf",
        f"array of shape {a.shape}",
        f"probabilities of 0 … n = {code.n} wrong symbols, shape ({code.n + 1},)",
    )
    w = bit_errors_per_symbol_error
    _check(
        isinstance(w, (int, float)) and 1 <= w <= code.symbol_bits,
        "bit_errors_per_symbol_error",
        w,
        f"a mean from 1 to symbol_bits = {code.symbol_bits}",
    )
    j = np.arange(code.t + 1, code.n + 1)
    return float((j * a[code.t + 1 :]).sum() * w / (code.n * code.symbol_bits))
