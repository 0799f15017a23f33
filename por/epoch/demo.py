"""``por demo``: a working directory with a synthetic platform, one epoch per run, every party's check.

The first run creates ``DIR`` (a SQLite ledger, members and keys, N synthetic clients with cash and
margin accounts in USD, AAPL and MSFT, trading and withdrawal activity, oracle and custodian keys),
then runs an epoch. A later run adds a little activity and runs the next epoch, so the auditor also
checks the ledger log's consistency proof between the two.

The demo plays the oracles and the custodians itself (:class:`DemoParties`, injected into the
pipeline as its ``simulators``); an operator's pipeline has none and waits for the real parties.

Reproducible runs (``setup(..., reproducible=True)``, :func:`run_demo`, the hidden ``por demo
--reproducible``): the ledger's clock, the manifest's time and the epoch's master secret and nonce
come from :func:`demo_sources` (a clock from :data:`REPRODUCIBLE_START` and a byte stream from the
seed) instead of the real clock and the OS, so the same seed and size give the same bundle bytes
(``tests/epoch/test_pinned_demo.py`` pins them). The choice is the directory's, made on its first run.
"""

from __future__ import annotations

import json
import os
import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from por.epoch.pipeline import Pipeline, Progress, SealCheck
from por.epoch.sources import SYSTEM, SeededEntropy, Sources, SteppingClock
from por.epoch.workspace import CONFIG_NAME, Workspace
from por.errors import PorError, UsageError
from por.reserves import attestation as A
from por.reserves.keyring import BLSKeyFile
from por.reserves.ledger_adapter import (
    ledger_price_observations,
    register_bls_key,
    reserves_config,
    set_reserves_config,
)
from por.reserves.oracle import OraclePolicy, PriceReport, sign_report
from por.reserves.policy import ReservePolicy, ReservesConfig
from por.units import format_time

ORACLES = ("oracle-1", "oracle-2", "oracle-3")
#: a reproducible demo's clock at its first run (each later run starts a day on): after the synthetic
#: ledger's own entry times (2024-01-01 through its price history and settlements)
REPRODUCIBLE_START = datetime(2025, 1, 1, tzinfo=UTC)


@dataclass
class DemoSetup:
    workspace: Workspace
    created: bool
    clients: int
    parties: DemoParties | None = None  # the oracles and custodians the demo plays (the pipeline's simulators)
    sources: Sources = SYSTEM  # the real clock and OS randomness unless the directory is reproducible


def demo_sources(seed: int, run: int, reproducible: bool) -> Sources:
    """The clock and entropy of the demo's ``run``-th epoch: the real ones (:data:`SYSTEM`), or, for a
    reproducible directory, a clock stepping from ``REPRODUCIBLE_START + (run - 1)`` days and bytes
    from ``seed`` and ``run`` (the same every time: never for a real platform)."""
    if not reproducible:
        return SYSTEM
    return Sources(SteppingClock(REPRODUCIBLE_START + timedelta(days=run - 1)),
                   SeededEntropy(f"por-demo/{seed}/{run}".encode()))


def _save_key(key: Any, path: Path) -> str:
    from por.ledger import keys

    if not path.exists():
        keys.save(key, path)
        keys.save_public(key, path.with_suffix(".pub"))
    return str(path.relative_to(path.parent.parent))


def setup(directory: Path, clients: int, seed: int, *, cash_only: bool = False, db: str | None = None,
          schema: str | None = None, reproducible: bool = False) -> DemoSetup:
    """Create the demo workspace (first run) or add activity to it (later runs).

    ``cash_only``: USD cash accounts only (one liability column), for the single-column benchmark.
    ``db`` / ``schema``: the ledger's database (default: ``ledger.db`` in the directory), e.g. a
    PostgreSQL URL and a schema of its own; the ledger there must be empty on the first run.
    ``reproducible``: a fixed clock and seeded randomness (:func:`demo_sources`) for this directory's
    runs; chosen on the first run (a later run of a reproducible directory stays reproducible).
    """
    directory = directory.resolve()
    if (directory / CONFIG_NAME).exists():
        ws = Workspace.load(directory)
        if (db and db != ws.db_url) or (schema and schema != ws.config.get("schema")):
            raise UsageError(f"{directory} already runs on {ws.db_url}"
                             f"{' (schema ' + str(ws.config['schema']) + ')' if ws.config.get('schema') else ''}; "
                             f"--db and --schema choose the database of a new demo directory only")
        demo_cfg = ws.config.get("demo", {})
        if reproducible and not demo_cfg.get("reproducible"):
            raise UsageError(f"{directory} was created without --reproducible: its ledger runs on the real "
                             f"clock; a reproducible demo needs a new directory")
        sources = demo_sources(seed, int(demo_cfg.get("runs", 1)) + 1, bool(demo_cfg.get("reproducible")))
        _more_activity(ws, seed, sources)
        return DemoSetup(ws, False, int(demo_cfg.get("clients", clients)), simulators(ws), sources)
    sources = demo_sources(seed, 1, reproducible)
    if directory.exists() and any(directory.iterdir()):
        raise UsageError(f"{directory} exists and is not a por demo directory; choose another --dir")
    directory.mkdir(parents=True, exist_ok=True)
    from por.ledger import Ledger, Signer, keys
    from por.ledger.synthetic import populate
    url = db or f"sqlite:///{directory / 'ledger.db'}"
    with Ledger.open(url, schema=schema) as led:
        if led.head()["seq"]:
            raise UsageError(f"the database {url}{f' (schema {schema})' if schema else ''} already holds a ledger; "
                             f"a new demo needs an empty one (another --schema, say)")
    kdir = directory / "keys"
    kdir.mkdir(mode=0o700)
    with Ledger.open(url, schema=schema) as led:
        led.set_clock(sources.ledger_clock())  # None (the real clock) unless reproducible
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
        "demo": {"clients": clients, "seed": seed, "runs": 1, **({"reproducible": True} if reproducible else {})},
    }
    (directory / CONFIG_NAME).write_text(json.dumps(cfg, indent=2, sort_keys=True) + "\n")
    os.chmod(directory / CONFIG_NAME, 0o600)
    ws = Workspace.load(directory)
    return DemoSetup(ws, True, clients, simulators(ws), sources)


def run_epoch(s: DemoSetup, *, seal_check: SealCheck, executor: Any = None,
              progress: Progress | None = None) -> Pipeline:
    """Run the demo's next epoch to publication, its parties simulated, on the setup's sources;
    ``seal_check`` is the auditor's verifier (por.verify.verify_bundle), given by the caller above."""
    pipe = Pipeline(s.workspace, executor=executor, progress=progress, simulators=s.parties, sources=s.sources,
                    seal_check=seal_check)
    pipe.run()
    return pipe


def run_demo(directory: Path, clients: int, seed: int, *, seal_check: SealCheck, reproducible: bool = False,
             executor: Any = None, progress: Progress | None = None, db: str | None = None,
             schema: str | None = None) -> tuple[DemoSetup, Pipeline]:
    """:func:`setup` then :func:`run_epoch`: the demo's epoch without the parties' checks and reports
    (``por demo`` adds those). ``reproducible=True``: the same arguments give the same bundle bytes."""
    s = setup(directory, clients, seed, db=db, schema=schema, reproducible=reproducible)
    return s, run_epoch(s, seal_check=seal_check, executor=executor, progress=progress)


def _more_activity(ws: Workspace, seed: int, sources: Sources) -> None:
    """A few deposits between epochs, so the second epoch's ledger log has grown."""
    led = ws.ledger(clock=sources.ledger_clock())
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


class DemoParties:
    """The oracles and custodians a demo directory plays itself (``por.json`` → ``simulate``), injected
    into the pipeline as its ``simulators`` (:class:`por.epoch.pipeline.Simulators`): honest parties
    whose keys the demo holds, signing what the real ones would deliver (docs/protocol.md §8.3, §8.5).

    ``oracles``: member → Ed25519 key file; ``custodians``: member → BLS key file (custodians and the
    auditor, their co-signer)."""

    def __init__(self, oracles: dict[str, Path], custodians: dict[str, Path]) -> None:
        self.oracles = dict(oracles)
        self.custodians = dict(custodians)

    def post_prices(self, ledger: Any) -> None:
        """Each oracle posts a ``price`` entry in the ledger at the ledger's current price (oracles a
        basis point apart; the median one last), so that every epoch has fresh prices."""
        if not self.oracles:
            return
        from por.ledger import Signer, keys
        cfg = reserves_config(ledger)
        assets = sorted(a for a in cfg.price if a in ledger.assets())
        members = sorted(self.oracles)
        spread = {m: i - (len(members) - 1) // 2 for i, m in enumerate(members)}  # the lower median gets 0
        for asset in assets:
            try:
                base = ledger.current_price(asset)
            except PorError:
                continue
            for m in sorted(members, key=lambda m: (spread[m] == 0, m)):
                ledger.post_price(Signer(m, keys.load(self.oracles[m])), asset, base + spread[m] * base // 10_000)

    def sign_price_reports(self, ledger: Any, epoch_id: str, cutoff: str, of_record: dict[str, dict[str, Any]],
                           seq: int, inbox: Path) -> None:
        """Each oracle signs, bound to the epoch and cut-off, the price its own ``price`` entry used for
        the price of record says (what an honest oracle repeats)."""
        if not self.oracles:
            return
        from por.ledger import keys
        inbox.mkdir(parents=True, exist_ok=True)
        obs = ledger_price_observations(ledger, seq)
        for asset, rec in sorted(of_record.items()):
            for o in obs.get(asset, []):
                if o.source not in rec["entries"] or o.oracle_id not in self.oracles:
                    continue
                report = PriceReport(o.oracle_id, asset, o.price_e8, format_time(o.at), epoch_id, cutoff)
                sr = sign_report(report, ed25519_key=keys.load(self.oracles[o.oracle_id]))
                out = inbox / f"{epoch_id}-{o.oracle_id}-{asset}.json"
                out.write_text(json.dumps(sr.to_dict(), indent=2, sort_keys=True))

    def sign_attestations(self, reserves_config: Any, requests: Path, inbox: Path) -> None:
        """The custodian (and co-signer) BLS keys sign the requests they cover, aggregated into ``inbox``."""
        if not self.custodians:
            return
        keyfiles = {m: BLSKeyFile.load(p) for m, p in self.custodians.items()}
        for req in sorted(requests.glob("*.json")):
            att = A.Attestation.load(req)
            pol = reserves_config.reserve.get(att.statement.asset)
            signers = [att.statement.custodian_id] + sorted(
                m for m in (pol.all_signers if pol else ()) if m != att.statement.custodian_id)
            for m in signers:
                if m in keyfiles and m not in att.signer_ids:
                    att = A.sign(att, m, keyfiles[m].secret_key)
            A.aggregate(att).dump(inbox / req.name)


def simulators(ws: Workspace) -> DemoParties | None:
    """The parties ``ws`` plays itself (a ``por demo`` directory), or None (an operator's workspace,
    whose oracles and custodians are real)."""
    oracles, custodians = ws.simulated("oracles"), ws.simulated("custodians")
    return DemoParties(oracles, custodians) if oracles or custodians else None


def demo_pipeline(ws: Workspace, **kwargs: Any) -> Pipeline:
    """A :class:`~por.epoch.pipeline.Pipeline` over ``ws`` with the parties it plays injected (none in
    an operator's workspace): what ``por epoch run`` builds; ``kwargs`` go to the pipeline."""
    return Pipeline(ws, simulators=simulators(ws), **kwargs)
