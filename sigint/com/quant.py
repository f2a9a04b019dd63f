"""ADC quantisation noise of the Annex 178A reference receiver (IEEE P802.3dj 178A.1.9).

The reference receiver quantises the CTLE output (the Rx FFE input) with a uniform quantiser of
N_qb noise-equivalent bits (N_qb = 6 in D3.3) whose clipping level V_qc is exceeded with
probability P_qc (1e-7):

- the signal at the quantiser (178A-44) is the victim pulse sampled once per UI at the sampling
  phase (every UI, the cursor included), crosstalk (each aggressor at its phase) and the
  dual-Dirac jitter A_DD·h_J, each sample contributing L equiprobable values h·(2l/(L−1) − 1)
  (93A-39/40), plus Gaussian noise whose variance is that of the Rx noise, the Tx noise and the
  random jitter at the FFE input;
- V_qc solves P(|x| > V_qc) = P_qc for that signal (178A-30; as PyChOpMarg 3.4.0 reads it,
  P(x < −V_qc) = P_qc/2 for the symmetric distribution), and the step is
  Δ = 2·V_qc/(2^N_qb − 1) (178A-29);
- the quantisation error, uniform on ±Δ/2 (178A-43), passes through every Rx FFE tap w_i: at the
  detector it is the sum of independent uniforms of half-width |w_i|·Δ/2 (178A-46), whose PMF is
  the convolution of theirs, of variance Σ w_i²·Δ²/12.

:func:`quantizer_step` finds V_qc and Δ: the delta distributions go on a grid with the
statistical engine's kernel (:func:`sigint.stateye.grid.convolve_groups`, whose bin-splitting
variance is taken back out of the Gaussian), and the Gaussian's tails are integrated exactly
(normal CDF per grid point) so the clipping probability is met to the root finder's precision.
:func:`quantization_noise` gives the detector's quantisation PMF on a voltage grid, each
uniform with its exact mass per bin (fractional end bins), so its DER_0 point does not depend on
the bin count.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import brentq
from scipy.special import ndtr

from ..stateye.grid import convolve_groups
from .params import symbol_variance

#: N_qb: noise-equivalent bits of the reference ADC (P802.3dj D3.3, 178A.1.9).
NOISE_EQUIVALENT_BITS = 6
#: P_qc: probability that the quantiser clips (P802.3dj D3.3, 178A.1.9).
CLIP_PROBABILITY = 1e-7
#: The Gaussian's CDF is summed within this many σ of a point; beyond it it is 0 or 1.
_TAIL_SIGMAS = 12.0


@dataclass(frozen=True)
class QuantStep:
    """The reference ADC's clipping level and step (178A-29/30).

    Attributes
    ----------
    step_v : float
        Δ = 2·V_qc/(2^N_qb − 1), V.
    clip_v : float
        V_qc: the level the signal at the quantiser exceeds (either polarity) with probability
        ``p_clip``, V.
    n_bits : int
        N_qb.
    p_clip : float
        P_qc.
    """

    step_v: float
    clip_v: float
    n_bits: int
    p_clip: float

    def __post_init__(self):
        if not (np.isfinite(self.clip_v) and self.clip_v >= 0):
            raise ValueError(f"clip_v = {self.clip_v!r}: expected a finite level >= 0 V")
        if not 1 <= self.n_bits <= 16:
            raise ValueError(f"n_bits = {self.n_bits!r}: expected 1 … 16")
        if not 0 < self.p_clip < 1:
            raise ValueError(f"p_clip = {self.p_clip!r}: expected a probability in (0, 1)")


def quantizer_step(
    signal_v,
    var_noise_v2: float,
    levels: int,
    interference_v=(),
    n_bits: int = NOISE_EQUIVALENT_BITS,
    p_clip: float = CLIP_PROBABILITY,
    bins: int = 8001,
) -> QuantStep:
    """Clipping level V_qc and step Δ of the reference ADC (178A-29, 178A-30, 178A-44).

    Parameters
    ----------
    signal_v : array_like of float
        The victim's pulse response at the quantiser (the Rx FFE input) sampled once per UI at
        the sampling phase, every UI including the cursor, V. Each sample contributes ``levels``
        equiprobable values h·(2l/(L−1) − 1) (93A-39/40). May be empty.
    var_noise_v2 : float
        Variance of the Gaussian noise at the quantiser (178A-44): Rx noise, Tx noise and random
        jitter at the FFE input, V².
    levels : int
        L, the number of PAM levels.
    interference_v : sequence of array_like of float
        More sample sets treated as ``signal_v`` is (178A-44): each crosstalk aggressor sampled
        once per UI at its phase at the FFE input, and A_DD·h_J (the dual-Dirac jitter's delta
        distribution), V.
    n_bits : int
        N_qb, noise-equivalent bits.
    p_clip : float
        P_qc: the probability that |x| exceeds V_qc.
    bins : int
        Grid points for the delta distributions (their support is split into about this many
        bins; the Gaussian part is exact).

    Returns
    -------
    QuantStep

    Raises
    ------
    ValueError
        For a negative or non-finite variance, fewer than 2 levels, non-finite samples, ``n_bits``
        outside 1 … 16, ``p_clip`` outside (0, 1) or fewer than 101 bins.

    Notes
    -----
    P_qc is taken as the probability of clipping at either rail (PyChOpMarg 3.4.0's reading of
    178A-30); a public port of the reference MATLAB code's "slow" clip method takes the one-sided
    P_qc quantile instead, which gives a Δ 2.4 % smaller for Gaussian noise and P_qc = 1e-7.
    With no Gaussian noise the delta distribution's mass is taken as spread evenly over each
    bin. Cost: O(Σ samples · L · bins) for the grid, then O(bins) per root-finder step.

    Examples
    --------
    A Gaussian alone clips at its two-sided quantile:

    >>> from scipy.special import ndtri
    >>> q = quantizer_step([], 1e-6, 4)
    >>> bool(abs(q.clip_v - 1e-3 * ndtri(1 - 1e-7 / 2)) < 1e-12)
    True
    """
    if not (np.isfinite(var_noise_v2) and var_noise_v2 >= 0):
        raise ValueError(f"var_noise_v2 = {var_noise_v2!r}: expected a finite variance >= 0 V²")
    if levels < 2:
        raise ValueError(f"levels = {levels!r}: expected at least 2")
    if not 1 <= n_bits <= 16:
        raise ValueError(f"n_bits = {n_bits!r}: expected 1 … 16")
    if not 0 < p_clip < 1:
        raise ValueError(f"p_clip = {p_clip!r}: expected a probability in (0, 1)")
    if bins < 101:
        raise ValueError(f"bins = {bins!r}: expected at least 101")
    sets = [np.asarray(signal_v, dtype=float).ravel()]
    sets += [np.asarray(h, dtype=float).ravel() for h in interference_v]
    for i, h in enumerate(sets):
        if not np.all(np.isfinite(h)):
            name = "signal_v" if i == 0 else f"interference_v[{i - 1}]"
            raise ValueError(f"{name}: expected finite samples, got NaN or inf")
    half = bins // 2
    norm_levels = 2 * np.arange(levels) / (levels - 1) - 1
    # Samples that move the sum by less than half a bin enter as their variance: the grid
    # would only split each between two bins (a long pulse tail holds thousands of them, and
    # their sum is Gaussian to far past P_qc); this makes the cost follow the samples that
    # shape the distribution.
    tiny = 0.5 * sum(float(np.abs(h).sum()) for h in sets) / (half - 2)
    small = [h[np.abs(h) < tiny] for h in sets]
    var_tiny = symbol_variance(levels) * sum(float(h @ h) for h in small)
    sets = [h[np.abs(h) >= tiny] for h in sets]
    var_noise_v2 = var_noise_v2 + var_tiny
    support = sum(float(np.abs(h).sum()) for h in sets)
    sigma = float(np.sqrt(var_noise_v2))
    if support == 0 and sigma == 0:
        return QuantStep(0.0, 0.0, n_bits, p_clip)

    # the delta distributions on a grid just wider than their support
    dv = support / (half - 2) if support > 0 else sigma
    blocks = [(np.outer(h, norm_levels), np.full((h.size, levels), 1.0 / levels)) for h in sets]
    n = 2 * half + 1
    pmf = np.zeros(n)
    pmf[half] = 1.0
    blur = convolve_groups(blocks, dv, pmf, np.empty(n))
    # the bin splitting's variance comes back out of the Gaussian (as the engine does)
    sigma_bins = np.sqrt(max(var_noise_v2 / dv**2 - blur, 0.0))
    keep = np.flatnonzero(pmf > 0)
    pos, mass = keep - half, pmf[keep]

    def clipped(v_bins: float) -> float:  # P(x > v) + P(x < −v), v in bins
        return _upper_tail(mass, pos, sigma_bins, v_bins) + _upper_tail(
            mass, -pos, sigma_bins, v_bins
        )

    hi = support / dv + _TAIL_SIGMAS * sigma_bins + 1.0
    if clipped(0.0) <= p_clip:
        clip_bins = 0.0
    else:
        clip_bins = brentq(lambda v: clipped(v) - p_clip, 0.0, hi, xtol=1e-9, rtol=1e-13)
    clip_v = float(clip_bins * dv)
    return QuantStep(2 * clip_v / (2**n_bits - 1), clip_v, n_bits, p_clip)


def _upper_tail(mass, pos, sigma_bins: float, v: float) -> float:
    """P(x > v) for point masses at ``pos`` (bins) plus a Gaussian of ``sigma_bins`` (each mass
    spread evenly over its bin when there is no Gaussian)."""
    if sigma_bins > 0:
        z = (pos - v) / sigma_bins
        near = z > -_TAIL_SIGMAS
        return float(np.dot(mass[near], ndtr(z[near])))
    return float(np.dot(mass, np.clip(pos + 0.5 - v, 0.0, 1.0)))


def quantization_variance(taps, step_v: float) -> float:
    """Σ w_i²·Δ²/12: the quantisation noise's variance at the detector (178A-43, 178A-46), V².

    Parameters
    ----------
    taps : array_like of float
        The Rx FFE taps w_i (relative to any scale the detector's voltages use).
    step_v : float
        Δ, V.

    Returns
    -------
    float

    Examples
    --------
    >>> bool(np.isclose(quantization_variance([1.0, -0.5], 1e-3), 1.25e-6 / 12))
    True
    """
    w = np.asarray(taps, dtype=float).ravel()
    return float(np.sum(w**2) * step_v**2 / 12)


@dataclass(frozen=True)
class QuantNoise:
    """The quantisation noise at the detector on a voltage grid (178A-43, 178A-46).

    Attributes
    ----------
    pmf : float64[n]
        Probability of each bin; n odd, bin k at (k − n//2)·``dv_v`` (a zero-centred grid).
    dv_v : float
        Bin width, V.
    var_v2 : float
        Σ w_i²·Δ²/12, V² (the exact variance).
    half_width_v : float
        Σ |w_i|·Δ/2: the exact support is ±this, V.
    excess_var_v2 : float
        The grid PMF's variance minus ``var_v2``, V² (at most about n_taps·dv²/12 either way):
        a caller that wants the total variance exact takes it out of its Gaussian term.
    """

    pmf: np.ndarray = field(repr=False)
    dv_v: float
    var_v2: float
    half_width_v: float
    excess_var_v2: float

    @property
    def y_v(self) -> np.ndarray:
        """The grid's voltages, V."""
        n = self.pmf.size
        return (np.arange(n) - n // 2) * self.dv_v


def quantization_noise(taps, step_v: float, dv_v: float, n_bins: int | None = None) -> QuantNoise:
    """The PMF of the quantisation noise at the detector (178A-43, 178A-46).

    The ADC's error, uniform on ±Δ/2, reaches the detector through every Rx FFE tap: the sum of
    independent uniforms of half-width a_i = |w_i|·Δ/2. Each uniform goes on the grid with its
    exact probability per bin (bin k covers [(k − ½)·dv, (k + ½)·dv]; the end bins get the
    fraction of the width they hold), and the taps' PMFs are convolved.

    Parameters
    ----------
    taps : array_like of float
        The Rx FFE taps w_i, in the scale of the detector's voltages (as they multiply the FFE
        input to give the detector's sample).
    step_v : float
        Δ from :func:`quantizer_step`, V (0 gives a delta at 0).
    dv_v : float
        The voltage grid's step, V.
    n_bins : int, optional
        Length of the zero-centred grid to return (odd, at least the support's); by default the
        shortest odd grid that holds the support.

    Returns
    -------
    QuantNoise

    Raises
    ------
    ValueError
        For a non-positive ``dv_v``, a negative or non-finite ``step_v``, non-finite taps, or an
        even or too short ``n_bins``.

    Notes
    -----
    Cost: Σ_i (2a_i/dv + 1)·(support in bins), direct convolutions.

    Examples
    --------
    One tap of 1 with Δ = 4 bins: a uniform over ±2 bins, the end bins half full.

    >>> q = quantization_noise([1.0], 4.0, 1.0)
    >>> q.pmf.tolist()
    [0.125, 0.25, 0.25, 0.25, 0.125]
    """
    w = np.asarray(taps, dtype=float).ravel()
    if not np.all(np.isfinite(w)):
        raise ValueError("taps: expected finite taps, got NaN or inf")
    if not (np.isfinite(step_v) and step_v >= 0):
        raise ValueError(f"step_v = {step_v!r}: expected a finite step >= 0 V")
    if not (np.isfinite(dv_v) and dv_v > 0):
        raise ValueError(f"dv_v = {dv_v!r}: expected a finite grid step > 0 V")
    pmf = np.ones(1)
    for a in np.abs(w) * step_v / 2:
        pmf = np.convolve(pmf, _uniform_pmf(a / dv_v))
    if n_bins is not None:
        if n_bins % 2 == 0 or n_bins < pmf.size:
            raise ValueError(
                f"n_bins = {n_bins!r}: expected an odd length of at least {pmf.size} (the support)"
            )
        pad = (n_bins - pmf.size) // 2
        pmf = np.pad(pmf, pad)
    var = quantization_variance(w, step_v)
    y = (np.arange(pmf.size) - pmf.size // 2) * dv_v
    return QuantNoise(
        pmf=pmf,
        dv_v=float(dv_v),
        var_v2=var,
        half_width_v=float(np.abs(w).sum() * step_v / 2),
        excess_var_v2=float(np.dot(pmf, y**2) - var),
    )


def _uniform_pmf(a_bins: float) -> np.ndarray:
    """The uniform distribution on ±``a_bins`` as exact masses of unit bins centred on
    −m … m (m the fewest that hold it)."""
    if a_bins <= 0:
        return np.ones(1)
    m = max(int(np.ceil(a_bins - 0.5)), 0)
    edges = np.arange(-m, m + 2) - 0.5
    cdf = np.clip((edges + a_bins) / (2 * a_bins), 0.0, 1.0)
    return np.diff(cdf)
