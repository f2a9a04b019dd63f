"""Receive equaliser optimisation from the pulse response: joint T-spaced Rx FFE + DFE.

The receiver sees T-spaced samples r_k = Σ_n c_n a_{k−n} + z_k of the pulse response ``c`` at
one sampling phase (a_k the Tx level in V, mean power σ_x²) plus a stationary disturbance z_k
described entirely by its T-spaced autocorrelation (ACF): Rx noise through the Rx chain,
crosstalk (each aggressor's cursors with its own independent data), Tx noise (white per symbol,
through the whole pulse) and sampling jitter (white, σ_τ²·σ_x²·Σ h'(n)², the COM model of
93A-28/32). The FFE output is y_k = Σ_i w_i r_{k + n_pre − i} (tap ``n_pre`` is the cursor
tap, the convention of :func:`sigint.filters.t_spaced_fir`); the equalised response is
f = c ∗ w and the DFE subtracts f_1..f_{n_dfe} times past decisions.

MMSE (the classic finite-length MMSE-DFE): minimise E|y_k − Σ b_n â_{k−n} − a_k|² subject to
the unit-cursor constraint f_0 = 1, with the DFE taps b_n = f_n (n = 1..n_dfe) so that those
rows drop out of the ISI term. With A = σ_x² H_Iᵀ H_I + R_z (H_I the convolution rows of every
ISI position, R_z the disturbance covariance) the **Lagrange-multiplier** solution is
w = A⁻¹h₀ / (h₀ᵀA⁻¹h₀) and the unbiased MSE is 1/(h₀ᵀA⁻¹h₀). This is exactly the
unconstrained (biased) MMSE solution rescaled to a unit cursor (Sherman–Morrison); the biased
solution's cursor is ``bias`` = SNR/(1 + SNR). With per-tap DFE limits the clipped taps cancel
only up to their limit; the residual (f_n − b_n)·a stays in the cost and the FFE is re-solved
with those taps fixed (an active-set iteration). Floating DFE taps are out of scope.

ZF: the same constrained problem without the disturbance, i.e. least-squares zero forcing of
every residual ISI position (all pre-cursors, all post-cursors beyond the DFE) with the
cursor held at 1 — exact zero forcing whenever the FFE can zero them (the noise-free limit of
MMSE). The SNR of either solution is evaluated with every disturbance term given.

SNR convention (:mod:`sigint.theory`): mean symbol power over noise power at the slicer,
σ_x² = mean of the squared Tx levels; with a unit cursor the signal power is σ_x².
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass
from itertools import product
from typing import Literal

import numpy as np
import scipy.linalg as sla

from . import filters
from .bounds import (
    Disturbance,
    _as_cursors,
    _autocorr,
    disturbance,
    disturbance_from_link,
    equalized_peak_phase,
    jitter_variance_ui2,
    noise_acf_from_transfer,
)

EqCriterion = Literal["mmse", "zf"]

__all__ = [
    "EqSolution",
    "SearchCandidate",
    "SearchResult",
    "evaluate_ffe_dfe",
    "search_ctle_txffe",
    "solve_ffe_dfe",
    "solve_from_link",
]

# Relative Tikhonov term that makes the ZF normal equations definite when the FFE has more
# freedom than ISI positions to zero (it picks the smallest-norm taps among the exact ones).
_ZF_REGULARISATION = 1e-12
_DFE_ITERATIONS = 20
_PHASE_ITERATIONS = 8


# --------------------------------------------------------------------------------------------
# The solver
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EqSolution:
    """A joint Rx FFE + DFE and its predicted slicer figures.

    Attributes
    ----------
    ffe_taps : ndarray
        T-spaced FFE taps; ``ffe_taps[ffe_cursor]`` weighs the cursor sample (the equalised
        cursor is 1: taps are in V/V from the Tx level to the slicer).
    ffe_cursor : int
        Number of pre-cursor taps (``n_pre``).
    dfe_taps : ndarray
        DFE taps relative to the unit equalised cursor (clipped to their limits).
    equalized : ndarray
        The equalised T-spaced response c ∗ w; ``equalized[main] == 1``.
    main : int
        Index of the equalised main cursor in ``equalized``.
    snr_db : float
        Unbiased slicer SNR: σ_x² / (residual ISI + noise + crosstalk + Tx noise + jitter).
    mse : float
        The unbiased mean-square error at the slicer (its denominator), V².
    bias : float
        Cursor of the unconstrained (biased) MMSE solution, SNR/(1 + SNR).
    components : dict of str to float
        Each term's share of ``mse``, V² (``"isi"``, ``"dfe_clip"``, and the disturbances).
    why : str
        What dominated the residual.
    phase : int or None
        Sampling phase used (set by :func:`solve_from_link`).
    """

    ffe_taps: np.ndarray
    ffe_cursor: int
    dfe_taps: np.ndarray
    equalized: np.ndarray
    main: int
    snr_db: float
    mse: float
    bias: float
    components: dict
    why: str
    phase: int | None = None


def _conv_matrix(c: np.ndarray, n_taps: int) -> np.ndarray:
    """H[j, i] = c[j − i]: the equalised response is H @ w."""
    h = np.zeros((c.size + n_taps - 1, n_taps))
    for i in range(n_taps):
        h[i : i + c.size, i] = c
    return h


def _limits(dfe_limits, n_dfe):
    if dfe_limits is None:
        return None
    lim = np.asarray(dfe_limits, dtype=float)
    if lim.ndim == 1:
        lim = np.stack([-np.abs(lim), np.abs(lim)], axis=1)
    if lim.shape != (n_dfe, 2) or np.any(lim[:, 0] > lim[:, 1]):
        raise ValueError(
            f"dfe_limits shape {lim.shape}: expected ({n_dfe},) max |b| or ({n_dfe}, 2) [min, max]"
        )
    return lim


def _describe(components: dict, snr_db: float) -> str:
    total = sum(components.values())
    if total <= 0:
        return f"SNR {snr_db:.2f} dB: no residual (noise-free, ISI fully cancelled)"
    order = sorted(components.items(), key=lambda kv: -kv[1])
    names = {
        "isi": "residual ISI",
        "dfe_clip": "DFE clipping",
        "noise": "Rx noise",
        "crosstalk": "crosstalk",
        "tx_noise": "Tx noise",
        "jitter": "jitter",
    }
    parts = ", ".join(f"{names[k]} {100 * v / total:.0f} %" for k, v in order if v > 0)
    return f"SNR {snr_db:.2f} dB; residual dominated by {names[order[0][0]]} ({parts})"


def evaluate_ffe_dfe(
    pulse,
    ffe_taps,
    ffe_cursor: int,
    n_dfe: int,
    dist: Disturbance | None = None,
    *,
    phase: int | None = None,
    signal_power: float = 1.0,
    dfe_limits=None,
) -> EqSolution:
    """Slicer figures of given FFE taps (rescaled to a unit cursor) with a ZF DFE of n_dfe taps.

    The DFE cancels the equalised post-cursors 1..n_dfe (clipped to ``dfe_limits``).
    """
    c, m, _ = _as_cursors(pulse, phase)
    dist = Disturbance({}) if dist is None else dist
    w = np.asarray(ffe_taps, dtype=float)
    f = np.convolve(c, w)
    j0 = m + ffe_cursor
    if f[j0] == 0:
        raise ValueError("ffe_taps: the equalised cursor is zero")
    w, f = w / f[j0], f / f[j0]
    return _figures(f, j0, w, ffe_cursor, n_dfe, dist, signal_power, _limits(dfe_limits, n_dfe))


def _figures(f, j0, w, n_pre, n_dfe, dist, sx2, lim) -> EqSolution:
    post = f[j0 + 1 : j0 + 1 + n_dfe]
    post = np.concatenate([post, np.zeros(n_dfe - post.size)])
    b = post if lim is None else np.clip(post, lim[:, 0], lim[:, 1])
    isi = np.delete(f, np.arange(j0, min(j0 + 1 + n_dfe, f.size)))
    comps = {"isi": sx2 * float(np.sum(isi**2)), "dfe_clip": sx2 * float(np.sum((post - b) ** 2))}
    n = w.size
    for name, acf in dist.terms.items():
        r = sla.toeplitz(np.pad(acf, (0, max(0, n - acf.size)))[:n])
        comps[name] = float(w @ r @ w)
    mse = sum(comps.values())
    snr = sx2 / mse if mse > 0 else np.inf
    snr_db = float(10 * np.log10(snr)) if mse > 0 else float("inf")
    return EqSolution(
        ffe_taps=w,
        ffe_cursor=n_pre,
        dfe_taps=b,
        equalized=f,
        main=j0,
        snr_db=snr_db,
        mse=float(mse),
        bias=float(snr / (1 + snr)) if mse > 0 else 1.0,
        components=comps,
        why=_describe(comps, snr_db),
    )


def solve_ffe_dfe(
    pulse,
    n_pre: int,
    n_post: int,
    n_dfe: int,
    criterion: EqCriterion = "mmse",
    *,
    phase: int | None = None,
    sigma_noise_v: float = 0.0,
    noise_acf: np.ndarray | None = None,
    aggressors=(),
    jitter=None,
    tx_noise_sigma_v: float = 0.0,
    dfe_limits=None,
    signal_power: float = 1.0,
) -> EqSolution:
    """Joint T-spaced Rx FFE + DFE for a pulse response at one sampling phase.

    Parameters
    ----------
    pulse : PulseResponse or array_like
        The pulse (its T-spaced cursors at ``phase``, main cursor at ``pre_ui``), or T-spaced
        cursors directly (main cursor at ``phase``, default the largest).
    n_pre, n_post : int
        FFE pre- and post-cursor taps (n_pre + n_post + 1 taps; cursor tap ``n_pre``).
    n_dfe : int
        DFE taps cancelling the equalised post-cursors 1..n_dfe.
    criterion : {"mmse", "zf"}
        Unit-cursor MMSE (Lagrange multiplier), or least-squares zero forcing.
    phase : int, optional
        Sample phase within the UI (default the pulse's sampling phase, S // 2).
    sigma_noise_v : float
        White noise RMS at the FFE input (T-spaced samples), V; ignored with ``noise_acf``.
    noise_acf : array_like, optional
        T-spaced noise ACF at the FFE input, lags 0, 1, ... (V²), e.g. from :func:`noise_acf`.
    aggressors : sequence
        ``AggressorPulse`` objects (on the pulse's sample grid) or (cursors, power) pairs.
    jitter : float or JitterConfig, optional
        RMS sampling jitter in UI (or the components of a ``JitterConfig``); needs a
        PulseResponse for the slope.
    tx_noise_sigma_v : float
        RMS white noise added to each Tx symbol (through the whole pulse), V.
    dfe_limits : array_like, optional
        Per-tap limits: (n_dfe,) max |b|, or (n_dfe, 2) [min, max].
    signal_power : float
        σ_x², the mean squared Tx level, V² (``mean(levels_v**2)``).

    Returns
    -------
    EqSolution

    Notes
    -----
    Cost O(N²·(L + N)) to build the normal equations and O(N³) to solve them (N FFE taps,
    L cursors): ~1 ms for N = 64, L = 260. Floating DFE taps are not modelled.

    Examples
    --------
    >>> sol = solve_ffe_dfe([0.0, 1.0, 0.5, 0.25], 2, 2, 2, sigma_noise_v=1e-3)
    >>> round(float(sol.equalized[sol.main]), 12), sol.dfe_taps.round(3).tolist()
    (1.0, [0.5, 0.25])
    """
    if criterion not in ("mmse", "zf"):
        raise ValueError(f"criterion = {criterion!r}: expected 'mmse' or 'zf'")
    for name, v in (("n_pre", n_pre), ("n_post", n_post), ("n_dfe", n_dfe)):
        if not (isinstance(v, (int, np.integer)) and v >= 0):
            raise ValueError(f"{name} = {v!r}: expected a non-negative integer")
    if not (np.isfinite(signal_power) and signal_power > 0):
        raise ValueError(f"signal_power = {signal_power!r}: expected a positive power in V²")
    c, m, _ = _as_cursors(pulse, phase)
    dist = disturbance(
        pulse,
        phase=phase,
        signal_power=signal_power,
        sigma_noise_v=sigma_noise_v,
        noise_acf=noise_acf,
        aggressors=aggressors,
        jitter=jitter,
        tx_noise_sigma_v=tx_noise_sigma_v,
    )
    lim = _limits(dfe_limits, n_dfe)
    n = n_pre + n_post + 1
    h = _conv_matrix(c, n)
    j0 = m + n_pre
    h0 = h[j0]
    sx2 = float(signal_power)
    gram_all = h.T @ h
    r_z = sla.toeplitz(dist.acf(n)) if criterion == "mmse" else np.zeros((n, n))

    dfe_rows = np.arange(j0 + 1, min(j0 + 1 + n_dfe, h.shape[0]))
    clipped = np.zeros(dfe_rows.size, bool)
    targets = np.zeros(dfe_rows.size)
    for _ in range(_DFE_ITERATIONS):
        free = dfe_rows[~clipped]  # rows the DFE cancels exactly: out of the cost
        hf = h[free]
        a = sx2 * (gram_all - hf.T @ hf - np.outer(h0, h0)) + r_z
        hc, tc = h[dfe_rows[clipped]], targets[clipped]
        lin = sx2 * (hc.T @ tc)  # clipped taps leave (f_n − b_n)·a in the error
        if criterion == "zf":
            a = a + _ZF_REGULARISATION * max(np.trace(a) / n, 1e-300) * np.eye(n)
        cho = sla.cho_factor(a)
        u, v = sla.cho_solve(cho, h0), sla.cho_solve(cho, lin)
        w = u * (1.0 - h0 @ v) / (h0 @ u) + v
        if lim is None:
            break
        f_post = h[dfe_rows] @ w
        lo, hi = lim[: dfe_rows.size, 0], lim[: dfe_rows.size, 1]
        grown = clipped | (f_post < lo) | (f_post > hi)
        new_targets = np.where(grown, np.clip(f_post, lo, hi), 0.0)
        if np.array_equal(grown, clipped) and np.allclose(new_targets, targets, atol=1e-12):
            break
        clipped, targets = grown, new_targets
    f = h @ w
    return _figures(f, j0, w, n_pre, n_dfe, dist, sx2, lim)


def solve_from_link(
    link,
    n_pre: int,
    n_post: int,
    n_dfe: int,
    criterion: EqCriterion = "mmse",
    *,
    phase: int | Literal["peak", "equalized-peak"] = "peak",
    jitter="config",
    dfe_limits=None,
) -> EqSolution:
    """:func:`solve_ffe_dfe` on a :class:`~sigint.link.Link`'s pulse with all its disturbances.

    Rx noise (ACF of the engine's noise process), Tx noise, crosstalk and (by default) the
    Tx jitter config as sampling jitter. The Link's pulse must not already fold an Rx FFE.

    ``phase``: an int (as in :func:`solve_ffe_dfe`), ``"peak"`` (the unequalised pulse's peak)
    or ``"equalized-peak"``: re-solve at the phase where the equalised pulse peaks until the
    two agree (a fixed point, usually 2–4 solves), which is where the time-domain engine
    samples when these taps are folded in as its Rx FFE. The phase used is
    ``EqSolution.phase``.
    """
    s = link.pulse.samples_per_ui
    sx2 = float(np.mean(link.levels_v**2))

    def solve_at(p):
        dist = disturbance_from_link(link, p, jitter)
        sol = solve_ffe_dfe(
            link.pulse, n_pre, n_post, n_dfe, criterion, phase=p, signal_power=sx2,
            noise_acf=dist.acf(), dfe_limits=dfe_limits,
        )  # fmt: skip
        sol = evaluate_ffe_dfe(
            link.pulse, sol.ffe_taps, n_pre, n_dfe, dist,
            phase=p, signal_power=sx2, dfe_limits=dfe_limits,
        )  # fmt: skip
        return dataclasses.replace(sol, phase=p)

    if phase == "peak":
        return solve_at(s // 2)
    if phase != "equalized-peak":
        return solve_at(int(phase))
    p, seen = s // 2, {}
    for _ in range(_PHASE_ITERATIONS):
        sol = seen[p] = solve_at(p)
        p_next = equalized_peak_phase(link.pulse, sol.ffe_taps, n_pre)
        if p_next == p:
            return sol
        if p_next in seen:
            break
        p = p_next
    best = max(seen.values(), key=lambda v: v.snr_db)
    engine = equalized_peak_phase(link.pulse, best.ffe_taps, n_pre)
    note = f"; no fixed point: designed for phase {best.phase}, the engine samples at {engine}"
    return dataclasses.replace(best, why=best.why + note)


# --------------------------------------------------------------------------------------------
# CTLE + Tx FFE search
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SearchCandidate:
    """One CTLE + Tx FFE setting and its figure of merit (MMSE post-EQ SNR, dB)."""

    g_dc_db: float
    g_dc2_db: float
    tx_taps: tuple
    tx_cursor: int
    fom_db: float
    phase: int


@dataclass(frozen=True)
class SearchResult:
    """The outcome of :func:`search_ctle_txffe`.

    Attributes
    ----------
    best : SearchCandidate
    solution : EqSolution
        The winner's Rx FFE + DFE, with its residual breakdown.
    runner_up_margin_db : float
        FOM of the winner minus the best other candidate (inf when only one).
    table : list of SearchCandidate
        Every candidate, in grid order (g_dc, g_dc2, pre, post).
    why : str
    elapsed_s, candidates_per_s : float
    sampling_offset_ui : float
        Where the winner was designed to be sampled, from the peak of its equalised pulse
        (Tx FFE, CTLE and Rx FFE applied), UI: an MMSE FFE + DFE leaves a large first
        post-cursor for the DFE, so its pulse often peaks after the design instant. Set
        :attr:`~sigint.config.RxConfig.sampling_offset_ui` to it (with the Rx FFE folded in)
        for a link that samples, and zero-forces its DFE, where the design did.
    """

    best: SearchCandidate
    solution: EqSolution
    runner_up_margin_db: float
    table: list
    why: str
    elapsed_s: float
    candidates_per_s: float
    sampling_offset_ui: float = 0.0


def _as_taps(v) -> tuple:
    return tuple(float(x) for x in np.atleast_1d(v))


def _significant_rows(table: np.ndarray, threshold: float = 1e-5) -> tuple[int, int, int]:
    """(peak row, first and last significant row as circular offsets from it)."""
    n = table.shape[0]
    mag = np.abs(table).max(axis=1)
    peak = int(np.argmax(mag))
    rows = np.flatnonzero(mag >= threshold * mag[peak])
    off = (rows - peak + n // 2) % n - n // 2
    return peak, int(off.min()), int(off.max())


class _CtleBasis:
    """Responses through the 93A-22 CTLE for every (g_DC, g_DC2) from four inverse FFTs.

    H = (g₁ + jf/f_z)(g₂ + jf/f_LF) · S(f), S holding the poles and the rest of the Rx (the
    802.3ck frequencies: f_z = f_p1 = f_b/2.5, f_p2 = f_b, f_LF = f_b/80, as
    :func:`sigint.filters.ctle_93a`), is bilinear in the linear gains g₁ = 10^(g_DC/20) and
    g₂ = 10^(g_DC2/20); so is |H|² in g₁², g₂² (the zeros' terms jf/f are imaginary). A
    response is then g₁g₂·r₀ + g₁·r₁ + g₂·r₂ + r₃ with r_i the inverse FFTs of x·S·{1, jf/f_LF,
    jf/f_z, (jf/f_z)(jf/f_LF)}: one FFT per candidate CTLE becomes four per search.
    """

    def __init__(self, f_hz, f_baud_hz: float, rest):
        f = np.asarray(f_hz, dtype=float)
        fb = f_baud_hz
        self.a = 1j * f / (fb / 2.5)  # first stage's zero term
        self.b = 1j * f / (fb / 80)  # second stage's
        self.shape = rest / ((1.0 + 1j * f / (fb / 2.5)) * (1.0 + 1j * f / fb) * (1.0 + self.b))

    def responses(self, x) -> tuple:
        """The four time responses of ``x`` through the CTLE's basis."""
        y = x * self.shape
        return tuple(np.fft.irfft(v) for v in (y, y * self.b, y * self.a, y * self.a * self.b))

    def noise_acfs(self, band, dt_s: float, samples_per_ui: int, n0: float) -> tuple:
        """:func:`noise_acf_from_transfer`'s basis in (g₁², g₂²)."""
        w = np.abs(self.shape * band) ** 2
        u, v = np.abs(self.a) ** 2, np.abs(self.b) ** 2
        return tuple(
            noise_acf_from_transfer(np.sqrt(w * k), dt_s, samples_per_ui, n0)
            for k in (1.0, v, u, u * v)
        )

    @staticmethod
    def combine(basis, g_dc_db: float, g_dc2_db: float, power: int = 1):
        """The response at one CTLE setting (``power=2``: a basis in the squared gains)."""
        g1 = 10.0 ** (power * g_dc_db / 20.0)
        g2 = 10.0 ** (power * g_dc2_db / 20.0)
        r0, r1, r2, r3 = basis
        return g1 * g2 * r0 + g1 * r1 + g2 * r2 + r3


def search_ctle_txffe(
    cfg,
    g_dc_db=(-14.0,),
    g_dc2_db=(-3.0,),
    tx_pre=(0.0,),
    tx_post=(0.0,),
    rx_ffe: tuple[int, int] = (4, 11),
    n_dfe: int = 1,
    criterion: EqCriterion = "mmse",
    *,
    phase_offsets=(0,),
    c0_min: float = 0.0,
    jitter="config",
) -> SearchResult:
    """Grid search of the 93A-22 CTLE and the Tx FFE, scored by the post-EQ SNR (FOM).

    Parameters
    ----------
    cfg : LinkConfig or Link
        The link; its channel, Tx edge, Rx bandwidth, noise, Tx noise, crosstalk and jitter
        are kept, its CTLE, Tx FFE and Rx FFE replaced by each candidate (a built
        :class:`~sigint.link.Link` is used as it is: searches over one channel share it).
    g_dc_db, g_dc2_db : sequence of float
        CTLE gains (the 802.3ck 93A-22 family, :func:`sigint.filters.ctle_93a`).
    tx_pre, tx_post : sequence
        Tx pre- and post-cursor values; each a float (one tap) or a tuple (c(−k)..c(−1),
        c(1)..c(k)). c(0) = 1 − Σ|c|; candidates with c(0) ≤ ``c0_min`` are skipped.
    rx_ffe : (int, int)
        Rx FFE pre- and post-cursor taps solved for each candidate.
    n_dfe : int
    criterion : {"mmse", "zf"}
    phase_offsets : sequence of int
        Sampling instants tried, samples from the candidate's pulse peak (FOM: the best).
    jitter : "config", float, JitterConfig or None
        Sampling-jitter model (default the config's Tx jitter, COM-style).

    Returns
    -------
    SearchResult

    Notes
    -----
    The channel is built once (:class:`~sigint.link.Link`); each CTLE costs one inverse FFT
    for the pulse, one for the noise ACF and one per aggressor; each Tx FFE is a shift-and-add
    of T-spaced rows, and each candidate one Rx FFE/DFE solve. Measured on one core (demo
    224G PAM4 link, 4096-UI window, 21 × 7 × 5 × 3 = 2205 candidates, 1-tap DFE): ~750
    candidates/s with a 16-tap Rx FFE (2.9 s), ~550/s with 64 taps (4.0 s).
    """
    from .link import Link

    t0 = time.perf_counter()
    link = cfg if isinstance(cfg, Link) else Link(cfg)
    cfg = link.cfg
    s, ui, f = cfg.sim.samples_per_ui, cfg.ui_s, link.f_hz
    dt = ui / s
    q = cfg.sim.noise_samples_per_ui
    f_stop = q * cfg.f_baud_hz / 2
    band = filters.raised_cosine_lowpass(f, 0.8 * f_stop, f_stop)
    common_tx = filters.sample_hold(f, s, dt) * filters.gaussian_edge(f, link.resolved.rise_time_s)
    front = filters.butterworth4(f, link.resolved.rx_bandwidth_hz)
    sx2 = float(np.mean(link.levels_v**2))
    sigma_tx = link.tx_noise_sigma_v()
    var_j = jitter_variance_ui2(cfg.tx.jitter if jitter == "config" else jitter)
    n0 = cfg.rx.noise_density_v2_hz
    aggs = [(a, link.coupling(a.config, f), float(np.mean(a.levels_v**2))) for a in link.aggressors]
    n_pre, n_post = rx_ffe

    tx_sets = []
    for pre, post in product(tx_pre, tx_post):
        pre, post = _as_taps(pre), _as_taps(post)
        c0 = 1.0 - sum(abs(x) for x in pre + post)
        if c0 > c0_min:
            tx_sets.append(((*pre, c0, *post), len(pre)))
    if not tx_sets:
        raise ValueError(f"tx_pre, tx_post: no candidate with c(0) > c0_min = {c0_min}")

    def shifted(table, taps, cursor):
        return filters.apply_t_spaced_fir(table, taps, cursor, circular=True)

    ctle = _CtleBasis(f, cfg.f_baud_hz, front)
    pulse_basis = ctle.responses(common_tx * link.channel.s21)
    noise_basis = ctle.noise_acfs(band, dt, s, n0) if n0 > 0 else None
    agg_bases = [(a, ctle.responses(common_tx * coupling), power) for a, coupling, power in aggs]
    table = []
    for g1, g2 in product(g_dc_db, g_dc2_db):
        base = ctle.combine(pulse_basis, g1, g2).reshape(-1, s)
        n_ui = base.shape[0]
        _, lo, hi = _significant_rows(base)
        acf_n = None if noise_basis is None else ctle.combine(noise_basis, g1, g2, power=2)
        agg_base = [(a, ctle.combine(b, g1, g2).reshape(-1, s), power) for a, b, power in agg_bases]
        for taps, cursor in tx_sets:
            vt = shifted(base, taps, cursor)
            peak_row, peak_col = divmod(int(np.argmax(np.abs(vt))), s)
            flat = vt.ravel()
            best_here = None
            for off in phase_offsets:
                t = peak_row * s + peak_col + int(off)
                row0, col = divmod(t, s)
                first = row0 + lo - len(taps)
                rows = np.arange(first, row0 + hi + len(taps) + 1) % n_ui
                c = vt[rows, col]
                terms = {}
                if acf_n is not None:
                    terms["noise"] = acf_n
                if sigma_tx:
                    terms["tx_noise"] = sigma_tx**2 * _autocorr(c)
                if var_j:
                    idx = rows * s + col
                    slope = (flat[(idx + 1) % flat.size] - flat[(idx - 1) % flat.size]) * s / 2
                    terms["jitter"] = np.array([var_j * sx2 * float(np.sum(slope**2))])
                if aggs:
                    xt = np.zeros(1)
                    for a, at, power in agg_base:
                        if a.config.ffe_taps is not None:
                            at = shifted(at, a.config.ffe_taps, a.config.ffe_cursor)
                        elif a.config.kind == "fext":
                            at = shifted(at, taps, cursor)
                        g = at[:, col]
                        g = g[np.abs(g) >= 1e-6 * np.abs(g).max()] if g.any() else g[:1]
                        ac = power * _autocorr(g)
                        xt = np.pad(xt, (0, max(0, ac.size - xt.size)))
                        xt[: ac.size] += ac
                    terms["crosstalk"] = xt
                dist = Disturbance(terms)
                sol = solve_ffe_dfe(
                    c, n_pre, n_post, n_dfe, criterion, phase=row0 - first,
                    noise_acf=dist.acf() if terms else None, signal_power=sx2,
                )  # fmt: skip
                if best_here is None or sol.snr_db > best_here[0].snr_db:
                    best_here = (sol, dist, c, row0 - first, t - peak_row * s, t)
            sol, dist, c, m, phase, t = best_here
            cand = SearchCandidate(g1, g2, taps, cursor, sol.snr_db, phase)
            table.append((cand, (c, m, sol.ffe_taps, dist, t)))

    order = sorted(range(len(table)), key=lambda i: -table[i][0].fom_db)
    best, (c, m, w, dist, t) = table[order[0]]
    solution = evaluate_ffe_dfe(c, w, n_pre, n_dfe, dist, phase=m, signal_power=sx2)
    # the winner's equalised pulse (Tx FFE, CTLE, Rx FFE), to place the design instant on it
    fb = cfg.f_baud_hz
    h_rx = front * filters.ctle_93a(f, best.g_dc_db, best.g_dc2_db, fb / 2.5, fb / 2.5, fb, fb / 80)
    eq_pulse = np.fft.irfft(
        common_tx * link.channel.s21 * h_rx
        * filters.t_spaced_fir(f, best.tx_taps, best.tx_cursor, ui)
        * filters.t_spaced_fir(f, w, n_pre, ui)
    )  # fmt: skip
    n_t = eq_pulse.size
    offset = (t - int(np.argmax(np.abs(eq_pulse))) + n_t // 2) % n_t - n_t // 2
    margin = best.fom_db - table[order[1]][0].fom_db if len(order) > 1 else float("inf")
    elapsed = time.perf_counter() - t0
    pre_txt = ", ".join(f"{x:+.3g}" for x in best.tx_taps[: best.tx_cursor]) or "none"
    post_txt = ", ".join(f"{x:+.3g}" for x in best.tx_taps[best.tx_cursor + 1 :]) or "none"
    runner = "" if len(order) < 2 else f"{margin:.3f} dB above the next"
    if len(order) > 1:
        nxt = table[order[1]][0]
        runner += f" (g_DC {nxt.g_dc_db:g}, g_DC2 {nxt.g_dc2_db:g} dB, Tx {nxt.tx_taps})"
    why = (
        f"g_DC {best.g_dc_db:g} dB, g_DC2 {best.g_dc2_db:g} dB, Tx pre [{pre_txt}] post "
        f"[{post_txt}]: FOM {best.fom_db:.2f} dB{', ' + runner if runner else ''}; "
        + solution.why.split("; ", 1)[-1]
    )
    return SearchResult(
        best=best,
        solution=solution,
        runner_up_margin_db=float(margin),
        table=[t[0] for t in table],
        why=why,
        elapsed_s=elapsed,
        candidates_per_s=len(table) / elapsed,
        sampling_offset_ui=offset / s,
    )
