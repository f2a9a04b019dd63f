"""The Salz (MMSE-DFE) and MMSE-LE bounds, and the noise autocorrelation they and the solver use."""

import dataclasses as dc

import numpy as np
import pytest

from sigint import filters
from sigint.bounds import (
    folded_snr,
    mmse_le_snr_db,
    noise_acf,
    noise_acf_from_transfer,
    salz_mmse_dfe_snr_db,
)
from sigint.demo import ctle_93a, demo_config
from sigint.eqopt import solve_ffe_dfe
from sigint.link import Link


def _awgn_link(g_dc_db):
    """Demo 224G PAM4 link (1 m 26 AWG + hosts), Tx noise off: Rx noise only."""
    cfg = demo_config("224G", "PAM4")
    cfg = dc.replace(
        cfg,
        tx=dc.replace(cfg.tx, sndr_db=None),
        rx=dc.replace(cfg.rx, **ctle_93a(cfg.f_baud_hz, g_dc_db)),
    )
    link = Link(cfg)
    return link, float(np.mean(link.levels_v**2)), noise_acf(link.noise, 6e-18)


@pytest.mark.parametrize("snr_db", [0.0, 17.0, 40.0])
@pytest.mark.parametrize("gain", [1.0, 0.25])
def test_flat_channel_bounds_equal_the_input_snr(snr_db, gain):
    sigma = gain * 10 ** (-snr_db / 20)
    assert salz_mmse_dfe_snr_db([gain], sigma_noise_v=sigma) == pytest.approx(snr_db, abs=1e-9)
    assert mmse_le_snr_db([gain], sigma_noise_v=sigma) == pytest.approx(snr_db, abs=1e-9)


def test_noise_acf_from_the_engine_table_equals_the_psd_form():
    link, _, acf = _awgn_link(-14.0)
    cfg = link.cfg
    s, q = cfg.sim.samples_per_ui, cfg.sim.noise_samples_per_ui
    f_stop = q * cfg.f_baud_hz / 2
    band = filters.raised_cosine_lowpass(link.f_hz, 0.8 * f_stop, f_stop)
    psd_form = noise_acf_from_transfer(link.h_rx * band, cfg.ui_s / s, s, 6e-18)
    assert acf[0] == pytest.approx(link.noise_sigma_v() ** 2, rel=1e-12)
    np.testing.assert_allclose(acf[:8], psd_form[:8], rtol=0, atol=1e-5 * acf[0])
    # The noise is stationary: other sampling phases see the same ACF.
    np.testing.assert_allclose(noise_acf(link.noise, 6e-18, 3)[:8], acf[:8], atol=1e-5 * acf[0])


def test_folded_snr_is_positive_and_its_mean_log_gives_the_bound():
    link, sx2, acf = _awgn_link(-14.0)
    omega, snr = folded_snr(link.pulse, signal_power=sx2, noise_acf=acf)
    assert omega[0] == 0 and omega[-1] == pytest.approx(np.pi)
    assert np.all(snr > 0)
    le = mmse_le_snr_db(link.pulse, signal_power=sx2, noise_acf=acf)
    salz = salz_mmse_dfe_snr_db(link.pulse, signal_power=sx2, noise_acf=acf)
    assert le <= salz  # Jensen: the DFE bound is never below the linear one


@pytest.mark.parametrize("g_dc_db", [-14.0, 0.0], ids=repr)
def test_mmse_ffe_dfe_approaches_the_salz_bound_as_taps_grow(g_dc_db):
    link, sx2, acf = _awgn_link(g_dc_db)
    salz = salz_mmse_dfe_snr_db(link.pulse, signal_power=sx2, noise_acf=acf)
    le_bound = mmse_le_snr_db(link.pulse, signal_power=sx2, noise_acf=acf)
    gaps_dfe, gaps_le = [], []
    for n in (8, 16, 64):
        n_pre = n // 4
        kw = {"signal_power": sx2, "noise_acf": acf}
        dfe = solve_ffe_dfe(link.pulse, n_pre, n - 1 - n_pre, link.pulse.n_ui, **kw)
        le = solve_ffe_dfe(link.pulse, n_pre, n - 1 - n_pre, 0, **kw)
        assert dfe.snr_db <= salz + 0.05
        assert le.snr_db <= le_bound + 0.05
        assert le.snr_db <= dfe.snr_db + 1e-9
        gaps_dfe.append(salz - dfe.snr_db)
        gaps_le.append(le_bound - le.snr_db)
    assert gaps_dfe[-1] < 0.5 and gaps_le[-1] < 0.5
    assert np.all(np.diff(gaps_dfe) <= 1e-9) and np.all(np.diff(gaps_le) <= 1e-9)
