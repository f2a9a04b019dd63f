"""The comparison's three panels against distance: BER margin, pJ/bit, latency."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..plots import _pyplot

#: Margins are drawn within these decades (a huge margin says no more than "closes easily").
MARGIN_CLIP = (-4.0, 20.0)


def plot_compare(result, axes=None):
    """Draw BER margin, pJ/bit and latency against distance, one line per architecture.

    Points that do not close are drawn hollow in the energy and latency panels.

    Parameters
    ----------
    result : CompareResult
    axes : sequence of 3 matplotlib Axes, optional

    Returns
    -------
    ndarray of Axes
    """
    plt = _pyplot()
    if axes is None:
        _, axes = plt.subplots(1, 3, figsize=(15, 4.6), layout="constrained")
    s = result.spec
    d = np.asarray(s.distances_m, float)
    for arch in s.architectures:
        pts = [result.point(arch, x) for x in s.distances_m]
        margin = np.clip([p.margin_decades for p in pts], *MARGIN_CLIP)
        ok = np.array([p.closes for p in pts])
        (line,) = axes[0].plot(d, margin, marker="o", label=arch)
        c = line.get_color()
        for ax, values in ((axes[1], [p.pj_per_bit for p in pts]),
                           (axes[2], [p.latency_ns for p in pts])):  # fmt: skip
            v = np.asarray(values)
            ax.plot(d, v, color=c, lw=1, alpha=0.6)
            ax.plot(d[ok], v[ok], "o", color=c)
            ax.plot(d[~ok], v[~ok], "o", mfc="none", color=c)
    axes[0].axhline(0, color="k", lw=0.8)
    axes[0].set_ylabel("BER margin, decades (log10 target/BER)")
    axes[0].set_title(f"margin at pre-FEC BER {s.target_ber:.2g}")
    axes[1].set_ylabel("pJ/bit (one direction, end to end)")
    axes[1].set_title("energy (hollow: does not close)")
    axes[2].set_ylabel("latency, ns")
    axes[2].set_yscale("log")
    axes[2].set_title("latency")
    for ax in axes:
        ax.set_xscale("log")
        ax.set_xlabel("distance, m")
        ax.grid(True, which="both", alpha=0.3)
    axes[0].legend(fontsize=8)
    axes[0].figure.suptitle(f"which architecture wins: {s.rate} {s.modulation}")
    return axes


def save_compare_plot(result, path) -> Path:
    """Write :func:`plot_compare` to ``path`` (PNG/SVG/PDF by extension)."""
    plt = _pyplot()
    axes = plot_compare(result)
    fig = axes[0].figure
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
