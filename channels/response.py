"""Time responses of a transfer function on an rfft grid, shared by both engines.

Convention: ``H`` is sampled on ``f_k = k·df``, k = 0 … n/2 (`frequency_grid`); the impulse
response is the *discrete* one at ``dt = 1/(n·df)``, scaled so that ``sum(h) == H(0)`` (a
constant input of 1 comes out as ``H(0)``). The time window is periodic: its last samples are
negative time.
"""

from __future__ import annotations

import numpy as np

__all__ = ["acausal_energy_fraction", "frequency_grid", "impulse_response", "step_response"]


def frequency_grid(df_hz: float, n_time: int) -> np.ndarray:
    """The rfft frequency grid ``0, df, …, fs/2`` of an ``n_time``-sample window, ``fs = n·df``.

    Parameters
    ----------
    df_hz : float
        Frequency step in Hz, > 0 (the time window is ``1/df_hz`` long).
    n_time : int
        Even number of time samples, ≥ 2.

    Returns
    -------
    ndarray, shape (n_time // 2 + 1,)

    Raises
    ------
    ValueError
        If ``df_hz`` is not positive or ``n_time`` is not an even integer ≥ 2.

    Examples
    --------
    >>> frequency_grid(1e9, 4)
    array([0.e+00, 1.e+09, 2.e+09])
    """
    if not (np.isfinite(df_hz) and df_hz > 0):
        raise ValueError(f"df_hz = {df_hz!r}: expected a frequency step > 0")
    if int(n_time) != n_time or n_time < 2 or n_time % 2:
        raise ValueError(f"n_time = {n_time!r}: expected an even integer ≥ 2")
    return np.arange(int(n_time) // 2 + 1) * float(df_hz)


def impulse_response(h_f, df_hz: float) -> tuple[np.ndarray, np.ndarray]:
    """Discrete impulse response of ``H`` sampled on `frequency_grid`.

    Parameters
    ----------
    h_f : array_like, shape (nf,), complex
        Transfer function at ``0, df, …, (nf − 1)·df``; the last point is fs/2, so the window
        has ``n = 2·(nf − 1)`` samples. Only the real parts of ``H(0)`` and ``H(fs/2)`` are used.
    df_hz : float
        Frequency step in Hz.

    Returns
    -------
    t_s : ndarray, shape (n,)
        Sample times ``k·dt``, ``dt = 1/(n·df)``; samples past ``n/2`` are negative time
        ``t − 1/df`` in the periodic window.
    h : ndarray, shape (n,), float
        Discrete impulse response (per sample, not per second): ``sum(h) == Re H(0)``.

    Raises
    ------
    ValueError
        If fewer than 2 frequencies are given or ``df_hz`` is not positive.
    """
    h_f = np.asarray(h_f)
    if h_f.ndim != 1 or h_f.size < 2:
        raise ValueError(f"h_f must be 1-D with ≥ 2 points, got shape {h_f.shape}")
    if not (np.isfinite(df_hz) and df_hz > 0):
        raise ValueError(f"df_hz = {df_hz!r}: expected a frequency step > 0")
    n = 2 * (h_f.size - 1)
    h = np.fft.irfft(h_f, n)  # numpy's backward 1/n scaling makes sum(h) = H(0)
    t = np.arange(n) / (n * float(df_hz))
    return t, h


def step_response(h) -> np.ndarray:
    """Step response of a discrete impulse response: ``cumsum(h)``.

    Parameters
    ----------
    h : array_like, shape (n,)

    Returns
    -------
    ndarray, shape (n,)
    """
    return np.cumsum(np.asarray(h), axis=-1)


def acausal_energy_fraction(h, n_guard: int) -> float:
    """Share of the energy of ``h`` in the last ``n_guard`` samples (negative time).

    Parameters
    ----------
    h : array_like, shape (n,)
        Impulse response over one period, time 0 at index 0.
    n_guard : int
        Number of samples at the end of the window counted as negative time, 1 ≤ n_guard ≤ n.

    Returns
    -------
    float
        ``sum(h[-n_guard:]**2) / sum(h**2)``; 0 for a causal response shorter than the window.

    Raises
    ------
    ValueError
        If ``n_guard`` is out of range or ``h`` has no energy.
    """
    h = np.asarray(h)
    if not 1 <= n_guard <= h.shape[-1]:
        raise ValueError(f"n_guard = {n_guard!r}: expected 1 ≤ n_guard ≤ {h.shape[-1]}")
    total = float(np.sum(np.abs(h) ** 2))
    if total == 0.0:
        raise ValueError("h has zero energy")
    return float(np.sum(np.abs(h[..., -n_guard:]) ** 2)) / total
