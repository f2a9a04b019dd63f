"""Lumped elements, connectors and vias as differential 2-ports.

Every block here is a physical circuit (lumped L and C, and `GammaLine` sections, whose loss is
causal by construction), so each is passive, reciprocal and causal without enforcement. Element
values are those of the 2-port itself: a shunt capacitance *across* the differential port
(``C_diff = C_leg / 2`` for two legs of ``C_leg`` to ground) and a series inductance in the loop
(``L_diff = 2·L_leg``). `channels.package` converts the per-leg values that IEEE tables give.

Models
------
`Connector`
    A matched (100 Ω) lossy `GammaLine` of the stated delay with one lumped shunt capacitance at
    its middle: the pin-to-pad launch discontinuity, which reflects more as frequency rises.
    The capacitance is sized so that |S11| reaches the stated return loss at the stated
    frequency; the line's dielectric-type loss (a2, loss ∝ f) so that |S21| is −3 dB at the
    stated bandwidth. Below that frequency |S11| rises monotonically (the line loss only damps
    it), so "RL = 10 dB at 85 GHz" also means "RL > 10 dB below 85 GHz".
`Via`
    A short low-impedance (capacitive) barrel section, optionally with an open-ended residual
    stub at its exit (un-back-drilled via), whose dissipation is sized to a stated insertion loss.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
from scipy.optimize import brentq

from .boardline import GammaLine
from .network import Network, abcd_to_s, cascade_list

__all__ = [
    "Connector",
    "Via",
    "design_a_via",
    "next_gen_connector",
    "open_stub",
    "osfp_gen2",
    "series_impedance",
    "series_inductor",
    "shunt_admittance",
    "shunt_capacitor",
]

_TAU_NS_PER_MM = 6.0e-3  # connector body / via barrel: ε_eff ≈ 3.2 (LCP, FR-class laminate)


def _omega(f_hz) -> np.ndarray:
    return 2.0 * np.pi * np.asarray(f_hz, dtype=float)


def shunt_admittance(y_s, f_hz, z_ref_ohm: float = 100.0) -> Network:
    """2-port of an admittance across the line (ABCD ``[[1, 0], [Y, 1]]``).

    Parameters
    ----------
    y_s : array_like, shape (nf,) or scalar, complex
        Admittance in S at each frequency.
    f_hz : array_like, shape (nf,)
        Frequencies in Hz.
    z_ref_ohm : float, default 100.0
        Port reference impedance.

    Returns
    -------
    Network
        ``S21 = 2/(2 + Y·Z)``, ``S11 = −Y·Z/(2 + Y·Z)``.
    """
    f = np.asarray(f_hz, dtype=float)
    y = np.broadcast_to(np.asarray(y_s, dtype=complex), f.shape)
    return Network(f, abcd_to_s(1.0, 0.0, y, 1.0, z_ref_ohm, reciprocal=True), z_ref_ohm)


def series_impedance(z_ohm, f_hz, z_ref_ohm: float = 100.0) -> Network:
    """2-port of an impedance in series (ABCD ``[[1, Z], [0, 1]]``).

    Parameters
    ----------
    z_ohm : array_like, shape (nf,) or scalar, complex
        Impedance in Ω at each frequency.
    f_hz : array_like, shape (nf,)
        Frequencies in Hz.
    z_ref_ohm : float, default 100.0
        Port reference impedance.

    Returns
    -------
    Network
        ``S21 = 2/(2 + Z/Z_ref)``.
    """
    f = np.asarray(f_hz, dtype=float)
    z = np.broadcast_to(np.asarray(z_ohm, dtype=complex), f.shape)
    return Network(f, abcd_to_s(1.0, z, 0.0, 1.0, z_ref_ohm, reciprocal=True), z_ref_ohm)


def shunt_capacitor(c_f: float, f_hz, z_ref_ohm: float = 100.0) -> Network:
    """Capacitance ``c_f`` (F, across the port) in shunt: ``S21 = 2/(2 + jωZC)``.

    Parameters
    ----------
    c_f : float
        Capacitance in F, ≥ 0 (0 gives the thru).
    f_hz : array_like, shape (nf,)
        Frequencies in Hz.
    z_ref_ohm : float, default 100.0
        Port reference impedance.

    Returns
    -------
    Network

    Examples
    --------
    >>> n = shunt_capacitor(0.0, [0.0, 1e9])
    >>> n.s21.tolist()
    [(1+0j), (1+0j)]
    """
    if not (np.isfinite(c_f) and c_f >= 0):
        raise ValueError(f"c_f = {c_f!r}: expected a capacitance ≥ 0 F")
    return shunt_admittance(1j * _omega(f_hz) * c_f, f_hz, z_ref_ohm)


def series_inductor(l_h: float, f_hz, z_ref_ohm: float = 100.0) -> Network:
    """Inductance ``l_h`` (H, in the loop) in series: ``S21 = 2/(2 + jωL/Z)``.

    Parameters
    ----------
    l_h : float
        Inductance in H, ≥ 0 (0 gives the thru).
    f_hz : array_like, shape (nf,)
        Frequencies in Hz.
    z_ref_ohm : float, default 100.0
        Port reference impedance.

    Returns
    -------
    Network
    """
    if not (np.isfinite(l_h) and l_h >= 0):
        raise ValueError(f"l_h = {l_h!r}: expected an inductance ≥ 0 H")
    return series_impedance(1j * _omega(f_hz) * l_h, f_hz, z_ref_ohm)


def open_stub(line: GammaLine, length_m: float, f_hz, z_ref_ohm: float = 100.0) -> Network:
    """Open-ended stub of ``line`` hanging in shunt: ``Y = tanh(γl)/Zc``.

    Parameters
    ----------
    line : GammaLine
        The stub's line.
    length_m : float
        Stub length in m, ≥ 0. It notches S21 near ``f = 1/(4·delay)``.
    f_hz : array_like, shape (nf,)
        Frequencies in Hz.
    z_ref_ohm : float, default 100.0
        Port reference impedance.

    Returns
    -------
    Network
    """
    if not (np.isfinite(length_m) and length_m >= 0):
        raise ValueError(f"length_m = {length_m!r}: expected a length ≥ 0 m")
    y = np.tanh(line.gamma(f_hz) * length_m) / line.zc_ohm
    return shunt_admittance(y, f_hz, z_ref_ohm)


def _lossy_line(a2_ns_per_mm: float, zc_ohm: float) -> GammaLine:
    return GammaLine(zc_ohm, 0.0, 0.0, a2_ns_per_mm, _TAU_NS_PER_MM)


def _delay_to_length_m(delay_s: float) -> float:
    return delay_s / (_TAU_NS_PER_MM * 1e-9) * 1e-3


@dataclass(frozen=True)
class Connector:
    """A connector (mated pair with its footprints) as a lossy line with a capacitive launch.

    Parameters
    ----------
    bandwidth_hz : float
        Frequency where |S21| falls to −3 dB, referenced to ``z_nominal_ohm``.
    return_loss_db : float
        Return loss −20·log10|S11| in dB reached at ``rl_freq_hz`` (> 0).
    rl_freq_hz : float
        Frequency in Hz at which |S11| equals the stated return loss; below it RL is better.
    delay_s : float, default 40e-12
        Electrical length of the connector in s.
    z_nominal_ohm : float, default 100.0
        Differential impedance of the connector's line and of its specification.

    Raises
    ------
    ValueError
        If a field is out of range, or the targets cannot be met together (the reflection alone
        already costs 3 dB at ``bandwidth_hz``).

    Notes
    -----
    See the module docstring. The solved element values are `pad_capacitance_f` (differential,
    at the middle) and `line` (a `GammaLine` with only the a2 term, so S21(0) = 1 and the loss
    is causal). The two are found by a fixed-point iteration of two 1-D root finds (each needs
    the other only through a small correction); it converges in a few passes.

    Examples
    --------
    >>> c = osfp_gen2()
    >>> n = c.network([0.0, 85e9])
    >>> round(float(-20 * np.log10(abs(n.s11[1]))), 1)
    10.0
    """

    bandwidth_hz: float
    return_loss_db: float
    rl_freq_hz: float
    delay_s: float = 40e-12
    z_nominal_ohm: float = 100.0

    def __post_init__(self):
        for name in ("bandwidth_hz", "return_loss_db", "rl_freq_hz", "delay_s", "z_nominal_ohm"):
            v = getattr(self, name)
            if not (np.isfinite(v) and v > 0):
                raise ValueError(f"{name} = {v!r}: expected a finite value > 0")

    @property
    def length_m(self) -> float:
        """Physical length of the connector's line in m (τ = 6 ps/mm)."""
        return _delay_to_length_m(self.delay_s)

    def _build(self, c_f: float, a2: float, f_hz, z_ref_ohm: float) -> Network:
        line = _lossy_line(a2, self.z_nominal_ohm)
        half = line.network(self.length_m / 2, f_hz, z_ref_ohm)
        return cascade_list([half, shunt_capacitor(c_f, f_hz, z_ref_ohm), half])

    @property
    def _solution(self) -> tuple[float, float]:
        return _solve_connector(self)

    def _fit(self) -> tuple[float, float]:
        """(pad capacitance, a2) meeting the targets (see the class Notes)."""
        z = self.z_nominal_ohm
        s11_target = 10 ** (-self.return_loss_db / 20)
        f_rl = np.array([self.rl_freq_hz])
        f_bw = np.array([self.bandwidth_hz])
        # a bare shunt C reflects |x|/sqrt(1+x²), x = ωZC/2: the lossless starting value
        x = s11_target / np.sqrt(1 - s11_target**2)
        c_f = 2 * x / (2 * np.pi * self.rl_freq_hz * z)
        a2 = 0.0
        if -20 * np.log10(abs(self._build(c_f, 0.0, f_bw, z).s21[0])) >= 3.0:
            raise ValueError(
                f"bandwidth_hz = {self.bandwidth_hz!r}: the {self.return_loss_db} dB return loss "
                f"at {self.rl_freq_hz:g} Hz alone already costs 3 dB there; raise the bandwidth"
            )
        for _ in range(50):

            def s11_err(c, a2=a2):
                return abs(self._build(c, a2, f_rl, z).s11[0]) - s11_target

            def s21_err(a, c_f=c_f):
                return -20 * np.log10(abs(self._build(c_f, a, f_bw, z).s21[0])) - 3.0

            c_new = brentq(s11_err, 0.0, 100 * c_f + 1e-12, xtol=1e-22)
            a2_new = brentq(s21_err, 0.0, 1.0, xtol=1e-15)
            done = abs(c_new - c_f) <= 1e-9 * c_f and abs(a2_new - a2) <= 1e-9 * a2_new
            c_f, a2 = c_new, a2_new
            if done:
                break
        return float(c_f), float(a2)

    @property
    def pad_capacitance_f(self) -> float:
        """Solved launch capacitance in F (across the differential port)."""
        return self._solution[0]

    @property
    def line(self) -> GammaLine:
        """Solved lossy line (Zc = ``z_nominal_ohm``, a2 only, τ = 6 ps/mm)."""
        return _lossy_line(self._solution[1], self.z_nominal_ohm)

    def network(self, f_hz, z_ref_ohm: float = 100.0) -> Network:
        """S-parameters on ``f_hz`` (0 allowed) at ``z_ref_ohm``.

        Parameters
        ----------
        f_hz : array_like, shape (nf,)
            Frequencies in Hz, ≥ 0, increasing.
        z_ref_ohm : float, default 100.0
            Port reference impedance.

        Returns
        -------
        Network
            Symmetric, reciprocal, passive; S21(0) = 1.
        """
        c_f, a2 = self._solution
        return self._build(c_f, a2, f_hz, z_ref_ohm)


@functools.lru_cache(maxsize=64)
def _solve_connector(connector: Connector) -> tuple[float, float]:
    """The fitted element values of a connector (frozen, so shared by equal ones: every link
    that uses a preset fits it once per process)."""
    return connector._fit()


def osfp_gen2() -> Connector:
    """OSFP Gen2 (Rev2) connector: RL reaches 10 dB at 85 GHz.

    Source: OIF CEI-448G framework [S1], REFERENCE.md §4.3: "usable to ~85 GHz (RL > −10 dB
    limit)". The 3-dB bandwidth (100 GHz) and the 40 ps delay are assumptions [R], not data.

    Returns
    -------
    Connector
    """
    return Connector(bandwidth_hz=100e9, return_loss_db=10.0, rl_freq_hz=85e9, delay_s=40e-12)


def next_gen_connector() -> Connector:
    """High-density "2D" connector for 448G: 3-dB bandwidth > 120 GHz, ≈2.5 dB near 106 GHz.

    Source: Ligent OFC 2026 [S13], REFERENCE.md §4.3 (3-dB BW > 120 GHz; about 2.5 dB per
    connector in the 400G/lane budget). The bandwidth is set to 125 GHz, which with the f-linear
    loss gives ≈2.5 dB at 106.25 GHz; the 15 dB return loss at 106.25 GHz and the 25 ps delay
    are assumptions [R].

    Returns
    -------
    Connector
    """
    return Connector(bandwidth_hz=125e9, return_loss_db=15.0, rl_freq_hz=106.25e9, delay_s=25e-12)


@dataclass(frozen=True)
class Via:
    """A via: a short low-impedance barrel, optionally with an open residual stub.

    Parameters
    ----------
    il_db : float
        Insertion loss −20·log10|S21| in dB at ``il_freq_hz``, referenced to 100 Ω.
    il_freq_hz : float
        Frequency of ``il_db`` in Hz.
    z_ohm : float, default 85.0
        Differential impedance of the barrel in Ω (below 100 Ω: the pads and antipads make a via
        capacitive).
    delay_s : float, default 4e-12
        Electrical length of the barrel in s.
    stub_delay_s : float, default 0.0
        Electrical length of the open stub left below the exit layer (0: back-drilled). The stub
        notches S21 near ``1/(4·stub_delay_s)``.

    Raises
    ------
    ValueError
        If a field is out of range, or the barrel's reflection alone exceeds ``il_db``.

    Notes
    -----
    The barrel (and stub) are `GammaLine` sections with only the a2 (dielectric-type) loss,
    solved so that the total |S21| at ``il_freq_hz`` gives ``il_db``; S21(0) = 1.
    """

    il_db: float
    il_freq_hz: float
    z_ohm: float = 85.0
    delay_s: float = 4e-12
    stub_delay_s: float = 0.0

    def __post_init__(self):
        for name in ("il_db", "il_freq_hz", "z_ohm", "delay_s"):
            v = getattr(self, name)
            if not (np.isfinite(v) and v > 0):
                raise ValueError(f"{name} = {v!r}: expected a finite value > 0")
        if not (np.isfinite(self.stub_delay_s) and self.stub_delay_s >= 0):
            raise ValueError(f"stub_delay_s = {self.stub_delay_s!r}: expected a delay ≥ 0 s")

    def _build(self, a2: float, f_hz, z_ref_ohm: float) -> Network:
        line = _lossy_line(a2, self.z_ohm)
        parts = [line.network(_delay_to_length_m(self.delay_s), f_hz, z_ref_ohm)]
        if self.stub_delay_s > 0:
            parts.append(open_stub(line, _delay_to_length_m(self.stub_delay_s), f_hz, z_ref_ohm))
        return cascade_list(parts)

    @functools.cached_property
    def _a2(self) -> float:
        f = np.array([self.il_freq_hz])

        def err(a2):
            return -20 * np.log10(abs(self._build(a2, f, 100.0).s21[0])) - self.il_db

        if err(0.0) > 0:
            raise ValueError(
                f"il_db = {self.il_db!r}: the reflections alone (barrel z_ohm = {self.z_ohm}, "
                f"delay_s = {self.delay_s}, stub) already lose more at {self.il_freq_hz:g} Hz"
            )
        return float(brentq(err, 0.0, 1.0, xtol=1e-15))

    @property
    def line(self) -> GammaLine:
        """Solved barrel line (Zc = ``z_ohm``, a2 only, τ = 6 ps/mm)."""
        return _lossy_line(self._a2, self.z_ohm)

    def network(self, f_hz, z_ref_ohm: float = 100.0) -> Network:
        """S-parameters on ``f_hz`` (0 allowed) at ``z_ref_ohm``.

        Parameters
        ----------
        f_hz : array_like, shape (nf,)
            Frequencies in Hz, ≥ 0, increasing.
        z_ref_ohm : float, default 100.0
            Port reference impedance.

        Returns
        -------
        Network
            Reciprocal, passive; S21(0) = 1.
        """
        return self._build(self._a2, f_hz, z_ref_ohm)


def design_a_via() -> Via:
    """One PCB via of the IEEE 802.3dj "CR Design A" reference channel: 0.375 dB at 53.125 GHz.

    Source: M. Li et al., Design A [S4], REFERENCE.md §4.3: 1.5 dB for all vias TP0–TP5 at
    53.125 GHz; taken as four vias (two per host board), 0.375 dB each [M]. The 85 Ω barrel of
    4 ps (short enough that the loss rises monotonically to ~110 GHz), back-drilled, is an
    assumption [R].

    Returns
    -------
    Via
    """
    return Via(il_db=0.375, il_freq_hz=53.125e9, z_ohm=85.0, delay_s=4e-12)
