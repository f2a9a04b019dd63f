"""Writing results so a crash never leaves a half-written file: temp file, fsync, rename."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path


def json_ready(value):
    """``value`` with numpy scalars turned into Python ones (dicts, lists, tuples recursed)."""
    if isinstance(value, dict):
        return {k: json_ready(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_ready(v) for v in value]
    if hasattr(value, "item") and getattr(value, "ndim", 1) == 0:
        return value.item()
    return value


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


#: Permissions of a new file as ``open()`` would give it (mkstemp's temp files are 0600).
FILE_MODE = 0o666 & ~_umask()


def make_readable(fd: int) -> None:
    """Give a ``tempfile.mkstemp`` file the permissions an ordinary new file would have, so
    that a report or baseline renamed into place is not private to its writer."""
    os.fchmod(fd, FILE_MODE)


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically (same-directory temp file, then ``os.replace``)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        make_readable(fd)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_text_atomic(path: Path, text: str) -> None:
    """Write UTF-8 ``text`` to ``path`` atomically."""
    write_bytes_atomic(path, text.encode("utf-8"))


def write_json_atomic(path: Path, obj) -> None:
    """Write ``obj`` as indented JSON to ``path`` atomically."""
    write_text_atomic(path, json.dumps(obj, indent=2, sort_keys=False) + "\n")
