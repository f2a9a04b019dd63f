"""Fixed host parts of a reach study: what sits between each SerDes die and the cable.

A reach study varies one thing, the cable's length; everything else is a *host preset*: the
package (IEEE 802.3 Annex 93A/178A device and package model), the host's path to the cable
connector (PCB stripline and vias, or a flyover twinax), and the mated connector. The Rx side
mirrors the Tx side. The presets are the three host classes the 448G discussion uses
(REFERENCE §3.1, §4.2-4.3, §8.3):

- ``"pcb"`` — today's host: the 802.3dj class-A package at its long test case (z_p = 33 mm),
  5 in of Megtron-7-class stripline (REFERENCE §4.2, the OIF 224G board model), two vias and an
  OSFP Gen2 connector (usable to ~85 GHz);
- ``"cabled"`` — a cabled (flyover) host with a next-generation package (``"448g-next-gen"``:
  the 802.3dj class-A model with halved parasitics and a 16 mm trace, ~5 dB at 106 GHz, the
  OIF 448G framework's class-A target, REFERENCE §3.1), 1 cm of breakout stripline, 0.15 m
  of 32 AWG flyover twinax
  (REFERENCE §4.1: 0.45 dB/in at 106 GHz sits between 30 and 32 AWG) and the high-density
  "next-gen" connector (3-dB bandwidth > 120 GHz);
- ``"none"`` — the cable alone (closed-form checks, cable-only studies);
- ``"cpo-adjacent"`` — the shortest electrical host: the next-generation package, 1 cm of
  stripline and the next-gen connector (the copper that remains when the optics sit beside
  the package).

Two presets stand for the far side of an active cable or module (``ReachSpec.rx_host``):

- ``"redriver"`` — the cable plug's paddle card, 2 cm of stripline to a linear redriver's
  input (its CTLE is the link's CTLE; its noise the link's η0; the host side after it is
  taken as equalised by the host SerDes without an SNR penalty);
- ``"retimer"`` — a retimer or module DSP behind the host connector: the next-gen connector,
  1 cm of paddle-card stripline and the next-gen package (as ``"cpo-adjacent"``, mirrored).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..channel_config import (
    ConnectorSegment,
    PackageSegment,
    StriplineSegment,
    TwinaxSegment,
    ViaSegment,
)
from ..errors import ConfigError


@dataclass(frozen=True)
class HostPreset:
    """One side's fixed parts, die to cable connector (mirrored on the Rx side).

    Attributes
    ----------
    name : str
    tx_side : tuple of segment configs
        From the Tx die to the cable, in order; the Rx side is the same, reversed.
    description : str
    """

    name: str
    tx_side: tuple
    description: str

    @property
    def rx_side(self) -> tuple:
        """The Rx side's segments, cable to die."""
        return tuple(reversed(self.tx_side))


HOSTS: dict[str, HostPreset] = {
    h.name: h
    for h in (
        HostPreset(
            "pcb",
            (
                PackageSegment("802.3dj-A"),
                StriplineSegment(0.127),
                ViaSegment(2),
                ConnectorSegment("osfp-gen2"),
            ),
            "PCB host + today's package: 802.3dj class-A package (33 mm), 5 in stripline, "
            "2 vias, OSFP Gen2 connector",
        ),
        HostPreset(
            "cabled",
            (
                PackageSegment("448g-next-gen"),
                StriplineSegment(0.01),
                TwinaxSegment(0.15, 32),
                ConnectorSegment("next-gen"),
            ),
            "cabled (flyover) host + next-generation package: 448G next-gen package, 1 cm "
            "breakout, 0.15 m 32 AWG flyover, next-gen connector",
        ),
        HostPreset(
            "none",
            (),
            "no host: the cable alone between the Tx and Rx (theory checks and cable-only studies)",
        ),
        HostPreset(
            "cpo-adjacent",
            (
                PackageSegment("448g-next-gen"),
                StriplineSegment(0.01),
                ConnectorSegment("next-gen"),
            ),
            "CPO-adjacent: 448G next-gen package, 1 cm stripline, next-gen connector",
        ),
        HostPreset(
            "redriver",
            (StriplineSegment(0.02),),
            "cable-end linear redriver: 2 cm of paddle-card stripline to the redriver die",
        ),
        HostPreset(
            "retimer",
            (
                PackageSegment("448g-next-gen"),
                StriplineSegment(0.01),
                ConnectorSegment("next-gen"),
            ),
            "retimer / module DSP: next-gen package, 1 cm paddle-card stripline, next-gen "
            "connector",
        ),
    )
}


def host_preset(name: str) -> HostPreset:
    """A host preset by name (one of :data:`HOSTS`)."""
    try:
        return HOSTS[name]
    except KeyError:
        raise ConfigError("host", name, "one of " + ", ".join(HOSTS)) from None
