"""Clock recovery: phase detectors, a second-order loop, a lock detector and a standalone CDR.

Conventions shared by every kernel here (the engine's row layout):

* ``rows[k, p]``, ``p = 0 … S-1``, is sampled at ``(k + (p - S/2)/S)·T``: phase ``S/2`` of row
  ``k`` is the nominal instant of symbol ``k``. A sampling phase φ (UI, positive = later) is read
  by linear interpolation of the flattened rows at index ``k·S + S/2 + φ·S``.
* Samples and levels are in the normalised units of :mod:`sigint.kernels.dfe`: levels
  symmetric about 0 (the Tx levels over the outer level), so the middle threshold is 0.
* Every phase detector returns ``e > 0`` for "sample later".

State arrays (``float64``), all carried across calls so a chunked run equals a one-shot run:

``loop`` (``loop_update``), length ``N_LOOP = 3``
    ``[0]`` loop phase P (UI, unquantised, unbounded), ``[1]`` integrator I (UI per UI: the
    loop's frequency estimate), ``[2]`` applied phase Q(P) (UI, quantised to 1/pi_steps).
``lock`` (``lock_update``), length ``N_LOCK = 18``: see the ``L_*`` indices.
``state`` (``recover_clock``), length ``N_STATE = 27``: ``[0:3]`` the loop, ``[3:9]`` the CDR
    (``S_THETA`` free-running drift, ``S_N`` decisions made, ``S_M`` slip offset, ``S_SLIPS``,
    ``S_Y_PREV``/``S_A_PREV`` the previous sample and level), ``[9:27]`` the lock detector
    (``state[LOCK0:]``).

Examples
--------
>>> import numpy as np
>>> rows = np.arange(8.0).reshape(2, 4)  # S = 4: row 0 is sampled at t = -2/4 … 1/4 UI
>>> float(sample_at(rows.ravel(), 4, 0, 0.0)), float(sample_at(rows.ravel(), 4, 0, 0.125))
(2.0, 2.5)
>>> int(pd_bang_bang(-1.0, 1.0, 0.2))  # rising edge already crossed: sampling late
-1
"""

import numpy as np
from numba import njit

from ._config import JIT_OPTIONS
from .equalize import equalize_step

# ---- loop state
N_LOOP = 3
# ---- lock-detector state (relative to the array handed to lock_update)
L_COUNT = 0  # symbols in the current window
L_REF = 1  # unwrapped phase of the window's first symbol (variance reference)
L_SUM = 2  # Σ (u - ref)
L_SUM2 = 3  # Σ (u - ref)²
L_FSUM = 4  # Σ frequency error (ε + I), UI/UI
L_SLIPS = 5  # slips in the current window
L_PREV_MEAN = 6  # previous window's mean phase (NaN before the first window closes)
L_GOOD = 7  # consecutive good windows
L_LOCKED = 8  # 1.0 locked, 0.0 not
L_DRIFT = 9  # last window: phase drift rate, UI/UI (NaN for the first window)
L_RMS = 10  # last window: rms phase about the window mean, UI
L_FERR = 11  # last window: mean (ε + I), UI/UI
L_NWIN = 12  # windows closed
L_LOCK_VARSUM = 13  # Σ variance over windows that closed locked
L_LOCK_NWIN = 14  # number of such windows
L_LOCK_FERR_MAX = 15  # max |mean (ε + I)| over such windows
L_LOCK_DRIFT_MAX = 16  # max |drift| over such windows
L_BAD = 17  # consecutive windows drifting above the threshold
N_LOCK = 18
# ---- recover_clock state
S_THETA = 3  # free-running Rx drift θ (UI, unbounded): Σ ε
S_N = 4  # decisions made so far (global decision index of the next one)
S_M = 5  # slip offset m: decision n samples row n + m
S_SLIPS = 6  # slips so far
S_Y_PREV = 7  # previous decision's sample (for the detector)
S_A_PREV = 8  # previous decision's level
LOCK0 = 9
N_STATE = LOCK0 + N_LOCK
# ---- recover_clock params
P_DETECTOR = 0  # 0 Mueller-Muller, 1 bang-bang
P_KP = 1
P_KI = 2
P_PI_STEPS = 3  # phase-interpolator steps per UI (0: continuous)
P_FREQ = 4  # free-running offset ε0 = ppm·1e-6 (φ advances by ε per UI)
P_SSC_DEV = 5  # down-spread peak deviation (≥ 0, UI/UI): ε ∈ [ε0 - dev, ε0]
P_SSC_FREQ = 6  # SSC frequency in cycles per UI (f_ssc / f_baud)
P_WINDOW = 7  # lock-detector window W (symbols)
P_LOCK_WINDOWS = 8  # consecutive good windows to declare lock
P_DRIFT_THR = 9  # |drift| threshold, UI/UI
P_RMS_THR = 10  # rms phase threshold, UI
P_SJ_AMP = 11  # sinusoidal clock-to-data jitter amplitude, UI
P_SJ_FREQ = 12  # its frequency, cycles per UI
N_PARAMS = 13


@njit(**JIT_OPTIONS)
def sample_at(rows_flat, s, k, phi):
    """Linear interpolation of the flattened rows at index ``k·s + s/2 + phi·s``.

    ``rows_flat`` is ``rows.ravel()`` (``k`` counts rows of that array). The caller keeps the
    index inside ``[0, rows_flat.size - 1]``; a sample falling exactly on a grid point reads
    only that point.
    """
    # split off the integer part from the in-row offset only, so the fraction (and the
    # result) does not depend on k: chunked runs, whose k differ, read bit-identical samples
    xs = (phi + 0.5) * s
    j = np.floor(xs)
    f = xs - j
    i = k * s + int(j)
    if f == 0.0:
        return rows_flat[i]
    return rows_flat[i] * (1.0 - f) + rows_flat[i + 1] * f


@njit(**JIT_OPTIONS)
def pd_mueller_muller(y_k, y_km1, a_k, a_km1):
    """Type-A Mueller-Muller error ``y_k·a_{k-1} - y_{k-1}·a_k`` (baud-rate, PAM-M).

    Its mean is ``σ_a²·(h(1+τ) - h(τ-1))`` for a sampling offset τ, so it is ``-K·τ`` near the
    lock point with ``K = σ_a²·(h'(-1) - h'(1))``: positive means "sample later". It locks
    where the first pre- and post-cursor are equal.
    """
    return y_k * a_km1 - y_km1 * a_k


@njit(**JIT_OPTIONS)
def pd_bang_bang(a_km1, a_k, edge):
    """Alexander early/late vote from two decided levels and the edge sample between them.

    Only transitions symmetric about the middle threshold (``a_k = -a_{k-1} ≠ 0``, normalised
    levels) are used: their crossing is at the half-UI point whatever the level pair, so other
    transitions (which cross 0 off-centre) would bias the lock point. Returns ``-1`` when the
    edge has already crossed to the new level (sampling late), ``+1`` when it has not (early),
    ``0`` for no usable transition or an edge exactly at 0.
    """
    if a_k == a_km1 or abs(a_k + a_km1) > 1e-9 * abs(a_k - a_km1):
        return 0
    if edge == 0.0:
        return 0
    late = (edge > 0.0) == (a_k > a_km1)
    return -1 if late else 1


@njit(**JIT_OPTIONS)
def loop_update(state, err, kp, ki, pi_steps):
    """One step of the proportional-integral loop; returns the applied (quantised) phase.

    ``I ← I + ki·e``; ``P ← P + kp·e + I``; applied ``= floor(P·pi_steps + ½)/pi_steps``
    (``pi_steps <= 0``: continuous). ``state = [P, I, applied]`` is updated in place.
    Small-signal: with a detector gain K, the sampling-phase error follows the input jitter
    through ``1/(1 + K·D(z))``, ``D(z) = (kp + ki·z/(z-1))/(z-1)``.
    """
    state[1] += ki * err
    state[0] += kp * err + state[1]
    if pi_steps > 0:
        state[2] = np.floor(state[0] * pi_steps + 0.5) / pi_steps
    else:
        state[2] = state[0]
    return state[2]


@njit(**JIT_OPTIONS)
def lock_update(lock, u, freq_err, slipped, window, n_lock, drift_thr, rms_thr):
    """Feed one symbol to the windowed lock detector; returns 1 when locked, else 0.

    ``u`` is the unwrapped sampling phase (UI), ``freq_err`` the true frequency error
    ε + I (UI/UI; pass 0 when unknown), ``slipped`` whether this symbol's decision index
    shifted. Every ``window`` symbols: drift = (mean u - previous mean u)/window, rms = the
    standard deviation of u about the window mean. A window is good when it had no slip,
    |drift| < ``drift_thr`` and rms < ``rms_thr``; lock is gained after ``n_lock`` good windows
    in a row and lost at once on a slip, or after ``n_lock`` windows in a row drifting above
    ``drift_thr`` (hysteresis: a noisy window, or the phase step of an SSC turnaround
    lasting less than a window, does not drop lock; a free-running drift does).
    """
    if lock[L_COUNT] == 0.0:
        lock[L_REF] = u
    du = u - lock[L_REF]
    lock[L_SUM] += du
    lock[L_SUM2] += du * du
    lock[L_FSUM] += freq_err
    lock[L_COUNT] += 1.0
    if slipped:
        lock[L_SLIPS] += 1.0
        lock[L_GOOD] = 0.0
        lock[L_LOCKED] = 0.0
    if lock[L_COUNT] >= window:
        w = lock[L_COUNT]
        mean_rel = lock[L_SUM] / w
        var = max(lock[L_SUM2] / w - mean_rel * mean_rel, 0.0)
        mean = lock[L_REF] + mean_rel
        drift = (mean - lock[L_PREV_MEAN]) / w  # NaN for the first window: never good
        rms = np.sqrt(var)
        ferr = lock[L_FSUM] / w
        lock[L_DRIFT] = drift
        lock[L_RMS] = rms
        lock[L_FERR] = ferr
        lock[L_NWIN] += 1.0
        good = lock[L_SLIPS] == 0.0 and abs(drift) < drift_thr and rms < rms_thr
        if good:
            lock[L_GOOD] += 1.0
        else:
            lock[L_GOOD] = 0.0
        if abs(drift) <= drift_thr:
            lock[L_BAD] = 0.0
        else:
            lock[L_BAD] += 1.0
        if lock[L_LOCKED] == 1.0:
            if lock[L_BAD] >= n_lock:
                lock[L_LOCKED] = 0.0
        elif lock[L_GOOD] >= n_lock:
            lock[L_LOCKED] = 1.0
        if lock[L_LOCKED] == 1.0:
            lock[L_LOCK_VARSUM] += var
            lock[L_LOCK_NWIN] += 1.0
            lock[L_LOCK_FERR_MAX] = max(lock[L_LOCK_FERR_MAX], abs(ferr))
            lock[L_LOCK_DRIFT_MAX] = max(lock[L_LOCK_DRIFT_MAX], abs(drift))
        lock[L_COUNT] = 0.0
        lock[L_SUM] = 0.0
        lock[L_SUM2] = 0.0
        lock[L_FSUM] = 0.0
        lock[L_SLIPS] = 0.0
        lock[L_PREV_MEAN] = mean
    return 1 if lock[L_LOCKED] == 1.0 else 0


@njit(**JIT_OPTIONS)
def reset_cdr_state(state, phase0):
    """Zero a ``recover_clock`` state and start the loop at ``phase0`` UI (unquantised)."""
    state[:] = 0.0
    state[0] = phase0
    state[2] = phase0
    state[LOCK0 + L_PREV_MEAN] = np.nan
    state[LOCK0 + L_DRIFT] = np.nan
    state[LOCK0 + L_RMS] = np.nan
    state[LOCK0 + L_FERR] = np.nan


@njit(**JIT_OPTIONS)
def ssc_offset(n, eps0, dev, nu):
    """Frequency offset ε (UI/UI) for UI ``n``: ``ε0 - dev·tri(ν·n)``, tri 0 → 1 → 0 per cycle.

    A triangular down-spread: ε sweeps ``[ε0 - dev, ε0]`` at ``ν`` cycles per UI.
    """
    if dev == 0.0:
        return eps0
    x = nu * n
    x -= np.floor(x)
    return eps0 - dev * (1.0 - abs(1.0 - 2.0 * x))


@njit(**JIT_OPTIONS)
def recover_clock(
    rows, row0, thresholds, levels, params, state, out_decisions, out_rows, out_phase, out_locked
):
    """Recover the clock and decide PAM-M symbols from waveform rows (no DFE).

    Parameters
    ----------
    rows : float64[n_rows, S], C-contiguous
        Normalised waveform rows; ``rows[i]`` is global row ``row0 + i``.
    row0 : int
        Global index of ``rows[0]``.
    thresholds, levels : float64[M-1], float64[M]
        Slicer thresholds (ascending) and normalised levels (symmetric about 0).
    params : float64[N_PARAMS]
        See the ``P_*`` indices.
    state : float64[N_STATE]
        Carried state (``reset_cdr_state`` first); see the module docstring.
    out_decisions : int8[cap]
        Decided indices.
    out_rows : int64[cap]
        Global row sampled by each decision (the Tx symbol it decided when rows are on the Tx
        grid): ``n + m`` with m the slip offset.
    out_phase : float64[cap]
        Wrapped sampling phase φ in (-0.5, 0.5] UI at which each decision sampled its row.
    out_locked : int8[cap]
        Lock-detector state after each decision.

    Returns
    -------
    int
        Decisions made: stops at ``cap`` or when the next one would read outside ``rows``.

    Notes
    -----
    Per decision n: φ = θ + applied − m, wrapped into (−0.5, 0.5] by changing m (a cycle slip
    for each unit of change); sample row n + m at φ (and, for bang-bang, the edge at φ − 0.5);
    slice; run the detector against the previous decision; ``loop_update``; θ += ε(n);
    ``lock_update`` with u = θ + applied (before this step's update) and ε(n) + I. O(n), one
    pass, inherently sequential: each sample's position depends on the previous decisions.
    """
    unit = np.ones(1)
    empty = np.zeros(0)
    return receive_cdr(
        rows,
        row0,
        thresholds,
        levels,
        params,
        state,
        unit,
        0,
        empty,
        empty,
        0.0,
        0.0,
        0,
        False,
        False,
        np.zeros(2),
        np.zeros(out_decisions.shape[0]),
        out_decisions,
        out_rows,
        out_phase,
        out_locked,
        np.zeros(out_decisions.shape[0]),
        np.zeros(out_decisions.shape[0]),
    )


@njit(**JIT_OPTIONS)
def receive_cdr(
    rows,
    row0,
    thresholds,
    levels,
    params,
    state,
    ffe,
    n_pre,
    dfe,
    history,
    mu_ffe,
    mu_dfe,
    adapt_until,
    ss_ffe,
    ss_dfe,
    scratch,
    sample_jitter,
    out_decisions,
    out_rows,
    out_phase,
    out_locked,
    out_z,
    out_fb,
    dfe_limit=np.inf,
    ffe_mask=None,
    dfe_mask=None,
):
    """Clock recovery with the receive equaliser in the loop: FFE, DFE, slicer, detector.

    As :func:`recover_clock`, but each decision reads its FFE window (``n_pre`` rows after
    and ``len(ffe) − 1 − n_pre`` before its own, all at the recovered phase φ), runs
    :func:`~sigint.kernels.equalize.equalize_step` (FFE − DFE feedback, slicer, LMS or
    sign-sign adaptation while the global decision index is below ``adapt_until``), and
    drives the phase detector with the equalised sample z. The bang-bang edge is the FFE over
    the samples at φ − ½ UI minus the same DFE feedback.

    Extra parameters: ``ffe``, ``n_pre``, ``dfe``, ``history``, ``mu_ffe``, ``mu_dfe``,
    ``adapt_until``, ``ss_ffe``, ``ss_dfe`` as for ``equalize_slice``; ``scratch``
    float64[≥ 2·len(ffe)]; ``sample_jitter`` float64[cap], UI added to where each decision's
    samples are read (Rx sampling RJ; the loop does not see it); ``out_z`` and ``out_fb``
    float64[cap], the slicer input and the DFE feedback of each decision. Sinusoidal
    clock-to-data jitter (``params[P_SJ_AMP]``, ``params[P_SJ_FREQ]``) adds
    A·sin(2πνn) to the sampling phase exactly, as a phase the loop must track.
    """
    n_rows = rows.shape[0]
    s = rows.shape[1]
    total = n_rows * s
    flat = rows.reshape(total)
    bb = params[P_DETECTOR] == 1.0
    kp = params[P_KP]
    ki = params[P_KI]
    pi_steps = params[P_PI_STEPS]
    eps0 = params[P_FREQ]
    dev = params[P_SSC_DEV]
    nu = params[P_SSC_FREQ]
    window = params[P_WINDOW]
    n_lock = params[P_LOCK_WINDOWS]
    drift_thr = params[P_DRIFT_THR]
    rms_thr = params[P_RMS_THR]
    sj_amp = params[P_SJ_AMP]
    sj_nu = params[P_SJ_FREQ]
    loop = state[0:N_LOOP]
    lock = state[LOCK0:]
    n_ffe = ffe.shape[0]
    n_post = n_ffe - 1 - n_pre
    cap = out_decisions.shape[0]
    y_prev = state[S_Y_PREV]
    a_prev = state[S_A_PREV]
    done = 0
    while done < cap:
        n = int(state[S_N])
        m = int(state[S_M])
        u = state[S_THETA] + state[2]
        if sj_amp != 0.0:
            u += sj_amp * np.sin(2.0 * np.pi * sj_nu * n)
        phi = u - m
        dm = 0
        while phi > 0.5:
            phi -= 1.0
            dm += 1
        while phi <= -0.5:
            phi += 1.0
            dm -= 1
        r = n + m + dm - row0
        ps = phi + sample_jitter[done]
        x_hi = (r + n_pre) * s + (max(ps, phi) + 0.5) * s
        x_lo = (r - n_post) * s + ((min(ps, phi) - 0.5 if bb else min(ps, phi)) + 0.5) * s
        if x_lo < 0.0 or x_hi > total - 1:
            break
        for j in range(n_ffe):
            scratch[j] = sample_at(flat, s, r - n_post + j, ps)
        d, z, fb = equalize_step(
            scratch,
            0,
            ffe,
            dfe,
            history,
            thresholds,
            levels,
            mu_ffe,
            mu_dfe,
            n < adapt_until,
            ss_ffe,
            ss_dfe,
            dfe_limit,
            ffe_mask,
            dfe_mask,
        )
        a = levels[d]
        e = 0.0
        if n > 0:
            if bb:
                edge = -fb
                for j in range(n_ffe):
                    edge += ffe[n_ffe - 1 - j] * sample_at(flat, s, r - n_post + j, ps - 0.5)
                e = float(pd_bang_bang(a_prev, a, edge))
            else:
                e = pd_mueller_muller(z, y_prev, a, a_prev)
        out_decisions[done] = d
        out_rows[done] = r + row0
        out_phase[done] = phi
        out_z[done] = z
        out_fb[done] = fb
        loop_update(loop, e, kp, ki, pi_steps)
        eps = ssc_offset(n, eps0, dev, nu)
        state[S_THETA] += eps
        state[S_M] = m + dm
        state[S_SLIPS] += abs(dm)
        state[S_N] = n + 1
        out_locked[done] = lock_update(
            lock, u, eps + loop[1], dm != 0, window, n_lock, drift_thr, rms_thr
        )
        y_prev = z
        a_prev = a
        done += 1
    state[S_Y_PREV] = y_prev
    state[S_A_PREV] = a_prev
    return done


@njit(**JIT_OPTIONS)
def sample_rows_at(rows, row0, sym_rows, phases, ffe, n_pre, out):
    """The FFE-equalised waveform around each decision, on the decision's recovered clock.

    ``out[k, p]`` = Σ_i ffe[i]·(row ``sym_rows[k] + n_pre − i`` read at phase
    ``phases[k] + (p − S/2)/S``): one UI centred on each decision's sampling instant, what the
    slicer saw (before the DFE feedback). Rows outside ``rows`` read as the nearest edge row.

    Notes
    -----
    Every phase of a decision shares one interpolation fraction, so where all the reads fall
    inside ``rows`` the FFE is applied once to the S + 1 samples spanning the UI and the
    result interpolated (S + 1 multiply-adds per tap instead of 2·S, no per-sample floor):
    3× faster, equal to the per-sample reads to rounding. Decisions near the edges read
    sample by sample.
    """
    n_rows, s = rows.shape
    total = n_rows * s
    flat = rows.reshape(total)
    n_ffe = ffe.shape[0]
    comb = np.empty(s + 1)
    for k in range(out.shape[0]):
        # The first phase's position: row r_i, in-row offset xs (as sample_at reads it).
        xs = (phases[k] - (s // 2) / s + 0.5) * s
        j = np.floor(xs)
        f = xs - j
        r_hi = sym_rows[k] + n_pre - row0
        r_lo = r_hi - (n_ffe - 1)
        first = r_lo * s + int(j)
        last = r_hi * s + int(j) + s
        if first >= 0 and last <= total - 1:
            for q in range(s + 1):
                comb[q] = 0.0
            for i in range(n_ffe):
                base = (r_hi - i) * s + int(j)
                w = ffe[i]
                for q in range(s + 1):
                    comb[q] += w * flat[base + q]
            for p in range(s):
                out[k, p] = comb[p] if f == 0.0 else comb[p] * (1.0 - f) + comb[p + 1] * f
            continue
        for p in range(s):
            phi = phases[k] + (p - s // 2) / s
            acc = 0.0
            for i in range(n_ffe):
                r = sym_rows[k] + n_pre - i - row0
                x = (r * s) + (phi + 0.5) * s
                if x < 0.0:
                    r, phi_r = 0, -0.5
                elif x > total - 2:
                    r, phi_r = n_rows - 1, 0.5 - 2.0 / s
                else:
                    phi_r = phi
                acc += ffe[i] * sample_at(flat, s, r, phi_r)
            out[k, p] = acc


@njit(**JIT_OPTIONS)
def sample_jittered(rows, centre, tau_samples, out):
    """Each row read at ``centre + tau_samples[k]`` (samples) by linear interpolation.

    ``rows`` holds the columns around the sampling phase (``centre`` is the nominal one); a
    displacement past the outer columns reads the outer column.
    """
    n, width = rows.shape
    for k in range(n):
        x = centre + tau_samples[k]
        if x <= 0.0:
            out[k] = rows[k, 0]
        elif x >= width - 1:
            out[k] = rows[k, width - 1]
        else:
            j = int(np.floor(x))
            f = x - j
            out[k] = rows[k, j] * (1.0 - f) + rows[k, j + 1] * f
