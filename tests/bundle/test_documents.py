"""Every document this repository writes parses with the models, validates against its schema, and
serialises back to the same bytes (docs/protocol.md §9, docs/schemas)."""

from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from jsonschema import Draft202012Validator

from por import canonical
from por.bundle import DOCUMENTS, ClientProof, DocumentError, key_id, parse_client_proof, parse_manifest
from por.bundle.schemas import schema_of
from tests.bundle.conftest import Corpus
from tests.forge import MANIFEST_DOMAIN, Forged

_VALIDATORS: dict[str, Draft202012Validator] = {}


def validator(name: str) -> Draft202012Validator:
    if name not in _VALIDATORS:
        _VALIDATORS[name] = Draft202012Validator(schema_of(DOCUMENTS[name]))
    return _VALIDATORS[name]


def test_every_document_parses_validates_and_round_trips(corpus: Corpus) -> None:
    for name, path in corpus.files:
        data = path.read_bytes()
        model = DOCUMENTS[name].parse(data)
        value = json.loads(data)
        assert model.to_json_value() == value, path
        if name == "price-report":  # the demo's simulated oracles and `por oracle submit` differ in the final newline
            assert model.to_bytes().rstrip(b"\n") == data.rstrip(b"\n"), path
        else:
            assert model.to_bytes() == data, path
        errors = [e.message for e in validator(name).iter_errors(value)]
        assert not errors, (path, errors[:3])


def test_the_corpus_covers_every_mode_and_optional_part(corpus: Corpus) -> None:
    proofs = [parse_client_proof(p.read_bytes()) for p in corpus.of("client-proof")]
    assert {p.mode for p in proofs} == {"committed", "plain"}
    assert {"linear", "compressed"} <= {"linear" if "node-range-linear" in p.statements else "compressed"
                                        for p in proofs if p.mode == "committed"}
    assert any(p.collateral is not None and p.mode == "committed" for p in proofs)
    assert any(p.collateral is not None and p.mode == "plain" for p in proofs)
    manifests = [parse_manifest(p.read_bytes()) for p in corpus.of("manifest")]
    assert any(m.signed.previous is None for m in manifests) and any(m.signed.previous for m in manifests)
    assert {m.signed.disclosure for m in manifests} >= {"auditor", "public"}
    public = [m.signed for m in manifests if m.signed.disclosure == "public"]
    assert public[0].liabilities and public[0].tree.leaf_count
    sets = [DOCUMENTS["solvency"].parse(p.read_bytes()) for p in corpus.of("solvency")]
    assert any(p.openings for s in sets for p in s.proofs.values())
    logs = [DOCUMENTS["ledger-log"].parse(p.read_bytes()) for p in corpus.of("ledger-log")]
    assert any(g.consistency_proof is not None and g.consistency_proof.proof is not None for g in logs)


def test_the_model_reads_the_manifest_as_the_protocol_text_says(corpus: Corpus) -> None:
    """The model's body bytes, hash and signed message are §9.4's as tests/forge.py computes them from
    the protocol's text, and a signature the forge makes verifies in the model."""
    other = Ed25519PrivateKey.generate()
    for path in corpus.of("manifest"):
        data = path.read_bytes()
        ours, raw = parse_manifest(data), Forged.from_bytes(data)
        assert ours.sha256 == raw.sha256 == hashlib.sha256(canonical.dumps(json.loads(data)["signed"])).hexdigest()
        assert ours.body_bytes == raw.body_bytes == canonical.dumps(json.loads(data)["signed"])
        assert ours.message == MANIFEST_DOMAIN + raw.body_bytes == b"por/v1/manifest\x00" + raw.body_bytes
        assert raw.to_bytes() == data
        assert ours.signed.tree.height == raw.signed["tree"]["height"]
        assert [c.asset for c in ours.signed.columns] == [c["asset"] for c in raw.signed["columns"]]
        cosigned = parse_manifest(raw.sign(other, "auditor", "auditor").to_bytes())
        aud = cosigned.signatures_by("auditor")[0]
        assert aud.key_id == key_id(aud.public_key) and cosigned.verify(aud.public_key, role="auditor")
        assert cosigned.sha256 == ours.sha256


def test_signed_envelope_verifies_the_operator_and_nothing_else(corpus: Corpus) -> None:
    data = corpus.of("manifest")[0].read_bytes()
    m = parse_manifest(data)
    op = m.signatures_by("operator")[0]
    assert op.key_id == key_id(op.public_key)
    assert m.verify(op.public_key) and m.verify(op.public_key.upper(), role="operator")
    assert not m.verify(op.public_key, role="auditor")
    other = Ed25519PrivateKey.generate()
    for junk in ("", "zz", "00" * 32, "00" * 31, None, 7, b"\x00" * 32):
        assert m.verify(junk) is False  # type: ignore[arg-type]
    # a co-signature is added without changing the body, hence the manifest hash
    cosigned = m.sign(other, "auditor", "auditor")
    assert cosigned.sha256 == m.sha256 and len(cosigned.signatures) == 2
    aud = cosigned.signatures_by("auditor")[0]
    assert cosigned.verify_signature(aud) and cosigned.verify(aud.public_key, role="auditor")
    again = parse_manifest(cosigned.to_bytes())
    assert again.verify(op.public_key, role="operator") and again.verify(aud.public_key, role="auditor")
    # the same body signed for another purpose does not verify as a manifest
    doc = json.loads(data)
    doc["signatures"][0]["signature"] = other.sign(b"por/v1/report\x00" + m.body_bytes).hex()
    doc["signatures"][0]["public_key"] = aud.public_key
    doc["signatures"][0]["key_id"] = aud.key_id
    assert not parse_manifest(canonical.dumps(doc)).verify(aud.public_key)


def test_the_signature_covers_the_bytes_received(corpus: Corpus) -> None:
    """A signature over a body the model would re-serialise the same way still needs the bytes
    received to verify; a body edited after signing does not verify."""
    doc = json.loads(corpus.of("manifest")[0].read_bytes())
    op_key = doc["signatures"][0]["public_key"]
    doc["signed"]["created_at"] = "2000-01-01T00:00:00Z"
    edited = parse_manifest(canonical.dumps(doc))
    assert edited.sha256 == hashlib.sha256(canonical.dumps(doc["signed"])).hexdigest()
    assert not edited.verify(op_key)


def test_report_signature_verifies_the_report(corpus: Corpus, demo: Any) -> None:
    sig_path = corpus.of("report-signature")[0]
    sig = DOCUMENTS["report-signature"].parse(sig_path.read_bytes())
    report = sig_path.with_name(sig_path.name.removesuffix(".sig")).read_bytes()
    pub = (demo.root / "keys" / "operator.pub").read_text().strip()
    assert sig.names_key(pub) and sig.verifies(report, pub)
    assert not sig.verifies(report + b" ", pub) and not sig.verifies(report, "00" * 32)
    assert sig.sha256 == hashlib.sha256(report).hexdigest() and sig.size == len(report)


def _height_20(proof: dict[str, Any]) -> bytes:
    """A well-formed (not valid) client proof of height 20 in the linear encoding (B = 1): the
    parser checks encodings and lengths only, so the path entries are copies of real ones."""
    k = len(proof["columns"])
    entries = proof["path"]
    path = []
    for level in range(20):
        e = json.loads(json.dumps(entries[min(level, len(entries) - 1)]))
        e["level"] = level
        if level > 0 and "leaf_id" in e["sibling"]:
            del e["sibling"]["leaf_id"]
            e["sibling"]["children"] = ["11" * 32, "22" * 32]
        path.append(e)
    out = dict(proof, height=20, path=path, position=(1 << 20) - 1)
    assert k and len(json.dumps(out)) > 100_000
    return json.dumps(out, separators=(",", ":"), sort_keys=True).encode()


def test_a_client_proof_of_height_20_parses_in_milliseconds(corpus: Corpus) -> None:
    real = next(p for p in corpus.of("client-proof") if json.loads(p.read_bytes())["mode"] == "committed"
                and json.loads(p.read_bytes())["block_size"] == 1)
    data = _height_20(json.loads(real.read_bytes()))
    parse_client_proof(data)  # warm
    runs = []
    for _ in range(20):
        t0 = time.perf_counter()
        p = parse_client_proof(data)
        runs.append(time.perf_counter() - t0)
    assert isinstance(p, ClientProof) and p.height == 20 and len(p.path) == 20
    best = min(runs)
    print(f"client proof of height 20, {len(data)} bytes: best {best * 1000:.2f} ms, "
          f"median {sorted(runs)[len(runs) // 2] * 1000:.2f} ms")
    assert best < 0.05, best  # a few ms on a laptop; generous for a loaded CI machine


def test_document_error_is_a_bundle_error_naming_document_and_field(corpus: Corpus) -> None:
    from por.errors import BundleError, PorError

    doc = json.loads(corpus.of("manifest")[0].read_bytes())
    doc["signed"]["tree"]["height"] = True
    with pytest.raises(DocumentError) as info:
        parse_manifest(canonical.dumps(doc))
    err = info.value
    assert isinstance(err, BundleError) and isinstance(err, PorError)
    assert err.document == "manifest.json" and err.path == "signed.tree.height"
    assert err.diagnostics() == "manifest.json: signed.tree.height: must be an integer from 1 to 40 (found true)"


def test_manifest_must_be_canonical(corpus: Corpus) -> None:
    data = corpus.of("manifest")[0].read_bytes()
    value = json.loads(data)
    for other in (json.dumps(value).encode(), json.dumps(value, sort_keys=True, indent=1).encode(), data + b"\n"):
        with pytest.raises(DocumentError, match="canonical"):
            parse_manifest(other)


@pytest.mark.parametrize("data, words", [
    (b"", "not valid JSON"), (b"\xff\xfe", "not UTF-8"), (b'{"a": 1.5}', "floats are not allowed"),
    (b'{"a": NaN}', "NaN is not allowed"), (b'{"a":1,"a":2}', "appears twice|not in canonical form"), (b"[" * 100_000, "nested"),
    (b"1" * 5000, "unusable JSON"), (b"[]", "must be an object"), (b"null", "must be an object"),
])
def test_unusable_json_is_a_document_error(data: bytes, words: str) -> None:
    for doc in DOCUMENTS.values():
        with pytest.raises(DocumentError, match=words):
            doc.parse(data)


def test_path_names_list_items_and_map_keys(corpus: Corpus) -> None:
    proof = json.loads(corpus.of("client-proof")[0].read_bytes())
    proof["path"][2]["sibling"]["columns"][1] = "zz"
    with pytest.raises(DocumentError) as info:
        parse_client_proof(json.dumps(proof).encode())
    assert info.value.path == "path[2].sibling.columns[1]"
    doc = json.loads(corpus.of("manifest")[0].read_bytes())
    doc["signed"]["prices"]["AAPL"] = 0
    with pytest.raises(DocumentError) as info:
        parse_manifest(canonical.dumps(doc))
    assert info.value.path == "signed.prices.AAPL" and "from 1 to 2^128 - 1" in str(info.value)


def test_models_are_frozen(corpus: Corpus) -> None:
    from pydantic import ValidationError

    m = parse_manifest(corpus.of("manifest")[0].read_bytes())
    with pytest.raises(ValidationError):
        m.signed.tree.height = 3  # type: ignore[misc]
    assert isinstance(m.signed.columns, tuple) and isinstance(m.signatures, tuple)


def test_client_proof_messages_keep_the_verifier_words(corpus: Corpus) -> None:
    """The sentences the client verifier's tests and users rely on (docs/protocol.md §7.2, §7.5, §7.10)."""
    base = json.loads(next(p for p in corpus.of("client-proof")
                           if json.loads(p.read_bytes())["mode"] == "plain").read_bytes())

    def msg(edit: Any) -> str:
        d = json.loads(json.dumps(base))
        edit(d)
        with pytest.raises(DocumentError) as info:
            parse_client_proof(json.dumps(d).encode())
        return str(info.value)

    assert "refused" in msg(lambda d: d.update(format="por-client-proof/1"))
    assert "no leaf format" in msg(lambda d: d.pop("leaf_format"))
    assert "por-leaf/1" in msg(lambda d: d.update(leaf_format="por-leaf/1"))
    assert "unknown leaf format" in msg(lambda d: d.update(leaf_format=2))
    assert "block_size" in msg(lambda d: d.update(block_size=3))
    assert "negative" in msg(lambda d: d["path"][1]["sibling"]["columns"].__setitem__(0, "-90"))
    assert "path must list" in msg(lambda d: d["path"].pop())
    assert ">= 2^64" in msg(lambda d: d["values"].__setitem__(0, str(2**64)))


def test_schemas_cover_every_document() -> None:
    assert set(DOCUMENTS) == {p.name.removesuffix(".schema.json")
                              for p in (Path(__file__).resolve().parents[2] / "docs" / "schemas").glob("*.json")}
