"""Slow, obvious numpy twins of the kernels: the definitions the fast code is tested against.

Each twin returns what its kernel writes into ``out`` (and the new state where it has one).
"""

from __future__ import annotations

import numpy as np


def generate_prbs(state: int, order: int, taps_mask: int, n: int) -> tuple[np.ndarray, int]:
    """Twin of ``kernels.prbs.generate_prbs``: the recurrence on a list of past bits."""
    # history[j] = bit j + 1 steps back
    history = [(state >> j) & 1 for j in range(order)]
    taps = [j for j in range(order) if (taps_mask >> j) & 1]
    out = np.zeros(n, dtype=np.uint8)
    for k in range(n):
        bit = 0
        for j in taps:
            bit ^= history[j]
        out[k] = bit
        history = [bit, *history[:-1]]
    new_state = sum(b << j for j, b in enumerate(history))
    return out, new_state


def _gray_to_index(g: np.ndarray, k: int) -> np.ndarray:
    idx = np.zeros_like(g)
    for i in range(2**k):
        idx[g == (i ^ (i >> 1))] = i
    return idx


def map_gray(bits: np.ndarray, bits_per_symbol: int) -> np.ndarray:
    """Twin of ``kernels.pam.map_gray``: group, weight MSB first, invert the Gray table."""
    k = bits_per_symbol
    groups = bits.reshape(-1, k).astype(np.int64)
    g = groups @ (1 << np.arange(k - 1, -1, -1))
    return _gray_to_index(g, k).astype(np.int8)


def demap_gray(symbols: np.ndarray, bits_per_symbol: int) -> np.ndarray:
    """Twin of ``kernels.pam.demap_gray``."""
    k = bits_per_symbol
    s = symbols.astype(np.int64)
    g = s ^ (s >> 1)
    bits = (g[:, None] >> np.arange(k - 1, -1, -1)) & 1
    return bits.reshape(-1).astype(np.uint8)


def map_pairs(bits: np.ndarray, table: np.ndarray) -> np.ndarray:
    """Twin of ``kernels.pam.map_pairs``."""
    labels = bits.reshape(-1, 5).astype(np.int64) @ (1 << np.arange(4, -1, -1))
    return table[labels].reshape(-1).astype(np.int8)


def demap_pairs(symbols: np.ndarray, inverse_table: np.ndarray) -> np.ndarray:
    """Twin of ``kernels.pam.demap_pairs``."""
    pairs = symbols.reshape(-1, 2).astype(np.int64)
    labels = inverse_table[pairs[:, 0], pairs[:, 1]].astype(np.int64)
    bits = (labels[:, None] >> np.arange(4, -1, -1)) & 1
    return bits.reshape(-1).astype(np.uint8)


def precode(symbols: np.ndarray, m: int, state: int) -> tuple[np.ndarray, int]:
    """Twin of ``kernels.pam.precode``: the recurrence, one symbol at a time."""
    out = np.zeros(symbols.size, dtype=np.int8)
    prev = int(state)
    for k, s in enumerate(symbols.tolist()):
        prev = (s - prev) % m
        out[k] = prev
    return out, prev


def decode_precoded(symbols: np.ndarray, m: int, state: int) -> tuple[np.ndarray, int]:
    """Twin of ``kernels.pam.decode_precoded``: vectorised ``(r + roll(r)) mod m``."""
    r = symbols.astype(np.int64)
    previous = np.concatenate(([state], r[:-1])) if r.size else r
    new_state = int(r[-1]) if r.size else int(state)
    return ((r + previous) % m).astype(np.int8), new_state


def levels_from_indices(symbols: np.ndarray, level_table: np.ndarray) -> np.ndarray:
    """Twin of ``kernels.pam.levels_from_indices``."""
    return level_table[symbols.astype(np.int64)].astype(np.float64)


def slice_levels(y: np.ndarray, thresholds: np.ndarray) -> np.ndarray:
    """Twin of ``kernels.slicer.slice_levels``: count of thresholds strictly below each sample."""
    return (y[:, None] > thresholds[None, :]).sum(axis=1).astype(np.int8)


def superpose_pulses(x: np.ndarray, table: np.ndarray, rate: int, n_rows: int) -> np.ndarray:
    """Twin of ``kernels.superpose.superpose_pulses``: the defining sum, one term at a time.

    Row k ends at input ``(k + span)·rate − 1`` (``span = n_taps // rate``); input m samples
    before that end weighs ``table[m]``.
    """
    n_taps, n_phases = table.shape
    span = n_taps // rate
    out = np.zeros((n_rows, n_phases))
    for k in range(n_rows):
        last = (k + span) * rate - 1
        for m in range(n_taps):
            out[k] += x[last - m] * table[m]
    return out


def superpose_streams(inputs, responses, rates, samples_per_ui: int, phases, n_rows: int):
    """Twin of ``superpose.Superposer``: zero-stuff each stream, convolve, sample the rows.

    Input j of a stream at ``rate`` per UI is an impulse at sample ``j·S/rate`` of the
    S-per-UI grid; the waveform is the sum of every stream's impulses convolved with its
    response. Each stream carries ``len(x) − n_rows·rate`` values of history; row k is UI
    ``k + span − 1`` of the input (span = history/rate + 1):
    ``out[k, p] = y[(k + span − 1)·S + p]``.
    """
    s = samples_per_ui
    out = np.zeros((n_rows, len(phases)))
    for x, f, rate in zip(inputs, responses, rates, strict=True):
        step = s // rate
        span = (len(x) - n_rows * rate) // rate + 1
        up = np.zeros(len(x) * step)
        up[::step] = x
        y = np.convolve(up, np.asarray(f, float))
        for k in range(n_rows):
            for i, p in enumerate(phases):
                out[k, i] += y[(k + span - 1) * s + p]
    return out


def dfe_slice(y, thresholds, levels, taps, history, step: float, n_adapt: int):
    """Twin of ``kernels.dfe.dfe_slice``: decision feedback and LMS on Python lists.

    Returns ``(decisions, feedback, taps, history)``, the last two as updated.
    """
    taps = [float(t) for t in taps]
    history = [float(h) for h in history]
    decisions = np.zeros(len(y), np.int8)
    feedback = np.zeros(len(y))
    for k, yk in enumerate(np.asarray(y, float).tolist()):
        fb = 0.0
        for t, h in zip(taps, history, strict=True):
            fb += t * h
        z = yk - fb
        d = sum(1 for t in thresholds if z > t)
        decisions[k] = d
        feedback[k] = fb
        a = float(levels[d])
        if k < n_adapt:
            e = z - a
            taps = [t + step * e * h for t, h in zip(taps, history, strict=True)]
        if history:
            history = [a, *history[:-1]]
    return decisions, feedback, np.array(taps), np.array(history)


def accumulate_eye(rows, offset, level_index, v_min: float, v_max: float, hist):
    """Twin of ``kernels.eye.accumulate_eye``: floor into bins, clip to the edges, add.

    Returns the new histogram (``hist`` is not modified). NaN samples count in bin 0.
    """
    hist = hist.copy()
    n_bins = hist.shape[2]
    width = (v_max - v_min) / n_bins
    for k in range(rows.shape[0]):
        for p in range(rows.shape[1]):
            v = rows[k, p] - offset[k]
            if np.isnan(v) or v < v_min:
                b = 0
            elif v >= v_max:
                b = n_bins - 1
            else:
                b = min(int(np.floor((v - v_min) / width)), n_bins - 1)
            hist[level_index[k], p, b] += 1
    return hist


def accumulate_tiled_product(x_f: np.ndarray, f: np.ndarray, out: np.ndarray) -> np.ndarray:
    """Twin of ``kernels.spectrum.accumulate_tiled_product``: tile ``x_f`` explicitly."""
    if out.size == 0:
        return out.copy()
    reps = -(-out.size // x_f.size)
    return out + np.tile(x_f, reps)[: out.size] * f


def equalize_slice(
    x,
    ffe,
    n_pre,
    dfe,
    history,
    thresholds,
    levels,
    mu_ffe,
    mu_dfe,
    n_adapt,
    ss_ffe,
    ss_dfe,
    trace_every,
    count0,
):
    """Twin of ``kernels.equalize.equalize_slice`` on Python lists.

    Returns ``(decisions, z, feedback, ffe, dfe, history, trace)``.
    """
    x = np.asarray(x, float).tolist()
    ffe = [float(w) for w in ffe]
    dfe = [float(b) for b in dfe]
    history = [float(h) for h in history]
    n_ffe = len(ffe)
    n = len(x) - n_ffe + 1
    decisions, zs, fbs, trace = np.zeros(n, np.int8), np.zeros(n), np.zeros(n), []
    for k in range(n):
        window = [x[k + n_ffe - 1 - i] for i in range(n_ffe)]
        z = sum(w * v for w, v in zip(ffe, window, strict=True))
        fb = sum(b * h for b, h in zip(dfe, history, strict=True))
        z -= fb
        d = sum(1 for t in thresholds if z > t)
        a = float(levels[d])
        decisions[k], zs[k], fbs[k] = d, z, fb
        if k < n_adapt:
            e = z - a
            sgn = float(np.sign(e))
            if mu_ffe:
                ffe = [
                    w - mu_ffe * (sgn * float(np.sign(v)) if ss_ffe else e * v)
                    for w, v in zip(ffe, window, strict=True)
                ]
            if mu_dfe:
                dfe = [
                    b + mu_dfe * (sgn * float(np.sign(h)) if ss_dfe else e * h)
                    for b, h in zip(dfe, history, strict=True)
                ]
        if history:
            history = [a, *history[:-1]]
        if trace_every and (count0 + k) % trace_every == 0:
            trace.append(ffe + dfe)
    return decisions, zs, fbs, np.array(ffe), np.array(dfe), np.array(history), np.array(trace)


def filter_rows(rows, taps):
    """Twin of ``kernels.equalize.filter_rows``: a T-spaced FIR down the rows."""
    rows = np.asarray(rows, float)
    n_taps = len(taps)
    n_out = rows.shape[0] - n_taps + 1
    return np.array(
        [sum(taps[i] * rows[k + n_taps - 1 - i] for i in range(n_taps)) for k in range(n_out)]
    ).reshape(n_out, rows.shape[1])
