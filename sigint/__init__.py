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

#: Every public name loads its module on first use, so ``import sigint`` (and the CLI's start)
#: stays fast: the engines pull in Numba, SciPy and matplotlib only when they are used.
_LAZY = {
    "ADC": "sigint.adc",
    **dict.fromkeys(("mmse_le_snr_db", "salz_mmse_dfe_snr_db"), "sigint.bounds"),
    **dict.fromkeys(("CDRConfig", "CDRReport", "ClockRecovery"), "sigint.cdr"),
    **dict.fromkeys(("build_channel", "touchstone_block"), "sigint.channel"),
    **dict.fromkeys(("ChannelReport", "channel_report"), "sigint.channel_report"),
    **dict.fromkeys(
        ("PortMap", "detect_port_map", "differential", "mixed_mode"), "sigint.channels.mixedmode"
    ),
    **dict.fromkeys(("Network", "cascade_list"), "sigint.channels.network"),
    **dict.fromkeys(
        ("TouchstoneError", "read_touchstone", "write_touchstone"), "sigint.channels.touchstone"
    ),
    **dict.fromkeys(
        (
            "AggressorConfig",
            "ChannelConfig",
            "ConnectorSegment",
            "LinkConfig",
            "PackageSegment",
            "RxConfig",
            "SimConfig",
            "StriplineSegment",
            "TouchstoneSegment",
            "TwinaxSegment",
            "TxConfig",
            "ViaSegment",
            "dumps_config",
            "load_config",
            "save_config",
        ),
        "sigint.config",
    ),
    **dict.fromkeys(("demo_config", "demo_configs"), "sigint.demo"),
    **dict.fromkeys(("search_ctle_txffe", "solve_ffe_dfe", "solve_from_link"), "sigint.eqopt"),
    **dict.fromkeys(("ConfigError", "SigintError"), "sigint.errors"),
    "EyeDiagram": "sigint.eye",
    "JitterConfig": "sigint.jitter",
    **dict.fromkeys(("JtolResult", "jtol", "plot_jtol"), "sigint.jtol"),
    "Link": "sigint.link",
    "MLSEDetector": "sigint.mlse",
    "Modulation": "sigint.modulation",
    **dict.fromkeys(("plot_eye", "plot_taps", "save_eye_plot"), "sigint.plots"),
    "PulseResponse": "sigint.pulse",
    **dict.fromkeys(("RATE_PRESETS", "rate_preset"), "sigint.rates"),
    "LinkResult": "sigint.results",
    **dict.fromkeys(
        ("Prbs", "PrecodeDecoder", "Precoder", "RandomBits", "demap_symbols", "map_bits"),
        "sigint.symbols",
    ),
    **dict.fromkeys(("ber_gray", "clopper_pearson", "required_snr_db", "ser_pam"), "sigint.theory"),
    "simulate": "sigint.timedomain",
    **dict.fromkeys(
        (
            "CableSpec",
            "Criterion",
            "EqSpec",
            "ReachResult",
            "ReachSpec",
            "ReachTable",
            "reach_table",
            "solve_reach",
        ),
        "sigint.reach",
    ),
    **dict.fromkeys(("CheckResult", "load_suite", "run_check"), "sigint.check"),
}


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value  # later look-ups skip this hook
        return value
    raise AttributeError(f"module 'sigint' has no attribute {name!r}")
