"""Ledger personas: ``por init``, ``por member``, ``por ledger``, ``por margin``, ``por withdraw``.

Every command takes ``--db URL`` (default: the ``db`` of ``por.json`` in the working directory, or of
``$POR_CONFIG``) and signs with the key files named in that config (``--as MEMBER --key FILE`` picks
another signer). Amounts on the command line are decimal strings in the asset's units ("12.34");
they are converted exactly to minor units, and anything a float would blur is refused.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import click
from sqlalchemy.exc import DBAPIError, OperationalError

from por.canonical import read_json_file
from por.cli._output import print_json, print_result
from por.errors import PorError, UsageError

F = TypeVar("F", bound=Callable[..., Any])
CONFIG_NAME = "por.json"


# ---------------------------------------------------------------- config, keys, database


def _config_path(explicit: str | None = None) -> Path:
    return Path(explicit or os.environ.get("POR_CONFIG") or CONFIG_NAME)


def _load_config(explicit: str | None = None) -> dict[str, Any]:
    p = _config_path(explicit)
    if not p.exists():
        return {}
    try:
        cfg = json.loads(p.read_text())
    except (OSError, ValueError) as exc:
        raise UsageError(f"cannot read config {p}: {exc}") from exc
    if not isinstance(cfg, dict):
        raise UsageError(f"config {p} is not a JSON object")
    cfg["_dir"] = str(p.resolve().parent)
    return cfg


def _passphrase(cfg: dict[str, Any]) -> str | None:
    var = cfg.get("passphrase_env")
    return os.environ.get(var) if var else None


def _signer(ctx_obj: dict[str, Any], member: str | None = None, role_default: str = "operator") -> Any:
    from por.ledger import Signer, keys

    cfg = ctx_obj["config"]
    if ctx_obj.get("key"):
        if not ctx_obj.get("as"):
            raise UsageError("--key needs --as MEMBER (the member id the key belongs to)")
        return Signer(ctx_obj["as"], keys.load(ctx_obj["key"], os.environ.get(ctx_obj.get("pass_env") or "") or None))
    name = member or ctx_obj.get("as") or role_default
    k = cfg.get("keys", {}).get(name)
    if k is None:
        raise UsageError(f"no key for {name!r}: give --as MEMBER --key FILE, or run `por init`")
    path = Path(k["path"])
    if not path.is_absolute():
        path = Path(cfg["_dir"]) / path
    return Signer(k.get("member", name), keys.load(path, _passphrase(cfg)))


def _governors(ctx_obj: dict[str, Any], extra: tuple[str, ...]) -> list[Any]:
    from por.ledger import Signer, keys

    cfg = ctx_obj["config"]
    out = []
    for spec in extra:
        if "=" not in spec:
            raise UsageError(f"--sign takes MEMBER=KEYFILE, got {spec!r}")
        mid, path = spec.split("=", 1)
        out.append(Signer(mid, keys.load(path, _passphrase(cfg))))
    if not out:
        for name, k in cfg.get("keys", {}).items():
            if k.get("governor"):
                out.append(_signer({"config": cfg}, name))
    if not out:
        raise UsageError("membership changes need governor signatures: --sign MEMBER=KEYFILE (repeat)")
    return out


@contextmanager
def _ledger(ctx_obj: dict[str, Any], *, create: bool = False) -> Iterator[Any]:
    """The ledger of ``--db`` or por.json; only ``por init`` creates one (a mistyped SQLite path is an
    error, not a new empty database)."""
    from por.ledger import Ledger
    from por.ledger.db import error_line

    url = ctx_obj.get("db") or ctx_obj["config"].get("db")
    if not url:
        raise UsageError("no database: pass --db URL or run in a directory made by `por init`")
    try:
        led = Ledger.open(url, schema=ctx_obj.get("schema"), create=create)
        try:
            led.engine.connect().close()  # an unreachable server is unusable input, before any work
        except BaseException:
            led.close()
            raise
    except (OperationalError, DBAPIError) as exc:
        raise UsageError(f"cannot open database {url}: {error_line(exc)}") from exc
    try:
        yield led
    except (OperationalError, DBAPIError) as exc:
        raise PorError(f"database error: {exc.orig}") from exc
    finally:
        led.close()


def common(f: F) -> F:
    """--db, --config, --as, --key, --json on every leaf command (stored in ctx.obj)."""
    def cb(name: str) -> Callable[[click.Context, click.Parameter, Any], Any]:
        def inner(ctx: click.Context, _p: click.Parameter, value: Any) -> Any:
            ctx.ensure_object(dict)
            if value is not None:
                ctx.obj[name] = value
            return value
        return inner
    for opt in reversed([
        click.option("--db", expose_value=False, callback=cb("db"), help="Database URL (sqlite:///F or postgresql+psycopg://...)."),
        click.option("--schema", expose_value=False, callback=cb("schema"), help="PostgreSQL schema (search_path)."),
        click.option("--config", "config_path", expose_value=False, callback=cb("config_path"), help="Path of por.json."),
        click.option("--as", "as_", expose_value=False, callback=cb("as"), help="Member id to sign as."),
        click.option("--key", expose_value=False, callback=cb("key"), type=click.Path(dir_okay=False),
                     help="Private key file of --as."),
        click.option("--json", "as_json", is_flag=True, help="Print JSON."),
    ]):
        f = opt(f)
    return f


def _obj() -> dict[str, Any]:
    ctx = click.get_current_context()
    ctx.ensure_object(dict)
    o: dict[str, Any] = ctx.obj
    o["config"] = _load_config(o.get("config_path"))
    return o


def _amount(led: Any, asset: str, text: str) -> int:
    from por.ledger.canonical import parse_amount

    a = led.assets().get(asset)
    if a is None:
        raise PorError(f"unknown asset {asset!r}")
    if not isinstance(text, str):
        raise UsageError("amount must be given as a decimal string")
    if "e" in text.lower():
        raise PorError(f"amount {text!r}: exponents are not accepted")
    return parse_amount(text, a.decimals)


def _out(as_json: bool, obj: Any, human: str | None = None) -> None:
    if as_json:
        print_json(obj)
    else:
        click.echo(human if human is not None else json.dumps(obj, indent=2, sort_keys=True, default=str))


# ---------------------------------------------------------------- por init


@click.command()
@click.option("--dir", "directory", required=True, type=click.Path(file_okay=False), help="Directory to create.")
@click.option("--operator-key", type=click.Path(exists=True, dir_okay=False), help="Existing operator key file.")
@click.option("--auditor-key", type=click.Path(exists=True, dir_okay=False), help="Existing auditor key file.")
@click.option("--db", help="Database URL (default: sqlite:///DIR/ledger.db).")
@click.option("--schema", help="PostgreSQL schema.")
@click.option("--passphrase-env", help="Environment variable holding the key passphrase (keys are encrypted).")
@click.option("--quorum", type=int, default=2, show_default=True, help="Governor quorum for membership changes.")
@click.option("--json", "as_json", is_flag=True)
def init(directory: str, operator_key: str | None, auditor_key: str | None, db: str | None, schema: str | None,
         passphrase_env: str | None, quorum: int, as_json: bool) -> None:
    """Create a config, a ledger database and its genesis (operator and auditor are the governors)."""
    from por.ledger import Signer, keys

    d = Path(directory).resolve()
    cfg_path = d / CONFIG_NAME
    if cfg_path.exists():
        raise UsageError(f"{cfg_path} already exists")
    pw = os.environ.get(passphrase_env) if passphrase_env else None
    if passphrase_env and not pw:
        raise UsageError(f"environment variable {passphrase_env} is empty")
    from por.ledger.db import make_engine

    url = db or f"sqlite:///{d / 'ledger.db'}"
    make_engine(url, schema).dispose()  # a malformed URL or schema is refused before any key is written
    d.mkdir(parents=True, exist_ok=True)
    kdir = d / "keys"
    cfg_keys: dict[str, Any] = {}
    signers = {}
    for name, given in (("operator", operator_key), ("auditor", auditor_key)):
        if given:
            key = keys.load(given, pw)
            path = Path(given).resolve()
        else:
            key = keys.generate()
            path = keys.save(key, kdir / f"{name}.key", pw)
            keys.save_public(key, kdir / f"{name}.pub")
        signers[name] = Signer(name, key)
        cfg_keys[name] = {"path": str(path), "member": name, "governor": True, "public": keys.public_key_hex(key)}
    obj = {"config": {"db": url}, "db": url, "schema": schema}
    with _ledger(obj, create=True) as led:
        r = led.genesis(signers["operator"], signers["auditor"], quorum=quorum)
    cfg = {"db": url, "keys": cfg_keys}
    if schema:
        cfg["schema"] = schema
    if passphrase_env:
        cfg["passphrase_env"] = passphrase_env
    cfg_path.write_text(json.dumps(cfg, indent=2) + "\n")
    out = {"config": str(cfg_path), "db": url, "genesis": r.to_dict(),
           "members": {n: k["public"] for n, k in cfg_keys.items()}}
    _out(as_json, out, f"OK: ledger initialised in {d} (genesis entry {r.seq}, db {url})")


# ---------------------------------------------------------------- por member


@click.group()
def member() -> None:
    """Members, roles and keys (changes need a quorum of governor signatures)."""


@member.command("list")
@common
def member_list(as_json: bool) -> None:
    o = _obj()
    with _ledger(o) as led:
        ms = led.members()
    _out(as_json, ms, "\n".join(f"{m['id']:<20} {m['status']:<8} {','.join(m['roles']):<30} {m['ed25519']}" for m in ms))


@member.command("keygen")
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--passphrase-env", help="Environment variable holding a passphrase to encrypt the key.")
@click.option("--json", "as_json", is_flag=True)
def member_keygen(path: str, passphrase_env: str | None, as_json: bool) -> None:
    """Generate an Ed25519 key file (0600) and print its public key."""
    from por.ledger import keys

    k = keys.generate()
    keys.save(k, path, os.environ.get(passphrase_env) if passphrase_env else None)
    _out(as_json, {"path": path, "public_key": keys.public_key_hex(k)}, keys.public_key_hex(k))


_sign_opt = click.option("--sign", "sign", multiple=True, help="MEMBER=KEYFILE of a governor (repeat).")


@member.command("add")
@click.argument("member_id")
@click.option("--role", "roles", multiple=True, required=True)
@click.option("--public-key", required=True, help="Ed25519 public key hex.")
@_sign_opt
@common
def member_add(member_id: str, roles: tuple[str, ...], public_key: str, sign: tuple[str, ...], as_json: bool) -> None:
    o = _obj()
    with _ledger(o) as led:
        r = led.add_member(_governors(o, sign), member_id, list(roles), public_key)
    _out(as_json, r.to_dict(), f"OK: member {member_id} added (entry {r.seq})")


@member.command("revoke")
@click.argument("member_id")
@_sign_opt
@common
def member_revoke(member_id: str, sign: tuple[str, ...], as_json: bool) -> None:
    o = _obj()
    with _ledger(o) as led:
        r = led.revoke_member(_governors(o, sign), member_id)
    _out(as_json, r.to_dict(), f"OK: member {member_id} revoked (entry {r.seq})")


@member.command("roles")
@click.argument("member_id")
@click.option("--role", "roles", multiple=True, required=True)
@_sign_opt
@common
def member_roles(member_id: str, roles: tuple[str, ...], sign: tuple[str, ...], as_json: bool) -> None:
    o = _obj()
    with _ledger(o) as led:
        r = led.set_roles(_governors(o, sign), member_id, list(roles))
    _out(as_json, r.to_dict(), f"OK: roles of {member_id} set (entry {r.seq})")


@member.command("rotate")
@click.argument("member_id")
@click.option("--public-key", required=True, help="The new Ed25519 public key hex.")
@_sign_opt
@common
def member_rotate(member_id: str, public_key: str, sign: tuple[str, ...], as_json: bool) -> None:
    """Rotate a key: signed by the member's current key (--as/--key) or by governors (--sign)."""
    o = _obj()
    with _ledger(o) as led:
        signers = [_signer(o)] if o.get("key") and not sign else _governors(o, sign)
        r = led.rotate_key(signers, member_id, public_key)
    _out(as_json, r.to_dict(), f"OK: key of {member_id} rotated (entry {r.seq})")


@member.command("set-bls")
@click.argument("member_id")
@click.option("--bls-public-key", required=True)
@click.option("--pop", required=True, help="BLS proof of possession hex.")
@_sign_opt
@common
def member_set_bls(member_id: str, bls_public_key: str, pop: str, sign: tuple[str, ...], as_json: bool) -> None:
    o = _obj()
    with _ledger(o) as led:
        signers = [_signer(o)] if o.get("key") and not sign else _governors(o, sign)
        r = led.set_bls_key(signers, member_id, bls_public_key, pop)
    _out(as_json, r.to_dict(), f"OK: BLS key of {member_id} recorded (entry {r.seq})")


# ---------------------------------------------------------------- por ledger


@click.group()
def ledger() -> None:
    """Post entries, read balances, verify the journal and prove the transparency log."""


@ledger.command("post")
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


@ledger.command("asset-add")
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


@ledger.command("account-open")
@click.argument("account_id")
@click.option("--kind", type=click.Choice(["cash", "house", "insurance", "reserve", "street"]), default="cash")
@click.option("--owner")
@common
def ledger_account_open(account_id: str, kind: str, owner: str | None, as_json: bool) -> None:
    o = _obj()
    with _ledger(o) as led:
        r = led.open_account(_signer(o), account_id, kind, owner)
    _out(as_json, r.to_dict(), f"OK: account {account_id} opened (entry {r.seq})")


@ledger.command("price")
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


@ledger.command("balance")
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


@ledger.command("config-set")
@click.argument("key", type=click.Choice(["quote_asset", "breaker", "withdraw", "governor_quorum", "reserves",
                                          "risk_margins", "clock"]))
@click.argument("value_file", type=click.Path(dir_okay=False, exists=True))
@_sign_opt
@common
def config_set(key: str, value_file: str, sign: tuple[str, ...], as_json: bool) -> None:
    """Set a governed setting from a JSON file (a quorum of governors signs), e.g. the reserve
    policies and oracle settings: ``por ledger config-set reserves reserves.json``."""
    o = _obj()
    value = read_json_file(value_file, f"the {key} setting")
    if key == "reserves":  # validate before it is signed into the journal
        from por.reserves.policy import ReservesConfig

        ReservesConfig.from_dict(value)
    if key == "risk_margins":  # a proposal of `por risk margins --out`: validated, then signed by a quorum
        from por.risk.margins import check_config

        check_config(value)
    with _ledger(o) as led:
        r = led.set_config(_governors(o, sign), key, value)
    _out(as_json, r.to_dict(), f"OK: {key} set (entry {r.seq})")


@ledger.command("verify")
@click.option("--root", help="A published log root SIZE:HEX that the journal must extend.")
@common
def ledger_verify(root: str | None, as_json: bool) -> None:
    """Re-check every signature, the hash chain, postings, balances and the log root from scratch."""
    expected = None
    if root:
        try:
            size, hexroot = root.split(":", 1)
            expected = (int(size), hexroot.lower())
        except ValueError as exc:
            raise UsageError("--root takes SIZE:HEX") from exc
    from por.cli.epoch import progress_display

    o = _obj()
    with _ledger(o) as led, progress_display(stderr=True) as report:
        result = led.verify(expected, progress=report)
    sys.exit(print_result(result, as_json))


@ledger.command("migrate")
@_sign_opt
@common
def ledger_migrate(sign: tuple[str, ...], as_json: bool) -> None:
    """Move a format-1 journal to format 2 (entries sign their place; docs/protocol.md §10.3).

    Re-verifies the whole journal first; only if every check passes does a governor quorum sign the
    ``ledger.migrate`` entry restating the format-1 head. Exit 1 (nothing written) if it does not verify."""
    from por.errors import LedgerIntegrityError

    o = _obj()
    with _ledger(o) as led:
        try:
            r, result = led.migrate(_governors(o, sign))
        except LedgerIntegrityError as exc:
            click.echo(f"FAIL: ledger.migrate: {exc.diagnostics()}", err=True)
            sys.exit(1)
    _out(as_json, {"receipt": r.to_dict(), "verified": result.to_dict()},
         f"OK: journal re-verified ({len(result.checks)} checks) and migrated to format 2 at entry {r.seq}")


@ledger.command("head")
@common
def ledger_head(as_json: bool) -> None:
    """The last entry, the journal's format and the place the next pre-signed entry must be signed for."""
    o = _obj()
    with _ledger(o) as led:
        h = led.head()
        seq, prev = led.next_place()
        out = {"seq": h["seq"], "entry_hash": h["entry_hash"], "time": h["time"], "format": led.journal_format(),
               "next": {"seq": seq, "prev": prev}}
    _out(as_json, out, f"entry {h['seq']} ({h['entry_hash']}), format {out['format']}; sign the next entry for "
                       f"seq {seq}, prev {prev}")


@ledger.command("log-proof")
@click.option("--seq", type=int, help="Prove inclusion of this entry.")
@click.option("--old", "old_size", type=int, help="Prove consistency from this log size.")
@click.option("--size", type=int, help="Log size to prove against (default: current).")
@common
def ledger_log_proof(seq: int | None, old_size: int | None, size: int | None, as_json: bool) -> None:
    """Log root, and an inclusion (--seq) or consistency (--old) proof, as JSON."""
    o = _obj()
    with _ledger(o) as led:
        n, root = led.log_root(size)
        out: dict[str, Any] = {"size": n, "root": root}
        if seq is not None:
            out["inclusion"] = led.inclusion_proof(seq, n)
        if old_size is not None:
            out["consistency"] = led.consistency_proof(old_size, n)
    _out(True, out)


# ---------------------------------------------------------------- por margin


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


for _side in ("buy", "sell"):
    margin.command(_side)(common(click.option("--idem")(click.argument("qty")(click.argument("asset")(
        click.argument("account")(_trade(_side)))))))


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


# ---------------------------------------------------------------- por withdraw


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
