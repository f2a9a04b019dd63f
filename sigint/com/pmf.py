"""COM's noise and interference distribution and its DER_0 point (93A.1.7, 178A.1.11).

Interference samples (residual ISI, A_DD·h_J, each aggressor at its phase) each contribute L
equiprobable values h·(2l/(L − 1) − 1) (93A-39/40); samples below 0.1 % of A_s are dropped
(93A.1.7.1). Their distribution is built by successive convolution with the statistical
engine's kernel on a grid of min(A_s/1000, 10 µV) per bin spanning the full support (so A_ni
cannot saturate), any further distribution (178A's ADC quantisation noise) is convolved in,
and the Gaussian terms last (93A-41…43). A_ni is the amplitude the total falls below with
probability DER_0 (93A-45), interpolated between grid points.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from ..stateye.grid import convolve_groups, with_gaussian

#: Samples below this fraction of A_s leave the PMFs (93A.1.7.1, note 2).
PMF_SAMPLE_THRESHOLD = 1e-3


@dataclass(frozen=True)
class NoiseDistribution:
    """The distribution at the detector and its DER_0 point.

    ``pmf_rest`` is everything but the Gaussian terms (on the same grid), ``var_g_applied_v2``
    the Gaussian variance convolved in (σ_G² less what the grid's bin splitting already holds):
    what 178A.1.10's added-noise solve starts from.
    """

    a_ni_v: float
    step_v: float
    y_v: np.ndarray = field(repr=False)
    pmf: np.ndarray = field(repr=False)
    pmf_rest: np.ndarray = field(repr=False)
    var_g_applied_v2: float = 0.0


def noise_distribution(
    samples,
    var_g: float,
    a_s: float,
    levels: int,
    der0: float,
    bins_per_a_s: int = 1000,
    extra: Callable[[float, int], np.ndarray] | None = None,
    extra_support_v: float = 0.0,
) -> NoiseDistribution:
    """The noise + interference distribution and A_ni (see the module docstring).

    Parameters
    ----------
    samples : list of float64 arrays
        Interference samples, V.
    var_g : float
        Variance of the Gaussian term (Tx noise, RJ, Rx noise), V².
    a_s : float
        Signal amplitude, V (sets the bin and the dropping threshold).
    extra : callable, optional
        ``extra(step_v, n)`` → a further PMF on the zero-centred grid of ``n`` bins of
        ``step_v`` (convolved in before the Gaussian), with ``extra_support_v`` its half-width.
    """
    cut = PMF_SAMPLE_THRESHOLD * a_s
    norm_levels = 2 * np.arange(levels) / (levels - 1) - 1  # symbol values −1 … 1
    kept = [h[np.abs(h) > cut] for h in samples]
    groups = [(np.outer(h, norm_levels), np.full((h.size, levels), 1.0 / levels)) for h in kept]
    support = sum(float(np.abs(h).sum()) for h in kept) + extra_support_v
    step = min(a_s / bins_per_a_s, 1e-5)
    y_max = max(1.1 * a_s, support + 10 * np.sqrt(var_g) + 2 * step)
    n = 2 * int(np.ceil(y_max / step)) + 1
    pmf = np.zeros(n)
    pmf[n // 2] = 1.0
    blur = convolve_groups(groups, step, pmf, np.empty(n))
    if extra is not None:
        pmf = np.convolve(pmf, extra(step, n), mode="same")
    var_applied = max(var_g - blur * step**2, 0.0)
    rest = pmf.copy()
    pmf = with_gaussian(pmf, var_applied, step)
    cdf = np.cumsum(pmf)
    cdf /= cdf[-1]
    y = (np.arange(n) - n // 2) * step
    # the DER_0 point of the lower tail, interpolated between grid points
    i = max(int(np.argmax(cdf >= der0)), 1)
    below, at = cdf[i - 1], cdf[i]
    frac = (der0 - below) / (at - below) if at > below else 1.0
    return NoiseDistribution(float(-(y[i - 1] + frac * step)), step, y, pmf, rest, var_applied)


def noise_amplitude(
    samples, var_g: float, a_s: float, levels: int, der0: float, bins_per_a_s: int = 1000
):
    """A_ni (93A-45) with the voltage grid and the total's distribution: ``(a_ni, y, pmf)``
    (:func:`noise_distribution` without further terms)."""
    d = noise_distribution(samples, var_g, a_s, levels, der0, bins_per_a_s)
    return d.a_ni_v, d.y_v, d.pmf
