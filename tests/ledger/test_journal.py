"""Happy paths: postings, idempotency, membership, snapshot, transparency log, keys, amounts."""

from __future__ import annotations

import json
import os
import stat

import pytest

from por.errors import LedgerError, PermissionDeniedError, UsageError
from por.ledger import Signer, keys, verify_consistency, verify_inclusion
from por.ledger.canonical import format_amount, parse_amount
from por.ledger.log import EMPTY_ROOT, root_of_leaves

from .conftest import World, build_world, signer


def test_deposit_transfer_and_idempotency(world: World) -> None:
    led, op = world.led, world.op
    r1 = led.transfer(op, "alice:cash", "bob:cash", "USD", 2_500, idem="t-1")
    r2 = led.transfer(op, "alice:cash", "bob:cash", "USD", 2_500, idem="t-1")
    assert r2.replayed and r2.seq == r1.seq
    assert led.balance("alice:cash")["USD"]["main"] == 97_500
    assert led.balance("bob:cash")["USD"]["main"] == 52_500
    totals = led.totals()
    assert sum(totals["USD"].values()) == 0
    assert led.verify().ok


def test_membership_quorum_rotation_and_bls(world: World) -> None:
    led, op, au = world.led, world.op, world.au
    new = signer("newbie")
    with pytest.raises(PermissionDeniedError, match="governors"):
        led.add_member([op], "newbie", ["approver"], new.public_hex)
    led.add_member([op, au], "newbie", ["approver"], new.public_hex)
    rotated = signer("newbie-2")
    led.rotate_key([new], "newbie", rotated.public_hex)  # self-rotation with the current key
    with pytest.raises(Exception, match="does not verify"):
        led.add_member([op, au], "x", ["oracle"], rotated.public_hex) and None
        led.submit(Signer("newbie", new.key), "withdraw.approve", {"id": "nope"})
    from por.crypto import bls

    sk = bls.generate_secret_key()
    pk, pop = bls.sk_to_pk(sk), bls.pop_prove(sk)
    led.set_bls_key([world.bank], "bank", pk.hex(), pop.hex())
    m = {x["id"]: x for x in led.members()}
    assert m["bank"]["bls_public_key"] == pk.hex() and m["bank"]["bls_pop"] == pop.hex()
    assert m["newbie"]["ed25519"] == rotated.public_hex
    led.revoke_member([op, au], "newbie")
    with pytest.raises(PermissionDeniedError, match="revoked"):
        led.submit(Signer("newbie", rotated.key), "withdraw.approve", {"id": "x"})
    assert led.verify().ok


def test_snapshot_streams_client_rows_at_a_sequence(world: World) -> None:
    led, op = world.led, world.op
    seq_before = led.head()["seq"]
    led.post_price(world.oracle, "AAPL", 150_00000000)
    led.deposit(op, "alice:margin", "USD", 100_000)
    led.margin_trade(op, "alice:margin", "AAPL", 10_0000, "buy")  # 1500 USD: borrows 500
    with led.snapshot() as s:
        assert s.columns == sorted(s.columns)
        assert s.asset_decimals == {"AAPL": 4, "MSFT": 0, "USD": 2}
        rows = dict(s.rows())
        ix = {c: i for i, c in enumerate(s.columns)}
        assert set(rows) == {"alice:cash", "alice:margin", "bob:cash"}
        assert rows["alice:margin"][ix[("USD", "debt")]] == 50_000
        assert rows["alice:margin"][ix[("AAPL", "equity")]] == 10_0000
        # writers appending meanwhile do not change the snapshot
        led.deposit(op, "bob:cash", "USD", 1)
        assert dict(s.rows())["bob:cash"][ix[("USD", "equity")]] == 50_000
    with led.snapshot(seq_before) as s:
        rows = dict(s.rows())
        assert rows["alice:margin"] == (0,) * len(s.columns)
        assert s.seq == seq_before


def test_log_proofs_verify_without_database(world: World) -> None:
    led = world.led
    old_size, old_root = led.log_root()
    for i in range(5):
        led.deposit(world.op, "bob:cash", "USD", 1 + i)
    size, root = led.log_root()
    proof = json.loads(json.dumps(led.consistency_proof(old_size, size)))
    assert verify_consistency(old_size, old_root, size, root, proof)
    assert not verify_consistency(old_size, root, size, root, proof)
    assert not verify_consistency(old_size, old_root, size, old_root, proof)
    assert not verify_consistency(old_size, old_root, size, root, {"garbage": 1})
    assert verify_consistency(0, EMPTY_ROOT, size, root, None)
    # the published model of the proof (ledger-log.json's consistency_proof), as the auditor parsed it
    from por.bundle._model import validate
    from por.bundle.ledger_log import ConsistencyProof

    model = validate(ConsistencyProof, proof, "consistency proof")
    assert verify_consistency(old_size, old_root, size, root, model)
    assert not verify_consistency(old_size, root, size, root, model)
    bent = json.loads(json.dumps(proof))
    bent["proof"]["path"][0] = "00" * 32
    assert not verify_consistency(old_size, old_root, size, root, validate(ConsistencyProof, bent, "consistency proof"))
    assert not verify_consistency(old_size, old_root, size, root, model.model_copy(update={"proof": None}))
    inc = led.inclusion_proof(3)
    assert verify_inclusion(3, inc["leaf_hash"], size, root, inc)
    assert not verify_inclusion(4, inc["leaf_hash"], size, root, inc)
    assert led.log_root(old_size) == (old_size, old_root)


def test_root_of_leaves_matches_pymerkle() -> None:
    from pymerkle import InmemoryTree

    for n in (1, 2, 3, 5, 8, 13):
        t = InmemoryTree()
        datas = [f"leaf{i}".encode() for i in range(n)]
        for d in datas:
            t.append_entry(d)
        assert root_of_leaves([t.hash_buff(d) for d in datas]) == t.get_root().hex()


def test_keys_files(tmp_path) -> None:  # type: ignore[no-untyped-def]
    k = keys.generate()
    p = keys.save(k, tmp_path / "a.key", passphrase="s3cret")
    assert stat.S_IMODE(os.stat(p).st_mode) == 0o600
    assert keys.public_key_hex(keys.load(p, "s3cret")) == keys.public_key_hex(k)
    with pytest.raises(UsageError, match="passphrase"):
        keys.load(p)
    with pytest.raises(UsageError):
        keys.load(p, "wrong")
    with pytest.raises(UsageError, match="exists"):
        keys.save(k, p)
    p2 = keys.save(k, tmp_path / "b.key")
    assert keys.public_key_hex(keys.load(p2)) == keys.public_key_hex(k)


@pytest.mark.parametrize("value,decimals,expected", [("12.34", 2, 1234), ("1", 0, 1), ("0.0001", 4, 1), (5, 2, 5)])
def test_parse_amount_ok(value, decimals, expected) -> None:  # type: ignore[no-untyped-def]
    assert parse_amount(value, decimals) == expected


@pytest.mark.parametrize("value", [1.5, "12.345", "-1", "1e3", "abc", "NaN", True, None])
def test_parse_amount_refuses(value) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(LedgerError):
        parse_amount(value, 2)


def test_format_amount() -> None:
    assert format_amount(5, 2) == "0.05" and format_amount(-1234, 2) == "-12.34" and format_amount(7, 0) == "7"


def test_config_at_replays_the_governed_settings_at_a_sequence(db) -> None:  # type: ignore[no-untyped-def]
    """``config_at(seq)`` is what was in force after entry ``seq``: genesis settings, then every
    ``config.set`` up to it (dict settings merged key by key), whatever was set later."""
    led = db.open()
    try:
        w = build_world(led, config={"breaker": {"move_bps": 1500}})
        govs = [w.op, w.au]
        s0 = led.head()["seq"]
        r1 = led.set_config(govs, "withdraw", {"cooling_s": 60})
        r2 = led.set_config(govs, "breaker", {"window_s": 10})
        r3 = led.set_config(govs, "withdraw", {"cooling_s": 7200, "approvals_required": 3})
        at0, at1, at2, at3 = (led.config_at(s) for s in (s0, r1.seq, r2.seq, r3.seq))
        assert at0["breaker"] == {"move_bps": 1500, "window_s": 3600, "max_age_s": 86400}
        assert at0["withdraw"]["cooling_s"] == 3600
        assert at1["withdraw"]["cooling_s"] == 60 and at1["breaker"]["window_s"] == 3600
        assert at2["breaker"] == {"move_bps": 1500, "window_s": 10, "max_age_s": 86400}
        assert at2["withdraw"]["approvals_required"] == 2
        assert at3["withdraw"]["cooling_s"] == 7200 and at3["withdraw"]["approvals_required"] == 3
        now = led.config()
        assert {k: now[k] for k in at3 if k in now} == {k: at3[k] for k in at3 if k in now}
        assert "reserves" not in led.config_at(r3.seq)
    finally:
        led.close()


def test_member_history_replays_membership_at_each_entry(db) -> None:  # type: ignore[no-untyped-def]
    """``member_history()``: the members after every membership entry, equal to the member table at
    that point; later roles, rotations and revocations do not rewrite earlier states."""
    led = db.open()
    try:
        w = build_world(led)
        govs = [w.op, w.au]
        before = led.members()
        r1 = led.set_roles(govs, "clerk", ["regulator", "approver"])
        r2 = led.rotate_key(govs, "bank", keys.public_key_hex(keys.from_seed("test/bank-2")))
        after_rotate = led.members()
        led.deposit(w.op, "alice:cash", "USD", 5)  # not a membership entry: no new state
        r3 = led.revoke_member(govs, "clerk")
        history = led.member_history()
        seqs = [s for s, _ in history]
        assert seqs == sorted(seqs) and seqs[0] == 1 and seqs[-3:] == [r1.seq, r2.seq, r3.seq]
        states = dict(history)
        assert states[seqs[-4]] == before
        clerk = {s: next(m for m in ms if m["id"] == "clerk") for s, ms in history[-3:]}
        assert clerk[r1.seq]["roles"] == ["approver", "regulator"] and clerk[r1.seq]["status"] == "active"
        assert states[r2.seq] == after_rotate
        assert clerk[r3.seq]["status"] == "revoked" and states[r3.seq] == led.members()
        bank = {s: next(m for m in ms if m["id"] == "bank")["ed25519"] for s, ms in history[-4:]}
        assert bank[seqs[-4]] != bank[r2.seq] == keys.public_key_hex(keys.from_seed("test/bank-2"))
    finally:
        led.close()
