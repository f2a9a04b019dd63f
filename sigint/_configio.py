"""Validated conversion between plain mappings (TOML) and frozen config dataclasses.

The rules are the same for every config class, so they live here once:

* unknown keys are rejected with the nearest valid name;
* values are converted to the annotated type (int → float is allowed, bool → number is not);
* nested dataclasses and tagged unions (a ``kind`` key) recurse with the dotted key path;
* each class validates its own ranges in ``__post_init__`` and raises :class:`ConfigError` with
  the field name, which is prefixed here with the full path.
"""

from __future__ import annotations

import dataclasses
import difflib
import math
import types
import typing
from collections.abc import Mapping
from typing import Any, Literal, Union, get_args, get_origin

from .errors import ConfigError

_NONE_TYPE = type(None)


def check(ok: bool, key: str, value: object, expected: str) -> None:
    """Raise :class:`ConfigError` for ``key`` unless ``ok`` (used by every ``__post_init__``)."""
    if not ok:
        raise ConfigError(key, value, expected)


def finite(x: float) -> bool:
    """True for a finite number."""
    return math.isfinite(x)


def check_swing(swing_vppd: float) -> None:
    """A Tx swing: positive volts peak-to-peak differential."""
    check(
        finite(swing_vppd) and swing_vppd > 0,
        "swing_vppd",
        swing_vppd,
        "a positive swing in volts peak-to-peak differential",
    )


def check_tx_ffe(taps: tuple, cursor: int) -> None:
    """Tx FFE taps: finite, a positive main cursor at ``cursor``, Σ|c| ≤ 1 (peak swing)."""
    check(len(taps) >= 1, "ffe_taps", taps, "at least the main cursor")
    check(all(finite(c) for c in taps), "ffe_taps", taps, "finite tap weights")
    check(
        sum(abs(c) for c in taps) <= 1 + 1e-9,
        "ffe_taps",
        taps,
        "taps with Σ|c| ≤ 1 (the peak-swing constraint)",
    )
    check(
        0 <= cursor < len(taps),
        "ffe_cursor",
        cursor,
        f"an index into ffe_taps (0..{len(taps) - 1})",
    )
    check(taps[cursor] > 0, "ffe_taps", taps, "a positive main cursor at ffe_cursor")


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def nearest(name: str, valid: typing.Iterable[str]) -> str | None:
    """The valid name closest to ``name``, or None if nothing is close."""
    match = difflib.get_close_matches(name, list(valid), n=1, cutoff=0.5)
    return match[0] if match else None


def reject_unknown(data: Mapping, valid: typing.Iterable[str], path: str) -> None:
    """Raise :class:`ConfigError` for the first key of ``data`` not in ``valid``."""
    valid = list(valid)
    for key in data:
        if key not in valid:
            guess = nearest(str(key), valid)
            hint = f"; did you mean '{guess}'?" if guess else ""
            raise ConfigError(
                _join(path, str(key)),
                data[key],
                f"a known key ({', '.join(valid)}){hint}",
            )


def _type_name(tp: Any) -> str:
    origin = get_origin(tp)
    if origin is Literal:
        return " or ".join(repr(a) for a in get_args(tp))
    if origin in (Union, types.UnionType):
        return " or ".join(_type_name(a) for a in get_args(tp) if a is not _NONE_TYPE)
    if origin is tuple:
        return f"a list of {_type_name(get_args(tp)[0])}"
    if dataclasses.is_dataclass(tp):
        return f"a table [{tp.__name__}]"
    return {float: "a number", int: "an integer", bool: "true or false", str: "a string"}.get(
        tp, getattr(tp, "__name__", str(tp))
    )


def convert(value: Any, tp: Any, path: str) -> Any:
    """Convert ``value`` to type ``tp`` or raise :class:`ConfigError` naming ``path``."""
    origin = get_origin(tp)
    if origin in (Union, types.UnionType):
        args = get_args(tp)
        if value is None and _NONE_TYPE in args:
            return None
        members = [a for a in args if a is not _NONE_TYPE]
        if all(dataclasses.is_dataclass(a) for a in members) and len(members) > 1:
            return _convert_tagged(value, members, path)
        if len(members) == 1:  # an optional value: its own error names the inner key
            return convert(value, members[0], path)
        for member in members:
            try:
                return convert(value, member, path)
            except ConfigError:
                continue
        raise ConfigError(path, value, _type_name(tp))
    if origin is Literal:
        allowed = get_args(tp)
        if value in allowed:
            return value
        raise ConfigError(path, value, "one of " + ", ".join(repr(a) for a in allowed))
    if origin is tuple:
        if isinstance(value, (str, bytes, Mapping)) or not hasattr(value, "__iter__"):
            raise ConfigError(path, value, _type_name(tp))
        (item_tp, *_rest) = get_args(tp)
        return tuple(convert(v, item_tp, f"{path}[{i}]") for i, v in enumerate(value))
    if dataclasses.is_dataclass(tp):
        if isinstance(value, tp):
            return value
        if not isinstance(value, Mapping):
            raise ConfigError(path, value, _type_name(tp))
        return from_mapping(tp, value, path)
    if tp is bool:
        if isinstance(value, bool):
            return value
        raise ConfigError(path, value, "true or false")
    if tp is int:
        if isinstance(value, bool) or not isinstance(value, int):
            if isinstance(value, float) and value.is_integer():
                return int(value)
            raise ConfigError(path, value, "an integer")
        return value
    if tp is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ConfigError(path, value, "a number")
        return float(value)
    if tp is str:
        if not isinstance(value, str):
            raise ConfigError(path, value, "a string")
        return value
    return value


def _convert_tagged(value: Any, members: list, path: str) -> Any:
    for member in members:
        if isinstance(value, member):
            return value
    if not isinstance(value, Mapping) or "kind" not in value:
        kinds = ", ".join(repr(m.KIND) for m in members)
        raise ConfigError(path, value, f"a table with kind = {kinds}")
    by_kind = {m.KIND: m for m in members}
    kind = value["kind"]
    if kind not in by_kind:
        guess = nearest(str(kind), by_kind)
        hint = f"; did you mean '{guess}'?" if guess else ""
        raise ConfigError(_join(path, "kind"), kind, "one of " + ", ".join(by_kind) + hint)
    body = {k: v for k, v in value.items() if k != "kind"}
    return from_mapping(by_kind[kind], body, path)


def from_mapping(cls: type, data: Mapping, path: str = "") -> Any:
    """Build the frozen dataclass ``cls`` from a mapping, validating every key and value.

    Parameters
    ----------
    cls : type
        A dataclass type.
    data : Mapping
        Keys and values, e.g. a table read from TOML.
    path : str
        Dotted key path of ``data`` in the whole config, used in error messages.

    Raises
    ------
    ConfigError
        Naming the full key path, the value and what was expected.
    """
    if not isinstance(data, Mapping):
        raise ConfigError(path or cls.__name__, data, _type_name(cls))
    hints = typing.get_type_hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls) if f.init}
    reject_unknown(data, fields, path)
    for name, f in fields.items():
        required = f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
        if required and name not in data:
            raise ConfigError(_join(path, name), "(missing)", "a value: this key is required")
    kwargs = {name: convert(value, hints[name], _join(path, name)) for name, value in data.items()}
    try:
        return cls(**kwargs)
    except ConfigError as err:
        raise err.at(path or None) from None


def to_mapping(obj: Any) -> Any:
    """A plain, TOML-ready mapping of a config dataclass (None values omitted)."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        out: dict[str, Any] = {}
        kind = getattr(type(obj), "KIND", None)
        if kind is not None:
            out["kind"] = kind
        for f in dataclasses.fields(obj):
            if not f.init:
                continue
            value = to_mapping(getattr(obj, f.name))
            if value is not None:
                out[f.name] = value
        return out
    if isinstance(obj, tuple):
        return [to_mapping(v) for v in obj]
    return obj
