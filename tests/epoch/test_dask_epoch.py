"""``por epoch ... --executor dask://HOST:PORT`` from the command line, on a real 2-process
LocalCluster: the prove stage writes the same tree store, byte for byte, as the local executor on
a copy of the same workspace (the proofs' randomness is keyed by the epoch's master secret), the
epoch then finishes on the cluster, and the auditor verifies it through the cluster too."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.fixtures import Demo, clone_workspace, no_traceback, run_por, sha256

EPOCH = "epoch-0003"


def _por(*args: Any) -> None:
    cp = run_por(*args)
    no_traceback(cp)
    assert cp.returncode == 0, f"por {' '.join(map(str, args))}:\n{cp.stdout[-3000:]}\n{cp.stderr[-3000:]}"


def test_prove_on_dask_writes_the_local_bytes_and_the_epoch_audits(demo: Demo, tmp_path: Path,
                                                                  dask_client: Any) -> None:
    from por.epoch.workspace import Workspace

    spec = "dask://" + dask_client.scheduler.address.removeprefix("tcp://")
    local = clone_workspace(demo.root, tmp_path / "local")
    for stage in ("open", "snapshot", "build"):
        _por("epoch", stage, "--dir", local, "--quiet")
    cluster = clone_workspace(local, tmp_path / "cluster")
    _por("epoch", "prove", "--dir", local, "--quiet")
    _por("epoch", "prove", "--dir", cluster, "--quiet", "--executor", spec)
    store = Path("private") / EPOCH / "tree" / "tree.sqlite"
    assert (local / store).is_file()
    assert sha256(local / store) == sha256(cluster / store)

    _por("epoch", "run", "--dir", cluster, "--quiet", "--executor", spec)
    ws = Workspace.load(cluster)
    assert ws.published()[-1] == EPOCH
    _por("audit", "verify", ws.bundle_dir(EPOCH), "--operator-key", cluster / "keys" / "operator.pub",
         "--ledger", ws.db_url, "--master-secret", ws.private_dir(EPOCH) / "master.secret",
         "--executor", spec)
