"""The JavaScript verifier agrees with `por verify inclusion` (issue 17 item 4).

On the demo's client proofs of both epochs, and on a corpus of more than 500 mutated proofs (every
field edited, bytes flipped, siblings and blocks swapped, proofs of the other epoch, another account's
proof, raw garbage), the JavaScript verifier makes the same checks, in the same order, with the same
verdicts as the Python verifier: so it rejects exactly what the Python one rejects, naming the same
first failed check.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from por.verify.client import verify_inclusion
from tests.fixtures import Demo
from tests.forge import Forged, load_key
from tests.web.corpus import RAW_MUTATIONS, byte_flips, mutations, proof_bytes


def _py(case: dict[str, Any]) -> dict[str, Any]:
    res = verify_inclusion(case["proof"], bundle=case["manifest"], operator_key=case["key"], account_id=case["account"])
    return res.to_dict()


def _shape(result: dict[str, Any]) -> list[tuple[str, bool]]:
    return [(c["id"], c["ok"]) for c in result["checks"]]


def _first_failed(result: dict[str, Any]) -> str | None:
    return next((c["id"] for c in result["checks"] if not c["ok"]), None)


def _compare(cases: list[dict[str, Any]], js: list[dict[str, Any]]) -> list[str]:
    problems = []
    for case, j in zip(cases, js, strict=True):
        p = _py(case)
        if (p["ok"], _shape(p)) != (j["ok"], _shape(j)):
            problems.append(f"{case['name']}: python first failure {_first_failed(p)} {_shape(p)}, "
                            f"javascript first failure {_first_failed(j)} {_shape(j)}")
    return problems


def _key(demo: Demo) -> str:
    return demo.operator_pub.read_text().strip()


def test_demo_proofs_of_both_epochs_pass_in_both(demo: Demo, js_verify_many: Any, memo_statements: Any) -> None:
    cases = []
    for epoch in ("epoch-0001", "epoch-0002"):
        for p in demo.proofs(epoch):
            account = json.loads(p.read_text())["account_id"]
            cases.append({"name": f"{epoch}/{p.name}", "proof": p, "manifest": demo.bundle(epoch) / "manifest.json",
                          "key": _key(demo), "account": account})
    js = js_verify_many(cases)
    assert all(j["ok"] for j in js), [(c["name"], _first_failed(j)) for c, j in zip(cases, js, strict=True) if not j["ok"]]
    assert not _compare(cases, js)
    assert {c["id"] for c in js[0]["checks"]} >= {
        "client.file", "manifest.signature", "client.trust", "client.epoch", "client.manifest", "manifest.tree",
        "manifest.columns", "client.format", "client.account", "client.columns", "client.expected",
        "client.statements", "client.leaf", "client.path", "client.root", "client.range_proofs",
        "client.collateral", "client.included"}


def test_mutated_proofs_rejected_alike(demo: Demo, sample_debt_proof: Path, js_verify_many: Any, memo_statements: Any,
                                       tmp_path: Path) -> None:
    """Every field of a proof with a collateral proof edited, and the structural swaps; the other
    epoch's proofs against this epoch's manifest; another account's proof for this account."""
    manifest = demo.bundle("epoch-0001") / "manifest.json"
    doc = json.loads(sample_debt_proof.read_text())
    mine = doc["account_id"]
    cases = []
    for i, (name, mutated) in enumerate(mutations(doc)):
        f = tmp_path / f"m{i:04d}.json"
        f.write_bytes(proof_bytes(mutated))
        cases.append({"name": name, "proof": f, "manifest": manifest, "key": _key(demo), "account": mine})
    for j, (name, raw) in enumerate(RAW_MUTATIONS + byte_flips(sample_debt_proof.read_bytes())):
        f = tmp_path / f"raw{j:04d}.json"
        f.write_bytes(raw)
        cases.append({"name": name, "proof": f, "manifest": manifest, "key": _key(demo), "account": None})
    for p in demo.proofs("epoch-0002")[:4]:
        cases.append({"name": f"other-epoch/{p.name}", "proof": p, "manifest": manifest, "key": _key(demo),
                      "account": None})
    for p in demo.proofs("epoch-0001")[:4]:
        cases.append({"name": f"another-account/{p.name}", "proof": p, "manifest": manifest, "key": _key(demo),
                      "account": mine if p != sample_debt_proof else "someone-else"})
    cases.append({"name": "wrong-operator-key", "proof": sample_debt_proof, "manifest": manifest,
                  "key": "11" * 32, "account": None})
    assert len(cases) >= 500
    js = js_verify_many(cases)
    rejected = sum(not j["ok"] for j in js)
    assert rejected >= len(cases) - 60, "most mutations must be rejected"
    problems = _compare(cases, js)
    assert not problems, f"{len(problems)} disagreement(s):\n" + "\n".join(problems[:20])


@pytest.fixture(scope="module")
def sample_debt_proof(demo: Demo) -> Path:
    for p in demo.proofs("epoch-0001"):
        if json.loads(p.read_text()).get("collateral"):
            return p
    pytest.fail("the demo should have a margin client with debt (a collateral proof)")


def _manifest_variants(manifest: Path, key_path: Path) -> list[tuple[str, bytes]]:
    """Manifests an operator who lies could publish, re-signed with its own key (so the signature
    verifies and only the content checks can refuse them), plus unsigned damage and non-canonical bytes."""
    import copy

    from por import canonical

    key = load_key(key_path)
    base = json.loads(manifest.read_bytes())
    out: list[tuple[str, bytes]] = []

    def signed(name: str, body: dict[str, Any]) -> None:
        out.append((name, Forged(signed=body).sign(key).to_bytes()))

    s = base["signed"]
    tree = s["tree"]
    edits: dict[str, Any] = {
        "tree.mode": "plain", "tree.height": tree["height"] + 1, "tree.height-bool": True,
        "tree.block_size": tree["block_size"] * 2, "tree.block_size-3": 3, "tree.root_hash": "00" * 32,
        "tree.root_hash-upper": tree["root_hash"].upper(), "tree.root": list(reversed(tree["root"])),
        "tree.context": "00" + tree["context"], "tree.statements": {}, "tree.leaf_format": "por-leaf/1",
        "tree.epoch_id": "epoch-9999", "tree.columns": list(reversed(tree["columns"])), "tree": None,
    }
    for name, value in edits.items():
        body = copy.deepcopy(s)
        if name == "tree":
            body["tree"] = value
        else:
            body["tree"][name.split(".")[1].split("-")[0]] = value
        signed(f"manifest:{name}", body)
    for field, value in (("columns", list(reversed(s["columns"]))), ("columns", "x"),
                         ("collateral_prices", {a: v + 1 for a, v in s["collateral_prices"].items()}),
                         ("collateral_prices", {a: str(v) for a, v in s["collateral_prices"].items()}),
                         ("collateral_prices", {a: -1 for a in s["collateral_prices"]}),
                         ("haircuts_bps", {a: 10000 for a in s["haircuts_bps"]}), ("haircuts_bps", []),
                         ("epoch_id", "epoch-9999"), ("protocol", "por-v2"), ("format", "por-manifest/2"),
                         ("journal_seq", 0), ("files", [])):
        body = copy.deepcopy(s)
        body[field] = value
        signed(f"manifest:{field}={str(value)[:30]}", body)
    # the governed terms the collateral check derives its prices and haircuts from (protocol §9.5)
    if isinstance(s.get("reserves_config"), dict):
        cfg = s["reserves_config"]
        a = sorted(cfg["assets"])[0]
        body = copy.deepcopy(s)  # a haircut raised in the configuration, the derived fields kept in step
        body["reserves_config"]["assets"][a]["haircut_bps"] = 10000
        body["haircuts_bps"][a] = 10000
        signed("manifest:reserves_config-haircut-in-step", body)
        body = copy.deepcopy(s)  # a price raised, the collateral price kept in step
        if a in body.get("prices", {}) and a in body.get("collateral_prices", {}):
            body["prices"][a] += 1
            body["collateral_prices"][a] = body["collateral_prices"][a] // (body["prices"][a] - 1) * body["prices"][a]
            signed("manifest:price-in-step", body)
        for name, value in (("decimals-as-string", "4"), ("decimals-37", 37), ("decimals-bool", True)):
            body = copy.deepcopy(s)
            body["reserves_config"]["assets"][a]["decimals"] = value
            signed(f"manifest:reserves_config-{name}", body)
        for field, value in (("reserves_config", None), ("reserves_config", {"format": "x"}), ("prices", []),
                             ("prices", {a: "1_000"})):
            body = copy.deepcopy(s)
            body[field] = value
            signed(f"manifest:{field}={str(value)[:30]}", body)
    for field in ("tree", "columns", "nonce", "collateral_prices"):
        body = copy.deepcopy(s)
        del body[field]
        signed(f"manifest:no-{field}", body)
    damaged = copy.deepcopy(base)
    damaged["signed"]["tree"]["height"] += 1
    out.append(("manifest:unsigned-edit", canonical.dumps(damaged)))
    out.append(("manifest:not-canonical", json.dumps(base, indent=1).encode()))
    out.append(("manifest:no-signature", canonical.dumps({**base, "signatures": []})))
    out.append(("manifest:extra-member", canonical.dumps({**base, "x": 1})))
    out.append(("manifest:float", manifest.read_bytes().replace(b'"journal_seq":', b'"journal_seq":1.0,"j":')))
    return out


def test_hostile_manifests_rejected_alike(demo: Demo, sample_debt_proof: Path, js_verify_many: Any,
                                          memo_statements: Any, tmp_path: Path) -> None:
    """The operator re-signs manifests whose tree description, columns, prices or header lie: both
    verifiers refuse each at the same check (or accept it alike)."""
    manifest = demo.bundle("epoch-0001") / "manifest.json"
    # the proof as published, and without its manifest pointer (client.manifest fails, the rest still runs)
    unpointed = tmp_path / "proof-without-manifest-pointer.json"
    doc = json.loads(sample_debt_proof.read_text())
    del doc["manifest_sha256"]
    unpointed.write_text(json.dumps(doc))
    cases = []
    for i, (name, data) in enumerate(_manifest_variants(manifest, demo.root / "keys" / "operator.key")):
        f = tmp_path / f"manifest-{i:03d}.json"
        f.write_bytes(data)
        for proof in (sample_debt_proof, unpointed):
            cases.append({"name": f"{name} ({proof.name})", "proof": proof, "manifest": f, "key": _key(demo),
                          "account": None})
    js = js_verify_many(cases)
    assert sum(not j["ok"] for j in js) >= len(cases) - 4
    # a proof without its manifest pointer now fails client.manifest first; the later checks still run.
    # A tree description, columns or epoch that do not hold together are refused by the manifest's
    # model (por.bundle.manifest) when it is read: they fail ``manifest``, naming the field path.
    failed = {c["id"] for j in js for c in j["checks"] if not c["ok"]}
    assert failed >= {"manifest", "manifest.signature", "client.manifest", "client.expected"}, failed
    assert not failed & {"manifest.tree", "manifest.columns"}, failed
    problems = _compare(cases, js)
    assert not problems, f"{len(problems)} disagreement(s):\n" + "\n".join(problems[:20])


def _field_variants(manifest: Path, key_path: Path) -> list[tuple[str, bytes]]:
    """Manifests wrong in one field the browser verifier did not read before (tests/web/manifests.py):
    body edits re-signed with the operator's key, signature-entry edits made after signing."""
    from por import canonical
    from tests.web.manifests import apply, body_edits, envelope_edits

    key = load_key(key_path)
    s = json.loads(manifest.read_bytes())["signed"]
    out: list[tuple[str, bytes]] = []
    for name, path, value in body_edits(s):
        out.append((f"manifest:{name}", Forged(signed=apply(s, path, value)).sign(key).to_bytes()))
    m = Forged(signed=s).sign(key)
    for name, edit in envelope_edits(m.signatures):
        out.append((f"manifest:{name}", canonical.dumps({"signed": s, "signatures": edit(m.signatures)})))
    return out


def test_hostile_manifest_fields_rejected_alike(demo: Demo, sample_debt_proof: Path, js_verify_many: Any,
                                                memo_statements: Any, tmp_path: Path) -> None:
    """Every field of the manifest's body and envelope, each wrong alone (missing, wrong type, extra
    key, bad format, out of range, broken cross-field rule): Python's model and web/src/shape.js refuse
    the same ones, at ``manifest``; the few well-formed edits pass ``manifest`` in both."""
    manifest = demo.bundle("epoch-0001") / "manifest.json"
    variants = _field_variants(manifest, demo.root / "keys" / "operator.key")
    assert len(variants) >= 150
    cases = []
    for i, (name, data) in enumerate(variants):
        f = tmp_path / f"manifest-{i:03d}.json"
        f.write_bytes(data)
        cases.append({"name": name, "proof": sample_debt_proof, "manifest": f, "key": _key(demo), "account": None})
    js = js_verify_many(cases)
    problems = _compare(cases, js)
    assert not problems, f"{len(problems)} disagreement(s):\n" + "\n".join(problems[:20])
    refused = {c["name"] for c, j in zip(cases, js, strict=True) if _first_failed(j) == "manifest"}
    wellformed = {"ledger_log.previous-ok", "ledger_log.consistency_proof-ok", "ledger_log.consistency_proof-null-proof",
                  "ledger_log.cp.proof.path-128", "disclosure-hidden",
                  "epoch_context.window_start-year1", "epoch_context.window_end-leap", "reserves-text-key",
                  "reserves.custodian.reason-other", "previous-ok", "files-4096-name", "liabilities-ok",
                  "format-minor", "collateral_prices-huge", "tree.leaf_count-2^64", "signature-auditor-copy"}
    assert refused == {c["name"] for c in cases} - {f"manifest:{n}" for n in wellformed}
    # a body edit changes the manifest's hash: the proof, which points at the published one, fails
    # client.manifest after a well-formed manifest reads; the body kept with an added co-signature passes
    passed = {c["name"] for c, j in zip(cases, js, strict=True) if j["ok"]}
    assert passed == {"manifest:signature-auditor-copy"}, passed
