"""Shared test fixtures: the optional oracle (PyChOpMarg 3.4.0) installed on demand."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest


@pytest.fixture(scope="session")
def pychopmarg_path(tmp_path_factory):
    """A folder holding PyChOpMarg 3.4.0 (for PYTHONPATH), or the test is skipped.

    Oracle tests run with SIGINT_ORACLES=1: they pip-install the package (without its
    dependencies: its runtime needs, numpy and scikit-rf, are sigint's own) and run it in a
    subprocess, so that nothing of it is imported into the test process.
    """
    if os.environ.get("SIGINT_ORACLES") != "1":
        pytest.skip("oracle tests run with SIGINT_ORACLES=1 (they pip-install pychopmarg 3.4.0)")
    target = tmp_path_factory.mktemp("pychopmarg")
    cmd = [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target)]
    r = subprocess.run([*cmd, "pychopmarg==3.4.0"], capture_output=True, text=True, timeout=300)
    if r.returncode != 0:
        pytest.skip(f"could not install pychopmarg 3.4.0: {r.stderr.strip()[-300:]}")
    return target
