"""An optical link: host Tx → host channel → optical engine → host channel → host Rx.

:class:`OpticalLinkConfig` is the frozen config; :class:`OpticalLink` prepares, once, what
both engines read: every block's transfer function on one frequency grid, the static levels
through the modulator, the received OMA and average power, and the linearised (small-signal)
pulse and noise responses.

The electrical halves reuse the electrical link's blocks: the Tx (levels, FFE, Gaussian edge,
SNDR) of :class:`~sigint.config.TxConfig`, channel segments of :mod:`sigint.channel_config`,
and the Rx front end (4th-order Butterworth, CTLE, input noise η0) of
:class:`~sigint.config.RxConfig`; the receiver's DSP (FFE + DFE, trained) is
:class:`OpticalEqConfig`.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field

import numpy as np

from .. import filters
from .._configio import check as _check
from ..channel import build_channel, delay_estimate_s
from ..channel_config import ChannelConfig, Segment
from ..config import ModulationName, PamLane, RxConfig, SimConfig, TxConfig
from ..link import DEFAULT_RISE_TIME_UI, DEFAULT_RX_BANDWIDTH_FBAUD, rx_ctle_response
from ..modulation import Modulation
from . import blocks
from .config import OpticsConfig
from .fibre import fibre_dispersion_ps_nm_km, intensity_transfer, modal_transfer

_MIN_WINDOW_UI = 256
_CUT = 1e-6  # responses are cut where they fall below this fraction of their peak


@dataclass(frozen=True)
class OpticalEqConfig:
    """The receiver DSP after the optical link: a T-spaced FFE and a DFE, trained.

    Parameters
    ----------
    ffe_pre, ffe_post : int
        FFE taps before and after the main one.
    dfe_taps : int
    training_symbols : int
        Known symbols (from the start of the run) the time-domain engine fits the FFE, DFE,
        slicer levels and sampling phase on, by least squares (a converged trained
        equaliser); the linearised engine solves the MMSE FFE + DFE instead.
    """

    ffe_pre: int = 3
    ffe_post: int = 12
    dfe_taps: int = 1
    training_symbols: int = 8192

    def __post_init__(self):
        for name in ("ffe_pre", "ffe_post", "dfe_taps"):
            value = getattr(self, name)
            _check(0 <= value <= 64, name, value, "an integer from 0 to 64")
        _check(
            1024 <= self.training_symbols <= 1_000_000,
            "training_symbols",
            self.training_symbols,
            "from 1024 to 1e6 symbols",
        )


@dataclass(frozen=True)
class OpticalLinkConfig(PamLane):
    """One optical lane, SerDes to SerDes.

    Parameters
    ----------
    modulation, rate, f_baud_hz
        As :class:`~sigint.config.LinkConfig`.
    tx : TxConfig
        The host SerDes Tx (swing into the host channel, FFE, edge, SNDR, pattern).
    host_tx : tuple of segments
        Electrical channel from the Tx to the driver (empty: none, e.g. a DSP's own Tx).
    optics : OpticsConfig
    host_rx : tuple of segments
        Electrical channel from the TIA to the Rx (empty: none).
    rx : RxConfig
        The Rx front end: bandwidth, input noise η0, CTLE (fixed). Its FFE/DFE fields are not
        used (the DSP is ``eq``).
    eq : OpticalEqConfig
    sim : SimConfig
    field_samples_per_ui : int or None
        The rate the time-domain engine computes the optical field and power at: the drive
        is sampled there, goes through the driver's limit, the modulator, the laser phase,
        the fibre and |E|², and the power enters the receiver's pulse superposition (at
        ``sim.samples_per_ui``) as samples at this rate. None: 8 (capped at
        ``sim.samples_per_ui``, at least ``sim.noise_samples_per_ui``) — a Nyquist band of
        4 × the baud rate, where the received power's spectrum is ~50 dB below its
        in-band content (the devices' bandwidths are < 1.3 × baud); the tests compare it
        with the field at every sample.
    """

    modulation: ModulationName = "PAM4"
    rate: str | None = "224G"
    f_baud_hz: float | None = None
    tx: TxConfig = field(default_factory=lambda: TxConfig(swing_vppd=0.8, pattern="random"))
    host_tx: tuple[Segment, ...] = ()
    optics: OpticsConfig = field(default_factory=OpticsConfig)
    host_rx: tuple[Segment, ...] = ()
    rx: RxConfig = field(default_factory=RxConfig)
    eq: OpticalEqConfig = field(default_factory=OpticalEqConfig)
    sim: SimConfig = field(default_factory=lambda: SimConfig(eye=False, warmup_symbols=10_000))
    field_samples_per_ui: int | None = None

    def __post_init__(self):
        s, q = self.sim.samples_per_ui, self.sim.noise_samples_per_ui
        if self.field_samples_per_ui is None:
            object.__setattr__(self, "field_samples_per_ui", max(min(8, s), q))
        r = self.field_samples_per_ui
        _check(
            isinstance(r, int) and r > 0 and s % r == 0 and r % q == 0,
            "field_samples_per_ui",
            r,
            f"a divisor of sim.samples_per_ui ({s}) and a multiple of "
            f"sim.noise_samples_per_ui ({q}), or None",
        )
        self._check_lane()
        _check(
            not self.tx.jitter.active,
            "tx.jitter",
            self.tx.jitter,
            "no Tx jitter (the optical engine does not model it yet)",
        )
        _check(not self.tx.precoding, "tx.precoding", True, "false (not in the optical engine)")
        rx = self.rx
        unsupported = rx.cdr is not None or rx.adc_bits is not None or rx.ctle_adaptation != "fixed"
        _check(
            not unsupported,
            "rx",
            "cdr/adc/ctle_adaptation",
            "a fixed analog front end (the optical engine trains its own FFE + DFE)",
        )
        _check(
            self.eq.training_symbols <= self.sim.warmup_symbols,
            "eq.training_symbols",
            self.eq.training_symbols,
            f"≤ sim.warmup_symbols ({self.sim.warmup_symbols}): training symbols are not counted",
        )

    def replaced(self, **changes) -> OpticalLinkConfig:
        """A copy with top-level fields replaced (nested configs as objects)."""
        return dataclasses.replace(self, **changes)

    def with_optics(self, **changes) -> OpticalLinkConfig:
        """A copy with fields of :attr:`optics` replaced (block configs as objects)."""
        return dataclasses.replace(self, optics=dataclasses.replace(self.optics, **changes))


def _channel_s21(segments: tuple, f_hz: np.ndarray) -> np.ndarray:
    if not segments:
        return np.ones(f_hz.shape, complex)
    return build_channel(ChannelConfig(tuple(segments)), f_hz).s21


def _channel_delay_s(segments: tuple) -> float:
    return delay_estimate_s(ChannelConfig(tuple(segments))) if segments else 0.0


def cut_response(h_f: np.ndarray, threshold: float = _CUT) -> tuple[np.ndarray, int]:
    """The significant run of ``irfft(h_f)`` around its peak, and where it starts (samples,
    signed: negative when it starts before t = 0, i.e. wraps from the end)."""
    p = np.fft.irfft(h_f)
    n = p.size
    top = int(np.argmax(np.abs(p)))
    rolled = np.roll(p, n // 2 - top)  # peak in the middle
    above = np.flatnonzero(np.abs(rolled) >= threshold * abs(p[top]))
    lo, hi = int(above[0]), int(above[-1])
    start = lo - (n // 2 - top)
    return np.ascontiguousarray(rolled[lo : hi + 1]), start


class OpticalLink:
    """Everything both optical engines read, prepared once from an :class:`OpticalLinkConfig`.

    Attributes
    ----------
    cfg : OpticalLinkConfig
    f_hz : ndarray
        rfft grid of the window at ``samples_per_ui``.
    levels_v : ndarray
        Tx symbol levels into the host channel, V.
    h_drive : ndarray
        Tx symbol (1 V, held one UI) to the modulator's drive voltage (Tx FFE, edge, host
        channel, driver, modulator electrodes).
    h_optical : ndarray
        Power into the photodiode (W) to the TIA output (V): modal bandwidth, photodiode, TIA.
    h_rx : ndarray
        TIA output to the slicer (V/V): host channel, Rx front end, CTLE.
    drive_levels_v : ndarray
        Each symbol's drive at DC (its level × the drive path's DC gain), V.
    power_levels_w : ndarray
        Static received optical power of each level (modulator transfer × path loss), W.
    oma_outer_w, p_avg_w, extinction_ratio_db : float
        Of the received static levels (PAM outer levels; mean over equiprobable levels).
    dispersion_ps_nm_km : float
    """

    def __init__(self, cfg: OpticalLinkConfig):
        self.cfg = cfg
        self.modulation = Modulation(cfg.levels)
        o = cfg.optics
        s = cfg.sim.samples_per_ui
        ui = cfg.ui_s
        dt = ui / s
        delay = _channel_delay_s(cfg.host_tx) + _channel_delay_s(cfg.host_rx)
        window_ui = int(2 ** np.ceil(np.log2(max(_MIN_WINDOW_UI, 4 * delay / ui))))
        n = window_ui * s
        f = np.fft.rfftfreq(n, dt)
        self.f_hz, self.dt_s, self.window_ui = f, dt, window_ui
        rise = cfg.tx.rise_time_s
        rise = DEFAULT_RISE_TIME_UI * ui if rise is None else rise
        bw = cfg.rx.bandwidth_hz
        bw = DEFAULT_RX_BANDWIDTH_FBAUD * cfg.f_baud_hz if bw is None else bw

        self.h_tx = filters.gaussian_edge(f, rise) * filters.t_spaced_fir(
            f, cfg.tx.ffe_taps, cfg.tx.ffe_cursor, ui
        )
        self.h_hold = filters.sample_hold(f, s, dt)
        self.h_drive = (
            self.h_tx
            * _channel_s21(cfg.host_tx, f)
            * blocks.driver_response(f, o.driver)
            * blocks.modulator_response(f, o.modulator)
        )
        self.h_optical = (
            modal_transfer(f, o.fibre)
            * blocks.photodiode_response(f, o.photodiode)
            * blocks.tia_response(f, o.tia)
        )
        self.h_front = filters.butterworth4(f, bw) * rx_ctle_response(cfg.rx, cfg.f_baud_hz, f)
        self.h_rx = _channel_s21(cfg.host_rx, f) * self.h_front
        self.dispersion_ps_nm_km = fibre_dispersion_ps_nm_km(o.fibre, o.laser.wavelength_m)

        self.levels_v = self.modulation.levels_v(cfg.tx.swing_vppd, cfg.tx.rlm)
        drive_dc = float(self.h_drive[0].real)
        self.drive_levels_v = np.asarray(
            blocks.soft_limit(self.levels_v * drive_dc, o.driver.swing_vppd), float
        )
        p_in = o.laser.power_w
        self.power_levels_w = (
            blocks.modulator_power(self.drive_levels_v, o.modulator, p_in) * o.path_gain
        )
        p = self.power_levels_w
        self.oma_outer_w = float(abs(p[-1] - p[0]))
        self.p_avg_w = float(np.mean(p))
        hi, lo = max(p[0], p[-1]), min(p[0], p[-1])
        self.extinction_ratio_db = float(10 * np.log10(hi / lo)) if lo > 0 else math.inf
        self.rin_density_a2_hz = blocks.rin_density_a2_hz(
            o.laser, o.photodiode.responsivity_a_w, self.oma_outer_w, self.p_avg_w
        )
        self.thermal_density_a2_hz = blocks.thermal_density_a2_hz(o.tia)

    # -- the linearised chain ----------------------------------------------------------------

    @property
    def small_signal_slope_w_per_v(self) -> float:
        """dP/dv of the modulator at the mean drive, times the optical path gain, W/V."""
        o = self.cfg.optics
        v0 = float(np.mean(self.drive_levels_v))
        slope = blocks.modulator_slope_w_per_v(o.modulator, o.laser.power_w, v0)
        return slope * o.path_gain

    def intensity_dispersion(self) -> np.ndarray:
        """The fibre's small-signal intensity response (power fading with the EML's chirp)."""
        o = self.cfg.optics
        alpha = o.modulator.chirp_alpha if o.modulator.kind == "eml" else 0.0
        return intensity_transfer(
            self.f_hz,
            self.dispersion_ps_nm_km,
            o.fibre.length_m,
            o.laser.wavelength_m,
            alpha,
        ).astype(complex)

    def linear_pulse_transfer(self) -> np.ndarray:
        """Tx symbol (1 V) to slicer volts, linearised at the modulator's operating point."""
        return (
            self.h_hold
            * self.h_drive
            * self.small_signal_slope_w_per_v
            * self.intensity_dispersion()
            * self.h_optical
            * self.h_rx
        )

    def tx_noise_sigma_v(self) -> float:
        """RMS of the Tx (SNDR) noise added to each symbol, V (0 without ``tx.sndr_db``)."""
        if self.cfg.tx.sndr_db is None:
            return 0.0
        return math.sqrt(float(np.mean(self.levels_v**2)) / 10 ** (self.cfg.tx.sndr_db / 10))

    def photocurrent_noise_density_a2_hz(self) -> float:
        """Mean one-sided density of RIN + shot + thermal noise at the photodiode, A²/Hz."""
        pd = self.cfg.optics.photodiode
        shot = 0.0
        if pd.shot_noise:
            i_avg = pd.responsivity_a_w * self.p_avg_w + pd.dark_current_a
            shot = float(blocks.shot_density_a2_hz(i_avg))
        return self.rin_density_a2_hz + shot + self.thermal_density_a2_hz

    def photocurrent_to_slicer(self) -> np.ndarray:
        """Noise current at the TIA input (A) to slicer volts: RIN, shot and thermal noise
        are all referred to the TIA input (the receiver's noise bandwidth is the TIA's and
        what follows; the photodiode's own roll-off is left to the signal)."""
        return blocks.tia_response(self.f_hz, self.cfg.optics.tia) * self.h_rx
