"""End to end (issue 6, "what must be shown"): `por demo` from a fresh directory, then both verifiers,
as subprocesses, on what it wrote; a second `por demo` adds an epoch whose ledger-log consistency
proof from the first the auditor checks."""

from __future__ import annotations

import json
from pathlib import Path

from tests.fixtures import Demo, copy_bundle, no_traceback, run_por
from tests.forge import Forged, resign


def test_demo_runs_twice_from_a_fresh_directory(demo_runs: Demo) -> None:
    assert not (demo_runs.cwd / "por-demo").exists()
    demo_runs.require(2)
    for cp in demo_runs.runs:
        no_traceback(cp)
    first, second = demo_runs.runs
    assert "created" in first.stdout and "reusing" in second.stdout
    for cp, eid in ((first, "epoch-0001"), (second, "epoch-0002")):
        assert f"epoch {eid}" in cp.stdout
        assert "FAIL" not in cp.stdout, cp.stdout
        # the risk figures of the margin book (issue 18), estimates labelled as such
        assert "probability of exhausting the" in cp.stdout and "early warnings" in cp.stdout, cp.stdout
        assert "margin proposals" in cp.stdout, cp.stdout
    root = demo_runs.root
    assert sorted(p.name for p in (root / "epochs").iterdir()) == ["epoch-0001", "epoch-0002"]
    for eid in ("epoch-0001", "epoch-0002"):
        assert (root / "epochs" / eid / "manifest.json").is_file()
        assert len(demo_runs.proofs(eid)) >= 12
    print(f"por demo --clients 12: {demo_runs.seconds[0]:.1f} s, then {demo_runs.seconds[1]:.1f} s")


def test_client_verifier_subprocess(demo: Demo, sample_proofs: dict[str, Path]) -> None:
    cp = run_por("verify", "inclusion", sample_proofs["debt"], "--bundle", demo.bundle("epoch-0001"),
                 "--operator-key", demo.operator_pub)
    no_traceback(cp)
    assert cp.returncode == 0, cp.stdout + cp.stderr
    assert "OK: all" in cp.stdout and "client.included" in cp.stdout


def test_auditor_verifier_subprocess(demo: Demo) -> None:
    bundle = demo.bundle("epoch-0001")
    cp = run_por("audit", "verify", bundle, "--operator-key", demo.operator_pub, "--trust-bundle-keyring")
    no_traceback(cp)
    assert cp.returncode == 0, cp.stdout + cp.stderr
    assert "OK: all" in cp.stdout
    cp = run_por("audit", "verify", bundle, "--operator-key", demo.operator_pub, "--trust-bundle-keyring", "--json")
    assert cp.returncode == 0, cp.stdout + cp.stderr
    doc = json.loads(cp.stdout)
    assert doc["ok"] is True
    bad = [c for c in doc["checks"] if not c["ok"]]
    assert not bad, bad
    ids = {c["id"] for c in doc["checks"]}
    # every step of the auditor ran (section 8: a list of checks with stable ids)
    for prefix in ("manifest", "keys", "signature.operator", "file.", "statement.", "tree.", "price.",
                   "attestation.", "reserves.", "solvency.", "ledger-log.consistency"):
        assert any(i == prefix or i.startswith(prefix) for i in ids), (prefix, sorted(ids))
    m = json.loads((bundle / "manifest.json").read_text())
    for name in m["signed"]["files"]:
        assert f"file.{name}" in ids, name


def test_auditor_checks_log_consistency_between_the_two_epochs(demo: Demo) -> None:
    # no --previous: the CLI finds the previous bundle next to this one (epochs/epoch-0001)
    cp = run_por("audit", "verify", demo.bundle("epoch-0002"), "--operator-key", demo.operator_pub, "--trust-bundle-keyring", "--json")
    no_traceback(cp)
    assert cp.returncode == 0, cp.stdout + cp.stderr
    doc = json.loads(cp.stdout)
    assert all(c["ok"] for c in doc["checks"]), [c for c in doc["checks"] if not c["ok"]]
    cons = [c for c in doc["checks"] if c["id"] == "ledger-log.consistency"]
    assert len(cons) == 1 and cons[0]["ok"], cons
    assert "epoch-0001" in cons[0]["message"] and "first epoch" not in cons[0]["message"]
    m1 = json.loads((demo.bundle("epoch-0001") / "manifest.json").read_text())["signed"]
    m2 = json.loads((demo.bundle("epoch-0002") / "manifest.json").read_text())["signed"]
    assert m1["ledger_log"]["previous"] is None
    assert m2["ledger_log"]["previous"]["epoch_id"] == "epoch-0001"
    assert m2["ledger_log"]["previous"]["root"] == m1["ledger_log"]["root"]
    assert m2["ledger_log"]["size"] > m1["ledger_log"]["size"]  # the second run added activity
    assert m2["previous"]["epoch_id"] == "epoch-0001"


def test_consistency_with_explicit_and_wrong_previous(demo: Demo, memo_verify_tree: dict[str, int]) -> None:
    from por.verify import verify_bundle

    op = str(demo.operator_pub)
    good = verify_bundle(demo.bundle("epoch-0002"), operator_key=op, previous=demo.bundle("epoch-0001"), trust_bundle_keyring=True)
    assert good.ok, [(c.id, c.message) for c in good.failures]
    # the wrong previous bundle (itself): the consistency step fails with a check
    bad = verify_bundle(demo.bundle("epoch-0002"), operator_key=op, previous=demo.bundle("epoch-0002"), trust_bundle_keyring=True)
    assert [c.id for c in bad.failures] == ["ledger-log.previous"]


def test_consistency_proof_that_does_not_fit_fails(demo: Demo, tmp_path: Path,
                                                   memo_verify_tree: dict[str, int]) -> None:
    """One hash of the consistency proof changed (in ledger-log.json and the manifest alike, re-signed
    by the operator): only ``ledger-log.consistency`` fails."""
    from por.verify import verify_bundle

    bundle = copy_bundle(demo.bundle("epoch-0002"), tmp_path)
    log = Forged.read(bundle).signed["ledger_log"]
    h = log["consistency_proof"]["proof"]["path"][0]
    log["consistency_proof"]["proof"]["path"][0] = ("0" if h[0] != "0" else "1") + h[1:]
    (bundle / "ledger-log.json").write_text(json.dumps(log, indent=2, sort_keys=True) + "\n")
    resign(bundle, demo.root / "keys" / "operator.key", lambda s: s.update(ledger_log=log))
    res = verify_bundle(bundle, operator_key=str(demo.operator_pub), previous=demo.bundle("epoch-0001"), trust_bundle_keyring=True)
    assert [c.id for c in res.failures] == ["ledger-log.consistency"], [(c.id, c.message) for c in res.failures]


def test_client_needs_only_the_manifest(demo: Demo, sample_proofs: dict[str, Path], tmp_path: Path) -> None:
    """The client's check with nothing but manifest.json (copied alone) and the operator's key; a
    proof checked against another epoch's manifest fails."""
    import shutil

    only = tmp_path / "manifest.json"
    shutil.copy(demo.bundle("epoch-0001") / "manifest.json", only)
    proof = next(iter(sample_proofs.values()))
    cp = run_por("verify", "inclusion", proof, "--bundle", only, "--operator-key", demo.operator_pub)
    no_traceback(cp)
    assert cp.returncode == 0, cp.stdout[-2000:]
    other = tmp_path / "other" / "manifest.json"
    other.parent.mkdir()
    shutil.copy(demo.bundle("epoch-0002") / "manifest.json", other)
    cp = run_por("verify", "inclusion", proof, "--bundle", other, "--operator-key", demo.operator_pub)
    no_traceback(cp)
    assert cp.returncode == 1
