"""IEEE 802.3 channel figures: fitted insertion loss, ILD, return loss, integrated crosstalk noise.

Fitted IL (802.3 Clause 92.10.2 / 93A style, REFERENCE.md §4.4): least squares of
``IL(f) = a0 + a1·√f + a2·f + a4·f²`` (f in GHz, IL in dB) over ``f_min ≤ f ≤ f_max``; the
insertion-loss deviation is ``ILD = IL − IL_fitted``.

ICN (802.3bj Clause 92.10.7, cable-assembly integrated crosstalk noise, eqs. 92-46/92-47 as
named in the 802.3 COM reference code, ``MDNEXT_ICN_92_46`` / ``MDFEXT_ICN_92_47``; the same
weighting as Annex 93A eq. 93A-57)::

    σ_nx = sqrt(2·Δf · Σ_n W_nt(f_n) · 10^(−MDNEXT(f_n)/10))
    σ_fx = sqrt(2·Δf · Σ_n W_ft(f_n) · 10^(−MDFEXT(f_n)/10))
    W(f) = (A²/f_b) · sinc²(f/f_b) · 1/(1 + (f/f_t)^4) · 1/(1 + (f/f_r)^8)
    f_t = 0.2365/T_t,  f_r = 0.75·f_b,  σ_x = sqrt(σ_nx² + σ_fx²)

where MDNEXT/MDFEXT are the power sums of the aggressors' crosstalk loss in dB
(``−10·log10 Σ_k |S_k|²``) and the sum runs over the uniform grid ``f_min ≤ f_n ≤ f_max``
(50 MHz to f_b in Clause 92). ``sinc(x) = sin(πx)/(πx)``. The structure was checked against the
802.3 COM reference code as transcribed in public repositories (``PWF = SINC²/(1+(f/ftr)^4)
/(1+(f/fr)^8)``, ``ICN = sqrt(2·Δf/f2·Σ A²·PWF·|MDXT|²)`` with f2 = f_b).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = [
    "ICN",
    "ILFit",
    "fit_insertion_loss",
    "insertion_loss_deviation",
    "integrated_crosstalk_noise",
    "power_sum_db",
    "return_loss_db",
]

_GHZ = 1e9


@dataclass(frozen=True)
class ILFit:
    """Fitted insertion loss ``a0 + a1·√f + a2·f + a4·f²`` (f in GHz, dB).

    Attributes
    ----------
    a0 : float
        dB.
    a1 : float
        dB/√GHz.
    a2 : float
        dB/GHz.
    a4 : float
        dB/GHz².
    f_min_hz, f_max_hz : float
        Band of the fit, Hz.
    """

    a0: float
    a1: float
    a2: float
    a4: float
    f_min_hz: float
    f_max_hz: float

    def __call__(self, f_hz) -> np.ndarray:
        """Fitted IL in dB at ``f_hz`` (Hz)."""
        x = np.asarray(f_hz, dtype=float) / _GHZ
        return self.a0 + self.a1 * np.sqrt(x) + self.a2 * x + self.a4 * x**2


def fit_insertion_loss(
    f_hz, il_db, f_min_hz: float = 0.05e9, f_max_hz: float | None = None
) -> ILFit:
    """Least-squares 802.3 fit of an insertion-loss curve.

    Parameters
    ----------
    f_hz : array_like, shape (nf,)
        Frequencies, Hz.
    il_db : array_like, shape (nf,)
        Insertion loss, dB (positive for loss), e.g. ``-20·log10|SDD21|``.
    f_min_hz : float, default 0.05e9
        Lower edge of the band (50 MHz in Clauses 92/93/136/162).
    f_max_hz : float, optional
        Upper edge; the clauses use a fraction of the signalling rate (e.g. f_b or 0.75·f_b for
        cable assemblies); pass it explicitly. Default: the last frequency.

    Returns
    -------
    ILFit

    Raises
    ------
    ValueError
        If fewer than 4 finite points lie in the band.

    Notes
    -----
    Unweighted least squares over the samples in the band (as the clauses, which assume a
    uniform frequency step). O(nf).

    Examples
    --------
    >>> import numpy as np
    >>> f = np.linspace(0.05e9, 30e9, 600)
    >>> fit = fit_insertion_loss(f, ILFit(0.1, 2.0, 0.2, 0.004, 0, 0)(f))
    >>> round(fit.a1, 6), round(fit.a4, 6)
    (2.0, 0.004)
    """
    f = np.asarray(f_hz, dtype=float)
    il = np.asarray(il_db, dtype=float)
    if f.shape != il.shape or f.ndim != 1:
        raise ValueError(
            f"f_hz and il_db must be 1-D of the same length, got {f.shape}, {il.shape}"
        )
    f_max = float(f[-1]) if f_max_hz is None else float(f_max_hz)
    sel = (f >= f_min_hz) & (f <= f_max) & np.isfinite(il)
    if sel.sum() < 4:
        raise ValueError(
            f"the fit band {f_min_hz / _GHZ:g}–{f_max / _GHZ:g} GHz holds {int(sel.sum())} finite "
            "points; expected ≥ 4"
        )
    x = f[sel] / _GHZ
    basis = np.column_stack([np.ones_like(x), np.sqrt(x), x, x**2])
    (a0, a1, a2, a4), *_ = np.linalg.lstsq(basis, il[sel], rcond=None)
    return ILFit(float(a0), float(a1), float(a2), float(a4), float(f_min_hz), f_max)


def insertion_loss_deviation(f_hz, il_db, fit: ILFit) -> np.ndarray:
    """ILD = IL − IL_fitted, dB.

    Parameters
    ----------
    f_hz : array_like, shape (nf,)
    il_db : array_like, shape (nf,)
    fit : ILFit

    Returns
    -------
    ndarray, shape (nf,)
    """
    return np.asarray(il_db, dtype=float) - fit(f_hz)


def return_loss_db(s_ii) -> np.ndarray:
    """Return loss ``−20·log10|S_ii|`` in dB (positive; ∞ for a perfect match).

    Parameters
    ----------
    s_ii : array_like, complex
        A reflection term such as SDD11 or SDD22.

    Returns
    -------
    ndarray
    """
    with np.errstate(divide="ignore"):
        return -20.0 * np.log10(np.abs(np.asarray(s_ii)))


def power_sum_db(aggressors) -> np.ndarray:
    """Multi-disturber crosstalk loss ``−10·log10 Σ_k |S_k(f)|²`` in dB (MDNEXT / MDFEXT).

    Parameters
    ----------
    aggressors : sequence of array_like, each shape (nf,), complex
        Crosstalk transfer functions (e.g. SDD21 of each NEXT file).

    Returns
    -------
    ndarray, shape (nf,)
    """
    p = np.sum([np.abs(np.asarray(a)) ** 2 for a in aggressors], axis=0)
    with np.errstate(divide="ignore"):
        return -10.0 * np.log10(p)


def _icn_one(f, xt_db, amp_v, t_t_s, f_b_hz, f_r_hz, f_min_hz, f_max_hz) -> float:
    sel = (f >= f_min_hz) & (f <= f_max_hz)
    fn = f[sel]
    if fn.size < 2:
        raise ValueError("the ICN band holds fewer than 2 frequencies")
    df = float(np.mean(np.diff(fn)))
    f_t = 0.2365 / t_t_s
    w = (
        amp_v**2
        / f_b_hz
        * np.sinc(fn / f_b_hz) ** 2
        / (1.0 + (fn / f_t) ** 4)
        / (1.0 + (fn / f_r_hz) ** 8)
    )
    return float(np.sqrt(2.0 * df * np.sum(w * 10.0 ** (-xt_db[sel] / 10.0))))


@dataclass(frozen=True)
class ICN:
    """Integrated crosstalk noise, V rms.

    Attributes
    ----------
    near_v, far_v, total_v : float
        σ_nx, σ_fx and ``sqrt(σ_nx² + σ_fx²)``.
    """

    near_v: float
    far_v: float
    total_v: float


def integrated_crosstalk_noise(
    f_hz,
    next_aggressors=(),
    fext_aggressors=(),
    f_b_hz: float = 25.78125e9,
    a_nt_v: float = 0.6,
    a_ft_v: float = 0.6,
    t_nt_s: float = 24e-12,
    t_ft_s: float = 24e-12,
    f_r_hz: float | None = None,
    f_min_hz: float = 0.05e9,
    f_max_hz: float | None = None,
) -> ICN:
    """Integrated crosstalk noise of NEXT and FEXT aggressors (IEEE 802.3 Clause 92.10.7).

    Parameters
    ----------
    f_hz : array_like, shape (nf,)
        Uniform frequency grid, Hz.
    next_aggressors, fext_aggressors : sequence of array_like, each shape (nf,), complex
        Crosstalk transfer functions (differential) of each aggressor; power-summed into
        MDNEXT / MDFEXT.
    f_b_hz : float, default 25.78125e9
        Signalling rate (Clause 92 default, 100GBASE-CR4).
    a_nt_v, a_ft_v : float, default 0.6
        Disturber peak amplitudes, V (Clause 92: 600 mV NEXT and FEXT).
    t_nt_s, t_ft_s : float, default 24e-12
        Disturber 20–80 % transition times, s (Clause 92: 24 ps); ``f_t = 0.2365/T_t``.
    f_r_hz : float, optional
        Receiver reference bandwidth; default ``0.75·f_b``.
    f_min_hz : float, default 0.05e9
    f_max_hz : float, optional
        Summation band; default ``f_b``.

    Returns
    -------
    ICN
        σ_nx, σ_fx and the total, V rms.

    Notes
    -----
    See the module docstring for the equations and the source. With no aggressors of a kind its
    σ is 0. O(n_aggressors · nf).
    """
    f = np.asarray(f_hz, dtype=float)
    f_r = 0.75 * f_b_hz if f_r_hz is None else float(f_r_hz)
    f_max = f_b_hz if f_max_hz is None else float(f_max_hz)
    near = far = 0.0
    if len(next_aggressors):
        near = _icn_one(
            f, power_sum_db(next_aggressors), a_nt_v, t_nt_s, f_b_hz, f_r, f_min_hz, f_max
        )
    if len(fext_aggressors):
        far = _icn_one(
            f, power_sum_db(fext_aggressors), a_ft_v, t_ft_s, f_b_hz, f_r, f_min_hz, f_max
        )
    return ICN(near, far, float(np.hypot(near, far)))
