"""TDECQ, the transmitter and dispersion eye closure for PAM4 (IEEE 802.3 Clause 121.8.5).

Defined in 802.3bs and reused by 802.3cd/cu/db/df/dj (REFERENCE.md §6.4). The measured optical
waveform passes a 4th-order Bessel–Thomson reference receiver (3 dB at 0.5 × baud) and a
T-spaced reference FFE with Σw = 1 chosen to minimise TDECQ. Two vertical histograms, 0.04 UI
wide at 0.45 and 0.55 UI of the eye, are convolved with the largest Gaussian noise σ_G (added
at the equaliser input, so C_eq·σ_G at the decision, C_eq = √Σw²) for which the worse of the two
reaches the target symbol error ratio 4.8e-4 against thresholds at P_ave − OMA/3, P_ave and
P_ave + OMA/3. Then

    TDECQ = 10·log10(OMA_outer / (6·Q_t·√(σ_G² + σ_S²))),   Q_t = 3.414,

σ_S being the scope's own noise, already in the waveform (so σ_G is the noise *added* to it).
An ideal eye scores 0 dB: SER = (6/4)·Q(OMA/(6σ)) = 1.5·Q(3.414) = 4.8e-4.

Choices this implementation makes where the clause leaves room (each documented in
:func:`tdecq`): the waveform is one period of a repeating pattern (filtering, the FFE and
sampling wrap round); the eye's time reference is the mean crossing time of P_ave; the
histograms hold the waveform's own samples in each window, as a scope's do; each sample
is assigned to its true level when the symbols are known and to the decision region it
falls in otherwise; a closed eye returns ``tdecq_db = inf`` with a ``reason``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from scipy.optimize import brentq, minimize

from ..theory import q_function

__all__ = ["TdecqResult", "bessel_thomson4", "ffe_bounds_802_3dj", "tdecq"]

#: The 4th-order Bessel polynomial s⁴ + 10s³ + 45s² + 105s + 105 (unit group delay at DC).
_BT4_DENOMINATOR = np.array([1.0, 10.0, 45.0, 105.0, 105.0])
#: Histogram centres relative to the eye centre, UI (0.45 and 0.55 UI of the eye).
_HISTOGRAM_OFFSETS_UI = (-0.05, 0.05)
#: Vertical bins per OMA/3: thresholds fall on bin edges; each bin keeps its samples' mean.
_BINS_PER_THIRD = 128
#: The histograms span P_ave ± 2·OMA_outer (12 thirds); samples beyond join the end bins.
_THIRDS_SPANNED = 12
#: Fewest UIs accepted (the level fit and the symbol alignment need a few dozen).
_MIN_UI = 64
#: UIs of ISI either side of the cursor in the level fit of OMA_outer.
_LEVEL_FIT_SPAN_UI = 8
#: σ grid (× OMA_outer) bracketing the root; a σ below its first point counts as a closed eye.
_SIGMA_GRID_OMA = np.logspace(-4.0, 1.0, 31)
#: Objective of a closed eye, dB: above any open eye's TDECQ, so the FFE search backs away.
_CLOSED_OBJECTIVE_DB = 100.0
#: Weight of a bound violation in the FFE objective, dB per unit of tap weight.
_BOUND_PENALTY_DB = 1e3


@lru_cache(maxsize=1)
def _bt4_unit_corner_rad_s() -> float:
    """3-dB frequency of the unit-delay 4th-order Bessel polynomial, rad/s (≈ 2.1139)."""

    def excess(w: float) -> float:
        return abs(105.0 / np.polyval(_BT4_DENOMINATOR, 1j * w)) ** 2 - 0.5

    return float(brentq(excess, 1.0, 4.0, xtol=1e-15))


def bessel_thomson4(f_hz, f3db_hz: float) -> np.ndarray:
    """4th-order Bessel–Thomson low-pass, the TDECQ reference receiver (Clause 121.8.5.2).

    ``H(s) = 105 / (s⁴ + 10s³ + 45s² + 105s + 105)`` with ``s = j·Ω₃·f/f3db_hz``, Ω₃ the 3-dB
    frequency of the unit-delay polynomial (found numerically): unit DC gain, causal,
    ``|H(f3db_hz)| = 1/√2``, group delay Ω₃/(2π·f3db_hz) and maximally flat about DC.

    Parameters
    ----------
    f_hz : array_like
        Frequencies, Hz (negative ones give the complex conjugate).
    f3db_hz : float
        3-dB frequency, Hz; the standard uses 0.5 × the baud rate.

    Returns
    -------
    ndarray of complex
        H(f), the shape of ``f_hz``.

    Raises
    ------
    ValueError
        If ``f3db_hz`` is not a positive finite number.

    Examples
    --------
    >>> round(float(abs(bessel_thomson4(26.5625e9, 26.5625e9))), 6)
    0.707107
    """
    if not (math.isfinite(f3db_hz) and f3db_hz > 0):
        raise ValueError(f"f3db_hz = {f3db_hz!r}: expected a positive finite frequency in Hz")
    s = 1j * _bt4_unit_corner_rad_s() * np.asarray(f_hz, dtype=float) / f3db_hz
    return 105.0 / np.polyval(_BT4_DENOMINATOR, s)


def ffe_bounds_802_3dj(n_taps: int) -> tuple[tuple[float, float], ...]:
    """Per-tap bounds of the 802.3dj constrained reference FFE, for ``taps_bounds``.

    Main tap 0.8…2.5, the taps next to it −0.4…0.05, the next −0.1…0.2, any further ±0.1
    (welch_3dj_01_2405 as quoted by REFERENCE.md §6.4, marked unverified there). The main tap
    sits in the middle of the ``n_taps`` (odd) taps. The draft's asymmetry limit
    ``|w(+1) − w(−1)|/w(0) ≤ 0.25`` is not a per-tap bound and is not enforced.

    Parameters
    ----------
    n_taps : int
        Number of FFE taps, odd.

    Returns
    -------
    tuple of (float, float)
        ``(lo, hi)`` for each tap, in the order of :attr:`TdecqResult.ffe_taps`.

    Raises
    ------
    ValueError
        If ``n_taps`` is not a positive odd integer.

    Examples
    --------
    >>> ffe_bounds_802_3dj(5)
    ((-0.1, 0.2), (-0.4, 0.05), (0.8, 2.5), (-0.4, 0.05), (-0.1, 0.2))
    """
    n_taps = _check_n_taps(n_taps)
    centre = n_taps // 2

    def bounds(n: int) -> tuple[float, float]:
        if n == 0:
            return (0.8, 2.5)
        if n == 1:
            return (-0.4, 0.05)
        if n == 2:
            return (-0.1, 0.2)
        return (-0.1, 0.1)

    return tuple(bounds(abs(i - centre)) for i in range(n_taps))


@dataclass(frozen=True)
class TdecqResult:
    """TDECQ of one waveform and what it was computed from.

    Attributes
    ----------
    tdecq_db : float
        TDECQ, dB; ``inf`` for a closed eye (see ``reason``).
    tdecq_minus_ceq_db : float
        TDECQ − 10·log10(C_eq), dB (the figure some 802.3 clauses also limit).
    oma_outer_w : float
        OMA_outer = P3 − P0, W.
    p_avg_w : float
        Average optical power, W (the mean of the waveform).
    sigma_g_w : float
        The largest Gaussian noise added at the equaliser input that leaves the worse
        histogram at the target SER, W (0 for a closed eye).
    c_eq : float
        Noise enhancement of the FFE, √Σw².
    ffe_taps : tuple of float
        FFE taps, Σw = 1; tap i weighs the waveform delayed by (i − n_taps//2) UI.
    ser_left, ser_right : float
        SER of the 0.45 UI and 0.55 UI histograms at σ_G (the worse one equals the target);
        at σ → 0 for a closed eye.
    sampling_ui : float
        Eye centre (0.5 UI of the eye) within the symbol period of the waveform, UI in [0, 1):
        symbol k's period starts at sample k·samples_per_ui. The histograms sit 0.05 UI either
        side.
    thresholds_w : tuple of float
        The three decision thresholds P_ave − OMA/3, P_ave, P_ave + OMA/3, W.
    levels_w : tuple of float
        The four levels OMA_outer was taken from, W.
    scope_noise_w : float
        σ_S, the scope noise de-embedded, W.
    reason : str
        Empty for an open eye; why ``tdecq_db`` is inf otherwise.
    """

    tdecq_db: float
    tdecq_minus_ceq_db: float
    oma_outer_w: float
    p_avg_w: float
    sigma_g_w: float
    c_eq: float
    ffe_taps: tuple
    ser_left: float
    ser_right: float
    sampling_ui: float
    thresholds_w: tuple
    levels_w: tuple
    scope_noise_w: float
    reason: str = ""

    @property
    def closed(self) -> bool:
        """True when no added noise reaches the target SER (the eye is closed)."""
        return not math.isfinite(self.tdecq_db)

    def to_dict(self) -> dict:
        """JSON-ready figures (plain floats and lists; inf stays a float)."""
        return {
            "tdecq_db": float(self.tdecq_db),
            "tdecq_minus_ceq_db": float(self.tdecq_minus_ceq_db),
            "oma_outer_w": float(self.oma_outer_w),
            "p_avg_w": float(self.p_avg_w),
            "sigma_g_w": float(self.sigma_g_w),
            "c_eq": float(self.c_eq),
            "ffe_taps": [float(w) for w in self.ffe_taps],
            "ser_left": float(self.ser_left),
            "ser_right": float(self.ser_right),
            "sampling_ui": float(self.sampling_ui),
            "thresholds_w": [float(t) for t in self.thresholds_w],
            "levels_w": [float(v) for v in self.levels_w],
            "scope_noise_w": float(self.scope_noise_w),
            "reason": self.reason,
        }


def tdecq(
    waveform_w,
    samples_per_ui: int,
    f_baud_hz: float,
    *,
    symbols=None,
    n_taps: int = 5,
    reference_receiver: bool = True,
    scope_noise_w: float = 0.0,
    ser_target: float = 4.8e-4,
    q_t: float = 3.414,
    window_ui: float = 0.04,
    taps_bounds=None,
) -> TdecqResult:
    """TDECQ of a PAM4 optical power waveform (IEEE 802.3 Clause 121.8.5).

    Parameters
    ----------
    waveform_w : array_like
        Optical power, W: ``samples_per_ui`` uniform samples per UI, a whole number of UIs,
        sample k·samples_per_ui the start of symbol k. Treated as one period of a repeating
        pattern (a PRBS or SSPRQ repeated): the filter, the FFE and the sampling wrap round.
    samples_per_ui : int
        Samples per UI, ≥ 2.
    f_baud_hz : float
        Symbol rate, Bd; sets the reference receiver's 3 dB point (0.5 × baud).
    symbols : array_like of int, optional
        PAM4 level indices 0…3 (increasing power) sent, one per UI of the waveform, all four
        present. Used to measure OMA_outer, to start the FFE search and to label the
        histogram samples; the lag between them and the waveform is found by correlation.
        Without them, decisions on the eye-centre samples stand in (see Notes).
    n_taps : int
        Taps of the T-spaced reference FFE, odd, main tap in the middle; 1 for none.
    reference_receiver : bool
        Apply :func:`bessel_thomson4` at 0.5 × baud first (set False for a waveform already
        captured through it).
    scope_noise_w : float
        σ_S, the RMS noise of the scope already in the waveform, W (≥ 0).
    ser_target : float
        Target SER of the worse histogram, in (0, 0.5).
    q_t : float
        Q_t of the TDECQ formula (3.414: Q(3.414)·3/2 = 4.8e-4).
    window_ui : float
        Width of each histogram, UI, in (0, 0.5).
    taps_bounds : sequence of (float, float), optional
        ``(lo, hi)`` for each FFE tap (e.g. :func:`ffe_bounds_802_3dj`); the search stays
        within them (free taps are clipped; the main tap, 1 − Σ others, is held by a penalty
        to within about 1e-4).

    Returns
    -------
    TdecqResult

    Raises
    ------
    ValueError
        For a waveform that is not finite, 1-D, a whole number of (at least 64) UIs, that
        never crosses its mean or whose OMA_outer is not positive; for symbols of the wrong
        length or outside 0…3; for an even ``n_taps``, bounds of the wrong length, or any
        other argument out of range. Each message names the argument.

    Notes
    -----
    Steps, in the order of REFERENCE.md §6.4:

    1. Reference receiver: the waveform's FFT times :func:`bessel_thomson4` at 0.5 × baud.
       P_avg is the waveform's mean (the filter and the FFE have unit DC gain).
    2. Time reference: 0 UI of the eye is the circular mean, modulo 1 UI, of the times the
       filtered waveform crosses P_avg (linear interpolation between samples); the eye
       centre is 0.5 UI after it and the histograms at 0.45 and 0.55 UI. It is found once,
       before the FFE: a T-spaced FFE adds copies delayed by whole UIs, which leave the time
       base in place to first order.
    3. Levels and OMA_outer, at the eye centre: a least-squares fit of the samples to the
       current symbol's level plus a per-level ISI term for each of ±8 neighbouring symbols;
       the long-run levels P_j it implies are those of the square wave of the standard's
       OMA_outer measurement, for any pulse of up to 8 UI (linear in each symbol's level,
       whatever the level spacing). OMA_outer = P3 − P0. Without ``symbols``, decisions
       stand in for them: the eye-centre samples sliced at the midpoints of their four 1-D
       k-means clusters (exact for an eye open before the FFE; wrong decisions bias
       OMA_outer, and if fewer than four levels are decided the cluster means are used).
    4. Histograms: the (equalised) waveform's own samples, in every UI, that the window
       overlaps, each sample standing for ±1/2 sample period and weighted by the share of the
       window it covers (at 16 samples per UI a 0.04 UI window spans 0.64 of a sample: one or
       two samples). Interpolating between samples instead would average the scope's noise
       away. Fine sampling (≥ 64 per UI) resolves the window; coarser sampling blurs it by up
       to half a sample. Bins of OMA/384 with the thresholds on bin edges, each bin at its
       samples' mean value (exact for flat levels).
    5. SER of a histogram at decision noise σ: the mean over its samples of
       Q((y − P_th,below)/σ) + Q((P_th,above − y)/σ), the thresholds either side of the
       sample's level (one for the outer levels). The level is the sample's true symbol when
       ``symbols`` are given (a sample on the wrong side of a threshold then counts as an
       error even without noise), else the decision region it falls in (the unlabelled
       histogram of a scope). For an open eye the two agree.
    6. σ_d at the decision: the first root of max(SER_left, SER_right) = ``ser_target``
       on a log grid from 1e-4 to 10 × OMA_outer, refined by Brent's method in log σ (with
       true labels the SER need not be monotone in σ: wrong-side samples count less as σ
       grows). σ_G = σ_d / C_eq. TDECQ = 10·log10(OMA_outer / (6·Q_t·√(σ_G² + σ_S²))).
    7. FFE: taps minimising TDECQ over the free taps (the main one is 1 − Σ others) by
       Nelder–Mead, restarted once; the start is the least-squares fit of the eye-centre
       samples to the fitted levels of the symbols (or decisions) of step 3.

    A closed eye, where the worse histogram is at the target SER already at
    σ_d = 1e-4·OMA_outer (TDECQ above about 31 dB), returns ``tdecq_db = inf``,
    ``sigma_g_w = 0`` and a ``reason``: a closed eye is a measurement outcome, not an error.
    Cost: O(N log N) for the filter, then O(n_UI·n_taps) per FFE trial (a few hundred).

    References
    ----------
    IEEE Std 802.3-2022, Clause 121.8.5 (TDECQ) and 121.8.5.3 (reference equaliser, C_eq).

    Examples
    --------
    An ideal PAM4 eye (flat levels, no ISI, no noise, each level equally often, so that P_avg
    is the middle of the eye) scores 0 dB:

    >>> import numpy as np
    >>> sym = np.random.default_rng(1).permutation(np.tile(np.arange(4), 256))
    >>> wave = np.repeat(1e-3 * (0.2 + sym / 3), 16)  # OMA_outer 1 mW
    >>> r = tdecq(wave, 16, 53.125e9, symbols=sym, n_taps=1, reference_receiver=False)
    >>> round(r.tdecq_db, 3), round(r.oma_outer_w * 1e3, 6)
    (0.0, 1.0)
    """
    x, s_per_ui, n_ui = _check_waveform(waveform_w, samples_per_ui)
    if not (math.isfinite(f_baud_hz) and f_baud_hz > 0):
        raise ValueError(f"f_baud_hz = {f_baud_hz!r}: expected a positive finite rate in Bd")
    n_taps = _check_n_taps(n_taps)
    if n_taps > n_ui // 4:
        raise ValueError(f"n_taps = {n_taps}: expected at most a quarter of the {n_ui} UIs")
    sym = None if symbols is None else _check_symbols(symbols, n_ui)
    if not (math.isfinite(scope_noise_w) and scope_noise_w >= 0):
        raise ValueError(f"scope_noise_w = {scope_noise_w!r}: expected a finite RMS ≥ 0 in W")
    if not (0 < ser_target < 0.5):
        raise ValueError(f"ser_target = {ser_target!r}: expected a probability in (0, 0.5)")
    if not (math.isfinite(q_t) and q_t > 0):
        raise ValueError(f"q_t = {q_t!r}: expected a positive finite number")
    if not (0 < window_ui < 0.5):
        raise ValueError(f"window_ui = {window_ui!r}: expected a width in (0, 0.5) UI")
    bounds = None if taps_bounds is None else _check_bounds(taps_bounds, n_taps)

    # 1. reference receiver, circular (the waveform is one period of the pattern)
    if reference_receiver:
        f_hz = np.fft.rfftfreq(x.size, d=1.0 / (s_per_ui * f_baud_hz))
        x = np.fft.irfft(np.fft.rfft(x) * bessel_thomson4(f_hz, 0.5 * f_baud_hz), x.size)
    p_avg_w = float(np.mean(x))

    # 2. time reference from the P_avg crossings
    t_centre = _eye_centre_samples(x, s_per_ui, p_avg_w)
    z_centre = _sample_at(x, s_per_ui, np.array([t_centre]))[0]

    # 3. levels and OMA_outer, from the symbols or, without them, from decisions
    if sym is not None:
        sym = _align_symbols(z_centre, sym)
        fit_sym = sym
    else:
        clusters = _levels_from_clusters(z_centre)
        fit_sym = np.searchsorted(0.5 * (clusters[1:] + clusters[:-1]), z_centre)
    if np.unique(fit_sym).size == 4:
        span = min(_LEVEL_FIT_SPAN_UI, max(1, (n_ui // 4 - 4) // 6))
        levels = _levels_from_symbols(z_centre, fit_sym, span)
    else:  # fewer than four clusters decided: no ISI fit possible
        levels = clusters
    oma_w = float(levels[3] - levels[0])
    if not oma_w > 0:
        raise ValueError(f"OMA_outer = {oma_w:.4g} W ≤ 0: waveform_w shows no PAM4 eye")
    thresholds = p_avg_w + oma_w / 3.0 * np.array([-1.0, 0.0, 1.0])

    # 4. histogram samples: one T-spaced sequence per sample time the window overlaps
    phases, weights = zip(
        *(
            _window_phases(t_centre + offset_ui * s_per_ui, window_ui * s_per_ui)
            for offset_ui in _HISTOGRAM_OFFSETS_UI
        ),
        strict=True,
    )
    samples = [_sample_at(x, s_per_ui, p) for p in phases]
    windows = _EyeWindows(samples, weights, n_taps, sym, thresholds, oma_w, ser_target)

    # 5-7. FFE minimising TDECQ
    def tdecq_of(sigma_d: float, c_eq: float) -> float:
        sigma_g = sigma_d / c_eq
        return 10.0 * math.log10(oma_w / (6.0 * q_t * math.hypot(sigma_g, scope_noise_w)))

    start = _unit_taps(n_taps)
    if n_taps > 1:
        start = _least_squares_taps(z_centre, levels[fit_sym], n_taps)
    taps = _search_taps(windows, start, bounds, tdecq_of)

    sigma_d, ser_pair = windows.solve(taps)
    c_eq = float(np.sqrt(np.sum(taps**2)))
    if sigma_d is None:
        tdecq_db, sigma_g_w = math.inf, 0.0
        reason = (
            f"eye closed: the worse histogram's SER is {max(ser_pair):.3g} ≥ ser_target "
            f"{ser_target:.3g} with decision noise of only 1e-4·OMA_outer"
        )
    else:
        tdecq_db, sigma_g_w, reason = tdecq_of(sigma_d, c_eq), sigma_d / c_eq, ""
    return TdecqResult(
        tdecq_db=tdecq_db,
        tdecq_minus_ceq_db=tdecq_db - 10.0 * math.log10(c_eq),
        oma_outer_w=oma_w,
        p_avg_w=p_avg_w,
        sigma_g_w=sigma_g_w,
        c_eq=c_eq,
        ffe_taps=tuple(float(w) for w in taps),
        ser_left=float(ser_pair[0]),
        ser_right=float(ser_pair[1]),
        sampling_ui=float(t_centre / s_per_ui),
        thresholds_w=tuple(float(t) for t in thresholds),
        levels_w=tuple(float(v) for v in levels),
        scope_noise_w=float(scope_noise_w),
        reason=reason,
    )


class _EyeWindows:
    """The two histograms' sample sequences, prepared once; SER and σ_d for any FFE taps."""

    def __init__(self, samples, weights, n_taps, symbols, thresholds, oma_w, ser_target):
        # samples: per window, (its sample times, n_ui), each time weighted by the share of
        # the window it covers. stack[i] is the input of tap i, delayed by (i − centre) UI:
        # the convention of sigint.filters.apply_t_spaced_fir.
        rows = np.concatenate(samples)
        centre = n_taps // 2
        self.stack = np.stack([np.roll(rows, i - centre, axis=-1) for i in range(n_taps)])
        self.window = np.repeat(np.arange(2), [s.shape[0] for s in samples])[:, None]
        mass = np.concatenate(weights)[:, None] / rows.shape[1]
        self.mass = np.broadcast_to(mass, rows.shape).ravel()
        self.labels = None
        if symbols is not None:
            self.labels = np.broadcast_to(symbols, rows.shape)
        self.thresholds = thresholds
        self.bounds_w = np.concatenate([[-np.inf], thresholds, [np.inf]])
        self.bin_w = oma_w / 3.0 / _BINS_PER_THIRD
        self.n_bins = _THIRDS_SPANNED * _BINS_PER_THIRD
        self.lowest_w = thresholds[1] - _THIRDS_SPANNED // 2 * oma_w / 3.0
        self.sigma_grid = oma_w * _SIGMA_GRID_OMA
        self.ser_target = ser_target

    def _bins(self, taps):
        """Occupied (window, level, bin) cells: window index, weight, distances below/above."""
        y = np.tensordot(taps, self.stack, axes=1)
        if self.labels is None:
            labels = np.searchsorted(self.thresholds, y)
        else:
            labels = self.labels
        b = np.clip(((y - self.lowest_w) / self.bin_w).astype(np.intp), 0, self.n_bins - 1)
        key = ((self.window * 4 + labels) * self.n_bins + b).ravel()
        size = 2 * 4 * self.n_bins
        mass = np.bincount(key, weights=self.mass, minlength=size)
        sums = np.bincount(key, weights=self.mass * y.ravel(), minlength=size)
        cell = np.flatnonzero(mass)
        value = sums[cell] / mass[cell]
        level = (cell // self.n_bins) % 4
        which = cell // (4 * self.n_bins)
        weights = np.where(which[None, :] == np.arange(2)[:, None], mass[cell], 0.0)
        below = value - self.bounds_w[level]
        above = self.bounds_w[level + 1] - value
        return weights, below, above

    @staticmethod
    def _ser(cells, sigma):
        """SER of both windows at each decision noise in ``sigma``: shape (2, len(sigma))."""
        weights, below, above = cells
        s = np.asarray(sigma, dtype=float)[None, :]
        p = q_function(below[:, None] / s) + q_function(above[:, None] / s)
        return weights @ p

    def solve(self, taps):
        """σ_d where the worse window reaches the target SER, and both SERs there.

        Returns ``(None, SERs at the grid's first σ)`` for a closed eye.
        """
        cells = self._bins(taps)
        worst = self._ser(cells, self.sigma_grid).max(axis=0)
        above_target = np.flatnonzero(worst >= self.ser_target)
        if above_target.size == 0:  # cannot happen for 4 levels, kept as a guard
            raise RuntimeError("SER stays below ser_target up to 10·OMA_outer of noise")
        i = int(above_target[0])
        if i == 0:
            return None, self._ser(cells, self.sigma_grid[:1])[:, 0]
        log_target = math.log(self.ser_target)

        def excess(log_sigma: float) -> float:
            ser = self._ser(cells, [math.exp(log_sigma)]).max()
            return math.log(max(ser, 1e-300)) - log_target

        lo, hi = math.log(self.sigma_grid[i - 1]), math.log(self.sigma_grid[i])
        sigma_d = math.exp(brentq(excess, lo, hi, xtol=1e-10))
        return sigma_d, self._ser(cells, [sigma_d])[:, 0]


def _search_taps(windows: _EyeWindows, start, bounds, tdecq_of) -> np.ndarray:
    """Nelder–Mead over the free taps (main = 1 − Σ others), minimising TDECQ."""
    n_taps = start.size
    centre = n_taps // 2
    if n_taps == 1:
        return start
    free = np.arange(n_taps) != centre
    lo = hi = None
    if bounds is not None:
        lo, hi = bounds[:, 0], bounds[:, 1]

    def taps_of(x):
        taps = np.empty(n_taps)
        taps[free] = x if lo is None else np.clip(x, lo[free], hi[free])
        taps[centre] = 1.0 - taps[free].sum()
        return taps

    def objective(x) -> float:
        taps = taps_of(x)
        penalty = 0.0
        if lo is not None:
            penalty = _BOUND_PENALTY_DB * (
                np.abs(x - taps[free]).sum()
                + max(0.0, lo[centre] - taps[centre], taps[centre] - hi[centre])
            )
        sigma_d, ser_pair = windows.solve(taps)
        if sigma_d is None:  # closed: steer towards fewer errors
            closed = 10.0 * math.log10(max(ser_pair) / windows.ser_target)
            return _CLOSED_OBJECTIVE_DB + closed + penalty
        return tdecq_of(sigma_d, float(np.sqrt(np.sum(taps**2)))) + penalty

    x = start[free] if lo is None else np.clip(start[free], lo[free], hi[free])
    for step in (0.05, 0.01):  # one restart: Nelder–Mead can stall on a shrunken simplex
        simplex = np.vstack([x, x + step * np.eye(x.size)])
        result = minimize(
            objective,
            x,
            method="Nelder-Mead",
            options={
                "initial_simplex": simplex,
                "xatol": 1e-5,
                "fatol": 1e-5,
                "maxfev": 400 * x.size,
            },
        )
        x = result.x
    return taps_of(x)


def _least_squares_taps(z_centre, target_w, n_taps: int) -> np.ndarray:
    """FFE (Σw = 1) whose output at the eye centre best fits the symbols' levels."""
    centre = n_taps // 2
    a = np.stack([np.roll(z_centre, i - centre) for i in range(n_taps)], axis=1)
    gram = a.T @ a
    kkt = np.zeros((n_taps + 1, n_taps + 1))
    kkt[:n_taps, :n_taps] = gram + 1e-12 * np.trace(gram) * np.eye(n_taps)
    kkt[:n_taps, n_taps] = kkt[n_taps, :n_taps] = 1.0
    rhs = np.concatenate([a.T @ target_w, [1.0]])
    return np.linalg.solve(kkt, rhs)[:n_taps]


def _unit_taps(n_taps: int) -> np.ndarray:
    taps = np.zeros(n_taps)
    taps[n_taps // 2] = 1.0
    return taps


def _sample_at(x, samples_per_ui: int, times) -> np.ndarray:
    """x at ``times + k·samples_per_ui`` for every UI k, linear interpolation, wrapping round.

    ``times`` (any shape, in samples) → shape ``times.shape + (n_ui,)``.
    """
    n = x.size
    t = np.asarray(times, dtype=float)[..., None] + samples_per_ui * np.arange(n // samples_per_ui)
    i0 = np.floor(t)
    frac = t - i0
    i0 = i0.astype(np.intp) % n
    return (1.0 - frac) * x[i0] + frac * x[(i0 + 1) % n]


def _window_phases(centre: float, width: float) -> tuple[np.ndarray, np.ndarray]:
    """Sample times a window overlaps and the share of it each covers (summing to 1).

    Sample p stands for the interval p ± 1/2 (samples), as a scope's sample does.
    """
    lo, hi = centre - 0.5 * width, centre + 0.5 * width
    p = np.arange(math.floor(lo + 0.5), math.ceil(hi - 0.5) + 1)
    share = np.minimum(p + 0.5, hi) - np.maximum(p - 0.5, lo)
    keep = share > 0
    return p[keep].astype(float), share[keep] / share[keep].sum()


def _eye_centre_samples(x, samples_per_ui: int, p_avg_w: float) -> float:
    """Eye centre, samples into the UI: half a UI after the mean P_avg crossing time."""
    d = x - p_avg_w
    above = d > 0
    k = np.flatnonzero(above != np.roll(above, -1))
    if k.size == 0:
        raise ValueError("waveform_w never crosses its mean: no eye to time")
    d0, d1 = d[k], d[(k + 1) % x.size]
    t = k + d0 / (d0 - d1)
    phasor = np.mean(np.exp(2j * np.pi * t / samples_per_ui))
    t_cross = np.angle(phasor) * samples_per_ui / (2 * np.pi)
    return float((t_cross + 0.5 * samples_per_ui) % samples_per_ui)


def _align_symbols(z_centre, symbols) -> np.ndarray:
    """Symbols rolled so that entry k is the one sampled at the eye centre of UI k."""
    n = z_centre.size
    corr = np.fft.irfft(
        np.fft.rfft(z_centre - z_centre.mean()) * np.conj(np.fft.rfft(symbols - symbols.mean())),
        n,
    )
    lag = int(np.argmax(np.abs(corr)))
    if corr[lag] < 0:
        raise ValueError(
            "symbols are anti-correlated with waveform_w: expected level indices that increase "
            "with optical power"
        )
    return np.roll(symbols, lag)


def _levels_from_symbols(z_centre, symbols, span: int) -> np.ndarray:
    """Long-run levels P_0…P_3 from a per-level ISI fit of ±``span`` UIs."""
    onehot = (symbols[:, None] == np.arange(4)).astype(float)
    # level 0 is the reference of each neighbour's term (their four columns sum to 1)
    neighbours = [np.roll(onehot[:, 1:], k, axis=0) for k in range(-span, span + 1) if k]
    g, *_ = np.linalg.lstsq(np.hstack([onehot, *neighbours]), z_centre, rcond=None)
    isi = g[4:].reshape(2 * span, 3).sum(axis=0)
    return g[:4] + np.concatenate([[0.0], isi])


def _levels_from_clusters(z_centre, max_iter: int = 100) -> np.ndarray:
    """Four 1-D k-means levels of the eye-centre samples (Lloyd, quantile start)."""
    levels = np.quantile(z_centre, [0.125, 0.375, 0.625, 0.875])
    for _ in range(max_iter):
        labels = np.searchsorted(0.5 * (levels[1:] + levels[:-1]), z_centre)
        counts = np.bincount(labels, minlength=4)
        sums = np.bincount(labels, weights=z_centre, minlength=4)
        new = np.where(counts > 0, sums / np.maximum(counts, 1), levels)
        if np.array_equal(new, levels):
            break
        levels = new
    return levels


def _check_waveform(waveform_w, samples_per_ui):
    if (
        isinstance(samples_per_ui, bool)
        or not isinstance(samples_per_ui, (int, np.integer))
        or samples_per_ui < 2
    ):
        raise ValueError(f"samples_per_ui = {samples_per_ui!r}: expected an integer ≥ 2")
    x = np.asarray(waveform_w, dtype=float)
    if x.ndim != 1:
        raise ValueError(f"waveform_w has shape {x.shape}: expected a 1-D array of powers in W")
    if not np.all(np.isfinite(x)):
        raise ValueError("waveform_w holds NaN or inf: expected finite powers in W")
    n_ui, rest = divmod(x.size, int(samples_per_ui))
    if rest or n_ui < _MIN_UI:
        raise ValueError(
            f"waveform_w has {x.size} samples: expected a whole number (≥ {_MIN_UI}) of UIs "
            f"of samples_per_ui = {samples_per_ui}"
        )
    return x, int(samples_per_ui), n_ui


def _check_n_taps(n_taps) -> int:
    if (
        isinstance(n_taps, bool)
        or not isinstance(n_taps, (int, np.integer))
        or n_taps < 1
        or n_taps % 2 == 0
    ):
        raise ValueError(f"n_taps = {n_taps!r}: expected a positive odd integer (main tap centred)")
    return int(n_taps)


def _check_symbols(symbols, n_ui: int) -> np.ndarray:
    s = np.asarray(symbols)
    if s.shape != (n_ui,):
        raise ValueError(f"symbols has shape {s.shape}: expected ({n_ui},), one per UI")
    if not np.issubdtype(s.dtype, np.integer):
        if not (np.all(np.isfinite(s)) and np.array_equal(s, np.round(s))):
            raise ValueError("symbols: expected integer PAM4 level indices 0…3")
        s = s.astype(np.intp)
    if s.min() < 0 or s.max() > 3 or np.unique(s).size != 4:
        raise ValueError("symbols: expected PAM4 level indices 0…3, each of the four present")
    return s.astype(np.intp)


def _check_bounds(taps_bounds, n_taps: int) -> np.ndarray:
    b = np.asarray(taps_bounds, dtype=float)
    if b.shape != (n_taps, 2):
        raise ValueError(
            f"taps_bounds has shape {b.shape}: expected ({n_taps}, 2), one (lo, hi) per tap"
        )
    if not np.all(np.isfinite(b)) or np.any(b[:, 0] > b[:, 1]):
        raise ValueError("taps_bounds: expected finite (lo, hi) pairs with lo ≤ hi")
    return b
