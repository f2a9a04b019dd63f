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

import time
from collections.abc import Callable

import numpy as np

from .config import LinkConfig
from .eye import EyeDiagram
from .jitter import EdgeJitter, jitter_stream
from .kernels.equalize import equalize_slice, filter_rows
from .kernels.eye import accumulate_eye
from .link import Link
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
        phases = np.arange(s) if cfg.sim.eye else np.array([self.centre])
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
        (jitter_seed,) = ss.spawn(1)
        self.edges = EdgeJitter(cfg.tx.jitter, cfg.ui_s, np.random.default_rng(jitter_seed))
        self.last_level_v = 0.0
        pattern = cfg.tx.pattern
        self.source = (
            RandomBits(rng_bits) if pattern == "random" else Prbs(int(pattern[4:]), cfg.sim.seed)
        )
        self.rng_tx, self.rng_rx = rng_tx, rng_rx
        self.sigma_tx = link.tx_noise_sigma_v()

        rx = cfg.rx
        n_dfe = rx.dfe_taps
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
        adapts = ffe_adapts or dfe_adapts
        freeze = rx.freeze_after_symbols
        self.adapt_until = (cfg.sim.warmup_symbols if freeze is None else freeze) if adapts else 0
        self.trace_every = cfg.sim.tap_trace_every if adapts else 0
        # Decisions lag the rows by the pulse's pre-cursor span and the FFE's pre-cursor taps.
        self.latency = self.pre + self.n_pre

        self.precoder = Precoder(self.m) if cfg.tx.precoding else None
        self.decoder = PrecodeDecoder(self.m) if cfg.tx.precoding else None

        # Count whole mapping groups from the end of the warm-up (rows before it, including the
        # `pre` rows that sample symbols before the start, are never counted).
        g = cfg.sim.warmup_symbols
        self.count_from = g + (-g) % self.group
        self.count_until = cfg.sim.n_symbols

        # Residual ISI at the slicer: every cursor but the main one and those the DFE cancels.
        cursors = link.equalized_cursors(*link.dsp_ffe()) if rx.ffe_in_dsp else pulse.cursors()
        isi = np.delete(
            cursors, np.arange(pulse.pre_ui, min(pulse.pre_ui + 1 + n_dfe, cursors.size))
        )
        p_sym = float(np.mean(link.levels_v**2))
        sigma = np.sqrt(
            p_sym * np.sum(isi**2) + link.noise_sigma_v() ** 2 + (self.sigma_tx * abs(self.h0)) ** 2
        )
        half = abs(self.scale_v) * (1 + _EYE_SPAN_MARGIN) + _EYE_SPAN_SIGMAS * sigma
        self.v_span = (-half, half)

    def run(self, progress=None, t_start: float | None = None) -> LinkResult:
        """Stream all chunks and return the result."""
        t_start = time.perf_counter() if t_start is None else t_start
        cfg = self.cfg
        sim = cfg.sim
        mod = self.link.modulation
        q = sim.noise_samples_per_ui
        sup = self.superposer
        histories = [np.zeros(sup.history_length(i)) for i in range(len(sup.rates))]
        lat = self.latency
        data_delay = np.zeros(lat, np.int8)
        tx_delay = np.zeros(lat, np.int8)
        n_ffe = self.ffe.size
        x_hist = np.zeros(n_ffe - 1)
        rows_hist = np.zeros((n_ffe - 1, self.n_phases))
        traces: list[np.ndarray] = []
        z_buf = np.empty(sim.chunk_symbols)
        eye_rows = np.empty((sim.chunk_symbols, self.n_phases)) if n_ffe > 1 else None
        aligner = _Aligner(self.group)
        hist = np.zeros((self.m, self.s, sim.eye_voltage_bins), np.int64) if sim.eye else None
        counts = np.zeros(self.m)
        sums = np.zeros(self.m)
        sumsq = np.zeros(self.m)
        sym_err = bit_err = n_counted = 0
        captured: list[np.ndarray] = []
        captured_rows = 0

        total_rows = sim.n_symbols + lat
        total_rows += (-total_rows) % self.group
        chunk = sim.chunk_symbols
        rows = np.empty((chunk, self.n_phases))
        decisions = np.empty(chunk, np.int8)
        feedback = np.empty(chunk)
        done = 0
        while done < total_rows:
            n = min(chunk, total_rows - done)
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
            out = self.superposer(inputs, rows[:n])

            x_ext = np.concatenate([x_hist, out[:, self.slicer_col] / self.scale_v])
            x_hist = x_ext[x_ext.size - x_hist.size :]
            n_adapt = int(np.clip(self.adapt_until - done, 0, n))
            trace = np.empty(
                (n // self.trace_every + 1 if self.trace_every else 0, n_ffe + self.dfe_taps.size)
            )
            n_trace = equalize_slice(
                x_ext,
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
                decisions[:n],
                z_buf[:n],
                feedback[:n],
                trace,
                self.trace_every,
                done,
            )
            traces.append(trace[:n_trace])
            dec = decisions[:n]
            fb = feedback[:n]
            z_all = z_buf[:n]
            if n_ffe > 1:  # the slicer's waveform: the FFE (its current taps) over every phase
                rows_ext = np.concatenate([rows_hist, out])
                rows_hist = rows_ext[rows_ext.shape[0] - rows_hist.shape[0] :]
                filter_rows(rows_ext, self.ffe, eye_rows[:n])
                out = eye_rows[:n]
            # Decision k of this chunk is about symbol g0 + k (known latency).
            g0 = done - lat
            data_aligned = np.concatenate([data_delay, data])[:n]
            sent_aligned = np.concatenate([tx_delay, sent])[:n]
            if lat:
                data_delay = np.concatenate([data_delay, data])[n:]
                tx_delay = np.concatenate([tx_delay, sent])[n:]
            dec_data = self.decoder(dec) if self.decoder else dec

            g = g0 + np.arange(n)
            live = (g >= self.count_from) & (g < self.count_until)
            if live.any():
                z = z_all[live]
                lev = sent_aligned[live]
                counts += np.bincount(lev, minlength=self.m)
                sums += np.bincount(lev, weights=z, minlength=self.m)
                sumsq += np.bincount(lev, weights=z * z, minlength=self.m)
                if hist is not None:
                    accumulate_eye(
                        np.ascontiguousarray(out[live]),
                        fb[live] * self.scale_v,
                        np.ascontiguousarray(lev),
                        self.v_span[0],
                        self.v_span[1],
                        hist,
                    )
                want = sim.capture_ui - captured_rows
                if want > 0:
                    keep = out[live][:want]
                    captured.append(keep.copy())
                    captured_rows += keep.shape[0]
            ga, txa, deca = aligner.push(g0, data_aligned, dec_data)
            if txa.size:
                ok = (ga + np.arange(txa.size) >= self.count_from) & (
                    ga + np.arange(txa.size) < self.count_until
                )
                txa, deca = txa[ok], deca[ok]
                sym_err += int(np.count_nonzero(txa != deca))
                n_counted += txa.size
                if txa.size:
                    bit_err += int(
                        np.count_nonzero(demap_symbols(txa, mod) != demap_symbols(deca, mod))
                    )
            done += n
            if progress is not None:
                progress(min(done, sim.n_symbols))

        eye = (
            EyeDiagram(hist, self.v_span[0], self.v_span[1], self.link.cfg.ui_s)
            if sim.eye
            else None
        )
        waveform = np.concatenate(captured) if captured else None
        tap_trace = np.concatenate(traces) if self.trace_every else None
        return LinkResult.build(
            waveform=waveform,
            ffe_taps=self.ffe.copy(),
            tap_trace=tap_trace,
            link=self.link,
            n_symbols=n_counted,
            symbol_errors=sym_err,
            bit_errors=bit_err,
            level_counts=counts,
            level_sums=sums,
            level_sumsq=sumsq,
            scale_v=self.scale_v,
            eye=eye,
            dfe_taps=self.dfe_taps.copy(),
            elapsed_s=time.perf_counter() - t_start,
        )
