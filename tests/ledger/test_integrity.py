"""The ledger's own integrity against an operator who lies (issue 14, item 5; rows H and I).

Each test stages the attack as the operator would (holding the operator key and the database) and
shows the append path refuses it, or ``por ledger verify`` fails with a named check naming the row.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text, update

from por.errors import IdempotencyConflictError, LedgerError, LedgerIntegrityError, SignatureError
from por.ledger import Entry, Ledger, Signer, make_entry
from por.ledger import canonical as lc
from por.ledger.journal import chain_hash, leaf_hash, record_bytes, sigs_bytes
from por.ledger.margin import merge
from por.ledger.tables import approval_t, balance_t, head_t, journal_t, posting_t, withdrawal_t

from .conftest import DB, World, build_world, signer


def _failures(led: Ledger, root: tuple[int, str] | None = None) -> dict[str, str]:
    led.clear_caches()
    res = led.verify(root)
    return {c.id: c.message for c in res.failures}


def _rechain(led: Ledger, start: int) -> None:
    """What a database writer does after editing rows: recompute prev, chain hash and leaf of every
    entry from ``start`` on, and the head, so that the chain and the log are consistent again."""
    with led.engine.begin() as c:
        prev = c.execute(select(journal_t.c.entry_hash).where(journal_t.c.seq == start - 1)).scalar()
        for r in c.execute(select(journal_t).where(journal_t.c.seq >= start).order_by(journal_t.c.seq)).all():
            rec = record_bytes(r.seq, prev, r.body.encode(), r.sigs.encode())
            h = chain_hash(rec)
            c.execute(update(journal_t).where(journal_t.c.seq == r.seq).values(
                prev_hash=prev, entry_hash=h, leaf_hash=leaf_hash(rec)))
            prev = h
        c.execute(update(head_t).values(entry_hash=prev))
    led.clear_caches()


def _swap(led: Ledger, a: int, b: int) -> None:
    """Swap two journal entries (bodies, signatures, columns, posting rows) and re-chain."""
    with led.engine.begin() as c:
        ra = c.execute(select(journal_t).where(journal_t.c.seq == a)).one()
        rb = c.execute(select(journal_t).where(journal_t.c.seq == b)).one()
        cols = ("type", "signer", "idem", "time", "body", "sigs")
        # a unique idem column: clear both first
        c.execute(update(journal_t).where(journal_t.c.seq.in_((a, b))).values(idem=None))
        c.execute(update(journal_t).where(journal_t.c.seq == a).values(**{k: getattr(rb, k) for k in cols}))
        c.execute(update(journal_t).where(journal_t.c.seq == b).values(**{k: getattr(ra, k) for k in cols}))
        c.execute(update(posting_t).where(posting_t.c.entry_seq == a).values(entry_seq=-1))
        c.execute(update(posting_t).where(posting_t.c.entry_seq == b).values(entry_seq=a))
        c.execute(update(posting_t).where(posting_t.c.entry_seq == -1).values(entry_seq=b))
    _rechain(led, min(a, b))


def _raw_append(led: Ledger, entry: Entry) -> int:
    """Write a signed entry straight into the tables (journal row chained at the head, its posting rows,
    the balances), skipping every check of the append path: what a database writer can do."""
    head = led.head()
    seq = head["seq"] + 1
    sb = sigs_bytes(entry.sigs)
    rec = record_bytes(seq, head["entry_hash"], entry.body_bytes, sb)
    h = chain_hash(rec)
    with led.engine.begin() as c:
        c.execute(journal_t.insert(), [{"seq": seq, "type": entry.type, "signer": entry.signer, "idem": None,
                                        "time": entry.time, "body": entry.body_bytes.decode(), "sigs": sb.decode(),
                                        "prev_hash": head["entry_hash"], "entry_hash": h, "leaf_hash": leaf_hash(rec)}])
        for i, (acct, asset, book, amount) in enumerate(entry.payload["postings"]):
            c.execute(posting_t.insert(), [{"entry_seq": seq, "idx": i, "account": acct, "asset": asset,
                                            "book": book, "amount": amount}])
            c.execute(update(balance_t).where(balance_t.c.account == acct, balance_t.c.asset == asset,
                                              balance_t.c.book == book).values(amount=balance_t.c.amount + amount))
        c.execute(update(head_t).values(seq=seq, entry_hash=h, time=entry.time))
    led.clear_caches()
    return seq


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "por.cli.main", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=120)


# ---------------------------------------------------------------- 1. entries sign their place


def test_new_ledgers_are_format_2_from_genesis(world: World) -> None:
    led = world.led
    assert led.entry(1)["body"]["v"] == 2 and led.journal_format() == 2
    res = led.verify()
    assert res.ok and "from entry 1" in {c.id: c.message for c in res.checks}["ledger.format"]


def test_swapped_and_rechained_entries_fail_signatures_without_root(world: World) -> None:
    led, op = world.led, world.op
    a = led.transfer(op, "alice:cash", "bob:cash", "USD", 700).seq
    b = led.transfer(op, "bob:cash", "alice:cash", "USD", 5).seq
    assert led.verify().ok
    _swap(led, a, b)
    failed = _failures(led)
    # chain, log and postings are consistent again: only the signed places give the reorder away
    assert set(failed) == {"ledger.signatures"}, failed
    assert f"entry {a} (post by operator)" in failed["ledger.signatures"]
    assert f"entry {b} (post by operator)" in failed["ledger.signatures"]


def test_entry_signed_for_another_place_is_refused(world: World) -> None:
    led, op = world.led, world.op
    seq, prev = led.next_place()
    e = make_entry(op, "post", {"kind": "transfer", "postings": [["alice:cash", "USD", "main", -1],
                                                                 ["bob:cash", "USD", "main", 1]]}, seq=seq, prev=prev)
    led.transfer(op, "alice:cash", "bob:cash", "USD", 2)  # someone else got the place first
    with pytest.raises(LedgerError, match="signed for place"):
        led.append(e)
    moved = Entry(e.body_bytes, e.sigs, e.body, seq + 1, led.head()["entry_hash"])  # claim the new place
    with pytest.raises(SignatureError, match="does not verify"):
        led.append(moved)
    assert led.verify().ok


def _v1_ledger(led: Ledger) -> tuple[Any, Any]:
    """A format-1 journal as software before format 2 wrote it (pre-signed format-1 entries)."""
    op, au, bank = signer("operator"), signer("auditor"), signer("bank")
    from por import PROTOCOL

    led.accept_format_1 = True  # the old software

    members = [{"id": "operator", "roles": ["governor", "operator"], "ed25519": op.public_hex},
               {"id": "auditor", "roles": ["auditor", "governor"], "ed25519": au.public_hex},
               {"id": "bank", "roles": ["custodian"], "ed25519": bank.public_hex}]
    led.append(make_entry(op, "genesis", {"protocol": PROTOCOL, "members": members, "quorum": 2, "config": {}},
                          cosigners=[au, bank], version=1))
    led.append(make_entry(op, "asset.add", {"code": "USD", "decimals": 2, "kind": "cash", "custodian": "bank"},
                          version=1))
    led.append(make_entry(op, "account.open", {"accounts": [{"id": "alice:cash", "kind": "cash", "owner": "alice"},
                                                            {"id": "bob:cash", "kind": "cash", "owner": "bob"}]},
                          version=1))
    for acct, amt in (("alice:cash", 100_000), ("bob:cash", 50_000)):
        led.append(make_entry(op, "post", {"kind": "deposit", "request": {"account": acct, "asset": "USD", "amount": amt},
                                           "postings": [["reserve:bank", "USD", "main", -amt], [acct, "USD", "main", amt]]},
                              idem=f"dep-{acct}", version=1))
    led.append(make_entry(op, "post", {"kind": "transfer", "postings": [["alice:cash", "USD", "main", -7],
                                                                        ["bob:cash", "USD", "main", 7]]}, version=1))
    led.accept_format_1 = False
    return op, au


def test_format_1_entries_are_refused_by_default(world: World) -> None:
    e = make_entry(world.op, "post", {"kind": "transfer", "postings": [["alice:cash", "USD", "main", -1],
                                                                       ["bob:cash", "USD", "main", 1]]}, version=1)
    with pytest.raises(LedgerError, match="do not sign their place"):
        world.led.append(e)


def test_format_1_ledger_migrates_by_reverification(db: DB) -> None:
    led = db.open()
    try:
        op, au = _v1_ledger(led)
        assert led.journal_format() == 1
        res = led.verify()
        # fail closed: an unmigrated format-1 journal could be reordered and re-chained unnoticed
        assert [c.id for c in res.failures] == ["ledger.format"]
        assert "format 1 throughout" in {c.id: c.message for c in res.checks}["ledger.format"]
        with pytest.raises(LedgerError, match="ledger migrate"):  # format-2 entries wait for the migration
            led.transfer(op, "alice:cash", "bob:cash", "USD", 1)
        with pytest.raises(LedgerError):  # a single governor is not a quorum
            led.migrate([op])
        r, checked = led.migrate([op, au])
        # the re-verification found only what the migration mends
        assert [c.id for c in checked.failures] == ["ledger.format"] and r.seq == 7 and led.journal_format() == 2
        body = led.entry(7)["body"]
        assert body["type"] == "ledger.migrate" and body["payload"]["v1_seq"] == 6
        assert body["payload"]["v1_head"] == led.entry(6)["entry_hash"]
        res = led.verify()
        assert res.ok, [c.message for c in res.failures]
        assert "entries 1..6 are format 1" in {c.id: c.message for c in res.checks}["ledger.format"]
        led.accept_format_1 = True  # even for the old software: no format-1 entry after format 2
        with pytest.raises(LedgerError, match="cannot follow format-2"):
            led.append(make_entry(op, "post", {"kind": "transfer", "postings": [["alice:cash", "USD", "main", -1],
                                                                                ["bob:cash", "USD", "main", 1]]},
                                  version=1))
        led.accept_format_1 = False
        with pytest.raises(LedgerError, match="already in format 2"):
            led.migrate([op, au])
        a = led.transfer(op, "alice:cash", "bob:cash", "USD", 3).seq
        b = led.transfer(op, "bob:cash", "alice:cash", "USD", 4).seq
        assert led.verify().ok
        _swap(led, a, b)  # a reorder after the migration is caught without --root
        assert "ledger.signatures" in _failures(led)
        _swap(led, a, b)
        assert led.verify().ok
        _swap(led, 5, 6)  # a reorder of the format-1 prefix breaks the governors' migration signature
        failed = _failures(led)
        assert "entry 7 (ledger.migrate by operator)" in failed["ledger.signatures"], failed
    finally:
        led.close()


def test_migration_refuses_a_journal_that_does_not_verify(db: DB) -> None:
    led = db.open()
    try:
        op, au = _v1_ledger(led)
        with led.engine.begin() as c:
            c.execute(update(balance_t).where(balance_t.c.account == "bob:cash").values(amount=10**9))
        led.clear_caches()
        with pytest.raises(LedgerIntegrityError, match="ledger.balances"):
            led.migrate([op, au])
        assert led.head()["seq"] == 6 and led.journal_format() == 1
    finally:
        led.close()


def test_a_format_2_entry_inside_a_format_1_journal_fails_verification(db: DB) -> None:
    """Written in raw (the append path refuses it): the first format-2 entry must be the migration."""
    led = db.open()
    try:
        op, _ = _v1_ledger(led)
        seq, prev = led.next_place()
        e = make_entry(op, "post", {"kind": "transfer", "postings": [["alice:cash", "USD", "main", -1],
                                                                     ["bob:cash", "USD", "main", 1]]},
                       seq=seq, prev=prev)
        _raw_append(led, e)
        assert "must be its ledger.migrate entry" in _failures(led)["ledger.format"]
    finally:
        led.close()


def test_cli_migrate(tmp_path: Path) -> None:
    from por.ledger import keys

    url = f"sqlite:///{tmp_path}/v1.db"
    led = Ledger.open(url)
    op, au = _v1_ledger(led)
    led.close()
    keys.save(op.key, tmp_path / "op.key")
    keys.save(au.key, tmp_path / "au.key")
    cp = run_cli("ledger", "migrate", "--db", url, "--sign", f"operator={tmp_path}/op.key", cwd=tmp_path)
    assert cp.returncode == 1 and "Traceback" not in cp.stderr and "governors" in cp.stderr
    cp = run_cli("ledger", "migrate", "--db", url, "--sign", f"operator={tmp_path}/op.key",
                 "--sign", f"auditor={tmp_path}/au.key", cwd=tmp_path)
    assert cp.returncode == 0, cp.stderr
    assert "migrated to format 2 at entry 7" in cp.stdout
    cp = run_cli("ledger", "verify", "--db", url, cwd=tmp_path)
    assert cp.returncode == 0, cp.stdout + cp.stderr


# ---------------------------------------------------------------- 2. strict schema (row H)


def _two_withdrawals(world: World) -> tuple[str, str]:
    """Withdrawal "1" approved (no approval needed), "2" pending 2 approvals, both holding funds."""
    led, op = world.led, world.op
    led.set_config([op, world.au], "withdraw", {"approval_threshold": {"USD": 20_000}, "cooling_s": 0})
    led.request_withdrawal(op, "alice:cash", "USD", 40_000, "iban:a", wid="2")
    led.request_withdrawal(op, "alice:cash", "USD", 10_000, "iban:a", wid="1")
    ws = {w["id"]: w for w in led.withdrawals()}
    assert ws["1"]["status"] == "approved" and ws["2"]["status"] == "pending"
    return "1", "2"


def _double_pay(world: World, place: tuple[int, str]) -> Entry:
    """The operator's settlement listing ["1", true]: "1" paid twice, from "2"'s hold."""
    raw = [("alice:cash", "USD", "held", -10_000), ("reserve:bank", "USD", "main", 10_000)] * 2
    payload = {"batch": "B1", "withdrawals": ["1", True], "postings": merge(raw)}
    return make_entry(world.op, "withdraw.settle", payload, seq=place[0], prev=place[1])


def test_row_h_settlement_listing_true_is_refused_on_append(world: World) -> None:
    _two_withdrawals(world)
    led = world.led
    before = led.head()
    with pytest.raises(LedgerError, match=r"withdrawals\[1\] must be an identifier"):
        led.append(_double_pay(world, led.next_place()))
    with pytest.raises(LedgerError, match=r"withdrawals\[1\]"):  # the same through submit
        led.submit(world.op, "withdraw.settle", _double_pay(world, led.next_place()).payload)
    assert led.head() == before
    assert {w["id"]: w["status"] for w in led.withdrawals()} == {"1": "approved", "2": "pending"}
    assert led.verify().ok


def test_row_h_refused_through_the_cli(tmp_path: Path, sqlite_db: DB) -> None:
    led = sqlite_db.open()
    world = build_world(led)
    _two_withdrawals(world)
    f = tmp_path / "settle.json"
    f.write_text(json.dumps(_double_pay(world, led.next_place()).to_dict()))
    before = led.head()
    led.close()
    cp = run_cli("ledger", "post", "--file", str(f), "--db", sqlite_db.url, cwd=tmp_path)
    assert cp.returncode == 1 and "Traceback" not in cp.stderr, cp.stderr
    assert "withdrawals[1] must be an identifier" in cp.stderr
    with Ledger.open(sqlite_db.url) as led2:
        assert led2.head() == before


def test_row_i_cli_verify_names_the_tampered_withdrawal(tmp_path: Path, sqlite_db: DB) -> None:
    led = sqlite_db.open()
    world = build_world(led)
    _, pending = _two_withdrawals(world)
    with led.engine.begin() as c:
        c.execute(update(withdrawal_t).where(withdrawal_t.c.id == pending).values(status="approved"))
    led.close()
    cp = run_cli("ledger", "verify", "--db", sqlite_db.url, cwd=tmp_path)
    assert cp.returncode == 1 and "Traceback" not in cp.stderr
    assert "ledger.withdrawals" in cp.stdout and f"withdrawal {pending}:" in cp.stdout, cp.stdout
    cp = run_cli("ledger", "head", "--db", sqlite_db.url, "--json", cwd=tmp_path)
    assert cp.returncode == 0 and json.loads(cp.stdout)["format"] == 2


def test_row_h_written_in_raw_fails_verification(world: World) -> None:
    _two_withdrawals(world)
    led = world.led
    seq = _raw_append(led, _double_pay(world, led.next_place()))
    failed = _failures(led)
    assert f"entry {seq} (withdraw.settle by operator)" in failed["ledger.schema"]
    assert "withdrawals[1]" in failed["ledger.schema"]
    assert f"entry {seq}" in failed["ledger.withdrawals"]


@pytest.mark.parametrize("payload,match", [
    ({"kind": "deposit", "request": {"account": "alice:cash", "asset": "USD", "amount": True},
      "postings": [["reserve:bank", "USD", "main", -1], ["alice:cash", "USD", "main", 1]]}, "amount must be an integer"),
    ({"kind": "transfer", "postings": [["alice:cash", "USD", "main", -1], ["bob:cash", "USD", "main", True]]},
     "amount must be a non-zero integer|amount must be an integer"),
    ({"kind": "transfer", "postings": [[1, "USD", "main", -1], ["bob:cash", "USD", "main", 1]]}, "account must be"),
    ({"kind": "transfer", "memo": "x", "postings": [["alice:cash", "USD", "main", -1], ["bob:cash", "USD", "main", 1]]},
     "unknown key"),
])
def test_strict_schema_refuses_before_the_database(world: World, payload: dict[str, Any], match: str) -> None:
    before = world.led.head()
    with pytest.raises(LedgerError, match=match):
        world.led.submit(world.op, "post", payload)
    assert world.led.head() == before


def test_strict_schema_on_withdrawal_ids(world: World) -> None:
    _two_withdrawals(world)
    for bad in (True, 1, ["1"], None):
        with pytest.raises(LedgerError, match="must be an identifier"):
            world.led.submit(world.approvers[0], "withdraw.approve", {"id": bad})


# ---------------------------------------------------------------- 3. withdrawal and approval tables (row I)


@pytest.mark.parametrize("column,value", [
    ("status", "approved"), ("available_time", "2000-01-01T00:00:00.000000Z"), ("amount", 39_000),
    ("account", "bob:cash"), ("approvals", 2), ("approvals_needed", 0),
])
def test_row_i_tampered_withdrawal_row_fails_verification_and_is_not_settled(world: World, column: str,
                                                                             value: Any) -> None:
    _, pending = _two_withdrawals(world)
    led = world.led
    led.set_config([world.op, world.au], "withdraw", {"cooling_s": 3600})
    with led.engine.begin() as c:
        c.execute(update(withdrawal_t).where(withdrawal_t.c.id == pending).values(**{column: value}))
    failed = _failures(led)
    assert set(failed) == {"ledger.withdrawals"}, failed
    assert f"withdrawal {pending}:" in failed["ledger.withdrawals"]
    if column in ("status", "approvals", "approvals_needed"):  # the operator now tries to pay it
        with led.engine.begin() as c:
            c.execute(update(withdrawal_t).where(withdrawal_t.c.id == pending).values(status="approved"))
        before = led.head()
        with pytest.raises(LedgerError, match="disagrees with the journal"):
            led.settle_withdrawals(world.op)
        assert led.head() == before


def test_row_i_forged_approval_row(world: World) -> None:
    _, pending = _two_withdrawals(world)
    led = world.led
    led.approve_withdrawal(world.approvers[0], pending)
    with led.engine.begin() as c:
        c.execute(approval_t.insert(), [{"withdrawal": pending, "approver": "appr2", "seq": 3}])
        c.execute(update(withdrawal_t).where(withdrawal_t.c.id == pending).values(approvals=2, status="approved"))
    failed = _failures(led)
    assert f"approval of withdrawal {pending} by appr2" in failed["ledger.withdrawals"]
    with pytest.raises(LedgerError, match="disagrees with the journal"):
        led.settle_withdrawals(world.op, batch="B9")


def test_row_i_operator_resigned_request_with_no_approvals_fails_verification(world: World) -> None:
    """The operator (holding its key and the database) writes a request whose signed screen says no
    approval is needed for an amount at the threshold: the replay recomputes the screen."""
    _two_withdrawals(world)
    led = world.led
    good = led.entry(led.head()["seq"])["body"]["payload"]
    payload = {"request": dict(good["request"], id="3", amount=30_000),
               "screen": dict(good["screen"], approvals_needed=0),
               "postings": [["alice:cash", "USD", "main", -30_000], ["alice:cash", "USD", "held", 30_000]]}
    with pytest.raises(LedgerError, match="does not match the rules screen"):
        led.submit(world.op, "withdraw.request", payload)
    seq = _raw_append(led, make_entry(world.op, "withdraw.request", payload, seq=led.next_place()[0],
                                      prev=led.next_place()[1]))
    failed = _failures(led)
    assert f"entry {seq} (withdraw.request by operator)" in failed["ledger.withdrawals"]
    assert "screen" in failed["ledger.withdrawals"]


def test_withdrawal_flow_replays(world: World) -> None:
    one, pending = _two_withdrawals(world)
    led = world.led
    led.approve_withdrawal(world.approvers[0], pending)
    led.approve_withdrawal(world.approvers[1], pending)
    led.settle_withdrawals(world.op, batch="B1")
    led.request_withdrawal(world.op, "bob:cash", "USD", 5_000, "iban:b", wid="4")
    led.reject_withdrawal(world.op, "4", "no")
    res = led.verify()
    assert res.ok, [c.message for c in res.failures]
    assert {w["id"]: w["status"] for w in led.withdrawals()} == {one: "settled", pending: "settled", "4": "rejected"}
    with pytest.raises(LedgerError, match="rejected and can no longer be rejected"):
        led.reject_withdrawal(world.op, "4")


# ---------------------------------------------------------------- 4. time


def test_settlement_dated_an_hour_ahead_is_refused(world: World) -> None:
    led = world.led
    _two_withdrawals(world)
    led.set_config([world.op, world.au], "withdraw", {"cooling_s": 1800})
    led.request_withdrawal(world.op, "bob:cash", "USD", 5_000, "iban:b", wid="5")
    ahead = lc.add_seconds(lc.utc_now(), 3600)
    before = led.head()
    with pytest.raises(LedgerError, match="ahead of the ledger's clock"):
        led.settle_withdrawals(world.op, time=ahead)
    assert led.head() == before
    # the bound is a governed setting
    led.set_config([world.op, world.au], "clock", {"max_ahead_s": 7200})
    led.settle_withdrawals(world.op, batch="B2", time=lc.add_seconds(lc.utc_now(), 3600))
    assert led.verify().ok


def test_settlement_dated_tomorrow_gets_no_fresh_daily_cap(world: World) -> None:
    led = world.led
    noon = lc.utc_now()[:10] + "T12:00:00.000000Z"
    led.set_clock(lambda: noon)
    # the world's entries are at the real time: the ledger's clock must not trail them by more than 300 s
    if led.head()["time"] > lc.add_seconds(noon, 300):
        led.set_clock(lambda: led.head()["time"])
    _two_withdrawals(world)
    led.set_config([world.op, world.au], "withdraw", {"daily_cap": {"USD": 10_000}})
    led.settle_withdrawals(world.op, batch="B1")  # "1": 10,000 today
    led.request_withdrawal(world.op, "bob:cash", "USD", 5_000, "iban:b", wid="6")
    tomorrow = lc.add_seconds(led.head()["time"], 86_400)
    with pytest.raises(LedgerError, match="ahead of the ledger's clock"):
        led.settle_withdrawals(world.op, batch="B2", time=tomorrow)
    with pytest.raises(LedgerError, match="no approved withdrawal is ready|daily"):
        led.settle_withdrawals(world.op, batch="B3")
    assert led.verify().ok


# ---------------------------------------------------------------- 5. idempotency keys


def test_idempotency_keys_do_not_collide_across_members(world: World) -> None:
    led, op, au = world.led, world.op, world.au
    a, ab = signer("ops"), signer("ops/x")
    led.add_member([op, au], "ops", ["operator"], a.public_hex)
    led.add_member([op, au], "ops/x", ["operator"], ab.public_hex)
    r1 = led.transfer(a, "alice:cash", "bob:cash", "USD", 5, idem="x/k")  # old key: "ops/x/k"
    r2 = led.transfer(ab, "alice:cash", "bob:cash", "USD", 6, idem="k")   # old key: "ops/x/k" too
    assert not r1.replayed and not r2.replayed and r2.seq == r1.seq + 1
    assert led.transfer(ab, "alice:cash", "bob:cash", "USD", 6, idem="k").replayed
    with pytest.raises(IdempotencyConflictError):
        led.transfer(a, "alice:cash", "bob:cash", "USD", 7, idem="x/k")
    with led.engine.connect() as c:
        keys_ = set(c.execute(select(journal_t.c.idem).where(journal_t.c.idem.is_not(None))).scalars())
    assert '["ops","x/k"]' in keys_ and '["ops/x","k"]' in keys_
    assert led.verify().ok


def test_idempotency_lookup_comes_after_signature_and_role(world: World) -> None:
    led, op = world.led, world.op
    first = led.transfer(op, "alice:cash", "bob:cash", "USD", 5, idem="pay-1")
    body = led.entry(first.seq)["body"]
    body = dict(body, time=lc.utc_now())
    seq, prev = led.next_place()
    mallory = signer("mallory")
    forged = Entry.from_body(body, seq=seq, prev=prev).cosign(Signer("operator", mallory.key))  # mallory's key
    with pytest.raises(SignatureError, match="does not verify"):
        led.append(forged)  # before: answered with the operator's receipt, unsigned
    clerk_body = dict(body, signer="clerk")
    by_clerk = make_entry(world.clerk, "post", clerk_body["payload"], seq=seq, prev=prev, idem="pay-1")
    with pytest.raises(LedgerError, match="may not sign post"):
        led.append(by_clerk)


def test_idem_column_is_checked_by_the_replay(world: World) -> None:
    led = world.led
    r = led.transfer(world.op, "alice:cash", "bob:cash", "USD", 5, idem="pay-2")
    with led.engine.begin() as c:
        c.execute(text("UPDATE ledger_journal SET idem = 'operator/pay-2' WHERE seq = :s"), {"s": r.seq})
    assert f"entry {r.seq}" in _failures(led)["ledger.canonical"]


# ---------------------------------------------------------------- 6. the auditor's APIs


def test_entry_time_and_epoch_publications(world: World) -> None:
    led, op = world.led, world.op
    assert led.entry_time(3) == led.entry(3)["body"]["time"]
    with pytest.raises(LedgerError):
        led.entry_time(10_000)
    size, root = led.log_root()
    p1 = led.submit(op, "epoch.publish", {"epoch_id": "epoch-0001", "manifest_sha256": "ab" * 32,
                                          "log_size": size, "log_root": root})
    led.transfer(op, "alice:cash", "bob:cash", "USD", 1)
    size2, root2 = led.log_root()
    p2 = led.submit(op, "epoch.publish", {"epoch_id": "epoch-0002", "manifest_sha256": "cd" * 32,
                                          "log_size": size2, "log_root": root2})
    pubs = led.epoch_publications()
    assert [(p["seq"], p["epoch_id"], p["manifest_sha256"], p["log_size"], p["log_root"]) for p in pubs] == [
        (p1.seq, "epoch-0001", "ab" * 32, size, root), (p2.seq, "epoch-0002", "cd" * 32, size2, root2)]
    assert [p["epoch_id"] for p in led.epoch_publications(p2.seq - 1)] == ["epoch-0001"]
    assert pubs[0]["time"] == led.entry_time(p1.seq)
    with pytest.raises(LedgerError):  # the schema: log_size an integer, never a boolean
        led.submit(op, "epoch.publish", {"epoch_id": "epoch-0003", "manifest_sha256": None, "log_size": True,
                                         "log_root": root})
