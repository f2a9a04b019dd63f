"""The sheet's ERL (93A.5) rows → :class:`~sigint.com.erl.ErlParams`, or None without ERL.

Sheet units: TR_TDR in ns, beta_x in dB/s (as the MATLAB code uses it), the fixture delay time
in s; absent rows take MATLAB COM's defaults, each noted.
"""

from __future__ import annotations

import numpy as np

from ...errors import ConfigError
from ..erl import ErlParams
from .matlab import exact_si, floats
from .rows import Rows

# ERL (93A.5) rows → ErlParams fields (sheet units: TR_TDR in ns, beta_x in dB/s as the MATLAB
# code uses it, fixture delay time in s).
_ERL_ROWS = (
    "TR_TDR",
    "N",
    "N_bx",
    "rho_x",
    "beta_x",
    "fixture delay time",
    "Tukey_Window",
    "Z_t",
    "TDR_W_TXPKG",
)


def erl_params(rows: Rows, n_b: int, r0_ohm: float) -> ErlParams | None:
    """The sheet's ERL parameters, when it has ERL rows (or switches ERL on); else None."""
    flag = rows.get("ERL")
    on = flag is not None and rows.number(flag, "0 or 1") != 0
    if not on and all(rows.get(name) is None for name in _ERL_ROWS):
        return None

    def value(name, default, used, convert):
        row = rows.get(name)
        if row is None:
            rows.default(name, used)
            return default
        return convert(row)

    def number(expected, factor=None):
        def read(row):
            x = rows.number(row, expected)
            return x if factor is None else exact_si(x, factor)

        return read

    def flag_of(row):
        return rows.number(row, "0 or 1") != 0

    def fixture(row):
        t = rows.vector(row, "the fixture delay in s, one value or [port 1, port 2]")
        if np.any(t < 0):
            rows.unmodelled.append(
                f"{row.name} = {row.value!r} (cell {row.cell}; a negative delay makes MATLAB "
                "skip G_rr; sigint gates nothing and applies G_rr from the port on)"
            )
            t = np.maximum(t, 0.0)
        return floats(t[:1] if t.size == 2 and t[0] == t[1] else t)

    z_t = value("Z_t", None, "R_0 (MATLAB COM's default)", number("Z_t in Ω"))
    kwargs = {
        "tr_tdr_s": value("TR_TDR", 8e-12, "8e-3 ns (MATLAB COM's default)", number("ns", "1e-9")),
        "n_ui": value("N", 0, "0: from the thru's delay (MATLAB COM's default)", number("UI")),
        "n_bx_ui": value("N_bx", n_b, "N_b (MATLAB COM's default)", number("UI")),
        "rho_x": value("rho_x", 0.618, "0.618 (MATLAB COM's default)", number("rho_x")),
        "beta_x_db_per_s": value("beta_x", 0.0, "0 (MATLAB COM's default)", number("dB/s")),
        "fixture_delay_s": value(
            "fixture delay time", (0.0,), "0 s (nothing gated; MATLAB's -1 skips G_rr)", fixture
        ),
        "tukey_window": value("Tukey_Window", False, "0 (MATLAB COM's default)", flag_of),
        "z_t_ohm": None if z_t is None or z_t == r0_ohm else z_t,
        "include_tx_package": value("TDR_W_TXPKG", False, "0 (MATLAB COM's default)", flag_of),
    }
    for key in ("n_ui", "n_bx_ui"):
        x = kwargs[key]
        if not float(x).is_integer():
            raise rows.error(rows.get(_ERL_FIELD_ROWS[key]), "a whole number of UI")
        kwargs[key] = int(x) or (None if key == "n_ui" else 0)
    try:
        return ErlParams(**kwargs)
    except ConfigError as err:
        row = rows.get(_ERL_FIELD_ROWS.get(err.key, ""))
        if row is None:
            raise ConfigError(f"erl.{err.key}", err.value, err.expected, rows.source) from None
        raise rows.error(row, f"{err.expected} (sigint's erl.{err.key}, in SI units)") from None


_ERL_FIELD_ROWS = {
    "tr_tdr_s": "TR_TDR",
    "n_ui": "N",
    "n_bx_ui": "N_bx",
    "rho_x": "rho_x",
    "beta_x_db_per_s": "beta_x",
    "fixture_delay_s": "fixture delay time",
    "z_t_ohm": "Z_t",
}


__all__ = ["erl_params"]
