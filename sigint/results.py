"""What a time-domain run returns: counts, rates with intervals, SNR, eye, and provenance."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ._version import __version__
from .config import LinkConfig, config_to_mapping, dumps_config
from .eye import EyeDiagram
from .pulse import PulseResponse
from .store import json_ready, make_readable
from .theory import clopper_pearson
from .units import lin_power_to_db


@dataclass(frozen=True)
class LinkResult:
    """The measured figures of one simulated link.

    Attributes
    ----------
    config : LinkConfig
        The config that was run (its ``sim.seed`` reproduces every bit).
    version : str
        sigint version.
    resolved : dict
        Settings derived when the link was built (baud, rise time, Rx bandwidth, delay, IL).
    n_symbols, n_bits : int
        Symbols and bits counted (after the warm-up).
    symbol_errors, bit_errors : int
    ser, ber : float
    ser_ci, ber_ci : tuple of float
        95 % Clopper–Pearson intervals.
    snr_db : float
        Slicer SNR: variance of the level means over the mean within-level variance, after
        the DFE (what the AWGN formulas call mean symbol power over noise power).
    level_means_v, level_sigmas_v : ndarray
        Per transmitted level, at the slicer, V.
    eye : EyeDiagram or None
    eye_heights_v, eye_widths_ui : ndarray or None
        Per eye at ``config.sim.eye_probability``.
    dfe_taps : ndarray
        Final DFE taps relative to the main cursor.
    pulse : PulseResponse
    main_cursor_v : float
        Slicer amplitude of the outer level, V.
    noise_sigma_v, tx_noise_sigma_v : float
        Predicted RMS Rx noise at the slicer, and Tx noise per symbol, V.
    elapsed_s, symbols_per_s : float
        Wall time of the run (link preparation included) and throughput.
    channel_notes : tuple of TouchstoneInfo
        How each Touchstone block was read and cleaned up.
    waveform : ndarray or None
        The first ``sim.capture_ui`` UIs of slicer waveform after the warm-up, float64[n, S]
        (row k centred on its sampling instant; the DFE feedback not subtracted).
    ffe_taps : ndarray or None
        Final Rx FFE taps when the FFE ran in the DSP (normalised units).
    tap_trace : ndarray or None
        Adaptive equaliser taps [FFE..., DFE...] every ``sim.tap_trace_every`` symbols (once
        per chunk with a CDR), then the CTLE's linear g when it adapts.
    ctle_g_dc_db : float or None
        The adapted CTLE g_DC, dB (None when it did not adapt).
    cdr_report : CDRReport or None
        With clock recovery: the recovered frequency error, phase error, cycle slips, when lock
        was gained and lost, and the verdict ("locked" / "NOT locked: …").
    """

    config: LinkConfig
    version: str
    resolved: dict
    n_symbols: int
    n_bits: int
    symbol_errors: int
    bit_errors: int
    ser: float
    ser_ci: tuple[float, float]
    ber: float
    ber_ci: tuple[float, float]
    snr_db: float
    level_means_v: np.ndarray
    level_sigmas_v: np.ndarray
    eye: EyeDiagram | None
    eye_heights_v: np.ndarray | None
    eye_widths_ui: np.ndarray | None
    dfe_taps: np.ndarray
    pulse: PulseResponse
    main_cursor_v: float
    noise_sigma_v: float
    tx_noise_sigma_v: float
    elapsed_s: float
    symbols_per_s: float
    channel_notes: tuple = ()
    waveform: np.ndarray | None = None
    ffe_taps: np.ndarray | None = None
    tap_trace: np.ndarray | None = None
    cdr_report: object | None = None
    ctle_g_dc_db: float | None = None

    @classmethod
    def build(
        cls,
        link,
        n_symbols,
        symbol_errors,
        bit_errors,
        level_counts,
        level_sums,
        level_sumsq,
        scale_v,
        eye,
        dfe_taps,
        elapsed_s,
        waveform=None,
        ffe_taps=None,
        tap_trace=None,
        cdr_report=None,
        ctle_g_dc_db=None,
    ) -> LinkResult:
        """Assemble a result from the engine's accumulators (normalised slicer units)."""
        cfg = link.cfg
        mod = link.modulation
        n_bits = round(n_symbols * mod.bits_per_symbol)
        counts = np.maximum(level_counts, 1)
        means = level_sums / counts
        var = np.maximum(level_sumsq / counts - means**2, 0.0)
        p = level_counts / max(level_counts.sum(), 1)
        signal = float(np.sum(p * (means - np.sum(p * means)) ** 2))
        noise = float(np.sum(p * var))
        snr_db = float(lin_power_to_db(signal / noise)) if noise > 0 else float("inf")
        prob = cfg.sim.eye_probability
        r = link.resolved
        return cls(
            config=cfg,
            version=__version__,
            resolved={
                "f_baud_hz": r.f_baud_hz,
                "ui_s": r.ui_s,
                "rise_time_s": r.rise_time_s,
                "rx_bandwidth_hz": r.rx_bandwidth_hz,
                "channel_delay_s": r.channel_delay_s,
                "il_nyquist_db": r.il_nyquist_db,
                "window_ui": r.window_ui,
                "pulse_span_ui": link.pulse.n_ui,
                "pulse_pre_ui": link.pulse.pre_ui,
                "pulse_truncated_isi_rms": link.pulse.truncated_isi_rms,
                "pulse_truncated_dc_fraction": link.pulse.truncated_dc_fraction,
                "line_rate_bps": r.f_baud_hz * mod.bits_per_symbol,
            },
            n_symbols=int(n_symbols),
            n_bits=n_bits,
            symbol_errors=int(symbol_errors),
            bit_errors=int(bit_errors),
            ser=symbol_errors / n_symbols if n_symbols else float("nan"),
            ser_ci=clopper_pearson(symbol_errors, n_symbols) if n_symbols else (0.0, 1.0),
            ber=bit_errors / n_bits if n_bits else float("nan"),
            ber_ci=clopper_pearson(bit_errors, n_bits) if n_bits else (0.0, 1.0),
            snr_db=snr_db,
            level_means_v=means * scale_v,
            level_sigmas_v=np.sqrt(var) * abs(scale_v),
            eye=eye,
            eye_heights_v=eye.heights_v(prob) if eye is not None else None,
            eye_widths_ui=eye.widths_ui(prob) if eye is not None else None,
            dfe_taps=np.asarray(dfe_taps),
            pulse=link.pulse,
            main_cursor_v=float(scale_v),
            noise_sigma_v=link.noise_sigma_v(),
            tx_noise_sigma_v=link.tx_noise_sigma_v(),
            elapsed_s=float(elapsed_s),
            symbols_per_s=cfg.sim.n_symbols / elapsed_s if elapsed_s > 0 else float("nan"),
            channel_notes=tuple(link.channel_notes),
            waveform=waveform,
            ffe_taps=ffe_taps if cfg.rx.ffe_in_dsp else None,
            tap_trace=tap_trace,
            cdr_report=cdr_report,
            ctle_g_dc_db=ctle_g_dc_db,
        )

    @property
    def label(self) -> str:
        """Short name: rate and modulation, e.g. ``"224G PAM4 (106.25 GBd)"``."""
        cfg = self.config
        rate = f"{cfg.rate} " if cfg.rate else ""
        return f"{rate}{cfg.modulation} ({cfg.f_baud_hz / 1e9:.2f} GBd)"

    def to_dict(self) -> dict:
        """JSON-ready summary: figures, config, seed and version (no large arrays)."""

        def arr(x):
            return None if x is None else [float(v) for v in np.asarray(x)]

        return {
            "sigint_version": self.version,
            "seed": self.config.sim.seed,
            "label": self.label,
            "config": config_to_mapping(self.config),
            "resolved": self.resolved,
            "n_symbols": self.n_symbols,
            "n_bits": self.n_bits,
            "symbol_errors": self.symbol_errors,
            "bit_errors": self.bit_errors,
            "ser": self.ser,
            "ser_ci95": list(self.ser_ci),
            "ber": self.ber,
            "ber_ci95": list(self.ber_ci),
            "snr_db": self.snr_db,
            "eye_probability": self.config.sim.eye_probability,
            "eye_heights_v": arr(self.eye_heights_v),
            "eye_widths_ui": arr(self.eye_widths_ui),
            "level_means_v": arr(self.level_means_v),
            "level_sigmas_v": arr(self.level_sigmas_v),
            "main_cursor_v": self.main_cursor_v,
            "noise_sigma_v": self.noise_sigma_v,
            "tx_noise_sigma_v": self.tx_noise_sigma_v,
            "dfe_taps": arr(self.dfe_taps),
            "ffe_taps": arr(self.ffe_taps),
            "ctle_g_dc_db": self.ctle_g_dc_db,
            "elapsed_s": self.elapsed_s,
            "symbols_per_s": self.symbols_per_s,
            "channel_notes": [n.to_dict() for n in self.channel_notes],
            "cdr": None if self.cdr_report is None else _cdr_dict(self.cdr_report),
        }

    def save_hdf5(self, path: str | Path) -> None:
        """Write the eye histogram, pulse response and figures to HDF5 (atomically).

        The file's attributes hold the full config as TOML, the seed and the version.
        """
        import json
        import os
        import tempfile

        import h5py

        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        make_readable(fd)
        os.close(fd)
        try:
            with h5py.File(tmp, "w") as h5:
                h5.attrs["sigint_version"] = self.version
                h5.attrs["seed"] = self.config.sim.seed
                h5.attrs["config_toml"] = dumps_config(self.config)
                h5.attrs["summary_json"] = json.dumps(self.to_dict())
                h5["pulse/samples"] = self.pulse.samples
                h5["pulse"].attrs["samples_per_ui"] = self.pulse.samples_per_ui
                h5["pulse"].attrs["pre_ui"] = self.pulse.pre_ui
                h5["pulse"].attrs["ui_s"] = self.pulse.ui_s
                if self.eye is not None:
                    h5["eye/hist"] = self.eye.hist
                if self.waveform is not None:
                    h5["waveform"] = self.waveform
                    h5["eye"].attrs["v_min"] = self.eye.v_min
                    h5["eye"].attrs["v_max"] = self.eye.v_max
                h5["dfe_taps"] = self.dfe_taps
                if self.tap_trace is not None:
                    h5["tap_trace"] = self.tap_trace
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise


def _cdr_dict(report) -> dict:
    """JSON-ready CDR report with its verdict."""
    import dataclasses

    d = dataclasses.asdict(report)
    d["slip_at"] = list(d["slip_at"])[:100]
    d["verdict"] = report.verdict
    return json_ready(d)
