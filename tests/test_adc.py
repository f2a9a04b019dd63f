"""The ideal ADC: the quantiser kernel against its numpy twin, and quantisation-noise physics."""

from __future__ import annotations

import numpy as np
import pytest
import reference

from sigint.adc import ADC, ideal_sqnr_db
from sigint.kernels.adc import quantize


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(7)


# ---------------------------------------------------------------- against the twin

# (n, bits, full_scale)
QUANTIZE_CASES = [(0, 8, 1.0), (1, 1, 1.0), (1000, 1, 0.3), (1000, 6, 0.4), (5000, 12, 2.5)]


@pytest.mark.parametrize("case", QUANTIZE_CASES, ids=repr)
def test_quantize_matches_the_numpy_twin(case, rng):
    n, bits, full_scale = case
    x = 1.3 * full_scale * rng.uniform(-1, 1, n)  # about a quarter of the samples clip
    out = np.full(n, np.nan)
    clips = quantize(x, bits, full_scale, out)
    want, want_clips = reference.quantize(x, bits, full_scale)
    np.testing.assert_array_equal(out, want)
    assert clips == want_clips


def test_quantize_matches_the_twin_at_edges_codes_nan_and_inf():
    fs, bits = 1.0, 3
    delta = 2 * fs / 2**bits
    x = np.array([fs, -fs, fs + 1e-12, -fs - 1e-12, 0.0, -0.0, delta, -delta, 3.5 * delta])
    x = np.concatenate([x, [np.nan, np.inf, -np.inf]])
    out = np.empty(x.size)
    clips = quantize(x, bits, fs, out)
    want, want_clips = reference.quantize(x, bits, fs)
    np.testing.assert_array_equal(out, want)  # NaN in the same places
    assert clips == want_clips == 4  # just beyond ±FS and ±inf; exactly ±FS is no clip
    assert out[0] == fs - delta / 2 and out[1] == -fs + delta / 2
    assert out[4] == delta / 2 and out[5] == delta / 2  # mid-rise: no zero level; −0 rounds up
    assert np.isnan(out[9]) and out[10] == out[0] and out[11] == out[1]


def test_output_takes_exactly_the_2_to_the_bits_levels(rng):
    for bits in (1, 2, 5):
        out = np.empty(20_000)
        quantize(rng.uniform(-2, 2, 20_000), bits, 1.0, out)
        delta = 2.0 / 2**bits
        np.testing.assert_array_equal(
            np.unique(out), (np.arange(2**bits) - 2 ** (bits - 1) + 0.5) * delta
        )


# ---------------------------------------------------------------- physics


@pytest.mark.parametrize("bits", [4, 6, 8, 10])
def test_noise_of_a_uniform_input_has_variance_delta_squared_over_12(bits, rng):
    adc = ADC(bits, full_scale_v=0.35)
    x = rng.uniform(-0.35, 0.35, 200_000)  # inside full scale: granular noise only
    err = adc(x) - x
    assert adc.clip_count == 0
    assert np.max(np.abs(err)) <= adc.lsb_v / 2
    assert np.var(err) == pytest.approx(adc.lsb_v**2 / 12, rel=0.02)
    assert adc.noise_power_v2 == pytest.approx(adc.lsb_v**2 / 12, rel=1e-15)


@pytest.mark.parametrize(("bits", "tol_db"), [(6, 0.3), (7, 0.2), (8, 0.2)])
def test_full_scale_sine_reaches_the_ideal_sqnr(bits, tol_db):
    # A sine of amplitude exactly FS dwells near its peaks (arcsine density), where the error in
    # the outer code leans to +Δ/2: the noise exceeds Δ²/12 by 6.5 % at 6 bits (−0.27 dB), 4.6 %
    # at 7 (−0.19 dB), 3.3 % at 8 (−0.13 dB), halving in dB per bit. Measured with 4M random
    # phases; not a quantiser error, so 6 bits gets 0.3 dB
    fs = 0.5
    n = 1 << 16
    cycles = 4099  # coprime with n: the n phases are equally spaced, error uncorrelated with x
    x = fs * np.sin(2 * np.pi * cycles * np.arange(n) / n)
    adc = ADC(bits, fs)
    err = adc(x) - x
    sqnr_db = 10 * np.log10(np.mean(x**2) / np.mean(err**2))
    assert adc.clip_count == 0  # the peaks touch ±FS but never pass it
    assert sqnr_db == pytest.approx(6.02 * bits + 1.76, abs=tol_db)
    assert sqnr_db < 6.02 * bits + 1.76  # the peak-dwell excess has this sign
    assert adc.ideal_sqnr_db == pytest.approx(6.02 * bits + 1.76, abs=0.01)


def test_clipped_samples_are_counted_across_calls(rng):
    adc = ADC(8, full_scale_v=0.4)
    x = rng.normal(0.0, 0.25, 10_000)
    y1 = adc(x[:3000])
    y2 = adc(x[3000:])
    beyond = np.abs(x) > 0.4
    assert adc.clip_count == np.count_nonzero(beyond) > 0
    assert adc.n_samples == x.size
    y = np.concatenate([y1, y2])
    np.testing.assert_array_equal(np.abs(y[beyond]), 0.4 - adc.lsb_v / 2)  # outer level
    assert np.max(np.abs(y[~beyond] - x[~beyond])) <= adc.lsb_v / 2


def test_ideal_sqnr_formula():
    assert ideal_sqnr_db(1) == pytest.approx(10 * np.log10(1.5 * 4), rel=1e-12)
    assert ideal_sqnr_db(10) == pytest.approx(61.96, abs=0.01)


# ---------------------------------------------------------------- validation


@pytest.mark.parametrize(
    ("bits", "full_scale_v", "match"),
    [
        (0, 1.0, "bits = 0"),
        (33, 1.0, "bits = 33"),
        (6.0, 1.0, "bits = 6.0"),
        (True, 1.0, "bits = True"),
        (6, 0.0, "full_scale_v = 0.0"),
        (6, -1.0, "full_scale_v = -1.0"),
        (6, np.inf, "full_scale_v = inf"),
        (6, np.nan, "full_scale_v = nan"),
        (6, "1", "full_scale_v = '1'"),
    ],
    ids=repr,
)
def test_invalid_adc_settings_are_refused_naming_the_value(bits, full_scale_v, match):
    with pytest.raises(ValueError, match=match):
        ADC(bits, full_scale_v)


def test_two_dimensional_input_is_refused():
    with pytest.raises(ValueError, match=r"shape \(2, 2\)"):
        ADC(6, 1.0)(np.zeros((2, 2)))
