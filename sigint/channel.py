"""Build the channel of a link config as a cascade of S-parameter blocks on a frequency grid."""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import os
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .channel_config import (
    ChannelConfig,
    ConnectorSegment,
    PackageSegment,
    StriplineSegment,
    TouchstoneSegment,
    TwinaxSegment,
    ViaSegment,
)
from .channels.boardline import oif_224g_board
from .channels.hygiene import HygieneReport, prepare
from .channels.mixedmode import PortMap, detect_port_map, differential, parse_port_map
from .channels.network import Network, cascade_list
from .channels.package import package_preset
from .channels.parts import design_a_via, next_gen_connector, osfp_gen2
from .channels.presets import stripline, twinax
from .channels.touchstone import read_touchstone

_CONNECTORS = {"osfp-gen2": osfp_gen2, "next-gen": next_gen_connector}


def segment_line(segment):
    """The transmission-line model of a line segment config."""
    if isinstance(segment, TwinaxSegment):
        return twinax(segment.awg)
    if isinstance(segment, StriplineSegment):
        return oif_224g_board() if segment.model == "oif-224g" else stripline()
    raise TypeError(f"no line model for segment {segment!r}")


def segment_network(segment, f_hz, z_ref_ohm: float, position: str, notes=None) -> Network:
    """The 2-port of one segment config on ``f_hz``.

    Parametric blocks are kept for the last few grids (:data:`BLOCK_CACHE_SIZE`): a reach or
    EQ study rebuilds the same host parts around a changing cable, and the blocks are
    immutable.

    Parameters
    ----------
    segment : segment config
    f_hz : ndarray
    z_ref_ohm : float
    position : {"first", "middle", "last"}
        Where the segment sits (orients packages with ``side = "auto"``).
    notes : list, optional
        Touchstone blocks append their :class:`TouchstoneInfo` (port map, hygiene) here.
    """
    if not isinstance(segment, TouchstoneSegment):
        if isinstance(segment, PackageSegment) and segment.side == "auto":
            side = "rx" if position == "last" else "tx"
            segment = dataclasses.replace(segment, side=side)
        return _parametric_block(segment, float(z_ref_ohm), _Grid(f_hz))
    if isinstance(segment, TouchstoneSegment):
        block, info = touchstone_block(
            segment.path,
            segment.ports,
            f_hz,
            enforce_passivity=segment.enforce_passivity,
            enforce_causality=segment.enforce_causality,
            scale=segment.scale,
        )
        if notes is not None:
            notes.append(info)
        return block.renormalized(z_ref_ohm) if block.z_ref_ohm != z_ref_ohm else block
    raise TypeError(f"no channel model for segment {segment!r}")


#: Parametric blocks kept (segment, z_ref, grid): the host parts of a study on a few grids.
BLOCK_CACHE_SIZE = 32


class _Grid:
    """A frequency grid as a cache key (hashed by content)."""

    __slots__ = ("_key", "f_hz")

    def __init__(self, f_hz):
        self.f_hz = np.asarray(f_hz, dtype=float)
        self._key = hashlib.blake2b(self.f_hz.tobytes(), digest_size=16).digest()

    def __hash__(self):
        return hash(self._key)

    def __eq__(self, other):
        return isinstance(other, _Grid) and self._key == other._key


@functools.lru_cache(maxsize=BLOCK_CACHE_SIZE)
def _parametric_block(segment, z_ref_ohm: float, grid: _Grid) -> Network:
    """The network of a parametric segment (package side resolved) on a grid."""
    f_hz = grid.f_hz
    if isinstance(segment, (TwinaxSegment, StriplineSegment)):
        return segment_line(segment).network(segment.length_m, f_hz, z_ref_ohm)
    if isinstance(segment, PackageSegment):
        return package_preset(segment.preset, segment.side).network(f_hz, z_ref_ohm)
    if isinstance(segment, ConnectorSegment):
        return _CONNECTORS[segment.preset]().network(f_hz, z_ref_ohm)
    if isinstance(segment, ViaSegment):
        via = design_a_via().network(f_hz, z_ref_ohm)
        return cascade_list([via] * segment.count)
    raise TypeError(f"no channel model for segment {segment!r}")


def build_channel(cfg: ChannelConfig, f_hz, notes: list | None = None) -> Network:
    """The differential 2-port of the whole channel, Tx side first.

    Parameters
    ----------
    cfg : ChannelConfig
    f_hz : array_like
        Frequencies, Hz, a uniform grid from 0 (parametric models are exact at DC; Touchstone
        blocks are DC-extrapolated, band-extended and resampled onto it, all reported).
    notes : list, optional
        Receives a :class:`TouchstoneInfo` per Touchstone block.
    """
    f = np.asarray(f_hz, dtype=float)
    if not any(isinstance(s, TouchstoneSegment) for s in cfg.segments):
        return _parametric_channel(cfg, _Grid(f))  # nothing to note; built once per grid
    return _cascade(cfg, f, notes)


def _cascade(cfg: ChannelConfig, f: np.ndarray, notes) -> Network:
    n = len(cfg.segments)
    blocks = [
        segment_network(
            s, f, cfg.z_ref_ohm, "first" if i == 0 else "last" if i == n - 1 else "mid", notes
        )
        for i, s in enumerate(cfg.segments)
    ]
    return cascade_list(blocks)


@functools.lru_cache(maxsize=4)
def _parametric_channel(cfg: ChannelConfig, grid: _Grid) -> Network:
    """A channel of parametric blocks only (the links of one study share it)."""
    return _cascade(cfg, grid.f_hz, None)


@dataclass(frozen=True)
class TouchstoneInfo:
    """How a Touchstone file became a differential block: the port map and the hygiene."""

    path: str
    n_ports: int
    port_map: str
    port_map_reason: str
    hygiene: HygieneReport
    port_map_spec: str | None = None  # "in+,in-:out+,out-" (None for a 2-port file)
    scaled: str = ""  # how the file was scaled in length ("" when it was not)

    def lines(self) -> list[str]:
        """Printable lines."""
        return [
            f"{self.path}: {self.n_ports}-port, port map {self.port_map} ({self.port_map_reason})",
            *([self.scaled] if self.scaled else []),
            *self.hygiene.lines(),
        ]

    def to_dict(self) -> dict:
        """JSON-ready dictionary."""
        return {
            "path": self.path,
            "n_ports": self.n_ports,
            "port_map": self.port_map,
            "port_map_reason": self.port_map_reason,
            "hygiene": self.hygiene.to_dict(),
            "scaled": self.scaled,
        }


@functools.lru_cache(maxsize=64)
def _read_differential(path: str, mtime_ns: int, ports: str | None):
    """Read a file once per modification and reduce it to its differential 2-port."""
    del mtime_ns  # part of the cache key only: an edited file is read again
    raw = read_touchstone(path)
    if raw.n_ports == 2:
        return raw, raw.n_ports, None, "a 2-port file is taken as the differential channel itself"
    if ports is not None:
        port_map = parse_port_map(ports)
        reason = "given"
    else:
        port_map, reason = detect_port_map(raw)
    return differential(raw, port_map), raw.n_ports, port_map, reason


def read_differential(path, ports: str | PortMap | None = None) -> tuple[Network, TouchstoneInfo]:
    """A Touchstone file as a differential 2-port on its own grid, with the port-map reason."""
    path = str(Path(path))
    try:
        mtime = os.stat(path).st_mtime_ns
    except OSError:
        mtime = -1  # read_touchstone raises the clear error
    key = _spec(ports) if isinstance(ports, PortMap) else ports
    net, n_ports, pmap, reason = _read_differential(path, mtime, key)
    shown = "-" if pmap is None else str(pmap)
    spec = None if pmap is None else _spec(pmap)
    return net, TouchstoneInfo(path, n_ports, shown, reason, HygieneReport(source=""), spec)


def _spec(port_map: PortMap) -> str:
    """The ``"in+,in-:out+,out-"`` text of a port map."""
    return f"{port_map.inp[0]},{port_map.inp[1]}:{port_map.out[0]},{port_map.out[1]}"


def touchstone_block(
    path,
    ports,
    f_hz,
    enforce_passivity: bool = False,
    enforce_causality: bool = False,
    scale: float | None = None,
) -> tuple[Network, TouchstoneInfo]:
    """A Touchstone file as a differential block on the simulation grid ``f_hz``.

    Reads the file (once per modification), maps its ports (given, or detected for 4-port
    files), converts to SDD, scales it in length when ``scale`` is given (a uniform cable:
    :func:`sigint.channels.scale.scale_line`, its asymmetry warning kept as a note), then
    extrapolates DC, extends the band, resamples and checks passivity, causality and
    reciprocity (:func:`sigint.channels.hygiene.prepare`), enforcing only what is asked. The
    returned info says what was done. The result is kept for the last few (file version,
    grid, options): a link reads its channel twice (the response, the delay estimate) and a
    study many times.
    """
    path = str(Path(path))
    try:
        mtime = os.stat(path).st_mtime_ns
    except OSError:
        mtime = -1  # read_touchstone raises the clear error
    key = _spec(ports) if isinstance(ports, PortMap) else ports
    return _touchstone_block(
        path, mtime, key, _Grid(f_hz), enforce_passivity, enforce_causality, scale
    )


@functools.lru_cache(maxsize=BLOCK_CACHE_SIZE)
def _touchstone_block(
    path, mtime, ports, grid: _Grid, enforce_passivity, enforce_causality, scale
) -> tuple[Network, TouchstoneInfo]:
    """:func:`touchstone_block` for one version of the file (``mtime``) on one grid."""
    del mtime  # part of the cache key only
    f_hz = grid.f_hz
    diff, info = read_differential(path, ports)
    scaled = ""
    if scale is not None:
        from .channels.scale import line_asymmetry, scale_line

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # stated in the note instead
            diff = scale_line(diff, scale)
        asym = line_asymmetry(read_differential(path, ports)[0])
        scaled = (
            f"scaled in length x{scale:.4g} as a uniform line (asymmetry |A-D|/|A| "
            f"{asym:.1%}: fixture ends scale with the cable)"
        )
    block, report = prepare(
        diff,
        f_hz,
        enforce_passivity=enforce_passivity,
        enforce_causality=enforce_causality,
    )
    info = TouchstoneInfo(
        info.path,
        info.n_ports,
        info.port_map,
        info.port_map_reason,
        report,
        info.port_map_spec,
        scaled,
    )
    return block, info


def delay_estimate_s(cfg: ChannelConfig) -> float:
    """Group delay of the channel near DC (from the phase slope of S21), s."""
    # 1 MHz steps keep the phase step below π for delays up to 500 ns, so unwrap is safe;
    # the slope is taken over 100-200 MHz, above the skin effect's low-frequency dispersion.
    f = np.arange(0, 201) * 1e6
    phase = np.unwrap(np.angle(build_channel(cfg, f).s21))[100:]
    slope = np.polyfit(2 * np.pi * f[100:], phase, 1)[0]
    return float(max(-slope, 0.0))
