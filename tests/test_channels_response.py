"""Time responses on the rfft grid: scaling, delay, step, negative-time energy."""

from __future__ import annotations

import numpy as np
import pytest

from sigint.channels.response import (
    acausal_energy_fraction,
    frequency_grid,
    impulse_response,
    step_response,
)


def test_frequency_grid_spans_dc_to_half_the_sample_rate():
    f = frequency_grid(10e6, 1000)
    assert f.size == 501
    assert f[0] == 0.0 and f[-1] == pytest.approx(0.5 * 1000 * 10e6, rel=1e-15)
    np.testing.assert_allclose(f, np.fft.rfftfreq(1000, d=1 / (1000 * 10e6)), rtol=1e-15)


@pytest.mark.parametrize(("df", "n", "match"), [(0.0, 8, "df_hz"), (1e6, 7, "n_time = 7")])
def test_frequency_grid_refuses_bad_arguments(df, n, match):
    with pytest.raises(ValueError, match=match):
        frequency_grid(df, n)


def test_impulse_response_sums_to_the_dc_gain():
    rng = np.random.default_rng(3)
    h_f = rng.normal(size=65) + 1j * rng.normal(size=65)
    h_f[0] = h_f[0].real
    t, h = impulse_response(h_f, 1e6)
    assert h.size == 128 and np.isrealobj(h)
    assert np.sum(h) == pytest.approx(h_f[0].real, abs=1e-13)
    assert step_response(h)[-1] == pytest.approx(h_f[0].real, abs=1e-13)
    np.testing.assert_allclose(np.diff(t), 1 / (128 * 1e6), rtol=1e-12)


def test_a_whole_sample_delay_is_a_unit_impulse_at_that_sample():
    n, df, k = 256, 1e8, 17
    f = frequency_grid(df, n)
    t, h = impulse_response(0.8 * np.exp(-2j * np.pi * f * k / (n * df)), df)
    expected = np.zeros(n)
    expected[k] = 0.8
    np.testing.assert_allclose(h, expected, atol=1e-15)
    assert t[k] == pytest.approx(k / (n * df), rel=1e-15)


def test_samples_are_the_continuous_response_times_dt():
    # H = exp(-(f/f0)²)·e^{-jωt0} is a Gaussian pulse of unit area centred on t0; on a grid
    # reaching 20 GHz ≫ f0 it is not aliased, so h[k] = dt·h(t_k) and the step crosses ½ at t0
    f0, n, df = 2e9, 2**12, 10e6
    t0 = 200 / (n * df)  # on a sample, 4.9 ns
    f = frequency_grid(df, n)
    t, h = impulse_response(np.exp(-((f / f0) ** 2) - 2j * np.pi * f * t0), df)
    dt = t[1]
    pulse = np.sqrt(np.pi) * f0 * np.exp(-((np.pi * f0 * (t - t0)) ** 2))
    np.testing.assert_allclose(h / dt, pulse, rtol=0, atol=1e-9 * pulse.max())
    step = step_response(h)
    k0 = 200
    assert step[k0] == pytest.approx(0.5 + h[k0] / 2, abs=1e-12)
    assert step[-1] == pytest.approx(1.0, abs=1e-12)


def test_acausal_energy_fraction_separates_causal_from_anticausal():
    h = np.exp(-np.arange(1000) / 20.0)
    assert acausal_energy_fraction(h, 250) < 1e-20
    assert acausal_energy_fraction(h[::-1], 250) > 1 - 1e-9
    assert acausal_energy_fraction(np.ones(8), 2) == 0.25


@pytest.mark.parametrize(("h", "n_guard"), [(np.ones(4), 0), (np.ones(4), 5), (np.zeros(4), 1)])
def test_acausal_energy_fraction_refuses_bad_arguments(h, n_guard):
    with pytest.raises(ValueError, match=r"n_guard|zero energy"):
        acausal_energy_fraction(h, n_guard)
