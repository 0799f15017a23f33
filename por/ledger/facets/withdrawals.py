"""Withdrawals: request, review, approve, reject, settle in batches, and the queue read-outs.

docs/protocol.md §10.7 (the screen, approvals, cooling, batch and daily caps, the status machine the
handlers replay from the journal).
"""

from __future__ import annotations

import json
import uuid
from typing import Any, cast

from sqlalchemy import Connection, func, select

from por.ledger import canonical
from por.ledger import withdrawals as _withdrawals
from por.ledger.core import Receipt, Tx
from por.ledger.facets.base import LedgerBase
from por.ledger.keys import Signer
from por.ledger.tables import approval_t, journal_t, withdrawal_t


class WithdrawalsFacet(LedgerBase):
    """The withdrawal entries (operator and approvers) and the queue with its statistics."""

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
        t_now = canonical.time_to_us(now or self.clock())

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
