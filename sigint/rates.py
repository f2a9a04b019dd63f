"""Line-rate presets: which baud rate carries which bit rate with which PAM order.

Every preset is a *convention*, not a physical constant: the same "448G" lane runs at 425, 448 or
453.75 Gb/s depending on which FEC the standard puts on the wire (REFERENCE.md §2). The table keeps
the line rate and the bits-per-symbol rule explicit so a user can see which one they simulate.

Bits per symbol follow sigint's mappers (PAM6 carries 2.5 b/symbol, 5 bits on 2 symbols) except in
the OIF 448G framework convention, which assumes ideal log2(M) mapping; that preset says so.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from .errors import ConfigError

#: Bits per symbol of sigint's own mappers.
MAPPER_BITS_PER_SYMBOL = {2: 1.0, 4: 2.0, 6: 2.5, 8: 3.0}


@dataclass(frozen=True)
class RateConvention:
    """A named line-rate convention.

    Parameters
    ----------
    name : str
        Preset name as used in configs (``rate = "224G"``).
    line_rate_bps : float
        Bits per second on the wire, FEC included.
    bits_rule : {"mapper", "log2"}
        ``"mapper"``: baud = line rate / sigint's bits per symbol (PAM6 = 2.5 b);
        ``"log2"``: baud = line rate / log2(M) (the OIF framework assumption).
    description : str
        Where the convention comes from.
    """

    name: str
    line_rate_bps: float
    bits_rule: str
    description: str

    def bits_per_symbol(self, levels: int) -> float:
        """Bits carried per symbol at PAM-``levels`` in this convention."""
        if self.bits_rule == "log2":
            return math.log2(levels)
        return MAPPER_BITS_PER_SYMBOL[levels]

    def f_baud_hz(self, levels: int) -> float:
        """Symbol rate (Bd) that carries this line rate at PAM-``levels``."""
        if levels not in MAPPER_BITS_PER_SYMBOL:
            raise ConfigError("modulation", f"PAM{levels}", "PAM2, PAM4, PAM6 or PAM8")
        return self.line_rate_bps / self.bits_per_symbol(levels)


RATE_PRESETS: dict[str, RateConvention] = {
    c.name: c
    for c in (
        RateConvention(
            "112G", 106.25e9, "mapper", "802.3ck 100 Gb/s lane, RS(544,514): PAM4 53.125 GBd"
        ),
        RateConvention(
            "224G",
            212.5e9,
            "mapper",
            "802.3dj 200 Gb/s lane, RS(544,514) only: PAM4 106.25 / PAM6 85 / PAM8 70.83 GBd",
        ),
        RateConvention(
            "448G",
            425e9,
            "mapper",
            "400 Gb/s lane, RS(544,514) only: PAM4 212.5 / PAM6 170 / PAM8 141.67 GBd",
        ),
        RateConvention(
            "OIF-224G", 224e9, "log2", "OIF CEI-224G nominal 224 Gb/s, log2(M) bits/symbol"
        ),
        RateConvention(
            "OIF-448G",
            448e9,
            "log2",
            "OIF CEI-448G framework: 448 Gb/s nominal, log2(M) bits/symbol "
            "(PAM4 224 / PAM6 173.3 / PAM8 149.3 GBd)",
        ),
        RateConvention(
            "224G-inner-FEC",
            226.875e9,
            "mapper",
            "200G/lane optics, KP4 + Hamming(128,120) + pad: PAM4 113.4375 GBd (802.3dj DR)",
        ),
        RateConvention(
            "448G-inner-FEC",
            453.75e9,
            "mapper",
            "400G/lane optics, KP4 + Hamming(128,120) + pad: 453.75 Gb/s "
            "(PAM4 226.875 / PAM6 181.5 / PAM8 151.25 GBd)",
        ),
    )
}


def rate_preset(name: str) -> RateConvention:
    """Look up a rate preset by name (case-insensitive).

    Raises
    ------
    ConfigError
        If ``name`` is not a preset; the message lists the valid names.
    """
    for key, conv in RATE_PRESETS.items():
        if key.lower() == str(name).lower():
            return conv
    raise ConfigError("rate", name, "one of " + ", ".join(RATE_PRESETS))


def preset_table() -> list[dict]:
    """Rows of every rate preset × PAM order, for ``sigint presets``."""
    rows = []
    for conv in RATE_PRESETS.values():
        for levels in (4, 6, 8):
            f_baud = conv.f_baud_hz(levels)
            rows.append(
                {
                    "rate": conv.name,
                    "modulation": f"PAM{levels}",
                    "line_rate_gbps": conv.line_rate_bps / 1e9,
                    "bits_per_symbol": conv.bits_per_symbol(levels),
                    "f_baud_gbd": f_baud / 1e9,
                    "nyquist_ghz": f_baud / 2e9,
                    "ui_ps": 1e12 / f_baud,
                    "convention": conv.description,
                }
            )
    return rows
