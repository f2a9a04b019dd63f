"""COM's reference DFE: fixed taps with per-tap limits, floating tap groups, and the tail limit.

For post-cursor samples h(1 … N) of an equalised pulse with cursor h(0) (93A-26/27):

- fixed taps n ≤ N_b: b(n) = clip(h(n)/h(0), b_min(n), b_max(n));
- floating groups (802.3ck, the "otherwise" branch of 93A-27): N_bg groups of N_bf adjacent taps
  placed beyond N_b within N_f UI where the post-cursors are largest (here: greedily, each group
  on the window of largest Σ|h| that does not overlap a placed one), each tap within ±bmaxg;
  samples no tap covers stay as ISI;
- tail limit: if the RSS of the taps from N_tail_start on reaches B_float_RSS_MAX, those taps are
  scaled down so that it equals B_float_RSS_MAX (as the reference MATLAB code limits them).

Everything works on arrays of candidates at once (rows), for the FOM search and the final COM.
"""

from __future__ import annotations

import numpy as np

from .params import ComParams


def dfe_span(params: ComParams) -> int:
    """Post-cursors the DFE can reach: N_b, or N_f with floating groups."""
    if params.dfe_float_groups:
        return params.dfe_float_span_ui
    return len(params.dfe_bmax)


def dfe_taps(params: ComParams, post: np.ndarray, h0: np.ndarray) -> np.ndarray:
    """DFE taps (relative to the cursor) for rows of post-cursor samples.

    Parameters
    ----------
    post : float64[n, span]
        h(1 … span) per candidate (span = :func:`dfe_span`; shorter rows are zero-padded).
    h0 : float64[n]
        Cursor values.

    Returns
    -------
    float64[n, span]
        b(n); taps that do not exist are 0.
    """
    post = np.atleast_2d(post)
    n, span = post.shape
    ratio = post / h0[:, None]
    n_b = len(params.dfe_bmax)
    lo = np.zeros((n, span))
    hi = np.zeros((n, span))
    k = min(n_b, span)
    lo[:, :k] = np.asarray(params.dfe_bmin)[:k]
    hi[:, :k] = np.asarray(params.dfe_bmax)[:k]
    if params.dfe_float_groups and span > n_b:
        chosen = _place_groups(
            np.abs(post[:, n_b:]), params.dfe_float_groups, params.dfe_float_taps
        )
        lo[:, n_b:] = np.where(chosen, -params.dfe_float_bmax, 0.0)
        hi[:, n_b:] = np.where(chosen, params.dfe_float_bmax, 0.0)
    taps = np.clip(ratio, lo, hi)
    start = params.dfe_tail_start_ui
    if params.dfe_float_groups and params.dfe_float_rss_max > 0 and 0 < start <= span:
        tail = taps[:, start - 1 :]
        rss = np.sqrt((tail**2).sum(axis=1))
        scale = np.where(
            rss >= params.dfe_float_rss_max, params.dfe_float_rss_max / np.maximum(rss, 1e-300), 1.0
        )
        taps[:, start - 1 :] = tail * scale[:, None]
    return taps


def _place_groups(mag: np.ndarray, groups: int, width: int) -> np.ndarray:
    """Mark, per row, ``groups`` non-overlapping windows of ``width`` with the largest Σ|h|."""
    n, span = mag.shape
    chosen = np.zeros((n, span), bool)
    if span < width:
        return chosen
    cums = np.concatenate([np.zeros((n, 1)), np.cumsum(mag, axis=1)], axis=1)
    sums = cums[:, width:] - cums[:, :-width]  # window starting at each position
    rows = np.arange(n)
    for _ in range(groups):
        # a window is free when none of its positions is taken yet
        taken = np.concatenate([np.zeros((n, 1)), np.cumsum(chosen, axis=1)], axis=1)
        free = (taken[:, width:] - taken[:, :-width]) == 0
        best = np.argmax(np.where(free, sums, -1.0), axis=1)
        ok = free[rows, best]
        cols = best[:, None] + np.arange(width)[None, :]
        chosen[rows[ok, None], cols[ok]] = True
    return chosen
