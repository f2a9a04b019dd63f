"""Uniform transmission lines: subclasses give per-metre Z' and Y'; the base builds the 2-port.

Like ``skrf.media.Media``, a line model states only its distributed parameters; propagation
constant, characteristic impedance and the S-parameters of a section follow here, once.
"""

from __future__ import annotations

from abc import ABC, abstractmethod

import numpy as np

from sigint.units import NEPER_TO_DB

from .network import Network, abcd_to_s

__all__ = ["TransmissionLine", "sinhc"]


def sinhc(x) -> np.ndarray:
    """``sinh(x)/x`` for complex ``x``, equal to 1 at ``x = 0`` (series used for ``|x| < 1e-4``).

    Parameters
    ----------
    x : array_like, complex

    Returns
    -------
    ndarray, complex
    """
    x = np.asarray(x, dtype=complex)
    small = np.abs(x) < 1e-4
    safe = np.where(small, 1.0, x)
    # 1 + x²/6 + x⁴/120 is exact to double precision for |x| < 1e-4
    x2 = x * x
    return np.where(small, 1.0 + x2 / 6.0 + x2 * x2 / 120.0, np.sinh(safe) / safe)


class TransmissionLine(ABC):
    """A uniform line defined by its per-metre series impedance Z' and shunt admittance Y'.

    Subclasses implement `series_impedance` and `shunt_admittance`; everything else is derived.
    Sign convention ``e^{jωt}``; waves travel as ``e^{-γz}``.
    """

    @abstractmethod
    def series_impedance(self, f_hz) -> np.ndarray:
        """Series impedance per metre Z' = R + jωL in Ω/m, complex, shape of ``f_hz``."""

    @abstractmethod
    def shunt_admittance(self, f_hz) -> np.ndarray:
        """Shunt admittance per metre Y' = G + jωC in S/m, complex, shape of ``f_hz``."""

    def gamma(self, f_hz) -> np.ndarray:
        """Propagation constant γ = α + jβ = sqrt(Z'Y') per metre, the root with Re γ ≥ 0.

        Parameters
        ----------
        f_hz : array_like
            Frequencies in Hz.

        Returns
        -------
        ndarray, complex
            α in Np/m (real part) and β in rad/m (imaginary part).
        """
        g = np.sqrt(self.series_impedance(f_hz) * self.shunt_admittance(f_hz))
        return np.where(g.real < 0, -g, g)

    def z0(self, f_hz) -> np.ndarray:
        """Characteristic impedance sqrt(Z'/Y') in Ω (infinite where Y' = 0, e.g. at DC).

        Parameters
        ----------
        f_hz : array_like
            Frequencies in Hz.

        Returns
        -------
        ndarray, complex
        """
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = self.series_impedance(f_hz) / self.shunt_admittance(f_hz)
        return np.where(np.isfinite(ratio), np.sqrt(ratio), np.inf)

    def loss_db_per_m(self, f_hz) -> np.ndarray:
        """Matched-line attenuation ``8.686·Re γ`` in dB/m.

        Parameters
        ----------
        f_hz : array_like
            Frequencies in Hz.

        Returns
        -------
        ndarray, float
        """
        return NEPER_TO_DB * self.gamma(f_hz).real

    def network(self, length_m: float, f_hz, z_ref_ohm: float = 100.0) -> Network:
        """S-parameters of a section of this line, both ports referenced to ``z_ref_ohm``.

        Parameters
        ----------
        length_m : float
            Section length in m, ≥ 0. Zero gives exactly the identity (thru).
        f_hz : array_like, shape (nf,)
            Frequencies in Hz, ≥ 0 and increasing; 0 is allowed.
        z_ref_ohm : float, default 100.0
            Port reference impedance.

        Returns
        -------
        Network
            A reciprocal, symmetric 2-port.

        Raises
        ------
        ValueError
            If ``length_m`` is negative or not finite.

        Notes
        -----
        ABCD of the section: ``A = D = cosh(γl)``, ``B = Z'l·sinhc(γl)``, ``C = Y'l·sinhc(γl)``,
        which needs neither Z0 nor 1/γ, so DC (where Y' = 0 and the section is the series
        resistor ``R_dc·l``) is exact. ``AD - BC = 1`` is used as such (S12 = S21): computed, it
        cancels catastrophically once ``|cosh(γl)|`` is large (≈ 1e8 at 160 dB).
        """
        length = float(length_m)
        if not np.isfinite(length) or length < 0:
            raise ValueError(f"length_m = {length_m!r}: expected a finite length ≥ 0")
        f = np.asarray(f_hz, dtype=float)
        zs = self.series_impedance(f) * length
        yp = self.shunt_admittance(f) * length
        gl = self.gamma(f) * length
        sh = sinhc(gl)
        a = np.cosh(gl)
        s = abcd_to_s(a, zs * sh, yp * sh, a, z_ref_ohm, reciprocal=True)
        return Network(f, s, z_ref_ohm)
