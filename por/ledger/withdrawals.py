"""Withdrawals: request → rules screen → (manual review) → cooling → k-of-n approvals → batched settlement.

* ``withdraw.request`` moves the amount from the account's ``main`` book to its ``held`` book (so the
  client can never go below zero, and a margin account never below its initial margin), and records
  the screen: each rule that fires adds to the score with a sentence saying why. A request with any
  reason is *flagged* and waits in the manual review queue.
* ``withdraw.review`` (an approver) clears or rejects a flagged request.
* ``withdraw.approve``: one entry per approver; at or above ``approval_threshold`` a request needs
  ``approvals_required`` distinct approvers.
* ``withdraw.settle`` pays out approved requests whose cooling period has passed, first come first
  served, within the per-batch and per-UTC-day caps: ``held`` → the custodian's reserve account.
* ``withdraw.reject`` returns the held amount to ``main``.

The ``ledger_withdrawal`` and ``ledger_approval`` tables are projections: every handler that moves
a request on (review, approve, reject, settle) first rebuilds that request's state from the journal
(:class:`WithdrawalState`, the same state machine ``por ledger verify`` replays) and refuses to act
when the tables disagree with it, so a database writer who sets a request to ``approved`` or edits
its amount, account or cooling time cannot get it paid. Daily caps are summed over the journal's
settlement entries of the UTC day (docs/protocol.md §10.7).
"""

from __future__ import annotations

import json
import statistics
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select, update

from por.errors import InsufficientFundsError, LedgerError
from por.ledger import canonical
from por.ledger.core import Tx, handler
from por.ledger.journal import Entry, check_id, parse_postings
from por.ledger.margin import margin_state, merge
from por.ledger.tables import CLIENT_KINDS, approval_t, journal_t, withdrawal_t
from por.units import BPS

DAY = 86400


def screen(tx: Tx, account: str, asset: str, amount: int, time: str) -> dict[str, Any]:
    """The explainable rules screen of a request (deterministic given the ledger state and time)."""
    since = canonical.add_seconds(time, -DAY)
    w = withdrawal_t.c
    count = int(tx.conn.execute(select(func.count()).where(
        w.account == account, w.requested_time >= since, w.status != "rejected")).scalar() or 0)
    same_asset = int(tx.conn.execute(select(func.coalesce(func.sum(w.amount), 0)).where(
        w.account == account, w.asset == asset, w.requested_time >= since, w.status != "rejected")).scalar() or 0)
    history = [int(a) for a in tx.conn.execute(
        select(w.amount).where(w.account == account, w.asset == asset, w.status == "settled")
        .order_by(w.requested_seq.desc()).limit(20)).scalars()]
    return screen_of(tx.config.get("withdraw", {}), tx.asset(asset).decimals, account, asset, amount, time,
                     count, same_asset, history)


def screen_of(cfg: dict[str, Any], dec: int, account: str, asset: str, amount: int, time: str, count_24h: int,
              same_asset_24h: int, history: list[int]) -> dict[str, Any]:
    """The screen from the account's recent requests: ``count_24h`` requests (any asset) and
    ``same_asset_24h`` requested in ``asset`` within 24 h before ``time``, not rejected; ``history`` the
    amounts of its last 20 settled requests in ``asset``, newest first. Pure: the replay calls it too."""
    def fmt(v: int) -> str:
        return f"{canonical.format_amount(v, dec)} {asset}"

    reasons: list[str] = []
    score = 0
    flag_amount = cfg.get("flag_amount", {}).get(asset)
    if flag_amount is not None and amount >= flag_amount:
        score += 50
        reasons.append(f"amount {fmt(amount)} is at or above the single-request review limit {fmt(flag_amount)}")
    vc = cfg.get("velocity_count_24h")
    if vc is not None and count_24h + 1 > vc:
        score += 30
        reasons.append(f"{count_24h + 1} requests from {account} within 24 h exceed the velocity limit {vc}")
    va = cfg.get("velocity_amount_24h", {}).get(asset)
    if va is not None and same_asset_24h + amount > va:
        score += 30
        reasons.append(f"{fmt(same_asset_24h + amount)} requested within 24 h exceeds the velocity limit {fmt(va)}")
    factor = cfg.get("deviation_factor")
    if factor is not None and len(history) >= 3:
        med = int(statistics.median(history))
        if med > 0 and amount > factor * med:
            score += 20
            reasons.append(f"amount {fmt(amount)} is more than {factor} times the account's median "
                           f"settled withdrawal {fmt(med)}")
    threshold = cfg.get("approval_threshold", {}).get(asset)
    needed = int(cfg.get("approvals_required", 2)) if threshold is not None and amount >= threshold else 0
    available = canonical.add_seconds(time, int(cfg.get("cooling_s", 0)))
    return {"flagged": bool(reasons), "score": score, "reasons": reasons, "approvals_needed": needed,
            "available_time": available}


def replay_screen(cfg: dict[str, Any], dec: int, account: str, asset: str, amount: int, time: str,
                  earlier: list[WithdrawalState]) -> dict[str, Any]:
    """:func:`screen_of` from the replayed states of the account's earlier requests (request order)."""
    since = canonical.add_seconds(time, -DAY)
    recent = [w for w in earlier if w.requested_time >= since and w.status != "rejected"]
    history = [w.amount for w in reversed(earlier) if w.asset == asset and w.status == "settled"][:20]
    return screen_of(cfg, dec, account, asset, amount, time, len(recent),
                     sum(w.amount for w in recent if w.asset == asset), history)


def request_payload(tx: Tx, wid: str, account: str, asset: str, amount: int, destination: str,
                    time: str) -> dict[str, Any]:
    return {"request": {"id": wid, "account": account, "asset": asset, "amount": amount,
                        "destination": destination},
            "screen": screen(tx, account, asset, amount, time),
            "postings": [[account, asset, "main", -amount], [account, asset, "held", amount]]}


@dataclass(slots=True)
class WithdrawalState:
    """One request as the journal makes it: the status machine flagged/pending -> approved -> settled,
    any open state -> rejected. Pure; the append path and the replay both drive it."""

    id: str
    account: str
    asset: str
    amount: int
    destination: str
    status: str
    flagged: bool
    score: int
    reasons: list[str]
    approvals_needed: int
    requested_seq: int
    requested_time: str
    available_time: str
    approvers: dict[str, int] = field(default_factory=dict)  # approver -> seq of the approval
    decided_seq: int | None = None
    batch: str | None = None
    settled_seq: int | None = None
    settled_time: str | None = None

    @classmethod
    def from_request(cls, seq: int, time: str, payload: dict[str, Any]) -> WithdrawalState:
        rq, sc = payload["request"], payload["screen"]
        status = "flagged" if sc["flagged"] else ("pending" if sc["approvals_needed"] else "approved")
        return cls(rq["id"], rq["account"], rq["asset"], rq["amount"], rq["destination"], status, sc["flagged"],
                   sc["score"], list(sc["reasons"]), sc["approvals_needed"], seq, time, sc["available_time"])

    def apply(self, type_: str, payload: dict[str, Any], signer: str, seq: int, time: str, batch: str | None = None) -> None:
        """Move the request on by one journal entry, or raise LedgerError if that entry may not."""
        if type_ == "withdraw.review":
            if self.status != "flagged":
                raise LedgerError(f"withdrawal {self.id} is {self.status}, not in the review queue")
            if payload.get("decision") == "reject":
                self.status = "rejected"
            else:
                self.status = "pending" if len(self.approvers) < self.approvals_needed else "approved"
            self.decided_seq = seq
        elif type_ == "withdraw.approve":
            if self.status != "pending":
                raise LedgerError(f"withdrawal {self.id} is {self.status}; only pending requests take approvals")
            if signer in self.approvers:
                raise LedgerError(f"{signer} already approved withdrawal {self.id}")
            self.approvers[signer] = seq
            if len(self.approvers) >= self.approvals_needed:
                self.status = "approved"
        elif type_ == "withdraw.reject":
            if self.status not in ("flagged", "pending", "approved"):
                raise LedgerError(f"withdrawal {self.id} is {self.status} and can no longer be rejected")
            self.status = "rejected"
            self.decided_seq = seq
        elif type_ == "withdraw.settle":
            if self.status != "approved":
                raise LedgerError(f"withdrawal {self.id} is {self.status}, not approved")
            if self.available_time > time:
                raise LedgerError(f"withdrawal {self.id} is cooling until {self.available_time}")
            self.status, self.batch, self.settled_seq, self.settled_time = "settled", batch, seq, time
        else:
            raise LedgerError(f"{type_} does not act on withdrawals")

    def row(self) -> tuple[Any, ...]:
        """The ``ledger_withdrawal`` columns (after the id) this state gives."""
        return (self.account, self.asset, self.amount, self.destination, self.status, int(self.flagged), self.score,
                json.dumps(self.reasons), self.approvals_needed, len(self.approvers), self.requested_seq,
                self.requested_time, self.available_time, self.decided_seq, self.batch, self.settled_seq,
                self.settled_time)


ROW_FIELDS = ("account", "asset", "amount", "destination", "status", "flagged", "score", "reasons",
              "approvals_needed", "approvals", "requested_seq", "requested_time", "available_time", "decided_seq",
              "batch", "settled_seq", "settled_time")
EVENT_TYPES = ("withdraw.review", "withdraw.approve", "withdraw.reject", "withdraw.settle")


def table_row(r: Any) -> tuple[Any, ...]:
    return tuple(getattr(r, f) for f in ROW_FIELDS)


def _like_literal(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def journal_state(tx: Tx, wid: Any) -> WithdrawalState:
    """The request ``wid`` rebuilt from the journal, checked against the tables (see :func:`journal_states`)."""
    return journal_states(tx, [wid])[wid]


def journal_states(tx: Tx, wids: list[Any]) -> dict[str, WithdrawalState]:
    """The requests ``wids`` rebuilt from the journal, checked against the tables.

    A table row only says where its request entry is (``requested_seq``); that entry must be the
    request of that id, and every later review, approval, rejection and settlement naming it is
    replayed (one scan of the journal's withdrawal entries for the lot).

    Raises:
        LedgerError: no such request, or the withdrawal/approval tables disagree with the journal.
    """
    for wid in wids:
        if not isinstance(wid, str):
            raise LedgerError(f"withdrawal id {wid!r} is not a string")
    rows = {r.id: r for r in tx.conn.execute(select(withdrawal_t).where(withdrawal_t.c.id.in_(wids)))}
    for wid in wids:
        if wid not in rows:
            raise LedgerError(f"unknown withdrawal {wid!r}")
    j = journal_t.c
    staged = {r["row"]["seq"]: r["row"] for r in tx.journal}  # this transaction's entries, not yet written
    req_seqs = {int(r.requested_seq) for r in rows.values()}
    bodies = {int(q): b for q, b in tx.conn.execute(select(j.seq, j.body).where(j.seq.in_(req_seqs)))}
    bodies.update({q: staged[q]["body"] for q in req_seqs if q in staged})

    def tampered(wid: str) -> str:
        return f"withdrawal {wid}: the withdrawal table disagrees with the journal; refused (run `por ledger verify`)"
    states: dict[str, WithdrawalState] = {}
    for wid, row in rows.items():
        req = bodies.get(int(row.requested_seq))
        e = Entry.from_bytes(str(req).encode("utf-8"), ()) if isinstance(req, str) else None
        if e is None or e.type != "withdraw.request" or e.payload.get("request", {}).get("id") != wid:
            raise LedgerError(tampered(wid) + f": entry {row.requested_seq} is not its request")
        states[wid] = WithdrawalState.from_request(int(row.requested_seq), e.time, e.payload)
    first = min(req_seqs)
    q = select(j.seq, j.body).where(j.seq > first, j.type.in_(EVENT_TYPES))
    if len(wids) == 1:
        q = q.where(j.body.like("%" + _like_literal(json.dumps(wids[0])) + "%", escape="\\"))
    events = [(int(r.seq), r.body) for r in tx.conn.execute(q.order_by(j.seq))]
    events += [(s, r["body"]) for s, r in sorted(staged.items()) if s > first and r["type"] in EVENT_TYPES]
    for seq, body in events:
        ev = Entry.from_bytes(str(body).encode("utf-8"), ())
        p = ev.payload
        named = p.get("withdrawals", []) if ev.type == "withdraw.settle" else [p.get("id")]
        for wid in named:
            st = states.get(wid) if isinstance(wid, str) else None
            if st is None or seq <= st.requested_seq:
                continue
            try:
                st.apply(ev.type, p, ev.signer, seq, ev.time, p.get("batch"))
            except LedgerError as exc:
                raise LedgerError(tampered(st.id) + f": {exc}") from exc
    approvals: dict[str, dict[str, int]] = {wid: {} for wid in wids}
    for w, a, s in tx.conn.execute(select(approval_t.c.withdrawal, approval_t.c.approver, approval_t.c.seq)
                                   .where(approval_t.c.withdrawal.in_(wids))):
        approvals[w][a] = int(s)
    for wid, st in states.items():
        row = rows[wid]
        if table_row(row) != st.row() or approvals[wid] != st.approvers:
            diff = [f"{f} {a!r} (journal: {b!r})" for f, a, b in zip(ROW_FIELDS, table_row(row), st.row(), strict=True)
                    if a != b]
            if approvals[wid] != st.approvers:
                diff.append(f"approvers {sorted(approvals[wid])} (journal: {sorted(st.approvers)})")
            raise LedgerError(tampered(wid) + ": " + "; ".join(diff))
    return states


def _get(tx: Tx, wid: Any) -> WithdrawalState:
    return journal_state(tx, wid)


@handler("withdraw.request")
def _request(tx: Tx, entry: Entry, seq: int) -> None:
    p = entry.payload
    req = p.get("request")
    if not isinstance(req, dict):
        raise LedgerError("withdraw.request needs its request {id, account, asset, amount, destination}")
    wid = check_id(req.get("id"), "withdrawal id")
    if tx.conn.execute(select(withdrawal_t.c.id).where(withdrawal_t.c.id == wid)).first() is not None:
        raise LedgerError(f"withdrawal {wid} already exists")
    acct = req.get("account")
    kind = tx.require_account(acct, CLIENT_KINDS)
    assert isinstance(acct, str)  # require_account raised otherwise
    asset = tx.asset(req.get("asset")).code
    amount = canonical.check_int(req.get("amount"), "withdrawal amount", minimum=1)
    dest = req.get("destination")
    if not isinstance(dest, str) or not 0 < len(dest) <= 200:
        raise LedgerError("destination must be a non-empty string")
    expected = request_payload(tx, wid, acct, asset, amount, dest, entry.time)
    if p != expected:
        raise LedgerError("withdraw.request payload does not match the rules screen and postings "
                          f"(expected screen {expected['screen']})")
    available = tx.balance(acct, asset, "main")
    if amount > available:
        dec = tx.asset(asset).decimals
        raise InsufficientFundsError(f"withdrawal of {canonical.format_amount(amount, dec)} {asset} from {acct} "
                                     f"exceeds its available {canonical.format_amount(available, dec)}")
    tx.post(seq, parse_postings(p["postings"]), books=("main", "held"))
    if kind == "margin":
        st = margin_state(tx, acct, extra={(asset, "held"): -amount})
        debt = st.gross - st.equity
        if debt > 0 and (st.equity <= 0 or st.gross * BPS > st.max_leverage_bps * st.equity):
            raise InsufficientFundsError(f"withdrawal would take {acct} below its margin requirement "
                                         f"(max leverage {st.max_leverage_bps} bps)")
    s = p["screen"]
    status = "flagged" if s["flagged"] else ("pending" if s["approvals_needed"] else "approved")
    tx.conn.execute(withdrawal_t.insert(), [{
        "id": wid, "account": acct, "asset": asset, "amount": amount, "destination": dest, "status": status,
        "flagged": int(s["flagged"]), "score": s["score"], "reasons": json.dumps(s["reasons"]),
        "approvals_needed": s["approvals_needed"], "approvals": 0, "requested_seq": seq,
        "requested_time": entry.time, "available_time": s["available_time"]}])


def _set_status(tx: Tx, wid: str, **values: Any) -> None:
    tx.conn.execute(update(withdrawal_t).where(withdrawal_t.c.id == wid).values(**values))


@handler("withdraw.review")
def _review(tx: Tx, entry: Entry, seq: int) -> None:
    p = entry.payload
    w = _get(tx, p.get("id"))
    if w.status != "flagged":
        raise LedgerError(f"withdrawal {w.id} is {w.status}, not in the review queue")
    decision = p.get("decision")
    if decision not in ("approve", "reject"):
        raise LedgerError("review decision must be approve or reject")
    if not isinstance(p.get("reason", ""), str):
        raise LedgerError("review reason must be a string")
    w.apply("withdraw.review", p, entry.signer, seq, entry.time)
    if decision == "reject":
        tx.post(seq, [(w.account, w.asset, "held", -w.amount), (w.account, w.asset, "main", w.amount)],
                books=("main", "held"))
    _set_status(tx, w.id, status=w.status, decided_seq=seq)


@handler("withdraw.approve")
def _approve(tx: Tx, entry: Entry, seq: int) -> None:
    w = _get(tx, entry.payload.get("id"))
    w.apply("withdraw.approve", entry.payload, entry.signer, seq, entry.time)
    tx.conn.execute(approval_t.insert(), [{"withdrawal": w.id, "approver": entry.signer, "seq": seq}])
    _set_status(tx, w.id, approvals=len(w.approvers), status=w.status)


@handler("withdraw.reject")
def _reject(tx: Tx, entry: Entry, seq: int) -> None:
    w = _get(tx, entry.payload.get("id"))
    w.apply("withdraw.reject", entry.payload, entry.signer, seq, entry.time)
    tx.post(seq, [(w.account, w.asset, "held", -w.amount), (w.account, w.asset, "main", w.amount)],
            books=("main", "held"))
    _set_status(tx, w.id, status="rejected", decided_seq=seq)


def settled_amounts(payload: dict[str, Any]) -> dict[str, int]:
    """Per asset, what one settlement entry paid out: its credits to custodian reserve accounts."""
    out: dict[str, int] = {}
    for acct, asset, book, amount in payload.get("postings", []):
        if isinstance(acct, str) and acct.startswith("reserve:") and book == "main" and amount > 0:
            out[asset] = out.get(asset, 0) + amount
    return out


def _settled_today(tx: Tx, asset: str, time: str) -> int:
    """Settled on the UTC day of ``time``, summed over the journal's settlement entries of that day."""
    day = time[:10]
    j = journal_t.c
    key = ("settled_day", day)
    written = tx.memo.get(key)
    if written is None:  # the day's written settlements, once per transaction
        written = {}
        for body in tx.conn.execute(select(j.body).where(
                j.type == "withdraw.settle", j.time >= f"{day}T00:00:00.000000Z",
                j.time <= f"{day}T23:59:59.999999Z")).scalars():
            e = Entry.from_bytes(str(body).encode("utf-8"), ())
            if e.time[:10] == day:
                for a, v in settled_amounts(e.payload).items():
                    written[a] = written.get(a, 0) + v
        tx.memo[key] = written
    total = int(written.get(asset, 0))
    for r in tx.journal:  # ... and this transaction's
        if r["row"]["type"] == "withdraw.settle" and r["row"]["time"][:10] == day:
            e = Entry.from_bytes(str(r["row"]["body"]).encode("utf-8"), ())
            total += settled_amounts(e.payload).get(asset, 0)
    return total


def settle_payload(tx: Tx, batch: str, time: str, limit: int = 1000) -> dict[str, Any]:
    """Pick approved, cooled requests first come first served within the per-batch and daily caps."""
    cfg = tx.config.get("withdraw", {})
    w = withdrawal_t.c
    rows = tx.conn.execute(select(withdrawal_t).where(w.status == "approved", w.available_time <= time)
                           .order_by(w.requested_seq).limit(limit)).all()
    totals: dict[str, int] = {}
    chosen = []
    raw: list[tuple[str, str, str, int]] = []
    for r in rows:
        t = totals.get(r.asset, 0) + r.amount
        cap = cfg.get("batch_cap", {}).get(r.asset)
        daily = cfg.get("daily_cap", {}).get(r.asset)
        if cap is not None and t > cap:
            continue
        if daily is not None and _settled_today(tx, r.asset, time) + t > daily:
            continue
        totals[r.asset] = t
        chosen.append(r.id)
        raw += [(r.account, r.asset, "held", -r.amount),
                (f"reserve:{tx.asset(r.asset).custodian}", r.asset, "main", r.amount)]
    if not chosen:
        raise LedgerError("no approved withdrawal is ready to settle (cooling, caps or none approved)")
    return {"batch": batch, "withdrawals": chosen, "postings": merge(raw)}


@handler("withdraw.settle")
def _settle(tx: Tx, entry: Entry, seq: int) -> None:
    p = entry.payload
    batch = check_id(p.get("batch"), "batch id")
    ids = p.get("withdrawals")
    # the schema (por.ledger.schema) already refused non-string ids and repeats: ["1", true] never gets here
    if not isinstance(ids, list) or not ids or not all(isinstance(i, str) for i in ids) or len(set(ids)) != len(ids):
        raise LedgerError("withdraw.settle needs a non-empty list of distinct withdrawal ids")
    cfg = tx.config.get("withdraw", {})
    totals: dict[str, int] = {}
    raw: list[tuple[str, str, str, int]] = []
    states = journal_states(tx, ids)
    for wid in ids:
        w = states[wid]
        w.apply("withdraw.settle", p, entry.signer, seq, entry.time, batch)
        totals[w.asset] = totals.get(w.asset, 0) + w.amount
        raw += [(w.account, w.asset, "held", -w.amount),
                (f"reserve:{tx.asset(w.asset).custodian}", w.asset, "main", w.amount)]
    for asset, t in totals.items():
        cap = cfg.get("batch_cap", {}).get(asset)
        if cap is not None and t > cap:
            raise LedgerError(f"batch {batch} pays {t} {asset}, above the per-batch cap {cap}")
        daily = cfg.get("daily_cap", {}).get(asset)
        if daily is not None and _settled_today(tx, asset, entry.time) + t > daily:
            raise LedgerError(f"batch {batch} would exceed the daily {asset} outflow cap {daily}")
    if parse_postings(p.get("postings")) != parse_postings(merge(raw)):
        raise LedgerError("withdraw.settle postings do not match the withdrawals it settles")
    tx.post(seq, parse_postings(p["postings"]), books=("main", "held"))
    for wid in ids:
        _set_status(tx, wid, status="settled", batch=batch, settled_seq=seq, settled_time=entry.time)
