"""Jitter tolerance: the largest sinusoidal jitter a link survives, frequency by frequency.

For each SJ frequency a bisection (on a log scale) finds the largest amplitude at which a
time-domain run with the link's clock recovery still passes: BER ≤ the target, and no cycle slip
after the loop first locked. The SJ is applied between the data and the sampling clock inside the
CDR (:class:`~sigint.cdr.CDRConfig` ``sj_amplitude_ui``), exactly, so amplitudes of many UI are
as valid as small ones; for a linear loop this is the same relative jitter as SJ at the Tx.

Below the loop bandwidth the loop tracks the jitter and the tolerance rises (for this type-2
loop −20 dB/decade between its integral zero and its crossover, −40 dB/decade further down;
see :func:`sigint.cdr.jtol_template`); above it the tolerance flattens at the eye's own margin.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from .config import LinkConfig
from .errors import ConfigError
from .timedomain import simulate


@dataclass(frozen=True)
class JtolResult:
    """A measured jitter-tolerance curve.

    Attributes
    ----------
    f_hz : ndarray
        SJ frequencies.
    amplitude_ui : ndarray
        Largest passing SJ amplitude (UI peak) at each frequency (the bisection's lower bound;
        the true value lies within ``resolution`` above it).
    resolution : float
        Relative resolution of the bisection.
    target_ber : float
    n_symbols : int
        Symbols per trial run.
    """

    f_hz: np.ndarray
    amplitude_ui: np.ndarray
    resolution: float
    target_ber: float
    n_symbols: int

    def slope_db_per_decade(self, i: int, j: int) -> float:
        """Slope of the curve between points i and j, dB (of amplitude) per decade."""
        a = 20 * np.log10(self.amplitude_ui[j] / self.amplitude_ui[i])
        return float(a / np.log10(self.f_hz[j] / self.f_hz[i]))


def passes(cfg: LinkConfig, amplitude_ui: float, f_hz: float, target_ber: float) -> bool:
    """One trial: does the link pass with this SJ?"""
    cdr = dataclasses.replace(cfg.rx.cdr, sj_amplitude_ui=amplitude_ui, sj_freq_hz=f_hz)
    result = simulate(cfg.replace(**{"rx.cdr": cdr}))
    report = result.cdr_report
    slipped_after_lock = any(
        report.lock_gained_at and k > report.lock_gained_at[0] for k in report.slip_at
    )
    return (not slipped_after_lock) and result.ber <= target_ber


def jtol(
    cfg: LinkConfig,
    f_hz,
    target_ber: float = 1e-4,
    resolution: float = 0.05,
    amplitude_range_ui: tuple[float, float] = (0.01, 100.0),
    progress=None,
) -> JtolResult:
    """Measure the jitter tolerance of a link with clock recovery.

    Parameters
    ----------
    cfg : LinkConfig
        Needs ``rx.cdr``. Each trial runs ``sim.n_symbols`` symbols; the SJ should complete a
        few periods in that time (``n_symbols / f_baud`` ≫ ``1/f``), and the warm-up should
        cover the loop's lock time.
    f_hz : sequence of float
        SJ frequencies.
    target_ber : float
        Pass criterion (with no cycle slip after lock).
    resolution : float
        Stop the bisection when the bracket is within this relative width.
    amplitude_range_ui : (float, float)
        Bracket of amplitudes searched, UI peak.
    progress : callable, optional
        Called with (frequency index, trial amplitude) before each trial.

    Raises
    ------
    ConfigError
        If the config has no CDR or an argument is out of range.
    """
    if cfg.rx.cdr is None:
        raise ConfigError("rx.cdr", None, "a clock-recovery config (JTOL needs a CDR)")
    lo0, hi0 = amplitude_range_ui
    if not 0 < lo0 < hi0:
        raise ConfigError("amplitude_range_ui", amplitude_range_ui, "0 < low < high (UI)")
    if not 0 < resolution < 1:
        raise ConfigError("resolution", resolution, "a relative width in (0, 1)")
    freqs = np.asarray(f_hz, dtype=float)
    out = np.empty(freqs.size)
    for i, f in enumerate(freqs):
        lo, hi = lo0, hi0
        if progress:
            progress(i, lo)
        if not passes(cfg, lo, f, target_ber):
            out[i] = 0.0  # fails even at the smallest amplitude searched
            continue
        if progress:
            progress(i, hi)
        if passes(cfg, hi, f, target_ber):
            out[i] = hi
            continue
        while hi / lo > 1 + resolution:
            mid = np.sqrt(lo * hi)
            if progress:
                progress(i, mid)
            if passes(cfg, mid, f, target_ber):
                lo = mid
            else:
                hi = mid
        out[i] = lo
    return JtolResult(freqs, out, resolution, target_ber, cfg.sim.n_symbols)


def plot_jtol(result: JtolResult, template=None, ax=None, title: str | None = None):
    """Draw a JTOL curve (and an analytic template ``(f_hz, amplitude_ui)``), log-log."""
    from .plots import _pyplot

    plt = _pyplot()
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 4.5), layout="constrained")
    ok = result.amplitude_ui > 0
    ax.loglog(result.f_hz[ok] / 1e6, result.amplitude_ui[ok], "o-", label="measured (time domain)")
    if template is not None:
        f_t, a_t = template
        ax.loglog(np.asarray(f_t) / 1e6, a_t, "--", label="loop template")
    ax.set_xlabel("SJ frequency (MHz)")
    ax.set_ylabel("tolerated SJ (UI peak)")
    ax.set_title(title or f"jitter tolerance at BER ≤ {result.target_ber:g}")
    ax.grid(alpha=0.3, which="both")
    ax.legend()
    return ax
