"""The one place for unit conversions; each is named by both of its units."""

from __future__ import annotations

import numpy as np

SPEED_OF_LIGHT_M_S = 299_792_458.0
NEPER_TO_DB = 20.0 / np.log(10.0)  # 8.686 dB per neper


def db_to_lin_power(x_db):
    """Power ratio from decibels: ``10**(x/10)``."""
    return 10.0 ** (np.asarray(x_db, dtype=float) / 10.0)


def lin_power_to_db(x):
    """Decibels from a power ratio: ``10·log10(x)``."""
    return 10.0 * np.log10(x)


def db_to_lin_amplitude(x_db):
    """Amplitude ratio from decibels: ``10**(x/20)``."""
    return 10.0 ** (np.asarray(x_db, dtype=float) / 20.0)


def lin_amplitude_to_db(x):
    """Decibels from an amplitude ratio: ``20·log10|x|``."""
    return 20.0 * np.log10(np.abs(x))


def v2_per_ghz_to_v2_per_hz(x):
    """Noise density from V²/GHz (as IEEE COM tables give η0) to V²/Hz."""
    return x * 1e-9


def dbm_to_w(x_dbm):
    """Optical (or electrical) power in watts from dBm: ``1 mW · 10**(x/10)``."""
    return 1e-3 * 10.0 ** (np.asarray(x_dbm, dtype=float) / 10.0)


def w_to_dbm(x_w):
    """dBm from watts (−inf for 0)."""
    with np.errstate(divide="ignore"):
        return 10.0 * np.log10(np.asarray(x_w, dtype=float) / 1e-3)
