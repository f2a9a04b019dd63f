"""S-parameter hygiene: DC point, band extension, resampling, passivity, causality, reciprocity.

Every function here takes a `Network` and returns a new one together with a sentence that says
what was changed, so that a file never turns silently into a different channel (REFERENCE.md §9:
no DC point read as an AC-coupled channel, zero-filled tails, band-limited 40 GHz defaults,
slightly non-passive measured files). `prepare` chains the steps in a fixed order and collects
the sentences in a `HygieneReport`, printable and JSON-ready.

Conventions: ``S(f)`` with the ``e^{+jωt}`` time convention (a delay τ is ``e^{-j2πfτ}``);
"transmission" terms are the off-diagonal ``S_ij`` (i ≠ j), "reflections" the diagonal.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import numpy as np
from scipy.interpolate import PchipInterpolator
from scipy.optimize import nnls

from .network import Network

__all__ = [
    "CausalityReport",
    "HygieneReport",
    "PassivityReport",
    "causality_report",
    "enforce_causality",
    "enforce_passivity",
    "extend_band",
    "extrapolate_dc",
    "passivity_report",
    "prepare",
    "reciprocity_report",
    "resample",
]

_GHZ = 1e9
_MAG_FLOOR = 1e-20  # |S| floor before taking logs; values below 1e-15 come back as exact 0
_N_DC_FIT = 16  # points used by the DC fit (16 × 10 MHz = the first 160 MHz of a VNA file)


# --------------------------------------------------------------------------- helpers
def _fmt_f(f_hz: float) -> str:
    """Frequency for a sentence: GHz above 1 GHz, else MHz."""
    return f"{f_hz / _GHZ:.4g} GHz" if f_hz >= _GHZ else f"{f_hz / 1e6:.4g} MHz"


def _term_name(n_ports: int, i: int, j: int) -> str:
    return f"S{i + 1}{j + 1}" if n_ports < 10 else f"S({i + 1},{j + 1})"


def _main_transmission(ntwk: Network) -> tuple[int, int]:
    """The off-diagonal term with the largest mean |S| (the thru); (1, 0) for a 2-port."""
    n = ntwk.n_ports
    if n == 2:
        return 1, 0
    mean = np.mean(np.abs(ntwk.s), axis=0)
    np.fill_diagonal(mean, -1.0)
    i, j = np.unravel_index(int(np.argmax(mean)), mean.shape)
    return int(i), int(j)


def _unwrapped_phase(s: np.ndarray) -> np.ndarray:
    """Phase unwrapped along frequency (axis 0), anchored so that it starts in (−π, π]."""
    return np.unwrap(np.angle(s), axis=0)


def _linear_fit(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Least-squares ``y ≈ c0 + c1·x`` along axis 0 for every trailing column of ``y``."""
    a = np.column_stack([np.ones_like(x), x])
    coef, *_ = np.linalg.lstsq(a, y.reshape(x.size, -1), rcond=None)
    shape = y.shape[1:]
    return coef[0].reshape(shape), coef[1].reshape(shape)


def _clip_singular_values(s: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Clip singular values above 1 to 1 at each frequency; return (S', σ_max before)."""
    u, sv, vh = np.linalg.svd(s)
    clipped = np.minimum(sv, 1.0)
    out = np.einsum("fik,fk,fkj->fij", u, clipped, vh)
    return out, sv[:, 0]


# --------------------------------------------------------------------------- DC point
def _passive_dc(s0: np.ndarray) -> np.ndarray:
    """Make a real DC S-matrix passive, shrinking the diagonal (reflections) first."""
    s0 = np.asarray(s0, dtype=float)

    def sv(c):
        m = s0.copy()
        np.fill_diagonal(m, c * np.diag(s0))
        return np.linalg.norm(m, 2), m

    if sv(1.0)[0] <= 1.0:
        return s0
    if sv(0.0)[0] > 1.0:
        return _clip_singular_values(s0[None].astype(complex))[0][0].real
    lo, hi = 0.0, 1.0  # sv(lo) ≤ 1 < sv(hi)
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if sv(mid)[0] <= 1.0 else (lo, mid)
    return sv(lo)[1]


def extrapolate_dc(ntwk: Network) -> tuple[Network, str]:
    """Add a 0 Hz point, real and passive, consistent with the low-frequency magnitude and delay.

    Parameters
    ----------
    ntwk : Network
        Any n-port. Unchanged when its first frequency is already 0.

    Returns
    -------
    Network
        The network on ``[0, f_hz...]``.
    str
        What was done, e.g. ``"file starts at 10 MHz; DC point extrapolated: |S21(0)| = 0.998,
        delay 5.21 ns"``.

    Notes
    -----
    For every term, over the first ``min(16, nf // 4)`` points (at least 3 where there are):

    - magnitude: least squares of ``20·log10|S|`` against ``c0 + c1·√f + c2·f`` (f in GHz;
      skin-effect loss is ∝ √f, dielectric loss ∝ f); ``|S(0)| = 10^(c0/20)``;
    - sign: the unwrapped phase is fitted by ``φ0 − 2π f τ``; a real impulse response makes
      S(0) real, so φ(0) is rounded to the nearest multiple of π (0 → +, π → −);
    - the DC matrix is then made passive: the reflections, the less certain terms (a long line
      is mismatched at low frequency), are scaled down first until the largest singular value
      is 1 (for a series resistance ``[[r, 1 − r], [1 − r, r]]`` that is exact); only if that
      is not enough are the singular values clipped.

    The DC resistance of a line sits below its skin-effect onset f_δ (0.3 MHz for 30 AWG
    twinax), so a file starting at 10 MHz does not contain it: the extrapolation follows the
    √f law to DC and reads |S21(0)| high by about the DC loss (R_dc·l / 2Z, 0.003–0.009 on
    the built-in lines). The pulse response barely depends on it (one bin of the grid).
    O(n² · nf).

    Examples
    --------
    >>> import numpy as np
    >>> from sigint.channels.presets import twinax
    >>> line = twinax(26).network(1.0, np.arange(1, 200) * 10e6)
    >>> dc, note = extrapolate_dc(line)
    >>> round(float(dc.s[0, 1, 0].real), 3), note.split(";")[0]
    (0.999, 'file starts at 10 MHz')
    """
    f = ntwk.f_hz
    if f[0] == 0.0:
        return ntwk, "file has a DC point; nothing extrapolated"
    nf = f.size
    k = min(_N_DC_FIT, max(nf // 4, min(nf, 3)))
    x = f[:k] / _GHZ
    s = ntwk.s[:k]
    mag_db = 20.0 * np.log10(np.maximum(np.abs(s), _MAG_FLOOR))
    deg = min(2, k - 1)
    basis = np.column_stack([np.sqrt(x) ** p for p in range(deg + 1)])  # 1, √f, f
    coef, *_ = np.linalg.lstsq(basis, mag_db.reshape(k, -1), rcond=None)
    mag0 = np.minimum(10.0 ** (coef[0].reshape(s.shape[1:]) / 20.0), 1.0)
    if k >= 2:
        phi0, slope = _linear_fit(f[:k], _unwrapped_phase(s))
    else:
        phi0, slope = np.angle(s[0]), np.zeros(s.shape[1:])
    sign = np.where(np.round(phi0 / np.pi).astype(int) % 2 == 0, 1.0, -1.0)
    s0 = _passive_dc(sign * mag0)[None].astype(complex)
    out = Network(np.concatenate([[0.0], f]), np.concatenate([s0, ntwk.s]), ntwk.z_ref_ohm)
    i, j = _main_transmission(ntwk) if ntwk.n_ports > 1 else (0, 0)
    tau = -slope[i, j] / (2.0 * np.pi)
    name = _term_name(ntwk.n_ports, i, j)
    note = (
        f"file starts at {_fmt_f(f[0])}; DC point extrapolated: |{name}(0)| = "
        f"{abs(s0[0, i, j].real):.3f}, delay {tau * 1e9:.3g} ns (fit of the first {k} points: "
        f"dB magnitude vs √f, phase linear → real S(0))"
    )
    return out, note


# --------------------------------------------------------------------------- band extension
def extend_band(
    ntwk: Network, f_max_hz: float, step_hz: float | None = None
) -> tuple[Network, str]:
    """Extend the data past their last frequency up to ``f_max_hz``, never by zero-filling.

    Parameters
    ----------
    ntwk : Network
        Any n-port with at least 4 points.
    f_max_hz : float
        Highest frequency the simulation needs, Hz.
    step_hz : float, optional
        Spacing of the added points (default: the last step of the data).

    Returns
    -------
    Network
        The data, followed by at least one point at ``step_hz`` spacing, the last at or above
        ``f_max_hz`` (exactly ``f_max_hz`` where the steps land within a rounding error of it).
    str
        What was done, with the extrapolated loss of the main transmission term at ``f_max_hz``.

    Raises
    ------
    ValueError
        If ``f_max_hz`` is not finite, ``step_hz`` is not a positive step, or the network has
        fewer than 4 points.

    Notes
    -----
    - transmission terms: ``IL_dB = c + a·√f + b·f`` with a, b ≥ 0 by non-negative least
      squares over the top 80 % of the band (robust to a flat VNA noise floor in the last few
      GHz), continued from the last data point (``IL(f) = IL(f_end) + fit(f) − fit(f_end)``):
      the loss keeps growing; phase continued with the slope of its linear fit over the top
      30 % (a constant delay);
    - reflections: last magnitude rolled off to 0 over one octave (``cos²`` taper from f_end to
      2·f_end), phase continued with its linear trend.

    Examples
    --------
    >>> import numpy as np
    >>> from sigint.channels.presets import twinax
    >>> line = twinax(26).network(1.0, np.arange(0, 401) * 100e6)
    >>> ext, note = extend_band(line, 60e9)
    >>> float(ext.f_hz[-1]) >= 60e9, note.startswith("data end at 40 GHz")
    (True, True)
    """
    if not np.isfinite(f_max_hz):
        raise ValueError(f"f_max_hz = {f_max_hz!r}: expected a finite frequency in Hz")
    f = ntwk.f_hz
    if f[-1] >= f_max_hz:
        return ntwk, f"data reach {_fmt_f(f[-1])} ≥ {_fmt_f(f_max_hz)}; no extension"
    if f.size < 4:
        raise ValueError(f"extend_band needs ≥ 4 frequency points, got {f.size}")
    df = f[-1] - f[-2] if step_hz is None else float(step_hz)
    if not (np.isfinite(df) and df > 0):
        raise ValueError(f"step_hz = {df!r}: expected a finite step > 0 Hz")
    # At least one point, and the last one at f_max_hz or above: a step that does not divide
    # the gap exactly in floating point (0.25 / 1 ns = 249 999 999.99999997 Hz) lands a hair
    # below f_max_hz, and a caller extending again for that hair would get no points at all.
    n_new = max(1, int(np.ceil((f_max_hz - f[-1]) / df - 1e-9)))
    f_new = f[-1] + df * np.arange(1, n_new + 1)
    f_new[-1] = max(f_new[-1], f_max_hz)
    sel = f >= f[0] + 0.7 * (f[-1] - f[0])
    if sel.sum() < 4:
        sel = np.zeros(f.size, dtype=bool)
        sel[-4:] = True
    s = ntwk.s
    n = ntwk.n_ports
    off = ~np.eye(n, dtype=bool)

    phase = _unwrapped_phase(s)
    _, slope = _linear_fit(f[sel], phase[sel])
    phase_new = phase[-1][None] + slope[None] * (f_new - f[-1])[:, None, None]

    # transmission: loss trend c + a√f + b f with a, b ≥ 0 (skin and dielectric loss only grow
    # with frequency), fitted over the top 80 % of the band: a measured file's top few GHz often
    # sit on a VNA noise floor whose flat or falling "loss" must not be extrapolated.
    wide = f >= f[0] + 0.2 * (f[-1] - f[0])
    fw = f[wide] / _GHZ
    il = -20.0 * np.log10(np.maximum(np.abs(s[wide]), _MAG_FLOOR)).reshape(fw.size, -1)
    basis = np.column_stack([np.ones_like(fw), -np.ones_like(fw), np.sqrt(fw), fw])
    coef = np.array([nnls(basis, il[:, k])[0][2:] for k in range(n * n)]).T.reshape(2, n, n)

    def trend(f_ghz):
        f_ghz = np.asarray(f_ghz, dtype=float)[:, None, None]
        return coef[0] * np.sqrt(f_ghz) + coef[1] * f_ghz

    il_end = -20.0 * np.log10(np.maximum(np.abs(s[-1]), _MAG_FLOOR))
    il_new = il_end[None] + trend(f_new / _GHZ) - trend([f[-1] / _GHZ])
    il_new = np.maximum.accumulate(np.maximum(il_new, il_end[None]), axis=0)
    mag_tx = 10.0 ** (-il_new / 20.0)

    # reflections: hold the last magnitude and roll it off to 0 over one octave
    x = np.clip((f_new - f[-1]) / f[-1], 0.0, 1.0)
    taper = np.cos(0.5 * np.pi * x) ** 2
    mag_rx = np.abs(s[-1])[None] * taper[:, None, None]

    mag_new = np.where(off[None], mag_tx, mag_rx)
    s_new = mag_new * np.exp(1j * phase_new)
    out = Network(np.concatenate([f, f_new]), np.concatenate([s, s_new]), ntwk.z_ref_ohm)

    if n > 1:
        i, j = _main_transmission(ntwk)
        k_at = min(int(np.searchsorted(f_new, f_max_hz)), f_new.size - 1)
        tx = (
            f"{_term_name(n, i, j)} IL extrapolated with a√f+bf (a, b ≥ 0) fit over "
            f"{_fmt_f(fw[0] * _GHZ)}–{_fmt_f(f[-1])} "
            f"(a = {coef[0, i, j]:.3g} dB/√GHz, b = {coef[1, i, j]:.3g} dB/GHz; "
            f"{il_end[i, j]:.1f} dB at {_fmt_f(f[-1])} → {il_new[k_at, i, j]:.1f} dB at "
            f"{_fmt_f(f_new[k_at])}), phase by its linear delay"
        )
    else:
        tx = "no transmission terms"
    note = (
        f"data end at {_fmt_f(f[-1])}; simulation needs {_fmt_f(f_max_hz)}; {tx}; "
        f"reflections held at their last magnitude and rolled off to 0 over one octave"
    )
    return out, note


# --------------------------------------------------------------------------- resampling
def resample(ntwk: Network, f_hz) -> Network:
    """Interpolate onto a new grid: log-magnitude and unwrapped phase, each by PCHIP.

    Parameters
    ----------
    ntwk : Network
        Any n-port whose grid starts at 0 Hz (call `extrapolate_dc` first).
    f_hz : array_like, shape (nf,)
        Target frequencies in Hz, ≥ 0 and increasing (the simulation grid).

    Returns
    -------
    Network

    Raises
    ------
    ValueError
        If ``ntwk`` has no DC point or ``f_hz`` is not a valid grid.

    Notes
    -----
    Interpolating real and imaginary parts collapses |S| between points whose phase rotates
    (a 5 ns delay turns 90° per 50 MHz); magnitude and phase are smooth instead. Above the data
    the network is first extended by `extend_band` (use `prepare` to keep its note). The grid
    must resolve the phase (step < 1/(2·delay)) for unwrapping to hold. O(n² · nf).

    Examples
    --------
    >>> import numpy as np
    >>> from sigint.channels.presets import twinax
    >>> line = twinax(26).network(1.0, np.arange(0, 201) * 50e6)
    >>> resample(line, np.arange(0, 1001) * 10e6).f_hz.size
    1001
    """
    f_new = np.asarray(f_hz, dtype=float)
    if f_new.ndim != 1 or f_new.size < 1 or np.any(f_new < 0) or np.any(np.diff(f_new) <= 0):
        raise ValueError("f_hz must be a non-empty 1-D grid, ≥ 0 and strictly increasing")
    if ntwk.f_hz[0] != 0.0:
        raise ValueError(
            f"resample needs a DC point (data start at {_fmt_f(ntwk.f_hz[0])}); "
            "call extrapolate_dc first"
        )
    if f_new[-1] > ntwk.f_hz[-1]:
        ntwk, _ = extend_band(ntwk, f_new[-1])
    f = ntwk.f_hz
    s = ntwk.s
    if f.size == 1:
        return Network(f_new, np.repeat(s, f_new.size, axis=0), ntwk.z_ref_ohm)
    log_mag = np.log(np.maximum(np.abs(s), _MAG_FLOOR))
    phase = _unwrapped_phase(s)
    if f.size == 2:
        lm = np.stack([np.interp(f_new, f, c) for c in log_mag.reshape(2, -1).T], axis=1)
        ph = np.stack([np.interp(f_new, f, c) for c in phase.reshape(2, -1).T], axis=1)
        lm, ph = lm.reshape((-1, *s.shape[1:])), ph.reshape((-1, *s.shape[1:]))
    else:
        lm = PchipInterpolator(f, log_mag, axis=0, extrapolate=True)(f_new)
        ph = PchipInterpolator(f, phase, axis=0, extrapolate=True)(f_new)
    mag = np.exp(lm)
    mag[mag < 1e-15] = 0.0
    return Network(f_new, mag * np.exp(1j * ph), ntwk.z_ref_ohm)


# --------------------------------------------------------------------------- passivity
@dataclass(frozen=True)
class PassivityReport:
    """Largest singular value of S over frequency.

    Attributes
    ----------
    max_sv : float
        max over f of the largest singular value (≤ 1 for a passive network).
    f_at_max_hz : float
        Frequency where it occurs, Hz.
    n_violations : int
        Number of frequencies with a singular value > 1 + tol.
    passive : bool
        ``n_violations == 0``.
    """

    max_sv: float
    f_at_max_hz: float
    n_violations: int
    passive: bool

    def __str__(self) -> str:
        verdict = "passive" if self.passive else f"NOT passive at {self.n_violations} frequencies"
        return (
            f"passivity: {verdict}; largest singular value {self.max_sv:.4f} at "
            f"{_fmt_f(self.f_at_max_hz)}"
        )


def passivity_report(ntwk: Network, tol: float = 1e-9) -> PassivityReport:
    """Check passivity: the largest singular value of S at each frequency must be ≤ 1.

    Parameters
    ----------
    ntwk : Network
    tol : float, default 1e-9
        Allowance above 1 before a frequency counts as a violation.

    Returns
    -------
    PassivityReport
    """
    sv = ntwk.max_singular_value()
    k = int(np.argmax(sv))
    n_bad = int(np.sum(sv > 1.0 + tol))
    return PassivityReport(float(sv[k]), float(ntwk.f_hz[k]), n_bad, n_bad == 0)


def enforce_passivity(ntwk: Network) -> tuple[Network, str]:
    """Clip every singular value above 1 down to 1, frequency by frequency.

    Parameters
    ----------
    ntwk : Network

    Returns
    -------
    Network
        ``U·min(Σ, 1)·Vᴴ`` at each frequency; unchanged where already passive. A reciprocal
        (symmetric) S stays symmetric.
    str
        The largest correction, in dB, and where.

    Notes
    -----
    The smallest change (in the spectral norm) that makes each S-matrix passive. It does not
    restore causality of the changed frequencies; apply it last. O(n³ · nf).
    """
    s_new, sv = _clip_singular_values(ntwk.s)
    bad = sv > 1.0
    if not np.any(bad):
        return ntwk, "passive already; nothing changed"
    s_new = np.where(bad[:, None, None], s_new, ntwk.s)
    k = int(np.argmax(sv))
    note = (
        f"passivity enforced at {int(bad.sum())} frequencies by clipping singular values to 1; "
        f"largest correction {20.0 * np.log10(sv[k]):.3f} dB (σ_max {sv[k]:.4f}) at "
        f"{_fmt_f(ntwk.f_hz[k])}"
    )
    return Network(ntwk.f_hz, s_new, ntwk.z_ref_ohm), note


# --------------------------------------------------------------------------- causality
@dataclass(frozen=True)
class CausalityReport:
    """Share of impulse-response energy in negative time.

    Attributes
    ----------
    acausal_fraction : float
        Worst, over the terms S_ij, of the energy of h_ij at ``t < −t_guard`` over the energy
        leaving the network for an impulse into port j (``Σ_i`` of the energies of h_ij).
    term : str
        The term where it occurs, e.g. ``"S21"``.
    bulk_delay_s : float
        Delay of the main transmission term from its phase slope, s (negative: the data
        advance in time, a sign-convention error).
    threshold : float
        Verdict threshold on ``acausal_fraction``.
    causal : bool
        ``acausal_fraction ≤ threshold`` and ``bulk_delay_s ≥ 0``.
    window_s : float
        Length of the periodic time window used, s.
    """

    acausal_fraction: float
    term: str
    bulk_delay_s: float
    threshold: float
    causal: bool
    window_s: float

    def __str__(self) -> str:
        verdict = "causal" if self.causal else "NOT causal"
        return (
            f"causality: {verdict}; energy in negative time {self.acausal_fraction:.2e} of total "
            f"({self.term}; threshold {self.threshold:.0e}); bulk delay "
            f"{self.bulk_delay_s * 1e9:.3g} ns; window {self.window_s * 1e9:.4g} ns"
        )


def _uniform_from_dc(ntwk: Network, min_window_s: float) -> Network:
    """The network on a uniform grid 0, df, … with 1/df ≥ ``min_window_s``."""
    if ntwk.f_hz[0] != 0.0:
        ntwk, _ = extrapolate_dc(ntwk)
    f = ntwk.f_hz
    steps = np.diff(f)
    df = float(min(np.median(steps), 1.0 / min_window_s))
    uniform = np.allclose(steps, steps[0], rtol=1e-9, atol=0.0) and steps[0] <= df * (1 + 1e-9)
    if uniform:
        return ntwk
    n = int(np.floor(f[-1] / df + 1e-9)) + 1
    return resample(ntwk, np.arange(n) * df)


def _bulk_delay(f: np.ndarray, h: np.ndarray) -> float:
    """Delay from the slope of the unwrapped phase where |H| is within 40 dB of its peak."""
    mag = np.abs(h)
    sel = mag >= 1e-2 * mag.max()
    if sel.sum() < 2:
        return 0.0
    _, slope = _linear_fit(f[sel], np.unwrap(np.angle(h))[sel])
    return float(-slope / (2.0 * np.pi))


def _time_responses(s: np.ndarray, taper: bool) -> np.ndarray:
    """Impulse responses of every term along axis 0, optionally with a Hann taper in f."""
    nf = s.shape[0]
    if taper:
        w = np.cos(0.5 * np.pi * np.arange(nf) / (nf - 1)) ** 2  # half Hann: 1 at DC, 0 at f_max
        s = s * w[:, None, None]
    return np.fft.irfft(s, 2 * (nf - 1), axis=0)


def causality_report(
    ntwk: Network, threshold: float = 1e-3, min_window_s: float = 20e-9
) -> CausalityReport:
    """Measure the energy of each impulse response in negative time.

    Parameters
    ----------
    ntwk : Network
        Any n-port; resampled onto a uniform grid from DC when it is not on one.
    threshold : float, default 1e-3
        Largest acceptable share of energy in negative time.
    min_window_s : float, default 20e-9
        Shortest periodic time window (1/df); it is also made ≥ 8 × the bulk delay.

    Returns
    -------
    CausalityReport

    Notes
    -----
    Method: every term ``S_ij(f)`` on the uniform grid ``0 … f_max`` is tapered by a half-Hann
    window (1 at DC, 0 at f_max) so that the band edge does not ring (the taper spreads a
    response by ≈ 2/f_max, symmetrically), and turned into ``h(t)`` by an inverse real FFT over
    the periodic window ``T = 1/df``. Negative time is ``−T/2 ≤ t < −t_guard`` with
    ``t_guard = 8/f_max``; the measure is the energy there over the energy of the whole column
    j (all the waves an impulse into port j sends out, so a small reflection's slow tail does
    not dominate). The bulk delay of the
    main transmission term, from the slope of its unwrapped phase, sets the window (T ≥ 8τ,
    so the tail of a causal response does not wrap round into negative time), and a negative
    one (the ``e^{-jωt}`` convention, or conjugated data) fails the check outright. Responses
    are measured in absolute time, not after removing the delay: a dispersive line legitimately
    starts well before its mean group delay.
    """
    first = ntwk if ntwk.f_hz[0] == 0.0 else extrapolate_dc(ntwk)[0]
    n = ntwk.n_ports
    i, j = _main_transmission(ntwk) if n > 1 else (0, 0)
    tau = _bulk_delay(first.f_hz, first.s[:, i, j])
    u = _uniform_from_dc(first, max(min_window_s, 8.0 * abs(tau)))
    f = u.f_hz
    h = _time_responses(u.s, taper=True)
    nt = h.shape[0]
    dt = 1.0 / (nt * (f[1] - f[0]))
    t = np.arange(nt) * dt
    t = np.where(t >= nt * dt / 2.0, t - nt * dt, t)
    neg = t < -8.0 / f[-1]
    # share of the energy leaving the network for an impulse into port j: Σ_i E(S_ij)
    column = np.sum(np.sum(h**2, axis=0), axis=0, keepdims=True)
    frac = np.sum(h[neg] ** 2, axis=0) / np.where(column > 0, column, 1.0)
    a, b = np.unravel_index(int(np.argmax(frac)), frac.shape)
    worst = float(frac[a, b])
    causal = worst <= threshold and tau >= 0.0
    return CausalityReport(worst, _term_name(n, a, b), tau, float(threshold), causal, nt * dt)


def enforce_causality(ntwk: Network) -> tuple[Network, str]:
    """Remove the negative-time part of every impulse response and transform back.

    Parameters
    ----------
    ntwk : Network
        On a uniform grid from DC (as `prepare` makes it).

    Returns
    -------
    Network
        Same grid; from each ``S_ij`` the spectrum of its negative-time part (``−T/2 ≤ t <
        −8/f_max``, the region `causality_report` measures, of the tapered response) is
        subtracted.
    str
        The largest change of the main transmission term in dB, and the largest |ΔS|.

    Raises
    ------
    ValueError
        If the grid is not uniform from 0 Hz.

    Notes
    -----
    Zeroing negative time of the untapered response would also cut the band-edge (Gibbs)
    ringing that any band-limited causal response has, and change a causal 2 m line by 3 dB at
    its last frequency; subtracting the acausal part of the *tapered* response leaves causal
    data practically unchanged (≪ 0.01 dB) and removes what the check measures.
    O(n² · nf log nf).
    """
    f = ntwk.f_hz
    steps = np.diff(f)
    if f[0] != 0.0 or f.size < 3 or not np.allclose(steps, steps[0], rtol=1e-9, atol=0.0):
        raise ValueError(
            "enforce_causality needs a uniform grid from 0 Hz; use resample or prepare first"
        )
    h = _time_responses(ntwk.s, taper=True)
    nt = h.shape[0]
    dt = 1.0 / (nt * steps[0])
    t = np.arange(nt) * dt
    t = np.where(t >= nt * dt / 2.0, t - nt * dt, t)
    h[t >= -8.0 / f[-1]] = 0.0  # keep only the acausal part, then subtract it
    s_new = ntwk.s - np.fft.rfft(h, axis=0)
    delta = np.abs(s_new - ntwk.s)
    k, a, b = np.unravel_index(int(np.argmax(delta)), delta.shape)
    n = ntwk.n_ports
    i, j = _main_transmission(ntwk) if n > 1 else (0, 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        db = np.abs(20.0 * np.log10(np.abs(s_new[:, i, j]) / np.abs(ntwk.s[:, i, j])))
    db = np.where(np.isfinite(db), db, 0.0)
    kk = int(np.argmax(db))
    note = (
        f"causality enforced by removing the negative-time part (t < −{8.0 / f[-1] * 1e12:.3g} ps) "
        f"of every tapered impulse response; {_term_name(n, i, j)} changed by at most "
        f"{db[kk]:.3f} dB (at {_fmt_f(f[kk])}); largest |ΔS| {delta[k, a, b]:.2e} in "
        f"{_term_name(n, a, b)} at {_fmt_f(f[k])}"
    )
    return Network(f, s_new, ntwk.z_ref_ohm), note


# --------------------------------------------------------------------------- reciprocity
def reciprocity_report(ntwk: Network, tol: float = 1e-3) -> tuple[float, bool]:
    """Largest ``|S − Sᵀ|`` over all terms and frequencies, and whether it is ≤ ``tol``.

    Parameters
    ----------
    ntwk : Network
    tol : float, default 1e-3
        Allowance (measured files differ by VNA noise, ~1e-4–1e-3).

    Returns
    -------
    tuple of (float, bool)
    """
    d = float(np.max(np.abs(ntwk.s - np.swapaxes(ntwk.s, 1, 2))))
    return d, d <= tol


# --------------------------------------------------------------------------- the whole chain
@dataclass
class HygieneReport:
    """What `prepare` found and did, in order.

    Attributes
    ----------
    source : str
        The input grid and port count, in words.
    steps : list of str
        One sentence per change made (DC point, band extension, resampling, enforcements).
    passivity : PassivityReport
        Of the file's data (with its DC point), before any enforcement.
    causality : CausalityReport
        Of the file's data (with its DC point), before any enforcement.
    reciprocity_max : float
        Largest ``|S − Sᵀ|``.
    reciprocal : bool
    passivity_final, causality_final : PassivityReport, CausalityReport or None
        After the enforcements, when any was asked for.
    """

    source: str
    steps: list[str] = field(default_factory=list)
    passivity: PassivityReport | None = None
    causality: CausalityReport | None = None
    reciprocity_max: float = 0.0
    reciprocal: bool = True
    passivity_final: PassivityReport | None = None
    causality_final: CausalityReport | None = None

    def lines(self) -> list[str]:
        """The report as printable lines."""
        out = [f"input: {self.source}"]
        out += [f"- {s}" for s in self.steps]
        if self.passivity is not None:
            out.append(str(self.passivity))
        if self.causality is not None:
            out.append(str(self.causality))
        word = "reciprocal" if self.reciprocal else "NOT reciprocal"
        out.append(f"reciprocity: {word}; max |S − Sᵀ| = {self.reciprocity_max:.2e}")
        if self.passivity_final is not None:
            out.append(f"after enforcement: {self.passivity_final}")
        if self.causality_final is not None:
            out.append(f"after enforcement: {self.causality_final}")
        return out

    def __str__(self) -> str:
        return "\n".join(self.lines())

    def to_dict(self) -> dict:
        """JSON-ready dictionary (floats, ints, bools, strings, lists, nested dicts)."""
        d = asdict(self)
        for k, v in d.items():
            if isinstance(v, dict):
                d[k] = {kk: (bool(x) if isinstance(x, np.bool_) else x) for kk, x in v.items()}
        return d


_fix_causality = enforce_causality  # prepare's keyword arguments shadow the names
_fix_passivity = enforce_passivity


def prepare(
    ntwk: Network,
    f_hz,
    enforce_passivity: bool = False,
    enforce_causality: bool = False,
) -> tuple[Network, HygieneReport]:
    """Make a network fit for simulation on ``f_hz``, stating every change.

    Parameters
    ----------
    ntwk : Network
        As read from a file.
    f_hz : array_like, shape (nf,)
        Simulation grid: uniform, starting at 0 Hz.
    enforce_passivity, enforce_causality : bool, default False
        Apply the corresponding correction (each stated with its size).

    Returns
    -------
    Network
        On ``f_hz``.
    HygieneReport

    Raises
    ------
    ValueError
        If ``f_hz`` does not start at 0 or is not increasing.

    Notes
    -----
    Order: DC point (`extrapolate_dc`), checks of the data (passivity, causality,
    reciprocity), band extension (`extend_band`), resampling (`resample`), then causality
    enforcement and passivity enforcement last on the simulation grid (clipping singular
    values is per frequency and keeps the result passive).

    Examples
    --------
    >>> import numpy as np
    >>> from sigint.channels.presets import twinax
    >>> raw = twinax(26).network(1.0, np.arange(1, 401) * 100e6)
    >>> ready, report = prepare(raw, np.arange(0, 2201) * 50e6)
    >>> float(ready.f_hz[-1]) / 1e9, report.passivity.passive, len(report.steps)
    (110.0, True, 3)
    """
    f_new = np.asarray(f_hz, dtype=float)
    if f_new.ndim != 1 or f_new.size < 2 or f_new[0] != 0.0 or np.any(np.diff(f_new) <= 0):
        raise ValueError("f_hz must be an increasing grid of ≥ 2 points starting at 0 Hz")
    f = ntwk.f_hz
    report = HygieneReport(
        source=f"{ntwk.n_ports}-port, {f.size} points, {_fmt_f(f[0])}–{_fmt_f(f[-1])}"
    )
    out, note = extrapolate_dc(ntwk)
    if f[0] > 0:
        report.steps.append(note)
    # The verdicts are about the file's own data (DC point added), not about the extension.
    report.passivity = passivity_report(out)
    report.causality = causality_report(out)
    report.reciprocity_max, report.reciprocal = reciprocity_report(out)
    if f_new[-1] > out.f_hz[-1]:
        # The extension is a smooth trend: 2048 steps to the top of the grid are plenty, as
        # long as the delay's phase turns by less than π/2 a step (unwrapping stays exact).
        i, j = _main_transmission(out) if out.n_ports > 1 else (0, 0)
        delay = max(_bulk_delay(out.f_hz, out.s[:, i, j]), 1e-12)
        step = max(out.f_hz[-1] - out.f_hz[-2], (f_new[-1] - out.f_hz[-1]) / 2048)
        step = min(step, 0.25 / delay)
        out, note = extend_band(out, f_new[-1], step_hz=step)
        report.steps.append(note)
    same = out.f_hz.size == f_new.size and np.allclose(out.f_hz, f_new, rtol=0, atol=1e-6)
    if not same:
        out = resample(out, f_new)
        report.steps.append(
            f"resampled onto the simulation grid ({f_new.size} points, "
            f"{_fmt_f(f_new[1] - f_new[0])} step, to {_fmt_f(f_new[-1])}) by PCHIP on "
            "log-magnitude and unwrapped phase"
        )
    if enforce_causality:
        out, note = _fix_causality(out)
        report.steps.append(note)
    if enforce_passivity:
        out, note = _fix_passivity(out)
        report.steps.append(note)
    if enforce_passivity or enforce_causality:
        report.passivity_final = passivity_report(out)
        report.causality_final = causality_report(out)
    return out, report
