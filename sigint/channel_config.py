"""Configs of the channel: segments from Tx to Rx, and crosstalk aggressors.

Each segment kind is its own frozen dataclass with a ``KIND`` tag (``kind = "twinax"`` in TOML).
Touchstone paths that are relative are resolved against the config file's folder when the
config is loaded from a file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar, Literal

from ._configio import check as _check
from ._configio import check_swing, check_tx_ffe
from ._configio import finite as _finite

StriplineModel = Literal["rlgc", "oif-224g"]
ConnectorPreset = Literal["osfp-gen2", "next-gen"]
AggressorKind = Literal["fext", "next"]
PackageSide = Literal["auto", "tx", "rx"]


def _port_map_ok(text: str | None) -> bool:
    if text is None:
        return True
    try:
        ins, outs = text.split(":")
        values = [int(v) for v in ins.split(",") + outs.split(",")]
    except ValueError:
        return False
    return len(values) == 4 and len(set(values)) == 4 and min(values) >= 1


_PORTS_EXPECTED = "a port map 'in+,in-:out+,out-' of distinct 1-based ports, e.g. '1,3:2,4'"


@dataclass(frozen=True)
class TwinaxSegment:
    """Shielded twinax cable of a given gauge (calibrated RLGC model, REFERENCE §4.1)."""

    KIND: ClassVar[str] = "twinax"
    length_m: float = 1.0
    awg: int = 26

    def __post_init__(self):
        _check(
            _finite(self.length_m) and 0 <= self.length_m <= 100,
            "length_m",
            self.length_m,
            "a length in metres, 0 to 100",
        )
        _check(self.awg in (24, 26, 28, 30, 32, 34), "awg", self.awg, "24, 26, 28, 30, 32 or 34")


@dataclass(frozen=True)
class StriplineSegment:
    """Differential PCB stripline.

    ``model = "rlgc"``: Megtron-7-class RLGC line calibrated to the OIF 224G board model
    (REFERENCE §4.2); ``"oif-224g"``: the OIF board model itself in the IEEE 93A γ form.
    """

    KIND: ClassVar[str] = "stripline"
    length_m: float = 0.1
    model: StriplineModel = "rlgc"

    def __post_init__(self):
        _check(
            _finite(self.length_m) and 0 <= self.length_m <= 10,
            "length_m",
            self.length_m,
            "a length in metres, 0 to 10",
        )


@dataclass(frozen=True)
class TouchstoneSegment:
    """Any Touchstone file as a block (.s2p differential, or .s4p+ single-ended with a port map).

    Parameters
    ----------
    path : str
        The file; relative paths are relative to the config file.
    ports : str or None
        Port map ``"in+,in-:out+,out-"`` for single-ended files; None auto-detects (4-port).
    enforce_passivity, enforce_causality : bool
        Apply the corrections (always reported, applied only when asked).
    file_length_m, length_m : float or None
        Set both to take the file as a uniform cable ``file_length_m`` long and use it
        ``length_m`` long (its propagation constant scaled, the characteristic impedance
        kept: :func:`sigint.channels.scale.scale_line`; loss in dB scales with length).
    """

    KIND: ClassVar[str] = "touchstone"
    path: str = ""
    ports: str | None = None
    enforce_passivity: bool = False
    enforce_causality: bool = False
    file_length_m: float | None = None
    length_m: float | None = None

    def __post_init__(self):
        _check(bool(self.path), "path", self.path, "the path of a Touchstone file")
        _check(_port_map_ok(self.ports), "ports", self.ports, _PORTS_EXPECTED)
        _check(
            (self.file_length_m is None) == (self.length_m is None),
            "length_m",
            self.length_m,
            "set together with file_length_m (the file's own length), or neither",
        )
        if self.file_length_m is not None:
            _check(
                _finite(self.file_length_m) and self.file_length_m > 0,
                "file_length_m",
                self.file_length_m,
                "the measured cable's length in m, > 0",
            )
            _check(
                _finite(self.length_m) and 0 <= self.length_m <= 100,
                "length_m",
                self.length_m,
                "a length from 0 to 100 m",
            )

    @property
    def scale(self) -> float | None:
        """``length_m / file_length_m``, or None when the file is used as it is."""
        return None if self.length_m is None else self.length_m / self.file_length_m


@dataclass(frozen=True)
class PackageSegment:
    """IEEE 802.3 Annex 93A / 178A device and package model (die capacitance, package line, C_p).

    ``side = "auto"`` orients it by position: first segment → Tx (die to board), last → Rx.
    """

    KIND: ClassVar[str] = "package"
    preset: str = "802.3dj-A"
    side: PackageSide = "auto"

    def __post_init__(self):
        from .channels.package import PACKAGE_PRESETS

        _check(
            self.preset in PACKAGE_PRESETS,
            "preset",
            self.preset,
            "one of " + ", ".join(PACKAGE_PRESETS),
        )


@dataclass(frozen=True)
class ConnectorSegment:
    """A mated connector with finite bandwidth and return loss (REFERENCE §4.3)."""

    KIND: ClassVar[str] = "connector"
    preset: ConnectorPreset = "osfp-gen2"


@dataclass(frozen=True)
class ViaSegment:
    """PCB via transitions (Design A: 1.5 dB for the TP0–TP5 set at 53.125 GHz, REFERENCE §4.3)."""

    KIND: ClassVar[str] = "via"
    count: int = 1

    def __post_init__(self):
        _check(1 <= self.count <= 64, "count", self.count, "1 to 64 vias")


Segment = (
    TwinaxSegment
    | StriplineSegment
    | TouchstoneSegment
    | PackageSegment
    | ConnectorSegment
    | ViaSegment
)


@dataclass(frozen=True)
class AggressorConfig:
    """One crosstalk aggressor: its coupling path and its own transmitter.

    The coupling comes from a Touchstone file (``touchstone`` and ``ports``: the aggressor's
    Tx pair in, the victim's Rx pair out) or is parametric (``level_db``): FEXT grows with
    frequency along the victim's channel, H = K·(jf/f_N)·S21(f) (``level_db`` relative to the
    thru at Nyquist), NEXT saturates, H = K·(1 − S21(f)²) (``level_db`` at high frequency).

    Parameters
    ----------
    kind : {"fext", "next"}
    level_db : float or None
    touchstone : str or None
    ports : str or None
    swing_vppd : float or None
        The aggressor's swing (None: the victim's).
    ffe_taps : tuple of float or None
        The aggressor's Tx FFE (None: the victim's for FEXT, none for NEXT as in IEEE COM).
    ffe_cursor : int
    """

    kind: AggressorKind = "fext"
    level_db: float | None = None
    touchstone: str | None = None
    ports: str | None = None
    swing_vppd: float | None = None
    ffe_taps: tuple[float, ...] | None = None
    ffe_cursor: int = 0

    def __post_init__(self):
        _check(
            (self.level_db is None) != (self.touchstone is None),
            "level_db",
            self.level_db,
            "either level_db (parametric coupling) or touchstone (a file), not both",
        )
        if self.level_db is not None:
            _check(
                _finite(self.level_db) and -120 < self.level_db < 0,
                "level_db",
                self.level_db,
                "a coupling level in dB between -120 and 0",
            )
        _check(_port_map_ok(self.ports), "ports", self.ports, _PORTS_EXPECTED)
        if self.swing_vppd is not None:
            check_swing(self.swing_vppd)
        if self.ffe_taps is not None:
            check_tx_ffe(self.ffe_taps, self.ffe_cursor)


@dataclass(frozen=True)
class ChannelConfig:
    """The channel: a cascade of segments from Tx to Rx, and crosstalk aggressors.

    Parameters
    ----------
    segments : tuple of segment configs
        In order from the transmitter; each a table with a ``kind``.
    z_ref_ohm : float
        Differential reference impedance of the source and load, Ω.
    aggressors : tuple of AggressorConfig
        NEXT and FEXT aggressors, each with independent data.
    """

    segments: tuple[Segment, ...] = (
        StriplineSegment(0.127),
        TwinaxSegment(1.0, 26),
        StriplineSegment(0.127),
    )
    z_ref_ohm: float = 100.0
    aggressors: tuple[AggressorConfig, ...] = field(default_factory=tuple)

    def __post_init__(self):
        _check(len(self.segments) >= 1, "segments", self.segments, "at least one segment")
        _check(
            _finite(self.z_ref_ohm) and self.z_ref_ohm > 0,
            "z_ref_ohm",
            self.z_ref_ohm,
            "a positive impedance in ohms",
        )
