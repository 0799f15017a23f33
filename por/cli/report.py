"""``por report`` (regulator exports and their signatures) and ``por stress`` (margin stress tests).

Exit status: 0 success; 1 a verification failed (the export is still written, the failure is stated
in it); 2 unusable input (a shock that does not parse, an unknown asset, a missing file).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import sys
from datetime import UTC, datetime
from fractions import Fraction
from pathlib import Path
from typing import Any

import click

from por.cli._output import console, open_existing_ledger, print_json, print_result, require_ledger
from por.errors import PorError, StressError, UsageError
from por.units import format_time

_SCHEMA_HELP = "With a PostgreSQL --ledger: the ledger's schema (search_path)."


@click.group()
def report() -> None:
    """Regulator reports: export an epoch range (json, csv, xlsx, pdf), check a report's signature."""


@report.command("export")
@click.argument("dirs", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["json", "csv", "xlsx", "pdf"]), required=True)
@click.option("--out", "out", type=click.Path(path_type=Path), required=True, help="Output file (csv: a zip).")
@click.option("--ledger", "ledger_url", default=None, help="Ledger URL for the margin, insurance and withdrawal sections.")
@click.option("--schema", default=None, help=_SCHEMA_HELP)
@click.option("--book", "book_file", type=click.Path(path_type=Path), default=None,
              help="A margin book file to stress instead of the ledger's accounts.")
@click.option("--key", "key_file", type=click.Path(path_type=Path), default=None,
              help="Operator Ed25519 private key (PEM): writes the detached signature OUT.sig.")
@click.option("--impact", default="linear:0.1", show_default=True, help="Price-impact model of the stress curve.")
@click.option("--risk/--no-risk", "with_risk", default=False, show_default=True,
              help="Add the predictive risk section (Monte Carlo stress, early warning, margin proposals, run "
                   "risk; estimates, labelled with their model and seed; needs --ledger for the price history).")
@click.option("--risk-paths", type=int, default=2000, show_default=True, help="Monte Carlo paths of the risk section.")
@click.option("--risk-seed", type=int, default=1, show_default=True, help="Seed of the risk section's simulation.")
@click.option("--json", "as_json", is_flag=True, help="Print the outcome as JSON.")
def export_cmd(dirs: tuple[Path, ...], fmt: str, out: Path, ledger_url: str | None, schema: str | None,
               book_file: Path | None, key_file: Path | None, impact: str, with_risk: bool, risk_paths: int,
               risk_seed: int, as_json: bool) -> None:
    """Export the report for one or more epoch directories (or a directory of epochs)."""
    from por.report import export, signing
    from por.report.collect import collect
    from por.report.stress import Impact, MarginBook

    key = signing.load_private_key(key_file) if key_file else None
    model = Impact.parse(impact)
    book = MarginBook.load(book_file) if book_file else None
    require_ledger(ledger_url, schema=schema)
    risk = None
    if with_risk:
        from por.risk.report import RiskSettings
        from por.risk.simulate import Spec

        if ledger_url is None:
            raise UsageError("--risk needs --ledger (the signed price history the estimates are made from)")
        spec = Spec(paths=risk_paths, seed=risk_seed)
        spec.check()
        risk = RiskSettings(spec=spec)
    ledger = open_existing_ledger(ledger_url, schema) if ledger_url else None
    try:
        data = collect(list(dirs), ledger, book=book, impact=model, risk=risk,
                       generated_at=format_time(datetime.now(UTC)))
    finally:
        if ledger is not None:
            ledger.close()
    written = export.write(data, fmt, out)
    sig = signing.sign_file(out, key) if key is not None else None
    outcome: dict[str, Any] = {
        "out": str(out), "format": fmt, "bytes": len(written), "sha256": hashlib.sha256(written).hexdigest(),
        "signature": str(sig) if sig else None, "verified": data.verified,
        "failures": data.failure_lines(), "unavailable": data.unavailable}
    if as_json:
        print_json(outcome)
    else:
        con = console()
        con.print(f"wrote {out} ({fmt}, {len(written)} bytes, sha256 {outcome['sha256'][:16]}…)")
        if sig:
            con.print(f"signed: {sig}")
        for k, v in data.unavailable.items():
            con.print(f"not available: {k}: {v}")
        if data.verified:
            con.print(f"OK: every check of {len(data.verification)} epoch(s) passed")
        else:
            for line in data.failure_lines():
                con.print(f"FAIL: {line}")
            con.print("FAIL: verification failed; the report states it on its first page")
    sys.exit(0 if data.verified else 1)


@report.command("verify")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--key", "key", required=True, help="The operator's Ed25519 public key: hex, a file of hex, or PEM.")
@click.option("--signature", type=click.Path(path_type=Path), default=None, help="Signature file (default PATH.sig).")
@click.option("--bundle", "bundles", multiple=True, type=click.Path(path_type=Path),
              help="An epoch bundle the report covers, or a directory of them (repeatable): checks the report's "
                   "manifest hashes and recomputes its bundle tables.")
@click.option("--audit/--no-audit", default=True, show_default=True,
              help="With --bundle: re-run the auditor's verifier on each bundle (operator key pinned to --key) and "
                   "compare its outcome with the one the report records. --no-audit trusts the recorded outcome.")
@click.option("--json", "as_json", is_flag=True)
def verify_cmd(path: Path, key: str, signature: Path | None, bundles: tuple[Path, ...], audit: bool,
               as_json: bool) -> None:
    """Check that PATH is a regulator report, exactly what the operator signed, and (with --bundle) that its
    figures are those of the epochs' manifests (protocol §11.5)."""
    from por.report import signing

    res = signing.verify_report(path, signing.load_public_key(key), signature, bundles, audit=audit)
    sys.exit(print_result(res, as_json))


# --------------------------------------------------------------------------------------------------


@click.group()
def stress() -> None:
    """Stress tests of the margin book: price shocks, liquidation cascades, bad debt, coverage."""


def _load_book(book_file: Path | None, ledger_url: str | None, bundle: Path | None, synthetic: int | None,
               seed: int, schema: str | None = None) -> Any:
    from por.report.collect import book_from_ledger, disclosed_totals, read_epoch_manifest
    from por.report.stress import MarginBook, synthetic_book

    sources = [x for x in (book_file, ledger_url, synthetic) if x is not None]
    if len(sources) > 1:
        raise UsageError("give one of --book, --ledger, --synthetic")
    manifest = None
    if bundle is not None:
        manifest, err = read_epoch_manifest(bundle)
        if manifest is None:
            raise UsageError(f"--bundle {bundle}: {err}")
    prices = {} if manifest is None else dict(manifest.signed.prices)
    if book_file is not None:
        book = MarginBook.load(book_file)
    elif ledger_url is not None:
        led = open_existing_ledger(ledger_url, schema)
        try:
            book = book_from_ledger(led, prices or None)
        finally:
            led.close()
    elif synthetic is not None:
        book = synthetic_book(synthetic, seed)
    else:
        raise UsageError("no margin book: give --book FILE, --ledger URL or --synthetic N "
                         "(a bundle alone has no margin accounts; --bundle adds its prices and reserves)")
    if manifest is not None:
        book = book.with_prices(prices)
        totals = disclosed_totals(manifest.signed)
        if totals is not None:
            book.reserves = {c: r for c, r in totals[0].items() if c in book.codes}
            book.liabilities = {c: t for c, t in totals[1].items() if c in book.codes}
    return book


@stress.command("run")
@click.option("--book", "book_file", type=click.Path(path_type=Path), default=None, help="A por-margin-book/1 file.")
@click.option("--ledger", "ledger_url", default=None, help="Read margin accounts from the ledger.")
@click.option("--schema", default=None, help=_SCHEMA_HELP)
@click.option("--bundle", type=click.Path(path_type=Path), default=None,
              help="Use this epoch's prices (and reserves and liabilities, when public).")
@click.option("--synthetic", type=int, default=None, help="A seeded synthetic book of N accounts.")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the synthetic book.")
@click.option("--shock", "shocks", multiple=True, help="ASSET=-30% (repeatable).")
@click.option("--grid", is_flag=True, help="Sweep a uniform shock 0% … -50% (51 points) and write the curve.")
@click.option("--impact", default="none", show_default=True, help="none, linear:K or sqrt:K.")
@click.option("--json", "as_json", is_flag=True)
@click.option("--out", type=click.Path(path_type=Path), default=None, help="Write the result (.json, or .csv for the curve).")
def run_cmd(book_file: Path | None, ledger_url: str | None, schema: str | None, bundle: Path | None,
            synthetic: int | None, seed: int, shocks: tuple[str, ...], grid: bool, impact: str, as_json: bool,
            out: Path | None) -> None:
    """Apply price shocks to the margin book and report liquidations, bad debt and coverage."""
    import time

    from por.report.stress import GRID, Engine, Impact, fixed, parse_shock

    parsed = [parse_shock(s) for s in shocks]  # bad strings fail before any book is loaded
    model = Impact.parse(impact)
    require_ledger(ledger_url, schema=schema)
    book = _load_book(book_file, ledger_url, bundle, synthetic, seed, schema)
    vector: dict[str, Fraction] = {}
    for asset, s in parsed:
        book.asset(asset)
        if asset in vector:
            raise StressError(f"asset {asset} is shocked twice")
        vector[asset] = s
    if grid and vector:
        raise UsageError("--grid sweeps a uniform shock of every non-cash asset; do not combine it with --shock")
    factor = max([Fraction(1)] + [1 + s for s in vector.values()])
    t0 = time.perf_counter()
    engine = Engine(book, model, max_price_factor=factor)
    outcomes = engine.grid(GRID) if grid else [engine.run(vector)]
    elapsed = time.perf_counter() - t0
    doc: dict[str, Any] = {
        "format": "por-stress/1", "book": book.source, "accounts": book.n, "impact": model.to_str(),
        "impact_description": model.describe(), "currency": book.currency,
        "currency_decimals": book.currency_decimals,
        "arithmetic": "int64 (bounds proven)" if engine.exact_int64 else "python-int",
        "depth": {c: engine.depth[c] for c in book.codes if c != book.currency},
        "scenarios": [o.to_dict() for o in outcomes],
    }
    if out is not None:
        if out.suffix.lower() == ".csv":
            out.write_text(curve_csv(outcomes))
        else:
            out.write_text(json.dumps(doc, indent=1) + "\n")
    if as_json:
        print_json(doc)
        return
    from rich.console import Console
    from rich.table import Table

    con = Console(highlight=False, width=max(132, console().width))
    cd = book.currency_decimals
    con.print(f"book: {book.source or 'margin book'}, {book.n:,} accounts; impact: {model.describe()}; "
              f"{len(outcomes)} scenario(s) in {elapsed:.2f} s")
    table = Table(title=f"stress ({book.currency}; amounts in {book.currency})")
    for h in ("shock", "liquidated", "rounds", "proceeds", "bad debt", "uncovered", "equity lost", "reserves cov. after"):
        table.add_column(h, justify="right")
    from por.report.export_pdf import major, pct

    for o in outcomes:
        d = o.to_dict()
        shock_txt = ", ".join(f"{k} {pct(v)}" for k, v in d["shocks"].items()) or "none"
        if grid:
            shock_txt = pct(next(iter(d["shocks"].values()), "0"))
        table.add_row(shock_txt, f"{o.liquidated:,}", str(len(o.rounds)), major(o.proceeds, cd),
                      major(o.bad_debt, cd), major(o.uncovered, cd),
                      pct(d["equity_lost"]) if d["equity_lost"] else "–",
                      pct(d["reserves_coverage_after"]) if d["reserves_coverage_after"] else "n/a")
    con.print(table)
    if not grid:
        o = outcomes[0]
        con.print(f"insurance fund {major(o.insurance_fund, cd)}, covers {major(o.covered, cd)} of bad debt "
                  f"{major(o.bad_debt, cd)}" + (f" ({pct(fixed(o.insurance_coverage))})" if o.insurance_coverage else ""))
    if out is not None:
        con.print(f"wrote {out}")


def curve_csv(outcomes: list[Any]) -> str:
    """The stress curve as tidy CSV (one row per scenario)."""
    from por.report.stress import fixed

    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["shock", "liquidated", "cascade_rounds", "proceeds", "bad_debt", "insurance_covered", "uncovered",
                "insurance_coverage", "equity_lost", "reserves_coverage_after"])
    for o in outcomes:
        s = next(iter(o.shocks.values()), Fraction(0))
        w.writerow([fixed(s, 4), o.liquidated, len(o.rounds), o.proceeds, o.bad_debt, o.covered, o.uncovered,
                    "" if o.insurance_coverage is None else fixed(o.insurance_coverage),
                    "" if o.equity_lost is None else fixed(o.equity_lost),
                    "" if o.reserves_coverage_after is None else fixed(o.reserves_coverage_after)])
    return buf.getvalue()


@stress.command("generate")
@click.option("--accounts", "n", type=int, required=True, help="Number of margin accounts.")
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--out", type=click.Path(path_type=Path), required=True)
def generate_cmd(n: int, seed: int, out: Path) -> None:
    """Write a seeded synthetic margin book (por-margin-book/1) for tests and benchmarks."""
    from por.report.stress import synthetic_book

    if n < 0:
        raise UsageError("--accounts must be >= 0")
    book = synthetic_book(n, seed)
    out.write_text(json.dumps(book.to_dict(), separators=(",", ":")) + "\n")
    console().print(f"wrote {out}: {n:,} accounts (seed {seed})")


__all__ = ["report", "stress", "PorError"]
