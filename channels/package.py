"""The IEEE 802.3 Annex 93A / 178A device and package model as a cascade of differential 2-ports.

From the die to the board (Tx orientation; 93A.1.2, 178A-7 … 178A-12):

    C_d[0] ‖ L_s[0] ─ C_d[1] ‖ L_s[1] ─ … ─ C_b ‖
    line(Zc[0], z_p[0]) ─ line(Zc[1], z_p[1]) ─ … ─ C_p ‖
    [host board: C_0 ‖ line(Zc_h, z_h) ─ C_1 ‖]

(‖ a shunt capacitance, ─ a series inductance or a line). 802.3ck uses one C_d–L_s section and
two package segments (z_p at 87.5 Ω, then z_pB = 1.8 mm at 92.5 Ω); 802.3dj a 3-section ladder.
The receiver model is the same cascade with the receiver's values, port-reversed (`flipped`).

Conventions (the standard's, and PyChOpMarg's ``devmodel.py``): capacitances and inductances are
**single-ended, per leg**, as the tables give them; line impedances are **differential**. The
standard writes each element as a single-ended 2-port at R0 (e.g. shunt C: ``s21 = 2/(2 + jωR0C)``)
and lines against ``2·R0`` (ρ = (Zc − 2R0)/(Zc + 2R0)); the result is the differential-mode
S-matrix at ``2·R0``. Here every element is built as a physical differential 2-port (a shunt
``C_leg/2`` across the pair, a series ``2·L_leg`` in the loop, the line at its differential Zc) and
converted to S at any ``z_ref_ohm``; at ``z_ref_ohm = 2·R0`` (100 Ω for R0 = 50 Ω, 92.5 Ω for the
802.3dj D3.3 R0 = 46.25 Ω) it equals the standard's formulas term for term.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Literal

import numpy as np

from .boardline import GammaLine, com_package_line
from .network import Network, cascade_list
from .parts import series_inductor, shunt_capacitor

__all__ = [
    "IEEE8023CK_ZP_CASES_M",
    "IEEE8023DJ_CR_HOST_CLASSES",
    "IEEE8023DJ_ZP1_CASES_M",
    "IEEE8023DJ_Z_REF_OHM",
    "PACKAGE_PRESETS",
    "HostBoard",
    "LineSegment",
    "PackageModel",
    "ieee8023ck_package",
    "ieee8023dj_cr_package",
    "ieee8023dj_package",
    "package_preset",
]

PackageSide = Literal["tx", "rx"]

#: 802.3dj D3.3 reference: R0 = R_d = 46.25 Ω single-ended, i.e. 92.5 Ω differential (§5.4 [S8]).
IEEE8023DJ_Z_REF_OHM = 92.5

#: 802.3ck package test cases, z_p in m per side, KR/CR (REFERENCE §5.3, 3ck_SA sheets):
#: Tx/FEXT 12 and 31 mm, Rx/NEXT 12 and 29 mm. (C2C: Tx 13 / 31, Rx 11 / 29 mm.)
IEEE8023CK_ZP_CASES_M: dict[PackageSide, tuple[float, float]] = {
    "tx": (12e-3, 31e-3),
    "rx": (12e-3, 29e-3),
}

#: 802.3dj D3.3 KR/C2C package line 1 length z_p1 in m, per (class, test), as (Tx, Rx)
#: (Tables 178-14 / 176C-9 as transcribed by PyChOpMarg 3.4.0; REFERENCE §5.4 [S8]).
IEEE8023DJ_ZP1_CASES_M: dict[tuple[str, int], tuple[float, float]] = {
    ("A", 1): (33e-3, 33e-3),
    ("A", 2): (12e-3, 12e-3),
    ("B", 1): (45e-3, 44e-3),
    ("B", 2): (30e-3, 29e-3),
}

#: 802.3dj D3.3 CR host classes (Table 179-23 via [S8]): class -> (package class, z_p1 m, host m).
IEEE8023DJ_CR_HOST_CLASSES: dict[str, tuple[str, float, float]] = {
    "HL": ("A", 8e-3, 22e-3),
    "HN": ("B", 15e-3, 83e-3),
    "HH": ("B", 45e-3, 74e-3),
}


@dataclass(frozen=True)
class LineSegment:
    """A length of `GammaLine`.

    Parameters
    ----------
    line : GammaLine
        The line (its ``zc_ohm`` is differential).
    length_m : float
        Length in m, ≥ 0.
    """

    line: GammaLine
    length_m: float

    def __post_init__(self):
        if not isinstance(self.line, GammaLine):
            raise ValueError(f"line = {self.line!r}: expected a GammaLine")
        if not (np.isfinite(self.length_m) and self.length_m >= 0):
            raise ValueError(f"length_m = {self.length_m!r}: expected a length ≥ 0 m")


@dataclass(frozen=True)
class HostBoard:
    """Host board between package and channel ("Include PCB", 178A-12): C_0 ‖ line ─ C_1 ‖.

    Parameters
    ----------
    segment : LineSegment
        The board trace.
    c0_f : float, default 0.0
        Per-leg capacitance at the package side in F.
    c1_f : float, default 0.0
        Per-leg capacitance at the channel side in F.
    """

    segment: LineSegment
    c0_f: float = 0.0
    c1_f: float = 0.0

    def __post_init__(self):
        for name in ("c0_f", "c1_f"):
            _check_nonneg(name, getattr(self, name))


def _check_nonneg(name: str, v: float) -> None:
    if not (np.isfinite(v) and v >= 0):
        raise ValueError(f"{name} = {v!r}: expected a finite value ≥ 0")


def _leg_shunt_c(c_leg_f: float, f_hz, z_ref_ohm: float) -> Network:
    # two legs of C to ground are C/2 across the pair: s21 = 2/(2 + jω·(2R0)·C/2) = 2/(2 + jωR0C)
    return shunt_capacitor(c_leg_f / 2.0, f_hz, z_ref_ohm)


def _leg_series_l(l_leg_h: float, f_hz, z_ref_ohm: float) -> Network:
    # one L in each leg is 2L in the loop: s21 = 2/(2 + jω·2L/(2R0)) = 2/(2 + jωL/R0)
    return series_inductor(2.0 * l_leg_h, f_hz, z_ref_ohm)


@dataclass(frozen=True)
class PackageModel:
    """Device termination + package (+ optional host board) of one end of a link.

    Parameters
    ----------
    c_d_f : tuple of float
        Per-leg die capacitances of the ladder sections in F, die side first (802.3ck: one,
        802.3dj: three).
    l_s_h : tuple of float
        Per-leg series inductances in H, one after each ``c_d_f`` (0 for the plain 93A C_d).
    c_b_f : float
        Per-leg bump capacitance in F (0 where the model has none).
    segments : tuple of LineSegment
        Package traces from the die side to the board side.
    c_p_f : float
        Per-leg package-to-board capacitance in F.
    host : HostBoard or None, default None
        Host board after the package.
    side : {"tx", "rx"}, default "tx"
        "tx": port 1 at the die, port 2 at the board (the transmitter's package). "rx": the
        reverse (port 1 at the board), as the receiver's package sits in a link.
    name : str, default ""
        Label for reports.

    Raises
    ------
    ValueError
        If a value is out of range or ``c_d_f`` and ``l_s_h`` differ in length; the message names
        the field.

    Examples
    --------
    >>> pkg = ieee8023ck_package()
    >>> n = pkg.network([0.0, 26.5625e9])
    >>> bool(n.is_passive()), round(float(abs(n.s21[0])), 6)
    (True, 1.0)
    """

    c_d_f: tuple[float, ...]
    l_s_h: tuple[float, ...]
    c_b_f: float
    segments: tuple[LineSegment, ...]
    c_p_f: float
    host: HostBoard | None = None
    side: PackageSide = "tx"
    name: str = ""

    def __post_init__(self):
        object.__setattr__(self, "c_d_f", tuple(float(c) for c in self.c_d_f))
        object.__setattr__(self, "l_s_h", tuple(float(x) for x in self.l_s_h))
        object.__setattr__(self, "segments", tuple(self.segments))
        if len(self.c_d_f) != len(self.l_s_h):
            raise ValueError(
                f"c_d_f has {len(self.c_d_f)} sections but l_s_h has {len(self.l_s_h)}; "
                "expected one series inductance per die capacitance"
            )
        for i, c in enumerate(self.c_d_f):
            _check_nonneg(f"c_d_f[{i}]", c)
        for i, x in enumerate(self.l_s_h):
            _check_nonneg(f"l_s_h[{i}]", x)
        _check_nonneg("c_b_f", self.c_b_f)
        _check_nonneg("c_p_f", self.c_p_f)
        for i, seg in enumerate(self.segments):
            if not isinstance(seg, LineSegment):
                raise ValueError(f"segments[{i}] = {seg!r}: expected a LineSegment")
        if self.host is not None and not isinstance(self.host, HostBoard):
            raise ValueError(f"host = {self.host!r}: expected a HostBoard or None")
        if self.side not in ("tx", "rx"):
            raise ValueError(f"side = {self.side!r}: expected 'tx' or 'rx'")

    def flipped(self) -> PackageModel:
        """The same model with the other orientation (``side`` "tx" ↔ "rx").

        Returns
        -------
        PackageModel
        """
        return dataclasses.replace(self, side="rx" if self.side == "tx" else "tx")

    def blocks(self, f_hz, z_ref_ohm: float = 100.0) -> list[Network]:
        """The element 2-ports in die-to-board order (Tx orientation), before any flip.

        Parameters
        ----------
        f_hz : array_like, shape (nf,)
            Frequencies in Hz, ≥ 0, increasing.
        z_ref_ohm : float, default 100.0
            Differential reference impedance (``2·R0``).

        Returns
        -------
        list of Network
        """
        f = np.asarray(f_hz, dtype=float)
        out: list[Network] = []
        for c_d, l_s in zip(self.c_d_f, self.l_s_h, strict=True):
            out += [_leg_shunt_c(c_d, f, z_ref_ohm), _leg_series_l(l_s, f, z_ref_ohm)]
        out.append(_leg_shunt_c(self.c_b_f, f, z_ref_ohm))
        out += [seg.line.network(seg.length_m, f, z_ref_ohm) for seg in self.segments]
        out.append(_leg_shunt_c(self.c_p_f, f, z_ref_ohm))
        if self.host is not None:
            h = self.host
            out += [
                _leg_shunt_c(h.c0_f, f, z_ref_ohm),
                h.segment.line.network(h.segment.length_m, f, z_ref_ohm),
                _leg_shunt_c(h.c1_f, f, z_ref_ohm),
            ]
        return out

    def network(self, f_hz, z_ref_ohm: float = 100.0) -> Network:
        """S-parameters of the package on ``f_hz`` at ``z_ref_ohm``, oriented by ``side``.

        Parameters
        ----------
        f_hz : array_like, shape (nf,)
            Frequencies in Hz, ≥ 0, increasing; 0 is exact.
        z_ref_ohm : float, default 100.0
            Differential reference impedance; ``2·R0`` reproduces the standard's S-parameters
            (100 Ω for 802.3ck, `IEEE8023DJ_Z_REF_OHM` for 802.3dj D3.3).

        Returns
        -------
        Network
            Passive, reciprocal 2-port.
        """
        n = cascade_list(self.blocks(f_hz, z_ref_ohm))
        if self.side == "rx":
            n = Network(n.f_hz, n.s[:, ::-1, ::-1], n.z_ref_ohm)
        return n


def _ck_line(zc_ohm: float) -> GammaLine:
    # 3ck_SA sheets (REFERENCE §5.3): γ0 = 0, a1 = 9.909e-4, a2 = 2.772e-4, τ = 6.141e-3
    return GammaLine(zc_ohm, 0.0, 9.909e-4, 2.772e-4, 6.141e-3)


def ieee8023ck_package(
    z_p_m: float = 12e-3, side: PackageSide = "tx", include_pcb: bool = False
) -> PackageModel:
    """802.3ck (100 Gb/s/lane) device + package, optionally with the CR host board.

    Source: the official 802.3ck "3ck_SA" COM sheets (2022-08-17), REFERENCE.md §5.3 [V as
    sheet]: C_d 120 fF, L_s 0.12 nH, C_b 30 fF, C_p 87 fF (per leg); z_p at 87.5 Ω then
    z_pB = 1.8 mm at 92.5 Ω; γ0 0, a1 9.909e-4, a2 2.772e-4, τ 6.141e-3; CR host board ("Include
    PCB" = 1): C_0 29 fF, 110.3 mm at 100 Ω (a1 3.8206e-4, a2 9.5909e-5, τ 5.79e-3), C_1 19 fF.
    Use it at ``z_ref_ohm = 100`` (R0 = 50 Ω).

    Parameters
    ----------
    z_p_m : float, default 12e-3
        Length of the first package segment in m; test cases in `IEEE8023CK_ZP_CASES_M`.
    side : {"tx", "rx"}, default "tx"
        Orientation, see `PackageModel`.
    include_pcb : bool, default False
        Add the CR host board.

    Returns
    -------
    PackageModel
    """
    host = None
    if include_pcb:
        board = GammaLine(100.0, 0.0, 3.8206e-4, 9.5909e-5, 5.79e-3)
        host = HostBoard(LineSegment(board, 110.3e-3), c0_f=29e-15, c1_f=19e-15)
    return PackageModel(
        c_d_f=(120e-15,),
        l_s_h=(0.12e-9,),
        c_b_f=30e-15,
        segments=(LineSegment(_ck_line(87.5), z_p_m), LineSegment(_ck_line(92.5), 1.8e-3)),
        c_p_f=87e-15,
        host=host,
        side=side,
        name=f"802.3ck z_p={z_p_m * 1e3:g} mm" + (" + host" if include_pcb else ""),
    )


def _dj_segments(pkg_class: str, z_p1_m: float) -> tuple[LineSegment, ...]:
    if pkg_class == "A":
        return (
            LineSegment(com_package_line(87.5), z_p1_m),
            LineSegment(com_package_line(92.5), 1.8e-3),
        )

    def b(zc):  # class B line: a1 6.5e-4, a2 2.93e-4
        return GammaLine(zc, 5e-4, 6.5e-4, 2.93e-4, 6.141e-3)

    return (
        LineSegment(b(87.5), z_p1_m),
        LineSegment(b(95.0), 2.0e-3),
        LineSegment(b(100.0), 1.3e-3),
        LineSegment(b(78.0), 1.5e-3),
    )


def _dj_model(pkg_class: str, z_p1_m: float, side: PackageSide, host, name: str) -> PackageModel:
    return PackageModel(
        c_d_f=(40e-15, 90e-15, 110e-15),
        l_s_h=(0.13e-9, 0.15e-9, 0.14e-9),
        c_b_f=30e-15,
        segments=_dj_segments(pkg_class, z_p1_m),
        c_p_f=40e-15,
        host=host,
        side=side,
        name=name,
    )


def ieee8023dj_package(
    pkg_class: Literal["A", "B"] = "A", test: int = 1, side: PackageSide = "tx"
) -> PackageModel:
    """802.3dj (200 Gb/s/lane) KR/C2C device + package, class A or B, Test 1 or 2.

    Source: P802.3dj/D3.3 Tables 178-14 / 176C-9 as transcribed by PyChOpMarg 3.4.0
    (`config/ieee_8023dj_d3p3.py`), REFERENCE.md §5.4 [S8, V as code; draft values]: die ladder
    C_d (40, 90, 110) fF, L_s (0.13, 0.15, 0.14) nH, C_b 30 fF, C_p 40 fF (per leg); class A:
    87.5 Ω × z_p1 + 92.5 Ω × 1.8 mm of `com_package_line`; class B: 87.5 Ω × z_p1 + 95 Ω × 2.0 +
    100 Ω × 1.3 + 78 Ω × 1.5 mm (a1 6.5e-4, a2 2.93e-4); z_p1 from `IEEE8023DJ_ZP1_CASES_M`.
    D3.3 uses R0 = 46.25 Ω: pass ``z_ref_ohm=IEEE8023DJ_Z_REF_OHM`` to get its S-parameters.

    Parameters
    ----------
    pkg_class : {"A", "B"}, default "A"
    test : {1, 2}, default 1
        Test 1 is the long package (class A 33 mm), Test 2 the short one (12 mm).
    side : {"tx", "rx"}, default "tx"
        Orientation, and which of the (Tx, Rx) z_p1 values is used.

    Returns
    -------
    PackageModel

    Raises
    ------
    ValueError
        If ``pkg_class`` or ``test`` is not in the table.
    """
    if (pkg_class, test) not in IEEE8023DJ_ZP1_CASES_M:
        raise ValueError(
            f"(pkg_class, test) = {(pkg_class, test)!r}: expected one of "
            f"{sorted(IEEE8023DJ_ZP1_CASES_M)}"
        )
    z_tx, z_rx = IEEE8023DJ_ZP1_CASES_M[(pkg_class, test)]
    z_p1 = z_rx if side == "rx" else z_tx
    return _dj_model(pkg_class, z_p1, side, None, f"802.3dj class {pkg_class} test {test} ({side})")


def ieee8023dj_cr_package(
    host_class: Literal["HL", "HN", "HH"] = "HL", side: PackageSide = "tx", include_host=True
) -> PackageModel:
    """802.3dj CR device + package + partial host channel for a host class (HL, HN, HH).

    Source: P802.3dj/D3.3 Tables 179-22 / 179-23 via PyChOpMarg 3.4.0 [S8], REFERENCE.md §5.4:
    HL = class A 8 mm + 22 mm host, HN = class B 15 mm + 83 mm, HH = class B 45 mm + 74 mm; host
    line 92.5 Ω, γ0 0, a1 5.95e-4, a2 2.6e-5, τ 5.79e-3; C_0 = C_1 = 0.

    Parameters
    ----------
    host_class : {"HL", "HN", "HH"}, default "HL"
    side : {"tx", "rx"}, default "tx"
    include_host : bool, default True
        Omit the host trace for channel data that already contains it.

    Returns
    -------
    PackageModel

    Raises
    ------
    ValueError
        If ``host_class`` is unknown.
    """
    if host_class not in IEEE8023DJ_CR_HOST_CLASSES:
        raise ValueError(
            f"host_class = {host_class!r}: expected one of {sorted(IEEE8023DJ_CR_HOST_CLASSES)}"
        )
    pkg_class, z_p1, z_host = IEEE8023DJ_CR_HOST_CLASSES[host_class]
    host = None
    if include_host:
        host = HostBoard(LineSegment(GammaLine(92.5, 0.0, 5.95e-4, 2.6e-5, 5.79e-3), z_host))
    return _dj_model(pkg_class, z_p1, side, host, f"802.3dj CR {host_class} ({side})")


def next_gen_448g_package(side: PackageSide = "tx") -> PackageModel:
    """A next-generation package for 448G: the 802.3dj class-A model with its die, bump and
    ball parasitics halved and a 16 mm trace [M].

    The OIF CEI-448G framework (REFERENCE.md §3.1, §4.3) expects next-generation packages
    (BGA pitch <= 0.5 mm, ~115 GHz bandwidth) to reach about 6 dB of loss at 448G-PAM4 Nyquist
    for class A, and a SerDes with twice today's AFE bandwidth. The 802.3dj model, built for
    224G, resonates near 85 GHz (31 dB at 106 GHz for its 12 mm case); halving C_d, L_s, C_b
    and C_p (a half-size die pad ladder and bump, a finer-pitch ball) moves that resonance
    above 130 GHz. With 16 mm of the class-A line the loss at R0 = 46.25 Ω is 2.9 dB at
    53.1 GHz, 4.4 dB at 85 GHz, 5.2 dB at 106.25 GHz and 5.8 dB at 115 GHz, with 13-17 dB of
    return loss up to 106 GHz.

    Parameters
    ----------
    side : {"tx", "rx"}, default "tx"

    Returns
    -------
    PackageModel
    """
    return PackageModel(
        c_d_f=(20e-15, 45e-15, 55e-15),
        l_s_h=(0.065e-9, 0.075e-9, 0.07e-9),
        c_b_f=15e-15,
        segments=_dj_segments("A", 16e-3),
        c_p_f=20e-15,
        host=None,
        side=side,
        name=f"448G next-gen class A, 16 mm ({side})",
    )


#: Preset names for configs: name -> (factory(side), differential z_ref of its standard).
PACKAGE_PRESETS = {
    "802.3ck-12mm": (lambda side: ieee8023ck_package(12e-3, side), 100.0),
    "802.3ck-31mm": (lambda side: ieee8023ck_package(31e-3, side), 100.0),
    "802.3dj-A": (lambda side: ieee8023dj_package("A", 1, side), IEEE8023DJ_Z_REF_OHM),
    "802.3dj-A-test2": (lambda side: ieee8023dj_package("A", 2, side), IEEE8023DJ_Z_REF_OHM),
    "802.3dj-B": (lambda side: ieee8023dj_package("B", 1, side), IEEE8023DJ_Z_REF_OHM),
    "802.3dj-B-test2": (lambda side: ieee8023dj_package("B", 2, side), IEEE8023DJ_Z_REF_OHM),
    "802.3dj-CR-HL": (lambda side: ieee8023dj_cr_package("HL", side), IEEE8023DJ_Z_REF_OHM),
    "802.3dj-CR-HN": (lambda side: ieee8023dj_cr_package("HN", side), IEEE8023DJ_Z_REF_OHM),
    "802.3dj-CR-HH": (lambda side: ieee8023dj_cr_package("HH", side), IEEE8023DJ_Z_REF_OHM),
    "448g-next-gen": (next_gen_448g_package, IEEE8023DJ_Z_REF_OHM),
}


def package_preset(name: str, side: PackageSide = "tx") -> PackageModel:
    """A package preset by name (one of `PACKAGE_PRESETS`; "802.3dj-A" is class A, Test 1).

    Parameters
    ----------
    name : str
        Preset name, e.g. "802.3dj-A", "802.3ck-31mm", "802.3dj-CR-HN".
    side : {"tx", "rx"}, default "tx"

    Returns
    -------
    PackageModel

    Raises
    ------
    ValueError
        If the name is unknown; the message lists the known names.

    Examples
    --------
    >>> package_preset("802.3dj-B", "rx").segments[0].length_m
    0.044
    """
    if name not in PACKAGE_PRESETS:
        raise ValueError(f"package preset = {name!r}: expected one of {sorted(PACKAGE_PRESETS)}")
    if side not in ("tx", "rx"):
        raise ValueError(f"side = {side!r}: expected 'tx' or 'rx'")
    return PACKAGE_PRESETS[name][0](side)
