"""``por demo``: the main job end to end on the embedded default (SQLite, generated clients)."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.table import Table


@click.command()
@click.option("--dir", "directory", default="por-demo", show_default=True, type=click.Path(file_okay=False),
              help="Working directory (created on the first run; a later run adds an epoch).")
@click.option("--clients", default=1000, show_default=True, type=click.IntRange(1, 10_000_000))
@click.option("--seed", default=1, show_default=True, type=int)
@click.option("--db", help="The ledger's database URL on the first run (default: a SQLite file in --dir), "
                           "e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test.")
@click.option("--schema", help="With a PostgreSQL --db: a schema of the demo's own (created if missing).")
@click.option("--executor", help="local, local:N or dask://HOST:PORT.")
@click.option("--quiet", is_flag=True, help="No progress display.")
# hidden (the help text stays as it was): a new directory whose epochs take a fixed clock and randomness
# from --seed, so the same seed and size publish the same bytes (tests; never a real platform)
@click.option("--reproducible", is_flag=True, hidden=True)
def demo(directory: str, clients: int, seed: int, db: str | None, schema: str | None, executor: str | None,
         quiet: bool, reproducible: bool) -> None:
    """Create a synthetic platform, run an epoch, and run every party's check on what it published."""
    from por.cli.epoch import make_executor, progress_display
    from por.epoch.demo import run_epoch, setup
    from por.tree.secret_file import read_master_secret
    from por.verify import verify_bundle
    from por.verify.client import verify_inclusion

    con = Console(highlight=False)
    t0 = time.perf_counter()
    d = Path(directory)
    con.print(f"[bold]por demo[/] in {d.resolve()}")
    phases: dict[str, float] = {}
    mark = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal mark
        now = time.perf_counter()
        phases[name] = now - mark
        mark = now

    with _status(con, quiet, "ledger: writing the synthetic clients' activity (signed journal entries)…"):
        s = setup(d, clients, seed, db=db, schema=schema, reproducible=reproducible)
    lap("ledger")
    ws = s.workspace
    kind = "SQLite" if ws.db_url.startswith("sqlite") else "PostgreSQL"
    con.print(("created" if s.created else "reusing") + f" a {kind} ledger with {s.clients} synthetic clients "
              f"(cash and margin accounts in USD, AAPL, MSFT; trades on margin; withdrawals)")
    ex = make_executor(executor)
    with progress_display(not quiet) as report:
        pipe = run_epoch(s, executor=ex, progress=report, seal_check=verify_bundle)
    lap("epoch")
    eid = pipe.epoch_id
    bundle = ws.bundle_dir(eid)
    proofs = sorted(ws.client_proofs_dir(eid).glob("*.json"))
    op_pub = ws.root / "keys" / "operator.pub"

    # the client
    one = next((p for p in proofs[:50] if '"collateral":{' in p.read_text()), proofs[0])  # one with margin debt
    client = verify_inclusion(one, bundle=bundle, operator_key=str(op_pub))
    lap("client")
    # the auditor
    published = ws.published()
    previous = ws.bundle_dir(published[-2]) if len(published) > 1 else None
    openings = ws.private_dir(eid) / "auditor-openings.json"
    with _status(con, quiet, "auditor: verifying the whole bundle, with the ledger (completeness)…"):
        auditor = verify_bundle(bundle, operator_key=str(op_pub), previous=previous, ledger_url=ws.db_url,
                                ledger_schema=ws.config.get("schema"),
                                master_secret=read_master_secret(ws.private_dir(eid) / "master.secret"),
                                auditor_openings=openings if openings.exists() else None, executor=ex)
    lap("auditor")
    # the regulator
    with _status(con, quiet, "regulator: collecting and exporting the report (JSON, CSV, XLSX, PDF)…"):
        verified, written, risk_lines = _regulator_report(ws, eid, published, bundle, auditor)
    lap("regulator")
    reports = written[0].parent

    table = Table(title=f"epoch {eid}: who verified what")
    table.add_column("party")
    table.add_column("result")
    table.add_column("what")
    table.add_row("client", "OK" if client.ok else "FAIL",
                  f"{one.name}: {len(client.checks)} checks ({client.failures[0].message if not client.ok else 'balance included'})")
    table.add_row("auditor", "OK" if auditor.ok else "FAIL",
                  f"{len(auditor.checks)} checks: manifest signature and file hashes, statement hashes, every tree node "
                  f"and range proof, prices, attestations, solvency per asset, ledger log consistency"
                  + (f" with {previous.name}" if previous else "") + ", completeness against the ledger, the ledger's own integrity")
    table.add_row("regulator", "OK" if verified else "FAIL", "report exported and signed: "
                  + ", ".join(p.name for p in written))
    con.print(table)
    if risk_lines:
        rt = Table(title="risk of the margin book (estimates; see the report's risk section)")
        rt.add_column("figure")
        rt.add_column("value")
        for label, value in risk_lines:
            rt.add_row(label, value)
        con.print(rt)
    if not auditor.ok:
        for c in auditor.failures[:10]:
            con.print(f"FAIL: {c.id}: {c.message}")
    con.print(f"public bundle:     {bundle}\nclient proofs:     {ws.client_proofs_dir(eid)} ({len(proofs)} files, private)\n"
              f"regulator report:  {reports}\nverify yourself:   por verify inclusion {one} --bundle {bundle} "
              f"--operator-key {op_pub}\n                   por audit verify {bundle} --operator-key {op_pub} "
              f"--ledger {ws.db_url} --master-secret {ws.private_dir(eid) / 'master.secret'}")
    from por.serve.auth import PRIVATE_NAME, keygen

    if not (ws.root / PRIVATE_NAME).exists():  # the platform's auth key: signs client tokens for por serve
        keygen(ws.root)
    account = json.loads(one.read_text())["account_id"]
    con.print(f"serve clients:     por serve --dir {ws.root}   (then open http://127.0.0.1:8080/)\n"
              f"sign in as one:    por serve token {account} --dir {ws.root}   (a bearer token for the page)")
    con.print(f"done in {time.perf_counter() - t0:.1f} s ("
              + ", ".join(f"{k} {v:.1f} s" for k, v in phases.items()) + ")")
    if not (client.ok and auditor.ok):
        raise SystemExit(1)


def _regulator_report(ws: Any, eid: str, published: list[str], bundle: Path, auditor: Any,
                      ) -> tuple[bool, list[Path], list[tuple[str, str]]]:
    """Collect (with the risk section), export in every format and sign; this epoch reuses the
    auditor's full verification. Returns the risk figures for the summary too."""
    from por.report import export
    from por.report.collect import collect
    from por.report.signing import sign_file
    from por.risk.report import RiskSettings, headline
    from por.risk.simulate import Spec
    from por.tree.secret_file import read_master_secret
    from por.verify import verify_bundle

    reports = ws.root / "reports"
    reports.mkdir(exist_ok=True)

    def verifier(p: Path) -> Any:
        # earlier bundles: checked again without the ledger replay, their keyring against the ledger's members
        return auditor if Path(p).resolve() == bundle.resolve() else verify_bundle(
            p, operator_key=str(ws.root / "keys" / "operator.pub"), ledger_url=ws.db_url,
            ledger_schema=ws.config.get("schema"), master_secret=read_master_secret(ws.private_dir(Path(p).name) / "master.secret"),
            ledger_integrity=False)

    led = ws.ledger()
    try:
        data = collect([ws.bundle_dir(e) for e in published], ledger=led, verifier=verifier,
                       risk=RiskSettings(spec=Spec(seed=int(ws.config.get("demo", {}).get("seed", 1)))))
    finally:
        led.close()
    written = []
    for fmt, ext in (("json", "json"), ("csv", "zip"), ("xlsx", "xlsx"), ("pdf", "pdf")):
        out = reports / f"{eid}.{ext}"
        export.write(data, fmt, out)
        written.append(out)
    op_key = ws.signer("operator").key
    for out in written:
        sign_file(out, op_key)
    risk = headline(data.parameters) or [(name, why) for name, why in data.unavailable.items()
                                         if name == "risk_simulation"]
    return bool(data.verified), written, risk


def _status(con: Console, quiet: bool, text: str) -> Any:
    """A spinner with a line of what runs (nothing when quiet)."""
    from contextlib import nullcontext

    return nullcontext() if quiet else con.status(text)
