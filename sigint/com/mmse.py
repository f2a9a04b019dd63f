"""Annex 178A (P802.3dj) reference-receiver equalisation by MMSE, for batches of EQ candidates.

The receiver is an Rx FFE of ``n_taps`` T-spaced positions (``n_pre`` of them pre-cursor; the
first ``n_fixed`` fixed, the rest open to ``float_groups`` groups of ``float_taps`` adjacent
floating taps) and an ``N_b``-tap DFE. For one sampling time the victim's T-spaced samples h
give the full convolution matrix H (H[n, i] = h[n − i]) with the cursor row h0 = H[d] and the
DFE rows Hb = H[d+1 … d+N_b], d = cursor row + n_pre. With σ_X² = (L² − 1)/(3(L − 1)²) and the
noise autocorrelation R_nn at the FFE input, R = HᵀH + R_nn/σ_X² (178A-33). The MMSE Rx FFE w
and DFE b with a unit cursor (h0ᵀw = 1) solve (178A-33…36 as PyChOpMarg numbers them)

    min  σ_X²·(wᵀRw + 1 + bᵀb − 2wᵀh0 − 2wᵀHbᵀb)   subject to  h0ᵀw = 1.

With P = R − h0h0ᵀ (positive definite: the ISI off the cursor, plus noise), taps S and the DFE
held at b, the best w is P_S⁻¹(λh0 + Hbᵀb) and, with the "forms" α = h0ᵀP_S⁻¹h0,
β = HbP_S⁻¹h0 and Γ = HbP_S⁻¹Hbᵀ,

    MSE(b)/σ_X² = (1 − βᵀb)²/α − bᵀΓb + bᵀb,   least at (ββᵀ/α + I − Γ)·b* = β/α,

which is the reference's bordered system solved in closed form (unclipped: b* = Hb·w). Then,
as the reference does (178A-36; MATLAB ``MMSE_FOM``): DFE taps outside [b_min, b_max] are
clipped and w re-solved with b held there, i.e. MSE(clip(b*)); FFE taps are clipped to
[w_min, w_max]·w(cursor) (178A-26), renormalised to h0ᵀw = 1, and b recomputed from them.
FOM = 20·log10(R_LM / ((L − 1)·√MSE)).

The noise autocorrelation at lags kT comes from the folded PSDs (178A-17/18):

- Rx noise S_rn: η0/2 through |H_r·H_ctf|², its autocorrelation sampled every UI
  (:func:`rx_noise_acf`);
- crosstalk S_xn (178A-20): σ_X²·Σ a[n]a[n+k] of each aggressor's T-spaced samples at its own
  phase of largest Σa²; FEXT aggressors carry the candidate's Tx FFE, NEXT ones none;
- Tx noise S_tn (178A-21/22): 10^(−SNR_TX/10)·Σ p[n]p[n+k], p the victim's pulse *without*
  its Tx FFE (the noise is added after it) at the sampling phase; no σ_X²;
- jitter S_jn (178A-23): σ_X²·(A_DD² + σ_RJ²)·Σ h_J[n]h_J[n+k], h_J the equalised victim's
  slope (central difference, V/UI) at the sampling phase.

The search is the reference's (PyChOpMarg 3.4.0 ``optimize.mmse``, MATLAB ``MMSE``): every
sampling time within ``ts_offsets`` of the victim's peak (default ±UI/2, both ends included);
at each, the floating groups placed one at a time, each where it gives the best FOM *with every
limit applied* together with the groups already placed and without overlapping them
(178A.1.8.1, MATLAB ``FOM_rxffe_floating_taps``); the best sampling time wins (the earliest of
equal ones). How it is fast (about 1.2-1.7 ms per candidate on one core with the 802.3dj KR
receiver, 33 sampling times and 2 × 4 floating taps over 87 positions included; PyChOpMarg
3.4.0 takes ~0.1-0.2 s):

- every lagged product is a quadratic form in the Tx FFE: for taps c at whole-UI shifts,
  Σ_n h[n]h[n+k] = Σ_Δ γ_c(Δ)·ρ(k + Δ), γ_c the autocorrelation of c and ρ that of the
  unequalised samples, per phase, once per CTLE setting (so are the jitter and FEXT terms);
- R is Toeplitz and P a rank-one change of it, never formed whole. Per sampling time the fixed
  taps' block is factored once; a group W then adds ũ_Wᵀ C_WW⁻¹ ũ_W to the forms, C the Schur
  complement over the floating positions (kept as its band) and ũ = [h0, Hbᵀ]_G − P_GS P_S⁻¹
  [h0, Hbᵀ]_S: one k × k LDLᵀ for every start at once gives every start's MSE with its DFE
  limits, and a placed group is a rank-k update (compiled:
  :func:`~sigint.kernels.mmse.solve_mmse`);
- that MSE is a lower bound on the MSE with the FFE limits too (the clipped taps are a feasible
  point of the same problem; with one DFE tap clip(b*) is also its box optimum), so starts are
  solved with every limit in the order of their bound, only until no bound can beat the best
  found. With w_lim = w + δ and R_S·w = [h0, Hbᵀ](λ + 1, b), w_limᵀR_S w_lim needs R only
  where δ is nonzero.

Where this differs from PyChOpMarg 3.4.0 (besides rounding): the lagged products are linear
(zero-extended) sums over the given samples, where PyChOpMarg takes the noise terms' circularly
over COM's period (1/Δf, ~10⁴ UI: the same for pulses that die out within it); the Tx FFE is
applied as zero-filled whole-UI shifts (PyChOpMarg: on COM's periodic frequency grid); FOMs
within 1e-9 dB count as equal; and the ADC's quantisation noise (178A-28, white Δ²/12 at the
FFE input) enters only as a fixed ``white_v2``, where PyChOpMarg (N_qb > 0) derives Δ from each
sampling time's signal distribution (178A-29/30).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .._configio import check as _check
from .._configio import finite as _finite
from ..kernels.mmse import solve_mmse
from .fom import rx_filter
from .params import ComParams

#: Candidates evaluated together (bounds the working memory to a few tens of MB).
CHUNK_CANDIDATES = 64

#: FOMs closer than this are equal: the earliest floating-group start wins (dB).
_TIE_DB = 1e-9


@dataclass(frozen=True)
class RxFfe:
    """The 178A reference receiver's Rx FFE and DFE, and its sampling-time search.

    Parameters
    ----------
    n_taps : int
        Rx FFE positions N_w (with floating taps, the span N_max).
    n_pre : int
        Pre-cursor taps d_w; position ``n_pre`` is the cursor tap.
    w_min, w_max : tuple of float
        Per-position limits relative to the cursor tap (178A-26), ``n_taps`` each (the cursor's
        own entry is ignored: its weight is what the others are relative to).
    dfe_bmin, dfe_bmax : tuple of float
        DFE tap limits, N_b each (empty: no DFE).
    n_fixed : int, optional
        Fixed-position taps N_fix (positions 0 … n_fixed − 1); default all ``n_taps``.
    float_groups, float_taps : int
        Floating groups N_wg of N_wf adjacent taps, placed among positions n_fixed … n_taps − 1.
    ts_offsets : (int, int), optional
        First and last sampling offset from the victim's peak, samples, both included (the
        sheets' "sample_adjustment"); default ±M/2, i.e. ±UI/2.
    """

    n_taps: int
    n_pre: int
    w_min: tuple[float, ...]
    w_max: tuple[float, ...]
    dfe_bmin: tuple[float, ...]
    dfe_bmax: tuple[float, ...]
    n_fixed: int | None = None
    float_groups: int = 0
    float_taps: int = 0
    ts_offsets: tuple[int, int] | None = None

    def __post_init__(self):
        _check(1 <= self.n_taps <= 512, "n_taps", self.n_taps, "1 to 512 Rx FFE positions")
        _check(0 <= self.n_pre < self.n_taps, "n_pre", self.n_pre, f"0 to {self.n_taps - 1}")
        for name in ("w_min", "w_max"):
            v = getattr(self, name)
            _check(
                len(v) == self.n_taps and all(_finite(x) for x in v),
                name,
                v,
                f"{self.n_taps} finite limits relative to the cursor tap",
            )
        _check(
            all(a <= b for a, b in zip(self.w_min, self.w_max, strict=True)),
            "w_min",
            self.w_min,
            "each limit <= its w_max",
        )
        _check(
            len(self.dfe_bmin) == len(self.dfe_bmax)
            and all(
                _finite(a) and _finite(b) and a <= b
                for a, b in zip(self.dfe_bmin, self.dfe_bmax, strict=True)
            ),
            "dfe_bmin",
            self.dfe_bmin,
            f"one lower limit <= dfe_bmax per DFE tap ({len(self.dfe_bmax)})",
        )
        n_fixed = self.fixed
        _check(
            self.n_pre < n_fixed <= self.n_taps,
            "n_fixed",
            self.n_fixed,
            f"more than n_pre ({self.n_pre}) and at most n_taps ({self.n_taps})",
        )
        _check(
            self.float_groups >= 0
            and (self.float_groups == 0 or self.float_taps >= 1)
            and n_fixed + self.float_groups * self.float_taps <= self.n_taps,
            "float_groups",
            self.float_groups,
            f"groups of float_taps ({self.float_taps}) that fit in positions "
            f"{n_fixed} … {self.n_taps - 1}",
        )
        if self.ts_offsets is not None:
            _check(
                len(self.ts_offsets) == 2 and self.ts_offsets[0] <= self.ts_offsets[1],
                "ts_offsets",
                self.ts_offsets,
                "(first, last) sample offsets from the peak, first <= last",
            )

    @property
    def fixed(self) -> int:
        """N_fix (all positions when there are no floating taps)."""
        return self.n_taps if self.n_fixed is None else self.n_fixed

    @property
    def n_dfe(self) -> int:
        """N_b."""
        return len(self.dfe_bmax)

    @classmethod
    def with_limits(
        cls,
        n_taps: int,
        n_pre: int,
        n_fixed: int | None = None,
        float_groups: int = 0,
        float_taps: int = 0,
        fixed_limit: float = 0.7,
        float_limit: float = 0.05,
        dfe_bmin: tuple[float, ...] = (0.0,),
        dfe_bmax: tuple[float, ...] = (0.85,),
        ts_offsets: tuple[int, int] | None = None,
    ) -> RxFfe:
        """A receiver with ±``fixed_limit`` on the fixed taps and ±``float_limit`` beyond them.

        >>> rx = RxFfe.with_limits(87, 6, 15, 2, 4)  # P802.3dj D3.3 KR/CR (Table 178-15)
        >>> rx.w_max[5], rx.w_max[14], rx.w_max[15], rx.n_dfe
        (0.7, 0.7, 0.05, 1)
        """
        n_fix = n_taps if n_fixed is None else n_fixed
        lim = [fixed_limit] * n_fix + [float_limit] * (n_taps - n_fix)
        lim[n_pre] = 1.0
        return cls(
            n_taps=n_taps,
            n_pre=n_pre,
            w_min=tuple(-x if i != n_pre else 1.0 for i, x in enumerate(lim)),
            w_max=tuple(lim),
            dfe_bmin=tuple(dfe_bmin),
            dfe_bmax=tuple(dfe_bmax),
            n_fixed=n_fixed,
            float_groups=float_groups,
            float_taps=float_taps,
            ts_offsets=ts_offsets,
        )

    @classmethod
    def from_params(cls, params: ComParams) -> RxFfe:
        """The receiver of an Annex 178A parameter set: its ``rx_ffe`` table (span, pre-cursor,
        fixed and floating taps and their limits, sampling search) and its DFE limits.

        >>> from sigint.com import load_preset
        >>> RxFfe.from_params(load_preset("802.3dj-KR")) == rx_ffe_8023dj("KR")
        True
        """
        f = getattr(params, "rx_ffe", None)
        if f is None:
            raise ValueError(
                f"{params.name}: no rx_ffe table (an Annex 178A parameter set has one)"
            )
        return cls.with_limits(
            f.n_taps, f.n_pre, f.n_fixed, f.float_groups, f.float_taps, f.fixed_limit,
            f.float_limit, tuple(params.dfe_bmin), tuple(params.dfe_bmax), f.ts_offsets,
        )  # fmt: skip


def rx_ffe_8023dj(group: str = "KR") -> RxFfe:
    """The P802.3dj D3.3 reference receiver (REFERENCE §5.4): KR/CR 87 positions (6 pre,
    15 fixed, 2 × 4 floating), C2C/C2M 56 (5 pre, 14 fixed); ±0.7 fixed, ±0.05 floating;
    one DFE tap in [0, 0.85]."""
    if group in ("KR", "CR"):
        return RxFfe.with_limits(87, 6, 15, 2, 4)
    if group in ("C2C", "C2M"):
        return RxFfe.with_limits(56, 5, 14, 2, 4)
    raise ValueError(f"group = {group!r}: expected 'KR', 'CR', 'C2C' or 'C2M'")


def rx_noise_acf(params: ComParams, f_hz, h_ctf, n_lags: int) -> np.ndarray:
    """Autocorrelation of the Rx noise at the Rx FFE input at lags 0, T, 2T, … (V²).

    The two-sided density η0/2 through |H_r·H_ctf|² (S_rn, 178A-17), its inverse transform
    sampled once per UI, which is the folded PSD's autocorrelation (the DC point included, as
    the reference's).

    Parameters
    ----------
    f_hz : float64[n_f]
        COM's grid: 0 … M·f_b/2 in uniform steps (:func:`~.channel.com_grid`).
    h_ctf : complex128[n_f]
        The CTLE at this setting.
    n_lags : int
        Lags to return (at least the Rx FFE's positions).
    """
    f = np.asarray(f_hz, dtype=float)
    m = params.samples_per_ui
    if f[0] != 0 or abs(2 * f[-1] - m * params.f_baud_hz) > 1e-6 * f[-1]:
        raise ValueError("f_hz: expected COM's grid, 0 … samples_per_ui·f_baud/2")
    psd = 0.5 * params.eta0_v2_per_hz * np.abs(rx_filter(params, f) * h_ctf) ** 2
    acf = np.fft.irfft(psd) * (2 * f[-1])  # autocorrelation at every sample step
    out = np.zeros(n_lags)
    got = acf[::m][:n_lags]
    out[: got.size] = got
    return out


@dataclass(frozen=True)
class MmseResult:
    """MMSE receivers of a batch of candidates, each at its best sampling time (arrays over
    candidates, n of them).

    Attributes
    ----------
    fom_db, mse : float64[n]
        FOM = 20·log10(R_LM/((L − 1)·√MSE)); the MSE is relative to a unit cursor (σ_X² units).
    cursor_ix : int64[n]
        The chosen sampling index into the pulses given (its phase is cursor_ix % M).
    rx_taps : float64[n, n_taps]
        The Rx FFE normalised to a unit cursor tap (position ``n_pre``), zeros at the floating
        positions not used. Tap i weights the pulse (n_pre − i) UI later: the equalised pulse is
        e(t) = Σ_i rx_taps[i]·p(t + (n_pre − i)·T), and e[cursor_ix] = ``cursor_v``.
    dfe_taps : float64[n, N_b]
        b(1 …), relative to the cursor.
    cursor_v : float64[n]
        The equalised cursor with those taps, V (A_s = R_LM·cursor_v/(L − 1)).
    var_isi_v2, var_tx_v2, var_j_v2, var_xt_v2, var_n_v2, var_q_v2 : float64[n]
        The MSE's terms at the slicer with those taps, V²: residual ISI (every row but the
        cursor, the DFE's less b), Tx noise, jitter, crosstalk, Rx noise, white (ADC) noise.
        They sum to MSE·cursor_v².
    fom_ts_db : float64[n, n_offsets]
        The FOM at every sampling offset searched.
    n_exact : int64[n]
        Floating-group starts solved with every limit (a cost figure).
    """

    fom_db: np.ndarray
    mse: np.ndarray
    cursor_ix: np.ndarray
    rx_taps: np.ndarray
    dfe_taps: np.ndarray
    cursor_v: np.ndarray
    var_isi_v2: np.ndarray
    var_tx_v2: np.ndarray
    var_j_v2: np.ndarray
    var_xt_v2: np.ndarray
    var_n_v2: np.ndarray
    var_q_v2: np.ndarray
    fom_ts_db: np.ndarray = field(repr=False)
    n_exact: np.ndarray = field(repr=False)

    @property
    def sigmas_v(self) -> dict:
        """σ of each term at the slicer, V (arrays): "tx", "isi", "j", "xt", "n", "q"."""
        return {
            k: np.sqrt(getattr(self, f"var_{k}_v2")) for k in ("tx", "isi", "j", "xt", "n", "q")
        }


class MmseSearch:
    """One CTLE setting's pulses, prepared to give the MMSE receiver of any batch of candidates.

    Parameters
    ----------
    params : ComParams
        Gives L, R_LM, M, SNR_TX, A_DD, σ_RJ and the Tx FFE's cursor position ``tx_cursor``.
    rx : RxFfe
    victim : float64[n_t]
        The victim's pulse at this CTLE *without* its Tx FFE: A_v, H_t, H21, H_r, H_ctf and the
        1-UI pulse (T·sinc) included; sample 0 on a UI boundary, M samples per UI; zero
        (negligible) outside, with room for the Tx FFE's shifts at both ends. It gives the Tx
        noise (178A-21) and, through :meth:`__call__`, every candidate's victim.
    fext : sequence of float64[n_t]
        FEXT pulses, likewise without Tx FFE (A_fe included); the candidate's Tx FFE is applied.
    next_ : sequence of float64[n_t]
        NEXT pulses (A_ne included); no Tx FFE.
    rx_noise : float64[>= n_taps], optional
        Rx noise autocorrelation at lags kT, V² (:func:`rx_noise_acf`); default none.
    adc : (float, float, float) or callable, optional
        The ADC's quantisation noise (178A-28), white at the FFE input. Either (Δ_ref, var_ref,
        var_noise) — the step found for a reference signal whose variance at the quantiser,
        noise included, is var_ref, and the Gaussian noise variance there; at each candidate
        and sampling time Δ² scales with σ_X²·Σh² + var_noise (the step follows the spread of
        the signal it clips) — or ``adc(samples, phase)`` → Δ for the T-spaced signal samples
        at each candidate's sampling time (and its phase, 0 … M − 1, for the noise terms that
        depend on it), exactly (a few ms each: for a handful of candidates).
    white_v2 : float
        A white noise variance at the FFE input, V², added at lag 0: the ADC's Δ²/12
        (178A-28) when it is taken as fixed (the reference derives Δ from each sampling time's
        signal distribution, 178A-29/30; not done here). Default 0.

    Notes
    -----
    Preparation is O(M·n_rows·log n_rows) per pulse. :meth:`__call__` costs 1.2-1.7 ms per
    candidate for the 802.3dj KR receiver on one core (33 sampling times, 2 × 4 floating taps
    over 87 positions), nearly all of it in the compiled solver
    (:func:`~sigint.kernels.mmse.solve_mmse`); more where clipped taps make many floating-group
    starts need solving with every limit.

    Examples
    --------
    >>> import numpy as np
    >>> from sigint.com import load_preset
    >>> p = load_preset("802.3ck-KR")
    >>> t = np.arange(64 * p.samples_per_ui) / p.samples_per_ui  # UI
    >>> pulse = 0.3 * np.exp(-(((t - 20) / 0.7) ** 2)) + 0.05 * np.exp(-(((t - 21) / 0.7) ** 2))
    >>> rx = RxFfe.with_limits(1, 0)  # the cursor tap alone, and b(1) in [0, 0.85]
    >>> res = MmseSearch(p, rx, pulse, rx_noise=[1e-6])(np.eye(5)[[3]])  # Tx FFE: c(0) = 1
    >>> ix = int(res.cursor_ix[0])
    >>> bool(np.isclose(res.dfe_taps[0, 0], pulse[ix + 32] / pulse[ix]))  # b(1) = h(1)/h(0)
    True
    """

    def __init__(
        self,
        params: ComParams,
        rx: RxFfe,
        victim,
        fext=(),
        next_=(),
        rx_noise=None,
        white_v2: float = 0.0,
        adc=None,
    ):
        m = params.samples_per_ui
        victim = np.asarray(victim, dtype=float)
        if victim.ndim != 1 or victim.size < 2 * m:
            raise ValueError(f"victim: expected a 1-D pulse of several UI, got {victim.shape}")
        self.params, self.rx, self.m = params, rx, m
        self.n_rows = victim.size // m
        self.n_t = self.n_rows * m
        levels = params.levels
        self.var_x = params.var_x  # 93A-29
        self.shifts = np.arange(len(params.tx_taps) + 1) - params.tx_cursor
        self.span = int(self.shifts.max() - self.shifts.min())  # largest |s_i − s_j|
        nw = rx.n_taps
        self.victim = victim[: self.n_t]
        self.table = self.victim.reshape(self.n_rows, m)
        self._prepare_band(rx)
        self.slope_table = _slopes(self.victim, m)
        lags = nw + self.span
        rho = _phase_acf(self.table, lags)  # [M, lags]
        # Tx noise (178A-21): the victim without its Tx FFE, at each phase; no σ_X²
        self.acf_tx = 10 ** (-params.snr_tx_db / 10) * rho[:, :nw]
        self.hankel = _hankel(rho, self.span, nw)  # [M, 2S+1, nw]
        self.hankel_j = _hankel(_phase_acf(self.slope_table, lags), self.span, nw)
        self.fext = [np.asarray(a, dtype=float)[: self.n_t] for a in fext]
        self.fext_hankel = [
            _hankel(_phase_acf(a.reshape(self.n_rows, m), lags), self.span, nw) for a in self.fext
        ]
        acf_next = np.zeros(nw)
        for a in next_:
            acf_next += _best_phase_acf(np.asarray(a, dtype=float)[: self.n_t], m, nw)
        self.acf_next = acf_next  # Σ a[n]a[n+k], V² (σ_X² applied with the FEXT part)
        if rx_noise is None:
            rx_noise = np.zeros(nw)
        rx_noise = np.asarray(rx_noise, dtype=float)
        if rx_noise.size < nw:
            raise ValueError(f"rx_noise: expected at least n_taps = {nw} lags, got {rx_noise.size}")
        self.acf_rx = rx_noise[:nw].copy()
        if not (np.isfinite(white_v2) and white_v2 >= 0):
            raise ValueError(f"white_v2 = {white_v2}: expected a variance >= 0 V²")
        self.white_v2 = float(white_v2)
        # ADC noise (178A-28/29) at each candidate and sampling time: the step Δ_ref found at a
        # reference signal of variance var_ref (signal + Gaussian noise at the quantiser), scaled
        # with the candidate's own signal + noise standard deviation there
        self.adc = adc
        self.jitter_ui2 = params.a_dd_ui**2 + params.sigma_rj_ui**2
        self.fom0 = 20 * np.log10(params.rlm / (levels - 1))

    # ------------------------------------------------------------------ candidates
    def __call__(self, tx_taps) -> MmseResult:
        """The MMSE receiver of each Tx FFE candidate.

        Parameters
        ----------
        tx_taps : float64[n_cand, n_tx]
            Full Tx FFE tap sets, c(0) included at column ``params.tx_cursor`` (e.g.
            :func:`~.fom.full_taps`); tap i delays by (i − tx_cursor) UI (zero-filled shifts).

        Returns
        -------
        MmseResult
        """
        taps = np.atleast_2d(np.asarray(tx_taps, dtype=float))
        if taps.shape[1] != self.shifts.size:
            raise ValueError(
                f"tx_taps: expected {self.shifts.size} taps per candidate (c(0) included), "
                f"got {taps.shape[1]}"
            )
        return self._chunks(taps.shape[0], lambda sl: self._from_taps(taps[sl]))

    def evaluate_pulses(self, victim, fext=()) -> MmseResult:
        """The MMSE receiver for equalised pulses given whole (any Tx equalisation).

        Parameters
        ----------
        victim : float64[n_cand, n_t]
            Each candidate's victim pulse with its Tx FFE (as the constructor's otherwise).
        fext : sequence of float64[n_cand, n_t]
            Each FEXT aggressor's pulses with the candidates' Tx FFE.

        Returns
        -------
        MmseResult
        """
        vic = np.atleast_2d(np.asarray(victim, dtype=float))[:, : self.n_t]
        agg = [np.atleast_2d(np.asarray(a, dtype=float))[:, : self.n_t] for a in fext]
        if vic.shape[1] != self.n_t or any(a.shape != vic.shape for a in agg):
            raise ValueError(f"victim, fext: expected [n_cand, {self.n_t}] arrays")
        return self._chunks(
            vic.shape[0], lambda sl: self._from_pulses(vic[sl], [a[sl] for a in agg])
        )

    def _chunks(self, n: int, prepare) -> MmseResult:
        parts = [
            self._search(*prepare(slice(i, min(i + CHUNK_CANDIDATES, n))))
            for i in range(0, n, CHUNK_CANDIDATES)
        ]
        return MmseResult(
            **{
                k: np.concatenate([getattr(p, k) for p in parts])
                for k in MmseResult.__annotations__
            }
        )

    def _from_taps(self, taps):
        """Victim tables and lagged products of a chunk of Tx FFE candidates."""
        n, m, s = taps.shape[0], self.m, self.span
        gamma = np.zeros((n, 2 * s + 1))  # γ(Δ) = Σ_j c[j+Δ]c[j]
        for d in range(-s, s + 1):
            lo, hi = max(0, -d), min(taps.shape[1], taps.shape[1] - d)
            gamma[:, d + s] = (taps[:, lo + d : hi + d] * taps[:, lo:hi]).sum(axis=1)
        flat = self.hankel.shape[0] * self.hankel.shape[2]
        acf_h = (gamma @ self.hankel.transpose(1, 0, 2).reshape(2 * s + 1, flat)).reshape(n, m, -1)
        acf_j = (gamma @ self.hankel_j.transpose(1, 0, 2).reshape(2 * s + 1, flat)).reshape(
            n, m, -1
        )
        acf_xt = np.zeros((n, self.rx.n_taps))
        for hk in self.fext_hankel:
            power = gamma @ hk[:, :, 0].T  # Σ a² at each phase (lag 0)
            best = np.argmax(power, axis=1)  # 178A-20
            acf_xt += np.einsum("nd,ndk->nk", gamma, hk[best])
        lo, hi = self.band
        if callable(self.adc):  # the exact ADC step needs every row
            lo, hi = 0, self.n_rows
        table = self._tx_rows(taps, lo, hi)
        if (lo, hi) != (0, self.n_rows) and not self._band_holds_peak(taps, table, lo, hi):
            lo, hi = 0, self.n_rows
            table = self._tx_rows(taps, lo, hi)
        return table, lo, acf_h, acf_j, acf_xt

    def _prepare_band(self, rx: RxFfe) -> None:
        """The rows a candidate's search reads when its peak stays near the unequalised one.

        The search reads the equalised victim only at its peak (to place the sampling times)
        and at the rows its Rx FFE and DFE span from there; every lagged product comes from
        the Hankel tables. So the Tx FFE is applied on a band of rows around the unequalised
        peak, wide enough for a peak that moves by the Tx FFE's span, and
        :meth:`_band_holds_peak` proves, per chunk, that no row outside can hold the peak.
        """
        m, n_rows = self.m, self.n_rows
        first, last = rx.ts_offsets if rx.ts_offsets is not None else (-(m // 2), m // 2)
        r0 = int(np.argmax(self.victim)) // m
        drift = self.span + 2
        below = drift + (rx.n_taps - 1 - rx.n_pre) + (-first) // m + 2
        above = drift + rx.n_pre + rx.n_dfe + last // m + 3
        self.band = (max(r0 - below, 0), min(r0 + above, n_rows))
        self._peak_rows = (r0 - drift, r0 + drift)
        # the largest |sample| in rows [0, x) and [x, n_rows): bounds outside the band
        row_max = np.abs(self.table).max(axis=1)
        self._max_before = np.concatenate([[0.0], np.maximum.accumulate(row_max)])
        self._max_from = np.concatenate([np.maximum.accumulate(row_max[::-1])[::-1], [0.0]])

    def _tx_rows(self, taps, lo: int, hi: int) -> np.ndarray:
        """The victim through each candidate's Tx FFE on rows lo … hi − 1: [n, hi − lo, M]."""
        out = np.zeros((taps.shape[0], hi - lo, self.m))
        for k, sh in enumerate(self.shifts):
            a, b = max(lo, sh), min(hi, self.n_rows + sh)  # rows whose source r − sh exists
            if a < b:
                out[:, a - lo : b - lo] += (
                    taps[:, k, None, None] * self.table[None, a - sh : b - sh]
                )
        return out

    def _band_holds_peak(self, taps, table, lo: int, hi: int) -> bool:
        """Whether every candidate's peak lies in the band's row window, above anything the
        rows outside can reach (Σ|c_k| times the largest unequalised sample they draw on)."""
        n = taps.shape[0]
        flat = table.reshape(n, -1)
        peak = np.argmax(flat, axis=1)
        row = lo + peak // self.m
        inside = (row >= self._peak_rows[0]) & (row <= self._peak_rows[1])
        src_lo = np.clip(lo - self.shifts, 0, self.n_rows)
        src_hi = np.clip(hi - self.shifts, 0, self.n_rows)
        reach = np.maximum(self._max_before[src_lo], self._max_from[src_hi])  # [n_taps]
        outside = np.abs(taps) @ reach
        return bool(np.all(inside & (flat[np.arange(n), peak] > outside)))

    def _from_pulses(self, vic, agg):
        n, m, nw = vic.shape[0], self.m, self.rx.n_taps
        table = vic.reshape(n, self.n_rows, m)
        acf_h = _phase_acf(table, nw)
        acf_j = _phase_acf(_slopes(vic, m), nw)
        acf_xt = np.zeros((n, nw))
        for a in agg:
            acf_xt += _best_phase_acf(a, m, nw)
        return table, 0, acf_h, acf_j, acf_xt

    # ------------------------------------------------------------------ search
    def _search(self, table, row0, acf_h, acf_j, acf_xt) -> MmseResult:
        rx, m, nw = self.rx, self.m, self.rx.n_taps
        n = table.shape[0]
        flat = table.reshape(n, -1)
        peak = np.argmax(flat, axis=1) + row0 * m  # table holds rows row0 … (a band)
        first, last = rx.ts_offsets if rx.ts_offsets is not None else (-(m // 2), m // 2)
        offs = np.arange(first, last + 1)
        ts = peak[:, None] + offs[None, :]  # [n, n_off]
        if ts.min() < 0 or ts.max() >= self.n_t:
            raise ValueError("victim: no room for the sampling-time search around the peak")
        phase, row = ts % m, ts // m
        cand = np.repeat(np.arange(n)[:, None], offs.size, axis=1)
        # R's first row: HᵀH's lagged products, plus R_nn/σ_X² (178A-17/18/33)
        acf_white = np.zeros(nw)
        acf_white[0] = self.white_v2
        noise_const = (self.acf_rx + acf_white) / self.var_x + self.acf_next + acf_xt
        r = (
            acf_h[cand, phase]
            + noise_const[cand]
            + self.acf_tx[phase] / self.var_x
            + self.jitter_ui2 * acf_j[cand, phase]
        )
        white = np.full(ts.shape, self.white_v2)
        if callable(self.adc):
            for c, j in np.ndindex(ts.shape):
                white[c, j] += self.adc(table[c, :, phase[c, j]], phase[c, j]) ** 2 / 12
            r[..., 0] += (white - self.white_v2) / self.var_x
        elif self.adc is not None:
            delta_ref, var_ref, var_noise = self.adc
            var_sig = self.var_x * acf_h[cand, phase, 0] + var_noise
            white = white + (delta_ref**2 / 12) * var_sig / var_ref
            r[..., 0] += (white - self.white_v2) / self.var_x
        # h0 and the DFE rows: V[…, i, j] = h[row + n_pre + j − i]
        idx = row[..., None, None] + rx.n_pre + np.arange(rx.n_dfe + 1) - np.arange(nw)[:, None]
        ok = (idx >= 0) & (idx < self.n_rows)
        samp = table[
            cand[..., None, None],
            np.clip(idx - row0, 0, table.shape[1] - 1),
            phase[..., None, None],
        ]
        v = np.where(ok, samp, 0.0)
        b_all = n * offs.size
        r = np.ascontiguousarray(r.reshape(b_all, nw))
        v = np.ascontiguousarray(v.reshape(b_all, nw, -1))
        mse = np.empty(b_all)
        w_all = np.empty((b_all, nw))
        b_all_dfe = np.empty((b_all, rx.n_dfe))
        n_exact = np.zeros(b_all, np.int64)
        solve_mmse(
            r, v, np.asarray(rx.w_min, float), np.asarray(rx.w_max, float),
            np.asarray(rx.dfe_bmin, float), np.asarray(rx.dfe_bmax, float), rx.n_pre, rx.fixed,
            rx.float_groups, rx.float_taps, self.var_x, _TIE_DB, mse, w_all, b_all_dfe, n_exact,
        )  # fmt: skip
        with np.errstate(divide="ignore", invalid="ignore"):
            fom = np.where(mse > 0, self.fom0 - 10 * np.log10(mse), -np.inf)
        fom_ts = fom.reshape(n, offs.size)
        best = np.argmax(fom_ts, axis=1)  # the earliest of equal ones
        pick = np.arange(n) * offs.size + best
        w = w_all[pick]
        bdfe = b_all_dfe[pick]
        ph = phase[np.arange(n), best]
        # breakdown at the winner: wᵀ·Toeplitz(acf)·w for each term (relative to a unit cursor)
        hbw = np.einsum("ni,nij->nj", w, v[pick][:, :, 1:])
        var_isi = self.var_x * (
            _quad_toeplitz(w, acf_h[np.arange(n), ph])
            - 1
            - (hbw**2).sum(1)
            + ((hbw - bdfe) ** 2).sum(1)
        )
        var_tx = _quad_toeplitz(w, self.acf_tx[ph])
        var_j = self.var_x * self.jitter_ui2 * _quad_toeplitz(w, acf_j[np.arange(n), ph])
        var_xt = self.var_x * _quad_toeplitz(w, self.acf_next[None, :] + acf_xt)
        var_n = _quad_toeplitz(w, np.broadcast_to(self.acf_rx, (n, nw)))
        var_q = white[np.arange(n), best] * (w**2).sum(1)
        gain = w[:, rx.n_pre]
        a2 = 1 / gain**2
        return MmseResult(
            fom_db=fom[pick],
            mse=mse[pick],
            cursor_ix=ts[np.arange(n), best],
            rx_taps=w / gain[:, None],
            dfe_taps=bdfe,
            cursor_v=1 / gain,
            var_isi_v2=var_isi * a2,
            var_tx_v2=var_tx * a2,
            var_j_v2=var_j * a2,
            var_xt_v2=var_xt * a2,
            var_n_v2=var_n * a2,
            var_q_v2=var_q * a2,
            fom_ts_db=fom_ts,
            n_exact=n_exact.reshape(n, offs.size).sum(axis=1),
        )


# ---------------------------------------------------------------------- lagged products
def _slopes(pulse, m: int):
    """h_J at every sample (178A-23): (x[n+1] − x[n−1])·M/2, V/UI, zeros beyond the ends;
    as a [..., n_rows, M] table."""
    x = np.asarray(pulse, dtype=float)
    pad = np.zeros((*x.shape[:-1], x.shape[-1] + 2))
    pad[..., 1:-1] = x
    sl = (pad[..., 2:] - pad[..., :-2]) * (m / 2)
    return sl.reshape(*x.shape[:-1], -1, m)


def _phase_acf(table, n_lags: int):
    """Σ_n x[n, φ]·x[n + k, φ] for k < n_lags and every phase φ (linear, zero-extended):
    [..., M, n_lags] from a [..., n_rows, M] table."""
    n_rows = table.shape[-2]
    nfft = 1 << int(np.ceil(np.log2(n_rows + n_lags)))
    spec = np.fft.rfft(table, n=nfft, axis=-2)
    acf = np.fft.irfft(spec.real**2 + spec.imag**2, n=nfft, axis=-2)[..., :n_lags, :]
    return np.swapaxes(acf, -1, -2)


def _hankel(rho, span: int, nw: int):
    """H[φ, Δ + S, k] = ρ_φ(k + Δ) for |Δ| <= S (ρ even), from ρ at lags 0 … nw + S − 1."""
    lag = np.abs(np.arange(-span, span + 1)[:, None] + np.arange(nw)[None, :])
    return rho[:, lag]


def _best_phase_acf(pulse, m: int, nw: int):
    """Σ a[n]a[n+k] of a pulse's T-spaced samples at its phase of largest Σa² (178A-20):
    [..., nw]."""
    table = pulse.reshape(*pulse.shape[:-1], -1, m)
    best = np.argmax((table**2).sum(axis=-2), axis=-1)
    col = np.take_along_axis(table, best[..., None, None], axis=-1)
    return _phase_acf(col, nw)[..., 0, :]


def _quad_toeplitz(w, acf):
    """wᵀ·Toeplitz(acf)·w per row: Σ_k acf[k]·(2 − δ_k0)·Σ_i w[i]w[i+k]."""
    nw = w.shape[1]
    total = acf[:, 0] * (w * w).sum(1)
    for k in range(1, nw):
        total += 2 * acf[:, k] * (w[:, k:] * w[:, : nw - k]).sum(1)
    return total
