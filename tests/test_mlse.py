"""MLSE (Viterbi) detection: the kernel against its twins, streaming, and MLSE against the DFE.

Twins in ``tests/reference.py``: exhaustive search over every sequence (the definition of the
maximum-likelihood sequence, short blocks) and a register-exchange Viterbi on Python lists
(longer blocks, truncated traceback, chunked streams).
"""

from __future__ import annotations

import numpy as np
import pytest
import reference

from sigint.kernels.dfe import dfe_slice
from sigint.kernels.mlse import viterbi_detect, viterbi_flush
from sigint.mlse import MLSEDetector
from sigint.modulation import Modulation
from sigint.theory import clopper_pearson, noise_std_normalized


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(2025)


def _levels(m: int) -> np.ndarray:
    return Modulation(m).normalized_levels()


def _state(m: int, memory: int, traceback: int):
    n_states = m**memory
    return (
        np.zeros(n_states),
        np.zeros((traceback, n_states), np.int16),
        np.zeros(1, np.int64),
    )


def _run_kernel(y, levels, channel, traceback, chunks=None):
    """Kernel over ``y`` (optionally split at ``chunks``), then flush: every decision."""
    metrics, survivors, step = _state(len(levels), len(channel) - 1, traceback)
    pieces = np.split(y, chunks) if chunks is not None else [y]
    got = []
    for piece in pieces:
        out = np.full(piece.size, -1, np.int8)
        count = viterbi_detect(piece, levels, channel, metrics, survivors, step, out)
        assert count == max(0, int(step[0]) - traceback) - sum(g.size for g in got)
        assert np.all(out[count:] == -1)  # nothing written past count
        got.append(out[:count].copy())
    tail = np.full(traceback, -1, np.int8)
    n_tail = viterbi_flush(len(levels), metrics, survivors, step, tail)
    return np.concatenate([*got, tail[:n_tail]]), metrics, step


def _received(rng, m, channel, n, sigma):
    """Symbols ``a_0 … a_{n−1}`` and their samples through ``channel`` (with L random symbols
    before the block, so the first samples carry ISI too), plus AWGN of std ``sigma``."""
    levels = _levels(m)
    memory = len(channel) - 1
    a = rng.integers(0, m, n + memory)
    y = np.convolve(levels[a], channel)[memory : memory + n]
    return a[memory:].astype(np.int8), y + sigma * rng.standard_normal(n)


# ---------------------------------------------------------------- against exhaustive search

# (M, channel, n): M^(n + L) sequences each
BRUTE_CASES = [
    (2, (1.0, 0.5), 8),
    (2, (1.0, 0.9, -0.4), 8),
    (2, (1.0, -0.6, 0.4, 0.3), 7),
    (4, (1.0, 0.9), 7),
    (4, (1.0, 0.8, 0.3), 6),
    (6, (1.0, 0.7), 5),
    (8, (1.0, -0.5), 5),
    (4, (1.0, 0.9), 1),
    (4, (1.0, 0.5, 0.2), 2),
]


@pytest.mark.parametrize("case", BRUTE_CASES, ids=repr)
def test_viterbi_finds_the_exhaustive_maximum_likelihood_sequence(case, rng):
    m, channel, n = case
    channel = np.array(channel)
    levels = _levels(m)
    for sigma in (0.2, 0.5):  # moderate and heavy noise: the two answers differ from a slicer
        _, y = _received(rng, m, channel, n, sigma)
        got, _, _ = _run_kernel(y, levels, channel, traceback=n)  # all decided at the flush
        np.testing.assert_array_equal(got, reference.mlse_brute_force(y, levels, channel))


def test_erased_samples_are_skipped_as_in_the_exhaustive_search(rng):
    levels, channel = _levels(4), np.array([1.0, 0.8, 0.3])
    _, y = _received(rng, 4, channel, 6, 0.3)
    y[[1, 4]] = [np.nan, np.inf]
    got, metrics, _ = _run_kernel(y, levels, channel, traceback=6)
    np.testing.assert_array_equal(got, reference.mlse_brute_force(y, levels, channel))
    assert np.all(np.isfinite(metrics))


# ---------------------------------------------------------------- against the Viterbi twin

# (M, channel, traceback, n)
TWIN_CASES = [
    (4, (1.0, 0.9), 16, 0),  # empty stream
    (4, (1.0, 0.9), 16, 1),
    (4, (1.0, 0.9), 16, 15),  # one short of the traceback: nothing out before the flush
    (4, (1.0, 0.9), 16, 16),
    (4, (1.0, 0.9), 16, 17),  # first decision
    (4, (1.0, 0.9), 1, 40),  # shortest traceback
    (4, (1.0, 0.8, 0.3), 6, 300),  # truncated traceback makes early (non-ML) decisions
    (4, (1.0, 0.8, 0.3), 24, 300),
    (2, (1.0, 0.6, -0.3, 0.2), 32, 300),
    (2, (1.0, 0.5, 0.3, 0.2, 0.1), 12, 200),  # L = 4 within 512 states
    (6, (1.0, -0.7), 10, 200),
    (8, (1.0, 0.5, 0.25), 20, 120),  # 64 states
    (4, (1.0, 0.4, 0.3, 0.2), 32, 100),  # 64 states, L = 3
    (8, (1.0, 0.3, 0.2, 0.1), 8, 30),  # 512 states, the largest trellis
]


@pytest.mark.parametrize("case", TWIN_CASES, ids=repr)
def test_viterbi_matches_the_register_exchange_twin(case, rng):
    m, channel, traceback, n = case
    channel = np.array(channel)
    levels = _levels(m)
    _, y = _received(rng, m, channel, n, 0.4)
    metrics, survivors, step = _state(m, len(channel) - 1, traceback)
    out = np.empty(n, np.int8)
    count = viterbi_detect(y, levels, channel, metrics, survivors, step, out)
    want, want_metrics, paths, want_step = reference.viterbi_detect(y, levels, channel, traceback)
    assert count == max(0, n - traceback) == want.size
    np.testing.assert_array_equal(out[:count], want)
    np.testing.assert_array_equal(metrics, want_metrics)  # same operations, same rounding
    assert step[0] == want_step == n
    tail = np.empty(traceback, np.int8)
    n_tail = viterbi_flush(m, metrics, survivors, step, tail)
    np.testing.assert_array_equal(
        tail[:n_tail], reference.viterbi_flush(want_metrics, paths, want_step, traceback)
    )
    assert count + n_tail == n


def test_viterbi_matches_the_twin_with_nan_and_inf_injected(rng):
    levels, channel, traceback = _levels(4), np.array([1.0, 0.9]), 8
    _, y = _received(rng, 4, channel, 120, 0.3)
    y[[0, 7, 8, 50, 119]] = [np.nan, np.inf, -np.inf, np.nan, np.inf]
    got, metrics, _ = _run_kernel(y, levels, channel, traceback)
    want, want_metrics, paths, step = reference.viterbi_detect(y, levels, channel, traceback)
    want = np.concatenate([want, reference.viterbi_flush(want_metrics, paths, step, traceback)])
    np.testing.assert_array_equal(got, want)
    np.testing.assert_array_equal(metrics, want_metrics)
    assert np.all(np.isfinite(metrics))


# ---------------------------------------------------------------- streaming


@pytest.mark.parametrize("traceback", [1, 5, 24])
def test_chunked_stream_equals_one_shot(traceback, rng):
    levels, channel = _levels(4), np.array([1.0, 0.8, 0.3])
    _, y = _received(rng, 4, channel, 1000, 0.35)
    one_shot, metrics_1, _ = _run_kernel(y, levels, channel, traceback)
    # empty chunks, single samples, chunks shorter and longer than the traceback
    cuts = np.sort(np.concatenate([[0, 0, 1, 2, 3, 3, 500, 999], rng.integers(0, 1000, 40)]))
    chunked, metrics_2, _ = _run_kernel(y, levels, channel, traceback, chunks=cuts)
    np.testing.assert_array_equal(chunked, one_shot)
    np.testing.assert_array_equal(metrics_2, metrics_1)


def test_detector_streams_delays_by_the_traceback_and_flushes_the_rest(rng):
    a, y = _received(rng, 4, [1.0, 0.9], 100, 0.0)
    det = MLSEDetector(_levels(4), [1.0, 0.9], traceback=20)
    first = det(y[:15])
    assert first.size == 0 and first.dtype == np.int8  # all still inside the window
    second = det(y[15:])
    assert second.size == 80 and det.n_samples == 100
    tail = det.flush()
    assert tail.size == 20 and det.n_samples == 0  # the flush starts a new stream
    np.testing.assert_array_equal(np.concatenate([first, second, tail]), a)
    again = np.concatenate([det(y), det.flush()])  # the same detector, reused
    np.testing.assert_array_equal(again, a)
    assert det.flush().size == 0


def test_default_traceback_is_eight_per_memory_plus_eight():
    det = MLSEDetector(_levels(4), [1.0, 0.8, 0.3])
    assert (det.traceback, det.memory, det.n_states) == (24, 2, 16)


# ---------------------------------------------------------------- physics


def _random_channel(rng, memory):
    return np.concatenate([[1.0], rng.uniform(-0.8, 0.8, memory)])


CHANNEL_ZOO = [
    (2, (1.0, 1.0)),  # duobinary-like, post-cursor as large as the cursor
    (4, (1.0, 0.9)),
    (4, (1.0, 1.3)),  # post-cursor larger than the cursor: no slicer could
    (4, (1.0, 0.8, 0.3)),
    (4, (1.0, -0.5, 0.4, -0.3)),
    (6, (1.0, 0.6)),
    (8, (1.0, 0.5, 0.3)),
    (8, (0.7, 0.4, 0.2, 0.1)),  # main cursor below 1
    *[(m, "random", memory) for m in (2, 4, 8) for memory in (1, 2, 3)],
]


@pytest.mark.parametrize("case", CHANNEL_ZOO, ids=repr)
def test_noiseless_samples_are_detected_exactly_through_any_channel(case, rng):
    m = case[0]
    channel = _random_channel(rng, case[2]) if case[1] == "random" else np.array(case[1])
    a, y = _received(rng, m, channel, 3000, 0.0)
    det = MLSEDetector(_levels(m), channel)
    np.testing.assert_array_equal(np.concatenate([det(y), det.flush()]), a)


def _ser_interval(errors: int, n: int) -> tuple[float, float, float]:
    lo, hi = clopper_pearson(errors, n)
    return errors / n, lo, hi


@pytest.mark.parametrize(
    ("channel", "snr_db"),
    [((1.0, 0.9), 16.0), ((1.0, 0.8, 0.3), 16.0)],
    ids=["h=[1,0.9]", "h=[1,0.8,0.3]"],
)
def test_mlse_has_a_significantly_lower_ser_than_a_zero_forcing_dfe(channel, snr_db, rng):
    # Same samples, same noise for both detectors. SNR = mean symbol power / noise power at
    # the levels in [-1, 1] (sigint.theory); the ZF DFE cancels the post-cursors exactly but
    # detects on the main cursor alone and propagates its errors, while MLSE uses the energy
    # of the whole response: its minimum distance is ||h|| times the level spacing (+2.6 dB at
    # h = [1, 0.9]).
    n = 200_000
    channel = np.array(channel)
    memory = channel.size - 1
    levels = _levels(4)
    thresholds = 0.5 * (levels[1:] + levels[:-1])
    a_all = rng.integers(0, 4, n + memory)
    x = levels[a_all]
    y = np.convolve(x, channel)[memory : memory + n]
    y += noise_std_normalized(4, snr_db) * rng.standard_normal(n)
    sent = a_all[memory:]

    dfe = np.empty(n, np.int8)
    history = x[memory - 1 :: -1][:memory].copy()  # the true levels before the block
    dfe_slice(y, thresholds, levels, channel[1:].copy(), history, 0.0, 0, dfe, np.empty(n))
    det = MLSEDetector(levels, channel)
    mlse = np.concatenate([det(y), det.flush()])

    ser_dfe, dfe_lo, _ = _ser_interval(int(np.count_nonzero(dfe != sent)), n)
    ser_mlse, _, mlse_hi = _ser_interval(int(np.count_nonzero(mlse != sent)), n)
    assert 3e-3 < ser_dfe < 3e-2  # the operating point the comparison is meant for
    # MLSE errors come in short bursts, so the binomial interval is optimistic; the margin
    # between the two (SER ratio 5-15 here) dwarfs that
    assert mlse_hi < dfe_lo, (ser_mlse, ser_dfe)


# ---------------------------------------------------------------- validation


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"levels": [1.0]}, "levels = "),
        ({"levels": np.linspace(-1, 1, 9)}, "2 to 8"),
        ({"levels": [1.0, -1.0]}, "ascending"),
        ({"levels": [-1.0, np.nan]}, "ascending"),
        ({"channel": [1.0]}, "at least one post-cursor"),
        ({"channel": [[1.0, 0.5]]}, "channel = "),
        ({"channel": [0.0, 0.5]}, "h0 != 0"),
        ({"channel": [1.0, np.inf]}, "finite"),
        ({"levels": np.linspace(-1, 1, 8), "channel": [1.0, 0.1, 0.1, 0.1]}, None),
        ({"levels": np.linspace(-1, 1, 8), "channel": [1.0, 0.1, 0.1, 0.1, 0.1]}, "4096 trellis"),
        ({"traceback": 0}, "traceback = 0"),
        ({"traceback": 2.5}, "traceback = 2.5"),
        ({"traceback": True}, "traceback = True"),
    ],
    ids=repr,
)
def test_invalid_detector_settings_are_refused_naming_the_value(kwargs, match):
    args = {"levels": _levels(4), "channel": [1.0, 0.5], "traceback": 8} | kwargs
    if match is None:  # the largest trellis, 8^3 = 512 states, is accepted
        assert MLSEDetector(**args).n_states == 512
        return
    with pytest.raises(ValueError, match=match):
        MLSEDetector(**args)


def test_two_dimensional_chunk_is_refused():
    det = MLSEDetector(_levels(4), [1.0, 0.5])
    with pytest.raises(ValueError, match=r"shape \(2, 3\)"):
        det(np.zeros((2, 3)))
