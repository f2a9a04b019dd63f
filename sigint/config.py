"""Frozen, validated configuration of a link: Tx, channel, Rx and simulation settings.

A config file is TOML with the tables ``[link]``, ``[tx]``, ``[channel]``, ``[rx]`` and ``[sim]``
(see ``examples/`` and :func:`load_config`). Every value is checked when the object is built; a
bad key or value raises :class:`~sigint.errors.ConfigError` whose one-line message names the key,
the value and what was expected. Unknown keys are rejected with the nearest valid name.

Fields left as ``None`` are *derived* from the rest of the link when it is built (for example the
Tx rise time defaults to 0.425 UI, the 4 ps of 802.3dj COM at 106.25 GBd); the resolved values are
reported with every result.
"""

from __future__ import annotations

import dataclasses
import math
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import tomli_w

from ._configio import check as _check
from ._configio import check_swing, check_tx_ffe, from_mapping, reject_unknown, to_mapping
from ._configio import finite as _finite
from .cdr import CDRConfig
from .channel_config import (
    AggressorConfig,
    ChannelConfig,
    ConnectorSegment,
    PackageSegment,
    Segment,
    StriplineSegment,
    TouchstoneSegment,
    TwinaxSegment,
    ViaSegment,
)
from .errors import ConfigError
from .jitter import JitterConfig
from .rates import rate_preset

__all__ = [
    "AggressorConfig",
    "CDRConfig",
    "ChannelConfig",
    "ConnectorSegment",
    "JitterConfig",
    "LinkConfig",
    "PackageSegment",
    "RxConfig",
    "Segment",
    "SimConfig",
    "StriplineSegment",
    "TouchstoneSegment",
    "TwinaxSegment",
    "TxConfig",
    "ViaSegment",
    "config_from_mapping",
    "config_to_mapping",
    "dumps_config",
    "load_config",
    "save_config",
]

Pattern = Literal["random", "prbs7", "prbs9", "prbs11", "prbs13", "prbs15", "prbs23", "prbs31"]
DfeAdaptation = Literal["zero-forcing", "lms", "sign-sign"]
FfeAdaptation = Literal["fixed", "lms", "sign-sign"]
ModulationName = Literal["PAM2", "PAM4", "PAM6", "PAM8"]


@dataclass(frozen=True)
class TxConfig:
    """Transmitter: levels, FFE, edge rate, noise and data pattern.

    Parameters
    ----------
    swing_vppd : float
        Peak-to-peak differential swing of the outer levels, V.
    rlm : float
        Ratio of level mismatch in (0, 1]: inner levels are compressed by this factor.
    ffe_taps : tuple of float
        T-spaced Tx FFE taps, main cursor included, normalised so that Σ|c| ≤ 1 (peak-swing
        constraint). ``(1.0,)`` is no equalisation.
    ffe_cursor : int
        Index of the main cursor in ``ffe_taps`` (the number of pre-cursor taps).
    rise_time_s : float or None
        20-80 % rise time of the Gaussian edge filter (IEEE 93A-46). None: 0.425 UI.
    sndr_db : float or None
        Tx signal-to-noise-and-distortion ratio (mean symbol power over white noise added per
        symbol, shaped by the whole channel). None: noiseless.
    precoding : bool
        1/(1+D) mod M precoding, decoded at the receiver.
    pattern : str
        ``"random"`` (seeded) or a PRBS: ``"prbs7"`` … ``"prbs31"``.
    jitter : JitterConfig
        Edge jitter (RJ, SJ, DJ, DCD), in UI, as a ``[tx.jitter]`` table.
    """

    swing_vppd: float = 1.0
    rlm: float = 1.0
    ffe_taps: tuple[float, ...] = (1.0,)
    ffe_cursor: int = 0
    rise_time_s: float | None = None
    sndr_db: float | None = None
    precoding: bool = False
    pattern: Pattern = "prbs31"
    jitter: JitterConfig = field(default_factory=JitterConfig)

    def __post_init__(self):
        check_swing(self.swing_vppd)
        _check(0 < self.rlm <= 1, "rlm", self.rlm, "a ratio of level mismatch in (0, 1]")
        check_tx_ffe(self.ffe_taps, self.ffe_cursor)
        if self.rise_time_s is not None:
            _check(
                _finite(self.rise_time_s) and 0 <= self.rise_time_s < 1e-9,
                "rise_time_s",
                self.rise_time_s,
                "a 20-80 % rise time in seconds, 0 ≤ t < 1 ns",
            )
        if self.sndr_db is not None:
            _check(
                _finite(self.sndr_db) and 0 < self.sndr_db < 100,
                "sndr_db",
                self.sndr_db,
                "an SNDR in dB between 0 and 100",
            )


@dataclass(frozen=True)
class RxConfig:
    """Receiver: front-end bandwidth, noise, CTLE, FFE and DFE.

    Parameters
    ----------
    bandwidth_hz : float or None
        3-dB frequency of the 4th-order Butterworth front end (IEEE 93A-20). None: 0.75 × f_baud.
    noise_density_v2_hz : float
        One-sided input-referred noise density, V²/Hz (COM's η0 = 6e-9 V²/GHz is 6e-18 V²/Hz).
    ctle_dc_gain_db : float
        CTLE gain at DC, dB.
    ctle_zeros_hz, ctle_poles_hz : tuple of float
        Real zero and pole frequencies, Hz; H = g·Π(1 + s/ωz)/Π(1 + s/ωp). At least as many
        poles as zeros.
    ctle_g_dc_db : float or None
        Set it to use the IEEE 802.3 two-stage CTLE (93A-22) instead of the pole-zero list:
        the first stage's DC gain g_DC (0 … −20 dB in 802.3ck).
    ctle_g_dc2_db : float
        Second stage's DC gain g_DC2 (the low-frequency shelf, 0 … −6 dB in 802.3ck).
    ctle_fz_hz, ctle_fp1_hz, ctle_fp2_hz, ctle_flf_hz : float or None
        93A-22 zero and poles; None takes the 802.3ck relations f_z = f_p1 = f_b/2.5,
        f_p2 = f_b, f_LF = f_b/80.
    ctle_adaptation : {"fixed", "lms", "sign-sign"}
        Adapt the 93A CTLE's g_DC during the run (needs ``ctle_g_dc_db`` as the start and an
        adaptive Rx FFE, whose taps keep the slicer levels matched as the gain moves): LMS
        g ← g − μ·e·∂z/∂g, or sign-sign g ← g − μ·sgn(e)·sgn(∂z/∂g), with g = 10^(g_DC/20)
        and ∂z/∂g exact (the CTLE is affine in g). It minimises the slicer MSE jointly with
        the FFE and DFE, the criterion whose optimum is the MMSE equaliser.
    ctle_step : float
        CTLE gain step size (linear gain per normalised error²).
    ctle_hold_symbols : int
        The gain starts adapting after this many symbols, once the FFE and DFE have settled
        (an outer loop slower than theirs: early on, unsettled taps make peaking look better
        than it is).
    ctle_g_dc_range_db : (float, float)
        The g_DC range the adaptation may use, dB (802.3ck COM: −20 to 0).
    ffe_taps : tuple of float
        T-spaced Rx FFE taps (empty: none); with adaptation, the starting taps (their length
        and ``ffe_cursor`` set the pre/post-cursor counts).
    ffe_cursor : int
        Index of the main tap in ``ffe_taps`` (the number of pre-cursor taps).
    ffe_adaptation : {"fixed", "lms", "sign-sign"}
        Fixed taps fold into the pulse response (fastest); adaptive ones run in the receiver's
        DSP on T-spaced samples at the slicer phase, starting from ``ffe_taps`` scaled to a
        unit equalised cursor.
    ffe_step : float
        FFE step size (normalised units).
    dfe_taps : int
        Number of DFE taps (0: none).
    dfe_adaptation : {"zero-forcing", "lms", "sign-sign"}
        Taps from the (equalised) pulse response, or adapted from zero during the run.
    dfe_step : float
        DFE step size (normalised units). LMS taps settle with a time constant of about
        1/(μ·E[a²]) symbols (E[a²] = 5/9 for PAM4: ~900 symbols at the default), so the
        adaptation should last several of them.
    freeze_after_symbols : int or None
        Freeze every adaptive equaliser after this many symbols. None: adapt during the
        warm-up only.
    dfe_tap_limit : float or None
        Largest |tap| each DFE tap may take (relative to the main cursor), as real DFEs and
        the 802.3 COM b_max have; taps are clipped (zero-forcing) or held (while adapting).
    dfe_floating_groups, dfe_floating_group_taps : int
        Floating DFE tap groups (as 802.3ck COM's): this many groups of this many taps, each
        placed where the post-cursors beyond the fixed ``dfe_taps`` are strongest (reflections),
        within ``dfe_floating_span_ui``.
    dfe_floating_span_ui : int
        How far (UI after the cursor) floating groups may sit.
    ffe_floating_taps : tuple of int
        Extra Rx FFE taps at these post-cursor positions (UI after the main tap, beyond the
        contiguous taps), e.g. on a reflection; the FFE then runs in the DSP.
    detector : {"slicer", "mlse"}
        Decide symbol by symbol, or by MLSE (Viterbi over ``mlse_memory`` post-cursors of the
        equalised pulse; needs ``dfe_taps = 0``, the MLSE takes the DFE's place).
    mlse_memory : int
        Post-cursors the MLSE models (1 to 3).
    vga_gain_db : float
        Gain in front of the ADC.
    adc_bits : int or None
        Quantise the slicer-phase samples (before the DSP's FFE) with this many bits; None:
        no ADC. Not with a CDR yet.
    adc_full_scale_v : float or None
        ADC full scale (±, V after the VGA). None: the signal's outer level plus 5 σ of
        residual ISI and noise.
    sampling_offset_ui : float
        Sampling instant relative to the peak of the pulse at the slicer (after the FFE, folded
        or in the DSP), UI, rounded to the nearest of the ``samples_per_ui`` samples. An
        equaliser designed for an instant off the peak (an MMSE FFE + DFE often is:
        :attr:`sigint.eqopt.SearchResult.sampling_offset_ui`) samples where it was designed.
        With a CDR, where the loop starts.
    sampling_rj_rms_ui : float
        Random jitter of the sampling instant (Gaussian, white), UI: each sample is read that
        much early or late by interpolating the waveform (with or without a CDR).
    cdr : CDRConfig or None
        Clock recovery (``[rx.cdr]``: Mueller–Müller or bang-bang, loop gains, phase
        interpolator, frequency offset, SSC, lock detector). None: sample at the pulse peak.
        With a CDR the FFE and DFE run inside its loop at the recovered phase.
    """

    bandwidth_hz: float | None = None
    noise_density_v2_hz: float = 0.0
    ctle_dc_gain_db: float = 0.0
    ctle_zeros_hz: tuple[float, ...] = ()
    ctle_poles_hz: tuple[float, ...] = ()
    ctle_g_dc_db: float | None = None
    ctle_g_dc2_db: float = 0.0
    ctle_fz_hz: float | None = None
    ctle_fp1_hz: float | None = None
    ctle_fp2_hz: float | None = None
    ctle_flf_hz: float | None = None
    ctle_adaptation: FfeAdaptation = "fixed"
    ctle_step: float = 2e-3
    ctle_hold_symbols: int = 20_000
    ctle_g_dc_range_db: tuple[float, float] = (-20.0, 0.0)
    ffe_taps: tuple[float, ...] = ()
    ffe_cursor: int = 0
    ffe_adaptation: FfeAdaptation = "fixed"
    ffe_step: float = 1e-3
    dfe_taps: int = 0
    dfe_adaptation: DfeAdaptation = "zero-forcing"
    dfe_step: float = 2e-3
    freeze_after_symbols: int | None = None
    dfe_tap_limit: float | None = None
    dfe_floating_groups: int = 0
    dfe_floating_group_taps: int = 0
    dfe_floating_span_ui: int = 0
    ffe_floating_taps: tuple[int, ...] = ()
    detector: Literal["slicer", "mlse"] = "slicer"
    mlse_memory: int = 1
    vga_gain_db: float = 0.0
    adc_bits: int | None = None
    adc_full_scale_v: float | None = None
    sampling_offset_ui: float = 0.0
    sampling_rj_rms_ui: float = 0.0
    cdr: CDRConfig | None = None

    @property
    def ffe_in_dsp(self) -> bool:
        """True when the FFE runs on samples in the receiver's DSP (not folded into the pulse):
        when it adapts, or when an ADC sits in front of it."""
        return bool(self.ffe_taps) and (
            self.ffe_adaptation != "fixed"
            or self.adc_bits is not None
            or bool(self.ffe_floating_taps)
        )

    def __post_init__(self):
        if self.bandwidth_hz is not None:
            _check(
                _finite(self.bandwidth_hz) and self.bandwidth_hz > 0,
                "bandwidth_hz",
                self.bandwidth_hz,
                "a positive frequency in Hz",
            )
        _check(
            _finite(self.noise_density_v2_hz) and self.noise_density_v2_hz >= 0,
            "noise_density_v2_hz",
            self.noise_density_v2_hz,
            "a non-negative noise density in V²/Hz",
        )
        _check(
            _finite(self.ctle_dc_gain_db) and -60 <= self.ctle_dc_gain_db <= 40,
            "ctle_dc_gain_db",
            self.ctle_dc_gain_db,
            "a DC gain in dB between -60 and 40",
        )
        for name in ("ctle_zeros_hz", "ctle_poles_hz"):
            values = getattr(self, name)
            _check(
                all(_finite(v) and v > 0 for v in values),
                name,
                values,
                "positive frequencies in Hz",
            )
        if self.ctle_g_dc_db is not None:
            _check(
                _finite(self.ctle_g_dc_db) and -40 <= self.ctle_g_dc_db <= 20,
                "ctle_g_dc_db",
                self.ctle_g_dc_db,
                "a 93A first-stage DC gain in dB between -40 and 20",
            )
            _check(
                not self.ctle_zeros_hz and not self.ctle_poles_hz,
                "ctle_g_dc_db",
                self.ctle_g_dc_db,
                "either the 93A CTLE (ctle_g_dc_db …) or a pole-zero list, not both",
            )
        _check(
            _finite(self.ctle_g_dc2_db) and -40 <= self.ctle_g_dc2_db <= 20,
            "ctle_g_dc2_db",
            self.ctle_g_dc2_db,
            "a 93A second-stage DC gain in dB between -40 and 20",
        )
        for name in ("ctle_fz_hz", "ctle_fp1_hz", "ctle_fp2_hz", "ctle_flf_hz"):
            value = getattr(self, name)
            if value is not None:
                _check(_finite(value) and value > 0, name, value, "a positive frequency in Hz")
        _check(
            len(self.ctle_poles_hz) >= len(self.ctle_zeros_hz),
            "ctle_poles_hz",
            self.ctle_poles_hz,
            f"at least as many poles as zeros ({len(self.ctle_zeros_hz)})",
        )
        if self.ffe_taps:
            _check(
                all(_finite(c) for c in self.ffe_taps),
                "ffe_taps",
                self.ffe_taps,
                "finite tap weights",
            )
            _check(
                0 <= self.ffe_cursor < len(self.ffe_taps),
                "ffe_cursor",
                self.ffe_cursor,
                f"an index into ffe_taps (0..{len(self.ffe_taps) - 1})",
            )
        _check(0 <= self.dfe_taps <= 256, "dfe_taps", self.dfe_taps, "0 to 256 taps")
        for name in ("ffe_step", "dfe_step", "ctle_step"):
            value = getattr(self, name)
            _check(_finite(value) and 0 < value < 1, name, value, "a step size in (0, 1)")
        _check(
            self.ffe_adaptation == "fixed" or bool(self.ffe_taps),
            "ffe_adaptation",
            self.ffe_adaptation,
            "'fixed', or give ffe_taps to start from (their length sets the FFE span)",
        )
        if self.dfe_tap_limit is not None:
            _check(
                _finite(self.dfe_tap_limit) and self.dfe_tap_limit >= 0,
                "dfe_tap_limit",
                self.dfe_tap_limit,
                "a non-negative tap limit (relative to the main cursor)",
            )
        _check(
            self.detector == "slicer" or self.dfe_taps == 0,
            "detector",
            self.detector,
            "'slicer', or set dfe_taps = 0 (the MLSE handles the post-cursors itself)",
        )
        _check(
            0 <= self.dfe_floating_groups <= 8,
            "dfe_floating_groups",
            self.dfe_floating_groups,
            "0 to 8 groups",
        )
        if self.dfe_floating_groups:
            need = self.dfe_taps + self.dfe_floating_groups * self.dfe_floating_group_taps
            _check(
                1 <= self.dfe_floating_group_taps <= 32,
                "dfe_floating_group_taps",
                self.dfe_floating_group_taps,
                "1 to 32 taps per floating group",
            )
            _check(
                need <= self.dfe_floating_span_ui <= 512,
                "dfe_floating_span_ui",
                self.dfe_floating_span_ui,
                f"a span from {need} (fixed taps + groups) to 512 UI",
            )
        n_post_ffe = len(self.ffe_taps) - 1 - self.ffe_cursor
        _check(
            all(n_post_ffe < d <= 256 for d in self.ffe_floating_taps)
            and len(set(self.ffe_floating_taps)) == len(self.ffe_floating_taps)
            and (not self.ffe_floating_taps or bool(self.ffe_taps)),
            "ffe_floating_taps",
            self.ffe_floating_taps,
            f"distinct post-cursor positions beyond the contiguous taps ({n_post_ffe}) up to "
            "256 UI, with ffe_taps given",
        )
        _check(1 <= self.mlse_memory <= 3, "mlse_memory", self.mlse_memory, "1 to 3 post-cursors")
        _check(
            _finite(self.vga_gain_db) and -40 <= self.vga_gain_db <= 40,
            "vga_gain_db",
            self.vga_gain_db,
            "a gain in dB between -40 and 40",
        )
        if self.adc_bits is not None:
            _check(2 <= self.adc_bits <= 16, "adc_bits", self.adc_bits, "2 to 16 bits")
            _check(
                self.cdr is None,
                "adc_bits",
                self.adc_bits,
                "no ADC together with a CDR (not supported yet)",
            )
        if self.adc_full_scale_v is not None:
            _check(
                _finite(self.adc_full_scale_v) and self.adc_full_scale_v > 0,
                "adc_full_scale_v",
                self.adc_full_scale_v,
                "a positive full scale in volts",
            )
        _check(
            self.detector == "slicer" or self.cdr is None,
            "detector",
            self.detector,
            "'slicer' with a CDR (MLSE after the CDR is not supported yet)",
        )
        _check(
            _finite(self.sampling_offset_ui) and -16 <= self.sampling_offset_ui <= 16,
            "sampling_offset_ui",
            self.sampling_offset_ui,
            "an offset from the pulse peak from -16 to 16 UI",
        )
        _check(
            _finite(self.sampling_rj_rms_ui) and 0 <= self.sampling_rj_rms_ui <= 0.1,
            "sampling_rj_rms_ui",
            self.sampling_rj_rms_ui,
            "a sampling jitter from 0 to 0.1 UI rms",
        )
        if self.cdr is not None:
            _check(
                self.cdr.rx_rj_rms_ui == 0,
                "cdr.rx_rj_rms_ui",
                self.cdr.rx_rj_rms_ui,
                "0 in a link config: set rx.sampling_rj_rms_ui (one place for sampling jitter)",
            )
        self._check_ctle_adaptation()
        if self.freeze_after_symbols is not None:
            _check(
                self.freeze_after_symbols >= 0,
                "freeze_after_symbols",
                self.freeze_after_symbols,
                "a non-negative symbol count",
            )

    def _check_ctle_adaptation(self):
        lo, hi = self.ctle_g_dc_range_db
        _check(
            _finite(lo) and _finite(hi) and -40 <= lo < hi <= 20,
            "ctle_g_dc_range_db",
            self.ctle_g_dc_range_db,
            "(low, high) g_DC in dB with -40 <= low < high <= 20",
        )
        _check(
            self.ctle_hold_symbols >= 0,
            "ctle_hold_symbols",
            self.ctle_hold_symbols,
            "a non-negative symbol count",
        )
        if self.ctle_adaptation == "fixed":
            return
        name, value = "ctle_adaptation", self.ctle_adaptation
        _check(
            self.ctle_g_dc_db is not None,
            name,
            value,
            "'fixed', or set ctle_g_dc_db (the 93A CTLE whose g_DC adapts, from that start)",
        )
        _check(
            lo <= self.ctle_g_dc_db <= hi,
            "ctle_g_dc_db",
            self.ctle_g_dc_db,
            f"a start inside ctle_g_dc_range_db {self.ctle_g_dc_range_db}",
        )
        _check(
            bool(self.ffe_taps) and self.ffe_adaptation != "fixed",
            name,
            value,
            "an adaptive Rx FFE with it (ffe_taps and ffe_adaptation): its taps keep the "
            "slicer levels matched while the CTLE gain moves",
        )
        for other, ok in (
            ("cdr", self.cdr is None),
            ("adc_bits", self.adc_bits is None),
            ("detector", self.detector == "slicer"),
        ):
            _check(ok, name, value, f"'fixed' with {other} set (not supported yet)")


@dataclass(frozen=True)
class SimConfig:
    """How the time-domain engine runs.

    Parameters
    ----------
    n_symbols : int
        Symbols simulated, warm-up included.
    samples_per_ui : int
        Waveform resolution, samples per unit interval (a multiple of ``noise_samples_per_ui``).
    seed : int
        The one seed of the run: bits, Tx noise and Rx noise draw from independent streams of it.
    warmup_symbols : int
        Symbols excluded from BER, SER, SNR and the eye (equaliser and filter settling).
    chunk_symbols : int
        Symbols per streamed chunk; memory is flat in the run length. Results do not depend on it.
    eye : bool
        Accumulate the eye (every sample of every UI); off, only the slicer phase is computed.
    eye_probability : float
        Probability at which eye height and width are measured.
    eye_voltage_bins : int
        Vertical resolution of the eye histogram.
    noise_samples_per_ui : int
        Rate of the white Rx noise source; the noise is white up to this × f_baud / 2.
    capture_ui : int
        Keep this many UIs of the slicer waveform (all phases, from the end of the warm-up)
        in the result, for plots and jitter analysis (needs ``eye``).
    tap_trace_every : int
        Record the adaptive equaliser taps every this many symbols (0: never).
    """

    n_symbols: int = 200_000
    samples_per_ui: int = 32
    seed: int = 1
    warmup_symbols: int = 10_000
    chunk_symbols: int = 32_768
    eye: bool = True
    eye_probability: float = 1e-3
    eye_voltage_bins: int = 512
    noise_samples_per_ui: int = 4
    capture_ui: int = 0
    tap_trace_every: int = 500

    def __post_init__(self):
        _check(
            1 <= self.n_symbols <= 10**11,
            "n_symbols",
            self.n_symbols,
            "a symbol count from 1 to 1e11",
        )
        _check(
            self.samples_per_ui in (4, 8, 16, 32, 64, 128),
            "samples_per_ui",
            self.samples_per_ui,
            "4, 8, 16, 32, 64 or 128",
        )
        _check(self.seed >= 0, "seed", self.seed, "a non-negative integer")
        _check(
            0 <= self.warmup_symbols < self.n_symbols,
            "warmup_symbols",
            self.warmup_symbols,
            f"0 ≤ warmup_symbols < n_symbols ({self.n_symbols})",
        )
        _check(
            1024 <= self.chunk_symbols <= 2**22 and self.chunk_symbols % 2 == 0,
            "chunk_symbols",
            self.chunk_symbols,
            "an even chunk size from 1024 to 4194304 symbols",
        )
        _check(
            0 < self.eye_probability < 0.5,
            "eye_probability",
            self.eye_probability,
            "a probability in (0, 0.5)",
        )
        _check(
            16 <= self.eye_voltage_bins <= 8192,
            "eye_voltage_bins",
            self.eye_voltage_bins,
            "16 to 8192 bins",
        )
        _check(
            self.noise_samples_per_ui in (1, 2, 4, 8)
            and self.samples_per_ui % self.noise_samples_per_ui == 0,
            "noise_samples_per_ui",
            self.noise_samples_per_ui,
            f"1, 2, 4 or 8, dividing samples_per_ui ({self.samples_per_ui})",
        )
        _check(
            0 <= self.capture_ui <= 10_000_000 and (self.capture_ui == 0 or self.eye),
            "capture_ui",
            self.capture_ui,
            "0 to 1e7 UIs, with eye = true (the capture keeps every phase)",
        )
        _check(self.tap_trace_every >= 0, "tap_trace_every", self.tap_trace_every, "≥ 0")


class PamLane:
    """What a lane config (``modulation``, ``rate``, ``f_baud_hz``, ``sim``) derives and checks
    the same way, electrical or optical: the symbol rate from the rate preset (or checked
    against it), its range, PAM6's whole pairs, M and the UI."""

    def _check_lane(self) -> None:
        levels = int(self.modulation[3:])
        if self.rate is not None:
            f_preset = rate_preset(self.rate).f_baud_hz(levels)
            if self.f_baud_hz is None:
                object.__setattr__(self, "f_baud_hz", f_preset)
            else:
                _check(
                    math.isclose(self.f_baud_hz, f_preset, rel_tol=1e-9),
                    "f_baud_hz",
                    self.f_baud_hz,
                    f"{f_preset / 1e9:.6g} GBd as rate = {self.rate!r} gives for "
                    f"{self.modulation}, or leave one of the two out",
                )
        _check(
            self.f_baud_hz is not None
            and _finite(self.f_baud_hz)
            and 1e8 <= self.f_baud_hz <= 1e12,
            "f_baud_hz",
            self.f_baud_hz,
            "a symbol rate from 1e8 to 1e12 Bd (or a rate preset in 'rate')",
        )
        if levels == 6:
            _check(
                self.sim.n_symbols % 2 == 0,
                "sim.n_symbols",
                self.sim.n_symbols,
                "an even count for PAM6 (5 bits ride on 2 symbols)",
            )

    @property
    def levels(self) -> int:
        """PAM order M."""
        return int(self.modulation[3:])

    @property
    def ui_s(self) -> float:
        """Unit interval, s."""
        return 1.0 / self.f_baud_hz


@dataclass(frozen=True)
class LinkConfig(PamLane):
    """One serial link: modulation and rate, Tx, channel, Rx and simulation settings.

    Parameters
    ----------
    modulation : {"PAM2", "PAM4", "PAM6", "PAM8"}
    rate : str or None
        A rate preset (``sigint presets``), e.g. ``"224G"``; sets ``f_baud_hz`` for the
        modulation.
    f_baud_hz : float or None
        Symbol rate, Bd. Give it or ``rate`` (if both, they must agree).
    tx, channel, rx, sim
        The sections.
    """

    modulation: ModulationName = "PAM4"
    rate: str | None = None
    f_baud_hz: float | None = None
    tx: TxConfig = field(default_factory=TxConfig)
    channel: ChannelConfig = field(default_factory=ChannelConfig)
    rx: RxConfig = field(default_factory=RxConfig)
    sim: SimConfig = field(default_factory=SimConfig)

    def __post_init__(self):
        self._check_lane()

    def replace(self, **changes) -> LinkConfig:
        """A validated copy with fields replaced; nested ones by dotted name.

        Examples
        --------
        >>> cfg = LinkConfig(rate="448G").replace(**{"modulation": "PAM6", "tx.sndr_db": 30.0})
        >>> round(cfg.f_baud_hz / 1e9, 3), cfg.tx.sndr_db
        (170.0, 30.0)

        Changing ``modulation`` keeps the rate preset (the baud follows it); giving
        ``f_baud_hz`` alone drops the preset.
        """
        data = config_to_mapping(self)
        link = data["link"]
        if "f_baud_hz" in changes and "rate" not in changes:
            link.pop("rate", None)
        if ("rate" in changes or "modulation" in changes) and "f_baud_hz" not in changes:
            link.pop("f_baud_hz", None)
        for key, value in changes.items():
            section, _, name = key.rpartition(".")
            if section:
                data.setdefault(section, {})[name] = to_mapping(value)
            elif key in _SECTIONS:
                data[key] = to_mapping(value)
            else:
                link[key] = to_mapping(value)
        return config_from_mapping(data)


_SECTIONS = ("link", "tx", "channel", "rx", "sim")


def config_from_mapping(data: dict, source: str | None = None) -> LinkConfig:
    """Build a :class:`LinkConfig` from the tables of a config file.

    Parameters
    ----------
    data : dict
        ``{"link": {...}, "tx": {...}, "channel": {...}, "rx": {...}, "sim": {...}}``; every
        table is optional.
    source : str, optional
        File name for error messages.
    """
    try:
        reject_unknown(data, _SECTIONS, "")
        link = data.get("link", {})
        if not isinstance(link, dict):
            raise ConfigError("link", link, "a table [link]")
        reject_unknown(link, ("modulation", "rate", "f_baud_hz"), "link")
        merged = {**{k: v for k, v in data.items() if k != "link"}, **link}
        return from_mapping(LinkConfig, merged, "")
    except ConfigError as err:
        if err.key in ("modulation", "rate", "f_baud_hz"):
            err = ConfigError("link." + err.key, err.value, err.expected)
        raise err.at(None, source) from None


def load_config(path: str | Path) -> LinkConfig:
    """Read a link config from a TOML file.

    Raises
    ------
    ConfigError
        If the file is missing, is not valid TOML, or holds a bad key or value; the message
        names the file.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError("file", str(path), "an existing TOML config file") from None
    except (IsADirectoryError, PermissionError, UnicodeDecodeError) as exc:
        raise ConfigError("file", str(path), f"a readable UTF-8 TOML file ({exc})") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError("toml", str(path), f"valid TOML ({exc})") from None
    cfg = config_from_mapping(data, source=str(path))
    return _resolve_paths(cfg, path.parent)


def _resolve_paths(cfg: LinkConfig, base: Path) -> LinkConfig:
    """Make the config's relative Touchstone paths relative to ``base`` (the config's folder)."""

    def fix(path: str | None) -> str | None:
        if path is None or Path(path).is_absolute():
            return path
        return str(base / path)

    segments = tuple(
        dataclasses.replace(seg, path=fix(seg.path)) if isinstance(seg, TouchstoneSegment) else seg
        for seg in cfg.channel.segments
    )
    aggressors = tuple(
        dataclasses.replace(a, touchstone=fix(a.touchstone)) for a in cfg.channel.aggressors
    )
    channel = dataclasses.replace(cfg.channel, segments=segments, aggressors=aggressors)
    return dataclasses.replace(cfg, channel=channel)


def config_to_mapping(cfg: LinkConfig) -> dict:
    """The TOML tables of ``cfg`` (inverse of :func:`config_from_mapping`)."""
    flat = to_mapping(cfg)
    link = {k: flat.pop(k) for k in ("modulation", "rate", "f_baud_hz") if k in flat}
    if "rate" in link:
        link.pop("f_baud_hz", None)
    return {"link": link, **flat}


def dumps_config(cfg: LinkConfig) -> str:
    """TOML text of ``cfg``; ``load_config`` of it gives back an equal config."""
    return tomli_w.dumps(config_to_mapping(cfg))


def save_config(cfg: LinkConfig, path: str | Path) -> None:
    """Write ``cfg`` as TOML (atomically: a temporary file renamed into place)."""
    from .store import write_text_atomic

    write_text_atomic(Path(path), dumps_config(cfg))
