"""The time-domain engine's physics: AWGN error rates against theory, DFE equalisation of a long
channel, LMS convergence, reproducibility, independence of chunking and superposition method,
precoding and PAM6 bit accounting."""

from __future__ import annotations

import numpy as np
import pytest

from sigint.config import ChannelConfig, LinkConfig, RxConfig, SimConfig, StriplineSegment, TxConfig
from sigint.demo import ctle_93a, demo_config
from sigint.link import Link
from sigint.theory import required_snr_db, ser_pam
from sigint.timedomain import simulate

F_BAUD = 106.25e9
NOISELESS = {"tx.sndr_db": None, "rx.noise_density_v2_hz": 0.0}
SMALL = {
    "sim.samples_per_ui": 16,
    "sim.n_symbols": 20_000,
    "sim.warmup_symbols": 2_000,
    "sim.chunk_symbols": 4096,
}


def awgn_config(m: int, target_ser: float = 3e-3, **changes) -> LinkConfig:
    """A back-to-back link (no channel, no CTLE) with Rx noise only, set for ``target_ser``.

    Gaussian edges of 0.17 UI and a 6× f_baud Rx make a flat-topped pulse sampled mid-UI, so
    the slicer sees the levels and the noise alone (residual ISI is checked, not assumed).
    """
    base = LinkConfig(
        modulation=f"PAM{m}",
        f_baud_hz=F_BAUD,
        channel=ChannelConfig((StriplineSegment(0.0),)),
        tx=TxConfig(rise_time_s=0.17 / F_BAUD, pattern="random"),
        rx=RxConfig(bandwidth_hz=6 * F_BAUD, noise_density_v2_hz=1e-18),
        sim=SimConfig(n_symbols=200_000, samples_per_ui=16, eye=False, warmup_symbols=100, seed=5),
    )
    link = Link(base)
    signal = np.mean(link.levels_v**2) * link.pulse.main_cursor**2
    snr = 10 ** (required_snr_db(m, target_ser) / 10)
    n0 = 1e-18 * signal / snr / link.noise_sigma_v() ** 2
    return base.replace(**{"rx.noise_density_v2_hz": n0, **changes})


def predicted_snr(link: Link) -> float:
    """Mean symbol power at the slicer over the predicted Rx noise power (linear)."""
    return np.mean(link.levels_v**2) * link.pulse.main_cursor**2 / link.noise_sigma_v() ** 2


def long_channel(**changes) -> LinkConfig:
    """1 m of 26 AWG twinax between two 5-inch hosts at 224G PAM4, noiseless, with the demo's
    CTLE form at −10 dB: too little peaking for an open eye without the 24-tap DFE."""
    ctle = {f"rx.{k}": v for k, v in ctle_93a(F_BAUD, -10.0).items()}
    return demo_config("224G", "PAM4").replace(**{**NOISELESS, **SMALL, **ctle, **changes})


# ---------------------------------------------------------------- AWGN against theory


@pytest.mark.parametrize("m", [2, 4, 8])
def test_awgn_ser_follows_the_theoretical_curve_and_noise_sigma_is_predicted(m):
    cfg = awgn_config(m)
    link = Link(cfg)
    sigma = link.noise_sigma_v()
    # the pulse is ISI-free to well below the noise: what the slicer sees is AWGN
    isi = np.delete(link.pulse.cursors(), link.pulse.pre_ui)
    isi_rms_v = np.sqrt(np.sum(isi**2) * np.mean(link.levels_v**2))
    assert isi_rms_v < 1e-3 * sigma

    r = simulate(cfg)
    assert r.n_symbols == cfg.sim.n_symbols - cfg.sim.warmup_symbols
    np.testing.assert_allclose(r.level_sigmas_v, sigma, rtol=0.02)
    snr_db = 10 * np.log10(predicted_snr(link))
    assert r.snr_db == pytest.approx(snr_db, abs=0.1)
    expected = float(ser_pam(m, snr_db))
    assert expected == pytest.approx(3e-3, rel=1e-6)
    lo, hi = r.ser_ci  # 95 % Clopper–Pearson, ~600 errors
    assert lo <= expected <= hi, (r.symbol_errors, r.n_symbols, expected)
    # Gray mapping: at this SER nearly every error is to a neighbour, one bit wrong
    assert r.symbol_errors <= r.bit_errors <= 1.02 * r.symbol_errors
    assert r.n_bits == np.log2(m) * r.n_symbols


def test_lower_noise_gives_fewer_errors():
    hi = simulate(awgn_config(4, 1e-2, **{"sim.n_symbols": 50_000}))
    lo = simulate(awgn_config(4, 1e-3, **{"sim.n_symbols": 50_000}))
    assert lo.ser_ci[1] < hi.ser_ci[0]


# ---------------------------------------------------------------- DFE on a long channel


@pytest.fixture(scope="module")
def dfe_runs():
    cfg = long_channel()
    return {
        "link": Link(cfg),
        "dfe": simulate(cfg),
        "none": simulate(cfg.replace(**{"rx.dfe_taps": 0})),
    }


def test_zero_forcing_dfe_opens_a_long_channel_that_is_closed_without_it(dfe_runs):
    dfe, none = dfe_runs["dfe"], dfe_runs["none"]
    assert dfe.symbol_errors == 0 and dfe.bit_errors == 0
    assert (dfe.eye_heights_v > 0).all()
    assert (dfe.eye_widths_ui > 0).all()
    assert none.eye_heights_v.min() <= 0
    assert none.symbol_errors > 0
    np.testing.assert_allclose(dfe.dfe_taps, dfe_runs["link"].dfe_zero_forcing_taps())


def test_noiseless_dfe_snr_is_the_residual_isi_of_the_pulse(dfe_runs):
    """After a zero-forcing DFE what is left is the pre-cursors and the post-cursors beyond
    its taps: SNR = h0² / Σ residual²."""
    link = dfe_runs["link"]
    c = link.pulse.cursors() / link.pulse.main_cursor
    pre, n = link.pulse.pre_ui, link.cfg.rx.dfe_taps
    residual = np.concatenate([c[:pre], c[pre + 1 + n :]])
    want_db = -10 * np.log10(np.sum(residual**2))
    assert dfe_runs["dfe"].snr_db == pytest.approx(want_db, abs=0.3)
    # and without the DFE its post-cursors count too
    none_db = -10 * np.log10(np.sum(np.delete(c, pre) ** 2))
    assert dfe_runs["none"].snr_db == pytest.approx(none_db, abs=0.3)


def test_noiseless_eye_levels_sit_at_the_cursor_times_the_tx_levels(dfe_runs):
    r, link = dfe_runs["dfe"], dfe_runs["link"]
    want = link.levels_v * link.pulse.main_cursor
    np.testing.assert_allclose(r.level_means_v, want, atol=0.02 * abs(want).max())
    bin_v = (r.eye.v_max - r.eye.v_min) / r.eye.hist.shape[2]
    np.testing.assert_allclose(r.eye.centers_v(), want, atol=0.02 * abs(want).max() + bin_v)


def test_lms_dfe_converges_to_the_zero_forcing_taps():
    """Data-aided LMS with independent symbols has the zero-forcing taps as its fixed point;
    with μ = 5e-4 the taps settle within ~1e-3 (tap jitter √(μ·J/2)) of them."""
    cfg = demo_config("224G", "PAM4").replace(
        **{
            **NOISELESS,
            **SMALL,
            "sim.eye": False,
            "rx.dfe_adaptation": "lms",
            "rx.dfe_step": 5e-4,
            "sim.warmup_symbols": 24_000,
            "sim.n_symbols": 28_000,
        },
    )
    zf = Link(cfg).dfe_zero_forcing_taps()
    r = simulate(cfg)
    err = r.dfe_taps - zf
    assert np.abs(err).max() < 2.5e-3  # h1 ≈ 0.14: under 2 % of it
    assert np.sqrt(np.mean(err**2)) < 1.2e-3
    assert r.symbol_errors == 0
    ref = simulate(cfg.replace(**{"rx.dfe_adaptation": "zero-forcing"}))
    assert r.snr_db == pytest.approx(ref.snr_db, abs=0.2)


def test_lms_frozen_from_the_start_keeps_its_taps_at_zero():
    cfg = long_channel(
        **{"rx.dfe_adaptation": "lms", "rx.freeze_after_symbols": 0, "sim.eye": False}
    )
    r = simulate(cfg)
    assert r.dfe_taps.shape == (24,)
    assert (r.dfe_taps == 0.0).all()
    # a DFE with zero taps is no DFE
    none = simulate(cfg.replace(**{"rx.dfe_taps": 0}))
    assert r.symbol_errors == none.symbol_errors > 0


# ---------------------------------------------------------------- reproducibility, chunking


def noisy_channel(**changes) -> LinkConfig:
    """The long channel with Rx and Tx noise: tens of errors in 18 000 symbols."""
    return long_channel(
        **{"rx.noise_density_v2_hz": 2.5e-16, "tx.sndr_db": 33.0, "sim.eye": True, **changes}
    )


@pytest.fixture(scope="module")
def noisy_run():
    return simulate(noisy_channel(), method="direct")


def test_same_seed_reproduces_every_count_and_the_eye(noisy_run):
    again = simulate(noisy_channel(), method="direct")
    assert noisy_run.symbol_errors > 0
    assert again.symbol_errors == noisy_run.symbol_errors
    assert again.bit_errors == noisy_run.bit_errors
    assert again.snr_db == noisy_run.snr_db
    np.testing.assert_array_equal(again.eye.hist, noisy_run.eye.hist)


def test_different_seed_draws_different_noise_of_the_same_statistics(noisy_run):
    other = simulate(noisy_channel(**{"sim.seed": 2}), method="direct")
    assert not np.array_equal(other.eye.hist, noisy_run.eye.hist)
    assert not np.array_equal(other.level_means_v, noisy_run.level_means_v)
    assert other.snr_db != noisy_run.snr_db
    assert other.snr_db == pytest.approx(noisy_run.snr_db, abs=0.3)


@pytest.mark.parametrize("chunk", [1024, 3000, 32_768])
def test_results_do_not_depend_on_the_chunk_size(chunk, noisy_run):
    r = simulate(noisy_channel(**{"sim.chunk_symbols": chunk}), method="direct")
    assert r.symbol_errors == noisy_run.symbol_errors
    assert r.bit_errors == noisy_run.bit_errors
    np.testing.assert_array_equal(r.eye.hist, noisy_run.eye.hist)
    assert r.snr_db == pytest.approx(noisy_run.snr_db, abs=1e-9)


@pytest.mark.parametrize("chunk", [1024, 2048])
def test_pam6_precoded_results_do_not_depend_on_the_chunk_size(chunk):
    """Odd chunk boundaries split PAM6 pairs and the precoder state."""
    cfg = noisy_channel(
        **{
            "modulation": "PAM6",
            "tx.precoding": True,
            "rx.noise_density_v2_hz": 4e-16,
            "sim.n_symbols": 9_002,
        }
    )
    one = simulate(cfg.replace(**{"sim.chunk_symbols": 32_768}), method="direct")
    r = simulate(cfg.replace(**{"sim.chunk_symbols": chunk}), method="direct")
    assert one.symbol_errors > 0
    assert (r.symbol_errors, r.bit_errors, r.n_symbols) == (
        one.symbol_errors,
        one.bit_errors,
        one.n_symbols,
    )
    np.testing.assert_array_equal(r.eye.hist, one.eye.hist)


def test_fft_and_direct_superposition_give_the_same_result(noisy_run):
    r = simulate(noisy_channel(), method="fft")
    assert r.symbol_errors == noisy_run.symbol_errors
    assert r.bit_errors == noisy_run.bit_errors
    assert r.snr_db == pytest.approx(noisy_run.snr_db, abs=1e-6)
    np.testing.assert_allclose(r.level_sigmas_v, noisy_run.level_sigmas_v, rtol=1e-5)


# ---------------------------------------------------------------- precoding, PAM6


def test_precoding_on_a_noiseless_equalised_link_makes_no_errors():
    r = simulate(long_channel(**{"tx.precoding": True, "sim.eye": False}))
    assert r.symbol_errors == 0 and r.bit_errors == 0


def test_precoding_doubles_awgn_errors_as_each_slicer_error_hits_two_decoded_symbols():
    n = {"sim.n_symbols": 100_000}
    plain = simulate(awgn_config(4, 5e-3, **n))
    pre = simulate(awgn_config(4, 5e-3, **n, **{"tx.precoding": True}))
    assert plain.symbol_errors > 300
    assert 1.6 < pre.symbol_errors / plain.symbol_errors < 2.4
    assert 1.6 < pre.bit_errors / plain.bit_errors < 2.4
    assert np.isfinite(pre.ber) and pre.ber < 0.02


def test_pam6_noiseless_makes_no_errors_and_counts_five_bits_per_two_symbols():
    cfg = demo_config("448G", "PAM6").replace(**NOISELESS, **SMALL, **{"sim.eye": False})
    r = simulate(cfg)
    assert r.symbol_errors == 0 and r.bit_errors == 0
    assert r.n_symbols % 2 == 0
    assert r.n_symbols == cfg.sim.n_symbols - cfg.sim.warmup_symbols
    assert r.n_bits == 2.5 * r.n_symbols
    assert r.resolved["line_rate_bps"] == pytest.approx(2.5 * cfg.f_baud_hz)
