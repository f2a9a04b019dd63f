"""Reed–Solomon FEC: the kernels against their twins, the decoder's guarantees, and the
post-FEC closed forms against Monte-Carlo and against sums written out here.

Twins in ``tests/reference.py``: GF(2^m) arithmetic by shift-and-xor on Python ints, encoding
by schoolbook long division, decoding by Peterson–Gorenstein–Zierler (a linear solve, no
Berlekamp–Massey) and the burst recursion by enumerating every line-error pattern.
"""

from __future__ import annotations

import itertools
import math
from fractions import Fraction

import numpy as np
import pytest
import reference

from sigint.fec import (
    KP4,
    KR4,
    PRIMITIVE_POLYNOMIALS,
    BurstModel,
    RsCode,
    ber_threshold,
    burst_codeword_error_ratio,
    burst_error_count_pmf,
    codeword_error_ratio,
    codeword_error_ratio_from_ber,
    error_count_pmf,
    frame_loss_ratio,
    hamming_output_ber,
    monte_carlo_codeword_errors,
    post_fec_ber,
    symbol_error_probability_from_ber,
    symbol_error_probability_from_ser,
)
from sigint.fec.burst import _layout
from sigint.fec.code import _field
from sigint.kernels.fec import accumulate_error_counts
from sigint.theory import clopper_pearson

#: Codes the kernels are compared on: full-length, shortened, odd parity, GF(2^3 … 2^10).
CODES = [
    RsCode(7, 3, symbol_bits=3),
    RsCode(15, 11, symbol_bits=4),
    RsCode(15, 10, symbol_bits=4),
    RsCode(31, 25, symbol_bits=5),
    RsCode(255, 223, symbol_bits=8),
    RsCode(30, 20, symbol_bits=10),
    KR4,
]


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(544)


def _corrupt(code: RsCode, words: np.ndarray, n_errors, rng) -> np.ndarray:
    """``words`` with ``n_errors[c]`` random nonzero symbol errors at distinct positions."""
    out = words.copy()
    for c, count in enumerate(n_errors):
        pos = rng.choice(code.n, int(count), replace=False)
        out[c, pos] ^= rng.integers(1, 1 << code.symbol_bits, int(count), dtype=np.uint16)
    return out


def _random_words(code: RsCode, n_codewords: int, rng) -> np.ndarray:
    return code.encode(rng.integers(0, 1 << code.symbol_bits, (n_codewords, code.k)))


# ------------------------------------------------------------------ kernels against twins
@pytest.mark.parametrize("m", sorted(PRIMITIVE_POLYNOMIALS)[:11])
def test_field_tables_are_the_powers_of_x_modulo_the_default_polynomial(m):
    exp, log, primitive = reference.build_gf_tables(m, PRIMITIVE_POLYNOMIALS[m])
    code = RsCode(2**m - 1, 2**m - 3, symbol_bits=m)
    g = code.generator  # builds the tables through the kernel
    k_exp, k_log, k_primitive = _field(m, PRIMITIVE_POLYNOMIALS[m])
    assert primitive and k_primitive
    np.testing.assert_array_equal(k_exp, exp)
    np.testing.assert_array_equal(k_log[1:], log[1:])
    assert g.tolist() == reference.rs_generator(code.n_parity, m, PRIMITIVE_POLYNOMIALS[m])


def test_an_irreducible_but_not_primitive_polynomial_is_refused():
    # x^4 + x^3 + x^2 + x + 1 divides x^5 − 1: x has order 5, not 15
    assert not reference.build_gf_tables(4, 0b11111)[2]
    with pytest.raises(ValueError, match=r"primitive_poly = 31: expected a primitive"):
        RsCode(15, 11, symbol_bits=4, primitive_poly=0b11111)


@pytest.mark.parametrize("code", [*CODES, KP4], ids=repr)
def test_encoder_matches_long_division_and_codewords_have_zero_syndromes(code, rng):
    n_words = 4 if code.n > 100 else 40
    msgs = rng.integers(0, 1 << code.symbol_bits, (n_words, code.k))
    msgs[0] = 0
    msgs[1] = (1 << code.symbol_bits) - 1
    words = code.encode(msgs)
    want = reference.encode_rs(msgs, code.n_parity, code.symbol_bits, code.primitive_poly)
    np.testing.assert_array_equal(words, want)
    np.testing.assert_array_equal(words[:, : code.k], msgs)  # systematic
    assert not code.syndromes(words).any()
    noisy = _corrupt(code, words, [1] * n_words, rng)
    for got, word in zip(code.syndromes(noisy), noisy, strict=True):
        assert got.tolist() == reference.rs_syndromes(
            word, code.n_parity, code.symbol_bits, code.primitive_poly
        )
        assert got.any()


@pytest.mark.parametrize("code", [*CODES, KP4], ids=repr)
def test_decoder_matches_the_pgz_twin_up_to_three_errors_beyond_t(code, rng):
    per_weight = 1 if code.n > 100 else 6
    n_errors = np.repeat(np.arange(code.t + 4), per_weight)
    n_errors = np.minimum(n_errors, code.n)
    sent = _random_words(code, n_errors.size, rng)
    received = _corrupt(code, sent, n_errors, rng)
    decoded, n_corrected = code.decode(received)
    want, want_count = reference.decode_rs(
        received, code.n_parity, code.symbol_bits, code.primitive_poly
    )
    np.testing.assert_array_equal(n_corrected, want_count)
    np.testing.assert_array_equal(decoded, want)
    ok = n_errors <= code.t
    np.testing.assert_array_equal(decoded[ok], sent[ok])
    np.testing.assert_array_equal(n_corrected[ok], n_errors[ok])


def test_every_pattern_of_up_to_two_errors_in_rs_15_11_is_corrected(rng):
    code = RsCode(15, 11, symbol_bits=4)
    sent = _random_words(code, 1, rng)[0]
    patterns = [np.zeros(15, np.uint16)]
    for weight in (1, 2):
        for pos in itertools.combinations(range(15), weight):
            for values in itertools.product(range(1, 16), repeat=weight):
                e = np.zeros(15, np.uint16)
                e[list(pos)] = values
                patterns.append(e)
    errors = np.array(patterns)
    assert len(errors) == 1 + 15 * 15 + 105 * 15**2
    decoded, n_corrected = code.decode(errors ^ sent)
    assert (decoded == sent).all()
    np.testing.assert_array_equal(n_corrected, (errors != 0).sum(axis=1))


def test_kp4_corrects_random_patterns_of_up_to_15_errors(rng):
    n_errors = rng.integers(0, 16, 3000)
    sent = _random_words(KP4, n_errors.size, rng)
    decoded, n_corrected = KP4.decode(_corrupt(KP4, sent, n_errors, rng))
    np.testing.assert_array_equal(decoded, sent)
    np.testing.assert_array_equal(n_corrected, n_errors)


def test_kp4_reports_16_to_18_errors_as_uncorrectable_and_leaves_the_word_alone(rng):
    # a miscorrection needs a word within 15 symbols of another codeword: ~5e-17 of them
    n_errors = np.repeat([16, 17, 18], 1000)
    received = _corrupt(KP4, _random_words(KP4, n_errors.size, rng), n_errors, rng)
    decoded, n_corrected = KP4.decode(received)
    assert (n_corrected == -1).all()
    np.testing.assert_array_equal(decoded, received)


def test_a_small_code_beyond_t_returns_a_codeword_within_t_or_a_failure(rng):
    code = RsCode(15, 11, symbol_bits=4)
    n_errors = np.repeat([3, 4, 5], 2000)
    received = _corrupt(code, _random_words(code, n_errors.size, rng), n_errors, rng)
    decoded, n_corrected = code.decode(received)
    corrected = n_corrected >= 0
    assert not code.syndromes(decoded[corrected]).any()
    distance = (decoded != received).sum(axis=1)
    np.testing.assert_array_equal(distance[corrected], n_corrected[corrected])
    assert (n_corrected[corrected] <= code.t).all()
    # a random word lies within 2 of some codeword with probability 23851/16^4 = 0.36
    assert 0.25 < corrected.mean() < 0.45


LAYOUTS = [  # (symbol bits m, bits per line symbol b, FEC slots, phase in bits, interleave)
    (4, Fraction(2), 3, Fraction(0), 1),
    (4, Fraction(3), 3, Fraction(1), 1),
    (5, Fraction(3), 4, Fraction(2), 2),
    (3, Fraction(3, 2), 4, Fraction(1, 2), 2),
    (4, Fraction(4), 3, Fraction(1), 1),
]


@pytest.mark.parametrize("layout", LAYOUTS, ids=repr)
@pytest.mark.parametrize("precoded", [False, True])
def test_burst_recursion_matches_the_enumeration_of_every_line_error_pattern(layout, precoded, rng):
    slot, weight, counted = _layout(*layout)
    p_continue, p_start, p_initial = rng.uniform(0.1, 0.9, 3)
    want = reference.accumulate_error_counts(
        p_continue, p_start, p_initial, precoded, slot, weight, counted
    )
    full = np.empty(counted.size + 1)
    accumulate_error_counts(p_continue, p_start, p_initial, precoded, slot, weight, counted, full)
    np.testing.assert_allclose(full, want, rtol=0, atol=1e-14)
    capped = np.empty(3)  # P(0), P(1), P(≥ 2)
    accumulate_error_counts(p_continue, p_start, p_initial, precoded, slot, weight, counted, capped)
    np.testing.assert_allclose(capped, [want[0], want[1], want[2:].sum()], rtol=0, atol=1e-14)


# ------------------------------------------------------------------ closed forms
def _binomial_terms(n: int, t: int, p: float) -> list[float]:
    """P(X = j) for j = t + 1 … n, X ~ Binomial(n, p), term by term in Python floats."""
    return [math.comb(n, j) * p**j * (1 - p) ** (n - j) for j in range(t + 1, n + 1)]


def _binomial_tail(n: int, t: int, p: float) -> float:
    """P(X > t): the direct sum of the terms (all positive, so no cancellation)."""
    return math.fsum(_binomial_terms(n, t, p))


def test_monte_carlo_with_the_real_decoder_follows_the_binomial_codeword_error_ratio(rng):
    for code, p_symbol, n_codewords in [(KP4, 0.018, 20_000), (RsCode(15, 11, 4), 0.04, 20_000)]:
        count = monte_carlo_codeword_errors(code, p_symbol, n_codewords, rng)
        cer = codeword_error_ratio(code, p_symbol)
        assert 1e-2 < cer < 1e-1
        lo, hi = clopper_pearson(count.n_failures, n_codewords, 0.99)
        assert lo <= cer <= hi, (code, count, cer)
    assert count.n_miscorrected > 0  # RS(15,11) miscorrects a third of its failures
    kp4 = monte_carlo_codeword_errors(KP4, 0.03, 500, rng)
    assert kp4.n_detected > 200 and kp4.n_miscorrected == 0


def test_monte_carlo_repeats_with_the_same_seed():
    runs = [monte_carlo_codeword_errors(KP4, 0.02, 300, np.random.default_rng(5)) for _ in "ab"]
    assert runs[0] == runs[1]


def test_kp4_at_the_802_3_ber_limit_loses_about_1_7e_12_of_64_byte_frames():
    ber = 2.4e-4
    p_symbol = symbol_error_probability_from_ber(ber)
    assert p_symbol == pytest.approx(1 - (1 - ber) ** 10, rel=1e-12)
    cer = codeword_error_ratio(KP4, p_symbol)
    assert cer == pytest.approx(_binomial_tail(544, 15, p_symbol), rel=1e-10)
    assert cer == pytest.approx(8.15e-13, rel=1e-3)
    assert codeword_error_ratio_from_ber(KP4, ber) == cer
    # REFERENCE §7.3: FLR < 1.7e-12 with 64-byte frames and the 2-way interleave
    flr = frame_loss_ratio(KP4, cer, frame_bytes=64, interleave=2)
    assert flr == pytest.approx((2 + 511 / 5140) * cer, rel=1e-6)
    assert flr == pytest.approx(1.7e-12, rel=0.02)
    # post-FEC BER: undecoded words pass their ~1-bit symbol errors; MAC objective ≤ 1e-13
    post = post_fec_ber(KP4, error_count_pmf(KP4, p_symbol))
    want = math.fsum(j * x for j, x in enumerate(_binomial_terms(544, 15, p_symbol), 16))
    assert post == pytest.approx(want / 5440, rel=1e-9)
    assert post < 1e-13
    assert ber_threshold(KP4, cer) == pytest.approx(ber, rel=1e-8)
    assert ber_threshold(KR4, cer) < ber / 10  # t = 7 needs a far cleaner line


def test_codeword_error_ratio_is_vectorised_and_exact_in_the_far_tail():
    p = np.array([0.0, 1e-6, 1e-3, 0.05, 1.0])
    got = codeword_error_ratio(KP4, p)
    assert got.shape == (5,) and got[0] == 0 and got[-1] == 1
    for g, pj in zip(got[1:-1], p[1:-1], strict=True):
        assert g == pytest.approx(_binomial_tail(544, 15, pj), rel=1e-10)


def test_frame_loss_ratio_counts_the_codewords_a_frame_touches():
    cer = 1e-9
    assert frame_loss_ratio(KP4, cer) == pytest.approx((1 + 511 / 5140) * cer, rel=1e-6)
    assert frame_loss_ratio(KP4, 1.0, interleave=2) == 1.0
    assert frame_loss_ratio(KP4, 0.0) == 0.0
    # a 1500-byte frame spans 2.33 codewords: it touches 1 + 11999/5140 of them on average
    jumbo = frame_loss_ratio(KP4, cer, frame_bytes=1500)
    assert jumbo == pytest.approx((1 + 11999 / 5140) * cer, rel=1e-6)
    np.testing.assert_array_less(
        frame_loss_ratio(KP4, [1e-9, 1e-6], frame_bytes=64),
        frame_loss_ratio(KP4, [1e-9, 1e-6], frame_bytes=1500),
    )


def test_line_ser_maps_to_fec_symbols_by_the_bits_each_line_symbol_puts_in_them():
    ser = np.array([1e-5, 1e-3, 0.1])
    # binary line: one line symbol is one bit
    np.testing.assert_allclose(
        symbol_error_probability_from_ser(ser, 1), symbol_error_probability_from_ber(ser)
    )
    # PAM4: five whole line symbols per 10-bit FEC symbol
    np.testing.assert_allclose(symbol_error_probability_from_ser(ser, 2), 1 - (1 - ser) ** 5)
    # PAM8: 3-bit symbols straddle; over three FEC symbols the straddlers put 1/3 and 2/3 in
    want = (
        1
        - (
            (1 - ser) ** 3 * (1 - ser / 3)
            + (1 - 2 * ser / 3) ** 2 * (1 - ser) ** 2
            + (1 - ser / 3) * (1 - ser) ** 3
        )
        / 3
    )
    np.testing.assert_allclose(symbol_error_probability_from_ser(ser, 3), want, rtol=1e-10)
    # PAM6 (2.5 b/symbol): exactly four line symbols per FEC symbol
    np.testing.assert_allclose(symbol_error_probability_from_ser(ser, 2.5), 1 - (1 - ser) ** 4)


# ------------------------------------------------------------------ bursts
@pytest.mark.parametrize("ser", [1e-4, 1e-3, 1e-2])
def test_burst_model_with_independent_line_errors_is_the_binomial_model(ser):
    independent = BurstModel(p_continue=ser)  # P(error | previous error) = P(error)
    pmf = burst_error_count_pmf(KP4, ser, independent)
    p_symbol = symbol_error_probability_from_ser(ser)
    np.testing.assert_allclose(pmf, error_count_pmf(KP4, p_symbol), rtol=1e-9, atol=1e-15)
    cer = codeword_error_ratio(KP4, p_symbol)
    assert burst_codeword_error_ratio(KP4, ser, independent) == pytest.approx(cer, rel=1e-9)
    # mean burst 1 forbids adjacent errors, so never two FEC symbols from one burst
    single = burst_codeword_error_ratio(KP4, ser, BurstModel.from_mean_burst(1.0))
    assert single == pytest.approx(cer, rel=0.02)
    # interleaving does nothing to independent errors
    il = burst_codeword_error_ratio(KP4, ser, independent, interleave=2)
    assert il == pytest.approx(cer, rel=1e-9)


def test_pam8_straddling_line_symbols_stay_close_to_the_alignment_averaged_binomial():
    for ser in (1e-3, 1e-2):
        got = burst_codeword_error_ratio(KP4, ser, BurstModel(ser, bits_per_line_symbol=3))
        want = codeword_error_ratio(KP4, symbol_error_probability_from_ser(ser, 3))
        assert got == pytest.approx(want, rel=0.01)


def test_longer_bursts_raise_the_codeword_error_ratio_at_a_fixed_ser():
    cers = [burst_codeword_error_ratio(KP4, 1e-4, BurstModel(p)) for p in (0, 0.5, 0.75, 0.9)]
    assert np.all(np.diff(np.log10(cers)) > 1)  # each step more than a decade
    assert cers[0] < 1e-22 and cers[2] > 1e-10  # REFERENCE's b1 = 1 DFE (3/4): 13 decades


def _monte_carlo_bursts(ser, p_continue, precoded, interleave, n_codewords, rng):
    """Codewords with more than 15 wrong symbols: a Markov line over PAM4, 5 per FEC symbol."""
    p_start = ser * (1 - p_continue) / (1 - ser)
    n_line = interleave * 544 * 5
    previous = rng.random(n_codewords) < ser
    seen = np.empty((n_codewords, n_line), bool)
    u = rng.random((n_codewords, n_line))
    for i in range(n_line):
        error = u[:, i] < np.where(previous, p_continue, p_start)
        seen[:, i] = error ^ previous if precoded else error
        previous = error
    hits = seen.reshape(n_codewords, interleave * 544, 5).any(axis=2)[:, ::interleave]
    return int((hits.sum(axis=1) > 15).sum())


@pytest.mark.parametrize(
    ("ser", "p_continue", "precoded", "interleave"),
    [
        (2e-2, 0.95, False, 1),
        (2e-2, 0.95, True, 1),
        (5e-3, 0.0, False, 1),
        (5e-3, 0.0, True, 1),
        (1.5e-2, 0.9, False, 2),
    ],
    ids=repr,
)
def test_burst_codeword_error_ratio_follows_monte_carlo_of_the_line(
    ser, p_continue, precoded, interleave, rng
):
    n_codewords = 3000
    k = _monte_carlo_bursts(ser, p_continue, precoded, interleave, n_codewords, rng)
    model = BurstModel(p_continue, precoded=precoded)
    cer = burst_codeword_error_ratio(KP4, ser, model, interleave=interleave)
    lo, hi = clopper_pearson(k, n_codewords, 0.99)
    assert lo <= cer <= hi, (k, cer)


def test_precoding_turns_a_long_burst_into_two_errors_and_a_lone_error_into_two():
    long = BurstModel.from_mean_burst(20.0)
    assert burst_codeword_error_ratio(
        KP4, 2e-2, BurstModel(long.p_continue, precoded=True)
    ) < 0.02 * burst_codeword_error_ratio(KP4, 2e-2, long)
    # a lone error becomes two consecutive ones: precoding doubles isolated errors
    lone = burst_codeword_error_ratio(KP4, 1e-4, BurstModel(0.0))
    pre = burst_codeword_error_ratio(KP4, 1e-4, BurstModel(0.0, precoded=True))
    assert pre > 1e3 * lone
    pmf = burst_error_count_pmf(KP4, 1e-4, BurstModel(0.0, precoded=True))
    mean = (np.arange(545) * pmf).sum()
    # two errors per lone error; both land in one FEC symbol unless split by a boundary (1/5)
    assert mean == pytest.approx(2720 * 1e-4 * (1 + 1 / 5), rel=2e-3)


def test_interleaving_two_codewords_splits_bursts_between_them():
    burst = BurstModel(0.75)
    one = burst_codeword_error_ratio(KP4, [1e-5, 1e-4], burst)
    two = burst_codeword_error_ratio(KP4, [1e-5, 1e-4], burst, interleave=2)
    assert np.all(two < one / 100)
    # the first of the two codewords sees half the FEC symbols of the span
    pmf = burst_error_count_pmf(KP4, 1e-3, burst, interleave=2)
    assert (np.arange(545) * pmf).sum() == pytest.approx(
        (np.arange(545) * burst_error_count_pmf(KP4, 1e-3, burst)).sum(), rel=1e-6
    )


# ------------------------------------------------------------------ inner Hamming(128,120)
def test_hard_decision_hamming_128_120_squares_the_ber():
    ber = np.array([1e-6, 1e-4, 1e-3, 5e-3])
    got = hamming_output_ber(ber)
    want = [
        sum(
            (j + (j % 2 and j >= 3)) * math.comb(128, j) * b**j * (1 - b) ** (128 - j)
            for j in range(2, 129)
        )
        / 128
        for b in ber
    ]
    np.testing.assert_allclose(got, want, rtol=1e-10)
    assert got[0] == pytest.approx(127 * 1e-12, rel=1e-3)  # C(128,2)·2/128 = 127


def test_kp4_with_a_hard_hamming_inner_code_reaches_the_kp4_cer_at_about_1_4e_3():
    target = codeword_error_ratio_from_ber(KP4, 2.4e-4)
    ber = ber_threshold(KP4, target, inner_hamming=True)
    assert hamming_output_ber(ber) == pytest.approx(2.4e-4, rel=1e-6)
    # ≈ sqrt(2.4e-4/127) = 1.37e-3; the soft-decision (Chase) 802.3dj code reaches 4.85e-3
    assert 1.3e-3 < ber < 1.5e-3
    assert codeword_error_ratio_from_ber(KP4, ber, inner_hamming=True) == pytest.approx(
        target, rel=1e-6
    )


# ------------------------------------------------------------------ validation
@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: RsCode(544, 544), r"k = 544: expected a message length from 1 to n − 2 = 542"),
        (lambda: RsCode(544, 600), r"k = 600"),
        (lambda: RsCode(1100, 514), r"n = 1100: expected a code length from 3 to 2\^m − 1 = 1023"),
        (lambda: RsCode(16, 10, symbol_bits=4), r"n = 16: .* 2\^m − 1 = 15"),
        (lambda: RsCode(15, 11, symbol_bits=17), r"symbol_bits = 17"),
        (lambda: RsCode(544, 514, primitive_poly=0x40F), r"primitive_poly = 1039"),
        (lambda: codeword_error_ratio(KP4, 1.5), r"p_symbol = 1.5: expected probabilities"),
        (lambda: codeword_error_ratio(KP4, [0.1, -0.2]), r"p_symbol = -0.2"),
        (lambda: codeword_error_ratio(KP4, np.nan), r"p_symbol = nan"),
        (lambda: symbol_error_probability_from_ber(2.0), r"ber = 2.0"),
        (lambda: symbol_error_probability_from_ser(0.1, 11), r"bits_per_line_symbol = 11"),
        (lambda: BurstModel(1.0), r"p_continue = 1.0"),
        (lambda: BurstModel.from_mean_burst(0.5), r"mean_burst_symbols = 0.5"),
        (lambda: burst_codeword_error_ratio(KP4, 0.9, BurstModel()), r"ser = 0.9"),
        (lambda: burst_codeword_error_ratio(KP4, 1e-3, BurstModel(), 0), r"interleave = 0"),
        (lambda: frame_loss_ratio(KP4, 1e-9, frame_bytes=0), r"frame_bytes = 0"),
        (lambda: post_fec_ber(KP4, np.ones(10)), r"pmf = 'array of shape \(10,\)'"),
        (lambda: hamming_output_ber(1e-3, block_bits=100), r"block_bits = 100"),
        (lambda: KP4.encode(np.zeros((2, 513), int)), r"messages = 'array of shape \(2, 513\)"),
        (lambda: KP4.decode(np.full(544, 1024)), r"received = 1024: expected symbols from 0"),
        (lambda: monte_carlo_codeword_errors(KP4, 0.1, 10, 1), r"rng = 1"),
    ],
    ids=lambda x: x if isinstance(x, str) else "",
)
def test_bad_inputs_raise_value_errors_naming_the_value(call, match):
    with pytest.raises(ValueError, match=match):
        call()
