"""The optical engine's device physics: transfer functions, the modulators' static transfer,
and the noise densities at the photodiode.

Electrical blocks are transfer functions of frequency (as :mod:`sigint.filters`); the
modulators map drive volts to the optical field; the photodiode is the square law
I = R·|E|² + I_dark. Noise, as one-sided current densities at the photodiode (A²/Hz):

- RIN: RIN · OMA² · R² (IEEE RIN_xOMA, ``rin_reference = "oma"``) or RIN · P_avg² · R²;
- shot: 2·q·I (signal-dependent; its mean over levels for the linearised engine);
- thermal: the TIA's input-referred i_n² .
"""

from __future__ import annotations

import math

import numpy as np

from .. import filters
from ..units import db_to_lin_amplitude, db_to_lin_power
from .config import (
    DriverConfig,
    LaserConfig,
    ModulatorConfig,
    PhotodiodeConfig,
    TiaConfig,
)

ELECTRON_CHARGE_C = 1.602176634e-19


def butterworth2(f_hz, f3db_hz: float):
    """2nd-order Butterworth low-pass, −3 dB at ``f3db_hz``."""
    x = np.asarray(f_hz, dtype=float) / f3db_hz
    return 1.0 / (1.0 - x**2 + 1j * math.sqrt(2.0) * x)


def single_pole(f_hz, f3db_hz: float):
    """1st-order (RC) low-pass, −3 dB at ``f3db_hz``."""
    return 1.0 / (1.0 + 1j * np.asarray(f_hz, dtype=float) / f3db_hz)


def driver_response(f_hz, cfg: DriverConfig):
    """Driver: gain × 2nd-order Butterworth × optional peaking (zero below a pole at the band).

    The peaking stage (1 + jf/f_z)/(1 + jf/f_p) with f_p = bandwidth and f_z = f_p / 10^(pk/20)
    rises by ``peaking_db`` towards the band edge.
    """
    h = db_to_lin_amplitude(cfg.gain_db) * butterworth2(f_hz, cfg.bandwidth_hz)
    if cfg.peaking_db > 0:
        f_p = cfg.bandwidth_hz
        f_z = f_p / float(db_to_lin_amplitude(cfg.peaking_db))
        h = h * filters.pole_zero(f_hz, 0.0, (f_z,), (f_p,))
    return h


def modulator_response(f_hz, cfg: ModulatorConfig):
    """The modulator's electro-optic roll-off of the drive (1st order at its bandwidth)."""
    return single_pole(f_hz, cfg.bandwidth_hz)


def photodiode_response(f_hz, cfg: PhotodiodeConfig):
    """Photodiode: responsivity × 1st-order roll-off (A per W)."""
    return cfg.responsivity_a_w * single_pole(f_hz, cfg.bandwidth_hz)


def tia_response(f_hz, cfg: TiaConfig):
    """TIA: transimpedance × 2nd-order Butterworth (V per A)."""
    return cfg.transimpedance_ohm * butterworth2(f_hz, cfg.bandwidth_hz)


def soft_limit(v, swing_vppd: float | None):
    """Saturating output ``(swing/2)·tanh(v/(swing/2))`` (identity for None)."""
    if swing_vppd is None:
        return v
    half = swing_vppd / 2.0
    return half * np.tanh(np.asarray(v) / half)


def modulator_field(v, cfg: ModulatorConfig, power_in_w: float) -> np.ndarray:
    """Optical field (√W) out of the modulator for drive volts ``v`` (not counting its bias).

    MZM: E = √(P_in·IL)·sin(π/2·(V_bias + v)/Vπ), real (push-pull, chirp-free). EML: power
    P_in·IL·(1 + m·v/(V_pp/2))/(1 + m) with m = (er − 1)/(er + 1), floored at 0, and field
    √P·exp(j·(α/2)·ln P).
    """
    v = np.asarray(v, dtype=float)
    il = float(db_to_lin_power(-cfg.insertion_loss_db))
    if cfg.kind == "mzm":
        return math.sqrt(power_in_w * il) * np.sin(0.5 * np.pi * (cfg.bias + v) / cfg.vpi_v)
    p = eml_power(v, cfg, power_in_w)
    if cfg.chirp_alpha == 0:
        return np.sqrt(p)
    with np.errstate(divide="ignore"):
        phase = 0.5 * cfg.chirp_alpha * np.log(np.maximum(p, 1e-30 * power_in_w))
    return np.sqrt(p) * np.exp(1j * phase)


def eml_power(v, cfg: ModulatorConfig, power_in_w: float) -> np.ndarray:
    """EML output power for drive ``v``: linear between its ER levels at ±V_pp/2, ≥ 0."""
    il = float(db_to_lin_power(-cfg.insertion_loss_db))
    er = float(db_to_lin_power(cfg.extinction_ratio_db))
    m = (er - 1.0) / (er + 1.0)
    p_high = power_in_w * il
    p = p_high * (1.0 + m * np.asarray(v, float) / (cfg.drive_vpp / 2.0)) / (1.0 + m)
    return np.maximum(p, 0.0)


def modulator_power(v, cfg: ModulatorConfig, power_in_w: float) -> np.ndarray:
    """Static power transfer P(v) = |E(v)|² of :func:`modulator_field`."""
    return np.abs(modulator_field(v, cfg, power_in_w)) ** 2


def modulator_slope_w_per_v(cfg: ModulatorConfig, power_in_w: float, v0: float = 0.0) -> float:
    """Small-signal slope dP/dv at drive ``v0`` (W per V).

    MZM: P_in·IL·(π/(2Vπ))·sin(π·(V_bias + v0)/Vπ), which at quadrature is π·P_in·IL/(2Vπ).
    EML: P_in·IL·m/((1 + m)·V_pp/2) inside its linear range.
    """
    il = float(db_to_lin_power(-cfg.insertion_loss_db))
    if cfg.kind == "mzm":
        x = np.pi * (cfg.bias + v0) / cfg.vpi_v
        return power_in_w * il * np.pi / (2.0 * cfg.vpi_v) * math.sin(x)
    er = float(db_to_lin_power(cfg.extinction_ratio_db))
    m = (er - 1.0) / (er + 1.0)
    return power_in_w * il * m / ((1.0 + m) * cfg.drive_vpp / 2.0)


def rin_density_a2_hz(
    laser: LaserConfig, responsivity_a_w: float, oma_w: float, p_avg_w: float
) -> float:
    """One-sided RIN current density at the photodiode, A²/Hz, for the received OMA and
    average power (IEEE RIN_xOMA: RIN·(R·OMA)²; or RIN·(R·P_avg)²)."""
    ref = oma_w if laser.rin_reference == "oma" else p_avg_w
    return float(db_to_lin_power(laser.rin_db_hz)) * (responsivity_a_w * ref) ** 2


def shot_density_a2_hz(current_a) -> np.ndarray:
    """One-sided shot-noise density 2·q·I, A²/Hz."""
    return 2.0 * ELECTRON_CHARGE_C * np.asarray(current_a, dtype=float)


def thermal_density_a2_hz(tia: TiaConfig) -> float:
    """One-sided TIA input-referred noise density i_n², A²/Hz."""
    return tia.noise_density_a_rthz**2


def noise_bandwidth_hz(h_f: np.ndarray, f_hz: np.ndarray) -> float:
    """Equivalent noise bandwidth ∫|H|²df / |H(0)|² of a response on a uniform rfft grid."""
    df = f_hz[1] - f_hz[0]
    g = np.abs(h_f) ** 2
    return float((np.sum(g) - 0.5 * g[0]) * df / g[0])
