"""Power and latency ledgers of the link architectures, one direction of the link, end to end.

A ledger is a list of blocks (host SerDes, module parts, media, FEC), each with its energy per bit,
its latency per traversal and the REFERENCE tag it comes from ([S..] a source, [R] a stated
assumption, [M] modelled here). Tags read "[S18 V]": source 18, verified; S = secondary.

Model — every figure is for ONE DIRECTION of the link, end to end:

* **Power** (pJ/bit) = the sum of the blocks' ``pj_per_bit``. A block's figure already counts every
  chip the bit crosses in that direction:

  - the host SerDes figure is one per-lane figure: the Tx half at one end plus the Rx half at the
    other end;
  - a module (or plug, or optical engine) figure is its full-duplex power over its one-direction
    rate: the Tx half of the near module plus the Rx half of the far module make one module
    figure. The total therefore equals the "per end" numbers of REFERENCE §7.1
    (pJ/bit = W / (Tb/s));
  - a chip quoted unidirectional is counted once per chip crossed: the AEC's Point2 retimer,
    3.3 pJ/b per chip per direction, is crossed twice (one per plug), 2 × 3.3 = 6.6 pJ/b.

  ``traversals`` multiplies latency only, never power.
* **Latency** (ns) = Σ ``latency_ns`` × ``traversals`` + Σ ``latency_ns_per_m`` × distance. Every
  traversal counts: a bit crosses the Tx module at one end and the Rx module at the other (2 module
  traversals), an AEC's two retimers (2), an ACC's single redriver at the Rx end (1). The host FEC
  (KP4 RS(544,514) encode + decode, 60 ns) is common to every architecture. The host SerDes and
  PCS latency is not counted (common to all, no public figure).

The figures are 200G/lane figures. The same pJ/bit is assumed at 448G/lane (no public data); pass
other numbers with :meth:`Ledger.with_block` or :func:`ledger_with_overrides`. The inner
Hamming(128,120) code of 802.3dj 200G/lane optics adds a few ns and is left out.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .._configio import check, convert, finite, nearest, reject_unknown
from ..errors import ConfigError

#: The link architectures, in order of integration (passive copper … co-packaged optics).
ARCHITECTURES = ("dac", "acc", "aec", "dsp-pluggable", "lpo", "npo", "cpo")

#: Presets that vary an architecture ("aec-ms": the AEC with a mixed-signal retimer).
VARIANTS = ("aec-ms",)

#: What a block belongs to.
PARTS = ("host", "module", "media", "fec")

#: Block fields a user may edit, with their types (``name`` and ``part`` stay fixed).
EDITABLE = {
    "pj_per_bit": float,
    "latency_ns": float,
    "traversals": int,
    "latency_ns_per_m": float,
    "source": str,
}

DESCRIPTIONS = {
    "dac": "passive copper cable (DAC): no active part in the cable; the host SerDes must be LR",
    "acc": "active copper cable (ACC): a linear redriver at the Rx end of the cable",
    "aec": "active electrical cable (AEC): a DSP retimer in each plug",
    "aec-ms": "active electrical cable (AEC) with a mixed-signal retimer in each plug",
    "dsp-pluggable": "pluggable optical module with a DSP: retimed at both ends",
    "lpo": "linear pluggable optics (LPO): no DSP, the host SerDes drives the optics",
    "npo": "near-package optics (NPO): a linear optical engine beside the switch package",
    "cpo": "co-packaged optics (CPO): optical engines in the switch package, external laser",
}


@dataclass(frozen=True)
class LedgerBlock:
    """One block of a ledger: what a bit crosses, what it costs in energy and delay.

    Parameters
    ----------
    name : str
        Block name, unique in its ledger ("DSP", "laser", "host SerDes (LR)", "FEC", ...).
    part : {"host", "module", "media", "fec"}
        What the block belongs to.
    pj_per_bit : float
        Energy per bit of one direction of the link, all traversals included (pJ/bit, ≥ 0).
    latency_ns : float
        Latency of one traversal (ns, ≥ 0).
    traversals : int
        Traversals per direction (≥ 1): 2 for a module crossed at the Tx and the Rx end.
    latency_ns_per_m : float
        Propagation delay (ns/m, ≥ 0); media blocks only.
    source : str
        The REFERENCE tag of the numbers, e.g. ``"[S18 V] REFERENCE §7.1"``.

    Raises
    ------
    ConfigError
        Naming the field, for a negative or non-finite number, an unknown part, a media delay on
        a non-media block.
    """

    name: str
    part: str
    pj_per_bit: float = 0.0
    latency_ns: float = 0.0
    traversals: int = 1
    latency_ns_per_m: float = 0.0
    source: str = ""

    def __post_init__(self) -> None:
        check(isinstance(self.name, str) and bool(self.name.strip()), "name", self.name, "a name")
        _check_part(self.part)
        for key in ("pj_per_bit", "latency_ns", "latency_ns_per_m"):
            value = getattr(self, key)
            ok = isinstance(value, (int, float)) and not isinstance(value, bool)
            check(ok and finite(value) and value >= 0, key, value, "a finite number ≥ 0")
        check(
            isinstance(self.traversals, int)
            and not isinstance(self.traversals, bool)
            and self.traversals >= 1,
            "traversals",
            self.traversals,
            "an integer ≥ 1 (traversals per direction)",
        )
        check(
            self.part == "media" or self.latency_ns_per_m == 0,
            "latency_ns_per_m",
            self.latency_ns_per_m,
            f"0 for a '{self.part}' block (a delay per metre belongs to a media block)",
        )
        check(isinstance(self.source, str), "source", self.source, "a string (a REFERENCE tag)")

    def latency_at_ns(self, distance_m: float) -> float:
        """Latency of this block over one direction at ``distance_m`` (all traversals)."""
        return self.latency_ns * self.traversals + self.latency_ns_per_m * distance_m


def _check_part(part: object) -> None:
    if part not in PARTS:
        guess = nearest(str(part), PARTS)
        hint = f"; did you mean '{guess}'?" if guess else ""
        raise ConfigError("part", part, f"one of {', '.join(PARTS)}{hint}")


def _check_distance(distance_m: object) -> float:
    ok = isinstance(distance_m, (int, float)) and not isinstance(distance_m, bool)
    check(ok and finite(distance_m) and distance_m >= 0, "distance_m", distance_m, "a length ≥ 0")
    return float(distance_m)


@dataclass(frozen=True)
class Ledger:
    """The power and latency ledger of one architecture, one direction of the link.

    Parameters
    ----------
    architecture : str
        Architecture name ("dsp-pluggable", ...).
    blocks : tuple of LedgerBlock
        The blocks, with unique names.
    description : str
        One line on what the architecture is.

    Examples
    --------
    >>> from sigint.compare.ledger import ledger
    >>> dsp = ledger("dsp-pluggable")
    >>> round(dsp.power_pj_per_bit(), 1), round(dsp.module_power_pj_per_bit(), 1)
    (18.1, 15.6)
    >>> round(dsp.latency_ns(100.0), 1)  # 2 × 164 ns modules + 100 m × 4.9 ns/m + 60 ns FEC
    878.0
    >>> round(dsp.with_block("DSP", pj_per_bit=8.0).power_pj_per_bit(), 1)
    16.7
    """

    architecture: str
    blocks: tuple[LedgerBlock, ...]
    description: str = ""

    def __post_init__(self) -> None:
        check(
            isinstance(self.architecture, str) and bool(self.architecture.strip()),
            "architecture",
            self.architecture,
            "a name",
        )
        check(
            isinstance(self.blocks, tuple)
            and len(self.blocks) > 0
            and all(isinstance(b, LedgerBlock) for b in self.blocks),
            "blocks",
            self.blocks,
            "a non-empty tuple of LedgerBlock",
        )
        names = [b.name for b in self.blocks]
        dup = next((n for n in names if names.count(n) > 1), None)
        check(dup is None, "blocks", dup, "unique block names")
        check(isinstance(self.description, str), "description", self.description, "a string")

    # ------------------------------------------------------------------ lookups
    @property
    def names(self) -> tuple[str, ...]:
        """The block names, in order."""
        return tuple(b.name for b in self.blocks)

    def block(self, name: str) -> LedgerBlock:
        """The block called ``name``; :class:`ConfigError` naming the nearest valid name."""
        for b in self.blocks:
            if b.name == name:
                return b
        raise _unknown_block(name, self.names, self.architecture)

    def _select(self, part: str | None) -> list[LedgerBlock]:
        if part is None:
            return list(self.blocks)
        _check_part(part)
        return [b for b in self.blocks if b.part == part]

    # ------------------------------------------------------------------ totals
    def power_pj_per_bit(self, part: str | None = None) -> float:
        """Energy per bit of one direction (pJ/bit), of every block or of one ``part``."""
        return sum((b.pj_per_bit for b in self._select(part)), 0.0)

    def latency_ns(self, distance_m: float, part: str | None = None) -> float:
        """Latency of one direction at ``distance_m`` (ns), of every block or of one ``part``."""
        d = _check_distance(distance_m)
        return sum((b.latency_at_ns(d) for b in self._select(part)), 0.0)

    def module_power_pj_per_bit(self) -> float:
        """Energy per bit of the module (plug, engine) blocks: one module figure (pJ/bit)."""
        return self.power_pj_per_bit("module")

    def module_latency_ns(self) -> float:
        """Latency of one traversal of the module blocks (ns), each counted once."""
        return sum((b.latency_ns for b in self._select("module")), 0.0)

    def _module_block(self, name: str) -> LedgerBlock:
        modules = [b.name for b in self.blocks if b.part == "module"]
        if name not in modules:
            raise _unknown_block(name, modules, f"{self.architecture} module")
        return self.block(name)

    def share_of_module_power(self, name: str) -> float:
        """Fraction of the module's energy per bit spent in block ``name`` (0 … 1)."""
        b = self._module_block(name)
        total = self.module_power_pj_per_bit()
        check(total > 0, "module_power_pj_per_bit", total, "a module that draws power")
        return b.pj_per_bit / total

    def share_of_module_latency(self, name: str) -> float:
        """Fraction of one module traversal's latency spent in block ``name`` (0 … 1)."""
        b = self._module_block(name)
        total = self.module_latency_ns()
        check(total > 0, "module_latency_ns", total, "a module with a latency")
        return b.latency_ns / total

    # ------------------------------------------------------------------ edits
    def with_block(self, name: str, **changes: Any) -> Ledger:
        """A copy with block ``name`` edited; the other blocks and ``self`` are unchanged.

        Parameters
        ----------
        name : str
            The block to edit.
        **changes
            New values of ``pj_per_bit``, ``latency_ns``, ``traversals``, ``latency_ns_per_m``
            or ``source``. Unless ``source`` is given, the block's source records the override.

        Raises
        ------
        ConfigError
            For an unknown block or field (naming the nearest valid one) or a bad value (naming
            ``"<block>.<field>"``).
        """
        old = self.block(name)
        reject_unknown(changes, EDITABLE, name)
        values = {k: convert(v, EDITABLE[k], f"{name}.{k}") for k, v in changes.items()}
        if values and "source" not in values:
            edits = ", ".join(f"{k}={v!r}" for k, v in values.items())
            values["source"] = f"[user] override ({edits}); default {old.source}"
        try:
            new = dataclasses.replace(old, **values)
        except ConfigError as err:
            raise err.at(name) from None
        blocks = tuple(new if b.name == name else b for b in self.blocks)
        return dataclasses.replace(self, blocks=blocks)

    # ------------------------------------------------------------------ output
    def rows(self, distance_m: float) -> list[dict]:
        """One dict per block: name, part, pj_per_bit, latency_ns (at ``distance_m``), source."""
        d = _check_distance(distance_m)
        return [
            {
                "name": b.name,
                "part": b.part,
                "pj_per_bit": b.pj_per_bit,
                "latency_ns": b.latency_at_ns(d),
                "source": b.source,
            }
            for b in self.blocks
        ]

    def to_dict(self, distance_m: float | None = None) -> dict:
        """A JSON-ready dict: totals, the blocks, and the latency at ``distance_m`` if given."""
        out: dict[str, Any] = {
            "architecture": self.architecture,
            "description": self.description,
            "power_pj_per_bit": self.power_pj_per_bit(),
            "module_power_pj_per_bit": self.module_power_pj_per_bit(),
            "module_latency_ns": self.module_latency_ns(),
            "latency_ns_at_0m": self.latency_ns(0.0),
            "blocks": [dataclasses.asdict(b) for b in self.blocks],
            "note": "one direction, end to end; 200G/lane figures, same pJ/bit assumed at 448G",
        }
        if distance_m is not None:
            out["distance_m"] = _check_distance(distance_m)
            out["latency_ns"] = self.latency_ns(distance_m)
            out["rows"] = self.rows(distance_m)
        return out


def _unknown_block(name: object, valid, where: str) -> ConfigError:
    guess = nearest(str(name), valid)
    hint = f"; did you mean '{guess}'?" if guess else ""
    known = ", ".join(valid) if valid else "none"
    return ConfigError("block", name, f"a block of {where} ({known}){hint}")


# ---------------------------------------------------------------------- default blocks
_SERDES_LR = LedgerBlock(
    "host SerDes (LR)",
    "host",
    5.5,
    source="[R] REFERENCE §7.1: 224G LR SerDes, no public pJ/bit; 4–7 pJ/b per end assumed",
)
_SERDES_C2M = LedgerBlock(
    "host SerDes (C2M)",
    "host",
    2.5,
    source="[R] between XSR 1.1–1.7 pJ/b [S29, S51 V] and LR 4–7 pJ/b [R], REFERENCE §7.1",
)
_SERDES_MR = LedgerBlock(
    "host SerDes (MR)",
    "host",
    3.0,
    source="[R] linear drive over a short host channel: between C2M 2.5 [R] and LR 4–7 [R]",
)
_SERDES_XSR = LedgerBlock(
    "host SerDes (XSR)",
    "host",
    1.4,
    source="[S29], [S51 V] REFERENCE §7.1: XSR die-to-OE 1.1–1.7 pJ/b",
)
_COPPER = LedgerBlock(
    "copper cable",
    "media",
    0.0,
    latency_ns_per_m=4.5,
    source="[S18 V] REFERENCE §7.1–7.2: DAC ≤ 0.1 W (EEPROM only), ≤ 4.5 ns/m",
)
_FIBRE = LedgerBlock(
    "fibre",
    "media",
    0.0,
    latency_ns_per_m=4.9,
    source="[M] REFERENCE §7.2: 4.9 ns/m (group index ≈ 1.47)",
)
_FEC = LedgerBlock(
    "FEC",
    "fec",
    0.0,
    60.0,
    source="[S54 S] REFERENCE §7.2: 802.3dj RS(544,514) model ≈ 60 ns receive at 800G; "
    "[S20 S] 100–120 ns at 100G",
)
_OPTICS_ANALOG_2NS = "[S20 S, low] REFERENCE §7.2: AOC end ≈ 2 ns"


def _ledger(arch: str, *blocks: LedgerBlock) -> Ledger:
    return Ledger(arch, blocks, DESCRIPTIONS[arch])


def _aec(arch: str, retimer: str, latency_ns: float, latency_source: str) -> Ledger:
    return _ledger(
        arch,
        _SERDES_C2M,
        LedgerBlock(
            retimer,
            "module",
            2 * 3.3,
            latency_ns,
            traversals=2,
            source="[S19 S] REFERENCE §7.1: Point2 mixed-signal retimer 3 W per 8 × 112G chip, "
            f"≈ 3.3 pJ/b per chip per direction, 2 chips crossed; {latency_source}",
        ),
        _COPPER,
        _FEC,
    )


LEDGERS: dict[str, Ledger] = {
    "dac": _ledger("dac", _SERDES_LR, _COPPER, _FEC),
    "acc": _ledger(
        "acc",
        _SERDES_LR,
        LedgerBlock(
            "linear redriver",
            "module",
            1.9,
            0.5,
            traversals=1,
            source="[S18 V] REFERENCE §7.1: NVIDIA MCA7J70 1.5 W per 800G head end ≈ 1.9 pJ/b; "
            "[R] 0.5 ns per analog redriver, one at the Rx end",
        ),
        _COPPER,
        _FEC,
    ),
    "aec": _aec(
        "aec",
        "retimer (DSP)",
        50.0,
        "[S19 S] DSP retimer ≈ 45–60 ns (15–20 × 3 ns); [R] the DSP retimer power is taken "
        "from the mixed-signal part (no public figure)",
    ),
    "aec-ms": _aec("aec-ms", "retimer (mixed-signal)", 3.0, "[S19 S] 3 ns per retimer"),
    "dsp-pluggable": _ledger(
        "dsp-pluggable",
        _SERDES_C2M,
        LedgerBlock(
            "DSP",
            "module",
            9.4,
            160.0,
            traversals=2,
            source="[S0] REFERENCE §7.1–7.2: DSP ≈ 60 % of module power; module 150–200 ns, "
            "> 90 % in the DSP",
        ),
        LedgerBlock(
            "laser",
            "module",
            2.4,
            traversals=2,
            source="[S0] REFERENCE §7.1: laser ≈ 15 % of module power",
        ),
        LedgerBlock("driver", "module", 1.6, traversals=2, source="[M] split of the module rest"),
        LedgerBlock("TIA", "module", 1.0, traversals=2, source="[M] split of the module rest"),
        LedgerBlock("MCU/misc", "module", 1.2, traversals=2, source="[M] split of the module rest"),
        LedgerBlock(
            "analog (driver+TIA+CDR)",
            "module",
            0.0,
            3.0,
            traversals=2,
            source="[R] analog path latency of a module",
        ),
        LedgerBlock(
            "module traces",
            "module",
            0.0,
            1.0,
            traversals=2,
            source="[R] module PCB traces",
        ),
        _FIBRE,
        _FEC,
    ),
    "lpo": _ledger(
        "lpo",
        _SERDES_LR,
        LedgerBlock(
            "laser",
            "module",
            2.4,
            traversals=2,
            source="[S27 V], [S21 V], [S30 S], [S15 S] REFERENCE §7.1: LPO module ≈ 5–7 pJ/b; "
            "[M] split",
        ),
        LedgerBlock("linear driver", "module", 2.0, traversals=2, source="[M] split of 5–7 pJ/b"),
        LedgerBlock("linear TIA", "module", 1.2, traversals=2, source="[M] split of 5–7 pJ/b"),
        LedgerBlock("misc", "module", 0.6, traversals=2, source="[M] split of 5–7 pJ/b"),
        LedgerBlock(
            "analog (driver+TIA)", "module", 0.0, 2.0, traversals=2, source=_OPTICS_ANALOG_2NS
        ),
        _FIBRE,
        _FEC,
    ),
    "npo": _ledger(
        "npo",
        _SERDES_MR,
        LedgerBlock(
            "laser",
            "module",
            2.2,
            traversals=2,
            source="no public number found [S24 V, S1 V]; modelled between LPO and CPO [M]",
        ),
        LedgerBlock("driver", "module", 1.2, traversals=2, source="[M] between LPO and CPO"),
        LedgerBlock("TIA", "module", 0.9, traversals=2, source="[M] between LPO and CPO"),
        LedgerBlock("control", "module", 0.3, traversals=2, source="[M] between LPO and CPO"),
        LedgerBlock(
            "analog (driver+TIA)", "module", 0.0, 2.0, traversals=2, source=_OPTICS_ANALOG_2NS
        ),
        _FIBRE,
        _FEC,
    ),
    "cpo": _ledger(
        "cpo",
        _SERDES_XSR,
        LedgerBlock(
            "external laser source",
            "module",
            2.0,
            traversals=2,
            source="[S22 V], [S25 S] REFERENCE §7.1: CPO ≈ 5.6 pJ/b per port (9 W per 1.6T); "
            "[M] split",
        ),
        LedgerBlock("driver", "module", 1.2, traversals=2, source="[M] split of 5.6 pJ/b"),
        LedgerBlock("TIA", "module", 0.8, traversals=2, source="[M] split of 5.6 pJ/b"),
        LedgerBlock("control", "module", 0.2, traversals=2, source="[M] split of 5.6 pJ/b"),
        LedgerBlock(
            "analog (driver+TIA)",
            "module",
            0.0,
            2.0,
            traversals=2,
            source="[R] per engine traversal; [S53 S] optical D2D ≈ 1 ns",
        ),
        _FIBRE,
        _FEC,
    ),
}


def ledger(architecture: str) -> Ledger:
    """The default ledger of ``architecture`` (one of :data:`ARCHITECTURES` or :data:`VARIANTS`).

    Raises
    ------
    ConfigError
        For an unknown architecture, naming the nearest valid one.

    Examples
    --------
    >>> from sigint.compare.ledger import ledger
    >>> round(ledger("cpo").power_pj_per_bit(), 1)
    5.6
    """
    if architecture not in LEDGERS:
        guess = nearest(str(architecture), LEDGERS)
        hint = f"; did you mean '{guess}'?" if guess else ""
        raise ConfigError("architecture", architecture, f"one of {', '.join(LEDGERS)}{hint}")
    return LEDGERS[architecture]


def ledger_with_overrides(architecture: str, overrides: Mapping) -> Ledger:
    """The default ledger of ``architecture`` with blocks edited from a mapping (a TOML table).

    Parameters
    ----------
    architecture : str
        One of :data:`ARCHITECTURES` or :data:`VARIANTS`.
    overrides : Mapping
        Block name → {field: value}, e.g. ``{"DSP": {"pj_per_bit": 8.0}}``.

    Raises
    ------
    ConfigError
        For an unknown architecture, block or field (naming the nearest valid one) or a bad value.

    Examples
    --------
    >>> from sigint.compare.ledger import ledger_with_overrides
    >>> edited = ledger_with_overrides("dsp-pluggable", {"DSP": {"latency_ns": 100}})
    >>> round(edited.module_latency_ns(), 1)
    104.0
    """
    base = ledger(architecture)
    if not isinstance(overrides, Mapping):
        raise ConfigError(architecture, overrides, "a table of block name → {field = value}")
    reject_unknown(overrides, base.names, architecture)
    out = base
    for name, changes in overrides.items():
        if not isinstance(changes, Mapping):
            raise ConfigError(f"{architecture}.{name}", changes, "a table of field = value")
        try:
            out = out.with_block(name, **changes)
        except ConfigError as err:
            raise err.at(architecture) from None
    return out
