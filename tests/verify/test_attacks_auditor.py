"""Issue 14, the auditor's rows: a lying operator who holds its key and re-signs the manifest.

Each test stages one attack of the issue's table on a copy of the demo's bundles, through the CLI as
an auditor runs it, and requires a named failed check (exit 1) or a usage error (exit 2): never
exit 0, never a traceback. Rows: A (columns), F (the bundle's own keyring), J (the epoch chain),
R1/R3 (manifest shapes), R2 (nothing heavy after a failed signature or file hash), and a listed
file that is a symbolic link.
"""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path
from typing import Any

import pytest

from tests.fixtures import Demo, no_traceback, run_por
from tests.forge import Forged, resign


def _copy_epochs(demo: Demo, dst: Path, epochs: tuple[str, ...] = ("epoch-0001", "epoch-0002")) -> Path:
    dst.mkdir(parents=True, exist_ok=True)
    for e in epochs:
        shutil.copytree(demo.bundle(e), dst / e)
    return dst


def _edit(bundle: Path, demo: Demo, fn: Any) -> None:
    """Edit the manifest's signed body with ``fn`` and re-sign it with the operator's own key."""
    resign(bundle, demo.root / "keys" / "operator.key", fn)


def _audit(bundle: Path, demo: Demo, *extra: str) -> tuple[int, dict[str, Any], str]:
    cp = run_por("audit", "verify", bundle, "--operator-key", demo.operator_pub, "--trust-bundle-keyring",
                 "--quiet", "--json", *extra)
    no_traceback(cp)
    try:
        doc = json.loads(cp.stdout)
    except json.JSONDecodeError:
        doc = {}
    return cp.returncode, doc, cp.stdout + cp.stderr


def _governed_config_file(demo: Demo, tmp_path: Path) -> Path:
    """The reserves configuration the governors set, as an auditor would hold it (read from the ledger)."""
    from por.ledger import Ledger
    from por.reserves.ledger_adapter import reserves_config

    with Ledger.open(f"sqlite:///{demo.root / 'ledger.db'}", create=False) as led:
        cfg = reserves_config(led).to_dict()
    out = tmp_path / "governed-reserves.json"
    out.write_text(json.dumps(cfg))
    return out


def _drop_previous(bundle: Path, demo: Demo) -> None:
    """The lying operator's epoch that names no previous epoch, in the manifest and ledger-log.json alike."""
    def drop(s: dict[str, Any]) -> None:
        s["previous"] = None
        s["ledger_log"]["previous"] = None
        s["ledger_log"]["consistency_proof"] = None

    _edit(bundle, demo, drop)
    signed = json.loads((bundle / "manifest.json").read_text())["signed"]
    (bundle / "ledger-log.json").write_text(json.dumps(signed["ledger_log"], sort_keys=True))
    resign(bundle, demo.root / "keys" / "operator.key")


def _failed(doc: dict[str, Any]) -> dict[str, str]:
    return {c["id"]: c["message"] for c in doc.get("checks", []) if not c["ok"]}


def test_operator_key_present(demo: Demo) -> None:
    assert (demo.root / "keys" / "operator.key").is_file()


# ---- A: the manifest's columns are the tree's -----------------------------------------------------------
@pytest.mark.parametrize("attack", ["swap-usd-kinds", "drop-usd-equity"])
def test_a_columns_must_be_the_trees(demo: Demo, tmp_path: Path, attack: str) -> None:
    root = _copy_epochs(demo, tmp_path / "epochs", ("epoch-0001",))
    bundle = root / "epoch-0001"

    def swap(s: dict[str, Any]) -> None:
        cols = s["columns"]
        usd = [i for i, c in enumerate(cols) if c["asset"] == "USD"]
        assert len(usd) == 2, cols
        i, j = usd
        cols[i]["kind"], cols[j]["kind"] = cols[j]["kind"], cols[i]["kind"]

    def drop(s: dict[str, Any]) -> None:
        s["columns"] = [c for c in s["columns"] if (c["asset"], c["kind"]) != ("USD", "equity")]

    _edit(bundle, demo, swap if attack == "swap-usd-kinds" else drop)
    code, doc, out = _audit(bundle, demo)
    assert code == 1, out[-3000:]
    failed = _failed(doc)
    assert "manifest.shape" in failed and "columns" in failed["manifest.shape"], failed
    assert not any(c["id"].startswith("solvency.") and c["ok"] for c in doc["checks"]), \
        "no solvency verdict may be given on columns the tree does not have"


# ---- F: reserves and prices checked against the operator's own keyring are not "verified" -------------
def test_f_bundle_keyring_is_untrusted_by_default(demo: Demo) -> None:
    bundle = demo.bundle("epoch-0001")
    cp = run_por("audit", "verify", bundle, "--operator-key", demo.operator_pub, "--quiet", "--json")
    no_traceback(cp)
    assert cp.returncode == 1, cp.stdout[-3000:]
    doc = json.loads(cp.stdout)
    untrusted = {c["id"] for c in doc["checks"] if c["status"] == "untrusted"}
    assert "trust.keyring" in untrusted
    assert any(i.startswith("reserves.") for i in untrusted), untrusted
    assert any(i.startswith("price.") for i in untrusted), untrusted
    assert all(not c["ok"] for c in doc["checks"] if c["status"] == "untrusted")
    trust = next(c for c in doc["checks"] if c["id"] == "trust.keyring")
    assert "keyring.json" in trust["message"] and "operator" in trust["message"]
    # the table says so too, in words
    cp = run_por("audit", "verify", bundle, "--operator-key", demo.operator_pub, "--quiet")
    assert cp.returncode == 1 and "UNTRUSTED" in cp.stdout and "rest on the bundle's own keyring.json" in cp.stdout


def test_f_trust_accepted_explicitly_or_keyring_given(demo: Demo, tmp_path: Path) -> None:
    bundle = demo.bundle("epoch-0001")
    code, doc, out = _audit(bundle, demo)
    assert code == 0, out[-3000:]
    trust = next(c for c in doc["checks"] if c["id"] == "trust.keyring")
    assert trust["ok"] and trust["status"] == "untrusted" and "--trust-bundle-keyring" in trust["message"]
    # a keyring the auditor holds (here: obtained independently, a copy of the governed one) covers the
    # keys, not the policies: the reserves configuration is still the manifest's own
    mine = tmp_path / "trusted-keyring.json"
    shutil.copy(bundle / "keyring.json", mine)
    cp = run_por("audit", "verify", bundle, "--operator-key", demo.operator_pub, "--keys", mine, "--quiet", "--json")
    assert cp.returncode == 1, cp.stdout[-3000:]
    doc = json.loads(cp.stdout)
    assert {c["id"] for c in doc["checks"] if not c["ok"]} >= {"trust.reserves-config"}
    assert all(c["status"] == "untrusted" for c in doc["checks"] if not c["ok"])
    # ... and with the governed configuration too, everything is verified
    cp = run_por("audit", "verify", bundle, "--operator-key", demo.operator_pub, "--keys", mine,
                 "--reserves-config", _governed_config_file(demo, tmp_path), "--quiet", "--json")
    assert cp.returncode == 0, cp.stdout[-3000:]
    doc = json.loads(cp.stdout)
    assert all(c["status"] == "passed" for c in doc["checks"])


def test_f_operator_custodian_key_fails_against_trusted_keyring(demo: Demo, tmp_path: Path) -> None:
    """Row F as staged: the operator lists BLS keys of its own for the custodian and its co-signer in
    keyring.json and re-signs the attestations with them. Against the bundle's keyring every signature
    verifies, so by default the verdict is *untrusted* (exit 1), and it passes only when the auditor
    accepts that trust explicitly; against a keyring the auditor trusts, the forged attestations fail."""
    from dataclasses import replace

    from por.crypto import bls
    from por.reserves import attestation as A

    root = _copy_epochs(demo, tmp_path / "epochs", ("epoch-0001",))
    bundle = root / "epoch-0001"
    trusted = tmp_path / "trusted-keyring.json"
    shutil.copy(bundle / "keyring.json", trusted)
    kr = json.loads((bundle / "keyring.json").read_text())
    members = {mb["id"]: mb for mb in kr["members"]}
    doc = json.loads((bundle / "attestations.json").read_text())
    fake: dict[str, bytes] = {}
    for item in doc["attestations"]:
        att = A.Attestation.from_dict(item["attestation"])
        signers = [i for e in att.signatures for i in e.signer_ids]
        forged = replace(att, signatures=())
        for sid in signers:
            sk = fake.setdefault(sid, bls.keygen(sid.encode().ljust(32, b"\x01")))
            forged = A.sign(forged, sid, sk)
        item["attestation"] = forged.to_dict()
    for sid, sk in fake.items():
        members[sid]["bls_public_key"] = bls.sk_to_pk(sk).hex()
        members[sid]["bls_pop"] = bls.pop_prove(sk).hex()
    (bundle / "keyring.json").write_text(json.dumps(kr, sort_keys=True, indent=2))
    (bundle / "attestations.json").write_text(json.dumps(doc, sort_keys=True, indent=2))
    resign(bundle, demo.root / "keys" / "operator.key")

    cp = run_por("audit", "verify", bundle, "--operator-key", demo.operator_pub, "--quiet", "--json")
    no_traceback(cp)
    assert cp.returncode == 1
    out = json.loads(cp.stdout)
    assert {c["id"] for c in out["checks"] if not c["ok"]} == {c["id"] for c in out["checks"]
                                                             if c["status"] == "untrusted"}, \
        "the forged keys fool every computation: only the trust status can say so"
    code, out, text = _audit(bundle, demo)  # accepted explicitly: the operator's word, said so
    assert code == 0, text[-2000:]
    cp = run_por("audit", "verify", bundle, "--operator-key", demo.operator_pub, "--keys", trusted, "--quiet", "--json")
    no_traceback(cp)
    assert cp.returncode == 1, cp.stdout[-2000:]
    failed = _failed(json.loads(cp.stdout))
    assert any(k.startswith("attestation.") for k in failed) and any(k.startswith("reserves.") for k in failed), failed


# ---- J: the chain of epochs ---------------------------------------------------------------------------
def _name_previous(s: dict[str, Any], epoch_id: str, size: int, root: str) -> None:
    s["previous"] = {**s["previous"], "epoch_id": epoch_id, "size": size, "root": root}
    s["ledger_log"]["previous"] = {"epoch_id": epoch_id, "size": size, "root": root}


@pytest.mark.parametrize("attack", ["stale-position-of-its-own", "true-position-renamed"])
def test_j_previous_must_be_the_earlier_bundle_beside_it(demo: Demo, tmp_path: Path, attack: str) -> None:
    root = _copy_epochs(demo, tmp_path / "epochs")
    bundle = root / "epoch-0002"
    first = json.loads((root / "epoch-0001" / "manifest.json").read_text())["signed"]

    def edit(s: dict[str, Any]) -> None:
        if attack == "stale-position-of-its-own":  # "grew from N to N consistently", nothing to prove
            _name_previous(s, "epoch-0000", s["ledger_log"]["size"], s["ledger_log"]["root"])
            s["ledger_log"]["consistency_proof"] = None
        else:
            _name_previous(s, "epoch-0000", first["ledger_log"]["size"], first["ledger_log"]["root"])

    _edit(bundle, demo, edit)
    # the manifest's ledger_log is what ledger-log.json must equal: keep the two in step, as a liar would
    signed = json.loads((bundle / "manifest.json").read_text())["signed"]
    (bundle / "ledger-log.json").write_text(json.dumps(signed["ledger_log"], sort_keys=True))
    resign(bundle, demo.root / "keys" / "operator.key")
    code, doc, out = _audit(bundle, demo)
    assert code == 1, out[-3000:]
    failed = _failed(doc)
    assert "ledger-log.previous" in failed, failed
    assert "epoch-0001" in failed["ledger-log.previous"]


def test_j_named_previous_not_there_fails_unless_given(demo: Demo, tmp_path: Path) -> None:
    alone = _copy_epochs(demo, tmp_path / "alone", ("epoch-0002",)) / "epoch-0002"
    code, doc, out = _audit(alone, demo)
    assert code == 1, out[-3000:]
    assert "--previous" in _failed(doc)["ledger-log.previous"]
    code, doc, out = _audit(alone, demo, "--previous", demo.bundle("epoch-0001"))
    assert code == 0, out[-3000:]
    assert any(c["id"] == "ledger-log.consistency" and c["ok"] for c in doc["checks"])


def test_j_dropping_previous_is_caught_by_the_library_too(demo: Demo, tmp_path: Path) -> None:
    """The rule lives in verify_bundle, not only in the CLI: a library caller gets it."""
    from por.verify import verify_bundle

    root = _copy_epochs(demo, tmp_path / "epochs")
    bundle = root / "epoch-0002"

    _drop_previous(bundle, demo)
    res = verify_bundle(bundle, operator_key=str(demo.operator_pub), trust_bundle_keyring=True)
    assert not res.ok
    assert any(c.id == "ledger-log.previous" and not c.ok and "epoch-0001" in c.message for c in res.checks)


def test_j_previous_must_be_strictly_earlier(demo: Demo) -> None:
    from por.verify import verify_bundle

    res = verify_bundle(demo.bundle("epoch-0002"), operator_key=str(demo.operator_pub),
                        previous=demo.bundle("epoch-0002"), trust_bundle_keyring=True)
    assert any(c.id == "ledger-log.previous" and not c.ok for c in res.checks)


# ---- R1, R3: any shape of manifest is a failed check ---------------------------------------------------
@pytest.mark.parametrize("edit", [
    pytest.param(lambda s: s.update(tree=[1, 2]), id="tree-not-object"),
    pytest.param(lambda s: s["tree"].pop("root"), id="tree-without-root"),
    pytest.param(lambda s: s["tree"].update(block_size=0), id="block-size-0"),
    pytest.param(lambda s: s["tree"].update(block_size=-1), id="block-size-minus-1"),
    pytest.param(lambda s: s["tree"].update(block_size=3), id="block-size-3"),
    pytest.param(lambda s: s["tree"].update(height=True), id="height-bool"),
    pytest.param(lambda s: s.update(columns="AAPL"), id="columns-string"),
    pytest.param(lambda s: s.update(prices={"AAPL": "1"}), id="price-string"),
    pytest.param(lambda s: s.update(previous=7), id="previous-int"),
    pytest.param(lambda s: s["statements"].update(solvency="x"), id="statement-string"),
    pytest.param(lambda s: s.update(cutoff_time="yesterday"), id="cutoff-not-a-time"),
])
def test_r_malformed_manifest_is_a_failed_check(demo: Demo, tmp_path: Path, edit: Any) -> None:
    bundle = _copy_epochs(demo, tmp_path / "epochs", ("epoch-0001",)) / "epoch-0001"
    _edit(bundle, demo, edit)
    code, doc, out = _audit(bundle, demo)
    assert code == 1, out[-3000:]
    assert "manifest.shape" in _failed(doc), _failed(doc)


# ---- R2: nothing heavy after a failed signature or file hash -----------------------------------------
def test_r2_no_tree_work_after_a_failed_signature(demo: Demo, tmp_path: Path) -> None:
    bundle = _copy_epochs(demo, tmp_path / "epochs", ("epoch-0001",)) / "epoch-0001"
    m = Forged.read(bundle)  # edited and not signed again
    m.signed["tree"]["height"] = 40  # a store "of 2^40 leaves": hours of work if anything ran
    m.write(bundle)
    t0 = time.perf_counter()
    code, res, out = _audit(bundle, demo)
    assert code == 1 and time.perf_counter() - t0 < 60, out[-2000:]
    failed = _failed(res)
    assert "signature.operator" in failed and "verification" in failed, failed
    assert not any(c["id"].startswith(("tree.", "solvency.", "price.")) for c in res["checks"])


def test_r2_no_tree_work_after_a_failed_file_hash(demo: Demo, tmp_path: Path) -> None:
    bundle = _copy_epochs(demo, tmp_path / "epochs", ("epoch-0001",)) / "epoch-0001"
    with (bundle / "tree.sqlite").open("r+b") as f:
        f.seek(200)
        b = f.read(1)
        f.seek(200)
        f.write(bytes([b[0] ^ 1]))
    code, res, out = _audit(bundle, demo)
    assert code == 1
    failed = _failed(res)
    assert "file.tree.sqlite" in failed and "verification" in failed, failed
    assert not any(c["id"].startswith("tree.") for c in res["checks"])


# ---- a listed file that is a symbolic link ------------------------------------------------------------
def test_listed_file_that_is_a_symlink_fails(demo: Demo, tmp_path: Path) -> None:
    bundle = _copy_epochs(demo, tmp_path / "epochs", ("epoch-0001",)) / "epoch-0001"
    outside = tmp_path / "elsewhere-prices.json"
    shutil.copy(bundle / "prices.json", outside)  # the very same bytes, so the hash matches
    (bundle / "prices.json").unlink()
    (bundle / "prices.json").symlink_to(outside)
    code, res, out = _audit(bundle, demo)
    assert code == 1, out[-2000:]
    failed = _failed(res)
    assert "file.prices.json" in failed and "symbolic link" in failed["file.prices.json"], failed


def test_j_with_the_ledger_the_chain_is_the_journals(demo: Demo, tmp_path: Path) -> None:
    """The operator re-publishes epoch 1 with another manifest (re-signed; here only its created_at
    differs) and makes epoch 2 name it: the bundles agree with each other, so the bundle-only check
    passes, but the journal recorded epoch 1's original manifest: completeness.epochs fails."""
    from por.epoch.bundle import read_signed_manifest
    from por.verify import verify_bundle
    from tests.fixtures import audit_with_ledger

    root = _copy_epochs(demo, tmp_path / "epochs")
    _edit(root / "epoch-0001", demo, lambda s: s.update(created_at="2020-01-01T00:00:00Z"))
    new_hash = read_signed_manifest(root / "epoch-0001").sha256
    _edit(root / "epoch-0002", demo, lambda s: s["previous"].update(manifest_sha256=new_hash))
    alone = verify_bundle(root / "epoch-0002", operator_key=str(demo.operator_pub), trust_bundle_keyring=True)
    assert alone.ok, [(c.id, c.message) for c in alone.failures]
    res = audit_with_ledger(demo.root, root / "epoch-0002", demo, "epoch-0002")
    failed = {c.id: c.message for c in res.failures}
    assert list(failed) == ["completeness.epochs"], failed
    assert "epoch-0001" in failed["completeness.epochs"]
    honest = audit_with_ledger(demo.root, demo.bundle("epoch-0002"), demo, "epoch-0002")
    assert honest.ok, [(c.id, c.message) for c in honest.failures]
    assert any(c.id == "completeness.epochs" and c.ok for c in honest.checks)


def test_d_policies_rest_on_the_governed_configuration_not_the_keys(demo: Demo, tmp_path: Path) -> None:
    """Hole found in review: with --keys alone a consistently rewritten reserves configuration (AAPL at
    0 decimals, counted at full value, hash recomputed) passed. Now it is untrusted without the ledger,
    and fails against the governed configuration the auditor holds."""
    from por.reserves.policy import config_sha256

    bundle = _copy_epochs(demo, tmp_path / "epochs", ("epoch-0001",)) / "epoch-0001"
    keys = tmp_path / "trusted-keyring.json"
    shutil.copy(bundle / "keyring.json", keys)

    def lie(s: dict[str, Any]) -> None:
        s["reserves_config"]["assets"]["AAPL"]["haircut_bps"] = 10_000
        s["haircuts_bps"]["AAPL"] = 10_000
        s["reserves_config_ref"]["sha256"] = config_sha256(s["reserves_config"])

    _edit(bundle, demo, lie)
    cp = run_por("audit", "verify", bundle, "--operator-key", demo.operator_pub, "--keys", keys, "--quiet", "--json")
    no_traceback(cp)
    assert cp.returncode == 1
    doc = json.loads(cp.stdout)
    trust = next(c for c in doc["checks"] if c["id"] == "trust.reserves-config")
    assert not trust["ok"] and trust["status"] == "untrusted"
    assert next(c for c in doc["checks"] if c["id"] == "reserves-config.haircuts")["status"] == "untrusted"
    cp = run_por("audit", "verify", bundle, "--operator-key", demo.operator_pub, "--keys", keys,
                 "--reserves-config", _governed_config_file(demo, tmp_path), "--quiet", "--json")
    no_traceback(cp)
    assert cp.returncode == 1
    failed = _failed(json.loads(cp.stdout))
    assert "trust.reserves-config" in failed and "assets" in failed["trust.reserves-config"], failed


def test_j_earlier_bundle_found_by_content_not_by_name(demo: Demo, tmp_path: Path) -> None:
    """Hole found in review: epoch 2 names no previous epoch and epoch 1's folder is renamed to sort
    after it; the earlier bundle is still found (same operator, smaller log position)."""
    root = _copy_epochs(demo, tmp_path / "epochs")
    bundle = root / "epoch-0002"

    _drop_previous(bundle, demo)
    (root / "epoch-0001").rename(root / "zz-old")
    code, doc, out = _audit(bundle, demo)
    assert code == 1, out[-2000:]
    failed = _failed(doc)
    assert "ledger-log.previous" in failed and "zz-old" in failed["ledger-log.previous"], failed
