"""Attestations: encoding, signing, aggregation, and every way a statement fails to count."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from pathlib import Path

import pytest

from por.crypto import bls
from por.errors import EncodingError, UsageError
from por.reserves import attestation as A
from por.reserves.policy import Malformed, evaluate, load_attestations

from .conftest import NONCE, World


def _req(custodian: str = "bank-a", amount: int = 5_000_000, asset: str = "BTC", account: str = "vault-1",
         as_of: str = "2024-06-30T12:00:00Z", nonce: str = NONCE) -> A.Attestation:
    return A.request("2024-06", custodian, asset, amount, account, as_of, nonce)


def _signed(w: World, *signers: str, **kw: object) -> A.Attestation:
    att = _req(**kw)  # type: ignore[arg-type]
    for s in signers:
        att = A.sign(att, s, w.secret[s])
    return att


def _one(w: World, att: object) -> tuple[bool, str, str]:
    ev = evaluate([att], w.keyring, w.policies, w.epoch)  # type: ignore[list-item]
    o = ev.outcomes[0]
    assert ev.result.checks[0].ok is o.counted
    return o.counted, o.reason, o.message


# ------------------------------------------------------------------------------- the encoding

def test_encoding_is_fixed_and_length_prefixed() -> None:
    st = _req().statement
    enc = st.encode()
    expect = b"".join([
        (6).to_bytes(4, "big"), b"por-v1",
        (7).to_bytes(4, "big"), b"2024-06",
        (6).to_bytes(4, "big"), b"bank-a",
        (3).to_bytes(4, "big"), b"BTC",
        (5_000_000).to_bytes(16, "big"),
        (7).to_bytes(4, "big"), b"vault-1",
        (20).to_bytes(4, "big"), b"2024-06-30T12:00:00Z",
        (32).to_bytes(4, "big"), bytes.fromhex(NONCE),
    ])
    assert enc == expect
    # the BLS message is the domain-separated signing input of protocol §1.1 / §8.2
    assert st.message == b"por/v1/reserve-attestation\x00" + expect
    assert A.STATEMENT_DOMAIN == b"por/v1/reserve-attestation\x00"
    assert st.statement_id == hashlib.sha256(st.message).hexdigest()
    # no two field splits give the same bytes (length prefixes): "ab"+"c" vs "a"+"bc"
    s1 = dataclasses.replace(st, custodian_id="ab", asset="c")
    s2 = dataclasses.replace(st, custodian_id="a", asset="bc")
    assert s1.encode() != s2.encode()


@pytest.mark.parametrize("field,value", [
    ("amount", -1), ("amount", 1 << 128), ("amount", 1.5), ("amount", True), ("as_of", "2024-06-30 12:00:00"),
    ("as_of", "2024-06-30T12:00:00+00:00"), ("as_of", "2024-02-30T12:00:00Z"), ("challenge", "A1"),
    ("challenge", "abc"), ("asset", ""), ("custodian_id", "x" * 300), ("account_ref", "a\nb"), ("protocol", "por-v2"),
])
def test_bad_statement_fields_are_refused(field: str, value: object) -> None:
    st = dataclasses.replace(_req().statement, **{field: value})
    with pytest.raises(EncodingError):
        st.encode()


def test_file_round_trip_and_tamper_detection(world: World, tmp_path) -> None:  # type: ignore[no-untyped-def]
    att = _signed(world, "bank-a", "auditor")
    p = tmp_path / "a.json"
    att.dump(p)
    assert A.Attestation.load(p) == att
    d = json.loads(p.read_text())
    d["statement"]["amount"] += 1  # the id no longer matches the fields
    with pytest.raises(EncodingError, match="statement_id"):
        A.Attestation.from_dict(d)
    for bad in ["{", "[]", json.dumps({"format": "por-attestation/9"}), json.dumps({**d, "statement": {}})]:
        with pytest.raises(EncodingError):
            A.Attestation.from_json(bad)


def test_sign_twice_and_aggregate_rules(world: World) -> None:
    att = _signed(world, "bank-a")
    with pytest.raises(UsageError):
        A.sign(att, "bank-a", world.secret["bank-a"])
    with pytest.raises(UsageError):
        A.aggregate(_req())
    two = A.sign(att, "auditor", world.secret["auditor"])
    agg = A.aggregate(two)
    assert len(agg.signatures) == 1 and agg.signatures[0].signer_ids == ("bank-a", "auditor")
    assert bls.fast_aggregate_verify([pk for _, pk in agg.signatures[0].signers], agg.message, agg.signatures[0].signature)


def test_merge_separately_signed_copies(world: World) -> None:
    a = _signed(world, "bank-a")
    b = A.sign(_req(), "auditor", world.secret["auditor"])
    m = A.merge([a, b, a])
    assert m.signer_ids == ["bank-a", "auditor"]
    with pytest.raises(UsageError):
        A.merge([a, _signed(world, "auditor", amount=1)])


# ----------------------------------------------------------------------------- evaluation

def test_counted_individual_and_aggregated(world: World) -> None:
    att = _signed(world, "bank-a", "auditor")
    assert _one(world, att)[:2] == (True, "counted")
    assert _one(world, A.aggregate(att))[:2] == (True, "counted")
    ev = evaluate([att, _signed(world, "bank-a", asset="USD", amount=10**9)], world.keyring, world.policies, world.epoch)
    assert ev.totals() == {"BTC": 5_000_000, "USD": 10**9}
    assert ev.result.ok


def test_changed_amount_is_not_counted(world: World) -> None:
    att = _signed(world, "bank-a", "auditor")
    forged = dataclasses.replace(att, statement=dataclasses.replace(att.statement, amount=50_000_000))
    counted, reason, msg = _one(world, forged)
    assert not counted and reason == "bad-signature" and "amount" in msg
    counted, reason, _ = _one(world, dataclasses.replace(A.aggregate(att), statement=forged.statement))
    assert (counted, reason) == (False, "bad-signature")


def test_key_without_custodian_role(world: World) -> None:
    # the statement names a member who is a client, not a custodian
    counted, reason, msg = _one(world, _signed(world, "client-x", "auditor", custodian="client-x"))
    assert (counted, reason) == (False, "no-custodian-role") and "client-x" in msg


def test_revoked_key(world: World) -> None:
    counted, reason, msg = _one(world, _signed(world, "bank-old", "auditor", custodian="bank-old"))
    assert (counted, reason) == (False, "revoked-key") and "revoked" in msg
    # a revoked co-signer's signature does not count towards the quorum either
    kr = world.keyring
    aud = kr.members["auditor"]
    kr.members["auditor"] = dataclasses.replace(aud, revoked_at="2024-06-15T00:00:00Z")
    counted, reason, msg = _one(world, _signed(world, "bank-a", "auditor"))
    assert (counted, reason) == (False, "quorum-short") and "revoked" in msg


def test_wrong_epoch_nonce(world: World) -> None:
    counted, reason, msg = _one(world, _signed(world, "bank-a", "auditor", nonce="b2" * 32))
    assert (counted, reason) == (False, "wrong-nonce") and "nonce" in msg


def test_wrong_epoch_id(world: World) -> None:
    att = A.sign(A.request("2024-05", "bank-a", "BTC", 1, "v", "2024-06-30T12:00:00Z", NONCE), "bank-a",
                 world.secret["bank-a"])
    assert _one(world, att)[1] == "wrong-epoch"


@pytest.mark.parametrize("as_of", ["2024-06-29T23:59:59Z", "2024-07-01T00:00:00Z"])
def test_as_of_outside_window(world: World, as_of: str) -> None:
    counted, reason, msg = _one(world, _signed(world, "bank-a", "auditor", as_of=as_of))
    assert (counted, reason) == (False, "outside-window") and as_of in msg


def test_window_edges_are_inclusive(world: World) -> None:
    for t in ["2024-06-30T00:00:00Z", "2024-06-30T23:59:59Z"]:
        assert _one(world, _signed(world, "bank-a", "auditor", as_of=t))[0]


def test_statement_counted_twice(world: World) -> None:
    att = _signed(world, "bank-a", "auditor")
    ev = evaluate([("one.json", att), ("two.json", A.aggregate(att))], world.keyring, world.policies, world.epoch)
    assert [o.reason for o in ev.outcomes] == ["counted", "duplicate"]
    assert "one.json" in ev.outcomes[1].message
    assert ev.totals() == {"BTC": 5_000_000}
    # the same account attested twice with a different amount is also refused the second time
    other = _signed(world, "bank-a", "auditor", amount=7)
    ev = evaluate([att, other], world.keyring, world.policies, world.epoch)
    assert [o.reason for o in ev.outcomes] == ["counted", "duplicate"]


def test_quorum_short_by_one(world: World) -> None:
    counted, reason, msg = _one(world, _signed(world, "bank-a"))
    assert (counted, reason) == (False, "quorum-short") and "short by 1" in msg


def test_custodian_must_sign_its_own_statement(world: World) -> None:
    att = _signed(world, "auditor", "bank-b")  # statement names bank-a, which did not sign
    assert _one(world, att)[1] == "custodian-did-not-sign"


def test_rogue_key_aggregate_without_pop(world: World) -> None:
    """Mallory registers pk_m = x*G - pk_a and 'co-signs' with x alone: the aggregate verifies, PoP does not."""
    att = _req()
    mallory_pk = world.keyring.members["mallory"].bls_public_key
    bank_pk = world.keyring.members["bank-a"].bls_public_key
    forged_sig = bls.sign(world.secret["mallory"], att.message)
    assert bls.fast_aggregate_verify([bank_pk, mallory_pk], att.message, forged_sig)  # the attack works on raw BLS
    entry = A.SignatureEntry((("bank-a", bank_pk), ("mallory", mallory_pk)), forged_sig)
    counted, reason, msg = _one(world, dataclasses.replace(att, signatures=(entry,)))
    assert (counted, reason) == (False, "no-pop") and "proof of possession" in msg


def test_signer_not_in_policy_and_unknown_signer(world: World) -> None:
    att = _signed(world, "bank-a", "bank-b", asset="USD", amount=3)
    # bank-b is not a USD signer; quorum for USD is 1 so the statement still counts, and says what it ignored
    counted, reason, msg = _one(world, att)
    assert counted and "bank-b" in msg and "not a signer" in msg
    ghost = bls.keygen(b"g" * 32)
    e = A.SignatureEntry((("ghost", bls.sk_to_pk(ghost)),), bls.sign(ghost, _req().message))
    att = dataclasses.replace(_signed(world, "bank-a"), signatures=_signed(world, "bank-a").signatures + (e,))
    counted, reason, msg = _one(world, att)
    assert (counted, reason) == (False, "quorum-short") and "ghost" in msg


def test_key_mismatch(world: World) -> None:
    att = _req()
    other = world.secret["bank-b"]
    e = A.SignatureEntry((("bank-a", bls.sk_to_pk(other)),), bls.sign(other, att.message))
    assert _one(world, dataclasses.replace(att, signatures=(e,)))[1] == "key-mismatch"


def test_custodian_not_in_policy_and_no_policy(world: World) -> None:
    assert _one(world, _signed(world, "bank-b", custodian="bank-b", asset="USD"))[1] == "custodian-not-in-policy"
    assert _one(world, _signed(world, "bank-a", asset="ETH"))[1] == "no-policy"


def test_garbage_signature_bytes_do_not_raise(world: World) -> None:
    att = _req()
    pk = world.keyring.members["bank-a"].bls_public_key
    for sig in [b"", b"\x00" * 96, b"\xff" * 96, bls.G2_IDENTITY]:
        e = A.SignatureEntry((("bank-a", pk),), sig)
        assert _one(world, dataclasses.replace(att, signatures=(e,)))[1] == "bad-signature"


def test_malformed_files_are_reported_not_raised(world: World, tmp_path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "bad.json").write_text("{not json")
    good = _signed(world, "bank-a", "auditor")
    good.dump(tmp_path / "good.json")
    items = load_attestations([tmp_path / "bad.json", tmp_path / "good.json", tmp_path / "missing.json"])
    assert isinstance(items[0][1], Malformed)
    ev = evaluate(items, world.keyring, world.policies, world.epoch)
    assert [o.reason for o in ev.outcomes] == ["malformed", "counted", "malformed"]
    assert not ev.result.ok and "bad.json" in ev.result.failures[0].id


def test_one_bad_signature_among_many_is_named(world: World) -> None:
    atts = [_signed(world, "bank-a", "auditor", account=f"v{i}") for i in range(6)]
    bad = dataclasses.replace(atts[3], statement=dataclasses.replace(atts[3].statement, amount=1))
    atts[3] = bad
    ev = evaluate(atts, world.keyring, world.policies, world.epoch)
    assert [o.counted for o in ev.outcomes] == [True, True, True, False, True, True]
    assert ev.outcomes[3].reason == "bad-signature"


def test_documented_example_bytes() -> None:
    """The example of docs/protocol.md §8.2, byte for byte (the hex there is this message)."""
    msg = _req().statement.message
    doc = (Path(__file__).resolve().parents[2] / "docs" / "protocol.md").read_text()
    assert msg.hex() in doc.replace(" ", "").replace("\n", ""), "the §8.2 example is not the encoded message"


def test_attestation_signature_does_not_verify_for_another_purpose(world: World) -> None:
    """A custodian's BLS signature over a statement is bound to the v1/reserve-attestation domain: the
    same key's signature over the same bytes for any other purpose (a price report, a manifest) does
    not verify as the attestation, nor the attestation's as theirs."""
    from por.signing import PURPOSES, signing_input

    att = _signed(world, "bank-a")
    sig = att.signatures[0].signature
    pk = bls.sk_to_pk(world.secret["bank-a"])
    body = att.statement.encode()
    assert bls.verify(pk, signing_input("v1/reserve-attestation", body), sig)
    for purpose in PURPOSES:
        if purpose == "v1/reserve-attestation":
            continue
        assert not bls.verify(pk, signing_input(purpose, body), sig), purpose
        other = bls.sign(world.secret["bank-a"], signing_input(purpose, body))
        forged = A.Attestation(att.statement, (A.SignatureEntry((("bank-a", pk),), other),))
        assert not bls.verify(pk, forged.message, other), purpose
    assert not bls.verify(pk, body, sig)  # nor the undomained bytes
