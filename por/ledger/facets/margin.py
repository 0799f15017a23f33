"""Margin: margin accounts, trades, their status, liquidation and the circuit breaker.

docs/protocol.md §10.6 (gross, equity and ratio; the leverage limit; liquidation at the oracle price;
the breaker that pauses automated liquidation). Prices come from the ledger's price source
(:class:`~por.ledger.facets.prices.PricesFacet`), which the handlers read through the transaction.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select

from por.errors import PriceUnavailableError
from por.ledger import margin as _margin
from por.ledger.core import Receipt, Tx
from por.ledger.facets.base import LedgerBase
from por.ledger.keys import Signer
from por.ledger.tables import account_t, balance_t, margin_t


class MarginFacet(LedgerBase):
    """Opening margin accounts, trading on margin, status read-outs and liquidations."""

    def open_margin_account(self, operator: Signer, account_id: str, owner: str, *, max_leverage_bps: int = 20000,
                            maintenance_bps: int = 2500, quote: str | None = None, time: str | None = None) -> Receipt:
        payload = {"account": account_id, "owner": owner, "max_leverage_bps": max_leverage_bps,
                   "maintenance_bps": maintenance_bps, "quote": quote or self._config.get("quote_asset", "USD")}
        return self.submit(operator, "margin.open", payload, time=time)

    def margin_trade(self, operator: Signer, account: str, asset: str, qty: int, side: str = "buy", *,
                     idem: str | None = None, time: str | None = None) -> Receipt:
        """Buy (borrowing what cash lacks, within the leverage limit) or sell at the current price."""
        return self.submit(operator, "margin.trade",
                           lambda tx, _t: _margin.trade_payload(tx, account, asset, qty, side), idem=idem, time=time)

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

    def breaker(self, asset: str, now: str | None = None) -> tuple[bool, str]:
        """(ok, reason) of the circuit breaker for ``asset`` at ``now`` (default: the ledger's clock)."""
        t = now or self.clock()
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
        t = time or self.clock()
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
