"""Reach: the longest cable that closes a link (``sigint.reach``), against closed forms.

The public picture (REFERENCE §8.3: ~2 m of 26 AWG at 224G, nothing at 448G through today's
package, ~1.5 m with a cabled host and a next-generation package), a flat-loss cable whose reach
is the SNR budget divided by the loss per metre, the MMSE-DFE (Salz) bound that a long
equaliser approaches, the time-domain engine at the solved length, the sampling offset that
makes the statistical eye agree with the equaliser's design SNR, the DFE error-propagation
chain's stationary distribution at 1e-25, the next-generation package, Touchstone length
scaling, and the table's store, Dask and command line.
"""

from __future__ import annotations

import json
import math
import tempfile
from pathlib import Path

import numpy as np
import pytest

import sigint.reach.table as table_mod
from sigint.bounds import disturbance_from_link, salz_mmse_dfe_snr_db
from sigint.channel import build_channel
from sigint.channel_config import ChannelConfig, TouchstoneSegment
from sigint.channels.package import IEEE8023DJ_Z_REF_OHM, package_preset
from sigint.channels.presets import twinax
from sigint.channels.touchstone import write_touchstone
from sigint.cli import main
from sigint.errors import ConfigError
from sigint.link import Link
from sigint.reach import (
    CableSpec,
    Criterion,
    EqSpec,
    ReachSpec,
    evaluate_length,
    link_config,
    search_eq,
    solve_reach,
)
from sigint.reach.table import reach_table, solve_point, spec_to_point
from sigint.stateye import statistical_eye
from sigint.stateye.result import _stationary
from sigint.theory import required_snr_db, ser_pam

#: AWGN only: no Tx noise, no jitter (the closed forms' assumptions).
AWGN = {"sndr_db": None, "rj_rms_ui": 0.0, "dj_pp_ui": 0.0}

#: The CTLE held at 0 dB / 0 dB and no Tx FFE; only the Rx FFE + DFE are solved.
FLAT_CTLE = {
    "mode": "fixed",
    "g_dc_db": (0.0,),
    "g_dc2_db": (0.0,),
    "tx_pre": (0.0,),
    "tx_post": (0.0,),
}

#: Cheap questions for the table tests: the bound needs no equaliser search (~0.8 s each).
BOUND_SPECS = [
    ReachSpec(
        cable=CableSpec("twinax", awg=awg),
        criterion=Criterion("bound"),
        resolution_m=0.05,
        max_length_m=4.0,
    )
    for awg in (26, 30)
]


def write_flat_cable(path, loss_db: float = 3.0, delay_s: float = 4.5e-9) -> None:
    """A matched 2-port with frequency-flat loss and a pure delay, DC to 300 GHz (100 MHz)."""
    f = np.arange(3001) * 100e6
    s21 = 10 ** (-loss_db / 20) * np.exp(-2j * np.pi * f * delay_s)
    lines = ["! flat loss, pure delay, matched", "# Hz S RI R 100"]
    for fi, s in zip(f, s21, strict=True):
        t = f"{s.real:.17e} {s.imag:.17e}"
        lines.append(f"{fi:.1f} 0 0 {t} {t} 0 0")  # S11 S21 S12 S22
    path.write_text("\n".join(lines) + "\n")


def _db(s) -> np.ndarray:
    return 20 * np.log10(np.abs(s))


def _same(a, b, where: str = "row") -> None:
    """Equal values, recursively: arrays element-wise, NaN equal to NaN."""
    if isinstance(a, np.ndarray):
        assert isinstance(b, np.ndarray), where
        np.testing.assert_array_equal(a, b, err_msg=where)
    elif isinstance(a, dict):
        assert isinstance(b, dict) and sorted(a) == sorted(b), where
        for k in a:
            _same(a[k], b[k], f"{where}.{k}")
    elif isinstance(a, list | tuple):
        assert type(a) is type(b) and len(a) == len(b), where
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            _same(x, y, f"{where}[{i}]")
    elif isinstance(a, float) and math.isnan(a):
        assert isinstance(b, float) and math.isnan(b), where
    else:
        assert a == b, where


# ------------------------------------------------------------------ shared solves
@pytest.fixture(scope="module")
def default_row():
    """The default question (224G PAM4, 26 AWG, PCB host, optimised EQ, BER 2.4e-4), solved
    and confirmed with 200 000 time-domain symbols (~4.5 s)."""
    return solve_point({"spec": spec_to_point(ReachSpec()), "confirm_symbols": 200_000})


@pytest.fixture(scope="module")
def flat_cable(tmp_path_factory):
    path = tmp_path_factory.mktemp("flat") / "flat_3db.s2p"
    write_flat_cable(path)
    return path


@pytest.fixture(scope="module")
def bound_table(tmp_path_factory):
    """The two bound questions solved in this process into a store (~1.6 s)."""
    store = tmp_path_factory.mktemp("store") / "r.h5"
    return store, reach_table(BOUND_SPECS, store=store, workers=1)


# ------------------------------------------------------------------ 1. the public picture
def test_default_224g_pam4_reaches_about_two_metres_of_26_awg(default_row):
    """REFERENCE §8.3: 224G PAM4 over 26 AWG twinax between PCB hosts with today's package
    closes about 2 m at the KP4 pre-FEC BER (measured 2.22 m); 1.5-2.5 m allows for model
    changes without admitting a qualitatively different answer."""
    assert 1.5 <= default_row["reach_m"] <= 2.5
    assert not default_row["lower_bound"]
    assert default_row["at_reach"]["ber"] <= 2.4e-4


def test_448g_through_todays_package_fails_with_no_cable():
    """The 802.3dj package resonates below the 448G-PAM4 Nyquist (106 GHz): the PCB host's
    parts alone fail (measured BER 0.15), so the reach is 0 and the reason says why."""
    r = solve_reach(ReachSpec(rate="448G", modulation="PAM4", host="pcb"))
    assert r.reach_m == 0.0 and r.at_reach is None
    assert "fails with no cable" in r.reason
    assert r.beyond is not None and r.beyond.length_m == 0.0 and r.beyond.ber > 1e-2


def test_448g_with_a_cabled_host_and_next_gen_package_reaches_past_half_a_metre():
    """A flyover host with the next-generation package brings 448G back to copper: PAM8
    measured 1.51 m (PAM4/PAM6 ~1.5-1.55 m); more than 0.5 m is the qualitative claim."""
    r = solve_reach(ReachSpec(rate="448G", modulation="PAM8", host="cabled", resolution_m=0.05))
    assert r.reach_m > 0.5 and not r.lower_bound
    assert r.at_reach.passed and not r.beyond.passed


# ------------------------------------------------------------------ 2. monotone in length
def test_solved_points_pass_below_the_reach_and_fail_beyond_the_first_failure(default_row):
    """Loss grows with length, so the margin falls: every evaluated length up to the reach
    passes and none beyond the first failing one does, unless ``notes`` states the ripple
    (they must agree both ways). The bracket closes to the resolution: the first failing
    length above the reach is within 1 cm of it (measured 2.2201 / 2.2290 m)."""
    lengths = np.asarray(default_row["lengths_m"])
    passed = np.asarray(default_row["margins"]) >= 0
    reach = default_row["reach_m"]
    first_fail = lengths[~passed].min()
    monotone = passed[lengths <= reach].all() and not passed[lengths > first_fail].any()
    assert monotone != bool(default_row["notes"])
    above = lengths[(lengths > reach) & ~passed]
    assert above.min() - reach <= ReachSpec().resolution_m + 1e-9


def test_margin_falls_strictly_with_length():
    """log10(target/BER) at 0.5, 1.5 and 2.5 m strictly decreases (each length with its own
    optimised equaliser: more loss can never be equalised to a better eye here)."""
    margins = [evaluate_length(ReachSpec(), L).log_margin for L in (0.5, 1.5, 2.5)]
    assert margins[0] > margins[1] > margins[2]
    assert margins[1] > 0 > margins[2]  # 2.22 m reach lies between


# ------------------------------------------------------------------ 3. loss budget
def test_flat_loss_reach_is_the_snr_budget_over_the_loss_per_metre(flat_cable):
    """A matched cable of flat loss a = 3 dB/m adds no ISI, and the Rx noise is referred to
    its input, so the slicer SNR falls exactly 1 dB per dB of loss and the PAM4 SER is the
    Gaussian ser_pam at that SNR. Then reach = (SNR(0) − SNR_req)/a with SNR_req from
    required_snr_db(4, 2.4e-4). Rx noise is raised to 6e-16 V²/Hz so that the SNR (32.4 dB
    at 0 m) is noise-, not residual-ISI-, limited. Measured: 4.7634 m solved vs 4.7655 m
    predicted; asserted within two 1 cm steps (and so well within 5 %)."""
    a_db_per_m = 3.0
    spec = ReachSpec(
        cable=CableSpec("touchstone", path=str(flat_cable), ref_length_m=1.0),
        host="none",
        eq=EqSpec(**FLAT_CTLE, rx_ffe_pre=2, rx_ffe_post=4, dfe_taps=1),
        criterion=Criterion("ser", target=2.4e-4, error_propagation=False),
        noise_density_v2_hz=6e-16,
        max_length_m=10.0,
        **AWGN,
    )
    r = solve_reach(spec)
    zero = r.points[0]
    assert zero.length_m == 0.0
    snr_req = float(required_snr_db(4, 2.4e-4))
    predicted = (zero.snr_db - snr_req) / a_db_per_m
    assert r.reach_m == pytest.approx(predicted, abs=2 * spec.resolution_m)
    assert r.reach_m == pytest.approx(predicted, rel=0.05)
    for p in r.points:  # 1 dB of SNR per dB of loss, at every length evaluated
        assert zero.snr_db - p.snr_db == pytest.approx(a_db_per_m * p.length_m, abs=0.05)
        if 1e-12 < p.ser < 0.1:  # the slicer's SER is the Gaussian closed form
            assert float(required_snr_db(4, p.ser)) == pytest.approx(p.snr_db, abs=0.05)


# ------------------------------------------------------------------ 4. the Salz bound
@pytest.mark.parametrize("length_m", [2.0, 6.0])
def test_finite_mmse_dfe_approaches_the_salz_bound_from_below(length_m):
    """The infinite-length MMSE-DFE SNR (Salz) of a link bounds every finite FFE + DFE on the
    same link (CTLE at 0 dB, AWGN only), and a longer equaliser comes closer. Measured FFE
    pre/post + DFE taps 4/11/1, 8/40/10, 24/150/40: 36.16, 41.93, 42.35 dB vs the bound
    42.46 dB at 2 m; 18.13, 22.37, 23.32 dB vs 23.49 dB at 6 m. The longest is asserted
    within 0.3 dB of the bound (it has 0.1-0.2 dB to spare)."""
    base = ReachSpec(host="none", **AWGN)
    link = Link(link_config(base.replaced(eq=EqSpec(**FLAT_CTLE)), length_m))
    salz = salz_mmse_dfe_snr_db(
        link.pulse,
        signal_power=float(np.mean(link.levels_v**2)),
        dist=disturbance_from_link(link),
    )
    foms = []
    for pre, post, dfe in ((4, 11, 1), (8, 40, 10), (24, 150, 40)):
        eq = EqSpec(**FLAT_CTLE, rx_ffe_pre=pre, rx_ffe_post=post, dfe_taps=dfe)
        foms.append(search_eq(base.replaced(eq=eq), length_m)[1])
    assert foms[0] <= foms[1] <= foms[2] <= salz + 0.01
    assert foms[2] > salz - 0.3


def test_long_equaliser_reach_is_within_5_percent_of_the_bound_reach():
    """AWGN-only 224G PAM4 over bare 26 AWG: a 16/80-tap FFE + 20-tap DFE (no error
    propagation) reaches within 5 % of, and not beyond, the MMSE-DFE bound's reach (same
    CTLE). Measured 7.24 m vs the bound's 7.36 m (1.6 % short). Long DFEs put the design
    instant more than 1 UI before the equalised pulse's peak (-1.9 UI at 10 m), which the
    link's sampling_offset_ui must accept."""
    eq = EqSpec(**FLAT_CTLE, rx_ffe_pre=16, rx_ffe_post=80, dfe_taps=20)
    base = ReachSpec(host="none", eq=eq, resolution_m=0.02, **AWGN)
    bound = solve_reach(base.replaced(criterion=Criterion("bound", target=2.4e-4)))
    finite = solve_reach(
        base.replaced(criterion=Criterion("ser", target=2.4e-4, error_propagation=False))
    )
    assert finite.reach_m <= bound.reach_m + base.resolution_m
    assert finite.reach_m == pytest.approx(bound.reach_m, rel=0.05)


def test_bound_reach_does_not_depend_on_the_equaliser_grid():
    """The bound criterion is the equaliser-independent limit of the bare link (CTLE at
    0 dB, no FFE): changing the EqSpec grid must not move it (measured 7.36 m with the
    default grid, whose first CTLE value is -20 dB, and with the CTLE grid at 0 dB)."""
    base = ReachSpec(host="none", criterion=Criterion("bound"), resolution_m=0.02, **AWGN)
    default = solve_reach(base)
    at_zero = solve_reach(base.replaced(eq=EqSpec(**FLAT_CTLE)))
    assert default.reach_m == pytest.approx(at_zero.reach_m, abs=2 * base.resolution_m)


# ------------------------------------------------------------------ 5. time domain
def test_time_domain_ber_at_the_reach_agrees_with_the_statistical_one(default_row):
    """At the solved length the time-domain engine (200 000 symbols, its DFE deciding on its
    own, errors propagating) measures a BER within a factor 2 of the statistical engine's
    (measured TD 3.1e-4, 95 % CI [2.6e-4, 3.7e-4], vs statistical 2.3e-4): the statistical
    figures are what the link does, not an optimistic bound."""
    conf = default_row["confirm"]
    assert conf["length_m"] == default_row["reach_m"]
    assert conf["n_symbols"] >= 190_000
    lo, hi = conf["ber_ci"]
    assert np.isfinite([lo, hi]).all() and 0 < lo <= conf["ber"] <= hi
    assert hi / lo < 2  # ~100 errors: an interval that discriminates
    ratio = conf["ber"] / conf["statistical_ber"]
    assert 0.5 < ratio < 2.0


# ------------------------------------------------------------------ 6-7. the table
def test_a_stored_table_is_read_back_without_solving_again(bound_table, monkeypatch):
    """Every finished question lives in the HDF5 store: asking again solves nothing (solve_reach
    would raise) and returns the same rows. Thinner twinax (30 AWG) reaches less than 26 AWG
    (measured bound reaches 2.83 / 1.92 m)."""
    store, first = bound_table

    def fail(spec, progress=None):
        raise AssertionError("solve_reach called for a stored question")

    monkeypatch.setattr(table_mod, "solve_reach", fail)
    again = reach_table(BOUND_SPECS, store=store, workers=1)
    _same(again.rows, first.rows)
    r26, r30 = (row["reach_m"] for row in first.rows)
    assert 0 < r30 < r26


def test_a_dask_cluster_gives_the_in_process_table(bound_table):
    """The same questions on a local Dask cluster (one in-process worker) give the same rows
    as this process: the table does not depend on where it is computed."""
    distributed = pytest.importorskip("distributed")
    _, here = bound_table
    with (
        distributed.LocalCluster(
            n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        remote = reach_table(BOUND_SPECS, scheduler=client)
    _same(remote.rows, here.rows)
    assert "MMSE-DFE bound" in remote.text()


# ------------------------------------------------------------------ 8. command line
def test_cli_writes_every_output_and_states_why_448g_has_no_reach(tmp_path, capsys):
    """``sigint reach`` for 448G PAM4 on a PCB host exits 0, writes reach.txt/json/png/h5,
    and its JSON row says 0 m and why (the host parts alone fail)."""
    out = tmp_path / "reach"
    argv = ["reach", "--modulation", "PAM4", "--rate", "448G", "--host", "pcb"]
    code = main([*argv, "--confirm", "0", "--no-progress", "--out", str(out)])
    assert code == 0
    for name in ("reach.txt", "reach.json", "reach.png", "reach.h5"):
        assert (out / name).is_file() and (out / name).stat().st_size > 0, name
    (row,) = json.loads((out / "reach.json").read_text())["rows"]
    assert row["reach_m"] == 0.0 and "fails with no cable" in row["reason"]
    assert row["spec"]["rate"] == "448G" and row["spec"]["host"] == "pcb"
    assert "fails with no cable" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "named"),
    [(["--rate", "999G"], "999G"), (["--awg", "27"], "27"), (["--rx-ffe", "4"], "--rx-ffe")],
)
def test_cli_bad_input_exits_2_naming_the_value(tmp_path, capsys, args, named):
    """An unknown rate, an unsupported gauge or a malformed FFE size is refused before any
    work (exit 2, nothing written), the message naming the value."""
    out = tmp_path / "reach"
    code = main(["reach", *args, "--confirm", "0", "--no-progress", "--out", str(out)])
    assert code == 2
    err = capsys.readouterr().err
    assert "error" in err and named in err
    assert not out.exists()


# ------------------------------------------------------------------ 9. sampling offset
def test_statistical_eye_at_the_design_instant_matches_the_design_snr():
    """The equaliser is designed (MMSE FFE + DFE) at an instant off the equalised pulse's
    peak; sampling there, the statistical eye's SER at its centre phase is the Gaussian
    ser_pam at the design SNR within a factor 3 (measured 1.49e-10 vs 1.19e-10) and the
    centre is the best phase. Sampling at the peak instead (offset 0, the bug the offset
    fixes) is far worse (measured 7e-2)."""
    spec = ReachSpec()
    eq, fom = search_eq(spec, 1.0)
    assert eq["sampling_offset_ui"] != 0.0
    cfg = link_config(spec, 1.0, eq)
    s = spec.samples_per_ui
    eye = statistical_eye(Link(cfg))
    sers = [eye.ser(p) for p in range(s)]
    gauss = float(ser_pam(4, fom))
    assert gauss / 3 < sers[s // 2] < 3 * gauss
    assert int(np.argmin(sers)) == s // 2
    at_peak = statistical_eye(Link(cfg.replace(**{"rx.sampling_offset_ui": 0.0})))
    assert at_peak.ser(s // 2) > 1e4 * sers[s // 2]


# ------------------------------------------------------------------ 10. error propagation
def test_stationary_distribution_equals_a_linear_solve_on_a_random_chain():
    """State reduction (GTH) gives the same stationary distribution as solving
    (Pᵀ − I)π = 0, Σπ = 1 on a well-conditioned random 9-state chain, to 1e-12."""
    rng = np.random.default_rng(3)
    trans = rng.random((9, 9))
    trans /= trans.sum(axis=1, keepdims=True)
    a = trans.T - np.eye(9)
    a[-1] = 1.0
    rhs = np.zeros(9)
    rhs[-1] = 1.0
    exact = np.linalg.solve(a, rhs)
    pi = _stationary(trans)
    np.testing.assert_allclose(pi, exact, rtol=0, atol=1e-12)
    np.testing.assert_allclose(pi @ trans, pi, rtol=0, atol=1e-12)


def test_stationary_distribution_keeps_1e_25_error_states_to_full_relative_precision():
    """A good link's error states are visited with probability ~1e-25, far below the
    rounding of the error-free state: the two-state chain gives π_error = p/(p+q) exactly,
    and a birth-death chain (detailed balance: π_(k+1) = π_k·p_k/q_(k+1)) down to 1e-90,
    each to 1e-12 relative and never negative."""
    p, q = 1e-25, 0.3
    pi = _stationary(np.array([[1 - p, p], [q, 1 - q]]))
    assert pi[1] == pytest.approx(p / (p + q), rel=1e-12)
    assert pi[0] == pytest.approx(q / (p + q), rel=1e-12)

    up = np.array([1e-25, 1e-20, 1e-30, 1e-15])  # k -> k+1
    down = np.array([0.4, 0.3, 0.5, 0.2])  # k+1 -> k
    n = up.size + 1
    trans = np.zeros((n, n))
    for k in range(n - 1):
        trans[k, k + 1] = up[k]
        trans[k + 1, k] = down[k]
    trans[np.arange(n), np.arange(n)] = 1 - trans.sum(axis=1)
    weights = np.concatenate([[1.0], np.cumprod(up / down)])
    exact = weights / weights.sum()
    assert exact[-1] < 1e-85
    pi = _stationary(trans)
    assert np.all(pi >= 0)
    np.testing.assert_allclose(pi, exact, rtol=1e-12, atol=0)


# ------------------------------------------------------------------ 11. packages
def test_next_gen_package_keeps_106_ghz_that_todays_package_reflects():
    """At the 448G-PAM4 Nyquist (106.25 GHz, R0 = 46.25 Ω) the next-generation package loses
    4-7 dB (measured 5.2 dB, the OIF class-A target ~6 dB) on either side, while the
    802.3dj class-A short package is past its die-ladder resonance (measured 31 dB)."""
    f = np.array([106.25e9])
    for side in ("tx", "rx"):
        ng = package_preset("448g-next-gen", side).network(f, IEEE8023DJ_Z_REF_OHM)
        assert 4.0 < ng.insertion_loss_db[0] < 7.0
    dj = package_preset("802.3dj-A-test2").network(f, IEEE8023DJ_Z_REF_OHM)
    assert dj.insertion_loss_db[0] > 20.0


# ------------------------------------------------------------------ 12. length scaling
def test_touchstone_cable_scales_its_loss_in_db_with_length(tmp_path, flat_cable):
    """A file taken as a uniform line scales γl with length: the flat 3 dB/m cable at 2 m
    loses exactly twice its 1 m loss (6 dB), and a 1 m twinax file scaled to 2 m is the
    2 m twinax model, both within 1e-6 dB at frequencies across the file's band."""
    grid = np.arange(4001) * 25e6  # 0-100 GHz
    idx = [400, 1000, 2000, 3000, 4000]  # 10, 25, 50, 75, 100 GHz: on the file's points

    def s21(path, **scale):
        seg = TouchstoneSegment(str(path), **scale)
        return build_channel(ChannelConfig((seg,)), grid).s21[idx]

    one = _db(s21(flat_cable))
    two = _db(s21(flat_cable, file_length_m=1.0, length_m=2.0))
    np.testing.assert_allclose(one, -3.0, atol=1e-6)
    np.testing.assert_allclose(two, 2 * one, atol=1e-6)

    path = tmp_path / "tw26_1m.s2p"
    write_touchstone(twinax(26).network(1.0, np.arange(2001) * 50e6), path)
    scaled = _db(s21(path, file_length_m=1.0, length_m=2.0))
    model = _db(twinax(26).network(2.0, grid).s21[idx])
    assert model[-1] < -20  # a real loss slope: 2 m of 26 AWG loses ~22 dB at 100 GHz
    np.testing.assert_allclose(scaled, model, atol=1e-6)


def test_touchstone_length_without_the_files_length_is_refused():
    """A length alone cannot scale a file: the error names length_m."""
    with pytest.raises(ConfigError, match="length_m"):
        TouchstoneSegment("cable.s2p", length_m=2.0)


# ------------------------------------------------------------------ FEC criteria
@pytest.fixture(scope="module")
def flr_points():
    """The default 224G link at its reach (2.22 m), judged by each FEC criterion."""
    crits = {
        "ber": Criterion("ber"),
        "ber_indep": Criterion("ber", error_propagation=False),
        "flr_indep": Criterion("flr", target=1e-12, error_propagation=False),
        "flr": Criterion("flr", target=1e-12),
        "flr_precoded": Criterion("flr", target=1e-12, precoding=True),
        "flr_hamming": Criterion("flr", target=1e-12, inner_hamming=True),
    }
    return {k: evaluate_length(ReachSpec(criterion=c), 2.22) for k, c in crits.items()}


def test_flr_without_error_propagation_is_the_binomial_kp4_model(flr_points):
    """With independent symbol errors the frame loss ratio is KP4's binomial model fed by the
    statistical eye's SER through the Gray FEC-symbol mapping (measured 5.4e-22 at SER 1.2e-4,
    equal to 1e-9 relative)."""
    from sigint.fec import KP4, codeword_error_ratio, frame_loss_ratio
    from sigint.fec import symbol_error_probability_from_ser as p_sym

    p = flr_points["flr_indep"]
    want = frame_loss_ratio(KP4, codeword_error_ratio(KP4, p_sym(p.ser, 2.0)), interleave=2)
    assert p.metric == pytest.approx(float(want), rel=1e-6)


def test_dfe_error_propagation_costs_ber_and_frames_and_precoding_buys_frames_back(flr_points):
    """The 1-tap DFE's error propagation raises the BER (measured 5.8e-5 -> 2.3e-4) and the
    frame loss ratio by orders of magnitude (5e-22 -> 8e-13); 1/(1+D) precoding turns each
    burst into two errors and lowers the FLR again (to 1.7e-14); a Hamming(128,120) inner code
    (independent-error model) lowers it far more."""
    q = flr_points
    assert q["ber"].metric > 2 * q["ber_indep"].metric
    assert q["flr"].metric > 1e6 * q["flr_indep"].metric
    assert q["flr_precoded"].metric < q["flr"].metric / 10
    assert q["flr_hamming"].metric < q["flr_precoded"].metric
    assert q["flr"].ser == q["flr_precoded"].ser  # same pre-FEC link, only the code differs


# ------------------------------------------------------------------ COM criterion
def test_com_criterion_falls_with_length_and_agrees_with_sigint_com():
    """The COM criterion judges the host's board parts and the cable with the COM set's own
    packages: its COM falls with length (measured 802.3ck-CR, 112G PAM4, 26 AWG, PCB host
    board parts: 4.49 dB at 1 m, 2.35 dB at 2 m), its margin is COM − target in dB, and it is
    what `compute_com` gives for that channel written to a file."""
    from sigint.com import compute_com, load_preset
    from sigint.com.channel import com_grid
    from sigint.reach.hosts import host_preset

    crit = Criterion("com", target=3.0, com_preset="802.3ck-CR")
    spec = ReachSpec(rate="112G", criterion=crit)
    one, two = (evaluate_length(spec, L) for L in (1.0, 2.0))
    assert one.unit == two.unit == "dB" and one.passed and not two.passed
    assert one.metric > two.metric + 1.0
    assert one.margin == pytest.approx(one.metric - 3.0)
    params = load_preset("802.3ck-CR")
    side = [s for s in host_preset("pcb").tx_side if s.KIND != "package"]
    segments = (*side, CableSpec().segment(2.0), *reversed(side))
    net = build_channel(ChannelConfig(segments), com_grid(params)[1])
    path = Path(tempfile.mkdtemp()) / "ch.s2p"
    write_touchstone(net, path)
    assert compute_com(params, path, workers=1).com_db == pytest.approx(two.metric, abs=1e-9)


def test_com_criterion_refuses_a_com_set_at_another_rate():
    """802.3ck-CR is a 53.125 GBd set: asking it of 224G PAM4 (106.25 GBd) is a clear error
    naming the key, not a COM computed at the wrong rate."""
    with pytest.raises(ConfigError, match=r"criterion\.com_preset"):
        ReachSpec(rate="224G", criterion=Criterion("com", target=3.0, com_preset="802.3ck-CR"))
