"""COM per IEEE 802.3 Annex 93A: EQ search by figure of merit, then A_ni from the PMFs.

For each package test case: every channel's H21 (93A-18) with its packages, the pulse
responses at every CTLE setting, the FOM of every Tx FFE candidate (:mod:`.fom`), and at the
winner the noise and interference amplitude A_ni exceeded with probability DER_0 (93A.1.7):

- ISI: every sample at the cursor's phase (pre-cursors included) after the DFE (93A-26/27),
  samples below 0.1 % of A_s dropped, each contributing L equiprobable values (93A-39/40);
- crosstalk: each aggressor's samples at its worst phase (93A-33/44), likewise;
- jitter: A_DD·h_J as a delta distribution, convolved with the Gaussian of σ_G² = σ_TX² +
  σ_RJ²σ_X²Σh_J² + σ_N² (93A-41…43);
- A_ni: the DER_0 point of the lower tail of their convolution (93A-45); COM = 20·log10(A_s/A_ni),
  the minimum over the package test cases (93A-1).

The distributions use the statistical engine's convolution kernel on a grid of at most
min(A_s/1000, 10 µV) per bin spanning their full support (so A_ni cannot saturate).
"""

from __future__ import annotations

import multiprocessing
import os
import queue
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor

import numpy as np
from threadpoolctl import threadpool_limits

from .annex178 import Search178, final_case
from .channel import ComChannel, channel_h21, com_grid, read_channel
from .dfe import dfe_span, dfe_taps
from .fom import (
    FomSearch,
    _table,
    ctle,
    ctle_basis,
    full_taps,
    lag_products,
    noise_gram,
    noise_variance,
    rx_filter,
    slopes,
    tx_equalize,
    tx_filter,
    worst_phase,
)
from .params import ComParams
from .pmf import noise_amplitude
from .result import ComCase, ComResult


def compute_com(
    params: ComParams,
    thru,
    fext=(),
    next_=(),
    ports: str | None = None,
    eq: dict | None = None,
    workers: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> ComResult:
    """COM of a thru channel and its crosstalk aggressors (Touchstone files).

    Parameters
    ----------
    params : ComParams
    thru : path
    fext, next_ : sequences of paths
    ports : str, optional
        Port map for every file (default: detected per file, as sigint's reader does).
    eq : dict, optional
        Pin the equaliser instead of searching: ``g_dc_db``, ``g_dc2_db`` and ``tx_taps``
        (without c(0), in the order of ``params.tx_taps``).
    workers : int, optional
        Processes for the package test cases (they are independent searches); default one per
        case up to the machine's CPU count. 1 runs them here, one after the other.
    progress : callable, optional
        ``progress(done)``: called with the CTLE settings searched so far, of
        :func:`search_steps` in all (settings the Local Search skips count when the search
        ends).
    """
    t, f = com_grid(params)
    channels = [read_channel(params, "thru", thru, f, ports)]
    # crosstalk files carry no thru to detect a port map from: they take the thru's
    xt_ports = ports if ports is not None else channels[0].info.port_map_spec
    channels += [read_channel(params, "fext", p, f, xt_ports) for p in fext]
    channels += [read_channel(params, "next", p, f, xt_ports) for p in next_]
    notes = [
        f"{ch.path}: data end at {ch.f_data_max_hz / 1e9:.1f} GHz, below f_b = "
        f"{params.f_baud_hz / 1e9:.2f} GHz; the band above is extrapolated from the loss trend "
        "and COM depends on it"
        for ch in channels
        if ch.f_data_max_hz < params.f_baud_hz
    ]
    if params.dfe_float_groups:
        notes.append("floating DFE groups placed greedily on the largest post-cursor windows")
    cases = _run_cases(params, channels, t, f, eq, workers, progress)
    return ComResult(params, cases, tuple(channels), tuple(notes))


def search_steps(params: ComParams, eq: dict | None = None) -> int:
    """CTLE settings :func:`compute_com` searches in all (its ``progress`` total)."""
    per_case = 1 if eq is not None else len(params.g_dc_db) * len(params.g_dc2_db)
    return params.package.n_cases * per_case


def _run_cases(params, channels, t, f, eq, workers, progress) -> tuple[ComCase, ...]:
    """Every package case, in worker processes when there is more than one to run."""
    n = params.package.n_cases
    workers = min(n, os.cpu_count() or 1) if workers is None else int(workers)
    if workers < 1:
        raise ValueError(f"workers = {workers}: expected at least 1 process")
    done = [0]

    def tick(k: int = 1) -> None:
        done[0] += k
        if progress is not None:
            progress(done[0])

    if workers == 1 or n == 1 or eq is not None:
        cases = tuple(_com_case(params, channels, case, t, f, eq, tick) for case in range(n))
    else:
        # fork where the platform has it: the workers start warm (kernels loaded, modules
        # imported); their CTLE ticks come back through a queue for the progress bar
        methods = multiprocessing.get_all_start_methods()
        ctx = multiprocessing.get_context("fork" if "fork" in methods else None)
        ticks = ctx.Queue()
        with ProcessPoolExecutor(
            min(workers, n), mp_context=ctx, initializer=_set_worker_ticks, initargs=(ticks,)
        ) as pool:
            futures = [
                pool.submit(_worker_case, params, channels, case, t, f, eq) for case in range(n)
            ]
            while not all(fu.done() for fu in futures):
                try:
                    tick(ticks.get(timeout=0.2))
                except queue.Empty:
                    pass
            cases = tuple(fu.result() for fu in futures)
    if progress is not None:
        progress(search_steps(params, eq))
    return cases


_worker_ticks = None  # a worker process's queue back to the progress bar


def _set_worker_ticks(ticks) -> None:
    """A worker's set-up: its progress queue, and one BLAS thread (two processes each running
    BLAS on every core made two workers slower than one: 12.8 s against 11.2 s)."""
    global _worker_ticks
    _worker_ticks = ticks
    threadpool_limits(limits=1)


def _worker_case(*args) -> ComCase:
    return _com_case(*args, _worker_ticks.put)


def _com_case(
    params: ComParams, channels: list[ComChannel], case: int, t, f, eq, tick=lambda k=1: None
) -> ComCase:
    n_t, m = t.size, params.samples_per_ui
    packages = {}  # one network per (role) in this case, shared by the channels
    h21 = [channel_h21(params, ch, case, packages) for ch in channels]
    # everything but the CTLE, the pulse's T·sinc included (93A-24)
    fixed = tx_filter(params, f) * rx_filter(params, f)
    fixed = fixed * params.samples_per_ui * np.sinc(params.ui_s * f)
    amp = {"thru": params.a_v_v, "fext": params.a_fe_v, "next": params.a_ne_v}
    # The CTLE is bilinear in its linear gains: four pulses per channel give every setting.
    basis = ctle_basis(params, f)
    full = [
        [amp[ch.kind] * np.fft.irfft(fixed * h * b)[:n_t] for b in basis]
        for ch, h in zip(channels, h21, strict=True)
    ]
    # The search runs on the rows where any pulse lives (the grid's period is far longer).
    lo, hi = _support(full, m, pad_rows=len(params.tx_taps) + 8)
    window = [[p[lo:hi] for p in ch] for ch in full]
    if eq is None:
        g_dc, g_dc2 = params.g_dc_db, params.g_dc2_db
        combos, grid_ix = params.tx_grid_indexed()
    else:
        g_dc, g_dc2 = (float(eq["g_dc_db"]),), (float(eq["g_dc2_db"]),)
        combos = np.atleast_2d(np.asarray(eq["tx_taps"], dtype=float))
        grid_ix = np.zeros(combos.shape, np.int64)
    search = LocalSearch(params.local_search if eq is None else 0, grid_ix)
    if params.annex == "178A":
        mmse = Search178(params, f, basis, window, [ch.kind for ch in channels])

        ref_taps = full_taps(params, combos[:1])[0]  # the ADC step's reference (scaled)

        def evaluator(weights):
            batch = mmse.mmse(weights, ref_taps)

            def evaluate(idx):
                res = batch(full_taps(params, combos[idx]))
                return res.fom_db, res.cursor_ix

            return evaluate
    else:
        evaluator = _fom_evaluator(params, channels, window, basis, f, combos, lo)
    for i1, g1 in enumerate(g_dc):
        for i2, g2 in enumerate(g_dc2):
            if search.skips_ctle(i1, i2):
                continue
            search.visit(i2, evaluator(np.array(_basis_weights(g1, g2))), (g1, g2))
            tick(1)
    g1, g2 = search.best_payload
    fom_db, i = search.best_fom, search.best_index
    combo, cursor_ix = combos[i], search.best_cursor
    weights = np.array(_basis_weights(g1, g2))
    if params.annex == "178A":
        return final_case(mmse, weights, combo, case, fom_db, g1, g2)
    pulses = [weights @ np.asarray(ch) for ch in full]
    h_ctf = ctle(params, f, g1, g2)
    return _final(params, channels, case, pulses, combo, cursor_ix, h_ctf, f, fom_db, g1, g2)


def _fom_evaluator(params, channels, window, basis, f, combos, lo):
    """Annex 93A: a CTLE setting's FOM evaluator, from its basis weights.

    Aggressors enter the FOM through their lag products; the CTLE being bilinear, those of
    every setting are a weighted sum of the products of each aggressor's four basis pulses.
    """
    m = params.samples_per_ui
    span = len(params.tx_taps)
    m_tab = [[_table(p, m) for p in ch] for ch in window]
    fext_products = [
        _basis_products(tabs, span) for ch, tabs in zip(channels, m_tab, strict=True)
        if ch.kind == "fext"
    ]  # fmt: skip
    next_products = [
        _basis_products(tabs, 0) for ch, tabs in zip(channels, m_tab, strict=True)
        if ch.kind == "next"
    ]  # fmt: skip
    q_noise = noise_gram(params, f, basis)
    victim_basis = np.asarray(window[0])

    def evaluator(weights):
        fext_lags = [_weighted(c, weights) for c in fext_products]
        next_energy = sum(float(_weighted(c, weights)[0].max()) for c in next_products)
        var_n = float(weights @ q_noise @ weights)
        fom_search = FomSearch(params, weights @ victim_basis, fext_lags, next_energy, var_n)

        def evaluate(idx):
            grid = fom_search(combos[idx])
            return grid.fom_db, grid.cursor_ix + lo

        return evaluate

    return evaluator


class LocalSearch:
    """The EQ search's visiting rule, and the best candidate so far.

    Candidates are visited in the reference order (g_DC outermost, then g_DC2, then the Tx FFE
    grid, its first tap slowest). With ``radius`` = 0 every one counts; with the sheets' "Local
    Search" N, as the reference MATLAB code's rule (as PyChOpMarg 3.4.0 documents it): a Tx
    FFE candidate is skipped when a swept tap's grid index is more than N steps from the
    best's while the loop just outside it (the previous tap, or g_DC2 for the first) is past
    its first value; a g_DC2 more than N steps from the best's is skipped once g_DC is past
    its first value. Skipping is a speed-up that can miss the global optimum.

    :meth:`visit` evaluates a CTLE setting's candidates in vectorised batches (those the rule
    lets through, again whenever the best moves) and replays the rule in order, so the outcome
    is the serial search's.
    """

    def __init__(self, radius: int, grid_index: np.ndarray):
        self.radius = radius
        self.grid_index = grid_index
        lens = grid_index.max(axis=0) + 1 if grid_index.size else np.zeros(0, int)
        self.swept = np.flatnonzero(lens > 1)
        self.best_fom = -np.inf
        self.best_index = -1
        self.best_i2 = 0
        self.best_cursor = 0
        self.best_payload = None

    def skips_ctle(self, i1: int, i2: int) -> bool:
        """Whether the whole (g_DC, g_DC2) setting is skipped."""
        return bool(
            self.radius and self.best_index >= 0 and i1 > 0 and abs(i2 - self.best_i2) > self.radius
        )

    def _skipped(self, i2: int) -> np.ndarray:
        """Which Tx candidates the rule skips, given the current best."""
        n = self.grid_index.shape[0]
        if not self.radius or self.best_index < 0:
            return np.zeros(n, bool)
        best = self.grid_index[self.best_index]
        skip = np.zeros(n, bool)
        for k in self.swept:
            outer = np.full(n, i2) if k == 0 else self.grid_index[:, k - 1]
            skip |= (outer > 0) & (np.abs(self.grid_index[:, k] - best[k]) > self.radius)
        return skip

    def visit(self, i2: int, evaluate, payload) -> None:
        """Replay the serial search over one CTLE setting's candidates (in grid order).

        ``evaluate(indices)`` returns the FOMs and cursor indices of those candidates; only
        the ones the rule lets through are evaluated (all of them without a radius).
        """
        n = self.grid_index.shape[0]
        fom = np.full(n, np.nan)
        cursor = np.zeros(n, np.int64)
        start = 0
        while True:
            allowed = ~self._skipped(i2)
            allowed[:start] = False
            need = np.flatnonzero(allowed & np.isnan(fom))
            if need.size:
                fom[need], cursor[need] = evaluate(need)
            better = np.flatnonzero(allowed & (fom > self.best_fom))  # NaN compares False
            if better.size == 0:
                return
            i = int(better[0])
            self.best_fom, self.best_index, self.best_i2 = float(fom[i]), i, i2
            self.best_cursor = int(cursor[i])
            self.best_payload = payload
            start = i + 1


def _basis_products(tables: list, max_lag: int) -> np.ndarray:
    """Lag products of every pair of a channel's four CTLE-basis pulses: [4, 4, 2L + 1, M]."""
    n = len(tables)
    out = np.empty((n, n, 2 * max_lag + 1, tables[0].shape[1]))
    for i in range(n):
        for j in range(i, n):
            out[i, j] = lag_products(tables[i], tables[j], max_lag)
            out[j, i] = out[i, j, ::-1]  # Σ_R b[R]·a[R + k] = Σ_R a[R]·b[R − k]
    return out


def _weighted(products: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """The lag products of Σ_a w_a·pulse_a, from the pairwise ones."""
    return np.einsum("a,b,abkp->kp", weights, weights, products)


def _basis_weights(g_dc_db: float, g_dc2_db: float) -> tuple:
    """Weights of :func:`~.fom.ctle_basis`'s four responses at one (g_DC, g_DC2)."""
    g1, g2 = 10 ** (g_dc_db / 20), 10 ** (g_dc2_db / 20)
    return (g1 * g2, g1, g2, 1.0)


def _support(pulses, m: int, pad_rows: int) -> tuple[int, int]:
    """Whole-UI sample range [lo, hi) holding every sample above 1e-6 of the largest, padded
    (what lies outside adds under 1e-9 of the cursor's power to any σ)."""
    peak = max(float(np.abs(p).max()) for ch in pulses for p in ch)
    n_t = pulses[0][0].size
    alive = np.zeros(n_t, bool)
    for ch in pulses:
        for p in ch:
            alive |= np.abs(p) > 1e-6 * peak
    idx = np.flatnonzero(alive)
    lo = max((idx[0] // m - pad_rows) * m, 0)
    hi = min((idx[-1] // m + 1 + pad_rows) * m, (n_t // m) * m)
    return lo, hi


def _final(params, channels, case, pulses, combo, cursor_ix, h_ctf, f, fom_db, g1, g2) -> ComCase:
    """A_s, A_ni and every σ at the chosen equaliser (93A.1.7)."""
    m, levels = params.samples_per_ui, params.levels
    taps = full_taps(params, combo[None, :])[0]
    victim = tx_equalize(params, pulses[0], taps, circular=True)
    h0 = float(victim[cursor_ix])
    a_s = params.rlm * h0 / (levels - 1)
    var_x = params.var_x
    var_n = noise_variance(params, f, h_ctf, skip_dc=True)
    var_tx = h0**2 * 10 ** (-params.snr_tx_db / 10)
    row, ph = divmod(cursor_ix, m)
    h_j = slopes(victim, ph, m)
    var_j = params.sigma_rj_ui**2 * var_x * float(np.sum(h_j**2))
    var_g = var_tx + var_j + var_n
    isi = victim[ph::m].copy()
    isi[row] = 0.0
    span = dfe_span(params)
    post = np.zeros(span)
    got = isi[row + 1 : row + 1 + span]
    post[: got.size] = got
    dfe = dfe_taps(params, post[None, :], np.array([h0]))[0]
    isi[row + 1 : row + 1 + got.size] = got - dfe[: got.size] * h0
    var_isi = var_x * float(np.sum(isi**2))
    xts = []
    for p, ch in zip(pulses[1:], channels[1:], strict=True):
        agg = tx_equalize(params, p, taps, circular=True) if ch.kind == "fext" else p
        xts.append(agg[worst_phase(agg, m) :: m])
    h_dd = params.a_dd_ui * h_j
    a_ni, y, pmf = noise_amplitude([isi, h_dd, *xts], var_g, a_s, levels, params.der0)
    var_xt = var_x * float(sum(np.sum(x**2) for x in xts))
    return ComCase(
        case=case,
        com_db=float(20 * np.log10(a_s / a_ni)),
        a_s_v=float(a_s),
        a_ni_v=a_ni,
        fom_db=fom_db,
        g_dc_db=g1,
        g_dc2_db=g2,
        tx_taps=taps,
        dfe_taps=dfe,
        cursor_ix=int(cursor_ix),
        sigmas_v={
            "tx": np.sqrt(var_tx),
            "isi": np.sqrt(var_isi),
            "j": np.sqrt(var_j),
            "xt": np.sqrt(var_xt),
            "n": np.sqrt(var_n),
            "g": np.sqrt(var_g),
        },
        victim_pulse=victim,
        pmf_v=y,
        pmf=pmf,
    )
