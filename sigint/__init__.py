"""sigint: SerDes / PAM signal-integrity simulator.

PAM4/6/8 symbol streams through S-parameter copper channels and Tx/Rx equalisers, simulated bit
by bit (Numba kernels, streamed in chunks) with eyes, SNR and BER.

Examples
--------
>>> import sigint
>>> cfg = sigint.demo_config("224G", "PAM4", n_symbols=20_000)
>>> result = sigint.simulate(cfg)
>>> result.snr_db > 20
True
"""

from ._version import __version__
from .adc import ADC
from .bounds import mmse_le_snr_db, salz_mmse_dfe_snr_db
from .cdr import CDRConfig, CDRReport, ClockRecovery
from .channel import build_channel, touchstone_block
from .channel_report import ChannelReport, channel_report
from .channels.mixedmode import PortMap, detect_port_map, differential, mixed_mode
from .channels.network import Network, cascade_list
from .channels.touchstone import TouchstoneError, read_touchstone, write_touchstone
from .config import (
    AggressorConfig,
    ChannelConfig,
    ConnectorSegment,
    LinkConfig,
    PackageSegment,
    RxConfig,
    SimConfig,
    StriplineSegment,
    TouchstoneSegment,
    TwinaxSegment,
    TxConfig,
    ViaSegment,
    dumps_config,
    load_config,
    save_config,
)
from .demo import demo_config, demo_configs
from .eqopt import search_ctle_txffe, solve_ffe_dfe, solve_from_link
from .errors import ConfigError, SigintError
from .eye import EyeDiagram
from .jitter import JitterConfig
from .jtol import JtolResult, jtol, plot_jtol
from .link import Link
from .mlse import MLSEDetector
from .modulation import Modulation
from .plots import plot_eye, plot_taps, save_eye_plot
from .pulse import PulseResponse
from .rates import RATE_PRESETS, rate_preset
from .results import LinkResult
from .symbols import Prbs, PrecodeDecoder, Precoder, RandomBits, demap_symbols, map_bits
from .theory import ber_gray, clopper_pearson, required_snr_db, ser_pam
from .timedomain import simulate

__all__ = [
    "ADC",
    "RATE_PRESETS",
    "AggressorConfig",
    "CDRConfig",
    "CDRReport",
    "CableSpec",
    "ChannelConfig",
    "ChannelReport",
    "CheckResult",
    "ClockRecovery",
    "ConfigError",
    "ConnectorSegment",
    "Criterion",
    "EqSpec",
    "EyeDiagram",
    "JitterConfig",
    "JtolResult",
    "Link",
    "LinkConfig",
    "LinkResult",
    "MLSEDetector",
    "Modulation",
    "Network",
    "PackageSegment",
    "PortMap",
    "Prbs",
    "PrecodeDecoder",
    "Precoder",
    "PulseResponse",
    "RandomBits",
    "ReachResult",
    "ReachSpec",
    "ReachTable",
    "RxConfig",
    "SigintError",
    "SimConfig",
    "StriplineSegment",
    "TouchstoneError",
    "TouchstoneSegment",
    "TwinaxSegment",
    "TxConfig",
    "ViaSegment",
    "__version__",
    "ber_gray",
    "build_channel",
    "cascade_list",
    "channel_report",
    "clopper_pearson",
    "demap_symbols",
    "demo_config",
    "demo_configs",
    "detect_port_map",
    "differential",
    "dumps_config",
    "jtol",
    "load_config",
    "load_suite",
    "map_bits",
    "mixed_mode",
    "mmse_le_snr_db",
    "plot_eye",
    "plot_jtol",
    "plot_taps",
    "rate_preset",
    "reach_table",
    "read_touchstone",
    "required_snr_db",
    "run_check",
    "salz_mmse_dfe_snr_db",
    "save_config",
    "save_eye_plot",
    "search_ctle_txffe",
    "ser_pam",
    "simulate",
    "solve_ffe_dfe",
    "solve_from_link",
    "solve_reach",
    "touchstone_block",
    "write_touchstone",
]

#: Names whose subpackages load on first use (their HDF5 sweep store, FEC and report modules
#: would add ~0.2 s to every ``import sigint``).
_LAZY = {
    **dict.fromkeys(
        ("CableSpec", "Criterion", "EqSpec", "ReachResult", "ReachSpec", "ReachTable",
         "reach_table", "solve_reach"),
        "sigint.reach",
    ),
    **dict.fromkeys(("CheckResult", "load_suite", "run_check"), "sigint.check"),
}  # fmt: skip


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'sigint' has no attribute {name!r}")
