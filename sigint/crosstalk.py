"""Crosstalk aggressors: their coupling to the victim's receiver and their pulse responses.

An aggressor is an independent transmitter whose signal reaches the victim's slicer through a
coupling path (a NEXT or FEXT transfer function) and the victim's own Rx chain. Its data are
independent of the victim's, so only its response's *phase within a UI* relative to the victim's
sampling instant matters, not its integer-UI delay: the pulse is cut to its own span with its
start on the victim's sample grid.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .channel_config import AggressorConfig
from .pulse import circular_window

#: Samples below this fraction of the aggressor pulse's peak are dropped from its span.
AGGRESSOR_THRESHOLD = 1e-4


def parametric_coupling(
    kind: str, level_db: float, f_hz: np.ndarray, s21: np.ndarray, f_nyquist_hz: float
) -> np.ndarray:
    """Weak-coupling crosstalk transfer function along the victim's channel.

    FEXT: H = K·(jf/f_N)·S21(f) (far-end coupling ∝ jω along the line, delayed and attenuated
    like the thru): the level is relative to the thru at Nyquist, |H(f_N)/S21(f_N)| = K.
    NEXT: H = K·(1 − S21(f)²) (near-end coupling integrates the round trip and saturates):
    |H| → K at high frequency. K = 10^(level_db/20).

    Parameters
    ----------
    kind : {"fext", "next"}
    level_db : float
    f_hz, s21 : ndarray
        The victim channel's frequency grid and SDD21.
    f_nyquist_hz : float
    """
    k = 10 ** (level_db / 20)
    if kind == "fext":
        return k * (1j * f_hz / f_nyquist_hz) * s21
    if kind == "next":
        return k * (1 - s21**2)
    raise ValueError(f"kind = {kind!r}: expected 'fext' or 'next'")


@dataclass(frozen=True)
class AggressorPulse:
    """An aggressor's pulse response at the victim's slicer, on the victim's sample grid.

    Attributes
    ----------
    samples : ndarray
        Volts at the victim's slicer per volt of aggressor symbol, S samples per UI, starting
        on a sample whose phase within the UI matches the victim's row phase 0.
    levels_v : ndarray
        The aggressor's Tx levels, V.
    config : AggressorConfig
    window_start : int
        Index of the first sample in the periodic response it was cut from.
    """

    samples: np.ndarray
    levels_v: np.ndarray
    config: AggressorConfig
    window_start: int = 0

    @property
    def peak_v(self) -> float:
        """Largest |pulse| times the outer level: the aggressor's peak contribution per symbol."""
        return float(np.abs(self.samples).max() * np.abs(self.levels_v).max())


def cut_on_grid(p: np.ndarray, start_mod: int, samples_per_ui: int) -> np.ndarray:
    """Cut a periodic response to its significant span, starting at an index ≡ start_mod (mod S).

    The span is the shortest circular window holding every sample above
    :data:`AGGRESSOR_THRESHOLD` of the peak (the response is causal, so it is one run).
    """
    return circular_window(p, *grid_window(p, start_mod, samples_per_ui))


def grid_window(p: np.ndarray, start_mod: int, samples_per_ui: int) -> tuple[int, int]:
    """The ``(start, size)`` of :func:`cut_on_grid`'s window (start modulo ``p.size``)."""
    s = samples_per_ui
    n = p.size
    peak = int(np.argmax(np.abs(p)))
    if p[peak] == 0:
        return 0, s
    above = np.flatnonzero(np.abs(p) >= AGGRESSOR_THRESHOLD * abs(p[peak]))
    offset = (above - peak + n // 2) % n - n // 2
    first = peak + int(offset.min())
    start = first - ((first - start_mod) % s)
    n_keep = -(-(peak + int(offset.max()) + 1 - start) // s) * s
    return start % n, n_keep
