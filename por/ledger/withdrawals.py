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
"""

from __future__ import annotations

import json
import statistics
from typing import Any

from sqlalchemy import func, select, update

from por.errors import InsufficientFundsError, LedgerError
from por.ledger import canonical
from por.ledger.core import Tx, handler
from por.ledger.journal import Entry, check_id, parse_postings
from por.ledger.margin import BPS, margin_state, merge
from por.ledger.tables import CLIENT_KINDS, approval_t, withdrawal_t

DAY = 86400


def screen(tx: Tx, account: str, asset: str, amount: int, time: str) -> dict[str, Any]:
    """The explainable rules screen of a request (deterministic given the ledger state and time)."""
    cfg = tx.config.get("withdraw", {})
    dec = tx.asset(asset).decimals

    def fmt(v: int) -> str:
        return f"{canonical.format_amount(v, dec)} {asset}"

    reasons: list[str] = []
    score = 0
    flag_amount = cfg.get("flag_amount", {}).get(asset)
    if flag_amount is not None and amount >= flag_amount:
        score += 50
        reasons.append(f"amount {fmt(amount)} is at or above the single-request review limit {fmt(flag_amount)}")
    since = canonical.add_seconds(time, -DAY)
    w = withdrawal_t.c
    count, total = tx.conn.execute(select(func.count(), func.coalesce(func.sum(w.amount), 0)).where(
        w.account == account, w.requested_time >= since, w.status != "rejected")).one()
    vc = cfg.get("velocity_count_24h")
    if vc is not None and int(count) + 1 > vc:
        score += 30
        reasons.append(f"{int(count) + 1} requests from {account} within 24 h exceed the velocity limit {vc}")
    same_asset = int(tx.conn.execute(select(func.coalesce(func.sum(w.amount), 0)).where(
        w.account == account, w.asset == asset, w.requested_time >= since, w.status != "rejected")).scalar() or 0)
    va = cfg.get("velocity_amount_24h", {}).get(asset)
    if va is not None and same_asset + amount > va:
        score += 30
        reasons.append(f"{fmt(same_asset + amount)} requested within 24 h exceeds the velocity limit {fmt(va)}")
    history = [int(a) for a in tx.conn.execute(
        select(w.amount).where(w.account == account, w.asset == asset, w.status == "settled")
        .order_by(w.requested_seq.desc()).limit(20)).scalars()]
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


def request_payload(tx: Tx, wid: str, account: str, asset: str, amount: int, destination: str,
                    time: str) -> dict[str, Any]:
    return {"request": {"id": wid, "account": account, "asset": asset, "amount": amount,
                        "destination": destination},
            "screen": screen(tx, account, asset, amount, time),
            "postings": [[account, asset, "main", -amount], [account, asset, "held", amount]]}


def _get(tx: Tx, wid: Any) -> Any:
    row = tx.conn.execute(select(withdrawal_t).where(withdrawal_t.c.id == wid)).first()
    if row is None:
        raise LedgerError(f"unknown withdrawal {wid!r}")
    return row


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
    if decision == "reject":
        tx.post(seq, [(w.account, w.asset, "held", -w.amount), (w.account, w.asset, "main", w.amount)],
                books=("main", "held"))
        _set_status(tx, w.id, status="rejected", decided_seq=seq)
    else:
        _set_status(tx, w.id, status="pending" if w.approvals < w.approvals_needed else "approved",
                    decided_seq=seq)


@handler("withdraw.approve")
def _approve(tx: Tx, entry: Entry, seq: int) -> None:
    w = _get(tx, entry.payload.get("id"))
    if w.status != "pending":
        raise LedgerError(f"withdrawal {w.id} is {w.status}; only pending requests take approvals")
    if tx.conn.execute(select(approval_t.c.seq).where(approval_t.c.withdrawal == w.id,
                                                       approval_t.c.approver == entry.signer)).first():
        raise LedgerError(f"{entry.signer} already approved withdrawal {w.id}")
    tx.conn.execute(approval_t.insert(), [{"withdrawal": w.id, "approver": entry.signer, "seq": seq}])
    n = w.approvals + 1
    _set_status(tx, w.id, approvals=n, status="approved" if n >= w.approvals_needed else "pending")


@handler("withdraw.reject")
def _reject(tx: Tx, entry: Entry, seq: int) -> None:
    w = _get(tx, entry.payload.get("id"))
    if w.status not in ("flagged", "pending", "approved"):
        raise LedgerError(f"withdrawal {w.id} is {w.status} and can no longer be rejected")
    tx.post(seq, [(w.account, w.asset, "held", -w.amount), (w.account, w.asset, "main", w.amount)],
            books=("main", "held"))
    _set_status(tx, w.id, status="rejected", decided_seq=seq)


def _settled_today(tx: Tx, asset: str, time: str) -> int:
    day = time[:10]
    w = withdrawal_t.c
    return int(tx.conn.execute(select(func.coalesce(func.sum(w.amount), 0)).where(
        w.asset == asset, w.status == "settled", w.settled_time >= f"{day}T00:00:00.000000Z",
        w.settled_time <= f"{day}T23:59:59.999999Z")).scalar() or 0)


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
    if not isinstance(ids, list) or not ids or len(set(map(str, ids))) != len(ids):
        raise LedgerError("withdraw.settle needs a non-empty list of distinct withdrawal ids")
    cfg = tx.config.get("withdraw", {})
    totals: dict[str, int] = {}
    raw: list[tuple[str, str, str, int]] = []
    for wid in ids:
        w = _get(tx, wid)
        if w.status != "approved":
            raise LedgerError(f"withdrawal {w.id} is {w.status}, not approved")
        if w.available_time > entry.time:
            raise LedgerError(f"withdrawal {w.id} is cooling until {w.available_time}")
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
