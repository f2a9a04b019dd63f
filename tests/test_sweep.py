"""The sweep store keeps every finished point through crashes; the runner resumes and fans out."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import h5py
import numpy as np
import pytest
from sweep_helpers import calls, square, square_but_three

import sigint
from sigint.sweep import SweepPointError, SweepStore, point_key, run_sweep
from sigint.sweep import store as store_mod

META = {"study": "reach", "modulation": "PAM4", "rates": ["224G", "448G"]}
POINTS = [{"x": x} for x in range(8)]


def _same(a: list[dict], b: list[dict]) -> None:
    """Two lists of results are equal, arrays included, value types included."""
    assert len(a) == len(b)
    for ra, rb in zip(a, b, strict=True):
        assert list(ra) == list(rb)
        for name in ra:
            va, vb = ra[name], rb[name]
            if isinstance(va, np.ndarray):
                assert isinstance(vb, np.ndarray) and va.dtype == vb.dtype
                np.testing.assert_array_equal(va, vb)
            else:
                assert type(va) is type(vb) and va == vb, name


@pytest.fixture
def log(tmp_path, monkeypatch):
    """The calls file the helpers append to (inherited by forked workers)."""
    path = tmp_path / "calls.jsonl"
    monkeypatch.setenv("SWEEP_CALLS", str(path))
    monkeypatch.delenv("SWEEP_FAIL_AT", raising=False)
    return path


# ---------------------------------------------------------------------------- keys
def test_a_point_key_is_the_sha256_of_its_sorted_compact_json():
    point = {"rate": "224G", "modulation": "PAM4", "length_m": 1.5, "awg": 26}
    canonical = b'{"awg":26,"length_m":1.5,"modulation":"PAM4","rate":"224G"}'
    assert point_key(point) == hashlib.sha256(canonical).hexdigest()
    assert point_key(dict(reversed(point.items()))) == point_key(point)
    assert point_key({"awg": np.int64(26), "x": np.float64(0.1)}) == point_key(
        {"awg": 26, "x": 0.1}
    )
    assert point_key({"taps": (1, 2)}) == point_key({"taps": [1, 2]})


def test_points_that_differ_in_any_value_or_type_get_different_keys():
    variants = [
        {"awg": 26},
        {"awg": 26.0},
        {"awg": "26"},
        {"awg": True},
        {"awg": 28},
        {"awg": 26, "length_m": None},
        {"awg": [26]},
        {"awg": {"gauge": 26}},
        {"x": 0.1 + 0.2},
        {"x": 0.3},
        {},
    ]
    assert len({point_key(p) for p in variants}) == len(variants)


def test_a_point_that_is_not_json_able_is_refused_by_name():
    with pytest.raises(TypeError, match=r"point\.path = PosixPath"):
        point_key({"path": Path("/tmp")})
    with pytest.raises(TypeError, match=r"key 1 \(int\): expected a string"):
        point_key({1: "one"})
    with pytest.raises(TypeError, match="expected a dict"):
        point_key([("awg", 26)])


# ---------------------------------------------------------------------------- the store
def test_a_store_round_trips_numbers_arrays_strings_seed_and_version(tmp_path):
    path = tmp_path / "sweep.h5"
    store = SweepStore(path, META)
    result = {
        "snr_db": np.float64(21.25),
        "n_errors": np.int64(12),
        "passed": np.bool_(True),
        "gain": 1 + 2j,
        "engine": "statistical",
        "note": "é" * 20_000,  # over the 16 KiB attribute limit: a string dataset
        "ber": np.array([1e-3, 1e-6, 1e-9]),
        "counts": np.arange(4, dtype=np.int32),
        "taps": (0.1, -0.2),
        "best": {"ctle_db": 6.0, "dfe": [0.3]},
        "missing": None,
        "huge": 2**70,
    }
    key = store.add({"awg": 26, "length_m": 1.5}, result, seed=np.uint32(1234))
    store.add({"awg": 28}, {"snr_db": 18.0})  # no seed
    for s in (store, SweepStore(path, META)):  # the same store, and a new handle on the file
        got = s.get({"length_m": 1.5, "awg": 26})
        assert got["snr_db"] == 21.25 and type(got["snr_db"]) is float
        assert got["n_errors"] == 12 and type(got["n_errors"]) is int
        assert got["passed"] is True and got["gain"] == 1 + 2j
        assert got["engine"] == "statistical" and got["note"] == "é" * 20_000
        np.testing.assert_array_equal(got["ber"], result["ber"])
        assert got["counts"].dtype == np.int32
        assert got["taps"] == [0.1, -0.2] and got["best"] == {"ctle_db": 6.0, "dfe": [0.3]}
        assert got["missing"] is None and got["huge"] == 2**70
        assert list(got) == list(result)
        rec = s.record(key)
        assert rec.seed == 1234 and rec.sigint_version == sigint.__version__
        assert rec.point == {"awg": 26, "length_m": 1.5}
        assert s.record({"awg": 28}).seed is None and s.get({"awg": 30}) is None
        assert len(s) == 2 and {"awg": 28} in s and s.done() == {key, point_key({"awg": 28})}
    store.compact()
    assert not store.journal.exists()  # merged, and the emptied folder removed
    with h5py.File(path, "r") as f:
        assert json.loads(f.attrs["sweep_config"]) == META
        assert f.attrs["sigint_version"] == sigint.__version__
        assert f.attrs["created"].startswith(str(time.gmtime().tm_year))
        group = f[key]
        assert json.loads(group.attrs["point"]) == {"awg": 26, "length_m": 1.5}
        assert group.attrs["seed"] == 1234 and group.attrs["sigint_version"] == sigint.__version__
        assert group["result"].attrs["snr_db"] == 21.25 and group["result"].attrs["engine"]
        np.testing.assert_array_equal(group["result/ber"][()], result["ber"])
    assert SweepStore(path, META).get(key)["ber"][2] == 1e-9


def test_results_come_back_in_the_order_they_were_added_across_merges(tmp_path):
    store = SweepStore(tmp_path / "s.h5", META, compact_every=2)
    order = [7, 3, 5, 1, 0, 6, 2]
    for x in order:
        store.add({"x": x}, {"x2": x * x})
    assert store._n_main >= 4  # merged along the way
    assert store.results() == [({"x": x}, {"x2": x * x}) for x in order]
    assert SweepStore(tmp_path / "s.h5", META).results() == store.results()


def test_adding_a_point_again_replaces_its_result(tmp_path):
    store = SweepStore(tmp_path / "s.h5", META)
    store.add({"x": 1}, {"y": 1})
    store.compact()
    store.add({"x": 1}, {"y": 2})
    assert store.get({"x": 1}) == {"y": 2} and len(store) == 1
    store.compact()
    assert SweepStore(tmp_path / "s.h5", META).get({"x": 1}) == {"y": 2}


def test_a_result_of_an_unsupported_type_is_refused_by_name(tmp_path):
    store = SweepStore(tmp_path / "s.h5", META)
    with pytest.raises(TypeError, match=r"result\['curve'\].*numeric array"):
        store.add({"x": 1}, {"curve": np.array(["a", "b"])})
    with pytest.raises(TypeError, match="result key 'a/b'"):
        store.add({"x": 1}, {"a/b": 1.0})
    with pytest.raises(TypeError, match=r"seed = 1\.5"):
        store.add({"x": 1}, {"y": 1.0}, seed=1.5)
    assert len(store) == 0


def test_reopening_with_another_config_names_the_file_and_the_key(tmp_path):
    path = tmp_path / "reach.h5"
    SweepStore(path, META).add({"x": 1}, {"y": 1})
    other = dict(META, rates=["224G"])
    with pytest.raises(ValueError, match=r"reach\.h5: sweep config key 'rates' differs") as err:
        SweepStore(path, other)
    assert '["224G","448G"]' in str(err.value).replace(", ", ",") and "overwrite=True" in str(
        err.value
    )
    with pytest.raises(ValueError, match=r"key 'seed' differs .*stored: absent, given: 1"):
        SweepStore(path, dict(META, seed=1))
    SweepStore(tmp_path / "nested.h5", {"a": {"b": 1}})
    with pytest.raises(ValueError, match=r"key 'a\.b' differs"):
        SweepStore(tmp_path / "nested.h5", {"a": {"b": 2}})
    long = {"grid_hz": list(range(5000))}  # over 16 KiB of JSON: kept in a string dataset
    SweepStore(tmp_path / "long.h5", long)
    with pytest.raises(ValueError, match=r"key 'grid_hz' differs"):
        SweepStore(tmp_path / "long.h5", {"grid_hz": list(range(5001))})
    assert SweepStore(tmp_path / "long.h5", long).meta == long
    assert len(SweepStore(path, META)) == 1  # refused, untouched
    fresh = SweepStore(path, other, overwrite=True)
    assert len(fresh) == 0 and fresh.meta == other
    assert len(SweepStore(path, other)) == 0


def test_a_file_that_is_not_a_sweep_store_is_refused(tmp_path):
    (tmp_path / "notes.h5").write_text("not HDF5")
    with pytest.raises(ValueError, match=r"notes\.h5 is not a readable sigint sweep store"):
        SweepStore(tmp_path / "notes.h5", META)
    with h5py.File(tmp_path / "other.h5", "w") as f:
        f["data"] = [1, 2]
    with pytest.raises(ValueError, match=r"other\.h5 is not a sigint sweep store"):
        SweepStore(tmp_path / "other.h5", META)
    assert len(SweepStore(tmp_path / "other.h5", META, overwrite=True)) == 0


# ---------------------------------------------------------------------------- crash safety
def _fill(store, xs):
    for x in xs:
        store.add({"x": x}, square({"x": x}))


def test_a_crash_while_writing_a_point_leaves_the_earlier_points_readable(tmp_path, monkeypatch):
    path = tmp_path / "s.h5"
    store = SweepStore(path, META, compact_every=3)
    _fill(store, range(4))  # three merged into the file, one in the journal

    def torn_write(entry, image):  # the process dies half-way through the temp file
        (entry.parent / f".{entry.name}.torn").write_bytes(image[: len(image) // 2])
        raise OSError("killed mid-write")

    monkeypatch.setattr(store_mod, "_write_entry", torn_write)
    with pytest.raises(OSError, match="killed mid-write"):
        store.add({"x": 4}, square({"x": 4}))
    monkeypatch.undo()
    # and a failure inside the project's atomic writer itself (before its rename)
    monkeypatch.setattr(sigint.store.os, "fsync", lambda fd: (_ for _ in ()).throw(OSError("EIO")))
    with pytest.raises(OSError, match="EIO"):
        store.add({"x": 5}, square({"x": 5}))
    monkeypatch.undo()

    again = SweepStore(path, META, compact_every=3)
    assert again.done() == {point_key({"x": x}) for x in range(4)}
    _same([again.get({"x": x}) for x in range(4)], [square({"x": x}) for x in range(4)])
    assert not [p for p in again.journal.iterdir() if p.name.startswith(".")]  # tidied
    _fill(again, [4, 5])
    assert len(again) == 6


def test_a_crash_while_merging_leaves_every_point_readable(tmp_path, monkeypatch):
    path = tmp_path / "s.h5"
    store = SweepStore(path, META, compact_every=100)
    _fill(store, range(3))
    store.compact()
    _fill(store, range(3, 6))
    before = path.read_bytes()

    monkeypatch.setattr(store_mod, "_replace", lambda tmp, dst: (_ for _ in ()).throw(OSError("x")))
    with pytest.raises(OSError):
        store.compact()
    monkeypatch.undo()
    assert path.read_bytes() == before  # the file was never written in place
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
    assert len(SweepStore(path, META)) == 6

    # killed after the rename but before the journal was emptied: duplicates, nothing lost
    monkeypatch.setattr(
        store_mod, "_remove_entries", lambda *a: (_ for _ in ()).throw(OSError("y"))
    )
    with pytest.raises(OSError):
        store.compact()
    monkeypatch.undo()
    again = SweepStore(path, META)
    assert len(again) == 6 and len(again.results()) == 6
    assert again.compact() == 3 and len(again) == 6
    _same([again.get({"x": x}) for x in range(6)], [square({"x": x}) for x in range(6)])


_WRITER = r"""
import sys
import numpy as np
from sigint.sweep import SweepStore

store = SweepStore(sys.argv[1], {"study": "kill"}, compact_every=3)
for x in range(int(sys.argv[2]), 10_000):
    store.add({"x": x}, {"wave": np.full(300_000, float(x)), "x": x})
    print(x, flush=True)
"""


def test_killing_the_writing_process_never_loses_a_finished_point(tmp_path):
    path = tmp_path / "killed.h5"
    reported: list[int] = []
    for stop_after in (2, 5, 9):  # three kills, each landing in an add or a merge
        proc = subprocess.Popen(
            [sys.executable, "-c", _WRITER, str(path), str(len(reported))],
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(stop_after):
            reported.append(int(proc.stdout.readline()))
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        proc.stdout.close()
        store = SweepStore(path, {"study": "kill"})
        done = store.done()
        for x in reported:  # every add that returned is there, whole
            assert point_key({"x": x}) in done
        for point, result in store.results():
            assert result["x"] == point["x"] and result["wave"].shape == (300_000,)
            assert np.all(result["wave"] == point["x"])
    assert len(store) >= 9


# ---------------------------------------------------------------------------- the runner
def test_an_interrupted_sweep_resumes_with_only_the_missing_points(tmp_path, log, monkeypatch):
    store = SweepStore(tmp_path / "resume.h5", META)
    monkeypatch.setenv("SWEEP_FAIL_AT", "3")
    with pytest.raises(SweepPointError, match=r'sweep point \{"x": 3\} failed: ValueError') as e:
        run_sweep(square, POINTS, store=store, workers=1)
    assert isinstance(e.value.__cause__, ValueError) and "resume.h5" in str(e.value)
    assert store.done() == {point_key(p) for p in POINTS[:3]}
    assert [c["x"] for c in calls(log)] == [0, 1, 2, 3]

    monkeypatch.delenv("SWEEP_FAIL_AT")
    resumed = run_sweep(square, POINTS, store=SweepStore(tmp_path / "resume.h5", META), workers=1)
    assert [c["x"] for c in calls(log)] == [0, 1, 2, 3, 3, 4, 5, 6, 7]
    straight = run_sweep(square, POINTS, store=SweepStore(tmp_path / "straight.h5", META))
    _same(resumed, straight)
    _same(resumed, [square({"x": x}) for x in range(8)])
    assert len(SweepStore(tmp_path / "resume.h5", META)) == 8


def test_a_pool_of_two_workers_gives_the_in_process_results(tmp_path, log):
    here = run_sweep(square, POINTS, workers=1)
    store = SweepStore(tmp_path / "pool.h5", META)
    pooled = run_sweep(square, POINTS, store=store, workers=2)
    _same(pooled, here)
    _same([store.get(p) for p in POINTS], here)
    pids = [c["pid"] for c in calls(log)]
    assert pids[:9].count(os.getpid()) == 9  # the in-process run, then the warm-up point
    assert len(set(pids[9:]) - {os.getpid()}) >= 1  # the rest ran in worker processes


def test_a_failing_point_in_a_pool_is_named_after_the_finished_ones_are_stored(tmp_path, log):
    store = SweepStore(tmp_path / "fail.h5", META)
    with pytest.raises(SweepPointError, match=r'\{"x": 3\} failed: ValueError: x = 3') as e:
        run_sweep(square_but_three, POINTS, store=store, workers=2)
    assert isinstance(e.value.__cause__, ValueError) and e.value.point == {"x": 3}
    computed = {c["x"] for c in calls(log)} - {3}
    assert store.done() == {point_key({"x": x}) for x in computed}  # every finished one stored
    n_before = len(calls(log))
    _same(run_sweep(square, POINTS, store=store, workers=2), [square(p) for p in POINTS])
    assert len(calls(log)) - n_before == 8 - len(computed) + 8  # the rest, then the 8 checks


def test_progress_counts_stored_and_new_points_and_duplicates_run_once(tmp_path, log):
    store = SweepStore(tmp_path / "p.h5", META)
    run_sweep(square, POINTS[:3], store=store, workers=1)
    seen = []
    out = run_sweep(
        square, [*POINTS, POINTS[5]], store=store, workers=1, progress=lambda *a: seen.append(a)
    )
    assert seen == [(3, 8), (4, 8), (5, 8), (6, 8), (7, 8), (8, 8)]
    assert [c["x"] for c in calls(log)] == [0, 1, 2, 3, 4, 5, 6, 7]
    _same(out, [square(p) for p in [*POINTS, POINTS[5]]])


def test_a_warm_up_callable_runs_once_in_the_parent_before_the_pool(tmp_path, log):
    warmed = []
    out = run_sweep(square, POINTS[:4], workers=2, warm=lambda: warmed.append(os.getpid()))
    assert warmed == [os.getpid()]
    assert os.getpid() not in {c["pid"] for c in calls(log)}  # no point computed here
    _same(out, [square(p) for p in POINTS[:4]])


def test_bad_runner_arguments_are_named():
    with pytest.raises(ValueError, match="workers = 0"):
        run_sweep(square, POINTS, workers=0)
    with pytest.raises(ValueError, match="pass one or the other"):
        run_sweep(square, POINTS, workers=2, scheduler="tcp://127.0.0.1:1")
    with pytest.raises(TypeError, match=r"points\[1\]: point = 3"):
        run_sweep(square, [{"x": 1}, 3], workers=1)
    with pytest.raises(TypeError, match="define it at the top level"):
        run_sweep(lambda p: {"y": 1}, POINTS, workers=2, warm=False)


def test_without_dask_the_error_says_how_to_install_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)
    with pytest.raises(ImportError, match=r'pip install "sigint\[dask\]"'):
        run_sweep(square, POINTS, scheduler="tcp://127.0.0.1:8786")


@pytest.fixture(scope="module")
def dask_cluster(tmp_path_factory):
    """Two local worker processes (spawned: they import sweep_helpers by name); ~2 s to start."""
    distributed = pytest.importorskip("distributed")
    log_path = tmp_path_factory.mktemp("dask") / "calls.jsonl"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SWEEP_CALLS", str(log_path))  # the workers inherit it
        with distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster:
            yield cluster, log_path


def test_a_local_dask_cluster_gives_the_same_results_and_stores_them(tmp_path, dask_cluster):
    distributed = pytest.importorskip("distributed")
    cluster, log_path = dask_cluster
    store = SweepStore(tmp_path / "dask.h5", META)
    run_sweep(square, POINTS[:2], store=store, workers=1)  # two points already done here
    with distributed.Client(cluster) as client:
        out = run_sweep(square, POINTS, store=store, scheduler=client, warm=False)
    _same(out, [square(p) for p in POINTS])
    in_workers = [c["x"] for c in calls(log_path) if c["pid"] != os.getpid()]
    assert sorted(in_workers) == [2, 3, 4, 5, 6, 7]  # only the points not stored, all remote
    again = SweepStore(tmp_path / "dask.h5", META)
    assert len(again) == 8 and not again.journal.exists()
    # by address (the runner opens and closes its own client); a failing point is named last
    failing = SweepStore(tmp_path / "dask-fail.h5", META)
    with pytest.raises(SweepPointError, match=r'\{"x": 3\} failed: ValueError') as e:
        run_sweep(square_but_three, POINTS, store=failing, scheduler=cluster.scheduler_address)
    assert isinstance(e.value.__cause__, ValueError)
    assert failing.done() == {point_key(p) for p in POINTS if p["x"] != 3}
