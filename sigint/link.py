"""A link prepared for simulation: modulation, resolved settings, pulse and noise responses.

:class:`Link` does the frequency-domain work once (channel S-parameters, the composite
transfer function, the pulse and noise responses, zero-forcing DFE taps) so that both engines
only stream symbols through the result.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from . import filters
from .channel import build_channel, delay_estimate_s, touchstone_block
from .config import LinkConfig
from .crosstalk import AggressorPulse, grid_window, parametric_coupling
from .modulation import Modulation
from .pulse import (
    NoiseResponse,
    PulseResponse,
    circular_window,
    noise_from_transfer,
    pulse_from_transfer,
)

#: Default Tx 20-80 % rise time in UI: 4 ps at 106.25 GBd, as in 802.3dj COM.
DEFAULT_RISE_TIME_UI = 0.425
#: Default Rx front-end bandwidth in units of f_baud (COM's f_r).
DEFAULT_RX_BANDWIDTH_FBAUD = 0.75
#: Smallest simulated time window, UI; the window also covers 4× the channel delay.
MIN_WINDOW_UI = 1024


@dataclass(frozen=True)
class Resolved:
    """Settings derived when the link is built (reported with every result)."""

    f_baud_hz: float
    ui_s: float
    rise_time_s: float
    rx_bandwidth_hz: float
    window_ui: int
    channel_delay_s: float
    il_nyquist_db: float


class Link:
    """A link config prepared for the engines.

    Parameters
    ----------
    cfg : LinkConfig

    Attributes
    ----------
    cfg : LinkConfig
    modulation : Modulation
    resolved : Resolved
    pulse : PulseResponse
        Tx symbol (1 V) to slicer, all linear blocks folded in.
    noise : NoiseResponse
        Rx input noise to slicer.
    levels_v : ndarray
        Tx level of each symbol index, V (swing and RLM applied).
    """

    def __init__(self, cfg: LinkConfig):
        self.cfg = cfg
        self.modulation = Modulation(cfg.levels)
        s = cfg.sim.samples_per_ui
        ui = cfg.ui_s
        dt = ui / s
        rise = cfg.tx.rise_time_s
        rise = DEFAULT_RISE_TIME_UI * ui if rise is None else rise
        bw = cfg.rx.bandwidth_hz
        bw = DEFAULT_RX_BANDWIDTH_FBAUD * cfg.f_baud_hz if bw is None else bw

        delay = delay_estimate_s(cfg.channel)
        window_ui = int(2 ** np.ceil(np.log2(max(MIN_WINDOW_UI, 4 * delay / ui))))
        n = window_ui * s
        f = np.fft.rfftfreq(n, dt)
        self.f_hz = f
        #: How each Touchstone block was read and cleaned up (port map, DC, band, checks).
        self.channel_notes: list = []
        self.channel = build_channel(cfg.channel, f, self.channel_notes)

        h_tx = filters.gaussian_edge(f, rise) * filters.t_spaced_fir(
            f, cfg.tx.ffe_taps, cfg.tx.ffe_cursor, ui
        )
        h_front = filters.butterworth4(f, bw)  # the Rx response but the CTLE
        if cfg.rx.ffe_taps and not cfg.rx.ffe_in_dsp:
            h_front = h_front * filters.t_spaced_fir(f, cfg.rx.ffe_taps, cfg.rx.ffe_cursor, ui)
        self._h_rx_front = h_front
        h_rx = h_front * self.ctle_response(f)
        self.h_tx = h_tx
        self.h_rx = h_rx
        self.h_edge_before_rx = h_tx * self.channel.s21
        h_edge = self.h_edge_before_rx * h_rx
        h_pulse = filters.sample_hold(f, s, dt) * h_edge
        self.h_pulse = h_pulse
        sampling_reference = None
        if cfg.rx.ffe_in_dsp:  # sample where the equalised pulse peaks, as a folded FFE would
            ffe = filters.t_spaced_fir(f, cfg.rx.ffe_taps, cfg.rx.ffe_cursor, ui)
            sampling_reference = h_pulse * ffe
        self.pulse: PulseResponse = pulse_from_transfer(
            h_pulse, s, ui, sampling_reference, round(cfg.rx.sampling_offset_ui * s)
        )
        #: The chain's impulse response (no hold) on the pulse's window: what an edge
        #: displaced by one sample adds per volt of step (the Tx jitter stream's response).
        self.edge_response = np.fft.irfft(h_edge)[
            (self.pulse.window_start + np.arange(self.pulse.samples.size)) % n
        ]

        q = cfg.sim.noise_samples_per_ui
        f_stop = q * cfg.f_baud_hz / 2
        self._noise_band = filters.raised_cosine_lowpass(f, 0.8 * f_stop, f_stop)
        self.noise: NoiseResponse = noise_from_transfer(
            h_rx * self._noise_band, s, q, cfg.f_baud_hz
        )

        #: Each aggressor's transfer function up to the victim's Rx input.
        self._aggressor_h = [
            self._aggressor_transfer(a, f, dt, rise) for a in cfg.channel.aggressors
        ]
        self.aggressors: list[AggressorPulse] = [
            self._aggressor_pulse(a, h, h_rx)
            for a, h in zip(cfg.channel.aggressors, self._aggressor_h, strict=True)
        ]

        il_db = -20 * np.log10(np.maximum(np.abs(self.channel.s21), 1e-300))
        il_nyq = float(np.interp(cfg.f_baud_hz / 2, f, il_db))
        self.resolved = Resolved(
            f_baud_hz=cfg.f_baud_hz,
            ui_s=ui,
            rise_time_s=rise,
            rx_bandwidth_hz=bw,
            window_ui=window_ui,
            channel_delay_s=delay,
            il_nyquist_db=il_nyq,
        )
        self.levels_v = self.modulation.levels_v(cfg.tx.swing_vppd, cfg.tx.rlm)

    def _aggressor_transfer(self, agg, f, dt, rise_s) -> np.ndarray:
        """An aggressor's symbol-to-victim-Rx-input transfer function (hold, edge, FFE,
        coupling)."""
        cfg = self.cfg
        s = cfg.sim.samples_per_ui
        coupling = self.coupling(agg, f)
        if agg.ffe_taps is not None:
            taps, cursor = agg.ffe_taps, agg.ffe_cursor
        elif agg.kind == "fext":
            taps, cursor = cfg.tx.ffe_taps, cfg.tx.ffe_cursor
        else:  # a NEXT aggressor's FFE is set for its own link, not this one (as in IEEE COM)
            taps, cursor = (1.0,), 0
        h = (
            filters.sample_hold(f, s, dt)
            * filters.gaussian_edge(f, rise_s)
            * filters.t_spaced_fir(f, taps, cursor, cfg.ui_s)
            * coupling
        )
        return h

    def _aggressor_pulse(self, agg, h_f, h_rx) -> AggressorPulse:
        """An aggressor's pulse at the victim's slicer, cut on the victim's sample phase."""
        cfg = self.cfg
        p = np.fft.irfft(h_f * h_rx)
        start, size = grid_window(
            p, self.pulse.window_start % cfg.sim.samples_per_ui, cfg.sim.samples_per_ui
        )
        swing = cfg.tx.swing_vppd if agg.swing_vppd is None else agg.swing_vppd
        return AggressorPulse(
            circular_window(p, start, size),
            self.modulation.levels_v(swing, cfg.tx.rlm),
            agg,
            window_start=start,
        )

    def ctle_gain_derivatives(self) -> dict:
        """How every response moves with the 93A CTLE's linear DC gain g = 10^(g_DC/20).

        The CTLE is affine in g, so a response at g' is exactly the response at g plus
        (g' − g) times these, cut on the same windows. Returns the derivatives of ``pulse``,
        ``noise`` (response), ``edge`` and ``aggressors`` (a list), keyed by those names.
        """
        rx = self.cfg.rx
        if rx.ctle_g_dc_db is None:
            raise ValueError("the CTLE gain derivative needs the 93A CTLE (rx.ctle_g_dc_db)")
        f = self.f_hz
        s = self.cfg.sim.samples_per_ui
        q = self.cfg.sim.noise_samples_per_ui
        _, f_p1, f_p2, f_lf = ctle_93a_frequencies(rx, self.cfg.f_baud_hz)
        d_rx = self._h_rx_front * filters.ctle_93a_gain_derivative(
            f, rx.ctle_g_dc2_db, f_p1, f_p2, f_lf
        )
        size = self.pulse.samples.size
        start = self.pulse.window_start
        h_edge = self.h_edge_before_rx * d_rx
        hold = filters.sample_hold(f, s, self.cfg.ui_s / s)
        return {
            "pulse": circular_window(np.fft.irfft(hold * h_edge), start, size),
            "edge": circular_window(np.fft.irfft(h_edge), start, size),
            "noise": (s // q)
            * circular_window(
                np.fft.irfft(d_rx * self._noise_band),
                self.noise.window_start,
                self.noise.response.size,
            ),
            "aggressors": [
                circular_window(np.fft.irfft(h * d_rx), a.window_start, a.samples.size)
                for a, h in zip(self.aggressors, self._aggressor_h, strict=True)
            ],
        }

    def coupling(self, agg, f) -> np.ndarray:
        """The aggressor's coupling transfer function (Tx pair to the victim's Rx pair)."""
        if agg.level_db is not None:
            return parametric_coupling(
                agg.kind, agg.level_db, f, self.channel.s21, self.cfg.f_baud_hz / 2
            )
        block, info = touchstone_block(agg.touchstone, agg.ports, f)
        self.channel_notes.append(info)
        return block.s21

    def full_pulse(self) -> np.ndarray:
        """The uncut pulse response over the whole window (periodic, DC-correct).

        Its area over S equals the chain's DC gain exactly; the engines use the cut
        :attr:`pulse`, which reports what the cut drops.
        """
        return np.fft.irfft(self.h_pulse)

    @property
    def outer_level_v(self) -> float:
        """Outer Tx level, V (half the peak-to-peak swing)."""
        return self.cfg.tx.swing_vppd / 2

    def ctle_response(self, f_hz) -> np.ndarray:
        """The CTLE's transfer function (:func:`rx_ctle_response`)."""
        return rx_ctle_response(self.cfg.rx, self.cfg.f_baud_hz, f_hz)

    def with_ctle_gain(self, g_dc_db: float) -> Link:
        """This link with the 93A CTLE's g_DC moved to ``g_dc_db``, sampled at the same instant.

        Exact and cheap (no channel rebuild): every response moves by (g' − g)·∂/∂g on its
        own window (:meth:`ctle_gain_derivatives`). The sampling instant stays where this
        link's was, as it does in a receiver whose CTLE adapts under a fixed clock; the
        config reports the new g_DC.
        """
        import copy

        d = self.ctle_gain_derivatives()
        step = 10 ** (g_dc_db / 20) - 10 ** (self.cfg.rx.ctle_g_dc_db / 20)
        moved = copy.copy(self)
        moved.cfg = self.cfg.replace(**{"rx.ctle_g_dc_db": float(g_dc_db)})
        moved.pulse = dataclasses.replace(
            self.pulse, samples=self.pulse.samples + step * d["pulse"]
        )
        moved.noise = dataclasses.replace(
            self.noise, response=self.noise.response + step * d["noise"]
        )
        moved.edge_response = self.edge_response + step * d["edge"]
        moved.aggressors = [
            dataclasses.replace(a, samples=a.samples + step * da)
            for a, da in zip(self.aggressors, d["aggressors"], strict=True)
        ]
        return moved

    def dsp_ffe(self) -> tuple[np.ndarray, int]:
        """The Rx FFE the DSP starts from (a unit tap when it is folded into the pulse), and
        its pre-cursor count."""
        rx = self.cfg.rx
        if not rx.ffe_in_dsp:
            return np.ones(1), 0
        taps = np.asarray(rx.ffe_taps, dtype=float)
        if rx.ffe_floating_taps:  # floating taps extend the span; they start at zero
            span = rx.ffe_cursor + 1 + max(rx.ffe_floating_taps)
            taps = np.concatenate([taps, np.zeros(span - taps.size)])
        return taps, rx.ffe_cursor

    def dsp_ffe_mask(self) -> np.ndarray | None:
        """Which taps of :meth:`dsp_ffe` exist (int8), or None when all do."""
        rx = self.cfg.rx
        if not (rx.ffe_in_dsp and rx.ffe_floating_taps):
            return None
        mask = np.zeros(self.dsp_ffe()[0].size, np.int8)
        mask[: len(rx.ffe_taps)] = 1
        for d in rx.ffe_floating_taps:
            mask[rx.ffe_cursor + d] = 1
        return mask

    def dfe_mask(self) -> np.ndarray | None:
        """Which DFE taps exist (int8 over the DFE span), or None for a contiguous DFE.

        Floating groups go, one at a time, where the equalised post-cursors beyond the fixed
        taps carry the most energy (the reflections a floating DFE is for), without overlap.
        """
        rx = self.cfg.rx
        if not rx.dfe_floating_groups:
            return None
        span, k = rx.dfe_floating_span_ui, rx.dfe_floating_group_taps
        c = self.slicer_cursors()
        post = c[self.pulse.pre_ui + 1 : self.pulse.pre_ui + 1 + span]
        energy = np.concatenate([post, np.zeros(span - post.size)]) ** 2
        mask = np.zeros(span, np.int8)
        mask[: rx.dfe_taps] = 1
        for _ in range(rx.dfe_floating_groups):
            sums = np.convolve(energy, np.ones(k), "valid")  # window starting at each tap
            free = np.array([not mask[i : i + k].any() for i in range(sums.size)])
            if not free.any():
                break
            start = int(np.argmax(np.where(free, sums, -1.0)))
            mask[start : start + k] = 1
        return mask

    def slicer_cursors(self) -> np.ndarray:
        """T-spaced cursors at the slicer: after the FFE, folded or in the DSP (index
        ``pulse.pre_ui`` is the main cursor)."""
        if self.cfg.rx.ffe_in_dsp:
            return self.equalized_cursors(*self.dsp_ffe())
        return self.pulse.cursors()

    @property
    def dfe_span(self) -> int:
        """Length of the DFE tap array (the floating span, or the number of taps)."""
        rx = self.cfg.rx
        return rx.dfe_floating_span_ui if rx.dfe_floating_groups else rx.dfe_taps

    @property
    def slicer_main_cursor(self) -> float:
        """Main cursor at the slicer (after the FFE, folded or in the DSP), V per V of symbol."""
        if not self.cfg.rx.ffe_in_dsp:
            return self.pulse.main_cursor
        taps, n_pre = self.dsp_ffe()
        return float(self.equalized_cursors(taps, n_pre)[self.pulse.pre_ui])

    def equalized_cursors(self, taps=None, n_pre: int = 0) -> np.ndarray:
        """T-spaced cursors at the sampling phase after a T-spaced FFE (index ``pre_ui`` = main).

        ``taps[i]`` weights the sample ``i − n_pre`` UI later; None gives the pulse's own.
        """
        c = self.pulse.cursors()
        if taps is None:
            return c
        return filters.apply_t_spaced_fir(c, taps, n_pre)

    def dfe_zero_forcing_taps(self) -> np.ndarray:
        """DFE taps that cancel the post-cursors of the equalised pulse they cover (unit
        cursor): the first ``dfe_taps`` and those of any floating groups."""
        n = self.dfe_span
        c = self.slicer_cursors()
        c0 = c[self.pulse.pre_ui]
        post = c[self.pulse.pre_ui + 1 : self.pulse.pre_ui + 1 + n] / c0
        limit = self.cfg.rx.dfe_tap_limit
        if limit is not None:  # a real DFE's taps saturate; the residual stays as ISI
            post = np.clip(post, -limit, limit)
        taps = np.concatenate([post, np.zeros(n - post.size)])
        mask = self.dfe_mask()
        return taps if mask is None else taps * mask

    def noise_sigma_v(self) -> float:
        """Predicted RMS Rx noise at the slicer (after the FFE, folded or in the DSP), V."""
        taps = self.dsp_ffe()[0] if self.cfg.rx.ffe_in_dsp else None
        phase = self.cfg.sim.samples_per_ui // 2
        return self.noise.sigma_v(self.cfg.rx.noise_density_v2_hz, phase, taps)

    def tx_noise_sigma_v(self) -> float:
        """RMS of the Tx noise added to each symbol, V (0 when ``tx.sndr_db`` is None)."""
        if self.cfg.tx.sndr_db is None:
            return 0.0
        p_sym = float(np.mean(self.levels_v**2))
        return float(np.sqrt(p_sym / 10 ** (self.cfg.tx.sndr_db / 10)))


def rx_ctle_response(rx, f_baud_hz: float, f_hz) -> np.ndarray:
    """The CTLE of an :class:`~sigint.config.RxConfig`: the 93A two-stage form when
    ``rx.ctle_g_dc_db`` is set (802.3ck frequencies f_z = f_p1 = f_b/2.5, f_p2 = f_b,
    f_LF = f_b/80 by default), else the pole-zero list."""
    if rx.ctle_g_dc_db is None:
        return filters.pole_zero(f_hz, rx.ctle_dc_gain_db, rx.ctle_zeros_hz, rx.ctle_poles_hz)
    return filters.ctle_93a(
        f_hz, rx.ctle_g_dc_db, rx.ctle_g_dc2_db, *ctle_93a_frequencies(rx, f_baud_hz)
    )


def ctle_93a_frequencies(rx, f_baud_hz: float) -> tuple[float, float, float, float]:
    """(f_z, f_p1, f_p2, f_LF) of the 93A CTLE: the config's, or the 802.3ck defaults."""
    fb = f_baud_hz

    def pick(value, default):
        return default if value is None else value

    return (
        pick(rx.ctle_fz_hz, fb / 2.5),
        pick(rx.ctle_fp1_hz, fb / 2.5),
        pick(rx.ctle_fp2_hz, fb),
        pick(rx.ctle_flf_hz, fb / 80),
    )
