"""Pulse responses and the Annex 93A figure of merit over the whole Tx FFE grid at once.

For one CTLE setting the pulse of a Tx FFE c is Σ_i c_i·p(t − (i − n_pre)·T): whole-UI
shifts of one unequalised pulse p (93A-19/24, where the FFE is e^{−j2πf(i−n_pre)T} on a grid
whose period is a whole number of UI, so the shift is exact and circular). Every FOM term is
then a small computation per candidate:

- the cursor by the Mueller–Müller criterion with the first DFE tap (93A-25/26), from the
  candidates' samples in a window around the peak;
- the ISI energy (every sample at the cursor's phase but the cursor, pre-cursors included) as a
  quadratic form cᵀG c, G the lagged products of p's T-spaced samples at that phase,
  corrected for the DFE taps (93A-26/27) from their explicit samples;
- the jitter term Σh_J² and each FEXT aggressor's Σh² per phase as quadratic forms too
  (93A-28/32/33); NEXT aggressors and the noise (93A-35) do not depend on the Tx FFE.

FOM = 10·log10(A_s² / (σ_TX² + σ_ISI² + σ_J² + σ_XT² + σ_N²)) (93A-36) with the cursor-only
Tx noise h(0)²·10^(−SNR_TX/10) and unfiltered crosstalk samples. The ISI counts pre-cursors
as the A_ni stage does (PyChOpMarg 3.4.0's 93A path counts only post-cursors when there is no
Rx FFE, which lets a Tx FFE with c(0) = 0 win the search on a grid that allows it).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import filters
from .dfe import dfe_span, dfe_taps
from .params import ComParams

#: |Residual| of the Mueller–Müller equation taken as an exact solution, V (as the reference).
MM_EXACT_V = 1e-3


def tx_filter(params: ComParams, f_hz) -> np.ndarray:
    """The Tx transition-time filter (93A-46): exp(−2(π f T_r / 1.6832)²)."""
    return np.exp(-2 * (np.pi * np.asarray(f_hz) * params.rise_time_s / 1.6832) ** 2)


def rx_filter(params: ComParams, f_hz) -> np.ndarray:
    """The receiver's 4th-order Butterworth noise filter at f_r·f_b (93A-20)."""
    x = np.asarray(f_hz) / (params.f_r_fbaud * params.f_baud_hz)
    return 1 / (1 - 3.414214 * x**2 + x**4 + 2.613126j * (x - x**3))


def ctle(params: ComParams, f_hz, g_dc_db: float, g_dc2_db: float) -> np.ndarray:
    """The CTLE of 93A-22 at one (g_DC, g_DC2)."""
    return filters.ctle_93a(
        f_hz, g_dc_db, g_dc2_db, params.ctle_fz_hz, params.ctle_fp1_hz, params.ctle_fp2_hz,
        params.ctle_flf_hz,
    )  # fmt: skip


def ctle_basis(params: ComParams, f_hz) -> tuple:
    """Four responses whose combination g1·g2·A + g1·B + g2·C + D is the CTLE at linear
    gains g1 = 10^(g_DC/20), g2 = 10^(g_DC2/20) (93A-22 is bilinear in them)."""
    f = np.asarray(f_hz)
    u = 1 / ((1 + 1j * f / params.ctle_fp1_hz) * (1 + 1j * f / params.ctle_fp2_hz))
    v = (1j * f / params.ctle_fz_hz) * u
    w = 1 / (1 + 1j * f / params.ctle_flf_hz)
    x = (1j * f / params.ctle_flf_hz) * w
    return (u * w, u * x, v * w, v * x)


def slopes(pulse: np.ndarray, phase: int, m: int) -> np.ndarray:
    """h_J: the pulse's slope at ``phase`` of every UI, V/UI (178A-23, 93A-28), by the central
    difference of its neighbouring samples (wrapping round the periodic grid at the ends)."""
    idx = np.arange(pulse.size // m) * m + phase
    n = pulse.size
    return (pulse[(idx + 1) % n] - pulse[(idx - 1) % n]) * (m / 2)


def noise_variance(params: ComParams, f_hz, h_ctf, skip_dc: bool = False) -> float:
    """σ_N² = η0 ∫|H_r H_ctf|² df (93A-35), as a sum over the grid."""
    h = rx_filter(params, f_hz) * h_ctf
    df = f_hz[1] - f_hz[0]
    power = np.abs(h[1:] if skip_dc else h) ** 2
    return float(params.eta0_v2_per_hz * power.sum() * df)


def noise_gram(params: ComParams, f_hz, basis) -> np.ndarray:
    """σ_N² of :func:`noise_variance` as a quadratic form in the CTLE basis weights w:
    σ_N² = wᵀQ w, Q[a, b] = η0·Δf·Σ_f Re(H_r B_a · conj(H_r B_b)) (the CTLE is linear in w)."""
    hb = np.array([rx_filter(params, f_hz) * b for b in basis])
    df = f_hz[1] - f_hz[0]
    return params.eta0_v2_per_hz * df * (hb @ hb.conj().T).real


@dataclass(frozen=True)
class FomGrid:
    """The FOM of every Tx FFE candidate at one CTLE setting (arrays over candidates)."""

    fom_db: np.ndarray
    cursor_ix: np.ndarray
    h0_v: np.ndarray
    var_isi: np.ndarray
    var_j: np.ndarray
    var_xt: np.ndarray
    var_tx: np.ndarray
    var_n: float


def full_taps(params: ComParams, combos: np.ndarray) -> np.ndarray:
    """Tap sets with c(0) = 1 − Σ|c| inserted at the cursor: float64[n, n_taps + 1]."""
    c0 = 1.0 - np.abs(combos).sum(axis=1, keepdims=True)
    k = params.tx_cursor
    return np.concatenate([combos[:, :k], c0, combos[:, k:]], axis=1)


def _shifts(params: ComParams, n_taps: int) -> np.ndarray:
    """UI delay of each full tap: tap i sits (i − n_pre) UI after the cursor tap."""
    return np.arange(n_taps) - params.tx_cursor


def lag_products(a: np.ndarray, b: np.ndarray, max_lag: int) -> np.ndarray:
    """r[k + max_lag, p] = Σ_R a[R, p]·b[R + k, p] (rows circular) for k = −max_lag … max_lag.

    ``a``, ``b``: [n_rows, M] tables of T-spaced samples (one column per phase).
    """
    n = a.shape[0]
    ext = np.concatenate([b[n - max_lag :], b, b[:max_lag]]) if max_lag else b
    out = np.empty((2 * max_lag + 1, a.shape[1]))
    for j in range(2 * max_lag + 1):  # lag k = j − max_lag: b[R + k] = ext[R + j]
        out[j] = np.einsum("rp,rp->p", a, ext[j : j + n])
    return out


def grams_from_lags(r: np.ndarray, shifts: np.ndarray) -> np.ndarray:
    """Every phase's Gram matrix of a tap-shifted sequence, [M, n, n], from its lag products.

    The energy of Σ_i c_i·x[R − s_i] over all rows is cᵀG c with G[i, l] = Σ_R x[R − s_i]·
    x[R − s_l] = r(s_i − s_l): a Toeplitz matrix of the sequence's circular autocorrelation.
    """
    max_lag = (r.shape[0] - 1) // 2
    return np.moveaxis(r[shifts[:, None] - shifts[None, :] + max_lag], -1, 0)


def tx_equalize(params: ComParams, pulse: np.ndarray, taps, circular: bool = False) -> np.ndarray:
    """A pulse through the full Tx FFE ``taps`` (c(0) included): whole-UI shifts, wrapping round
    the periodic grid when ``circular``, zeros coming in otherwise (93A-21)."""
    m = params.samples_per_ui
    return filters.apply_t_spaced_fir(pulse, taps, params.tx_cursor, step=m, circular=circular)


def worst_phase(pulse: np.ndarray, m: int) -> int:
    """The sampling phase of the largest Σh² over the UIs: a crosstalk aggressor's (93A-33,
    178A-20)."""
    return int(np.argmax((_table(pulse, m) ** 2).sum(axis=0)))


def _table(pulse: np.ndarray, m: int) -> np.ndarray:
    """A pulse's whole-UI rows: [n_rows, M]."""
    n_rows = pulse.size // m
    return pulse[: n_rows * m].reshape(n_rows, m)


def _slope_table(pulse: np.ndarray, m: int) -> np.ndarray:
    """:func:`slopes` at every phase: [n_rows, M]."""
    n = (pulse.size // m) * m
    nxt = np.roll(pulse, -1)[:n]
    prv = np.roll(pulse, 1)[:n]
    return ((nxt - prv) * (m / 2)).reshape(-1, m)


def _quad(taps: np.ndarray, gram: np.ndarray) -> np.ndarray:
    """cᵀG c per candidate."""
    return np.einsum("ni,il,nl->n", taps, gram, taps)


def _quad_phases(taps: np.ndarray, grams: np.ndarray) -> np.ndarray:
    """cᵀG_p c for every candidate and phase, [n, M], by one matrix product."""
    k = taps.shape[1]
    m = grams.shape[0]
    tg = (taps @ grams.transpose(1, 0, 2).reshape(k, m * k)).reshape(-1, m, k)
    return np.einsum("npk,nk->np", tg, taps)


def fom_grid(
    params: ComParams,
    victim: np.ndarray,
    fext: list,
    next_: list,
    combos: np.ndarray,
    var_n: float,
) -> FomGrid:
    """The 93A FOM of every Tx FFE candidate at one CTLE setting (:class:`FomSearch`)."""
    return FomSearch.from_pulses(params, victim, fext, next_, var_n)(combos)


class FomSearch:
    """One CTLE setting's pulses, prepared to give the FOM of any batch of Tx FFE candidates.

    What does not depend on the candidates is computed once: the victim's T-spaced table and
    the lag products (circular autocorrelations at lags up to the Tx FFE's span) of its samples
    and of its slopes at every phase, from which each phase's Gram matrices follow by indexing.
    The aggressors enter only through their lag products (:func:`lag_products`), which the
    engine forms for every CTLE setting from a few products per aggressor (the CTLE is bilinear
    in its gains), without building their pulses.

    Parameters
    ----------
    victim : float64[n_t]
        Unequalised victim pulse at this CTLE (amplitude A_v included).
    fext_lags : list of float64[2·S + 1, M]
        Each FEXT aggressor's lag products at this CTLE (A_fe included), S = the Tx FFE span in
        UI; each gets the candidate's Tx FFE.
    next_energy : float
        Σ over NEXT aggressors of their energy at their worst phase (no Tx FFE: fixed).
    var_n : float
        σ_N² at this CTLE.
    """

    def __init__(
        self, params: ComParams, victim, fext_lags: list, next_energy: float, var_n: float
    ):
        m = params.samples_per_ui
        self.params = params
        self.m = m
        self.var_n = var_n
        self.victim = victim
        self.shifts = _shifts(params, len(params.tx_taps) + 1)
        self.n_t = victim.size
        self.n_rows = self.n_t // m
        self.var_x = params.var_x  # 93A-29
        # the candidates' samples in a window around the unequalised peak (cursor search)
        peak0 = int(np.argmax(victim))
        self.lo = peak0 - (self.shifts.max() + 2) * m
        window = np.arange(self.lo, peak0 + (-self.shifts.min() + 3) * m)
        self.shifted = np.stack([victim[(window - s * m) % self.n_t] for s in self.shifts])
        self.table = _table(victim, m)
        span = int(self.shifts.max() - self.shifts.min())
        self.isi_lags = lag_products(self.table, self.table, span)
        slope = _slope_table(victim, m)
        self.j_lags = lag_products(slope, slope, span)
        self.fext_grams = [grams_from_lags(r, self.shifts) for r in fext_lags]
        self.var_next = float(next_energy)

    @classmethod
    def from_pulses(cls, params: ComParams, victim, fext: list, next_: list, var_n: float):
        """The search from explicit aggressor pulses (A_fe / A_ne included)."""
        m = params.samples_per_ui
        span = len(params.tx_taps)
        tables = [_table(a, m) for a in fext]
        fext_lags = [lag_products(t, t, span) for t in tables]
        next_energy = sum(float((_table(nx, m) ** 2).sum(axis=0).max()) for nx in next_)
        return cls(params, victim, fext_lags, next_energy, var_n)

    def _victim_grams(self, ph: int):
        """(ISI Gram, jitter Gram) of the victim at phase ``ph``."""
        s = self.shifts
        return (
            grams_from_lags(self.isi_lags[:, ph : ph + 1], s)[0],
            grams_from_lags(self.j_lags[:, ph : ph + 1], s)[0],
        )

    def __call__(self, combos: np.ndarray) -> FomGrid:
        """The FOM of each candidate (rows of taps without c(0))."""
        params, m, n_t, n_rows = self.params, self.m, self.n_t, self.n_rows
        shifts, var_x = self.shifts, self.var_x
        taps = full_taps(params, combos)
        n = taps.shape[0]
        v = taps @ self.shifted  # [n, W]
        peak = np.argmax(v, axis=1)
        # 93A-25/26: candidates ix within ±1 UI of each candidate's peak
        offs = np.arange(-m, m)
        ix = np.clip(peak[:, None] + offs[None, :], m, v.shape[1] - m - 1)
        rows = np.arange(n)[:, None]
        h_ix, h_pre, h_post = v[rows, ix], v[rows, ix - m], v[rows, ix + m]
        with np.errstate(divide="ignore", invalid="ignore"):
            b1 = np.clip(h_post / h_ix, params.dfe_bmin[0], params.dfe_bmax[0])
        res = np.abs(h_pre - (h_post - b1 * h_ix))
        valid = h_ix > 0
        exact = valid & (res < MM_EXACT_V)
        at_or_before = exact & (offs[None, :] <= 0)
        # preference: the last exact one at or before the peak, else the first exact one
        # after it, else the smallest residual
        n_off = offs.size
        last_before = np.where(
            at_or_before.any(1), n_off - 1 - np.argmax(at_or_before[:, ::-1], 1), -1
        )
        first_exact = np.where(exact.any(1), np.argmax(exact, 1), -1)
        best_res = np.argmin(np.where(valid, res, np.inf), axis=1)
        choice = np.where(
            last_before >= 0, last_before, np.where(first_exact >= 0, first_exact, best_res)
        )
        cursor_w = ix[np.arange(n), choice]
        cursor_ix = (cursor_w + self.lo) % n_t
        h0 = v[np.arange(n), cursor_w]
        phase = cursor_ix % m
        row = cursor_ix // m
        a_s = params.rlm * h0 / (params.levels - 1)
        var_tx = h0**2 * 10 ** (-params.snr_tx_db / 10)  # 93A-30

        # ISI: every row at the cursor's phase but the cursor, less what the DFE cancels
        n_dfe = dfe_span(params)
        k = np.arange(1, n_dfe + 1)
        var_isi = np.empty(n)
        var_j = np.empty(n)
        for ph in np.unique(phase):
            sel = np.flatnonzero(phase == ph)
            g_isi, g_j = self._victim_grams(int(ph))
            seq = self.table[:, ph]
            total = _quad(taps[sel], g_isi)
            r_k = row[sel, None] + k[None, :]  # rows of the DFE taps
            h_k = np.einsum(
                "ni,nik->nk", taps[sel], seq[(r_k[:, None, :] - shifts[None, :, None]) % n_rows]
            )
            resid = h_k - dfe_taps(params, h_k, h0[sel]) * h0[sel, None]
            var_isi[sel] = var_x * (total - h0[sel] ** 2 - (h_k**2).sum(1) + (resid**2).sum(1))
            var_j[sel] = (params.a_dd_ui**2 + params.sigma_rj_ui**2) * var_x * _quad(taps[sel], g_j)
        var_xt = np.full(n, float(self.var_next))
        for grams in self.fext_grams:  # each aggressor at its own worst phase (93A-33)
            var_xt += _quad_phases(taps, grams).max(axis=1)
        var_xt *= var_x
        noise = var_tx + var_isi + var_j + var_xt + self.var_n
        with np.errstate(divide="ignore", invalid="ignore"):
            fom = np.where(h0 > 0, 10 * np.log10(a_s**2 / noise), -np.inf)
        return FomGrid(fom, cursor_ix, h0, var_isi, var_j, var_xt, var_tx, self.var_n)
