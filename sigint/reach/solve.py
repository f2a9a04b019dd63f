"""The reach: the longest cable that closes the link, by bracketing and bisection to 1 cm.

L_max = max{L : metric(L) <= target} (REFERENCE §8.3). The solve works on the *exponent
margin* g(L) = log10(ln(metric)/ln(target)) (:attr:`ReachPoint.exponent_margin`), which is
about linear in L: a Gaussian tail's error ratio is ~exp(−k·SNR), so −ln(metric) is
proportional to the SNR in linear terms, and the SNR in dB falls linearly with length (loss
in dB is linear in it); g is then the SNR margin in dB over 10. Steps:

1. g(0): a link that fails with no cable at all has reach 0, with the reason (the host parts
   alone);
2. bracket: from 0 m and ``FIRST_STEP_M``, each next length is the straight-line root of the
   last two points, stretched by 10 % (at least 1.25x, at most 4x the last length, capped at
   ``max_length_m``) until one fails; a link that still closes at ``max_length_m`` reports
   that, flagged as a lower bound;
3. inside the bracket, regula falsi on g (Illinois variant, which keeps both ends moving);
   once the bracket is within a few ``resolution_m`` of the predicted root, the two lengths
   half a resolution either side of it are tried, which usually closes the bracket at once.
   Bisection takes over whenever two steps do not halve the bracket. The reach is the
   bracket's passing end, so the reported length closes the link and ``resolution_m`` more
   does not (to within ripple).

Every evaluated length is kept (the margin-vs-length curve the plot draws). A longer cable
that passes where a shorter one failed (a resonance ripple, a change of equaliser) is
detected among the evaluated points and stated in :attr:`ReachResult.notes`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .evaluate import ReachPoint, evaluate_length
from .spec import ReachSpec

#: First bracketing length, m (then doubled).
FIRST_STEP_M = 0.25


@dataclass(frozen=True)
class ReachResult:
    """The solved reach of one :class:`~.spec.ReachSpec`.

    Attributes
    ----------
    spec : ReachSpec
    reach_m : float
        The longest length found to close (0 when even no cable fails).
    at_reach : ReachPoint or None
        The link at ``reach_m`` (None when the reach is 0).
    beyond : ReachPoint or None
        The first failing length above it (None when the link closes at ``max_length_m``).
    lower_bound : bool
        True when the link still closes at ``max_length_m`` (the reach is at least that).
    reason : str
        Why the reach is what it is, in one sentence.
    points : tuple of ReachPoint
        Every length evaluated, in length order.
    notes : tuple of str
    """

    spec: ReachSpec
    reach_m: float
    at_reach: ReachPoint | None
    beyond: ReachPoint | None
    lower_bound: bool
    reason: str
    points: tuple = field(repr=False)
    notes: tuple = ()

    @property
    def margin(self) -> float:
        """The margin at the reach, in the criterion's unit (NaN at 0 m)."""
        return self.at_reach.margin if self.at_reach is not None else float("nan")

    def to_dict(self) -> dict:
        """JSON-ready (points included)."""
        s = self.spec
        return {
            "modulation": s.modulation, "rate": s.rate, "f_baud_hz": s.f_baud_hz,
            "cable": s.cable.label, "host": s.host, "criterion": s.criterion.label,
            "eq": s.eq.mode, "reach_m": self.reach_m, "lower_bound": self.lower_bound,
            "margin": self.margin, "margin_unit": s.criterion.unit, "reason": self.reason,
            "at_reach": None if self.at_reach is None else self.at_reach.to_dict(),
            "points": [p.to_dict() for p in self.points], "notes": list(self.notes),
        }  # fmt: skip


def solve_reach(spec: ReachSpec, progress=None) -> ReachResult:
    """The reach of ``spec`` (see the module docstring).

    Parameters
    ----------
    spec : ReachSpec
    progress : callable, optional
        ``progress(point)`` after each length evaluated.

    Returns
    -------
    ReachResult
    """
    seen: dict[float, ReachPoint] = {}

    def at(length: float, near=()) -> ReachPoint:
        length = round(float(length), 6)
        if length not in seen:
            seen[length] = evaluate_length(spec, length, tuple(p.eq for p in near))
            if progress is not None:
                progress(seen[length])
        return seen[length]

    def result(reach, good, bad, lower, reason):
        points = tuple(seen[k] for k in sorted(seen))
        return ReachResult(spec, reach, good, bad, lower, reason, points, _ripple_notes(points))

    zero = at(0.0)
    if not zero.passed:
        return result(0.0, None, zero, False,
                      f"fails with no cable: the host parts alone give {spec.criterion.kind} "
                      f"{zero.metric:.3g}, against {spec.criterion.label}")  # fmt: skip
    good, bad = zero, None
    last, length = zero, min(FIRST_STEP_M, spec.max_length_m)
    while bad is None:
        p = at(length)
        if not p.passed:
            bad = p
            break
        good = p
        if length >= spec.max_length_m:
            return result(good.length_m, good, None, True,
                          f"closes at max_length_m = {spec.max_length_m:g} m "
                          f"({good.margin:.2f} {spec.criterion.unit} of margin)")  # fmt: skip
        root = _secant_root(last, p)
        length = min(max(1.1 * root, 1.25 * length), 4 * length, spec.max_length_m)
        last = p
    return _refine(spec, at, good, bad, result)


def _secant_root(a: ReachPoint, b: ReachPoint) -> float:
    """Where the straight line through two points' exponent margins crosses zero (inf when
    it does not fall)."""
    ga, gb = a.exponent_margin, b.exponent_margin
    if not ga > gb:
        return float("inf")
    return b.length_m + gb * (b.length_m - a.length_m) / (ga - gb)


def _refine(spec, at, good, bad, result):
    """Shrink the bracket [good, bad] to ``resolution_m`` (see the module docstring)."""
    res = spec.resolution_m
    ga, gb = good.exponent_margin, bad.exponent_margin
    side, steps, width = 0, 0, bad.length_m - good.length_m
    while bad.length_m - good.length_m > res:
        lo, hi = good.length_m, bad.length_m
        if steps == 2 and hi - lo > width / 2:  # two steps without halving: bisect
            trial = [0.5 * (lo + hi)]
        else:
            root = lo + (hi - lo) * ga / (ga - gb)  # ga >= 0 > gb
            if min(root - lo, hi - root) <= 2 * res:  # close: straddle the root
                trial = [
                    max(root - 0.5 * res, lo + 0.1 * res),
                    min(root + 0.5 * res, hi - 0.1 * res),
                ]
            else:
                trial = [root]
        if steps == 2:
            steps, width = 0, hi - lo
        steps += 1
        for x in trial:
            if not good.length_m < x < bad.length_m:
                continue
            p = at(x, near=(good, bad))
            if p.passed:  # Illinois: halve the end that stays twice in a row
                good, ga = p, p.exponent_margin
                gb = gb / 2 if side == 1 else gb
                side = 1
            else:
                bad, gb = p, p.exponent_margin
                ga = ga / 2 if side == -1 else ga
                side = -1
    unit = spec.criterion.unit
    return result(good.length_m, good, bad, False,
                  f"{spec.criterion.label} met at {good.length_m:.3f} m "
                  f"({good.margin:.2f} {unit}), not at {bad.length_m:.3f} m")  # fmt: skip


def _ripple_notes(points) -> tuple[str, ...]:
    """A pass above a fail among the evaluated lengths (not monotone there)."""
    notes = []
    failed = [p.length_m for p in points if not p.passed]
    for p in points:
        if p.passed and failed and p.length_m > min(failed):
            notes.append(
                f"passes at {p.length_m:.3f} m above a failing {min(failed):.3f} m: the "
                "margin is not monotone in length there (resonance ripple or an equaliser "
                "change); the reach reported is the solve's bracket"
            )
            break
    return tuple(notes)
