"""DaskExecutor on a real multi-process LocalCluster: same bytes as the serial build, the auditor's
verification through the cluster, a worker killed mid-run, retries and clear errors."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from por.errors import TreeError, UsageError
from por.parallel import Executor, SerialExecutor
from por.tree import build_tree, verify_tree
from tests.scale import _tasks

pytest.importorskip("distributed")

from por.parallel_dask import DaskExecutor, ExecutorError  # noqa: E402

MASTER = bytes(range(32))
EPOCH = "scale-epoch"
SEED = b"scale-test-seed"
COLUMNS = [("USD", "equity"), ("USD", "debt")]
PRICES = {"USD": 10**8}
HAIRCUTS = {"USD": 10_000}
# 30 clients -> height 5 (2 padding leaves); two clients carry covered debt (collateral proofs)
ROWS = [(f"client-{i:03d}", (1000 + 17 * i, 400 if i in (3, 11) else 0)) for i in range(30)]
UNIT_BITS = 3  # 4 subtree units of 8 leaves (level-0 blocks proven inside), then the top blocks


def build(out: Path, executor: Executor, progress: Any = None) -> Any:
    return build_tree(COLUMNS, iter(ROWS), epoch_id=EPOCH, master_secret=MASTER, out_dir=out,
                      prices=PRICES, haircuts_bps=HAIRCUTS, executor=executor, seed=SEED,
                      unit_bits=UNIT_BITS, progress=progress)


def dump(out: Path) -> dict[str, Any]:
    """Every row of the public store and the private files, in key order."""
    d: dict[str, Any] = {}
    for name, tables in (("tree.sqlite", ("meta", "nodes", "range_proofs", "collateral")),
                         ("accounts.sqlite", ("meta", "chunks"))):
        db = sqlite3.connect(out / name)
        try:
            for t in tables:
                d[f"{name}/{t}"] = db.execute(f"SELECT * FROM {t} ORDER BY 1, 2").fetchall()
        finally:
            db.close()
    d["root-opening.json"] = json.loads((out / "root-opening.json").read_text())
    return d


@pytest.fixture(scope="module")
def serial_tree(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, dict[str, Any]]:
    out = tmp_path_factory.mktemp("serial")
    info = build(out, SerialExecutor())
    return info, dump(out), out


def test_executor_protocol_and_order(dask_client: Any) -> None:
    ex = DaskExecutor(client=dask_client, window=3)
    assert isinstance(ex, Executor)
    assert ex.workers == 2
    units = list(range(40))
    assert list(ex.map(_tasks.square, iter(units))) == [x * x for x in units]
    assert list(ex.map(_tasks.square, [])) == []
    ex.close()  # a client it did not make stays open
    assert dask_client.status == "running"


def test_committed_tree_same_bytes_as_serial(dask_client: Any, serial_tree: Any, tmp_path: Path) -> None:
    info_s, dump_s, _ = serial_tree
    info_d = build(tmp_path, DaskExecutor(client=dask_client))
    assert info_d == info_s
    got = dump(tmp_path)
    assert got["tree.sqlite/range_proofs"] and got["tree.sqlite/collateral"]  # proofs were made remotely
    assert got == dump_s


def test_verify_tree_through_dask(dask_client: Any, serial_tree: Any, tmp_path: Path) -> None:
    info, _, out = serial_tree
    shutil.copy(out / "tree.sqlite", tmp_path / "tree.sqlite")
    res = verify_tree(tmp_path, expected=info, executor=DaskExecutor(client=dask_client), unit_bits=UNIT_BITS,
                      blocks_per_task=2)
    assert res.ok, res.failures
    # a damaged node is found through the cluster too
    db = sqlite3.connect(tmp_path / "tree.sqlite")
    (data,) = db.execute("SELECT data FROM nodes WHERE level = 1 AND start = 0").fetchone()
    db.execute("UPDATE nodes SET data = ? WHERE level = 1 AND start = 0", (bytes([data[0] ^ 1]) + data[1:],))
    db.commit()
    db.close()
    bad = verify_tree(tmp_path, executor=DaskExecutor(client=dask_client), unit_bits=UNIT_BITS)
    assert not bad.ok


def test_worker_killed_mid_run_still_same_bytes(dask_client: Any, serial_tree: Any, tmp_path: Path) -> None:
    """SIGKILL a worker process while it runs a unit (at the first progress report with one in flight):
    the scheduler re-runs its units on the other worker (the nanny restarts the dead one); the
    output is byte for byte the serial build."""
    _, dump_s, _ = serial_tree
    pids = dask_client.run(os.getpid)
    killed: list[str] = []

    def progress(stage: str, done: int, total: int) -> None:
        if killed or stage in ("read", "shuffle"):
            return
        busy = [w for w, keys in dask_client.processing().items() if keys]
        if busy:  # a unit is running there right now
            killed.append(f"{stage} {done}/{total} on {busy[0]}")
            os.kill(pids[busy[0]], signal.SIGKILL)

    build(tmp_path, DaskExecutor(client=dask_client), progress=progress)
    assert killed, "no unit was ever in flight at a progress report"
    assert dump(tmp_path) == dump_s
    dask_client.wait_for_workers(2, timeout=60)  # the nanny brought a fresh worker back


def test_transient_task_failure_is_retried(dask_client: Any, tmp_path: Path) -> None:
    markers = [str(tmp_path / f"m{i}") for i in range(4)]
    assert list(DaskExecutor(client=dask_client, retries=1).map(_tasks.flaky, markers)) == ["m0", "m1", "m2", "m3"]
    fresh = [str(tmp_path / "n0")]
    with pytest.raises(OSError, match="transient failure"):
        list(DaskExecutor(client=dask_client, retries=0).map(_tasks.flaky, fresh))


def test_task_error_reaches_the_caller_unchanged(dask_client: Any) -> None:
    with pytest.raises(TreeError, match="unit-2"):
        list(DaskExecutor(client=dask_client, retries=0).map(_tasks.refuse, [2, 3]))


def test_units_given_up_by_the_scheduler_are_a_clear_error(dask_client: Any) -> None:
    from distributed.scheduler import KilledWorker

    class Gone:
        def result(self) -> None:
            raise KilledWorker("task-x", SimpleNamespace(address="tcp://127.0.0.1:1"), 3)

    class FakeClient:
        def nthreads(self) -> dict[str, int]:
            return {"w": 1}

        def submit(self, fn: Any, unit: Any, **kw: Any) -> Gone:
            return Gone()

        def cancel(self, futures: Any) -> None:
            pass

    with pytest.raises(ExecutorError, match="unit 0 of square: the workers running it died too often"):
        list(DaskExecutor(client=FakeClient()).map(_tasks.square, [1, 2]))


def test_unreachable_scheduler_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="cannot reach the Dask scheduler"):
        DaskExecutor("127.0.0.1:9", timeout=1)
    with pytest.raises(UsageError):
        DaskExecutor()


def test_executor_spec_builds_a_dask_executor(dask_client: Any) -> None:
    from por.parallel import executor_from_spec

    addr = dask_client.scheduler.address.removeprefix("tcp://")
    ex = executor_from_spec(f"dask://{addr}")
    try:
        assert isinstance(ex, DaskExecutor) and ex.workers == 2
        assert list(ex.map(_tasks.square, range(5))) == [0, 1, 4, 9, 16]
    finally:
        ex.close()
