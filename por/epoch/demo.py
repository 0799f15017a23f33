"""``por demo``: a working directory with a synthetic platform, one epoch per run, every party's check.

The first run creates ``DIR`` (a SQLite ledger, members and keys, N synthetic clients with cash and
margin accounts in USD, AAPL and MSFT, trading and withdrawal activity, oracle and custodian keys),
then runs an epoch. A later run adds a little activity and runs the next epoch, so the auditor also
checks the ledger log's consistency proof between the two.
"""

from __future__ import annotations

import json
import os
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from por.epoch.workspace import CONFIG_NAME, Workspace
from por.errors import UsageError

ORACLES = ("oracle-1", "oracle-2", "oracle-3")


@dataclass
class DemoSetup:
    workspace: Workspace
    created: bool
    clients: int


def _save_key(key: Any, path: Path) -> str:
    from por.ledger import keys

    if not path.exists():
        keys.save(key, path)
        keys.save_public(key, path.with_suffix(".pub"))
    return str(path.relative_to(path.parent.parent))


def setup(directory: Path, clients: int, seed: int, *, cash_only: bool = False, db: str | None = None,
          schema: str | None = None) -> DemoSetup:
    """Create the demo workspace (first run) or add activity to it (later runs).

    ``cash_only``: USD cash accounts only (one liability column), for the single-column benchmark.
    ``db`` / ``schema``: the ledger's database (default: ``ledger.db`` in the directory), e.g. a
    PostgreSQL URL and a schema of its own; the ledger there must be empty on the first run.
    """
    directory = directory.resolve()
    if (directory / CONFIG_NAME).exists():
        ws = Workspace.load(directory)
        if (db and db != ws.db_url) or (schema and schema != ws.config.get("schema")):
            raise UsageError(f"{directory} already runs on {ws.db_url}"
                             f"{' (schema ' + str(ws.config['schema']) + ')' if ws.config.get('schema') else ''}; "
                             f"--db and --schema choose the database of a new demo directory only")
        _more_activity(ws, seed)
        return DemoSetup(ws, False, int(ws.config.get("demo", {}).get("clients", clients)))
    if directory.exists() and any(directory.iterdir()):
        raise UsageError(f"{directory} exists and is not a por demo directory; choose another --dir")
    directory.mkdir(parents=True, exist_ok=True)
    from por.ledger import Ledger, Signer, keys
    from por.ledger.synthetic import populate
    from por.reserves.keyring import BLSKeyFile
    from por.reserves.ledger_adapter import register_bls_key, set_reserves_config
    from por.reserves.oracle import OraclePolicy
    from por.reserves.policy import ReservePolicy, ReservesConfig

    url = db or f"sqlite:///{directory / 'ledger.db'}"
    with Ledger.open(url, schema=schema) as led:
        if led.head()["seq"]:
            raise UsageError(f"the database {url}{f' (schema {schema})' if schema else ''} already holds a ledger; "
                             f"a new demo needs an empty one (another --schema, say)")
    kdir = directory / "keys"
    kdir.mkdir(mode=0o700)
    with Ledger.open(url, schema=schema) as led:
        syn = populate(led, clients, seed, cash_only=cash_only)
        govs = syn.governors
        # two more oracles, so prices are a real quorum median
        extra = {o: Signer(o, keys.from_seed(f"demo{seed}/{o}")) for o in ORACLES[1:]}
        for o, s in extra.items():
            led.add_member(govs, o, ["oracle"], s.public_hex)
        oracles = {"oracle-1": syn.oracle, **extra}
        # BLS keys: each custodian signs its statements, the auditor co-signs them (quorum 2)
        bls_files: dict[str, Path] = {}
        for member in (*syn.custodians, syn.auditor.member_id):
            kf = BLSKeyFile.generate(member, ikm=random.Random(f"{seed}/{member}").randbytes(32))
            path = kdir / f"{member}.bls.json"
            kf.dump(path)
            signers = govs
            register_bls_key(led, signers, member, kf.public_key, kf.pop)
            bls_files[member] = path
        decimals = {a: info.decimals for a, info in led.assets().items()}
        custodian_of = {a: info.custodian for a, info in led.assets().items()}
        reserve = {a: ReservePolicy(a, frozenset({custodian_of[a]}), frozenset({custodian_of[a], syn.auditor.member_id}), 2)
                   for a in decimals}
        price = {a: OraclePolicy(a, frozenset(ORACLES), 2, 3600, 200, 60) for a in decimals if a != "USD"}
        # collateral counted at 95% (a 5% haircut, below the lowest maintenance margin of the book's
        # tiers, 6%): every account above maintenance, and one a 5% price print pushed just below it,
        # still covers its debt in the epoch's collateral proofs; governed, like every haircut
        haircuts = {a: 9500 for a in decimals if a != "USD"}
        set_reserves_config(led, govs, ReservesConfig("USD", 2, decimals, reserve, price, haircuts))
    cfg: dict[str, Any] = {
        "db": url,
        **({"schema": schema} if schema else {}),
        "keys": {
            "operator": {"path": _save_key(syn.operator.key, kdir / "operator.key"), "member": "operator",
                         "governor": True, "public": syn.operator.public_hex},
            "auditor": {"path": _save_key(syn.auditor.key, kdir / "auditor.key"), "member": "auditor",
                        "governor": True, "public": syn.auditor.public_hex},
        },
        "epoch": {"disclosure": "auditor"},
        "simulate": {
            "custodians": {m: str(p.relative_to(directory)) for m, p in bls_files.items()},
            "oracles": {o: _save_key(s.key, kdir / f"{o}.key") for o, s in oracles.items()},
        },
        "demo": {"clients": clients, "seed": seed, "runs": 1},
    }
    (directory / CONFIG_NAME).write_text(json.dumps(cfg, indent=2, sort_keys=True) + "\n")
    os.chmod(directory / CONFIG_NAME, 0o600)
    return DemoSetup(Workspace.load(directory), True, clients)


def _more_activity(ws: Workspace, seed: int) -> None:
    """A few deposits between epochs, so the second epoch's ledger log has grown."""
    led = ws.ledger()
    try:
        operator = ws.signer("operator")
        run = int(ws.config.get("demo", {}).get("runs", 1)) + 1
        rng = random.Random(f"{seed}/{run}")
        cash = [a["id"] for a in led.accounts("cash")]
        for account in rng.sample(cash, min(20, len(cash))):
            led.deposit(operator, account, "USD", rng.randint(1_000, 100_000), idem=f"demo-{run}-{account}")
        ws.config.setdefault("demo", {})["runs"] = run
        ws.save()
    finally:
        led.close()
