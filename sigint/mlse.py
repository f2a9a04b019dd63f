"""MLSE (Viterbi) detection of PAM-M through a known post-cursor ISI: a streaming detector.

The validating layer over :mod:`sigint.kernels.mlse`: it checks the level table and channel,
owns the trellis state carried between chunks, and hands back decisions as they leave the
traceback window.
"""

from __future__ import annotations

import numpy as np

from sigint.kernels.mlse import viterbi_detect, viterbi_flush

__all__ = ["MAX_STATES", "MLSEDetector"]

#: Largest trellis the detector accepts, M^L states (PAM8 with three post-cursors).
MAX_STATES = 512


class MLSEDetector:
    """Maximum-likelihood sequence detector for PAM-M over an L-tap post-cursor channel.

    Decides the symbol sequence minimising ``Σ_k (y_k − Σ_{i=0..L} h_i·x[a_{k−i}])²`` with a
    Viterbi trellis of ``M^L`` states (the last L symbols), in place of a slicer or DFE. Streams:
    consecutive calls continue one trellis, and each call returns the decisions that left the
    traceback window, ``traceback`` samples behind the input; :meth:`flush` returns the rest
    at the end of the stream. Chunked and one-shot calls give the same decisions.

    Parameters
    ----------
    levels : array_like
        Ideal normalised level of each symbol index, ascending, 2 to 8 of them (e.g.
        ``Modulation(4).normalized_levels()``).
    channel : array_like
        Response the detector assumes, T-spaced in the same normalised units: main cursor
        ``h_0`` (typically 1) then post-cursors ``h_1 … h_L``, ``L >= 1``, ``M^L <= 512``.
    traceback : int, optional
        Traceback depth D in samples, the decision delay; default ``8·L + 8``. Depths of 5–10
        times the memory lose nothing measurable against unbounded traceback.

    Input
    -----
    y : [n]
        Normalised slicer samples (float), one per UI. Non-finite samples are erasures.

    Output
    ------
    decisions : [count] int8
        Symbol indices, oldest first; ``count = n`` in steady state, less while the first
        ``traceback`` samples of the stream fill the window.

    Raises
    ------
    ValueError
        If the levels are not 2–8 finite ascending values, the channel is not finite with a
        nonzero main cursor and at least one post-cursor, the trellis exceeds
        :data:`MAX_STATES`, ``traceback < 1``, or a chunk is not one-dimensional.

    Notes
    -----
    O(M^(L+1) + D) per sample; see :func:`sigint.kernels.mlse.viterbi_detect` for the trellis
    convention and measured speed. The stream starts with every initial state equally likely.

    Examples
    --------
    >>> import numpy as np
    >>> det = MLSEDetector([-1.0, -1 / 3, 1 / 3, 1.0], [1.0, 0.9], traceback=4)
    >>> a = np.array([0, 3, 1, 2, 2, 0, 3, 3])
    >>> y = np.convolve(det.levels[a], det.channel)[1 : a.size]  # a[0] is the ISI before
    >>> first = det(y)  # three out: the last four are held back
    >>> np.concatenate([first, det.flush()]).tolist()
    [3, 1, 2, 2, 0, 3, 3]
    """

    def __init__(self, levels, channel, traceback: int | None = None) -> None:
        lv = np.ascontiguousarray(levels, dtype=np.float64)
        if lv.ndim != 1 or not 2 <= lv.size <= 8:
            raise ValueError(f"levels = {levels!r}: expected a 1-D list of 2 to 8 levels")
        if not np.all(np.isfinite(lv)) or np.any(np.diff(lv) <= 0):
            raise ValueError(f"levels = {levels!r}: expected finite, strictly ascending values")
        h = np.ascontiguousarray(channel, dtype=np.float64)
        if h.ndim != 1 or h.size < 2:
            raise ValueError(
                f"channel = {channel!r}: expected [h0, h1, …, hL] with at least one post-cursor"
            )
        if not np.all(np.isfinite(h)) or h[0] == 0.0:
            raise ValueError(f"channel = {channel!r}: expected finite taps, main cursor h0 != 0")
        m, memory = lv.size, h.size - 1
        if m**memory > MAX_STATES:
            raise ValueError(
                f"channel = {channel!r}: {m}^{memory} = {m**memory} trellis states with "
                f"{m} levels; at most {MAX_STATES}"
            )
        if traceback is None:
            traceback = 8 * memory + 8
        if isinstance(traceback, bool) or not isinstance(traceback, (int, np.integer)):
            raise ValueError(f"traceback = {traceback!r}: expected an integer >= 1")
        if traceback < 1:
            raise ValueError(f"traceback = {traceback!r}: expected an integer >= 1")
        self._levels = lv
        self._channel = h
        self._traceback = int(traceback)
        self._metrics = np.zeros(m**memory)
        self._survivors = np.zeros((self._traceback, m**memory), dtype=np.int16)
        self._step = np.zeros(1, dtype=np.int64)

    @property
    def levels(self) -> np.ndarray:
        """Ideal level of each symbol index (a copy)."""
        return self._levels.copy()

    @property
    def channel(self) -> np.ndarray:
        """Assumed response ``[h0, h1, …, hL]`` (a copy)."""
        return self._channel.copy()

    @property
    def memory(self) -> int:
        """Channel memory L, the number of post-cursors."""
        return self._channel.size - 1

    @property
    def n_states(self) -> int:
        """Trellis states, ``M^L``."""
        return self._metrics.size

    @property
    def traceback(self) -> int:
        """Traceback depth D: decisions leave the detector D samples after their sample."""
        return self._traceback

    @property
    def n_samples(self) -> int:
        """Samples fed since construction or the last :meth:`flush` / :meth:`reset`."""
        return int(self._step[0])

    def __call__(self, y) -> np.ndarray:
        """Feed a chunk of samples; return the decisions that left the traceback window."""
        y = np.ascontiguousarray(y, dtype=np.float64)
        if y.ndim != 1:
            raise ValueError(f"y has shape {y.shape}: expected a 1-D chunk of samples")
        out = np.empty(y.size, dtype=np.int8)
        count = viterbi_detect(
            y, self._levels, self._channel, self._metrics, self._survivors, self._step, out
        )
        return out[:count]

    def flush(self) -> np.ndarray:
        """Return the decisions still held back (up to ``traceback``), then start a new stream."""
        out = np.empty(self._traceback, dtype=np.int8)
        count = viterbi_flush(self._levels.size, self._metrics, self._survivors, self._step, out)
        self.reset()
        return out[:count]

    def reset(self) -> None:
        """Forget the stream: every state equally likely, nothing held back."""
        self._metrics[:] = 0.0
        self._survivors[:] = 0
        self._step[0] = 0

    def __repr__(self) -> str:
        return (
            f"MLSEDetector(levels={self._levels.tolist()!r}, "
            f"channel={self._channel.tolist()!r}, traceback={self._traceback})"
        )
