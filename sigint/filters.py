"""Transfer functions of the linear blocks of a link, as plain functions of frequency.

Each returns a complex array H(f) for ``f_hz`` ≥ 0 (the rfft half of a real response). The
engines multiply them into one pulse response (:mod:`sigint.pulse`).
"""

from __future__ import annotations

import numpy as np

# 20-80 % rise time of a Gaussian step is 2·Φ⁻¹(0.8)·σ = 1.6832·σ (IEEE 802.3 93A-46).
_GAUSS_RISE_PER_SIGMA = 1.6832


def gaussian_edge(f_hz, rise_time_s: float):
    """Gaussian edge filter with a 20-80 % rise time (IEEE 802.3 eq. 93A-46).

    H_t(f) = exp(−2 (π f T_r / 1.6832)²); real (zero phase), unit DC gain.
    """
    f = np.asarray(f_hz, dtype=float)
    return np.exp(-2.0 * (np.pi * f * rise_time_s / _GAUSS_RISE_PER_SIGMA) ** 2).astype(complex)


def butterworth4(f_hz, f3db_hz: float):
    """4th-order Butterworth low-pass (IEEE 802.3 eq. 93A-20 receiver noise filter)."""
    x = np.asarray(f_hz, dtype=float) / f3db_hz
    return 1.0 / (1.0 - 3.414214 * x**2 + x**4 + 1j * 2.613126 * (x - x**3))


def pole_zero(f_hz, dc_gain_db: float, zeros_hz=(), poles_hz=()):
    """Real-pole, real-zero CTLE: H = g·Π(1 + jf/f_z) / Π(1 + jf/f_p).

    Causal and minimum phase for positive pole and zero frequencies.
    """
    f = np.asarray(f_hz, dtype=float)
    h = np.full(f.shape, 10.0 ** (dc_gain_db / 20.0), dtype=complex)
    for fz in zeros_hz:
        h *= 1.0 + 1j * f / fz
    for fp in poles_hz:
        h /= 1.0 + 1j * f / fp
    return h


def ctle_93a(
    f_hz,
    g_dc_db: float,
    g_dc2_db: float,
    f_z_hz: float,
    f_p1_hz: float,
    f_p2_hz: float,
    f_lf_hz: float,
):
    """The IEEE 802.3 two-stage CTLE (Annex 93A, eq. 93A-22).

    H(f) = [10^(g_DC/20) + jf/f_z] / [(1 + jf/f_p1)(1 + jf/f_p2)]
           × [10^(g_DC2/20) + jf/f_LF] / [1 + jf/f_LF]

    Causal and minimum phase; its DC gain is g_DC·g_DC2 and the first stage peaks towards
    f_p1 by −g_DC dB.
    """
    f = np.asarray(f_hz, dtype=float)
    g1 = 10.0 ** (g_dc_db / 20.0)
    g2 = 10.0 ** (g_dc2_db / 20.0)
    stage1 = (g1 + 1j * f / f_z_hz) / ((1.0 + 1j * f / f_p1_hz) * (1.0 + 1j * f / f_p2_hz))
    stage2 = (g2 + 1j * f / f_lf_hz) / (1.0 + 1j * f / f_lf_hz)
    return stage1 * stage2


def ctle_93a_gain_derivative(f_hz, g_dc2_db: float, f_p1_hz: float, f_p2_hz: float, f_lf_hz: float):
    """∂H/∂g of :func:`ctle_93a` with respect to g = 10^(g_DC/20).

    H is affine in g (only the first stage's numerator holds it), so
    H(g') = H(g) + (g' − g)·∂H/∂g exactly: what CTLE gain adaptation needs.
    """
    f = np.asarray(f_hz, dtype=float)
    g2 = 10.0 ** (g_dc2_db / 20.0)
    stage2 = (g2 + 1j * f / f_lf_hz) / (1.0 + 1j * f / f_lf_hz)
    return stage2 / ((1.0 + 1j * f / f_p1_hz) * (1.0 + 1j * f / f_p2_hz))


def t_spaced_fir(f_hz, taps, cursor: int, ui_s: float):
    """Response of a T-spaced FIR whose main tap (index ``cursor``) sits at t = 0.

    H(f) = Σ_i c_i · exp(−j2πf (i − cursor) T).
    """
    f = np.asarray(f_hz, dtype=float)
    taps = np.asarray(taps, dtype=float)
    # Horner in z = exp(−j2πfT) (|z| = 1, so stable): one complex exp for any number of taps
    z = np.exp(-2j * np.pi * f * ui_s)
    h = np.polyval(taps[::-1], z)
    return h / z**cursor if cursor else h


def apply_t_spaced_fir(x, taps, cursor: int, step: int = 1, circular: bool = False):
    """The time-domain twin of :func:`t_spaced_fir`, along axis 0 of ``x``.

    out[j] = Σ_i taps[i]·x[j − (i − cursor)·step]: tap i delays ``x`` by (i − cursor) UI, one
    UI being ``step`` entries (1 for T-spaced cursors or polyphase rows, S for a pulse sampled
    at S per UI). Entries shifted past either end are dropped (zeros come in), or wrap round
    when ``circular`` (a periodic response, as on an FFT grid).
    """
    x = np.asarray(x, dtype=float)
    out = np.zeros_like(x)
    n = x.shape[0]
    for i, w in enumerate(taps):
        k = (i - cursor) * step
        if w == 0:
            continue
        if circular:
            out += w * np.roll(x, k, axis=0)
        elif 0 <= k < n:
            out[k:] += w * x[: n - k]
        elif -n < k < 0:
            out[:k] += w * x[-k:]
    return out


def sample_hold(f_hz, samples_per_ui: int, dt_s: float):
    """The discrete 1-UI rectangular symbol pulse (NRZ hold of ``samples_per_ui`` samples).

    Its response is Σ_{n<S} exp(−j2πf n dt): convolving an impulse response with it gives the
    pulse response exactly on the sample grid.
    """
    f = np.asarray(f_hz, dtype=float)
    z = np.exp(-2j * np.pi * f * dt_s)
    # Geometric sum (1 − z^S)/(1 − z), with its limit S where z = 1.
    near_one = np.abs(1 - z) < 1e-12
    safe = np.where(near_one, 0.5, z)
    out = (1 - safe**samples_per_ui) / (1 - safe)
    return np.where(near_one, complex(samples_per_ui), out)


def raised_cosine_lowpass(f_hz, f_pass_hz: float, f_stop_hz: float):
    """Zero-phase low-pass: 1 below ``f_pass_hz``, a cos² roll-off, 0 from ``f_stop_hz``."""
    f = np.asarray(f_hz, dtype=float)
    x = np.clip((f - f_pass_hz) / (f_stop_hz - f_pass_hz), 0.0, 1.0)
    return (np.cos(0.5 * np.pi * x) ** 2).astype(complex)
