"""The reach table: many reach questions solved as one resumable, parallel sweep.

Each :class:`~.spec.ReachSpec` becomes a sweep point (its fields as plain JSON,
:func:`spec_to_point`); :func:`solve_point` solves it (and confirms the solved length with
the time-domain engine when asked) and returns plain numbers and arrays, which
:mod:`sigint.sweep` stores in an HDF5 file as each point finishes (an interrupted table
resumes where it stopped) and computes over a forked local pool or a Dask cluster.
:class:`ReachTable` holds the rows and prints, serialises and plots them.
"""

from __future__ import annotations

import dataclasses
import json
import math
from dataclasses import dataclass
from itertools import product

import numpy as np

from .._version import __version__
from ..channel_config import AggressorConfig
from ..sweep import SweepStore, run_sweep
from .solve import solve_reach
from .spec import CableSpec, Criterion, EqSpec, ReachSpec, link_config

#: What a table's HDF5 store is for (a store of another study is refused).
STORE_META = {"study": "sigint reach", "format": 1}


def spec_to_point(spec: ReachSpec) -> dict:
    """A spec as a JSON-able dict (tuples as lists), the sweep point that names it."""
    return json.loads(json.dumps(dataclasses.asdict(spec)))


def spec_from_point(point: dict) -> ReachSpec:
    """The spec a :func:`spec_to_point` dict describes."""

    def tuples(d: dict) -> dict:
        return {k: tuple(v) if isinstance(v, list) else v for k, v in d.items()}

    p = dict(point)
    return ReachSpec(
        **{k: v for k, v in p.items() if k not in ("cable", "eq", "criterion", "aggressors")},
        aggressors=tuple(AggressorConfig(**tuples(a)) for a in p.get("aggressors", ())),
        cable=CableSpec(**p["cable"]),
        eq=EqSpec(**tuples(p["eq"])),
        criterion=Criterion(**p["criterion"]),
    )


def grid_specs(base: ReachSpec, modulations, rates, cables) -> list[ReachSpec]:
    """Every modulation x rate x cable of ``base`` (rate-major, as the table prints)."""
    return [
        base.replaced(modulation=m, rate=r, cable=c)
        for r, m, c in product(rates, modulations, cables)
    ]


def solve_point(point: dict) -> dict:
    """Solve one sweep point: ``{"spec": spec_to_point(...), "confirm_symbols": n}``.

    Returns the reach, its margin and reason, the equaliser and figures at the reach, every
    evaluated length (arrays), and with ``confirm_symbols`` > 0 the time-domain BER at the
    reach with its 95 % interval (seed 1; not for the bound and COM criteria, whose figures
    are not a BER of this link's equaliser).
    """
    spec = spec_from_point(point["spec"])
    result = solve_reach(spec)
    pts = result.points
    at = result.at_reach
    out = {
        "reach_m": result.reach_m,
        "lower_bound": result.lower_bound,
        "reason": result.reason,
        "notes": list(result.notes),
        "margin": result.margin,
        "margin_unit": spec.criterion.unit,
        "f_baud_hz": spec.f_baud_hz,
        "lengths_m": np.array([p.length_m for p in pts]),
        "margins": np.array([p.margin for p in pts]),
        "metrics": np.array([p.metric for p in pts]),
        "snr_db": np.array([p.snr_db for p in pts]),
        "il_nyquist_db": np.array([p.il_nyquist_db for p in pts]),
        "at_reach": None if at is None else at.to_dict(),
    }
    n = int(point.get("confirm_symbols", 0))
    if n and at is not None and spec.criterion.kind not in ("bound", "com"):  # EQ-free figures
        out["confirm"] = confirm_time_domain(spec, at, n)
    return out


def confirm_time_domain(spec: ReachSpec, at, n_symbols: int, seed: int = 1) -> dict:
    """The time-domain engine's BER and SER (95 % intervals) at a solved length, with the
    equaliser the statistical engine used; its DFE decides on its own (errors propagate)."""
    from ..timedomain import simulate

    cfg = link_config(spec, at.length_m, at.eq)
    cfg = cfg.replace(**{"sim.n_symbols": int(n_symbols), "sim.seed": int(seed)})
    r = simulate(cfg)
    return {
        "length_m": at.length_m,
        "n_symbols": r.n_symbols,
        "ber": r.ber,
        "ber_ci": list(r.ber_ci),
        "ser": r.ser,
        "ser_ci": list(r.ser_ci),
        "statistical_ber": at.ber,
        "statistical_ser": at.ser,
        "seed": seed,
    }


@dataclass(frozen=True)
class ReachTable:
    """Solved reach questions, one row each (see :func:`reach_table`).

    Attributes
    ----------
    specs : tuple of ReachSpec
    rows : tuple of dict
        :func:`solve_point` results, in the order of ``specs``.
    """

    specs: tuple
    rows: tuple

    def text(self) -> str:
        """The table as text: one line per question, the reach and why."""
        lines = [
            f"{'rate':<6}{'mod':<6}{'GBd':>7}  {'cable':<16}{'host':<14}{'reach':>9}"
            f"{'margin':>9}  {'IL@Nyq':>7}  time-domain check / reason"
        ]
        for spec, row in zip(self.specs, self.rows, strict=True):
            reach = f"{'>=' if row['lower_bound'] else ''}{row['reach_m']:.2f} m"
            margin, unit = row["margin"], {"decades": "dec"}.get(row["margin_unit"], "dB")
            margin = "-" if margin is None or not math.isfinite(margin) else f"{margin:.2f} {unit}"
            at = row["at_reach"]
            il = f"{at['il_nyquist_db']:.1f} dB" if at else "-"
            check = row["reason"] if not at else ""
            conf = row.get("confirm")
            if conf:
                lo, hi = conf["ber_ci"]
                check = (
                    f"TD BER {conf['ber']:.2e} [{lo:.1e}, {hi:.1e}] vs stat "
                    f"{conf['statistical_ber']:.2e} ({conf['n_symbols']:,} sym)"
                )
            lines.append(
                f"{spec.rate:<6}{spec.modulation:<6}{spec.f_baud_hz / 1e9:>7.2f}  "
                f"{spec.cable.label:<16.16}{spec.host:<14}{reach:>9}{margin:>9}  {il:>7}  {check}"
            )
        crit = {s.criterion.label for s in self.specs}
        units = {s.criterion.unit for s in self.specs}
        how = [("decades", "log10(target / metric)"), ("dB", "COM - target")]
        how = "; ".join(f"margin = {text}" for unit, text in how if unit in units)
        lines.append(f"criterion: {'; '.join(sorted(crit))}; {how}")
        return "\n".join(lines)

    def to_dict(self) -> dict:
        """JSON-ready: the version, and per row its spec and result."""

        def plain(v):
            if isinstance(v, np.ndarray):
                return v.tolist()
            if isinstance(v, float) and not math.isfinite(v):
                return None
            return v

        return {
            "sigint_version": __version__,
            "rows": [
                {"spec": spec_to_point(s), **{k: plain(v) for k, v in r.items()}}
                for s, r in zip(self.specs, self.rows, strict=True)
            ],
        }


def reach_table(
    specs,
    *,
    store=None,
    workers: int | None = None,
    scheduler=None,
    progress=None,
    confirm_symbols: int = 0,
) -> ReachTable:
    """Solve every spec's reach, in parallel and resumably.

    Parameters
    ----------
    specs : sequence of ReachSpec
    store : str, Path or SweepStore, optional
        HDF5 file of the finished questions: an interrupted table resumes without solving
        them again.
    workers : int, optional
        Local worker processes (default: one per core; 1 solves in this process). The first
        question is solved here first, so that the workers load compiled kernels.
    scheduler : str or distributed.Client, optional
        A Dask scheduler address or client (the ``dask`` extra) instead of local workers.
    progress : callable, optional
        ``progress(done, total)`` in questions.
    confirm_symbols : int
        Confirm each solved length with a time-domain run of this many symbols (0: none).

    Returns
    -------
    ReachTable
    """
    specs = tuple(specs)
    if store is not None and not isinstance(store, SweepStore):
        store = SweepStore(store, STORE_META)
    points = [{"spec": spec_to_point(s), "confirm_symbols": int(confirm_symbols)} for s in specs]
    rows = run_sweep(
        solve_point, points, store=store, workers=workers, scheduler=scheduler, progress=progress
    )
    return ReachTable(specs, tuple(rows))
