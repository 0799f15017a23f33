"""The ledger engine: one write transaction appends entries (checked, chained, logged, posted).

Every append runs, inside one database transaction holding the writer lock (SQLite ``BEGIN
IMMEDIATE``; PostgreSQL ``SELECT ... FOR UPDATE`` on ``ledger_head``):

1. parse the entry: canonical body, the strict schema of its type (:mod:`por.ledger.schema`), the
   journal format (2, or 1 only in an unmigrated format-1 journal);
2. authorisation: every signature verifies against the signer's current key over the entry and the
   place it is signed for, and the signer's roles (or a governor quorum) permit the type;
3. idempotency (only now, so nobody learns another member's receipts): a key already used returns
   the earlier receipt if the content is the same, and is refused (:class:`IdempotencyConflictError`)
   if it differs;
4. place and time: a format-2 entry must be signed for the next place (seq, prev); its time may not
   run ahead of the ledger's clock by more than ``clock.max_ahead_s`` nor trail the head's time by
   more than ``MAX_SKEW_S``;
5. the type's handler validates the payload against the current state and stages its effects
   (postings with per-asset zero sums and balance floors, projections);
6. the record is chained to the previous entry and appended to the transparency log;
7. commit: journal rows, postings and balances in the same transaction; any error rolls it all back.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, bindparam, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from por.errors import IdempotencyConflictError, InsufficientFundsError, LedgerError
from por.ledger import canonical
from por.ledger.journal import (
    GENESIS_PREV,
    Entry,
    Governance,
    Member,
    balance_rule,
    chain_hash,
    check_balanced,
    check_bls_pop,
    check_id,
    record_bytes,
    sigs_bytes,
)
from por.ledger.schema import check_body
from por.ledger.tables import (
    ACCOUNT_KINDS,
    account_t,
    asset_t,
    balance_t,
    config_t,
    head_t,
    journal_t,
    member_t,
    posting_t,
)

MAX_SKEW_S = 300  # an entry's time may trail the head's time by at most this much
DEFAULT_MAX_AHEAD_S = 300  # ... and run ahead of the ledger's clock by at most clock.max_ahead_s

DEFAULT_CONFIG: dict[str, Any] = {
    "quote_asset": "USD",
    "clock": {"max_ahead_s": DEFAULT_MAX_AHEAD_S},
    "breaker": {"move_bps": 2000, "window_s": 3600, "max_age_s": 86400},
    "withdraw": {
        "cooling_s": 3600,
        "approvals_required": 2,
        "approval_threshold": {},   # asset -> minor units at or above which approvers must sign
        "flag_amount": {},          # asset -> a single request at or above this is flagged
        "velocity_count_24h": 5,    # more requests than this in 24 h from one account is flagged
        "velocity_amount_24h": {},  # asset -> more than this in 24 h from one account is flagged
        "deviation_factor": 10,     # more than this times the account's median past withdrawal is flagged
        "batch_cap": {},            # asset -> most one settlement batch may pay out
        "daily_cap": {},            # asset -> most that may be settled per UTC day
    },
}
PLATFORM_ACCOUNTS = ("house", "insurance", "street")  # opened at genesis; reserve:<custodian> with assets
CONFIG_KEYS = ("quote_asset", "breaker", "withdraw", "governor_quorum", "reserves", "risk_margins", "clock")


def idem_key(signer: str, idem: str, version: int) -> str:
    """The stored idempotency key: format 2 ``canonical([signer, idem])`` (member ids may contain ``/``,
    so ``signer + "/" + idem`` was ambiguous: ``a/b`` + ``c`` = ``a`` + ``b/c``); format 1 kept its old
    ``signer/idem`` rows. No format-2 key begins like a format-1 one (``[`` is not an id character)."""
    if version == 1:
        return f"{signer}/{idem}"
    return canonical.dumps([signer, idem]).decode("utf-8")


@dataclass(frozen=True, slots=True)
class Receipt:
    """What an append returns: where the entry landed, and whether it was an idempotent replay."""

    seq: int
    entry_hash: str
    type: str
    replayed: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"seq": self.seq, "entry_hash": self.entry_hash, "type": self.type, "replayed": self.replayed}


@dataclass(frozen=True, slots=True)
class AssetInfo:
    code: str
    decimals: int
    kind: str
    custodian: str

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "decimals": self.decimals, "kind": self.kind, "custodian": self.custodian}


Handler = Callable[["Tx", Entry, int], None]
HANDLERS: dict[str, Handler] = {}


def handler(type_: str) -> Callable[[Handler], Handler]:
    def deco(fn: Handler) -> Handler:
        HANDLERS[type_] = fn
        return fn
    return deco


def upsert(conn: Connection, table: Any, rows: list[dict[str, Any]], keys: Sequence[str],
           update_cols: Sequence[str]) -> None:
    if not rows:
        return
    ins = pg_insert(table) if conn.dialect.name == "postgresql" else sqlite_insert(table)
    stmt = ins.on_conflict_do_update(index_elements=list(keys),
                                     set_={c: getattr(ins.excluded, c) for c in update_cols})
    conn.execute(stmt, rows)


_BALANCE_Q = select(balance_t.c.amount).where(balance_t.c.account == bindparam("a"),
                                              balance_t.c.asset == bindparam("s"), balance_t.c.book == bindparam("b"))
_ACCOUNT_Q = select(account_t.c.kind).where(account_t.c.id == bindparam("a"))


class Tx:
    """One write transaction: the head it extends, the state it reads, the effects it stages."""

    def __init__(self, ledger: Any, conn: Connection, head: dict[str, Any] | None) -> None:
        self.ledger = ledger
        self.conn = conn
        self.seq: int = head["seq"] if head else 0
        self.prev: str = head["entry_hash"] if head else GENESIS_PREV
        self.time: str = head["time"] if head else ""
        self.gov_seq: int = head["gov_seq"] if head else 0
        self.gov: Governance = ledger._gov.clone()
        self.config: dict[str, Any] = json.loads(json.dumps(ledger._config))
        self.assets: dict[str, AssetInfo] = dict(ledger._assets)
        self.gov_changed = False
        self._acct: dict[str, str] = {}
        self.balances: dict[tuple[str, str, str], list[Any]] = {}
        self.dirty: set[tuple[str, str, str]] = set()
        self.journal: list[dict[str, Any]] = []
        self.postings: list[dict[str, Any]] = []
        self.idem_seen: dict[str, tuple[bytes, Receipt]] = {}
        self.receipts: list[Receipt] = []
        #: the journal's format: None (empty), 1 (format-1 journal, not migrated) or 2
        self.format: int | None = None
        if head:
            body = conn.execute(select(journal_t.c.body).where(journal_t.c.seq == head["seq"])).scalar()
            try:
                v = json.loads(body).get("v") if isinstance(body, str) else None
            except ValueError:
                v = None
            self.format = 1 if v == 1 else 2
        #: per-transaction caches of journal-derived figures (e.g. a day's settled totals)
        self.memo: dict[Any, Any] = {}
        #: the ledger's clock (the appending process's UTC now), read once per transaction
        self.now: str = ledger.clock()

    # ---------------------------------------------------------------- state reads
    def account_kind(self, account: str) -> str | None:
        k = self._acct.get(account) or self.ledger._acct_cache.get(account)
        if k is None:
            k = self.conn.execute(_ACCOUNT_Q, {"a": account}).scalar()
            if k is not None:
                self._acct[account] = k
        return k

    def asset(self, code: Any) -> AssetInfo:
        a = self.assets.get(code) if isinstance(code, str) else None
        if a is None:
            raise LedgerError(f"unknown asset {code!r}")
        return a

    def require_account(self, account: Any, kinds: Sequence[str] | None = None) -> str:
        if not isinstance(account, str):
            raise LedgerError(f"account {account!r} is not a string")
        k = self.account_kind(account)
        if k is None:
            raise LedgerError(f"unknown account {account!r}")
        if kinds is not None and k not in kinds:
            raise LedgerError(f"account {account} is a {k} account; expected {' or '.join(kinds)}")
        return k

    def balance(self, account: str, asset: str, book: str = "main") -> int:
        key = (account, asset, book)
        b = self.balances.get(key)
        if b is None:
            v = self.conn.execute(_BALANCE_Q, {"a": account, "s": asset, "b": book}).scalar()
            b = [int(v or 0), None]
            self.balances[key] = b
        return int(b[0])

    def account_balances(self, account: str) -> dict[tuple[str, str], int]:
        """(asset, book) -> amount for one account, including what this transaction staged."""
        out: dict[tuple[str, str], int] = {}
        for a, book, amt in self.conn.execute(select(balance_t.c.asset, balance_t.c.book, balance_t.c.amount)
                                              .where(balance_t.c.account == account)):
            out[(a, book)] = int(amt)
        for (acct, a, book), b in self.balances.items():
            if acct == account:
                out[(a, book)] = int(b[0])
        return {k: v for k, v in out.items() if v != 0}

    # ---------------------------------------------------------------- staged effects
    def post(self, seq: int, postings: list[tuple[str, str, str, int]], *,
             books: Sequence[str] = ("main",)) -> None:
        """Validate then stage postings: known accounts/assets, allowed books, zero sums, floors."""
        check_balanced(postings)
        new: dict[tuple[str, str, str], int] = {}
        rules: dict[tuple[str, str, str], str] = {}
        for acct, asset, book, amount in postings:
            kind = self.require_account(acct)
            self.asset(asset)
            if book not in books:
                raise LedgerError(f"this entry type may not post to the {book} book (account {acct})")
            if book == "debt" and kind != "margin":
                raise LedgerError(f"only margin accounts carry debt (account {acct} is {kind})")
            key = (acct, asset, book)
            new[key] = new.get(key, self.balance(acct, asset, book)) + amount
            rules[key] = balance_rule(kind, book)
        for key, value in new.items():
            rule = rules[key]
            if (rule == "nonneg" and value < 0) or (rule == "nonpos" and value > 0):
                acct, asset, book = key
                dec = self.asset(asset).decimals
                raise InsufficientFundsError(
                    f"account {acct} would go {'below zero' if rule == 'nonneg' else 'above zero debt'} "
                    f"in {asset} ({book}): balance {canonical.format_amount(self.balance(*key), dec)}, "
                    f"after posting {canonical.format_amount(value, dec)}")
            canonical.check_int(value, f"balance of {key[0]} {key[1]}")
        for i, (acct, asset, book, amount) in enumerate(postings):
            self.postings.append({"entry_seq": seq, "idx": i, "account": acct, "asset": asset, "book": book,
                                  "amount": amount})
        for key, value in new.items():
            b = self.balances[key]
            b[0] = value
            b[1] = rules[key]
            self.dirty.add(key)

    def add_account(self, account_id: str, kind: str, owner: str | None, seq: int) -> None:
        check_id(account_id, "account id")
        if kind not in ACCOUNT_KINDS:
            raise LedgerError(f"unknown account kind {kind!r}; kinds are {', '.join(ACCOUNT_KINDS)}")
        if self.account_kind(account_id) is not None:
            raise LedgerError(f"account {account_id} already exists")
        self.conn.execute(account_t.insert(), [{"id": account_id, "kind": kind, "owner": owner,
                                                "opened_seq": seq}])
        self._acct[account_id] = kind

    # ---------------------------------------------------------------- append
    def append(self, entry: Entry) -> Receipt:
        body = entry.body
        check_body(body)  # strict per-type schema, before anything reads the database
        t = body["type"]
        version = body["v"]
        if version == 1 and not self.ledger.accept_format_1:
            raise LedgerError("format-1 entries do not sign their place and are not accepted (sign format 2 for "
                              "the next place; a format-1 journal is moved to format 2 by `por ledger migrate`)")
        if self.format == 2 and version != 2:
            raise LedgerError(f"a format-{version} entry cannot follow format-2 entries (the journal was migrated "
                              "or created in format 2)")
        if self.format == 1 and version == 2 and t != "ledger.migrate":
            raise LedgerError("this ledger's journal is in format 1: run `por ledger migrate` (a governor quorum "
                              "re-verifies it and moves it to format 2) before appending format-2 entries")
        if t == "genesis":
            if self.seq != 0:
                raise LedgerError("the ledger already has a genesis entry")
        elif self.seq == 0:
            raise LedgerError("the ledger has no genesis entry yet (run `por init`)")
        else:
            self.gov.authorise(entry)  # signatures over the entry and its signed place; roles
        idem_key_ = None
        if "idem" in body:
            idem_key_ = idem_key(entry.signer, body["idem"], version)
            prior = self._idem_lookup(idem_key_)
            if prior is not None:
                content, receipt = prior
                if content != entry.content_key():
                    raise IdempotencyConflictError(
                        f"idempotency key {body['idem']!r} of {entry.signer} was used by entry {receipt.seq} "
                        f"with different content; a retry must repeat the same request")
                return Receipt(receipt.seq, receipt.entry_hash, receipt.type, replayed=True)
        seq = self.seq + 1
        if version == 2 and (entry.seq, entry.prev) != (seq, self.prev):
            raise LedgerError(f"{t} entry is signed for place {entry.seq} after {str(entry.prev)[:16]}..., but the "
                              f"ledger's next place is {seq} after {self.prev[:16]}... (sign it again at the head)")
        self.check_time(entry.time)
        HANDLERS[t](self, entry, seq)
        sb = sigs_bytes(entry.sigs)
        record = record_bytes(seq, self.prev, entry.body_bytes, sb)
        h = chain_hash(record)
        self.journal.append({
            "record": record,
            "row": {"seq": seq, "type": t, "signer": entry.signer, "idem": idem_key_, "time": entry.time,
                    "body": entry.body_bytes.decode("utf-8"), "sigs": sb.decode("utf-8"),
                    "prev_hash": self.prev, "entry_hash": h},
        })
        self.seq, self.prev, self.time = seq, h, entry.time
        self.format = version
        receipt = Receipt(seq, h, t)
        if idem_key_ is not None:
            self.idem_seen[idem_key_] = (entry.content_key(), receipt)
        self.receipts.append(receipt)
        return receipt

    def max_ahead_s(self) -> int:
        v = self.config.get("clock", {}).get("max_ahead_s", DEFAULT_MAX_AHEAD_S)
        return v if isinstance(v, int) and not isinstance(v, bool) else DEFAULT_MAX_AHEAD_S

    def check_time(self, time: str) -> None:
        """An entry's time is the ledger's time: at most ``clock.max_ahead_s`` ahead of the appending
        process's clock (so a settlement cannot be dated past its cooling period or into tomorrow's
        daily cap), and at most ``MAX_SKEW_S`` before the previous entry's time."""
        us = canonical.time_to_us(time)
        ahead = self.max_ahead_s()
        if us > canonical.time_to_us(self.now) + ahead * canonical.US_PER_S:
            raise LedgerError(f"entry time {time} runs more than {ahead} s ahead of the ledger's clock {self.now}")
        if self.time and time < self.time and us < canonical.time_to_us(self.time) - MAX_SKEW_S * canonical.US_PER_S:
            raise LedgerError(f"entry time {time} is more than {MAX_SKEW_S} s before the "
                              f"last entry's time {self.time}")

    def _idem_lookup(self, idem_key: str) -> tuple[bytes, Receipt] | None:
        if idem_key in self.idem_seen:
            return self.idem_seen[idem_key]
        row = self.conn.execute(select(journal_t.c.seq, journal_t.c.entry_hash, journal_t.c.type,
                                       journal_t.c.body).where(journal_t.c.idem == idem_key)).first()
        if row is None:
            return None
        e = Entry.from_bytes(row.body.encode("utf-8"), ())
        return e.content_key(), Receipt(int(row.seq), row.entry_hash, row.type)

    def mark_governance(self, seq: int) -> None:
        self.gov_changed = True
        self.gov_seq = seq

    def flush(self) -> None:
        """Write the staged journal rows (through the log), postings, balances and the head."""
        conn = self.conn
        if not self.journal:
            return
        self.ledger._log_conn = conn
        try:
            self.ledger.log.append_entries(self.journal)
        finally:
            self.ledger._log_conn = None
        if self.postings:
            conn.execute(posting_t.insert(), self.postings)
        rows = [{"account": k[0], "asset": k[1], "book": k[2], "amount": self.balances[k][0],
                 "rule": self.balances[k][1]} for k in sorted(self.dirty)]
        upsert(conn, balance_t, rows, ("account", "asset", "book"), ("amount",))
        if self.journal[0]["row"]["seq"] == 1:
            conn.execute(head_t.insert(), [{"id": 1, "seq": self.seq, "entry_hash": self.prev,
                                            "time": self.time, "gov_seq": self.gov_seq}])
        else:
            conn.execute(update(head_t).where(head_t.c.id == 1).values(
                seq=self.seq, entry_hash=self.prev, time=self.time, gov_seq=self.gov_seq))


# ---------------------------------------------------------------- handlers: governance, assets, accounts


def _write_member(tx: Tx, m: Member) -> None:
    upsert(tx.conn, member_t, [{
        "id": m.id, "roles": ",".join(sorted(m.roles)), "ed25519": m.ed25519, "status": m.status,
        "bls_public_key": m.bls_public_key, "bls_pop": m.bls_pop, "added_seq": m.added_seq,
        "updated_seq": m.updated_seq}], ("id",),
        ("roles", "ed25519", "status", "bls_public_key", "bls_pop", "updated_seq"))


def _write_config(tx: Tx, key: str, value: Any, seq: int) -> None:
    upsert(tx.conn, config_t, [{"key": key, "value": canonical.dumps(value).decode(), "seq": seq}],
           ("key",), ("value", "seq"))


def merge_config(base: dict[str, Any], key: str, value: Any) -> dict[str, Any]:
    if key not in CONFIG_KEYS:
        raise LedgerError(f"unknown config key {key!r}; keys are {', '.join(CONFIG_KEYS)}")
    out: dict[str, Any] = json.loads(json.dumps(base))
    if isinstance(value, dict) and isinstance(out.get(key), dict):
        out[key].update(value)
    else:
        out[key] = value
    return out


@handler("genesis")
def _genesis(tx: Tx, entry: Entry, seq: int) -> None:
    gov = Governance()
    cfg = gov.apply_genesis(entry)
    config = json.loads(json.dumps(DEFAULT_CONFIG))
    for k, v in cfg.items():
        config = merge_config(config, k, v)
    tx.gov = gov
    tx.config = config
    for m in gov.members.values():
        _write_member(tx, m)
    for k, v in config.items():
        _write_config(tx, k, v, seq)
    _write_config(tx, "governor_quorum", gov.quorum, seq)
    for acct in PLATFORM_ACCOUNTS:
        tx.add_account(acct, acct, None, seq)
    tx.mark_governance(seq)


def _member_entry(tx: Tx, entry: Entry, seq: int) -> None:
    m = tx.gov.apply(entry, seq)
    assert m is not None
    if entry.type == "member.bls":
        check_bls_pop(m)
    _write_member(tx, m)
    tx.mark_governance(seq)


for _t in ("member.add", "member.roles", "member.revoke", "member.rotate", "member.bls"):
    HANDLERS[_t] = _member_entry


@handler("config.set")
def _config_set(tx: Tx, entry: Entry, seq: int) -> None:
    p = entry.payload
    key = p.get("key")
    if not isinstance(key, str):
        raise LedgerError("config.set needs a key")
    tx.gov.apply(entry, seq)
    if key != "governor_quorum":
        tx.config = merge_config(tx.config, key, p.get("value"))
        _write_config(tx, key, tx.config[key], seq)
    else:
        _write_config(tx, key, tx.gov.quorum, seq)
    tx.mark_governance(seq)


@handler("reserves.collect")
@handler("epoch.publish")
def _epoch_record(tx: Tx, entry: Entry, seq: int) -> None:
    """Records only (no balances move): an attestation collection or a published epoch's manifest."""
    epoch_id = entry.payload.get("epoch_id")
    if not isinstance(epoch_id, str) or not epoch_id:
        raise LedgerError(f"{entry.type} needs an epoch_id")


@handler("ledger.migrate")
def _migrate(tx: Tx, entry: Entry, seq: int) -> None:
    """Moves a format-1 journal to format 2: the first format-2 entry, signed by a governor quorum for
    its place right after the format-1 head, restating that head (docs/protocol.md §10.3)."""
    if tx.format != 1:
        raise LedgerError("ledger.migrate moves a format-1 journal to format 2; this journal is already in format 2")
    expected = {"from_version": 1, "v1_seq": tx.seq, "v1_head": tx.prev, "v1_log_root": tx.ledger.log.root_hex(tx.seq)}
    if entry.payload != expected:
        raise LedgerError(f"ledger.migrate must restate the format-1 head {expected}")


@handler("asset.add")
def _asset_add(tx: Tx, entry: Entry, seq: int) -> None:
    p = entry.payload
    code = p.get("code")
    if not isinstance(code, str) or not code.isalnum() or not code.isupper() or len(code) > 12:
        raise LedgerError(f"asset code {code!r} must be 1-12 upper-case letters or digits")
    if code in tx.assets:
        raise LedgerError(f"asset {code} already exists")
    dec = canonical.check_int(p.get("decimals"), "decimals", minimum=0, maximum=18)
    kind = p.get("kind", "security")
    if kind not in ("cash", "security", "crypto"):
        raise LedgerError(f"asset kind {kind!r} must be cash, security or crypto")
    cust = check_id(p.get("custodian"), "custodian")
    m = tx.gov.active(cust)
    if m is None or "custodian" not in m.roles:
        raise LedgerError(f"custodian {cust!r} is not an active member with the custodian role")
    tx.conn.execute(asset_t.insert(), [{"code": code, "decimals": dec, "kind": kind, "custodian": cust,
                                        "added_seq": seq}])
    tx.assets[code] = AssetInfo(code, dec, kind, cust)
    reserve = f"reserve:{cust}"
    if tx.account_kind(reserve) is None:
        tx.add_account(reserve, "reserve", cust, seq)
    tx.mark_governance(seq)


@handler("account.open")
def _account_open(tx: Tx, entry: Entry, seq: int) -> None:
    accounts = entry.payload.get("accounts")
    if not isinstance(accounts, list) or not accounts:
        raise LedgerError("account.open needs a non-empty list of accounts")
    for a in accounts:
        if not isinstance(a, dict):
            raise LedgerError("each account is an object {id, kind, owner}")
        kind = a.get("kind")
        if kind == "margin":
            raise LedgerError("margin accounts are opened with margin.open (they need limits)")
        owner = a.get("owner")
        if owner is not None:
            check_id(owner, "owner")
        tx.add_account(a.get("id"), kind, owner, seq)  # type: ignore[arg-type]


@contextmanager
def write_transaction(engine: Engine) -> Iterator[Connection]:
    """A connection in a write transaction holding the ledger's writer lock."""
    with engine.connect().execution_options(por_write=True) as conn:
        with conn.begin():
            yield conn
