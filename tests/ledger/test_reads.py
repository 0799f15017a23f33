"""The ledger's public reads that the packages above it use instead of SQL (docs/architecture.md):
``journal_bodies`` (reserves, the auditor's view), ``price_series`` (risk history), ``owner_balances``
(run risk). On SQLite and PostgreSQL."""

from __future__ import annotations

from por.ledger.view import LedgerAuditView

from .conftest import DB, World


def test_journal_bodies_are_the_signed_bodies_of_the_types_asked_up_to_a_seq(world: World) -> None:
    led, orc = world.led, world.oracle
    first = led.post_price(orc, "AAPL", 150_00000000)
    led.deposit(world.op, "bob:cash", "USD", 1)
    second = led.post_price(orc, "MSFT", 300_00000000)
    got = led.journal_bodies(("price",), second.seq)
    assert [(s, h) for s, h, _ in got] == [(first.seq, first.entry_hash), (second.seq, second.entry_hash)]
    assert [b["payload"]["asset"] for _, _, b in got] == ["AAPL", "MSFT"]
    assert all(b["type"] == "price" and b["signer"] == "oracle" for _, _, b in got)
    assert got[0][2] == led.entry(first.seq)["body"]
    assert [s for s, _, _ in led.journal_bodies(("price",), second.seq - 1)] == [first.seq]
    both = led.journal_bodies(("genesis", "price"), second.seq)
    assert [b["type"] for _, _, b in both] == ["genesis", "price", "price"]
    assert led.journal_bodies(("no.such.type",), second.seq) == []


def test_the_auditor_view_reads_the_same_journal_bodies(db: DB, world: World) -> None:
    r = world.led.post_price(world.oracle, "AAPL", 150_00000000)
    with LedgerAuditView.open(db.url, schema=db.schema) as view:
        assert view.journal_bodies(("price",), r.seq) == world.led.journal_bodies(("price",), r.seq)


def test_price_series_per_asset_in_journal_order(world: World) -> None:
    led, orc = world.led, world.oracle
    assert led.price_series() == {}
    led.set_clock(lambda: "2030-01-03T00:00:00.000000Z")
    led.post_price(orc, "AAPL", 150_00000000, time="2030-01-01T00:00:00.000000Z")
    led.post_price(orc, "MSFT", 300_00000000, time="2030-01-01T00:00:01.000000Z")
    led.post_price(orc, "AAPL", 151_00000000, time="2030-01-02T00:00:00.000000Z")
    assert led.price_series() == {
        "AAPL": [("2030-01-01T00:00:00.000000Z", 150_00000000), ("2030-01-02T00:00:00.000000Z", 151_00000000)],
        "MSFT": [("2030-01-01T00:00:01.000000Z", 300_00000000)],
    }


def test_owner_balances_sum_an_owners_accounts_of_the_kinds_asked(world: World) -> None:
    led, op = world.led, world.op
    led.deposit(op, "alice:margin", "USD", 7_000)
    led.open_accounts(op, [("house:x", "house", None)])
    assert led.owner_balances("USD", ("cash", "margin")) == {"alice": 107_000, "bob": 50_000}
    assert led.owner_balances("USD", ("cash",)) == {"alice": 100_000, "bob": 50_000}
    assert led.owner_balances("USD", ("margin",)) == {"alice": 7_000}
    assert led.owner_balances("AAPL", ("cash", "margin")) == {}
    assert led.owner_balances("USD", ("cash", "margin"), book="held") == {}
