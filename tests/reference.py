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


def equalize_ctle_slice(
    x0,
    x_gain,
    x_hist,
    ctle,
    mu_ctle,
    ss_ctle,
    ctle_from,
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
):
    """Twin of ``kernels.equalize.equalize_ctle_slice``: one :func:`equalize_slice` step per
    sample on the CTLE output ``x0 + (g − g_ref)·x_gain`` formed with each sample's gain.

    Returns ``(decisions, z, g_trajectory, ffe, dfe)``.
    """
    g, g_ref, g_min, g_max = (float(v) for v in ctle)
    n_ffe = len(ffe)
    x = list(np.asarray(x_hist, float))
    n = len(x0) - n_ffe + 1
    decisions, zs, gs = np.zeros(n, np.int8), np.zeros(n), np.zeros(n)
    for k in range(n):
        newest = k + n_ffe - 1
        x.append(x0[newest] + (g - g_ref) * x_gain[newest])
        adapt_gain = ctle_from <= k < n_adapt
        grad = sum(ffe[i] * x_gain[newest - i] for i in range(n_ffe))
        d, z, _, ffe, dfe, history, _ = equalize_slice(
            x[k : k + n_ffe], ffe, n_pre, dfe, history, thresholds, levels,
            mu_ffe, mu_dfe, int(k < n_adapt), ss_ffe, ss_dfe, 0, 0,
        )  # fmt: skip
        if adapt_gain:
            e = z[0] - levels[d[0]]
            step = np.sign(e) * np.sign(grad) if ss_ctle else e * grad
            g = min(max(g - mu_ctle * step, g_min), g_max)
        decisions[k], zs[k], gs[k] = d[0], z[0], g
    return decisions, zs, gs, ffe, dfe


def filter_rows(rows, taps):
    """Twin of ``kernels.equalize.filter_rows``: a T-spaced FIR down the rows."""
    rows = np.asarray(rows, float)
    n_taps = len(taps)
    n_out = rows.shape[0] - n_taps + 1
    return np.array(
        [sum(taps[i] * rows[k + n_taps - 1 - i] for i in range(n_taps)) for k in range(n_out)]
    ).reshape(n_out, rows.shape[1])


def viterbi_detect(y, levels, channel, traceback: int, metrics=None, paths=None, step: int = 0):
    """Twin of ``kernels.mlse.viterbi_detect``: register-exchange Viterbi on Python lists.

    Each state (index ``Σ a_{t−i}·M^i``, newest symbol first) keeps its survivor path, the last
    ``traceback + 1`` symbols; the decision for sample ``t − D`` is the oldest symbol of the best
    state's path. Ties go to the lower index, non-finite samples add no metric, and the metrics
    are renormalised to a best of 0 after each sample, in the kernel's order of operations.

    Returns ``(decisions, metrics, paths, step)``; pass the last three back to continue a stream.
    """
    m, memory = len(levels), len(channel) - 1
    n_states = m**memory
    x = [float(v) for v in levels]
    h = [float(v) for v in channel]

    def digits(s):  # symbols a_t, a_{t−1}, …, a_{t−L+1} of state s
        return [(s // m**i) % m for i in range(memory)]

    def index(ds):
        return sum(d * m**i for i, d in enumerate(ds))

    metrics = [0.0] * n_states if metrics is None else list(metrics)
    paths = [[] for _ in range(n_states)] if paths is None else [list(p) for p in paths]
    decisions = []
    for yk in np.asarray(y, float).tolist():
        weight = 1.0
        if not np.isfinite(yk):
            yk, weight = 0.0, 0.0
        fresh, fresh_paths = [], []
        for s in range(n_states):
            newest, *rest = digits(s)
            best_c, best_p = None, None
            for o in range(m):
                p = index([*rest, o])  # drop the oldest, o
                expect = h[0] * x[newest]
                for i, a in enumerate(digits(p), start=1):
                    expect += h[i] * x[a]
                d = yk - expect
                c = metrics[p] + weight * d * d
                if best_c is None or c < best_c:
                    best_c, best_p = c, p
            fresh.append(best_c)
            fresh_paths.append([*paths[best_p], newest][-(traceback + 1) :])
        best = min(fresh)
        best_state = fresh.index(best)
        metrics = [c - best for c in fresh]
        paths = fresh_paths
        step += 1
        if step > traceback:
            decisions.append(paths[best_state][0])
    return np.array(decisions, np.int8), np.array(metrics), paths, step


def viterbi_flush(metrics, paths, step: int, traceback: int) -> np.ndarray:
    """Twin of ``kernels.mlse.viterbi_flush``: the best state's last ``min(step, D)`` symbols."""
    count = min(step, traceback)
    best = int(np.argmin(metrics))
    return np.array(paths[best][len(paths[best]) - count :], np.int8)


def mlse_brute_force(y, levels, channel) -> np.ndarray:
    """Maximum-likelihood sequence by exhaustive search: the definition Viterbi must reproduce.

    Tries every ``a_{−L} … a_{n−1}`` (the L symbols before the block are free, as in a fresh
    Viterbi stream) and returns the ``a_0 … a_{n−1}`` minimising ``Σ_k (y_k − Σ_i h_i
    x[a_{k−i}])²`` over the finite samples. ``M^(n+L)`` sequences: keep ``n + L`` small.
    """
    y = np.asarray(y, float)
    levels = np.asarray(levels, float)
    h = np.asarray(channel, float)
    m, memory, n = levels.size, h.size - 1, y.size
    grids = np.meshgrid(*([np.arange(m)] * (n + memory)), indexing="ij")
    seqs = np.stack([g.ravel() for g in grids], axis=1)  # [M^(n+L), n + L]
    x = levels[seqs]
    ok = np.isfinite(y)
    cost = np.zeros(seqs.shape[0])
    for k in range(n):
        if ok[k]:
            y_hat = sum(h[i] * x[:, memory + k - i] for i in range(memory + 1))
            cost += (y[k] - y_hat) ** 2
    return seqs[int(np.argmin(cost)), memory:].astype(np.int8)


def quantize(x, bits: int, full_scale: float) -> tuple[np.ndarray, int]:
    """Twin of ``kernels.adc.quantize``: vectorised floor, clip the code, count ``|x| > FS``."""
    x = np.asarray(x, float)
    half = 2.0 ** (bits - 1)
    delta = full_scale / half
    code = np.clip(np.floor(x / delta), -half, half - 1.0)
    with np.errstate(invalid="ignore"):
        clips = int(np.count_nonzero(np.abs(x) > full_scale))
    return (code + 0.5) * delta, clips


# ------------------------------------------------------------------ clock recovery (kernels.cdr)
def cdr_sample_at(rows_flat, s, k, phi):
    """Twin of ``kernels.cdr.sample_at``: ``np.interp`` on the sample grid."""
    x = k * s + 0.5 * s + phi * s
    return float(np.interp(x, np.arange(len(rows_flat)), rows_flat))


def cdr_sample_rows_at(rows, row0, sym_rows, phases, ffe, n_pre) -> np.ndarray:
    """Twin of ``kernels.cdr.sample_rows_at``: each phase of each decision read by ``np.interp``
    (clamped to the waveform's ends) from every FFE tap's row, weighted and summed."""
    s = rows.shape[1]
    flat = rows.ravel()
    grid = np.arange(flat.size)
    out = np.zeros((len(sym_rows), s))
    for k, (row, phase) in enumerate(zip(sym_rows, phases, strict=True)):
        for p in range(s):
            for i, w in enumerate(ffe):
                r = row + n_pre - i - row0
                x = r * s + 0.5 * s + (phase + (p - s // 2) / s) * s
                out[k, p] += w * np.interp(min(max(x, 0.0), flat.size - 2.0), grid, flat)
    return out


def cdr_pd_mueller_muller(y_k, y_km1, a_k, a_km1):
    """Twin of ``kernels.cdr.pd_mueller_muller``."""
    return y_k * a_km1 - y_km1 * a_k


def cdr_pd_bang_bang(a_km1, a_k, edge):
    """Twin of ``kernels.cdr.pd_bang_bang``: symmetric transitions only, vote by the edge."""
    if a_k == a_km1 or not np.isclose(a_k, -a_km1, rtol=0, atol=1e-9 * abs(a_k - a_km1)):
        return 0
    if edge == 0:
        return 0
    crossed = np.sign(edge) == np.sign(a_k)
    return -1 if crossed else 1


def cdr_loop_update(state, err, kp, ki, pi_steps):
    """Twin of ``kernels.cdr.loop_update``; returns ``(new_state, applied)``."""
    p, i, _ = (float(v) for v in state)
    i = i + ki * err
    p = p + (kp * err + i)
    applied = np.floor(p * pi_steps + 0.5) / pi_steps if pi_steps > 0 else p
    return [p, i, applied], applied


def cdr_recover_clock(rows, thresholds, levels, cfg, n_max):
    """Twin of ``kernels.cdr.recover_clock`` on one array of rows from global row 0.

    ``cfg``: dict with detector (0/1), kp, ki, pi_steps, eps0, dev, nu, window, n_lock,
    drift_thr, rms_thr, phase0. Returns ``(decisions, rows, phase, locked, slips, stats)``,
    ``stats`` the per-window list of (drift, rms, mean freq error).
    """
    rows = np.asarray(rows, float)
    s = rows.shape[1]
    flat = rows.ravel()
    p, integ = cfg["phase0"], 0.0
    applied = p
    theta, m, slips = 0.0, 0, 0
    y_prev = a_prev = 0.0
    win_u, win_f, win_slip = [], [], 0
    prev_mean, good, bad, locked = None, 0, 0, 0
    out = ([], [], [], [])
    stats = []
    for n in range(n_max):
        u = theta + applied
        phi, dm = u - m, 0
        while phi > 0.5:
            phi, dm = phi - 1, dm + 1
        while phi <= -0.5:
            phi, dm = phi + 1, dm - 1
        r = n + m + dm
        x = r * s + s / 2 + phi * s
        if x - (s / 2 if cfg["detector"] else 0) < 0 or x > flat.size - 1:
            break
        y = cdr_sample_at(flat, s, r, phi)
        d = sum(1 for t in thresholds if y > t)
        a = float(levels[d])
        e = 0.0
        if n > 0:
            if cfg["detector"]:
                e = float(cdr_pd_bang_bang(a_prev, a, cdr_sample_at(flat, s, r, phi - 0.5)))
            else:
                e = cdr_pd_mueller_muller(y, y_prev, a, a_prev)
        for lst, v in zip(out, (d, r, phi, 0), strict=True):
            lst.append(v)
        (p, integ, applied), _ = cdr_loop_update(
            [p, integ, applied], e, cfg["kp"], cfg["ki"], cfg["pi_steps"]
        )
        eps = cfg["eps0"]
        if cfg["dev"]:
            frac = cfg["nu"] * n - np.floor(cfg["nu"] * n)
            eps = cfg["eps0"] - cfg["dev"] * (1 - abs(1 - 2 * frac))
        theta += eps
        m += dm
        slips += abs(dm)
        # lock detector
        win_u.append(u)
        win_f.append(eps + integ)
        if dm:
            win_slip += 1
            good, locked = 0, 0
        if len(win_u) == cfg["window"]:
            w = np.array(win_u)
            mean, rms = w.mean(), w.std()
            drift = np.nan if prev_mean is None else (mean - prev_mean) / len(w)
            ok = win_slip == 0 and abs(drift) < cfg["drift_thr"] and rms < cfg["rms_thr"]
            good = good + 1 if ok else 0
            bad = 0 if abs(drift) <= cfg["drift_thr"] else bad + 1
            if locked and bad >= cfg["n_lock"]:
                locked = 0
            elif not locked and good >= cfg["n_lock"]:
                locked = 1
            stats.append((drift, rms, float(np.mean(win_f))))
            prev_mean, win_u, win_f, win_slip = mean, [], [], 0
        out[3][-1] = locked
        y_prev, a_prev = y, a
    d, r, ph, lk = (np.array(v) for v in out)
    return d.astype(np.int8), r.astype(np.int64), ph, lk.astype(np.int8), slips, stats


def convolve_cursors(shifts, probs, pmf):
    """Twin of ``kernels.stateye.convolve_cursors``: split each shifted copy between the two
    neighbouring bins, one cursor after another. Returns ``(pmf, blur_bins2)``."""
    pmf = np.asarray(pmf, float).copy()
    n = pmf.size
    blur = 0.0
    for row_s, row_p in zip(shifts, probs, strict=True):
        out = np.zeros(n)
        for s, p in zip(row_s, row_p, strict=True):
            if p == 0:
                continue
            i0 = int(np.floor(s))
            frac = s - i0
            blur += p * frac * (1 - frac)
            idx = np.arange(n) + i0
            np.add.at(out, np.clip(idx, 0, n - 1), p * (1 - frac) * pmf)
            np.add.at(out, np.clip(idx + 1, 0, n - 1), p * frac * pmf)
        pmf = out
    return pmf, blur


# ------------------------------------------------------ 178A MMSE receiver (kernels.mmse)
def convolution_matrix(h, n_w: int) -> np.ndarray:
    """H[n, i] = h[n − i]: the full convolution matrix of n_w taps (n_h + n_w − 1 rows)."""
    big = np.zeros((h.size + n_w - 1, n_w))
    for i in range(n_w):
        big[i : i + h.size, i] = h
    return big


def solve_mmse(
    h, cursor, noise_acf, w_min, w_max, b_min, b_max, n_pre, n_fixed, n_groups, n_float, var_x,
    rlm=0.95, levels=4,
):  # fmt: skip
    """Twin of ``kernels.mmse.solve_mmse`` for one sampling time, from the victim's T-spaced
    samples ``h`` (cursor at index ``cursor``): the reference procedure (PyChOpMarg 3.4.0
    ``optimize.mmse``, MATLAB ``MMSE``), slow and literal.

    It forms the full convolution matrix H and R = HᵀH + R_nn/σ_X², solves the bordered system
    [R −Hbᵀ −h0; −Hb I 0; h0ᵀ 0 0][w; b; λ] = [h0; 0; 1], clips the DFE to [b_min, b_max] and
    re-solves w with b held there, clips the FFE relative to its cursor tap, renormalises it to
    h0ᵀw = 1 and recomputes b; it places each floating group by solving every free start that
    way and taking the best FOM (the earliest of equal ones). The other arguments are the
    kernel's. Returns ``(fom_db, w, b)``: the FOM 20·log10(R_LM/((L − 1)·√MSE)), the taps at
    every position (zeros at the floating ones not used) and the DFE.
    """
    w_min, w_max = np.asarray(w_min, float), np.asarray(w_max, float)
    nw, nb, dw = w_min.size, len(b_min), n_pre
    big = convolution_matrix(h, nw)
    rn = np.asarray(noise_acf)[:nw]
    r_all = big.T @ big + rn[np.abs(np.arange(nw)[:, None] - np.arange(nw))] / var_x
    d = cursor + dw

    def solve(cols):
        rr = r_all[np.ix_(cols, cols)]
        h0, hb = big[d, cols], big[d + 1 : d + 1 + nb][:, cols]
        n = len(cols)
        a = np.zeros((n + nb + 1, n + nb + 1))
        a[:n, :n], a[:n, n : n + nb], a[:n, -1] = rr, -hb.T, -h0
        a[n : n + nb, :n], a[n : n + nb, n : n + nb] = -hb, np.eye(nb)
        a[-1, :n] = h0
        x = np.linalg.solve(a, np.concatenate([h0, np.zeros(nb), [1.0]]))
        w, b = x[:n], x[n : n + nb]
        b_lim = np.clip(b, b_min, b_max)
        if not np.array_equal(b_lim, b):
            aa = np.zeros((n + 1, n + 1))
            aa[:n, :n], aa[:n, -1], aa[-1, :n] = rr, -h0, h0
            w = np.linalg.solve(aa, np.concatenate([h0 + hb.T @ b_lim, [1.0]]))[:n]
        wc = w[dw]
        w_lim = np.minimum(w_max[cols] * wc, np.maximum(w_min[cols] * wc, w))
        w_lim[dw] = wc
        if not np.array_equal(w_lim, w):
            w_lim = w_lim / (h0 @ w_lim)
            b_lim = np.clip(hb @ w_lim, b_min, b_max)
        mse = var_x * (w_lim @ rr @ w_lim + 1 + b_lim @ b_lim - 2 * w_lim @ h0
                       - 2 * w_lim @ hb.T @ b_lim)  # fmt: skip
        return 20 * np.log10(rlm / (levels - 1) / np.sqrt(mse)), w_lim, b_lim

    chosen: list[int] = []
    k = n_float
    for _ in range(n_groups):
        starts = [s for s in range(n_fixed, nw - k + 1) if not set(range(s, s + k)) & set(chosen)]
        foms = [
            solve(list(range(n_fixed)) + sorted([*chosen, *range(s, s + k)]))[0] for s in starts
        ]
        chosen += list(range(starts[int(np.argmax(foms))], starts[int(np.argmax(foms))] + k))
    cols = list(range(n_fixed)) + sorted(chosen)
    fom, w_s, b = solve(cols)
    w = np.zeros(nw)
    w[cols] = w_s
    return fom, w, b


# ------------------------------------------------------------------ Reed–Solomon FEC (kernels.fec)
def gf_mul(a: int, b: int, symbol_bits: int, primitive_poly: int) -> int:
    """Product in GF(2^m) by carry-less (shift-and-xor) multiplication, then reduction."""
    prod = 0
    for i in range(symbol_bits):
        if (b >> i) & 1:
            prod ^= a << i
    for i in range(2 * symbol_bits - 2, symbol_bits - 1, -1):
        if (prod >> i) & 1:
            prod ^= primitive_poly << (i - symbol_bits)
    return prod


def gf_pow(a: int, e: int, symbol_bits: int, primitive_poly: int) -> int:
    """a^e by square-and-multiply, the exponent taken mod 2^m − 1 (a ≠ 0, or e > 0)."""
    out, e = 1, e % ((1 << symbol_bits) - 1)
    while e:
        if e & 1:
            out = gf_mul(out, a, symbol_bits, primitive_poly)
        a = gf_mul(a, a, symbol_bits, primitive_poly)
        e >>= 1
    return out


def gf_inv(a: int, symbol_bits: int, primitive_poly: int) -> int:
    """1/a as a^(2^m − 2)."""
    return gf_pow(a, (1 << symbol_bits) - 2, symbol_bits, primitive_poly)


def build_gf_tables(symbol_bits: int, primitive_poly: int) -> tuple[np.ndarray, np.ndarray, bool]:
    """Twin of ``kernels.fec.build_gf_tables``: powers of x by repeated multiplication."""
    q1 = (1 << symbol_bits) - 1
    powers = [gf_pow(2, i, symbol_bits, primitive_poly) for i in range(q1)]
    primitive = len(set(powers)) == q1
    exp = np.array(powers + powers, dtype=np.int32)
    log = np.zeros(q1 + 1, dtype=np.int32)
    for i, a in enumerate(powers):
        if a != 1 or i == 0:
            log[a] = i
    return exp, log, primitive


def rs_generator(n_parity: int, symbol_bits: int, primitive_poly: int) -> list[int]:
    """Twin of ``kernels.fec.build_generator``: the product of (x − α^j), lowest degree first."""
    g = [1]
    for j in range(n_parity):
        root = gf_pow(2, j, symbol_bits, primitive_poly)
        shifted = [0, *g]  # x·g
        scaled = [gf_mul(c, root, symbol_bits, primitive_poly) for c in g] + [0]
        g = [a ^ b for a, b in zip(shifted, scaled, strict=True)]
    return g


def encode_rs(messages, n_parity: int, symbol_bits: int, primitive_poly: int) -> np.ndarray:
    """Twin of ``kernels.fec.encode_rs``: m(x)·x^(2t) mod g(x) by schoolbook long division."""
    g = rs_generator(n_parity, symbol_bits, primitive_poly)[::-1]  # highest degree first
    out = []
    for msg in np.asarray(messages):
        rem = [int(v) for v in msg] + [0] * n_parity  # highest degree first
        for i in range(len(msg)):
            coef = rem[i]
            if coef:
                for j, gj in enumerate(g):
                    rem[i + j] ^= gf_mul(gj, coef, symbol_bits, primitive_poly)
        out.append([int(v) for v in msg] + rem[len(msg) :])
    return np.array(out, dtype=np.uint16).reshape(len(out), -1)


def rs_syndromes(word, n_parity: int, symbol_bits: int, primitive_poly: int) -> list[int]:
    """Twin of ``kernels.fec.compute_syndromes`` for one word: Horner evaluation at α^j."""
    out = []
    for j in range(n_parity):
        x = gf_pow(2, j, symbol_bits, primitive_poly)
        s = 0
        for v in word:
            s = gf_mul(s, x, symbol_bits, primitive_poly) ^ int(v)
        out.append(s)
    return out


def _gf_solve(a: list[list[int]], b: list[int], symbol_bits: int, poly: int) -> list[int] | None:
    """Solve a·x = b over GF(2^m) by Gauss–Jordan elimination; None if a is singular."""
    n = len(b)
    rows = [[*a[i], b[i]] for i in range(n)]
    for col in range(n):
        pivot = next((r for r in range(col, n) if rows[r][col]), None)
        if pivot is None:
            return None
        rows[col], rows[pivot] = rows[pivot], rows[col]
        inv = gf_inv(rows[col][col], symbol_bits, poly)
        rows[col] = [gf_mul(v, inv, symbol_bits, poly) for v in rows[col]]
        for r in range(n):
            if r != col and rows[r][col]:
                f = rows[r][col]
                pivot_row = zip(rows[r], rows[col], strict=True)
                rows[r] = [v ^ gf_mul(f, p, symbol_bits, poly) for v, p in pivot_row]
    return [rows[i][n] for i in range(n)]


def decode_rs(received, n_parity: int, symbol_bits: int, primitive_poly: int):
    """Twin of ``kernels.fec.decode_rs``: Peterson–Gorenstein–Zierler, no Berlekamp–Massey.

    Per word: the largest ν ≤ t whose syndrome matrix [S_{i+j}] is nonsingular gives the
    locator by a linear solve; its roots are found by trying every position; the error values
    solve the Vandermonde system S_j = Σ Y_k X_k^j; the result is accepted only if it is a
    codeword (all syndromes zero). Returns ``(decoded, n_corrected)`` with −1 for failure.
    """
    m, poly, t = symbol_bits, primitive_poly, n_parity // 2
    received = np.asarray(received)
    out = received.copy()
    counts = np.zeros(len(received), dtype=np.int64)
    for c, word in enumerate(received):
        n = len(word)
        s = rs_syndromes(word, n_parity, m, poly)
        if not any(s):
            continue
        counts[c] = -1
        for nu in range(t, 0, -1):
            mat = [[s[i + j] for j in range(nu)] for i in range(nu)]
            lam = _gf_solve(mat, [s[nu + i] for i in range(nu)], m, poly)
            if lam is None:
                continue
            # lam = [Λ_ν … Λ_1]: S_{ν+i} = Σ_j Λ_{ν−j} S_{i+j}
            locator = [1, *lam[::-1]]  # Λ_0 … Λ_ν
            positions = []
            for e in range(n):
                x_inv = gf_pow(2, -e % ((1 << m) - 1), m, poly)
                v = 0
                for k, coef in enumerate(locator):
                    v ^= gf_mul(coef, gf_pow(x_inv, k, m, poly), m, poly)
                if v == 0:
                    positions.append(e)
            if len(positions) != nu:
                break
            xs = [gf_pow(2, e, m, poly) for e in positions]
            vander = [[gf_pow(x, j, m, poly) for x in xs] for j in range(nu)]
            ys = _gf_solve(vander, s[:nu], m, poly)
            if ys is None or not all(ys):
                break
            fixed = [int(v) for v in word]
            for e, y in zip(positions, ys, strict=True):
                fixed[n - 1 - e] ^= y
            if not any(rs_syndromes(fixed, n_parity, m, poly)):
                out[c] = fixed
                counts[c] = nu
            break
    return out, counts


def accumulate_error_counts(p_continue, p_start, p_initial, precoded, slot, weight, counted):
    """Twin of ``kernels.fec.accumulate_error_counts``: every line error pattern enumerated.

    Sums, over all 2^(n_line + 1) patterns of (E_{−1}, E_0 … E_{n_line−1}) and every choice
    of side for each straddling error, the Markov probability of the pattern into the count of
    counted FEC slots that hold at least one flipped bit. Full PMF (no cap); short windows
    only.
    """
    n_line = len(slot)
    n_slots = len(counted)
    pmf = np.zeros(n_slots + 1)
    for pattern in range(2 ** (n_line + 1)):
        bits = [(pattern >> i) & 1 for i in range(n_line + 1)]  # bits[0] = E_{−1}
        prob = p_initial if bits[0] else 1.0 - p_initial
        for i in range(n_line):
            p1 = p_continue if bits[i] else p_start
            prob *= p1 if bits[i + 1] else 1.0 - p1
        if prob == 0.0:
            continue
        seen = [(bits[i + 1] ^ bits[i]) if precoded else bits[i + 1] for i in range(n_line)]
        errs = [i for i in range(n_line) if seen[i]]
        split = [i for i in errs if weight[i] < 1.0]
        for sides in range(2 ** len(split)):
            p_sides = prob
            hit = set()
            for i in errs:
                if i in split:
                    second = (sides >> split.index(i)) & 1
                    p_sides *= (1.0 - weight[i]) if second else weight[i]
                    hit.add(slot[i] + second)
                else:
                    hit.add(slot[i])
            pmf[sum(1 for h in hit if counted[h])] += p_sides
    return pmf


def modulate_field(
    drive_v, half_swing_v, kind, gain, slope, offset, chirp_half, p_floor, phase_ui, s, complex_out
):
    """Twin of ``kernels.optics.modulate_field``: tanh limit, sin (MZM) or √P·exp(jα/2·ln P)
    (EML), times exp(j·φ) with φ linear between the UI-boundary phases; the field returned."""
    v = np.asarray(drive_v, float)
    if half_swing_v > 0:
        v = half_swing_v * np.tanh(v / half_swing_v)
    if kind == 0:
        e = gain * np.sin(slope * v + offset) + 0j
    else:
        p = np.maximum(offset + slope * v, 0.0)
        e = gain * np.sqrt(p) * np.exp(1j * chirp_half * np.log(np.maximum(p, p_floor)))
    if not complex_out:
        return np.abs(e) if kind else e.real
    if len(phase_ui):
        i = np.arange(v.size)
        k, t = i // s, (i % s) / s
        e = e * np.exp(1j * (phase_ui[k] + t * (phase_ui[k + 1] - phase_ui[k])))
    return e


def disperse_detect(x_re, x_im, g_re_reversed, g_im_reversed) -> np.ndarray:
    """Twin of ``kernels.optics.disperse_detect``: |x ∗ g|² over the full-overlap outputs."""
    g = (np.asarray(g_re_reversed) + 1j * np.asarray(g_im_reversed))[::-1]
    return np.abs(np.convolve(np.asarray(x_re) + 1j * np.asarray(x_im), g, "valid")) ** 2
