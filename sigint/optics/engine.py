"""The optical time-domain engine: symbols → drive → field → fibre → |E|² → PD/TIA → Rx DSP.

It streams chunks, as the electrical engine does. The field and every nonlinearity of the
chain are computed at the field rate (``field_samples_per_ui``, 8 by default: a band of four
times the baud rate, far wider than the devices'), the receiver at ``samples_per_ui``:

1. Tx levels (+ SNDR noise) through the drive path (Tx FFE, edge, host channel, driver,
   modulator electrodes): polyphase superposition at the field rate's phases;
2. the driver's swing limit (tanh), the modulator's static transfer to the optical field
   (MZM sin; EML linear power with transient chirp), the laser's phase noise (Wiener, from
   its linewidth, per UI) and the coupling, mux and fibre attenuation (kernel
   :func:`~sigint.kernels.optics.modulate_field`);
3. chromatic dispersion on the complex field (an all-pass FIR, :func:`~sigint.optics.fibre.
   field_fir`, history carried) and square-law detection |E|² (kernel
   :func:`~sigint.kernels.optics.disperse_detect`); the optical eye is this power,
   interpolated to every sample; photocurrent R·P + I_dark;
4. RIN, shot (2q·I(t), signal-dependent) and TIA thermal noise, white at
   ``noise_samples_per_ui`` samples per UI at the TIA input, and η0 at the Rx input;
5. MMF modal bandwidth, photodiode, TIA, host channel, Rx front end and CTLE: superposition
   of the field-rate power at the phases needed (every phase while training and for the eye,
   the slicer's after);
6. the DSP: DC removal (AC coupling), an FFE + DFE and the slicer levels fitted by least
   squares on the first ``eq.training_symbols`` known symbols at the best phase and latency
   (a converged trained equaliser), then fixed; symbol and bit errors counted from the end
   of the warm-up.

Every stage's response is cut to its significant span around its peak; what the stage
delays is tracked in samples, and the training finds the symbol ↔ sample alignment.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .. import filters
from ..eye import EyeDiagram
from ..kernels.equalize import equalize_slice, filter_rows
from ..kernels.eye import accumulate_eye
from ..kernels.optics import EML, MZM, disperse_detect, modulate_field
from ..pulse import noise_from_transfer
from ..superpose import Superposer
from ..symbols import Prbs, RandomBits, demap_symbols, map_bits
from ..theory import clopper_pearson
from ..units import db_to_lin_power, lin_power_to_db
from . import blocks
from .fibre import field_fir
from .link import OpticalLink, OpticalLinkConfig, cut_response

_EYE_MARGIN = 0.15


@dataclass(frozen=True)
class OpticalResult:
    """What a time-domain run of an optical link measured.

    Attributes
    ----------
    config : OpticalLinkConfig
    n_symbols, symbol_errors, bit_errors : int
    ser, ber : float
    ber_interval : (float, float)
        95 % Clopper–Pearson interval of the BER.
    snr_db : float
        Slicer SNR: level spread over the noise + residual ISI variance at the slicer.
    levels : ndarray
        Mean slicer value of each level (normalised units).
    oma_outer_w, p_avg_w, extinction_ratio_db : float
        Measured on the received optical waveform at the eye centre: mean power of the outer
        levels' samples, mean of all samples.
    phase, latency_ui : int
        Sampling phase (samples) and the symbol latency the training found.
    ffe_taps, dfe_taps : ndarray
    eye : EyeDiagram or None
        Electrical eye at the slicer (after the FFE; DFE feedback subtracted), V.
    optical_eye : EyeDiagram or None
        The received optical power, W, by transmitted level.
    optical_waveform_w : ndarray or None
        ``capture_ui`` UIs of received optical power (every phase), UI-aligned with
        ``captured_symbols``: the symbol's peak sits mid-UI.
    captured_symbols : ndarray or None
    elapsed_s : float
    """

    config: OpticalLinkConfig
    n_symbols: int
    symbol_errors: int
    bit_errors: int
    ser: float
    ber: float
    ber_interval: tuple
    snr_db: float
    levels: np.ndarray
    oma_outer_w: float
    p_avg_w: float
    extinction_ratio_db: float
    phase: int
    latency_ui: int
    ffe_taps: np.ndarray
    dfe_taps: np.ndarray
    eye: EyeDiagram | None = None
    optical_eye: EyeDiagram | None = None
    optical_waveform_w: np.ndarray | None = None
    captured_symbols: np.ndarray | None = None
    elapsed_s: float = 0.0

    def to_dict(self) -> dict:
        """JSON-ready figures (no arrays but the taps)."""
        return {
            "n_symbols": self.n_symbols,
            "symbol_errors": self.symbol_errors,
            "bit_errors": self.bit_errors,
            "ser": self.ser,
            "ber": self.ber,
            "ber_interval": list(self.ber_interval),
            "snr_db": self.snr_db,
            "oma_outer_w": self.oma_outer_w,
            "p_avg_w": self.p_avg_w,
            "extinction_ratio_db": self.extinction_ratio_db,
            "phase": self.phase,
            "latency_ui": self.latency_ui,
            "ffe_taps": [float(x) for x in self.ffe_taps],
            "dfe_taps": [float(x) for x in self.dfe_taps],
            "elapsed_s": self.elapsed_s,
        }


def simulate_optical(
    cfg: OpticalLinkConfig, progress: Callable[[int], None] | None = None
) -> OpticalResult:
    """Run the optical time-domain engine.

    Parameters
    ----------
    cfg : OpticalLinkConfig
    progress : callable, optional
        Called with the symbols done after each chunk.

    Returns
    -------
    OpticalResult
    """
    t0 = time.perf_counter()
    return OpticalRun(OpticalLink(cfg)).run(progress, t0)


class OpticalRun:
    """One run of the optical engine over a prepared :class:`OpticalLink`."""

    def __init__(self, link: OpticalLink):
        self.link = link
        cfg = link.cfg
        self.cfg = cfg
        o = cfg.optics
        s = cfg.sim.samples_per_ui
        q = cfg.sim.noise_samples_per_ui
        self.s, self.q = s, q
        self.mod = link.modulation
        every = np.arange(s)

        r = cfg.field_samples_per_ui
        self.r, self.k = r, s // r  # field samples per UI; waveform samples per field sample
        drive, self.drive_start = cut_response(link.h_hold * link.h_drive)
        self.drive = drive
        self.tx = Superposer([drive], [1], s, every[:: self.k])
        self.modulator = _modulator_kernel_args(o.modulator, o.laser.power_w, o.path_gain)
        swing = o.driver.swing_vppd
        self.half_swing_v = 0.0 if swing is None else swing / 2.0
        self.fir = None
        self.fir_centre = 0
        d, length = link.dispersion_ps_nm_km, o.fibre.length_m
        if d * length != 0:
            taps, self.fir_centre = field_fir(d, length, o.laser.wavelength_m, self.k * link.dt_s)
            reversed_taps = taps[::-1]
            self.fir = (
                np.ascontiguousarray(reversed_taps.real),
                np.ascontiguousarray(reversed_taps.imag),
            )
            self.field_hist = np.zeros((2, taps.size - 1))
        # The field's phase matters only through the fibre's dispersion.
        chirped = o.modulator.kind == "eml" and o.modulator.chirp_alpha != 0
        self.phase_noise = o.laser.linewidth_hz > 0 and self.fir is not None
        self.complex_field = self.fir is not None and (self.phase_noise or chirped)
        self.phase_step = math.sqrt(2 * math.pi * o.laser.linewidth_hz * cfg.ui_s)  # per UI
        self.phase = 0.0
        # The optical eye and the captured waveform show the power at every sample: the
        # field-rate power, band-limited interpolated.
        self.upsample = None
        self.shown_delay = 0
        if self.k > 1 and (cfg.sim.eye or cfg.sim.capture_ui > 0):
            self.upsample = Superposer([_interpolator(self.k)], [r], s, every)
            self.shown_delay = _INTERPOLATOR_HALF_WIDTH * self.k

        pd = o.photodiode
        self.responsivity = pd.responsivity_a_w
        self.dark_w = pd.dark_current_a / pd.responsivity_a_w  # dark current as power
        signal, self.rx_start = cut_response(link.h_optical * link.h_rx)
        # The power enters at the field rate: each sample stands for k waveform samples.
        signal = signal * self.k
        band = filters.raised_cosine_lowpass(
            link.f_hz, 0.8 * q * cfg.f_baud_hz / 2, q * cfg.f_baud_hz / 2
        )
        self.pd_noise = noise_from_transfer(
            link.photocurrent_to_slicer() * band, s, q, cfg.f_baud_hz
        )
        responses, rates = [signal, self.pd_noise.response], [r, q]
        self.eta0 = cfg.rx.noise_density_v2_hz
        if self.eta0 > 0:
            self.rx_noise = noise_from_transfer(link.h_front * band, s, q, cfg.f_baud_hz)
            responses.append(self.rx_noise.response)
            rates.append(q)
        self.rx_all = Superposer(responses, rates, s, every)
        self.rx_responses, self.rx_rates = responses, rates
        self.rx_one = None

        self.shot = pd.shot_noise
        self.fixed_density = link.rin_density_a2_hz + link.thermal_density_a2_hz
        self.src_scale = self.pd_noise.source_sigma_per_sqrt_density

        ss_ = np.random.SeedSequence(cfg.sim.seed)
        rng_bits, rng_tx, rng_pd, rng_rx, rng_phase = (
            np.random.default_rng(x) for x in ss_.spawn(5)
        )
        pattern = cfg.tx.pattern
        self.source = (
            RandomBits(rng_bits) if pattern == "random" else Prbs(int(pattern[4:]), cfg.sim.seed)
        )
        self.rng_tx, self.rng_pd, self.rng_rx, self.rng_phase = rng_tx, rng_pd, rng_rx, rng_phase
        self.sigma_tx = link.tx_noise_sigma_v()

    # -- streams ---------------------------------------------------------------------------

    def _optical_power(self, x_levels: np.ndarray, hist_tx: list) -> np.ndarray:
        """Received optical power (W) of the chunk's UIs at the field rate: the drive at
        every k-th sample, then the driver's limit, the modulator, the laser's phase, the
        optical losses, the fibre and |E|² (kernels :func:`~sigint.kernels.optics.
        modulate_field` and :func:`~sigint.kernels.optics.disperse_detect`)."""
        ext = np.concatenate([hist_tx[0], x_levels])
        hist_tx[0] = ext[ext.size - hist_tx[0].size :] if hist_tx[0].size else hist_tx[0]
        rows = np.empty((x_levels.size, self.r))
        self.tx([ext], rows)
        drive = rows.ravel()
        n = drive.size
        phase = _EMPTY
        if self.phase_noise:
            steps = self.phase_step * self.rng_phase.standard_normal(x_levels.size)
            phase = np.empty(x_levels.size + 1)
            phase[0] = self.phase
            np.cumsum(steps, out=phase[1:])
            phase[1:] += self.phase
            self.phase = float(phase[-1])
        if self.fir is None:
            field = np.empty(n)
            modulate_field(drive, self.half_swing_v, *self.modulator, phase, self.r, field, _EMPTY)
            return field * field
        hist = self.field_hist.shape[1]
        field = np.empty((2, hist + n))
        field[:, :hist] = self.field_hist
        im = field[1, hist:] if self.complex_field else _EMPTY
        modulate_field(
            drive, self.half_swing_v, *self.modulator, phase, self.r, field[0, hist:], im
        )
        if not self.complex_field:
            field[1, hist:] = 0.0
        self.field_hist = field[:, n:].copy() if hist else self.field_hist
        power = np.empty(n)
        disperse_detect(field[0], field[1], self.fir[0], self.fir[1], power)
        return power

    def _shown_power(self, p_w: np.ndarray, hist: list | None) -> np.ndarray | None:
        """The power at every sample for the optical eye and the capture (``shown_delay``
        samples late when interpolated from the field rate); None when neither is wanted."""
        if not (self.cfg.sim.eye or self.cfg.sim.capture_ui > 0):
            return None
        if self.upsample is None:
            return p_w
        ext = np.concatenate([hist[0], p_w])
        hist[0] = ext[ext.size - hist[0].size :]
        rows = np.empty((p_w.size // self.r, self.s))
        self.upsample([ext], rows)
        return rows.ravel()

    def _rx_inputs(self, p_w: np.ndarray, hists: list) -> list:
        """The Rx superposition's inputs: power, TIA-input noise, Rx-input noise."""
        n_ui = p_w.size // self.r
        sub = p_w[:: self.r // self.q]  # power at the noise samples' instants
        density = np.full(sub.size, self.fixed_density)
        if self.shot:
            density = density + blocks.shot_density_a2_hz(self.responsivity * (sub + self.dark_w))
        pd_noise = np.sqrt(density) * self.src_scale * self.rng_pd.standard_normal(sub.size)
        fresh = [p_w + self.dark_w, pd_noise]
        if self.eta0 > 0:
            src = math.sqrt(self.eta0) * self.rx_noise.source_sigma_per_sqrt_density
            fresh.append(src * self.rng_rx.standard_normal(n_ui * self.q))
        out = []
        for i, x in enumerate(fresh):
            ext = np.concatenate([hists[i], x])
            hists[i] = ext[ext.size - hists[i].size :] if hists[i].size else hists[i]
            out.append(ext)
        return out

    # -- the run ---------------------------------------------------------------------------

    def run(self, progress=None, t_start: float | None = None) -> OpticalResult:
        """Stream every chunk: train on the first, then equalise and count."""
        t_start = time.perf_counter() if t_start is None else t_start
        cfg = self.cfg
        sim, eq = cfg.sim, cfg.eq
        s = self.s
        m = self.mod.levels
        group = self.mod.symbols_per_group
        hist_tx = [np.zeros(self.tx.history_length(0))]
        hist_up = [np.zeros(self.upsample.history_length(0))] if self.upsample else None
        hists = [np.zeros(self.rx_all.history_length(i)) for i in range(len(self.rx_rates))]
        chunk = max(sim.chunk_symbols, eq.training_symbols + 512)
        chunk += (-chunk) % group
        lookahead = 256
        total = sim.n_symbols + lookahead
        total += (-total) % group
        sent_all = []  # symbols not yet decided (a short queue)
        state: dict = {}
        tally = _OpticalTally(m, sim, self.mod)
        done = 0
        while done < total:
            n = min(chunk, total - done)
            n -= n % group
            bits = self.source(n // group * self.mod.bits_per_group)
            sent = map_bits(bits, self.mod)
            x = self.link.levels_v[sent]
            if self.sigma_tx > 0:
                x = x + self.sigma_tx * self.rng_tx.standard_normal(n)
            p_w = self._optical_power(x, hist_tx)
            inputs = self._rx_inputs(p_w, hists)
            sent_all.append(sent)
            rows = None
            if not state or tally.eye is not None:  # every phase: to train, or for the eye
                rows = np.empty((n, s))
                self.rx_all(inputs, rows)
            if not state:
                self._train(rows, np.concatenate(sent_all), state, p_w)
                tally.optical_span(p_w)
            if rows is not None:
                column = rows[:, state["phase"]]
            else:
                one = np.empty((n, 1))
                self.rx_one(inputs, one)
                column = one[:, 0]
            shown = self._shown_power(p_w, hist_up)
            self._decide(done, column, rows, p_w, shown, sent_all, state, tally)
            done += n
            if progress is not None:
                progress(min(done, sim.n_symbols))
        return tally.result(self, state, time.perf_counter() - t_start)

    def _train(self, rows, sent, state, p_w):
        """Fit the DSP on the training symbols: phase, latency, DC, FFE + DFE, levels."""
        eq = self.cfg.eq
        s = self.s
        n_train = eq.training_symbols
        levels = self.mod.normalized_levels()
        a = levels[sent]
        best = None
        # The latency: the cross-correlation peak of the strongest column with the symbols.
        col = rows[:, int(np.argmax(rows[:n_train].var(axis=0)))]
        col = col[:n_train] - col[:n_train].mean()
        corr = np.correlate(col, a[:n_train], mode="full")[n_train - 1 :]
        lag0 = int(np.argmax(np.abs(corr[: n_train // 2])))

        # The MMSE decision delay sits at or a little after the peak (a fading response is
        # wide): try a few.
        def fit(lag, phase):
            got = _fit_equalizer(rows[:, phase % s], a, lag, eq, n_train)
            return None if got is None else {**got, "phase": phase % s, "lag": lag}

        def better(x, y):
            return y if x is None or (y is not None and y["mse"] < x["mse"]) else x

        # Coarse (every S/8 phases at a few lags), then every phase around the best.
        step = max(s // 8, 1)
        for lag in range(max(lag0 - 1, 0), lag0 + 4):
            for phase in range(0, s, step):
                best = better(best, fit(lag, phase))
        if best is not None:
            lag, centre = best["lag"], best["phase"]
            for phase in range(centre - step + 1, centre + step):
                best = better(best, fit(lag, phase))
        if best is None:
            raise RuntimeError("the optical link's training found no usable sampling point")
        state.update(best)
        state["x_hist"] = np.zeros(best["ffe"].size - 1)
        state["dfe_hist"] = np.zeros(best["dfe"].size)
        state["pending"] = 0  # global row index of the next undecided FFE input
        if not self.cfg.sim.eye:
            self.rx_one = Superposer(self.rx_responses, self.rx_rates, s, [best["phase"]])
        # Where each symbol's optical pulse peaks: the latency from the Tx drive to the PD
        # input, in samples (for the optical eye and the captured waveform): the drive
        # response's peak (row k, phase p of the drive is symbol k's response at p), moved by
        # the dispersion FIR's.
        offset = int(np.argmax(np.abs(self.drive))) / self.k
        if self.fir is not None:
            offset += self.fir_centre  # the FIR's delay (a chirped one's top is broad)
        state["optical_offset"] = round(offset)  # field samples

    def _decide(self, done, column, rows, p_w, shown, sent_all, state, tally):
        """Equalise and slice the chunk's slicer samples; count errors from the warm-up."""
        eq = self.cfg.eq
        n = column.size
        ffe, dfe = state["ffe"], state["dfe"]
        x = column - state["dc"]
        x_ext = np.concatenate([state["x_hist"], x])
        state["x_hist"] = x_ext[n:] if ffe.size > 1 else state["x_hist"]
        dec = np.empty(n, np.int8)
        z = np.empty(n)
        fb = np.empty(n)
        trace = np.empty((0, ffe.size + dfe.size))
        levels, thresholds = state["levels"], state["thresholds"]
        equalize_slice(
            x_ext,
            ffe,
            eq.ffe_pre,
            dfe,
            state["dfe_hist"],
            thresholds,
            levels,
            0.0,
            0.0,
            0,
            False,
            False,
            dec,
            z,
            fb,
            trace,
            0,
            done,
        )
        # Decision k (global row done + k) is about symbol done + k − ffe_pre − lag.
        g = done + np.arange(n) - eq.ffe_pre - state["lag"]
        sent = np.concatenate(sent_all)
        base = done + n - sent.size  # global index of sent[0]
        ok = (g >= base) & (g >= 0)
        g_ok = g[ok]
        tx = sent[g_ok - base]
        tally.add(g_ok, tx, dec[ok], z[ok])
        if tally.eye is not None and rows is not None:
            self._eye(done, rows, g, ok, sent, base, fb, state, tally)
        off = state["optical_offset"]
        tally.optical_levels(done, p_w, sent, base, off, self.r)
        if shown is not None:
            tally.optical_picture(done, shown, sent, base, off * self.k + self.shown_delay, self.s)
        # Keep the symbols later decisions (and the optical eye) still need.
        keep_from = max(int(g[-1]) + 1 - 4096, 0)
        cut = max(keep_from - base, 0)
        sent_all[:] = [sent[cut:]]

    def _eye(self, done, rows, g, ok, sent, base, fb, state, tally):
        """The slicer's eye: every phase through the FFE, the DFE feedback subtracted."""
        ffe = state["ffe"]
        n_ffe = ffe.size
        rows = rows - state["dc"]
        ext = np.concatenate([state.setdefault("rows_hist", np.zeros((n_ffe - 1, self.s))), rows])
        state["rows_hist"] = ext[ext.shape[0] - (n_ffe - 1) :]
        out = np.empty_like(rows)
        filter_rows(np.ascontiguousarray(ext), ffe, out)
        live = ok & (g >= self.cfg.sim.warmup_symbols) & (g < self.cfg.sim.n_symbols)
        if not live.any():
            return
        # Centre the picture on the sampling phase.
        shifted = np.roll(out, self.s // 2 - state["phase"], axis=1)
        tally.accumulate(shifted[live], fb[live], sent[g[live] - base])


_EMPTY = np.empty(0)
_INTERPOLATOR_HALF_WIDTH = 8  # field samples each side


def _interpolator(k: int) -> np.ndarray:
    """Kaiser-windowed sinc (β = 8) from one sample in ``k`` to every sample, delayed by
    ``_INTERPOLATOR_HALF_WIDTH`` input samples: exact at the input samples; within 1e-4 of flat
    over the lower half of the band (where the power is) and its images 1e-4 down."""
    w = _INTERPOLATOR_HALF_WIDTH * k
    n = np.arange(2 * w + 1)
    return np.sinc((n - w) / k) * np.kaiser(n.size, 8.0)


def _modulator_kernel_args(cfg, power_in_w: float, path_gain: float) -> tuple:
    """``(kind, gain, slope, offset, chirp_half, p_floor)`` of
    :func:`~sigint.kernels.optics.modulate_field` for a modulator (as
    :func:`~sigint.optics.blocks.modulator_field`), times the optical path's amplitude."""
    il = float(db_to_lin_power(-cfg.insertion_loss_db))
    path_amp = math.sqrt(path_gain)
    if cfg.kind == "mzm":
        scale = 0.5 * math.pi / cfg.vpi_v
        return MZM, math.sqrt(power_in_w * il) * path_amp, scale, scale * cfg.bias, 0.0, 0.0
    er = float(db_to_lin_power(cfg.extinction_ratio_db))
    m = (er - 1.0) / (er + 1.0)
    p_high = power_in_w * il
    slope = p_high * m / ((1.0 + m) * cfg.drive_vpp / 2.0)
    chirp_half = 0.5 * cfg.chirp_alpha
    return EML, path_amp, slope, p_high / (1.0 + m), chirp_half, 1e-30 * power_in_w


def _fit_equalizer(column, a, lag, eq, n_train):
    """Least-squares FFE + DFE mapping ``column`` to the levels ``a`` at symbol latency
    ``lag``; None when the window does not fit the training span."""
    n_ffe = eq.ffe_pre + 1 + eq.ffe_post
    n_dfe = eq.dfe_taps
    j = np.arange(max(n_dfe, eq.ffe_post - lag, 0), n_train - lag - eq.ffe_pre)
    if j.size < 4 * (n_ffe + n_dfe):
        return None
    dc = float(column[:n_train].mean())
    x = column - dc
    rows_idx = j[:, None] + lag + eq.ffe_pre - np.arange(n_ffe)[None, :]
    feats = [x[rows_idx]]
    if n_dfe:
        feats.append(-a[j[:, None] - 1 - np.arange(n_dfe)[None, :]])
    design = np.concatenate(feats, axis=1)
    target = a[j]
    coef, *_ = np.linalg.lstsq(design, target, rcond=None)
    z = design @ coef
    mse = float(np.mean((z - target) ** 2))
    ffe, dfe = coef[:n_ffe], coef[n_ffe:]
    ideal = np.unique(a)
    sym = np.searchsorted(ideal, target)
    # The slicer's thresholds sit between the levels the fitted FFE + DFE actually gives (an
    # MZM driven hard compresses them); the DFE feeds back the ideal levels it was fitted on.
    means = np.array([z[sym == k].mean() if np.any(sym == k) else u for k, u in enumerate(ideal)])
    thresholds = 0.5 * (means[1:] + means[:-1])
    return {
        "ffe": np.ascontiguousarray(ffe),
        "dfe": np.ascontiguousarray(dfe),
        "dc": dc,
        "mse": mse,
        "levels": np.ascontiguousarray(ideal),
        "thresholds": np.ascontiguousarray(thresholds),
    }


def _eye_centre_levels(means: np.ndarray) -> tuple[float, float]:
    """The outer levels' power where they lie furthest apart (the eye centre), from each
    level's mean over the phases of a UI: the largest |outer difference| and its neighbours
    fitted by a parabola, both levels read at its vertex (so the phase grid's spacing does
    not bias the OMA)."""
    diff = np.abs(means[-1] - means[0])
    c = int(np.argmax(diff))
    idx = (np.arange(c - 1, c + 2)) % diff.size
    y0, y1, y2 = diff[idx]
    curvature = y0 - 2.0 * y1 + y2
    x = 0.5 * (y0 - y2) / curvature if curvature < 0 else 0.0  # vertex offset, |x| ≤ 1/2

    def at(v):
        a, b, d = v[idx]
        return float(b + 0.5 * x * (d - a) + 0.5 * x * x * (a - 2.0 * b + d))

    return at(means[-1]), at(means[0])


class _OpticalTally:
    """Errors, slicer statistics, eyes and the captured optical waveform of a run."""

    def __init__(self, m: int, sim, mod):
        self.m, self.sim, self.mod = m, sim, mod
        self.sym_err = self.bit_err = self.n = 0
        self.sums = np.zeros(m)
        self.sumsq = np.zeros(m)
        self.counts = np.zeros(m)
        self.eye = (
            np.zeros((m, sim.samples_per_ui, sim.eye_voltage_bins), np.int64) if sim.eye else None
        )
        self.optical_hist = None
        self.v_span = None
        self.p_span = None
        self.capture: list = []
        self.capture_syms: list = []
        self.captured = 0
        self.opt_sums = None  # (levels, phases) once the first chunk sets the phases
        self.opt_counts = np.zeros(m)
        self.p_total = 0.0
        self.p_count = 0

    def optical_span(self, p_w):
        hi = float(np.max(p_w))
        self.p_span = (-_EYE_MARGIN * hi, (1 + _EYE_MARGIN) * hi)
        if self.eye is not None:
            self.optical_hist = np.zeros_like(self.eye)

    def add(self, g, tx, dec, z):
        live = (g >= self.sim.warmup_symbols) & (g < self.sim.n_symbols)
        tx, dec, z = tx[live], dec[live], z[live]
        if tx.size == 0:
            return
        if self.mod.symbols_per_group == 2:  # PAM6: whole pairs
            gl = g[live]
            keep = np.flatnonzero(gl % 2 == 0)
            keep = keep[keep + 1 < gl.size]
            pair = np.stack([keep, keep + 1], axis=1).ravel()
            tx_p, dec_p = tx[pair], dec[pair]
        else:
            tx_p, dec_p = tx, dec
        self.sym_err += int(np.count_nonzero(tx_p != dec_p))
        self.n += tx_p.size
        self.bit_err += int(
            np.count_nonzero(demap_symbols(tx_p, self.mod) != demap_symbols(dec_p, self.mod))
        )
        self.counts += np.bincount(tx, minlength=self.m)
        self.sums += np.bincount(tx, weights=z, minlength=self.m)
        self.sumsq += np.bincount(tx, weights=z * z, minlength=self.m)

    def accumulate(self, rows, fb, sent):
        if self.v_span is None:
            span = float(np.max(np.abs(rows))) * (1 + _EYE_MARGIN)
            self.v_span = (-span, span)
        accumulate_eye(
            np.ascontiguousarray(rows),
            np.ascontiguousarray(fb),
            sent.astype(np.int8),
            self.v_span[0],
            self.v_span[1],
            self.eye,
        )

    def _symbol_rows(self, done, p_w, sent, base, off, s):
        """The chunk's power as one row per counted symbol, ``s`` samples centred on where
        it peaks (sample j·s + ``off`` for symbol j), and the symbols."""
        start = off - s // 2
        n_ui = p_w.size // s
        js = np.arange(done - start // s - 1, done + n_ui + 1)
        rel = js * s + start - done * s  # where each symbol's UI starts in this chunk
        keep = (rel >= 0) & (rel + s <= p_w.size) & (js >= base) & (js - base < sent.size)
        keep &= (js >= self.sim.warmup_symbols) & (js < self.sim.n_symbols)
        rel, js = rel[keep], js[keep]
        return p_w[rel[:, None] + np.arange(s)[None, :]], sent[js - base]

    def optical_levels(self, done, p_w, sent, base, off, s):
        """Each level's mean power at every phase, and the mean power, from the field-rate
        power ``p_w`` (``s`` samples per UI)."""
        rows, syms = self._symbol_rows(done, p_w, sent, base, off, s)
        if syms.size == 0:
            return
        if self.opt_sums is None:
            self.opt_sums = np.zeros((self.m, s))
        for level in range(self.m):
            self.opt_sums[level] += rows[syms == level].sum(axis=0)
        self.opt_counts += np.bincount(syms, minlength=self.m)
        self.p_total += float(rows.sum())
        self.p_count += rows.size

    def optical_picture(self, done, p_w, sent, base, off, s):
        """The optical eye and the capture, from the power at every sample."""
        rows, syms = self._symbol_rows(done, p_w, sent, base, off, s)
        if syms.size == 0:
            return
        if self.optical_hist is not None:
            accumulate_eye(
                np.ascontiguousarray(rows),
                np.zeros(rows.shape[0]),
                syms.astype(np.int8),
                self.p_span[0],
                self.p_span[1],
                self.optical_hist,
            )
        want = self.sim.capture_ui - self.captured
        if want > 0:
            self.capture.append(rows[:want].copy())
            self.capture_syms.append(syms[:want].copy())
            self.captured += min(want, syms.size)

    def result(self, run: OpticalRun, state: dict, elapsed: float) -> OpticalResult:
        cfg = run.cfg
        counts = np.maximum(self.counts, 1)
        means = self.sums / counts
        var = np.maximum(self.sumsq / counts - means**2, 0.0)
        p = self.counts / max(self.counts.sum(), 1)
        signal = float(np.sum(p * (means - np.sum(p * means)) ** 2))
        noise = float(np.sum(p * var))
        snr_db = float(lin_power_to_db(signal / noise)) if noise > 0 else math.inf
        n_bits = round(self.n * self.mod.bits_per_symbol)
        hi, lo = _eye_centre_levels(self.opt_sums / np.maximum(self.opt_counts, 1)[:, None])
        er = float(10 * np.log10(hi / lo)) if lo > 0 and hi > 0 else math.inf
        eye = optical_eye = None
        if self.eye is not None and self.v_span is not None:
            eye = EyeDiagram(self.eye, self.v_span[0], self.v_span[1], cfg.ui_s)
            optical_eye = EyeDiagram(self.optical_hist, self.p_span[0], self.p_span[1], cfg.ui_s)
        return OpticalResult(
            config=cfg,
            n_symbols=self.n,
            symbol_errors=self.sym_err,
            bit_errors=self.bit_err,
            ser=self.sym_err / max(self.n, 1),
            ber=self.bit_err / max(n_bits, 1),
            ber_interval=clopper_pearson(self.bit_err, max(n_bits, 1)),
            snr_db=snr_db,
            levels=means,
            oma_outer_w=hi - lo,
            p_avg_w=self.p_total / max(self.p_count, 1),
            extinction_ratio_db=er,
            phase=int(state["phase"]),
            latency_ui=int(state["lag"]),
            ffe_taps=state["ffe"].copy(),
            dfe_taps=state["dfe"].copy(),
            eye=eye,
            optical_eye=optical_eye,
            optical_waveform_w=np.concatenate(self.capture) if self.capture else None,
            captured_symbols=np.concatenate(self.capture_syms) if self.capture_syms else None,
            elapsed_s=elapsed,
        )
