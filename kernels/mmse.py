"""The Annex 178A MMSE reference receiver's solves: per problem, the Rx FFE and DFE with a unit
cursor, within their limits, with the floating taps placed.

A problem is one sampling time of one candidate, given as plain arrays: the first row r of the
Toeplitz R = HᵀH + R_nn/σ_X² at the Rx FFE's input, and v = [h0, Hbᵀ], the cursor row and the
DFE rows of the convolution matrix H. :func:`solve_mmse` finds, for each, the FFE taps w
(h0ᵀw = 1) and DFE taps b that minimise

    σ_X²·(wᵀRw + 1 + bᵀb − 2wᵀh0 − 2wᵀHbᵀb)

over the fixed positions and the floating groups, placed one at a time, each where it gives the
least MSE with every limit applied; the limits are applied as the reference applies them
(PyChOpMarg 3.4.0 ``optimize.mmse``, MATLAB ``MMSE``): the DFE clipped to [b_min, b_max] and w
re-solved with b held there, then the FFE clipped relative to its cursor tap, renormalised to
h0ᵀw = 1 and b recomputed. The derivation, the search over sampling times and the noise terms
are in :mod:`sigint.com.mmse`; the plain-numpy twin, which solves the reference's bordered
system for every floating-group start, is ``solve_mmse`` in ``tests/reference.py``.
"""

import numpy as np
from numba import njit

from ._config import JIT_OPTIONS


@njit(**JIT_OPTIONS)
def solve_mmse(
    r, v, w_min, w_max, b_min, b_max, n_pre, n_fixed, n_groups, n_float, var_x, tie_db,
    mse_out, w_out, b_out, n_exact,
):  # fmt: skip
    """The reference's constrained MMSE Rx FFE/DFE with its floating-tap placement, per problem.

    Parameters
    ----------
    r : float64[B, n_w]
        First row of R = HᵀH + R_nn/σ_X² (Toeplitz).
    v : float64[B, n_w, 1 + N_b]
        [h0, Hbᵀ]: the cursor row and the DFE rows of H.
    w_min, w_max : float64[n_w]
        FFE limits relative to the cursor tap (position ``n_pre``).
    b_min, b_max : float64[N_b]
        DFE limits.
    n_pre, n_fixed, n_groups, n_float : int
        d_w, N_fix, N_wg, N_wf.
    var_x : float
        σ_X².
    tie_db : float
        FOMs closer than this are equal (the earliest start wins, as the reference's argmax).
    mse_out : float64[B]
        The MSE (output).
    w_out : float64[B, n_w]
        The taps at unit pulse amplitude (h0ᵀw = 1), zeros at unused positions (output).
    b_out : float64[B, N_b]
        The DFE taps (output).
    n_exact : int64[B]
        Incremented by the number of floating-group starts solved with every limit.

    Notes
    -----
    With P = R − h0h0ᵀ, S the taps so far and G the floating positions, it keeps
    Z = P_S⁻¹P_SG, z = P_S⁻¹[h0, Hbᵀ]_S, the forms [h0, Hbᵀ]ᵀP_S⁻¹[h0, Hbᵀ] (from which the DFE
    and the MSE follow, see :func:`_dfe_forms`), ũ = [h0, Hbᵀ]_G − P_GS z and the band of the
    Schur complement C = P_GG − P_GS Z. A group W adds ũ_Wᵀ C_WW⁻¹ ũ_W to the forms: an
    LDLᵀ of every start's k × k block at once gives every start's MSE with the DFE limits, a
    lower bound on its MSE with every limit. Starts are then solved exactly (:func:`_clipped_mse`)
    in the order of that bound until no bound can beat the best; the winner joins S by a
    rank-k update of all of the above. O(N_fix²·N_g) per problem, plus O(N_g·k²) per group and
    O(|S|·k) per exact start.
    """
    n_prob, nw = r.shape
    tie_hi = 10.0 ** (tie_db / 10.0)  # MSE ratios that count as equal FOMs
    tie_lo = 1.0 / tie_hi
    nv = v.shape[2]
    nb = nv - 1
    nf, k = n_fixed, n_float
    ng = nw - nf
    ns = max(ng - k + 1, 0)
    m_max = nf + n_groups * k
    pos = np.empty(m_max, np.int64)  # the chosen taps' positions, the fixed ones first
    zg = np.empty((m_max, ng))
    zv = np.empty((m_max, nv))
    ut = np.empty((ng, nv))
    band = np.zeros((k, ng))  # band[d, p] = C[p, p + d]
    forms = np.empty((nv, nv))
    fs = np.empty((nv, nv))
    low = np.empty((nf, nf))
    pfg = np.empty((nf, ng))
    ldl = np.empty((k, k, max(ns, 1)))  # every start's L (unit lower) and 1/D
    dinv = np.empty((k, max(ns, 1)))
    yw = np.empty((k, nv, max(ns, 1)))  # L⁻¹ũ_W
    bound = np.empty(max(ns, 1))
    taken = np.zeros(ng, np.bool_)
    crow = np.empty((k, ng))
    ya = np.empty((k, nv))
    zcol = np.empty((m_max, k))
    b_lim = np.empty(nb)
    b_work = np.empty(nb)
    w = np.empty(m_max + k)
    wpos = np.empty(m_max + k, np.int64)
    xw = np.empty(k)
    hbw = np.empty(nb)
    dv = np.empty(nv)
    coef = np.empty(nv)
    d_ix = np.empty(m_max + k, np.int64)
    d_val = np.empty(m_max + k)
    for t in range(n_prob):
        rt = r[t]
        vt = v[t]
        # ---- the fixed taps: Z = P_FF⁻¹[P_FG, v_F]
        for i in range(nf):
            pos[i] = i
            for j in range(nf):
                low[i, j] = rt[abs(i - j)] - vt[i, 0] * vt[j, 0]
            for q in range(ng):
                pfg[i, q] = rt[abs(i - nf - q)] - vt[i, 0] * vt[nf + q, 0]
                zg[i, q] = pfg[i, q]
            for c in range(nv):
                zv[i, c] = vt[i, c]
        if not _chol(low, nf) or not vt[n_pre, 0] != 0.0:
            # degenerate (no noise and an ISI-free pulse, or no cursor): no receiver
            mse_out[t] = np.nan
            w_out[t, :] = np.nan
            b_out[t, :] = np.nan
            continue
        _chol_solve(low, nf, zg, ng)
        _chol_solve(low, nf, zv, nv)
        for c1 in range(nv):
            for c2 in range(nv):
                s = 0.0
                for i in range(nf):
                    s += vt[i, c1] * zv[i, c2]
                forms[c1, c2] = s
        m = nf
        n_grp = n_groups if ns > 0 else 0
        if n_grp:
            for q in range(ng):
                for c in range(nv):
                    ut[q, c] = vt[nf + q, c]
                for d in range(k):
                    band[d, q] = rt[d] - vt[nf + q, 0] * vt[nf + q + d, 0] if q + d < ng else 0.0
            for i in range(nf):
                for c in range(nv):
                    f = zv[i, c]
                    for q in range(ng):
                        ut[q, c] -= pfg[i, q] * f
                for d in range(k):
                    for q in range(ng - d):
                        band[d, q] -= pfg[i, q] * zg[i, q + d]
            taken[:] = False
        for _grp in range(n_grp):
            # ---- every start's MSE with the DFE limits: a lower bound on its exact one
            _window_ldl(band, ut, k, nv, ns, ldl, dinv, yw)
            _window_bounds(forms, yw, dinv, taken, k, nv, ns, b_min, b_max, var_x, bound)
            # ---- exact MSEs in order of the bound, until no bound can beat the best
            order = np.argsort(bound[:ns], kind="mergesort")
            best, best_g = np.inf, -1
            for oi in range(ns):
                g = order[oi]
                if not bound[g] <= best * tie_hi:  # (inf: taken or not positive definite)
                    break
                n_exact[t] += 1
                for c1 in range(nv):
                    for c2 in range(nv):
                        s = forms[c1, c2]
                        for a in range(k):
                            s += yw[a, c1, g] * yw[a, c2, g] * dinv[a, g]
                        fs[c1, c2] = s
                _, mse_b, lam = _dfe_forms(fs, b_min, b_max, var_x, b_lim, b_work)
                coef[0] = lam
                for j in range(nb):
                    coef[1 + j] = b_lim[j]
                # the window's taps x_W = C_WW⁻¹ũ_W·coef; the others z·coef − Z_W x_W
                for a in range(k):
                    s = 0.0
                    for c in range(nv):
                        s += yw[a, c, g] * coef[c]
                    xw[a] = s * dinv[a, g]
                for a in range(k - 1, -1, -1):
                    for b in range(a + 1, k):
                        xw[a] -= ldl[b, a, g] * xw[b]
                for i in range(m):
                    s = 0.0
                    for c in range(nv):
                        s += zv[i, c] * coef[c]
                    for a in range(k):
                        s -= zg[i, g + a] * xw[a]
                    w[i] = s
                    wpos[i] = pos[i]
                for a in range(k):
                    w[m + a] = xw[a]
                    wpos[m + a] = nf + g + a
                mse = _clipped_mse(
                    rt, vt, w, wpos, m + k, n_pre, w_min, w_max, b_min, b_max, coef, b_lim,
                    mse_b, var_x, hbw, dv, d_ix, d_val,
                )  # fmt: skip
                # the least MSE wins; of equal ones (within the tie), the earliest start
                if mse < best * tie_lo or (mse <= best * tie_hi and g < best_g):
                    best, best_g = min(mse, best), g
            if best_g < 0:
                break  # no room for another group
            _add_group(rt, vt, best_g, k, nv, m, nf, ng, pos, zg, zv, ut, band, forms, ldl,
                       dinv, crow, ya, zcol, taken)  # fmt: skip
            m += k
        # ---- the chosen taps: w = z·(λ, clip(b*)), then the FFE limits as the reference
        for c1 in range(nv):
            for c2 in range(nv):
                fs[c1, c2] = forms[c1, c2]
        _, _, lam = _dfe_forms(fs, b_min, b_max, var_x, b_lim, b_work)
        coef[0] = lam
        for j in range(nb):
            coef[1 + j] = b_lim[j]
        for i in range(m):
            s = 0.0
            for c in range(nv):
                s += zv[i, c] * coef[c]
            w[i] = s
        mse_out[t] = _final_taps(
            rt, vt, w, pos, m, n_pre, w_min, w_max, b_min, b_max, b_lim, var_x
        )  # fmt: skip
        w_out[t, :] = 0.0
        for i in range(m):
            w_out[t, pos[i]] = w[i]
        for j in range(nb):
            b_out[t, j] = b_lim[j]


@njit(**JIT_OPTIONS)
def _chol(a, n):
    """In-place lower Cholesky factor of a[:n, :n]; False if it is not positive definite."""
    for j in range(n):
        s = a[j, j]
        for mm in range(j):
            s -= a[j, mm] * a[j, mm]
        if not s > 0.0:
            return False
        d = np.sqrt(s)
        a[j, j] = d
        for i in range(j + 1, n):
            s = a[i, j]
            for mm in range(j):
                s -= a[i, mm] * a[j, mm]
            a[i, j] = s / d
    return True


@njit(**JIT_OPTIONS)
def _chol_solve(low, n, x, nc):
    """x[:n, :nc] ← (L Lᵀ)⁻¹ x[:n, :nc], row-oriented: the inner loops run over the
    right-hand sides, independent, so they vectorise (3× the column-by-column solve)."""
    for i in range(n):
        for mm in range(i):
            f = low[i, mm]
            for q in range(nc):
                x[i, q] -= f * x[mm, q]
        f = 1.0 / low[i, i]
        for q in range(nc):
            x[i, q] *= f
    for i in range(n - 1, -1, -1):
        for mm in range(i + 1, n):
            f = low[mm, i]
            for q in range(nc):
                x[i, q] -= f * x[mm, q]
        f = 1.0 / low[i, i]
        for q in range(nc):
            x[i, q] *= f


@njit(**JIT_OPTIONS)
def _window_ldl(band, ut, k, nv, ns, ldl, dinv, yw):
    """LDLᵀ of C_WW for every window W = [g, g + k) at once (the start index innermost, so the
    loops vectorise), and yw = L⁻¹ũ_W. ldl[i, j, g]: L below the diagonal, D on it; a block
    that is not positive definite (a window over taken taps) gets dinv = inf."""
    for j in range(k):
        for g in range(ns):
            s = band[0, g + j]
            for mm in range(j):
                s -= ldl[j, mm, g] * ldl[j, mm, g] * ldl[mm, mm, g]
            ldl[j, j, g] = s  # D on the diagonal (L's own is 1)
            dinv[j, g] = 1.0 / s if s > 0.0 else np.inf
        for i in range(j + 1, k):
            for g in range(ns):
                s = band[i - j, g + j]  # C[g + i, g + j]
                for mm in range(j):
                    s -= ldl[i, mm, g] * ldl[j, mm, g] * ldl[mm, mm, g]
                ldl[i, j, g] = s * dinv[j, g]
    for c in range(nv):
        for a in range(k):
            for g in range(ns):
                s = ut[g + a, c]
                for b in range(a):
                    s -= ldl[a, b, g] * yw[b, c, g]
                yw[a, c, g] = s


@njit(**JIT_OPTIONS)
def _window_bounds(forms, yw, dinv, taken, k, nv, ns, b_min, b_max, var_x, bound):
    """Every start's MSE with the DFE limits (its lower bound), inf where it cannot go."""
    nb = nv - 1
    for g in range(ns):
        bound[g] = 0.0
        for a in range(k):
            if taken[g + a] or not dinv[a, g] < np.inf:
                bound[g] = np.inf
    if nb == 1:  # closed form, vectorised over the starts
        for g in range(ns):
            if bound[g] != 0.0:
                continue
            al, be, ga = forms[0, 0], forms[1, 0], forms[1, 1]
            for a in range(k):
                y0, y1, di = yw[a, 0, g], yw[a, 1, g], dinv[a, g]
                al += y0 * y0 * di
                be += y1 * y0 * di
                ga += y1 * y1 * di
            b1 = be / al
            bs = min(max(b1 / (b1 * be + 1.0 - ga), b_min[0]), b_max[0])
            bound[g] = var_x * ((1.0 - be * bs) ** 2 / al - ga * bs * bs + bs * bs)
        return
    fs = np.empty((nv, nv))
    b_lim = np.empty(nb)
    work = np.empty(nb)
    for g in range(ns):
        if bound[g] == np.inf:
            continue
        for c1 in range(nv):
            for c2 in range(nv):
                s = forms[c1, c2]
                for a in range(k):
                    s += yw[a, c1, g] * yw[a, c2, g] * dinv[a, g]
                fs[c1, c2] = s
        mse_u, mse_b, _ = _dfe_forms(fs, b_min, b_max, var_x, b_lim, work)
        # with more than one DFE tap, clip(b*) is not the box optimum: bound by the unclipped
        bound[g] = mse_b if nb == 0 else mse_u


@njit(**JIT_OPTIONS)
def _dfe_forms(fs, b_min, b_max, var_x, b_lim, work):
    """The DFE from the forms fs = [h0, Hbᵀ]ᵀP_S⁻¹[h0, Hbᵀ] (α = fs[0, 0], β = fs[1:, 0],
    Γ = fs[1:, 1:]): with b held, min over w of MSE/σ_X² = (1 − βᵀb)²/α − bᵀΓb + bᵀb, least
    at (ββᵀ/α + I − Γ)b* = β/α. Sets work ← b*, b_lim ← clip(b*); returns
    (MSE(b*), MSE(clip(b*)), λ = (1 − βᵀb)/α) (w = P_S⁻¹(λh0 + Hbᵀb))."""
    nb = b_lim.shape[0]
    alpha = fs[0, 0]
    if nb == 1:
        b1 = fs[1, 0] / alpha
        work[0] = b1 / (b1 * fs[1, 0] + 1.0 - fs[1, 1])
    elif nb > 1:  # Gaussian elimination with partial pivoting
        a = np.empty((nb, nb + 1))
        for i in range(nb):
            for j in range(nb):
                a[i, j] = fs[1 + i, 0] * fs[1 + j, 0] / alpha - fs[1 + i, 1 + j]
            a[i, i] += 1.0
            a[i, nb] = fs[1 + i, 0] / alpha
        for c in range(nb):
            p = c
            for i in range(c + 1, nb):
                if abs(a[i, c]) > abs(a[p, c]):
                    p = i
            for j in range(nb + 1):
                a[c, j], a[p, j] = a[p, j], a[c, j]
            for i in range(c + 1, nb):
                f = a[i, c] / a[c, c]
                for j in range(c, nb + 1):
                    a[i, j] -= f * a[c, j]
        for i in range(nb - 1, -1, -1):
            s = a[i, nb]
            for j in range(i + 1, nb):
                s -= a[i, j] * work[j]
            work[i] = s / a[i, i]
    bb = 0.0
    for i in range(nb):
        b_lim[i] = min(max(work[i], b_min[i]), b_max[i])
        bb += fs[1 + i, 0] * b_lim[i]
    return _mse_at(fs, work, var_x), _mse_at(fs, b_lim, var_x), (1.0 - bb) / alpha


@njit(**JIT_OPTIONS)
def _mse_at(fs, b, var_x):
    """σ_X²·((1 − βᵀb)²/α − bᵀΓb + bᵀb): the MSE with the DFE held at b."""
    nb = b.shape[0]
    bb, gb, bsq = 0.0, 0.0, 0.0
    for i in range(nb):
        bb += fs[1 + i, 0] * b[i]
        bsq += b[i] * b[i]
        for j in range(nb):
            gb += b[i] * fs[1 + i, 1 + j] * b[j]
    return var_x * ((1.0 - bb) ** 2 / fs[0, 0] - gb + bsq)


@njit(**JIT_OPTIONS)
def _clipped_mse(
    rt, vt, w, wpos, n, n_pre, w_min, w_max, b_min, b_max, coef, b_lim, mse_b, var_x, hbw, dv,
    d_ix, d_val,
):  # fmt: skip
    """The MSE with the FFE limits (178A-26) as the reference applies them: clip relative to the
    cursor tap, renormalise to h0ᵀw = 1, recompute the DFE. Unclipped: the DFE-limited
    ``mse_b``. Clipped, w_lim = w + δ: as R_S·w = [h0, Hbᵀ](λ + 1, b),
    w_limᵀR_S w_lim = (λ + 1) + bᵀHb w + 2δᵀ[h0, Hbᵀ](λ + 1, b) + δᵀR_Sδ (R only where δ is)."""
    nv = vt.shape[1]
    nb = nv - 1
    wc = w[n_pre]
    nd = 0
    for i in range(n):
        if i == n_pre:
            continue
        p = wpos[i]
        wl = min(w_max[p] * wc, max(w_min[p] * wc, w[i]))
        if wl != w[i]:
            d_ix[nd] = p
            d_val[nd] = wl - w[i]
            nd += 1
    if nd == 0:
        return mse_b
    for c in range(nv):
        s = 0.0
        for j in range(nd):
            s += d_val[j] * vt[d_ix[j], c]
        dv[c] = s
    quad = coef[0] + 1.0 + 2.0 * (coef[0] + 1.0) * dv[0]
    for j in range(nb):
        s = 0.0
        for i in range(n):
            s += w[i] * vt[wpos[i], 1 + j]
        hbw[j] = s
        quad += s * b_lim[j] + 2.0 * b_lim[j] * dv[1 + j]
    for i in range(nd):
        for j in range(nd):
            quad += d_val[i] * d_val[j] * rt[abs(d_ix[i] - d_ix[j])]
    n1 = 1.0 + dv[0]
    if n1 == 0.0:
        return np.inf
    mse = quad / (n1 * n1) - 1.0
    for j in range(nb):
        hn = (hbw[j] + dv[1 + j]) / n1
        bj = min(max(hn, b_min[j]), b_max[j])
        mse += bj * bj - 2.0 * hn * bj
    return var_x * mse


@njit(**JIT_OPTIONS)
def _add_group(rt, vt, g, k, nv, m, nf, ng, pos, zg, zv, ut, band, forms, ldl, dinv, crow, ya,
               zcol, taken):  # fmt: skip
    """S grows by the window W = [g, g + k): with X = C_WW⁻¹C[W, :] and y = C_WW⁻¹ũ_W, the
    rank-k updates Z ← [Z − Z_W X; X], z ← [z − Z_W y; y], ũ ← ũ − C[:, W]y,
    C ← C − C[:, W]X (its band) and forms += ũ_Wᵀy."""
    for a in range(k):
        pa = nf + g + a
        for q in range(ng):  # C[W, q] = P[W, q] − P[W, S]·Z[:, q]
            crow[a, q] = rt[abs(pa - nf - q)] - vt[pa, 0] * vt[nf + q, 0]
        for i in range(m):
            f = rt[abs(pos[i] - pa)] - vt[pos[i], 0] * vt[pa, 0]
            for q in range(ng):
                crow[a, q] -= f * zg[i, q]
        for c in range(nv):
            ya[a, c] = ut[g + a, c]
    xk = crow.copy()
    _ldl_solve(ldl, dinv, g, k, xk, ng)
    _ldl_solve(ldl, dinv, g, k, ya, nv)
    for c1 in range(nv):
        for c2 in range(nv):
            s = 0.0
            for a in range(k):
                s += ut[g + a, c1] * ya[a, c2]
            forms[c1, c2] += s
    for a in range(k):
        for c in range(nv):
            f = ya[a, c]
            for q in range(ng):
                ut[q, c] -= crow[a, q] * f
        for d in range(band.shape[0]):
            for q in range(ng - d):
                band[d, q] -= crow[a, q] * xk[a, q + d]
    for i in range(m):
        for a in range(k):
            zcol[i, a] = zg[i, g + a]
    for i in range(m):
        for a in range(k):
            f = zcol[i, a]
            for q in range(ng):
                zg[i, q] -= f * xk[a, q]
            for c in range(nv):
                zv[i, c] -= f * ya[a, c]
    for a in range(k):
        pos[m + a] = nf + g + a
        taken[g + a] = True
        for q in range(ng):
            zg[m + a, q] = xk[a, q]
        for c in range(nv):
            zv[m + a, c] = ya[a, c]


@njit(**JIT_OPTIONS)
def _ldl_solve(ldl, dinv, g, k, x, nc):
    """x[:k, :nc] ← C_WW⁻¹x for start g's LDLᵀ."""
    for a in range(k):
        for b in range(a):
            f = ldl[a, b, g]
            for q in range(nc):
                x[a, q] -= f * x[b, q]
    for a in range(k):
        f = dinv[a, g]
        for q in range(nc):
            x[a, q] *= f
    for a in range(k - 1, -1, -1):
        for b in range(a + 1, k):
            f = ldl[b, a, g]
            for q in range(nc):
                x[a, q] -= f * x[b, q]


@njit(**JIT_OPTIONS)
def _final_taps(rt, vt, w, pos, m, n_pre, w_min, w_max, b_min, b_max, b_lim, var_x):
    """The chosen taps with the FFE limits applied as the reference does (w and b_lim updated in
    place), and their MSE from R_S itself."""
    nb = b_lim.shape[0]
    wc = w[n_pre]
    hit = False
    for i in range(m):
        if i == n_pre:
            continue
        p = pos[i]
        wl = min(w_max[p] * wc, max(w_min[p] * wc, w[i]))
        if wl != w[i]:
            hit = True
            w[i] = wl
    if hit:
        s = 0.0
        for i in range(m):
            s += vt[pos[i], 0] * w[i]
        if s == 0.0:
            return np.nan
        for i in range(m):
            w[i] /= s
        for j in range(nb):
            s = 0.0
            for i in range(m):
                s += vt[pos[i], 1 + j] * w[i]
            b_lim[j] = min(max(s, b_min[j]), b_max[j])
    quad = 0.0
    for i in range(m):
        s = 0.0
        for j in range(m):
            s += rt[abs(pos[i] - pos[j])] * w[j]
        quad += w[i] * s
    h0w = 0.0
    for i in range(m):
        h0w += vt[pos[i], 0] * w[i]
    mse = quad + 1.0 - 2.0 * h0w
    for j in range(nb):
        s = 0.0
        for i in range(m):
            s += vt[pos[i], 1 + j] * w[i]
        mse += b_lim[j] * b_lim[j] - 2.0 * s * b_lim[j]
    return var_x * mse
