"""COM's results: each package test case's figures, and COM as their minimum (93A-1)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .params import ComParams


@dataclass(frozen=True)
class ComCase:
    """COM of one package test case, with everything that made it."""

    case: int
    com_db: float
    a_s_v: float
    a_ni_v: float
    fom_db: float
    g_dc_db: float
    g_dc2_db: float
    tx_taps: np.ndarray
    dfe_taps: np.ndarray
    cursor_ix: int
    sigmas_v: dict
    victim_pulse: np.ndarray = field(repr=False)
    pmf_v: np.ndarray = field(repr=False)
    pmf: np.ndarray = field(repr=False)
    rx_taps: np.ndarray | None = None
    com_dfe_db: float | None = None
    mlsd_delta_db: float | None = None


@dataclass(frozen=True)
class ComResult:
    """COM (the minimum over the package test cases) and each case's figures."""

    params: ComParams
    cases: tuple
    channels: tuple
    notes: tuple = ()

    @property
    def worst(self) -> ComCase:
        """The case that sets COM."""
        return min(self.cases, key=lambda c: c.com_db)

    @property
    def com_db(self) -> float:
        """COM, dB."""
        return self.worst.com_db

    @property
    def passed(self) -> bool:
        """COM at or above the parameter set's threshold."""
        return self.com_db >= self.params.com_threshold_db

    def to_dict(self) -> dict:
        """JSON-ready figures."""

        def case_dict(c: ComCase) -> dict:
            return {
                "case": c.case + 1,
                "com_db": c.com_db,
                "a_s_v": c.a_s_v,
                "a_ni_v": c.a_ni_v,
                "fom_db": c.fom_db,
                "g_dc_db": c.g_dc_db,
                "g_dc2_db": c.g_dc2_db,
                "tx_taps": [float(x) for x in c.tx_taps],
                "dfe_taps": [float(x) for x in c.dfe_taps],
                "sigmas_v": {k: float(v) for k, v in c.sigmas_v.items()},
                **(
                    {}
                    if c.rx_taps is None
                    else {
                        "rx_ffe_taps": [float(x) for x in c.rx_taps],
                        "com_dfe_db": c.com_dfe_db,
                        "mlsd_delta_db": c.mlsd_delta_db,
                    }
                ),
            }

        return {
            "preset": self.params.name,
            "com_db": self.com_db,
            "passed": self.passed,
            "threshold_db": self.params.com_threshold_db,
            "worst_case": self.worst.case + 1,
            "cases": [case_dict(c) for c in self.cases],
            "channels": [{"kind": ch.kind, "path": ch.path} for ch in self.channels],
            "notes": list(self.notes),
        }
