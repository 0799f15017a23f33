"""With ledger access, the auditor checks that the bundle's keyring is the ledger's governed members
(as of the cut-off entry or a later membership entry): ``completeness.keyring``; without it the
custodian and oracle keys would rest on the operator's word alone. And that the published ledger-log
root is the ledger's own at the cut-off: ``completeness.ledger-log``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.fixtures import Demo, audit_with_ledger, clone_workspace, copy_bundle, only_check
from tests.forge import resign

EPOCH = "epoch-0001"


def _edit_keyring(bundle: Path, demo: Demo, edit: Any) -> None:
    doc = json.loads((bundle / "keyring.json").read_text())
    edit(doc["members"])
    (bundle / "keyring.json").write_text(json.dumps(doc, indent=2, sort_keys=True))
    resign(bundle, demo.root / "keys" / "operator.key")


def _fresh_bls(member: str) -> dict[str, Any]:
    from por.reserves.keyring import BLSKeyFile

    kf = BLSKeyFile.generate(member, ikm=b"\x07" * 32)
    return {"bls_public_key": kf.public_key.hex(), "bls_pop": kf.pop.hex()}


def test_published_keyring_is_the_ledgers(demo: Demo, memo_verify_tree: dict[str, int]) -> None:
    res = audit_with_ledger(demo.root, demo.bundle(EPOCH), demo)
    assert res.ok, [str(c) for c in res.failures]
    check = only_check(res, "completeness.keyring")
    assert check.ok and "members as of entry" in check.message


def test_a_custodian_the_ledger_never_admitted_fails(demo: Demo, tmp_path: Path,
                                                     memo_verify_tree: dict[str, int]) -> None:
    """The operator lists one more custodian with a BLS key of its own: the bundle alone is consistent
    (its manifest is re-signed, the extra member signs nothing here), the ledger shows the stranger."""
    from por.verify import verify_bundle

    bundle = copy_bundle(demo.bundle(EPOCH), tmp_path)

    def add(members: list[dict[str, Any]]) -> None:
        members.append({"id": "custodian-evil", "roles": ["custodian"], "ed25519_public_key": None,
                        "revoked_at": None, **_fresh_bls("custodian-evil")})

    _edit_keyring(bundle, demo, add)
    alone = verify_bundle(bundle, operator_key=str(demo.operator_pub), trust_bundle_keyring=True)
    assert alone.ok, [str(c) for c in alone.failures]
    res = audit_with_ledger(demo.root, bundle, demo)
    check = only_check(res, "completeness.keyring")
    assert not check.ok and "not in the ledger ['custodian-evil']" in check.message
    # (the journal recorded the epoch published with its true manifest: completeness.epochs too)
    assert [c.id for c in res.failures] == ["completeness.keyring", "completeness.epochs"]


def test_a_replaced_custodian_key_fails_and_is_named(demo: Demo, tmp_path: Path,
                                                     memo_verify_tree: dict[str, int]) -> None:
    bundle = copy_bundle(demo.bundle(EPOCH), tmp_path)
    custodians: list[str] = []

    def swap(members: list[dict[str, Any]]) -> None:
        m = next(m for m in members if "custodian" in m["roles"] and m.get("bls_public_key"))
        custodians.append(m["id"])
        m.update(_fresh_bls(m["id"]))

    _edit_keyring(bundle, demo, swap)
    res = audit_with_ledger(demo.root, bundle, demo)
    check = only_check(res, "completeness.keyring")
    assert not check.ok and f"differ {custodians}" in check.message


def test_a_member_admitted_after_the_epoch_does_not_fail_it(demo: Demo, tmp_path: Path,
                                                           memo_verify_tree: dict[str, int]) -> None:
    """The governors admit a new approver after epoch-0001: the current member table differs from the
    bundle's keyring, but the members at the cut-off are what the check compares."""
    from por.epoch.workspace import Workspace
    from por.ledger import keys
    from por.reserves.ledger_adapter import keyring_from_ledger

    root = clone_workspace(demo.root, tmp_path / "D")
    ws = Workspace.load(root)
    led = ws.ledger()
    try:
        newcomer = keys.from_seed("test/approver-9")
        led.add_member([ws.signer("operator"), ws.signer("auditor")], "approver-9", ["approver"],
                       keys.public_key_hex(newcomer))
        history = led.member_history()
        assert history[-1][0] == led.head()["seq"]
        assert "approver-9" in {m.id for m in keyring_from_ledger(led)}
    finally:
        led.close()
    res = audit_with_ledger(root, demo.bundle(EPOCH), demo)
    check = only_check(res, "completeness.keyring")
    assert check.ok, [str(c) for c in res.failures]


def test_published_log_root_is_the_ledgers(demo: Demo, tmp_path: Path, memo_verify_tree: dict[str, int]) -> None:
    """``completeness.ledger-log``: a re-signed manifest whose log root is another history's fails
    against the ledger (alone, a first epoch has nothing to be inconsistent with)."""
    from por.verify import verify_bundle

    res = audit_with_ledger(demo.root, demo.bundle(EPOCH), demo)
    assert only_check(res, "completeness.ledger-log").ok

    bundle = copy_bundle(demo.bundle(EPOCH), tmp_path)
    fake = "ab" * 32
    doc = json.loads((bundle / "ledger-log.json").read_text())
    doc["root"] = fake
    (bundle / "ledger-log.json").write_text(json.dumps(doc))
    resign(bundle, demo.root / "keys" / "operator.key", lambda s: s["ledger_log"].update(root=fake))
    alone = verify_bundle(bundle, operator_key=str(demo.operator_pub), trust_bundle_keyring=True)
    assert alone.ok, [str(c) for c in alone.failures]
    res = audit_with_ledger(demo.root, bundle, demo)
    check = only_check(res, "completeness.ledger-log")
    assert not check.ok and fake in check.message
    # and the replayed journal does not extend that root either
    assert [c.id for c in res.failures] == ["completeness.ledger-log", "completeness.epochs", "ledger.log-root"]
    assert "history was rewritten" in only_check(res, "ledger.log-root").message


def test_a_damaged_ledger_database_is_a_failed_check(demo: Demo, tmp_path: Path,
                                                     memo_verify_tree: dict[str, int]) -> None:
    """``--ledger`` naming half a SQLite file: the completeness step and the ledger replay fail, every
    bundle check still runs."""
    root = clone_workspace(demo.root, tmp_path / "D")
    db = root / "ledger.db"
    data = db.read_bytes()
    db.write_bytes(data[: len(data) // 2])
    res = audit_with_ledger(root, demo.bundle(EPOCH), demo)
    assert [c.id for c in res.failures] == ["completeness", "ledger.readable"], [str(c) for c in res.failures]
    assert "malformed" in res.failures[0].message and "cannot be read" in res.failures[1].message
    assert any(c.id.startswith("tree.") and c.ok for c in res.checks)
