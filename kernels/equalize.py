"""The receive equaliser: T-spaced FFE, DFE and slicer, adapting by LMS or sign-sign LMS."""

import numpy as np
from numba import njit

from ._config import JIT_OPTIONS
from .slicer import decide


@njit(**JIT_OPTIONS)
def equalize_step(
    x,
    base,
    ffe,
    dfe,
    history,
    thresholds,
    levels,
    mu_ffe,
    mu_dfe,
    adapt,
    ss_ffe,
    ss_dfe,
    dfe_limit=np.inf,
    ffe_mask=None,
    dfe_mask=None,
):
    """One decision of the FFE + DFE + slicer, adapting the taps if ``adapt``.

    The FFE reads ``x[base + n_ffe − 1 − i]`` for tap i (the window ends at ``x[base + n_ffe −
    1]``, the latest sample); see :func:`equalize_slice` for the units and the update rules.
    ``history`` shifts in the decided level; adapted DFE taps stay within ±``dfe_limit``.
    ``ffe_mask``/``dfe_mask`` (int8, optional) mark the taps that exist: floating taps and
    floating DFE groups sit in a longer span with the others held at zero and never adapted.
    Returns ``(decision, z, feedback)``.
    """
    n_ffe = ffe.shape[0]
    n_dfe = dfe.shape[0]
    acc = 0.0
    for i in range(n_ffe):
        acc += ffe[i] * x[base + n_ffe - 1 - i]
    fb = 0.0
    for j in range(n_dfe):
        fb += dfe[j] * history[j]
    z = acc - fb
    d = decide(z, thresholds)
    a = levels[d]
    if adapt:
        e = z - a
        se = 1.0 if e > 0 else (-1.0 if e < 0 else 0.0)
        if mu_ffe != 0.0:
            for i in range(n_ffe):
                if ffe_mask is not None and ffe_mask[i] == 0:
                    continue
                xi = x[base + n_ffe - 1 - i]
                if ss_ffe:
                    sx = 1.0 if xi > 0 else (-1.0 if xi < 0 else 0.0)
                    ffe[i] -= mu_ffe * se * sx
                else:
                    ffe[i] -= mu_ffe * e * xi
        if mu_dfe != 0.0:
            for j in range(n_dfe):
                if dfe_mask is not None and dfe_mask[j] == 0:
                    continue
                h = history[j]
                if ss_dfe:
                    sh = 1.0 if h > 0 else (-1.0 if h < 0 else 0.0)
                    dfe[j] += mu_dfe * se * sh
                else:
                    dfe[j] += mu_dfe * e * h
                dfe[j] = min(max(dfe[j], -dfe_limit), dfe_limit)
    for j in range(n_dfe - 1, 0, -1):
        history[j] = history[j - 1]
    if n_dfe > 0:
        history[0] = a
    return d, z, fb


@njit(**JIT_OPTIONS)
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
    decisions,
    z_out,
    feedback,
    trace,
    trace_every,
    count0,
    dfe_limit=np.inf,
    ffe_mask=None,
    dfe_mask=None,
):
    """Equalise, slice and (optionally) adapt, one T-spaced sample per decision.

    All quantities are normalised: ideal slicer levels are ``levels``.

    Parameters
    ----------
    x : float64[n + n_ffe - 1]
        FFE input samples: the previous chunk's last ``n_ffe - 1`` samples, then this chunk's.
    ffe : float64[n_ffe]
        FFE taps; tap ``n_pre`` is the main one, taps before it are pre-cursor taps (they see
        later samples). Updated in place while adapting.
    n_pre : int
        Number of pre-cursor taps. Decision k is about sample ``x[k + n_ffe - 1 - n_pre]``.
    dfe : float64[n_dfe]
        DFE taps (updated in place while adapting).
    history : float64[n_dfe]
        Levels of the last decisions, most recent first (carried across chunks).
    thresholds, levels : float64[M - 1], float64[M]
    mu_ffe, mu_dfe : float
        Step sizes (0 freezes that equaliser).
    n_adapt : int
        Adapt on the first ``n_adapt`` decisions of the chunk.
    ss_ffe, ss_dfe : bool
        Sign-sign LMS (w ← w − μ·sgn(e)·sgn(x), b ← b + μ·sgn(e)·sgn(â)) instead of LMS
        (w ← w − μ·e·x, b ← b + μ·e·â) for the FFE and the DFE, with e = z − â the error
        against the decision.
    decisions : int8[n]
        Output: decided level indices.
    z_out : float64[n]
        Output: slicer input (FFE output minus DFE feedback).
    feedback : float64[n]
        Output: DFE feedback of each decision.
    trace : float64[n_trace, n_ffe + n_dfe]
        Output: tap snapshots, one each time the global decision count is a multiple of
        ``trace_every``.
    trace_every : int
    count0 : int
        Global index of this chunk's first decision.
    dfe_limit : float
        Adapted DFE taps are held within ±dfe_limit.
    ffe_mask, dfe_mask : int8 arrays or None
        Taps that exist (see :func:`equalize_step`); None: all.

    Returns
    -------
    int
        Rows of ``trace`` written.

    Notes
    -----
    O(n · (n_ffe + n_dfe)), sequential. The DFE alone is this kernel with ``ffe = [1.0]``.
    """
    n = decisions.shape[0]
    n_trace = 0
    for k in range(n):
        d, z, fb = equalize_step(
            x,
            k,
            ffe,
            dfe,
            history,
            thresholds,
            levels,
            mu_ffe,
            mu_dfe,
            k < n_adapt,
            ss_ffe,
            ss_dfe,
            dfe_limit,
            ffe_mask,
            dfe_mask,
        )
        decisions[k] = d
        z_out[k] = z
        feedback[k] = fb
        if trace_every > 0 and (count0 + k) % trace_every == 0 and n_trace < trace.shape[0]:
            _record_taps(trace[n_trace], ffe, dfe)
            n_trace += 1
    return n_trace


@njit(**JIT_OPTIONS)
def _record_taps(row, ffe, dfe):
    """Write ``[ffe..., dfe...]`` into the start of a trace row."""
    n_ffe = ffe.shape[0]
    for i in range(n_ffe):
        row[i] = ffe[i]
    for j in range(dfe.shape[0]):
        row[n_ffe + j] = dfe[j]


@njit(**JIT_OPTIONS)
def equalize_ctle_slice(
    x0,
    x_gain,
    x,
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
    decisions,
    z_out,
    feedback,
    trace,
    trace_every,
    count0,
    dfe_limit=np.inf,
    ffe_mask=None,
    dfe_mask=None,
):
    """:func:`equalize_slice` behind a 93A CTLE whose linear DC gain g adapts too.

    The CTLE is affine in g, so its output is ``x0 + (g − g_ref)·x_gain``: ``x0`` the
    samples with the CTLE at g_ref, ``x_gain`` those of ∂/∂g. Each sample is formed with the
    gain of its own time (so a gain step reaches the FFE's taps one sample at a time, as in
    hardware) and, while adapting, g follows the slicer error's exact gradient
    ∂z/∂g = Σ_i ffe[i]·x_gain[…]: LMS g ← g − μ·e·∂z/∂g, or sign-sign
    g ← g − μ·sgn(e)·sgn(∂z/∂g), held within [g_min, g_max].

    Parameters
    ----------
    x0, x_gain : float64[n + n_ffe - 1]
        The two sample streams, the previous chunk's last ``n_ffe − 1`` samples first.
    x : float64[n + n_ffe - 1]
        Work and output: the CTLE output samples; its first ``n_ffe − 1`` entries are the
        previous chunk's (already formed), the rest are written here.
    ctle : float64[4]
        ``[g, g_ref, g_min, g_max]``; ``ctle[0]`` is updated in place.
    mu_ctle : float
    ss_ctle : bool
    ctle_from : int
        The gain adapts on decisions ``ctle_from ≤ k < n_adapt`` of the chunk (it starts
        once the FFE and DFE have settled: the slower, outer loop).
    ffe … dfe_mask
        As in :func:`equalize_slice`; ``trace`` has one more column, g, after the taps.

    Returns
    -------
    int
        Rows of ``trace`` written.
    """
    n = decisions.shape[0]
    n_ffe = ffe.shape[0]
    n_dfe = dfe.shape[0]
    n_trace = 0
    for k in range(n):
        newest = k + n_ffe - 1
        x[newest] = x0[newest] + (ctle[0] - ctle[1]) * x_gain[newest]
        adapt = k < n_adapt
        adapt_gain = adapt and k >= ctle_from
        grad = 0.0  # with the taps before this step's update: a simultaneous gradient step
        if adapt_gain:
            for i in range(n_ffe):
                grad += ffe[i] * x_gain[newest - i]
        d, z, fb = equalize_step(
            x,
            k,
            ffe,
            dfe,
            history,
            thresholds,
            levels,
            mu_ffe,
            mu_dfe,
            adapt,
            ss_ffe,
            ss_dfe,
            dfe_limit,
            ffe_mask,
            dfe_mask,
        )
        if adapt_gain:
            e = z - levels[d]
            if ss_ctle:
                se = 1.0 if e > 0 else (-1.0 if e < 0 else 0.0)
                sg = 1.0 if grad > 0 else (-1.0 if grad < 0 else 0.0)
                ctle[0] -= mu_ctle * se * sg
            else:
                ctle[0] -= mu_ctle * e * grad
            ctle[0] = min(max(ctle[0], ctle[2]), ctle[3])
        decisions[k] = d
        z_out[k] = z
        feedback[k] = fb
        if trace_every > 0 and (count0 + k) % trace_every == 0 and n_trace < trace.shape[0]:
            _record_taps(trace[n_trace], ffe, dfe)
            trace[n_trace, n_ffe + n_dfe] = ctle[0]
            n_trace += 1
    return n_trace


@njit(**JIT_OPTIONS)
def filter_rows(rows, taps, out):
    """Apply a T-spaced FIR across waveform rows: ``out[k] = Σ_i taps[i]·rows[k + n − 1 − i]``.

    Parameters
    ----------
    rows : float64[n_out + n_taps - 1, S]
        The previous chunk's last ``n_taps − 1`` rows, then this chunk's.
    taps : float64[n_taps]
        As in :func:`equalize_slice` (tap i weights the row ``n_pre − i`` UIs later).
    out : float64[n_out, S]
    """
    n_out, s = out.shape
    n_taps = taps.shape[0]
    for k in range(n_out):
        for p in range(s):
            out[k, p] = 0.0
        for i in range(n_taps):
            w = taps[i]
            src = k + n_taps - 1 - i
            for p in range(s):
                out[k, p] += w * rows[src, p]
