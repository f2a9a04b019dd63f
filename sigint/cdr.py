"""Clock and data recovery: configuration, loop design, the streaming stage and its lock report.

The loop (``sigint.kernels.cdr``) is a phase detector with small-signal gain K (error per UI
of sampling-phase error), a proportional-integral filter and a phase interpolator:

    I ← I + ki·e,   P ← P + kp·e + I,   applied phase = P quantised to 1/pi_steps UI.

Linearised, per UI (s in rad/UI), the open loop is ``G = K·(kp·s + ki)/s²`` (type 2), so

* jitter transfer ``H = G/(1+G) = K(kp s + ki)/(s² + K kp s + K ki)``,
  ``ωn² = K·ki``, ``2ζωn = K·kp``;
* error transfer ``1 − H = s²/(s² + K kp s + K ki)``: the sampling phase follows slow jitter
  and the data's jitter passes straight through above the loop bandwidth.

Jitter tolerance is the SJ amplitude whose residual ``|1 − H|·A`` uses up the eye margin:
``JTOL(f) = margin/|1 − H(f)|``. Its asymptotes (ζ > ½):

* ω ≪ ωz = ki/kp = ωn/(2ζ): ``JTOL ≈ margin·K·ki/ω²`` — −40 dB/decade;
* ωz ≪ ω ≪ K·kp = 2ζωn: ``JTOL ≈ margin·K·kp/ω`` — −20 dB/decade, the region the standards'
  templates draw "below the loop bandwidth" (it spans two decades for ζ ≈ 4);
* ω ≫ K·kp: ``JTOL → margin`` (flat).

A second-order CDR therefore falls at −20 dB/decade just below its bandwidth only because the
integral path's zero sits well below it; with ζ ≈ 0.7 the two asymptotes merge and the slope
there is steeper. :func:`loop_jitter_transfer` evaluates the exact discrete-time form
``1/(1 + K·D(z))``, ``D(z) = (kp + ki·z/(z−1))/(z−1)``, ``z = e^{jω}``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from .errors import ConfigError
from .kernels import cdr as _k

CDRDetector = Literal["mueller-muller", "bang-bang"]
_DETECTORS = {"mueller-muller": 0, "bang-bang": 1}


# ------------------------------------------------------------------ detector gains, loop design
def mm_pd_gain(levels, dh_pre: float, dh_post: float) -> float:
    """Small-signal gain of the Mueller-Muller detector, per UI of sampling-phase error.

    ``K = σ_a²·(h'(−1) − h'(1))`` with ``σ_a² = mean(levels²)`` (equiprobable symbols) and
    ``h'`` the slope of the normalised pulse (main cursor 1) at the first pre- and post-cursor,
    per UI. For a raised cosine of roll-off β, ``h'(±1) = ∓cos(πβ)/(1 − 4β²)`` (∓1/3 at
    β = 1; −1 and +1 for a sinc), so PAM4 (σ_a² = 5/9) with β = 1 gives K = 10/27 ≈ 0.370.

    Examples
    --------
    >>> round(mm_pd_gain([-1, -1/3, 1/3, 1], 1 / 3, -1 / 3), 4)
    0.3704
    """
    sigma2 = float(np.mean(np.asarray(levels, float) ** 2))
    return sigma2 * (float(dh_pre) - float(dh_post))


def bb_pd_gain(sigma_ui: float, transition_density: float) -> float:
    """Small-signal gain of the bang-bang detector, per UI, linearised by jitter.

    Assumes the crossing instant seen by the edge sampler is Gaussian with standard deviation
    ``sigma_ui`` about its mean (random jitter plus voltage noise over the edge slope):
    the mean vote is ``ρ·(1 − 2Φ(τ/σ))`` so ``K = ρ·√(2/π)/σ``, with ρ the fraction of
    symbols carrying a usable transition (:func:`bb_transition_density`). Without jitter the
    gain is unbounded and the loop limit-cycles at about ±kp; design for the jitter you have.

    Examples
    --------
    >>> round(bb_pd_gain(0.01, 0.25), 2)
    19.95
    """
    if not sigma_ui > 0:
        raise ConfigError("sigma_ui", sigma_ui, "> 0 UI")
    return float(transition_density * np.sqrt(2.0 / np.pi) / sigma_ui)


def bb_transition_density(m: int) -> float:
    """Fraction of random PAM-M symbols whose transition the bang-bang detector uses: 1/M.

    Only pairs symmetric about the middle threshold count (M of the M² pairs for even M).
    """
    return 1.0 / m


def design_loop_gains(
    bandwidth_hz: float, damping: float, f_baud_hz: float, pd_gain: float
) -> tuple[float, float]:
    """``(kp, ki)`` giving a −3 dB jitter-transfer bandwidth and damping ζ for detector gain K.

    ``ωn = ω3dB/√(1 + 2ζ² + √((1 + 2ζ²)² + 1))`` (continuous type-2 loop), ω in rad/UI
    (``2π·f/f_baud``); ``kp = 2ζωn/K``, ``ki = ωn²/K``. Accurate while ω3dB ≪ 1 rad/UI.

    Raises
    ------
    ConfigError
        If an argument is not positive.

    Examples
    --------
    >>> kp, ki = design_loop_gains(20e6, 1.0, 53.125e9, 10 / 27)
    >>> f"{kp:.3e} {ki:.3e}"
    '5.146e-03 2.452e-06'
    """
    for name, v in (
        ("bandwidth_hz", bandwidth_hz),
        ("damping", damping),
        ("f_baud_hz", f_baud_hz),
        ("pd_gain", pd_gain),
    ):
        if not v > 0:
            raise ConfigError(name, v, "> 0")
    w3 = 2.0 * np.pi * bandwidth_hz / f_baud_hz
    a = 1.0 + 2.0 * damping**2
    wn = w3 / np.sqrt(a + np.sqrt(a * a + 1.0))
    return float(2.0 * damping * wn / pd_gain), float(wn * wn / pd_gain)


def loop_jitter_transfer(f_hz, kp: float, ki: float, pd_gain: float, f_baud_hz: float):
    """Jitter transfer H(f): recovered phase over input (data) jitter, exact discrete form.

    ``H = K·D/(1 + K·D)``, ``D(z) = (kp + ki·z/(z−1))/(z−1)``, ``z = exp(j2πf/f_baud)``;
    ``1 − H`` is the error transfer. Returns complex values shaped like ``f_hz`` (f > 0).
    """
    w = 2.0 * np.pi * np.asarray(f_hz, float) / f_baud_hz
    z = np.exp(1j * w)
    kd = pd_gain * (kp + ki * z / (z - 1.0)) / (z - 1.0)
    return kd / (1.0 + kd)


def jtol_template(
    f_hz, kp: float, ki: float, pd_gain: float, f_baud_hz: float, margin_ui: float = 0.5
):
    """Analytic jitter tolerance of the loop: SJ amplitude (UI peak) ``margin/|1 − H(f)|``.

    ``margin_ui`` is the sampling-phase excursion the eye tolerates at the target BER (half
    the horizontal opening). See the module docstring for the −40/−20/0 dB-per-decade
    asymptotes.
    """
    return margin_ui / np.abs(1.0 - loop_jitter_transfer(f_hz, kp, ki, pd_gain, f_baud_hz))


# ------------------------------------------------------------------ configuration
@dataclass(frozen=True)
class CDRConfig:
    """A clock-recovery loop as configured in a SerDes.

    Parameters
    ----------
    detector : {"mueller-muller", "bang-bang"}
        Phase detector: baud-rate type-A Mueller-Muller or Alexander (edge samples).
    kp, ki : float
        Proportional and integral gains (UI of phase per unit detector output; ki per UI).
        0 and 0 break the loop.
    pi_steps_per_ui : int
        Phase-interpolator resolution; 0 for a continuous phase.
    freq_offset_ppm : float
        Free-running Rx sampling-clock offset: the sampling phase drifts later by ppm·1e-6 UI
        per UI with the loop open.
    ssc_ppm : float
        Spread-spectrum down-spread peak deviation (≥ 0): the offset sweeps
        ``[freq_offset_ppm − ssc_ppm, freq_offset_ppm]`` in a triangle.
    ssc_freq_hz : float
        SSC modulation frequency (0: none when ssc_ppm is 0).
    f_baud_hz : float
        Symbol rate (converts ``ssc_freq_hz`` to cycles per UI and figures to time).
    lock_window : int
        Lock-detector window W, symbols.
    lock_windows : int
        Consecutive good windows needed to declare lock.
    lock_drift_ppm : float
        Phase-drift threshold (ppm of UI per UI) for a good window; lock is lost after
        ``lock_windows`` windows in a row above it (or at once on a cycle slip).
    lock_rms_ui : float
        RMS phase-error threshold about the window mean for a good window.
    phase0_ui : float
        Initial loop phase.
    sj_amplitude_ui, sj_freq_hz : float
        Sinusoidal jitter between the data and the sampling clock, applied exactly (not to
        first order) as a phase modulation the loop must track: what a JTOL sweep varies.
    rx_rj_rms_ui : float
        Random jitter of the sampling instant (Gaussian, white, not seen by the loop as a
        clock error: it only moves where each sample is read).

    Raises
    ------
    ConfigError
        Naming the field, the value and the valid range.

    Examples
    --------
    >>> CDRConfig("bang-bang", kp=2**-9, ki=2**-20, freq_offset_ppm=100).detector
    'bang-bang'
    >>> CDRConfig("gardner", kp=1e-3, ki=1e-6)
    Traceback (most recent call last):
    ...
    sigint.errors.ConfigError: ...
    """

    detector: CDRDetector
    kp: float
    ki: float
    pi_steps_per_ui: int = 0
    freq_offset_ppm: float = 0.0
    ssc_ppm: float = 0.0
    ssc_freq_hz: float = 0.0
    f_baud_hz: float = 53.125e9
    lock_window: int = 4096
    lock_windows: int = 4
    lock_drift_ppm: float = 10.0
    lock_rms_ui: float = 0.1
    phase0_ui: float = 0.0
    sj_amplitude_ui: float = 0.0
    sj_freq_hz: float = 0.0
    rx_rj_rms_ui: float = 0.0

    def __post_init__(self) -> None:
        def bad(name, expected):
            raise ConfigError(f"cdr.{name}", getattr(self, name), expected)

        if self.detector not in _DETECTORS:
            bad("detector", "'mueller-muller' or 'bang-bang'")
        for name in ("kp", "ki", "freq_offset_ppm", "ssc_ppm", "ssc_freq_hz", "phase0_ui"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not np.isfinite(v):
                bad(name, "a finite number")
        if self.kp < 0:
            bad("kp", ">= 0")
        if self.ki < 0:
            bad("ki", ">= 0")
        for name in ("pi_steps_per_ui", "lock_window", "lock_windows"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, (int, np.integer)):
                bad(name, "an integer")
        if self.pi_steps_per_ui < 0:
            bad("pi_steps_per_ui", ">= 0 (0: continuous phase)")
        if abs(self.freq_offset_ppm) >= 1e5:
            bad("freq_offset_ppm", "|ppm| < 1e5")
        if not 0 <= self.ssc_ppm < 1e5:
            bad("ssc_ppm", "0 <= ppm < 1e5 (down-spread peak deviation)")
        if self.ssc_freq_hz < 0:
            bad("ssc_freq_hz", ">= 0")
        if not 0 <= self.sj_amplitude_ui < 1e4:
            bad("sj_amplitude_ui", "0 <= UI < 1e4")
        if self.sj_freq_hz < 0 or (self.sj_amplitude_ui > 0 and self.sj_freq_hz == 0):
            bad("sj_freq_hz", "> 0 when sj_amplitude_ui is set")
        if not 0 <= self.rx_rj_rms_ui < 0.5:
            bad("rx_rj_rms_ui", "0 <= UI < 0.5")
        if self.ssc_ppm > 0 and self.ssc_freq_hz == 0:
            bad("ssc_freq_hz", "> 0 when ssc_ppm > 0")
        if not (np.isfinite(self.f_baud_hz) and self.f_baud_hz > 0):
            bad("f_baud_hz", "> 0")
        if self.ssc_freq_hz >= 0.5 * self.f_baud_hz:
            bad("ssc_freq_hz", f"< f_baud/2 = {0.5 * self.f_baud_hz:g} Hz")
        if self.lock_window < 16:
            bad("lock_window", ">= 16 symbols")
        if self.lock_windows < 1:
            bad("lock_windows", ">= 1")
        if not self.lock_drift_ppm > 0:
            bad("lock_drift_ppm", "> 0")
        if not 0 < self.lock_rms_ui < 0.5:
            bad("lock_rms_ui", "0 < rms < 0.5 UI")

    @classmethod
    def designed(
        cls,
        detector: CDRDetector,
        bandwidth_hz: float,
        damping: float,
        pd_gain: float,
        f_baud_hz: float = 53.125e9,
        **kwargs,
    ) -> CDRConfig:
        """A config whose kp, ki come from :func:`design_loop_gains`."""
        kp, ki = design_loop_gains(bandwidth_hz, damping, f_baud_hz, pd_gain)
        return cls(detector, kp, ki, f_baud_hz=f_baud_hz, **kwargs)

    def kernel_params(self) -> np.ndarray:
        """The ``float64[N_PARAMS]`` parameter vector of ``kernels.cdr.recover_clock``."""
        p = np.zeros(_k.N_PARAMS)
        p[_k.P_DETECTOR] = _DETECTORS[self.detector]
        p[_k.P_KP] = self.kp
        p[_k.P_KI] = self.ki
        p[_k.P_PI_STEPS] = self.pi_steps_per_ui
        p[_k.P_FREQ] = self.freq_offset_ppm * 1e-6
        p[_k.P_SSC_DEV] = self.ssc_ppm * 1e-6
        p[_k.P_SSC_FREQ] = self.ssc_freq_hz / self.f_baud_hz
        p[_k.P_WINDOW] = self.lock_window
        p[_k.P_LOCK_WINDOWS] = self.lock_windows
        p[_k.P_DRIFT_THR] = self.lock_drift_ppm * 1e-6
        p[_k.P_RMS_THR] = self.lock_rms_ui
        p[_k.P_SJ_AMP] = self.sj_amplitude_ui
        p[_k.P_SJ_FREQ] = self.sj_freq_hz / self.f_baud_hz
        return p


# ------------------------------------------------------------------ report
@dataclass(frozen=True)
class CDRReport:
    """What the loop converged to and whether it held lock.

    ``freq_error_ppm`` is the true frequency error of the sampling clock (free-running offset
    plus the loop's integrator) averaged over the last window; ``drift_ppm`` the measured
    drift of the sampling phase over the last window (what a receiver can observe);
    ``phase_rms_ui`` the rms sampling-phase error about each window's mean, over windows that
    closed locked (the last window's if none did).
    """

    detector: str
    n_decisions: int
    freq_error_ppm: float
    drift_ppm: float
    phase_rms_ui: float
    slips: int
    slip_at: tuple[int, ...]
    lock_gained_at: tuple[int, ...]
    lock_lost_at: tuple[int, ...]
    locked_fraction: float
    locked_at_end: bool
    max_freq_error_locked_ppm: float
    drift_limit_ppm: float = field(repr=False, default=10.0)

    @property
    def verdict(self) -> str:
        """``"locked"``, or ``"NOT locked: "`` and every reason found."""
        why = []
        if not self.lock_gained_at:
            why.append("never acquired lock")
        elif not self.locked_at_end:
            why.append(f"lost lock at symbol {self.lock_lost_at[-1]}")
        elif self.lock_lost_at:
            why.append(
                f"lost lock {len(self.lock_lost_at)} times (first at {self.lock_lost_at[0]})"
            )
        after = [k for k in self.slip_at if self.lock_gained_at and k > self.lock_gained_at[0]]
        if after:
            why.append(f"{len(after)} cycle slips after acquiring lock")
        elif self.slips and not self.lock_gained_at:
            why.append(f"{self.slips} cycle slips")
        if not abs(self.drift_ppm) < self.drift_limit_ppm:
            why.append(
                f"sampling phase drifting {self.drift_ppm:+.1f} ppm "
                f"(limit {self.drift_limit_ppm:g}); frequency error {self.freq_error_ppm:+.1f} ppm"
            )
        return "locked" if not why else "NOT locked: " + "; ".join(why)

    def __str__(self) -> str:
        return (
            f"CDR ({self.detector}) {self.verdict}: {self.n_decisions} decisions, "
            f"frequency error {self.freq_error_ppm:+.3f} ppm, phase rms "
            f"{self.phase_rms_ui:.4f} UI, {self.slips} slips, locked "
            f"{100 * self.locked_fraction:.1f} % of symbols"
        )


# ------------------------------------------------------------------ the stage
class ClockRecovery:
    """Streaming CDR + slicer over waveform rows (no DFE), carrying its state across chunks.

    Input: ``rows`` ``float64[n, S]``, consecutive chunks of the engine's normalised rows (row
    k's phase S/2 is symbol k's nominal instant). Output of each call: ``(decisions int8[d],
    symbol_rows int64[d], phase_ui float64[d], locked int8[d])``: the decided index, the
    global row (Tx symbol) it sampled, the wrapped sampling phase and the lock flag.

    Parameters
    ----------
    config : CDRConfig
    levels : array_like
        Normalised levels, ascending, symmetric about 0.
    thresholds : array_like, optional
        Slicer thresholds; midpoints of ``levels`` by default.
    """

    def __init__(self, config: CDRConfig, levels, thresholds=None, equalizer=None, rng_seed=None):
        self.config = config
        self.levels = np.ascontiguousarray(levels, dtype=np.float64)
        if self.levels.ndim != 1 or self.levels.size < 2:
            raise ConfigError("levels", levels, "a 1-D array of at least 2 levels")
        if not np.allclose(self.levels, -self.levels[::-1], atol=1e-12):
            raise ConfigError("levels", levels, "levels symmetric about 0 (normalised units)")
        if thresholds is None:
            thresholds = 0.5 * (self.levels[1:] + self.levels[:-1])
        self.thresholds = np.ascontiguousarray(thresholds, dtype=np.float64)
        if self.thresholds.shape != (self.levels.size - 1,):
            raise ConfigError("thresholds", thresholds, f"{self.levels.size - 1} thresholds")
        self.params = config.kernel_params()
        self.state = np.zeros(_k.N_STATE)
        _k.reset_cdr_state(self.state, config.phase0_ui)
        self._tail = np.zeros((0, 0))
        self._row0 = 0
        self._n_locked = 0
        self._was_locked = 0
        self._last_m = 0
        self._gained: list[int] = []
        self._lost: list[int] = []
        self._slip_at: list[int] = []
        # The receive equaliser in the loop: (ffe, n_pre, dfe, history, mu_ffe, mu_dfe,
        # adapt_until, ss_ffe, ss_dfe); a unit FFE and no DFE by default. Its arrays are
        # updated in place as it adapts.
        if equalizer is None:
            equalizer = (np.ones(1), 0, np.zeros(0), np.zeros(0), 0.0, 0.0, 0, False, False)
        self.equalizer = equalizer
        n_ffe = equalizer[0].size
        self._n_back = n_ffe - 1 - equalizer[1]  # rows before a decision's own that it reads
        self._scratch = np.zeros(2 * n_ffe)
        # Before the first row, the FFE window reads zeros (as the fixed-phase receiver's
        # history does): the first call prepends them, with a negative row index.
        self._started = False
        self._rng = np.random.default_rng(rng_seed)
        #: The row buffer of the last call and the global index of its first row.
        self.last_rows = self._tail
        self.last_row0 = 0
        #: Slicer input and DFE feedback of the last call's decisions (normalised units).
        self.last_z = np.zeros(0)
        self.last_feedback = np.zeros(0)

    def __call__(self, rows):
        rows = np.asarray(rows, dtype=np.float64)
        if rows.ndim != 2 or rows.shape[1] < 2:
            raise ConfigError("rows", rows.shape, "a 2-D array [n_rows, samples_per_ui >= 2]")
        if self._tail.size and rows.shape[1] != self._tail.shape[1]:
            raise ConfigError("rows", rows.shape, f"{self._tail.shape[1]} samples per UI")
        if not self._started:
            self._started = True
            pad = np.zeros((self._n_back + 1, rows.shape[1]))
            self._tail, self._row0 = pad, -pad.shape[0]
        buf = np.ascontiguousarray(np.concatenate([self._tail, rows]) if self._tail.size else rows)
        cap = buf.shape[0] + 2
        dec = np.empty(cap, np.int8)
        sym = np.empty(cap, np.int64)
        phase = np.empty(cap)
        locked = np.empty(cap, np.int8)
        n0 = int(self.state[_k.S_N])
        z = np.empty(cap)
        fb = np.empty(cap)
        rj = self.config.rx_rj_rms_ui
        jitter = rj * self._rng.standard_normal(cap) if rj > 0 else np.zeros(cap)
        d = _k.receive_cdr(
            buf,
            self._row0,
            self.thresholds,
            self.levels,
            self.params,
            self.state,
            *self.equalizer[:9],
            self._scratch,
            jitter,
            dec,
            sym,
            phase,
            locked,
            z,
            fb,
            *(self.equalizer[9:12] if len(self.equalizer) > 9 else (np.inf, None, None)),
        )
        dec, sym, phase, locked = dec[:d], sym[:d], phase[:d], locked[:d]
        self.last_rows, self.last_row0 = buf, self._row0
        self.last_z, self.last_feedback = z[:d], fb[:d]
        # events, in global decision indices
        idx = n0 + np.arange(d)
        m = sym - idx
        prev_m = np.concatenate([[self._last_m], m[:-1]])
        self._slip_at.extend((idx[m != prev_m]).tolist())
        prev_l = np.concatenate([[self._was_locked], locked[:-1]])
        self._gained.extend(idx[(locked == 1) & (prev_l == 0)].tolist())
        self._lost.extend(idx[(locked == 0) & (prev_l == 1)].tolist())
        if d:
            self._last_m = int(m[-1])
            self._was_locked = int(locked[-1])
        self._n_locked += int(locked.sum())
        # keep from two rows before the next decision's row: enough for a wrap either way
        keep = int(self.state[_k.S_N] + self.state[_k.S_M]) - 2 - self._n_back - self._row0
        keep = min(max(keep, 0), buf.shape[0])
        self._tail = buf[keep:].copy()
        self._row0 += keep
        return dec, sym, phase, locked

    def report(self) -> CDRReport:
        """The lock report so far."""
        st = self.state
        lk = st[_k.LOCK0 :]
        n = int(st[_k.S_N])
        if lk[_k.L_LOCK_NWIN] > 0:
            rms = float(np.sqrt(lk[_k.L_LOCK_VARSUM] / lk[_k.L_LOCK_NWIN]))
        else:
            rms = float(lk[_k.L_RMS])
        return CDRReport(
            detector=self.config.detector,
            n_decisions=n,
            freq_error_ppm=float(lk[_k.L_FERR]) * 1e6,
            drift_ppm=float(lk[_k.L_DRIFT]) * 1e6,
            phase_rms_ui=rms,
            slips=int(st[_k.S_SLIPS]),
            slip_at=tuple(self._slip_at),
            lock_gained_at=tuple(self._gained),
            lock_lost_at=tuple(self._lost),
            locked_fraction=self._n_locked / n if n else 0.0,
            locked_at_end=bool(lk[_k.L_LOCKED] == 1.0),
            max_freq_error_locked_ppm=float(lk[_k.L_LOCK_FERR_MAX]) * 1e6,
            drift_limit_ppm=self.config.lock_drift_ppm,
        )
