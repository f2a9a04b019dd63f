"""Transfer functions of the linear blocks."""

import numpy as np
import pytest

from sigint import filters
from sigint.config import RxConfig
from sigint.demo import demo_config
from sigint.errors import ConfigError
from sigint.link import Link

F = np.linspace(0, 300e9, 3001)


@pytest.mark.parametrize(("g1", "g2"), [(0.0, 0.0), (-6.0, -3.0), (-14.0, -6.0), (-20.0, 0.0)])
def test_93a_ctle_equals_its_pole_zero_form(g1, g2):
    fb = 106.25e9
    fz, fp1, fp2, flf = fb / 2.5, fb / 2.5, fb, fb / 80
    a1, a2 = 10 ** (g1 / 20), 10 ** (g2 / 20)
    # (g + jf/f_z) = g·(1 + jf/(g·f_z)): zeros at g·f_z and g2·f_LF
    pz = filters.pole_zero(F, g1 + g2, (a1 * fz, a2 * flf), (fp1, fp2, flf))
    assert np.allclose(filters.ctle_93a(F, g1, g2, fz, fp1, fp2, flf), pz, rtol=1e-12, atol=0)


def test_93a_ctle_dc_gain_and_peaking():
    fb = 106.25e9
    h = filters.ctle_93a(F, -12.0, -3.0, fb / 2.5, fb / 2.5, fb, fb / 80)
    assert 20 * np.log10(abs(h[0])) == pytest.approx(-15.0, abs=1e-9)
    peak = 20 * np.log10(np.abs(h).max()) - 20 * np.log10(abs(h[0]))
    assert 9.0 < peak < 15.0  # the first stage lifts Nyquist by about −g_DC


def test_the_link_uses_the_93a_ctle_with_802_3ck_frequencies_by_default():
    cfg = demo_config("224G", "PAM4", n_symbols=20_000)
    assert cfg.rx.ctle_g_dc_db == -14.0 and not cfg.rx.ctle_zeros_hz
    link = Link(cfg)
    fb = cfg.f_baud_hz
    expected = filters.ctle_93a(F, -14.0, -3.0, fb / 2.5, fb / 2.5, fb, fb / 80)
    assert np.allclose(link.ctle_response(F), expected)


def test_93a_and_pole_zero_ctle_are_exclusive():
    with pytest.raises(ConfigError, match="not both"):
        RxConfig(ctle_g_dc_db=-6.0, ctle_zeros_hz=(1e9,), ctle_poles_hz=(2e9,))
    with pytest.raises(ConfigError, match="ctle_fz_hz"):
        RxConfig(ctle_g_dc_db=-6.0, ctle_fz_hz=-1.0)
