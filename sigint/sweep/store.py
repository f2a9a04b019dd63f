"""A resumable sweep store: one HDF5 file of finished points, written so a crash loses nothing.

Every point of a sweep (a small JSON-able dict such as ``{"modulation": "PAM4", "awg": 26}``) is
named by :func:`point_key`, the SHA-256 of its canonical JSON. :class:`SweepStore` keeps, per
finished point, its config, result, seed and the sigint version that computed it.

Crash safety: a journal of per-point files, merged copy-on-write
-------------------------------------------------------------------
HDF5 has no journal of its own: a process killed while HDF5 writes *into* a file (h5py's ``"a"``
mode) can leave the superblock or a B-tree half-updated, and then the whole file is unreadable,
every finished point with it (SWMR mode protects readers, not a dying writer). So the store
never writes into a file that holds finished points:

1. :meth:`SweepStore.add` builds the point's group as a small HDF5 image in memory and writes it
   to ``<store>.journal/<key>.h5`` with the project's atomic writer (same-folder temp file,
   ``fsync``, ``os.replace``; :func:`sigint.store.write_bytes_atomic`), then fsyncs the folder.
   The entry is either wholly there or absent; a crash leaves at most a dot-named temp file,
   which is ignored and removed on the next open. Cost: O(size of the point), ~2 ms.
2. :meth:`SweepStore.compact` merges the journal into the main file copy-on-write: copy the
   file to a temp file in the same folder, append the journal's groups, fsync, ``os.replace``,
   fsync the folder, and only then delete the merged journal files. Killed before the rename,
   the old file and the journal are intact; killed after it, the journal entries left over
   duplicate groups of the new file, which is harmless (the journal copy is read first and is
   merged again, idempotently, next time).
3. Readers look in the journal first, then in the main file; both are complete files at every
   instant, and ``os.replace`` swaps the main file atomically under them.

A merge happens when the journal holds as many points as the main file (and at least
``compact_every``) and at the end of :func:`~sigint.sweep.run_sweep`: the main file doubles
between merges, so a whole sweep copies less than twice the final file (amortised O(1) per
point). Rewriting the whole file on every ``add`` would be O(N) per point, O(N²) per sweep:
1000 points of 40 kB would copy 20 GB.

One process writes a store at a time (``run_sweep`` adds from the parent process only); any
number may read it.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shutil
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import h5py
import numpy as np

from .._version import __version__
from ..store import make_readable, write_bytes_atomic

FORMAT = "sigint-sweep/1"
_ENTRY_NAME = re.compile(r"[0-9a-f]{64}\.h5")
_KEY = re.compile(r"[0-9a-f]{64}")
_INT64 = np.iinfo(np.int64)
# HDF5 keeps attributes in a 64 KiB object header: longer text goes to a string dataset
_TEXT_ATTR_MAX_BYTES = 16 * 1024
_MISSING = object()


# ---------------------------------------------------------------------------- keys and values
def _plain(value, where: str):
    """``value`` as plain JSON types (numpy scalars converted), or a TypeError naming ``where``."""
    if isinstance(value, np.generic):
        value = value.item()
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, list | tuple):
        return [_plain(v, f"{where}[{i}]") for i, v in enumerate(value)]
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            if not isinstance(k, str):
                raise TypeError(f"{where}: key {k!r} ({type(k).__name__}): expected a string")
            out[k] = _plain(v, f"{where}.{k}")
        return out
    raise TypeError(
        f"{where} = {value!r}: expected JSON-able data (None, bool, int, float, str, lists, dicts)"
    )


def _canonical_json(value, where: str) -> str:
    """Sorted-key, compact JSON of ``value`` (floats by ``repr``, as :mod:`json` writes them)."""
    return json.dumps(_plain(value, where), sort_keys=True, separators=(",", ":"))


def _point_json(point, where: str = "point") -> str:
    if not isinstance(point, dict):
        raise TypeError(f"{where} = {point!r}: expected a dict of sweep parameters")
    return _canonical_json(point, where)


def point_key(point: dict) -> str:
    """The stable name of a sweep point: SHA-256 of its canonical JSON, as 64 hex digits.

    Parameters
    ----------
    point : dict
        The point's parameters: string keys, JSON-able values (numpy scalars are converted).

    Returns
    -------
    str
        64 lowercase hex digits. The same point gives the same key in every process and
        session (keys are sorted, floats written by ``repr``); points that differ in any value
        or type (``26`` vs ``26.0``, ``1`` vs ``True``) get different keys.

    Raises
    ------
    TypeError
        ``point`` is not a dict of JSON-able values (the message names the offending entry).

    Examples
    --------
    >>> point_key({"rate": "224G", "awg": 26}) == point_key({"awg": 26, "rate": "224G"})
    True
    >>> point_key({"awg": 26}) == point_key({"awg": 26.0})
    False
    >>> len(point_key({}))
    64
    """
    return hashlib.sha256(_point_json(point).encode("utf-8")).hexdigest()


def _canonical_value(value, where: str):
    if isinstance(value, np.ndarray):
        if value.ndim == 0:
            value = value[()]
        elif value.dtype.kind not in "biufc":
            raise TypeError(f"{where}: array of dtype {value.dtype}: expected a numeric array")
        else:
            return value
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, bool | str | complex):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    if value is None or isinstance(value, list | tuple | dict):
        return _plain(value, where)
    raise TypeError(
        f"{where} = {value!r}: expected a number, a string, a numeric array, or JSON-able data"
    )


def canonical_result(result: dict) -> dict:
    """``result`` as the store gives it back: Python scalars, numpy arrays, JSON lists and dicts.

    Parameters
    ----------
    result : dict
        A point's result: string keys (not empty, no ``/``) and values that are numbers,
        strings, numeric numpy arrays, or JSON-able data (None, lists, dicts).

    Returns
    -------
    dict
        The same keys in the same order; numpy scalars and 0-d arrays as Python scalars, tuples
        as lists, arrays unchanged. ``canonical_result(r)`` equals ``store.get(point)`` after
        ``store.add(point, r)``.

    Raises
    ------
    TypeError
        A key or value of an unsupported type (the message names it).

    Examples
    --------
    >>> canonical_result({"snr_db": np.float64(21.5), "taps": (1, 2)})
    {'snr_db': 21.5, 'taps': [1, 2]}
    """
    if not isinstance(result, dict):
        raise TypeError(f"result = {result!r}: expected a dict of named values")
    out = {}
    for name, value in result.items():
        if not isinstance(name, str) or not name or "/" in name or name == ".":
            raise TypeError(f"result key {name!r}: expected a non-empty string without '/'")
        out[name] = _canonical_value(value, f"result[{name!r}]")
    return out


# ---------------------------------------------------------------------------- HDF5 encoding
def _put_text(obj, name: str, text: str) -> None:
    if len(text.encode("utf-8")) <= _TEXT_ATTR_MAX_BYTES:
        obj.attrs[name] = text
    else:
        obj.create_dataset(name, data=text, dtype=h5py.string_dtype())


def _get_text(obj, name: str) -> str:
    if name in obj.attrs:
        return str(obj.attrs[name])
    return obj[name].asstr()[()]


def _write_point(group, point_json: str, result: dict, seed: int | None, added_ns: int) -> None:
    """Fill ``group`` (named by the point's key) with the point, its result and provenance."""
    _put_text(group, "point", point_json)
    group.attrs["sigint_version"] = __version__
    group.attrs["added_ns"] = np.int64(added_ns)
    if seed is not None:
        group.attrs["seed"] = np.int64(seed) if _INT64.min <= seed <= _INT64.max else str(seed)
    out = group.create_group("result")
    kinds = {}
    for name, value in result.items():
        if isinstance(value, np.ndarray):
            out.create_dataset(name, data=value)
            kinds[name] = "array"
        elif isinstance(value, str):
            _put_text(out, name, value)
            kinds[name] = "text"
        elif isinstance(value, bool | float | complex) or (
            isinstance(value, int) and _INT64.min <= value <= _INT64.max
        ):
            out.attrs[name] = value
            kinds[name] = "number"
        else:  # None, lists, dicts, ints beyond 64 bits
            _put_text(out, name, json.dumps(value))
            kinds[name] = "json"
    group.attrs["result_kinds"] = json.dumps(kinds)


@dataclass(frozen=True, eq=False)
class SweepRecord:
    """One finished point as the store holds it.

    Parameters
    ----------
    key : str
        :func:`point_key` of ``point``.
    point : dict
        The point's parameters (canonical JSON, read back).
    result : dict
        Its result, as :func:`canonical_result` gives it.
    seed : int or None
        The seed recorded with it.
    sigint_version : str
        The sigint version that computed it.
    added_ns : int
        When it was added (ns since the epoch; orders :meth:`SweepStore.results`).
    """

    key: str
    point: dict
    result: dict
    seed: int | None
    sigint_version: str
    added_ns: int


def _read_point(group) -> SweepRecord:
    result = {}
    out = group["result"]
    for name, kind in json.loads(group.attrs["result_kinds"]).items():
        if kind == "array":
            result[name] = out[name][()]
        elif kind == "text":
            result[name] = _get_text(out, name)
        elif kind == "number":
            result[name] = out.attrs[name].item()
        else:
            result[name] = json.loads(_get_text(out, name))
    seed = group.attrs.get("seed")
    return SweepRecord(
        key=group.name.rsplit("/", 1)[-1],
        point=json.loads(_get_text(group, "point")),
        result=result,
        seed=None if seed is None else int(seed),
        sigint_version=str(group.attrs["sigint_version"]),
        added_ns=int(group.attrs["added_ns"]),
    )


def _h5_image(fill) -> bytes:
    """The bytes of a new HDF5 file that ``fill(file)`` writes, built in memory."""
    buffer = io.BytesIO()
    with h5py.File(buffer, "w") as f:
        f.attrs["format"] = FORMAT
        fill(f)
    return buffer.getvalue()


def _fsync_path(path: Path, flags: int = os.O_RDONLY) -> None:
    """fsync a file (flags ``O_RDWR``) or, on POSIX, a folder so a rename in it is durable."""
    if os.name != "posix" and flags == os.O_RDONLY:
        return  # folders cannot be opened for fsync there; the rename is durable on its own
    fd = os.open(path, flags)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _differences(stored, given, at: str = ""):
    """The first dotted key where two JSON trees differ, with both values, or None."""
    if isinstance(stored, dict) and isinstance(given, dict):
        for k in sorted(set(stored) | set(given)):
            where = f"{at}.{k}" if at else k
            found = _differences(stored.get(k, _MISSING), given.get(k, _MISSING), where)
            if found:
                return found
        return None
    same = stored is not _MISSING and given is not _MISSING
    if same and json.dumps(stored, sort_keys=True) == json.dumps(given, sort_keys=True):
        return None
    return at or "(the whole config)", stored, given


def _show(value) -> str:
    return "absent" if value is _MISSING else json.dumps(value, sort_keys=True)


# ---------------------------------------------------------------------------- the store
class SweepStore:
    """The finished points of one sweep, in one HDF5 file that a crash never corrupts.

    Parameters
    ----------
    path : str or Path
        The HDF5 file. ``<path>.journal/`` beside it holds points added since the last merge
        (see the module docstring); it is empty or absent after :meth:`compact`.
    meta : dict
        The sweep's configuration (JSON-able). A new file records it; an existing file must
        hold the same, or the store refuses to mix the two sweeps.
    overwrite : bool
        Start anew: an existing file and its journal are replaced by an empty store.
    compact_every : int
        The journal is merged into the file once it holds this many points and at least as
        many as the file (default 64).

    Raises
    ------
    ValueError
        ``path`` holds another sweep's config (the message names the file and the first
        differing key), or is not a sweep store; ``compact_every`` < 1.
    TypeError
        ``meta`` is not a JSON-able dict.

    Notes
    -----
    Layout: the root's attributes hold ``format``, ``sweep_config`` (canonical JSON of
    ``meta``), ``sigint_version`` and ``created`` (ISO 8601, UTC). Each finished point is a
    root group named by its key, with attributes ``point`` (JSON), ``sigint_version``,
    ``added_ns``, ``seed`` (when given) and ``result_kinds`` (JSON: each result name and how it
    is stored), and a subgroup ``result``: numbers and strings as attributes, arrays as
    datasets, lists/dicts/None as JSON text; text over 16 KiB goes to a string dataset.

    Examples
    --------
    >>> import tempfile, numpy as np
    >>> folder = tempfile.TemporaryDirectory()
    >>> store = SweepStore(f"{folder.name}/reach.h5", {"sweep": "awg"})
    >>> key = store.add({"awg": 26}, {"reach_m": 1.8, "ber": np.array([1e-3, 1e-6])}, seed=7)
    >>> store.get({"awg": 26})["reach_m"], len(store), store.get({"awg": 28})
    (1.8, 1, None)
    >>> SweepStore(f"{folder.name}/reach.h5", {"sweep": "length"})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: .../reach.h5: sweep config key 'sweep' differs from the stored one ...
    >>> folder.cleanup()
    """

    def __init__(self, path, meta: dict, *, overwrite: bool = False, compact_every: int = 64):
        if isinstance(compact_every, bool) or not isinstance(compact_every, int | np.integer):
            raise ValueError(f"compact_every = {compact_every!r}: expected a whole number ≥ 1")
        if compact_every < 1:
            raise ValueError(f"compact_every = {compact_every!r}: expected a whole number ≥ 1")
        if not isinstance(meta, dict):
            raise TypeError(f"meta = {meta!r}: expected a dict (the sweep's configuration)")
        self.path = Path(path)
        self.journal = self.path.with_name(self.path.name + ".journal")
        self.compact_every = int(compact_every)
        self._config_json = _canonical_json(meta, "meta")
        self.meta = json.loads(self._config_json)
        self._last_ns = 0
        if overwrite or not self.path.exists():
            self._create()
        else:
            self._check_meta()
            self._remove_temp_files()
        self._n_main = len(self._main_keys())
        self._n_journal = len(self._journal_keys())

    def __repr__(self) -> str:
        return f"SweepStore({str(self.path)!r}, {len(self)} points)"

    # ------------------------------------------------------------------ opening
    def _create(self) -> None:
        # the journal first: a crash in between leaves the old file, which still refuses a
        # different config, never the old points adopted into the new sweep
        shutil.rmtree(self.journal, ignore_errors=True)

        def fill(f):
            _put_text(f, "sweep_config", self._config_json)
            f.attrs["sigint_version"] = __version__
            f.attrs["created"] = datetime.now(UTC).isoformat(timespec="seconds")

        self.path.parent.mkdir(parents=True, exist_ok=True)
        write_bytes_atomic(self.path, _h5_image(fill))
        _fsync_path(self.path.parent)

    def _check_meta(self) -> None:
        try:
            with h5py.File(self.path, "r") as f:
                ok = f.attrs.get("format") == FORMAT
                stored = _get_text(f, "sweep_config") if ok else None
        except (OSError, KeyError) as err:
            raise ValueError(
                f"{self.path} is not a readable sigint sweep store ({err}); "
                "pass overwrite=True to replace it"
            ) from err
        if stored is None:
            raise ValueError(
                f"{self.path} is not a sigint sweep store (no format attribute {FORMAT!r}); "
                "pass overwrite=True to replace it"
            )
        found = _differences(json.loads(stored), self.meta)
        if found:
            key, old, new = found
            raise ValueError(
                f"{self.path}: sweep config key {key!r} differs from the stored one "
                f"(stored: {_show(old)}, given: {_show(new)}); pass overwrite=True to start "
                "the sweep anew, or use another file"
            )

    def _remove_temp_files(self) -> None:
        """Temp files of a write that crashed (one writer at a time, so none is live)."""
        prefix = f".{self.path.name}."
        for tmp in self.path.parent.iterdir():
            if tmp.name.startswith(prefix) and tmp.is_file():
                tmp.unlink(missing_ok=True)
        if self.journal.is_dir():
            for tmp in self.journal.iterdir():
                if tmp.name.startswith("."):
                    tmp.unlink(missing_ok=True)

    # ------------------------------------------------------------------ keys
    def _main_keys(self) -> set[str]:
        with h5py.File(self.path, "r") as f:
            return {k for k in f if _KEY.fullmatch(k)}

    def _journal_keys(self) -> set[str]:
        try:
            entries = os.scandir(self.journal)
        except FileNotFoundError:
            return set()
        with entries:
            return {e.name[:-3] for e in entries if _ENTRY_NAME.fullmatch(e.name)}

    def done(self) -> set[str]:
        """The keys of the finished points.

        Returns
        -------
        set of str
            :func:`point_key` of every point stored (in the file or its journal).
        """
        return self._main_keys() | self._journal_keys()

    def __len__(self) -> int:
        return len(self.done())

    def __contains__(self, point) -> bool:
        key = point if isinstance(point, str) else point_key(point)
        return key in self.done()

    # ------------------------------------------------------------------ writing
    def add(self, point: dict, result: dict, seed: int | None = None) -> str:
        """Store one finished point, durably, before returning.

        Parameters
        ----------
        point : dict
            The point's parameters (JSON-able).
        result : dict
            Its result (see :func:`canonical_result` for the types kept).
        seed : int, optional
            The seed that computed it.

        Returns
        -------
        str
            The point's key. Adding a point again replaces its stored result.

        Raises
        ------
        TypeError
            ``point``, ``result`` or ``seed`` of an unsupported type (named in the message).
        OSError
            The write failed; the points stored before are untouched.

        Notes
        -----
        One small HDF5 file written atomically into the journal (O(size of the point)); every
        ``compact_every``-th add or so merges the journal (see :meth:`compact`).
        """
        point_json = _point_json(point)
        key = hashlib.sha256(point_json.encode("utf-8")).hexdigest()
        result = canonical_result(result)
        if seed is not None:
            if isinstance(seed, bool) or not isinstance(seed, int | np.integer):
                raise TypeError(f"seed = {seed!r}: expected an integer or None")
            seed = int(seed)
        added_ns = max(time.time_ns(), self._last_ns + 1)  # strictly increasing: add order
        self._last_ns = added_ns
        image = _h5_image(
            lambda f: _write_point(f.create_group(key), point_json, result, seed, added_ns)
        )
        if not self.journal.is_dir():
            self.journal.mkdir()
            _fsync_path(self.path.parent)
        _write_entry(self.journal / f"{key}.h5", image)
        self._n_journal += 1
        if self._n_journal >= max(self.compact_every, self._n_main):
            self.compact()
        return key

    def compact(self) -> int:
        """Merge the journal into the HDF5 file (copy-on-write) and empty it.

        Returns
        -------
        int
            The number of points merged.

        Raises
        ------
        OSError
            The merge failed; the file and the journal are as they were.

        Notes
        -----
        Copies the file to a temp file beside it, appends the journal's groups, fsyncs and
        renames it over the file: O(size of the store).
        """
        keys = sorted(self._journal_keys())
        if not keys:
            self._n_journal = 0
            return 0
        fd, name = tempfile.mkstemp(prefix=f".{self.path.name}.", dir=self.path.parent)
        make_readable(fd)
        os.close(fd)
        tmp = Path(name)
        try:
            shutil.copyfile(self.path, tmp)
            with h5py.File(tmp, "a") as dst:
                for key in keys:
                    with h5py.File(self.journal / f"{key}.h5", "r") as src:
                        if key in dst:
                            del dst[key]
                        src.copy(src[key], dst, name=key)
                n_main = sum(1 for k in dst if _KEY.fullmatch(k))
            _fsync_path(tmp, os.O_RDWR)
            _replace(tmp, self.path)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        _fsync_path(self.path.parent)
        self._n_main = n_main
        _remove_entries(self.journal, keys)
        self._n_journal = len(self._journal_keys())
        if self._n_journal == 0:
            try:  # an empty journal folder is clutter beside the file; a later add remakes it
                self.journal.rmdir()
            except OSError:
                pass  # not empty (a writer's temp file) or already gone
        return len(keys)

    # ------------------------------------------------------------------ reading
    def record(self, point: dict) -> SweepRecord | None:
        """The stored record of ``point`` (result, seed, version), or None if not finished.

        Parameters
        ----------
        point : dict
            The point's parameters, or its key.

        Returns
        -------
        SweepRecord or None
        """
        key = point if isinstance(point, str) else point_key(point)
        try:
            with h5py.File(self.journal / f"{key}.h5", "r") as f:
                return _read_point(f[key])
        except FileNotFoundError:
            pass  # not in the journal, or merged a moment ago: the main file has it
        with h5py.File(self.path, "r") as f:
            return _read_point(f[key]) if key in f else None

    def get(self, point: dict) -> dict | None:
        """The stored result of ``point``, or None if it is not finished.

        Parameters
        ----------
        point : dict
            The point's parameters, or its key.

        Returns
        -------
        dict or None
            The result as :func:`canonical_result` gives it.
        """
        found = self.record(point)
        return None if found is None else found.result

    def records(self, keys=None) -> list[SweepRecord]:
        """Every stored record (or those of ``keys``), in the order they were added.

        Parameters
        ----------
        keys : iterable of str, optional
            Only these keys (those not stored are skipped).

        Returns
        -------
        list of SweepRecord
        """
        wanted = None if keys is None else set(keys)
        journal = self._journal_keys()
        if wanted is not None:
            journal &= wanted
        found = {}
        for key in journal:
            try:
                with h5py.File(self.journal / f"{key}.h5", "r") as f:
                    found[key] = _read_point(f[key])
            except FileNotFoundError:
                pass  # merged a moment ago: read from the main file below
        with h5py.File(self.path, "r") as f:
            for key in f:
                if _KEY.fullmatch(key) and key not in found and (wanted is None or key in wanted):
                    found[key] = _read_point(f[key])
        return sorted(found.values(), key=lambda r: (r.added_ns, r.key))

    def results(self) -> list[tuple[dict, dict]]:
        """Every finished ``(point, result)``, in the order they were added.

        Returns
        -------
        list of (dict, dict)
        """
        return [(r.point, r.result) for r in self.records()]


# module-level so that tests can make them fail the way a crash would
def _write_entry(path: Path, image: bytes) -> None:
    """Write one journal entry atomically and make its name durable."""
    write_bytes_atomic(path, image)
    _fsync_path(path.parent)


def _replace(tmp: Path, path: Path) -> None:
    os.replace(tmp, path)


def _remove_entries(journal: Path, keys) -> None:
    for key in keys:
        (journal / f"{key}.h5").unlink(missing_ok=True)
