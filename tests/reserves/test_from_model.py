"""The reserves objects built from the published models (what the verifiers hand over), and the
dict and file readers going through those same models: one validator per document (issue 15)."""

from __future__ import annotations

import copy
import dataclasses
import json
import re
from pathlib import Path

import pytest

from por.bundle import parse_attestation, parse_keyring, parse_price_report
from por.bundle._model import validate
from por.bundle.reserves import EpochContext as EpochContextModel
from por.bundle.solvency import SolvencyProof
from por.crypto import pedersen
from por.crypto.scalar import SeededRandom
from por.errors import EncodingError, UsageError
from por.reserves import attestation as A
from por.reserves import oracle as O
from por.reserves.keyring import Keyring, Member
from por.reserves.policy import EpochContext
from por.reserves.solvency import prove_solvency, verify_solvency

from .conftest import NONCE, World


def _bytes(doc: object) -> bytes:
    return json.dumps(doc, indent=2, sort_keys=True).encode()


def _attestation(w: World) -> A.Attestation:
    att = A.request("2024-06", "bank-a", "BTC", 5_000_000, "vault-1", "2024-06-30T12:00:00Z", NONCE)
    return A.sign(A.sign(att, "bank-a", w.secret["bank-a"]), "auditor", w.secret["auditor"])


def test_attestation_from_its_model_is_the_one_read_from_its_file(world: World, tmp_path: Path) -> None:
    att = _attestation(world)
    model = parse_attestation(_bytes(att.to_dict()))
    assert A.Attestation.from_model(model) == att == A.Attestation.from_dict(att.to_dict())
    att.dump(tmp_path / "a.json")
    assert A.Attestation.load(tmp_path / "a.json") == att
    assert A.Attestation.from_model(model).statement.encode() == model.statement.encode()


@pytest.mark.parametrize("edit,field", [
    (lambda d: d["signatures"][0]["signers"][0].update(public_key="0x" + d["signatures"][0]["signers"][0]["public_key"]),
     "signatures[0].signers[0].public_key"),
    (lambda d: d["signatures"].append(copy.deepcopy(d["signatures"][0])), "signatures"),
    (lambda d: d.pop("signatures"), "signatures"),
    (lambda d: d.update(colour="red"), "colour"),
])
def test_attestation_readers_refuse_what_the_model_refuses(world: World, edit: object, field: str) -> None:
    """A "0x" key, a signer named twice, no signatures list, an unknown field: the old reader let
    them through; every reader is now the model, so they are refused wherever they are read."""
    d = _attestation(world).to_dict()
    edit(d)  # type: ignore[operator]
    with pytest.raises(EncodingError, match=re.escape(f"attestation: {field}")):
        A.Attestation.from_dict(d)
    with pytest.raises(EncodingError, match=re.escape(f"attestation: {field}")):
        A.Attestation.from_json(_bytes(d))


def test_a_statement_is_validated_and_encoded_by_its_model() -> None:
    st = A.request("2024-06", "bank-a", "BTC", 5, "vault-1", "2024-06-30T12:00:00Z", NONCE).statement
    assert st.encode() == st.model().encode() and st.message == st.model().message()
    with pytest.raises(EncodingError, match="attestation statement: as_of: must be a UTC time"):
        dataclasses.replace(st, as_of="2024-06-31T12:00:00Z").encode()


def test_price_report_from_its_model(world: World, tmp_path: Path) -> None:
    r = O.PriceReport("oracle-1", "BTC", 6_000_000_000_000, "2024-06-30T11:59:00Z", "2024-06", "2024-06-30T12:00:00Z")
    sr = O.sign_report(r, bls_secret_key=world.secret["oracle-1"])
    model = parse_price_report(_bytes(sr.to_dict()))
    assert O.SignedReport.from_model(model) == sr == O.SignedReport.from_dict(sr.to_dict())
    (tmp_path / "r.json").write_bytes(_bytes(sr.to_dict()))
    assert O.SignedReport.load(tmp_path / "r.json") == sr
    short = {**sr.to_dict(), "signature": sr.signature.hex()[:128]}  # an Ed25519 length under scheme bls
    with pytest.raises(EncodingError, match="price report: signature: must be 96 bytes"):
        O.SignedReport.from_dict(short)
    for price, why in ((0, "report.price_e8: must be an integer from 1"), (1.5, "floats are not allowed")):
        (tmp_path / "bad.json").write_bytes(_bytes({**sr.to_dict(), "report": {**r.to_dict(), "price_e8": price}}))
        with pytest.raises(EncodingError, match=why):
            O.SignedReport.load(tmp_path / "bad.json")


def test_keyring_from_its_model(world: World) -> None:
    doc = world.keyring.to_dict()
    kr = Keyring.from_model(parse_keyring(_bytes(doc)))
    assert kr.to_dict() == doc == Keyring.from_dict(doc).to_dict()
    assert kr.get("oracle-4") == world.keyring.get("oracle-4")  # an Ed25519-only member
    member = doc["members"][0]
    assert Member.from_dict(member) == Member.from_model(parse_keyring(_bytes(doc)).members[0])
    for bad, field in (({k: v for k, v in member.items() if k != "revoked_at"}, "members[0].revoked_at"),
                       ({**member, "roles": ["janitor"]}, "members[0].roles[0]"),
                       ({**member, "bls_public_key": ""}, "members[0].bls_public_key")):
        with pytest.raises(UsageError, match=re.escape(f"keyring.json: {field}")):
            Keyring.from_dict({**doc, "members": [bad]})


def test_epoch_context_from_its_model() -> None:
    d = {"epoch_id": "2024-06", "nonce": NONCE, "window_start": "2024-06-30T00:00:00Z",
         "window_end": "2024-06-30T23:59:59Z"}
    ctx = EpochContext.from_model(validate(EpochContextModel, d, "epoch context"))
    assert ctx == EpochContext.from_dict(d) == EpochContext("2024-06", NONCE, d["window_start"], d["window_end"])
    for bad, field in (({**d, "nonce": NONCE.upper()}, "nonce"), ({**d, "window_end": "2024-06-29T00:00:00Z"},
                                                                   "window_end"), ({**d, "extra": 1}, "extra")):
        with pytest.raises(UsageError, match=f"epoch context: {field}"):
            EpochContext.from_dict(bad)


def test_solvency_proof_from_its_model_verifies_as_its_json() -> None:
    roots = {"equity": pedersen.commit(1_000, 7), "debt": pedersen.commit(250, 9)}
    doc, _ = prove_solvency("BTC", 800, roots, {"equity": (1_000, 7), "debt": (250, 9)}, "2024-06", NONCE, "public",
                            rng=SeededRandom(3))
    model = validate(SolvencyProof, doc, "solvency proof")
    by_model = verify_solvency(model, epoch_id="2024-06", nonce=NONCE, root_commitments=roots, reserves=800)
    by_json = verify_solvency(doc, epoch_id="2024-06", nonce=NONCE, root_commitments=roots, reserves=800)
    assert by_model.ok and by_model.to_dict() == by_json.to_dict()
    assert [c.id for c in by_model.checks] == ["solvency.BTC.format", "solvency.BTC.epoch", "solvency.BTC.commitments",
                                               "solvency.BTC.reserves", "solvency.BTC.proof",
                                               "solvency.BTC.public-opening"]
    wrong = copy.deepcopy(doc)
    wrong["openings"]["debt"]["value"] += 1
    r = verify_solvency(validate(SolvencyProof, wrong, "solvency proof"), epoch_id="2024-06", nonce=NONCE)
    assert [c.id for c in r.failures] == ["solvency.BTC.public-opening"]
    r = verify_solvency({**doc, "nonce": NONCE.upper()}, epoch_id="2024-06", nonce=NONCE)
    assert [c.id for c in r.failures] == ["solvency.BTC.format"] and "solvency proof: nonce" in r.failures[0].message
