"""What the statistical engine returns: per-phase distributions, and the figures read from them.

:class:`StatEye` holds, for every sampling phase (and jitter case), the tail probabilities of
the interference each sent level sees; eye openings, SER/BER, contours, bathtubs and DFE error
propagation are all read from those tails, interpolated in log so that they hold to 1e-300.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import numpy as np

from ..eye import widths_from_openings

#: Error probabilities below this are not resolved (the Gaussian term ends at GRID_SIGMAS).
PROBABILITY_FLOOR = 1e-20
_TINY = 1e-300


@dataclass(frozen=True)
class _Case:
    """One jitter case at one phase: the interference distribution and the main cursor."""

    weight: float
    main_v: float
    cdf_low: np.ndarray  # [condition, b]: P(X ≤ upper edge of bin b | condition)
    cdf_high: np.ndarray  # [condition, b]: P(X ≥ lower edge of bin b | condition)
    level: np.ndarray  # [condition]: the sent level each condition belongs to
    cond_weight: np.ndarray  # [condition]: P(condition | its level)
    bits: np.ndarray  # [condition, M]: bits lost deciding each level


@dataclass(frozen=True)
class ErrorPropagation:
    """DFE error propagation from :meth:`StatEye.error_propagation`.

    Attributes
    ----------
    ser, ber : float
        Symbol and bit error ratios with propagation.
    ser_without : float
        The symbol error ratio with correct feedback.
    mean_burst_errors : float
        Errors per burst (a run of consecutive wrong decisions).
    p_error_after_error : float
        P(error | the previous decision was wrong).
    memory : int
        DFE taps the chain follows.
    """

    ser: float
    ser_without: float
    ber: float
    mean_burst_errors: float
    p_error_after_error: float
    memory: int


@dataclass(frozen=True)
class StatEye:
    """A statistical eye: per phase, the distribution of each level's slicer sample.

    Attributes
    ----------
    levels_v : ndarray
        Transmitted levels (V at the Tx) of the M symbols.
    level_probs : ndarray
        Probability of each level.
    thresholds_v : ndarray
        The slicer thresholds the time-domain engine uses (midpoints of h(0)·levels), V.
    samples_per_ui : int
    ui_s : float
    dv_v : float
        Voltage bin, V.
    bits_per_symbol : float
    precoded : bool
    notes : tuple of str
        What the model left out or approximated for this link.
    dfe_feedback_v : ndarray
        What each DFE tap subtracts per volt of decided Tx level (b_j·h(0)): a wrong decision
        shifts the next samples by these times the error (:meth:`error_propagation`).
    interference_correlation : ndarray
        Correlation of the interference (ISI and noise) between samples 1, 2, … UI apart.
    """

    levels_v: np.ndarray
    level_probs: np.ndarray
    thresholds_v: np.ndarray
    samples_per_ui: int
    ui_s: float
    dv_v: float
    bits_per_symbol: float
    precoded: bool
    notes: tuple = ()
    dfe_feedback_v: np.ndarray = field(default_factory=lambda: np.zeros(0))
    interference_correlation: np.ndarray = field(default_factory=lambda: np.zeros(0))
    cases: list = field(default_factory=list, repr=False)  # per phase: list of _Case

    @property
    def m(self) -> int:
        """Number of levels."""
        return self.levels_v.size

    @property
    def centre(self) -> int:
        """Index of the sampling phase."""
        return self.samples_per_ui // 2

    def prob_below(self, level: int, v, phase: int | None = None) -> np.ndarray:
        """P(sample of ``level`` < v) at ``phase`` (default the sampling phase)."""
        return self._tail(level, v, phase, low=True)

    def prob_above(self, level: int, v, phase: int | None = None) -> np.ndarray:
        """P(sample of ``level`` > v) at ``phase``."""
        return self._tail(level, v, phase, low=False)

    def _tail(self, level, v, phase, low):
        phase = self.centre if phase is None else phase
        v = np.asarray(v, dtype=float)
        a = self.levels_v[level]
        out = np.zeros(v.shape)
        for c in self.cases[phase]:
            x = (v - a * c.main_v) / self.dv_v  # in bins, grid centred on 0
            n = c.cdf_low.shape[1]
            centre = n // 2
            # cdf_low[b] is P(X ≤ (b − centre + 0.5)·Δ), cdf_high[b] P(X ≥ (b − centre − 0.5)·Δ)
            pos = x + centre + (-0.5 if low else 0.5)
            tables = c.cdf_low if low else c.cdf_high
            for k in np.flatnonzero(c.level == level):
                out += c.weight * c.cond_weight[k] * _log_interp(pos, tables[k])
        return np.minimum(out, 1.0)

    def ser(self, phase: int | None = None, thresholds_v=None) -> float:
        """Symbol error ratio at ``phase`` with the given (default: the engine's) thresholds."""
        return self._errors(phase, thresholds_v)[0]

    def ber(self, phase: int | None = None, thresholds_v=None) -> float:
        """Bit error ratio: each one-level error costs its labelling's bits (Gray: 1; PAM6:
        those of the pair it damages); the 1/(1+D) precoder's decoder doubles every error."""
        bits = self._errors(phase, thresholds_v)[1]
        return (2.0 if self.precoded else 1.0) * bits / self.bits_per_symbol

    def _errors(self, phase, thresholds_v):
        """(symbol errors, bit errors) per symbol at ``phase``, over every decided level."""
        phase = self.centre if phase is None else phase
        t = self.thresholds_v if thresholds_v is None else np.asarray(thresholds_v, float)
        ser = bits = 0.0
        for c in self.cases[phase]:
            n = c.cdf_low.shape[1]
            for k, i in enumerate(c.level):
                w = c.weight * c.cond_weight[k] * self.level_probs[i]
                x = (t - self.levels_v[i] * c.main_v) / self.dv_v + n // 2
                # P(y < t_j) for the thresholds below level i, P(y > t_j) above it: each from
                # its own tail, so that differences of tiny probabilities stay exact
                below = _log_interp(x[:i] - 0.5, c.cdf_low[k])
                above = _log_interp(x[i:] + 0.5, c.cdf_high[k])
                p = np.zeros(self.m)  # P(decide level j)
                p[:i] = below - np.concatenate([[0.0], below[:-1]])
                p[i + 1 :] = above - np.concatenate([above[1:], [0.0]])
                ser += w * float(p.sum())
                bits += w * float(p @ c.bits[k])
        return float(ser), float(bits)

    def error_propagation(self, memory: int = 3, phase: int | None = None) -> ErrorPropagation:
        """DFE error propagation: a Markov chain over the last ``memory`` decision errors.

        A wrong decision (one level up or down) leaves the DFE subtracting the wrong level, so
        the next samples move by −b_j·h(0)·(â − a) for j = 1 … ``memory``, plus the
        conditional mean of the correlated interference that caused the error (ρ_j times the
        half level spacing it had to cross: a CTLE's peaking makes ρ_1 negative, which adds
        to the DFE's pull); the chance of the next error given that shift comes from the same
        distributions as the error-free figures (the sent level averaged; one-level errors).
        The chain's stationary distribution gives the symbol error ratio with propagation, and
        how errors cluster into bursts (for the FEC).
        """
        phase = self.centre if phase is None else phase
        taps = np.asarray(self.dfe_feedback_v, dtype=float)[:memory]
        taps = np.concatenate([taps, np.zeros(1 - min(taps.size, 1))])  # follow ≥ 1 decision
        k = taps.size
        spacing = float(np.mean(np.diff(self.levels_v)))
        # Per past error (one level, sign e): the DFE subtracts c_j·e·spacing too much, and the
        # interference that caused it (≈ half a level spacing at the slicer, sign e) leaves
        # its conditional mean ρ_j·e·spacing·h(0)/2 in the sample j UI later.
        rho = np.zeros(k)
        known = np.asarray(self.interference_correlation, dtype=float)[:k]
        rho[: known.size] = known
        main = self.cases[phase][0].main_v
        pull = -taps + rho * 0.5 * main
        states = list(itertools.product((-1, 0, 1), repeat=k))
        index = {st: n for n, st in enumerate(states)}
        t = self.thresholds_v
        p_down = np.zeros(len(states))
        p_up = np.zeros(len(states))
        for n, st in enumerate(states):
            shift = float(np.dot(pull, st)) * spacing
            for i in range(self.m):
                w = self.level_probs[i]
                if i > 0:  # decided one level down: y + shift < t_(i−1)
                    p_down[n] += w * float(self.prob_below(i, t[i - 1] - shift, phase))
                if i < self.m - 1:
                    p_up[n] += w * float(self.prob_above(i, t[i] - shift, phase))
        trans = np.zeros((len(states), len(states)))
        for n, st in enumerate(states):
            for e, p in ((-1, p_down[n]), (1, p_up[n]), (0, 1.0 - p_down[n] - p_up[n])):
                trans[n, index[(e, *st[:-1])]] += p
        # fewest errors first: the reduction then starts from the state the chain sits in
        order = np.argsort([sum(e != 0 for e in st) for st in states], kind="stable")
        pi = np.empty(len(states))
        pi[order] = _stationary(trans[np.ix_(order, order)])
        p_err = p_down + p_up
        ser = float(pi @ p_err)
        after_error = np.array([st[0] != 0 for st in states])
        starts = float(pi[~after_error] @ p_err[~after_error])  # errors after a correct one
        ser0 = self.ser(phase)
        return ErrorPropagation(
            ser=ser,
            ser_without=ser0,
            ber=ser * (self.ber(phase) / ser0 if ser0 > 0 else 0.0),
            mean_burst_errors=ser / starts if starts > 0 else 1.0,
            p_error_after_error=float(pi[after_error] @ p_err[after_error])
            / max(float(pi[after_error].sum()), 1e-300),
            memory=k,
        )

    def openings_v(self, probability: float) -> np.ndarray:
        """Vertical opening of every eye at every phase at ``probability``, V (negative: closed).

        Returns float64[M − 1, S]: the P-quantile of level i+1 minus the (1 − P)-quantile of
        level i, as the time-domain eye measures it.
        """
        s = self.samples_per_ui
        out = np.empty((self.m - 1, s))
        for p in range(s):
            q = [self._quantiles(i, probability, p) for i in range(self.m)]
            for i in range(self.m - 1):
                out[i, p] = q[i + 1][0] - q[i][1]
        return out

    def _quantiles(self, level, probability, phase):
        """(v with P(below) = P, v with P(above) = P) for one level, by bisection on the grid."""
        c0 = self.cases[phase][0]
        n = c0.cdf_low.shape[1]
        a = self.levels_v[level]
        mains = [c.main_v for c in self.cases[phase]]
        span = n * self.dv_v
        lo_v = a * min(mains) - span
        hi_v = a * max(mains) + span
        grid = np.linspace(lo_v, hi_v, 2 * n + 1)  # one point per bin
        below = self.prob_below(level, grid, phase)
        above = self.prob_above(level, grid, phase)
        log_p = np.log(probability)
        v_low = np.interp(log_p, np.log(np.maximum(below, _TINY)), grid)
        # above decreases with v: flip it for np.interp
        v_high = np.interp(log_p, np.log(np.maximum(above[::-1], _TINY)), grid[::-1])
        return float(v_low), float(v_high)

    def heights_v(self, probability: float) -> np.ndarray:
        """Eye height of each eye at the sampling phase, V."""
        return self.openings_v(probability)[:, self.centre]

    def widths_ui(self, probability: float) -> np.ndarray:
        """Eye width of each eye around the sampling phase, UI."""
        return widths_from_openings(self.openings_v(probability))

    def bathtub_vertical(self, eye: int, v, phase: int | None = None) -> np.ndarray:
        """Error probability of ``eye``'s threshold placed at ``v``: the mean of level i+1's
        P(below v) and level i's P(above v)."""
        return 0.5 * (self.prob_below(eye + 1, v, phase) + self.prob_above(eye, v, phase))

    def bathtub_horizontal(self, eye: int, n_v: int = 201) -> np.ndarray:
        """Per phase, the smallest :meth:`bathtub_vertical` over thresholds between the levels."""
        out = np.empty(self.samples_per_ui)
        for p in range(self.samples_per_ui):
            main = self.cases[p][0].main_v
            v = np.linspace(self.levels_v[eye] * main, self.levels_v[eye + 1] * main, n_v)
            out[p] = float(np.min(self.bathtub_vertical(eye, v, p)))
        return out

    def contour_map(self, v) -> np.ndarray:
        """Error probability over (voltage, phase) for the picture: at v between the centres
        of levels i and i+1 (at the sampling phase), eye i's max(P(level i+1 below v),
        P(level i above v)), so its P contour encloses exactly :meth:`openings_v`'s opening.

        Returns float64[v.size, S].
        """
        v = np.asarray(v, dtype=float)
        main = self.cases[self.centre][0].main_v
        centres = self.levels_v * main
        eye = np.clip(np.searchsorted(np.sort(centres), v) - 1, 0, self.m - 2)
        out = np.ones((v.size, self.samples_per_ui))
        for p in range(self.samples_per_ui):
            if not self.cases[p]:
                continue
            for i in range(self.m - 1):
                sel = eye == i
                if sel.any():
                    below = self.prob_below(i + 1, v[sel], p)
                    above = self.prob_above(i, v[sel], p)
                    out[sel, p] = np.maximum(below, above)
        return out

    def to_dict(self, targets=(1e-3, 1e-6, 1e-9, 1e-12, 1e-15)) -> dict:
        """JSON-ready figures: SER and BER at the sampling phase, eye heights and widths at
        each target probability, and the notes."""
        prop = self.error_propagation()
        return {
            "ser": self.ser(),
            "ber": self.ber(),
            "dfe_error_propagation": {
                "ser": prop.ser,
                "ber": prop.ber,
                "mean_burst_errors": prop.mean_burst_errors,
                "p_error_after_error": prop.p_error_after_error,
            },
            "voltage_bin_v": self.dv_v,
            "eyes": [
                {
                    "probability": float(t),
                    "heights_v": [float(x) for x in self.heights_v(t)],
                    "widths_ui": [float(x) for x in self.widths_ui(t)],
                }
                for t in targets
            ],
            "notes": list(self.notes),
        }

    def phases_ui(self) -> np.ndarray:
        """Time of each phase relative to the sampling instant, UI."""
        s = self.samples_per_ui
        return (np.arange(s) - s // 2) / s


def _log_interp(pos, table):
    """``table`` (a tail probability per bin) at fractional bin ``pos``, interpolated in
    log so that tails stay exact between bins; 0 where the table is 0."""
    log_p = np.interp(pos, np.arange(table.size), np.log(np.maximum(table, _TINY)))
    return np.where(log_p <= np.log(_TINY) * 0.999, 0.0, np.exp(log_p))


def _stationary(trans: np.ndarray) -> np.ndarray:
    """Stationary distribution of a Markov chain (rows of ``trans`` sum to 1).

    Grassmann-Taksar-Heyman state reduction: only sums and products of non-negative
    off-diagonal entries, so states visited with probability 1e-30 (errors of a good link)
    come out to full relative precision, where a linear solve of (Pᵀ − I)π = 0 leaves them
    at the rounding error of the error-free state (~1e-16, any sign). State 0 should be the
    most visited one; a state that cannot return to the states before it is never reached
    from them (probability 0).
    """
    p = np.array(trans, dtype=float)
    n = p.shape[0]
    for k in range(n - 1, 0, -1):
        out = p[k, :k].sum()  # leaving state k towards the states kept
        if out <= 0:
            p[:k, k] = 0.0
            continue
        p[:k, k] /= out
        p[:k, :k] += np.outer(p[:k, k], p[k, :k])
    pi = np.zeros(n)
    pi[0] = 1.0
    for k in range(1, n):
        pi[k] = pi[:k] @ p[:k, k]
    return pi / pi.sum()
