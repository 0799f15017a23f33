"""With ledger access, the auditor checks that the manifest's reserve and price policies are the
ones the ledger's governors set, as of the epoch's cut-off entry (``completeness.reserves-config``)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from tests.fixtures import Demo, audit_with_ledger, clone_workspace, copy_bundle, only_check
from tests.forge import resign

EPOCH = "epoch-0001"


def test_published_policy_matches_the_governed_one(demo: Demo, memo_verify_tree: dict[str, int]) -> None:
    res = audit_with_ledger(demo.root, demo.bundle(EPOCH), demo)
    assert res.ok, [str(c) for c in res.failures]
    assert only_check(res, "completeness.reserves-config").ok


def test_weaker_published_quorum_fails_against_the_ledger(demo: Demo, tmp_path: Path,
                                                         memo_verify_tree: dict[str, int]) -> None:
    """An operator signs a manifest whose USD reserve quorum is 1 where the governors set 2: the
    bundle alone is consistent (the attestations meet the weaker policy), the ledger shows the lie."""
    from por.reserves.policy import config_sha256
    from por.verify import verify_bundle

    def weaker_quorum(signed: dict[str, Any]) -> None:
        usd = signed["reserves_config"]["assets"]["USD"]["reserve"]
        assert usd["quorum"] == 2
        usd["quorum"] = 1
        # a careful liar also recomputes the configuration's identity (its SHA-256) the manifest carries
        assert signed["reserves_config_ref"]["sha256"] != config_sha256(signed["reserves_config"])
        signed["reserves_config_ref"]["sha256"] = config_sha256(signed["reserves_config"])

    bundle = copy_bundle(demo.bundle(EPOCH), tmp_path)
    resign(bundle, demo.root / "keys" / "operator.key", weaker_quorum)

    alone = verify_bundle(bundle, operator_key=str(demo.operator_pub), trust_bundle_keyring=True)
    assert alone.ok, "without the ledger the weaker (but self-consistent) policy is all the auditor can see"
    res = audit_with_ledger(demo.root, bundle, demo)
    assert not res.ok
    check = only_check(res, "completeness.reserves-config")
    assert not check.ok and "USD" in check.message and "governed" in check.message
    # and the journal recorded the epoch published with its true manifest, not this re-signed one
    assert [c.id for c in res.failures] == ["completeness.reserves-config", "completeness.epochs"]


def test_a_later_config_change_does_not_fail_an_earlier_epoch(demo: Demo, tmp_path: Path,
                                                              memo_verify_tree: dict[str, int]) -> None:
    """The governors tighten the AAPL price freshness after epoch-0001: that epoch is still judged by
    the rules of its cut-off (``Ledger.config_at``), while the current configuration has changed."""
    from por.epoch.bundle import read_signed_manifest
    from por.epoch.workspace import Workspace
    from por.reserves.ledger_adapter import reserves_config, set_reserves_config

    root = clone_workspace(demo.root, tmp_path / "D")
    ws = Workspace.load(root)
    seq = read_signed_manifest(demo.bundle(EPOCH)).signed.journal_seq
    led = ws.ledger()
    try:
        before = reserves_config(led)
        aapl = before.price["AAPL"]
        tighter = replace(before, price={**before.price, "AAPL": replace(aapl, max_age_seconds=60)})
        set_reserves_config(led, [ws.signer("operator"), ws.signer("auditor")], tighter)
        assert reserves_config(led).to_dict() != reserves_config(led, at_seq=seq).to_dict()
        assert reserves_config(led, at_seq=seq).to_dict() == before.to_dict()
    finally:
        led.close()
    res = audit_with_ledger(root, demo.bundle(EPOCH), demo)
    assert only_check(res, "completeness.reserves-config").ok, [str(c) for c in res.failures]


def test_malformed_published_policy_makes_the_manifest_unusable(
        demo: Demo, tmp_path: Path, memo_verify_tree: dict[str, int]) -> None:
    """A re-signed manifest whose reserves_config is not a configuration fails ``manifest.shape``,
    naming the field, and nothing further runs (the CLI exits 1).

    Why not completeness as before: the manifest is now parsed strictly as one model
    (por.bundle.parse_manifest, docs/protocol.md §9.4); a body with a malformed field is not a
    manifest the later steps can read, so the audit stops at step 1 rather than reading around it."""
    bundle = copy_bundle(demo.bundle(EPOCH), tmp_path)
    resign(bundle, demo.root / "keys" / "operator.key", lambda s: s.update(reserves_config={"format": "not-a-config"}))
    res = audit_with_ledger(demo.root, bundle, demo)
    assert not res.ok
    assert [c.id for c in res.checks if not c.ok] == ["manifest.shape"], [c.id for c in res.checks]
    assert "reserves_config." in only_check(res, "manifest.shape").message
    assert not any(c.id.startswith("completeness") for c in res.checks), [c.id for c in res.checks]
