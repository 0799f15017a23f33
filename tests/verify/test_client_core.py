"""The client's verifier: an I/O-free core (``verify_client``) on the manifest and proof, bytes or
parsed, and the file-level ``verify_inclusion`` around it give the same checks (docs/protocol.md §7.10)."""

from __future__ import annotations

import shutil
from pathlib import Path

from por.bundle import parse_client_proof, parse_manifest
from por.canonical import parse_json
from por.reserves.keyring import Keyring
from por.verify.client import verify_client, verify_inclusion
from tests.fixtures import Demo


def _files(root: Path, tmp_path: Path) -> tuple[Path, Path]:
    bundle = tmp_path / "epoch-0002"
    shutil.copytree(root / "epochs" / "epoch-0002", bundle)
    proof = sorted((root / "client-proofs" / "epoch-0002").glob("*.json"))[0]
    mine = tmp_path / proof.name
    shutil.copy(proof, mine)
    return bundle, mine


def test_the_core_is_the_file_verifier(demo: Demo, tmp_path: Path) -> None:
    bundle, proof = _files(demo.root, tmp_path)
    pub = (demo.root / "keys" / "operator.pub").read_text().strip()
    want = verify_inclusion(proof, bundle=bundle, operator_key=pub)
    assert want.ok, [str(c) for c in want.failures]
    unpinned = verify_inclusion(proof, bundle=bundle)
    proof_bytes, manifest_bytes = proof.read_bytes(), (bundle / "manifest.json").read_bytes()
    keyring = Keyring.from_dict(parse_json((bundle / "keyring.json").read_bytes()))
    shutil.rmtree(bundle)
    proof.unlink()  # the core opens nothing
    for p, m in ((proof_bytes, manifest_bytes), (parse_client_proof(proof_bytes), parse_manifest(manifest_bytes))):
        got = verify_client(p, m, name=proof.name, operator_key=pub)
        assert got.subject == want.subject
        assert [c.to_dict() for c in got.checks] == [c.to_dict() for c in want.checks]
        got = verify_client(p, m, name=proof.name, keyring=keyring)
        assert [c.to_dict() for c in got.checks] == [c.to_dict() for c in unpinned.checks]


def test_the_core_fails_closed_on_bad_input(demo: Demo, tmp_path: Path) -> None:
    bundle, proof = _files(demo.root, tmp_path)
    manifest = (bundle / "manifest.json").read_bytes()
    res = verify_client(b"{not json", manifest, name="p.json")
    assert [(c.id, c.ok) for c in res.checks] == [("client.file", False)]
    res = verify_client(proof.read_bytes(), b"[]", name="p.json", operator_key="00" * 32)
    assert [(c.id, c.ok) for c in res.checks] == [("client.file", True), ("manifest", False)]
    res = verify_client(proof.read_bytes(), manifest, name="p.json")  # no key and no keyring
    assert {c.id: c.message for c in res.failures}["manifest.signature"] == (
        "cannot check the manifest signature: keyring.json is missing from the bundle")
