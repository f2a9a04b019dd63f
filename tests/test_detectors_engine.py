"""MLSE and the ADC inside the time-domain engine."""

import numpy as np
import pytest

from sigint.config import ChannelConfig, LinkConfig, RxConfig, SimConfig, StriplineSegment, TxConfig
from sigint.demo import demo_config
from sigint.errors import ConfigError
from sigint.timedomain import simulate

F = 106.25e9


def _post_cursor_link(detector="slicer", memory=1, dfe=0, n0=0.0):
    """Post-cursor ISI only: a wideband front end then one real pole at f_b/4 (h1 ≈ 0.5)."""
    return LinkConfig(
        rate="224G",
        tx=TxConfig(swing_vppd=0.8, rise_time_s=0.17 / F),
        channel=ChannelConfig((StriplineSegment(0.0),)),
        rx=RxConfig(
            bandwidth_hz=6 * F,
            ctle_poles_hz=(F / 4,),
            noise_density_v2_hz=n0,
            detector=detector,
            mlse_memory=memory,
            dfe_taps=dfe,
        ),
        sim=SimConfig(n_symbols=60_000, eye=False, warmup_symbols=2_000),
    )


def test_mlse_in_the_engine_decodes_what_a_plain_slicer_cannot():
    plain = simulate(_post_cursor_link())
    mlse = simulate(_post_cursor_link("mlse", memory=3))
    assert plain.symbol_errors > 100  # the eye is closed without equalisation
    assert mlse.symbol_errors == 0
    assert mlse.n_symbols == plain.n_symbols


def test_mlse_configuration_is_checked():
    with pytest.raises(ConfigError, match="dfe_taps = 0"):
        RxConfig(detector="mlse", dfe_taps=2)
    with pytest.raises(ConfigError, match="mlse_memory"):
        RxConfig(detector="mlse", mlse_memory=5)


def _adc_link(bits):
    cfg = demo_config("224G", "PAM4", n_symbols=80_000)
    return cfg.replace(**{"sim.eye": False, "rx.adc_bits": bits})


def test_adc_quantisation_noise_adds_as_delta_squared_over_12():
    reference = simulate(_adc_link(None))
    noise_ref = np.mean(reference.level_sigmas_v**2)
    for bits in (5, 6):
        result = simulate(_adc_link(bits))
        cfg = _adc_link(bits)
        from sigint.link import Link
        from sigint.timedomain import TimeDomainRun

        lsb = TimeDomainRun(Link(cfg)).adc.lsb_v
        measured = np.mean(result.level_sigmas_v**2) - noise_ref
        assert measured == pytest.approx(lsb**2 / 12, rel=0.15)
    snrs = [simulate(_adc_link(b)).snr_db for b in (4, 5, 6, 8)]
    assert snrs == sorted(snrs)
    assert snrs[-1] == pytest.approx(reference.snr_db, abs=0.1)


def test_adc_with_a_cdr_is_refused():
    from sigint.cdr import CDRConfig

    with pytest.raises(ConfigError, match="adc_bits"):
        RxConfig(adc_bits=6, cdr=CDRConfig("bang-bang", kp=1e-3, ki=1e-6))
