"""Building a :class:`StatEye` from a :class:`~sigint.link.Link` (see the package docstring).

Per phase: the victim's cursors after the fixed FFE and the DFE, the aggressors' cursors, the
Gaussian terms, and the bounded-jitter cases; then, per case, the interference distribution by
successive convolution on one voltage grid shared by every phase.
"""

from __future__ import annotations

import numpy as np

from .. import filters
from ..link import Link
from .grid import GRID_SIGMAS, convolve_groups, with_gaussian
from .result import StatEye, _Case
from .symbols import gray_error_bits, level_probabilities, pair_block, pair_error_bits

#: Cursors below this fraction of the main cursor's outer level join the Gaussian term.
SMALL_CURSOR = 1e-3
#: SJ arcsine-distribution nodes (Gauss–Chebyshev, exact for polynomials of degree < 2n).
SJ_NODES = 8


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
        #: the equalised pulse (what Tx noise goes through), then the victim after the DFE
        self.pulse_table = self._equalize(pulse.polyphase_table(), pad)
        self.victim = self.pulse_table.copy()
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
        padded = np.zeros((table.shape[0] + 2 * pad, table.shape[1]))
        padded[pad : pad + table.shape[0]] = table
        return filters.apply_t_spaced_fir(padded, *self.ffe)

    def _gaussian_var(self, phase: int) -> float:
        """Rx noise, Tx noise and per-edge random jitter at ``phase``, V²."""
        link, cfg = self.link, self.cfg
        taps = self.ffe[0] if self.ffe else None
        rx = link.noise.sigma_v(cfg.rx.noise_density_v2_hz, phase, taps) ** 2
        # Tx noise goes through the whole pulse: the DFE cancels data, not noise
        tx = link.tx_noise_sigma_v() ** 2 * float(np.sum(self.pulse_table[:, phase] ** 2))
        jitter = (
            self.s**2 * self.per_edge_var_ui2 * 2 * self.var_a
            * float(np.sum(self.edge[:, phase] ** 2))
        )  # fmt: skip
        return rx + tx + jitter

    def lag_correlation(self, lags: int) -> np.ndarray:
        """Correlation of the interference (ISI, Rx and Tx noise) at the sampling phase
        between samples 1 … ``lags`` UI apart (what a CTLE's peaking makes negative)."""
        from ..superpose import response_table

        link, cfg = self.link, self.cfg
        c = self.s // 2
        pulse = self.pulse_table[:, c]
        isi = self.victim[:, c].copy()
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
            common = [pair_block(h, main, q, lv, pairs, skip_own=True)]
            common += [pair_block(col, main, q, alv, pairs) for col, alv in aggressors]
            r = main + 2 * q - 1  # the other symbol of the sampled one's pair
            partner = h[r] if 0 <= r < h.size else 0.0
            per_level = []
            for i in range(lv.size):
                mine = pairs[pairs[:, q] == i]
                for j in np.unique(mine[:, 1 - q]):
                    weight = np.count_nonzero(mine[:, 1 - q] == j) / mine.shape[0]
                    pair = mine[mine[:, 1 - q] == j][0]
                    bits = pair_error_bits(pair, q, self.link.modulation)
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
                blur = convolve_groups(big, dv, base, work)
                dists, shared = [], None
                for _, _, groups, _ in extra:
                    if not groups and shared is not None:
                        dists.append(shared)
                        continue
                    pmf[:] = base
                    blur_i = blur + convolve_groups(groups, dv, pmf, work)
                    # The splitting spread the mass by `blur` bins²: take it out of the Gaussian.
                    dists.append(with_gaussian(pmf.copy(), max(var - blur_i * dv * dv, 0.0), dv))
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
