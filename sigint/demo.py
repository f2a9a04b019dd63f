"""The built-in example: one copper cable at 224G PAM4 and at 448G with PAM4, PAM6 and PAM8.

Its main result is the reach table (:func:`demo_reach_specs`): how many metres of the cable
close each link, solved with the equaliser optimised at every length and confirmed in the
time domain. Then the links at 1 m:

1 m of 26 AWG twinax between two PCB hosts (5 in of Megtron-7-class stripline on each side),
COM-like noise (η0 = 6e-18 V²/Hz at the Rx input, Tx SNDR 33 dB), a fixed Tx FFE, a two-stage
CTLE in the IEEE 93A form and a 24-tap zero-forcing DFE. The equaliser settings are fixed
presets, chosen by a coarse grid search on slicer SNR; per-link optimisation is a later step.
"""

from __future__ import annotations

from .config import (
    ChannelConfig,
    LinkConfig,
    RxConfig,
    SimConfig,
    StriplineSegment,
    TwinaxSegment,
    TxConfig,
)
from .rates import rate_preset

DEMO_LINKS = (("224G", "PAM4"), ("448G", "PAM4"), ("448G", "PAM6"), ("448G", "PAM8"))
HOST_TRACE_M = 0.127
CABLE_M = 1.0
CABLE_AWG = 26


def ctle_93a(f_baud_hz: float, g_dc_db: float, g_dc2_db: float = -3.0) -> dict:
    """Rx config fields of the IEEE 802.3 93A-22 two-stage CTLE at 802.3ck frequencies.

    ``f_baud_hz`` is accepted for symmetry with the rate presets; the 802.3ck relations
    (f_z = f_p1 = f_b/2.5, f_p2 = f_b, f_LF = f_b/80) follow the link's baud rate.
    """
    del f_baud_hz
    return {"ctle_g_dc_db": g_dc_db, "ctle_g_dc2_db": g_dc2_db}


def demo_config(rate: str, modulation: str, n_symbols: int = 200_000, seed: int = 1) -> LinkConfig:
    """The demo link at a rate preset and modulation."""
    levels = int(modulation[3:])
    f_baud = rate_preset(rate).f_baud_hz(levels)
    pre, post = (-0.15, 0.0) if rate == "224G" else (-0.15, -0.10)
    channel = ChannelConfig(
        (
            StriplineSegment(HOST_TRACE_M),
            TwinaxSegment(CABLE_M, CABLE_AWG),
            StriplineSegment(HOST_TRACE_M),
        )
    )
    return LinkConfig(
        modulation=modulation,
        rate=rate,
        tx=TxConfig(
            swing_vppd=0.8,
            ffe_taps=(pre, 1 - abs(pre) - abs(post), post),
            ffe_cursor=1,
            sndr_db=33.0,
        ),
        channel=channel,
        rx=RxConfig(noise_density_v2_hz=6e-18, dfe_taps=24, **ctle_93a(f_baud, -14.0)),
        sim=SimConfig(n_symbols=n_symbols, seed=seed, warmup_symbols=4_000),
    )


def demo_configs(n_symbols: int = 200_000, seed: int = 1) -> list[LinkConfig]:
    """All demo links, 224G PAM4 first."""
    return [demo_config(r, m, n_symbols, seed) for r, m in DEMO_LINKS]


#: The demo's reach questions: (rate, modulation, host preset).
DEMO_REACH = (
    ("224G", "PAM4", "pcb"),
    ("448G", "PAM4", "pcb"),
    ("448G", "PAM4", "cabled"),
    ("448G", "PAM6", "cabled"),
    ("448G", "PAM8", "cabled"),
)


def demo_reach_specs():
    """How far the demo's cable (26 AWG twinax) reaches: 224G PAM4 with PCB hosts and
    today's package, 448G with them (it does not close) and with cabled hosts and a
    next-generation package (PAM4/6/8); EQ optimised at every length, pre-FEC BER 2.4e-4."""
    from .reach import CableSpec, ReachSpec

    cable = CableSpec("twinax", awg=CABLE_AWG)
    return [ReachSpec(modulation=m, rate=r, host=h, cable=cable) for r, m, h in DEMO_REACH]
