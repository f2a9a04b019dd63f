"""Eye accumulation: a 2-D histogram (phase × voltage) per transmitted level."""

from numba import njit

from ._config import JIT_OPTIONS


@njit(**JIT_OPTIONS)
def accumulate_eye(rows, offset, level_index, v_min, v_max, hist):
    """Add one chunk of waveform rows to a per-level eye histogram.

    Parameters
    ----------
    rows : float64[n, S]
        Waveform, one row per UI, centred on that UI's sampling instant.
    offset : float64[n]
        Subtracted from every sample of a row (the DFE feedback of that UI).
    level_index : int8[n]
        Transmitted level index of the symbol each row belongs to.
    v_min, v_max : float
        Voltage span of the histogram; samples outside (±inf included) land in the edge
        bins, NaN in the bottom bin.
    hist : int64[M, S, n_bins]
        Accumulated in place.
    """
    n, n_phases = rows.shape
    n_bins = hist.shape[2]
    scale = n_bins / (v_max - v_min)
    for k in range(n):
        lev = level_index[k]
        off = offset[k]
        for p in range(n_phases):
            # Clip in floating point: int() of +inf or of anything past the int64 range is
            # undefined (x86 gives INT64_MIN, which put such samples in the bottom bin).
            x = (rows[k, p] - off - v_min) * scale
            if x >= n_bins:
                b = n_bins - 1
            elif x >= 0.0:
                b = int(x)
            else:  # below the span, -inf and NaN
                b = 0
            hist[lev, p, b] += 1
