"""IEEE 802.3 COM parameter sets (Annex 93A and 178A) as frozen, validated configs.

A parameter set is what an IEEE COM spreadsheet (``config_com_ieee8023_93a=….xlsx``) holds,
in SI units with the unit in each name: signalling, amplitudes, noise and jitter, the CTLE
family and Tx FFE grids, the DFE limits, the device and package model with its test cases, and
the search controls. Presets ship as TOML files in ``sigint/com/presets/`` (REFERENCE §5.3-5.5;
each file names its source) and load by name::

    >>> p = load_preset("802.3ck-KR")
    >>> p.f_baud_hz, p.der0, len(p.g_dc_db)
    (53125000000.0, 0.0001, 21)

Legal values the standard uses are accepted (γ0 = 0, L_s = 0, a1 = 1.734e-3: the validation
trap REFERENCE §9 records); a missing key is an error, never a silently inserted default from
another annex.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib import resources
from typing import Literal

import numpy as np

from .._configio import check as _check
from .._configio import finite as _finite
from .._configio import from_mapping
from ..errors import ConfigError
from .erl import ErlParams

Annex = Literal["93A", "178A"]
TxNoise = Literal["cursor", "channel"]


def symbol_variance(levels: int) -> float:
    """σ_X² of equiprobable PAM-L symbols on [−1, 1] (93A-29): (L² − 1)/(3(L − 1)²)."""
    return (levels**2 - 1) / (3 * (levels - 1) ** 2)


def _grid(name, values, lo, hi):
    _check(
        len(values) > 0 and all(_finite(v) and lo <= v <= hi for v in values),
        name,
        values,
        f"a non-empty list of values in [{lo:g}, {hi:g}]",
    )


@dataclass(frozen=True)
class TapGrid:
    """One Tx FFE tap's search grid, [min : step : max] (a step of 0 means the single value min)."""

    min: float
    max: float
    step: float

    def __post_init__(self):
        _check(_finite(self.min) and -1 <= self.min <= 1, "min", self.min, "a tap in [-1, 1]")
        _check(_finite(self.max) and self.min <= self.max <= 1, "max", self.max, "min <= max <= 1")
        _check(_finite(self.step) and self.step >= 0, "step", self.step, "a step >= 0")
        _check(
            self.step > 0 or self.max == self.min,
            "step",
            self.step,
            "a positive step when max > min",
        )

    def values(self) -> np.ndarray:
        """The grid's values, min first (rounded to the step's decimals)."""
        if self.step == 0:
            return np.array([self.min])
        n = int(np.floor((self.max - self.min) / self.step + 1e-9)) + 1
        return np.round(self.min + self.step * np.arange(n), 12)


@dataclass(frozen=True)
class ComPackage:
    """Device termination + package of 93A.1.2 / 178A.1.4, with its test cases.

    Capacitances and inductances are single-ended per leg (as the tables give them), line
    impedances differential. The package trace is ``z_c_ohm[0]`` over the test case's length,
    then ``z_c_ohm[1:]`` over ``z_rest_m`` (802.3ck: z_pB = 1.8 mm at 92.5 Ω). The die
    ladder ``c_d_f``/``l_s_h`` is at both ends unless ``c_d_rx_f``/``l_s_rx_h`` give the
    receiver's own (sheets that list C_d as [Tx Rx]).
    """

    c_d_f: tuple[float, ...]
    l_s_h: tuple[float, ...]
    c_b_f: float
    c_p_f: float
    z_c_ohm: tuple[float, ...]
    z_rest_m: tuple[float, ...]
    z_p_tx_m: tuple[float, ...]
    z_p_next_m: tuple[float, ...]
    z_p_fext_m: tuple[float, ...]
    z_p_rx_m: tuple[float, ...]
    gamma0_per_mm: float
    a1_sqrt_ns_per_mm: float
    a2_ns_per_mm: float
    tau_ns_per_mm: float
    host_length_m: float = 0.0
    host_z_c_ohm: float = 100.0
    host_a1_sqrt_ns_per_mm: float = 0.0
    host_a2_ns_per_mm: float = 0.0
    host_tau_ns_per_mm: float = 6e-3
    host_c0_f: float = 0.0
    host_c1_f: float = 0.0
    c_d_rx_f: tuple[float, ...] | None = None
    l_s_rx_h: tuple[float, ...] | None = None

    def __post_init__(self):
        _check(
            _finite(self.host_length_m) and 0 <= self.host_length_m <= 1,
            "host_length_m",
            self.host_length_m,
            "a host board length in m (0: none, the sheets' Include PCB = 0)",
        )
        for name in ("c_d_f", "l_s_h", "c_d_rx_f", "l_s_rx_h"):
            v = getattr(self, name)
            _check(
                (v is None and "_rx_" in name)
                or (v is not None and len(v) >= 1 and all(_finite(x) and 0 <= x < 1e-6 for x in v)),
                name,
                v,
                "one or more per-leg values >= 0 (F or H)",
            )
        for c_d, l_s, name in (
            (self.c_d_f, self.l_s_h, "l_s_h"),
            (self.die_rx[0], self.die_rx[1], "l_s_rx_h"),
        ):
            _check(len(l_s) == len(c_d), name, l_s, "one L_s per C_d section")
        for name in ("c_b_f", "c_p_f"):
            v = getattr(self, name)
            _check(_finite(v) and 0 <= v < 1e-9, name, v, "a per-leg capacitance >= 0 F")
        _check(
            len(self.z_c_ohm) == 1 + len(self.z_rest_m)
            and all(_finite(z) and 10 <= z <= 300 for z in self.z_c_ohm),
            "z_c_ohm",
            self.z_c_ohm,
            f"{1 + len(self.z_rest_m)} impedances (the test-case segment, then one per z_rest_m)",
        )
        _check(
            all(_finite(z) and 0 <= z <= 1 for z in self.z_rest_m),
            "z_rest_m",
            self.z_rest_m,
            "segment lengths in m",
        )
        cases = len(self.z_p_tx_m)
        for name in ("z_p_tx_m", "z_p_next_m", "z_p_fext_m", "z_p_rx_m"):
            v = getattr(self, name)
            _check(
                len(v) == cases and cases >= 1 and all(_finite(z) and 0 <= z <= 1 for z in v),
                name,
                v,
                f"{cases} test-case lengths in m (as many as z_p_tx_m)",
            )
        for name in ("gamma0_per_mm", "a1_sqrt_ns_per_mm", "a2_ns_per_mm"):
            v = getattr(self, name)
            _check(_finite(v) and 0 <= v < 1, name, v, "a coefficient >= 0")
        _check(
            _finite(self.tau_ns_per_mm) and 0 < self.tau_ns_per_mm < 1,
            "tau_ns_per_mm",
            self.tau_ns_per_mm,
            "a delay > 0 ns/mm",
        )

    @property
    def die_rx(self) -> tuple[tuple[float, ...], tuple[float, ...]]:
        """The receiver's die ladder (C_d per section, L_s per section)."""
        return (
            self.c_d_f if self.c_d_rx_f is None else self.c_d_rx_f,
            self.l_s_h if self.l_s_rx_h is None else self.l_s_rx_h,
        )

    @property
    def n_cases(self) -> int:
        """Number of package test cases (COM is the minimum over them)."""
        return len(self.z_p_tx_m)


@dataclass(frozen=True)
class RxFfeParams:
    """The Annex 178A reference receiver's Rx FFE (Tables 178-15, 176C-10; 178A.1.8).

    ``n_taps`` T-spaced positions (the span N_max with floating taps), ``n_pre`` of them before
    the cursor tap (d_w); the first ``n_fixed`` (N_fix) are fixed taps within ±``fixed_limit``
    of the cursor tap, the rest open to ``float_groups`` (N_wg) groups of ``float_taps`` (N_wf)
    adjacent taps within ±``float_limit`` (178A-26). ``ts_offsets``: the sampling-time search,
    first and last offset from the pulse peak in samples (the sheets' "sample_adjustment";
    default ±UI/2).
    """

    n_taps: int
    n_pre: int
    n_fixed: int
    fixed_limit: float
    float_limit: float = 0.0
    float_groups: int = 0
    float_taps: int = 0
    ts_offsets: tuple[int, int] | None = None

    def __post_init__(self):
        _check(1 <= self.n_taps <= 512, "n_taps", self.n_taps, "1 to 512 Rx FFE positions")
        _check(0 <= self.n_pre < self.n_taps, "n_pre", self.n_pre, f"0 to {self.n_taps - 1}")
        _check(
            self.n_pre < self.n_fixed <= self.n_taps,
            "n_fixed",
            self.n_fixed,
            f"more than n_pre = {self.n_pre} and at most n_taps = {self.n_taps}",
        )
        for name in ("fixed_limit", "float_limit"):
            v = getattr(self, name)
            _check(_finite(v) and 0 <= v <= 10, name, v, "a limit relative to the cursor tap")
        _check(
            self.float_groups * self.float_taps <= self.n_taps - self.n_fixed,
            "float_groups",
            self.float_groups,
            f"groups of float_taps = {self.float_taps} that fit beyond the fixed taps",
        )


@dataclass(frozen=True)
class ComParams:
    """One COM parameter set (see the module docstring; names follow Table 93A-1).

    Units: Hz, s, V, Ω, UI; η0 as a one-sided density in V²/Hz (the sheets' V²/GHz × 1e-9).
    ``tx_taps`` are the Tx FFE taps c(−n) … c(−1), c(1) … in order, with ``tx_cursor`` the
    number of pre-cursor taps; c(0) = 1 − Σ|c(i)| and must stay ≥ ``c0_min``.
    ``package.host_length_m`` > 0 adds the host board of "Include PCB" = 1 at both ends.
    ``tx_noise``: "cursor" for the Annex 93A σ_TX² = h(0)²·10^(−SNR_TX/10), "channel" for
    178A-21's Tx noise shaped by the whole pulse (REFERENCE §9: applying the latter to a 93A
    set makes COM ~0.5 dB pessimistic).

    Annex 178A sets add the reference receiver's Rx FFE (``rx_ffe``, the EQ then searched by
    MMSE), ADC quantisation noise (``adc_bits`` noise-equivalent bits N_qb, 0 for none, with
    clipping probability ``adc_clip_probability`` P_qc) and the MLSD credit (``mlsd``, with the
    added-noise penalty ``mlsd_added_noise_db`` ΔCOM_an).
    """

    name: str
    annex: Annex
    source: str
    f_baud_hz: float
    levels: int
    samples_per_ui: int
    der0: float
    rise_time_s: float
    rlm: float
    a_v_v: float
    a_fe_v: float
    a_ne_v: float
    r0_ohm: float
    rd_ohm: float
    a_dd_ui: float
    sigma_rj_ui: float
    snr_tx_db: float
    eta0_v2_per_hz: float
    f_r_fbaud: float
    ctle_fz_hz: float
    ctle_fp1_hz: float
    ctle_fp2_hz: float
    ctle_flf_hz: float
    g_dc_db: tuple[float, ...]
    g_dc2_db: tuple[float, ...]
    tx_taps: tuple[TapGrid, ...]
    tx_cursor: int
    c0_min: float
    dfe_bmax: tuple[float, ...]
    dfe_bmin: tuple[float, ...]
    package: ComPackage
    f_min_hz: float = 0.05e9
    f_step_hz: float = 0.01e9
    dfe_float_groups: int = 0
    dfe_float_taps: int = 0
    dfe_float_span_ui: int = 0
    dfe_float_bmax: float = 0.0
    dfe_float_rss_max: float = 0.0
    dfe_tail_start_ui: int = 0
    local_search: int = 0
    tx_noise: TxNoise = "cursor"
    com_threshold_db: float = 3.0
    erl_threshold_db: float | None = None
    erl: ErlParams | None = None
    rx_ffe: RxFfeParams | None = None
    adc_bits: int = 0
    adc_clip_probability: float = 1e-7
    mlsd: bool = False
    mlsd_added_noise_db: float = 3.0

    def __post_init__(self):
        _check(
            _finite(self.f_baud_hz) and 1e9 <= self.f_baud_hz <= 300e9,
            "f_baud_hz",
            self.f_baud_hz,
            "a symbol rate in Hz (1e9 to 300e9)",
        )
        _check(self.levels in (2, 4, 6, 8), "levels", self.levels, "2, 4, 6 or 8")
        _check(
            8 <= self.samples_per_ui <= 256 and self.samples_per_ui % 2 == 0,
            "samples_per_ui",
            self.samples_per_ui,
            "an even number of samples per UI, 8 to 256",
        )
        _check(0 < self.der0 < 0.1, "der0", self.der0, "a detector error ratio in (0, 0.1)")
        for name, lo, hi in (
            ("rise_time_s", 0, 1e-10),
            ("rlm", 0.5, 1.0),
            ("a_v_v", 0.01, 2),
            ("a_fe_v", 0, 2),
            ("a_ne_v", 0, 2),
            ("r0_ohm", 10, 200),
            ("rd_ohm", 10, 200),
            ("a_dd_ui", 0, 0.5),
            ("sigma_rj_ui", 0, 0.5),
            ("snr_tx_db", 0, 80),
            ("eta0_v2_per_hz", 0, 1e-12),
            ("f_r_fbaud", 0.1, 2),
            ("c0_min", 0, 1),
        ):
            v = getattr(self, name)
            _check(_finite(v) and lo <= v <= hi, name, v, f"a value in [{lo:g}, {hi:g}]")
        for name in ("ctle_fz_hz", "ctle_fp1_hz", "ctle_fp2_hz", "ctle_flf_hz"):
            v = getattr(self, name)
            _check(_finite(v) and 1e6 <= v <= 1e12, name, v, "a frequency in Hz")
        _grid("g_dc_db", self.g_dc_db, -40, 20)
        _grid("g_dc2_db", self.g_dc2_db, -40, 20)
        _check(
            0 <= self.tx_cursor <= len(self.tx_taps),
            "tx_cursor",
            self.tx_cursor,
            f"the number of pre-cursor taps among the {len(self.tx_taps)} tx_taps",
        )
        _check(
            len(self.dfe_bmin) == len(self.dfe_bmax),
            "dfe_bmin",
            self.dfe_bmin,
            f"one lower limit per DFE tap ({len(self.dfe_bmax)})",
        )
        _check(
            all(
                _finite(a) and _finite(b) and a <= b
                for a, b in zip(self.dfe_bmin, self.dfe_bmax, strict=True)
            ),
            "dfe_bmin",
            self.dfe_bmin,
            "each lower limit <= its dfe_bmax",
        )
        _check(
            _finite(self.f_min_hz) and 0 < self.f_min_hz <= 1e9,
            "f_min_hz",
            self.f_min_hz,
            "the first frequency, > 0 and <= 1 GHz",
        )
        _check(
            _finite(self.f_step_hz) and 1e6 <= self.f_step_hz <= 1e9,
            "f_step_hz",
            self.f_step_hz,
            "a frequency step from 1 MHz to 1 GHz",
        )
        if self.dfe_float_groups:
            _check(
                self.dfe_float_taps >= 1
                and self.dfe_float_span_ui >= len(self.dfe_bmax) + self.dfe_float_taps,
                "dfe_float_span_ui",
                self.dfe_float_span_ui,
                "a floating span beyond the fixed taps, with dfe_float_taps >= 1",
            )
        _check(self.local_search >= 0, "local_search", self.local_search, "0 (full) or a radius")
        _check(
            (self.annex == "178A") == (self.rx_ffe is not None),
            "rx_ffe",
            self.rx_ffe,
            "an [rx_ffe] table exactly when annex = '178A' (its reference receiver)",
        )
        if self.annex == "93A":
            for name, off in (("adc_bits", 0), ("mlsd", False)):
                v = getattr(self, name)
                _check(v == off, name, v, f"{off!r}: Annex 93A has no {name}")
        _check(0 <= self.adc_bits <= 16, "adc_bits", self.adc_bits, "0 (none) to 16 bits")
        _check(
            0 < self.adc_clip_probability < 0.01,
            "adc_clip_probability",
            self.adc_clip_probability,
            "a clipping probability in (0, 0.01)",
        )
        _check(
            _finite(self.mlsd_added_noise_db) and 0 < self.mlsd_added_noise_db <= 20,
            "mlsd_added_noise_db",
            self.mlsd_added_noise_db,
            "an added-noise penalty in (0, 20] dB",
        )

    @property
    def var_x(self) -> float:
        """σ_X² of the symbols (93A-29)."""
        return symbol_variance(self.levels)

    @property
    def ui_s(self) -> float:
        """Unit interval, s."""
        return 1.0 / self.f_baud_hz

    def tx_grid(self) -> np.ndarray:
        """Every legal Tx FFE tap set (without c(0)) of the grid: float64[n, n_taps].

        In the reference search order (the first tap varying slowest); combinations whose
        c(0) = 1 − Σ|c| falls below ``c0_min`` are dropped.
        """
        return self.tx_grid_indexed()[0]

    def tx_grid_indexed(self) -> tuple[np.ndarray, np.ndarray]:
        """:meth:`tx_grid` and each candidate's index on every tap's grid, int64[n, n_taps]."""
        axes = [t.values() for t in self.tx_taps]
        if not axes:
            return np.zeros((1, 0)), np.zeros((1, 0), np.int64)
        shape = [a.size for a in axes]
        index = np.stack(np.meshgrid(*[np.arange(k) for k in shape], indexing="ij"), axis=-1)
        index = index.reshape(-1, len(axes))
        mesh = np.stack([a[index[:, k]] for k, a in enumerate(axes)], axis=1)
        keep = 1.0 - np.abs(mesh).sum(axis=1) >= self.c0_min - 1e-12
        return mesh[keep], index[keep]


PRESETS = (
    "802.3ck-KR",
    "802.3ck-CR",
    "802.3ck-C2C",
    "802.3dj-KR",
    "802.3dj-KR-B",
    "802.3dj-C2C",
    "802.3dj-CR-HL",
    "802.3by",
)


def load_preset(name: str) -> ComParams:
    """A COM parameter set shipped with sigint (``PRESETS``), by name."""
    if name not in PRESETS:
        raise ConfigError("preset", name, "one of " + ", ".join(PRESETS))
    text = resources.files("sigint.com").joinpath("presets", f"{name}.toml").read_text()
    return from_mapping(ComParams, tomllib.loads(text))


def load_params(path) -> ComParams:
    """A COM parameter set from a TOML file (the same keys as the presets), or from an IEEE
    MATLAB COM configuration workbook (``.xls``/``.xlsx``/``.xlsm``, read by
    :func:`sigint.com.sheet.load_sheet`)."""
    from pathlib import Path

    path = Path(path)
    if path.suffix.lower() in (".xls", ".xlsx", ".xlsm"):
        from .sheet import load_sheet

        return load_sheet(path)
    try:
        data = tomllib.loads(path.read_text())
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(str(path), "", f"valid TOML ({err})") from None
    try:
        return from_mapping(ComParams, data)
    except ConfigError as err:
        raise err.at(None, str(path)) from None
