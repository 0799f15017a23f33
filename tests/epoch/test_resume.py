"""Resumability (issue 6): a run interrupted in a stage (Ctrl-C or a crash after writing part of its
outputs) is resumed by the next ``Pipeline(ws).run()``: finished stages are not redone, the
half-written stage is redone, and the published result verifies."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.fixtures import clone_workspace, sha256

from .conftest import Interrupted, ThirdEpoch, file_marks, spy_stages


def test_interrupted_build_is_redone_and_earlier_stages_are_not(third_epoch: ThirdEpoch) -> None:
    t = third_epoch
    assert t.epoch_id == "epoch-0003"
    assert isinstance(t.interrupted, KeyboardInterrupt)
    # after Ctrl-C in build: open and snapshot recorded, build not
    assert done(t.state_after_interrupt) == ["open", "snapshot"]
    assert "tree.sqlite.partial" in t.junk_left
    # the resume ran exactly build and prove, skipping what was done
    assert t.skipped_on_resume == ["open", "snapshot"]
    assert t.ran_on_resume == ["build", "prove"]
    for stage in ("open", "snapshot"):
        assert t.state_after_resume["stages"][stage] == t.state_after_interrupt["stages"][stage]
    assert t.state_after_resume["values"]["nonce"] == t.state_after_interrupt["values"]["nonce"]
    assert t.files_after == t.files_before, "open/snapshot outputs were rewritten on resume"
    assert "tree.sqlite.partial" not in t.junk_after
    assert done(t.state_after_resume) == ["open", "snapshot", "build", "prove"]


def done(state: dict[str, Any]) -> list[str]:
    from por.epoch.state import STAGES

    assert set(state["stages"]) <= set(STAGES)
    return [s for s in STAGES if s in state["stages"]]


def _stage_marks(state: dict[str, Any]) -> dict[str, Any]:
    return dict(state["stages"])


def test_crash_in_attest_then_ctrl_c_in_publish_then_resume(
        third_epoch: ThirdEpoch, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from por.epoch.demo import demo_pipeline
    from por.epoch.pipeline import Pipeline
    from por.epoch.workspace import Workspace
    from por.verify import verify_bundle
    from por.verify.client import verify_inclusion

    root = clone_workspace(third_epoch.root, tmp_path / "ws")
    ws = Workspace.load(root)
    eid = third_epoch.epoch_id
    private = ws.private_dir(eid)
    tree_marks = file_marks(private / "tree", ["tree.sqlite", "root-opening.json", "accounts.sqlite"])
    assert set(tree_marks) == {"tree.sqlite", "root-opening.json", "accounts.sqlite"}
    state0 = json.loads((private / "state.json").read_text())

    # 1. attest crashes after writing attestations.json (before the solvency proofs)
    def boom(self: Any, reserves: Any) -> None:
        assert (self.private / "attestations.json").is_file()
        raise RuntimeError("simulated crash in attest")

    with monkeypatch.context() as mp:
        mp.setattr(Pipeline, "_prove_solvency", boom)
        with pytest.raises(RuntimeError, match="simulated crash"):
            demo_pipeline(Workspace.load(root), seal_check=verify_bundle).run()
    state1 = json.loads((private / "state.json").read_text())
    assert done(state1) == ["open", "snapshot", "build", "prove"]
    assert _stage_marks(state1) == _stage_marks(state0)
    assert ws.published() == ["epoch-0001", "epoch-0002"]

    # 2. resumed: attest and seal run; Ctrl-C while publish writes the client proofs
    import por.tree as T

    real_write = T.write_client_proofs

    def half_write(out_dir: Any, dest_dir: Any, **kw: Any) -> int:
        dest = Path(dest_dir)
        dest.mkdir(parents=True, exist_ok=True)
        (dest / "half.json").write_text("{")
        raise Interrupted()

    with monkeypatch.context() as mp:
        ran, skipped = spy_stages(mp)
        mp.setattr(T, "write_client_proofs", half_write)
        with pytest.raises(KeyboardInterrupt):
            demo_pipeline(Workspace.load(root), seal_check=verify_bundle).run()
        assert skipped == ["open", "snapshot", "build", "prove"]
        assert ran == ["attest", "seal"]  # publish was entered but raised (not recorded as run)
    state2 = json.loads((private / "state.json").read_text())
    assert done(state2) == ["open", "snapshot", "build", "prove", "attest", "seal"]
    assert {s: state2["stages"][s] for s in state0["stages"]} == _stage_marks(state0)
    assert file_marks(private / "tree", list(tree_marks)) == tree_marks, "the tree was rebuilt or reproven"
    manifest_sha = sha256(ws.bundle_dir(eid) / "manifest.json") if ws.bundle_dir(eid).exists() else None

    # 3. resumed again: only publish runs, and completes
    with monkeypatch.context() as mp:
        ran, skipped = spy_stages(mp)
        assert real_write is T.write_client_proofs
        pipe = demo_pipeline(Workspace.load(root), seal_check=verify_bundle)
        assert pipe.epoch_id == eid
        pipe.run()
        assert ran == ["publish"]
        assert skipped == ["open", "snapshot", "build", "prove", "attest", "seal"]
    state3 = json.loads((private / "state.json").read_text())
    assert done(state3) == ["open", "snapshot", "build", "prove", "attest", "seal", "publish"]
    assert {s: state3["stages"][s] for s in state2["stages"]} == _stage_marks(state2)
    assert file_marks(private / "tree", list(tree_marks)) == tree_marks
    if manifest_sha is not None:
        assert sha256(ws.bundle_dir(eid) / "manifest.json") == manifest_sha, "the seal was redone"
    ws = Workspace.load(root)
    assert ws.published() == ["epoch-0001", "epoch-0002", eid]
    assert ws.unfinished() is None
    proofs = sorted(ws.client_proofs_dir(eid).glob("*.json"))
    assert proofs and not (ws.client_proofs_dir(eid) / "half.json").exists()
    assert not ws.client_proofs_dir(eid).with_name(eid + ".partial").exists()
    assert not list(ws.epochs_dir.glob(".*")), "a staging directory was left in epochs/"

    # the result verifies: the whole bundle (with the log consistency from epoch 2) and a client proof
    res = verify_bundle(ws.bundle_dir(eid), operator_key=str(root / "keys" / "operator.pub"),
                        previous=ws.bundle_dir("epoch-0002"), trust_bundle_keyring=True)
    assert res.ok, [(c.id, c.message) for c in res.failures]
    cons = [c for c in res.checks if c.id == "ledger-log.consistency"]
    assert cons and cons[0].ok and "epoch-0002" in cons[0].message
    one = verify_inclusion(proofs[0], bundle=ws.bundle_dir(eid), operator_key=str(root / "keys" / "operator.pub"))
    assert one.ok, [(c.id, c.message) for c in one.failures]


def test_run_stage_out_of_order_is_a_usage_error(third_epoch: ThirdEpoch, tmp_path: Path) -> None:
    from por.epoch.demo import demo_pipeline
    from por.epoch.workspace import Workspace
    from por.errors import UsageError
    from por.verify import verify_bundle

    root = clone_workspace(third_epoch.root, tmp_path / "ws")
    pipe = demo_pipeline(Workspace.load(root), seal_check=verify_bundle)
    try:
        with pytest.raises(UsageError, match="needs 'attest' first"):
            pipe.run_stage("seal")
        assert pipe.run_stage("build") is False  # done already: not redone
        with pytest.raises(UsageError):
            pipe.run(until="nonsense")
    finally:
        pipe.close()
