"""Exceptions sigint raises at its boundary; the CLI turns them into one line and exit code 2."""

from __future__ import annotations


class SigintError(Exception):
    """Base class for every error sigint reports to a user."""


class ConfigError(SigintError, ValueError):
    """A configuration key or value is not what was expected.

    Parameters
    ----------
    key : str
        Dotted path of the offending key, e.g. ``"tx.swing_vppd"``.
    value : object
        The value that was given.
    expected : str
        What would have been accepted.
    source : str, optional
        The file the value came from.
    """

    def __init__(self, key: str, value: object, expected: str, source: str | None = None):
        self.key = key
        self.value = value
        self.expected = expected
        self.source = source
        super().__init__(self._message())

    def _message(self) -> str:
        where = f"{self.source}: " if self.source else ""
        return f"{where}{self.key} = {self.value!r}: expected {self.expected}"

    def at(self, prefix: str | None = None, source: str | None = None) -> ConfigError:
        """Return a copy whose key is prefixed by ``prefix`` and/or whose source is ``source``."""
        key = f"{prefix}.{self.key}" if prefix else self.key
        return ConfigError(key, self.value, self.expected, source or self.source)
