"""Effective return loss (ERL, IEEE 802.3 Annex 93A.5): COM's companion metric for reflections.

COM (93A.1) sees a channel only through H21 between the reference packages; ERL asks how much
the reflections at one port would cost a receiver, as one number that can be held against a
threshold (802.3ck: KR 9.7 dB, CR 8.25 dB, C2C 9.7 dB; REFERENCE §5.3). Per port k of the
differential channel (the Tx side k = 1, the Rx side k = 2):

1. **Reflection.** Γ_k(f) = S_kk of the differential 2-port referred to 2·Z_t at both ports
   (the far port terminated in 2·Z_t; Z_t = R_0 unless given; the reference code's TDR_RL
   renormalisation). With ``include_tx_package`` the Rx port looks back through the channel
   into the Tx device package of test case 1 terminated in R_d (the sheets' TDR_W_TXPKG).
2. **Pulse TDR (93A-58/59).** H_11(f) = H_t(f)·Γ_k(f)·H_r(f) with the Gaussian transition
   filter of 93A-46 at ERL's own T_r (``tr_tdr_s``, the sheets' TR_TDR, zero phase: its time
   origin is the reflection plane), the receiver's 4th-order Butterworth at f_r·f_b (93A-20),
   and optionally a raised-cosine (Tukey) roll-off from f_r·f_b to f_b (``tukey_window``);
   PTDR(t) is the response of that filter to a 1-UI rectangular pulse of unit amplitude
   starting at t = 0.
3. **Gating and weighting (93A-60/61/62).** R_eff(t) = PTDR(t)·G_rr(t)·G_loss(t), zero
   before the fixture delay T_fx (what lies in the test fixture is not the device's). In the
   first N_bx + 1 UI after T_fx, x = (t − T_fx)/T_b::

       G_rr = ρ_x(1 + ρ_x)·exp(−(x − N_bx − 1)²/(N_bx + 1)²)
       G_loss = 10^(β_x·(t − T_fx − (N_bx + 1)·T_b)/20)        (only with N_bx > 0, β_x ≠ 0)

   and 1 afterwards: reflections the DFE span would largely cancel are discounted, down to
   ρ_x(1 + ρ_x)·e^(−1) at T_fx (ρ_x = 0.618 makes ρ_x(1 + ρ_x) = 1: no step at the DFE's
   end). The record runs to T_fx + N·T_b.
4. **Worst phase (93A-63/64).** R_eff sampled once per UI at each of the M phases; the phase
   whose samples have the largest energy Σh² is kept (the reference code's default
   ERL_FOM = 1).
5. **Effective reflection (93A.5.4, 93A-39/40).** Each sample h(n) contributes L equiprobable
   values h(n)·(2l/(L − 1) − 1) (PAM-L data hitting the reflection); their convolution is the
   distribution of the reflected voltage, and R_eff is minus its DER_0 quantile (lower tail).
   Samples below 1e-4 (of the unit pulse) are dropped, as the reference code's PDF does.
6. **ERL = −20·log10(R_eff)** (93A.5.5), per port; the channel's ERL is the lower of the two.

Sources read for this module: the equation numbers and the G_rr/G_loss forms from a public
``s11dd2erl.m`` implementation of 93A.5 (citing 93A-58…64, 93A-37/39/40) and SignalIntegrity's
``ERL.py`` (same G_rr/G_loss); the filters, gating origin, TDR_RL renormalisation, phase
choice, PDF and defaults from the IEEE COM MATLAB reference code (``get_TDR``,
``get_PulseR``, ``Tukey_Window``, ``Butterworth_Filter``, ``get_pdf_from_sampled_signal``,
``process_sxp``). No code was copied; the two differ in details this module takes from the
MATLAB code (causal 1-UI pulse, Gaussian origin at the reflection plane, norm-based phase).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import numpy as np

from .._configio import check as _check
from .._configio import finite as _finite
from ..channels.network import Network

if TYPE_CHECKING:
    from .params import ComParams

#: Samples of R_eff below this (per unit pulse amplitude) leave the distribution: the reference
#: code drops what is below its ERL PDF bin of 1e-4.
ERL_SAMPLE_THRESHOLD = 1e-4

#: The reference code's "TDR_duration": with N = 0 the record is this many transit times.
_TDR_DURATION = 5

#: The record must end this far before the period of COM's time grid (1/Δf), so that the
#: zero-phase Gaussian's pre-cursor and the wrap-around of the periodic response stay outside.
_GUARD_S = 2e-9


@dataclass(frozen=True)
class ErlParams:
    """ERL parameters of 93A.5 (the COM sheets' ERL rows), SI units.

    Every default is the IEEE COM reference code's default for the sheet row (its
    ``read_ParamConfigFile``), except ``fixture_delay_s`` (see there).

    Parameters
    ----------
    tr_tdr_s : float, default 8 ps
        T_r of the Gaussian TDR source, 20-80 % (sheet "TR_TDR", in ns there).
    n_ui : int, optional
        N: length of the reflection record after T_fx, UI (sheet "N"). None (the sheets' 0):
        the reference code's rule, 5 × the thru's transit time (the peak of its pulse
        response, "TDR_duration" = 5) + 0.5 ns, capped by COM's time grid.
    n_bx_ui : int, optional
        N_bx: UI after T_fx whose reflections the equaliser is credited with (sheet "N_bx";
        None: the DFE length N_b of the COM parameter set).
    rho_x : float, default 0.618
        ρ_x: permitted reflection from a transmission line external to the device
        (sheet "rho_x").
    beta_x_db_per_s : float, default 0
        β_x: incremental available signal loss factor, dB/s (sheet "beta_x"; the standard's
        tables give it in GHz, i.e. dB/ns, × 1e9 here). 0 disables G_loss.
    fixture_delay_s : tuple of float, default (0,)
        T_fx: the (round-trip) delay of the test fixture gated out, one value for both ports
        or one per port [port 1, port 2] (sheet "fixture delay time"). The reference code's
        default, −1 ("not set"), gates nothing and never applies G_rr; 0 here gates nothing
        but credits the DFE span from the port on.
    tukey_window : bool, default False
        Roll H_11 off with a raised cosine from f_r·f_b to f_b (sheet "Tukey_Window"; the
        reference code defaults to 0 but its comment reads "required for ERL. Set to 1").
    z_t_ohm : float, optional
        Z_t: single-ended TDR source and termination impedance (sheet "Z_t"; default R_0).
    include_tx_package : bool, default False
        Port 2 looks into the channel with the Tx device package of test case 1 behind it,
        terminated in R_d (sheet "TDR_W_TXPKG"); port 1 is always the bare channel.

    Examples
    --------
    >>> ErlParams(tr_tdr_s=10e-12, n_bx_ui=12).fixture_delay(2)
    0.0
    """

    tr_tdr_s: float = 8e-12
    n_ui: int | None = None
    n_bx_ui: int | None = None
    rho_x: float = 0.618
    beta_x_db_per_s: float = 0.0
    fixture_delay_s: tuple[float, ...] = (0.0,)
    tukey_window: bool = False
    z_t_ohm: float | None = None
    include_tx_package: bool = False

    def __post_init__(self):
        _check(
            _finite(self.tr_tdr_s) and 0 < self.tr_tdr_s <= 1e-10,
            "tr_tdr_s",
            self.tr_tdr_s,
            "a transition time in s, > 0 and <= 100 ps",
        )
        _check(
            self.n_ui is None or 1 <= self.n_ui <= 100_000,
            "n_ui",
            self.n_ui,
            "a record length of 1 to 100000 UI (or none: from the thru's delay)",
        )
        _check(
            self.n_bx_ui is None or 0 <= self.n_bx_ui <= 1000,
            "n_bx_ui",
            self.n_bx_ui,
            "an equaliser span of 0 to 1000 UI (or none: N_b)",
        )
        _check(
            _finite(self.rho_x) and 0 <= self.rho_x <= 1, "rho_x", self.rho_x, "a value in [0, 1]"
        )
        _check(
            _finite(self.beta_x_db_per_s) and 0 <= self.beta_x_db_per_s <= 1e12,
            "beta_x_db_per_s",
            self.beta_x_db_per_s,
            "a loss factor >= 0 dB/s (the standard's GHz × 1e9)",
        )
        _check(
            len(self.fixture_delay_s) in (1, 2)
            and all(_finite(t) and 0 <= t <= 1e-8 for t in self.fixture_delay_s),
            "fixture_delay_s",
            self.fixture_delay_s,
            "one delay for both ports or one per port, each in [0, 10 ns]",
        )
        _check(
            self.z_t_ohm is None or (_finite(self.z_t_ohm) and 10 <= self.z_t_ohm <= 200),
            "z_t_ohm",
            self.z_t_ohm,
            "a single-ended impedance in [10, 200] Ω (or none: R_0)",
        )

    def fixture_delay(self, port: int) -> float:
        """T_fx of port 1 or 2, s."""
        return self.fixture_delay_s[min(port - 1, len(self.fixture_delay_s) - 1)]


@dataclass(frozen=True)
class ErlPort:
    """ERL of one port, with the waveforms that made it.

    Attributes
    ----------
    port : int
        1 (the channel's Tx side) or 2 (the Rx side).
    erl_db : float
        −20·log10(R_eff); +inf when no sample reaches the threshold (a matched port).
    r_eff : float
        The effective reflection: minus the DER_0 quantile of the reflected-voltage
        distribution, per unit pulse amplitude.
    phase : int
        The sampling phase kept (0 … M − 1 samples into each UI).
    t_s : ndarray
        Time from the reflection plane, s (the record, 0 … T_fx + N·T_b).
    ptdr : ndarray
        Pulse TDR, per unit pulse amplitude (before gating and weighting).
    weight : ndarray
        G_rr·G_loss (0 before T_fx).
    samples : ndarray
        The weighted samples h(n) at ``phase``, one per UI.
    """

    port: int
    erl_db: float
    r_eff: float
    phase: int
    t_s: np.ndarray = field(repr=False)
    ptdr: np.ndarray = field(repr=False)
    weight: np.ndarray = field(repr=False)
    samples: np.ndarray = field(repr=False)


@dataclass(frozen=True)
class ErlResult:
    """ERL of a channel: per port and the minimum, against the preset's threshold.

    Attributes
    ----------
    ports : (ErlPort, ErlPort)
        Port 1 (Tx side) and port 2 (Rx side).
    erl : ErlParams
        The parameters used (``n_bx_ui`` resolved).
    record_s : float
        Length of the reflection record from the reflection plane, s (T_fx + N·T_b, or the
        reference code's rule when N is not given).
    threshold_db : float, optional
        The parameter set's ERL threshold.
    path : str
        The channel file.
    """

    ports: tuple[ErlPort, ErlPort]
    erl: ErlParams
    record_s: float
    threshold_db: float | None = None
    path: str = ""

    @property
    def erl_db(self) -> float:
        """The channel's ERL: the lower of its two ports, dB."""
        return min(p.erl_db for p in self.ports)

    @property
    def passed(self) -> bool | None:
        """ERL ≥ the threshold (None without one)."""
        return None if self.threshold_db is None else self.erl_db >= self.threshold_db

    def to_dict(self) -> dict:
        """JSON-ready summary (no waveforms)."""
        return {
            "path": self.path,
            "erl_db": self.erl_db,
            "threshold_db": self.threshold_db,
            "passed": self.passed,
            "record_s": self.record_s,
            "ports": [
                {"port": p.port, "erl_db": p.erl_db, "r_eff": p.r_eff, "phase": p.phase}
                for p in self.ports
            ],
        }


def compute_erl(
    params: ComParams, erl: ErlParams | None = None, path=None, ports: str | None = None
) -> ErlResult:
    """ERL (93A.5) of both ports of a differential channel.

    Parameters
    ----------
    params : ComParams
        The COM parameter set: f_b, M, L, DER_0, R_0, R_d, f_r, N_b, the frequency step and
        (with ``include_tx_package``) the package.
    erl : ErlParams, optional
        Default: ``params.erl`` (the preset's ``[erl]`` table).
    path : path or Network
        A Touchstone file (read as COM reads a thru, :func:`~.channel.read_channel`) or a
        differential 2-port :class:`~sigint.channels.network.Network` on any grid (taken
        through the same hygiene: DC point, band extension, resampling).
    ports : str, optional
        Port map of the file (default: detected).

    Returns
    -------
    ErlResult

    Raises
    ------
    ConfigError
        Without ERL parameters or a channel, or when T_fx + N·T_b does not fit COM's time
        grid (1/Δf).

    Notes
    -----
    One inverse FFT per port on COM's grid (1/Δf long at M samples per UI) and one PMF
    convolution over the kept samples: about 0.2 s per channel once its file is read.

    Examples
    --------
    A matched 1 ns line with one flat reflection Γ = 0.1 seen 2 ns into port 1, past the DFE
    span: the UI-spaced samples of the filtered pulse sum to Γ, so ERL = −20·log10(0.1) =
    20 dB; port 2 sees nothing.

    >>> import numpy as np
    >>> from sigint.com import load_preset
    >>> from sigint.com.channel import com_grid
    >>> from sigint.channels.network import Network
    >>> p = load_preset("802.3ck-KR")
    >>> f = com_grid(p)[1]
    >>> s = np.zeros((f.size, 2, 2), complex)
    >>> s[:, 0, 1] = s[:, 1, 0] = np.exp(-2j * np.pi * f * 1e-9)
    >>> s[:, 0, 0] = 0.1 * np.exp(-2j * np.pi * f * 2e-9)
    >>> r = compute_erl(p, path=Network(f, s))
    >>> round(r.ports[0].erl_db, 1), r.ports[1].erl_db
    (20.0, inf)
    """
    # imported here: params.py imports this module for ErlParams
    from ..channels.hygiene import prepare
    from ..errors import ConfigError
    from .channel import com_grid, package_model, read_channel
    from .fom import rx_filter, tx_filter
    from .pmf import PMF_SAMPLE_THRESHOLD, noise_amplitude

    erl = params.erl if erl is None else erl
    if erl is None:
        raise ConfigError("erl", None, f"ERL parameters: an [erl] table in {params.name!r}")
    if erl.n_bx_ui is None:
        erl = replace(erl, n_bx_ui=len(params.dfe_bmax))
    if path is None:
        raise ConfigError("path", None, "a Touchstone file or a differential 2-port Network")
    t, f = com_grid(params)
    z_ref = 2 * params.r0_ohm
    if isinstance(path, Network):
        if path.n_ports != 2:
            raise ConfigError("path", path, "a differential 2-port Network")
        block = _referred(prepare(path, f)[0], z_ref)
        name = ""
    else:
        ch = read_channel(params, "thru", path, f, ports)
        block, name = ch.block, ch.path

    # the filters of 93A-58: ERL's own T_r, the receiver's Butterworth, the optional Tukey
    h_f = tx_filter(replace(params, rise_time_s=erl.tr_tdr_s), f) * rx_filter(params, f)
    if erl.tukey_window:
        h_f = h_f * tukey_window(f, params.f_r_fbaud * params.f_baud_hz, params.f_baud_hz)
    # a causal 1-UI rectangle of unit amplitude: M samples of the impulse response summed
    m, dt = params.samples_per_ui, params.ui_s / params.samples_per_ui
    h_f = h_f * m * np.sinc(f * params.ui_s) * np.exp(-1j * np.pi * f * params.ui_s)

    period_s = t.size * dt
    t_fx_max = max(erl.fixture_delay(k) for k in (1, 2))
    if erl.n_ui is None:  # the reference code's N = 0: 5 × the thru's transit + 0.5 ns
        transit_s = t[int(np.argmax(np.fft.irfft(block.s[:, 1, 0] * h_f, t.size)))]
        record_s = min(_TDR_DURATION * transit_s + 0.5e-9 + t_fx_max, period_s - _GUARD_S)
    else:
        record_s = t_fx_max + erl.n_ui * params.ui_s
        if record_s > period_s - _GUARD_S:
            raise ConfigError(
                "n_ui",
                erl.n_ui,
                f"a record T_fx + N·UI = {record_s * 1e9:.4g} ns shorter than COM's time grid "
                f"(1/Δf = {period_s * 1e9:.4g} ns) less {_GUARD_S * 1e9:g} ns",
            )

    z_t = params.r0_ohm if erl.z_t_ohm is None else erl.z_t_ohm
    net = _referred(block, 2 * z_t)
    gammas = [net.s[:, 0, 0], net.s[:, 1, 1]]
    if erl.include_tx_package:
        # port 2 looking back through the channel into the Tx package, terminated in R_d
        s = _referred(package_model(params, 0, "tx").network(f, z_ref) ** block, 2 * z_t).s
        g_d = (params.rd_ohm - z_t) / (params.rd_ohm + z_t)
        gammas[1] = s[:, 1, 1] + s[:, 1, 0] * s[:, 0, 1] * g_d / (1 - s[:, 0, 0] * g_d)

    n_rec = int(np.floor(record_s / dt + 1e-9)) + 1
    t_rec = t[:n_rec]
    results = []
    for port, gamma in zip((1, 2), gammas, strict=True):
        ptdr = np.fft.irfft(gamma * h_f, t.size)[:n_rec]
        weight = erl_weight(t_rec, params.ui_s, erl, erl.fixture_delay(port))
        rows = n_rec // m
        table = (ptdr * weight)[: rows * m].reshape(rows, m)
        phase = int(np.argmax((table**2).sum(axis=0)))  # 93A-64: the most energetic phase
        samples = table[:, phase]
        kept = samples[np.abs(samples) >= ERL_SAMPLE_THRESHOLD]
        r_eff = 0.0
        if kept.size:
            # A_ni's machinery: its sample threshold (0.1 % of the reference) lands on 1e-4
            r_eff, _, _ = noise_amplitude(
                [kept], 0.0, ERL_SAMPLE_THRESHOLD / PMF_SAMPLE_THRESHOLD, params.levels,
                params.der0,
            )  # fmt: skip
        erl_db = float(-20 * np.log10(r_eff)) if r_eff > 0 else float("inf")
        results.append(ErlPort(port, erl_db, float(r_eff), phase, t_rec, ptdr, weight, samples))
    return ErlResult(tuple(results), erl, float(record_s), params.erl_threshold_db, name)


def erl_weight(t_s, ui_s: float, erl: ErlParams, t_fx_s: float) -> np.ndarray:
    """G_rr·G_loss of 93A-61/62 on ``t_s`` (time from the reflection plane, s).

    0 before T_fx; over the next N_bx + 1 UI (x = (t − T_fx)/T_b)
    ρ_x(1 + ρ_x)·exp(−(x − N_bx − 1)²/(N_bx + 1)²), times 10^(β_x(x − N_bx − 1)T_b/20) when
    N_bx > 0 and β_x ≠ 0; 1 afterwards. ``erl.n_bx_ui`` must be resolved (not None).
    """
    t = np.asarray(t_s, dtype=float)
    span = erl.n_bx_ui + 1
    x = (t - t_fx_s) / ui_s
    w = np.ones_like(t)
    early = (x >= 0) & (x < span)
    w[early] = erl.rho_x * (1 + erl.rho_x) * np.exp(-((x[early] - span) ** 2) / span**2)
    if erl.n_bx_ui > 0 and erl.beta_x_db_per_s != 0:
        w[early] *= 10 ** (erl.beta_x_db_per_s * (x[early] - span) * ui_s / 20)
    w[x < 0] = 0.0
    return w


def tukey_window(f_hz, f_start_hz: float, f_stop_hz: float) -> np.ndarray:
    """1 below ``f_start_hz``, a raised cosine down to 0 at ``f_stop_hz``, 0 above."""
    f = np.asarray(f_hz, dtype=float)
    x = np.clip((f - f_start_hz) / (f_stop_hz - f_start_hz), 0.0, 1.0)
    return 0.5 * (1 + np.cos(np.pi * x))


def _referred(net: Network, z_ref_ohm: float) -> Network:
    """``net`` referred to ``z_ref_ohm`` at both ports (its far port thus terminated in it)."""
    return net if abs(net.z_ref_ohm - z_ref_ohm) < 1e-9 else net.renormalized(z_ref_ohm)
