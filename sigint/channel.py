"""Build the channel of a link config as a cascade of S-parameter blocks on a frequency grid."""

from __future__ import annotations

import numpy as np

from .channels.network import Network, cascade_list
from .channels.presets import stripline, twinax
from .config import ChannelConfig, StriplineSegment, TwinaxSegment


def segment_line(segment):
    """The transmission-line model of a line segment config."""
    if isinstance(segment, TwinaxSegment):
        return twinax(segment.awg)
    if isinstance(segment, StriplineSegment):
        return stripline()
    raise TypeError(f"no channel model for segment {segment!r}")


def build_channel(cfg: ChannelConfig, f_hz) -> Network:
    """The differential 2-port of the whole channel, Tx side first.

    Parameters
    ----------
    cfg : ChannelConfig
    f_hz : array_like
        Frequencies, Hz (0 allowed: parametric models are exact at DC).
    """
    f = np.asarray(f_hz, dtype=float)
    blocks = [segment_line(s).network(s.length_m, f, cfg.z_ref_ohm) for s in cfg.segments]
    return cascade_list(blocks)


def delay_estimate_s(cfg: ChannelConfig) -> float:
    """Group delay of the channel near DC (from the phase slope of S21), s."""
    # 1 MHz steps keep the phase step below π for delays up to 500 ns, so unwrap is safe;
    # the slope is taken over 100-200 MHz, above the skin effect's low-frequency dispersion.
    f = np.arange(100, 201) * 1e6
    phase = np.unwrap(np.angle(build_channel(cfg, f).s21))
    slope = np.polyfit(2 * np.pi * f, phase, 1)[0]
    return float(max(-slope, 0.0))


def touchstone_block(path, ports, f_hz):
    """Placeholder until the Touchstone reader lands."""
    raise NotImplementedError
