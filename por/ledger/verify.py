"""``por ledger verify``: re-check the whole ledger from scratch, trusting nothing the database derived.

Steps, in one read transaction:

1. sequence numbers are 1, 2, 3, ... and the first entry is the genesis;
2. every body is canonical JSON and agrees with its row's columns;
3. each entry's ``prev`` is the previous entry's chain hash, and its chain hash recomputes;
4. its log leaf hash recomputes from the record;
5. its body has its type's strict schema (``ledger.schema``); its format is 2 (signing its place), or
   1 in a prefix that a ``ledger.migrate`` entry restates (``ledger.format``); its time trails the
   previous entry's by at most ``MAX_SKEW_S`` (``ledger.times``); its signatures verify against the
   keys of the membership replayed so far, over the body and (format 2) the place, so a reordered
   journal fails here; and its signers' roles (or a governor quorum) permit its type;
6. the posting rows are exactly the postings the entry body states, and sum to zero per asset;
7. replayed balances never cross their floors, and equal ``ledger_balance`` at the end; the member,
   account (kind, owner, opening entry), asset (decimals, kind, custodian, adding entry), margin
   (quote, limits, status, opening entry) and price tables equal the replay; no posting row lies outside the journal's entries;
   the withdrawal requests are replayed through their status machine (screen recomputed, approvers,
   cooling, caps, settlement postings) and the withdrawal and approval tables equal the replay
   (``ledger.withdrawals``);
8. the log root over the recomputed leaves equals the root pymerkle computes from the stored leaves
   (and a published root, when one is given);
9. the head row names the last entry.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection, Engine, Row, func, select
from sqlalchemy.exc import SQLAlchemyError

from por.errors import EncodingError, LedgerError, PorError
from por.ledger import canonical
from por.ledger.core import DEFAULT_CONFIG, MAX_SKEW_S, PLATFORM_ACCOUNTS, idem_key, merge_config
from por.ledger.db import error_line
from por.ledger.journal import (
    Entry,
    Governance,
    balance_rule,
    chain_hash,
    leaf_hash,
    parse_postings,
    record_bytes,
)
from por.ledger.log import JournalLog, root_of_leaves
from por.ledger.margin import merge
from por.ledger.schema import check_body
from por.ledger.tables import (
    account_t,
    approval_t,
    asset_t,
    balance_t,
    head_t,
    journal_t,
    margin_t,
    member_record,
    member_t,
    posting_t,
    price_t,
    withdrawal_t,
)
from por.ledger.withdrawals import WithdrawalState, replay_screen, table_row
from por.result import Result

CHUNK = 2000
MAX_NAMED = 5


class _Failures:
    def __init__(self) -> None:
        self.items: dict[str, list[str]] = defaultdict(list)
        self.counts: dict[str, int] = defaultdict(int)

    def add(self, check: str, msg: str) -> None:
        self.counts[check] += 1
        if len(self.items[check]) < MAX_NAMED:
            self.items[check].append(msg)

    def report(self, result: Result, check: str, ok_msg: str) -> None:
        n = self.counts.get(check, 0)
        if n == 0:
            result.passed(check, ok_msg)
        else:
            more = f" (and {n - MAX_NAMED} more)" if n > MAX_NAMED else ""
            result.failed(check, "; ".join(self.items[check]) + more)


def _stated_postings(entry: Entry, requests: dict[str, tuple[str, str, int]]) -> list[tuple[str, str, str, int]]:
    t, p = entry.type, entry.payload
    if t in ("post", "margin.trade", "margin.liquidate", "withdraw.request", "withdraw.settle"):
        return parse_postings(p.get("postings"))
    if t == "withdraw.reject" or (t == "withdraw.review" and p.get("decision") == "reject"):
        w = requests.get(str(p.get("id")))
        if w is None:
            raise LedgerError(f"rejects unknown withdrawal {p.get('id')!r}")
        acct, asset, amount = w
        return [(acct, asset, "held", -amount), (acct, asset, "main", amount)]
    return []


def _same_as_replay(f: _Failures, check: str, what: str, fields: str, table: dict[Any, Any],
                    replayed: dict[Any, Any]) -> None:
    """Every row of a derived table is what the replayed journal gives, and no row is missing or extra."""
    # sequence numbers in order, ids bytewise; a hostile row's NULL id sorts too, never raises
    for key in sorted(set(table) | set(replayed), key=lambda k: (0, k, "") if isinstance(k, int) else (1, 0, str(k))):
        if table.get(key) != replayed.get(key):
            f.add(check, f"{what} {key}: the table has{fields} {table.get(key)} but the journal gives "
                         f"{replayed.get(key)}")


class _Withdrawals:
    """The withdrawal requests replayed from the journal: the same status machine as the append path
    (:class:`por.ledger.withdrawals.WithdrawalState`), the screen recomputed from the replayed
    requests and settings, cooling and caps measured on the entries' times."""

    def __init__(self) -> None:
        self.config: dict[str, Any] = json.loads(json.dumps(DEFAULT_CONFIG))
        self.states: dict[str, WithdrawalState] = {}
        self.by_account: dict[str, list[WithdrawalState]] = defaultdict(list)
        self.settled_day: dict[tuple[str, str], int] = defaultdict(int)  # (UTC day, asset) -> settled

    def configure(self, changes: dict[Any, Any]) -> None:
        """Apply one genesis or ``config.set`` entry's settings (as the replay parsed them)."""
        for k, v in changes.items():
            if isinstance(k, str) and k != "governor_quorum":
                self.config = merge_config(self.config, k, v)

    def _get(self, wid: Any) -> WithdrawalState:
        w = self.states.get(wid) if isinstance(wid, str) else None
        if w is None:
            raise LedgerError(f"acts on unknown withdrawal {wid!r}")
        return w

    def apply(self, entry: Entry, seq: int, assets: dict[str, tuple[Any, Any, Any, int]]) -> None:
        """``assets``: code -> (decimals, kind, custodian, added_seq) as replayed."""
        t, p = entry.type, entry.payload
        cfg = self.config.get("withdraw", {})
        if t == "withdraw.request":
            rq = p["request"]
            wid, acct, asset, amount = rq["id"], rq["account"], rq["asset"], rq["amount"]
            if wid in self.states:
                raise LedgerError(f"withdrawal {wid} already exists")
            dec = assets[asset][0] if asset in assets else None
            if not isinstance(dec, int):
                raise LedgerError(f"unknown asset {asset!r}")
            expected = replay_screen(cfg, dec, acct, asset, amount, entry.time, self.by_account[acct])
            if p["screen"] != expected:
                raise LedgerError(f"its signed screen {p['screen']} is not the screen the journal gives {expected}")
            if p["postings"] != [[acct, asset, "main", -amount], [acct, asset, "held", amount]]:
                raise LedgerError("its postings do not hold exactly the requested amount")
            w = WithdrawalState.from_request(seq, entry.time, p)
            self.states[wid] = w
            self.by_account[acct].append(w)
        elif t in ("withdraw.review", "withdraw.approve", "withdraw.reject"):
            self._get(p.get("id")).apply(t, p, entry.signer, seq, entry.time)
        elif t == "withdraw.settle":
            totals: dict[str, int] = defaultdict(int)
            raw: list[tuple[str, str, str, int]] = []
            for wid in p["withdrawals"]:
                w = self._get(wid)
                w.apply(t, p, entry.signer, seq, entry.time, p.get("batch"))
                totals[w.asset] += w.amount
                raw += [(w.account, w.asset, "held", -w.amount), (f"reserve:{assets[w.asset][2]}", w.asset, "main", w.amount)]
            day = entry.time[:10]
            for asset, total in sorted(totals.items()):
                cap = cfg.get("batch_cap", {}).get(asset)
                if cap is not None and total > cap:
                    raise LedgerError(f"pays {total} {asset}, above the per-batch cap {cap}")
                daily = cfg.get("daily_cap", {}).get(asset)
                if daily is not None and self.settled_day[(day, asset)] + total > daily:
                    raise LedgerError(f"exceeds the daily {asset} outflow cap {daily} on {day}")
            if p["postings"] != merge(raw):
                raise LedgerError("its postings do not pay out exactly the withdrawals it settles")
            for asset, amount in totals.items():  # what the settlement pays, checked equal above
                self.settled_day[(day, asset)] += amount


def verify_ledger(engine: Engine, expected_root: tuple[int, str] | None = None,
                  progress: Callable[[str, int, int], None] | None = None) -> Result:
    """Replay and check every entry; the result names each failing entry by sequence and type.
    A database that cannot be read through is a failed ``ledger.readable`` check, never an exception.
    ``progress(stage, done, total)`` hears ``ledger replay`` in entries, per chunk."""
    try:
        return _verify_ledger(engine, expected_root, progress or (lambda stage, done, total: None))
    except SQLAlchemyError as exc:
        result = Result("ledger")
        result.failed("ledger.readable", f"the ledger database cannot be read through: {exc.__class__.__name__}: "
                      f"{error_line(exc)}")
        return result


def _verify_ledger(engine: Engine, expected_root: tuple[int, str] | None,
                   report: Callable[[str, int, int], None]) -> Result:
    result = Result("ledger")
    with engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            head = conn.execute(select(head_t)).first()
            if head is None:
                result.failed("ledger.head", "the ledger has no head row (no genesis entry)")
                return result
            replay = _Replay()
            total = head.seq if isinstance(head.seq, int) else 0  # the progress display's guess only
            while True:
                report("ledger replay", replay.last_seq, max(total, replay.last_seq))
                if not replay.chunk(conn):
                    break
            if replay.last_seq == 0:
                result.failed("ledger.sequence", "the journal is empty")
                return result
            replay.compare_tables(conn)
            replay.compare_log(conn, expected_root)
            # 9. head
            if int(head.seq) != replay.last_seq or head.entry_hash != replay.prev:
                replay.f.add("ledger.head", f"head row names entry {head.seq} but the journal ends at {replay.last_seq}")
    replay.report(result)
    return result


class _Replay:
    """The journal replayed entry by entry (steps 1–7), then the derived tables, the log and the head
    compared with what it gives (steps 7–9); every failure is collected in :attr:`f`."""

    def __init__(self) -> None:
        self.f = _Failures()
        self.gov = Governance()
        self.opened: dict[str, tuple[str, Any, int]] = {}  # account -> (kind, owner, opened_seq)
        self.added: dict[str, tuple[Any, Any, Any, int]] = {}  # asset -> (decimals, kind, custodian, added_seq)
        self.margins: dict[str, tuple[Any, ...]] = {}  # account -> (quote, max lev, maintenance, status, opened_seq)
        self.quote_asset: Any = DEFAULT_CONFIG["quote_asset"]
        self.requests: dict[str, tuple[str, str, int]] = {}
        self.prices: dict[int, tuple[str, Any, str, str]] = {}
        self.balances: dict[tuple[str, str, str], int] = defaultdict(int)
        self.last_touch: dict[tuple[str, str, str], int] = {}
        self.table_size = 0
        self.leaves: list[bytes] = []
        self.stored_leaves: list[bytes] = []
        self.wd = _Withdrawals()
        self.v2_from: int | None = None  # the first format-2 entry
        self.prev_time = ""
        self.prev = "00" * 32
        self.expect = 1
        self.last_seq = 0
        self.replayed_root = ""

    # -- steps 1-7, per entry ------------------------------------------------------------------------

    def chunk(self, conn: Connection) -> bool:
        """Replay the next ``CHUNK`` entries; False when the journal is exhausted."""
        rows = conn.execute(select(journal_t).where(journal_t.c.seq >= self.expect)
                            .order_by(journal_t.c.seq).limit(CHUNK)).all()
        if not rows:
            return False
        lo, hi = rows[0].seq, rows[-1].seq
        posted: dict[int, list[tuple[str, str, str, int]]] = defaultdict(list)
        for r in conn.execute(select(posting_t).where(posting_t.c.entry_seq >= lo, posting_t.c.entry_seq <= hi)
                              .order_by(posting_t.c.entry_seq, posting_t.c.idx)):
            try:
                amount = int(r.amount)
            except (TypeError, ValueError):
                self.f.add("ledger.postings", f"entry {r.entry_seq}: a posting amount {r.amount!r:.40} is not an integer")
                continue
            posted[int(r.entry_seq)].append((r.account, r.asset, r.book, amount))
        for row in rows:
            self.entry(row, posted.get(int(row.seq), []))
        return True

    def entry(self, row: Row[Any], stored: list[tuple[str, str, str, int]]) -> None:
        f = self.f
        seq = int(row.seq)
        name = f"entry {seq} ({row.type} by {row.signer})"
        if seq != self.expect:
            f.add("ledger.sequence", f"entry {self.expect} is missing (next is {seq})")
        self.expect, self.last_seq = seq + 1, seq
        if not (isinstance(row.body, str) and isinstance(row.sigs, str) and isinstance(row.prev_hash, str)
                and isinstance(row.leaf_hash, (bytes, memoryview))):
            f.add("ledger.canonical", f"{name}: body, signatures, prev hash or leaf hash is missing "
                                      "or of the wrong type")
            self.stored_leaves.append(b"")
            self.leaves.append(b"\x00" * 32)
            self.prev = row.entry_hash
            return
        self.stored_leaves.append(bytes(row.leaf_hash))
        body_b = row.body.encode("utf-8")
        sigs_b = row.sigs.encode("utf-8")
        rec = record_bytes(seq, row.prev_hash, body_b, sigs_b)
        self.leaves.append(leaf_hash(rec))
        # 2. canonical body, consistent columns
        try:
            sigs_obj = canonical.loads(sigs_b, require_canonical=True)
            sigs = [(str(s["by"]), str(s["sig"])) for s in sigs_obj]
            entry = Entry.from_bytes(body_b, sigs, seq=seq, prev=row.prev_hash)
        except (EncodingError, LedgerError, KeyError, TypeError) as exc:  # boundary: stored signatures are untrusted
            f.add("ledger.canonical", f"{name}: {exc}")
            self.prev = row.entry_hash
            return
        if (entry.type, entry.signer, entry.time) != (row.type, row.signer, row.time):
            f.add("ledger.canonical", f"{name}: the row's type/signer/time differ from its signed body")
        schema_ok = self._schema_and_format(entry, row, name, seq)
        # 3-4. chain and leaf
        if row.prev_hash != self.prev:
            f.add("ledger.chain", f"{name}: prev hash does not link to entry {seq - 1}")
        if chain_hash(rec) != row.entry_hash:
            f.add("ledger.chain", f"{name}: stored entry hash does not match its content")
        if self.leaves[-1] != self.stored_leaves[-1]:
            f.add("ledger.log-leaves", f"{name}: stored log leaf hash does not match its record")
        self.prev = row.entry_hash
        self._membership(entry, name, seq)
        stated = self._tables(entry, name, seq, schema_ok)
        self._withdrawals(entry, name, seq, schema_ok)
        self._postings(stored, stated, name, seq)

    def _schema_and_format(self, entry: Entry, row: Row[Any], name: str, seq: int) -> bool:
        """5a. Strict schema; format; idempotency key column; time. True when the body is on its schema."""
        f = self.f
        try:
            check_body(entry.body)
            schema_ok = True
        except PorError as exc:
            schema_ok = False
            f.add("ledger.schema", f"{name}: {exc.diagnostics()}")
        version = entry.body.get("v")
        if version == 2 and self.v2_from is None:
            self.v2_from = seq
            if entry.type == "ledger.migrate":
                restated = {"from_version": 1, "v1_seq": seq - 1, "v1_head": row.prev_hash,
                            "v1_log_root": root_of_leaves(self.leaves[:seq - 1])}
                if entry.payload != restated:
                    f.add("ledger.format", f"{name}: the migration does not restate the format-1 head {restated}")
            elif not (seq == 1 and entry.type == "genesis"):
                f.add("ledger.format", f"{name}: the first format-2 entry of a format-1 journal must be "
                                       "its ledger.migrate entry")
        elif version == 2 and entry.type == "ledger.migrate":
            f.add("ledger.format", f"{name}: a second migration (the journal is in format 2 from "
                                   f"entry {self.v2_from})")
        elif version == 1 and self.v2_from is not None:
            f.add("ledger.format", f"{name}: a format-1 entry after format-2 entries (from entry "
                                   f"{self.v2_from}): format-1 entries do not sign their place")
        elif version == 1 and entry.type == "ledger.migrate":
            f.add("ledger.format", f"{name}: a migration must be a format-2 entry")
        idem = entry.body.get("idem")
        want_idem = idem_key(entry.signer, idem, 1 if version == 1 else 2) if isinstance(idem, str) else None
        if row.idem != want_idem:
            f.add("ledger.canonical", f"{name}: the row's idempotency key {row.idem!r:.80} is not the one "
                                      f"its body gives ({want_idem!r:.80})")
        if isinstance(entry.body.get("time"), str) and self.prev_time and entry.time < self.prev_time:
            try:
                late = canonical.time_to_us(entry.time) < \
                    canonical.time_to_us(self.prev_time) - MAX_SKEW_S * canonical.US_PER_S
            except ValueError:
                late = True
            if late:
                f.add("ledger.times", f"{name}: its time {entry.time} is more than {MAX_SKEW_S} s before "
                                      f"the previous entry's {self.prev_time}")
        if schema_ok:
            self.prev_time = entry.time
        return schema_ok

    def _membership(self, entry: Entry, name: str, seq: int) -> None:
        """5. Signatures, roles, membership replay."""
        try:
            if seq == 1:
                if entry.type != "genesis":
                    raise LedgerError("the first entry is not a genesis entry")
                self.gov.apply_genesis(entry)
                for a in PLATFORM_ACCOUNTS:
                    self.opened[a] = (a, None, seq)
            else:
                self.gov.authorise(entry)
                self.gov.apply(entry, seq)
        except PorError as exc:
            self.f.add("ledger.signatures", f"{name}: {exc.diagnostics()}")

    def _tables(self, entry: Entry, name: str, seq: int, schema_ok: bool) -> list[tuple[str, str, str, int]]:
        """The rows the entry adds to the derived tables, as replayed; returns the postings it states."""
        p = entry.payload
        try:
            if entry.type == "account.open":
                for a in p.get("accounts", []):
                    self.opened[str(a.get("id"))] = (str(a.get("kind")), a.get("owner"), seq)
            elif entry.type == "margin.open":
                self.opened[str(p.get("account"))] = ("margin", p.get("owner"), seq)
                self.margins[str(p.get("account"))] = (p.get("quote", self.quote_asset), p.get("max_leverage_bps"),
                                                       p.get("maintenance_bps"), "open", seq)
            elif entry.type in ("genesis", "config.set"):  # the default quote of margin.open
                changes = p.get("config", {}) if entry.type == "genesis" else {p.get("key"): p.get("value")}
                self.quote_asset = changes.get("quote_asset", self.quote_asset)
                if schema_ok:
                    self.wd.configure(changes)
            elif entry.type == "asset.add":
                cust = p.get("custodian")
                self.opened.setdefault(f"reserve:{cust}", ("reserve", cust, seq))
                self.added[str(p.get("code"))] = (p.get("decimals"), p.get("kind", "security"), cust, seq)
            elif entry.type == "price":
                self.prices[seq] = (str(p.get("asset")), p.get("price_e8"), entry.time, entry.signer)
            elif entry.type == "withdraw.request":
                rq = p["request"]
                self.requests[str(rq["id"])] = (str(rq["account"]), str(rq["asset"]), int(rq["amount"]))
            return _stated_postings(entry, self.requests)
        # boundary: a body off its schema (already failed ledger.schema) is read here without the schema's guarantees
        except (PorError, KeyError, TypeError, AttributeError, ValueError) as exc:
            self.f.add("ledger.postings", f"{name}: postings cannot be read from the body ({exc})")
            return []

    def _withdrawals(self, entry: Entry, name: str, seq: int, schema_ok: bool) -> None:
        """5b. The withdrawal status machine (an entry off the schema is not replayed: named above)."""
        if not entry.type.startswith("withdraw."):
            return
        if not schema_ok:
            self.f.add("ledger.withdrawals", f"{name}: not replayed (its body is off the schema)")
            return
        try:
            self.wd.apply(entry, seq, self.added)
        # boundary: the replayed state may name assets or requests the journal never made
        except (PorError, KeyError, TypeError, AttributeError, ValueError) as exc:
            msg = exc.diagnostics() if isinstance(exc, PorError) else repr(exc)
            self.f.add("ledger.withdrawals", f"{name}: {msg}")

    def _postings(self, stored: list[tuple[str, str, str, int]], stated: list[tuple[str, str, str, int]],
                  name: str, seq: int) -> None:
        """6. Posting rows equal the signed postings; double entry. 7. Floors."""
        f = self.f
        if stored != stated:
            f.add("ledger.postings", f"{name}: posting rows differ from the signed entry "
                                     f"(rows {stored[:4]}, entry states {stated[:4]})")
        sums: dict[str, int] = defaultdict(int)
        for _, asset, _, amount in stored:
            sums[asset] += amount
        if any(sums.values()):
            f.add("ledger.double-entry", f"{name}: postings do not sum to zero per asset "
                                         f"({dict((a, s) for a, s in sums.items() if s)})")
        for acct, asset, book, amount in stored:
            key = (acct, asset, book)
            self.balances[key] += amount
            self.last_touch[key] = seq
            rule = balance_rule(self.opened.get(acct, ("house",))[0], book)
            v = self.balances[key]
            if (rule == "nonneg" and v < 0) or (rule == "nonpos" and v > 0):
                f.add("ledger.floors", f"{name}: {acct} {asset} {book} crosses its floor ({v})")

    # -- steps 7-8, after the replay -----------------------------------------------------------------

    def compare_tables(self, conn: Connection) -> None:
        """7. The balances and the tables the snapshot, the margin engine and the stress test read equal
        the replay, and no posting row lies outside the journal."""
        f = self.f
        table: dict[tuple[str, str, str], int] = {}
        for r in conn.execute(select(balance_t)):
            table[(r.account, r.asset, r.book)] = int(r.amount)
        self.table_size = len(table)
        for key in sorted(set(table) | {k for k, v in self.balances.items() if v}):
            if table.get(key, 0) != self.balances.get(key, 0):
                acct, asset, book = key
                touched = self.last_touch.get(key)
                where = f", last posted by entry {touched}" if touched else ""
                f.add("ledger.balances", f"balance of {acct} {asset} {book} is {table.get(key, 0)} but the "
                                         f"journal gives {self.balances.get(key, 0)}{where}")
        _same_as_replay(f, "ledger.members", "member", "", {r.id: member_record(r) for r in conn.execute(select(member_t))},
                        {k: m.to_dict() for k, m in self.gov.members.items()})
        _same_as_replay(f, "ledger.accounts", "account", " (kind, owner, opened_seq)",
                        {r.id: (r.kind, r.owner, r.opened_seq) for r in conn.execute(select(account_t))}, self.opened)
        _same_as_replay(f, "ledger.assets", "asset", " (decimals, kind, custodian, added_seq)",
                        {r.code: (r.decimals, r.kind, r.custodian, r.added_seq)
                         for r in conn.execute(select(asset_t))}, self.added)
        _same_as_replay(f, "ledger.margin", "margin account", " (quote, max leverage, maintenance, status, opened_seq)",
                        {r.account: (r.quote, r.max_leverage_bps, r.maintenance_bps, r.status, r.opened_seq)
                         for r in conn.execute(select(margin_t))}, self.margins)
        _same_as_replay(f, "ledger.prices", "price of entry", "",
                        {int(r.seq): (r.asset, r.price_e8, r.time, r.oracle) for r in conn.execute(select(price_t))},
                        self.prices)
        _same_as_replay(f, "ledger.withdrawals", "withdrawal",
                        " (account, asset, amount, destination, status, flagged, score, reasons, approvals needed, "
                        "approvals, requested seq/time, available time, decided seq, batch, settled seq/time)",
                        {r.id: table_row(r) for r in conn.execute(select(withdrawal_t))},
                        {k: w.row() for k, w in self.wd.states.items()})
        _same_as_replay(f, "ledger.withdrawals", "approval of withdrawal", " (seq)",
                        {f"{r.withdrawal} by {r.approver}": r.seq for r in conn.execute(select(approval_t))},
                        {f"{k} by {a}": q for k, w in self.wd.states.items() for a, q in w.approvers.items()})
        # posting rows of no journal entry (entry_seq outside 1..last): the snapshot would count them
        last = self.last_seq
        orphans = conn.execute(select(func.count(), func.min(posting_t.c.entry_seq), func.max(posting_t.c.entry_seq))
                               .where((posting_t.c.entry_seq < 1) | (posting_t.c.entry_seq > last))).one()
        if orphans[0]:
            f.add("ledger.postings", f"{orphans[0]} posting row(s) belong to no journal entry (entry_seq "
                                     f"{orphans[1]}..{orphans[2]}, the journal holds 1..{last})")

    def compare_log(self, conn: Connection, expected_root: tuple[int, str] | None) -> None:
        """8. The log root over the recomputed leaves equals the stored log's (and a published root)."""
        f = self.f
        self.replayed_root = replayed_root = root_of_leaves(self.leaves)
        log = JournalLog(lambda: conn, cache=False)
        try:
            stored_root = log.root_hex(self.last_seq)
        except (IndexError, ValueError, KeyError) as exc:  # rows missing under the log: no root to compare
            stored_root = (f"unavailable ({exc.__class__.__name__}: the stored leaves do not form a log of size "
                           f"{self.last_seq})")
        if stored_root != replayed_root:
            f.add("ledger.log-root", f"log root over stored leaves {stored_root[:16]}... differs from the "
                                     f"root over recomputed leaves {replayed_root[:16]}...")
        if expected_root is not None:
            size, root = expected_root
            if isinstance(size, bool) or not isinstance(size, int) or size < 0 or not isinstance(root, str):
                f.add("ledger.log-root", f"the published log position {size!r:.40}:{root!r:.80} is not a size "
                                         f"and a root")
            elif size > self.last_seq:
                f.add("ledger.log-root", f"published log size {size} exceeds the journal ({self.last_seq})")
            elif root_of_leaves(self.leaves[:size]) != root:
                f.add("ledger.log-root", f"the journal's first {size} entries do not give the published root "
                                         f"{root[:16]}...: history was rewritten")

    def report(self, result: Result) -> None:
        """One check per id, passed with what was established or failed naming the first failures."""
        f, last_seq, v2_from = self.f, self.last_seq, self.v2_from
        f.report(result, "ledger.sequence", f"entries 1..{last_seq} are contiguous, the first is the genesis")
        f.report(result, "ledger.canonical", "every entry body is canonical JSON matching its row")
        f.report(result, "ledger.chain", "every entry links to the previous one and its hash recomputes")
        f.report(result, "ledger.schema", "every entry body has its type's strict schema (ids, integers, no unknown keys)")
        if not v2_from and last_seq:  # fail closed: such a journal could be reordered and re-chained unnoticed
            f.add("ledger.format", "format 1 throughout: entries do not sign their place, so a reordered and "
                  "re-chained journal would verify; run `por ledger migrate` (a governor quorum restates the head)")
        f.report(result, "ledger.format", f"entries sign their place (format 2) from entry {v2_from}" +
                 (f"; entries 1..{v2_from - 1} are format 1, restated by the migration" if v2_from and v2_from > 1 else ""))
        f.report(result, "ledger.times", f"no entry's time trails the previous entry's by more than {MAX_SKEW_S} s")
        f.report(result, "ledger.signatures", "every signature verifies over its entry and place, and every signer's "
                                              "role permits its entry")
        f.report(result, "ledger.postings", "posting rows are exactly the signed postings")
        f.report(result, "ledger.double-entry", "every entry's postings sum to zero per asset")
        f.report(result, "ledger.floors", "no client balance ever went below zero, no debt above zero")
        f.report(result, "ledger.balances", f"{self.table_size} balances equal the replayed journal")
        f.report(result, "ledger.members", "the member table (roles, keys, status) equals the replayed journal")
        f.report(result, "ledger.accounts", "the account table (ids, kinds, owners, opening entries) equals the "
                                            "replayed journal")
        f.report(result, "ledger.margin", "the margin table (quote, limits, status, opening entry) equals the replayed "
                                          "journal")
        f.report(result, "ledger.assets", "the asset table (codes, decimals, kinds, custodians, adding entries) equals "
                                          "the replayed journal")
        f.report(result, "ledger.prices", "the price table equals the journal's signed price entries")
        f.report(result, "ledger.withdrawals", "every withdrawal replays through its status machine (screen, approvals, "
                                               "cooling, caps, payouts) and the withdrawal and approval tables equal it")
        f.report(result, "ledger.log-leaves", "every log leaf recomputes from its record")
        f.report(result, "ledger.log-root", f"log root at size {last_seq} is {self.replayed_root}")
        f.report(result, "ledger.head", f"head names the last entry {last_seq}")


def summary(result: Result) -> dict[str, Any]:
    return result.to_dict()
