"""Infinite-length equaliser bounds: the MMSE-DFE (Salz) and MMSE linear-equaliser SNRs.

REFERENCE.md §8.2. For T-spaced sampling at one phase, the folded SNR is

    SNR_fold(ω) = σ_x² |P_T(e^{jω})|² / S_z(e^{jω}),

with P_T the DTFT of the T-spaced pulse samples (exactly the folded spectrum
(1/T)·Σ_k P(f − k/T) of the continuous pulse, at ω = 2πfT) and S_z the DTFT of the T-spaced
disturbance ACF (the folded noise PSD; the (σ_x²/T)/(N0/2) of §8.2 for white noise). Then

    SNR_DFE,U = exp( (1/2π) ∫ ln(1 + SNR_fold) dω ) − 1        (unbiased MMSE-DFE, Salz)
    SNR_LE,U  = [ (1/2π) ∫ 1/(1 + SNR_fold) dω ]⁻¹ − 1          (unbiased MMSE-LE)

over |ω| < π. SNR convention as :mod:`sigint.theory` and :mod:`sigint.eqopt`: mean symbol power
σ_x² (mean squared Tx level) over noise power at the slicer. A flat channel returns the input
SNR σ_x² c₀²/σ² exactly. The disturbance terms (Rx noise ACF, crosstalk, Tx noise, jitter) are
those of :func:`sigint.eqopt.disturbance`, treated as Gaussian noise.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .pulse import NoiseResponse, PulseResponse

__all__ = [
    "Disturbance",
    "disturbance",
    "disturbance_from_link",
    "equalized_peak_phase",
    "folded_snr",
    "jitter_variance_ui2",
    "mmse_le_snr_db",
    "noise_acf",
    "noise_acf_from_transfer",
    "salz_mmse_dfe_snr_db",
]

#: Smallest DTFT grid; the integrands are smooth and periodic, so the uniform-grid mean
#: (trapezoid on the circle) converges geometrically.
_MIN_GRID = 8192


# --------------------------------------------------------------------------------------------
# The disturbance: one T-spaced ACF per term
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Disturbance:
    """The stationary disturbance at the FFE input, as T-spaced ACFs (V², lag 0 first).

    Attributes
    ----------
    terms : dict of str to ndarray
        ``"noise"``, ``"crosstalk"``, ``"tx_noise"``, ``"jitter"``: each term's ACF (absent
        terms are left out). Their sum is the disturbance's ACF.
    """

    terms: dict

    def acf(self, n_lags: int | None = None) -> np.ndarray:
        """Total ACF, zero-padded or cut to ``n_lags`` lags."""
        n = max((a.size for a in self.terms.values()), default=1)
        n = n if n_lags is None else n_lags
        out = np.zeros(n)
        for a in self.terms.values():
            k = min(n, a.size)
            out[:k] += a[:k]
        return out


def _autocorr(g: np.ndarray) -> np.ndarray:
    """Σ_j g_j g_{j+d} for d ≥ 0 (direct below 512 samples, where it beats two FFTs)."""
    n = g.size
    if n < 512:
        return np.correlate(g, g, "full")[n - 1 :]
    nfft = 1 << int(np.ceil(np.log2(2 * n)))
    spec = np.fft.rfft(g, nfft)
    return np.fft.irfft(np.abs(spec) ** 2, nfft)[:n]


def jitter_variance_ui2(jitter) -> float:
    """Effective jitter variance σ_τ² in UI² from a float (RMS UI) or a ``JitterConfig``.

    A ``JitterConfig`` counts RJ², (DJ_pp/2)², (DCD_pp/2)² and SJ²/2: the COM dual-Dirac +
    RJ model (A_DD² + σ_RJ², 93A-32) with SJ and DCD as further bounded terms.
    """
    if jitter is None:
        return 0.0
    if isinstance(jitter, (int, float, np.floating)):
        if not (np.isfinite(jitter) and 0 <= jitter <= 0.5):
            raise ValueError(f"jitter = {jitter!r}: expected an RMS jitter in UI from 0 to 0.5")
        return float(jitter) ** 2
    return float(
        jitter.rj_rms_ui**2
        + (jitter.dj_pp_ui / 2) ** 2
        + (jitter.dcd_pp_ui / 2) ** 2
        + jitter.sj_amplitude_ui**2 / 2
    )


def _as_cursors(pulse, phase):
    """(T-spaced cursors, index of the main cursor, slope in V/UI at them or None).

    For a PulseResponse, ``phase`` is the sampling sample counted from the start of the main
    cursor's UI row (default S // 2, the pulse peak); values outside 0..S−1 move the main
    cursor to an earlier or later row.
    """
    if isinstance(pulse, PulseResponse):
        s = pulse.samples_per_ui
        t = pulse.pre_ui * s + (s // 2 if phase is None else int(phase))
        if not 0 <= t < pulse.samples.size:
            raise ValueError(f"phase = {phase}: the sampling instant falls outside the pulse")
        slope = np.gradient(pulse.samples) * s  # V per UI
        return pulse.samples[t % s :: s].copy(), t // s, slope[t % s :: s].copy()
    c = np.asarray(pulse, dtype=float).ravel()
    if c.size == 0 or not np.all(np.isfinite(c)):
        raise ValueError("pulse: expected a PulseResponse or a non-empty finite cursor array")
    main = int(np.argmax(np.abs(c))) if phase is None else int(phase)
    if not 0 <= main < c.size:
        raise ValueError(f"phase = {phase}: expected the main cursor's index in 0..{c.size - 1}")
    return c, main, None


def equalized_peak_phase(pulse: PulseResponse, ffe_taps, ffe_cursor: int) -> int:
    """Sample phase (as ``phase`` of :func:`solve_ffe_dfe`) where the FFE-equalised pulse peaks.

    The time-domain engine samples an FFE-equalised link at this instant (the peak of the
    equalised pulse, :func:`sigint.pulse.pulse_from_transfer`), not at the phase the FFE was
    designed for; :func:`solve_from_link` with ``phase="equalized-peak"`` makes them agree.
    """
    s, p = pulse.samples_per_ui, pulse.samples
    eq = np.zeros(p.size + (len(ffe_taps) - 1) * s)
    for i, w in enumerate(ffe_taps):
        eq[i * s : i * s + p.size] += w * p  # tap i delays by (i − n_pre) UI
    return int(np.argmax(np.abs(eq))) - ffe_cursor * s - pulse.pre_ui * s


def disturbance(
    pulse,
    *,
    phase: int | None = None,
    signal_power: float = 1.0,
    sigma_noise_v: float = 0.0,
    noise_acf: np.ndarray | None = None,
    aggressors=(),
    jitter=None,
    tx_noise_sigma_v: float = 0.0,
) -> Disturbance:
    """Collect the disturbance terms at the FFE input (see :func:`solve_ffe_dfe`)."""
    c, _, slope = _as_cursors(pulse, phase)
    terms: dict = {}
    if noise_acf is not None:
        acf = np.asarray(noise_acf, dtype=float).ravel()
        if acf.size == 0 or acf[0] < 0 or not np.all(np.isfinite(acf)):
            raise ValueError("noise_acf: expected finite lags 0, 1, ... with acf[0] >= 0")
        terms["noise"] = acf.copy()
    elif sigma_noise_v:
        terms["noise"] = np.array([float(sigma_noise_v) ** 2])
    if len(aggressors):
        s = pulse.samples_per_ui if isinstance(pulse, PulseResponse) else 1
        p = (s // 2 if phase is None else phase) % s if isinstance(pulse, PulseResponse) else 0
        xt = np.zeros(1)
        for agg in aggressors:
            if hasattr(agg, "samples"):  # AggressorPulse on the victim's grid
                g, power = np.asarray(agg.samples)[p::s], float(np.mean(agg.levels_v**2))
            else:  # (T-spaced cursors, power)
                g, power = np.asarray(agg[0], float), float(agg[1])
            a = power * _autocorr(g)
            if a.size > xt.size:
                xt = np.pad(xt, (0, a.size - xt.size))
            xt[: a.size] += a
        terms["crosstalk"] = xt
    if tx_noise_sigma_v:
        terms["tx_noise"] = float(tx_noise_sigma_v) ** 2 * _autocorr(c)
    var_ui2 = jitter_variance_ui2(jitter)
    if var_ui2 > 0:
        if slope is None:
            raise ValueError("jitter: needs a PulseResponse (the slope between cursors)")
        terms["jitter"] = np.array([var_ui2 * signal_power * float(np.sum(slope**2))])
    return Disturbance(terms)


def noise_acf(
    noise: NoiseResponse, noise_density_v2_hz: float, phase: int | None = None, n_lags=None
) -> np.ndarray:
    """T-spaced ACF of the Rx noise at the slicer phase, from the engine's noise response.

    The source is white at q samples per UI with variance σ_src² per sample; a sample at
    ``phase`` of UI k is Σ_m x_{kq − m}·table[m, phase], so
    R[L] = σ_src²·Σ_m table[m, p]·table[m + L·q, p] (``table`` from
    :func:`sigint.superpose.response_table`). R[0] equals ``noise.sigma_v(N0, phase)²``.
    """
    from .superpose import response_table

    s, q = noise.samples_per_ui, noise.noise_samples_per_ui
    phase = s // 2 if phase is None else phase % s
    col = response_table(noise.response, s, q)[:, phase]
    src2 = noise_density_v2_hz * noise.source_sigma_per_sqrt_density**2
    n = col.size // q + 1 if n_lags is None else n_lags
    out = np.zeros(n)
    for lag in range(min(n, -(-col.size // q))):
        out[lag] = src2 * np.dot(col[: col.size - lag * q], col[lag * q :])
    return out


def noise_acf_from_transfer(
    h_rx_f: np.ndarray, dt_s: float, samples_per_ui: int, noise_density_v2_hz: float
) -> np.ndarray:
    """T-spaced ACF of white noise (one-sided N0) through ``h_rx_f`` (rfft grid at ``dt_s``).

    R(τ) = ∫ (N0/2)|H(f)|² e^{j2πfτ} df, i.e. (N0/2)/dt · irfft(|H|²) at τ = k·T: lags 0 to
    half the window. It equals :func:`noise_acf` for the engine's band-limited noise process.
    """
    r = np.fft.irfft(np.abs(h_rx_f) ** 2) * (noise_density_v2_hz / 2.0 / dt_s)
    t_spaced = r[::samples_per_ui]
    return t_spaced[: t_spaced.size // 2]


def disturbance_from_link(link, phase: int | None = None, jitter="config") -> Disturbance:
    """Rx noise, Tx noise, crosstalk and (``jitter="config"``: the Tx jitter) of a Link."""
    cfg = link.cfg
    phase = link.pulse.samples_per_ui // 2 if phase is None else phase
    acf = noise_acf(link.noise, cfg.rx.noise_density_v2_hz, phase)
    return disturbance(
        link.pulse,
        phase=phase,
        signal_power=float(np.mean(link.levels_v**2)),
        noise_acf=acf if acf[0] > 0 else None,
        aggressors=link.aggressors,
        jitter=cfg.tx.jitter if jitter == "config" else jitter,
        tx_noise_sigma_v=link.tx_noise_sigma_v(),
    )


# --------------------------------------------------------------------------------------------
# The bounds
# --------------------------------------------------------------------------------------------


def _dtft_power(x: np.ndarray, nfft: int) -> np.ndarray:
    return np.abs(np.fft.rfft(x, nfft)) ** 2


def _dtft_symmetric(acf: np.ndarray, nfft: int) -> np.ndarray:
    """DTFT of the even sequence with lags ``acf`` (acf[0] + 2 Σ acf[k] cos kω)."""
    return 2.0 * np.fft.rfft(acf, nfft).real - acf[0]


def _circle_mean(values: np.ndarray, nfft: int) -> float:
    """Mean over ω ∈ [0, 2π) of an even function given on the rfft grid (0..π)."""
    inner = values[1:-1].sum() if nfft % 2 == 0 else values[1:].sum()
    last = values[-1] if nfft % 2 == 0 else 0.0
    return float((values[0] + 2.0 * inner + last) / nfft)


def folded_snr(
    pulse, *, phase=None, signal_power: float = 1.0, dist: Disturbance | None = None, **terms
):
    """SNR_fold(ω) on the rfft grid ω = 2πk/nfft, k = 0..nfft/2.

    Parameters
    ----------
    pulse : PulseResponse or array_like
        As :func:`sigint.eqopt.solve_ffe_dfe` (T-spaced cursors at ``phase``).
    dist : Disturbance, optional
        The disturbance; otherwise built from ``terms`` (``sigma_noise_v``, ``noise_acf``,
        ``aggressors``, ``jitter``, ``tx_noise_sigma_v``) by :func:`sigint.eqopt.disturbance`.

    Returns
    -------
    omega : ndarray
    snr : ndarray
    """
    c, _, _ = _as_cursors(pulse, phase)
    if dist is None:
        dist = disturbance(pulse, phase=phase, signal_power=signal_power, **terms)
    acf = dist.acf()
    nfft = max(_MIN_GRID, 1 << int(np.ceil(np.log2(4 * max(c.size, acf.size)))))
    s_z = _dtft_symmetric(acf, nfft)
    if not np.all(s_z > 0):
        raise ValueError("the disturbance PSD is not positive at every frequency (no noise?)")
    snr = signal_power * _dtft_power(c, nfft) / s_z
    return 2 * np.pi * np.arange(snr.size) / nfft, snr


def salz_mmse_dfe_snr_db(pulse, *, phase=None, signal_power: float = 1.0, dist=None, **terms):
    """Unbiased SNR of the infinite-length MMSE-DFE: exp(mean ln(1 + SNR_fold)) − 1, in dB.

    Parameters as :func:`folded_snr`.

    Examples
    --------
    >>> round(salz_mmse_dfe_snr_db([1.0], sigma_noise_v=0.1), 9)  # flat channel: input SNR
    20.0
    """
    _, snr = folded_snr(pulse, phase=phase, signal_power=signal_power, dist=dist, **terms)
    nfft = 2 * (snr.size - 1)
    value = np.expm1(_circle_mean(np.log1p(snr), nfft))
    return float(10 * np.log10(value))


def mmse_le_snr_db(pulse, *, phase=None, signal_power: float = 1.0, dist=None, **terms):
    """Unbiased SNR of the infinite-length MMSE linear equaliser: 1/mean(1/(1 + SNR_fold)) − 1.

    Parameters as :func:`folded_snr`.

    Examples
    --------
    >>> round(mmse_le_snr_db([1.0], sigma_noise_v=0.1), 9)
    20.0
    """
    _, snr = folded_snr(pulse, phase=phase, signal_power=signal_power, dist=dist, **terms)
    nfft = 2 * (snr.size - 1)
    value = 1.0 / _circle_mean(1.0 / (1.0 + snr), nfft) - 1.0
    return float(10 * np.log10(value))
