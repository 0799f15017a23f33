"""Postings and balances: deposits, transfers, generic double-entry posts, and the balances they leave.

docs/protocol.md §10.5 (postings sum to zero per asset; books ``main``, ``held``, ``debt``; a deposit
moves the amount from the custodian's reserve account).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, func, select

from por.errors import LedgerError
from por.ledger import canonical
from por.ledger import postings as _postings
from por.ledger.core import Receipt, Tx
from por.ledger.facets.base import LedgerBase
from por.ledger.keys import Signer
from por.ledger.tables import account_t, balance_t


class PostingsFacet(LedgerBase):
    """Deposits, transfers and posts (signed by the operator); balances per account and in total."""

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

    def owner_balances(self, asset: str, kinds: Sequence[str], *, book: str = "main") -> dict[str, int]:
        """Per owner, the sum of the ``book`` balances in ``asset`` of its accounts of ``kinds``
        (accounts without an owner are left out; owners with no such balance are absent).

        Why: what each client could withdraw in one currency (cash and margin accounts together) is
        the run-risk simulation's input (docs/protocol.md §11.6.5); summed here, per owner, by the ledger.
        """
        wanted = tuple(kinds)

        def q(conn: Connection) -> dict[str, int]:
            out: dict[str, int] = {}
            rows = conn.execute(select(account_t.c.owner, balance_t.c.amount).join(
                account_t, account_t.c.id == balance_t.c.account).where(
                account_t.c.kind.in_(wanted), balance_t.c.asset == asset, balance_t.c.book == book))
            for owner, amount in rows:
                if owner is not None:
                    out[str(owner)] = out.get(str(owner), 0) + int(amount)
            return out
        return self._read(q)

    def insurance_fund_balance(self, asset: str) -> int:
        return self.balance("insurance").get(asset, {}).get("main", 0)
