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

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import numpy as np
from scipy.special import ndtr

from .eye import widths_from_openings
from .kernels.stateye import convolve_cursors
from .link import Link
from .modulation import gray_labels
from .symbols import demap_symbols

#: Cursors below this fraction of the main cursor's outer level join the Gaussian term.
SMALL_CURSOR = 1e-3
#: SJ arcsine-distribution nodes (Gauss–Chebyshev, exact for polynomials of degree < 2n).
SJ_NODES = 8
#: Grid half-range beyond the peak distortion, in σ of the Gaussian term.
GRID_SIGMAS = 10.0
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
        # stationary distribution: left eigenvector of the transition matrix
        a = trans.T - np.eye(len(states))
        a[-1] = 1.0
        rhs = np.zeros(len(states))
        rhs[-1] = 1.0
        pi = np.linalg.solve(a, rhs)
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


def statistical_eye(
    link_or_cfg,
    voltage_bins: int = 2048,
    small_cursor: float = SMALL_CURSOR,
    phases=None,
) -> StatEye:
    """Build the statistical eye of a link (see the module docstring for the model).

    Parameters
    ----------
    link_or_cfg : Link or LinkConfig
    voltage_bins : int
        Bins of the interference grid (it spans the worst-case interference plus 10 σ).
        Results do not depend on it beyond rounding (the splitting variance is taken back
        out of the Gaussian term).
    small_cursor : float
        Cursors smaller than this fraction of the main cursor's outer level are treated as
        Gaussian (exact variance).
    phases : sequence of int, optional
        Phases to compute (default: all S); the others stay empty.

    Returns
    -------
    StatEye
    """
    link = link_or_cfg if isinstance(link_or_cfg, Link) else Link(link_or_cfg)
    if voltage_bins < 64:
        raise ValueError(f"voltage_bins = {voltage_bins}: expected at least 64")
    return _Builder(link, voltage_bins, small_cursor).build(phases)


class _Builder:
    """Per-phase cursor sets of a link, then their distributions."""

    def __init__(self, link: Link, voltage_bins: int, small_cursor: float):
        self.link = link
        self.n_bins = voltage_bins + (voltage_bins % 2 == 0)  # odd: bin 0 V sits on the centre
        self.small = small_cursor
        cfg = link.cfg
        self.cfg = cfg
        self.s = cfg.sim.samples_per_ui
        mod = link.modulation
        self.levels_v = link.levels_v
        self.probs = level_probabilities(mod)
        mean = float(np.sum(self.probs * self.levels_v))
        self.var_a = float(np.sum(self.probs * self.levels_v**2)) - mean**2
        self.notes: list[str] = []
        rx = cfg.rx
        taps, n_pre = link.dsp_ffe()
        if rx.ffe_in_dsp and rx.ffe_adaptation != "fixed":
            self.notes.append("adaptive Rx FFE: its configured starting taps are used")
        if rx.dfe_adaptation != "zero-forcing":
            self.notes.append("adaptive DFE: the zero-forcing taps (its LMS target) are used")
        if rx.detector == "mlse":
            self.notes.append("MLSE not modelled: symbol-by-symbol slicer errors")
        if rx.adc_bits is not None:
            self.notes.append("ADC quantisation not modelled")
        if rx.cdr is not None:
            self.notes.append("CDR not modelled: every fixed sampling phase is shown")
        if rx.ctle_adaptation != "fixed":
            self.notes.append("CTLE adaptation not modelled: the configured g_DC is used")
        if rx.dfe_taps:
            self.notes.append(
                "ser/ber take DFE decisions as correct; error_propagation() adds their errors"
            )
        self.ffe = (taps, n_pre) if rx.ffe_in_dsp else None
        s = self.s
        pulse = link.pulse
        pad = taps.size if self.ffe else 0
        self.main_row = pulse.pre_ui + pad
        self.victim = self._equalize(pulse.polyphase_table(), pad)
        self.edge = self._equalize(link.edge_response.reshape(-1, s), pad)
        h0 = self.victim[self.main_row, s // 2]
        self.h0 = h0
        dfe = link.dfe_zero_forcing_taps()
        self.dfe_feedback_v = dfe * h0  # what each tap subtracts per volt of decided level
        rows = self.main_row + 1 + np.arange(dfe.size)
        ok = rows < self.victim.shape[0]
        self.victim[rows[ok]] -= (dfe[ok] * h0)[:, None]
        self.aggressors = [
            (self._equalize(a.samples.reshape(-1, s), pad), a.levels_v) for a in link.aggressors
        ]
        jit = cfg.tx.jitter
        self.per_edge_var_ui2 = jit.rj_rms_ui**2 + (jit.dj_pp_ui / 2) ** 2
        self.jitter_cases = _bounded_jitter_cases(jit.sj_amplitude_ui, jit.dcd_pp_ui)
        if jit.dj_pp_ui:
            self.notes.append("DJ (random per edge) treated as Gaussian with its variance")
        if jit.sj_amplitude_ui:
            self.notes.append("SJ taken as slow against the pulse span (a common edge shift)")

    def _equalize(self, table, pad):
        """Apply the DSP FFE (if any) down the rows of a polyphase table, padded both ends."""
        if self.ffe is None:
            return np.array(table, dtype=float)
        taps, n_pre = self.ffe
        padded = np.zeros((table.shape[0] + 2 * pad, table.shape[1]))
        padded[pad : pad + table.shape[0]] = table
        out = np.zeros_like(padded)
        for i, w in enumerate(taps):
            shift = n_pre - i  # tap i sees the row (i − n_pre) UI later
            if shift >= 0:
                out[: out.shape[0] - shift] += w * padded[shift:]
            else:
                out[-shift:] += w * padded[: padded.shape[0] + shift]
        return out

    def _gaussian_var(self, phase: int) -> float:
        """Rx noise, Tx noise and per-edge random jitter at ``phase``, V²."""
        link, cfg = self.link, self.cfg
        taps = self.ffe[0] if self.ffe else None
        rx = link.noise.sigma_v(cfg.rx.noise_density_v2_hz, phase, taps) ** 2
        col = self.victim[:, phase]
        # Tx noise goes through the pulse the DFE does not cancel: undo the DFE on its column.
        dfe = self.link.dfe_zero_forcing_taps()
        pulse_col = col.copy()
        rows = self.main_row + 1 + np.arange(dfe.size)
        ok = rows < pulse_col.size
        pulse_col[rows[ok]] += dfe[ok] * self.h0
        tx = link.tx_noise_sigma_v() ** 2 * float(np.sum(pulse_col**2))
        jitter = (
            self.s**2 * self.per_edge_var_ui2 * 2 * self.var_a
            * float(np.sum(self.edge[:, phase] ** 2))
        )  # fmt: skip
        return rx + tx + jitter

    def lag_correlation(self, lags: int) -> np.ndarray:
        """Correlation of the interference (ISI, Rx and Tx noise) at the sampling phase
        between samples 1 … ``lags`` UI apart (what a CTLE's peaking makes negative)."""
        from .superpose import response_table

        link, cfg = self.link, self.cfg
        c = self.s // 2
        h = self.victim[:, c]
        dfe = link.dfe_zero_forcing_taps()
        pulse = h.copy()
        rows = self.main_row + 1 + np.arange(dfe.size)
        ok = rows < pulse.size
        pulse[rows[ok]] += dfe[ok] * self.h0
        isi = h.copy()
        isi[self.main_row] = 0.0
        q = cfg.sim.noise_samples_per_ui
        noise_col = response_table(link.noise.response, self.s, q)[:, c]
        src2 = cfg.rx.noise_density_v2_hz * link.noise.source_sigma_per_sqrt_density**2
        sigma_tx2 = link.tx_noise_sigma_v() ** 2

        def cov(j):
            out = self.var_a * float(np.dot(isi[j:], isi[: isi.size - j]))
            out += sigma_tx2 * float(np.dot(pulse[j:], pulse[: pulse.size - j]))
            jq = j * q
            out += src2 * float(np.dot(noise_col[jq:], noise_col[: max(noise_col.size - jq, 0)]))
            return out

        var = cov(0)
        return np.array([cov(j) / var if var > 0 else 0.0 for j in range(1, lags + 1)])

    def _cursor_sets(self, phase):
        """Per jitter case: (weight, victim cursors at ``phase`` with the main one in place)."""
        s = self.s
        h = self.victim[:, phase]
        g = self.edge[:, phase]
        out = []
        for weight, tau_of in self.jitter_cases:
            if tau_of is None:
                out.append((weight, h))
                continue
            d = np.arange(h.size) - self.main_row
            c = s * tau_of(d) * g
            out.append((weight, h - (c - np.concatenate([[0.0], c[:-1]]))))
        return out

    def _groups(self, h, aggressors):
        """Victim and aggressor interference as independent value groups.

        ``h``: the victim's cursors (rows of its table) at one phase; ``aggressors``: each
        aggressor's ``(cursors, levels_v)`` at that phase, rows aligned alike (row r holds
        the symbol ``r − main_row`` UIs before the sampled one).

        Returns a list over the sampled symbol's position in its mapping group of
        ``(weight, common, per_level)``: ``common`` lists ``(values_v, probs)`` blocks (one
        group per row) independent of the sent level; ``per_level`` lists ``(level,
        P(condition | level), blocks, bits lost down/up)`` (None: every level alike, Gray).
        Independent symbols: one group per cursor. PAM6: the two symbols of a pair are joint
        (32 of 36 pairs), so each pair is one group of 32 values, and the sampled symbol's
        partner is taken given the sampled symbol's level.
        """
        lv, main = self.levels_v, self.main_row
        if self.link.modulation.symbols_per_group == 1:
            isi = np.delete(h, main)
            common = [(np.outer(isi, lv), np.broadcast_to(self.probs, (isi.size, lv.size)))]
            for col, alv in aggressors:
                common.append((np.outer(col, alv), np.full((col.size, alv.size), 1 / alv.size)))
            return [(1.0, common, None)]
        pairs = np.asarray(self.link.modulation.pair_table, dtype=np.intp)
        out = []
        for q in (0, 1):  # the sampled symbol's position in its pair
            common = [_pair_block(h, main, q, lv, pairs, skip_own=True)]
            common += [_pair_block(col, main, q, alv, pairs) for col, alv in aggressors]
            r = main + 2 * q - 1  # the other symbol of the sampled one's pair
            partner = h[r] if 0 <= r < h.size else 0.0
            per_level = []
            for i in range(lv.size):
                mine = pairs[pairs[:, q] == i]
                for j in np.unique(mine[:, 1 - q]):
                    weight = np.count_nonzero(mine[:, 1 - q] == j) / mine.shape[0]
                    pair = mine[mine[:, 1 - q] == j][0]
                    bits = _pair_error_bits(pair, q, self.link.modulation)
                    block = (np.full((1, 1), partner * lv[j]), np.ones((1, 1)))
                    per_level.append((i, weight, [block], bits))
            out.append((0.5, common, per_level))
        return out

    def build(self, phases) -> StatEye:
        s = self.s
        phases = range(s) if phases is None else phases
        m = self.levels_v.size
        outer = float(np.max(np.abs(self.levels_v)))
        cut = self.small * abs(self.h0) * outer
        # Per phase and case: the main cursor and, per level, the big groups and the Gaussian
        # variance (noise + small groups). One grid for all, sized by the worst case.
        plans, reach = {}, 0.0
        for p in phases:
            gvar = self._gaussian_var(p)
            agg = [(a[:, p], lv) for a, lv in self.aggressors]
            plans[p] = []
            for weight, h in self._cursor_sets(p):
                for w_pos, common, per_level in self._groups(h, agg):
                    big, var = _split_small(common, cut)
                    worst = sum(float(np.sum(np.max(np.abs(v), axis=1))) for v, _ in big if v.size)
                    extra = per_level
                    if per_level is None:  # independent symbols: every level alike, Gray bits
                        bits = gray_error_bits(m)
                        extra = [(i, 1.0, [], bits[i]) for i in range(m)]
                    worst += max(
                        float(np.max(np.abs(g[0][0]))) if g else 0.0 for _, _, g, _ in extra
                    )
                    reach = max(reach, worst + GRID_SIGMAS * np.sqrt(gvar + var))
                    plans[p].append(
                        (weight * w_pos, float(h[self.main_row]), big, gvar + var, extra)
                    )
        n = self.n_bins
        dv = 2 * max(reach, 1e-12) / (n - 1)
        cases = [[] for _ in range(s)]
        pmf, work = np.empty(n), np.empty(n)
        for p in phases:
            for weight, main, big, var, extra in plans[p]:
                base = np.zeros(n)
                base[n // 2] = 1.0
                blur = _convolve_groups(big, dv, base, work)
                dists, shared = [], None
                for _, _, groups, _ in extra:
                    if not groups and shared is not None:
                        dists.append(shared)
                        continue
                    pmf[:] = base
                    blur_i = blur + _convolve_groups(groups, dv, pmf, work)
                    # The splitting spread the mass by `blur` bins²: take it out of the Gaussian.
                    dists.append(_with_gaussian(pmf.copy(), max(var - blur_i * dv * dv, 0.0), dv))
                    if not groups:
                        shared = dists[-1]
                lows = np.stack([np.cumsum(t) for t in dists])
                highs = np.stack([np.cumsum(t[::-1])[::-1] for t in dists])
                level = np.array([e[0] for e in extra])
                cond_w = np.array([e[1] for e in extra])
                bits = np.array([e[3] for e in extra], dtype=float)
                cases[p].append(_Case(weight, main, lows, highs, level, cond_w, bits))
        mod = self.link.modulation
        return StatEye(
            levels_v=self.levels_v,
            level_probs=self.probs,
            thresholds_v=0.5 * (self.levels_v[1:] + self.levels_v[:-1]) * self.h0,
            samples_per_ui=s,
            ui_s=self.cfg.ui_s,
            dv_v=dv,
            bits_per_symbol=mod.bits_per_symbol,
            precoded=self.cfg.tx.precoding,
            notes=tuple(self.notes),
            dfe_feedback_v=self.dfe_feedback_v,
            interference_correlation=self.lag_correlation(8),
            cases=cases,
        )


def _convolve_groups(blocks, dv, pmf, work) -> float:
    """Convolve ``pmf`` in place with every group of ``(values_v, probs)`` blocks (one row
    per group); the splitting's variance, bins²."""
    blocks = [(v, pr) for v, pr in blocks if v.shape[0]]
    if not blocks:
        return 0.0
    width = max(v.shape[1] for v, _ in blocks)
    shifts = np.concatenate([_pad(v / dv, width) for v, _ in blocks])
    probs = np.concatenate([_pad(pr, width) for _, pr in blocks])
    return convolve_cursors(shifts, probs, pmf, work)


def _pad(a, width):
    out = np.zeros((a.shape[0], width))
    out[:, : a.shape[1]] = a
    return out


def _split_small(blocks, cut):
    """Split value blocks into the groups the grid convolves and the Gaussian variance of the
    rest (zero-mean groups whose largest value is below ``cut``)."""
    big, var = [], 0.0
    for values, probs in blocks:
        mean = np.sum(probs * values, axis=1)
        small = (np.max(np.abs(values), axis=1) < cut) & (np.abs(mean) <= 1e-12 * cut)
        var += float(np.sum(probs[small] * values[small] ** 2) - np.sum(mean[small] ** 2))
        big.append((values[~small], np.ascontiguousarray(probs[~small])))
    return big, var


def _log_interp(pos, table):
    """``table`` (a tail probability per bin) at fractional bin ``pos``, interpolated in
    log so that tails stay exact between bins; 0 where the table is 0."""
    log_p = np.interp(pos, np.arange(table.size), np.log(np.maximum(table, _TINY)))
    return np.where(log_p <= np.log(_TINY) * 0.999, 0.0, np.exp(log_p))


def _uniform(m: int) -> np.ndarray:
    return np.full(m, 1.0 / m)


def _with_gaussian(pmf: np.ndarray, var_v2: float, dv: float) -> np.ndarray:
    """``pmf`` convolved with a Gaussian of variance ``var_v2`` integrated over each bin."""
    if var_v2 <= 0:
        return pmf
    sigma = np.sqrt(var_v2) / dv  # bins
    w = int(np.ceil(GRID_SIGMAS * sigma)) + 1
    edges = (np.arange(-w, w + 2) - 0.5) / sigma
    kernel = np.diff(ndtr(edges))
    return np.convolve(pmf, kernel, mode="same")


def _bounded_jitter_cases(sj_amplitude_ui: float, dcd_pp_ui: float):
    """(weight, τ(j) or None) cases: SJ nodes × DCD parities; j is the cursor offset."""
    sj = [0.0]
    if sj_amplitude_ui:
        i = np.arange(1, SJ_NODES + 1)
        sj = list(sj_amplitude_ui * np.cos(np.pi * (2 * i - 1) / (2 * SJ_NODES)))
    parities = [1.0, -1.0] if dcd_pp_ui else [0.0]
    cases = []
    for t in sj:
        for par in parities:
            if t == 0.0 and par == 0.0:
                cases.append((1.0 / (len(sj) * len(parities)), None))
                continue
            half = 0.5 * dcd_pp_ui * par

            def tau(j, t=t, half=half):
                # τ of the symbol j UIs before the sampled one: SJ common, DCD by parity
                return t + half * np.where(j % 2 == 0, 1.0, -1.0)

            cases.append((1.0 / (len(sj) * len(parities)), tau))
    return cases


def level_probabilities(mod) -> np.ndarray:
    """Probability of each level: uniform, except PAM6's 32-of-36 pair map."""
    m = mod.levels
    if m != 6:
        return _uniform(m)
    pairs = mod.pair_table
    counts = np.bincount(np.asarray(pairs).ravel(), minlength=m).astype(float)
    return counts / counts.sum()


def _pair_block(h, main, q, levels_v, pairs, skip_own=False):
    """One joint group per PAM6 pair of the cursors ``h`` (row r: the symbol r − main UIs
    before the sampled one, which sits at position ``q`` of its pair): values
    h(first)·a(first) + h(second)·a(second) over the 32 pairs, equally likely. Pair P holds
    the symbols q − 2P (first) and q − 2P − 1; ``skip_own`` leaves out P = 0, the sampled
    symbol's own pair."""
    d = np.arange(h.size) - main
    rel = np.unique(np.floor_divide(q - d, 2))
    if skip_own:
        rel = rel[rel != 0]

    def at(dd):
        r = main + dd
        return np.where((r >= 0) & (r < h.size), h[np.clip(r, 0, h.size - 1)], 0.0)

    values = np.outer(at(q - 2 * rel), levels_v[pairs[:, 0]])
    values += np.outer(at(q - 2 * rel - 1), levels_v[pairs[:, 1]])
    return values, np.full(values.shape, 1.0 / pairs.shape[0])


def _pair_error_bits(pair, q, mod) -> np.ndarray:
    """Bits lost when the symbol at position ``q`` of a PAM6 ``pair`` is decided as each
    level (decoding the damaged pair as the receiver does), float64[M]."""
    sent = demap_symbols(np.asarray(pair, dtype=np.int8), mod)
    out = np.zeros(mod.levels)
    for j in range(mod.levels):
        moved = np.array(pair, dtype=np.int8)
        moved[q] = j
        out[j] = np.count_nonzero(demap_symbols(moved, mod) != sent)
    return out


def gray_error_bits(m: int) -> np.ndarray:
    """Bits lost deciding level j for level i under Gray labels, float64[M, M]."""
    labels = gray_labels(m)
    diff = np.bitwise_xor.outer(labels, labels)
    return np.array([[bin(int(v)).count("1") for v in row] for row in diff], dtype=float)
