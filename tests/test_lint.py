"""House rules for kernels that a linter cannot see."""

import re
from pathlib import Path

KERNELS = Path(__file__).resolve().parents[1] / "kernels"


def _kernel_modules():
    return [p for p in KERNELS.glob("*.py") if not p.name.startswith("_")]


def test_no_kernel_hard_codes_fastmath():
    for path in _kernel_modules():
        assert not re.search(r"fastmath\s*=", path.read_text()), path.name


def test_every_kernel_is_cached_through_the_shared_options():
    for path in _kernel_modules():
        text = path.read_text()
        for decorator in re.findall(r"@njit\([^)]*\)|@njit\b(?!\()", text):
            allowed = ("@njit(**JIT_OPTIONS)", "@njit(**JIT_REDUCTION_OPTIONS)")
            assert decorator in allowed, (path.name, decorator)
