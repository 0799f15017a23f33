"""Assets and accounts: the chart that postings run on (``asset.add``, ``account.open``).

docs/protocol.md §10.1 (identifiers, asset decimals) and §10.4 (who signs ``asset.add`` and
``account.open``; the account kinds). Margin accounts are opened by the margin facet.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, select

from por.ledger.core import AssetInfo, Receipt
from por.ledger.facets.base import LedgerBase
from por.ledger.keys import Signer
from por.ledger.tables import account_t, asset_t


class AccountsFacet(LedgerBase):
    """Adding assets, opening accounts, and listing both."""

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

    def accounts(self, kind: str | None = None) -> list[dict[str, Any]]:
        def q(conn: Connection) -> list[dict[str, Any]]:
            s = select(account_t).order_by(account_t.c.id)
            if kind:
                s = s.where(account_t.c.kind == kind)
            return [dict(r._mapping) for r in conn.execute(s)]
        return self._read(q)
