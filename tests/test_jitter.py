"""Transmit jitter: what is injected is what the waveform's zero crossings measure back."""

import numpy as np
import pytest

from sigint.config import ChannelConfig, LinkConfig, RxConfig, SimConfig, StriplineSegment, TxConfig
from sigint.errors import ConfigError
from sigint.jitter import EdgeJitter, JitterConfig, jitter_stream, zero_crossing_tie
from sigint.timedomain import simulate

F_BAUD = 53.125e9


def _tie(jitter: JitterConfig, samples_per_ui=32, n=60_000, seed=2):
    """TIE of an NRZ link with (almost) no ISI: no channel, soft edges, a wide Rx."""
    cfg = LinkConfig(
        modulation="PAM2",
        f_baud_hz=F_BAUD,
        tx=TxConfig(swing_vppd=0.8, pattern="random", rise_time_s=0.3 / F_BAUD, jitter=jitter),
        channel=ChannelConfig((StriplineSegment(0.0),)),
        rx=RxConfig(bandwidth_hz=6 * F_BAUD),
        sim=SimConfig(
            n_symbols=n,
            warmup_symbols=1_000,
            samples_per_ui=samples_per_ui,
            capture_ui=n - 2_000,
            seed=seed,
        ),
    )
    result = simulate(cfg)
    assert result.bit_errors == 0
    return zero_crossing_tie(result.waveform)


@pytest.fixture(scope="module")
def baseline_rms():
    _, tie = _tie(JitterConfig())
    return float(np.sqrt(np.mean(tie**2)))


def test_the_jitter_free_link_has_almost_no_crossing_jitter(baseline_rms):
    assert baseline_rms < 0.004


@pytest.mark.parametrize("rj", [0.01, 0.03])
def test_random_jitter_sigma_is_measured_back_within_5_percent(rj, baseline_rms):
    _, tie = _tie(JitterConfig(rj_rms_ui=rj))
    measured = np.sqrt(max(np.mean(tie**2) - baseline_rms**2, 0.0))
    assert measured == pytest.approx(rj, rel=0.05)


@pytest.mark.parametrize("samples_per_ui", [32, 8])
def test_sinusoidal_jitter_amplitude_is_measured_back_at_sub_sample_resolution(samples_per_ui):
    f_sj = F_BAUD / 997
    amplitude = 0.01  # well below one sample at 8 samples/UI (0.125 UI)
    t_ui, tie = _tie(JitterConfig(sj_amplitude_ui=amplitude, sj_frequency_hz=f_sj), samples_per_ui)
    w = 2 * np.pi * f_sj / F_BAUD
    basis = np.column_stack([np.sin(w * t_ui), np.cos(w * t_ui), np.ones_like(t_ui)])
    coef, *_ = np.linalg.lstsq(basis, tie, rcond=None)
    assert np.hypot(coef[0], coef[1]) == pytest.approx(amplitude, rel=0.05)


def test_duty_cycle_distortion_splits_alternate_edges():
    dcd = 0.04
    t_ui, tie = _tie(JitterConfig(dcd_pp_ui=dcd))
    edge_index = np.floor(t_ui - np.mean(tie)).astype(int)  # edges sit near k + 1/2
    even, odd = tie[edge_index % 2 == 0], tie[edge_index % 2 == 1]
    assert abs(np.mean(even) - np.mean(odd)) == pytest.approx(dcd, rel=0.05)


def test_dual_dirac_jitter_is_bounded_and_bimodal():
    dj = 0.06
    _, tie = _tie(JitterConfig(dj_pp_ui=dj))
    centred = tie - np.mean(tie)
    assert np.quantile(np.abs(centred), 0.999) < 0.5 * dj + 0.01
    assert np.mean(np.abs(centred)) == pytest.approx(dj / 2, rel=0.1)


def test_edge_source_is_deterministic_per_seed_and_streams_in_chunks():
    cfg = JitterConfig(rj_rms_ui=0.01, sj_amplitude_ui=0.02, sj_frequency_hz=1e8, dcd_pp_ui=0.01)
    one = EdgeJitter(cfg, 1 / F_BAUD, np.random.default_rng(5))(1000)
    source = EdgeJitter(cfg, 1 / F_BAUD, np.random.default_rng(5))
    chunked = np.concatenate([source(300), source(700)])
    assert np.array_equal(one, chunked)


def test_jitter_stream_is_minus_the_step_times_the_delay():
    levels = np.array([1.0, 1.0, -1.0, 1.0])
    tau = np.array([0.1, 0.2, 0.3, 0.4])
    out = jitter_stream(levels, -1.0, tau, 16)
    assert np.allclose(out, -np.array([2.0, 0.0, -2.0, 2.0]) * tau * 16)


def test_jitter_draws_its_own_stream_and_leaves_data_and_noise_alone():
    from sigint.demo import demo_config

    base = demo_config("224G", "PAM4", n_symbols=40_000).replace(**{"sim.eye": False})
    a = simulate(base)
    b = simulate(base.replace(**{"tx.jitter": JitterConfig(rj_rms_ui=0.02)}))
    # Same bits and noise (zero-mean jitter leaves the level means), more spread.
    assert np.allclose(a.level_means_v, b.level_means_v, rtol=2e-3)
    assert np.all(b.level_sigmas_v > a.level_sigmas_v)
    assert a.bit_errors == b.bit_errors == 0


def test_bad_jitter_values_name_the_key():
    with pytest.raises(ConfigError, match="rj_rms_ui"):
        JitterConfig(rj_rms_ui=-0.1)
    with pytest.raises(ConfigError, match="sj_frequency_hz"):
        JitterConfig(sj_amplitude_ui=0.1)


@pytest.mark.parametrize("eye", [False, True])
def test_sampling_jitter_adds_the_pulse_slope_noise(eye):
    from sigint.demo import demo_config
    from sigint.link import Link

    base = demo_config("224G", "PAM4", n_symbols=120_000)
    base = base.replace(**{"sim.eye": eye, "tx.sndr_db": None, "rx.noise_density_v2_hz": 0.0})
    rj = 0.02
    quiet = simulate(base)
    jittered = simulate(base.replace(**{"rx.sampling_rj_rms_ui": rj}))
    pulse = Link(base).pulse
    s = pulse.samples_per_ui
    c = pulse.cursor_index % s
    slope = (
        pulse.samples[c + 1 :: s][: pulse.n_ui - 1] - pulse.samples[c - 1 :: s][: pulse.n_ui - 1]
    )
    slope_per_ui = slope * s / 2  # central difference, V/V per UI, at every cursor
    p_sym = np.mean(Link(base).levels_v ** 2)
    predicted = rj**2 * p_sym * np.sum(slope_per_ui**2)
    added = np.mean(jittered.level_sigmas_v**2) - np.mean(quiet.level_sigmas_v**2)
    assert added == pytest.approx(predicted, rel=0.1)


def test_sampling_jitter_is_configured_in_one_place():
    from sigint.cdr import CDRConfig

    with pytest.raises(ConfigError, match="sampling_rj_rms_ui"):
        RxConfig(cdr=CDRConfig("bang-bang", kp=1e-3, ki=1e-6, rx_rj_rms_ui=0.01))


def test_sample_jittered_equals_linear_interpolation():
    from sigint.kernels.cdr import sample_jittered

    rng = np.random.default_rng(4)
    rows = rng.standard_normal((50, 7))
    tau = np.concatenate([rng.uniform(-2.9, 2.9, 46), [-5.0, 5.0, 0.0, -3.0]])
    out = np.empty(50)
    sample_jittered(rows, 3.0, tau, out)
    grid = np.arange(7.0)
    twin = [np.interp(3.0 + t, grid, r) for r, t in zip(rows, tau, strict=True)]
    assert np.allclose(out, twin, atol=1e-12)
