"""802.3ck COM side by side: sigint and PyChOpMarg 3.4.0, same channels, grid, rule and FOM.

What is compared
----------------
One COM run each on the same channel set, in one call, on the same machine: sigint's
:func:`~sigint.com.compute_com` in this process, and PyChOpMarg 3.4.0's own search in its own
virtual environment (:mod:`benchmarks.peers`, ``peer_scripts/pychopmarg_com.py``). Both
search the preset's full equaliser grid (802.3ck CR, REFERENCE §5.3): 21 g_DC × 7 g_DC2
CTLE settings × 4345 Tx FFE candidates (c(−3), c(−2), c(−1), c(1) on their 0.02 grids with
c(0) ≥ 0.54), for each of the 2 package test cases, and report COM, the lowest over the cases
(93A-1). ``smoke=True`` searches every fourth g_DC and every third g_DC2 (6 × 3), on the thru
alone, the same reduced grid on both sides.

Why it is fair
--------------
- **Same parameters.** PyChOpMarg gets ``CK_CR``, sigint's 802.3ck-CR preset written in its
  terms, and the package-case mapping, both as tests/test_com_oracle.py validates them (COM
  within 0.035 dB at pinned equalisers on this channel set): the receiver package's segments
  in MATLAB's order (``zp_rx``, ``z_c_rx``), γ0 = 1e-7 /mm where its check rejects 0, and the
  Tx FFE as six taps (c(2) = c(3) = 0).
- **Same figure of merit.** PyChOpMarg runs in its PRZF mode, which evaluates the Annex 93A
  FOM (93A-36) and noise terms, σ_TX² = h(0)²·10^(−SNR_TX/10) (its default MMSE mode applies
  178A's channel-shaped Tx noise instead, REFERENCE §9; it also did not finish one package
  case in 29 minutes on this set). Its PRZF FOM counts as ISI only the samples from ``dw``
  (the Rx FFE's pre-cursor taps, here 0) UI before the cursor on, so without an Rx FFE it
  leaves every pre-cursor out of σ_ISI² (93A-31 sums them all, as its own A_ni stage and
  sigint's FOM do): its search then prefers Tx FFEs with large pre-cursors, and on the smoke
  grid it picked other equalisers, COM 0.85 / 0.10 dB against sigint's 3.18 / 1.86 dB. The
  peer passes ``calc_fom()`` its own ``n_pre`` keyword ("pre-cursor taps to use in
  calculating ISI") set to the pulse's whole length, which counts every pre-cursor; the two
  FOMs then agree within 0.001 dB at the winners on the thru alone and within 0.013 dB with
  the 15 aggressors (PyChOpMarg drops crosstalk samples below A_s/1000 in the FOM, sigint
  keeps them; both drop them in A_ni).
- **No floating DFE taps.** PyChOpMarg's 93A path has none; sigint runs with
  ``dfe_float_groups = 0``.
- **Rx FFE.** 802.3ck CR has none. PyChOpMarg 3.4.0 cannot run without one, nor solve a
  one-tap FFE beside a 12-tap DFE (its PRZF solver asserts n_pre + n_DFE < n_taps − 1), so it
  gets one tap fixed at 1 (the identity), and the duplicate pulse responses this would cost it
  are reused (see the peer script): its search costs what its own no-Rx-FFE path would.
- **Same grid.** PyChOpMarg keeps a Tx FFE candidate when 1 − Σ|c| ≥ c0_min exactly, and
  floating-point rounding of the sums dropped 95 candidates that sit on the boundary (4250,
  not 4345); sigint keeps them (it compares with a 1e-12 tolerance). PyChOpMarg is given
  c0_min − 1e-9, which keeps exactly sigint's 4345 (its reported count is checked).
- **Same search rule.** The preset's sheet sets MATLAB COM's "Local Search" = 2, which both
  tools implement with the same rule (PyChOpMarg 3.4.0 ``COM.opt_eq()``'s ``local_search``;
  sigint's ``LocalSearch``): candidates visited in the reference order (g_DC outermost, then
  g_DC2, then the Tx FFE grid, first tap slowest), those more than 2 grid steps from the
  best so far skipped by the rule. So both sides run the reference rule on the full grid. The
  rule follows the best-so-far, so the two can only part ways where their FOMs order two
  candidates differently (the FOMs agree to a few hundredths of a dB). sigint's exhaustive
  search (``local_search = 0``) is reported beside it (``sigint_exhaustive``); the
  exhaustive search was not run in PyChOpMarg (1.28 M FOM evaluations, 19× the 67.7 k the
  Local Search makes on this set: about 10 h), only extrapolated from its measured cost per
  FOM evaluation (``pychopmarg_exhaustive_s_extrapolated``, marked as such).
- **Same core, same timing.** Both run on one core: PyChOpMarg serially (its ``n_procs`` = 1,
  single-thread BLAS, :data:`benchmarks.peers.PEER_ENV`), sigint with ``workers=1`` and
  single-thread BLAS. sigint is timed around the whole :func:`compute_com` call (reading the
  16 Touchstone files, the packages, the search and A_ni for both cases), after an untimed
  warm-up call on a one-setting grid; PyChOpMarg around its search and final COM only
  (``COM.__call__``: ``opt_eq()`` + ``calc_noise()`` per case), its set-up (reading the files,
  packages, channel transfer functions) and interpreter start reported apart
  (``pychopmarg_setup_s``, ``pychopmarg_process_s``). The ratio is ``pychopmarg_s /
  sigint_s``, which leaves PyChOpMarg's set-up out and sigint's in.

Channels: the 802.3ck cable-assembly set (``../shared/channels/ieee8023ck_cable_assembly_
mellitz``: the CA_19p75dB thru + 7 FEXT + 8 NEXT) when present; otherwise (and for
``smoke``) its thru alone, or a generated 2 m 30 AWG cable (sigint's twinax model, written
as a Touchstone file both read) when the set is absent. The agreement is validated on the
cable-assembly set only: on the generated cable's 2-port file the two tools' FOMs disagree at
pinned equalisers (3 of 4 points by 4-8 dB on the smoke grid, COM 3.99 against −2.10 dB),
which was not investigated; the result then carries a ``caveat``.

Measured (2026-11-25, one core of an Intel Xeon, ``taskset -c 1``, the full grid on the
cable-assembly set): sigint 3.04 s (after warm-up; 4.77 s as the first call in a fresh
interpreter; 10.5 s exhaustive), PyChOpMarg 1815 s (67,706 FOM evaluations, ~26.8 ms each;
set-up 14.4 s more), ratio 598. COM 1.6546 dB (sigint) and 1.6499 dB (PyChOpMarg), Δ = +0.005
dB; per case 2.986 / 2.975 dB and 1.655 / 1.650 dB, at the same equalisers (g_DC −11 / −16 dB,
g_DC2 −3 dB, Tx [0, 0.04, −0.2, 0] / [0, 0.02, −0.16, 0]); sigint's exhaustive search finds the
same. Smoke: 72 s wall in all (sigint 0.78 s, PyChOpMarg 44 s + 13 s set-up), Δ = −0.003 dB.
"""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from sigint.com.pychopmarg import CK_CR  # one mapping, shared with the oracle test

from .peers import PeerUnavailable, run_peer

ROOT = Path(__file__).resolve().parents[1]
CABLE = ROOT.parent / "shared/channels/ieee8023ck_cable_assembly_mellitz"
PRESET = "802.3ck-CR"


#: PyChOpMarg compares 1 − Σ|c| ≥ c0_min exactly; sigint within 1e-12 (see the docstring).
C0_MIN_SLACK = 1e-9

#: every fourth g_DC and every third g_DC2 (``smoke``)
SMOKE_STRIDE = (4, 3)


def com_params(smoke: bool = False, local_search: int | None = None):
    """sigint's 802.3ck-CR parameters as compared: no floating DFE taps; ``smoke``'s grid.

    Parameters
    ----------
    smoke : bool
        Every fourth g_DC and every third g_DC2 (:data:`SMOKE_STRIDE`).
    local_search : int, optional
        The search rule's radius (default: the preset's, 2; 0 = exhaustive).

    Returns
    -------
    sigint.com.ComParams
    """
    from sigint.com import load_preset

    params = dataclasses.replace(load_preset(PRESET), dfe_float_groups=0)
    if smoke:
        s1, s2 = SMOKE_STRIDE
        params = dataclasses.replace(
            params, g_dc_db=params.g_dc_db[::s1], g_dc2_db=params.g_dc2_db[::s2]
        )
    if local_search is not None:
        params = dataclasses.replace(params, local_search=local_search)
    return params


def peer_cases(params) -> list[dict]:
    """The package test cases in PyChOpMarg's terms (lengths in mm), from sigint's preset.

    The receiver's segments are given board side first, as MATLAB's fully flipped Rx
    package (tests/test_com_oracle.py); the 1.8 mm z_pB segment follows each test length.
    """
    pkg = params.package
    z_b = round(pkg.z_rest_m[0] * 1e3, 6)
    z_c = [float(z) for z in pkg.z_c_ohm]
    cases = []
    for k in range(pkg.n_cases):
        tx, fx, nx, rx = (
            round(getattr(pkg, name)[k] * 1e3, 6)
            for name in ("z_p_tx_m", "z_p_fext_m", "z_p_next_m", "z_p_rx_m")
        )
        cases.append(
            {
                "z_p": [tx],
                "zp_tx": [tx, z_b],
                "zp_fext": [fx, z_b],
                "zp_next": [nx, z_b],
                "zp_rx": [z_b, rx],
                "z_c_rx": z_c[::-1],
            }
        )
    return cases


def peer_job(params, files: dict) -> dict:
    """The peer script's job: ``CK_CR`` with ``params``' CTLE grid, search rule and cases."""
    return {
        "params": {
            **CK_CR,
            "g_DC": [float(g) for g in params.g_dc_db],
            "g_DC2": [float(g) for g in params.g_dc2_db],
            "local_search": int(params.local_search),
            "c0_min": CK_CR["c0_min"] - C0_MIN_SLACK,
        },
        "cases": peer_cases(params),
        "channels": {k: [str(p) for p in v] for k, v in files.items()},
        "opt_mode": "PRZF",
    }


def _channel_files(tmp: Path, thru_only: bool) -> tuple[dict, str]:
    """The channel set (``THRU``/``FEXT``/``NEXT`` file lists) and its label."""
    if CABLE.is_dir():
        files = {"THRU": [CABLE / "CA_19p75dB_thru.s4p"], "FEXT": [], "NEXT": []}
        if thru_only:
            return files, "802.3ck CA_19p75dB thru alone (no crosstalk)"
        files["FEXT"] = [CABLE / f"CA_19p75dB_fext{i}.s4p" for i in range(1, 8)]
        files["NEXT"] = [CABLE / f"CA_19p75dB_next{i}.s4p" for i in range(1, 9)]
        return files, "802.3ck CA_19p75dB set (thru + 7 FEXT + 8 NEXT)"
    from sigint.channels.presets import twinax
    from sigint.channels.touchstone import write_touchstone

    thru = tmp / "twinax30_2m.s2p"
    write_touchstone(twinax(30).network(2.0, np.linspace(0, 60e9, 1201)), thru)
    return {"THRU": [thru], "FEXT": [], "NEXT": []}, "generated 2 m 30 AWG cable (no crosstalk)"


def _run_sigint(params, files: dict):
    """sigint's COM on ``files``, one process, one BLAS thread: (seconds, result)."""
    from threadpoolctl import threadpool_limits

    from sigint.com import compute_com

    with threadpool_limits(limits=1):
        t0 = time.perf_counter()
        result = compute_com(params, files["THRU"][0], files["FEXT"], files["NEXT"], workers=1)
        return time.perf_counter() - t0, result


_COLD = r"""
import json, sys, time
t0 = time.perf_counter()
from benchmarks.peer_com import _run_sigint, com_params
import_s = time.perf_counter() - t0
job = json.loads(sys.argv[1])
s, r = _run_sigint(com_params(job["smoke"]), job["files"])
print(json.dumps({"import_s": import_s, "first_call_s": s, "com_db": r.com_db}))
"""


def _cold_sigint(smoke: bool, files: dict) -> dict:
    """sigint's first call in a fresh interpreter (imports timed apart)."""
    job = {"smoke": smoke, "files": {k: [str(p) for p in v] for k, v in files.items()}}
    env = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}
    proc = subprocess.run(
        [sys.executable, "-c", _COLD, json.dumps(job)],
        capture_output=True, text=True, cwd=ROOT, env=env, check=False,
    )  # fmt: skip
    if proc.returncode != 0:
        return {"error": " / ".join(proc.stderr.strip().splitlines()[-2:])}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _case_row(case) -> dict:
    """One sigint package case, as the peer reports its own."""
    return {
        "com_db": float(case.com_db),
        "fom_db": float(case.fom_db),
        "g_dc_db": float(case.g_dc_db),
        "g_dc2_db": float(case.g_dc2_db),
        # c(−3), c(−2), c(−1), c(1): the preset's taps without c(0)
        "tx_taps": [round(float(c), 6) for i, c in enumerate(case.tx_taps) if i != 3],
    }


def measure_com(
    smoke: bool = False,
    timeout_s: float = 3600,
    thru_only: bool | None = None,
    exhaustive: bool | None = None,
    cold: bool | None = None,
) -> dict:
    """Time sigint's and PyChOpMarg 3.4.0's 802.3ck CR COM on the same channel set.

    Parameters
    ----------
    smoke : bool
        The reduced grid (every fourth g_DC, every third g_DC2) on the thru alone, on both
        sides: for CI, about a minute (mostly PyChOpMarg).
    timeout_s : float
        Limit for the PyChOpMarg run (its set-up included); past it, the result says
        ``skipped``.
    thru_only : bool, optional
        The thru without its 15 aggressors (default: ``smoke``).
    exhaustive : bool, optional
        Also time sigint's exhaustive search (``local_search = 0``) on the same grid
        (default: not ``smoke``).
    cold : bool, optional
        Also time sigint's first call in a fresh interpreter (default: not ``smoke``).

    Returns
    -------
    dict
        ``channels`` (label), ``preset``, ``ctle_settings``, ``tx_candidates``,
        ``package_cases``, ``local_search``, ``sigint_s``, ``sigint_com_db``, ``sigint_cases``
        (per case: COM, FOM, g_DC, g_DC2, Tx taps), and either ``pychopmarg_s``,
        ``pychopmarg_com_db``, ``pychopmarg_cases`` (the same, plus FOM evaluations and
        seconds), ``ratio`` (``pychopmarg_s / sigint_s``), ``delta_db`` (sigint − PyChOpMarg)
        and per-case deltas, or ``skipped`` (why PyChOpMarg did not run).
    """
    thru_only = smoke if thru_only is None else thru_only
    exhaustive = (not smoke) if exhaustive is None else exhaustive
    cold = (not smoke) if cold is None else cold
    params = com_params(smoke)
    n_tx = int(params.tx_grid().shape[0])
    n_ctle = len(params.g_dc_db) * len(params.g_dc2_db)
    with tempfile.TemporaryDirectory() as tmp:
        files, label = _channel_files(Path(tmp), thru_only)
        caveat = None
        if not CABLE.is_dir():
            caveat = "generated channel: the tools' agreement is not validated on it (docstring)"
        out = {
            "benchmark": "com-vs-pychopmarg",
            "channels": label,
            "preset": PRESET,
            "smoke": smoke,
            "ctle_settings": n_ctle,
            "tx_candidates": n_tx,
            "package_cases": params.package.n_cases,
            "local_search": params.local_search,
            "fom": "Annex 93A (93A-36), cursor-only Tx noise; no floating DFE taps; no Rx FFE",
        }
        if caveat:
            out["caveat"] = caveat
        if cold:
            out["sigint_cold"] = _cold_sigint(smoke, files)
        # untimed warm-up on a one-setting grid: imports, FFT plans, caches
        warm = dataclasses.replace(params, g_dc_db=params.g_dc_db[:1], g_dc2_db=params.g_dc2_db[:1])
        out["sigint_warmup_s"], _ = _run_sigint(warm, files)
        sigint_s, mine = _run_sigint(params, files)
        out.update(
            sigint_s=sigint_s,
            sigint_com_db=float(mine.com_db),
            sigint_cases=[_case_row(c) for c in mine.cases],
        )
        if exhaustive:
            full_s, full = _run_sigint(dataclasses.replace(params, local_search=0), files)
            out["sigint_exhaustive"] = {
                "local_search": 0,
                "sigint_s": full_s,
                "com_db": float(full.com_db),
                "cases": [_case_row(c) for c in full.cases],
            }
        try:
            theirs = run_peer("pychopmarg", "pychopmarg_com.py", peer_job(params, files), timeout_s)
        except PeerUnavailable as exc:
            out["skipped"] = str(exc)
            return out
    if theirs["tx_candidates"] != n_tx or theirs["ctle_settings"] != n_ctle:
        raise RuntimeError(
            f"grids differ: PyChOpMarg {theirs['ctle_settings']} CTLE × "
            f"{theirs['tx_candidates']} Tx FFE, sigint {n_ctle} × {n_tx}"
        )
    cases = theirs["cases"]
    for row in cases:  # its six taps: c(−3), c(−2), c(−1), c(1), c(2) = c(3) = 0
        row["tx_taps"] = [round(c, 6) for c in row["tx_taps"][:4]]
    evals = sum(r["n_fom_evals"] for r in cases)
    out.update(
        pychopmarg_version=theirs["version"],
        pychopmarg_opt_mode=theirs["opt_mode"],
        pychopmarg_s=theirs["elapsed_s"],
        pychopmarg_setup_s=theirs["setup_s"],
        pychopmarg_import_s=theirs["import_s"],
        pychopmarg_process_s=theirs["process_s"],
        pychopmarg_com_db=theirs["com_db"],
        pychopmarg_cases=cases,
        pychopmarg_fom_evals=evals,
        ratio=theirs["elapsed_s"] / sigint_s,
        delta_db=out["sigint_com_db"] - theirs["com_db"],
        case_delta_db=[
            a["com_db"] - b["com_db"] for a, b in zip(out["sigint_cases"], cases, strict=True)
        ],
        same_equalisers=all(
            (a["g_dc_db"], a["g_dc2_db"], a["tx_taps"])
            == (b["g_dc_db"], b["g_dc2_db"], b["tx_taps"])
            for a, b in zip(out["sigint_cases"], cases, strict=True)
        ),
    )
    n_all = n_ctle * n_tx * params.package.n_cases
    out["pychopmarg_exhaustive_s_extrapolated"] = theirs["elapsed_s"] / evals * n_all
    out["exhaustive_candidates"] = n_all
    return out


def format_com(doc: dict) -> str:
    """The COM comparison as text lines."""
    head = (
        f"COM {doc.get('preset', '802.3ck-CR')} on {doc.get('channels', '?')}"
        f"{' (smoke grid)' if doc.get('smoke') else ''}, one core:"
    )
    if doc.get("skipped"):
        sigint_s = doc.get("sigint_s", float("nan"))
        return f"{head}\n  sigint {sigint_s:.2f} s; PyChOpMarg skipped: {doc['skipped']}"
    return "\n".join(
        [
            head,
            f"  sigint      {doc['sigint_s']:8.2f} s  COM {doc['sigint_com_db']:.3f} dB",
            f"  PyChOpMarg  {doc['pychopmarg_s']:8.1f} s  COM {doc['pychopmarg_com_db']:.3f} dB"
            f"  ({doc['pychopmarg_fom_evals']:,} FOM evaluations)",
            f"  PyChOpMarg time / sigint time: {doc['ratio']:.0f}x; dCOM {doc['delta_db']:+.4f} dB;"
            f" same equalisers: {doc['same_equalisers']}",
        ]
    )
