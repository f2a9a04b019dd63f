"""Transmit jitter: edge-time sequences, their effect on the waveform, and measuring them back.

An edge displaced by τ_k changes the transmitted NRZ waveform by a step of Δa_k = a_k − a_{k−1}
arriving τ_k late. Through the link's linear response g(t) (everything but the 1-UI hold), to
first order in τ:

    y(t) = Σ_k Δa_k · s(t − kT − τ_k) ≈ y_0(t) − Σ_k (Δa_k · τ_k) · g(t − kT)

so jitter is one more input stream, ``−Δa_k·τ_k``, superposed through g like the symbols
through the pulse: at any sub-sample resolution, never rounded to the sample grid. The
first-order model holds while τ is small against the edge's rise time (for 0.05 UI of jitter
and a 0.4 UI edge the second-order term is ~5 % of the first and zero-mean for RJ and SJ).

Components (each per transition k, in UI; the sum is applied):

- RJ: Gaussian, σ = ``rj_rms_ui``;
- SJ: ``sj_amplitude_ui``·sin(2π f_SJ k T + φ0), φ0 from the seed;
- DJ: bounded dual-Dirac, ±``dj_pp_ui``/2 with a random sign per edge;
- DCD: even edges +``dcd_pp_ui``/2, odd edges −``dcd_pp_ui``/2.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._configio import check as _check
from ._configio import finite as _finite


@dataclass(frozen=True)
class JitterConfig:
    """Transmit jitter components, in UI (peak-to-peak for DJ and DCD, peak for SJ).

    Parameters
    ----------
    rj_rms_ui : float
        Random jitter, RMS.
    sj_amplitude_ui : float
        Sinusoidal jitter amplitude (peak; peak-to-peak is twice this).
    sj_frequency_hz : float
        Sinusoidal jitter frequency.
    dj_pp_ui : float
        Bounded (dual-Dirac) deterministic jitter, peak-to-peak.
    dcd_pp_ui : float
        Duty-cycle distortion, peak-to-peak (alternate edges early and late).
    """

    rj_rms_ui: float = 0.0
    sj_amplitude_ui: float = 0.0
    sj_frequency_hz: float = 0.0
    dj_pp_ui: float = 0.0
    dcd_pp_ui: float = 0.0

    def __post_init__(self):
        for name in ("rj_rms_ui", "sj_amplitude_ui", "dj_pp_ui", "dcd_pp_ui"):
            value = getattr(self, name)
            _check(
                _finite(value) and 0 <= value <= 0.5,
                name,
                value,
                "a jitter in UI from 0 to 0.5 (the first-order edge model needs small jitter)",
            )
        _check(
            _finite(self.sj_frequency_hz) and self.sj_frequency_hz >= 0,
            "sj_frequency_hz",
            self.sj_frequency_hz,
            "a non-negative frequency in Hz",
        )
        _check(
            self.sj_amplitude_ui == 0 or self.sj_frequency_hz > 0,
            "sj_frequency_hz",
            self.sj_frequency_hz,
            "a positive frequency when sj_amplitude_ui is set",
        )

    @property
    def active(self) -> bool:
        """True when any component is non-zero."""
        return any(
            getattr(self, n) > 0 for n in ("rj_rms_ui", "sj_amplitude_ui", "dj_pp_ui", "dcd_pp_ui")
        )


class EdgeJitter:
    """Streaming edge-time source: τ_k in UI for each transition, chunk after chunk.

    Parameters
    ----------
    cfg : JitterConfig
    ui_s : float
    rng : numpy.random.Generator
        The run's jitter stream (independent of the data and noise streams).
    """

    def __init__(self, cfg: JitterConfig, ui_s: float, rng: np.random.Generator):
        self.cfg = cfg
        self.ui_s = ui_s
        self.rng = rng
        self.k = 0
        self.phase0 = float(rng.uniform(0, 2 * np.pi)) if cfg.sj_amplitude_ui > 0 else 0.0

    def __call__(self, n: int) -> np.ndarray:
        """Edge displacements of the next ``n`` transitions, UI."""
        c = self.cfg
        k = self.k + np.arange(n)
        tau = np.zeros(n)
        if c.rj_rms_ui:
            tau += c.rj_rms_ui * self.rng.standard_normal(n)
        if c.sj_amplitude_ui:
            tau += c.sj_amplitude_ui * np.sin(
                2 * np.pi * c.sj_frequency_hz * self.ui_s * k + self.phase0
            )
        if c.dj_pp_ui:
            tau += 0.5 * c.dj_pp_ui * np.where(self.rng.random(n) < 0.5, -1.0, 1.0)
        if c.dcd_pp_ui:
            tau += 0.5 * c.dcd_pp_ui * np.where(k % 2 == 0, 1.0, -1.0)
        self.k += n
        return tau


def jitter_stream(levels_v: np.ndarray, previous_v: float, tau_ui: np.ndarray, samples_per_ui):
    """Input values of the jitter stream: −Δa_k·τ_k in volt·samples (see module docstring).

    Parameters
    ----------
    levels_v : ndarray
        Tx levels of the chunk's symbols, V.
    previous_v : float
        Level of the symbol before the chunk.
    tau_ui : ndarray
        Edge displacement of each symbol's leading edge, UI.
    samples_per_ui : int
        The response g is sampled at T/S, so τ in samples is τ_ui·S.
    """
    delta = np.diff(levels_v, prepend=previous_v)
    return -delta * tau_ui * samples_per_ui


def zero_crossing_tie(rows: np.ndarray, threshold_v: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """Crossing times of a waveform through ``threshold_v`` and their time interval error.

    Parameters
    ----------
    rows : ndarray, float64[n, S]
        Waveform rows (row k, phase p at time k + (p − S/2)/S UI).
    threshold_v : float

    Returns
    -------
    t_ui : ndarray
        Crossing times in UI, by linear interpolation between samples.
    tie_ui : ndarray
        Each crossing's distance from the nearest nominal edge time (k + 0.5 in these units,
        offset by the mean crossing phase), UI: the time interval error.
    """
    s = rows.shape[1]
    x = rows.ravel() - threshold_v
    i = np.flatnonzero(np.signbit(x[:-1]) != np.signbit(x[1:]))
    frac = x[i] / (x[i] - x[i + 1])
    t_ui = (i + frac - s / 2) / s
    phase = t_ui - np.floor(t_ui)
    centre = np.angle(np.mean(np.exp(2j * np.pi * phase))) / (2 * np.pi)
    tie = t_ui - centre
    tie -= np.round(tie)
    return t_ui, tie
