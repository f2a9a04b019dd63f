"""The time-domain (bit-by-bit) engine: symbols → Tx → channel → noise → Rx → slicer → bits.

It streams fixed-size chunks so memory stays flat in the run length, and its results do not
depend on the chunk size: every random stream (bits, Tx noise, Rx noise) draws exactly the values
of each chunk in order, and every filter carries its history across chunks.

Per chunk:

1. bits (PRBS or seeded random) → PAM-M indices (Gray / PAM6 pairs) → optional 1/(1+D) precoder;
2. Tx levels (swing, RLM) plus Tx noise per symbol (SNDR);
3. pulse superposition of the folded linear chain (Tx FFE, edge, channel, Rx front end, CTLE,
   Rx FFE) at the phases needed: all S for the eye, the slicer phase otherwise;
4. Rx noise: white input-referred noise at q samples/UI through the Rx response, superposed the
   same way;
5. DFE (zero-forcing or LMS with a freeze) and the M−1 threshold slicer;
6. precoder decoding, symbol and bit errors aligned by the known latency (O(N)), slicer SNR,
   and the eye histogram, all from the end of the warm-up.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable

import numpy as np

from .adc import ADC
from .cdr import ClockRecovery
from .config import LinkConfig
from .eye import EyeDiagram
from .jitter import EdgeJitter, jitter_stream
from .kernels.cdr import sample_jittered, sample_rows_at
from .kernels.equalize import equalize_ctle_slice, equalize_slice, filter_rows
from .kernels.eye import accumulate_eye
from .link import Link
from .mlse import MLSEDetector
from .results import LinkResult
from .superpose import SuperposeMethod, Superposer
from .symbols import Prbs, PrecodeDecoder, Precoder, RandomBits, demap_symbols, map_bits

# Eye vertical span: outer level ± this many RMS of (ISI + noise), plus a margin of the outer
# level, so open eyes fill the picture and closed ones are not clipped.
_EYE_SPAN_SIGMAS = 5.0
_EYE_SPAN_MARGIN = 0.15


class _Aligner:
    """Pairs transmitted and decided symbols in whole mapping groups, in global symbol order."""

    def __init__(self, group: int):
        self.group = group
        self.tx = np.zeros(0, np.int8)
        self.dec = np.zeros(0, np.int8)
        self.g_start = 0

    def push(self, g0: int, tx: np.ndarray, dec: np.ndarray):
        """Add rows starting at global symbol ``g0``; return (g_start, tx, dec) in whole groups."""
        if self.tx.size == 0:
            self.g_start = g0
        tx = np.concatenate([self.tx, tx])
        dec = np.concatenate([self.dec, dec])
        g = self.g_start
        skip = (-g) % self.group
        tx, dec, g = tx[skip:], dec[skip:], g + skip
        n = (tx.size // self.group) * self.group
        self.tx, self.dec = tx[n:], dec[n:]
        self.g_start = g + n
        return g, tx[:n], dec[:n]


def simulate(
    cfg: LinkConfig,
    progress: Callable[[int], None] | None = None,
    method: SuperposeMethod = "auto",
) -> LinkResult:
    """Run the time-domain engine on a link config.

    Parameters
    ----------
    cfg : LinkConfig
    progress : callable, optional
        Called with the number of symbols done after each chunk.
    method : {"auto", "direct", "fft"}
        Superposition method (:mod:`sigint.superpose`); the results agree to rounding.

    Returns
    -------
    LinkResult
        BER and SER with 95 % intervals, slicer SNR, eye, DFE taps, the resolved settings.

    Notes
    -----
    Cost O(n_symbols · span · phases) for the superposition; everything else is O(n_symbols).
    The sampling phase is the pulse-response peak.
    """
    t_start = time.perf_counter()
    link = Link(cfg)
    return TimeDomainRun(link, method).run(progress, t_start)


class TimeDomainRun:
    """One run of the time-domain engine over a prepared :class:`Link`."""

    def __init__(self, link: Link, method: SuperposeMethod = "auto"):
        self.link = link
        cfg = link.cfg
        self.cfg = cfg
        mod = link.modulation
        self.m = mod.levels
        self.group = mod.symbols_per_group
        s = cfg.sim.samples_per_ui
        self.s = s
        self.centre = s // 2
        # The CDR reads every phase (it interpolates where its loop puts the clock).
        every_phase = cfg.sim.eye or cfg.rx.cdr is not None
        # Sampling jitter reads between columns: enough of them around the slicer for ±5 σ.
        rj = cfg.rx.sampling_rj_rms_ui
        reach = min(int(np.ceil(5 * rj * s)) + 1, s // 2 - 1) if rj > 0 else 0
        if every_phase:
            phases = np.arange(s)
        else:
            phases = np.arange(self.centre - reach, self.centre + reach + 1)
        self.jitter_cols = np.flatnonzero(np.abs(phases - self.centre) <= reach)
        self.slicer_col = int(np.flatnonzero(phases == self.centre)[0])
        pulse = link.pulse
        self.pre = pulse.pre_ui
        self.n_phases = phases.size
        n0 = cfg.rx.noise_density_v2_hz
        self.sigma_src = np.sqrt(n0) * link.noise.source_sigma_per_sqrt_density
        responses, rates = [pulse.samples], [1]
        if self.sigma_src > 0:
            responses.append(link.noise.response)
            rates.append(cfg.sim.noise_samples_per_ui)
        responses += [a.samples for a in link.aggressors]
        rates += [1] * len(link.aggressors)
        self.jitter_on = cfg.tx.jitter.active
        if self.jitter_on:
            responses.append(link.edge_response)
            rates.append(1)
        self.superposer = Superposer(responses, rates, s, phases, method)
        self.ctle = None  # [g, g_ref, g_min, g_max] while the CTLE gain adapts
        if cfg.rx.ctle_adaptation != "fixed":
            self._prepare_ctle_adaptation(rates, phases)

        self.h0 = link.slicer_main_cursor
        self.scale_v = self.h0 * link.outer_level_v  # volts of a normalised level at the slicer
        self.levels_norm = mod.normalized_levels(cfg.tx.rlm)
        self.thresholds_norm = 0.5 * (self.levels_norm[1:] + self.levels_norm[:-1])

        ss = np.random.SeedSequence(cfg.sim.seed)
        rng_bits, rng_tx, rng_rx = (np.random.default_rng(s_) for s_ in ss.spawn(3))
        # Aggressors draw independent random data from their own streams of the same seed.
        self.aggressor_sources = [
            RandomBits(np.random.default_rng(s_)) for s_ in ss.spawn(len(link.aggressors))
        ]
        jitter_seed, self.cdr_seed, rj_seed = ss.spawn(3)
        self.rng_rj = np.random.default_rng(rj_seed)
        self.edges = EdgeJitter(cfg.tx.jitter, cfg.ui_s, np.random.default_rng(jitter_seed))
        self.last_level_v = 0.0
        pattern = cfg.tx.pattern
        self.source = (
            RandomBits(rng_bits) if pattern == "random" else Prbs(int(pattern[4:]), cfg.sim.seed)
        )
        self.rng_tx, self.rng_rx = rng_tx, rng_rx
        self.sigma_tx = link.tx_noise_sigma_v()

        rx = cfg.rx
        n_dfe = link.dfe_span
        self.dfe_mask = link.dfe_mask()
        self.ffe_mask = link.dsp_ffe_mask()
        dfe_adapts = rx.dfe_adaptation != "zero-forcing"
        ffe_adapts = rx.ffe_in_dsp and rx.ffe_adaptation != "fixed"
        self.ffe, self.n_pre = link.dsp_ffe()
        self.ffe = self.ffe.copy()
        self.dfe_taps = np.zeros(n_dfe) if dfe_adapts else link.dfe_zero_forcing_taps()
        self.dfe_history = np.zeros(n_dfe)
        self.mu_ffe = rx.ffe_step if ffe_adapts else 0.0
        self.mu_dfe = rx.dfe_step if dfe_adapts else 0.0
        self.ss_ffe = rx.ffe_adaptation == "sign-sign"
        self.ss_dfe = rx.dfe_adaptation == "sign-sign"
        self.dfe_limit = np.inf if rx.dfe_tap_limit is None else rx.dfe_tap_limit
        adapts = ffe_adapts or dfe_adapts
        freeze = rx.freeze_after_symbols
        self.adapt_until = (cfg.sim.warmup_symbols if freeze is None else freeze) if adapts else 0
        self.trace_every = cfg.sim.tap_trace_every if adapts else 0
        # Decisions lag the rows by the pulse's pre-cursor span and the FFE's pre-cursor taps.
        self.latency = self.pre + self.n_pre
        self.mlse = None
        if rx.detector == "mlse":
            cursors = link.slicer_cursors()
            c0 = cursors[pulse.pre_ui]
            post = cursors[pulse.pre_ui + 1 : pulse.pre_ui + 1 + rx.mlse_memory] / c0
            channel = np.concatenate([[1.0], post, np.zeros(rx.mlse_memory - post.size)])
            self.mlse = MLSEDetector(self.levels_norm, channel)
        self.vga = 10 ** (rx.vga_gain_db / 20)
        self.adc = None
        self.cdr = None
        if rx.cdr is not None:
            equalizer = (
                self.ffe,
                self.n_pre,
                self.dfe_taps,
                self.dfe_history,
                self.mu_ffe,
                self.mu_dfe,
                self.adapt_until,
                self.ss_ffe,
                self.ss_dfe,
                self.dfe_limit,
                self.ffe_mask,
                self.dfe_mask,
            )
            self.cdr = ClockRecovery(
                dataclasses.replace(
                    rx.cdr, f_baud_hz=cfg.f_baud_hz, rx_rj_rms_ui=rx.sampling_rj_rms_ui
                ),
                self.levels_norm,
                self.thresholds_norm,
                equalizer,
                rng_seed=self.cdr_seed,
            )

        self.precoder = Precoder(self.m) if cfg.tx.precoding else None
        self.decoder = PrecodeDecoder(self.m) if cfg.tx.precoding else None

        # Count whole mapping groups from the end of the warm-up (rows before it, including the
        # `pre` rows that sample symbols before the start, are never counted).
        g = cfg.sim.warmup_symbols
        self.count_from = g + (-g) % self.group
        self.count_until = cfg.sim.n_symbols

        # Residual ISI at the slicer: every cursor but the main one and those the DFE cancels.
        cursors = link.slicer_cursors()
        cancelled = np.arange(n_dfe + 1)
        if self.dfe_mask is not None:
            cancelled = np.concatenate([[0], 1 + np.flatnonzero(self.dfe_mask)])
        cancelled = pulse.pre_ui + cancelled
        isi = np.delete(cursors, cancelled[cancelled < cursors.size])
        p_sym = float(np.mean(link.levels_v**2))
        sigma = np.sqrt(
            p_sym * np.sum(isi**2) + link.noise_sigma_v() ** 2 + (self.sigma_tx * abs(self.h0)) ** 2
        )
        half = abs(self.scale_v) * (1 + _EYE_SPAN_MARGIN) + _EYE_SPAN_SIGMAS * sigma
        self.v_span = (-half, half)
        if rx.adc_bits is not None:
            # Default full scale: the outer level plus 5 σ of ISI and noise, as seen at the
            # FFE input (the ADC sits before the DSP's FFE).
            noise_in = link.noise.sigma_v(rx.noise_density_v2_hz, self.centre)
            pre_sigma = np.sqrt(
                p_sym * np.sum(np.delete(pulse.cursors(), pulse.pre_ui) ** 2)
                + noise_in**2
                + (self.sigma_tx * abs(pulse.main_cursor)) ** 2
            )
            default_fs = (abs(pulse.main_cursor) * link.outer_level_v + 5 * pre_sigma) * self.vga
            fs = rx.adc_full_scale_v if rx.adc_full_scale_v is not None else default_fs
            self.adc = ADC(rx.adc_bits, fs)

    def _prepare_ctle_adaptation(self, rates, phases):
        """A second superposer for ∂/∂g of every stream (same inputs, same windows)."""
        rx = self.cfg.rx
        d = self.link.ctle_gain_derivatives()
        responses = [d["pulse"]]
        if self.sigma_src > 0:
            responses.append(d["noise"])
        responses += d["aggressors"]
        if self.jitter_on:
            responses.append(d["edge"])
        sup = Superposer(responses, rates, self.s, phases, self.superposer.method)
        assert sup.spans == self.superposer.spans, "derivative responses cut on other windows"
        self.gain_superposer = sup
        self.gain_rows = None
        g_ref = 10 ** (rx.ctle_g_dc_db / 20)
        lo, hi = rx.ctle_g_dc_range_db
        self.ctle = np.array([g_ref, g_ref, 10 ** (lo / 20), 10 ** (hi / 20)])
        self.mu_ctle = rx.ctle_step
        self.ctle_from = rx.ctle_hold_symbols
        self.ss_ctle = rx.ctle_adaptation == "sign-sign"

    @property
    def ctle_g_dc_db(self) -> float | None:
        """The CTLE's g_DC now (adapted), dB; None when it does not adapt."""
        return None if self.ctle is None else float(20 * np.log10(self.ctle[0]))

    def _next_chunk(self, n: int, histories: list, rows: np.ndarray):
        """Draw the next ``n`` symbols (and every other stream) and superpose their waveform.

        Returns ``(data, sent, waveform rows)``: data symbols, transmitted (precoded) symbols,
        and ``rows[:n]`` filled with the slicer-input waveform in volts.
        """
        mod = self.link.modulation
        q = self.cfg.sim.noise_samples_per_ui
        bits = self.source(n // self.group * mod.bits_per_group)
        data = map_bits(bits, mod)
        sent = self.precoder(data) if self.precoder else data
        x = self.link.levels_v[sent]
        if self.sigma_tx > 0:
            x = x + self.sigma_tx * self.rng_tx.standard_normal(n)
        fresh = [x]
        if self.sigma_src > 0:
            fresh.append(self.sigma_src * self.rng_rx.standard_normal(n * q))
        for agg, source in zip(self.link.aggressors, self.aggressor_sources, strict=True):
            agg_bits = source(n // self.group * mod.bits_per_group)
            fresh.append(agg.levels_v[map_bits(agg_bits, mod)])
        if self.jitter_on:
            clean = self.link.levels_v[sent]
            fresh.append(jitter_stream(clean, self.last_level_v, self.edges(n), self.s))
            self.last_level_v = float(clean[-1])
        inputs = []
        for i, values in enumerate(fresh):
            extended = np.concatenate([histories[i], values])
            histories[i] = extended[extended.size - histories[i].size :]
            inputs.append(extended)
        if self.ctle is not None:
            if self.gain_rows is None or self.gain_rows.shape != rows.shape:
                self.gain_rows = np.empty_like(rows)
            self.gain_superposer(inputs, self.gain_rows[:n])
        return data, sent, self.superposer(inputs, rows[:n])

    def run(self, progress=None, t_start: float | None = None) -> LinkResult:
        """Stream all chunks and return the result."""
        t_start = time.perf_counter() if t_start is None else t_start
        sim = self.cfg.sim
        sup = self.superposer
        histories = [np.zeros(sup.history_length(i)) for i in range(len(sup.rates))]
        tally = _Tally(self)
        receive = self._receive_cdr if self.cdr is not None else self._receive_fixed
        state = {}
        # Rows past the last symbol: the decisions' latency, and the CDR's look-ahead.
        lookahead = self.latency + (self.n_pre + 4 if self.cdr is not None else 0)
        if self.mlse is not None:
            lookahead += self.mlse.traceback
        total_rows = sim.n_symbols + lookahead
        total_rows += (-total_rows) % self.group
        rows = np.empty((sim.chunk_symbols, self.n_phases))
        done = 0
        while done < total_rows:
            n = min(sim.chunk_symbols, total_rows - done)
            data, sent, out = self._next_chunk(n, histories, rows)
            receive(done, data, sent, out, tally, state)
            done += n
            if progress is not None:
                progress(min(done, sim.n_symbols))
        return tally.result(time.perf_counter() - t_start)

    def _receive_fixed(self, done, data, sent, out, tally, state):
        """Fixed sampling phase: FFE + DFE on the T-spaced samples of the slicer column."""
        n = out.shape[0]
        n_ffe = self.ffe.size
        lat = self.latency
        if not state:
            state.update(
                x_hist=np.zeros(n_ffe - 1),
                rows_hist=np.zeros((n_ffe - 1, self.n_phases)),
                data_delay=np.zeros(lat, np.int8),
                tx_delay=np.zeros(lat, np.int8),
                aligner=_Aligner(self.group),
            )
            if self.ctle is not None:
                state.update(x0_hist=np.zeros(n_ffe - 1), xg_hist=np.zeros(n_ffe - 1))
        tau = None
        if self.cfg.rx.sampling_rj_rms_ui > 0:  # read each sample early or late
            tau = self.cfg.rx.sampling_rj_rms_ui * self.s * self.rng_rj.standard_normal(n)
        x_v = self._slicer_samples(out, tau)
        if self.adc is not None:  # VGA, then the ADC, then back to slicer volts
            x_v = self.adc(x_v * self.vga) / self.vga
        n_adapt = int(np.clip(self.adapt_until - done, 0, n))
        n_trace_max = n // self.trace_every + 1 if self.trace_every else 0
        n_cols = n_ffe + self.dfe_taps.size + (self.ctle is not None)
        trace = np.empty((n_trace_max, n_cols))
        dec = np.empty(n, np.int8)
        z = np.empty(n)
        fb = np.empty(n)
        equalizer = (
            self.ffe,
            self.n_pre,
            self.dfe_taps,
            self.dfe_history,
            self.thresholds_norm,
            self.levels_norm,
            self.mu_ffe,
            self.mu_dfe,
            n_adapt,
            self.ss_ffe,
            self.ss_dfe,
            dec,
            z,
            fb,
            trace,
            self.trace_every,
            done,
            self.dfe_limit,
            self.ffe_mask,
            self.dfe_mask,
        )
        if self.ctle is None:
            x_ext = np.concatenate([state["x_hist"], x_v / self.scale_v])
            n_trace = equalize_slice(x_ext, *equalizer)
        else:
            x0 = np.concatenate([state["x0_hist"], x_v / self.scale_v])
            xg = self._slicer_samples(self.gain_rows[:n], tau) / self.scale_v
            xg = np.concatenate([state["xg_hist"], xg])
            x_ext = np.concatenate([state["x_hist"], np.empty(n)])
            g_start = self.ctle[0]
            ctle_from = int(np.clip(self.ctle_from - done, 0, n))
            n_trace = equalize_ctle_slice(
                x0, xg, x_ext, self.ctle, self.mu_ctle, self.ss_ctle, ctle_from, *equalizer
            )
            state["x0_hist"], state["xg_hist"] = x0[n:], xg[n:]
            # The eye: the chunk's waveform at the gain of its middle (it moves slowly).
            out += (0.5 * (g_start + self.ctle[0]) - self.ctle[1]) * self.gain_rows[:n]
        state["x_hist"] = x_ext[n:]
        tally.traces.append(trace[:n_trace])
        if n_ffe > 1:  # the slicer's waveform: the FFE (its current taps) over every phase
            rows_ext = np.concatenate([state["rows_hist"], out])
            state["rows_hist"] = rows_ext[rows_ext.shape[0] - (n_ffe - 1) :]
            eye_rows = np.empty_like(out)
            filter_rows(rows_ext, self.ffe, eye_rows)
            out = eye_rows
        # Decision k of this chunk is about symbol g0 + k (known latency).
        g0 = done - lat
        data_aligned = np.concatenate([state["data_delay"], data])[:n]
        sent_aligned = np.concatenate([state["tx_delay"], sent])[:n]
        if lat:
            state["data_delay"] = np.concatenate([state["data_delay"], data])[n:]
            state["tx_delay"] = np.concatenate([state["tx_delay"], sent])[n:]
        g = g0 + np.arange(n)
        live = (g >= self.count_from) & (g < self.count_until)
        tally.add_levels(
            z[live],
            sent_aligned[live],
            out[live] if tally.hist is not None or tally.want_capture else None,
            fb[live] * self.scale_v,
        )
        if self.mlse is not None:  # its decisions lag its input by the traceback depth
            state.setdefault("mlse_data", np.zeros(0, np.int8))
            state.setdefault("mlse_g0", g0)
            pending = np.concatenate([state["mlse_data"], data_aligned])
            dec = self.mlse(z)
            g0, data_aligned = state["mlse_g0"], pending[: dec.size]
            state["mlse_data"], state["mlse_g0"] = pending[dec.size :], g0 + dec.size
        dec_data = self.decoder(dec) if self.decoder else dec
        ga, txa, deca = state["aligner"].push(g0, data_aligned, dec_data)
        k = ga + np.arange(txa.size)
        ok = (k >= self.count_from) & (k < self.count_until)
        tally.add_errors(txa[ok], deca[ok])

    def _slicer_samples(self, rows, tau):
        """The slicer column of ``rows``, or each row read ``tau`` samples early or late."""
        if tau is None:
            return rows[:, self.slicer_col]
        cols = np.ascontiguousarray(rows[:, self.jitter_cols])
        x_v = np.empty(rows.shape[0])
        sample_jittered(cols, float((self.jitter_cols.size - 1) // 2), tau, x_v)
        return x_v

    def _receive_cdr(self, done, data, sent, out, tally, state):
        """Recovered clock: the CDR samples every phase's rows where its loop puts the clock."""
        cr = self.cdr
        if not state:
            state.update(
                row_delay=np.zeros(self.pre, np.int8),
                sent_delay=np.zeros(self.pre, np.int8),
                row_data=np.zeros(0, np.int8),
                row_sent=np.zeros(0, np.int8),
                row0=0,
            )
        # What each row decides when sampled: the symbol `pre` UIs earlier.
        n = out.shape[0]
        row_data = np.concatenate([state["row_delay"], data])
        row_sent = np.concatenate([state["sent_delay"], sent])
        if self.pre:
            state["row_delay"], state["sent_delay"] = row_data[n:], row_sent[n:]
        state["row_data"] = np.concatenate([state["row_data"], row_data[:n]])
        state["row_sent"] = np.concatenate([state["row_sent"], row_sent[:n]])
        out *= 1.0 / self.scale_v  # in place: the rows buffer is refilled every chunk
        dec, sym_rows, phase, _locked = cr(out)
        z, fb = cr.last_z, cr.last_feedback
        if self.trace_every and dec.size:
            tally.traces.append(np.concatenate([self.ffe, self.dfe_taps])[None, :])
        i = sym_rows - state["row0"]
        tx_data, tx_sent = state["row_data"][i], state["row_sent"][i]
        dec_data = self.decoder(dec) if self.decoder else dec
        g = sym_rows - self.pre
        live = (g >= self.count_from) & (g < self.count_until)
        eye = None
        if tally.hist is not None or tally.want_capture:
            eye = np.empty((int(live.sum()), self.s))
            sample_rows_at(
                cr.last_rows, cr.last_row0, sym_rows[live], phase[live], self.ffe, self.n_pre, eye
            )
            eye *= self.scale_v
        tally.add_levels(z[live], tx_sent[live], eye, fb[live] * self.scale_v)
        tx, dd, gl = tx_data[live], dec_data[live], g[live]
        if self.group == 2:  # PAM6: whole pairs only (a slip can split one)
            first = np.flatnonzero((gl[:-1] % 2 == 0) & (gl[1:] == gl[:-1] + 1))
            pair = np.stack([first, first + 1], axis=1).ravel()
            tx, dd = tx[pair], dd[pair]
        tally.add_errors(tx, dd)
        # Keep the row symbols the CDR's carried rows still need.
        keep_from = cr.last_row0 + (cr.last_rows.shape[0] - cr._tail.shape[0])
        cut = max(keep_from - state["row0"], 0)
        state["row_data"] = state["row_data"][cut:]
        state["row_sent"] = state["row_sent"][cut:]
        state["row0"] += cut


class _Tally:
    """What a run accumulates: level statistics, eye, captured waveform, errors, taps."""

    def __init__(self, run: TimeDomainRun):
        sim = run.cfg.sim
        self.run = run
        m = run.m
        self.hist = np.zeros((m, run.s, sim.eye_voltage_bins), np.int64) if sim.eye else None
        self.counts = np.zeros(m)
        self.sums = np.zeros(m)
        self.sumsq = np.zeros(m)
        self.captured: list[np.ndarray] = []
        self.captured_rows = 0
        self.sym_err = self.bit_err = self.n_counted = 0
        self.traces: list[np.ndarray] = []

    @property
    def want_capture(self) -> bool:
        """True while the waveform capture still wants rows."""
        return self.captured_rows < self.run.cfg.sim.capture_ui

    def add_levels(self, z, sent, rows_v, offsets_v):
        """Slicer samples (normalised) by transmitted level, and their waveform rows (V)."""
        if z.size == 0:
            return
        m = self.run.m
        self.counts += np.bincount(sent, minlength=m)
        self.sums += np.bincount(sent, weights=z, minlength=m)
        self.sumsq += np.bincount(sent, weights=z * z, minlength=m)
        if rows_v is None:
            return
        if self.hist is not None:
            lo, hi = self.run.v_span
            accumulate_eye(
                np.ascontiguousarray(rows_v),
                offsets_v,
                np.ascontiguousarray(sent),
                lo,
                hi,
                self.hist,
            )
        want = self.run.cfg.sim.capture_ui - self.captured_rows
        if want > 0:
            keep = rows_v[:want]
            self.captured.append(np.array(keep))
            self.captured_rows += keep.shape[0]

    def add_errors(self, tx, dec):
        """Symbol and bit errors of aligned data symbols (whole mapping groups)."""
        if tx.size == 0:
            return
        mod = self.run.link.modulation
        self.sym_err += int(np.count_nonzero(tx != dec))
        self.n_counted += tx.size
        self.bit_err += int(np.count_nonzero(demap_symbols(tx, mod) != demap_symbols(dec, mod)))

    def result(self, elapsed_s: float) -> LinkResult:
        """The run's :class:`LinkResult`."""
        run = self.run
        eye = None
        if self.hist is not None:
            eye = EyeDiagram(self.hist, run.v_span[0], run.v_span[1], run.cfg.ui_s)
        return LinkResult.build(
            waveform=np.concatenate(self.captured) if self.captured else None,
            ffe_taps=run.ffe.copy(),
            tap_trace=np.concatenate(self.traces) if run.trace_every else None,
            cdr_report=run.cdr.report() if run.cdr is not None else None,
            ctle_g_dc_db=run.ctle_g_dc_db,
            link=run.link,
            n_symbols=self.n_counted,
            symbol_errors=self.sym_err,
            bit_errors=self.bit_err,
            level_counts=self.counts,
            level_sums=self.sums,
            level_sumsq=self.sumsq,
            scale_v=run.scale_v,
            eye=eye,
            dfe_taps=run.dfe_taps.copy(),
            elapsed_s=elapsed_s,
        )
