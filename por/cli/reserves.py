"""``por attest``, ``por oracle``, ``por reserves``: reserve attestations, prices, coverage, BLS keys.

Personas: the operator requests and collects attestations, a custodian signs on its own machine,
anyone verifies; oracles submit signed prices; the operator reads coverage. ``--json`` wherever a
machine reads the output; exit status 0 all checks passed, 1 a check failed, 2 unusable input.
"""

from __future__ import annotations

import json
import re
import sys
from collections import defaultdict
from datetime import UTC, datetime
from fractions import Fraction
from pathlib import Path
from typing import Any

import click
from rich.table import Table

from por import units
from por.canonical import parse_json
from por.cli._output import console, print_json, print_result
from por.errors import EncodingError, PorError, PriceError, UsageError
from por.reserves import attestation as A
from por.reserves.keyring import BLSKeyFile, Keyring
from por.reserves.oracle import (
    PriceReport,
    SignedReport,
    aggregate_price,
    ed25519_key_from_hex,
    sign_report,
)
from por.reserves.policy import (
    EpochContext,
    Malformed,
    ReservePolicy,
    ReservesConfig,
    evaluate,
    load_attestations,
)
from por.reserves.valuation import decimal_string, value
from por.result import Result
from por.units import PRICE_SCALE

# ------------------------------------------------------------------------------------ helpers


def _epoch_options(f: Any) -> Any:
    for opt in reversed([
        click.option("--epoch-context", "ctx_file", type=click.Path(exists=True, dir_okay=False),
                     help="JSON {epoch_id, nonce, window_start, window_end} (e.g. from the epoch manifest)."),
        click.option("--epoch", "epoch_id", help="Epoch id (instead of --epoch-context)."),
        click.option("--nonce", help="The epoch's nonce, hex."),
        click.option("--window-start", help="Earliest as-of time, YYYY-MM-DDTHH:MM:SSZ."),
        click.option("--window-end", help="Latest as-of time, YYYY-MM-DDTHH:MM:SSZ."),
    ]):
        f = opt(f)
    return f


def _epoch(ctx_file: str | None, epoch_id: str | None, nonce: str | None, start: str | None,
           end: str | None) -> EpochContext | None:
    if ctx_file:
        try:
            return EpochContext.from_dict(parse_json(Path(ctx_file).read_bytes()))
        except ValueError as exc:
            raise UsageError(f"cannot read epoch context {ctx_file}: {exc}") from exc
    if epoch_id or nonce:
        if not (epoch_id and nonce and start and end):
            raise UsageError("give --epoch, --nonce, --window-start and --window-end together (or --epoch-context)")
        return EpochContext(epoch_id, nonce.lower(), start, end)
    return None


def _price_e8(text: str) -> int:
    """A decimal string to an integer number of 10^-8 units, exactly (no floats)."""
    m = re.fullmatch(r"(\d+)(?:\.(\d{1,8}))?", text.strip())
    if not m:
        raise UsageError(f"price {text!r} must be a decimal with at most 8 digits after the point")
    return int(m.group(1)) * PRICE_SCALE + int((m.group(2) or "").ljust(8, "0") or 0)


def _now(text: str | None) -> datetime:
    return units.parse_time(text, "--now") if text else datetime.now(UTC)


# --------------------------------------------------------------------------------- por attest


@click.group()
def attest() -> None:
    """Reserve attestations: request (operator), sign (custodian), collect (operator), verify (anyone)."""


@attest.command("request")
@click.option("--custodian", required=True, help="Member id of the custodian asked to attest.")
@click.option("--asset", required=True)
@click.option("--amount", required=True, type=int, help="Amount held, in the asset's minor units.")
@click.option("--account", "account_ref", required=True, help="The custodian's account reference.")
@click.option("--as-of", "as_of", required=True, help="YYYY-MM-DDTHH:MM:SSZ")
@_epoch_options
@click.option("-o", "--out", type=click.Path(dir_okay=False), required=True, help="Write the request here.")
def attest_request(custodian: str, asset: str, amount: int, account_ref: str, as_of: str, ctx_file: str | None,
                   epoch_id: str | None, nonce: str | None, window_start: str | None, window_end: str | None,
                   out: str) -> None:
    """Write the canonical statement for CUSTODIAN to sign (an attestation with no signatures)."""
    ctx = _epoch(ctx_file, epoch_id, nonce, window_start, window_end)
    if ctx is None:
        raise UsageError("the request needs the epoch: --epoch-context, or --epoch/--nonce/--window-*")
    try:
        att = A.request(ctx.epoch_id, custodian, asset, amount, account_ref, as_of, ctx.nonce)
    except EncodingError as exc:
        raise UsageError(str(exc)) from exc
    if not ctx.in_window(as_of):
        raise UsageError(f"as-of {as_of} is outside the epoch window [{ctx.window_start}, {ctx.window_end}]")
    att.dump(out)
    click.echo(f"OK: wrote request {att.statement_id[:16]} for {custodian} to {out}")


@attest.command("sign")
@click.argument("statement", type=click.Path(exists=True, dir_okay=False))
@click.option("--key", "key_path", required=True, type=click.Path(exists=True, dir_okay=False),
              help="Your BLS key file (por reserves keygen).")
@click.option("-o", "--out", type=click.Path(dir_okay=False), help="Output file (default: update STATEMENT).")
@click.option("--aggregate", is_flag=True, help="Fold all signatures into one aggregate signature.")
def attest_sign(statement: str, key_path: str, out: str | None, aggregate: bool) -> None:
    """Sign STATEMENT (a request or an attestation signed by others) with your BLS key."""
    att = A.Attestation.load(statement)
    key = BLSKeyFile.load(key_path)
    st = att.statement
    click.echo(f"signing as {key.member}: {st.custodian_id} holds {st.amount} minor units of {st.asset} in "
               f"{st.account_ref} as of {st.as_of} (epoch {st.epoch_id}, nonce {st.challenge[:16]}…)", err=True)
    att = A.sign(att, key.member, key.secret_key)
    if aggregate:
        att = A.aggregate(att)
    att.dump(out or statement)
    click.echo(f"OK: {key.member} signed {att.statement_id[:16]} -> {out or statement}")


def _evaluate_files(files: tuple[str, ...], keys: str, config: str | None,
                    ctx: EpochContext | None) -> tuple[Result, Any, list[tuple[str, A.Attestation | Malformed]]]:
    keyring = Keyring.load(keys)
    items = load_attestations(files)
    note = Result("context")
    if config:
        policies: dict[str, ReservePolicy] = dict(ReservesConfig.load(config).reserve)
    else:
        # no policy: any member with a signing role may sign, the statement's custodian must, quorum 1
        signers = frozenset(m.id for m in keyring if m.roles & {"custodian", "auditor"})
        custodians = frozenset(a.statement.custodian_id for _, a in items if isinstance(a, A.Attestation))
        assets = {a.statement.asset for _, a in items if isinstance(a, A.Attestation)}
        policies = {s: ReservePolicy(s, custodians or frozenset({"-"}), signers, 1) for s in assets}
        note.passed("policy", "no --config: signatures, roles and proofs of possession checked; quorum 1")
    if ctx is None:
        firsts = [a for _, a in items if isinstance(a, A.Attestation)]
        if not firsts:
            ctx = EpochContext("-", "00", "1970-01-01T00:00:00Z", "1970-01-01T00:00:00Z")
        else:
            s = firsts[0].statement
            ctx = EpochContext(s.epoch_id, s.challenge, "0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z")
            note.passed("epoch", f"no epoch context given: epoch {s.epoch_id} and its nonce taken from the first "
                        "statement; the as-of window is not checked")
    ev = evaluate(items, keyring, policies, ctx)
    res = Result(ev.result.subject, list(note.checks) + list(ev.result.checks))
    return res, ev, items


@attest.command("collect")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--keys", required=True, type=click.Path(exists=True, dir_okay=False), help="Keyring JSON.")
@click.option("--config", required=True, type=click.Path(exists=True, dir_okay=False), help="Reserves configuration.")
@_epoch_options
@click.option("--out-dir", type=click.Path(file_okay=False), help="Write merged, aggregated attestations here.")
@click.option("--json", "as_json", is_flag=True)
def attest_collect(files: tuple[str, ...], keys: str, config: str, ctx_file: str | None, epoch_id: str | None,
                   nonce: str | None, window_start: str | None, window_end: str | None, out_dir: str | None,
                   as_json: bool) -> None:
    """Operator: merge copies of each statement signed separately, aggregate, evaluate against policy."""
    ctx = _epoch(ctx_file, epoch_id, nonce, window_start, window_end)
    if ctx is None:
        raise UsageError("collect needs the epoch: --epoch-context, or --epoch/--nonce/--window-*")
    groups: dict[str, list[A.Attestation]] = defaultdict(list)
    bad: list[tuple[str, A.Attestation | Malformed]] = []
    for label, item in load_attestations(files):
        if isinstance(item, A.Attestation):
            groups[item.statement_id].append(item)
        else:
            bad.append((label, item))
    merged: list[tuple[str, A.Attestation | Malformed]] = list(bad)
    for sid, parts in groups.items():
        try:
            att = A.merge(parts)
            att = A.aggregate(att) if att.signatures else att
        except PorError as exc:
            merged.append((sid[:16], Malformed(sid[:16], exc.diagnostics())))
            continue
        merged.append((f"{att.statement.custodian_id}-{att.statement.asset}-{sid[:12]}", att))
    cfg = ReservesConfig.load(config)
    ev = evaluate(merged, Keyring.load(keys), cfg.reserve, ctx)
    if out_dir:
        Path(out_dir).mkdir(parents=True, exist_ok=True)
        for label, item in merged:
            if isinstance(item, A.Attestation):
                item.dump(Path(out_dir) / f"{label}.json")
    if as_json:
        print_json(ev.to_dict())
        sys.exit(ev.result.exit_code())
    code = print_result(ev.result, False)
    totals = ev.totals()
    if totals:
        console().print("counted reserves: " + ", ".join(f"{a} {n}" for a, n in sorted(totals.items())))
    sys.exit(code)


@attest.command("verify")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--keys", required=True, type=click.Path(exists=True, dir_okay=False), help="Keyring JSON.")
@click.option("--config", type=click.Path(exists=True, dir_okay=False), help="Reserves configuration (policy).")
@_epoch_options
@click.option("--json", "as_json", is_flag=True)
def attest_verify(files: tuple[str, ...], keys: str, config: str | None, ctx_file: str | None, epoch_id: str | None,
                  nonce: str | None, window_start: str | None, window_end: str | None, as_json: bool) -> None:
    """Anyone: check attestation FILES against a keyring (and, if given, the policy and the epoch)."""
    ctx = _epoch(ctx_file, epoch_id, nonce, window_start, window_end)
    res, _, _ = _evaluate_files(files, keys, config, ctx)
    sys.exit(print_result(res, as_json))


# --------------------------------------------------------------------------------- por oracle


@click.group()
def oracle() -> None:
    """Signed price reports: submit (oracle) and prices (quorum median per asset)."""


@oracle.command("submit")
@click.option("--oracle", "oracle_id", required=True, help="Your oracle member id.")
@click.option("--asset", required=True)
@click.option("--price", required=True, help="Price of one whole unit in the reporting currency, e.g. 65000.12")
@click.option("--epoch", "epoch_id", required=True, help="The epoch the report is for (e.g. epoch-0002).")
@click.option("--cutoff", required=True, help="That epoch's cut-off, YYYY-MM-DDTHH:MM:SSZ (whole seconds).")
@click.option("--time", "at", help="Observation time YYYY-MM-DDTHH:MM:SSZ (default: now).")
@click.option("--key", "key_path", required=True, type=click.Path(exists=True, dir_okay=False),
              help="A BLS key file, an Ed25519 private key file (PEM), or a file holding one in hex.")
@click.option("-o", "--out", type=click.Path(dir_okay=False), required=True)
def oracle_submit(oracle_id: str, asset: str, price: str, epoch_id: str, cutoff: str, at: str | None,
                  key_path: str, out: str) -> None:
    """Sign a price report for one epoch and cut-off (protocol §8.5) and write it to OUT.

    The report counts only for that epoch and cut-off, so it cannot be reused for another epoch."""
    t = at or units.format_time(datetime.now(UTC))
    try:
        report = PriceReport(oracle_id, asset, _price_e8(price), t, epoch_id, cutoff)
        report.validate()
    except EncodingError as exc:
        raise UsageError(str(exc)) from exc
    text = Path(key_path).read_text().strip()
    if text.startswith("{"):
        key = BLSKeyFile.load(key_path)
        if key.member != oracle_id:
            raise UsageError(f"the key file belongs to {key.member}, not {oracle_id}")
        sr = sign_report(report, bls_secret_key=key.secret_key)
    elif "PRIVATE KEY" in text:  # the member's Ed25519 key file (PKCS#8 PEM, as por keys and the demo write)
        from por.ledger import keys as ledger_keys

        sr = sign_report(report, ed25519_key=ledger_keys.load(key_path))
    else:
        sr = sign_report(report, ed25519_key=ed25519_key_from_hex(text))
    Path(out).write_text(json.dumps(sr.to_dict(), indent=2, sort_keys=True) + "\n")
    click.echo(f"OK: {oracle_id} reports {asset} at {price} for {epoch_id} (cut-off {cutoff}, {sr.scheme}) -> {out}")


def _load_reports(files: tuple[str, ...]) -> tuple[list[SignedReport], list[str]]:
    reports, errors = [], []
    for f in files:
        try:
            reports.append(SignedReport.load(f))
        except PorError as exc:
            errors.append(f"{Path(f).name}: {exc.diagnostics()}")
    return reports, errors


@oracle.command("prices")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--keys", required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--config", required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--now", help="Evaluate freshness at this time (default: now, or the --cutoff).")
@click.option("--epoch", "epoch_id", help="Count only reports for this epoch (with --cutoff).")
@click.option("--cutoff", help="Count only reports for this cut-off (with --epoch).")
@click.option("--json", "as_json", is_flag=True)
def oracle_prices(files: tuple[str, ...], keys: str, config: str, now: str | None, epoch_id: str | None,
                  cutoff: str | None, as_json: bool) -> None:
    """The quorum median price per asset from report FILES (exit 1 if any asset has no price)."""
    if (epoch_id is None) != (cutoff is None):
        raise UsageError("--epoch and --cutoff go together")
    bound = (epoch_id, cutoff) if epoch_id is not None and cutoff is not None else None
    cfg, keyring, at = ReservesConfig.load(config), Keyring.load(keys), _now(now or cutoff)
    reports, errors = _load_reports(files)
    res = Result(f"prices at {units.format_time(at)}")
    for e in errors:
        res.failed("report.malformed", e)
    quotes = {}
    for asset, pol in sorted(cfg.price.items()):
        try:
            q = aggregate_price(reports, pol, keyring, at, epoch=bound)
        except PriceError as exc:
            res.failed(f"price.{asset}.{exc.kind}", exc.diagnostics())
            continue
        quotes[asset] = q
        res.passed(f"price.{asset}", f"{decimal_string(q.price, 8)} {cfg.reporting_currency} from "
                   f"{len(q.used)} oracle(s)" + (f"; dropped {len(q.dropped)}" if q.dropped else ""))
    if as_json:
        print_json({"result": res.to_dict(), "prices": {a: q.to_dict() for a, q in quotes.items()}})
        sys.exit(res.exit_code())
    sys.exit(print_result(res, False))


# ------------------------------------------------------------------------------- por reserves


@click.group()
def reserves() -> None:
    """Coverage of liabilities by attested reserves, and BLS keys for signers."""


@reserves.command("keygen")
@click.option("--member", required=True, help="The member id the key belongs to.")
@click.option("-o", "--out", required=True, type=click.Path(dir_okay=False), help="Secret key file (mode 0600).")
@click.option("--roles", default="custodian", help="Comma-separated roles for the printed keyring entry.")
def reserves_keygen(member: str, out: str, roles: str) -> None:
    """Generate a BLS key with its proof of possession; print the public keyring entry as JSON."""
    if Path(out).exists():
        raise UsageError(f"{out} exists; refusing to overwrite a secret key")
    key = BLSKeyFile.generate(member)
    key.dump(out)
    print_json(key.public_member([r for r in roles.split(",") if r]).to_dict())


@reserves.command("coverage")
@click.option("--config", required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--keys", required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--liabilities", required=True, type=click.Path(exists=True, dir_okay=False),
              help='JSON {"ASSET": {"equity": int, "debt": int}} in minor units (operator or auditor view).')
@click.option("--attestations", "att_files", multiple=True, type=click.Path(dir_okay=False))
@click.option("--prices", "price_files", multiple=True, type=click.Path(dir_okay=False))
@_epoch_options
@click.option("--now", help="Evaluate price freshness at this time (default: now).")
@click.option("--json", "as_json", is_flag=True)
def reserves_coverage(config: str, keys: str, liabilities: str, att_files: tuple[str, ...],
                      price_files: tuple[str, ...], ctx_file: str | None, epoch_id: str | None, nonce: str | None,
                      window_start: str | None, window_end: str | None, now: str | None, as_json: bool) -> None:
    """Coverage per asset and overall: counted reserves against net liabilities, exact arithmetic."""
    cfg, keyring = ReservesConfig.load(config), Keyring.load(keys)
    ctx = _epoch(ctx_file, epoch_id, nonce, window_start, window_end)
    if ctx is None:
        raise UsageError("coverage needs the epoch: --epoch-context, or --epoch/--nonce/--window-*")
    try:
        raw = parse_json(Path(liabilities).read_bytes())
        liab = {a: (int(v["equity"]), int(v.get("debt", 0))) for a, v in raw.items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise UsageError(f"cannot read liabilities {liabilities}: {exc}") from exc
    ev = evaluate(load_attestations(att_files), keyring, cfg.reserve, ctx)
    reports, errors = _load_reports(price_files)
    at = _now(now)
    prices: dict[str, int] = {}
    res = Result(f"coverage for epoch {ctx.epoch_id}")
    res.merge(ev.result)
    for e in errors:
        res.failed("report.malformed", e)
    for asset in sorted(set(liab) | set(ev.totals())):
        if asset == cfg.reporting_currency and asset not in cfg.price:
            prices[asset] = PRICE_SCALE
            continue
        pol = cfg.price.get(asset)
        if pol is None:
            res.failed(f"price.{asset}.too-few", f"no oracle policy for {asset}")
            continue
        try:
            prices[asset] = aggregate_price(reports, pol, keyring, at).price_e8
        except PriceError as exc:
            res.failed(f"price.{asset}.{exc.kind}", exc.diagnostics())
    valued = {a: liab.get(a, (0, 0)) for a in prices}
    val = value({a: n for a, n in ev.totals().items() if a in prices}, valued, prices,
                {a: cfg.decimals.get(a, 0) for a in prices}, cfg.reporting_currency, cfg.reporting_decimals)
    for a in val.assets:
        res.add(f"coverage.{a.asset}", a.surplus >= 0,
                f"reserves {a.reserves} cover net liabilities {a.net_liabilities}" if a.surplus >= 0
                else f"reserves {a.reserves} fall short of net liabilities {a.net_liabilities} by {-a.surplus}")
    if as_json:
        print_json({"result": res.to_dict(), "valuation": val.to_dict()})
        sys.exit(res.exit_code())
    con = console()
    rc, rd = cfg.reporting_currency, cfg.reporting_decimals
    t = Table(title=f"coverage, epoch {ctx.epoch_id} (values in {rc})")
    for col in ("asset", "reserves", "equity", "debt", "net liabilities", "price", f"reserves {rc}",
                f"liabilities {rc}", "coverage"):
        t.add_column(col, justify="left" if col == "asset" else "right")
    scale = 10**rd
    for a in val.assets:
        ok = a.surplus >= 0
        t.add_row(a.asset, str(a.reserves), str(a.equity), str(a.debt), str(a.net_liabilities),
                  decimal_string(Fraction(a.price_e8, PRICE_SCALE), 2),
                  decimal_string(a.reserves_value / scale, rd), decimal_string(a.liabilities_value / scale, rd),
                  ("[green]" if ok else "[red]") + (decimal_string(a.coverage, 4) if a.coverage is not None else "n/a")
                  + "[/]")
    t.add_row("overall", "", "", "", "", "", decimal_string(val.reserves_value / scale, rd),
              decimal_string(val.liabilities_value / scale, rd), decimal_string(val.coverage, 4))
    con.print(t)
    sys.exit(print_result(res, False))
