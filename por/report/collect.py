"""Build a :class:`ReportData` from epoch bundles (and, for ledger-only sections, a ledger).

Steps, in order (each section that cannot be produced is listed in ``unavailable`` with its reason):

1. Expand the directories given (an epoch directory has ``manifest.json``; a parent directory
   contributes each child that has one) and order the epochs by cut-off time.
2. Verify every epoch with the auditor's verifier (``por.verify.verify_bundle``). A bundle that
   fails is still reported: its failures go into ``verification`` and onto the PDF's first page.
3. Read each manifest with the verifiers' model (:func:`por.bundle.manifest.parse_manifest`, every
   field typed, docs/protocol.md §9.4) into the bundle tables: epochs, coverage, reserves by custodian,
   attestation signers, log roots. A bundle that fails verification is still reported when its
   manifest parses; a manifest that does not parse gives no figures, and its epoch fails
   ``report.manifest`` with the parser's message (the field path and what is wrong with it).
4. With a ledger (or a margin book): margin summary, leverage distribution, accounts near
   liquidation, insurance fund, withdrawals, and the stress curve at the latest epoch's prices.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np

from por.bundle.manifest import MANIFEST, ManifestBody, SignedManifest
from por.bundle.tree import Kind
from por.errors import PorError, ReportError
from por.report.model import RATIO_DIGITS, Cell, Column, EpochVerification, ReportData, Table
from por.report.stress import GRID, AssetSpec, Engine, Impact, MarginBook, book_metrics, fixed
from por.report.stress.book import _matrix
from por.result import Check, Result
from por.units import BPS, PRICE_SCALE, format_time, position_value, value_exact

Verifier = Callable[[Path], Result]
NO_LEDGER = "no ledger access (--ledger not given): margin accounts, the insurance fund and withdrawals are not in the published bundle"
DEFAULT_IMPACT = Impact("linear", Fraction(1, 10))


def ratio(num: Fraction | int, den: Fraction | int) -> str | None:
    """``num/den`` as a fixed-digit decimal string (None when ``den`` ≤ 0)."""
    if den <= 0:
        return None
    return fixed(Fraction(num) / Fraction(den), RATIO_DIGITS)


# --------------------------------------------------------------------------------------------------
# 1. epoch directories


def expand_epoch_dirs(paths: Iterable[str | Path]) -> list[Path]:
    """Each path that holds ``manifest.json``, plus each child of a path that does not but whose
    children do. A path with neither is kept (it will be reported as a failed epoch)."""
    out: list[Path] = []
    for p in map(Path, paths):
        if (p / "manifest.json").is_file() or not p.is_dir():
            out.append(p)
            continue
        children = sorted(c for c in p.iterdir() if (c / "manifest.json").is_file())
        out.extend(children if children else [p])
    seen: set[Path] = set()
    uniq = []
    for p in out:
        if p.resolve() not in seen:
            seen.add(p.resolve())
            uniq.append(p)
    return uniq


# --------------------------------------------------------------------------------------------------
# 2. verification


def default_verifier() -> Verifier:
    """The auditor's full verifier when it is installed, otherwise :func:`structural_verify`."""
    try:
        from por.verify import verify_bundle
    except ImportError:
        return structural_verify

    def run(path: Path) -> Result:
        # the report records every check, trust.keyring included: its row says that reserves and
        # prices rest on the bundle's own keyring (docs/protocol.md, threat model F)
        return verify_bundle(path, trust_bundle_keyring=True)  # type: ignore[no-any-return,unused-ignore]

    return run


def structural_verify(path: Path) -> Result:
    """The manifest (parsed with the verifiers' model) and the file hashes only, plus a failing check
    saying the proofs were not verified.

    Used when ``por.verify`` is not available: the report must never claim a verification that
    did not happen.
    """
    res = Result(f"bundle {path}")
    manifest, error = read_epoch_manifest(path)
    if manifest is None:
        res.failed("manifest.read", error or "manifest unreadable")
        return res
    from por.epoch.bundle import check_files

    res.passed("manifest.read", f"{MANIFEST} of epoch {manifest.signed.epoch_id} parses ({manifest.signed.format})")
    for name, ok, msg in check_files(path, manifest):
        res.add(f"files.{name}", ok, msg)
    res.failed("verifier.unavailable",
               "the auditor's verifier (por.verify) is not installed: signatures and proofs were NOT verified")
    return res


def _verify(path: Path, verifier: Verifier) -> Result:
    try:
        return verifier(path)
    except PorError as exc:
        r = Result(f"bundle {path}")
        r.failed("bundle.unreadable", exc.diagnostics())
        return r


# --------------------------------------------------------------------------------------------------
# 3. manifests


@dataclass(slots=True)
class _Epoch:
    path: Path
    manifest: SignedManifest | None
    error: str | None
    result: Result

    @property
    def signed(self) -> ManifestBody | None:
        """The manifest's signed body, or None when ``manifest.json`` is missing or does not parse."""
        return None if self.manifest is None else self.manifest.signed

    @property
    def epoch_id(self) -> str:
        return self.path.name if self.manifest is None else self.manifest.signed.epoch_id

    @property
    def sort_key(self) -> tuple[str, str]:
        return ("" if self.manifest is None else self.manifest.signed.cutoff_time, self.epoch_id)


def read_epoch_manifest(path: Path) -> tuple[SignedManifest | None, str | None]:
    """``(manifest, None)``, or ``(None, why)`` when ``path/manifest.json`` is missing, unreadable or
    not a manifest: the parser's message names the field path (e.g. ``manifest.json: signed.tree.mode:
    must be committed or plain``)."""
    from por.epoch.bundle import read_signed_manifest

    try:
        return read_signed_manifest(path), None
    except PorError as exc:
        return None, _at(path, exc.diagnostics())
    except OSError as exc:  # boundary: the file system's error for a manifest that cannot be read
        return None, f"{path / MANIFEST}: {exc.strerror or exc}"


def _at(path: Path, message: str) -> str:
    """``message`` naming the bundle: a DocumentError says ``manifest.json: ...`` without its directory."""
    return message if str(path) in message else f"{path}/{message}"


MANIFEST_HASH_UNIT = "hex, SHA-256 of the manifest's canonical signed body"


def manifest_sha256(manifest: SignedManifest | None) -> str | None:
    """SHA-256 of the canonical signed body as received (:attr:`por.bundle.signed.Signed.sha256`, the
    hash client proofs carry; docs/protocol.md §9.4), or None when the manifest is unreadable."""
    return None if manifest is None else manifest.sha256


def _decimals(signed: ManifestBody, asset: str) -> int | None:
    a = signed.assets.get(asset)
    return None if a is None else a.decimals


def _liability(signed: ManifestBody, asset: str, kind: Kind) -> int | None:
    """The root total of column ``(asset, kind)`` (public disclosure only): 0 when the tree has no such
    column (no client holds it; the seal stage lists only the columns' totals), None when the column
    exists but its total is not disclosed."""
    if signed.liabilities is None or asset not in signed.liabilities:
        return None
    total = signed.liabilities[asset].get(kind)
    if total is None and (asset, kind) not in signed.tree.columns:
        return 0
    return total


def disclosed_totals(signed: ManifestBody) -> tuple[dict[str, int], dict[str, tuple[int, int]]] | None:
    """``(reserves, liabilities)`` of an epoch that discloses its liabilities publicly: the counted
    reserves per asset and ``(equity, debt)`` per asset (what a stress test's coverage needs); None when
    the liabilities are not public, or a column's total is missing."""
    if signed.liabilities is None:
        return None
    liab: dict[str, tuple[int, int]] = {}
    for c in signed.liabilities:
        eq, debt = _liability(signed, c, "equity"), _liability(signed, c, "debt")
        if eq is None or debt is None:
            return None
        liab[c] = (eq, debt)
    return {c: r.amount for c, r in signed.reserves.items()}, liab


def _check_status(result: Result, needle: str) -> str | None:
    hits = [c for c in result.checks if needle in c.id]
    if not hits:
        return None
    return "verified" if all(c.ok for c in hits) else "FAILED"


def _tables_from_epochs(epochs: Sequence[_Epoch], currency: str, cd: int) -> tuple[list[Table], list[str]]:
    notes: list[str] = []
    ep_rows: list[tuple[Cell, ...]] = []
    cov_rows: list[tuple[Cell, ...]] = []
    res_rows: list[tuple[Cell, ...]] = []
    sig_rows: list[tuple[Cell, ...]] = []
    log_rows: list[tuple[Cell, ...]] = []
    for ep in epochs:
        verdict = ("passed" if ep.result.ok else "FAILED", len(ep.result.failures))
        s = ep.signed
        if s is None:
            ep_rows.append((ep.epoch_id, None, None, None, None, *verdict, None, None, None))
            notes.append(f"epoch {ep.epoch_id}: manifest unreadable ({ep.error}); no figures reported for it")
            continue
        tree = s.tree
        ep_rows.append((ep.epoch_id, manifest_sha256(ep.manifest), s.cutoff_time, s.journal_seq, s.disclosure,
                        *verdict, tree.height, tree.leaf_count, 2**tree.height))
        liabilities = s.liabilities
        assets = sorted(set(s.reserves) | set(liabilities or {}) | set(s.assets))
        tot_r = tot_l = Fraction(0)
        totals_ok = True
        for a in assets:
            r_entry = s.reserves.get(a)
            r_amt = None if r_entry is None else r_entry.amount
            dec = _decimals(s, a)
            price = s.prices.get(a)
            if a == currency and price is None:
                price = PRICE_SCALE
            eq = debt = net = surplus = None
            cov = None
            if liabilities is not None and a in liabilities:
                eq, debt = _liability(s, a, "equity"), _liability(s, a, "debt")
                if eq is not None and debt is not None:
                    net = eq - debt
                    if r_amt is not None:
                        surplus = r_amt - net
                        cov = ratio(r_amt, net)
            r_val = l_val = None
            if price is not None and dec is not None:
                # the columns round down, the totals (hence coverage) are exact (docs/protocol.md §11.1)
                terms = {"price_e8": price, "decimals": dec, "reporting_decimals": cd}
                if r_amt is not None:
                    r_val = position_value(r_amt, **terms)
                    tot_r += value_exact(r_amt, **terms)
                if net is not None:
                    l_val = position_value(net, **terms)
                    tot_l += value_exact(net, **terms)
            if price is None or dec is None or r_amt is None or (liabilities is not None and net is None):
                totals_ok = False
            cov_rows.append((ep.epoch_id, a, dec, r_amt, eq, debt, net, surplus, cov, price, r_val, l_val))
            for cust in () if r_entry is None else r_entry.custodians:
                signers = list(cust.signers)
                for name in signers:
                    sig_rows.append((ep.epoch_id, a, cust.custodian_id, name, "counted" if cust.counted else
                                     f"not counted ({cust.reason})"))
                res_rows.append((ep.epoch_id, a, dec, cust.custodian_id, cust.amount,
                                 "yes" if cust.counted else "no", cust.reason, len(signers), "; ".join(signers)))
        if liabilities is not None and totals_ok and assets:
            cov_rows.append((ep.epoch_id, f"TOTAL ({currency})", cd, None, None, None, None,
                             (tot_r - tot_l).__floor__(), ratio(tot_r, tot_l), None,
                             tot_r.__floor__(), tot_l.__floor__()))
        elif assets:
            r_all = [r for r in cov_rows if r[0] == ep.epoch_id and r[10] is not None]
            if r_all and liabilities is None:
                cov_rows.append((ep.epoch_id, f"TOTAL ({currency})", cd, None, None, None, None, None, None,
                                 None, tot_r.__floor__(), None))
        log = s.ledger_log
        prev = log.previous
        status = _check_status(ep.result, "consisten")
        if prev is None:
            consistency = "first epoch (no previous root)"
        else:
            consistency = status or "not checked by the verifier"
        log_rows.append((ep.epoch_id, log.size, log.root, None if prev is None else prev.epoch_id,
                         None if prev is None else prev.size, None if prev is None else prev.root, consistency))
    ccy = f"{currency} minor units (10^-{cd})"
    tables = [
        Table("epochs", "Epochs covered", (
            Column("epoch_id"), Column("manifest_sha256", unit=MANIFEST_HASH_UNIT), Column("cutoff_time", unit="UTC"), Column("journal_seq", "int"),
            Column("disclosure"), Column("verification"), Column("failed_checks", "int"),
            Column("tree_height", "int"), Column("client_accounts", "int", "accounts (only when disclosed)"),
            Column("client_accounts_bound", "int", "accounts, at most 2^height")), tuple(ep_rows),
            "client_accounts is the disclosed leaf count; otherwise only the bound 2^height is public. "
            "manifest_sha256 binds the row, and every figure of the epoch, to the manifest it was read from "
            "(the hash client proofs carry); `por report verify --bundle` checks it and recomputes the tables."),
        Table("coverage", "Reserve coverage per asset", (
            Column("epoch_id"), Column("asset"), Column("decimals", "int"),
            Column("reserves", "int", "asset minor units"), Column("equity", "int", "asset minor units"),
            Column("debt", "int", "asset minor units"), Column("net_liabilities", "int", "asset minor units"),
            Column("surplus", "int", "asset minor units"), Column("coverage", "ratio", "reserves / net liabilities (1 = 100%)"),
            Column("price_e8", "int", f"{currency} per unit x 10^8"),
            Column("reserves_value", "int", ccy), Column("net_liabilities_value", "int", ccy)), tuple(cov_rows),
            "Liabilities appear only where the epoch discloses them publicly; otherwise solvency per asset is "
            "shown by the solvency range proofs (see verification). Values are floored to minor units; "
            "ratios are exact fractions rounded toward -infinity to 6 digits."),
        Table("reserves", "Reserves per custodian", (
            Column("epoch_id"), Column("asset"), Column("decimals", "int"), Column("custodian_id"),
            Column("amount", "int", "asset minor units"),
            Column("counted"), Column("reason"), Column("signers", "int"), Column("signer_ids")), tuple(res_rows)),
        Table("attestation_signers", "Attestation signers and their status", (
            Column("epoch_id"), Column("asset"), Column("custodian_id"), Column("signer"), Column("status")),
            tuple(sig_rows)),
        Table("log_roots", "Ledger log roots and consistency", (
            Column("epoch_id"), Column("log_size", "int", "entries"), Column("log_root", unit="hex"),
            Column("previous_epoch_id"), Column("previous_size", "int", "entries"),
            Column("previous_root", unit="hex"), Column("consistency")), tuple(log_rows)),
    ]
    return tables, notes


# --------------------------------------------------------------------------------------------------
# 4. ledger sections


def book_from_ledger(ledger: Any, prices: dict[str, int] | None = None, currency: str | None = None) -> MarginBook:
    """A :class:`MarginBook` from :meth:`por.ledger.Ledger.margin_accounts` at ``prices`` (else the
    ledger's current prices); the currency is the ledger's quote asset unless given.

    Raises:
        ReportError: an asset without decimals or without a price.
    """
    accounts = list(ledger.margin_accounts())
    cur = str(currency or ledger.config().get("quote_asset") or "USD")
    assets = ledger.assets()
    codes: set[str] = {cur}
    for acc in accounts:
        codes |= set(acc["positions"]) | set(acc["debt"])
    order = [cur] + sorted(c for c in codes if c != cur)

    def decimals(code: str) -> int:
        if code not in assets:
            raise ReportError(f"ledger: asset {code} is not in the ledger's asset table")
        return int(assets[code].decimals)

    def price(code: str) -> int:
        if code == cur:
            return PRICE_SCALE
        if prices and code in prices:
            return int(prices[code])
        return int(ledger.current_price(code))

    specs = [AssetSpec(c, decimals(c), price(c)) for c in order]
    idx = {c: j for j, c in enumerate(order)}
    n = len(accounts)
    pos = [[0] * len(order) for _ in range(n)]
    deb = [[0] * len(order) for _ in range(n)]
    ids, mm, lev = [], [], []
    for i, acc in enumerate(accounts):
        ids.append(str(acc["account"]))
        for c, q in acc["positions"].items():
            pos[i][idx[c]] = int(q)
        for c, q in acc["debt"].items():
            deb[i][idx[c]] = int(q)
        mm.append(int(acc["maintenance_bps"]))
        lev.append(int(acc["max_leverage_bps"]))
    fund = int(ledger.insurance_fund_balance(cur))
    return MarginBook(cur, specs, ids, _matrix(pos, len(order)), _matrix(deb, len(order)),
                      np.array(mm, dtype=np.int64), np.array(lev, dtype=np.int64), fund, source="ledger")


def _margin_tables(book: MarginBook, ccy: str) -> list[Table]:
    m = book_metrics(book)
    summary = Table("margin_summary", "Margin accounts", (
        Column("accounts", "int"), Column("active", "int"), Column("position_value", "int", ccy),
        Column("debt", "int", ccy), Column("equity", "int", ccy), Column("in_breach", "int", "accounts"),
        Column("within_10pct_of_liquidation", "int", "accounts"),
        Column("within_10pct_debt", "int", ccy), Column("over_leverage_limit", "int", "accounts"),
        Column("average_leverage", "ratio", "position value / equity")),
        ((m.accounts, m.active, m.value, m.debt, m.equity, m.in_breach, m.near_liquidation,
          m.near_liquidation_debt, m.over_leverage_limit, ratio(m.value, m.equity)),),
        "Within 10% of liquidation: not in breach now, but a uniform 10% fall of every non-cash price "
        "would put the account below its maintenance margin.")
    lev = Table("leverage_distribution", "Leverage distribution of margin accounts", (
        Column("leverage"), Column("accounts", "int"), Column("position_value", "int", ccy),
        Column("equity", "int", ccy)), tuple(tuple(b) for b in m.leverage_buckets),
        "Leverage = position value / equity, exact; buckets include their lower edge.")
    limits = Table("leverage_limits", "Margin accounts by leverage limit", (
        Column("max_leverage"), Column("max_leverage_bps", "int", "basis points (10000 = 1x)"),
        Column("accounts", "int"), Column("active", "int", "accounts"), Column("position_value", "int", ccy),
        Column("equity", "int", ccy), Column("average_leverage", "ratio", "position value / equity"),
        Column("over_limit", "int", "accounts")),
        tuple((f"{fixed(Fraction(b, BPS), 2)}x", b, n, act, v, e, ratio(v, e), over)
              for b, n, act, v, e, over in m.limit_rows),
        "The leverage limit is each margin account's max_leverage_bps in the ledger (a purchase may not take "
        "position value / equity above it). Over limit: at the report's prices the account's leverage exceeds "
        "its limit (prices moved since it bought), or its equity is not positive.")
    return [summary, lev, limits]


def _stress_tables(book: MarginBook, impact: Impact, ccy: str) -> tuple[list[Table], dict[str, str]]:
    eng = Engine(book, impact)
    curve = eng.grid(GRID)
    rows = []
    for o in curve:
        s = next(iter(o.shocks.values()), Fraction(0))
        rows.append((fixed(s, 4), o.liquidated, len(o.rounds), o.proceeds, o.bad_debt, o.covered, o.uncovered,
                     None if o.insurance_coverage is None else fixed(o.insurance_coverage, RATIO_DIGITS),
                     None if o.equity_lost is None else fixed(o.equity_lost, RATIO_DIGITS),
                     None if o.reserves_coverage_after is None else fixed(o.reserves_coverage_after, RATIO_DIGITS)))
    params = {
        "stress.book": book.source or "margin book",
        "stress.accounts": str(book.n),
        "stress.grid": "uniform shock to every non-cash asset price, 0% to -50% in steps of 1% (51 points)",
        "stress.impact": impact.describe(),
        "stress.impact_depth": ", ".join(f"{c}={eng.depth[c]}" for c in book.codes if c != book.currency),
        "stress.prices_e8": ", ".join(f"{a.code}={a.price_e8}" for a in book.assets),
        "stress.insurance_fund": str(book.insurance_fund),
        "stress.arithmetic": "int64 (bounds proven)" if eng.exact_int64 else "Python integers (object arrays)",
    }
    table = Table("stress_curve", "Stress test: uniform price shock with liquidation cascade", (
        Column("shock", "ratio", "relative price change (-0.3 = -30%)"), Column("liquidated", "int", "accounts"),
        Column("cascade_rounds", "int"), Column("proceeds", "int", ccy), Column("bad_debt", "int", ccy),
        Column("insurance_covered", "int", ccy), Column("uncovered", "int", ccy),
        Column("insurance_coverage", "ratio", "insurance fund / bad debt"),
        Column("equity_lost", "ratio", "share of client equity lost"),
        Column("reserves_coverage_after", "ratio", "reserves / (net liabilities + uncovered bad debt)")),
        tuple(rows), f"Impact model: {impact.describe()}. Depth defaults to the book's whole holding of each asset.")
    ptable = Table("stress_parameters", "Stress test parameters", (Column("parameter"), Column("value")),
                   tuple((k, v) for k, v in params.items()))
    return [table, ptable], params


def _insurance_table(ledger: Any, book: MarginBook | None, currency: str) -> Table:
    """The insurance fund per asset: the reporting currency always, other assets where non-zero.

    With a ledger the balances are ``Ledger.insurance_fund_balance(asset)`` (the ``insurance``
    account's ``main`` book); with only a margin book, the book's fund (reporting currency).
    """
    rows: list[tuple[Cell, ...]] = []
    if ledger is not None:
        assets = ledger.assets()
        for code in [currency] + sorted(c for c in assets if c != currency):
            bal = int(ledger.insurance_fund_balance(code))
            if bal or code == currency:
                dec = assets[code].decimals if code in assets else None
                rows.append((code, dec, bal))
    elif book is not None:
        rows.append((book.currency, book.currency_decimals, book.insurance_fund))
    return Table("insurance_fund", "Insurance fund", (
        Column("asset"), Column("decimals", "int"), Column("balance", "int", "asset minor units")), tuple(rows),
        "The insurance fund covers the bad debt of liquidations first (see the stress test).")


WITHDRAWAL_COUNTS = (
    ("requested", "every withdrawal request ever made"),
    ("ever_flagged", "flagged by the rules screen when requested (whatever happened next)"),
    ("flagged", "now in the manual review queue"),
    ("pending", "now waiting for approver signatures"),
    ("approved", "approved, in the cooling period or waiting for a settlement batch"),
    ("settled", "paid out"),
    ("rejected", "rejected (on review or by an approver); the held amount went back to the client"),
)
WITHDRAWAL_QUEUES = (
    ("flagged", "manual review"),
    ("pending", "approver signatures"),
    ("approved", "cooling / settlement"),
)


def _withdrawal_tables(ledger: Any, now: str) -> list[Table]:
    """From ``Ledger.withdrawal_stats(now)``: counts per status, and the age of each open queue at ``now``."""
    stats = ledger.withdrawal_stats(now=now)
    counts = tuple((status, int(stats[status]), meaning) for status, meaning in WITHDRAWAL_COUNTS)
    ages = stats["queue_ages"]
    age_rows = tuple((q, what, int(ages[q]["count"]), int(ages[q]["oldest_s"]), int(ages[q]["mean_s"]))
                     for q, what in WITHDRAWAL_QUEUES)
    return [
        Table("withdrawals", "Withdrawal activity", (
            Column("status"), Column("count", "int", "requests"), Column("meaning")), counts,
            "Counts of the whole withdrawal history in the ledger at the report's generation time. A request "
            "goes: rules screen (flagged ones wait for review) -> approvals above the threshold -> cooling -> "
            "settlement in capped batches."),
        Table("withdrawal_queues", "Withdrawal queue ages", (
            Column("queue"), Column("waiting_for"), Column("waiting", "int", "requests"),
            Column("oldest_age", "int", "seconds"), Column("mean_age", "int", "seconds")), age_rows,
            f"Age = time since the request, at {now} (the report's generation time), whole seconds rounded down."),
    ]


def _ledger_parameters(ledger: Any) -> dict[str, str]:
    head = ledger.head()
    size, root = ledger.log_root()
    return {"ledger.head": f"journal seq {head['seq']} at {head['time']}",
            "ledger.log_root": f"{root} (size {size})",
            "ledger.read": "margin accounts, insurance fund and withdrawals are read from the ledger at the "
                           "report's generation time (not at the epochs' cut-off); the margin book is valued at "
                           "the latest epoch's prices where it has them"}


# --------------------------------------------------------------------------------------------------
# the entry point


def collect(epoch_dirs: Sequence[str | Path], ledger: Any = None, *, book: MarginBook | None = None,
            verifier: Verifier | None = None, generated_at: str | None = None,
            impact: Impact | None = None, risk: Any = None) -> ReportData:
    """Collect the report for ``epoch_dirs`` (one or more epochs, or parents of epoch directories).

    Args:
        epoch_dirs: epoch bundle directories, or directories whose children are epoch bundles.
        ledger: an open ``por.ledger`` Ledger (for margin, insurance fund, withdrawal sections).
        book: a margin book to stress instead of the ledger's (its prices are replaced by the latest
            epoch's where the epoch has them).
        verifier: ``path -> Result``; default the auditor's verifier (:func:`default_verifier`).
        generated_at: when the report is generated (UTC, ``YYYY-MM-DDTHH:MM:SSZ``); default now. The
            withdrawal queue ages are measured at this time; tests fix it.
        impact: the price-impact model of the stress curve (default linear, k = 0.1).
        risk: a :class:`por.risk.report.RiskSettings` to add the risk section (estimates: Monte Carlo
            stress, early warning, margin proposals, run risk; protocol §11.6); None leaves it out.

    Raises:
        ReportError: no epoch directory given.
    """
    paths = expand_epoch_dirs(epoch_dirs)
    if not paths:
        raise ReportError("no epoch directory given")
    if generated_at is None:
        generated_at = format_time(datetime.now(UTC))
    verify = verifier or default_verifier()
    impact = impact or DEFAULT_IMPACT
    # 1-2. read and verify every epoch
    epochs = []
    for p in paths:
        manifest, err = read_epoch_manifest(p)
        epochs.append(_Epoch(p, manifest, err, _verify(p, verify)))
    epochs.sort(key=lambda e: e.sort_key)
    readable = [e.signed for e in epochs if e.signed is not None]
    latest = readable[-1] if readable else None
    if latest is not None:
        currency, cd = latest.reporting_currency, latest.reporting_decimals
    else:
        currency = book.currency if book else "USD"
        cd = book.currency_decimals if book is not None else 2
    ccy = f"{currency} minor units (10^-{cd})"
    # 3. bundle tables
    tables, notes = _tables_from_epochs(epochs, currency, cd)
    unavailable: dict[str, str] = {}
    params: dict[str, str] = {"report.ratio_rounding": "exact fractions, rounded toward -infinity, 6 digits"}
    for i, note in enumerate(notes):
        params[f"note.{i + 1}"] = note
    # 4. ledger / book tables
    epoch_prices: dict[str, int] = {} if latest is None else dict(latest.prices)
    stress_book: MarginBook | None = None
    book_reason = NO_LEDGER
    if book is not None:
        stress_book = book.with_prices(epoch_prices)
    elif ledger is not None:
        try:
            stress_book = book_from_ledger(ledger, epoch_prices or None, currency)
        except PorError as exc:
            book_reason = f"ledger: {exc.diagnostics()}"
        else:
            params["stress.price_source"] = ", ".join(
                f"{a.code}: {'latest epoch' if a.code in epoch_prices else 'ledger current price'}"
                for a in stress_book.assets if a.code != stress_book.currency)
    totals = None if latest is None else disclosed_totals(latest)
    if stress_book is not None and totals is not None and stress_book.reserves is None:
        reserves, liabilities = totals
        if all(c in stress_book.codes for c in set(reserves) | set(liabilities)):
            stress_book.reserves, stress_book.liabilities = reserves, liabilities
    margin_names = ("margin_summary", "leverage_distribution", "leverage_limits", "stress_curve",
                    "stress_parameters")
    if stress_book is not None:
        tables += _margin_tables(stress_book, ccy)
        st, _ = _stress_tables(stress_book, impact, ccy)
        tables += st
        if stress_book.reserves is None:
            params["stress.reserves_coverage"] = ("not available: the latest epoch does not disclose liabilities "
                                                  "publicly, so coverage after a shock cannot be computed")
    else:
        for name in margin_names:
            unavailable[name] = book_reason
    if risk is not None:  # 5. the risk section (estimates, labelled; protocol §11.6), built by the caller's
        r_tables, r_params, r_unavailable = risk.section(stress_book, ledger, ccy)  # por.risk settings
        tables += r_tables
        params.update(r_params)
        unavailable.update(r_unavailable)
    if ledger is not None:
        sections: tuple[tuple[tuple[str, ...], Callable[[], list[Table]]], ...] = (
            (("insurance_fund",), lambda: [_insurance_table(ledger, stress_book, currency)]),
            (("withdrawals", "withdrawal_queues"), lambda: _withdrawal_tables(ledger, generated_at)),
        )
        for names, build in sections:
            try:
                tables += build()
            except PorError as exc:
                for name in names:
                    unavailable[name] = f"ledger: {exc.diagnostics()}"
        try:
            params.update(_ledger_parameters(ledger))
        except PorError as exc:
            params["ledger.head"] = f"not available: {exc.diagnostics()}"
    else:
        if book is not None:
            tables.append(_insurance_table(None, book, currency))
        else:
            unavailable["insurance_fund"] = NO_LEDGER
        unavailable["withdrawals"] = NO_LEDGER
        unavailable["withdrawal_queues"] = NO_LEDGER
    # verification table last (it can be long)
    ver_rows: list[tuple[Cell, ...]] = []
    verification = []
    for e in epochs:
        checks: tuple[Check, ...] = tuple(e.result.checks)
        if e.signed is None:
            checks = checks + (Check("report.manifest", False, e.error or "manifest unreadable"),)
        ok = bool(checks) and all(c.ok for c in checks)
        verification.append(EpochVerification(e.epoch_id, str(e.path), ok, checks))
        for c in checks:
            ver_rows.append((e.epoch_id, c.id, "PASS" if c.ok else "FAIL", c.message))
    tables.append(Table("verification", "Verification results", (
        Column("epoch_id"), Column("check"), Column("result"), Column("message")), tuple(ver_rows)))
    return ReportData(
        generated_at=generated_at, reporting_currency=currency, currency_decimals=cd,
        epochs=tuple(e.epoch_id for e in epochs), verification=tuple(verification), tables=tuple(tables),
        unavailable=unavailable, parameters=params)
