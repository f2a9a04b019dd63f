"""``sigint compare``'s result: every architecture at every distance, and who wins.

The winner at a distance is the architecture that closes (BER margin > 0) with the lowest
energy per bit; ties go to the lower latency.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .. import __version__
from .evaluate import ArchPoint, evaluate_architecture
from .ledger import Ledger, ledger
from .presets import CompareSpec


@dataclass(frozen=True)
class CompareResult:
    """The comparison table.

    Attributes
    ----------
    spec : CompareSpec
    points : tuple of ArchPoint
        Architecture-major, distances in the spec's order.
    ledgers : dict of str to Ledger
    """

    spec: CompareSpec
    points: tuple
    ledgers: dict

    def point(self, arch: str, distance_m: float) -> ArchPoint:
        """The point of ``arch`` at ``distance_m``."""
        for p in self.points:
            if p.architecture == arch and p.distance_m == distance_m:
                return p
        raise KeyError((arch, distance_m))

    def winner(self, distance_m: float) -> ArchPoint | None:
        """The closing architecture with the lowest pJ/bit (then ns) at ``distance_m``."""
        closing = [p for p in self.points if p.distance_m == distance_m and p.closes]
        return min(closing, key=lambda p: (p.pj_per_bit, p.latency_ns), default=None)

    def text(self) -> str:
        """The table, one row per architecture and distance, and the winners."""
        s = self.spec
        lines = [
            f"sigint compare: {s.rate} {s.modulation}, pre-FEC BER target {s.target_ber:.2g}, "
            f"copper {s.copper_awg} AWG on '{s.copper_host}' hosts; pJ/bit and ns one "
            "direction, end to end",
            f"{'architecture':<15}{'dist m':>8}{'BER':>10}{'margin':>9}{'pJ/bit':>8}"
            f"{'ns':>8}  verdict",
        ]
        for p in self.points:
            verdict = "closes" if p.closes else "does not close: " + p.reason
            lines.append(
                f"{p.architecture:<15}{p.distance_m:>8g}{p.ber:>10.2e}{p.margin_decades:>9.2f}"
                f"{p.pj_per_bit:>8.1f}{p.latency_ns:>8.1f}  {verdict}"
            )
        lines.append("")
        lines.append("winner (lowest pJ/bit that closes) at each distance:")
        for d in s.distances_m:
            w = self.winner(d)
            what = "none closes" if w is None else (
                f"{w.architecture} ({w.pj_per_bit:.1f} pJ/bit, {w.latency_ns:.0f} ns, "
                f"margin {w.margin_decades:.1f} decades)"
            )  # fmt: skip
            lines.append(f"  {d:>7g} m: {what}")
        lines.append("margin: log10(target / BER) decades; BERs of retimed segments add")
        return "\n".join(lines)

    def to_dict(self) -> dict:
        """JSON-ready: the spec, every point, the winners and the ledgers."""
        s = self.spec
        return {
            "version": __version__,
            "spec": {
                "rate": s.rate,
                "modulation": s.modulation,
                "distances_m": list(s.distances_m),
                "architectures": list(s.architectures),
                "target_ber": s.target_ber,
                "copper_awg": s.copper_awg,
                "copper_host": s.copper_host,
                "host_loss_db": dict(s.host_loss_db),
                "confirm_symbols": s.confirm_symbols,
            },
            "points": [p.to_dict() for p in self.points],
            "winners": {
                f"{d:g}": (None if self.winner(d) is None else self.winner(d).architecture)
                for d in s.distances_m
            },
            "ledgers": {a: book.to_dict() for a, book in self.ledgers.items()},
        }


def compare(
    spec: CompareSpec,
    ledgers: dict[str, Ledger] | None = None,
    progress: Callable[[int], None] | None = None,
) -> CompareResult:
    """Evaluate every architecture of ``spec`` at every distance.

    Parameters
    ----------
    spec : CompareSpec
    ledgers : dict, optional
        Edited ledgers by architecture (default :func:`~sigint.compare.ledger.ledger`).
    progress : callable, optional
        Called with the number of points done.

    Returns
    -------
    CompareResult
    """
    books = {a: (ledgers or {}).get(a) or ledger(a) for a in spec.architectures}
    points = []
    for arch in spec.architectures:
        for d in spec.distances_m:
            points.append(evaluate_architecture(spec, arch, d, books[arch]))
            if progress is not None:
                progress(len(points))
    return CompareResult(spec, tuple(points), books)
