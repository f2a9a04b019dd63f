"""The pulse and noise responses of a link: DC gain of the whole linear chain, the sampling
instant at the peak, what truncation drops, and the Rx noise σ against a direct integral of
N0·|H_rx|² over the simulated noise band."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import integrate

from sigint.channel import build_channel
from sigint.config import (
    ChannelConfig,
    LinkConfig,
    RxConfig,
    StriplineSegment,
    TwinaxSegment,
    TxConfig,
)
from sigint.demo import ctle_93a, demo_config
from sigint.link import Link

BACK_TO_BACK = ChannelConfig((StriplineSegment(0.0),))
CTLE = {"ctle_dc_gain_db": -6.0, "ctle_zeros_hz": (20e9,), "ctle_poles_hz": (50e9, 100e9)}
RX_FFE = {"ffe_taps": (-0.1, 0.9, -0.05), "ffe_cursor": 1}

# Back-to-back links: the pulse is a few UI long, so nothing of it is dropped.
SHORT_LINKS = {
    "b2b-default": LinkConfig(rate="224G", channel=BACK_TO_BACK),
    # Gaussian edges of 0.17 UI and an Rx 6× f_baud wide: a flat-topped pulse without the
    # Butterworth's overshoot, so the peak (the sampling instant) is the middle of the UI.
    "b2b-awgn": LinkConfig(
        rate="224G",
        channel=BACK_TO_BACK,
        tx=TxConfig(rise_time_s=0.17 / 106.25e9),
        rx=RxConfig(bandwidth_hz=6 * 106.25e9),
    ),
    "b2b-txffe-ctle-rxffe": LinkConfig(
        rate="448G",
        modulation="PAM6",
        channel=BACK_TO_BACK,
        tx=TxConfig(ffe_taps=(-0.1, 0.8, -0.1), ffe_cursor=1),
        rx=RxConfig(**CTLE, **RX_FFE),
    ),
}
# Lossy copper: the skin effect's approach to its DC resistance leaves a tail of tiny samples
# thousands of UI long.
LOSSY_LINKS = {
    "pcb-5in": LinkConfig(rate="224G", channel=ChannelConfig((StriplineSegment(0.127),))),
    "demo-224G-PAM4": demo_config("224G", "PAM4"),
    "demo-448G-PAM6-rxffe": demo_config("448G", "PAM6").replace(
        **{f"rx.{k}": v for k, v in RX_FFE.items()}
    ),
    "112G-2m-28AWG-ctle": LinkConfig(
        rate="112G",
        channel=ChannelConfig((TwinaxSegment(2.0, 28),)),
        rx=RxConfig(**ctle_93a(53.125e9, -8.0)),
    ),
}
ALL_LINKS = {**SHORT_LINKS, **LOSSY_LINKS}


@pytest.fixture(scope="module")
def links():
    return {name: Link(cfg) for name, cfg in ALL_LINKS.items()}


def _fir_dc(taps) -> float:
    return float(np.sum(taps)) if taps else 1.0


def _ctle_dc(cfg: LinkConfig) -> float:
    """DC gain of the CTLE: g_DC·g_DC2 for the 93A form, the stated DC gain otherwise."""
    if cfg.rx.ctle_g_dc_db is not None:
        return 10 ** ((cfg.rx.ctle_g_dc_db + cfg.rx.ctle_g_dc2_db) / 20)
    return 10 ** (cfg.rx.ctle_dc_gain_db / 20)


def _ctle_power(cfg: LinkConfig, f):
    """|H_ctle(f)|² in closed form (93A-22 written out, or the real pole-zero list)."""
    rx = cfg.rx
    if rx.ctle_g_dc_db is None:
        out = 10 ** (rx.ctle_dc_gain_db / 10)
        for fz in rx.ctle_zeros_hz:
            out *= 1 + (f / fz) ** 2
        for fp in rx.ctle_poles_hz:
            out /= 1 + (f / fp) ** 2
        return out
    fb = cfg.f_baud_hz
    g1, g2 = 10 ** (rx.ctle_g_dc_db / 20), 10 ** (rx.ctle_g_dc2_db / 20)
    fz, fp1, fp2, flf = fb / 2.5, fb / 2.5, fb, fb / 80
    stage1 = (g1**2 + (f / fz) ** 2) / ((1 + (f / fp1) ** 2) * (1 + (f / fp2) ** 2))
    stage2 = (g2**2 + (f / flf) ** 2) / (1 + (f / flf) ** 2)
    return stage1 * stage2


def _chain_dc_gain(cfg: LinkConfig) -> float:
    """H(0) of the linear chain, block by block: Tx FFE, channel, CTLE, Rx FFE (the edge
    filter and the Butterworth front end have unit DC gain)."""
    s21_dc = build_channel(cfg.channel, np.array([0.0])).s21[0]
    assert abs(s21_dc.imag) < 1e-12 * abs(s21_dc)
    return _fir_dc(cfg.tx.ffe_taps) * float(s21_dc.real) * _ctle_dc(cfg) * _fir_dc(cfg.rx.ffe_taps)


@pytest.mark.parametrize("name", list(ALL_LINKS))
def test_the_uncut_pulse_area_is_the_dc_gain_of_the_whole_chain(name, links):
    link = links[name]
    area = link.full_pulse().sum() / link.cfg.sim.samples_per_ui  # a symbol is S samples of 1 V
    assert area == pytest.approx(_chain_dc_gain(link.cfg), rel=1e-9)
    assert link.pulse.dc_gain == pytest.approx(_chain_dc_gain(link.cfg), rel=1e-9)


@pytest.mark.parametrize("name", list(ALL_LINKS))
def test_the_cut_pulse_reports_the_dc_it_drops_and_keeps_the_isi_that_matters(name, links):
    pulse = links[name].pulse
    kept = pulse.samples.sum() / pulse.samples_per_ui
    assert 1 - kept / pulse.dc_gain == pytest.approx(pulse.truncated_dc_fraction, abs=1e-12)
    # The skin-effect tail relaxes to DC over microseconds: a few % of the DC gain, in
    # cursors so small that their ISI is ~1e-3 of the main cursor.
    assert abs(pulse.truncated_dc_fraction) < 0.05
    assert pulse.truncated_isi_rms < 1.5e-3 * pulse.main_cursor


@pytest.mark.parametrize("name", list(ALL_LINKS))
def test_pulse_peaks_at_the_cursor_and_fits_in_the_window(name, links):
    link = links[name]
    pulse = link.pulse
    s = pulse.samples_per_ui
    assert int(np.argmax(np.abs(pulse.samples))) == pulse.cursor_index
    assert pulse.main_cursor > 0
    assert pulse.cursors()[pulse.pre_ui] == pulse.main_cursor
    assert pulse.n_ui < link.resolved.window_ui  # no sample of the periodic response twice
    # every UI row is centred on its sampling instant
    assert pulse.cursor_index % s == s // 2
    assert pulse.t_s[pulse.cursor_index] == 0.0


@pytest.mark.parametrize("name", list(ALL_LINKS))
def test_truncated_isi_is_the_rss_of_the_dropped_cursors_and_small(name, links):
    link = links[name]
    pulse = link.pulse
    s = pulse.samples_per_ui
    # the full periodic pulse, recomputed from the transfer functions
    from sigint import filters

    h = (
        filters.sample_hold(link.f_hz, s, link.cfg.ui_s / s)
        * link.h_tx
        * link.channel.s21
        * link.h_rx
    )
    full = np.fft.irfft(h)
    peak = int(np.argmax(np.abs(full)))
    cursors = np.roll(full, -peak)[::s]  # j UI after the peak, circularly
    n_post = pulse.n_ui - pulse.pre_ui - 1
    kept = np.concatenate([cursors[-pulse.pre_ui :] if pulse.pre_ui else [], cursors[: n_post + 1]])
    np.testing.assert_allclose(kept, pulse.cursors(), rtol=1e-12, atol=1e-15)
    dropped = cursors[n_post + 1 : cursors.size - pulse.pre_ui]
    assert pulse.truncated_isi_rms == pytest.approx(np.sqrt(np.sum(dropped**2)), rel=1e-9)
    limit = 1e-4 if name in SHORT_LINKS else 1.5e-3  # ≥ 56 dB below the cursor
    assert pulse.truncated_isi_rms < limit * pulse.main_cursor


def test_back_to_back_pulse_with_smooth_edges_and_wide_rx_is_isi_free(links):
    pulse = links["b2b-awgn"].pulse
    isi = np.delete(pulse.cursors(), pulse.pre_ui)
    assert pulse.main_cursor == pytest.approx(1.0, abs=1e-5)
    assert np.sqrt(np.sum(isi**2)) < 1e-5


def test_sampling_at_the_peak_of_an_overshooting_pulse_leaves_isi():
    """Sharp edges into a wide Butterworth-4 overshoot by ~11 %: the peak is on the overshoot
    just after the edge, not mid-UI, and the next UI sees the step's settling as ISI."""
    cfg = SHORT_LINKS["b2b-awgn"].replace(**{"tx.rise_time_s": 0.0, "rx.bandwidth_hz": 3e11})
    pulse = Link(cfg).pulse
    assert 1.05 < pulse.main_cursor < 1.15
    assert pulse.cursors()[pulse.pre_ui + 1] < -0.05


def _rx_power_gain(cfg: LinkConfig, bandwidth_hz: float):
    """|H_rx(f)|² in closed form: Butterworth-4 · CTLE · Rx FFE."""
    taps = np.asarray(cfg.rx.ffe_taps, float)
    delays = (np.arange(taps.size) - cfg.rx.ffe_cursor) * cfg.ui_s

    def h2(f):
        out = _ctle_power(cfg, f) / (1 + (f / bandwidth_hz) ** 8)
        if taps.size:
            out *= abs(np.sum(taps * np.exp(-2j * np.pi * f * delays))) ** 2
        return out

    return h2


@pytest.mark.parametrize("name", list(ALL_LINKS))
def test_noise_sigma_is_the_integral_of_n0_times_rx_power_gain(name, links):
    link = links[name]
    cfg = link.cfg.replace(**{"rx.noise_density_v2_hz": 1e-17})
    n0 = cfg.rx.noise_density_v2_hz
    f_stop = cfg.sim.noise_samples_per_ui * cfg.f_baud_hz / 2  # the noise source's band edge
    f_pass = 0.8 * f_stop
    h2 = _rx_power_gain(cfg, link.resolved.rx_bandwidth_hz)
    in_band = integrate.quad(h2, 0, f_pass, limit=400)[0]

    def roll_off(f):  # the raised-cosine edge of the source band, squared
        return np.cos(0.5 * np.pi * (f - f_pass) / (f_stop - f_pass)) ** 4

    edge = integrate.quad(lambda f: h2(f) * roll_off(f), f_pass, f_stop, limit=200)[0]
    sigma = Link(cfg).noise_sigma_v()
    assert sigma == pytest.approx(np.sqrt(n0 * (in_band + edge)), rel=1e-4)
    if link.resolved.rx_bandwidth_hz < 2 * cfg.f_baud_hz:
        # an Rx that band-limits the noise itself does not notice the source's band edge
        assert sigma == pytest.approx(np.sqrt(n0 * in_band), rel=1e-2)
        assert np.sqrt(n0 * in_band) / sigma - 1 > -1e-3


def test_noise_sigma_scales_with_the_square_root_of_the_density():
    cfg = LinkConfig(rate="224G", channel=BACK_TO_BACK)
    s1 = Link(cfg.replace(**{"rx.noise_density_v2_hz": 1e-18})).noise_sigma_v()
    s4 = Link(cfg.replace(**{"rx.noise_density_v2_hz": 4e-18})).noise_sigma_v()
    assert s4 == pytest.approx(2 * s1, rel=1e-12)
    assert Link(cfg).noise_sigma_v() == 0.0


def test_zero_forcing_dfe_taps_are_the_post_cursors_over_the_main_cursor(links):
    link = links["demo-224G-PAM4"]
    c = link.pulse.cursors()
    pre = link.pulse.pre_ui
    taps = link.dfe_zero_forcing_taps()
    assert taps.size == link.cfg.rx.dfe_taps
    np.testing.assert_allclose(taps, c[pre + 1 : pre + 1 + taps.size] / c[pre], rtol=1e-12)
