"""``por init``: a config, a ledger database and its genesis (docs/protocol.md §10.4, genesis)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import click

from por.cli.ledger._common import CONFIG_NAME, _ledger, _out
from por.errors import UsageError


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
