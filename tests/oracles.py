"""Running the optional oracle (PyChOpMarg 3.4.0, see the ``pychopmarg_path`` fixture)."""

from __future__ import annotations

import os
import subprocess
import sys


def run_oracle(pychopmarg_path, script: str, *args: str, timeout: int = 600) -> str:
    """Run ``script`` with PyChOpMarg importable; its stdout (the test fails on an error)."""
    env = dict(os.environ, PYTHONPATH=str(pychopmarg_path))
    r = subprocess.run(
        [sys.executable, "-c", script, *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
    )
    assert r.returncode == 0, r.stderr[-3000:]
    return r.stdout
