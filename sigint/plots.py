"""Figures users look at: the eye diagram with its measured figures."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .results import LinkResult


def _pyplot():
    import matplotlib

    if matplotlib.get_backend().lower() not in ("agg", "module://matplotlib_inline.backend_inline"):
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def plot_eye(result: LinkResult, ax=None, title: str | None = None):
    """Draw the 2-UI eye of a result with levels, thresholds and the measured figures.

    Parameters
    ----------
    result : LinkResult
        A run with ``sim.eye`` on.
    ax : matplotlib Axes, optional
    title : str, optional

    Returns
    -------
    matplotlib Axes
    """
    if result.eye is None:
        raise ValueError("the result has no eye: run with sim.eye = true")
    plt = _pyplot()
    if ax is None:
        _, ax = plt.subplots(figsize=(7.5, 5.0), layout="constrained")
    eye = result.eye
    counts, t_ui = eye.density_2ui()
    ui_ps = eye.ui_s * 1e12
    density = counts.T.astype(float)
    density /= max(density.max(), 1.0)
    with np.errstate(divide="ignore"):
        shown = np.where(density > 0, np.log10(density), np.nan)
    mv = 1e3
    extent = (t_ui[0] * ui_ps, (t_ui[-1] + 1 / eye.samples_per_ui) * ui_ps)
    extent += (eye.v_min * mv, eye.v_max * mv)
    img = ax.imshow(
        shown, origin="lower", aspect="auto", extent=extent, cmap="inferno", vmin=-6, vmax=0
    )
    ax.set_facecolor("black")
    ax.figure.colorbar(img, ax=ax, label="log10 relative density")
    means = result.level_means_v
    thresholds = 0.5 * (means[1:] + means[:-1])
    for v in thresholds:
        ax.axhline(v * mv, color="c", lw=0.6, ls="--")
    ax.axvline(0, color="w", lw=0.5, ls=":")
    p = result.config.sim.eye_probability
    for i, (h, w, v) in enumerate(
        zip(result.eye_heights_v, result.eye_widths_ui, thresholds, strict=True)
    ):
        ax.annotate(
            f"eye {i + 1}: {h * mv:.1f} mV, {w:.2f} UI",
            (0.55 * ui_ps, v * mv),
            color="w",
            fontsize=8,
            va="center",
            bbox={"facecolor": "black", "alpha": 0.6, "edgecolor": "none", "pad": 1},
        )
    ber = result.ber
    lo, hi = result.ber_ci
    ber_txt = f"BER {ber:.2e} [{lo:.1e}, {hi:.1e}]" if result.bit_errors else f"BER < {hi:.1e}"
    text = (
        f"{ber_txt}\nSNR {result.snr_db:.2f} dB\n"
        f"IL@Nyq {result.resolved['il_nyquist_db']:.1f} dB\n"
        f"heights/widths at P = {p:g}"
    )
    ax.text(0.01, 0.99, text, transform=ax.transAxes, va="top", ha="left", color="w", fontsize=8)
    ax.set_xlabel("time from sampling instant (ps)")
    ax.set_ylabel("slicer voltage (mV)")
    ax.set_title(title or result.label)
    return ax


def save_eye_plot(result: LinkResult, path: str | Path, title: str | None = None) -> Path:
    """Write the eye plot to ``path`` (format from the suffix: .png or .svg)."""
    plt = _pyplot()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    ax = plot_eye(result, title=title)
    ax.figure.savefig(path, dpi=120)
    plt.close(ax.figure)
    return path


def plot_taps(result: LinkResult, ax=None):
    """Adaptive equaliser taps against symbols: how LMS converged, and where it froze.

    Returns
    -------
    matplotlib Axes
    """
    if result.tap_trace is None or result.tap_trace.size == 0:
        raise ValueError("the result has no tap trajectory: nothing adapted")
    plt = _pyplot()
    if ax is None:
        _, ax = plt.subplots(figsize=(7.5, 4.5), layout="constrained")
    cfg = result.config
    trace = result.tap_trace
    n_ffe = 0 if result.ffe_taps is None else result.ffe_taps.size
    every = cfg.sim.tap_trace_every
    symbols = np.arange(trace.shape[0]) * every
    n_taps = n_ffe + (0 if result.dfe_taps is None else result.dfe_taps.size)
    for i in range(n_taps):
        if i < n_ffe:
            label = f"FFE {i - cfg.rx.ffe_cursor:+d}"
            main = i == cfg.rx.ffe_cursor
            ax.plot(symbols, trace[:, i], lw=1.6 if main else 1.0, label=label)
        else:
            ax.plot(symbols, trace[:, i], ls="--", lw=0.8, label=f"DFE {i - n_ffe + 1}")
    freeze = cfg.rx.freeze_after_symbols
    freeze = cfg.sim.warmup_symbols if freeze is None else freeze
    ax.axvline(freeze, color="k", lw=0.6, ls=":", label="frozen")
    ax.set_xlabel("symbol")
    ax.set_ylabel("tap (normalised)")
    ax.set_title(f"{result.label}: equaliser adaptation")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7, ncol=3, loc="upper left")
    if trace.shape[1] > n_taps:  # the CTLE gain adapted too: its g_DC on a second axis
        ax2 = ax.twinx()
        ax2.plot(symbols, 20 * np.log10(trace[:, n_taps]), color="k", lw=1.4, label="CTLE g_DC")
        ax2.set_ylabel("CTLE g_DC (dB)")
        ax2.legend(fontsize=7, loc="upper right")
    return ax


def plot_stateye(stat, ax=None, title: str = "statistical eye", levels=(3, 6, 9, 12, 15)):
    """BER contours of a :class:`~sigint.stateye.StatEye` over one UI (log10 colour map,
    contour lines at 10^-k for k in ``levels``).

    Returns
    -------
    matplotlib Axes
    """
    plt = _pyplot()
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 4.8), layout="constrained")
    main = stat.cases[stat.centre][0].main_v
    top = float(np.max(np.abs(stat.levels_v)) * abs(main))
    v = np.linspace(-1.25 * top, 1.25 * top, 321)
    t_ui = stat.phases_ui()
    log_p = np.log10(np.maximum(stat.contour_map(v), 1e-30))
    mesh = ax.pcolormesh(t_ui, v * 1e3, log_p, shading="nearest", cmap="magma_r", vmin=-18, vmax=0)
    ax.figure.colorbar(mesh, ax=ax, label="log10 error probability")
    cs = ax.contour(
        t_ui,
        v * 1e3,
        log_p,
        levels=sorted(-k for k in levels),
        colors="w",
        linewidths=0.8,
        linestyles="solid",
    )
    ax.clabel(cs, fmt=lambda x: f"1e{round(x)}", fontsize=7)
    ax.set_xlabel("time from the sampling instant (UI)")
    ax.set_ylabel("slicer voltage (mV)")
    ax.set_title(title)
    return ax


def plot_bathtubs(stat, axes=None, title: str = "bathtubs"):
    """Vertical bathtubs at the sampling phase and horizontal bathtubs (best threshold per
    phase) of every eye of a :class:`~sigint.stateye.StatEye`.

    Returns
    -------
    (Axes, Axes)
    """
    plt = _pyplot()
    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=(10, 4), layout="constrained")
    ax_v, ax_h = axes
    main = stat.cases[stat.centre][0].main_v
    for i in range(stat.m - 1):
        lo, hi = sorted((stat.levels_v[i] * main, stat.levels_v[i + 1] * main))
        v = np.linspace(lo, hi, 301)
        ax_v.semilogy(v * 1e3, np.maximum(stat.bathtub_vertical(i, v), 1e-30), label=f"eye {i}")
        ax_h.semilogy(stat.phases_ui(), np.maximum(stat.bathtub_horizontal(i), 1e-30))
    for ax in axes:
        ax.set_ylim(1e-18, 1)
        ax.grid(alpha=0.3, which="both")
        ax.set_ylabel("error probability")
    ax_v.set_xlabel("threshold (mV)")
    ax_h.set_xlabel("time from the sampling instant (UI)")
    ax_v.legend(fontsize=7)
    ax_v.set_title(f"{title}: vertical")
    ax_h.set_title(f"{title}: horizontal")
    return ax_v, ax_h


def save_com_plot(result, path) -> Path:
    """The worst case's equalised victim pulse (T-spaced samples marked) and the distribution
    of noise + interference with A_s and A_ni, written to ``path``."""
    plt = _pyplot()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    w = result.worst
    params = result.params
    m = params.samples_per_ui
    fig, (ax_p, ax_d) = plt.subplots(1, 2, figsize=(11, 4), layout="constrained")
    span = np.arange(w.cursor_ix - 10 * m, w.cursor_ix + 40 * m)
    t_ui = (span - w.cursor_ix) / m
    ax_p.plot(t_ui, w.victim_pulse[span] * 1e3, lw=1.0)
    ticks = span[(span - w.cursor_ix) % m == 0]
    ax_p.plot((ticks - w.cursor_ix) / m, w.victim_pulse[ticks] * 1e3, "o", ms=3)
    ax_p.set_xlabel("UI from the cursor")
    ax_p.set_ylabel("mV")
    ax_p.set_title(f"equalised pulse (case {w.case + 1})")
    ax_p.grid(alpha=0.3)
    ax_d.semilogy(w.pmf_v * 1e3, np.maximum(w.pmf, 1e-30))
    ax_d.axvline(-w.a_ni_v * 1e3, color="r", lw=0.8, label=f"−A_ni {w.a_ni_v * 1e3:.2f} mV")
    ax_d.axvline(-w.a_s_v * 1e3, color="k", lw=0.8, label=f"−A_s {w.a_s_v * 1e3:.2f} mV")
    ax_d.set_ylim(1e-12, 1)
    ax_d.set_xlabel("noise + interference (mV)")
    ax_d.set_title(f"COM {result.com_db:.2f} dB ({params.name})")
    ax_d.legend(fontsize=7)
    ax_d.grid(alpha=0.3)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def plot_reach(table, axes=None):
    """Margin against cable length for every row of a reach table, the reach marked.

    One panel per rate class; one curve per modulation and cable (the lengths each solve
    evaluated), margin = log10(target / metric) in decades, or COM − target in dB (> 0: the
    link closes), with a dot at each reach. Returns the axes.
    """
    plt = _pyplot()
    rates = list(dict.fromkeys(s.rate for s in table.specs))
    if axes is None:
        _, axes = plt.subplots(
            1, len(rates), figsize=(4.6 * len(rates), 3.8), squeeze=False, layout="constrained"
        )
        axes = axes[0]
    colours = {"PAM2": "C3", "PAM4": "C0", "PAM6": "C1", "PAM8": "C2"}
    styles = ["-", "--", ":", "-."]
    cables = list(dict.fromkeys(s.cable.label for s in table.specs))
    for ax, rate in zip(axes, rates, strict=False):
        for spec, row in zip(table.specs, table.rows, strict=True):
            if spec.rate != rate:
                continue
            x = np.asarray(row["lengths_m"], dtype=float)
            y = np.clip(np.asarray(row["margins"], dtype=float), -6, 12)
            colour = colours.get(spec.modulation, "k")
            style = styles[cables.index(spec.cable.label) % len(styles)]
            ax.plot(x, y, style, marker=".", ms=3, lw=1, color=colour,
                    label=f"{spec.modulation} {spec.cable.label}")  # fmt: skip
            if row["reach_m"] > 0:
                ax.plot([row["reach_m"]], [0.0], "o", color=colour, ms=6)
        ax.axhline(0.0, color="k", lw=0.8)
        hosts = ", ".join(dict.fromkeys(s.host for s in table.specs if s.rate == rate))
        ax.set_title(f"{rate} ({hosts} host)")
        ax.set_xlabel("cable length (m)")
        units = {r["margin_unit"] for r, sp in zip(table.rows, table.specs, strict=True)
                 if sp.rate == rate}  # fmt: skip
        what = "dB of COM" if units == {"dB"} else "decades of error ratio"
        ax.set_ylabel(f"margin ({what}, clipped to -6..12)")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=6)
    return axes


def save_reach_plot(table, path) -> Path:
    """Write :func:`plot_reach` to ``path`` (.png or .svg)."""
    plt = _pyplot()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    axes = plot_reach(table)
    fig = axes[0].figure
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def save_insertion_loss_plot(network, path, nyquist_hz=(), title: str = "") -> Path:
    """A small plot of a 2-port's insertion loss (dB) against frequency, each Nyquist
    frequency in ``nyquist_hz`` (label → Hz) marked with its loss, written to ``path``."""
    plt = _pyplot()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    f = np.asarray(network.f_hz)
    il = network.insertion_loss_db
    fig, ax = plt.subplots(figsize=(4.2, 2.6), layout="constrained")
    ax.plot(f / 1e9, il, lw=1.0)
    for label, f_n in dict(nyquist_hz).items():
        if f_n <= f[-1]:
            loss = float(np.interp(f_n, f, il))
            ax.axvline(f_n / 1e9, color="0.6", lw=0.6, ls="--")
            ax.annotate(f"{label}\n{loss:.1f} dB", (f_n / 1e9, loss), fontsize=6,
                        xytext=(3, -12), textcoords="offset points")  # fmt: skip
    ax.invert_yaxis()
    ax.set_xlabel("GHz", fontsize=7)
    ax.set_ylabel("IL (dB)", fontsize=7)
    ax.tick_params(labelsize=6)
    ax.set_title(title, fontsize=8)
    ax.grid(alpha=0.3)
    fig.savefig(path, dpi=90)
    plt.close(fig)
    return path
