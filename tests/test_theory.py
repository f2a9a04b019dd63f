"""Closed-form PAM error rates against Monte-Carlo, the REFERENCE §8.1 table and each other."""

from __future__ import annotations

import numpy as np
import pytest

from sigint.modulation import PAM6_CORNERS, PAM6_PAIRS, Modulation
from sigint.symbols import demap_symbols, indices_to_levels, map_bits, slice_symbols
from sigint.theory import (
    ber_gray,
    ber_pam6_exact,
    clopper_pearson,
    noise_std_normalized,
    q_function,
    required_snr_db,
    ser_pam,
    symbol_transition_probabilities,
)

TARGET_SERS = (1e-2, 1e-3, 1e-4)
N_SYMBOLS = 1_000_000
# 15 Monte-Carlo comparisons below; Bonferroni keeps the family-wise confidence at 95 %.
N_COMPARISONS = 4 * len(TARGET_SERS) + len(TARGET_SERS)
CONFIDENCE = 1.0 - 0.05 / N_COMPARISONS
SWING_VPPD = 0.8  # volts; the test is scale-free, any swing would do


def _awgn(levels_v: np.ndarray, m: int, snr_db: float, rng: np.random.Generator) -> np.ndarray:
    sigma_v = noise_std_normalized(m, snr_db) * SWING_VPPD / 2
    return levels_v + rng.normal(0.0, sigma_v, levels_v.size)


def test_q_function_known_values():
    assert q_function(0.0) == 0.5
    assert q_function(1.0) == pytest.approx(0.158655253931457, rel=1e-12)
    assert q_function(-1.0) + q_function(1.0) == pytest.approx(1.0)
    assert q_function(np.array([3.0, 6.0])) == pytest.approx([1.349898e-3, 9.865876e-10], rel=1e-6)


@pytest.mark.parametrize(
    ("m", "snr_db"), [(2, 10.98), (4, 18.23), (6, 21.97), (8, 24.55)], ids=repr
)
def test_required_snr_matches_reference_table(m, snr_db):
    assert required_snr_db(m, 2e-4) == pytest.approx(snr_db, abs=0.01)


@pytest.mark.parametrize("m", [2, 4, 6, 8, 16])
@pytest.mark.parametrize("ser", [0.3, 4.8e-4, 2e-4, 2.67e-5, 1e-12])
def test_required_snr_inverts_ser(m, ser):
    assert ser_pam(m, required_snr_db(m, ser)) == pytest.approx(ser, rel=1e-9)


def test_required_snr_rejects_impossible_rates():
    with pytest.raises(ValueError, match="ser"):
        required_snr_db(4, 0.8)
    with pytest.raises(ValueError, match="ser"):
        required_snr_db(4, 0.0)


@pytest.mark.parametrize("m", [2, 4, 6, 8, 16])
@pytest.mark.parametrize("snr_db", [0.0, 12.0, 20.0, 27.0])
def test_transition_matrix_rows_sum_to_one_and_give_ser_pam(m, snr_db):
    p = symbol_transition_probabilities(m, snr_db)
    assert p.shape == (m, m)
    assert np.allclose(p.sum(axis=1), 1.0)
    assert np.allclose(p, p[::-1, ::-1])  # symmetric constellation
    off_diagonal = p[~np.eye(m, dtype=bool)].sum() / m  # not 1 - diag: no cancellation
    assert off_diagonal == pytest.approx(ser_pam(m, snr_db), rel=1e-9)


@pytest.mark.parametrize("m", [4, 8])
def test_gray_ber_approximation_is_tight_at_low_error_rates(m):
    snr_db = required_snr_db(m, 1e-4)
    # exact Gray BER from the transition matrix and Gray label distances
    mod = Modulation(m)
    labels = mod.gray_labels.astype(int)
    dist = np.array([[bin(a ^ b).count("1") for b in labels] for a in labels])
    exact = (symbol_transition_probabilities(m, snr_db) * dist).mean(axis=0).sum() / np.log2(m)
    assert ber_gray(m, snr_db) == pytest.approx(exact, rel=1e-3)


@pytest.mark.parametrize("m", [2, 4, 6, 8])
@pytest.mark.parametrize("target", TARGET_SERS)
def test_monte_carlo_ser_follows_the_closed_form(m, target):
    """Uniform symbols → levels → AWGN → slicer; errors within the Clopper–Pearson interval.

    PAM2/4/8 go through the Gray mapper from random bits. PAM6 draws indices uniformly, which is
    what ``ser_pam`` assumes; the pair mapper never sends corners, so its symbols are not uniform.
    """
    rng = np.random.default_rng(1000 * m + int(-np.log10(target)))
    mod = Modulation(m)
    snr_db = float(required_snr_db(m, target))
    if m == 6:
        sent = rng.integers(0, 6, N_SYMBOLS).astype(np.int8)
    else:
        sent = map_bits(rng.integers(0, 2, N_SYMBOLS * mod.bits_per_group, dtype=np.uint8), mod)
    y = _awgn(indices_to_levels(sent, mod, SWING_VPPD), m, snr_db, rng)
    errors = int(np.count_nonzero(slice_symbols(y, mod, SWING_VPPD) != sent))
    lo, hi = clopper_pearson(errors, N_SYMBOLS, CONFIDENCE)
    assert lo <= ser_pam(m, snr_db) <= hi, (errors, lo, hi)


@pytest.mark.parametrize("target", TARGET_SERS)
def test_monte_carlo_pam6_pair_ber_follows_the_exact_expression(target):
    """Bits → 5b/2-symbol pairs → AWGN → slicer → demapped bits (corner rule included)."""
    rng = np.random.default_rng(77 + int(-np.log10(target)))
    mod = Modulation(6)
    snr_db = float(required_snr_db(6, target))
    n_bits = N_SYMBOLS // 2 * 5
    bits = rng.integers(0, 2, n_bits, dtype=np.uint8)
    sent = map_bits(bits, mod)
    y = _awgn(indices_to_levels(sent, mod, SWING_VPPD), 6, snr_db, rng)
    errors = int(np.count_nonzero(demap_symbols(slice_symbols(y, mod, SWING_VPPD), mod) != bits))
    # Bit errors of one pair are correlated, which widens the true spread by ~10 %; the
    # Bonferroni confidence leaves more than that in hand.
    lo, hi = clopper_pearson(errors, n_bits, CONFIDENCE)
    assert lo <= ber_pam6_exact(snr_db) <= hi, (errors, lo, hi)


def test_pam6_designed_labelling_has_lower_ber_than_naive():
    naive_points = [(a, b) for a in range(6) for b in range(6) if (a, b) not in PAM6_CORNERS]
    naive = np.array(naive_points, dtype=np.int8)
    snr_db = float(required_snr_db(6, 1e-4))
    designed = ber_pam6_exact(snr_db)
    assert designed < 0.6 * ber_pam6_exact(snr_db, naive)
    # Nearest-neighbour limit: each of the 52 edges is crossed both ways with probability Q, at
    # 56 differing bits in all, plus one 2-bit error per corner (a second-symbol error from a
    # point next to a corner demaps to the inward point): (2 * 56 + 4 * 2) / (32 * 5) = 0.75.
    q = q_function(np.sqrt(3 * 10 ** (snr_db / 10) / 35))
    assert designed == pytest.approx(0.75 * q, rel=1e-4)
    assert ber_pam6_exact(snr_db, PAM6_PAIRS) == designed


def test_clopper_pearson_known_values_and_errors():
    lo, hi = clopper_pearson(0, 1000)
    assert lo == 0.0 and hi == pytest.approx(1 - 0.025 ** (1 / 1000))
    lo, hi = clopper_pearson(1000, 1000)
    assert hi == 1.0 and lo == pytest.approx(0.025 ** (1 / 1000))
    lo, hi = clopper_pearson(50, 100)
    assert lo == pytest.approx(0.3983, abs=1e-4) and hi == pytest.approx(0.6017, abs=1e-4)
    with pytest.raises(ValueError, match="k = 5"):
        clopper_pearson(5, 4)
    with pytest.raises(ValueError, match="confidence"):
        clopper_pearson(1, 4, confidence=1.0)
