"""Fibre: chromatic dispersion on the optical field, attenuation, MMF modal bandwidth.

REFERENCE §6.2. SMF dispersion follows D(λ) = (S0/4)(λ − λ0⁴/λ³); the field envelope sees
H(f) = exp(−j·(β2/2)·(2πf)²·L) with β2 = −D·λ²/(2πc), so a chirp-free intensity modulation
reaches the detector as cos(θ(f)) with θ = π·λ²·D·L·f²/c (the power-fading response), whose
first null is f1 = √(c / (2·|D|·L·λ²)). With transient chirp α the small-signal response is
√(1+α²)·cos(θ + arctan α). Modal dispersion of MMF is incoherent: a Gaussian low-pass of the
power with 3-dB frequency EMB/L.
"""

from __future__ import annotations

import math

import numpy as np

from ..units import SPEED_OF_LIGHT_M_S
from .config import FibreConfig

_PS_NM_KM_TO_S_M2 = 1e-12 / 1e-9 / 1e3  # ps/(nm·km) → s/m²
_MMF_DISPERSION_PS_NM_KM = -100.0  # 850 nm (REFERENCE §6.2)


def dispersion_ps_nm_km(wavelength_m, zero_dispersion_m: float = 1310e-9, slope=0.092):
    """SMF chromatic dispersion D(λ) = (S0/4)(λ − λ0⁴/λ³), ps/(nm·km) (λ in nm inside).

    Examples
    --------
    >>> round(float(dispersion_ps_nm_km(1550e-9, 1310e-9, 0.092)), 2)
    17.46
    """
    lam = np.asarray(wavelength_m, dtype=float) * 1e9
    lam0 = zero_dispersion_m * 1e9
    return slope / 4.0 * (lam - lam0**4 / lam**3)


def fibre_dispersion_ps_nm_km(cfg: FibreConfig, wavelength_m: float) -> float:
    """The fibre's D at the laser's wavelength (configured, or from its kind's model)."""
    if cfg.dispersion_ps_nm_km is not None:
        return float(cfg.dispersion_ps_nm_km)
    if cfg.kind == "mmf":
        return _MMF_DISPERSION_PS_NM_KM
    return float(dispersion_ps_nm_km(wavelength_m, cfg.zero_dispersion_m, cfg.slope_ps_nm2_km))


def dispersion_phase_rad(f_hz, d_ps_nm_km: float, length_m: float, wavelength_m: float):
    """θ(f) = π·λ²·D·L·f²/c, the phase the dispersion puts between a carrier's sidebands."""
    d = d_ps_nm_km * _PS_NM_KM_TO_S_M2
    f = np.asarray(f_hz, dtype=float)
    return np.pi * wavelength_m**2 * d * length_m * f**2 / SPEED_OF_LIGHT_M_S


def field_transfer(f_hz, d_ps_nm_km: float, length_m: float, wavelength_m: float):
    """Dispersion on the complex field envelope, H(f) = exp(j·θ(f)) for signed f (all-pass).

    ``f_hz`` are the envelope's (two-sided) baseband frequencies, as ``np.fft.fftfreq``.
    With this sign, a positive chirp α on positive D moves the power-fading null down
    (:func:`intensity_transfer`), as it does on standard SMF at 1550 nm.
    """
    return np.exp(1j * dispersion_phase_rad(f_hz, d_ps_nm_km, length_m, wavelength_m))


def field_fir(
    d_ps_nm_km: float,
    length_m: float,
    wavelength_m: float,
    dt_s: float,
    cut: float = 1e-4,
) -> tuple[np.ndarray, int]:
    """The dispersion's impulse response on the field sampled at ``dt_s``, band-limited.

    The all-pass :func:`field_transfer` rings forever at the sampling rate's band edge, where
    the field has nothing: it is multiplied by a raised-cosine low-pass flat to 0.2/dt and
    zero from 0.5/dt (the engine's field rate puts the field's spectrum — the drive's,
    widened by the modulator's nonlinearity — inside the flat part), then cut to the run of
    taps above ``cut`` × the largest. Short or low-dispersion fibre gives a few tens of taps;
    the length grows with the group-delay spread λ²·|D|·L·Δf/c.

    Parameters
    ----------
    d_ps_nm_km, length_m, wavelength_m : float
    dt_s : float
        The field's sample interval.
    cut : float

    Returns
    -------
    taps : complex ndarray
        y[i] = Σ_m taps[m]·x[i − m + centre]: ``taps[centre]`` acts at zero delay.
    centre : int

    Examples
    --------
    >>> taps, centre = field_fir(17.0, 1000.0, 1550e-9, 1 / (8 * 112.5e9))
    >>> bool(abs(np.sum(taps) - 1) < 1e-3)  # the all-pass is 1 at DC
    True
    """
    d = abs(d_ps_nm_km) * _PS_NM_KM_TO_S_M2
    spread = wavelength_m**2 * d * length_m / (SPEED_OF_LIGHT_M_S * dt_s**2)  # samples
    n = int(2 ** math.ceil(math.log2(max(4096, 16 * spread))))
    f = np.fft.fftfreq(n, dt_s)
    x = np.clip((np.abs(f) * dt_s - 0.2) / 0.3, 0.0, 1.0)
    window = np.cos(0.5 * np.pi * x) ** 2
    g = np.fft.fftshift(np.fft.ifft(field_transfer(f, d_ps_nm_km, length_m, wavelength_m) * window))
    keep = np.flatnonzero(np.abs(g) >= cut * np.abs(g).max())
    return np.ascontiguousarray(g[keep[0] : keep[-1] + 1]), int(n // 2 - keep[0])


def intensity_transfer(f_hz, d_ps_nm_km: float, length_m: float, wavelength_m: float, alpha=0.0):
    """Small-signal intensity response of dispersion: √(1+α²)·cos(θ + arctan α).

    Exact to first order in the modulation depth; for α = 0 it is the power fading cos θ.
    """
    theta = dispersion_phase_rad(f_hz, d_ps_nm_km, length_m, wavelength_m)
    return math.sqrt(1.0 + alpha**2) * np.cos(theta + math.atan(alpha))


def first_null_hz(d_ps_nm_km: float, length_m: float, wavelength_m: float) -> float:
    """First power-fading null of chirp-free IM/DD, f1 = √(c / (2·|D|·L·λ²)) (inf for D·L = 0).

    Examples
    --------
    >>> round(first_null_hz(17.0, 500.0, 1550e-9) / 1e9)
    86
    """
    d = abs(d_ps_nm_km) * _PS_NM_KM_TO_S_M2
    if d * length_m == 0:
        return math.inf
    return math.sqrt(SPEED_OF_LIGHT_M_S / (2.0 * d * length_m * wavelength_m**2))


def modal_bandwidth_hz(cfg: FibreConfig) -> float:
    """MMF modal 3-dB bandwidth EMB/L (inf for SMF or zero length)."""
    if cfg.kind != "mmf" or cfg.length_m == 0:
        return math.inf
    return cfg.modal_bandwidth_mhz_km * 1e6 / (cfg.length_m / 1e3)


def modal_transfer(f_hz, cfg: FibreConfig):
    """MMF modal response on the power: Gaussian, −3 dB at EMB/L (1 for SMF)."""
    f = np.asarray(f_hz, dtype=float)
    bw = modal_bandwidth_hz(cfg)
    if math.isinf(bw):
        return np.ones(f.shape, complex)
    return np.exp(-math.log(2.0) / 2.0 * (f / bw) ** 2).astype(complex)
