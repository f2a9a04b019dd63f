"""COM per Annex 178A (P802.3dj): the MMSE reference receiver's search and its A_ni.

The EQ search visits the same CTLE × Tx FFE grid as Annex 93A (with the same visiting rule),
each candidate judged by the FOM of its MMSE Rx FFE + DFE (:mod:`.mmse`, 178A.1.6-1.8). At the
winner, on the pulses through the Tx FFE and the Rx FFE (:func:`final_case`):

- A_s = R_LM·h(0)/(L − 1) of the equalised pulse; the DFE's one tap cancels its first
  post-cursor within [b_min, b_max] (93A-26);
- ISI: every sample at the cursor's phase; crosstalk: each aggressor through the Rx FFE at the
  phase chosen at the FFE input (178A-20); jitter: A_DD·h_J as a delta distribution;
- Gaussian: Tx noise shaped by the channel (178A-21) and Rx noise (η0 through H_r·H_ctf), both
  through the Rx FFE, and σ_RJ²σ_X²Σh_J²;
- ADC quantisation (178A.1.9): the step from the signal at the quantiser, its uniform noise
  through every Rx FFE tap as one more distribution (:mod:`.quant`);
- COM_DFE = 20·log10(A_s/A_ni) with A_ni the DER_0 point (:mod:`.pmf`); with MLSD, COM =
  max(COM_DFE, COM_DFE + ΔCOM_MLSD) (178A-49, :mod:`.mlsd`).
"""

from __future__ import annotations

import numpy as np

from ..filters import apply_t_spaced_fir
from .fom import full_taps, rx_filter, slopes, tx_equalize, worst_phase
from .mlsd import ffe_output_correlation, isi_correlation, mlsd_credit
from .mmse import MmseSearch, RxFfe
from .params import ComParams
from .pmf import noise_distribution
from .quant import quantization_noise, quantizer_step
from .result import ComCase

#: Whole-UI lags of the noise autocorrelations the MLSD credit uses (error events shorter).
MLSD_LAGS = 64


def rx_noise_lag_basis(params: ComParams, f_hz, basis, n_lags: int) -> np.ndarray:
    """The Rx-noise autocorrelation at lags kT for the CTLE basis pairs: [4, 4, n_lags], V².

    The two-sided density η0/2 through |H_r·H_ctf|² (178A-17) is a quadratic form in the CTLE
    basis weights w (H_ctf = Σ w_a B_a), so its autocorrelation at any setting is
    Σ_ab w_a w_b R_ab with R_ab the inverse transform of η0/2·Re(H_r B_a·conj(H_r B_b)), sampled
    once per UI (the folded PSD's autocorrelation).
    """
    m = params.samples_per_ui
    hb = np.array([rx_filter(params, f_hz) * b for b in basis])
    scale = 0.5 * params.eta0_v2_per_hz * 2 * f_hz[-1]
    out = np.zeros((len(basis), len(basis), n_lags))
    for a in range(len(basis)):
        for b in range(a, len(basis)):
            acf = np.fft.irfft((hb[a] * hb[b].conj()).real)[::m][:n_lags] * scale
            out[a, b, : acf.size] = acf
            out[b, a] = out[a, b]
    return out


class Search178:
    """One package case's MMSE search: a FOM evaluator per CTLE setting.

    Parameters
    ----------
    window : list of lists of float64[n_w]
        Each channel's four CTLE-basis pulses (:func:`~.fom.ctle_basis`) on the search window,
        amplitudes included, without Tx FFE.
    kinds : list of str
        Each channel's kind ("thru" first, then "fext"/"next").
    """

    def __init__(self, params: ComParams, f_hz, basis, window, kinds):
        self.params = params
        self.rx = RxFfe.from_params(params)
        self.window = [np.asarray(ch) for ch in window]
        self.kinds = kinds
        self.rx_lags = rx_noise_lag_basis(params, f_hz, basis, self.rx.n_taps + MLSD_LAGS + 1)

    def pulses(self, weights) -> tuple[np.ndarray, list, list]:
        """Victim, FEXT and NEXT pulses (without Tx FFE) at a CTLE setting."""
        out = [weights @ ch for ch in self.window]
        fext = [p for p, k in zip(out[1:], self.kinds[1:], strict=True) if k == "fext"]
        nxt = [p for p, k in zip(out[1:], self.kinds[1:], strict=True) if k == "next"]
        return out[0], fext, nxt

    def rx_noise(self, weights) -> np.ndarray:
        """The Rx-noise autocorrelation at lags kT at a CTLE setting, V²."""
        return np.einsum("a,b,abk->k", weights, weights, self.rx_lags)

    def mmse(self, weights, ref_taps, exact_adc: bool = False) -> MmseSearch:
        """The MMSE search of one CTLE setting; the ADC step is found for the Tx FFE
        ``ref_taps`` (full, c(0) included) and scaled for the others (see
        :class:`~.mmse.MmseSearch`); with ``exact_adc`` it is found at every sampling time
        (the reference's procedure, for the chosen candidate)."""
        victim, fext, nxt = self.pulses(weights)
        rx_noise = self.rx_noise(weights)
        adc = self.adc_reference(victim, fext, nxt, rx_noise, ref_taps)
        if adc is not None and exact_adc:
            params = self.params
            v, xt = self._at_quantiser(victim, fext, nxt, ref_taps)

            def adc(samples, phase):  # the Gaussian part at this sampling time (178A-31)
                var = _gaussian_at_quantiser(params, rx_noise, victim, v, int(phase), xt)
                return _adc_step(params, samples, var, bins=2001)

        return MmseSearch(self.params, self.rx, victim, fext, nxt, rx_noise, adc=adc)

    def adc_reference(self, victim, fext, nxt, rx_noise, ref_taps):
        """(Δ, signal + noise variance, noise variance) at the quantiser for one Tx FFE, at the
        peak's phase, with the Gaussian approximation of the noise the reference's EQ search
        uses (Rx, Tx, crosstalk and random jitter, 178A-31); None without an ADC."""
        params, m = self.params, self.params.samples_per_ui
        if not params.adc_bits:
            return None
        v, xt = self._at_quantiser(victim, fext, nxt, ref_taps)
        ph = int(np.argmax(v)) % m
        var_noise = _gaussian_at_quantiser(params, rx_noise, victim, v, ph, xt)
        step = _adc_step(params, v[ph::m], var_noise, bins=2001)
        return step, params.var_x * float(np.sum(v[ph::m] ** 2)) + var_noise, var_noise

    def _at_quantiser(self, victim, fext, nxt, ref_taps):
        """The victim through the Tx FFE ``ref_taps``, and each aggressor's T-spaced samples
        at its worst phase (FEXT through the same Tx FFE), at the quantiser."""
        params, m = self.params, self.params.samples_per_ui
        tx_eq = _tx_equaliser(params, ref_taps)
        aggressors = [tx_eq(p) for p in fext] + list(nxt)
        return tx_eq(victim), [a[worst_phase(a, m) :: m] for a in aggressors]


def _gaussian_at_quantiser(params: ComParams, rx_noise, victim0, victim_in, ph: int, xt=()):
    """The Gaussian noise variance at the quantiser (178A-31, 178A-44): Rx noise, Tx noise (the
    victim without its Tx FFE, 178A-21), random jitter of the victim there, and the crosstalk
    samples ``xt`` when they count as Gaussian (the EQ search's approximation), V²."""
    m, var_x = params.samples_per_ui, params.var_x
    return (
        float(rx_noise[0])
        + 10 ** (-params.snr_tx_db / 10) * float(np.sum(victim0[ph::m] ** 2))
        + var_x * sum(float(np.sum(x**2)) for x in xt)
        + params.sigma_rj_ui**2 * var_x * float(np.sum(slopes(victim_in, ph, m) ** 2))
    )


def _adc_step(params: ComParams, samples, var_noise: float, interference=(), bins: int = 8001):
    """Δ of the parameter set's ADC for the signal ``samples`` at the quantiser (178A-29/30)."""
    return quantizer_step(
        samples, var_noise, params.levels, interference, params.adc_bits,
        params.adc_clip_probability, bins=bins,
    ).step_v  # fmt: skip


def _tx_equaliser(params: ComParams, taps):
    """A pulse through the full Tx FFE ``taps`` (whole-UI shifts, zeros in)."""
    return lambda p: tx_equalize(params, p, taps)


def _acf(x: np.ndarray, n_lags: int) -> np.ndarray:
    """Σ_n x[n]·x[n + k] for k = 0 … n_lags − 1 (zeros past the sequence)."""
    full = np.correlate(x, x, mode="full")[x.size - 1 :]
    out = np.zeros(n_lags)
    out[: min(n_lags, full.size)] = full[:n_lags]
    return out


def final_case(search: Search178, weights, combo, case: int, fom_db: float, g1: float, g2: float):
    """COM of one package case at the chosen CTLE and Tx FFE (see the module docstring)."""
    params, rx = search.params, search.rx
    m, levels = params.samples_per_ui, params.levels
    var_x = params.var_x
    taps_tx = full_taps(params, np.atleast_2d(combo))
    res = search.mmse(weights, taps_tx[0], exact_adc=True)(taps_tx)
    w = res.rx_taps[0]
    cursor_ix = int(res.cursor_ix[0])
    b_lo, b_hi = params.dfe_bmin, params.dfe_bmax
    victim0, fext0, next0 = search.pulses(weights)

    tx_eq = _tx_equaliser(params, taps_tx[0])

    def rx_eq(p):
        return apply_t_spaced_fir(p, w, rx.n_pre, step=m)

    victim_in = tx_eq(victim0)  # at the quantiser (the Rx FFE input)
    victim = rx_eq(victim_in)
    row, ph = divmod(cursor_ix, m)
    h0 = float(victim[cursor_ix])
    a_s = params.rlm * h0 / (levels - 1)
    # residual ISI after the DFE (93A-26/27 on the equalised pulse)
    isi = victim[ph::m].copy()
    isi[row] = 0.0
    n_b = len(b_hi)
    post = isi[row + 1 : row + 1 + n_b]
    dfe = np.clip(post / h0, b_lo[: post.size], b_hi[: post.size])
    isi[row + 1 : row + 1 + post.size] = post - dfe * h0
    # crosstalk: through the Rx FFE at the phase chosen at its input (178A-20)
    aggressors_in = [tx_eq(p) for p in fext0] + list(next0)
    phases = [worst_phase(p, m) for p in aggressors_in]
    xts = [rx_eq(p)[k::m] for p, k in zip(aggressors_in, phases, strict=True)]
    # jitter, Tx and Rx noise at the detector
    h_j = slopes(victim, ph, m)
    var_rj = params.sigma_rj_ui**2 * var_x * float(np.sum(h_j**2))
    tx_scale = 10 ** (-params.snr_tx_db / 10)
    var_tx = tx_scale * float(np.sum(rx_eq(victim0)[ph::m] ** 2))  # 178A-21, no Tx FFE
    n_lags = rx.n_taps + MLSD_LAGS + 1
    r_rn_in = search.rx_noise(weights)
    r_rn_out = ffe_output_correlation(r_rn_in, w, MLSD_LAGS)
    var_n = float(r_rn_out[0])
    var_g = var_tx + var_rj + var_n
    h_dd = params.a_dd_ui * h_j
    # ADC quantisation (178A.1.9): the step from the signal and noise at the quantiser
    h_j_in = slopes(victim_in, ph, m)
    quant_step = 0.0
    extra, extra_support = None, 0.0
    if params.adc_bits:
        # crosstalk and A_DD·h_J as delta distributions here (178A.1.9)
        interference_in = [p[k::m] for p, k in zip(aggressors_in, phases, strict=True)]
        interference_in.append(params.a_dd_ui * h_j_in)
        var_in = _gaussian_at_quantiser(params, r_rn_in, victim0, victim_in, ph)
        quant_step = _adc_step(params, victim_in[ph::m], var_in, interference_in)

        def extra(step_v, n):
            return quantization_noise(w, quant_step, step_v, n).pmf

        extra_support = float(np.abs(w).sum()) * quant_step / 2
    dist = noise_distribution(
        [isi, h_dd, *xts], var_g, a_s, levels, params.der0, extra=extra,
        extra_support_v=extra_support,
    )  # fmt: skip
    com_dfe = float(20 * np.log10(a_s / dist.a_ni_v))
    com_db, mlsd_db = com_dfe, None
    if params.mlsd:
        # every noise term at the FFE input (178A-17), through the Rx FFE (178A-56)
        r_in = r_rn_in.copy()
        r_in += tx_scale * _acf(victim0[ph::m], n_lags)
        r_in += var_x * sum(
            _acf(p[k::m], n_lags) for p, k in zip(aggressors_in, phases, strict=True)
        )
        r_in += var_x * (params.a_dd_ui**2 + params.sigma_rj_ui**2) * _acf(h_j_in, n_lags)
        r_in[0] += quant_step**2 / 12
        credit = mlsd_credit(
            dist.pmf_rest, dist.step_v, dist.var_g_applied_v2, a_s, params.der0,
            float(min(max(dfe[0], 0.0), 1.0)) if dfe.size else 0.0, levels,
            ffe_output_correlation(r_in, w, MLSD_LAGS), r_rn_out,
            isi_correlation(isi, levels, MLSD_LAGS), params.mlsd_added_noise_db,
        )  # fmt: skip
        mlsd_db = float(credit.delta_com_db)
        com_db = max(com_dfe, com_dfe + mlsd_db)
    var_xt = var_x * float(sum(np.sum(x**2) for x in xts))
    var_q = float(np.sum(w**2)) * quant_step**2 / 12
    return ComCase(
        case=case,
        com_db=com_db,
        a_s_v=float(a_s),
        a_ni_v=dist.a_ni_v,
        fom_db=fom_db,
        g_dc_db=g1,
        g_dc2_db=g2,
        tx_taps=taps_tx[0],
        dfe_taps=dfe,
        cursor_ix=cursor_ix,
        sigmas_v={
            "tx": np.sqrt(var_tx),
            "isi": np.sqrt(var_x * float(np.sum(isi**2))),
            "j": np.sqrt(var_rj),
            "xt": np.sqrt(var_xt),
            "n": np.sqrt(var_n),
            "q": np.sqrt(var_q),
            "g": np.sqrt(var_g),
        },
        victim_pulse=victim,
        pmf_v=dist.y_v,
        pmf=dist.pmf,
        rx_taps=w,
        com_dfe_db=com_dfe,
        mlsd_delta_db=mlsd_db,
    )
