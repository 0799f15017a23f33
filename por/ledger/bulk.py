"""Bulk loading of synthetic client balances with PostgreSQL ``COPY`` (benchmarks and scale tests).

What it writes is the **snapshot projection** of the real ledger tables (:mod:`por.ledger.tables`),
so :class:`por.ledger.snapshot.Snapshot` at the head reads it exactly as it reads balances made by
journal entries:

- ``ledger_account``: N client accounts ``<prefix><i:09d>`` of kind ``cash`` (or ``margin`` for every
  ``margin_every``-th), owner = the account id, ``opened_seq`` = the current head sequence;
- ``ledger_balance``: per account and asset, ``main`` (equity, floor ``nonneg``) and for margin
  accounts a ``debt`` balance (<= 0, floor ``nonpos``), the floors from
  :func:`por.ledger.journal.balance_rule`; amounts are deterministic in ``seed``;
- the custodian's ``reserve:<custodian>`` ``main`` balance is debited by the loaded equity and the
  ``house`` account credited by the loaded debt, so every asset still sums to zero across accounts
  (the double-entry invariant of the projection).

It writes **no journal entries**: a bulk-loaded database is a benchmark fixture for snapshot reads,
tree building and the hot queries at volume, not an auditable ledger (``por ledger verify``, which
recomputes the projections from the journal, reports the loaded rows). Snapshots *at an earlier
sequence*, which sum postings, do not see them either.

The ledger must exist (genesis written, assets added) unless ``bootstrap=True``, which writes a
minimal head row and the asset rows into empty tables (benchmarks without any signer keys).
Only PostgreSQL is supported (COPY); the rows go in in chunks of generated text, one transaction.
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from sqlalchemy import Engine, MetaData, Table, select
from sqlmodel import SQLModel

from por.errors import LedgerError, UsageError
from por.ledger.journal import balance_rule
from por.ledger.tables import ALL_TABLES, asset_t, head_t, journal_t, posting_t

#: rows of generated COPY text per write
CHUNK = 50_000
BOOTSTRAP_TIME = "2024-01-01T00:00:00Z"


@dataclass(frozen=True, slots=True)
class BulkResult:
    """What :func:`load_balances` wrote and how long the COPY phase took (seconds)."""

    accounts: int
    balances: int
    assets: tuple[str, ...]
    opened_seq: int
    equity_totals: dict[str, int]
    debt_totals: dict[str, int]
    seconds: float


def account_id(prefix: str, i: int) -> str:
    return f"{prefix}{i:09d}"


def _amounts(seed: int, n: int, assets: Sequence[str], margin_every: int, start: int,
             stop: int) -> Iterator[tuple[int, bool, list[int], list[int]]]:
    """Per account index: (index, is margin, equity per asset, debt per asset), deterministic in seed."""
    rng = random.Random(f"por/bulk/{seed}/{start}")
    k = len(assets)
    for i in range(start, stop):
        margin = margin_every > 0 and i % margin_every == margin_every - 1
        equity = [rng.randrange(0, 10**9) for _ in range(k)]
        # debt at most half the equity in the same asset: a covered margin loan
        debt = [rng.randrange(0, e // 2 + 1) for e in equity] if margin else [0] * k
        yield i, margin, equity, debt


def load_balances(
    engine: Engine,
    n: int,
    *,
    assets: Sequence[str] | None = None,
    prefix: str = "bulk-",
    seed: int = 0,
    margin_every: int = 0,
    bootstrap: bool = False,
    analyze: bool = True,
    chunk: int = CHUNK,
) -> BulkResult:
    """COPY ``n`` synthetic client accounts and their balances into the ledger tables.

    Args:
        engine: a PostgreSQL engine (e.g. :func:`por.ledger.db.make_engine`, which sets the schema).
        n: how many client accounts.
        assets: which assets get balances (default: every asset of the ledger, or ``("USD",)`` when
            bootstrapping).
        prefix: account id prefix (ids must not exist yet).
        seed: amounts are a deterministic function of ``seed`` and the account index.
        margin_every: every that-many-th account is a margin account with a covered debt (0: none).
        bootstrap: write a head row and asset rows when the ledger tables are empty.
        analyze: ``ANALYZE`` the two tables afterwards (fresh planner statistics for the hot queries).

    Raises:
        UsageError: not PostgreSQL, ``n < 0``, or an empty ledger without ``bootstrap``.
        LedgerError: an asset the ledger does not know, or a loaded id that already exists.
    """
    if engine.dialect.name != "postgresql":
        raise UsageError("bulk loading uses COPY: a postgresql+psycopg:// database is needed")
    if n < 0 or chunk < 1:
        raise UsageError("n must be >= 0 and chunk >= 1")
    SQLModel.metadata.create_all(engine, tables=ALL_TABLES)
    with engine.begin() as conn:
        head = conn.execute(select(head_t.c.seq)).scalar()
        known = {r.code: r.custodian for r in conn.execute(select(asset_t.c.code, asset_t.c.custodian))}
        if head is None:
            if not bootstrap:
                raise UsageError("the ledger is empty: run genesis first, or pass bootstrap=True")
            head = 1
            conn.execute(head_t.insert().values(id=1, seq=1, entry_hash="bulk-bootstrap", time=BOOTSTRAP_TIME,
                                                gov_seq=0))
        chosen = tuple(assets) if assets is not None else (tuple(sorted(known)) or ("USD",))
        for a in chosen:
            if a not in known:
                if not bootstrap:
                    raise LedgerError(f"asset {a!r} is not in the ledger (add it first, or bootstrap)")
                conn.execute(asset_t.insert().values(code=a, decimals=2, kind="cash", custodian="bulk",
                                                     added_seq=int(head)))
                known[a] = "bulk"
    seq = int(head)
    eq_tot = dict.fromkeys(chosen, 0)
    debt_tot = dict.fromkeys(chosen, 0)
    main_cash, main_margin = balance_rule("cash", "main"), balance_rule("margin", "main")
    debt_rule = balance_rule("margin", "debt")
    n_bal = 0

    t0 = time.perf_counter()
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        # one transaction: a failed load leaves nothing behind
        cur.execute("SET LOCAL synchronous_commit TO OFF")
        with cur.copy("COPY ledger_account (id, kind, owner, opened_seq) FROM STDIN") as cp:
            for lo in range(0, n, chunk):
                hi = min(n, lo + chunk)
                lines = []
                for i in range(lo, hi):
                    a = account_id(prefix, i)
                    kind = "margin" if margin_every > 0 and i % margin_every == margin_every - 1 else "cash"
                    lines.append(f"{a}\t{kind}\t{a}\t{seq}\n")
                cp.write("".join(lines).encode("utf-8"))
        with cur.copy("COPY ledger_balance (account, asset, book, amount, rule) FROM STDIN") as cp:
            for lo in range(0, n, chunk):
                lines = []
                for i, margin, equity, debt in _amounts(seed, n, chosen, margin_every, lo, min(n, lo + chunk)):
                    a = account_id(prefix, i)
                    main_rule = main_margin if margin else main_cash
                    for asset, e, d in zip(chosen, equity, debt, strict=True):
                        lines.append(f"{a}\t{asset}\tmain\t{e}\t{main_rule}\n")
                        eq_tot[asset] += e
                        if d:
                            lines.append(f"{a}\t{asset}\tdebt\t{-d}\t{debt_rule}\n")
                            debt_tot[asset] += d
                n_bal += len(lines)
                cp.write("".join(lines).encode("utf-8"))
        # keep every asset summing to zero: the custodian's reserve carries the equity, the house the debt
        for asset in chosen:
            for acct, delta in ((f"reserve:{known[asset]}", -eq_tot[asset]), ("house", debt_tot[asset])):
                if delta == 0:
                    continue
                cur.execute("SELECT 1 FROM ledger_account WHERE id = %s", (acct,))
                if cur.fetchone() is None:
                    continue  # bootstrap: no platform accounts
                cur.execute(
                    "INSERT INTO ledger_balance (account, asset, book, amount, rule) VALUES (%s, %s, 'main', %s, "
                    "'any') ON CONFLICT (account, asset, book) DO UPDATE SET amount = ledger_balance.amount + "
                    "EXCLUDED.amount", (acct, asset, delta))
        raw.commit()
    except Exception as exc:
        raw.rollback()
        if type(exc).__name__ == "UniqueViolation":
            raise LedgerError(f"bulk load: an account id with prefix {prefix!r} already exists ({exc})") from None
        raise
    finally:
        raw.close()
    seconds = time.perf_counter() - t0
    if analyze:
        with engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE ledger_account")
            conn.exec_driver_sql("ANALYZE ledger_balance")
    return BulkResult(n, n_bal, chosen, seq, eq_tot, debt_tot, seconds)


#: the two queries a head snapshot runs per chunk (por.ledger.snapshot), for EXPLAIN
SNAPSHOT_ACCOUNTS_SQL = (
    "SELECT id FROM ledger_account WHERE kind IN ('cash', 'margin') AND opened_seq <= %(seq)s "
    "AND id > %(lo)s ORDER BY id LIMIT %(limit)s")
SNAPSHOT_BALANCES_SQL = (
    "SELECT account, asset, book, amount FROM ledger_balance WHERE account >= %(first)s AND account <= %(last)s")


def explain(engine: Engine, sql: str, params: dict[str, object], *, analyze: bool = False) -> str:
    """The PostgreSQL plan of ``sql`` (``EXPLAIN (ANALYZE, BUFFERS)`` when ``analyze``) as text."""
    if engine.dialect.name != "postgresql":
        raise UsageError("explain() is for PostgreSQL")
    opts = "ANALYZE, BUFFERS, " if analyze else ""
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        cur.execute(f"EXPLAIN ({opts}COSTS) {sql}", params)
        text = "\n".join(str(r[0]) for r in cur.fetchall())
        raw.rollback()
        return text
    finally:
        raw.close()


def snapshot_queries(engine: Engine, chunk: int = 5000) -> list[tuple[str, dict[str, object]]]:
    """The SQL (with parameters) a head :class:`~por.ledger.snapshot.Snapshot` runs for one chunk
    (the second, when there is one), captured from the driver (so EXPLAIN shows the queries the code really sends)."""
    from sqlalchemy import event

    from por.ledger.snapshot import Snapshot

    seen: list[tuple[str, dict[str, object]]] = []

    def capture(conn: object, cursor: object, statement: str, params: object, context: object,
                executemany: bool) -> None:
        if "ledger_account" in statement and "ORDER BY" in statement or "FROM ledger_balance" in statement:
            seen.append((statement, dict(params) if isinstance(params, dict) else {}))

    event.listen(engine, "before_cursor_execute", capture)
    try:
        with Snapshot(engine, chunk=chunk) as snap:
            rows = snap.rows()
            for _ in range(chunk + 1):  # into the second chunk: its account query has ``id > last``
                if next(rows, None) is None:
                    break
            close = getattr(rows, "close", None)
            if close is not None:
                close()
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    return seen[-2:]


def insert_floor(engine: Engine, first: int, last: int, per_tx: int) -> float:
    """Rows per second of plain INSERTs of journal rows ``first..last`` and their postings into bare
    copies of the two tables, ``per_tx`` entries per transaction: the database's own speed, which the
    ledger benchmark divides the ledger's append rate by (``por bench``, ledger.*.entries_per_s)."""
    md = MetaData()
    fj = Table("bench_floor_journal", md, *[c._copy() for c in journal_t.columns])
    fp = Table("bench_floor_posting", md, *[c._copy() for c in posting_t.columns])
    md.drop_all(engine)
    md.create_all(engine)
    with engine.connect() as conn:
        with conn.begin():
            jrows = [dict(r._mapping) for r in conn.execute(select(journal_t).where(
                journal_t.c.seq >= first, journal_t.c.seq <= last).order_by(journal_t.c.seq))]
            prows = [dict(r._mapping) for r in conn.execute(select(posting_t).where(
                posting_t.c.entry_seq >= first, posting_t.c.entry_seq <= last))]
    by_seq: dict[int, list[dict[str, object]]] = {}
    for p in prows:
        by_seq.setdefault(int(p["entry_seq"]), []).append(p)
    t0 = time.perf_counter()
    for i in range(0, len(jrows), per_tx):
        chunk = jrows[i:i + per_tx]
        with engine.connect().execution_options(por_write=True) as conn:
            with conn.begin():
                conn.execute(fj.insert(), chunk)
                postings = [p for j in chunk for p in by_seq.get(int(j["seq"]), [])]
                if postings:  # an entry without postings (genesis, a price) inserts no posting row
                    conn.execute(fp.insert(), postings)
    dt = time.perf_counter() - t0
    md.drop_all(engine)
    return len(jrows) / dt
