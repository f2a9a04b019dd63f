"""One length of a reach study: equalise the link, then judge it on the statistical engine.

At each length the equaliser is searched (or held, :class:`~.spec.EqSpec`): the 93A-22 CTLE
coarse to fine over g_DC (every other grid value, then the neighbours of the best), every
g_DC2 and Tx FFE candidate, each scored by the MMSE Rx FFE + DFE's post-EQ SNR
(:func:`sigint.eqopt.search_ctle_txffe`). The winner's link is built and its statistical eye
(:func:`sigint.stateye.statistical_eye`, at the best phase within 1/8 UI of the design
instant) gives SER and BER, with
DFE error propagation when asked, and from the SER and its bursts the KP4 frame loss ratio
(:mod:`sigint.fec`). The ``"bound"`` criterion skips the equaliser: the infinite-length
MMSE-DFE (Salz) SNR of the unequalised link (CTLE at 0 dB, no FFE; the best sampling phase)
gives the SER a PAM-M slicer would have at that SNR in Gaussian noise (REFERENCE §8.1-8.2).

The ``"com"`` criterion runs IEEE 802.3 COM (:mod:`sigint.com`) on the host's board parts
and the cable, with the COM set's own packages.

Each length gives a :class:`ReachPoint` whose margin (decades of error ratio, or dB of COM)
is > 0 when the link closes; the solve interpolates its exponent margin, about linear in
length (:attr:`ReachPoint.exponent_margin`).
"""

from __future__ import annotations

import math
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..bounds import disturbance_from_link, salz_mmse_dfe_snr_db
from ..channel import build_channel
from ..channel_config import ChannelConfig, PackageSegment
from ..channels.touchstone import write_touchstone
from ..eqopt import search_ctle_txffe
from ..fec import (
    KP4,
    BurstModel,
    burst_codeword_error_ratio,
    codeword_error_ratio_from_ber,
    frame_loss_ratio,
)
from ..link import Link
from ..stateye import statistical_eye
from ..theory import ser_pam
from .spec import ReachSpec, link_config

#: The "bound" criterion's link: no CTLE (0 dB, 0 dB), no Tx or Rx FFE; the infinite MMSE-DFE
#: equalises it all.
BARE_EQ = {"g_dc_db": 0.0, "g_dc2_db": 0.0, "tx_taps": (1.0,), "tx_cursor": 0,
           "rx_ffe_taps": (), "rx_ffe_cursor": 0}  # fmt: skip

#: Sampling phases judged either side of the design instant, UI (the best one counts).
PHASE_SPAN_UI = 0.125

#: A fail found with the local EQ search is searched again in full when its exponent margin
#: is above minus this (0.1: about 1 dB of SNR, five times the basins' measured difference).
REJUDGE_MARGIN = 0.1

#: Floor of every error ratio (log10 of 0 is not a margin).
MIN_ERROR_RATIO = 1e-300


@dataclass(frozen=True)
class ReachPoint:
    """The link at one cable length.

    Attributes
    ----------
    length_m : float
    metric : float
        The criterion's figure: an error ratio (BER, SER, FLR, the bound's SER) or COM (dB).
    margin : float
        How far the link is inside the criterion (> 0 it closes): log10(target / metric)
        decades for an error ratio, COM − target dB for COM (``unit``).
    ser, ber : float
        Pre-FEC symbol and bit error ratios (with DFE error propagation when the criterion
        asks); NaN for the bound and COM.
    snr_db : float
        The equaliser's post-EQ SNR (FOM), the Salz SNR for the bound, NaN for COM.
    eq : dict
        The equaliser used (CTLE gains, Tx FFE, Rx FFE).
    il_nyquist_db : float
        Insertion loss of the whole channel at f_baud/2.
    unit : {"decades", "dB"}
    """

    length_m: float
    metric: float
    margin: float
    ser: float
    ber: float
    snr_db: float
    eq: dict = field(repr=False)
    il_nyquist_db: float = float("nan")
    unit: str = "decades"

    @property
    def log_margin(self) -> float:
        """The margin in decades of error ratio (NaN for a COM criterion)."""
        return self.margin if self.unit == "decades" else float("nan")

    @property
    def exponent_margin(self) -> float:
        """The margin the solve interpolates, about linear in length: for an error ratio
        log10(ln metric / ln target), about the SNR margin in dB over 10 for Gaussian tails
        (an error ratio ~exp(−k·SNR)); for COM its margin in dB over 10. > 0: closes."""
        if self.unit == "dB":
            return self.margin / 10
        target = self.metric * 10**self.margin
        return math.log10(math.log(self.metric) / math.log(target))

    @property
    def passed(self) -> bool:
        """Whether the link closes."""
        return self.margin >= 0

    def to_dict(self) -> dict:
        """JSON-ready."""
        return {
            "length_m": self.length_m, "metric": self.metric, "margin": self.margin,
            "unit": self.unit, "passed": self.passed, "ser": self.ser, "ber": self.ber,
            "snr_db": self.snr_db, "il_nyquist_db": self.il_nyquist_db,
            "eq": {k: list(v) if isinstance(v, tuple | list) else v for k, v in self.eq.items()},
        }  # fmt: skip


def search_eq(spec: ReachSpec, length_m: float, near=()) -> tuple[dict, float]:
    """The equaliser at ``length_m`` and its post-EQ SNR (dB); see the module docstring.

    ``near`` (the equalisers found at nearby lengths: the ends of the solve's bracket)
    narrows the search to their neighbours in every grid (one step either way).
    """
    e = spec.eq
    link = Link(link_config(spec, length_m))  # one channel build for every CTLE setting
    grid = {"g_dc2_db": e.g_dc2_db, "tx_pre": e.tx_pre, "tx_post": e.tx_post,
            "rx_ffe": (e.rx_ffe_pre, e.rx_ffe_post), "n_dfe": e.dfe_taps}  # fmt: skip
    if e.mode == "fixed":
        grid.update(g_dc2_db=e.g_dc2_db[:1], tx_pre=e.tx_pre[:1], tx_post=e.tx_post[:1])
        res = search_ctle_txffe(link, g_dc_db=e.g_dc_db[:1], **grid)
    elif near:
        pre = [q["tx_taps"][q["tx_cursor"] - 1] if q["tx_cursor"] else 0.0 for q in near]
        post = [q["tx_taps"][q["tx_cursor"] + 1] if len(q["tx_taps"]) > q["tx_cursor"] + 1
                else 0.0 for q in near]  # fmt: skip
        grid.update(
            g_dc2_db=_neighbours(e.g_dc2_db, [q["g_dc2_db"] for q in near]),
            tx_pre=_neighbours(e.tx_pre, pre),
            tx_post=_neighbours(e.tx_post, post),
        )
        g_dc = _neighbours(e.g_dc_db, [q["g_dc_db"] for q in near])
        res = search_ctle_txffe(link, g_dc_db=g_dc, **grid)
    else:
        coarse = e.g_dc_db[::2] if len(e.g_dc_db) > 3 else e.g_dc_db
        res = search_ctle_txffe(link, g_dc_db=coarse, **grid)
        i = e.g_dc_db.index(res.best.g_dc_db)
        fine = [g for g in e.g_dc_db[max(i - 1, 0) : i + 2] if g not in coarse]
        if fine:
            more = search_ctle_txffe(link, g_dc_db=tuple(fine), **grid)
            res = more if more.best.fom_db > res.best.fom_db else res
    b, s = res.best, res.solution
    eq = {"g_dc_db": b.g_dc_db, "g_dc2_db": b.g_dc2_db, "tx_taps": tuple(b.tx_taps),
          "tx_cursor": b.tx_cursor, "rx_ffe_taps": tuple(float(x) for x in s.ffe_taps),
          "rx_ffe_cursor": int(s.ffe_cursor),
          "sampling_offset_ui": float(res.sampling_offset_ui)}  # fmt: skip
    return eq, float(b.fom_db)


def _neighbours(values: tuple, found) -> tuple:
    """The grid values nearest each of ``found`` and the ones either side of them."""
    keep = set()
    for v in found:
        i = int(np.argmin(np.abs(np.asarray(values) - v)))
        keep.update(range(max(i - 1, 0), min(i + 2, len(values))))
    return tuple(values[i] for i in sorted(keep))


def evaluate_length(spec: ReachSpec, length_m: float, near=()) -> ReachPoint:
    """The link of ``spec`` at ``length_m`` of cable, judged by its criterion.

    With ``near`` (see :func:`search_eq`) the equaliser is first searched near those found
    at nearby lengths. A local optimum can only understate the margin, so a pass stands; a
    near fail (within :data:`REJUDGE_MARGIN`, about 1 dB of SNR) is judged again with the
    full search (the equaliser landscape has more than one basin: a strong CTLE, or none and
    a Tx pre-cursor; measured, they differ by up to 0.2 dB of SNR), and the better of the two
    is kept.
    """
    point = _evaluate(spec, length_m, near)
    if near and not point.passed and point.exponent_margin > -REJUDGE_MARGIN:
        full = _evaluate(spec, length_m, ())
        point = full if full.margin > point.margin else point
    return point


def _evaluate(spec: ReachSpec, length_m: float, near) -> ReachPoint:
    crit = spec.criterion
    if crit.kind == "com":
        return _evaluate_com(spec, length_m)
    if crit.kind == "bound":
        link = Link(link_config(spec, length_m, BARE_EQ))
        power = float(np.mean(link.levels_v**2))
        snr = max(  # the best sampling phase
            salz_mmse_dfe_snr_db(
                link.pulse, phase=ph, signal_power=power, dist=disturbance_from_link(link, ph)
            )
            for ph in range(spec.samples_per_ui)
        )
        ser = float(ser_pam(spec.levels, snr))
        return _point(spec, length_m, ser, ser, float("nan"), snr, dict(BARE_EQ), link)
    eq, snr = search_eq(spec, length_m, near)
    link = Link(link_config(spec, length_m, eq))
    # the link samples at the design instant (its centre phase); a CDR settles near it: the
    # best of the phases within PHASE_SPAN_UI of it
    centre, k = spec.samples_per_ui // 2, round(PHASE_SPAN_UI * spec.samples_per_ui)
    phases = range(centre - k, centre + k + 1)
    eye = statistical_eye(link, phases=phases)
    phase = min(phases, key=eye.ser)
    ser, ber = eye.ser(phase), eye.ber(phase)
    burst = BurstModel(  # independent errors: the next is wrong with probability SER
        p_continue=min(ser, 0.999),
        precoded=crit.precoding,
        bits_per_line_symbol=eye.bits_per_symbol,
    )
    if crit.error_propagation and spec.eq.dfe_taps:
        prop = eye.error_propagation(phase=phase)
        ser, ber = prop.ser, prop.ber
        burst = BurstModel(
            p_continue=min(prop.p_error_after_error, 0.999),
            precoded=crit.precoding,
            bits_per_line_symbol=eye.bits_per_symbol,
        )
    metric = {"ber": ber, "ser": ser}.get(crit.kind)
    if metric is None and crit.inner_hamming:  # flr through Hamming(128,120), then KP4
        cer = codeword_error_ratio_from_ber(KP4, min(ber, 0.5), inner_hamming=True)
        metric = float(frame_loss_ratio(KP4, cer, interleave=2))
    elif metric is None:  # flr
        cer = burst_codeword_error_ratio(KP4, min(ser, 0.5), burst, interleave=2)
        metric = float(frame_loss_ratio(KP4, cer, interleave=2))
    return _point(spec, length_m, metric, ser, ber, snr, eq, link)


def _evaluate_com(spec: ReachSpec, length_m: float) -> ReachPoint:
    """COM of the host's board parts and the cable (the preset's device and package models
    stand in for the host's package), written as a 2-port file for :func:`compute_com`."""
    from ..com import compute_com, load_preset
    from ..com.channel import com_grid

    params = load_preset(spec.criterion.com_preset)
    cfg = link_config(spec, length_m)
    board = tuple(s for s in cfg.channel.segments if not isinstance(s, PackageSegment))
    f = com_grid(params)[1]
    net = build_channel(ChannelConfig(board), f)  # the cable is always there
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "channel.s2p"
        write_touchstone(net, path, comments=[f"sigint reach: {spec.cable.label} {length_m} m"])
        result = compute_com(params, path, workers=1)
    com = float(result.com_db)
    eq = {"g_dc_db": result.worst.g_dc_db, "g_dc2_db": result.worst.g_dc2_db,
          "tx_taps": tuple(float(x) for x in result.worst.tx_taps)}  # fmt: skip
    il = np.interp(spec.f_baud_hz / 2, f, net.insertion_loss_db)
    return ReachPoint(
        length_m=float(length_m), metric=com, margin=com - spec.criterion.target,
        ser=float("nan"), ber=float("nan"), snr_db=float("nan"), eq=eq,
        il_nyquist_db=float(il), unit="dB",
    )  # fmt: skip


def _point(spec, length_m, metric, ser, ber, snr, eq, link) -> ReachPoint:
    metric = max(float(metric), MIN_ERROR_RATIO)
    return ReachPoint(
        length_m=float(length_m),
        metric=metric,
        margin=math.log10(spec.criterion.target) - math.log10(metric),
        ser=float(ser),
        ber=float(ber),
        snr_db=float(snr),
        eq=eq,
        il_nyquist_db=link.resolved.il_nyquist_db,
    )
