"""The optical engine's kernels against their numpy twins in ``tests/reference.py``, and the
engine's modulator arguments against the device physics of :mod:`sigint.optics.blocks`."""

from __future__ import annotations

import math

import numpy as np
import pytest
import reference

from sigint.kernels.optics import EML, MZM, disperse_detect, modulate_field
from sigint.optics import blocks
from sigint.optics.config import ModulatorConfig
from sigint.optics.engine import _modulator_kernel_args

EMPTY = np.empty(0)


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(7)


# (kind, half swing V, chirp α/2, laser phase, complex out)
MODULATE_CASES = {
    "MZM limited, real": (MZM, 0.3, 0.0, False, False),
    "MZM unlimited, real": (MZM, 0.0, 0.0, False, False),
    "MZM limited, laser phase": (MZM, 0.3, 0.0, True, True),
    "EML, real": (EML, 0.4, 0.0, False, False),
    "EML chirped": (EML, 0.4, 1.0, False, True),
    "EML chirped, laser phase": (EML, 0.0, -0.75, True, True),
}


@pytest.mark.parametrize("case", MODULATE_CASES.values(), ids=MODULATE_CASES)
def test_modulate_field_matches_its_twin(case, rng):
    kind, half, chirp_half, with_phase, complex_out = case
    s, n_ui = 8, 300
    drive = 0.5 * rng.standard_normal(n_ui * s)  # drives the EML below zero power too
    slope, offset = (0.4, 0.7) if kind == MZM else (2e-3, 1e-3)
    phase = np.cumsum(np.r_[0.3, 1e-3 * rng.standard_normal(n_ui)]) if with_phase else EMPTY
    re = np.full(drive.size, np.nan)
    im = np.full(drive.size, np.nan) if complex_out else EMPTY
    modulate_field(drive, half, kind, 0.9, slope, offset, chirp_half, 1e-30, phase, s, re, im)
    want = reference.modulate_field(
        drive, half, kind, 0.9, slope, offset, chirp_half, 1e-30, phase, s, complex_out
    )
    got = re + 1j * im if complex_out else re
    # The in-UI phase is a third-order rotation (error ≤ a⁴/24 ≈ 4e-14 here) of a few-rad phase.
    rtol = 1e-11 if with_phase else 1e-12
    np.testing.assert_allclose(got, want, rtol=rtol, atol=rtol * np.max(np.abs(want)))
    if kind == EML:
        assert np.any(offset + slope * drive < 0)  # the floor at zero power is exercised


def test_modulate_field_in_ui_phase_is_third_order_accurate():
    """A large phase step per UI (0.2 rad): the in-UI rotation's error stays below a⁴/24."""
    s, n_ui = 16, 50
    drive = np.zeros(n_ui * s)
    phase = np.arange(n_ui + 1) * 0.2
    re, im = np.empty(drive.size), np.empty(drive.size)
    modulate_field(drive, 0.0, MZM, 1.0, 1.0, math.pi / 2, 0.0, 0.0, phase, s, re, im)
    exact = np.exp(1j * np.arange(drive.size) * 0.2 / s)
    err = np.abs(re + 1j * im - exact)
    assert err.max() < 0.2**4 / 24
    assert err.max() > 0.2**4 / 24 / 100  # an approximation, bounded as documented
    assert np.max(np.abs(err[::s])) < 1e-15  # exact on the UI boundaries


@pytest.mark.parametrize("n_taps", [1, 7, 35, 160])
def test_disperse_detect_matches_the_convolution(n_taps, rng):
    n = 1000
    x_re, x_im = rng.standard_normal((2, n + n_taps - 1))
    g_re, g_im = rng.standard_normal((2, n_taps))
    out = np.full(n, np.nan)
    disperse_detect(x_re, x_im, g_re, g_im, out)
    np.testing.assert_allclose(out, reference.disperse_detect(x_re, x_im, g_re, g_im), rtol=1e-11)


def test_disperse_detect_propagates_nan_to_the_outputs_it_reaches(rng):
    n, n_taps = 50, 5
    x_re, x_im = rng.standard_normal((2, n + n_taps - 1))
    x_im[20] = np.nan
    out = np.empty(n)
    disperse_detect(x_re, x_im, np.ones(n_taps), np.zeros(n_taps), out)
    assert np.flatnonzero(np.isnan(out)).tolist() == list(range(20 - n_taps + 1, 21))


MODULATORS = {
    "MZM quadrature": ModulatorConfig(),
    "MZM off quadrature": ModulatorConfig(bias_v=1.0),
    "EML": ModulatorConfig(kind="eml"),
    "EML chirped": ModulatorConfig(kind="eml", chirp_alpha=-2.5, extinction_ratio_db=8.0),
}


@pytest.mark.parametrize("cfg", MODULATORS.values(), ids=MODULATORS)
def test_engine_modulator_arguments_reproduce_the_device_transfer(cfg):
    """What the engine hands the kernel is ``blocks.modulator_field`` of the limited drive,
    times the optical path's amplitude (one physics, two implementations)."""
    p_in, path_gain, swing = 0.01, 0.3, 1.2
    v = np.linspace(-1.5, 1.5, 301)
    re, im = np.empty(v.size), np.empty(v.size)
    args = _modulator_kernel_args(cfg, p_in, path_gain)
    modulate_field(v, swing / 2, *args, EMPTY, 1, re, im)
    want = blocks.modulator_field(blocks.soft_limit(v, swing), cfg, p_in) * math.sqrt(path_gain)
    np.testing.assert_allclose(re + 1j * im, want, rtol=1e-12, atol=1e-15)
