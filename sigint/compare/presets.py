"""The architectures as editable presets built from the engines' blocks.

Each architecture is a chain of *segments*; a retimer (AEC retimer, module DSP) ends one
segment and starts the next, and the segments' pre-FEC BERs add (each retimer decides and
re-sends, errors included). Linear parts (a redriver, an LPO's driver and TIA) stay inside one
segment.

============== =====================================================================================
dac            host SerDes → host → twinax (d) → host → SerDes (one electrical segment)
acc            the DAC with a linear redriver at the cable's Rx end (``rx_host = "redriver"``)
aec            host → retimer (×2, one per end) + retimer → twinax (d) → retimer
dsp-pluggable  host → module DSP (×2) + DSP → driver → optics → fibre (d) → PD/TIA → DSP
lpo            SerDes → host channel (22 dB) → driver → optics → fibre (d) → PD/TIA → host
               channel (22 dB) → SerDes, no retimer (one segment)
npo            as LPO with 12 dB host channels
cpo            as LPO with 4 dB host channels (the package's copper to the optical engine)
============== =====================================================================================

Host channels of the linear optics are Megtron-7-class stripline of the length that gives
the stated loss at the Nyquist frequency (REFERENCE §4.2; reflections of packages and
connectors are not modelled). Optical blocks are the 200G/lane LPO defaults of REFERENCE §6.1
at 112G/224G, and at 448G (212.5 GBd PAM4) the fastest devices REFERENCE §6.1 lists:
TFLN MZM 140 GHz with Vπ 2.7 V [S13], and 110 GHz driver, PD and TIA [R] (an assumption:
no 448G optics have been published).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from ..channel_config import StriplineSegment
from ..channels.presets import stripline
from ..config import RxConfig, SimConfig, TxConfig
from ..errors import ConfigError
from ..optics.config import (
    DriverConfig,
    FibreConfig,
    LaserConfig,
    ModulatorConfig,
    OpticsConfig,
    PhotodiodeConfig,
    TiaConfig,
)
from ..optics.link import OpticalEqConfig, OpticalLinkConfig
from ..rates import rate_preset
from ..reach.spec import CableSpec, Criterion, ReachSpec
from .ledger import ARCHITECTURES

#: Host-channel loss at Nyquist of each linear-optics architecture, dB (REFERENCE §7.1/§6.1:
#: LPO 22-30 dB bump-to-bump, NPO ~12 dB, CPO ~4 dB).
HOST_LOSS_DB = {"lpo": 22.0, "npo": 12.0, "cpo": 4.0}

#: Copper cables beyond this length are not evaluated (their loss at Nyquist is reported).
MAX_COPPER_M = 10.0


@dataclass(frozen=True)
class CompareSpec:
    """What ``sigint compare`` asks: one rate, one modulation, the distances and the criterion.

    Parameters
    ----------
    rate : str
        "112G", "224G" or "448G".
    modulation : str
        PAM4, PAM6 or PAM8 (every architecture uses it).
    distances_m : tuple of float
    architectures : tuple of str
        Some of :data:`~sigint.compare.ledger.ARCHITECTURES`.
    target_ber : float
        Pre-FEC BER every architecture must meet end to end (KP4: 2.4e-4; with an inner
        Hamming(128,120) code, 4.85e-3).
    copper_awg : int
        The cables' twinax gauge.
    host : str or None
        Copper host preset; None: ``"pcb"`` up to 224G, ``"cabled"`` at 448G (the PCB host
        does not close at 448G, REFERENCE §3.1).
    host_loss_db : dict
        Host-channel loss at Nyquist of LPO/NPO/CPO.
    confirm_symbols : int
        Run the optical time-domain engine on every optical point with this many symbols
        (0: the linearised engine alone).
    """

    rate: str = "224G"
    modulation: str = "PAM4"
    distances_m: tuple[float, ...] = (0.3, 1.0, 2.0, 5.0, 30.0, 100.0, 500.0)
    architectures: tuple[str, ...] = ARCHITECTURES
    target_ber: float = 2.4e-4
    copper_awg: int = 26
    host: str | None = None
    host_loss_db: dict = field(default_factory=lambda: dict(HOST_LOSS_DB))
    confirm_symbols: int = 0

    def __post_init__(self):
        rate_preset(self.rate)
        if self.modulation not in ("PAM4", "PAM6", "PAM8"):
            raise ConfigError("modulation", self.modulation, "PAM4, PAM6 or PAM8")
        if not self.distances_m or any(not (0 <= d <= 100e3) for d in self.distances_m):
            raise ConfigError("distances_m", self.distances_m, "distances from 0 to 100 km")
        for a in self.architectures:
            if a not in ARCHITECTURES:
                raise ConfigError("architectures", a, "one of " + ", ".join(ARCHITECTURES))
        if not 0 < self.target_ber < 0.5:
            raise ConfigError("target_ber", self.target_ber, "a BER in (0, 0.5)")
        if self.confirm_symbols < 0:
            raise ConfigError("confirm_symbols", self.confirm_symbols, "≥ 0")

    @property
    def copper_host(self) -> str:
        """The copper host preset in use."""
        if self.host is not None:
            return self.host
        return "cabled" if self.rate == "448G" else "pcb"

    @property
    def f_baud_hz(self) -> float:
        """The symbol rate."""
        return rate_preset(self.rate).f_baud_hz(int(self.modulation[3:]))


def copper_spec(spec: CompareSpec, host: str, rx_host: str | None = None) -> ReachSpec:
    """The electrical segment of a copper architecture (twinax of the spec's gauge)."""
    return ReachSpec(
        modulation=spec.modulation,
        rate=spec.rate,
        cable=CableSpec("twinax", awg=spec.copper_awg),
        host=host,
        rx_host=rx_host,
        criterion=Criterion(kind="ber", target=spec.target_ber),
    )


def host_channel(loss_db: float, f_nyquist_hz: float) -> tuple:
    """Stripline segments with ``loss_db`` of insertion loss at ``f_nyquist_hz``."""
    if loss_db <= 0:
        return ()
    per_m = float(stripline().loss_db_per_m(f_nyquist_hz))
    return (StriplineSegment(loss_db / per_m),)


def optics_preset(rate: str) -> OpticsConfig:
    """The optical engine's blocks for a rate class (module docstring)."""
    if rate == "448G":
        return OpticsConfig(
            driver=DriverConfig(gain_db=6.0, bandwidth_hz=110e9),
            laser=LaserConfig(),
            modulator=ModulatorConfig(vpi_v=2.7, bandwidth_hz=140e9),
            fibre=FibreConfig(),
            photodiode=PhotodiodeConfig(bandwidth_hz=110e9),
            tia=TiaConfig(bandwidth_hz=110e9),
        )
    if rate == "112G":
        return OpticsConfig(
            driver=DriverConfig(gain_db=12.0, bandwidth_hz=40e9),
            modulator=ModulatorConfig(bandwidth_hz=40e9),
            photodiode=PhotodiodeConfig(bandwidth_hz=40e9),
            tia=TiaConfig(bandwidth_hz=35e9),
        )
    return OpticsConfig()


def optical_config(spec: CompareSpec, arch: str, distance_m: float, **eq) -> OpticalLinkConfig:
    """The optical segment of ``arch`` at ``distance_m`` of fibre.

    ``eq`` may set ``tx_taps``/``tx_cursor`` (host Tx FFE), ``driver_peaking_db`` and
    ``ctle_g_dc_db`` (the host Rx CTLE), searched by :mod:`.evaluate`.
    """
    optics = optics_preset(spec.rate)
    optics = dataclasses.replace(
        optics,
        fibre=dataclasses.replace(optics.fibre, length_m=float(distance_m)),
        driver=dataclasses.replace(optics.driver, peaking_db=eq.get("driver_peaking_db", 0.0)),
    )
    f_nyq = spec.f_baud_hz / 2
    host = () if arch == "dsp-pluggable" else host_channel(spec.host_loss_db[arch], f_nyq)
    return OpticalLinkConfig(
        modulation=spec.modulation,
        rate=spec.rate,
        tx=TxConfig(
            swing_vppd=0.8,
            ffe_taps=tuple(eq.get("tx_taps", (1.0,))),
            ffe_cursor=int(eq.get("tx_cursor", 0)),
            sndr_db=33.0,
            pattern="random",
        ),
        host_tx=host,
        optics=optics,
        host_rx=host,
        rx=RxConfig(
            noise_density_v2_hz=6e-18,
            ctle_g_dc_db=eq.get("ctle_g_dc_db"),
        ),
        # Module DSP or host SerDes: 32-tap FFE and 2-tap DFE (REFERENCE §6.1 host Rx EQ).
        eq=OpticalEqConfig(ffe_pre=4, ffe_post=27, dfe_taps=2),
        sim=SimConfig(
            n_symbols=max(spec.confirm_symbols, 20_000) + 10_000,
            samples_per_ui=16,
            eye=False,
            warmup_symbols=10_000,
        ),
    )
