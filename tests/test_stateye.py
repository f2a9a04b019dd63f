"""The statistical engine: its kernel, its tails against exact sums, and the time-domain engine.

The statistical and time-domain engines read the same :class:`Link`; on a linear link (no DFE
error propagation) the statistical BER must fall inside the time-domain run's 95 % interval and
the eye heights agree within a few per cent.
"""

import dataclasses
import itertools

import numpy as np
import pytest
import reference
from scipy.special import ndtr

from sigint.channel_config import AggressorConfig
from sigint.demo import demo_config
from sigint.jitter import JitterConfig
from sigint.kernels.stateye import convolve_cursors
from sigint.link import Link
from sigint.stateye import statistical_eye
from sigint.stateye.grid import convolve_groups, with_gaussian
from sigint.timedomain import simulate


def test_convolve_cursors_equals_its_twin():
    rng = np.random.default_rng(2)
    n = 301
    pmf = np.zeros(n)
    pmf[150] = 1.0
    shifts = rng.uniform(-20, 20, (12, 4))
    probs = rng.dirichlet(np.ones(4), 12)
    ours = pmf.copy()
    blur = convolve_cursors(shifts, probs, ours, np.empty(n))
    twin, twin_blur = reference.convolve_cursors(shifts, probs, pmf)
    assert np.allclose(ours, twin, atol=1e-15)
    assert blur == pytest.approx(twin_blur, rel=1e-12)
    assert ours.sum() == pytest.approx(1.0, abs=1e-12)


def test_whole_bin_shifts_give_the_exact_distribution_of_the_sum():
    """Integer shifts: the result is the enumerated distribution of Σ a_k·h_k, no blur."""
    h = np.array([5, -3, 2, 7])
    levels = np.array([-3, -1, 1, 3])
    n = 121
    pmf = np.zeros(n)
    pmf[60] = 1.0
    shifts = np.outer(h, levels).astype(float)
    blur = convolve_cursors(shifts, np.full((4, 4), 0.25), pmf, np.empty(n))
    exact = np.zeros(n)
    for combo in itertools.product(levels, repeat=h.size):
        exact[60 + int(np.dot(h, combo))] += 0.25**h.size
    assert blur == 0.0
    assert np.allclose(pmf, exact, atol=1e-15)


def test_tails_to_1e_15_match_the_enumerated_sum_with_gaussian_noise():
    """Non-integer cursors + Gaussian noise: the grid's tail probability against the exact
    mixture Σ P(combo)·Q((t − Σ a·h)/σ), at every probability down to 1e-16."""
    rng = np.random.default_rng(7)
    h = rng.uniform(-0.12, 0.12, 6)
    levels = np.array([-1.0, -1 / 3, 1 / 3, 1.0])
    sigma = 0.03
    sums = np.array([np.dot(h, c) for c in itertools.product(levels, repeat=h.size)])
    thresholds = np.linspace(0.05, 0.62, 12)
    exact = np.array([np.mean(ndtr((sums - t) / sigma)) for t in thresholds])  # P(X > t)
    assert exact.min() < 1e-15 < exact.max()
    for n_bins in (1001, 2001):
        reach = np.sum(np.abs(h)) + 10 * sigma
        dv = 2 * reach / (n_bins - 1)
        pmf = np.zeros(n_bins)
        pmf[n_bins // 2] = 1.0
        blocks = [(np.outer(h, levels), np.full((h.size, 4), 0.25))]
        blur = convolve_groups(blocks, dv, pmf, np.empty(n_bins))
        total = with_gaussian(pmf, sigma**2 - blur * dv * dv, dv)
        high = np.cumsum(total[::-1])[::-1]  # P(X ≥ lower edge of bin b)
        pos = thresholds / dv + n_bins // 2 + 0.5
        grid = np.exp(np.interp(pos, np.arange(n_bins), np.log(np.maximum(high, 1e-300))))
        ok = exact > 1e-16
        assert np.allclose(np.log10(grid[ok]), np.log10(exact[ok]), atol=0.03), n_bins


def _linear(mod, extra, n_symbols=600_000):
    """A 224G link without a DFE (no error propagation), noisy enough to count errors, with
    independent random symbols (what the statistical engine assumes: PRBS31's bits, grouped
    into PAM-8 symbols, correlate symbols ~10 UI apart and move the ISI σ by ~1 %)."""
    cfg = demo_config("224G", mod).replace(
        **{
            "tx.pattern": "random",
            "rx.dfe_taps": 0,
            "rx.noise_density_v2_hz": 1.2e-16,
            "sim.n_symbols": n_symbols,
            "sim.warmup_symbols": 1000,
            "sim.eye": False,
        }
    )
    if extra == "crosstalk":
        aggs = (AggressorConfig("fext", level_db=-26.0), AggressorConfig("next", level_db=-32.0))
        cfg = cfg.replace(channel=dataclasses.replace(cfg.channel, aggressors=aggs))
    if extra == "jitter":
        jit = JitterConfig(rj_rms_ui=0.01, sj_amplitude_ui=0.04, sj_frequency_hz=2e6)
        cfg = cfg.replace(**{"tx.jitter": jit})
    return cfg


@pytest.mark.parametrize("mod", ["PAM4", "PAM6", "PAM8"])
@pytest.mark.parametrize("extra", ["plain", "crosstalk", "jitter"])
def test_statistical_ber_falls_inside_the_time_domain_interval(mod, extra):
    cfg = _linear(mod, extra)
    stat = statistical_eye(cfg)
    td = simulate(cfg)
    assert td.ber >= 1e-4  # enough errors for a tight interval
    # The interval is the time-domain run's 95 % Clopper-Pearson one, widened by the model's
    # stated tolerance: 2 % (nine comparisons at 95 % each), 5 % with jitter, whose per-edge
    # RJ the statistical engine takes as Gaussian with the exact variance (the real term is a
    # Gaussian mixture over the data, a little heavier in the tails).
    tol = 0.05 if extra == "jitter" else 0.02
    lo, hi = td.ber_ci[0] * (1 - tol), td.ber_ci[1] * (1 + tol)
    assert lo <= stat.ber() <= hi, (stat.ber(), td.ber_ci)
    assert stat.ser() == pytest.approx(td.ser, rel=0.06)


@pytest.mark.parametrize(("rate", "mod"), [("224G", "PAM4"), ("448G", "PAM6"), ("448G", "PAM8")])
def test_eye_heights_at_1e_3_agree_with_the_time_domain_eye(rate, mod):
    cfg = demo_config(rate, mod).replace(
        **{"sim.n_symbols": 400_000, "sim.warmup_symbols": 2000, "tx.pattern": "random"}
    )
    stat = statistical_eye(cfg)
    td = simulate(cfg)
    h_stat, h_td = stat.heights_v(1e-3), td.eye_heights_v
    # the time-domain quantile at 1e-3 of ~1e5 samples per level moves by ~2 % run to run
    assert np.all(np.abs(h_stat - h_td) <= 0.03 * np.abs(h_td) + 2e-4), (h_stat, h_td)
    assert np.allclose(stat.widths_ui(1e-3), td.eye_widths_ui, atol=0.03)


def test_results_do_not_depend_on_the_bin_count():
    link = Link(demo_config("448G", "PAM4"))
    coarse, fine = statistical_eye(link, voltage_bins=1024), statistical_eye(link, 2048)
    for p in (1e-3, 1e-6, 1e-12, 1e-15):
        a, b = coarse.heights_v(p), fine.heights_v(p)
        assert np.all(np.abs(a - b) <= 0.005 * np.abs(b)), (p, a, b)
    assert coarse.ber() == pytest.approx(fine.ber(), rel=0.02)


def test_a_longer_tail_probability_gives_a_smaller_eye_and_the_bathtub_is_consistent():
    stat = statistical_eye(demo_config("224G", "PAM4"))
    heights = [stat.heights_v(p)[1] for p in (1e-3, 1e-6, 1e-9, 1e-12, 1e-15)]
    assert np.all(np.diff(heights) < 0)
    widths = [stat.widths_ui(p)[1] for p in (1e-3, 1e-9, 1e-15)]
    assert np.all(np.diff(widths) <= 0)
    # the opening's edges are where each level's tail reads the probability
    for p in (1e-6, 1e-12):
        top = stat._quantiles(2, p, stat.centre)[0]
        bottom = stat._quantiles(1, p, stat.centre)[1]
        assert float(stat.prob_below(2, top)) == pytest.approx(p, rel=0.02)
        assert float(stat.prob_above(1, bottom)) == pytest.approx(p, rel=0.02)
        assert top - bottom == pytest.approx(stat.heights_v(p)[1], rel=1e-9)
    # the vertical bathtub is deep between the levels and ~1/2 at their centres
    main = stat.cases[stat.centre][0].main_v
    v = np.linspace(stat.levels_v[1] * main, stat.levels_v[2] * main, 401)
    tub = stat.bathtub_vertical(1, v)
    assert tub.min() < 1e-15 and 0.2 < tub[0] < 0.6 and 0.2 < tub[-1] < 0.6


def test_sigint_stateye_writes_the_figures_the_api_gives(tmp_path, capsys):
    from sigint.cli import main
    from sigint.config import save_config

    cfg = demo_config("224G", "PAM4")
    path = tmp_path / "link.toml"
    save_config(cfg, path)
    out = tmp_path / "out"
    assert main(["stateye", str(path), "--out", str(out), "--targets", "1e-6,1e-12"]) == 0
    printed = capsys.readouterr().out
    assert "min eye height mV" in printed and "1e-12" in printed
    doc = __import__("json").loads((out / "link_stateye.json").read_text())
    stat = statistical_eye(cfg)
    assert doc["eyes"][1]["probability"] == 1e-12
    assert np.allclose(doc["eyes"][1]["heights_v"], stat.heights_v(1e-12), rtol=1e-9)
    assert (out / "link_stateye.png").stat().st_size > 10_000
    assert (out / "link_bathtubs.png").stat().st_size > 10_000
    assert main(["stateye", str(path), "--out", str(out), "--targets", "0.7"]) == 2
    assert "--targets" in capsys.readouterr().err


def test_error_propagation_chain_is_consistent_and_grows_with_the_first_tap():
    """Without feedback or correlated interference the chain gives back the error-free SER;
    stronger first taps make errors follow errors more often and lengthen bursts."""
    cfg = demo_config("448G", "PAM4").replace(**{"rx.noise_density_v2_hz": 4e-17})
    stat = dataclasses.replace(
        statistical_eye(cfg), interference_correlation=np.zeros(0)
    )  # the DFE's pull alone
    none = dataclasses.replace(stat, dfe_feedback_v=np.zeros(0)).error_propagation()
    assert none.ser == pytest.approx(stat.ser(), rel=1e-9)
    assert none.mean_burst_errors == pytest.approx(1.0 / (1.0 - stat.ser()), rel=1e-6)
    results = []
    for b1 in (0.2, 0.5, 0.8):
        taps = np.array([b1 * stat.cases[stat.centre][0].main_v])
        results.append(dataclasses.replace(stat, dfe_feedback_v=taps).error_propagation())
    sers = [r.ser for r in results]
    assert stat.ser() < sers[0] < sers[1] < sers[2]
    assert np.all(np.diff([r.p_error_after_error for r in results]) > 0)
    assert np.all(np.diff([r.mean_burst_errors for r in results]) > 0)
    assert results[-1].p_error_after_error > 3 * stat.ser()


@pytest.mark.parametrize("mod", ["PAM4", "PAM6", "PAM8"])
def test_ber_with_dfe_error_propagation_matches_the_time_domain_engine(mod):
    """The 448G demo links (24-tap DFE, b1 ≈ 0.35, CTLE-peaked noise with ρ1 ≈ −0.4): the
    time-domain BER, whose DFE feeds back its own wrong decisions, inside the interval."""
    cfg = demo_config("448G", mod).replace(
        **{"sim.n_symbols": 2_000_000, "sim.warmup_symbols": 1000, "tx.pattern": "random",
           "sim.eye": False}
    )  # fmt: skip
    stat = statistical_eye(cfg)
    prop = stat.error_propagation()
    td = simulate(cfg)
    assert td.bit_errors > 20
    lo, hi = td.ber_ci[0] * 0.95, td.ber_ci[1] * 1.05
    assert lo <= prop.ber <= hi, (prop.ber, stat.ber(), td.ber_ci)
