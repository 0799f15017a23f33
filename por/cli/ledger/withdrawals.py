"""``por withdraw``: request, review (flagged), approve (k of n), settle (batched, capped)
(docs/protocol.md §10.7)."""

from __future__ import annotations

import click

from por.cli.ledger._common import _amount, _ledger, _obj, _out, _signer, common
from por.errors import UsageError


@click.group()
def withdraw() -> None:
    """Withdrawals: request, review (flagged), approve (k of n), settle (batched, capped)."""


@withdraw.command("request")
@click.argument("account")
@click.argument("asset")
@click.argument("amount")
@click.option("--to", "destination", required=True, help="Destination (IBAN, address, ...).")
@click.option("--id", "wid", help="Withdrawal id (default: generated).")
@click.option("--idem")
@common
def withdraw_request(account: str, asset: str, amount: str, destination: str, wid: str | None, idem: str | None,
                     as_json: bool) -> None:
    o = _obj()
    with _ledger(o) as led:
        r, w = led.request_withdrawal(_signer(o), account, asset, _amount(led, asset, amount), destination,
                                      wid=wid, idem=idem)
        info = next(x for x in led.withdrawals() if x["id"] == w)
    _out(as_json, {"receipt": r.to_dict(), "withdrawal": info},
         f"OK: withdrawal {w} is {info['status']} (score {info['score']})"
         + "".join(f"\n  - {reason}" for reason in info["reasons"]))


@withdraw.command("approve")
@click.argument("wid")
@common
def withdraw_approve(wid: str, as_json: bool) -> None:
    """Approve a pending withdrawal (signed --as an approver)."""
    o = _obj()
    with _ledger(o) as led:
        r = led.approve_withdrawal(_signer(o, role_default="approver"), wid)
    _out(as_json, r.to_dict(), f"OK: approval recorded (entry {r.seq})")


@withdraw.command("review")
@click.argument("wid", required=False)
@click.option("--approve", "decision", flag_value="approve")
@click.option("--reject", "decision", flag_value="reject")
@click.option("--reason", default="")
@common
def withdraw_review(wid: str | None, decision: str | None, reason: str, as_json: bool) -> None:
    """Without WID: list the manual review queue. With WID: --approve or --reject it (as an approver)."""
    o = _obj()
    with _ledger(o) as led:
        if wid is None:
            q = led.withdrawals("flagged")
            _out(as_json, q, "\n".join(f"{w['id']} {w['account']} {w['amount']} {w['asset']} score {w['score']}: "
                                       + "; ".join(w["reasons"]) for w in q) or "(review queue empty)")
            return
        if decision is None:
            raise UsageError("give --approve or --reject")
        r = led.review_withdrawal(_signer(o, role_default="approver"), wid, decision, reason)
    _out(as_json, r.to_dict(), f"OK: {wid} {decision}d (entry {r.seq})")


@withdraw.command("settle")
@click.option("--batch", help="Batch id (default: generated).")
@click.option("--limit", type=int, default=1000, show_default=True)
@common
def withdraw_settle(batch: str | None, limit: int, as_json: bool) -> None:
    """Settle approved, cooled withdrawals in one batch within the per-batch and daily caps."""
    o = _obj()
    with _ledger(o) as led:
        r = led.settle_withdrawals(_signer(o), batch=batch, limit=limit)
        body = led.entry(r.seq)["body"]["payload"]
    _out(as_json, {"receipt": r.to_dict(), "batch": body["batch"], "withdrawals": body["withdrawals"]},
         f"OK: batch {body['batch']} settled {len(body['withdrawals'])} withdrawal(s) (entry {r.seq})")


@withdraw.command("list")
@click.option("--status", type=click.Choice(["flagged", "pending", "approved", "rejected", "settled"]))
@common
def withdraw_list(status: str | None, as_json: bool) -> None:
    o = _obj()
    with _ledger(o) as led:
        ws = led.withdrawals(status)
        stats = led.withdrawal_stats()
    _out(as_json, {"withdrawals": ws, "stats": stats},
         "\n".join(f"{w['id']} {w['status']:<9} {w['account']} {w['amount']} {w['asset']}" for w in ws) or "(none)")
