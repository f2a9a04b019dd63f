"""What is in a Touchstone channel: the report behind ``sigint channel``.

For a thru file (and its NEXT/FEXT aggressors, given or paired by name in a folder): the port
map chosen and why, the band and whether the file has a DC point, SDD21 at the Nyquist frequency
of every rate preset, the IEEE 802.3 fitted IL and ILD, return loss, ICN, passivity,
causality and reciprocity, the DC/band fixes the simulator would make, and the pulse response.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from . import filters
from .channel import read_differential, touchstone_block
from .channels.hygiene import causality_report, passivity_report, reciprocity_report
from .channels.ilfit import (
    fit_insertion_loss,
    insertion_loss_deviation,
    integrated_crosstalk_noise,
    return_loss_db,
)
from .channels.mixedmode import differential, parse_port_map
from .channels.touchstone import read_touchstone
from .errors import SigintError
from .link import DEFAULT_RISE_TIME_UI
from .pulse import PulseResponse, pulse_from_transfer
from .rates import RATE_PRESETS, rate_preset
from .store import json_ready

_TOUCHSTONE_SUFFIXES = (".s2p", ".s4p", ".s8p", ".s12p", ".s16p", ".ts")


@dataclass(frozen=True)
class ChannelSet:
    """A thru file and its crosstalk aggressors."""

    thru: Path
    next: tuple[Path, ...] = ()
    fext: tuple[Path, ...] = ()


def pair_folder(folder: str | Path) -> ChannelSet:
    """Pair the Touchstone files of a folder by name: one ``*thru*``, any ``*next*``/``*fext*``.

    Raises
    ------
    SigintError
        If the folder does not hold exactly one thru file.
    """
    folder = Path(folder)
    files = sorted(
        p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in _TOUCHSTONE_SUFFIXES
    )

    def named(word):
        return tuple(p for p in files if word in p.name.lower())

    thru = named("thru")
    if len(thru) != 1:
        found = ", ".join(p.name for p in thru) or "none"
        raise SigintError(
            f"{folder}: expected exactly one Touchstone file with 'thru' in its name, found {found}"
        )
    return ChannelSet(thru[0], named("next"), named("fext"))


@dataclass
class ChannelReport:
    """The figures of one channel set (see the module docstring)."""

    path: str
    n_ports: int
    n_points: int
    f_min_hz: float
    f_max_hz: float
    has_dc: bool
    port_map: str
    port_map_reason: str
    rate: str
    modulation: str
    f_baud_hz: float
    il_nyquist_db: list[dict] = field(default_factory=list)
    il_fit: dict = field(default_factory=dict)
    ild_max_db: float = float("nan")
    ild_rms_db: float = float("nan")
    rl_min_db: float = float("nan")
    icn_mv: dict | None = None
    passive: bool = True
    max_singular_value: float = float("nan")
    causal: bool = True
    acausal_fraction: float = float("nan")
    reciprocal: bool = True
    reciprocity_max: float = float("nan")
    simulation_notes: list[str] = field(default_factory=list)
    aggressors: list[str] = field(default_factory=list)
    pulse: PulseResponse | None = None
    curves: dict = field(default_factory=dict)

    def lines(self) -> list[str]:
        """The report as printable lines."""
        mhz = self.f_min_hz / 1e6
        out = [
            f"{self.path}",
            f"  {self.n_ports}-port, {self.n_points} points, {mhz:g} MHz – "
            f"{self.f_max_hz / 1e9:g} GHz, "
            + ("DC point present" if self.has_dc else "NO DC point (extrapolated for simulation)"),
            f"  port map {self.port_map}: {self.port_map_reason}",
            "  SDD21 insertion loss at Nyquist:",
        ]
        for row in self.il_nyquist_db:
            flag = "" if row["in_band"] else "  (beyond the data: extrapolated)"
            out.append(
                f"    {row['rate']:<16}{row['modulation']:<6}{row['f_nyquist_ghz']:>8.2f} GHz"
                f"{row['il_db']:>8.2f} dB{flag}"
            )
        fit = self.il_fit
        out.append(
            f"  fitted IL over {fit['f_min_ghz']:g}–{fit['f_max_ghz']:.4g} GHz "
            f"(a0 + a1√f + a2 f + a4 f², f in GHz): a0 {fit['a0']:.3f}, a1 {fit['a1']:.3f}, "
            f"a2 {fit['a2']:.4f}, a4 {fit['a4']:.5f}"
        )
        out.append(f"  ILD: max |ILD| {self.ild_max_db:.2f} dB, RMS {self.ild_rms_db:.2f} dB")
        out.append(f"  RL: worst {self.rl_min_db:.1f} dB (SDD11/SDD22 over the fit band)")
        if self.icn_mv is not None:
            out.append(
                f"  ICN ({len(self.aggressors)} aggressors, at {self.rate} {self.modulation}): "
                f"NEXT {self.icn_mv['near']:.2f} mV, FEXT {self.icn_mv['far']:.2f} mV, "
                f"total {self.icn_mv['total']:.2f} mV rms"
            )
        out.append(
            f"  passivity: {'passive' if self.passive else 'NOT passive'} "
            f"(max singular value {self.max_singular_value:.4f})"
        )
        out.append(
            f"  causality: {'causal' if self.causal else 'NOT causal'} "
            f"(energy before arrival {self.acausal_fraction:.1e} of total)"
        )
        out.append(
            f"  reciprocity: {'reciprocal' if self.reciprocal else 'NOT reciprocal'} "
            f"(max |S − Sᵀ| {self.reciprocity_max:.1e})"
        )
        out.append(f"  for a {self.rate} {self.modulation} simulation:")
        out += [f"    - {n}" for n in self.simulation_notes]
        if self.pulse is not None:
            p = self.pulse
            out.append(
                f"    - pulse response peak {p.main_cursor:.4f} V/V, {p.delay_s * 1e9:.3f} ns "
                f"after launch, span {p.n_ui} UI"
            )
        return out

    def __str__(self) -> str:
        return "\n".join(self.lines())

    def to_dict(self) -> dict:
        """JSON-ready dictionary (no curves)."""
        skip = {"pulse", "curves"}
        d = {k: v for k, v in self.__dict__.items() if k not in skip}
        if self.pulse is not None:
            d["pulse_peak_v_per_v"] = self.pulse.main_cursor
            d["pulse_delay_s"] = self.pulse.delay_s
        return json_ready(d)


def channel_report(
    path: str | Path,
    ports: str | None = None,
    next_files=(),
    fext_files=(),
    rate: str = "224G",
    modulation: str = "PAM4",
    samples_per_ui: int = 32,
) -> ChannelReport:
    """Analyse a thru Touchstone file (and its crosstalk) as ``sigint channel`` does.

    Parameters
    ----------
    path : path
        The thru file, or a folder holding ``*thru*``, ``*next*`` and ``*fext*`` files.
    ports : str, optional
        Port map ``"in+,in-:out+,out-"``; None detects it (4-port files). Crosstalk files use
        the thru's map.
    next_files, fext_files : sequence of paths
        Aggressors (in addition to those a folder provides).
    rate, modulation : str
        The rate preset whose Nyquist frequency and baud set the fit band, ICN weighting and
        pulse response.
    samples_per_ui : int
    """
    path = Path(path)
    if path.is_dir():
        found = pair_folder(path)
        path = found.thru
        next_files = (*found.next, *next_files)
        fext_files = (*found.fext, *fext_files)
    raw = read_touchstone(path)
    diff, info = read_differential(path, ports)
    levels = int(modulation[3:])
    f_baud = rate_preset(rate).f_baud_hz(levels)
    f = diff.f_hz
    il = -20 * np.log10(np.maximum(np.abs(diff.s21), 1e-300))
    # 802.3 fits IL from 50 MHz to f_b/2 (Clause 92.10.2: 12.89 GHz at 25.78 GBd).
    f_fit_max = min(f[-1], f_baud / 2)
    fit = fit_insertion_loss(f, il, 0.05e9, f_fit_max)
    band = (f >= 0.05e9) & (f <= f_fit_max)
    ild = insertion_loss_deviation(f, il, fit)[band]
    rl = np.minimum(return_loss_db(diff.s[:, 0, 0]), return_loss_db(diff.s[:, 1, 1]))[band]

    rows = []
    for conv in RATE_PRESETS.values():
        for m in (4, 6, 8):
            f_n = conv.f_baud_hz(m) / 2
            rows.append(
                {
                    "rate": conv.name,
                    "modulation": f"PAM{m}",
                    "f_nyquist_ghz": f_n / 1e9,
                    "il_db": float(np.interp(f_n, f, il)) if f_n <= f[-1] else float("nan"),
                    "in_band": bool(f_n <= f[-1]),
                }
            )
    # Beyond the data, quote what the simulator would use (the extended band), flagged.
    s = samples_per_ui
    ui = 1 / f_baud
    n_time = 2 ** int(np.ceil(np.log2(max(1024, 8 * _delay_s(diff) / ui)))) * s
    f_sim = np.fft.rfftfreq(n_time, ui / s)
    block, sim_info = touchstone_block(path, info.port_map_spec, f_sim)
    il_sim = -20 * np.log10(np.maximum(np.abs(block.s21), 1e-300))
    for row in rows:
        if not row["in_band"]:
            row["il_db"] = float(np.interp(row["f_nyquist_ghz"] * 1e9, f_sim, il_sim))

    h = filters.sample_hold(f_sim, s, ui / s) * filters.gaussian_edge(
        f_sim, DEFAULT_RISE_TIME_UI * ui
    )
    pulse = pulse_from_transfer(h * block.s21, s, ui)

    aggressors, icn = [], None
    if next_files or fext_files:
        xt_map = None if info.port_map_spec is None else parse_port_map(info.port_map_spec)

        def coupling(p):
            net = read_touchstone(p)
            d = net if net.n_ports == 2 else differential(net, xt_map)
            return np.interp(f, d.f_hz, d.s21.real) + 1j * np.interp(f, d.f_hz, d.s21.imag)

        nexts = [coupling(p) for p in next_files]
        fexts = [coupling(p) for p in fext_files]
        aggressors = [str(p) for p in (*next_files, *fext_files)]
        edge_s = DEFAULT_RISE_TIME_UI * ui
        res = integrated_crosstalk_noise(
            f,
            nexts,
            fexts,
            f_b_hz=f_baud,
            a_nt_v=0.413,
            a_ft_v=0.413,
            t_nt_s=edge_s,
            t_ft_s=edge_s,
            f_max_hz=min(f[-1], f_baud),
        )
        icn = {"near": res.near_v * 1e3, "far": res.far_v * 1e3, "total": res.total_v * 1e3}

    passivity = passivity_report(raw)
    causality = causality_report(diff)
    recip_max, recip_ok = reciprocity_report(raw)
    return ChannelReport(
        path=str(path),
        n_ports=raw.n_ports,
        n_points=raw.f_hz.size,
        f_min_hz=float(raw.f_hz[0]),
        f_max_hz=float(raw.f_hz[-1]),
        has_dc=bool(raw.f_hz[0] == 0),
        port_map=info.port_map,
        port_map_reason=info.port_map_reason,
        rate=rate,
        modulation=modulation,
        f_baud_hz=f_baud,
        il_nyquist_db=rows,
        il_fit={
            "a0": fit.a0,
            "a1": fit.a1,
            "a2": fit.a2,
            "a4": fit.a4,
            "f_min_ghz": fit.f_min_hz / 1e9,
            "f_max_ghz": fit.f_max_hz / 1e9,
        },
        ild_max_db=float(np.max(np.abs(ild))),
        ild_rms_db=float(np.sqrt(np.mean(ild**2))),
        rl_min_db=float(np.min(rl)),
        icn_mv=icn,
        passive=passivity.passive,
        max_singular_value=passivity.max_sv,
        causal=causality.causal,
        acausal_fraction=causality.acausal_fraction,
        reciprocal=recip_ok,
        reciprocity_max=recip_max,
        simulation_notes=list(sim_info.hygiene.steps),
        aggressors=aggressors,
        pulse=pulse,
        curves={
            "f_hz": f,
            "il_db": il,
            "il_fit_db": fit(f),
            "rl11_db": return_loss_db(diff.s[:, 0, 0]),
            "rl22_db": return_loss_db(diff.s[:, 1, 1]),
            "band": (0.05e9, f_fit_max),
        },
    )


def _delay_s(diff) -> float:
    f = diff.f_hz
    sel = f <= min(f[-1], 2e9)
    if sel.sum() < 3:
        sel = slice(0, min(f.size, 8))
    phase = np.unwrap(np.angle(diff.s21[sel]))
    return float(max(-np.polyfit(2 * np.pi * f[sel], phase, 1)[0], 0.0))


def plot_channel_report(report: ChannelReport, path: str | Path) -> Path:
    """IL (measured and fitted), ILD, RL, and the pulse response, in one PNG/SVG."""
    from .plots import _pyplot

    plt = _pyplot()
    c = report.curves
    f_ghz = c["f_hz"] / 1e9
    fig, axes = plt.subplots(1, 3, figsize=(15, 4.2), layout="constrained")
    ax = axes[0]
    ax.plot(f_ghz, -c["il_db"], label="SDD21")
    ax.plot(f_ghz, -c["il_fit_db"], "--", label="802.3 fitted IL")
    ax.axvline(report.f_baud_hz / 2e9, color="k", lw=0.6, ls=":", label="Nyquist")
    ax.set_xlabel("frequency (GHz)")
    ax.set_ylabel("dB")
    ax.set_title("insertion loss")
    ax.legend()
    ax.grid(alpha=0.3)
    ax = axes[1]
    ax.plot(f_ghz, -c["rl11_db"], label="SDD11")
    ax.plot(f_ghz, -c["rl22_db"], label="SDD22")
    ax.set_xlabel("frequency (GHz)")
    ax.set_ylabel("dB")
    ax.set_title("return loss")
    ax.legend()
    ax.grid(alpha=0.3)
    ax = axes[2]
    p = report.pulse
    ax.plot(p.t_s / p.ui_s, p.samples, lw=1)
    ax.plot(np.arange(p.n_ui) - p.pre_ui, p.cursors(), "o", ms=3)
    ax.set_xlim(-5, 40)
    ax.set_xlabel("time from peak (UI)")
    ax.set_ylabel("V per V")
    ax.set_title(f"pulse response at {report.rate} {report.modulation}")
    ax.grid(alpha=0.3)
    fig.suptitle(Path(report.path).name)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
