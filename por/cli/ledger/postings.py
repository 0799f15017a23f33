"""``por ledger`` entries: posts (deposit, transfer, a pre-signed file), assets, accounts, oracle prices,
governed settings, and balances (docs/protocol.md §10.4, §10.5)."""

from __future__ import annotations

from pathlib import Path

import click

from por.canonical import read_json_file
from por.cli.ledger._common import _amount, _governors, _ledger, _obj, _out, _sign_opt, _signer, common
from por.errors import UsageError


@click.command("post")
@click.option("--kind", type=click.Choice(["deposit", "transfer"]), default="deposit", show_default=True)
@click.option("--account", help="Account credited (deposit) or debited (transfer).")
@click.option("--to", "to_account", help="Account credited by a transfer.")
@click.option("--asset")
@click.option("--amount", help="Decimal amount in the asset's units, e.g. 12.34.")
@click.option("--idem", help="Idempotency key: a retry with the same key never posts twice.")
@click.option("--file", "file", type=click.Path(exists=True, dir_okay=False),
              help="A pre-signed entry {body, seq, prev, sigs} to append as is (signed for the next place "
                   "that `por ledger head` shows).")
@common
def ledger_post(kind: str, account: str | None, to_account: str | None, asset: str | None, amount: str | None,
                idem: str | None, file: str | None, as_json: bool) -> None:
    """Post a deposit or transfer (signed by the operator), or append a pre-signed entry file."""
    from por.canonical import loads
    from por.ledger import Entry

    o = _obj()
    with _ledger(o) as led:
        if file:
            r = led.append(Entry.from_dict(loads(Path(file).read_bytes())))
        else:
            if not (account and asset and amount):
                raise UsageError("--account, --asset and --amount are required (or --file)")
            minor = _amount(led, asset, amount)
            if kind == "deposit":
                r = led.deposit(_signer(o), account, asset, minor, idem=idem)
            else:
                if not to_account:
                    raise UsageError("a transfer needs --to")
                r = led.transfer(_signer(o), account, to_account, asset, minor, idem=idem)
    _out(as_json, r.to_dict(), f"OK: entry {r.seq} {'(already posted)' if r.replayed else ''}".rstrip())


@click.command("asset-add")
@click.argument("code")
@click.option("--decimals", type=int, required=True)
@click.option("--custodian", required=True)
@click.option("--kind", type=click.Choice(["cash", "security", "crypto"]), default="security")
@common
def ledger_asset_add(code: str, decimals: int, custodian: str, kind: str, as_json: bool) -> None:
    o = _obj()
    with _ledger(o) as led:
        r = led.add_asset(_signer(o), code, decimals, custodian, kind=kind)
    _out(as_json, r.to_dict(), f"OK: asset {code} added (entry {r.seq})")


@click.command("account-open")
@click.argument("account_id")
@click.option("--kind", type=click.Choice(["cash", "house", "insurance", "reserve", "street"]), default="cash")
@click.option("--owner")
@common
def ledger_account_open(account_id: str, kind: str, owner: str | None, as_json: bool) -> None:
    o = _obj()
    with _ledger(o) as led:
        r = led.open_account(_signer(o), account_id, kind, owner)
    _out(as_json, r.to_dict(), f"OK: account {account_id} opened (entry {r.seq})")


@click.command("price")
@click.argument("asset")
@click.argument("price")
@common
def ledger_price(asset: str, price: str, as_json: bool) -> None:
    """Post a signed oracle price (decimal, in the quote asset per unit; signed --as an oracle)."""
    from por.ledger.canonical import parse_amount

    o = _obj()
    with _ledger(o) as led:
        r = led.post_price(_signer(o, role_default="oracle"), asset, parse_amount(price, 8))
    _out(as_json, r.to_dict(), f"OK: price of {asset} posted (entry {r.seq})")


@click.command("balance")
@click.argument("account", required=False)
@common
def ledger_balance(account: str | None, as_json: bool) -> None:
    """Balances of ACCOUNT per asset and book, or per asset and account kind for the whole ledger."""
    from por.ledger.canonical import format_amount

    o = _obj()
    with _ledger(o) as led:
        bal = led.balance(account) if account else led.totals()
        dec = {a: i.decimals for a, i in led.assets().items()}
    lines = [f"{a:<8} {k:<10} {format_amount(v, dec.get(a, 0)):>24}" for a, d in sorted(bal.items())
             for k, v in sorted(d.items())]
    _out(as_json, {"account": account, "balances": bal}, "\n".join(lines) or "(no balances)")


@click.command("config-set")
@click.argument("setting", metavar="KEY", type=click.Choice(["quote_asset", "breaker", "withdraw", "governor_quorum",
                                                             "reserves", "risk_margins", "clock"]))
@click.argument("value_file", type=click.Path(dir_okay=False, exists=True))
@_sign_opt
@common
def config_set(setting: str, value_file: str, sign: tuple[str, ...], as_json: bool) -> None:
    """Set a governed setting from a JSON file (a quorum of governors signs), e.g. the reserve
    policies and oracle settings: ``por ledger config-set reserves reserves.json``."""
    o = _obj()
    value = read_json_file(value_file, f"the {setting} setting")
    if setting == "reserves":  # validate before it is signed into the journal
        from por.reserves.policy import ReservesConfig

        ReservesConfig.from_dict(value)
    if setting == "risk_margins":  # a proposal of `por risk margins --out`: validated, then signed by a quorum
        from por.risk.margins import check_config

        check_config(value)
    with _ledger(o) as led:
        r = led.set_config(_governors(o, sign), setting, value)
    _out(as_json, r.to_dict(), f"OK: {setting} set (entry {r.seq})")
