"""The peers measured side by side, each in its own virtual environment.

A peer's environment is ``benchmarks/.peers/<name>/`` (git-ignored): made once with ``python -m
venv`` and ``pip install <pinned spec>``, then reused (a marker file records the spec it holds).
A peer script runs there as a subprocess with one JSON job as its argument and prints one JSON
line last; nothing of the peer is imported into the benchmark's process, nor anything of sigint
into the peer's. When the environment cannot be made (no registry, a failed build),
:class:`PeerUnavailable` carries the reason and the benchmark skips that peer saying so.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PEERS_DIR = ROOT / "benchmarks" / ".peers"
SCRIPTS = ROOT / "benchmarks" / "peer_scripts"

#: name -> the pinned package the issue names.
PEERS = {"pybert": "pipbert==11.1.0", "pychopmarg": "pychopmarg==3.4.0"}

#: One core for every peer run (as for sigint's own single-core rows); no GUI toolkit.
PEER_ENV = {
    "NUMBA_NUM_THREADS": "1",
    "OMP_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "ETS_TOOLKIT": "null",
    "QT_QPA_PLATFORM": "offscreen",
    "MPLBACKEND": "Agg",
}


class PeerUnavailable(RuntimeError):
    """A peer could not be installed or run; the message says why."""


def _bin(venv: Path, name: str) -> Path:
    return venv / ("Scripts" if os.name == "nt" else "bin") / name


def peer_python(name: str, install_timeout_s: float = 1800.0) -> Path:
    """The interpreter of peer ``name``'s environment, made on first use.

    Raises
    ------
    PeerUnavailable
        When the environment cannot be created or the pinned package not installed.
    """
    spec = PEERS[name]
    venv = PEERS_DIR / name
    python = _bin(venv, "python")
    marker = venv / "sigint-peer.txt"
    if python.exists() and marker.exists() and marker.read_text().strip() == spec:
        return python
    print(f"installing {spec} into {venv} (once) ...", file=sys.stderr, flush=True)
    steps = (
        [sys.executable, "-m", "venv", "--clear", str(venv)],
        [str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check", spec],
    )
    for cmd in steps:
        try:
            proc = subprocess.run(
                cmd, capture_output=True, text=True, timeout=install_timeout_s, check=False
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise PeerUnavailable(f"{spec}: {' '.join(cmd[:3])} failed: {exc}") from exc
        if proc.returncode != 0:
            tail = (proc.stderr or proc.stdout).strip().splitlines()[-3:]
            raise PeerUnavailable(f"{spec}: {' '.join(cmd[:4])} failed: {' / '.join(tail)}")
    marker.write_text(spec + "\n")
    return python


def run_peer(name: str, script: str, job: dict, timeout_s: float) -> dict:
    """Run ``peer_scripts/<script>`` in peer ``name``'s environment on ``job``.

    Returns the script's last stdout line (JSON) with ``process_s`` added: the subprocess's
    wall time (interpreter start and imports included).
    """
    python = peer_python(name)
    env = {**os.environ, **PEER_ENV}
    env.pop("PYTHONPATH", None)
    cmd = [str(python), str(SCRIPTS / script), json.dumps(job)]
    t0 = time.perf_counter()
    try:
        proc = subprocess.run(
            cmd, capture_output=True, text=True, timeout=timeout_s, env=env, cwd=SCRIPTS
        )
    except subprocess.TimeoutExpired as exc:
        raise PeerUnavailable(f"{PEERS[name]}: {script} ran past {timeout_s:.0f} s") from exc
    process_s = time.perf_counter() - t0
    if proc.returncode != 0:
        tail = " / ".join(proc.stderr.strip().splitlines()[-4:])
        raise PeerUnavailable(f"{PEERS[name]}: {script} failed: {tail}")
    lines = [line for line in proc.stdout.strip().splitlines() if line.startswith("{")]
    if not lines:
        raise PeerUnavailable(f"{PEERS[name]}: {script} printed no result")
    return {**json.loads(lines[-1]), "process_s": process_s}
