"""PostgreSQL at volume (small N here; docs/scale.md has the 10^6 figures): COPY bulk loading into
the real ledger tables, the hot snapshot queries on their indexes, and a repeatable-read snapshot
that does not block writers and does not see them."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest

from por.errors import LedgerError, UsageError
from por.ledger import Ledger, Signer, bulk, keys
from por.ledger.snapshot import Snapshot

N = 20_000


def signer(name: str) -> Signer:
    return Signer(name, keys.from_seed(f"scale/{name}"))


@pytest.fixture
def ledger(pg_schema: tuple[str, str]) -> Iterator[tuple[Ledger, Signer]]:
    url, schema = pg_schema
    led = Ledger.open(url, schema=schema)
    op, au, bank = signer("operator"), signer("auditor"), signer("bank")
    led.genesis(op, au, others=[(bank, ["custodian"])])
    led.add_asset(op, "USD", 2, "bank", kind="cash")
    led.open_accounts(op, [("alice:cash", "cash", "alice")])
    led.deposit(op, "alice:cash", "USD", 5_000)
    try:
        yield led, op
    finally:
        led.close()


def test_bulk_load_is_what_a_snapshot_reads(ledger: tuple[Ledger, Signer]) -> None:
    led, _ = ledger
    res = bulk.load_balances(led.engine, N, seed=7, margin_every=10)
    assert res.accounts == N and res.balances == N + N // 10 and res.assets == ("USD",)
    with Snapshot(led.engine, chunk=3000) as snap:
        assert snap.columns == [("USD", "debt"), ("USD", "equity")]
        rows = list(snap.rows())
    assert len(rows) == N + 1  # and alice
    assert [a for a, _ in rows] == sorted(a for a, _ in rows)  # account order, bytewise
    got = dict(rows)
    assert got["alice:cash"] == (0, 5_000)
    del got["alice:cash"]
    assert sum(v[1] for v in got.values()) == res.equity_totals["USD"]
    assert sum(v[0] for v in got.values()) == res.debt_totals["USD"] > 0
    assert all(v[0] <= v[1] for v in got.values())  # every loan covered
    # the projection still sums to zero per asset (reserve carries the equity, house the debt)
    totals = led.totals()["USD"]
    assert sum(totals.values()) == 0 and totals["reserve"] == -(5_000 + res.equity_totals["USD"])
    # same seed, same amounts
    again = bulk.load_balances(led.engine, N, prefix="again-", seed=7, margin_every=10, analyze=False)
    assert (again.equity_totals, again.debt_totals) == (res.equity_totals, res.debt_totals)


def test_bulk_load_refuses_clearly(ledger: tuple[Ledger, Signer], pg_schema: tuple[str, str]) -> None:
    led, _ = ledger
    bulk.load_balances(led.engine, 10)
    with pytest.raises(LedgerError, match="already exists"):
        bulk.load_balances(led.engine, 10)
    with pytest.raises(LedgerError, match="not in the ledger"):
        bulk.load_balances(led.engine, 10, prefix="x-", assets=["EUR"])
    from sqlalchemy import create_engine

    with pytest.raises(UsageError, match="COPY"):
        bulk.load_balances(create_engine("sqlite://"), 10)


def test_bulk_bootstrap_on_empty_tables(pg_schema: tuple[str, str]) -> None:
    from por.ledger.db import make_engine

    url, schema = pg_schema
    eng = make_engine(url, schema)
    try:
        with pytest.raises(UsageError, match="empty"):
            bulk.load_balances(eng, 5)
        res = bulk.load_balances(eng, 5, bootstrap=True, assets=["USD", "EUR"])
        with Snapshot(eng) as snap:
            assert snap.columns == [("EUR", "debt"), ("EUR", "equity"), ("USD", "debt"), ("USD", "equity")]
            assert len(list(snap.rows())) == res.accounts == 5
    finally:
        eng.dispose()


def test_hot_snapshot_queries_use_the_primary_keys(ledger: tuple[Ledger, Signer]) -> None:
    led, _ = ledger
    bulk.load_balances(led.engine, N, seed=1)
    (acc_sql, acc_p), (bal_sql, bal_p) = bulk.snapshot_queries(led.engine, chunk=2000)
    assert "ledger_account.id >" in acc_sql  # the second chunk's query
    plan_a = bulk.explain(led.engine, acc_sql, acc_p)
    plan_b = bulk.explain(led.engine, bal_sql, bal_p)
    assert "ledger_account_pkey" in plan_a and "Seq Scan" not in plan_a, plan_a
    assert "ledger_balance_pkey" in plan_b and "Seq Scan" not in plan_b, plan_b


def test_snapshot_does_not_block_writers_and_does_not_see_them(ledger: tuple[Ledger, Signer]) -> None:
    """A writer commits deposits and a new account while a repeatable-read snapshot is half
    streamed: the writer is not blocked, the snapshot sees the state as of its start, a new
    snapshot sees the writes."""
    led, op = ledger
    bulk.load_balances(led.engine, N, seed=3)
    late = bulk.account_id("bulk-", N - 1)  # streamed in the last chunk, after the writes
    with Snapshot(led.engine, chunk=1000) as before:
        start_seq = before.seq
        stream = before.rows()
        first = [next(stream) for _ in range(1500)]  # two chunks read, the transaction is open
        done = threading.Event()
        errors: list[BaseException] = []

        def writer() -> None:
            try:
                led.deposit(op, late, "USD", 1_000_000)
                led.deposit(op, "alice:cash", "USD", 7)
                led.open_accounts(op, [("zed:cash", "cash", "zed")])
                led.deposit(op, "zed:cash", "USD", 99)
            except BaseException as exc:  # noqa: BLE001 - reported below
                errors.append(exc)
            finally:
                done.set()

        t0 = time.perf_counter()
        th = threading.Thread(target=writer)
        th.start()
        assert done.wait(30), "the writer was blocked by the open snapshot"
        write_s = time.perf_counter() - t0
        th.join()
        assert not errors, errors
        rest = dict(stream)
        seen = dict(first) | rest
    assert write_s < 30
    assert "zed:cash" not in seen
    assert seen["alice:cash"] == (0, 5_000)
    with Snapshot(led.engine) as after:
        assert after.seq == start_seq + 4
        now = dict(after.rows())
    assert now["alice:cash"] == (0, 5_007) and now["zed:cash"] == (0, 99)
    assert now[late][1] == seen[late][1] + 1_000_000


def test_estimate_arithmetic() -> None:
    from por.bench import AREAS
    from por.bench.scale import estimate_hours

    assert "scale" in AREAS
    e = estimate_hours(10**6, 2, {"prove_node": 0.02, "commit": 0.0, "verify_node": 0.002})
    assert e["height"] == 20 and e["nodes"] == 2**21 - 2
    assert abs(e["build_h"] - (2**21 - 2) * 0.02 / 2 / 3600) < 1e-9
    assert estimate_hours(10**8, 64, {"prove_node": 1.0, "commit": 0.0, "verify_node": 0.0})["height"] == 27
