"""What a reach study asks: the link around a cable, its equaliser and its pass criterion.

:class:`ReachSpec` is one question — "how many metres of this cable close this link?" — as a
frozen, validated config: modulation and rate class (REFERENCE §2), the cable
(:class:`CableSpec`), the host preset (:mod:`.hosts`), the equaliser (:class:`EqSpec`), the
criterion (:class:`Criterion`) and the Tx/Rx noise and jitter. :func:`link_config` turns a spec
and a length into the :class:`~sigint.config.LinkConfig` both engines read.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Literal

from .._configio import check as _check
from .._configio import finite as _finite
from ..channel_config import (
    AggressorConfig,
    ChannelConfig,
    StriplineSegment,
    TouchstoneSegment,
    TwinaxSegment,
)
from ..config import LinkConfig, RxConfig, SimConfig, TxConfig
from ..jitter import JitterConfig
from ..rates import rate_preset
from .hosts import host_preset

CableKind = Literal["twinax", "stripline", "touchstone"]
EqMode = Literal["optimised", "fixed"]
CriterionKind = Literal["ber", "ser", "flr", "bound", "com"]


@dataclass(frozen=True)
class CableSpec:
    """The part whose length is solved for.

    Parameters
    ----------
    kind : {"twinax", "stripline", "touchstone"}
        Parametric twinax of gauge ``awg`` (REFERENCE §4.1), Megtron-7-class PCB stripline
        (§4.2), or a measured cable ``path`` of length ``ref_length_m``, scaled to any length
        through its propagation constant (loss in dB linear in length).
    awg : int
        Twinax gauge, 24-34.
    path : str
        Touchstone file (``kind = "touchstone"``).
    ref_length_m : float
        The file's physical length.
    ports : str or None
        Port map of a 4-port file (``"1,3:2,4"``); None detects it.
    """

    kind: CableKind = "twinax"
    awg: int = 26
    path: str = ""
    ref_length_m: float = 1.0
    ports: str | None = None

    def __post_init__(self):
        _check(self.kind in ("twinax", "stripline", "touchstone"), "kind", self.kind,
               "'twinax', 'stripline' or 'touchstone'")  # fmt: skip
        _check(self.awg in (24, 26, 28, 30, 32, 34), "awg", self.awg, "24, 26, 28, 30, 32 or 34")
        if self.kind == "touchstone":
            _check(bool(self.path), "path", self.path, "the cable's Touchstone file")
            _check(_finite(self.ref_length_m) and self.ref_length_m > 0, "ref_length_m",
                   self.ref_length_m, "the file's length in metres, > 0")  # fmt: skip

    def segment(self, length_m: float):
        """The cable as a channel segment of ``length_m``."""
        if self.kind == "twinax":
            return TwinaxSegment(length_m, self.awg)
        if self.kind == "stripline":
            return StriplineSegment(length_m)
        if length_m == self.ref_length_m:  # at its own length the file is used as measured
            return TouchstoneSegment(self.path, self.ports)
        return TouchstoneSegment(
            self.path, self.ports, file_length_m=self.ref_length_m, length_m=length_m
        )

    @property
    def label(self) -> str:
        """A short name ("26 AWG twinax")."""
        if self.kind == "twinax":
            return f"{self.awg} AWG twinax"
        if self.kind == "stripline":
            return "PCB stripline"
        return f"{self.path} (scaled from {self.ref_length_m:g} m)"


@dataclass(frozen=True)
class EqSpec:
    """The equaliser: searched at every length (``"optimised"``) or held (``"fixed"``: the
    first value of each grid).

    Parameters
    ----------
    mode : {"optimised", "fixed"}
    g_dc_db, g_dc2_db : tuple of float
        The 93A-22 CTLE's gains searched (coarse to fine over ``g_dc_db``).
    tx_pre, tx_post : tuple of float
        Tx FFE pre- and post-cursor values searched (c(0) = 1 − |pre| − |post|).
    rx_ffe_pre, rx_ffe_post : int
        Rx FFE taps before and after its cursor, solved by MMSE at each candidate.
    dfe_taps : int
        DFE taps (zero-forcing on the equalised pulse).
    """

    mode: EqMode = "optimised"
    g_dc_db: tuple[float, ...] = (-20.0, -18.0, -16.0, -14.0, -12.0, -10.0, -8.0, -6.0,
                                  -4.0, -2.0, 0.0)  # fmt: skip
    g_dc2_db: tuple[float, ...] = (-6.0, -3.0, 0.0)
    tx_pre: tuple[float, ...] = (0.0, -0.1, -0.2)
    tx_post: tuple[float, ...] = (0.0, -0.1)
    rx_ffe_pre: int = 4
    rx_ffe_post: int = 11
    dfe_taps: int = 1

    def __post_init__(self):
        _check(self.mode in ("optimised", "fixed"), "mode", self.mode, "'optimised' or 'fixed'")
        for name in ("g_dc_db", "g_dc2_db", "tx_pre", "tx_post"):
            v = getattr(self, name)
            _check(len(v) >= 1 and all(_finite(x) for x in v), name, v, "one or more numbers")
        _check(all(-30 <= g <= 0 for g in self.g_dc_db), "g_dc_db", self.g_dc_db,
               "CTLE DC gains from -30 to 0 dB")  # fmt: skip
        _check(all(-1 < x <= 0 for x in self.tx_pre + self.tx_post), "tx_pre", self.tx_pre,
               "Tx FFE pre/post taps in (-1, 0]")  # fmt: skip
        _check(0 <= self.rx_ffe_pre <= 64, "rx_ffe_pre", self.rx_ffe_pre, "0 to 64 taps")
        _check(0 <= self.rx_ffe_post <= 256, "rx_ffe_post", self.rx_ffe_post, "0 to 256 taps")
        _check(0 <= self.dfe_taps <= 64, "dfe_taps", self.dfe_taps, "0 to 64 taps")


@dataclass(frozen=True)
class Criterion:
    """When a link closes.

    Parameters
    ----------
    kind : {"ber", "ser", "flr", "bound", "com"}
        ``"ber"``/``"ser"``: the statistical engine's pre-FEC BER (or SER = DER) at the
        sampling phase, with DFE error propagation when ``error_propagation``; ``"flr"``:
        the KP4 RS(544,514) frame loss ratio from the SER and its DFE bursts
        (:mod:`sigint.fec`; optional 1/(1+D) ``precoding``); ``"bound"``: the infinite-length
        MMSE-DFE (Salz) SNR against the SNR a PAM-M slicer needs for SER ``target`` in AWGN
        (REFERENCE §8.1-8.2: the equaliser-independent limit); ``"com"``: IEEE 802.3 COM
        (:mod:`sigint.com`, parameter set ``com_preset``) of the host's board parts and the
        cable, with the preset's own device and package models instead of the host's
        package, at least ``target`` dB.
    target : float or None
        The error ratio to meet (default: KP4's pre-FEC BER 2.4e-4, REFERENCE §7.3), or for
        ``"com"`` the COM to reach, dB (default 3 dB, the standards' threshold).
    error_propagation : bool
        Include DFE error propagation (a Markov chain over the last decisions).
    precoding : bool
        1/(1+D) precoding (FLR only: bursts become two errors at their ends).
    inner_hamming : bool
        FLR only: the optical convention's inner Hamming(128,120) (hard decision) before KP4,
        fed by the pre-FEC BER as independent bit errors (bursts are not modelled through
        it: optimistic where a DFE propagates errors).
    com_preset : str
        COM only: the parameter set (``sigint presets``), whose symbol rate must be the
        spec's. Each length is one full COM search (the 802.3ck sets take seconds, the
        802.3dj ones minutes).
    """

    kind: CriterionKind = "ber"
    target: float | None = None
    error_propagation: bool = True
    precoding: bool = False
    inner_hamming: bool = False
    com_preset: str = "802.3ck-CR"

    def __post_init__(self):
        _check(self.kind in ("ber", "ser", "flr", "bound", "com"), "kind", self.kind,
               "'ber', 'ser', 'flr', 'bound' or 'com'")  # fmt: skip
        if self.target is None:
            object.__setattr__(self, "target", 3.0 if self.kind == "com" else 2.4e-4)
        if self.kind == "com":
            from ..com import PRESETS

            _check(self.com_preset in PRESETS, "com_preset", self.com_preset,
                   "one of " + ", ".join(PRESETS))  # fmt: skip
            _check(_finite(self.target) and -10 <= self.target <= 30, "target", self.target,
                   "a COM in dB from -10 to 30")  # fmt: skip
        else:
            _check(_finite(self.target) and 0 < self.target < 0.5, "target", self.target,
                   "an error ratio in (0, 0.5)")  # fmt: skip

    @property
    def unit(self) -> str:
        """The margin's unit: "decades" of error ratio, or "dB" of COM."""
        return "dB" if self.kind == "com" else "decades"

    @property
    def label(self) -> str:
        """E.g. "pre-FEC BER <= 2.4e-04"."""
        if self.kind == "com":
            return f"COM ({self.com_preset}) >= {self.target:g} dB"
        name = {"ber": "pre-FEC BER", "ser": "pre-FEC SER", "flr": "KP4 frame loss ratio",
                "bound": "MMSE-DFE bound SER"}[self.kind]  # fmt: skip
        inner = (
            " (Hamming(128,120) inner code)" if self.kind == "flr" and self.inner_hamming else ""
        )
        return f"{name}{inner} <= {self.target:.3g}"


@dataclass(frozen=True)
class ReachSpec:
    """One reach question (see the module docstring).

    Parameters
    ----------
    modulation : {"PAM4", "PAM6", "PAM8"}
    rate : str
        Rate class (REFERENCE §2: "112G", "224G", "448G").
    cable : CableSpec
    host : str
        Host preset (:data:`~sigint.reach.hosts.HOSTS`).
    rx_host : str or None
        The Rx side's host preset when it differs from the Tx side's (a cable-end redriver
        or retimer: ``"redriver"``, ``"retimer"``); None mirrors ``host``.
    eq : EqSpec
    criterion : Criterion
    swing_vppd : float
        Tx peak-to-peak differential swing of the outer levels.
    sndr_db : float or None
        Tx signal-to-noise-and-distortion ratio (None: no Tx noise).
    noise_density_v2_hz : float
        Rx input-referred noise, one-sided, V²/Hz (COM's η0).
    rj_rms_ui, dj_pp_ui : float
        Tx random and deterministic (dual-Dirac) jitter.
    rx_bandwidth_hz : float or None
        The Rx front end's 3-dB frequency (None: 0.75 x the baud rate, the link's default,
        which gives a 212.5 GBd receiver 159 GHz).
    aggressors : tuple of AggressorConfig
        Crosstalk into the victim's receiver (Touchstone or parametric), as given at every
        length (not scaled with the cable).
    max_length_m : float
        Longest cable considered; a link that closes there reports ">= max".
    resolution_m : float
        Length resolution of the solve (1 cm).
    samples_per_ui : int
        The statistical engine's resolution.
    """

    modulation: str = "PAM4"
    rate: str = "224G"
    cable: CableSpec = field(default_factory=CableSpec)
    host: str = "pcb"
    rx_host: str | None = None
    eq: EqSpec = field(default_factory=EqSpec)
    criterion: Criterion = field(default_factory=Criterion)
    swing_vppd: float = 0.8
    sndr_db: float | None = 33.0
    noise_density_v2_hz: float = 6e-18
    rj_rms_ui: float = 0.01
    dj_pp_ui: float = 0.0
    rx_bandwidth_hz: float | None = None
    aggressors: tuple = ()
    max_length_m: float = 10.0
    resolution_m: float = 0.01
    samples_per_ui: int = 16

    def __post_init__(self):
        _check(self.modulation in ("PAM2", "PAM4", "PAM6", "PAM8"), "modulation",
               self.modulation, "PAM2, PAM4, PAM6 or PAM8")  # fmt: skip
        rate_preset(self.rate)  # names the rate when it is unknown
        host_preset(self.host)
        if self.rx_host is not None:
            host_preset(self.rx_host)
        _check(_finite(self.max_length_m) and 0 < self.max_length_m <= 100, "max_length_m",
               self.max_length_m, "a length in (0, 100] m")  # fmt: skip
        _check(_finite(self.resolution_m) and 1e-4 <= self.resolution_m <= 0.5, "resolution_m",
               self.resolution_m, "0.1 mm to 0.5 m")  # fmt: skip
        if self.criterion.kind == "com":
            from ..com import load_preset

            f_com = load_preset(self.criterion.com_preset).f_baud_hz
            _check(abs(f_com / self.f_baud_hz - 1) < 1e-3, "criterion.com_preset",
                   self.criterion.com_preset,
                   f"a COM set at this spec's {self.f_baud_hz / 1e9:.4g} GBd (it is at "
                   f"{f_com / 1e9:.4g} GBd)")  # fmt: skip
        _check(all(isinstance(a, AggressorConfig) for a in self.aggressors), "aggressors",
               self.aggressors, "AggressorConfig objects")  # fmt: skip
        _check(_finite(self.noise_density_v2_hz) and self.noise_density_v2_hz >= 0,
               "noise_density_v2_hz", self.noise_density_v2_hz, "a density >= 0 V²/Hz")  # fmt: skip

    @property
    def levels(self) -> int:
        """M."""
        return int(self.modulation[3:])

    @property
    def f_baud_hz(self) -> float:
        """The symbol rate of this rate class and modulation."""
        return rate_preset(self.rate).f_baud_hz(self.levels)

    def replaced(self, **changes) -> ReachSpec:
        """A copy with fields changed (nested: ``cable``, ``eq``, ``criterion`` objects)."""
        return dataclasses.replace(self, **changes)


def link_config(spec: ReachSpec, length_m: float, eq: dict | None = None) -> LinkConfig:
    """The link of ``spec`` with ``length_m`` of cable and the equaliser ``eq``.

    ``eq`` holds ``g_dc_db``, ``g_dc2_db``, ``tx_taps``, ``tx_cursor``, ``rx_ffe_taps`` and
    ``rx_ffe_cursor`` (from the search); without it the spec's first grid values are used and
    the Rx FFE is left out.
    """
    host = host_preset(spec.host)
    rx_host = host if spec.rx_host is None else host_preset(spec.rx_host)
    cable = spec.cable.segment(length_m)
    segments = [*host.tx_side, cable, *rx_host.rx_side]
    if eq is None:
        pre, post = spec.eq.tx_pre[0], spec.eq.tx_post[0]
        eq = {"g_dc_db": spec.eq.g_dc_db[0], "g_dc2_db": spec.eq.g_dc2_db[0],
              "tx_taps": (pre, 1 - abs(pre) - abs(post), post), "tx_cursor": 1,
              "rx_ffe_taps": (), "rx_ffe_cursor": 0}  # fmt: skip
    return LinkConfig(
        modulation=spec.modulation,
        rate=spec.rate,
        tx=TxConfig(
            swing_vppd=spec.swing_vppd,
            ffe_taps=tuple(float(x) for x in eq["tx_taps"]),
            ffe_cursor=int(eq["tx_cursor"]),
            sndr_db=spec.sndr_db,
            jitter=JitterConfig(rj_rms_ui=spec.rj_rms_ui, dj_pp_ui=spec.dj_pp_ui),
        ),
        channel=ChannelConfig(tuple(segments), aggressors=tuple(spec.aggressors)),
        rx=RxConfig(
            bandwidth_hz=spec.rx_bandwidth_hz,
            noise_density_v2_hz=spec.noise_density_v2_hz,
            ctle_g_dc_db=float(eq["g_dc_db"]),
            ctle_g_dc2_db=float(eq["g_dc2_db"]),
            ffe_taps=tuple(float(x) for x in eq["rx_ffe_taps"]),
            ffe_cursor=int(eq["rx_ffe_cursor"]),
            dfe_taps=spec.eq.dfe_taps,
            sampling_offset_ui=float(eq.get("sampling_offset_ui", 0.0)),
        ),
        sim=SimConfig(
            n_symbols=100_000, samples_per_ui=spec.samples_per_ui, seed=1, warmup_symbols=4_000
        ),
    )
