"""Resumable parameter sweeps: an HDF5 store of finished points and a parallel runner.

>>> import tempfile
>>> from sigint.sweep import SweepStore, run_sweep
>>> folder = tempfile.TemporaryDirectory()
>>> store = SweepStore(f"{folder.name}/sweep.h5", {"study": "doc"})
>>> run_sweep(lambda p: {"y": 2 * p["x"]}, [{"x": 1}, {"x": 2}], store=store, workers=1)
[{'y': 2}, {'y': 4}]
>>> store.results()
[({'x': 1}, {'y': 2}), ({'x': 2}, {'y': 4})]
>>> folder.cleanup()
"""

from .run import SweepPointError, run_sweep
from .store import SweepRecord, SweepStore, canonical_result, point_key

__all__ = [
    "SweepPointError",
    "SweepRecord",
    "SweepStore",
    "canonical_result",
    "point_key",
    "run_sweep",
]
