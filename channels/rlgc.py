"""Causal RLGC model of a differential pair: skin-effect conductor + Djordjevic–Sarkar dielectric.

Conductor: ``Z_int(f) = R_dc·sqrt(1 + j f/f_δ)``. The square root of a function analytic in the
right half s-plane is causal; it tends to ``R_dc`` at DC and to ``R_s·sqrt(f)·(1 + j)`` at high
frequency, i.e. skin-effect resistance ∝ √f together with its equal internal reactance.

Dielectric (Djordjevic–Sarkar wideband Debye, e^{jωt}, ε = ε' − jε''):
``ε_r(f) = ε_∞ + Δε/(m2 − m1)·log10((ω2 + jω)/(ω1 + jω))``, ω_i = 2π·10^{m_i}; Δε and ε_∞ are
solved so that ε'(f_ref) = eps_r and ε''/ε'(f_ref) = tan_delta. The model is Kramers–Kronig
consistent by construction (a continuous sum of causal Debye poles).

Per-metre parameters: ``Z' = Z_int + jωL_ext``, ``Y' = jω·ε_r(f)·C_0`` with
``L_ext = Z_diff·sqrt(eps_r)/c`` and ``C_0 = 1/(Z_diff·c·sqrt(eps_r))`` so that the lossless
limit at f_ref has impedance ``Z_diff`` and phase velocity ``c/sqrt(eps_r)``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sigint.errors import ConfigError
from sigint.units import NEPER_TO_DB, SPEED_OF_LIGHT_M_S

from .line import TransmissionLine

__all__ = ["RLGCLine"]

_GHZ = 1e9


def _ds_shape(f_hz, m1: float, m2: float) -> np.ndarray:
    """Normalized Djordjevic–Sarkar term ``log10((ω2 + jω)/(ω1 + jω))/(m2 − m1)``: 1 at DC, → 0."""
    w = 2.0 * np.pi * np.asarray(f_hz, dtype=float)
    w1 = 2.0 * np.pi * 10.0**m1
    w2 = 2.0 * np.pi * 10.0**m2
    return np.log10((w2 + 1j * w) / (w1 + 1j * w)) / (m2 - m1)


@dataclass(frozen=True)
class RLGCLine(TransmissionLine):
    """Differential pair as one 2-port line: causal skin effect and a causal wideband dielectric.

    Parameters
    ----------
    r_dc_ohm_per_m : float
        DC resistance of the loop (both conductors) per metre, > 0.
    r_skin_ohm_per_m_sqrt_hz : float
        Skin-effect coefficient: the series resistance tends to ``r_skin·sqrt(f_hz)`` at high
        frequency (roughness, proximity and shield return lumped in), > 0.
    eps_r : float
        Real relative permittivity ε' at ``f_ref_hz``, ≥ 1.
    tan_delta : float
        Loss tangent ε''/ε' at ``f_ref_hz``, ≥ 0.
    z_diff_ohm : float, default 100.0
        Differential impedance of the lossless line at ``f_ref_hz``.
    f_ref_hz : float, default 50e9
        Frequency at which ``eps_r`` and ``tan_delta`` hold; within (10^m1, 10^m2) Hz.
    ds_m1, ds_m2 : float, default 3.0, 12.0
        log10 of the lower and upper corner frequencies (Hz) of the Djordjevic–Sarkar model.

    Raises
    ------
    ConfigError
        A ``ValueError`` naming the field, its value and what was expected.

    Examples
    --------
    >>> line = RLGCLine.from_loss_coefficients(0.777, 0.0334, eps_r=1.5, r_dc_ohm_per_m=0.267)
    >>> round(float(line.loss_db_per_m(26.56e9)), 1)
    4.9
    """

    r_dc_ohm_per_m: float
    r_skin_ohm_per_m_sqrt_hz: float
    eps_r: float
    tan_delta: float
    z_diff_ohm: float = 100.0
    f_ref_hz: float = 50e9
    ds_m1: float = 3.0
    ds_m2: float = 12.0

    def __post_init__(self):
        def need(key, ok, expected):
            value = getattr(self, key)
            if not (np.isfinite(value) and ok(value)):
                raise ConfigError(key, value, expected)

        need("r_dc_ohm_per_m", lambda v: v > 0, "a DC loop resistance > 0 Ω/m")
        need("r_skin_ohm_per_m_sqrt_hz", lambda v: v > 0, "a skin coefficient > 0 Ω/m/√Hz")
        need("eps_r", lambda v: v >= 1, "a relative permittivity ≥ 1")
        need("tan_delta", lambda v: 0 <= v < 1, "a loss tangent in [0, 1)")
        need("z_diff_ohm", lambda v: v > 0, "an impedance > 0 Ω")
        need("ds_m1", lambda v: True, "a finite log10 frequency")
        need("ds_m2", lambda v: v > self.ds_m1, f"a log10 frequency > ds_m1 = {self.ds_m1}")
        need(
            "f_ref_hz",
            lambda v: 10.0**self.ds_m1 < v < 10.0**self.ds_m2,
            f"a frequency between 10**ds_m1 = {10.0**self.ds_m1:g} and "
            f"10**ds_m2 = {10.0**self.ds_m2:g} Hz",
        )
        if self.eps_inf < 1.0:
            raise ConfigError(
                "tan_delta",
                self.tan_delta,
                f"a loss small enough that ε_∞ ≥ 1 (ε_∞ = {self.eps_inf:.4g})",
            )

    # ------------------------------------------------------------------ construction
    @classmethod
    def from_loss_coefficients(
        cls,
        k_c_db_per_m_sqrt_ghz: float,
        k_d_db_per_m_ghz: float,
        eps_r: float,
        r_dc_ohm_per_m: float,
        z_diff_ohm: float = 100.0,
        f_ref_hz: float = 50e9,
    ) -> RLGCLine:
        """Calibrate to the loss law ``α(f) ≈ k_c·sqrt(f_GHz) + k_d·f_GHz`` dB/m.

        Parameters
        ----------
        k_c_db_per_m_sqrt_ghz : float
            Conductor coefficient, dB/m/√GHz: ``α_c = 8.686·R(f)/(2·Z_diff)``.
        k_d_db_per_m_ghz : float
            Dielectric coefficient, dB/m/GHz: ``α_d = 8.686·π·f·sqrt(eps_r)·tanδ/c``.
        eps_r : float
            Relative permittivity at ``f_ref_hz``.
        r_dc_ohm_per_m : float
            DC loop resistance, Ω/m.
        z_diff_ohm : float, default 100.0
            Differential impedance.
        f_ref_hz : float, default 50e9
            Frequency at which ``eps_r`` and the derived tanδ hold.

        Returns
        -------
        RLGCLine
        """
        if not k_c_db_per_m_sqrt_ghz > 0:
            raise ConfigError("k_c_db_per_m_sqrt_ghz", k_c_db_per_m_sqrt_ghz, "> 0")
        if not k_d_db_per_m_ghz >= 0:
            raise ConfigError("k_d_db_per_m_ghz", k_d_db_per_m_ghz, "≥ 0")
        if not eps_r >= 1:
            raise ConfigError("eps_r", eps_r, "a relative permittivity ≥ 1")
        r_skin = k_c_db_per_m_sqrt_ghz * 2.0 * z_diff_ohm / (NEPER_TO_DB * np.sqrt(_GHZ))
        tan_delta = (
            k_d_db_per_m_ghz * SPEED_OF_LIGHT_M_S / (NEPER_TO_DB * np.pi * np.sqrt(eps_r) * _GHZ)
        )
        return cls(
            r_dc_ohm_per_m=float(r_dc_ohm_per_m),
            r_skin_ohm_per_m_sqrt_hz=float(r_skin),
            eps_r=float(eps_r),
            tan_delta=float(tan_delta),
            z_diff_ohm=float(z_diff_ohm),
            f_ref_hz=float(f_ref_hz),
        )

    # ------------------------------------------------------------------ derived constants
    @property
    def f_skin_hz(self) -> float:
        """Corner f_δ of ``sqrt(1 + j f/f_δ)``: ``R_dc²/(2·r_skin²)``, where skin effect sets in."""
        return self.r_dc_ohm_per_m**2 / (2.0 * self.r_skin_ohm_per_m_sqrt_hz**2)

    @property
    def l_ext_h_per_m(self) -> float:
        """External (high-frequency) inductance per metre, ``Z_diff·sqrt(eps_r)/c``."""
        return self.z_diff_ohm * np.sqrt(self.eps_r) / SPEED_OF_LIGHT_M_S

    @property
    def c0_f_per_m(self) -> float:
        """Vacuum-filled capacitance per metre ``C_0``, so that ``C(f_ref) = eps_r·C_0``."""
        return 1.0 / (self.z_diff_ohm * SPEED_OF_LIGHT_M_S * np.sqrt(self.eps_r))

    @property
    def delta_eps(self) -> float:
        """Djordjevic–Sarkar Δε = ε(0) − ε_∞ (> 0 for a lossy dielectric)."""
        shape = _ds_shape(self.f_ref_hz, self.ds_m1, self.ds_m2)
        return float(-self.eps_r * self.tan_delta / shape.imag)

    @property
    def eps_inf(self) -> float:
        """Djordjevic–Sarkar high-frequency permittivity ε_∞."""
        shape = _ds_shape(self.f_ref_hz, self.ds_m1, self.ds_m2)
        return float(self.eps_r - self.delta_eps * shape.real)

    @property
    def front_delay_s_per_m(self) -> float:
        """Delay of the signal front per metre, ``sqrt(L_ext·C_0·ε_∞)``: nothing arrives earlier."""
        return float(np.sqrt(self.l_ext_h_per_m * self.c0_f_per_m * self.eps_inf))

    # ------------------------------------------------------------------ frequency functions
    def permittivity(self, f_hz) -> np.ndarray:
        """Complex relative permittivity ``ε' − jε''`` of the Djordjevic–Sarkar model.

        Parameters
        ----------
        f_hz : array_like
            Frequencies in Hz.

        Returns
        -------
        ndarray, complex
        """
        return self.eps_inf + self.delta_eps * _ds_shape(f_hz, self.ds_m1, self.ds_m2)

    def internal_impedance(self, f_hz) -> np.ndarray:
        """Causal conductor impedance ``R_dc·sqrt(1 + j f/f_δ)`` per metre, Ω/m.

        Parameters
        ----------
        f_hz : array_like
            Frequencies in Hz.

        Returns
        -------
        ndarray, complex
        """
        f = np.asarray(f_hz, dtype=float)
        return self.r_dc_ohm_per_m * np.sqrt(1.0 + 1j * f / self.f_skin_hz)

    def series_impedance(self, f_hz) -> np.ndarray:
        """Series impedance per metre ``Z_int + jωL_ext``, Ω/m.

        Parameters
        ----------
        f_hz : array_like
            Frequencies in Hz.

        Returns
        -------
        ndarray, complex
        """
        w = 2.0 * np.pi * np.asarray(f_hz, dtype=float)
        return self.internal_impedance(f_hz) + 1j * w * self.l_ext_h_per_m

    def shunt_admittance(self, f_hz) -> np.ndarray:
        """Shunt admittance per metre ``jω·ε_r(f)·C_0``, S/m (its real part is G = ωε''C_0).

        Parameters
        ----------
        f_hz : array_like
            Frequencies in Hz.

        Returns
        -------
        ndarray, complex
        """
        w = 2.0 * np.pi * np.asarray(f_hz, dtype=float)
        return 1j * w * self.permittivity(f_hz) * self.c0_f_per_m
