"""Reach: how far copper goes per modulation, rate, host and equaliser (``sigint reach``).

- :mod:`.spec` — the question (:class:`ReachSpec`: cable, host, equaliser, criterion);
- :mod:`.hosts` — the fixed host parts (PCB + today's package, cabled + next-gen, CPO-adjacent);
- :mod:`.evaluate` — one length: equaliser search, statistical eye, BER/SER/FLR;
- :mod:`.solve` — the longest closing length, bracketed and bisected to 1 cm;
- :mod:`.table` — many questions as one resumable, parallel sweep (HDF5 store, Dask);
- :mod:`.command` — ``sigint reach``.
"""

from .evaluate import ReachPoint, evaluate_length, search_eq
from .hosts import HOSTS, HostPreset, host_preset
from .solve import ReachResult, solve_reach
from .spec import CableSpec, Criterion, EqSpec, ReachSpec, link_config
from .table import ReachTable, grid_specs, reach_table, solve_point, spec_from_point, spec_to_point

__all__ = [
    "HOSTS",
    "CableSpec",
    "Criterion",
    "EqSpec",
    "HostPreset",
    "ReachPoint",
    "ReachResult",
    "ReachSpec",
    "ReachTable",
    "evaluate_length",
    "grid_specs",
    "host_preset",
    "link_config",
    "reach_table",
    "search_eq",
    "solve_point",
    "solve_reach",
    "spec_from_point",
    "spec_to_point",
]
