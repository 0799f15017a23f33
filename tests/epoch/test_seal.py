"""Refusing to seal (issue 6): when the staged bundle fails verification, ``seal`` raises EpochError
naming the failing checks, nothing is published, and no signed manifest is left where the public
bundles are served (``epochs/``)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from tests.fixtures import clone_workspace

from .conftest import ThirdEpoch


def _tamper_tree(private: Path) -> None:
    """Change one commitment byte of a level-1 node in the PRIVATE tree store (after prove)."""
    db = sqlite3.connect(private / "tree" / "tree.sqlite")
    try:
        level, start, data = db.execute(
            "SELECT level, start, data FROM nodes WHERE level = 1 ORDER BY start LIMIT 1").fetchone()
        b = bytearray(data)
        b[40] ^= 0x01  # inside the first column's commitment of the first node
        db.execute("UPDATE nodes SET data = ? WHERE level = ? AND start = ?", (bytes(b), level, start))
        db.commit()
    finally:
        db.close()


def _short_attestations(private: Path) -> None:
    """Drop one collected attestation from the public attestations file: reserves evaluate short."""
    p = private / "attestations.json"
    doc = json.loads(p.read_text())
    assert len(doc["attestations"]) >= 2
    doc["attestations"] = doc["attestations"][1:]
    p.write_text(json.dumps(doc, indent=2, sort_keys=True) + "\n")


CASES = {
    "tree-store": ("prove", _tamper_tree, ("tree.",)),
    "attestation-short": ("attest", _short_attestations, ("reserves.", "attestation")),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_seal_refuses_a_bundle_that_fails_verification(third_epoch: ThirdEpoch, tmp_path: Path,
                                                       case: str) -> None:
    from por.epoch.demo import demo_pipeline
    from por.epoch.workspace import Workspace
    from por.errors import EpochError
    from por.verify import verify_bundle

    until, tamper, expected = CASES[case]
    root = clone_workspace(third_epoch.root, tmp_path / "ws")
    eid = third_epoch.epoch_id
    ws = Workspace.load(root)
    if until != "prove":
        demo_pipeline(ws, seal_check=verify_bundle).run(until=until)
    private = ws.private_dir(eid)
    tamper(private)

    with pytest.raises(EpochError) as info:
        demo_pipeline(Workspace.load(root), seal_check=verify_bundle).run()
    msg = str(info.value)
    assert "refusing to seal" in msg
    verification = json.loads((private / "seal-verification.json").read_text())
    failed = [c["id"] for c in verification["checks"] if not c["ok"]]
    assert failed and all(any(f.startswith(p) for p in expected) for f in failed), failed
    assert failed[0] in msg, (failed, msg)  # the message names the failing checks

    state = json.loads((private / "state.json").read_text())
    assert "seal" not in state["stages"] and "publish" not in state["stages"]
    ws = Workspace.load(root)
    assert ws.published() == ["epoch-0001", "epoch-0002"], ws.published()
    assert ws.unfinished() == eid
    assert not ws.bundle_dir(eid).exists()
    assert not ws.client_proofs_dir(eid).exists()
    # nothing signed for the refused epoch may sit in the public directory
    leaked = [str(p.relative_to(ws.epochs_dir)) for p in ws.epochs_dir.rglob("manifest.json")
              if p.parent.name not in ("epoch-0001", "epoch-0002")]
    assert not leaked, f"a signed manifest of the refused epoch is left in epochs/: {leaked}"
    # the ledger has no publication record for it
    assert eid not in _publish_records(root / "ledger.db")


def _publish_records(db_path: Path) -> list[str]:
    """Epoch ids of the ``epoch.publish`` entries of the demo's SQLite ledger journal."""
    db = sqlite3.connect(db_path)
    try:
        rows = db.execute("SELECT body FROM ledger_journal WHERE type = 'epoch.publish'").fetchall()
    finally:
        db.close()
    return [json.loads(body)["payload"]["epoch_id"] for (body,) in rows]
