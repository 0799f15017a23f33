"""Steps 6 to 9 of the auditor's verifier (docs/protocol.md §9.5): the tree, the reserves
configuration and the figures drawn from it, prices, attestations and solvency.

Each step parses what it reads at its top, from the bytes the bundle was hashed with (the opened
bundle), and opens no file; its errors go to the step runner (:meth:`por.verify.context.Audit.run`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from por import tree as sum_tree  # called through the module: tests substitute its functions
from por.bundle import parse_attestations, parse_prices, parse_solvency
from por.bundle.manifest import ManifestBody
from por.bundle.prices import Prices
from por.bundle.solvency import SolvencySet
from por.errors import PorError
from por.reserves.attestation import Attestation
from por.reserves.ledger_adapter import collection_record
from por.reserves.oracle import SignedReport, aggregate_price, reporting_currency_quote
from por.reserves.policy import (
    EpochContext,
    Malformed,
    ReservesConfig,
    collateral_prices_of,
    config_sha256,
    evaluate,
    haircuts_of,
    reserves_section,
)
from por.reserves.solvency import verify_solvency
from por.result import Result
from por.units import PRICE_SCALE, cutoff_datetime, iso_seconds
from por.verify.context import Audit, as_published


def step_tree(a: Audit) -> None:
    """6. ``tree.*``: the full tree check (§7.11) on the private copy of the store that was hashed."""
    m = a.m
    copy, published = a.store()
    if copy is None:
        a.res.failed("tree.store", f"{m.tree.store} is missing from the bundle")
        return
    r = sum_tree.verify_tree(copy, expected=m.tree, prices=dict(m.collateral_prices),
                    haircuts_bps=dict(m.haircuts_bps), executor=a.given.executor, progress=a.given.progress)
    a.res.merge(as_published(r, copy, published))


def step_reserves_config(a: Audit) -> None:
    """6. ``reserves-config``, ``reserves-config.decimals``, ``reserves-config.haircuts`` (§9.4)."""
    a.cfg = _reserves_config(a.res, a.m)


def step_prices(a: Audit) -> None:
    """7. ``price.<asset>``, ``price.assets``, ``price.file``: the quorum median of prices.json's
    reports bound to this epoch and cut-off is the manifest's price, and each quote is exactly what
    this verifier recomputes from those reports (§8.5, §9.3)."""
    m, cfg, res = a.m, a.cfg, a.res
    if cfg is None:
        res.failed("price", "no usable reserves configuration in the manifest, hence no price policy")
        return
    doc = a.document("prices.json", parse_prices, "price.file")
    reports = [SignedReport.from_model(r) for r in doc.reports]
    now = cutoff_datetime(m.cutoff_time)  # the signed cut-off
    bound = (m.epoch_id, iso_seconds(m.cutoff_time))  # reports must name this epoch and cut-off
    _price_file(res, doc, m, cfg.reporting_currency)
    cols = sorted({c.asset for c in m.columns})
    if sorted(m.prices) != cols:
        res.failed("price.assets", f"the manifest prices {sorted(m.prices)}, its columns' assets are {cols}")
    used: list[Any] = []
    for asset, price in sorted(m.prices.items()):
        if asset == cfg.reporting_currency and asset not in cfg.price:
            quote = doc.quotes.get(asset)  # the writer's quote of price 1: marked, at the cut-off, nothing else
            ok = (price == PRICE_SCALE and quote is not None
                  and quote.to_json_value() == reporting_currency_quote(asset, bound[1]))
            res.add(f"price.{asset}", ok, f"{asset} is the reporting currency (price 1)" if ok
                    else f"{asset}: the reporting currency must have price 10^8 and a quote marked as the reporting "
                    f"currency at the cut-off with no oracles or entries (manifest {price}, prices.json {quote!r:.200})")
            continue
        if asset not in cfg.price:  # a configuration (the manifest's, or one given) with no policy for it
            res.failed(f"price.{asset}", f"{asset}: the reserves configuration has no price policy for it")
            continue
        try:
            q = aggregate_price(reports, cfg.price[asset], a.keyring, now, epoch=bound)
        except PorError as exc:
            res.failed(f"price.{asset}", f"{asset}: no valid quorum price from prices.json: {exc.diagnostics()}")
            continue
        used.extend(q.used)
        quote_problem = _quote_problem(doc, m, q)
        if q.price_e8 != price:
            res.failed(f"price.{asset}", f"{asset}: the oracle median is {q.price_e8}, the manifest uses {price}")
        elif quote_problem:
            res.failed(f"price.{asset}", f"{asset}: prices.json's quote is not what its reports give: {quote_problem}")
        else:
            res.passed(f"price.{asset}", f"{asset}: median {q.price_e8} of {len(q.used)} signed report(s) "
                       f"matches the manifest")
    _reports_all_used(res, doc, used)


def _quote_problem(doc: Prices, m: ManifestBody, q: Any) -> str:
    """How prices.json's quote for ``q.asset`` differs from the quote recomputed from its reports
    (oracles used, newest time, nothing dropped among the published reports), or ''. The ledger
    entries cannot be recomputed without the ledger: one per oracle used, distinct, at or before
    the cut-off entry (``completeness.prices`` compares them with the ledger's)."""
    quote = doc.quotes.get(q.asset)
    if quote is None:
        return "no quote"
    want = q.to_dict()
    bad = [f"{k} {getattr(quote, k)!r:.80} (recomputed {want[k]!r:.80})" for k in ("oracles", "time")
           if list(getattr(quote, k)) != want[k] and getattr(quote, k) != want[k]]
    if q.dropped:
        bad.append(f"the published reports {[o for o, _ in q.dropped]} are dropped ({q.dropped[0][1]})")
    entries = list(quote.ledger_entries)
    if len(entries) != len(quote.oracles) or len(set(entries)) != len(entries) or any(
            e > m.journal_seq for e in entries):
        bad.append(f"ledger_entries {entries} are not one distinct entry at or before {m.journal_seq} per oracle used")
    if quote.reporting_currency is not None:
        bad.append("it is marked as the reporting currency")
    return "; ".join(bad)


def _reports_all_used(res: Result, doc: Prices, used: list[Any]) -> None:
    """``price.reports``: prices.json publishes exactly the reports its quotes rest on, in the
    writer's order (per asset, by oracle): a report no quote uses is not the operator's to add."""
    want = [r.to_dict() for r in used]
    got = [r.to_json_value() for r in doc.reports]
    if got == want:
        res.passed("price.reports", f"prices.json publishes exactly the {len(want)} report(s) its quotes use")
    else:
        extra = len([r for r in got if r not in want])
        res.failed("price.reports", f"prices.json's {len(got)} report(s) are not exactly the {len(want)} its quotes "
                   f"use, in order ({extra} not used by any quote)")


def step_collateral_prices(a: Audit) -> None:
    """7. ``price.collateral``: the prices of record per minor unit under the governed decimals (§9.2)."""
    m = a.m
    if a.cfg is None:
        a.res.failed("price.collateral", "no usable reserves configuration, hence no governed decimals")
        return
    want = collateral_prices_of(a.cfg, dict(m.prices))
    got = dict(m.collateral_prices)
    a.res.add("price.collateral", got == want,
              "collateral prices are the prices of record per minor unit (price_e8 · 10^(D − decimals), "
              "decimals from the reserves configuration)"
              if got == want else f"collateral prices {got} are not the prices of record per minor unit under "
              f"the reserves configuration's decimals {want}")


def step_attestations(a: Audit) -> None:
    """8. ``attestation.*`` and ``reserves.<asset>``: the policy evaluation re-run; its totals and
    per-custodian outcomes are the manifest's (§8.4)."""
    doc = a.document("attestations.json", parse_attestations, "attestation")
    m, res = a.m, a.res
    if a.cfg is None:
        res.failed("attestation", "no usable reserves configuration in the manifest, hence no reserve policy")
        return
    labels = _label_problem([it.label for it in doc.attestations])
    if labels:
        res.failed("attestation.labels", labels)
        return
    items: list[Any] = [(it.label, Attestation.from_model(it.attestation) if it.attestation is not None
                         else Malformed(it.label, str(it.error))) for it in doc.attestations]
    ctx = EpochContext.from_model(m.epoch_context)
    if ctx.epoch_id != m.epoch_id or ctx.nonce != m.nonce:
        res.failed("attestation.context", "the epoch context in the manifest names another epoch or nonce")
        return
    if doc.epoch != m.epoch_context:
        res.failed("attestation.context", "attestations.json is not a por-attestations/1 document of the "
                   "manifest's epoch context (format or epoch differ)")
        return
    ev = evaluate(items, a.keyring, a.cfg.reserve, ctx)
    res.merge(ev.result)
    a.collection = collection_record(m.epoch_id, ev)  # step 11 compares it with the ledger's
    _compare_reserves(res, m, reserves_section(ev.totals(), [o.to_dict() for o in ev.outcomes]))


#: check ids of step 8 an attestation's label must not take (``attestation.<label>``)
_STEP_IDS = frozenset({"context", "labels"})


def _label_problem(labels: list[str]) -> str:
    """Why the items' labels cannot name them (each is the file name the attestation was collected
    as, docs/protocol.md §9.3, and becomes the check id ``attestation.<label>``; the items are in that
    order, which decides which of two duplicates counts), or ''.

    Why: a re-signing operator could otherwise give two items one label (one check id for both) or
    take the id of another check of this step."""
    bad = sorted({x for x in labels if not x or "/" in x or "\\" in x or x.startswith(".") or x in _STEP_IDS
                  or not x.isprintable()})
    twice = sorted({x for x in labels if labels.count(x) > 1})
    if not bad and not twice and labels != sorted(labels):
        return f"attestations.json items are not in the order they were collected (by file name): {labels}"
    if bad or twice:
        return ("attestations.json labels must be distinct file names: " + (f"not file names {bad}" if bad else "")
                + ("; " if bad and twice else "") + (f"repeated {twice}" if twice else ""))
    return ""


def _compare_reserves(res: Result, m: ManifestBody, ours: dict[str, Any]) -> None:
    """``reserves.<asset>``: the manifest's reserves are the re-evaluated totals and outcomes."""
    mine = {asset: r.to_json_value() for asset, r in m.reserves.items()}
    for asset in sorted(set(mine) | set(ours)):
        claimed = mine.get(asset, {})
        got = ours.get(asset, {"amount": 0, "custodians": []})
        if claimed.get("amount") != got["amount"]:
            res.failed(f"reserves.{asset}", f"{asset}: attested reserves {got['amount']} ≠ manifest {claimed.get('amount')}")
        elif claimed.get("custodians") != got["custodians"]:
            res.failed(f"reserves.{asset}", f"{asset}: the manifest's per-custodian outcomes differ from the "
                       f"re-evaluated attestations")
        else:
            res.passed(f"reserves.{asset}", f"{asset}: attested reserves {got['amount']} = manifest "
                       f"({sum(c['counted'] for c in got['custodians'])} statement(s) counted)")


def step_solvency(a: Audit) -> None:
    """9. ``solvency.<asset>.*``, ``solvency.file`` and ``solvency.disclosure`` (§8.7); a plain tree's
    sums are compared in the clear."""
    if a.m.tree.mode != "committed":
        _plain_solvency(a.res, a.m)
        return
    doc = a.document("solvency.json", parse_solvency, "solvency.file")
    m, res = a.m, a.res
    openings = _openings(a)
    cols = [(c.asset, c.kind) for c in m.columns]
    roots = m.tree.root
    for asset in sorted({x for x, _ in cols}):
        proof = doc.proofs.get(asset)
        if proof is None:
            res.failed(f"solvency.{asset}", f"{asset}: no solvency proof in solvency.json")
            continue
        commitments: dict[str, bytes] = {k: bytes.fromhex(roots[i]) for i, (x, k) in enumerate(cols) if x == asset}
        reserves = _reserves_amount(m, asset)
        r = verify_solvency(proof, epoch_id=m.epoch_id, nonce=m.nonce,
                            root_commitments=commitments, reserves=reserves, opening=openings.get(asset))
        res.merge(r)
    _disclosure(res, m, doc, sorted({x for x, _ in cols}))


def _openings(a: Audit) -> dict[str, Any]:
    """The auditor's openings per asset (``--auditor-openings``: ``{"openings": {asset: ...}}``), or {}."""
    if a.given.openings is None:
        return {}
    doc = a.given.openings.get()
    found = doc.get("openings") if isinstance(doc, dict) else None
    if not isinstance(found, dict):
        raise PorError("the auditor openings file has no 'openings' object (asset -> opening)")
    return found


def _reserves_amount(m: ManifestBody, asset: str) -> int:
    r = m.reserves.get(asset)
    return r.amount if r is not None else 0


def _plain_solvency(res: Result, m: ManifestBody) -> None:
    cols = [(c.asset, c.kind) for c in m.columns]
    sums = [int(x) for x in m.tree.root]
    for asset in sorted({a for a, _ in cols}):
        eq = sum(s for (a, k), s in zip(cols, sums, strict=True) if a == asset and k == "equity")
        debt = sum(s for (a, k), s in zip(cols, sums, strict=True) if a == asset and k == "debt")
        reserves = _reserves_amount(m, asset)
        ok = reserves - (eq - debt) >= 0
        res.add(f"solvency.{asset}", ok, f"{asset}: reserves {reserves} − (equity {eq} − debt {debt}) = "
                f"{reserves - eq + debt} (plain tree: sums in clear)")


def _disclosure(res: Result, m: ManifestBody, doc: SolvencySet, assets: list[str]) -> None:
    """The manifest's disclosure mode is the solvency proofs' and, when ``public``, its liabilities are
    the values the proofs open (a reader of the manifest alone must not be told another figure)."""
    mode = m.disclosure
    modes = {a: (p.disclosure if (p := doc.proofs.get(a)) is not None else None) for a in assets}
    other = {a: d for a, d in modes.items() if d != mode}
    if other:
        res.failed("solvency.disclosure", f"the manifest's disclosure is {mode!r} but the solvency proofs say {other}")
        return
    if mode != "public":
        if m.liabilities is not None:
            res.failed("solvency.disclosure", f"the manifest publishes liabilities with disclosure {mode!r}")
        else:
            res.passed("solvency.disclosure", f"disclosure {mode!r}: no liabilities in the manifest")
        return
    published = _plain(m.liabilities)
    opened = {a: {k: o.value for k, o in (doc.proofs[a].openings or {}).items()} for a in assets}
    if published != opened:
        res.failed("solvency.disclosure", f"the manifest's liabilities {published} are not the values the solvency "
                   f"proofs open {opened}")
        return
    res.passed("solvency.disclosure", "public disclosure: the manifest's liabilities are the opened root values")


def _plain(liabilities: Mapping[str, Mapping[Any, int]] | None) -> dict[str, dict[str, int]] | None:
    return None if liabilities is None else {a: dict(v) for a, v in liabilities.items()}


def _price_file(res: Result, doc: Prices, m: ManifestBody, reporting: str) -> None:
    """prices.json's own summary (epoch, cut-off, reporting currency, quotes) is the manifest's:
    a reader of that file alone must not be shown other prices than those the epoch used."""
    problems = []
    if doc.epoch_id != m.epoch_id:
        problems.append(f"epoch {doc.epoch_id!r} is not the manifest's {m.epoch_id!r}")
    if doc.cutoff != iso_seconds(m.cutoff_time):
        problems.append(f"cutoff {doc.cutoff!r} is not the manifest's cut-off {m.cutoff_time}")
    if doc.reporting_currency != reporting or m.reporting_currency != reporting:
        problems.append(f"reporting currency {doc.reporting_currency!r} (manifest "
                        f"{m.reporting_currency!r}) is not the policy's {reporting!r}")
    got = {a: q.price_e8 for a, q in doc.quotes.items()}
    if got != dict(m.prices):
        problems.append(f"quotes {got} are not the manifest's prices {dict(m.prices)}")
    for asset, q in sorted(doc.quotes.items()):
        if q.reporting_currency and (asset != reporting or q.oracles or q.dropped or q.ledger_entries):
            problems.append(f"quote {asset} is marked as the reporting currency {reporting!r}, with oracles or "
                            f"entries")
    res.add("price.file", not problems, "prices.json summarises the manifest's prices at its cut-off" if not problems
            else "prices.json: " + "; ".join(problems))
def _reserves_config(res: Result, m: ManifestBody) -> Any:
    """The manifest's reserves configuration, and every figure the verifiers take from it.

    Asset decimals, haircuts and (in ``price.collateral``) the collateral prices are derived from this
    one document, whose identity (``reserves_config_ref``: the governing journal entry and the SHA-256
    of its canonical JSON) the manifest carries; with the ledger, ``completeness.reserves-config``
    checks it is the governed one. The manifest's own ``assets``, ``reporting_*`` and ``haircuts_bps``
    fields must be the configuration's (protocol §9.5): an operator that re-signs them with other
    values (AAPL at 0 decimals, a haircut of 10000 bps) fails here by name. Returns the configuration,
    or None when it is unusable (a failed ``reserves-config``).
    """
    try:
        cfg = ReservesConfig.from_model(m.reserves_config)
    except PorError as exc:
        res.failed("reserves-config", f"the manifest's reserves_config is not a reserves configuration: "
                   f"{exc.diagnostics()}")
        return None
    _config_ref(res, m, cfg)
    _config_decimals(res, m, cfg)
    want = haircuts_of(cfg, dict(m.prices))  # haircuts: governed, never the manifest's own choice
    got = dict(m.haircuts_bps)
    res.add("reserves-config.haircuts", got == want,
            f"haircuts {want} are the reserves configuration's" if got == want
            else f"the manifest's haircuts_bps {got} are not the reserves configuration's {want}")
    return cfg


def _config_ref(res: Result, m: ManifestBody, cfg: Any) -> None:
    """``reserves-config``: the configuration is in resolved form and ``reserves_config_ref`` names an
    entry at or before ``journal_seq`` and the SHA-256 of its canonical JSON."""
    doc = m.reserves_config.to_json_value()
    ref = m.reserves_config_ref
    problems = []
    if cfg.to_dict() != doc:
        problems.append("reserves_config is not in its resolved form (every asset's decimals and haircut_bps)")
    if not 1 <= ref.seq <= m.journal_seq:
        problems.append(f"reserves_config_ref.seq {ref.seq!r} is not an entry at or before journal_seq {m.journal_seq}")
    digest = config_sha256(doc)
    if ref.sha256 != digest:
        problems.append(f"reserves_config_ref.sha256 {ref.sha256[:16]}… is not the SHA-256 of the "
                        f"canonical reserves_config ({digest[:16]}…)")
    if problems:
        res.failed("reserves-config", "; ".join(problems))
    else:
        res.passed("reserves-config", f"reserves configuration {ref.sha256[:16]}… is consistent with its "
                   f"reference (it names journal entry {ref.seq}; only the ledger shows that entry set it)")


def _config_decimals(res: Result, m: ManifestBody, cfg: Any) -> None:
    """``reserves-config.decimals``: the manifest's assets table is the configuration's, and names
    every column asset; so are its reporting currency and decimals."""
    bad = [f"{a}: manifest {spec.decimals!r}, configuration {cfg.decimals.get(a)!r}"
           for a, spec in sorted(m.assets.items()) if a not in cfg.decimals or spec.decimals != cfg.decimals[a]]
    cols = sorted({c.asset for c in m.columns} - set(m.assets))
    if cols:
        bad.append(f"column assets {cols} are not in the assets table")
    if m.reporting_currency != cfg.reporting_currency or m.reporting_decimals != cfg.reporting_decimals:
        bad.append(f"reporting currency {m.reporting_currency!r}/{m.reporting_decimals!r} decimals, "
                   f"configuration {cfg.reporting_currency!r}/{cfg.reporting_decimals!r}")
    res.add("reserves-config.decimals", not bad, "asset decimals are the reserves configuration's" if not bad
            else "the manifest's asset decimals are not the reserves configuration's: " + "; ".join(bad))
