"""``por audit cosign``: the auditor's co-signature verifies as a known auditor's; a co-signature by a
key that is not a known auditor's fails. Co-signing does not change the signed body, so client proofs
(which point at the body's hash) still verify."""

from __future__ import annotations

import json
from pathlib import Path

from tests.fixtures import Demo, copy_bundle, no_traceback, run_por
from tests.forge import Forged


def _checks(stdout: str) -> dict[str, dict[str, object]]:
    return {c["id"]: c for c in json.loads(stdout)["checks"]}


def test_auditor_cosignature_passes(demo: Demo, sample_proofs: dict[str, Path], tmp_path: Path) -> None:
    from por.epoch.bundle import read_signed_manifest
    from por.verify.client import verify_inclusion

    bundle = copy_bundle(demo.bundle("epoch-0001"), tmp_path)
    body_before = read_signed_manifest(bundle).sha256
    cp = run_por("audit", "cosign", bundle, "--trust-bundle-keyring", "--key", demo.root / "keys" / "auditor.key")
    no_traceback(cp)
    assert cp.returncode == 0, cp.stdout[-3000:] + cp.stderr[-3000:]
    m = read_signed_manifest(bundle)
    assert m.sha256 == body_before
    assert [s.role for s in m.signatures] == ["operator", "auditor"]

    cp = run_por("audit", "verify", bundle, "--operator-key", demo.operator_pub, "--trust-bundle-keyring", "--json")
    no_traceback(cp)
    assert cp.returncode == 0, cp.stdout[-3000:] + cp.stderr[-3000:]
    checks = _checks(cp.stdout)
    assert checks["signature.auditor.auditor"]["ok"] is True
    assert all(c["ok"] for c in checks.values())

    # the client's proof still points at this manifest
    res = verify_inclusion(sample_proofs["plain"], bundle=bundle, operator_key=str(demo.operator_pub))
    assert res.ok, [(c.id, c.message) for c in res.failures]

    # co-signing twice with the same key replaces, not duplicates, the signature
    from por.ledger import keys

    again = m.sign(keys.load(demo.root / "keys" / "auditor.key"), "auditor", "auditor")
    assert [s.role for s in again.signatures] == ["operator", "auditor"] and again.sha256 == body_before


def test_cosignature_by_unknown_key_fails(demo: Demo, tmp_path: Path, memo_verify_tree: dict[str, int]) -> None:
    from por.verify import verify_bundle

    # CLI: an oracle's key presented as the auditor's
    bundle = copy_bundle(demo.bundle("epoch-0001"), tmp_path / "cli")
    cp = run_por("audit", "cosign", bundle, "--trust-bundle-keyring", "--key", demo.root / "keys" / "oracle-1.key", "--member", "auditor")
    no_traceback(cp)
    if cp.returncode == 0:  # cosign accepted it: the verifier must reject it
        res = verify_bundle(bundle, operator_key=str(demo.operator_pub), trust_bundle_keyring=True)
        assert [c.id for c in res.failures] == ["signature.auditor.auditor"], res.failures
    else:  # refused up front: nothing written
        assert cp.returncode in (1, 2)
        assert (bundle / "manifest.json").read_bytes() == (demo.bundle("epoch-0001") / "manifest.json").read_bytes()

    # API: the oracle's key under its own name; the operator's key as an auditor; a member that does not exist
    for i, (key, member) in enumerate([("oracle-1", "oracle-1"), ("operator", "operator"), ("auditor", "nobody")]):
        bundle = copy_bundle(demo.bundle("epoch-0001"), tmp_path / f"api{i}")
        Forged.read(bundle).sign(demo.root / "keys" / f"{key}.key", "auditor", member).write(bundle)
        res = verify_bundle(bundle, operator_key=str(demo.operator_pub), trust_bundle_keyring=True)
        assert [c.id for c in res.failures] == [f"signature.auditor.{member}"], (key, member, res.failures)

    # a co-signature whose bytes do not verify (the auditor's key, signature altered)
    bundle = copy_bundle(demo.bundle("epoch-0001"), tmp_path / "forged")
    m = Forged.read(bundle).sign(demo.root / "keys" / "auditor.key", "auditor", "auditor")
    sig = m.signatures[-1]["signature"]
    m.signatures[-1]["signature"] = ("0" if sig[0] != "0" else "1") + sig[1:]
    m.write(bundle)
    res = verify_bundle(bundle, operator_key=str(demo.operator_pub), trust_bundle_keyring=True)
    assert [c.id for c in res.failures] == ["signature.auditor.auditor"]


def test_cosign_refuses_a_damaged_bundle(demo: Demo, tmp_path: Path) -> None:
    bundle = copy_bundle(demo.bundle("epoch-0001"), tmp_path)
    (bundle / "prices.json").write_text("{}")
    before = (bundle / "manifest.json").read_bytes()
    cp = run_por("audit", "cosign", bundle, "--trust-bundle-keyring", "--key", demo.root / "keys" / "auditor.key")
    no_traceback(cp)
    assert cp.returncode == 1, cp.stdout + cp.stderr
    assert "not co-signing" in cp.stderr
    assert (bundle / "manifest.json").read_bytes() == before
