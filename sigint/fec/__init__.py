"""Forward error correction: Reed–Solomon codes and post-FEC error ratios of a PAM line.

The validating layer over :mod:`sigint.kernels.fec`. It holds the codes (KP4 RS(544,514) over
GF(2^10), t = 15, IEEE 802.3 Clause 91/119), the closed forms that turn a pre-FEC error ratio
into a codeword error ratio (CER), a frame loss ratio (FLR) and a post-FEC BER, and the
Monte-Carlo check of those closed forms with the real decoder.

Error models, from simplest to most complete:

- independent bit errors at a pre-FEC BER: a FEC symbol of m bits is wrong with probability
  ``1 − (1 − BER)^m`` and the symbol errors of a codeword are binomial
  (:func:`symbol_error_probability_from_ber`, :func:`codeword_error_ratio`);
- independent PAM line-symbol errors at a SER (:func:`symbol_error_probability_from_ser`);
- DFE error propagation: line errors in geometric bursts, optionally through 1/(1+D)
  precoding and a 2-way symbol interleave (:class:`BurstModel`,
  :func:`burst_codeword_error_ratio`);
- an inner hard-decision Hamming(128,120) code ahead of the RS decoder
  (:func:`hamming_output_ber`).

Modules: :mod:`.code` the codes; :mod:`.independent` independent errors; :mod:`.burst` DFE
bursts; :mod:`.frames` frame loss and post-FEC BER; :mod:`.montecarlo` the decoder-based check.
"""

from .burst import BurstModel, burst_codeword_error_ratio, burst_error_count_pmf
from .code import KP4, KR4, PRIMITIVE_POLYNOMIALS, RsCode
from .frames import frame_loss_ratio, post_fec_ber
from .independent import (
    ber_threshold,
    codeword_error_ratio,
    codeword_error_ratio_from_ber,
    error_count_pmf,
    hamming_output_ber,
    symbol_error_probability_from_ber,
    symbol_error_probability_from_ser,
)
from .montecarlo import CodewordErrorCount, monte_carlo_codeword_errors

__all__ = [
    "KP4",
    "KR4",
    "PRIMITIVE_POLYNOMIALS",
    "BurstModel",
    "CodewordErrorCount",
    "RsCode",
    "ber_threshold",
    "burst_codeword_error_ratio",
    "burst_error_count_pmf",
    "codeword_error_ratio",
    "codeword_error_ratio_from_ber",
    "error_count_pmf",
    "frame_loss_ratio",
    "hamming_output_ber",
    "monte_carlo_codeword_errors",
    "post_fec_ber",
    "symbol_error_probability_from_ber",
    "symbol_error_probability_from_ser",
]
