"""``por margin``: margin accounts: open, trade, status, liquidation with the circuit breaker
(docs/protocol.md §10.6)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from por.cli.ledger._common import _amount, _ledger, _obj, _out, _signer, common


@click.group()
def margin() -> None:
    """Margin accounts: open, trade, status, liquidation (with the circuit breaker)."""


@margin.command("open")
@click.argument("account")
@click.option("--owner", required=True)
@click.option("--max-leverage-bps", type=int, default=20000, show_default=True)
@click.option("--maintenance-bps", type=int, default=2500, show_default=True)
@common
def margin_open(account: str, owner: str, max_leverage_bps: int, maintenance_bps: int, as_json: bool) -> None:
    o = _obj()
    with _ledger(o) as led:
        r = led.open_margin_account(_signer(o), account, owner, max_leverage_bps=max_leverage_bps,
                                    maintenance_bps=maintenance_bps)
    _out(as_json, r.to_dict(), f"OK: margin account {account} opened (entry {r.seq})")


def _trade(side: str) -> Callable[..., None]:
    def cmd(account: str, asset: str, qty: str, idem: str | None, as_json: bool) -> None:
        o = _obj()
        with _ledger(o) as led:
            r = led.margin_trade(_signer(o), account, asset, _amount(led, asset, qty), side, idem=idem)
        _out(as_json, r.to_dict(), f"OK: {side} {qty} {asset} for {account} (entry {r.seq})")
    cmd.__doc__ = f"{side.capitalize()} QTY of ASSET at the oracle price ({'borrowing what cash lacks' if side == 'buy' else 'repaying debt first'})."
    return cmd


for _side in ("buy", "sell"):  # por margin buy|sell ACCOUNT ASSET QTY, as `por withdraw request ACCOUNT ASSET AMOUNT`
    _cmd = click.option("--idem")(_trade(_side))
    for _name in ("qty", "asset", "account"):  # click lists arguments outermost first: apply the last one first
        _cmd = click.argument(_name)(_cmd)
    margin.command(_side)(common(_cmd))


@margin.command("status")
@click.argument("account", required=False)
@common
def margin_status(account: str | None, as_json: bool) -> None:
    """Equity, equity ratio, leverage, liquidation prices of ACCOUNT (or the margin book)."""
    o = _obj()
    with _ledger(o) as led:
        out: Any = led.margin_status(account) if account else led.margin_accounts()
    _out(as_json, out)


@margin.command("liquidate")
@click.argument("account", required=False)
@click.option("--override", is_flag=True, help="Liquidate even while the circuit breaker is tripped.")
@common
def margin_liquidate(account: str | None, override: bool, as_json: bool) -> None:
    """Liquidate ACCOUNT, or every account below maintenance (paused by the circuit breaker)."""
    o = _obj()
    with _ledger(o) as led:
        out: Any = (led.liquidate(_signer(o), account, override=override).to_dict() if account
                    else led.run_liquidations(_signer(o)))
    _out(as_json, out)
