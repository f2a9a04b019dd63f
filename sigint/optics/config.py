"""Frozen, validated configs of the optical engine's blocks (REFERENCE §6.1 defaults).

The chain, in order: linear driver → laser + modulator (MZM or EML) → coupling and mux loss →
fibre (SMF or MMF) → photodiode → TIA. Defaults are the Meta / Hisense 200G-per-lane LPO
models of REFERENCE §6.1 (RIN −145 dB/Hz, 1 MHz linewidth, MZM Vπ 5.5 V at 60 GHz, 1.5 dB mux,
PD 0.6 A/W at 65 GHz, TIA 18 pA/√Hz at 56 GHz), O-band 1310 nm SMF.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from .._configio import check as _check
from .._configio import finite as _finite
from ..units import db_to_lin_power, dbm_to_w

FibreKind = Literal["smf", "mmf"]
ModulatorKind = Literal["mzm", "eml"]
RinReference = Literal["oma", "average"]


def _positive(value: float) -> bool:
    return _finite(value) and value > 0


def _non_negative(value: float) -> bool:
    return _finite(value) and value >= 0


def _check_swing_limit(swing_vppd: float | None) -> None:
    """An output swing limit: positive Vppd, or None for a linear block."""
    if swing_vppd is not None:
        _check(_positive(swing_vppd), "swing_vppd", swing_vppd, "a positive swing in Vppd, or None")


@dataclass(frozen=True)
class DriverConfig:
    """Linear modulator driver: gain, bandwidth, high-frequency peaking and output swing.

    Parameters
    ----------
    gain_db : float
        Low-frequency voltage gain, dB (input volts to modulator volts).
    bandwidth_hz : float
        3-dB frequency of its 2nd-order Butterworth roll-off.
    peaking_db : float
        CTLE-like peaking: a zero at ``bandwidth / 10^(peaking/20)`` and a pole at the
        bandwidth, so the gain rises by this much towards the band edge (0: flat).
    swing_vppd : float or None
        Output swing limit, V peak-to-peak differential: the output saturates as
        ``(swing/2)·tanh(v / (swing/2))``. None: unlimited (linear).
    """

    gain_db: float = 12.0
    bandwidth_hz: float = 56e9
    peaking_db: float = 0.0
    swing_vppd: float | None = None

    def __post_init__(self):
        _check(
            _finite(self.gain_db) and -40 <= self.gain_db <= 40,
            "gain_db",
            self.gain_db,
            "a gain in dB from −40 to 40",
        )
        _check(_positive(self.bandwidth_hz), "bandwidth_hz", self.bandwidth_hz, "a positive Hz")
        _check(
            _finite(self.peaking_db) and 0 <= self.peaking_db <= 20,
            "peaking_db",
            self.peaking_db,
            "a peaking from 0 to 20 dB",
        )
        _check_swing_limit(self.swing_vppd)


@dataclass(frozen=True)
class LaserConfig:
    """CW laser: power, relative intensity noise and linewidth.

    Parameters
    ----------
    power_dbm : float
        Optical power into the modulator, dBm.
    rin_db_hz : float
        Relative intensity noise, dB/Hz (one-sided).
    rin_reference : {"oma", "average"}
        ``"oma"``: IEEE RIN_xOMA (802.3 52.9.6, 124.8.7): the noise density is RIN · OMA²,
        whatever level is sent. ``"average"``: RIN · P_avg², the laser's own CW RIN.
    linewidth_hz : float
        Lorentzian linewidth: the field's phase is a Wiener process of variance 2π·Δν·dt per
        step; it matters only through dispersion (phase-to-intensity conversion).
    wavelength_m : float
        Carrier wavelength.
    """

    power_dbm: float = 10.0
    rin_db_hz: float = -145.0
    rin_reference: RinReference = "oma"
    linewidth_hz: float = 1e6
    wavelength_m: float = 1310e-9

    def __post_init__(self):
        _check(
            _finite(self.power_dbm) and -30 <= self.power_dbm <= 30,
            "power_dbm",
            self.power_dbm,
            "a laser power from −30 to 30 dBm",
        )
        _check(
            _finite(self.rin_db_hz) and -180 <= self.rin_db_hz <= -100,
            "rin_db_hz",
            self.rin_db_hz,
            "a RIN from −180 to −100 dB/Hz",
        )
        _check(
            self.rin_reference in ("oma", "average"),
            "rin_reference",
            self.rin_reference,
            "'oma' (IEEE RIN_xOMA) or 'average'",
        )
        _check(_non_negative(self.linewidth_hz), "linewidth_hz", self.linewidth_hz, "≥ 0 Hz")
        _check(
            _finite(self.wavelength_m) and 700e-9 <= self.wavelength_m <= 1700e-9,
            "wavelength_m",
            self.wavelength_m,
            "a wavelength from 700 to 1700 nm, in metres",
        )

    @property
    def power_w(self) -> float:
        """Laser power, W."""
        return float(dbm_to_w(self.power_dbm))


@dataclass(frozen=True)
class ModulatorConfig:
    """Intensity modulator: a Mach–Zehnder (sin² transfer) or an electro-absorption EML.

    Parameters
    ----------
    kind : {"mzm", "eml"}
        ``"mzm"``: push-pull, chirp-free; field E = √(P_in·IL)·sin(π/2 · (V_bias + v)/Vπ), so
        the power transfer is sin²(π/2 · V/Vπ) (0 at V = 0, full at V = Vπ) and quadrature is
        V_bias = Vπ/2. ``"eml"``: power linear in the drive between the extinction-ratio
        levels at ±``drive_vpp/2``, with transient chirp α (phase (α/2)·ln P).
    vpi_v : float
        MZM half-wave voltage Vπ.
    bias_v : float or None
        MZM DC bias; None: quadrature (Vπ/2).
    bandwidth_hz : float
        Electro-optic 3-dB bandwidth (a 1st-order roll-off of the drive, MZM travelling-wave
        electrodes or the EML's RC).
    insertion_loss_db : float
        Optical insertion loss at full transmission (MZM) or of the EML's high level.
    extinction_ratio_db : float
        EML: P_high/P_low at a drive of ``drive_vpp``.
    drive_vpp : float
        EML: the drive that gives ``extinction_ratio_db``.
    chirp_alpha : float
        EML: Henry factor α of the transient chirp (0: chirp-free).
    """

    kind: ModulatorKind = "mzm"
    vpi_v: float = 5.5
    bias_v: float | None = None
    bandwidth_hz: float = 60e9
    insertion_loss_db: float = 5.0
    extinction_ratio_db: float = 5.0
    drive_vpp: float = 1.5
    chirp_alpha: float = 0.0

    def __post_init__(self):
        _check(self.kind in ("mzm", "eml"), "kind", self.kind, "'mzm' or 'eml'")
        _check(_positive(self.vpi_v), "vpi_v", self.vpi_v, "a positive Vπ in volts")
        if self.bias_v is not None:
            _check(_finite(self.bias_v), "bias_v", self.bias_v, "a bias in volts, or None")
        _check(_positive(self.bandwidth_hz), "bandwidth_hz", self.bandwidth_hz, "a positive Hz")
        _check(
            _non_negative(self.insertion_loss_db),
            "insertion_loss_db",
            self.insertion_loss_db,
            "a loss ≥ 0 dB",
        )
        _check(
            _finite(self.extinction_ratio_db) and 0 < self.extinction_ratio_db <= 30,
            "extinction_ratio_db",
            self.extinction_ratio_db,
            "an ER in (0, 30] dB",
        )
        _check(_positive(self.drive_vpp), "drive_vpp", self.drive_vpp, "a positive drive in Vpp")
        _check(
            _finite(self.chirp_alpha) and abs(self.chirp_alpha) <= 10,
            "chirp_alpha",
            self.chirp_alpha,
            "a chirp factor |α| ≤ 10",
        )
        if self.kind == "mzm":
            _check(
                self.chirp_alpha == 0,
                "chirp_alpha",
                self.chirp_alpha,
                "0 for a push-pull MZM (chirp is the EML's)",
            )

    @property
    def bias(self) -> float:
        """The MZM's DC bias, V (quadrature unless set)."""
        return self.vpi_v / 2 if self.bias_v is None else self.bias_v


@dataclass(frozen=True)
class FibreConfig:
    """Fibre: attenuation, chromatic dispersion on the field, and (MMF) modal bandwidth.

    Parameters
    ----------
    kind : {"smf", "mmf"}
    length_m : float
    attenuation_db_km : float
        O-band SMF 0.35-0.5 dB/km; 1550 nm 0.2 dB/km (REFERENCE §6.2).
    dispersion_ps_nm_km : float or None
        Chromatic dispersion D at the laser's wavelength. None: SMF from
        D(λ) = (S0/4)(λ − λ0⁴/λ³) with ``zero_dispersion_m`` and ``slope_ps_nm2_km``; MMF
        −100 ps/(nm·km) (850 nm).
    zero_dispersion_m : float
        λ0 of the SMF formula (1300-1324 nm).
    slope_ps_nm2_km : float
        S0 of the SMF formula (≤ 0.092-0.093).
    modal_bandwidth_mhz_km : float
        MMF effective modal bandwidth (OM4 4700, OM3 2000 MHz·km): a Gaussian low-pass of the
        received power with 3-dB frequency EMB / length.
    """

    kind: FibreKind = "smf"
    length_m: float = 500.0
    attenuation_db_km: float = 0.4
    dispersion_ps_nm_km: float | None = None
    zero_dispersion_m: float = 1300e-9
    slope_ps_nm2_km: float = 0.092
    modal_bandwidth_mhz_km: float = 4700.0

    def __post_init__(self):
        _check(self.kind in ("smf", "mmf"), "kind", self.kind, "'smf' or 'mmf'")
        _check(
            _finite(self.length_m) and 0 <= self.length_m <= 100e3,
            "length_m",
            self.length_m,
            "a length from 0 to 100 km, in metres",
        )
        _check(
            _non_negative(self.attenuation_db_km),
            "attenuation_db_km",
            self.attenuation_db_km,
            "≥ 0 dB/km",
        )
        if self.dispersion_ps_nm_km is not None:
            _check(
                _finite(self.dispersion_ps_nm_km) and abs(self.dispersion_ps_nm_km) <= 200,
                "dispersion_ps_nm_km",
                self.dispersion_ps_nm_km,
                "|D| ≤ 200 ps/(nm·km)",
            )
        _check(
            _finite(self.zero_dispersion_m) and 1200e-9 <= self.zero_dispersion_m <= 1400e-9,
            "zero_dispersion_m",
            self.zero_dispersion_m,
            "λ0 from 1200 to 1400 nm",
        )
        _check(
            _non_negative(self.slope_ps_nm2_km) and self.slope_ps_nm2_km < 1,
            "slope_ps_nm2_km",
            self.slope_ps_nm2_km,
            "S0 from 0 to 1 ps/(nm²·km)",
        )
        _check(
            _positive(self.modal_bandwidth_mhz_km),
            "modal_bandwidth_mhz_km",
            self.modal_bandwidth_mhz_km,
            "a positive EMB in MHz·km",
        )


@dataclass(frozen=True)
class PhotodiodeConfig:
    """PIN photodiode: square law on |E|², responsivity, bandwidth, dark current.

    Parameters
    ----------
    responsivity_a_w : float
    bandwidth_hz : float
        3-dB frequency (1st-order RC roll-off).
    dark_current_a : float
    shot_noise : bool
        Add shot noise, one-sided density 2q·I(t) (signal-dependent).
    """

    responsivity_a_w: float = 0.6
    bandwidth_hz: float = 65e9
    dark_current_a: float = 10e-9
    shot_noise: bool = True

    def __post_init__(self):
        _check(
            _positive(self.responsivity_a_w) and self.responsivity_a_w <= 1.5,
            "responsivity_a_w",
            self.responsivity_a_w,
            "a responsivity in (0, 1.5] A/W",
        )
        _check(_positive(self.bandwidth_hz), "bandwidth_hz", self.bandwidth_hz, "a positive Hz")
        _check(
            _non_negative(self.dark_current_a) and self.dark_current_a < 1e-3,
            "dark_current_a",
            self.dark_current_a,
            "a dark current from 0 to 1 mA",
        )


@dataclass(frozen=True)
class TiaConfig:
    """Transimpedance amplifier: gain, bandwidth, input-referred noise, output swing.

    Parameters
    ----------
    transimpedance_ohm : float
        Low-frequency gain, V/A (differential output).
    bandwidth_hz : float
        3-dB frequency of its 2nd-order Butterworth response.
    noise_density_a_rthz : float
        Input-referred noise current density, A/√Hz (white; 18 pA/√Hz at 200G/lane).
    swing_vppd : float or None
        Output swing limit (tanh saturation); None: linear.
    """

    transimpedance_ohm: float = 2000.0
    bandwidth_hz: float = 56e9
    noise_density_a_rthz: float = 18e-12
    swing_vppd: float | None = None

    def __post_init__(self):
        _check(
            _positive(self.transimpedance_ohm),
            "transimpedance_ohm",
            self.transimpedance_ohm,
            "a positive gain in ohms",
        )
        _check(_positive(self.bandwidth_hz), "bandwidth_hz", self.bandwidth_hz, "a positive Hz")
        _check(
            _non_negative(self.noise_density_a_rthz) and self.noise_density_a_rthz < 1e-9,
            "noise_density_a_rthz",
            self.noise_density_a_rthz,
            "from 0 to 1 nA/√Hz",
        )
        _check_swing_limit(self.swing_vppd)


@dataclass(frozen=True)
class OpticsConfig:
    """The optical engine between the electrical Tx and Rx halves of a link.

    Parameters
    ----------
    driver, laser, modulator, fibre, photodiode, tia : block configs
    coupling_loss_db : float
        Fibre coupling loss, both ends together (grating coupler ≈ 2.2 dB, edge < 1 dB).
    mux_loss_db : float
        WDM mux + demux loss (1.5 dB in REFERENCE §6.1; 0 for parallel fibre).
    """

    driver: DriverConfig = field(default_factory=DriverConfig)
    laser: LaserConfig = field(default_factory=LaserConfig)
    modulator: ModulatorConfig = field(default_factory=ModulatorConfig)
    coupling_loss_db: float = 1.0
    mux_loss_db: float = 1.5
    fibre: FibreConfig = field(default_factory=FibreConfig)
    photodiode: PhotodiodeConfig = field(default_factory=PhotodiodeConfig)
    tia: TiaConfig = field(default_factory=TiaConfig)

    def __post_init__(self):
        for name in ("coupling_loss_db", "mux_loss_db"):
            value = getattr(self, name)
            _check(_finite(value) and 0 <= value <= 40, name, value, "a loss from 0 to 40 dB")

    @property
    def path_loss_db(self) -> float:
        """Optical loss after the modulator: coupling, mux and fibre attenuation, dB."""
        fibre_db = self.fibre.attenuation_db_km * self.fibre.length_m / 1e3
        return self.coupling_loss_db + self.mux_loss_db + fibre_db

    @property
    def path_gain(self) -> float:
        """Linear power transmission of :attr:`path_loss_db`."""
        return float(db_to_lin_power(-self.path_loss_db))
