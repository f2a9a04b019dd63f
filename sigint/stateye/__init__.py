"""The statistical engine: eye, BER contours and bathtubs from the pulse response, to 1e-15.

It reads the same :class:`~sigint.link.Link` as the time-domain engine and models the same
linear receiver, so the two agree where both apply. At every sampling phase of the UI:

1. the victim's T-spaced cursors at that phase, after the fixed Rx FFE (folded or in the DSP)
   and the DFE, which cancels b_j·h(0) from post-cursor j (its taps are set at the sampling
   phase, as in the time-domain engine; decisions are taken as correct);
2. every aggressor's cursors at the same phase (independent data);
3. the distribution of Σ a_k·h_k over all those cursors, by successive convolution of per-cursor
   PAM-M distributions (:func:`sigint.kernels.stateye.convolve_cursors`): linear in the number
   of cursors; cursors too small to matter (|h|·max|a| below ``small_cursor`` of the main
   cursor's outer level) join the Gaussian term with their exact variance;
4. Gaussian noise: Rx noise through the Rx response (and FFE), Tx noise (SNDR) through the
   whole pulse, and per-edge random jitter (RJ, DJ) through the edge response with its exact
   variance S²·σ_τ²·E[Δa²]·Σ g², the sum convolved on the grid to the last bin (no FFT, so the
   tails hold to 1e-300);
5. bounded jitter that moves every edge alike (SJ, slow against the pulse span) or by parity
   (DCD) as cursor sets of their own, averaged: SJ over its arcsine distribution
   (Gauss–Chebyshev nodes), DCD over the two parities. This is the time-domain engine's
   first-order edge model, so both engines see the same jitter.

Each transmitted level's sample is a_i·h(0) + X, so one distribution per phase (and jitter case)
serves every level. Eye openings at probability P are measured exactly as the time-domain eye's:
the P-quantile of level i+1 minus the (1 − P)-quantile of level i.
"""

from .build import GRID_SIGMAS, SJ_NODES, SMALL_CURSOR, statistical_eye
from .result import PROBABILITY_FLOOR, ErrorPropagation, StatEye

__all__ = [
    "GRID_SIGMAS",
    "PROBABILITY_FLOOR",
    "SJ_NODES",
    "SMALL_CURSOR",
    "ErrorPropagation",
    "StatEye",
    "statistical_eye",
]
