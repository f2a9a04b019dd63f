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
from .channel import build_channel
from .config import (
    ChannelConfig,
    LinkConfig,
    RxConfig,
    SimConfig,
    StriplineSegment,
    TwinaxSegment,
    TxConfig,
    dumps_config,
    load_config,
    save_config,
)
from .demo import demo_config, demo_configs
from .errors import ConfigError, SigintError
from .eye import EyeDiagram
from .link import Link
from .modulation import Modulation
from .plots import plot_eye, save_eye_plot
from .pulse import PulseResponse
from .rates import RATE_PRESETS, rate_preset
from .results import LinkResult
from .symbols import Prbs, PrecodeDecoder, Precoder, RandomBits, demap_symbols, map_bits
from .theory import ber_gray, clopper_pearson, required_snr_db, ser_pam
from .timedomain import simulate

__all__ = [
    "RATE_PRESETS",
    "ChannelConfig",
    "ConfigError",
    "EyeDiagram",
    "Link",
    "LinkConfig",
    "LinkResult",
    "Modulation",
    "Prbs",
    "PrecodeDecoder",
    "Precoder",
    "PulseResponse",
    "RandomBits",
    "RxConfig",
    "SigintError",
    "SimConfig",
    "StriplineSegment",
    "TwinaxSegment",
    "TxConfig",
    "__version__",
    "ber_gray",
    "build_channel",
    "clopper_pearson",
    "demap_symbols",
    "demo_config",
    "demo_configs",
    "dumps_config",
    "load_config",
    "map_bits",
    "plot_eye",
    "rate_preset",
    "required_snr_db",
    "save_config",
    "save_eye_plot",
    "ser_pam",
    "simulate",
]
