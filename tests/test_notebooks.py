"""Every notebook runs top to bottom without an error, and says what it claims to say."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))
SUMMARY = re.compile(
    r"^SUMMARY (?P<link>\S+ PAM\d): snr_db=(?P<snr>[-+\d.]+) "
    r"required_snr_db=(?P<need>[-+\d.]+) margin_db=(?P<margin>[-+\d.]+)$",
    re.MULTILINE,
)


def _kernel_name() -> str:
    """``python3``, checked to start this interpreter: jupyter_client replaces a bare ``python``
    in the spec's argv with ``sys.executable``, so the kernel sees the same venv as the test."""
    from jupyter_client.kernelspec import KernelSpecManager

    exe = KernelSpecManager().get_kernel_spec("python3").argv[0]
    assert exe in ("python", sys.executable), f"the python3 kernel runs {exe}, not {sys.executable}"
    return "python3"


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    """Run each notebook at most once per module (cwd: a fresh temp folder)."""
    done = {}

    def run(path: Path):
        if path not in done:
            # A headless MPLBACKEND (e.g. Agg) would reach the kernel and swallow the figures.
            os.environ.pop("MPLBACKEND", None)
            nb = nbformat.read(path, as_version=4)
            cwd = tmp_path_factory.mktemp(path.stem)
            client = nbclient.NotebookClient(
                nb,
                timeout=600,
                kernel_name=_kernel_name(),
                resources={"metadata": {"path": str(cwd)}},
            )
            client.execute()
            done[path] = nb
        return done[path]

    return run


def _outputs(nb, output_type: str) -> list:
    return [
        o
        for cell in nb.cells
        if cell.cell_type == "code"
        for o in cell.outputs
        if o.output_type == output_type
    ]


def _stream(nb, name: str) -> str:
    return "".join(o.text for o in _outputs(nb, "stream") if o.name == name)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_runs_without_errors_or_warnings(path, executed):
    nb = executed(path)
    errors = _outputs(nb, "error")
    assert not errors, f"{path.name}: {errors[0].ename}: {errors[0].evalue}"
    stderr = _stream(nb, "stderr")
    assert "Traceback" not in stderr and "Warning" not in stderr, stderr
    assert all(c.execution_count is not None for c in nb.cells if c.cell_type == "code")


def test_eye_notebook_shows_224g_pam4_with_margin_and_448g_pam4_without(executed):
    nb = executed(next(p for p in NOTEBOOKS if p.name == "01_eye_diagrams.ipynb"))
    figures = [o for o in _outputs(nb, "display_data") if "image/png" in o.data]
    assert len(figures) >= 2, "expected the 2x2 eye grid and the pulse-response plot"
    summary = {m["link"]: m for m in SUMMARY.finditer(_stream(nb, "stdout"))}
    assert set(summary) == {"224G PAM4", "448G PAM4", "448G PAM6", "448G PAM8"}
    snr = {k: float(m["snr"]) for k, m in summary.items()}
    margin = {k: float(m["margin"]) for k, m in summary.items()}
    # Twice the baud rate over the same cable costs SNR; the 224G link clears its target.
    assert snr["224G PAM4"] > snr["448G PAM4"]
    assert margin["224G PAM4"] > 0
    assert margin["224G PAM4"] > max(margin[k] for k in summary if k.startswith("448G"))
    # More levels need more SNR for the same SER.
    need = [float(summary[k]["need"]) for k in ("448G PAM4", "448G PAM6", "448G PAM8")]
    assert need == sorted(need)
