"""The :class:`Ledger` object: open a database, append signed entries, read balances, prove the log."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast

from sqlalchemy import Connection, func, select

from por import PROTOCOL
from por.errors import LedgerError, LedgerIntegrityError, PriceUnavailableError, UsageError
from por.ledger import canonical
from por.ledger import margin as _margin
from por.ledger import postings as _postings  # noqa: F401 - registers handlers
from por.ledger import withdrawals as _withdrawals
from por.ledger.core import DEFAULT_CONFIG, AssetInfo, Receipt, Tx, idem_key, merge_config, write_transaction
from por.ledger.db import is_sqlite, make_engine, require_existing
from por.ledger.journal import Entry, Governance, Member, make_entry
from por.ledger.keys import Signer
from por.ledger.log import JournalLog
from por.ledger.snapshot import Snapshot
from por.ledger.tables import (
    ALL_TABLES,
    account_t,
    approval_t,
    asset_t,
    balance_t,
    config_t,
    head_t,
    journal_t,
    margin_t,
    member_record,
    member_t,
    price_t,
    withdrawal_t,
)
from por.result import Result

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


class Ledger:
    """A custody ledger on SQLite (default) or PostgreSQL.

    Open with :meth:`open`; write through signed entries (:meth:`append` for pre-signed entries,
    :meth:`submit` and the convenience methods to build, sign and append in one transaction).
    """

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
        self._price_source: Callable[[str], int] = self._db_price
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
    def open(cls, url: str = DEFAULT_URL, *, schema: str | None = None, create: bool = True) -> Ledger:
        """Open (and by default create the tables of) the ledger at ``url``; with ``create=False`` a
        SQLite file that is not there is a :class:`UsageError`, never a new empty database."""
        return cls(url, schema=schema, create=create)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Ledger:
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

    # ------------------------------------------------------------------ governance
    def genesis(self, operator: Signer, auditor: Signer, *, others: Sequence[tuple[Signer, Sequence[str]]] = (),
                quorum: int = 2, config: Mapping[str, Any] | None = None, time: str | None = None) -> Receipt:
        """The first entry: operator (operator, governor), auditor (auditor, governor), and ``others``."""
        members = [{"id": operator.member_id, "roles": ["governor", "operator"], "ed25519": operator.public_hex},
                   {"id": auditor.member_id, "roles": ["auditor", "governor"], "ed25519": auditor.public_hex}]
        signers = [operator, auditor]
        for s, roles in others:
            members.append({"id": s.member_id, "roles": sorted(roles), "ed25519": s.public_hex})
            signers.append(s)
        payload = {"protocol": PROTOCOL, "members": members, "quorum": quorum, "config": dict(config or {})}
        return self.submit(operator, "genesis", payload, time=time, cosigners=signers[1:])

    def _gov_submit(self, governors: Sequence[Signer], type_: str, payload: Mapping[str, Any],
                    time: str | None = None) -> Receipt:
        if not governors:
            raise UsageError("membership entries need the signatures of a quorum of governors")
        return self.submit(governors[0], type_, payload, time=time, cosigners=governors[1:])

    def add_member(self, governors: Sequence[Signer], member_id: str, roles: Sequence[str], public_hex: str,
                   *, time: str | None = None) -> Receipt:
        return self._gov_submit(governors, "member.add",
                                {"id": member_id, "roles": sorted(roles), "ed25519": public_hex}, time)

    def set_roles(self, governors: Sequence[Signer], member_id: str, roles: Sequence[str]) -> Receipt:
        return self._gov_submit(governors, "member.roles", {"id": member_id, "roles": sorted(roles)})

    def revoke_member(self, governors: Sequence[Signer], member_id: str) -> Receipt:
        return self._gov_submit(governors, "member.revoke", {"id": member_id})

    def rotate_key(self, signers: Sequence[Signer], member_id: str, new_public_hex: str) -> Receipt:
        """Rotate a member's Ed25519 key: signed by the member's current key, or by a governor quorum."""
        return self._gov_submit(signers, "member.rotate", {"id": member_id, "ed25519": new_public_hex})

    def set_bls_key(self, signers: Sequence[Signer], member_id: str, bls_public_key: str, bls_pop: str) -> Receipt:
        """Record a member's BLS public key (48-byte G1 hex) and proof of possession (96-byte G2 hex)."""
        return self._gov_submit(signers, "member.bls",
                                {"id": member_id, "bls_public_key": bls_public_key, "bls_pop": bls_pop})

    def set_config(self, governors: Sequence[Signer], key: str, value: Any) -> Receipt:
        return self._gov_submit(governors, "config.set", {"key": key, "value": value})

    def journal_format(self) -> int | None:
        """The format of the journal's last entry: 2, 1 (a format-1 journal not yet migrated) or None (empty)."""
        def q(conn: Connection) -> int | None:
            head = conn.execute(select(head_t)).first()
            if head is None:
                return None
            return Tx(self, conn, head._asdict()).format
        return self._read(q)

    def migrate(self, governors: Sequence[Signer], *, time: str | None = None) -> tuple[Receipt, Result]:
        """Move a format-1 journal to format 2 (docs/protocol.md §10.3): re-verify the whole journal
        (:meth:`verify`); only if every check passes, a governor quorum signs a ``ledger.migrate`` entry at
        the next place restating the format-1 head (seq, chain hash, log root). From then on only format-2
        entries are accepted, and every entry signs its place.

        Raises:
            LedgerIntegrityError: the re-verification failed (nothing is appended); the result is attached.
            LedgerError: the journal is empty or already in format 2.
        """
        fmt = self.journal_format()
        if fmt != 1:
            raise LedgerError("nothing to migrate: the journal is " + ("empty" if fmt is None else "already in format 2"))
        result = self.verify()
        # the one failure expected here is the one the migration mends: a format-1 journal
        if any(not c.ok and c.id != "ledger.format" for c in result.checks):
            raise LedgerIntegrityError("the format-1 journal does not re-verify, so it is not migrated: "
                                       + "; ".join(f"{c.id}: {c.message}" for c in result.failures))

        def build(tx: Tx, _t: str) -> dict[str, Any]:
            return {"from_version": 1, "v1_seq": tx.seq, "v1_head": tx.prev, "v1_log_root": self.log.root_hex(tx.seq)}
        if not governors:
            raise UsageError("a migration needs the signatures of a quorum of governors")
        r = self.submit(governors[0], "ledger.migrate", build, time=time, cosigners=governors[1:])
        return r, result

    def members(self) -> list[dict[str, Any]]:
        """Members with roles, status, Ed25519 public key hex and (if set) BLS public key and PoP hex."""
        def q(conn: Connection) -> list[dict[str, Any]]:
            return [member_record(r) for r in conn.execute(select(member_t).order_by(member_t.c.id))]
        return self._read(q)

    def member_history(self) -> list[tuple[int, list[dict[str, Any]]]]:
        """The members (as :meth:`members` lists them) after each membership entry, oldest first:
        ``[(seq, members), ...]`` from the genesis entry on, replayed from the journal.

        Why: a bundle's keyring is judged against the members the governors had admitted at or
        after the epoch's cut-off, not against whatever the member table holds today.
        """
        types = ("genesis", "member.add", "member.roles", "member.revoke", "member.rotate", "member.bls")

        def q(conn: Connection) -> list[tuple[int, list[dict[str, Any]]]]:
            gov = Governance()
            out: list[tuple[int, list[dict[str, Any]]]] = []
            rows = conn.execute(select(journal_t.c.seq, journal_t.c.type, journal_t.c.body, journal_t.c.sigs,
                                       journal_t.c.prev_hash)
                                .where(journal_t.c.type.in_(types)).order_by(journal_t.c.seq))
            for r in rows:
                sigs = [(str(x["by"]), str(x["sig"])) for x in canonical.loads(r.sigs.encode("utf-8"))]
                entry = Entry.from_bytes(r.body.encode("utf-8"), sigs, seq=int(r.seq), prev=r.prev_hash)
                if r.type == "genesis":
                    gov.apply_genesis(entry)
                else:
                    gov.apply(entry, int(r.seq))
                out.append((int(r.seq), [gov.members[k].to_dict() for k in sorted(gov.members)]))
            return out
        return self._read(q)

    def config(self) -> dict[str, Any]:
        def q(conn: Connection) -> dict[str, Any]:
            return {r.key: json.loads(r.value) for r in conn.execute(select(config_t))}
        return self._read(q)

    def config_at(self, seq: int) -> dict[str, Any]:
        """The governed settings in force after journal entry ``seq`` (replayed from the journal).

        Why: an epoch is judged by the rules of its cut-off, not by a later ``config.set``.
        """
        def q(conn: Connection) -> dict[str, Any]:
            out: dict[str, Any] = json.loads(json.dumps(DEFAULT_CONFIG))
            rows = conn.execute(select(journal_t.c.type, journal_t.c.body)
                                .where(journal_t.c.type.in_(("genesis", "config.set")), journal_t.c.seq <= seq)
                                .order_by(journal_t.c.seq))
            for r in rows:
                p = json.loads(r.body).get("payload", {})
                changes = p.get("config", {}) if r.type == "genesis" else {p.get("key"): p.get("value")}
                for k, v in changes.items():
                    if k != "governor_quorum":
                        out = merge_config(out, k, v)
            return out
        return self._read(q)

    # ------------------------------------------------------------------ assets and accounts
    def add_asset(self, operator: Signer, code: str, decimals: int, custodian: str, *, kind: str = "security",
                  time: str | None = None) -> Receipt:
        return self.submit(operator, "asset.add", {"code": code, "decimals": decimals, "kind": kind,
                                                   "custodian": custodian}, time=time)

    def assets(self) -> dict[str, AssetInfo]:
        def q(conn: Connection) -> dict[str, AssetInfo]:
            return {r.code: AssetInfo(r.code, int(r.decimals), r.kind, r.custodian)
                    for r in conn.execute(select(asset_t).order_by(asset_t.c.code))}
        return self._read(q)

    def open_accounts(self, operator: Signer, accounts: Sequence[tuple[str, str, str | None]], *,
                      time: str | None = None) -> Receipt:
        """Open accounts ``(id, kind, owner)`` in one entry (kinds: cash, house, insurance, reserve, street)."""
        return self.submit(operator, "account.open",
                           {"accounts": [{"id": a, "kind": k, "owner": o} for a, k, o in accounts]}, time=time)

    def open_account(self, operator: Signer, account_id: str, kind: str = "cash", owner: str | None = None) -> Receipt:
        return self.open_accounts(operator, [(account_id, kind, owner)])

    def open_margin_account(self, operator: Signer, account_id: str, owner: str, *, max_leverage_bps: int = 20000,
                            maintenance_bps: int = 2500, quote: str | None = None, time: str | None = None) -> Receipt:
        payload = {"account": account_id, "owner": owner, "max_leverage_bps": max_leverage_bps,
                   "maintenance_bps": maintenance_bps, "quote": quote or self._config.get("quote_asset", "USD")}
        return self.submit(operator, "margin.open", payload, time=time)

    def accounts(self, kind: str | None = None) -> list[dict[str, Any]]:
        def q(conn: Connection) -> list[dict[str, Any]]:
            s = select(account_t).order_by(account_t.c.id)
            if kind:
                s = s.where(account_t.c.kind == kind)
            return [dict(r._mapping) for r in conn.execute(s)]
        return self._read(q)

    # ------------------------------------------------------------------ postings and balances
    def deposit(self, operator: Signer, account: str, asset: str, amount: int, *, idem: str | None = None,
                time: str | None = None) -> Receipt:
        """Credit ``amount`` minor units of ``asset`` to ``account`` from the asset custodian's reserve."""
        canonical.check_int(amount, "deposit amount", minimum=1)

        def build(tx: Tx, _t: str) -> dict[str, Any]:
            return {"kind": "deposit", "request": {"account": account, "asset": asset, "amount": amount},
                    "postings": _postings.deposit_postings(tx, account, asset, amount)}
        return self.submit(operator, "post", build, idem=idem, time=time)

    def transfer(self, operator: Signer, from_account: str, to_account: str, asset: str, amount: int, *,
                 idem: str | None = None, kind: str = "transfer", time: str | None = None) -> Receipt:
        canonical.check_int(amount, "transfer amount", minimum=1)
        return self.post(operator, [[from_account, asset, "main", -amount], [to_account, asset, "main", amount]],
                         kind=kind, idem=idem, time=time)

    def post(self, operator: Signer, postings: Sequence[Sequence[Any]], *, kind: str = "transfer",
             idem: str | None = None, time: str | None = None) -> Receipt:
        """A generic double-entry ``post``: ``[[account, asset, "main", amount], ...]`` summing to zero."""
        return self.submit(operator, "post", {"kind": kind, "postings": [list(p) for p in postings]},
                           idem=idem, time=time)

    def balance(self, account: str) -> dict[str, dict[str, int]]:
        """``{asset: {book: amount}}`` for one account (minor units; debt is <= 0)."""
        def q(conn: Connection) -> dict[str, dict[str, int]]:
            if conn.execute(select(account_t.c.id).where(account_t.c.id == account)).first() is None:
                raise LedgerError(f"unknown account {account!r}")
            out: dict[str, dict[str, int]] = {}
            for r in conn.execute(select(balance_t).where(balance_t.c.account == account)):
                out.setdefault(r.asset, {})[r.book] = int(r.amount)
            return out
        return self._read(q)

    def totals(self) -> dict[str, dict[str, int]]:
        """Per asset, the sum of every balance by account kind (each asset sums to zero overall)."""
        def q(conn: Connection) -> dict[str, dict[str, int]]:
            out: dict[str, dict[str, int]] = {}
            for asset, kind, s in conn.execute(
                    select(balance_t.c.asset, account_t.c.kind, func.sum(balance_t.c.amount))
                    .join(account_t, account_t.c.id == balance_t.c.account)
                    .group_by(balance_t.c.asset, account_t.c.kind)):
                out.setdefault(asset, {})[kind] = int(s)
            return out
        return self._read(q)

    # ------------------------------------------------------------------ prices
    def post_price(self, oracle: Signer, asset: str, price_e8: int, *, time: str | None = None) -> Receipt:
        """A minimal signed oracle price (×10^8, in the quote asset per whole unit)."""
        return self.submit(oracle, "price", {"asset": asset, "price_e8": price_e8}, time=time)

    def _db_price(self, asset: str) -> int:
        def q(conn: Connection) -> int:
            v = conn.execute(select(price_t.c.price_e8).where(price_t.c.asset == asset)
                             .order_by(price_t.c.seq.desc()).limit(1)).scalar()
            if v is None:
                raise PriceUnavailableError(f"no signed price for {asset}")
            return int(v)
        if self._active is not None:
            return q(self._active)
        return self._read(q)

    def set_price_source(self, source: Callable[[str], int] | None) -> None:
        """Replace the price source (e.g. a quorum median of oracle reports); None restores the default.

        The source returns price ×10^8 and raises :class:`PriceUnavailableError` when it has no usable
        price (which also trips the circuit breaker).
        """
        self._price_source = source or self._db_price

    def current_price(self, asset: str) -> int:
        """The price (×10^8) margin, liquidation and the circuit breaker use."""
        return self._price_source(asset)

    # ------------------------------------------------------------------ margin
    def margin_trade(self, operator: Signer, account: str, asset: str, qty: int, side: str = "buy", *,
                     idem: str | None = None, time: str | None = None) -> Receipt:
        """Buy (borrowing what cash lacks, within the leverage limit) or sell at the current price."""
        return self.submit(operator, "margin.trade",
                           lambda tx, _t: _margin.trade_payload(tx, account, asset, qty, side), idem=idem, time=time)

    def _in_tx_read(self, fn: Callable[[Tx], T]) -> T:
        """Run a read through a Tx view (no lock, nothing written)."""
        def q(conn: Connection) -> T:
            head = conn.execute(select(head_t)).first()
            self._reload(conn, head)
            return fn(Tx(self, conn, head._asdict() if head is not None else None))
        return self._read(q)

    def margin_status(self, account: str) -> dict[str, Any]:
        def f(tx: Tx) -> dict[str, Any]:
            st = _margin.margin_state(tx, account)
            d = st.to_dict()
            d["liquidation_price_e8"] = _margin.liquidation_price_e8(tx, st)
            d["below_maintenance"] = st.ratio_bps < st.maintenance_bps
            return d
        return self._in_tx_read(f)

    def margin_accounts(self) -> list[dict[str, Any]]:
        """Per margin account: id, owner, quote, positions (qty per asset), debt per asset, limits."""
        def q(conn: Connection) -> list[dict[str, Any]]:
            out: dict[str, dict[str, Any]] = {}
            for r in conn.execute(select(margin_t, account_t.c.owner).join(
                    account_t, account_t.c.id == margin_t.c.account).order_by(margin_t.c.account)):
                out[r.account] = {"account": r.account, "owner": r.owner, "quote": r.quote, "positions": {},
                                  "debt": {}, "max_leverage_bps": int(r.max_leverage_bps),
                                  "maintenance_bps": int(r.maintenance_bps), "status": r.status}
            for r in conn.execute(select(balance_t).join(margin_t, margin_t.c.account == balance_t.c.account)):
                d = out[r.account]
                if r.book == "debt":
                    if r.amount:
                        d["debt"][r.asset] = -int(r.amount)
                elif r.amount:
                    d["positions"][r.asset] = d["positions"].get(r.asset, 0) + int(r.amount)
            return list(out.values())
        return self._read(q)

    def insurance_fund_balance(self, asset: str) -> int:
        return self.balance("insurance").get(asset, {}).get("main", 0)

    def breaker(self, asset: str, now: str | None = None) -> tuple[bool, str]:
        """(ok, reason) of the circuit breaker for ``asset`` at ``now`` (default: the current time)."""
        t = now or canonical.utc_now()
        return self._in_tx_read(lambda tx: _margin.breaker_status(self, tx.conn, asset, t, tx.config))

    def liquidate(self, operator: Signer, account: str, *, override: bool = False, time: str | None = None) -> Receipt:
        def build(tx: Tx, _t: str) -> dict[str, Any]:
            p = _margin.liquidation_payload(tx, account)
            if override:
                p["request"] = dict(p["request"], override=True)
            return p
        return self.submit(operator, "margin.liquidate", build, time=time)

    def run_liquidations(self, operator: Signer, *, time: str | None = None) -> dict[str, Any]:
        """Liquidate every margin account below maintenance, unless the breaker pauses its assets."""
        t = time or canonical.utc_now()
        report: dict[str, Any] = {"liquidated": [], "paused": {}, "skipped": [], "checked": 0}
        for acct in self.margin_accounts():
            report["checked"] += 1
            try:
                st = self.margin_status(acct["account"])
            except PriceUnavailableError as exc:
                report["skipped"].append({"account": acct["account"], "reason": exc.diagnostics()})
                continue
            if not st["below_maintenance"]:
                continue
            paused = [a for a in st["prices_e8"] if not self.breaker(a, t)[0]]
            if paused:
                for a in paused:
                    report["paused"][a] = self.breaker(a, t)[1]
                report["skipped"].append({"account": acct["account"], "reason": "circuit breaker"})
                continue
            r = self.liquidate(operator, acct["account"], time=t)
            report["liquidated"].append({"account": acct["account"], "seq": r.seq})
        return report

    # ------------------------------------------------------------------ withdrawals
    def request_withdrawal(self, operator: Signer, account: str, asset: str, amount: int, destination: str, *,
                           wid: str | None = None, idem: str | None = None, time: str | None = None) -> tuple[Receipt, str]:
        canonical.check_int(amount, "withdrawal amount", minimum=1)
        w = wid or f"W-{uuid.uuid4().hex[:16]}"

        def build(tx: Tx, t: str) -> dict[str, Any]:
            return _withdrawals.request_payload(tx, w, account, asset, amount, destination, t)
        r = self.submit(operator, "withdraw.request", build, idem=idem, time=time)
        if r.replayed:
            w = self._read(lambda c: json.loads(cast(str, c.execute(select(journal_t.c.body).where(
                journal_t.c.seq == r.seq)).scalar()))["payload"]["request"]["id"])
        return r, w

    def review_withdrawal(self, approver: Signer, wid: str, decision: str, reason: str = "", *,
                          time: str | None = None) -> Receipt:
        return self.submit(approver, "withdraw.review", {"id": wid, "decision": decision, "reason": reason}, time=time)

    def approve_withdrawal(self, approver: Signer, wid: str, *, time: str | None = None) -> Receipt:
        return self.submit(approver, "withdraw.approve", {"id": wid}, time=time)

    def reject_withdrawal(self, signer: Signer, wid: str, reason: str = "", *, time: str | None = None) -> Receipt:
        return self.submit(signer, "withdraw.reject", {"id": wid, "reason": reason}, time=time)

    def settle_withdrawals(self, operator: Signer, *, batch: str | None = None, limit: int = 1000,
                           time: str | None = None) -> Receipt:
        b = batch or f"B-{uuid.uuid4().hex[:12]}"
        return self.submit(operator, "withdraw.settle", lambda tx, t: _withdrawals.settle_payload(tx, b, t, limit),
                           time=time)

    def withdrawals(self, status: str | None = None) -> list[dict[str, Any]]:
        def q(conn: Connection) -> list[dict[str, Any]]:
            s = select(withdrawal_t).order_by(withdrawal_t.c.requested_seq)
            if status:
                s = s.where(withdrawal_t.c.status == status)
            out = []
            for r in conn.execute(s):
                d = dict(r._mapping)
                d["reasons"] = json.loads(d["reasons"])
                d["flagged"] = bool(d["flagged"])
                d["approvers"] = list(conn.execute(select(approval_t.c.approver).where(
                    approval_t.c.withdrawal == r.id).order_by(approval_t.c.approver)).scalars())
                out.append(d)
            return out
        return self._read(q)

    def withdrawal_stats(self, now: str | None = None) -> dict[str, Any]:
        """Counts per status (and ever flagged), and the age of the open queues in whole seconds (floor)."""
        t_now = canonical.time_to_us(now or canonical.utc_now())

        def q(conn: Connection) -> dict[str, Any]:
            w = withdrawal_t.c
            counts = {s: 0 for s in ("flagged", "pending", "approved", "rejected", "settled")}
            for s, n in conn.execute(select(w.status, func.count()).group_by(w.status)):
                counts[s] = int(n)
            requested = int(conn.execute(select(func.count()).select_from(withdrawal_t)).scalar() or 0)
            ever_flagged = int(conn.execute(select(func.count()).where(w.flagged == 1)).scalar() or 0)
            ages: dict[str, dict[str, int]] = {}
            us = canonical.US_PER_S
            for status in ("flagged", "pending", "approved"):
                a = [max(0, t_now - canonical.time_to_us(x)) for x in conn.execute(
                    select(w.requested_time).where(w.status == status)).scalars()]
                ages[status] = {"count": len(a), "oldest_s": max(a) // us if a else 0,
                                "mean_s": sum(a) // (len(a) * us) if a else 0}
            return {"requested": requested, "ever_flagged": ever_flagged, **counts, "queue_ages": ages}
        return self._read(q)

    # ------------------------------------------------------------------ journal, log, snapshot, verify
    def head(self) -> dict[str, Any]:
        def q(conn: Connection) -> dict[str, Any]:
            h = conn.execute(select(head_t)).first()
            if h is None:
                return {"seq": 0, "entry_hash": "00" * 32, "time": None}
            return {"seq": int(h.seq), "entry_hash": h.entry_hash, "time": h.time}
        return self._read(q)

    def next_place(self) -> tuple[int, str]:
        """``(seq, prev)`` the next entry must be signed for: the head's sequence + 1 and its chain hash.
        A submitter signing ahead of appending (:meth:`append`, ``por ledger post --file``) signs for it;
        if another entry lands first, the signed entry is refused and must be signed again."""
        h = self.head()
        return int(h["seq"]) + 1, str(h["entry_hash"])

    def entry(self, seq: int) -> dict[str, Any]:
        """One journal entry as stored: seq, prev, hash, leaf hash, body and signatures."""
        def q(conn: Connection) -> dict[str, Any]:
            r = conn.execute(select(journal_t).where(journal_t.c.seq == seq)).first()
            if r is None:
                raise LedgerError(f"no journal entry {seq}")
            return {"seq": int(r.seq), "prev": r.prev_hash, "entry_hash": r.entry_hash,
                    "leaf_hash": bytes(r.leaf_hash).hex(), "body": json.loads(r.body), "sigs": json.loads(r.sigs)}
        return self._read(q)

    def entry_time(self, seq: int) -> str:
        """The signed time of journal entry ``seq`` (read from its body, not the row's column).

        Raises:
            LedgerError: no such entry, or its body does not parse.
        """
        def q(conn: Connection) -> str:
            if isinstance(seq, bool) or not isinstance(seq, int):
                raise LedgerError(f"entry {seq!r} is not a sequence number")
            body = conn.execute(select(journal_t.c.body).where(journal_t.c.seq == seq)).scalar()
            if body is None:
                raise LedgerError(f"no journal entry {seq}")
            return Entry.from_bytes(str(body).encode("utf-8"), ()).time
        return self._read(q)

    def epoch_publications(self, upto: int | None = None) -> list[dict[str, Any]]:
        """The journal's ``epoch.publish`` entries with ``seq <= upto`` (default: all), in journal order:
        ``{"seq", "time", "epoch_id", "manifest_sha256", "log_size", "log_root"}`` as each body records them.

        Why: the auditor checks the chain of published epochs (ids, manifest hashes, log positions)
        against what the operator signed into the journal when it published them.
        """
        def q(conn: Connection) -> list[dict[str, Any]]:
            s = select(journal_t.c.seq, journal_t.c.body).where(journal_t.c.type == "epoch.publish")
            if upto is not None:
                s = s.where(journal_t.c.seq <= upto)
            out = []
            for r in conn.execute(s.order_by(journal_t.c.seq)):
                e = Entry.from_bytes(str(r.body).encode("utf-8"), ())
                if e.type != "epoch.publish":
                    raise LedgerError(f"entry {r.seq} is filed as epoch.publish but its signed body is a {e.type}")
                p = e.payload
                out.append({"seq": int(r.seq), "time": e.time, "epoch_id": p.get("epoch_id"),
                            "manifest_sha256": p.get("manifest_sha256"), "log_size": p.get("log_size"),
                            "log_root": p.get("log_root")})
            return out
        return self._read(q)

    def snapshot(self, at_seq: int | None = None) -> Snapshot:
        """Client liabilities at ``at_seq`` (default: the head), consistent while writers append."""
        return Snapshot(self.engine, at_seq)

    def _size(self, conn: Connection, size: int | None) -> int:
        cur = int(conn.execute(select(func.coalesce(func.max(head_t.c.seq), 0))).scalar() or 0)
        if size is None:
            return cur
        if not isinstance(size, int) or not 0 <= size <= cur:
            raise LedgerError(f"log size {size} is outside 0..{cur}")
        return size

    def log_root(self, size: int | None = None) -> tuple[int, str]:
        """(size, hex root) of the transparency log (default: its current size)."""
        def q(conn: Connection) -> tuple[int, str]:
            n = self._size(conn, size)
            return n, self.log.root_hex(n)
        return self._read(q)

    def inclusion_proof(self, seq: int, size: int | None = None) -> dict[str, Any]:
        """Proof that entry ``seq`` is leaf ``seq`` of the log of ``size`` (default: current)."""
        def q(conn: Connection) -> dict[str, Any]:
            n = self._size(conn, size)
            if not isinstance(seq, int) or not 1 <= seq <= n:
                raise LedgerError(f"entry {seq} is not in a log of size {n}")
            return self.log.inclusion(seq, n)
        return self._read(q)

    def consistency_proof(self, old_size: int, new_size: int | None = None) -> dict[str, Any]:
        """Proof that the log of ``old_size`` is a prefix of the log of ``new_size`` (JSON-serialisable)."""
        def q(conn: Connection) -> dict[str, Any]:
            n = self._size(conn, new_size)
            if not isinstance(old_size, int) or not 0 <= old_size <= n:
                raise LedgerError(f"old size {old_size} is outside 0..{n}")
            return self.log.consistency(old_size, n)
        return self._read(q)

    def verify(self, expected_root: tuple[int, str] | None = None,
               progress: Callable[[str, int, int], None] | None = None) -> Result:
        """Re-check every signature, the chain, postings, balances and the log root from scratch."""
        from por.ledger.verify import verify_ledger

        return verify_ledger(self.engine, expected_root, progress)

    def clear_caches(self) -> None:
        self._gov_seq = -1
        self._acct_cache.clear()
        self.log.cache_clear()
