"""What every ledger-persona command shares: ``por.json`` and key files, the database, the common
options (``--db``, ``--schema``, ``--config``, ``--as``, ``--key``, ``--json``), exact amounts and output."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import click

from por.cli._output import print_json
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
    from por.ledger.db import DriverError, error_line

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
    except DriverError as exc:
        raise UsageError(f"cannot open database {url}: {error_line(exc)}") from exc
    try:
        yield led
    except DriverError as exc:
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


_sign_opt = click.option("--sign", "sign", multiple=True, help="MEMBER=KEYFILE of a governor (repeat).")
