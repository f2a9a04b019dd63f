"""COM of the Annex 178A reference receiver with MLSD (IEEE P802.3dj 178A.1.10).

The MLSD receiver's COM is the DFE receiver's (COM_DFE, by the PMF method with a 1-tap DFE)
plus the advantage of sequence detection on the target 1 + b(1)·D (178A-49)::

    COM = max(COM_DFE, COM_DFE + ΔCOM_MLSD),   ΔCOM_MLSD = 20·log10(A_ni' / A_s)

in three steps:

1. **Added noise (178A.1.10.1, 178A-53).** The DFE receiver's noise and interference is a PMF
   p_rest of its non-Gaussian terms convolved with a Gaussian of variance σ_G². Rx noise at the
   FFE output (variance σ_rn²) is added, scaled by g_an, until COM_DFE has dropped by ΔCOM_an
   (3 dB): the DER_0 point of p_an = p_rest ∗ N(0, σ_G² + g_an·σ_rn²) is 10^(ΔCOM_an/20) times
   that of p_rest ∗ N(0, σ_G²), as PyChOpMarg 3.4.0 does. (A public Python port of the reference
   MATLAB code's ``MLSE_U1_c_178A`` instead stretches the whole PDF by 10^(ΔCOM_an/20) and takes
   g_an from the variance difference; the two agree when the Gaussian term dominates.)
2. **MLSD error ratio (178A-50 … 178A-56).** For the error events of alternating sign and length
   j ≥ 1 (the dominant ones on 1 + bD), the difference sequence is u_j = e ∗ [1, b]:
   u_j = [1, −(1−b), (1−b), …, (−1)^(j−1)·(1−b), (−1)^(j−1)·b] (j + 1 entries, 178A-51), and::

       DER_MLSD = Σ_j ((L−1)/L)^(j−1) · P_j(−x_j),  x_j = A_s·(u_jᵀu_j)^(3/2) / √(u_jᵀ V_j u_j)

   where P_j is the CDF of Σ_k |u_j(k)|·n_k for independent n_k of PMF p_an (p_an convolved
   with p_an scaled by b, then with p_an scaled by 1 − b once per further symbol, 178A-54/55)
   and V_j the (j+1)×(j+1) Toeplitz matrix of the normalised autocorrelation ρ(n) = R_ni(n) /
   R_ni(0) of the noise and residual ISI at the FFE output, whose PSD is (178A-56)::

       S_ni = S_n·|H_w|² + g_an·S_rn·|H_w|² + S_isi,

   taken here in its lag form R_ni = R_n,out + g_an·R_rn,out + R_isi (:func:`lag_correlation`
   turns folded PSDs into lags; :func:`ffe_output_correlation` and :func:`isi_correlation` build
   them from lags at the FFE input).

   The sum stops once a term adds less than ``rel_tol`` (1e-4) of the sum so far, as the
   reference code and PyChOpMarg do.
3. **Credit (178A-49).** A_ni' is the amplitude p_an exceeds with probability DER_MLSD:
   ΔCOM_MLSD = 20·log10(A_ni'/A_s), positive when the MLSD errs less than slicing does.

Numerics: a PMF here is the lattice part (on a zero-centred grid of step dv, odd length) plus a
Gaussian that is never put on the grid: every CDF is Σ_k p_k·Φ((y − y_k)/σ), exact in σ, so
the DER_0 points, g_an and DER_MLSD do not depend on the bin count beyond the lattice part's.
Scaling the lattice part by b or 1 − b splits each mass between its two neighbouring bins
(keeping the mean), and the variance that adds comes back out of that term's Gaussian, as the
statistical engine does (:mod:`sigint.stateye.grid`). The PMFs are taken to be symmetric (every
COM term is), so the signs in u_j do not matter to P_j.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy.linalg import toeplitz
from scipy.optimize import brentq
from scipy.signal import fftconvolve
from scipy.special import ndtr

from .params import symbol_variance

#: ΔCOM_an: the COM penalty the added Rx noise must cause (D3.3, 178A.1.10.1), dB.
DELTA_COM_AN_DB = 3.0
#: Relative size of the last MLSD error-event term summed (as the reference code).
MLSD_REL_TOL = 1e-4
#: A Gaussian's CDF is summed within this many σ of a point; beyond, it is 0 or 1.
_TAIL_SIGMAS = 12.0
#: Lattice mass below this at either end is dropped as the MLSD's PMFs grow.
_TRIM_MASS = 1e-30


@dataclass(frozen=True)
class AddedNoise:
    """The added-noise gain of 178A.1.10.1 and the DER_0 points it joins.

    Attributes
    ----------
    g_an : float
        g_an: the multiple of the Rx noise variance at the FFE output that, added to the DFE
        receiver's Gaussian noise, lowers its COM by ``delta_com_an_db``.
    var_rn_v2 : float
        σ_rn², the Rx noise variance at the FFE output, V².
    a_ni_v : float
        A_ni of the DFE receiver (no added noise), V.
    a_ni_an_v : float
        A_ni with the added noise, V (``a_ni_v``·10^(ΔCOM_an/20)).
    delta_com_an_db : float
        ΔCOM_an, dB.
    """

    g_an: float
    var_rn_v2: float
    a_ni_v: float
    a_ni_an_v: float
    delta_com_an_db: float

    @property
    def var_an_v2(self) -> float:
        """g_an·σ_rn²: the variance added to the Gaussian term, V²."""
        return self.g_an * self.var_rn_v2


@dataclass(frozen=True)
class MlsdDer:
    """The MLSD detector error ratio (178A-50) and its terms.

    Attributes
    ----------
    der : float
        DER_MLSD.
    terms : tuple of float
        ((L−1)/L)^(j−1)·P_j(−x_j) for j = 1 … n_terms.
    """

    der: float
    terms: tuple = field(repr=False)

    @property
    def n_terms(self) -> int:
        """Error-event lengths summed."""
        return len(self.terms)


@dataclass(frozen=True)
class MlsdCredit:
    """COM of the MLSD reference receiver (178A-49) and what made it.

    Attributes
    ----------
    com_dfe_db : float
        COM_DFE = 20·log10(A_s/A_ni) from the inputs' PMF (exact in the Gaussian), dB.
    g_an : float
        The added-noise gain (178A.1.10.1).
    der_mlsd : float
        DER_MLSD (178A-50).
    n_terms : int
        Error-event lengths summed for it.
    a_ni_mlsd_v : float
        A_ni': the amplitude the added-noise PMF exceeds with probability DER_MLSD, V.
    delta_com_db : float
        ΔCOM_MLSD = 20·log10(A_ni'/A_s), dB (negative when the MLSD does not help).
    """

    com_dfe_db: float
    g_an: float
    der_mlsd: float
    n_terms: int
    a_ni_mlsd_v: float
    delta_com_db: float

    @property
    def com_db(self) -> float:
        """COM = max(COM_DFE, COM_DFE + ΔCOM_MLSD) (178A-49), dB."""
        return self.com_dfe_db + max(self.delta_com_db, 0.0)


class _Lattice:
    """A PMF on the lattice y_k = (start + k)·dv plus an independent Gaussian: its CDF."""

    def __init__(self, pmf: np.ndarray, start: int, dv: float, var: float):
        self.pmf = pmf
        self.start = start
        self.dv = dv
        self.sigma = float(np.sqrt(max(var, 0.0))) / dv  # bins
        self.cum = np.concatenate(([0.0], np.cumsum(pmf)))

    def cdf(self, y: float) -> float:
        """P(x ≤ y); with no Gaussian, each mass is spread evenly over its bin."""
        pos = y / self.dv - self.start  # bins from pmf[0]
        n = self.pmf.size
        reach = _TAIL_SIGMAS * self.sigma + 1.0
        lo = min(max(int(np.floor(pos - reach)), 0), n)
        hi = min(max(int(np.ceil(pos + reach)) + 1, 0), n)
        k = np.arange(lo, hi)
        if self.sigma > 0:
            part = ndtr((pos - k) / self.sigma)
        else:
            part = np.clip(pos - k + 0.5, 0.0, 1.0)
        return float(self.cum[lo] + np.dot(self.pmf[lo:hi], part))

    def quantile(self, prob: float) -> float:
        """The y at which the CDF reaches ``prob`` (0 < prob < 1), V."""
        reach = (_TAIL_SIGMAS + 3) * self.sigma + 2.0
        lo = (self.start - reach) * self.dv
        hi = (self.start + self.pmf.size + reach) * self.dv
        if not self.cdf(lo) < prob < self.cdf(hi):
            raise ValueError(f"probability = {prob!r}: beyond the distribution's computed tails")
        return float(brentq(lambda y: self.cdf(y) - prob, lo, hi, xtol=1e-12 * self.dv, rtol=1e-15))


def _lattice(pmf_rest, dv_v: float, var_v2: float, name: str = "pmf_rest") -> _Lattice:
    """Validate a zero-centred grid PMF and pair it with its Gaussian."""
    p = np.asarray(pmf_rest, dtype=float)
    if p.ndim != 1 or p.size % 2 == 0:
        raise ValueError(f"{name}: expected a 1-D PMF of odd length (zero-centred), got {p.shape}")
    if not (np.all(np.isfinite(p)) and np.all(p >= 0)):
        raise ValueError(f"{name}: expected finite probabilities >= 0")
    total = float(p.sum())
    if not abs(total - 1.0) < 1e-6:
        raise ValueError(f"{name}: expected probabilities summing to 1, got {total!r}")
    if not (np.isfinite(dv_v) and dv_v > 0):
        raise ValueError(f"dv_v = {dv_v!r}: expected a finite grid step > 0 V")
    if not (np.isfinite(var_v2) and var_v2 >= 0):
        raise ValueError(f"variance = {var_v2!r}: expected a finite variance >= 0 V²")
    return _Lattice(p / total, -(p.size // 2), float(dv_v), float(var_v2))


def tail_amplitude(pmf, dv_v: float, var_g_v2: float, probability: float) -> float:
    """The amplitude A that the noise falls below −A with ``probability`` (as A_ni, 93A-45).

    Parameters
    ----------
    pmf : float64[n]
        The non-Gaussian part's PMF on a zero-centred grid (n odd, bin k at (k − n//2)·dv_v).
    dv_v : float
        The grid's step, V.
    var_g_v2 : float
        Variance of the independent Gaussian part, V² (applied exactly, never on the grid).
    probability : float
        The tail probability (DER_0 for A_ni), in (0, 1).

    Returns
    -------
    float
        −y where P(x ≤ y) = ``probability``, V.

    Examples
    --------
    >>> from scipy.special import ndtri
    >>> a = tail_amplitude([1.0], 1e-5, 1e-6, 1e-4)
    >>> bool(abs(a + 1e-3 * ndtri(1e-4)) < 1e-12)
    True
    """
    if not 0 < probability < 1:
        raise ValueError(f"probability = {probability!r}: expected a value in (0, 1)")
    return -_lattice(pmf, dv_v, var_g_v2, "pmf").quantile(probability)


def added_noise_gain(
    pmf_rest,
    dv_v: float,
    var_g_v2: float,
    var_rn_v2: float,
    der0: float,
    delta_com_an_db: float = DELTA_COM_AN_DB,
) -> AddedNoise:
    """g_an: the Rx noise to add so that COM_DFE drops by ΔCOM_an (178A.1.10.1, 178A-53).

    Solves A_ni(σ_G² + g_an·σ_rn²) = 10^(ΔCOM_an/20)·A_ni(σ_G²) for g_an, where A_ni(σ²) is the
    DER_0 point of ``pmf_rest`` ∗ N(0, σ²).

    Parameters
    ----------
    pmf_rest : float64[n]
        The PMF of every non-Gaussian term of the DFE receiver's noise and interference at the
        detector, convolved (residual ISI after the Rx FFE and the 1-tap DFE, crosstalk, A_DD·h_J,
        quantisation noise), on a zero-centred grid (n odd, bin k at (k − n//2)·dv_v).
    dv_v : float
        The grid's step, V.
    var_g_v2 : float
        σ_G²: the variance of the DFE receiver's Gaussian term (Tx noise, random jitter, Rx noise
        at the FFE output), V², as its COM applies it (less any bin-splitting variance the
        caller took out).
    var_rn_v2 : float
        σ_rn²: the Rx noise variance at the FFE output (∫ S_rn·|H_w|² df), V².
    der0 : float
        DER_0.
    delta_com_an_db : float
        ΔCOM_an, dB (3 in D3.3).

    Returns
    -------
    AddedNoise

    Raises
    ------
    ValueError
        For invalid inputs, σ_rn² = 0, or no g_an below 2^200 giving the penalty.

    Examples
    --------
    Gaussian noise only: the variance must grow by 10^(ΔCOM_an/10).

    >>> g = added_noise_gain([1.0], 1e-5, 1e-6, 1e-6, 1e-4, 3.0)
    >>> round(g.g_an, 9) == round(10 ** 0.3 - 1, 9)
    True
    """
    if not 0 < der0 < 0.5:
        raise ValueError(f"der0 = {der0!r}: expected a value in (0, 0.5)")
    if not (np.isfinite(var_rn_v2) and var_rn_v2 > 0):
        raise ValueError(f"var_rn_v2 = {var_rn_v2!r}: expected a finite Rx noise variance > 0 V²")
    if not (np.isfinite(delta_com_an_db) and delta_com_an_db > 0):
        raise ValueError(f"delta_com_an_db = {delta_com_an_db!r}: expected a penalty > 0 dB")
    base = _lattice(pmf_rest, dv_v, var_g_v2)

    def a_ni(g: float) -> float:
        lat = _Lattice(base.pmf, base.start, base.dv, var_g_v2 + g * var_rn_v2)
        return -lat.quantile(der0)

    a0 = a_ni(0.0)
    target = a0 * 10 ** (delta_com_an_db / 20)
    g_lo, g_hi = 0.0, 1.0
    for _ in range(200):
        if a_ni(g_hi) >= target:
            break
        g_lo, g_hi = g_hi, 2 * g_hi
    else:
        raise ValueError(
            f"var_rn_v2 = {var_rn_v2!r}: no added Rx noise gives a {delta_com_an_db} dB penalty"
        )
    g = brentq(lambda g: a_ni(g) - target, g_lo, g_hi, xtol=1e-14 * g_hi, rtol=1e-13)
    return AddedNoise(float(g), float(var_rn_v2), a0, target, float(delta_com_an_db))


def ffe_power_response(f_hz, taps, ui_s: float) -> np.ndarray:
    """|H_w(f)|² of a T-spaced FFE: |Σ_i w_i·e^{−j2πf·i·T}|².

    Parameters
    ----------
    f_hz : array_like of float
        Frequencies, Hz.
    taps : array_like of float
        w_i, T-spaced (the cursor's position does not change |H_w|).
    ui_s : float
        T, s.

    Returns
    -------
    ndarray

    Examples
    --------
    >>> ffe_power_response([0.0, 0.5], [1.0, -0.25], 1.0).tolist()
    [0.5625, 1.5625]
    """
    f = np.asarray(f_hz, dtype=float)
    w = np.asarray(taps, dtype=float).ravel()
    phase = np.exp(-2j * np.pi * np.outer(f, np.arange(w.size)) * ui_s)
    return np.abs(phase @ w) ** 2


def isi_psd(f_hz, isi_v, ui_s: float, levels: int) -> np.ndarray:
    """S_isi(f) = σ_X²·T·|Σ_n h_isi(n)·e^{−j2πf·n·T}|²: the residual ISI's PSD (178A-56), V²/Hz.

    Parameters
    ----------
    f_hz : array_like of float
        Frequencies, Hz (the folded band [0, 1/(2T)] for :func:`mlsd_credit`).
    isi_v : array_like of float
        The residual ISI at the detector: the FFE output sampled once per UI at the cursor's
        phase, every UI, with the cursor set to 0 and the first post-cursor reduced by
        b(1)·h(0) (what the MLSD's 1 + bD target does not account for), V.
    ui_s : float
        T, s.
    levels : int
        L; σ_X² = (L + 1)/(3(L − 1)) is the variance of symbols on ±1 (93A-29).

    Returns
    -------
    ndarray
        Two-sided PSD: its integral over (−1/(2T), 1/(2T)) is σ_X²·Σ h_isi², V²/Hz.

    Examples
    --------
    One ISI sample of 3 mV in PAM-4 (σ_X² = 5/9) is white:

    >>> s = isi_psd(np.linspace(0, 0.5, 5), [3e-3], 1.0, 4)
    >>> bool(np.allclose(s, 5 / 9 * 9e-6))
    True
    """
    var_x = symbol_variance(levels)
    return var_x * ui_s * ffe_power_response(f_hz, isi_v, ui_s)


def lag_correlation(f_hz, psd_v2_per_hz, n_lags: int, ui_s: float) -> np.ndarray:
    """R(n), n = 0 … ``n_lags``: the autocorrelation at whole-UI lags of a folded PSD.

    R(n) = ∫_{−1/(2T)}^{1/(2T)} S(f)·e^{j2πf·nT} df = 2∫_0^{1/(2T)} S(f)·cos(2πf·nT) df, by
    the trapezoid rule on the given grid (for a grid of N/2 + 1 points this is what
    ``irfft(S)/T`` gives).

    Parameters
    ----------
    f_hz : array_like of float
        Uniform frequencies from 0 to 1/(2T) inclusive, Hz.
    psd_v2_per_hz : array_like of float
        The two-sided PSD folded into [0, 1/(2T)] (the sum of its aliases f + k/T), V²/Hz.
    n_lags : int
        The largest lag, UI.
    ui_s : float
        T, s.

    Returns
    -------
    float64[n_lags + 1]
        V².

    Raises
    ------
    ValueError
        For a grid that is not uniform from 0 to 1/(2T), or a PSD of another length.

    Examples
    --------
    A flat PSD is white: R(n) = 0 for n ≠ 0.

    >>> f = np.linspace(0, 0.5, 9)
    >>> (np.round(lag_correlation(f, np.ones(9), 3, 1.0), 12) + 0.0).tolist()
    [1.0, 0.0, 0.0, 0.0]
    """
    f = np.asarray(f_hz, dtype=float).ravel()
    s = np.asarray(psd_v2_per_hz, dtype=float).ravel()
    nyq = 0.5 / ui_s
    if f.size < 2 or f[0] != 0 or not np.isclose(f[-1], nyq, rtol=1e-9, atol=0):
        raise ValueError(f"f_hz: expected a grid from 0 to 1/(2T) = {nyq:g} Hz inclusive")
    df = f[1] - f[0]
    if not np.allclose(np.diff(f), df, rtol=1e-6, atol=0):
        raise ValueError("f_hz: expected uniformly spaced frequencies")
    if s.shape != f.shape:
        raise ValueError(f"psd_v2_per_hz: expected {f.size} values (one a frequency), got {s.size}")
    if n_lags < 0:
        raise ValueError(f"n_lags = {n_lags!r}: expected >= 0")
    weight = np.full(f.size, 2 * df)
    weight[[0, -1]] = df
    cos = np.cos(2 * np.pi * np.outer(np.arange(n_lags + 1), f) * ui_s)
    return cos @ (weight * s)


def mlsd_der(
    pmf_rest,
    dv_v: float,
    var_an_v2: float,
    a_s_v: float,
    b1: float,
    rho,
    levels: int,
    rel_tol: float = MLSD_REL_TOL,
    max_terms: int | None = None,
) -> MlsdDer:
    """DER_MLSD: the MLSD's detector error ratio over the alternating error events (178A-50).

    Parameters
    ----------
    pmf_rest : float64[n]
        p_an's non-Gaussian part (as for :func:`added_noise_gain`), on a zero-centred grid.
    dv_v : float
        The grid's step, V.
    var_an_v2 : float
        p_an's Gaussian variance: σ_G² + g_an·σ_rn², V².
    a_s_v : float
        A_s, V.
    b1 : float
        b(1), the first DFE tap (the MLSD target is 1 + b(1)·D), in [0, 1].
    rho : array_like of float
        ρ(n) = R_ni(n)/R_ni(0) for n = 0, 1, …: the normalised autocorrelation of the noise and
        residual ISI at the FFE output (178A-56; :func:`lag_correlation`).
    levels : int
        L.
    rel_tol : float
        Stop once a term adds no more than this fraction of the sum so far.
    max_terms : int, optional
        The longest error event, symbols (at most, and by default, ``len(rho) − 1``).

    Returns
    -------
    MlsdDer

    Notes
    -----
    Cost per term: one convolution of the growing lattice PMF (FFT) and one CDF evaluation.

    Examples
    --------
    White Gaussian noise and b(1) = 0: the first term is the slicer's Q(A_s/σ).

    >>> from scipy.special import ndtr
    >>> d = mlsd_der([1.0], 1e-5, 1e-6, 4e-3, 0.0, [1.0, 0.0, 0.0], 4)
    >>> bool(abs(d.terms[0] - ndtr(-4.0)) < 1e-15)
    True
    """
    r = np.asarray(rho, dtype=float).ravel()
    if r.size < 2 or not np.all(np.isfinite(r)) or not np.isclose(r[0], 1.0):
        raise ValueError("rho: expected a normalised autocorrelation ρ(0) = 1, ρ(1), … (2+ lags)")
    if not 0 <= b1 <= 1:
        raise ValueError(f"b1 = {b1!r}: expected a first DFE tap in [0, 1]")
    if not (np.isfinite(a_s_v) and a_s_v > 0):
        raise ValueError(f"a_s_v = {a_s_v!r}: expected a signal amplitude > 0 V")
    if levels < 2:
        raise ValueError(f"levels = {levels!r}: expected at least 2")
    if not 0 < rel_tol < 1:
        raise ValueError(f"rel_tol = {rel_tol!r}: expected a value in (0, 1)")
    max_terms = r.size - 1 if max_terms is None else min(int(max_terms), r.size - 1)
    if max_terms < 1:
        raise ValueError(f"max_terms = {max_terms!r}: expected at least 1")
    base = _lattice(pmf_rest, dv_v, var_an_v2)
    by_b, blur_b = _scaled(base.pmf, b1)
    by_1mb, blur_1mb = _scaled(base.pmf, 1 - b1)
    # p_j's lattice part, (its first bin, in bins), and the scaling's variance in it (bins²)
    q, start = _convolve(base.pmf, by_b), -(base.pmf.size // 2) - (by_b.size // 2)
    blur = blur_b
    ratio = (levels - 1) / levels
    terms = []
    der = 0.0
    for j in range(1, max_terms + 1):
        u = (-1.0) ** np.arange(j + 1) * (1 - b1)  # (178A-51)
        u[0], u[j] = 1.0, (-1.0) ** (j - 1) * b1
        uu = float(u @ u)
        uvu = float(u @ toeplitz(r[: j + 1]) @ u)
        x = a_s_v * uu**1.5 / np.sqrt(uvu) if uvu > 0 else np.inf
        var_j = var_an_v2 * uu - blur * base.dv**2
        q, start = _trimmed(q, start)
        term = ratio ** (j - 1) * _Lattice(q, start, base.dv, var_j).cdf(-x)
        terms.append(term)
        der += term
        if term <= rel_tol * der:
            break
        q = _convolve(q, by_1mb)
        start -= by_1mb.size // 2
        blur += blur_1mb
    return MlsdDer(float(der), tuple(terms))


def _scaled(pmf: np.ndarray, s: float) -> tuple[np.ndarray, float]:
    """The zero-centred PMF of s·x for x of the zero-centred ``pmf`` (s ≥ 0): each mass split
    between the two bins around s·k (mean kept); and the variance that adds, bins²."""
    h = pmf.size // 2
    if s == 0 or h == 0:
        return np.ones(1), 0.0
    pos = s * (np.arange(pmf.size) - h)
    base = np.floor(pos)
    frac = pos - base
    half = int(np.ceil(s * h)) + 1
    idx = base.astype(np.int64) + half
    out = np.bincount(idx, pmf * (1 - frac), minlength=2 * half + 1)
    out += np.bincount(idx + 1, pmf * frac, minlength=2 * half + 1)
    return out[: 2 * half + 1], float(np.dot(pmf, frac * (1 - frac)))


def _convolve(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Full convolution of two PMFs (FFT when both are long), round-off below 0 clipped."""
    if min(a.size, b.size) < 64:
        return np.convolve(a, b)
    return np.maximum(fftconvolve(a, b), 0.0)


def _trimmed(pmf: np.ndarray, start: int) -> tuple[np.ndarray, int]:
    """``pmf`` without end bins holding less than _TRIM_MASS, and its new first bin."""
    cum = np.cumsum(pmf)
    lo = int(np.searchsorted(cum, _TRIM_MASS))
    hi = pmf.size - int(np.searchsorted(np.cumsum(pmf[::-1]), _TRIM_MASS))
    if hi <= lo:
        return pmf, start
    return pmf[lo:hi], start + lo


def ffe_output_correlation(r_in_v2, taps, n_lags: int) -> np.ndarray:
    """R_out(k), k = 0 … ``n_lags``: a stationary noise's autocorrelation after a T-spaced FFE.

    R_out(k) = Σ_Δ γ_w(Δ)·R_in(k + Δ), γ_w(Δ) = Σ_i w_i·w_{i+Δ} (R_in(−n) = R_in(n)): the lag
    form of S·|H_w|².

    Parameters
    ----------
    r_in_v2 : array_like of float
        R_in(0), R_in(1), … at whole-UI lags at the FFE input, V²; at least
        ``n_lags + len(taps)`` of them.
    taps : array_like of float
        w_i, T-spaced.
    n_lags : int
        The largest lag wanted, UI.

    Returns
    -------
    float64[n_lags + 1]
        V².

    Examples
    --------
    White noise through [1, −0.5]: R(0) = 1.25, R(1) = −0.5.

    >>> (ffe_output_correlation([1.0, 0, 0, 0], [1.0, -0.5], 2) + 0.0).tolist()
    [1.25, -0.5, 0.0]
    """
    r = np.asarray(r_in_v2, dtype=float).ravel()
    w = np.asarray(taps, dtype=float).ravel()
    if n_lags < 0:
        raise ValueError(f"n_lags = {n_lags!r}: expected >= 0")
    if r.size < n_lags + w.size:
        raise ValueError(
            f"r_in_v2: expected at least n_lags + len(taps) = {n_lags + w.size} lags, got {r.size}"
        )
    gamma = np.correlate(w, w, mode="full")  # γ(Δ) for Δ = −(N−1) … N−1
    shifts = np.arange(-(w.size - 1), w.size)
    lags = np.abs(np.arange(n_lags + 1)[:, None] + shifts[None, :])
    return r[lags] @ gamma


def isi_correlation(isi_v, levels: int, n_lags: int) -> np.ndarray:
    """R_isi(k) = σ_X²·Σ_n h_isi(n)·h_isi(n + k): the residual ISI's autocorrelation (the lag
    form of :func:`isi_psd`, 178A-56), V².

    Parameters
    ----------
    isi_v : array_like of float
        The residual ISI at the detector, as for :func:`isi_psd`, V.
    levels : int
        L (σ_X² = (L + 1)/(3(L − 1))).
    n_lags : int
        The largest lag, UI.

    Returns
    -------
    float64[n_lags + 1]

    Examples
    --------
    >>> np.round(isi_correlation([0.3, 0.3], 2, 2), 12).tolist()
    [0.18, 0.09, 0.0]
    """
    h = np.asarray(isi_v, dtype=float).ravel()
    if n_lags < 0:
        raise ValueError(f"n_lags = {n_lags!r}: expected >= 0")
    var_x = symbol_variance(levels)
    full = np.correlate(h, h, mode="full")[h.size - 1 :]
    out = np.zeros(n_lags + 1)
    k = min(full.size, n_lags + 1)
    out[:k] = full[:k]
    return var_x * out


def mlsd_credit(
    pmf_rest,
    dv_v: float,
    var_g_v2: float,
    a_s_v: float,
    der0: float,
    b1: float,
    levels: int,
    r_n_out_v2,
    r_rn_out_v2,
    r_isi_v2,
    delta_com_an_db: float = DELTA_COM_AN_DB,
    rel_tol: float = MLSD_REL_TOL,
    max_terms: int | None = None,
) -> MlsdCredit:
    """COM of the MLSD reference receiver from the DFE receiver's figures (178A-49 … 178A-56).

    The three autocorrelations are at whole-UI lags 0, 1, … at the FFE output (the detector):
    from folded PSDs by :func:`lag_correlation` (of S_n·|H_w|², S_rn·|H_w|², :func:`isi_psd`), or
    from lags at the FFE input by :func:`ffe_output_correlation` and :func:`isi_correlation`.

    Parameters
    ----------
    pmf_rest : float64[n]
        The DFE receiver's non-Gaussian noise and interference PMF at the detector (as for
        :func:`added_noise_gain`), on a zero-centred grid (n odd).
    dv_v : float
        The grid's step, V.
    var_g_v2 : float
        σ_G², the DFE receiver's Gaussian variance as its COM applies it, V².
    a_s_v : float
        A_s, V.
    der0 : float
        DER_0.
    b1 : float
        b(1), the DFE receiver's first tap, in [0, 1].
    levels : int
        L.
    r_n_out_v2 : array_like of float
        R_n: every noise term at the FFE input (Rx, Tx, crosstalk, jitter, quantisation; 178A-17)
        through the Rx FFE (the S_n·|H_w|² of 178A-56), V².
    r_rn_out_v2 : array_like of float
        R_rn: the Rx noise alone through the Rx FFE (S_rn·|H_w|²), V². R_rn(0) is σ_rn².
    r_isi_v2 : array_like of float
        R_isi: the residual ISI at the detector (S_isi; :func:`isi_correlation`), V².
    delta_com_an_db : float
        ΔCOM_an, dB.
    rel_tol : float
        The error-event sum's stopping rule (:func:`mlsd_der`).
    max_terms : int, optional
        The longest error event, symbols (at most, and by default, one less than the lags given).

    Returns
    -------
    MlsdCredit
        ``com_db`` is max(COM_DFE, COM_DFE + ΔCOM_MLSD); a caller with its own COM_DFE adds
        ``max(delta_com_db, 0)`` to it.

    Raises
    ------
    ValueError
        For invalid inputs (as :func:`added_noise_gain` and :func:`mlsd_der` name them), lag
        arrays of different lengths or fewer than 2 lags, a noise without power, or a DER_MLSD
        that underflows.

    Notes
    -----
    Cost: the g_an solve (a few thousand CDF evaluations of ~24σ/dv bins each), then one FFT
    convolution per error-event length (about 2–20 of them for b(1) in 0 … 0.85).

    Examples
    --------
    White Gaussian noise, all of it Rx noise, and a strong first post-cursor: the MLSD's
    advantage is credited (b(1) = 0 would give none).

    >>> white = np.r_[1e-6, np.zeros(30)]
    >>> c = mlsd_credit([1.0], 1e-5, 1e-6, 4e-3, 1e-4, 0.7, 4, white, white, 0 * white)
    >>> bool(c.delta_com_db > 0 and c.com_db > c.com_dfe_db)
    True
    """
    r_n, r_rn, r_isi = (
        np.asarray(r, dtype=float).ravel() for r in (r_n_out_v2, r_rn_out_v2, r_isi_v2)
    )
    if not (r_n.size == r_rn.size == r_isi.size >= 2):
        raise ValueError(
            "r_n_out_v2, r_rn_out_v2, r_isi_v2: expected lags 0, 1, … of equal length (2+), got "
            f"{r_n.size}, {r_rn.size}, {r_isi.size}"
        )
    noise = added_noise_gain(pmf_rest, dv_v, var_g_v2, float(r_rn[0]), der0, delta_com_an_db)
    r_ni = r_n + noise.g_an * r_rn + r_isi  # (178A-56)
    if not r_ni[0] > 0:
        raise ValueError("r_n_out_v2, r_isi_v2: expected a noise with power (R(0) > 0)")
    var_an = var_g_v2 + noise.var_an_v2
    der = mlsd_der(pmf_rest, dv_v, var_an, a_s_v, b1, r_ni / r_ni[0], levels, rel_tol, max_terms)
    if not der.der > 0:
        raise ValueError(
            f"a_s_v = {a_s_v!r}: DER_MLSD underflows (the noise is negligible beside A_s)"
        )
    a_ni_mlsd = tail_amplitude(pmf_rest, dv_v, var_an, der.der)
    return MlsdCredit(
        com_dfe_db=float(20 * np.log10(a_s_v / noise.a_ni_v)),
        g_an=noise.g_an,
        der_mlsd=der.der,
        n_terms=der.n_terms,
        a_ni_mlsd_v=a_ni_mlsd,
        delta_com_db=float(20 * np.log10(a_ni_mlsd / a_s_v)),
    )
