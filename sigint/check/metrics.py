"""The metrics of one channel at one link preset (a sweep point of :mod:`.run`).

COM (``com_db``) is IEEE 802.3 COM of the thru and its crosstalk files with a COM set
(:func:`sigint.com.compute_com`), one per channel whatever the link preset. Channel metrics
come from :func:`sigint.channel_report.channel_report` (as ``sigint channel``
gives them): IL at the preset's Nyquist frequency (from the data, or the extended band when the
data stop below it), ILD and RL over the 802.3 fit band, ICN of the crosstalk files. Link
metrics put the preset's host parts around the thru and judge the link as ``sigint reach`` does
at one length, with the channel's NEXT and FEXT files as aggressors (the equaliser optimised by
MMSE, the statistical engine at the design instant):
post-EQ SNR, pre-FEC BER with DFE error propagation, the smallest eye height and width at the
metric's ``at_ber``, and ``reach_m``: the file taken as a uniform cable of the channel's
``length_m``, scaled by length, solved to 1 cm as ``sigint reach`` does.
"""

from __future__ import annotations

import numpy as np

from ..channel_config import AggressorConfig
from ..channel_report import channel_report
from ..errors import ConfigError
from ..link import Link
from ..reach import CableSpec, ReachSpec, evaluate_length, link_config, solve_reach
from ..stateye import statistical_eye
from .suite import LINK_METRICS


def compute_metrics(point: dict) -> dict:
    """Every metric ``point`` asks for.

    Parameters
    ----------
    point : dict
        ``thru``, ``next``, ``fext``, ``ports``; ``rate``, ``modulation``, ``host``;
        ``metrics`` (names) and ``at_ber`` (per eye metric).

    Returns
    -------
    dict
        Metric name to value.
    """
    names = point["metrics"]
    out = {}
    if "com_db" in names:  # a point of its own (see run.py): the channel and its crosstalk
        from ..com import compute_com, load_preset

        params = load_preset(point["com_preset"])
        res = compute_com(
            params, point["thru"], fext=point["fext"], next_=point["next"],
            ports=point["ports"], workers=1,
        )  # fmt: skip
        return {"com_db": float(res.com_db)}
    if any(n not in LINK_METRICS for n in names):
        rep = channel_report(
            point["thru"], point["ports"], point["next"], point["fext"],
            rate=point["rate"], modulation=point["modulation"],
        )  # fmt: skip
        row = next(
            r for r in rep.il_nyquist_db
            if r["rate"] == point["rate"] and r["modulation"] == point["modulation"]
        )  # fmt: skip
        channel = {
            "il_nyquist_db": row["il_db"],
            "ild_rms_db": rep.ild_rms_db,
            "rl_min_db": rep.rl_min_db,
            "icn_mv": rep.icn_mv["total"] if rep.icn_mv else 0.0,
        }
        out.update({n: float(channel[n]) for n in names if n in channel})
    if any(n in LINK_METRICS for n in names):
        out.update(_link_metrics(point, names))
    return out


def _link_metrics(point: dict, names) -> dict:
    xt = [AggressorConfig(kind, touchstone=path, ports=point["ports"])
          for kind in ("next", "fext") for path in point[kind]]  # fmt: skip
    spec = ReachSpec(
        modulation=point["modulation"],
        rate=point["rate"],
        host=point["host"],
        cable=CableSpec("touchstone", path=point["thru"], ref_length_m=1.0, ports=point["ports"]),
        aggressors=tuple(xt),
    )
    out = {}
    if any(n in LINK_METRICS and n != "reach_m" for n in names):  # the link at 1 m
        at = evaluate_length(spec, 1.0)  # the file at its own length: as measured
        out.update(snr_db=at.snr_db, ber=at.ber)
    if "reach_m" in names:
        length = point.get("length_m")
        if length is None:
            raise ConfigError("channel.length_m", None, "the cable's length, for reach_m")
        cable = CableSpec("touchstone", path=point["thru"], ref_length_m=length,
                          ports=point["ports"])  # fmt: skip
        out["reach_m"] = solve_reach(spec.replaced(cable=cable)).reach_m
    if "eye_height_mv" in names or "eye_width_ui" in names:
        eye = statistical_eye(Link(link_config(spec, 1.0, at.eq)))
        if "eye_height_mv" in names:
            p = point["at_ber"]["eye_height_mv"]
            out["eye_height_mv"] = float(np.min(eye.heights_v(p)) * 1e3)
        if "eye_width_ui" in names:
            p = point["at_ber"]["eye_width_ui"]
            out["eye_width_ui"] = float(np.min(eye.widths_ui(p)))
    return {n: float(out[n]) for n in names if n in out}
