"""The ledger's base: its database, read and write transactions, and appending signed entries.

It owns what every facet stands on: the engine, the cached governance state a write transaction
starts from, the transparency log's connection, the clock, and :meth:`LedgerBase.submit` (build, sign,
append in one transaction). The entry rules are docs/protocol.md §10.2 (entries and signatures) and
§10.3 (chain hash and transparency log); the facets add one concern each.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Self, TypeVar

from sqlalchemy import Connection, select

from por.errors import LedgerError
from por.ledger import canonical
from por.ledger.core import DEFAULT_CONFIG, AssetInfo, Receipt, Tx, idem_key, write_transaction
from por.ledger.db import is_sqlite, make_engine, require_existing
from por.ledger.journal import Entry, Governance, Member, make_entry
from por.ledger.keys import Signer
from por.ledger.log import JournalLog
from por.ledger.tables import ALL_TABLES, asset_t, config_t, head_t, member_t

DEFAULT_URL = "sqlite:///por-ledger.db"
T = TypeVar("T")
Payload = Mapping[str, Any] | Callable[[Tx, str], Mapping[str, Any]]


@dataclass(slots=True)
class Request:
    """One entry to build and append inside a write transaction (``payload`` may be a builder)."""

    signer: Signer
    type: str
    payload: Payload
    idem: str | None = None
    time: str | None = None
    cosigners: Sequence[Signer] = field(default_factory=tuple)


class LedgerBase:
    """A connection to a custody ledger database and the transactions every facet runs in."""

    def __init__(self, url: str, *, schema: str | None = None, create: bool = True) -> None:
        self.url = url
        self.schema = schema
        if not create:
            require_existing(url)
        self.engine = make_engine(url, schema)
        if create:
            from sqlmodel import SQLModel

            if schema and not is_sqlite(self.engine):  # make_engine checked the name
                with self.engine.begin() as conn:
                    conn.exec_driver_sql(f"CREATE SCHEMA IF NOT EXISTS {schema}")
            SQLModel.metadata.create_all(self.engine, tables=ALL_TABLES)
        self._gov = Governance()
        self._config: dict[str, Any] = json.loads(json.dumps(DEFAULT_CONFIG))
        self._assets: dict[str, AssetInfo] = {}
        self._gov_seq = -1
        self._acct_cache: dict[str, str] = {}
        self._active: Connection | None = None
        self._log_conn: Connection | None = None
        self.log = JournalLog(self._log_connection)
        #: None: the latest signed ``price`` entry in the database (:class:`~por.ledger.facets.prices.PricesFacet`)
        self._price_source: Callable[[str], int] | None = None
        #: the ledger's clock: entry times may not run ahead of it by more than ``clock.max_ahead_s``
        self.clock: Callable[[], str] = canonical.utc_now
        #: accept pre-signed format-1 entries into a journal that has no format-2 entry yet (what software
        #: before format 2 wrote; off by default: new journals are format 2 from the genesis, and a
        #: format-1 journal takes only its migration)
        self.accept_format_1 = False

    def set_clock(self, clock: Callable[[], str] | None) -> None:
        """Replace the ledger's clock (a UTC entry-time string source; tests, simulations); None restores
        the system clock."""
        self.clock = clock or canonical.utc_now

    @classmethod
    def open(cls, url: str = DEFAULT_URL, *, schema: str | None = None, create: bool = True) -> Self:
        """Open (and by default create the tables of) the ledger at ``url``; with ``create=False`` a
        SQLite file that is not there is a :class:`UsageError`, never a new empty database."""
        return cls(url, schema=schema, create=create)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    @property
    def dialect(self) -> str:
        return "sqlite" if is_sqlite(self.engine) else "postgresql"

    # ------------------------------------------------------------------ transactions
    def _log_connection(self) -> Connection:
        c = self._log_conn or self._active
        if c is None:
            raise LedgerError("the log is read inside a ledger transaction")
        return c

    def _reload(self, conn: Connection, head: Any) -> None:
        if head is None:
            self._gov, self._assets = Governance(), {}
            self._config = json.loads(json.dumps(DEFAULT_CONFIG))
            self._gov_seq = 0
            return
        if int(head.gov_seq) == self._gov_seq:
            return
        gov = Governance()
        for r in conn.execute(select(member_t)):
            gov.members[r.id] = Member(r.id, set(r.roles.split(",")), r.ed25519, r.status, r.bls_public_key,
                                       r.bls_pop, int(r.added_seq), int(r.updated_seq))
        config: dict[str, Any] = json.loads(json.dumps(DEFAULT_CONFIG))
        for r in conn.execute(select(config_t)):
            config[r.key] = json.loads(r.value)
        gov.quorum = int(config.pop("governor_quorum", 1))
        self._gov, self._config = gov, config
        self._assets = {r.code: AssetInfo(r.code, int(r.decimals), r.kind, r.custodian)
                        for r in conn.execute(select(asset_t))}
        self._gov_seq = int(head.gov_seq)

    def _write(self, fn: Callable[[Tx], T]) -> T:
        with write_transaction(self.engine) as conn:
            q = select(head_t)
            if conn.dialect.name == "postgresql":
                q = q.with_for_update()
            head = conn.execute(q).first()
            self._reload(conn, head)
            tx = Tx(self, conn, head._asdict() if head is not None else None)
            self._active = conn
            try:
                out = fn(tx)
                tx.flush()
            finally:
                self._active = None
        if tx.gov_changed:
            self._gov, self._config, self._assets, self._gov_seq = tx.gov, tx.config, tx.assets, tx.gov_seq
        self._acct_cache.update(tx._acct)
        return out

    def _read(self, fn: Callable[[Connection], T]) -> T:
        with self.engine.connect() as conn:
            with conn.begin():
                prev, self._active = self._active, conn
                try:
                    return fn(conn)
                finally:
                    self._active = prev

    def _in_tx_read(self, fn: Callable[[Tx], T]) -> T:
        """Run a read through a Tx view (no lock, nothing written)."""
        def q(conn: Connection) -> T:
            head = conn.execute(select(head_t)).first()
            self._reload(conn, head)
            return fn(Tx(self, conn, head._asdict() if head is not None else None))
        return self._read(q)

    # ------------------------------------------------------------------ appending
    def append(self, entry: Entry) -> Receipt:
        """Append one pre-signed entry (checked, chained, logged and posted in one transaction)."""
        return self._write(lambda tx: tx.append(entry))

    def append_many(self, entries: Iterable[Entry]) -> list[Receipt]:
        """Append entries in one transaction: all of them, or (on any error) none."""
        items = list(entries)
        return self._write(lambda tx: [tx.append(e) for e in items])

    def _build(self, tx: Tx, r: Request) -> Receipt:
        t = r.time or self.clock()
        if tx.time and t < tx.time:
            t = tx.time
        try:
            payload = r.payload(tx, t) if callable(r.payload) else r.payload
        except LedgerError:
            # a retry whose original already went through may no longer build (funds now held, ...):
            # answer it from the journal; the content check needs the rebuilt request, so it is skipped.
            # Only for a signer whose key and role the membership accepts for this type (the lookup
            # comes after authorisation, as for every entry).
            if r.idem is None or not tx.gov.may_sign(r.signer.member_id, r.signer.public_hex, r.type):
                raise
            prior = tx._idem_lookup(idem_key(r.signer.member_id, r.idem, 2))
            if prior is None:
                raise
            return Receipt(prior[1].seq, prior[1].entry_hash, prior[1].type, replayed=True)
        entry = make_entry(r.signer, r.type, payload, seq=tx.seq + 1, prev=tx.prev, time=t, idem=r.idem,
                           cosigners=r.cosigners)
        return tx.append(entry)

    def submit(self, signer: Signer, type_: str, payload: Payload, *, idem: str | None = None,
               time: str | None = None, cosigners: Sequence[Signer] = ()) -> Receipt:
        """Build (``payload`` may be a builder ``(tx, time) -> payload``), sign and append one entry."""
        return self.submit_many([Request(signer, type_, payload, idem, time, cosigners)])[0]

    def submit_many(self, requests: Iterable[Request]) -> list[Receipt]:
        """Build, sign and append many entries in one transaction (all or none)."""
        items = list(requests)
        return self._write(lambda tx: [self._build(tx, r) for r in items])

    def clear_caches(self) -> None:
        self._gov_seq = -1
        self._acct_cache.clear()
        self.log.cache_clear()
