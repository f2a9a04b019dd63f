"""PyChOpMarg 3.4.0's own COM search on one channel set: run inside the peer's environment.

Imports only pychopmarg, numpy and scikit-rf (never sigint). Its one argument is a JSON job::

    {"params": {...},         # COMParams fields over PyChOpMarg's IEEE_8023by set
     "cases": [{...}, ...],   # one package test case each (z_p, zp_tx, zp_fext, ...)
     "channels": {"THRU": [path], "FEXT": [paths], "NEXT": [paths]},
     "opt_mode": "PRZF",      # its Annex 93A FOM and noise terms (default)
     "fom_precursors": true}  # every pre-cursor in the FOM's ISI (default; see below)

A ``.s2p`` file is taken as a differential channel (a 2-port ``skrf.Network``, used as is).

Each case gets its own ``COM`` instance (built outside the timed region: Touchstone reading,
packages, channel transfer functions); then ``COM.__call__()`` runs PyChOpMarg's own search,
``opt_eq()`` (g_DC × g_DC2 × Tx FFE, in MATLAB COM's order, with its ``local_search`` rule),
and the final ``calc_noise()``, timed with ``time.perf_counter``. The last line printed is one
JSON object: each case's COM, winning equaliser, FOM, FOM evaluations and time; the overall
COM (the lowest over the cases, 93A-1) and the total time.

Two settings go through PyChOpMarg's own interfaces (``_PeerCOM``), nothing else changes:

- Rx FFE: PyChOpMarg 3.4.0 cannot run without one (its null Rx FFE has one tap where its
  checks expect none), and its PRZF Rx FFE solver rejects a one-tap FFE beside a 12-tap DFE.
  The Rx FFE is therefore one tap fixed at 1 (the identity), handed to ``calc_fom()`` as its
  null filter; the pulse responses of that identity filter, which ``calc_fom()`` would compute
  a second time, are reused from its first pass, so the search costs what PyChOpMarg's own
  path without an Rx FFE would.
- FOM pre-cursors: its PRZF FOM counts ISI from ``n_pre`` UI before the cursor on, by default
  the Rx FFE's ``dw`` (0 here: no pre-cursor at all), where (93A-31) sums every sample but the
  cursor. With ``fom_precursors`` (default), ``calc_fom()`` gets its ``n_pre`` keyword set to
  the pulse's whole length, which counts every pre-cursor (the samples before the pulse's start
  are zero-padded).
"""

from __future__ import annotations

import json
import sys
import time
from dataclasses import replace

T_START = time.perf_counter()

import numpy as np  # noqa: E402
import skrf as rf  # noqa: E402
from pychopmarg.com import COM  # noqa: E402
from pychopmarg.common import OptMode  # noqa: E402
from pychopmarg.config.ieee_8023by import IEEE_8023by  # noqa: E402

try:
    from importlib.metadata import version

    PCM_VERSION = version("pychopmarg")
except Exception:
    PCM_VERSION = "unknown"

IMPORT_S = time.perf_counter() - T_START

ARRAYS = ("dfe_min", "dfe_max", "rx_taps_min", "rx_taps_max", "R_d")


class _PeerCOM(COM):
    """PyChOpMarg's ``COM`` with the identity as its (one-tap) Rx FFE.

    ``calc_fom()`` gets the null filter as its Rx FFE taps (instead of solving for them), and
    ``gen_pulse_resps()`` returns its previous result when called again with the very same
    arguments (as ``calc_fom()`` does with the identity filter): nothing else changes.
    """

    _last = None
    #: count every pre-cursor in the FOM's ISI (93A-31), not only the Rx FFE's ``dw``
    fom_precursors = True

    def calc_fom(self, tx_ix, Hctf, rx_taps=None, n_pre=None, **kwargs):
        """PyChOpMarg's FOM, with the identity Rx FFE (and every pre-cursor in its ISI)."""
        rx = self.null_rx_ffe if rx_taps is None else rx_taps
        if n_pre is None and self.fom_precursors:
            # its own keyword: rows before the cursor in the ISI sum (zero-padded past the
            # pulse's start): the whole pulse's length covers every pre-cursor
            n_pre = len(self.times) // self.nspui
        return super().calc_fom(tx_ix, Hctf, rx_taps=rx, n_pre=n_pre, **kwargs)

    def gen_pulse_resps(
        self, chnls=None, Hctf=None, tx_ix=None, rx_taps=None, dfe_taps=None, apply_eq=True
    ):
        """PyChOpMarg's pulse responses, reused for an identical repeated call."""
        if chnls is not None or Hctf is None:  # not a search candidate's: as PyChOpMarg
            self._last = None
            return super().gen_pulse_resps(chnls, Hctf, tx_ix, rx_taps, dfe_taps, apply_eq)
        key = (Hctf, tx_ix, rx_taps, dfe_taps, apply_eq)
        last = self._last
        if last is not None and all(
            a is b or (not isinstance(a, np.ndarray | None) and a == b)
            for a, b in zip(last[0], key, strict=True)
        ):
            return last[1]
        out = super().gen_pulse_resps(chnls, Hctf, tx_ix, rx_taps, dfe_taps, apply_eq)
        self._last = (key, out)
        return out


def run(job: dict) -> dict:
    """PyChOpMarg's COM search for every package case of ``job``."""
    base = {k: np.array(v) if k in ARRAYS else v for k, v in job["params"].items()}
    # the identity as a one-tap Rx FFE (see the module docstring)
    base.update(rx_taps_min=np.array([1.0]), rx_taps_max=np.array([1.0]), dw=0)
    mode = OptMode[job.get("opt_mode", "PRZF")]
    # a 2-port file is a differential channel already: PyChOpMarg takes it as a Network
    channels = {
        kind: [rf.Network(p) if p.lower().endswith(".s2p") else p for p in paths]
        for kind, paths in job["channels"].items()
    }
    rows = []
    for case in job["cases"]:
        t0 = time.perf_counter()
        params = replace(IEEE_8023by, **base, **case)
        com = _PeerCOM(params, channels)
        com.opt_mode = mode
        com.fom_precursors = bool(job.get("fom_precursors", True))
        com.n_procs = 1  # its serial search (the local search rule needs it anyway)
        setup_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        com_db = float(com(opt_mode=mode))
        elapsed_s = time.perf_counter() - t0
        taps = [float(x) for x in com._tx_combs[com.tx_ix]]
        rows.append(
            {
                "com_db": com_db,
                "g_dc_db": float(com.gDC),
                "g_dc2_db": float(com.gDC2),
                "tx_taps": taps,
                "fom_db": float(com.fom_rslts["FOM"]),
                "n_fom_evals": int(com.n_fom_evals),
                "setup_s": setup_s,
                "elapsed_s": elapsed_s,
            }
        )
    return {
        "peer": "pychopmarg",
        "version": PCM_VERSION,
        "opt_mode": mode.name,
        "fom_precursors": bool(job.get("fom_precursors", True)),
        "tx_candidates": int(com.num_tx_combs) - 1,  # its index 0 ("no Tx EQ") is in the grid
        "ctle_settings": len(com.com_params.g_DC) * len(com.com_params.g_DC2),
        "local_search": int(com.com_params.local_search),
        "import_s": IMPORT_S,
        "setup_s": sum(r["setup_s"] for r in rows),
        "cases": rows,
        "com_db": min(r["com_db"] for r in rows),
        "elapsed_s": sum(r["elapsed_s"] for r in rows),
    }


if __name__ == "__main__":
    print(json.dumps(run(json.loads(sys.argv[1]))), flush=True)
