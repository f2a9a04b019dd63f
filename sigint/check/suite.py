"""A check suite: the channels, the link presets and the metric limits, from one TOML file.

.. code-block:: toml

    [suite]
    name = "backplane"
    baseline = "baseline.json"      # relative to this file; written by --update-baseline
    seed = 1

    [[channel]]
    thru = "channels/*_thru.s4p"    # a path or a glob: each match is one channel
    next = ["channels/{stem}_next*.s4p"]   # {stem}: the thru's name without "_thru"
    fext = ["channels/{stem}_fext*.s4p"]
    ports = "1,3:2,4"               # optional; detected from the thru otherwise
    length_m = 2.0                  # optional: the cable's length, for the reach_m metric

    [[preset]]
    name = "224G-PAM4"
    rate = "224G"
    modulation = "PAM4"
    host = "none"                   # reach host preset around the channel

    [metrics]
    il_nyquist_db = { max = 35.0, tolerance = 0.5 }
    com_db = { min = 3.0, com_preset = "802.3ck-CR", tolerance = 0.3 }
    ber = { max = 2.4e-4 }
    eye_height_mv = { min = 2.0, at_ber = 1e-6, tolerance = 0.5 }

Every key is checked: an unknown one is named with the nearest valid name.
"""

from __future__ import annotations

import difflib
import glob
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ConfigError
from ..rates import rate_preset
from ..reach.hosts import host_preset

#: Metrics and their units. Channel metrics need only the files; link metrics build the
#: preset's link around the thru (statistical engine, EQ optimised as ``sigint reach`` does).
METRICS = {
    "il_nyquist_db": "dB",
    "ild_rms_db": "dB",
    "rl_min_db": "dB",
    "icn_mv": "mV",
    "snr_db": "dB",
    "ber": "",
    "eye_height_mv": "mV",
    "eye_width_ui": "UI",
    "com_db": "dB",
    "reach_m": "m",
}
LINK_METRICS = ("snr_db", "ber", "eye_height_mv", "eye_width_ui", "reach_m")
#: Metrics of the channel alone, whatever the link preset (reported once, preset "").
CHANNEL_ONLY = ("com_db",)


def _unknown(keys, valid, where: str) -> None:
    for key in keys:
        if key not in valid:
            near = difflib.get_close_matches(key, list(valid), n=1)
            hint = f" (did you mean {near[0]!r}?)" if near else ""
            raise ConfigError(where + key, key, "one of " + ", ".join(valid) + hint)


@dataclass(frozen=True)
class MetricLimit:
    """A metric's limits and baseline tolerance (the value must be <= max and >= min, and
    may not move the wrong way from its baseline by more than ``tolerance``: up for a
    max-limited metric, down for a min-limited one, either way for a window)."""

    name: str
    max: float | None = None
    min: float | None = None
    tolerance: float | None = None
    at_ber: float = 1e-6
    com_preset: str = "802.3ck-CR"

    @property
    def unit(self) -> str:
        """The metric's unit."""
        return METRICS[self.name]

    @property
    def worse_up(self) -> bool:
        """Whether a larger value is worse (a max-limited metric, and BER, IL, ILD, ICN)."""
        if self.max is not None or self.min is not None:
            return self.max is not None
        return self.name in ("il_nyquist_db", "ild_rms_db", "icn_mv", "ber")


@dataclass(frozen=True)
class LinkPreset:
    """A link around each channel: rate class, modulation and host parts (reach presets)."""

    name: str
    rate: str = "224G"
    modulation: str = "PAM4"
    host: str = "none"


@dataclass(frozen=True)
class ChannelEntry:
    """One channel: a thru file and its crosstalk files."""

    name: str
    thru: str
    next: tuple = ()
    fext: tuple = ()
    ports: str | None = None
    length_m: float | None = None

    @property
    def files(self) -> tuple:
        """Every file, thru first."""
        return (self.thru, *self.next, *self.fext)


@dataclass(frozen=True)
class Suite:
    """A parsed suite file (see the module docstring)."""

    name: str
    path: str
    channels: tuple
    presets: tuple
    metrics: tuple
    baseline: str | None = None
    seed: int = 1
    notes: tuple = field(default=())

    @property
    def n_points(self) -> int:
        """Computations per run: each channel at each preset, and once for channel-only
        metrics (COM)."""
        per_preset = any(m.name not in CHANNEL_ONLY for m in self.metrics)
        per_channel = sum(m.name in CHANNEL_ONLY for m in self.metrics)
        return len(self.channels) * (len(self.presets) * per_preset + per_channel)


def _stem(path: Path) -> str:
    name = path.stem
    for suffix in ("_thru", "-thru", ".thru"):
        if name.lower().endswith(suffix):
            return name[: -len(suffix)]
    return name


def _expand(pattern: str, root: Path, stem: str = "") -> list[Path]:
    text = pattern.replace("{stem}", stem)
    full = text if Path(text).is_absolute() else str(root / text)
    if glob.has_magic(full):
        return sorted(Path(p) for p in glob.glob(full))
    return [Path(full)]


def load_suite(path) -> Suite:
    """Read a suite file; a bad key or value raises :class:`~sigint.errors.ConfigError`
    naming it (a missing channel file is not an error here: its cases fail when run)."""
    path = Path(path)
    try:
        doc = tomllib.loads(path.read_text())
    except FileNotFoundError:
        raise ConfigError("suite", str(path), "an existing suite file") from None
    except tomllib.TOMLDecodeError as err:
        raise ConfigError("suite", str(path), f"valid TOML ({err})") from None
    _unknown(doc, ("suite", "channel", "preset", "metrics"), "")
    head = doc.get("suite", {})
    _unknown(head, ("name", "baseline", "seed"), "suite.")
    root = path.parent
    channels, notes = [], []
    for i, entry in enumerate(doc.get("channel", [])):
        where = f"channel[{i}]."
        _unknown(entry, ("name", "thru", "next", "fext", "ports", "length_m"), where)
        length = entry.get("length_m")
        if length is not None and not (isinstance(length, int | float) and length > 0):
            raise ConfigError(where + "length_m", length, "the cable's length in m, > 0")
        if "thru" not in entry:
            raise ConfigError(where + "thru", None, "the thru file (a path or a glob)")
        matches = _expand(entry["thru"], root)
        if not matches:  # a glob that matches nothing: its cases fail, naming it
            matches = [root / entry["thru"]]
            notes.append(f"{where}thru {entry['thru']!r} matches no file")
        for thru in matches:
            stem = _stem(thru)
            name = entry.get("name", stem) if len(matches) == 1 else stem
            xt = {
                kind: tuple(
                    str(p) for pattern in entry.get(kind, []) for p in _expand(pattern, root, stem)
                )
                for kind in ("next", "fext")
            }
            channels.append(
                ChannelEntry(name, str(thru), xt["next"], xt["fext"], entry.get("ports"), length)
            )
    names = [c.name for c in channels]
    for name in names:
        if names.count(name) > 1:
            raise ConfigError("channel.name", name, "a name used by one channel only")
    presets = []
    for i, entry in enumerate(doc.get("preset", [])):
        where = f"preset[{i}]."
        _unknown(entry, ("name", "rate", "modulation", "host"), where)
        preset = LinkPreset(**{"name": f"{entry.get('rate', '224G')}-"
                               f"{entry.get('modulation', 'PAM4')}", **entry})  # fmt: skip
        rate_preset(preset.rate)
        if preset.modulation not in ("PAM2", "PAM4", "PAM6", "PAM8"):
            raise ConfigError(where + "modulation", preset.modulation, "PAM2, PAM4, PAM6 or PAM8")
        host_preset(preset.host)
        presets.append(preset)
    metrics = []
    table = doc.get("metrics", {})
    _unknown(table, METRICS, "metrics.")
    for name, limits in table.items():
        _unknown(limits, ("max", "min", "tolerance", "at_ber", "com_preset"), f"metrics.{name}.")
        numbers = {k: v for k, v in limits.items() if k != "com_preset"}
        for key, value in numbers.items():
            if not isinstance(value, int | float) or isinstance(value, bool):
                raise ConfigError(f"metrics.{name}.{key}", value, "a number")
        extra = {}
        if "com_preset" in limits:
            from ..com import PRESETS

            if limits["com_preset"] not in PRESETS:
                raise ConfigError(
                    f"metrics.{name}.com_preset",
                    limits["com_preset"],
                    "one of " + ", ".join(PRESETS),
                )
            extra["com_preset"] = limits["com_preset"]
        metrics.append(MetricLimit(name, **{k: float(v) for k, v in numbers.items()}, **extra))
    if not channels:
        raise ConfigError("channel", None, "at least one [[channel]] with a thru file")
    if not metrics:
        raise ConfigError("metrics", None, "at least one metric with its limits")
    if any(m.name in LINK_METRICS for m in metrics) and not presets:
        raise ConfigError("preset", None, "a [[preset]] for the link metrics (ber, eye, snr)")
    baseline = head.get("baseline")
    return Suite(
        name=str(head.get("name", path.stem)),
        path=str(path),
        channels=tuple(channels),
        presets=tuple(presets) or (LinkPreset("224G-PAM4"),),
        metrics=tuple(metrics),
        baseline=None if baseline is None else str(root / baseline),
        seed=int(head.get("seed", 1)),
        notes=tuple(notes),
    )
