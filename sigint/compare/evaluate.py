"""One architecture at one distance: its segments' BERs, its margin, pJ/bit and latency.

Electrical segments are judged by the reach study's statistical engine with the equaliser
optimised (:func:`sigint.reach.evaluate_length`: 93A CTLE × Tx FFE grid, MMSE Rx FFE + DFE,
DFE error propagation). Optical segments by the linearised optical engine
(:func:`sigint.optics.linear.estimate`) with a small search of the host Tx FFE, the driver's
peaking and the host Rx CTLE, optionally confirmed by the optical time-domain engine. The
pre-FEC BERs of retimed segments add. The margin is log10(target / BER) decades (> 0 closes).
"""

from __future__ import annotations

import functools
import itertools
import math
from dataclasses import dataclass, field

from ..channels.presets import twinax
from ..optics.engine import simulate_optical
from ..optics.linear import estimate
from ..optics.link import OpticalLink
from ..reach import evaluate_length
from .ledger import Ledger, ledger
from .presets import MAX_COPPER_M, CompareSpec, copper_spec, optical_config

#: The BER floor used for margins (log10 of 0 is not a margin).
MIN_BER = 1e-30

#: Optical EQ search grids: host Tx FFE post-cursor, driver peaking (dB), host Rx CTLE g_DC.
TX_POST = (0.0, -0.1, -0.2)
DRIVER_PEAKING_DB = (0.0, 4.0, 8.0)
CTLE_G_DC_DB = (None, -4.0, -8.0, -12.0)


@dataclass(frozen=True)
class SegmentResult:
    """One retimed segment of an architecture (``count`` identical ones in the chain)."""

    name: str
    kind: str
    count: int
    ber: float
    snr_db: float
    detail: str
    td_ber: float | None = None

    def to_dict(self) -> dict:
        """JSON-ready."""
        return dict(self.__dict__)


@dataclass(frozen=True)
class ArchPoint:
    """An architecture at one distance.

    Attributes
    ----------
    architecture : str
    distance_m : float
    ber : float
        End-to-end pre-FEC BER (the segments' sum).
    margin_decades : float
        log10(target / BER); > 0 closes.
    closes : bool
    reason : str
        Why it does not close (empty when it does).
    pj_per_bit, latency_ns : float
        From the ledger (one direction, end to end).
    segments : tuple of SegmentResult
    """

    architecture: str
    distance_m: float
    ber: float
    margin_decades: float
    closes: bool
    reason: str
    pj_per_bit: float
    latency_ns: float
    segments: tuple = field(default_factory=tuple)

    def to_dict(self) -> dict:
        """JSON-ready."""
        d = {k: v for k, v in self.__dict__.items() if k != "segments"}
        d["segments"] = [s.to_dict() for s in self.segments]
        return d


def evaluate_architecture(
    spec: CompareSpec, arch: str, distance_m: float, ledger_: Ledger | None = None
) -> ArchPoint:
    """Judge ``arch`` at ``distance_m`` (see the module docstring)."""
    book = ledger(arch) if ledger_ is None else ledger_
    if arch in ("dac", "acc"):
        segments = [_copper(spec, distance_m, rx_host="redriver" if arch == "acc" else None)]
    elif arch == "aec":
        segments = [_to_retimer(spec), _copper(spec, distance_m, host="retimer")]
    elif arch == "dsp-pluggable":
        segments = [_to_retimer(spec), _optical(spec, arch, distance_m)]
    else:
        segments = [_optical(spec, arch, distance_m)]
    ber = min(sum(s.count * s.ber for s in segments), 0.5)
    margin = math.log10(spec.target_ber / max(ber, MIN_BER))
    closes = margin > 0
    reason = ""
    if not closes:
        worst = max(segments, key=lambda s: s.count * s.ber)
        reason = f"BER {ber:.2g} > {spec.target_ber:.2g}: {worst.name}: {worst.detail}"
    return ArchPoint(
        architecture=arch,
        distance_m=float(distance_m),
        ber=float(ber),
        margin_decades=float(margin),
        closes=closes,
        reason=reason,
        pj_per_bit=book.power_pj_per_bit(),
        latency_ns=book.latency_ns(distance_m),
        segments=tuple(segments),
    )


def _copper(spec, distance_m, host=None, rx_host=None) -> SegmentResult:
    host = spec.copper_host if host is None else host
    name = f"{spec.copper_awg} AWG cable {distance_m:g} m"
    if distance_m > MAX_COPPER_M:
        il = float(twinax(spec.copper_awg).loss_db_per_m(spec.f_baud_hz / 2)) * distance_m
        return SegmentResult(
            name, "electrical", 1, 0.5, -math.inf,
            f"{il:.0f} dB of cable loss at Nyquist (copper beyond {MAX_COPPER_M:g} m is "
            "not evaluated)",
        )  # fmt: skip
    point = _reach_point(copper_spec(spec, host, rx_host), float(distance_m))
    detail = f"SNR {point.snr_db:.1f} dB, IL {point.il_nyquist_db:.1f} dB at Nyquist"
    return SegmentResult(name, "electrical", 1, float(point.ber), float(point.snr_db), detail)


def _to_retimer(spec) -> SegmentResult:
    """Host SerDes → host board → connector → retimer/DSP, counted at both ends."""
    point = _reach_point(copper_spec(spec, spec.copper_host, "retimer"), 0.0)
    detail = f"SNR {point.snr_db:.1f} dB, IL {point.il_nyquist_db:.1f} dB at Nyquist"
    return SegmentResult("host to retimer", "electrical", 2, float(point.ber),
                         float(point.snr_db), detail)  # fmt: skip


@functools.lru_cache(maxsize=256)
def _reach_point(reach_spec, length_m):
    return evaluate_length(reach_spec, length_m)


def _optical(spec, arch, distance_m) -> SegmentResult:
    eq, est = search_optical_eq(spec, arch, distance_m)
    name = "optical link" if arch == "dsp-pluggable" else f"{arch.upper()} link"
    name += f" {distance_m:g} m"
    detail = est.equalizer.why
    td = None
    if spec.confirm_symbols:
        td = float(simulate_optical(optical_config(spec, arch, distance_m, **eq)).ber)
        detail += f"; time-domain BER {td:.2g}"
    return SegmentResult(name, "optical", 1, float(est.ber), float(est.snr_db), detail, td)


def search_optical_eq(spec: CompareSpec, arch: str, distance_m: float):
    """The best (host Tx FFE, driver peaking, host Rx CTLE) by the linearised SNR.

    Returns the winning settings and its :class:`~sigint.optics.linear.OpticalEstimate`.
    """
    best = None
    host = arch != "dsp-pluggable"
    ctles = CTLE_G_DC_DB if host else (None,)
    for post, peak, g in itertools.product(TX_POST, DRIVER_PEAKING_DB, ctles):
        eq = {"tx_taps": (1 - abs(post), post), "tx_cursor": 0, "driver_peaking_db": peak,
              "ctle_g_dc_db": g}  # fmt: skip
        est = estimate(OpticalLink(optical_config(spec, arch, distance_m, **eq)))
        if best is None or est.snr_db > best[1].snr_db:
            best = (eq, est)
    return best
