"""Eye diagrams from per-level histograms: heights and widths at a stated probability.

The time-domain engine accumulates, for every transmitted level l, a histogram over one UI
(``samples_per_ui`` phases centred on the sampling instant) and voltage. Because each sample is
labelled with the level that was sent, the opening of eye i (between levels i and i+1) at
probability P is exact: the lower edge of level i+1's distribution (its P-quantile) minus the
upper edge of level i's (its (1−P)-quantile). The 2-UI picture users look at is the same UI
drawn twice, which is what an oscilloscope's eye is too.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


def _lower_quantile(counts: np.ndarray, edges: np.ndarray, p: float) -> float:
    """Voltage below which a fraction ``p`` of the histogram lies (linear within a bin)."""
    total = counts.sum()
    if total == 0:
        return np.nan
    cdf = np.cumsum(counts) / total
    b = int(np.searchsorted(cdf, p, side="left"))
    b = min(b, counts.size - 1)
    below = cdf[b - 1] if b > 0 else 0.0
    frac = (p - below) / (cdf[b] - below) if cdf[b] > below else 0.0
    return float(edges[b] + frac * (edges[b + 1] - edges[b]))


def _upper_quantile(counts: np.ndarray, edges: np.ndarray, p: float) -> float:
    """Voltage above which a fraction ``p`` of the histogram lies."""
    flipped = -_lower_quantile(counts[::-1], -edges[::-1], p)
    return float(flipped)


def widths_from_openings(openings: np.ndarray) -> np.ndarray:
    """Width of each eye, UI, from its openings over one UI of phases (float64[n_eyes, S]).

    The open span around the sampling phase S//2, the opening interpolated linearly between
    phases to find where it crosses zero; an eye closed at the sampling phase has width 0.
    """
    s = openings.shape[1]
    c = s // 2
    widths = np.zeros(openings.shape[0])
    for i, o in enumerate(openings):
        if not o[c] > 0:
            continue
        right = float(s - 1 - c)
        for p in range(c, s - 1):
            if o[p + 1] <= 0:
                right = p - c + o[p] / (o[p] - o[p + 1])
                break
        left = float(c)
        for p in range(c, 0, -1):
            if o[p - 1] <= 0:
                left = c - p + o[p] / (o[p] - o[p - 1])
                break
        widths[i] = (left + right) / s
    return widths


@dataclass(frozen=True)
class EyeDiagram:
    """Per-level eye histograms over one UI centred on the sampling instant.

    Attributes
    ----------
    hist : int64[M, S, n_bins]
        Sample counts per transmitted level, phase and voltage bin.
    v_min, v_max : float
        Voltage span of the bins, V.
    ui_s : float
        Unit interval, s.
    """

    hist: np.ndarray
    v_min: float
    v_max: float
    ui_s: float

    @property
    def samples_per_ui(self) -> int:
        """Phases per UI."""
        return self.hist.shape[1]

    @property
    def edges_v(self) -> np.ndarray:
        """Bin edges, V."""
        return np.linspace(self.v_min, self.v_max, self.hist.shape[2] + 1)

    def openings_v(self, probability: float) -> np.ndarray:
        """Vertical opening of every eye at every phase, V; negative where closed.

        Returns
        -------
        ndarray, float64[M - 1, S]
        """
        m, s, _ = self.hist.shape
        edges = self.edges_v
        out = np.empty((m - 1, s))
        for i in range(m - 1):
            for p in range(s):
                top = _lower_quantile(self.hist[i + 1, p], edges, probability)
                bottom = _upper_quantile(self.hist[i, p], edges, probability)
                out[i, p] = top - bottom
        return out

    def heights_v(self, probability: float) -> np.ndarray:
        """Eye height of each eye at the sampling phase, V (negative: closed)."""
        return self.openings_v(probability)[:, self.samples_per_ui // 2]

    def widths_ui(self, probability: float) -> np.ndarray:
        """Eye width of each eye, UI: the open span around the sampling phase
        (:func:`widths_from_openings`)."""
        return widths_from_openings(self.openings_v(probability))

    def centers_v(self) -> np.ndarray:
        """Mean voltage of each level at the sampling phase, V."""
        mids = 0.5 * (self.edges_v[1:] + self.edges_v[:-1])
        h = self.hist[:, self.samples_per_ui // 2, :].astype(float)
        return (h @ mids) / np.maximum(h.sum(axis=1), 1)

    def density_2ui(self) -> tuple[np.ndarray, np.ndarray]:
        """The 2-UI picture: counts over all levels, phase × voltage, and the time axis in UI.

        Returns
        -------
        counts : ndarray, int64[2 S, n_bins]
        t_ui : ndarray, float64[2 S]
            −1 … 1 UI around the sampling instant.
        """
        total = self.hist.sum(axis=0)
        s = self.samples_per_ui
        counts = np.concatenate([total[s // 2 :], total, total[: s // 2]], axis=0)
        t_ui = (np.arange(2 * s) - s) / s
        return counts, t_ui
