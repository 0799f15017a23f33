"""The epoch's master secret through every caller (docs/protocol.md §7.2, §8.7): the pipeline's solvency
proofs are reproduced from it, and the pipeline, ``por audit verify --master-secret`` and ``por serve``
read the one file format, and the raw form of workspaces made before it."""

from __future__ import annotations

import json
from pathlib import Path

from por.tree.secret_file import read_master_secret
from tests.fixtures import Demo, clone_workspace, no_traceback, run_por

EPOCHS = ("epoch-0001", "epoch-0002")


def _to_raw(path: Path) -> bytes:
    """Rewrite a master secret file in the raw form older workspaces hold; returns the secret."""
    secret = read_master_secret(path)
    path.write_bytes(secret)
    assert len(path.read_bytes()) == 32
    return secret


def test_a_rerun_of_the_solvency_proofs_writes_the_published_bytes(demo: Demo, tmp_path: Path) -> None:
    from por.epoch.pipeline import Pipeline
    from por.epoch.workspace import Workspace

    root = clone_workspace(demo.root, tmp_path / "ws")
    ws = Workspace.load(root)
    proofs: dict[str, dict[str, str]] = {}
    for eid in EPOCHS:
        published = (ws.bundle_dir(eid) / "solvency.json").read_bytes()
        target = ws.private_dir(eid) / "solvency.json"
        target.unlink()
        p = Pipeline(ws, epoch_id=eid)
        try:
            p._prove_solvency(p.state.get("reserves"))  # the attest stage's step, again, from its inputs
        finally:
            p.close()
        assert target.read_bytes() == published, f"{eid}: the solvency proofs are not a function of the inputs"
        doc = json.loads(published)["proofs"]
        assert doc and all(d["epoch_id"] == eid for d in doc.values())
        proofs[eid] = {a: d["proof"] for a, d in doc.items()}
        assert len(set(proofs[eid].values())) == len(proofs[eid])  # one proof per asset, none shared
    common = set(proofs["epoch-0001"]) & set(proofs["epoch-0002"])
    assert common and all(proofs["epoch-0001"][a] != proofs["epoch-0002"][a] for a in common)

    # a workspace whose secret is in the old raw form: the pipeline reads it, the proofs are the same
    eid = EPOCHS[0]
    _to_raw(ws.private_dir(eid) / "master.secret")
    (ws.private_dir(eid) / "solvency.json").unlink()
    p = Pipeline(ws, epoch_id=eid)
    try:
        p._prove_solvency(p.state.get("reserves"))
    finally:
        p.close()
    assert (ws.private_dir(eid) / "solvency.json").read_bytes() == (ws.bundle_dir(eid) / "solvency.json").read_bytes()


def test_the_auditor_reads_the_master_secret_file(demo: Demo, tmp_path: Path) -> None:
    from por.epoch.workspace import Workspace

    ws = Workspace.load(demo.root)
    eid = EPOCHS[1]
    bundle = demo.bundle(eid)
    raw = tmp_path / "old-form.secret"
    raw.write_bytes(read_master_secret(ws.private_dir(eid) / "master.secret"))
    cp = run_por("audit", "verify", bundle, "--operator-key", demo.operator_pub, "--ledger", ws.db_url,
                 "--master-secret", raw, "--skip-ledger-replay", "--json", "--quiet")
    no_traceback(cp)
    assert cp.returncode == 0, cp.stdout[-3000:] + cp.stderr[-3000:]
    checks = {c["id"]: c["ok"] for c in json.loads(cp.stdout)["checks"]}
    completeness = {k: ok for k, ok in checks.items() if k.startswith("completeness")}
    assert len(completeness) > 1 and all(completeness.values()), completeness

    bad = tmp_path / "bad.secret"
    bad.write_text("0123\n")
    cp = run_por("audit", "verify", bundle, "--operator-key", demo.operator_pub, "--ledger", ws.db_url,
                 "--master-secret", bad, "--json")
    no_traceback(cp)
    assert cp.returncode == 2, cp.stdout[-2000:] + cp.stderr[-2000:]
    assert f"{bad}: the master secret must be at least 32 bytes" in cp.stderr and "hex text" in cp.stderr


def test_por_serve_reads_both_forms_and_serves_nothing_for_a_bad_file(demo: Demo, tmp_path: Path) -> None:
    from por.serve.proofs import ProofSource

    root = clone_workspace(demo.root, tmp_path / "ws")
    eid = EPOCHS[0]
    files = sorted((root / "client-proofs" / eid).glob("*.json"))
    assert files
    wanted = {json.loads(f.read_bytes())["account_id"]: f.read_bytes() for f in files[:3]}
    secret_file = root / "private" / eid / "master.secret"
    assert secret_file.read_bytes().endswith(b"\n")  # the hex form the pipeline wrote
    for form in ("hex", "raw"):
        if form == "raw":
            _to_raw(secret_file)
        src = ProofSource(root)
        for account, data in wanted.items():
            assert src.proof(eid, account) == data, (form, account)
    secret_file.write_text("not a secret\n")
    assert all(ProofSource(root).proof(eid, a) is None for a in wanted)  # "not found", never a crash
