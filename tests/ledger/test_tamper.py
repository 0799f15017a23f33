"""A row changed behind the ledger's back is found by verification, which names the entry."""

from __future__ import annotations

from sqlalchemy import text, update

from por.ledger.tables import balance_t, journal_t, posting_t

from .conftest import World, build_world


def _fail_messages(world: World) -> str:
    world.led.clear_caches()
    res = world.led.verify()
    assert not res.ok
    return " | ".join(f"{c.id}: {c.message}" for c in res.failures)


def test_tampered_posting_amount_names_entry(world: World) -> None:
    r = world.led.transfer(world.op, "alice:cash", "bob:cash", "USD", 700)
    with world.led.engine.begin() as c:
        c.execute(update(posting_t).where(posting_t.c.entry_seq == r.seq, posting_t.c.account == "bob:cash")
                  .values(amount=70_000))
    msg = _fail_messages(world)
    assert f"entry {r.seq} (post by operator)" in msg and "ledger.postings" in msg
    assert "ledger.double-entry" in msg


def test_tampered_balance_names_account_and_entry(world: World) -> None:
    r = world.led.transfer(world.op, "alice:cash", "bob:cash", "USD", 700)
    with world.led.engine.begin() as c:
        c.execute(update(balance_t).where(balance_t.c.account == "bob:cash").values(amount=10**9))
    msg = _fail_messages(world)
    assert "ledger.balances" in msg and "bob:cash" in msg and f"entry {r.seq}" in msg


def test_tampered_body_breaks_signature_and_chain(world: World) -> None:
    r = world.led.transfer(world.op, "alice:cash", "bob:cash", "USD", 700)
    with world.led.engine.begin() as c:
        body = c.execute(text("SELECT body FROM ledger_journal WHERE seq = :s"), {"s": r.seq}).scalar()
        c.execute(update(journal_t).where(journal_t.c.seq == r.seq).values(body=body.replace("700", "900")))
    msg = _fail_messages(world)
    assert f"entry {r.seq}" in msg and "ledger.signatures" in msg and "ledger.chain" in msg


def test_published_root_detects_rewritten_history(world: World) -> None:
    size, root = world.led.log_root()
    assert world.led.verify((size, root)).ok
    assert not world.led.verify((size, "00" * 32)).ok


def test_deleted_entry_row_is_named_not_a_crash(world: World) -> None:
    """A journal row deleted from the middle: the log has a hole (its root cannot be computed from
    the stored leaves), which is a failed check naming the missing entry, not an exception."""
    r = world.led.transfer(world.op, "alice:cash", "bob:cash", "USD", 700)
    world.led.transfer(world.op, "alice:cash", "bob:cash", "USD", 1)
    with world.led.engine.begin() as c:
        c.execute(journal_t.delete().where(journal_t.c.seq == r.seq))
    msg = _fail_messages(world)
    assert f"entry {r.seq} is missing" in msg and "ledger.log-root" in msg


def test_null_body_is_a_failed_check_not_a_crash(sqlite_db) -> None:  # type: ignore[no-untyped-def]
    """A journal row whose body was nulled behind the ledger's back (SQLite lets a rewritten schema
    drop the NOT NULL; PostgreSQL would refuse): ``ledger.canonical`` names the entry."""
    import sqlite3

    led = sqlite_db.open()
    try:
        world = build_world(led)
        r = led.transfer(world.op, "alice:cash", "bob:cash", "USD", 700)
        path = led.engine.url.database
        led.engine.dispose()
        db = sqlite3.connect(path)
        db.execute("PRAGMA writable_schema = ON")
        db.execute("UPDATE sqlite_master SET sql = replace(sql, 'body TEXT NOT NULL', 'body TEXT') "
                   "WHERE name = 'ledger_journal'")
        db.commit()
        db.close()
        db = sqlite3.connect(path)
        db.execute("UPDATE ledger_journal SET body = NULL WHERE seq = ?", (r.seq,))
        db.commit()
        db.close()
        msg = _fail_messages(world)
        assert f"entry {r.seq}" in msg and "ledger.canonical" in msg and "missing or of the wrong type" in msg
    finally:
        led.close()


def test_text_posting_amount_is_named_not_a_crash(sqlite_db) -> None:  # type: ignore[no-untyped-def]
    """SQLite keeps a TEXT value in an INTEGER column: the posting is named, the replay goes on."""
    import sqlite3

    led = sqlite_db.open()
    try:
        world = build_world(led)
        r = led.transfer(world.op, "alice:cash", "bob:cash", "USD", 700)
        path = led.engine.url.database
        db = sqlite3.connect(path)
        db.execute("UPDATE ledger_posting SET amount = 'lots' WHERE entry_seq = ? AND account = 'bob:cash'", (r.seq,))
        db.commit()
        db.close()
        msg = _fail_messages(world)
        assert f"entry {r.seq}: a posting amount 'lots' is not an integer" in msg
    finally:
        led.close()


def test_unreadable_database_is_a_failed_check(sqlite_db) -> None:  # type: ignore[no-untyped-def]
    """Half a database file: ``ledger.readable`` fails; no exception reaches the caller."""
    from sqlalchemy import create_engine

    from por.ledger.verify import verify_ledger

    led = sqlite_db.open()
    try:
        build_world(led)
        path = led.engine.url.database
    finally:
        led.close()
    data = open(path, "rb").read()
    with open(path, "wb") as fh:
        fh.write(data[: len(data) // 2])
    eng = create_engine(f"sqlite:///{path}")
    try:
        res = verify_ledger(eng)
    finally:
        eng.dispose()
    assert not res.ok and [c.id for c in res.failures] == ["ledger.readable"]


def test_member_and_account_tables_are_checked_against_the_journal(world: World) -> None:
    """A member's BLS key nulled, or an account row deleted, behind the ledger's back: the member and
    account tables are what the journal gives, so both are named."""
    from por.ledger.tables import account_t, member_t

    with world.led.engine.begin() as c:
        c.execute(update(member_t).where(member_t.c.id == "bank").values(roles="custodian,auditor"))
        c.execute(account_t.delete().where(account_t.c.id == "bob:cash"))
    msg = _fail_messages(world)
    assert "ledger.members" in msg and "member bank" in msg
    assert "ledger.accounts" in msg and "account bob:cash" in msg


def test_price_table_is_checked_against_the_journal(world: World) -> None:
    """A price row rewritten behind the ledger's back (the margin engine reads this table)."""
    from por.ledger.tables import price_t

    r = world.led.post_price(world.oracle, "AAPL", 100_00000000)
    with world.led.engine.begin() as c:
        c.execute(update(price_t).where(price_t.c.seq == r.seq).values(price_e8=1))
    msg = _fail_messages(world)
    assert "ledger.prices" in msg and f"price of entry {r.seq}" in msg
