"""Jitter tolerance measured in the time domain follows the loop's shape."""

import pytest

from sigint.cdr import CDRConfig
from sigint.demo import demo_config
from sigint.errors import ConfigError
from sigint.jtol import jtol, plot_jtol


def _cfg(n=80_000):
    base = demo_config("224G", "PAM4", n_symbols=n)
    base = base.replace(**{"sim.eye": False, "sim.warmup_symbols": 15_000})
    # A well-damped type-2 loop: −20 dB/decade from its integral zero (~1.2 MHz) to its
    # crossover (~80 MHz), flat beyond.
    cdr = CDRConfig.designed(
        "mueller-muller", bandwidth_hz=20e6, damping=4.0, pd_gain=0.37, f_baud_hz=base.f_baud_hz
    )
    return base.replace(**{"rx.cdr": cdr})


def test_jtol_falls_at_20_db_per_decade_below_the_loop_bandwidth_and_flattens_above():
    result = jtol(_cfg(), [2e6, 8e6, 400e6, 1.6e9], target_ber=1e-4, resolution=0.05)
    assert result.slope_db_per_decade(0, 1) == pytest.approx(-20.0, abs=4.0)
    # Above the loop the tolerance is the eye's own margin, a fraction of a UI, flat.
    assert result.amplitude_ui[2] == pytest.approx(result.amplitude_ui[3], rel=0.25)
    assert 0.05 < result.amplitude_ui[3] < 0.5
    assert result.amplitude_ui[0] > 5 * result.amplitude_ui[2]
    assert plot_jtol(result) is not None


def test_jtol_needs_a_cdr():
    with pytest.raises(ConfigError, match=r"rx\.cdr"):
        jtol(demo_config("224G", "PAM4", n_symbols=20_000), [1e6])
