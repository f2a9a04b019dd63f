"""Lines given by the IEEE Annex 93A propagation constant: package traces and board-trace presets.

IEEE 802.3 Annex 93A (93A-9 … 93A-14) and the OIF CEI-224G framework describe a line by a causal
per-millimetre propagation constant, with ``f`` in GHz,

    γ(f) = γ0 + a1·(1 + j)·√f + f·[a2·(1 − j·(2/π)·ln f) + j·2π·τ]

and a real characteristic impedance Zc. The (1 + j)√f and f(1 − j(2/π)ln f) pairs are
Hilbert-consistent (skin effect, and a dielectric loss growing as f), so the loss is causal.

`GammaLine` realises it as a `TransmissionLine` with ``Z' = γ·Zc`` and ``Y' = γ/Zc`` per metre, so
that ``sqrt(Z'Y') = γ`` and ``sqrt(Z'/Y') = Zc`` exactly; the base class builds the section.
REFERENCE.md §4.2 and §4.5 give the coefficient sets used by the presets here.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .line import TransmissionLine

__all__ = [
    "GammaLine",
    "com_package_line",
    "oif_224g_board",
    "oif_224g_package_line",
]

_MM_PER_M = 1000.0


@dataclass(frozen=True)
class GammaLine(TransmissionLine):
    """A line with the Annex 93A propagation constant and a real characteristic impedance.

    Parameters
    ----------
    zc_ohm : float
        Characteristic impedance in Ω (differential for a differential pair, as the standard
        tabulates it: 87.5 / 92.5 Ω package segments, 100 Ω board).
    gamma0_per_mm : float
        Frequency-independent attenuation γ0 in 1/mm (Np/mm), ≥ 0.
    a1_sqrt_ns_per_mm : float
        Skin-effect coefficient a1 in √ns/mm, ≥ 0.
    a2_ns_per_mm : float
        Dielectric-loss coefficient a2 in ns/mm, ≥ 0.
    tau_ns_per_mm : float
        Delay τ in ns/mm, > 0.

    Raises
    ------
    ValueError
        If a field is out of range; the message names the field.

    Notes
    -----
    At f = 0 the f·ln f term vanishes (its limit is 0), so γ(0) = γ0: a line with γ0 > 0 has a
    DC series resistance γ0·Zc and shunt conductance γ0/Zc per unit length, as the standard's
    s-parameter formulas (93A-12, 93A-13) imply at DC.

    Examples
    --------
    >>> line = com_package_line(87.5)
    >>> round(float(line.loss_db_per_m(53.125e9)) / 1000, 3)  # dB/mm
    0.153
    """

    zc_ohm: float
    gamma0_per_mm: float
    a1_sqrt_ns_per_mm: float
    a2_ns_per_mm: float
    tau_ns_per_mm: float

    def __post_init__(self):
        if not (np.isfinite(self.zc_ohm) and self.zc_ohm > 0):
            raise ValueError(f"zc_ohm = {self.zc_ohm!r}: expected a positive impedance in Ω")
        for name in ("gamma0_per_mm", "a1_sqrt_ns_per_mm", "a2_ns_per_mm"):
            v = getattr(self, name)
            if not (np.isfinite(v) and v >= 0):
                raise ValueError(f"{name} = {v!r}: expected a finite value ≥ 0")
        if not (np.isfinite(self.tau_ns_per_mm) and self.tau_ns_per_mm > 0):
            raise ValueError(f"tau_ns_per_mm = {self.tau_ns_per_mm!r}: expected a delay > 0 ns/mm")

    def gamma_per_mm(self, f_hz) -> np.ndarray:
        """γ(f) of 93A-9…14 in 1/mm (real part Np/mm, imaginary part rad/mm).

        Parameters
        ----------
        f_hz : array_like
            Frequencies in Hz, ≥ 0.

        Returns
        -------
        ndarray, complex, shape of ``f_hz``
        """
        f = np.asarray(f_hz, dtype=float) / 1e9
        pos = f > 0
        # f·ln f → 0 as f → 0; evaluate the log only where it is defined
        f_ln_f = np.where(pos, f * np.log(np.where(pos, f, 1.0)), 0.0)
        return (
            self.gamma0_per_mm
            + self.a1_sqrt_ns_per_mm * (1 + 1j) * np.sqrt(f)
            + self.a2_ns_per_mm * (f - 1j * (2 / np.pi) * f_ln_f)
            + 2j * np.pi * self.tau_ns_per_mm * f
        )

    def gamma(self, f_hz) -> np.ndarray:
        """γ(f) per metre; exact (no square-root branch), see `gamma_per_mm`."""
        return self.gamma_per_mm(f_hz) * _MM_PER_M

    def z0(self, f_hz) -> np.ndarray:
        """Characteristic impedance: ``zc_ohm`` at every frequency (complex array)."""
        return np.full(np.shape(f_hz), self.zc_ohm, dtype=complex)

    def series_impedance(self, f_hz) -> np.ndarray:
        """Z' = γ·Zc in Ω/m."""
        return self.gamma(f_hz) * self.zc_ohm

    def shunt_admittance(self, f_hz) -> np.ndarray:
        """Y' = γ/Zc in S/m."""
        return self.gamma(f_hz) / self.zc_ohm


def oif_224g_board(zc_ohm: float = 100.0) -> GammaLine:
    """OIF CEI-224G "starting point" host-board trace (Megtron-7 class, HVLP copper).

    Source: OIF-FD-CEI-224G-01.0 [S7], REFERENCE.md §4.2: γ0 = 0, a1 = 5.677e-4 √ns/mm,
    a2 = 2.904e-5 ns/mm, τ = 5.8e-3 ns/mm, Zc = 100 Ω; 0.82 / 1.25 / 1.97 dB/in at
    26.56 / 53.1 / 106.25 GHz [M].

    Parameters
    ----------
    zc_ohm : float, default 100.0
        Differential characteristic impedance in Ω.

    Returns
    -------
    GammaLine

    Examples
    --------
    >>> round(float(oif_224g_board().loss_db_per_m(53.125e9)) * 0.0254, 2)  # dB/in
    1.25
    """
    return GammaLine(zc_ohm, 0.0, 5.677e-4, 2.904e-5, 5.8e-3)


def com_package_line(zc_ohm: float = 87.5) -> GammaLine:
    """The COM package trace of 802.3by / 802.3dj (and 802.3dj D3.3 class A).

    Source: PyChOpMarg `config/ieee_8023dj.py` and `ieee_8023dj_d3p3.py` [S8], REFERENCE.md §4.5
    and §5.4: γ0 = 5e-4 /mm, a1 = 8.9e-4 √ns/mm, a2 = 2e-4 ns/mm, τ = 6.141e-3 ns/mm;
    0.090 / 0.153 / 0.269 dB/mm at 26.56 / 53.1 / 106.25 GHz [M].

    Parameters
    ----------
    zc_ohm : float, default 87.5
        Differential characteristic impedance in Ω (87.5 for z_p, 92.5 for z_pB).

    Returns
    -------
    GammaLine
    """
    return GammaLine(zc_ohm, 5e-4, 8.9e-4, 2e-4, 6.141e-3)


def oif_224g_package_line(zc_ohm: float = 87.5) -> GammaLine:
    """OIF CEI-224G "starting point" package trace.

    Source: OIF-FD-CEI-224G-01.0 [S7], REFERENCE.md §4.5: γ0 = 0, a1 = 6.44085e-4 √ns/mm,
    a2 = 1.8018e-4 ns/mm, τ = 5.7e-3 ns/mm, Zc = 87.5 / 92.5 Ω; 0.070 / 0.124 / 0.224 dB/mm at
    26.56 / 53.1 / 106.25 GHz [M].

    Parameters
    ----------
    zc_ohm : float, default 87.5
        Differential characteristic impedance in Ω.

    Returns
    -------
    GammaLine
    """
    return GammaLine(zc_ohm, 0.0, 6.44085e-4, 1.8018e-4, 5.7e-3)
