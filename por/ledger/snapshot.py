"""Client liabilities at a journal sequence, streamed in account order from one consistent view.

Each row is one client account (cash or margin) opened at or before the cut-off; for every asset the
row has ``equity`` (the platform owes the client: ``main + held``) and ``debt`` (the client owes the
platform: ``−debt``). At the head, balances are read from ``ledger_balance`` inside one REPEATABLE READ
(PostgreSQL) or read (SQLite WAL) transaction opened before the head is read; at an earlier sequence
they are summed from the immutable postings with ``1 <= entry_seq <= seq``. Either way writers appending
meanwhile change nothing the snapshot returns.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from sqlalchemy import Connection, Engine, func, select

from por.errors import LedgerError
from por.ledger.tables import CLIENT_KINDS, account_t, asset_t, balance_t, head_t, journal_t, posting_t

CHUNK = 5000


class Snapshot:
    """A cut-off of client liabilities; use as a context manager (it holds a read transaction)."""

    def __init__(self, engine: Engine, at_seq: int | None = None, chunk: int = CHUNK) -> None:
        self._chunk = chunk
        conn = engine.connect()
        if conn.dialect.name == "postgresql":
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
        self._conn: Connection | None = conn
        self._tx = conn.begin()
        try:
            head = conn.execute(select(head_t.c.seq, head_t.c.time)).first()
            if head is None:
                raise LedgerError("the ledger is empty (no genesis)")
            if at_seq is None or at_seq == head.seq:
                self.seq, self.cutoff_time, self._at_head = int(head.seq), str(head.time), True
            else:
                if not isinstance(at_seq, int) or not 1 <= at_seq <= head.seq:
                    raise LedgerError(f"snapshot sequence {at_seq} is outside 1..{head.seq}")
                t = conn.execute(select(journal_t.c.time).where(journal_t.c.seq == at_seq)).scalar()
                self.seq, self.cutoff_time, self._at_head = at_seq, str(t), False
            assets = conn.execute(select(asset_t.c.code, asset_t.c.decimals)
                                  .where(asset_t.c.added_seq <= self.seq)).all()
        except BaseException:
            self.close()
            raise
        self.asset_decimals: dict[str, int] = {a: int(d) for a, d in assets}
        self.columns: list[tuple[str, str]] = sorted((a, k) for a in self.asset_decimals for k in ("equity", "debt"))
        self._index = {c: i for i, c in enumerate(self.columns)}

    def __enter__(self) -> Snapshot:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def close(self) -> None:
        if self._conn is not None:
            try:
                self._tx.rollback()
            finally:
                self._conn.close()
                self._conn = None

    def __del__(self) -> None:  # pragma: no cover - best effort
        try:
            self.close()
        except Exception:  # noqa: BLE001
            pass

    def to_dict(self) -> dict[str, Any]:
        return {"seq": self.seq, "cutoff_time": self.cutoff_time, "columns": [list(c) for c in self.columns],
                "asset_decimals": self.asset_decimals}

    def _balances(self, lo: str | None, hi_limit: int) -> tuple[list[str], dict[str, list[tuple[str, str, int]]]]:
        """The next chunk of client account ids after ``lo`` and their (asset, book, amount) rows."""
        assert self._conn is not None
        conn = self._conn
        q = select(account_t.c.id).where(account_t.c.kind.in_(CLIENT_KINDS), account_t.c.opened_seq <= self.seq)
        if lo is not None:
            q = q.where(account_t.c.id > lo)
        ids = list(conn.execute(q.order_by(account_t.c.id).limit(hi_limit)).scalars())
        out: dict[str, list[tuple[str, str, int]]] = {i: [] for i in ids}
        if not ids:
            return ids, out
        first, last = ids[0], ids[-1]
        if self._at_head:
            rows = conn.execute(select(balance_t.c.account, balance_t.c.asset, balance_t.c.book, balance_t.c.amount)
                                .where(balance_t.c.account >= first, balance_t.c.account <= last))
        else:
            p = posting_t.c
            rows = conn.execute(select(p.account, p.asset, p.book, func.sum(p.amount))
                                .where(p.account >= first, p.account <= last, p.entry_seq >= 1, p.entry_seq <= self.seq)
                                .group_by(p.account, p.asset, p.book))
        for acct, asset, book, amount in rows:
            if acct in out:
                out[acct].append((asset, book, int(amount)))
        return ids, out

    def rows(self) -> Iterator[tuple[str, tuple[int, ...]]]:
        """``(account_id, values)`` per client account in account order; values follow ``columns``."""
        if self._conn is None:
            raise LedgerError("the snapshot is closed")
        lo: str | None = None
        width = len(self.columns)
        while True:
            ids, bal = self._balances(lo, self._chunk)
            if not ids:
                return
            for acct in ids:
                vals = [0] * width
                for asset, book, amount in bal[acct]:
                    if asset not in self.asset_decimals:
                        continue
                    if book == "debt":
                        vals[self._index[(asset, "debt")]] += -amount
                    else:
                        vals[self._index[(asset, "equity")]] += amount
                yield acct, tuple(vals)
            lo = ids[-1]


def client_rows(account_rows: Iterable[tuple[str, tuple[int, ...]]], owners: dict[str, str | None], k: int,
                progress: Callable[[str, int, int], None] | None = None) -> tuple[list[int], list[tuple[str, tuple[int, ...]]]]:
    """One row per CLIENT (the owner of ledger accounts; an account without an owner stands alone):
    per column the sum over the client's accounts. Returns the kept column indexes (every column
    with a non-zero value; at least one) and the rows, sorted by client id, restricted to them."""
    sums: dict[str, list[int]] = {}
    for n, (account, values) in enumerate(account_rows, 1):
        client = owners.get(account) or account
        acc = sums.setdefault(client, [0] * k)
        for i, v in enumerate(values):
            acc[i] += v
        if progress is not None and n % 5000 == 0:
            progress("snapshot", n, 0)
    keep = [i for i in range(k) if any(v[i] for v in sums.values())] or [0]
    return keep, [(c, tuple(sums[c][i] for i in keep)) for c in sorted(sums)]
