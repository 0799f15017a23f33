"""Client proofs (which carry the client's leaf secret) live apart from the public bundle, and no
file of the bundle contains any client's leaf secret or the epoch's master secret."""

from __future__ import annotations

import base64
import json
import stat

from por.tree.secret_file import read_master_secret
from tests.fixtures import Demo


def test_client_proofs_are_separate_from_the_bundle(demo: Demo) -> None:
    for eid in ("epoch-0001", "epoch-0002"):
        bundle = demo.bundle(eid).resolve()
        proofs_dir = (demo.root / "client-proofs" / eid).resolve()
        assert proofs_dir.is_dir()
        assert bundle not in proofs_dir.parents and proofs_dir not in bundle.parents
        assert (demo.root / "epochs").resolve() not in proofs_dir.parents
        # private: only the operator can read the directory of proofs
        assert stat.S_IMODE(proofs_dir.stat().st_mode) & 0o077 == 0, oct(proofs_dir.stat().st_mode)
        names = {p.name for p in bundle.rglob("*")}
        assert not any(n in names for n in (p.name for p in demo.proofs(eid)))
        assert not any("proof" in n and n.endswith(".json") and n != "solvency.json" for n in names), names


def _needles(secret: bytes) -> list[bytes]:
    h = secret.hex()
    return [secret, h.encode(), h.upper().encode(), base64.b64encode(secret), base64.b64encode(secret).rstrip(b"="),
            base64.urlsafe_b64encode(secret).rstrip(b"=")]


def test_bundle_contains_no_client_secret(demo: Demo) -> None:
    for eid in ("epoch-0001", "epoch-0002"):
        files = {p: p.read_bytes() for p in demo.bundle(eid).rglob("*") if p.is_file()}
        assert files
        secrets: dict[str, bytes] = {}
        for proof in demo.proofs(eid):
            doc = json.loads(proof.read_text())
            secrets[doc["account_id"]] = bytes.fromhex(doc["leaf_secret"])
        master = read_master_secret(demo.root / "private" / eid / "master.secret")
        secrets["<master secret>"] = master
        assert len(secrets) >= 13
        for who, secret in secrets.items():
            assert len(secret) >= 32
            for needle in _needles(secret):
                for path, data in files.items():
                    assert needle not in data, f"{path.name} of {eid} contains the secret of {who}"
        # nor the operator-only files
        private = demo.root / "private" / eid
        opening = (private / "tree" / "root-opening.json")
        if opening.is_file():
            blinds = json.loads(opening.read_text()).get("blindings") or []
            for b in blinds:
                for data in files.values():
                    assert b.encode() not in data, "a root blinding factor is in the public bundle"
        for name in ("root-opening.json", "accounts.sqlite", "master.secret", "snapshot.jsonl",
                     "auditor-openings.json"):
            assert not any(p.name == name for p in files), name


def test_bundle_does_not_name_client_accounts(demo: Demo) -> None:
    """Account ids are private too (the tree publishes keyed leaf ids, never the accounts)."""
    for eid in ("epoch-0001",):
        blobs = [p.read_bytes() for p in demo.bundle(eid).rglob("*") if p.is_file()]
        for proof in demo.proofs(eid):
            account = json.loads(proof.read_text())["account_id"]
            for data in blobs:
                assert account.encode() not in data, account


def test_the_master_secret_file_is_operator_only_hex(demo: Demo) -> None:
    """The pipeline writes the one master-secret format (docs/protocol.md §7.2): 32 bytes as 64
    lower-case hex digits and a newline, mode 0600; every reader gets the same 32 bytes back."""
    seen = set()
    for eid in ("epoch-0001", "epoch-0002"):
        path = demo.root / "private" / eid / "master.secret"
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, oct(path.stat().st_mode)
        text = path.read_bytes()
        assert len(text) == 65 and text.endswith(b"\n") and text[:-1] == text[:-1].lower()
        secret = read_master_secret(path)
        assert secret == bytes.fromhex(text.decode()) and len(secret) == 32
        seen.add(secret)
    assert len(seen) == 2  # one secret per epoch
