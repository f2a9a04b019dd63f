"""Bit sources, PAM mapping, precoding and slicing: kernels against their numpy twins, and the
properties the rest of sigint relies on."""

from __future__ import annotations

import numpy as np
import pytest
import reference

from sigint.kernels.pam import (
    decode_precoded,
    demap_gray,
    demap_pairs,
    levels_from_indices,
    map_gray,
    map_pairs,
    precode,
)
from sigint.kernels.prbs import generate_prbs
from sigint.kernels.slicer import decide, slice_levels
from sigint.modulation import PAM6_CORNERS, PAM6_INVERSE, PAM6_PAIRS, Modulation
from sigint.symbols import (
    PRBS_POLYNOMIALS,
    Prbs,
    PrecodeDecoder,
    Precoder,
    RandomBits,
    demap_symbols,
    indices_to_levels,
    map_bits,
    prbs_taps_mask,
    slice_symbols,
)

MODULATIONS = [Modulation(m) for m in (2, 4, 6, 8)]
GRAY = [Modulation(m) for m in (2, 4, 8)]
SMALL_ORDERS = [n for n in PRBS_POLYNOMIALS if n <= 15]
EDGE_GROUPS = [0, 1, 2, 7, 1000]  # counts of bit groups: empty, one group, a few, many


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(12345)


# ---------------------------------------------------------------- PRBS


@pytest.mark.parametrize("order", SMALL_ORDERS)
def test_prbs_has_maximal_period_and_half_ones(order):
    period = 2**order - 1
    bits = Prbs(order, seed=3)(2 * period + order)
    assert np.array_equal(bits[:period], bits[period : 2 * period])
    # every nonzero n-bit window appears exactly once per period: no shorter period exists
    windows = np.zeros(period, dtype=np.int64)
    for j in range(order):
        windows = (windows << 1) | bits[j : j + period]
    assert np.unique(windows).size == period
    assert windows.min() > 0
    assert int(bits[:period].sum()) == 2 ** (order - 1)


@pytest.mark.parametrize("order", sorted(PRBS_POLYNOMIALS))
def test_prbs_output_obeys_its_polynomial_recurrence(order):
    bits = Prbs(order, seed=987654321)(5000).astype(np.int64)
    n = bits.size
    rhs = np.zeros(n - order, dtype=np.int64)
    for e in PRBS_POLYNOMIALS[order]:
        rhs ^= bits[order - e : n - e]
    assert np.array_equal(bits[order:], rhs)


@pytest.mark.parametrize("order", sorted(PRBS_POLYNOMIALS))
@pytest.mark.parametrize("n", [0, 1, 77, 1000])
def test_generate_prbs_equals_twin(order, n, rng):
    state = int(rng.integers(1, 2**order))
    mask = prbs_taps_mask(order)
    out = np.empty(n, dtype=np.uint8)
    new_state = generate_prbs(state, order, mask, out)
    want, want_state = reference.generate_prbs(state, order, mask, n)
    assert np.array_equal(out, want)
    assert new_state == want_state


@pytest.mark.parametrize("order", [7, 13, 31])
def test_prbs_chunked_equals_one_shot(order, rng):
    chunks = [0, 1, 5, 64, 333, 1, 2000]
    one_shot = Prbs(order, seed=42)(sum(chunks))
    source = Prbs(order, seed=42)
    assert np.array_equal(np.concatenate([source(c) for c in chunks]), one_shot)


def test_prbs_rejects_unknown_order_and_negative_counts():
    with pytest.raises(ValueError, match="PRBS order 8"):
        Prbs(8)
    with pytest.raises(ValueError, match="n_bits"):
        Prbs(7)(-1)
    with pytest.raises(ValueError, match="seed"):
        Prbs(7, seed=-1)


def test_prbs_seed_never_gives_the_zero_state():
    for seed in (0, 127, 254, 10**12):
        assert 0 < Prbs(7, seed=seed).state < 128


def test_random_bits_are_fair_and_reproducible():
    a = RandomBits(np.random.default_rng(1))(100_000)
    b = RandomBits(np.random.default_rng(1))(100_000)
    assert a.dtype == np.uint8 and np.array_equal(a, b)
    assert abs(a.mean() - 0.5) < 0.01
    with pytest.raises(ValueError, match="rng"):
        RandomBits(1)


# ---------------------------------------------------------------- Gray mapping


@pytest.mark.parametrize("mod", GRAY, ids=repr)
@pytest.mark.parametrize("n_groups", EDGE_GROUPS)
def test_gray_kernels_equal_twins(mod, n_groups, rng):
    k = mod.bits_per_group
    bits = rng.integers(0, 2, n_groups * k, dtype=np.uint8)
    sym = np.empty(n_groups, dtype=np.int8)
    map_gray(bits, k, sym)
    assert np.array_equal(sym, reference.map_gray(bits, k))
    back = np.empty(n_groups * k, dtype=np.uint8)
    demap_gray(sym, k, back)
    assert np.array_equal(back, reference.demap_gray(sym, k))
    assert np.array_equal(back, bits)


@pytest.mark.parametrize("mod", GRAY, ids=repr)
def test_gray_neighbouring_levels_differ_in_one_bit(mod):
    m, k = mod.levels, mod.bits_per_group
    bits = demap_symbols(np.arange(m), mod).reshape(m, k)
    assert np.all(np.abs(np.diff(bits.astype(int), axis=0)).sum(axis=1) == 1)
    assert np.array_equal(map_bits(bits.reshape(-1), mod), np.arange(m))
    assert np.array_equal(mod.gray_labels[mod.gray_inverse], np.arange(m))


def test_gray_pam4_table_is_the_802_3_one():
    # 00 -> 0, 01 -> 1, 11 -> 2, 10 -> 3 (IEEE 802.3 clause 120.5.7)
    assert map_bits(np.array([0, 0, 0, 1, 1, 1, 1, 0]), "PAM4").tolist() == [0, 1, 2, 3]


# ---------------------------------------------------------------- PAM6 pairs


def _neighbour_cost(label_of: dict[tuple[int, int], int]) -> float:
    edges = [
        (p, q) for p in label_of for q in ((p[0] + 1, p[1]), (p[0], p[1] + 1)) if q in label_of
    ]
    assert len(edges) == 52
    return sum(bin(label_of[p] ^ label_of[q]).count("1") for p, q in edges) / len(edges)


def test_pam6_table_is_a_bijection_onto_the_32_non_corner_pairs():
    pairs = {tuple(p) for p in PAM6_PAIRS.tolist()}
    assert len(pairs) == 32
    assert pairs.isdisjoint(PAM6_CORNERS)
    assert all(0 <= a < 6 and 0 <= b < 6 for a, b in pairs)
    for label, (a, b) in enumerate(PAM6_PAIRS.tolist()):
        assert PAM6_INVERSE[a, b] == label


def test_pam6_corners_demap_one_step_inward_along_the_first_symbol():
    for a, b in PAM6_CORNERS:
        inward = 1 if a == 0 else 4
        assert PAM6_INVERSE[a, b] == PAM6_INVERSE[inward, b]


def test_pam6_labelling_beats_the_naive_row_major_one():
    designed = {tuple(p): label for label, p in enumerate(PAM6_PAIRS.tolist())}
    naive_points = [(a, b) for a in range(6) for b in range(6) if (a, b) not in PAM6_CORNERS]
    naive = {p: label for label, p in enumerate(naive_points)}
    assert _neighbour_cost(designed) == pytest.approx(56 / 52)
    assert _neighbour_cost(naive) == pytest.approx(110 / 52)


@pytest.mark.parametrize("n_groups", EDGE_GROUPS)
def test_pair_kernels_equal_twins(n_groups, rng):
    bits = rng.integers(0, 2, 5 * n_groups, dtype=np.uint8)
    sym = np.empty(2 * n_groups, dtype=np.int8)
    map_pairs(bits, PAM6_PAIRS, sym)
    assert np.array_equal(sym, reference.map_pairs(bits, PAM6_PAIRS))
    noisy = rng.integers(0, 6, 2 * n_groups).astype(np.int8)  # corners included
    back = np.empty(5 * n_groups, dtype=np.uint8)
    demap_pairs(noisy, PAM6_INVERSE, back)
    assert np.array_equal(back, reference.demap_pairs(noisy, PAM6_INVERSE))


def test_pam6_round_trip_on_every_label():
    labels = np.arange(32)
    bits = ((labels[:, None] >> np.arange(4, -1, -1)) & 1).reshape(-1)
    sym = map_bits(bits, "PAM6")
    assert np.array_equal(sym.reshape(32, 2), PAM6_PAIRS)
    assert np.array_equal(demap_symbols(sym, "PAM6"), bits)


# ---------------------------------------------------------------- wrappers


@pytest.mark.parametrize("mod", MODULATIONS, ids=repr)
def test_map_then_demap_is_identity(mod, rng):
    bits = rng.integers(0, 2, 40 * mod.bits_per_group, dtype=np.uint8)
    sym = map_bits(bits, mod)
    assert sym.dtype == np.int8
    assert sym.size == bits.size / mod.bits_per_symbol
    assert sym.min() >= 0 and sym.max() < mod.levels
    assert np.array_equal(demap_symbols(sym, mod), bits)


@pytest.mark.parametrize("mod", MODULATIONS, ids=repr)
def test_group_size_mismatch_is_rejected(mod):
    if mod.bits_per_group > 1:
        with pytest.raises(ValueError, match="multiple"):
            map_bits(np.zeros(mod.bits_per_group + 1, dtype=np.uint8), mod)
    if mod.symbols_per_group > 1:
        with pytest.raises(ValueError, match="multiple"):
            demap_symbols(np.zeros(3, dtype=np.int8), mod)


def test_wrappers_reject_bad_values():
    with pytest.raises(ValueError, match="0 or 1"):
        map_bits(np.array([0, 2]), "PAM4")
    with pytest.raises(ValueError, match=r"\[0, 4\)"):
        demap_symbols(np.array([0, 4]), "PAM4")
    with pytest.raises(ValueError, match="one dimension"):
        map_bits(np.zeros((2, 2), dtype=np.uint8), "PAM4")


@pytest.mark.parametrize("mod", MODULATIONS, ids=repr)
@pytest.mark.parametrize("n", [0, 1, 999])
def test_levels_from_indices_equals_twin(mod, n, rng):
    sym = rng.integers(0, mod.levels, n).astype(np.int8)
    table = mod.levels_v(0.8, rlm=0.95)
    out = np.empty(n, dtype=np.float64)
    levels_from_indices(sym, table, out)
    assert np.array_equal(out, reference.levels_from_indices(sym, table))
    assert np.array_equal(indices_to_levels(sym, mod, 0.8, 0.95), out)


# ---------------------------------------------------------------- slicer


@pytest.mark.parametrize("mod", MODULATIONS, ids=repr)
@pytest.mark.parametrize("n", [0, 1, 5000])
def test_slice_levels_equals_twin_with_nan_inf_and_ties(mod, n, rng):
    thr = mod.thresholds_v(1.0)
    y = rng.normal(0.0, 0.6, n)
    if n > 10:
        y[:3] = [np.nan, np.inf, -np.inf]
        y[3 : 3 + thr.size] = thr  # exact ties decide the lower index
    out = np.empty(n, dtype=np.int8)
    slice_levels(y, thr, out)
    assert np.array_equal(out, reference.slice_levels(y, thr))
    if n > 10:
        assert out[:3].tolist() == [0, mod.levels - 1, 0]
        assert np.array_equal(out[3 : 3 + thr.size], np.arange(thr.size))


def test_decide_counts_thresholds_below():
    thr = np.array([-0.5, 0.0, 0.5])
    assert [decide(v, thr) for v in (-1.0, -0.2, 0.2, 0.9)] == [0, 1, 2, 3]


@pytest.mark.parametrize("mod", MODULATIONS, ids=repr)
def test_noiseless_levels_slice_back_to_their_indices(mod):
    sym = np.arange(mod.levels, dtype=np.int8)
    y = indices_to_levels(sym, mod, 0.9, rlm=0.9)
    assert np.array_equal(slice_symbols(y, mod, 0.9, rlm=0.9), sym)


# ---------------------------------------------------------------- precoding


@pytest.mark.parametrize("m", [2, 4, 6, 8])
@pytest.mark.parametrize("n", [0, 1, 1000])
def test_precode_kernels_equal_twins(m, n, rng):
    s = rng.integers(0, m, n).astype(np.int8)
    state = int(rng.integers(0, m))
    out = np.empty(n, dtype=np.int8)
    st = precode(s, m, state, out)
    want, want_state = reference.precode(s, m, state)
    assert np.array_equal(out, want) and st == want_state
    st = decode_precoded(s, m, state, out)
    want, want_state = reference.decode_precoded(s, m, state)
    assert np.array_equal(out, want) and st == want_state


@pytest.mark.parametrize("m", [2, 4, 6, 8])
def test_precode_then_decode_is_identity_across_chunks(m, rng):
    s = rng.integers(0, m, 3000).astype(np.int8)
    one_shot = Precoder(m)(s)
    enc, dec = Precoder(m), PrecodeDecoder(m)
    pieces = np.split(s, [0, 1, 17, 500, 2999])
    chunked = [enc(p) for p in pieces]
    assert np.array_equal(np.concatenate(chunked), one_shot)
    assert np.array_equal(np.concatenate([dec(c) for c in chunked]), s)


@pytest.mark.parametrize("m", [4, 6, 8])
def test_one_decision_error_becomes_two_symbol_errors(m, rng):
    s = rng.integers(0, m, 200).astype(np.int8)
    r = Precoder(m)(s).astype(np.int64)
    r[100] = (r[100] + 1) % m
    wrong = np.flatnonzero(PrecodeDecoder(m)(r) != s)
    assert wrong.tolist() == [100, 101]


@pytest.mark.parametrize("m", [4, 6, 8])
def test_alternating_error_burst_collapses_to_its_two_ends(m, rng):
    s = rng.integers(0, m, 200).astype(np.int8)
    r = Precoder(m)(s).astype(np.int64)
    burst = np.array([1, -1, 1, -1, 1, -1, 1])  # DFE error propagation: e, -e, e, ...
    r[50 : 50 + burst.size] = (r[50 : 50 + burst.size] + burst) % m
    wrong = np.flatnonzero(PrecodeDecoder(m)(r) != s)
    assert wrong.tolist() == [50, 50 + burst.size]


def test_precoder_rejects_bad_m():
    with pytest.raises(ValueError, match="m = 1"):
        Precoder(1)
    assert Precoder(Modulation(6)).m == 6


# ---------------------------------------------------------------- Modulation


def test_modulation_names_and_group_sizes():
    got = [(m.name, m.bits_per_symbol, m.bits_per_group, m.symbols_per_group) for m in MODULATIONS]
    assert got == [
        ("PAM2", 1, 1, 1),
        ("PAM4", 2, 2, 1),
        ("PAM6", 2.5, 5, 2),
        ("PAM8", 3, 3, 1),
    ]
    assert Modulation.from_name("pam8") == Modulation(8)


def test_modulation_rejects_unknown_values_by_name():
    with pytest.raises(ValueError, match=r"'PAM5'.*PAM2, PAM4, PAM6, PAM8"):
        Modulation.from_name("PAM5")
    with pytest.raises(ValueError, match="levels = 3"):
        Modulation(3)
    with pytest.raises(ValueError, match="rlm"):
        Modulation(4).normalized_levels(rlm=1.2)
    with pytest.raises(ValueError, match="swing_vppd"):
        Modulation(4).levels_v(0.0)
    with pytest.raises(ValueError, match="pair_table"):
        _ = Modulation(6).gray_labels
    with pytest.raises(ValueError, match="PAM4"):
        _ = Modulation(4).pair_table


@pytest.mark.parametrize("mod", MODULATIONS, ids=repr)
def test_levels_are_equally_spaced_symmetric_and_span_the_swing(mod):
    lv = mod.levels_v(0.8)
    assert lv[0] == pytest.approx(-0.4) and lv[-1] == pytest.approx(0.4)
    assert np.allclose(np.diff(lv), 0.8 / (mod.levels - 1))
    assert np.allclose(lv, -lv[::-1])
    assert np.allclose(
        mod.thresholds_v(0.8, 0.9), 0.5 * (mod.levels_v(0.8, 0.9)[1:] + mod.levels_v(0.8, 0.9)[:-1])
    )


@pytest.mark.parametrize("rlm", [1.0, 0.95, 0.8, 0.5])
def test_pam4_level_mismatch_measures_back_as_rlm_by_the_802_3_formula(rlm):
    v0, v1, v2, v3 = Modulation(4).levels_v(0.7, rlm)
    v_mid = (v0 + v3) / 2
    es1 = (v1 - v_mid) / (v0 - v_mid)
    es2 = (v2 - v_mid) / (v3 - v_mid)
    assert min(3 * es1, 3 * es2, 2 - 3 * es1, 2 - 3 * es2) == pytest.approx(rlm)
