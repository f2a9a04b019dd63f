"""Superposition: the direct polyphase kernel and the overlap-save FFT both give the waveform of
zero-stuffed streams convolved with their responses (the numpy twin), for every phase subset,
and chunked streaming with carried history gives exactly the one-shot waveform."""

from __future__ import annotations

import numpy as np
import pytest
import reference

from sigint.config import LinkConfig, RxConfig, SimConfig
from sigint.link import Link
from sigint.superpose import Superposer, response_table

S = 16
NOISE_RATE = 4
# (method, fft_precision, tolerance relative to the waveform's peak)
METHODS = [("direct", "double", 1e-10), ("fft", "double", 1e-10), ("fft", "single", 1e-5)]
PHASE_SETS = [np.arange(S), np.array([S // 2]), np.array([0, 3, 8, 15])]


def _responses(rng):
    """A pulse-like symbol response (rate 1) and a shorter noise response (rate 4)."""
    t = np.arange(23 * S + 5) / S  # not a whole number of UIs
    pulse = np.exp(-((t - 3.0) ** 2)) + 0.2 * np.exp(-t / 4.0) * np.sin(t)
    noise = rng.standard_normal(6 * S + 3) * np.hanning(6 * S + 3)
    return [pulse, noise], [1, NOISE_RATE]


def _streams(rng, sup: Superposer, n_rows: int):
    """Random inputs with the history each stream needs."""
    levels = np.array([-1.0, -1 / 3, 1 / 3, 1.0])
    return [
        levels[rng.integers(0, 4, n_rows + sup.history_length(0))],
        0.1 * rng.standard_normal(n_rows * NOISE_RATE + sup.history_length(1)),
    ]


@pytest.mark.parametrize("phases", PHASE_SETS, ids=lambda p: f"phases{p.tolist()}")
@pytest.mark.parametrize("method", METHODS, ids=repr)
def test_superposer_equals_the_convolution_of_zero_stuffed_streams(method, phases):
    name, precision, tol = method
    rng = np.random.default_rng(7)
    responses, rates = _responses(rng)
    sup = Superposer(responses, rates, S, phases, name, precision)
    assert sup.method == name
    n = 700
    inputs = _streams(rng, sup, n)
    out = sup(inputs, np.empty((n, phases.size)))
    want = reference.superpose_streams(inputs, responses, rates, S, phases, n)
    peak = np.abs(want).max()
    assert np.abs(out - want).max() <= tol * peak


@pytest.mark.parametrize("method", METHODS, ids=repr)
def test_chunked_superposition_with_carried_history_equals_one_shot(method):
    """The engine's streaming: each chunk gets the previous inputs' tail as its history."""
    name, precision, tol = method
    rng = np.random.default_rng(11)
    responses, rates = _responses(rng)
    phases = np.array([2, S // 2, 13])
    sup = Superposer(responses, rates, S, phases, name, precision)
    n_total = 1500
    inputs = _streams(rng, sup, n_total)
    want = reference.superpose_streams(inputs, responses, rates, S, phases, n_total)

    chunked = Superposer(responses, rates, S, phases, name, precision)
    hist = [np.zeros(chunked.history_length(i)) for i in range(2)]
    # the true history: the inputs before row 0
    hist = [x[: h.size] for x, h in zip(inputs, hist, strict=True)]
    fresh = [x[h.size :] for x, h in zip(inputs, hist, strict=True)]
    rows, done = [], 0
    for n in [400, 1, 399, 600, 100]:  # shorter and longer chunks, plan reused and rebuilt
        ext = []
        for i, (x, rate) in enumerate(zip(fresh, rates, strict=True)):
            x_ext = np.concatenate([hist[i], x[done * rate : (done + n) * rate]])
            hist[i] = x_ext[x_ext.size - hist[i].size :]
            ext.append(x_ext)
        rows.append(chunked(ext, np.empty((n, phases.size))).copy())
        done += n
    assert done == n_total
    out = np.concatenate(rows)
    peak = np.abs(want).max()
    assert np.abs(out - want).max() <= tol * peak
    if name == "direct":
        one_shot = sup(inputs, np.empty((n_total, phases.size)))
        np.testing.assert_array_equal(out, one_shot)


@pytest.mark.parametrize("rate", [1, 2, 4, 8])
def test_response_table_holds_the_response_at_polyphase_offsets(rate):
    f = np.arange(1.0, 3 * S + 6)  # 3 UIs and a bit: zero-padded at the end
    table = response_table(f, S, rate)
    step = S // rate
    lead = S - step  # inputs arriving later in the row's UI reach its later phases
    assert table.shape[0] % rate == 0
    for m in range(table.shape[0]):
        for p in range(S):
            i = p + m * step - lead
            assert table[m, p] == (f[i] if 0 <= i < f.size else 0.0)
    assert (table.shape[0] - 1) * step + S - lead >= f.size  # every sample of f is in it


def test_superposer_carries_a_real_links_pulse_and_noise_identically_by_both_methods():
    """The engine's actual responses: a 224G channel pulse and its Rx noise response."""
    cfg = LinkConfig(
        rate="224G",
        rx=RxConfig(noise_density_v2_hz=1e-17),
        sim=SimConfig(samples_per_ui=8, n_symbols=2000, warmup_symbols=0, eye=True),
    )
    link = Link(cfg)
    s, q = 8, cfg.sim.noise_samples_per_ui
    responses = [link.pulse.samples, link.noise.response]
    outs = {}
    for name, precision in [("direct", "double"), ("fft", "double"), ("fft", "single")]:
        sup = Superposer(responses, [1, q], s, np.arange(s), name, precision)
        r = np.random.default_rng(3)
        x = [
            r.choice([-0.5, 0.5], 900 + sup.history_length(0)),
            1e-3 * r.standard_normal(900 * q + sup.history_length(1)),
        ]
        outs[(name, precision)] = sup(x, np.empty((900, s)))
    peak = np.abs(outs[("direct", "double")]).max()
    ref = outs[("direct", "double")]
    assert np.abs(outs[("fft", "double")] - ref).max() <= 1e-10 * peak
    assert np.abs(outs[("fft", "single")] - ref).max() <= 1e-5 * peak


def test_auto_picks_direct_for_the_slicer_phase_and_fft_for_long_eyes():
    short = [np.ones(2 * S)]
    long_ = [np.exp(-np.arange(400 * S) / (50.0 * S))]
    assert Superposer(short, [1], S, [S // 2]).method == "direct"
    assert Superposer(long_, [1], S, np.arange(S)).method == "fft"


def test_superposer_rejects_unknown_method_and_precision():
    with pytest.raises(ValueError, match="method"):
        Superposer([np.ones(S)], [1], S, [0], "fast")
    with pytest.raises(ValueError, match="fft_precision"):
        Superposer([np.ones(S)], [1], S, [0], "fft", "half")
