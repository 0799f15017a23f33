"""Steps 6 to 9 of the auditor's verifier (docs/protocol.md §9.5): the tree, the reserves
configuration and the figures drawn from it, prices, attestations and solvency.

Each step parses what it reads at its top, from the bytes the bundle was hashed with (the opened
bundle), and opens no file; its errors go to the step runner (:meth:`por.verify.context.Audit.run`).
"""

from __future__ import annotations

from typing import Any

from por.errors import PorError
from por.result import Result
from por.verify.context import Audit, as_published


def step_tree(a: Audit) -> None:
    """6. ``tree.*``: the full tree check (§7.11) on the private copy of the store that was hashed."""
    from por.tree import verify_tree

    m = a.m
    copy, published = a.store()
    if copy is None:
        a.res.failed("tree.store", f"{m['tree']['store']} is missing from the bundle")
        return
    r = verify_tree(copy, expected=m["tree"], prices=_int_map(m.get("collateral_prices")),
                    haircuts_bps=_int_map(m.get("haircuts_bps")), executor=a.given.executor,
                    progress=a.given.progress)
    a.res.merge(as_published(r, copy, published))


def step_reserves_config(a: Audit) -> None:
    """6. ``reserves-config``, ``reserves-config.decimals``, ``reserves-config.haircuts`` (§9.4)."""
    a.cfg = _reserves_config(a.res, a.m)


def step_prices(a: Audit) -> None:
    """7. ``price.<asset>``, ``price.assets``, ``price.file``: the quorum median of prices.json's
    reports bound to this epoch and cut-off is the manifest's price (§8.5)."""
    from por.reserves.oracle import SignedReport, aggregate_price
    from por.units import cutoff_datetime, iso_seconds

    m, cfg, res = a.m, a.cfg, a.res
    if cfg is None:
        res.failed("price", "no usable reserves configuration in the manifest, hence no price policy")
        return
    doc = a.json("prices.json")
    reports = []
    for i, d in enumerate(doc.get("reports", [])):
        try:
            reports.append(SignedReport.from_dict(d))
        except PorError as exc:
            res.failed(f"price.report.{i}", f"prices.json report {i} is malformed: {exc.diagnostics()}")
    now = cutoff_datetime(m["cutoff_time"])  # the signed cut-off
    bound = (str(m["epoch_id"]), iso_seconds(m["cutoff_time"]))  # reports must name this epoch and cut-off
    _price_file(res, doc, m, cfg.reporting_currency)
    cols = sorted({str(c["asset"]) for c in m["columns"]})
    if sorted(m["prices"]) != cols:
        res.failed("price.assets", f"the manifest prices {sorted(m['prices'])}, its columns' assets are {cols}")
    for asset, price in sorted(m["prices"].items()):
        if asset == cfg.reporting_currency and asset not in cfg.price:
            ok = int(price) == 10**8
            res.add(f"price.{asset}", ok, f"{asset} is the reporting currency (price 1)" if ok
                    else f"{asset}: the reporting currency must have price 10^8, manifest says {price}")
            continue
        try:
            q = aggregate_price(reports, cfg.price[asset], a.keyring, now, epoch=bound)
        except PorError as exc:
            res.failed(f"price.{asset}", f"{asset}: no valid quorum price from prices.json: {exc.diagnostics()}")
            continue
        if q.price_e8 != int(price):
            res.failed(f"price.{asset}", f"{asset}: the oracle median is {q.price_e8}, the manifest uses {price}")
        else:
            res.passed(f"price.{asset}", f"{asset}: median {q.price_e8} of {len(q.used)} signed report(s) "
                       f"matches the manifest")


def step_collateral_prices(a: Audit) -> None:
    """7. ``price.collateral``: the prices of record per minor unit under the governed decimals (§9.2)."""
    from por.reserves.policy import collateral_prices_of

    m = a.m
    if a.cfg is None:
        a.res.failed("price.collateral", "no usable reserves configuration, hence no governed decimals")
        return
    want = collateral_prices_of(a.cfg, {str(k): int(p) for k, p in m["prices"].items()})
    got = _int_map(m.get("collateral_prices")) or {}
    a.res.add("price.collateral", got == want,
              "collateral prices are the prices of record per minor unit (price_e8 · 10^(D − decimals), "
              "decimals from the reserves configuration)"
              if got == want else f"collateral prices {got} are not the prices of record per minor unit under "
              f"the reserves configuration's decimals {want}")


def step_attestations(a: Audit) -> None:
    """8. ``attestation.*`` and ``reserves.<asset>``: the policy evaluation re-run; its totals and
    per-custodian outcomes are the manifest's (§8.4)."""
    from por.reserves.attestation import Attestation
    from por.reserves.policy import EpochContext, Malformed, evaluate, reserves_section

    doc = a.json("attestations.json")
    m, res = a.m, a.res
    items: list[Any] = []
    for i, d in enumerate(doc["attestations"]):
        label = str(d.get("label", f"#{i}"))
        try:
            items.append((label, Attestation.from_dict(d["attestation"])))
        except (PorError, KeyError, TypeError, ValueError) as exc:
            items.append((label, Malformed(label, str(exc))))
    ctx = EpochContext.from_dict(m["epoch_context"])
    if ctx.epoch_id != m["epoch_id"] or ctx.nonce != m["nonce"]:
        res.failed("attestation.context", "the epoch context in the manifest names another epoch or nonce")
        return
    if doc.get("format") != "por-attestations/1" or doc.get("epoch") != m["epoch_context"]:
        res.failed("attestation.context", "attestations.json is not a por-attestations/1 document of the "
                   "manifest's epoch context (format or epoch differ)")
        return
    ev = evaluate(items, a.keyring, a.cfg.reserve, ctx)
    res.merge(ev.result)
    ours = reserves_section(ev.totals(), [o.to_dict() for o in ev.outcomes])
    for asset in sorted(set(m["reserves"]) | set(ours)):
        claimed = m["reserves"].get(asset, {})
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
    if a.m["tree"].get("mode") != "committed":
        _plain_solvency(a.res, a.m)
        return
    from por.reserves.solvency import verify_solvency

    doc = a.json("solvency.json")
    m, res = a.m, a.res
    if doc.get("format") != "por-solvency-set/1":
        res.failed("solvency.file", f"solvency.json format {doc.get('format')!r:.40} is not 'por-solvency-set/1'")
    openings = a.given.openings.get()["openings"] if a.given.openings is not None else {}
    cols = [(c["asset"], c["kind"]) for c in m["columns"]]
    roots = m["tree"]["root"]
    for asset in sorted({x for x, _ in cols}):
        proof = doc["proofs"].get(asset)
        if proof is None:
            res.failed(f"solvency.{asset}", f"{asset}: no solvency proof in solvency.json")
            continue
        commitments = {k: bytes.fromhex(roots[i]) for i, (x, k) in enumerate(cols) if x == asset}
        reserves = int(m["reserves"].get(asset, {}).get("amount", 0))
        r = verify_solvency(proof, epoch_id=m["epoch_id"], nonce=m["nonce"], root_commitments=commitments,
                            reserves=reserves, opening=openings.get(asset))
        res.merge(r)
    _disclosure(res, m, doc, sorted({x for x, _ in cols}))


def _plain_solvency(res: Result, m: dict[str, Any]) -> None:
    cols = [(c["asset"], c["kind"]) for c in m["columns"]]
    sums = [int(x) for x in m["tree"]["root"]]
    for asset in sorted({a for a, _ in cols}):
        eq = sum(s for (a, k), s in zip(cols, sums, strict=True) if a == asset and k == "equity")
        debt = sum(s for (a, k), s in zip(cols, sums, strict=True) if a == asset and k == "debt")
        reserves = int(m["reserves"].get(asset, {}).get("amount", 0))
        ok = reserves - (eq - debt) >= 0
        res.add(f"solvency.{asset}", ok, f"{asset}: reserves {reserves} − (equity {eq} − debt {debt}) = "
                f"{reserves - eq + debt} (plain tree: sums in clear)")


def _disclosure(res: Result, m: dict[str, Any], doc: dict[str, Any], assets: list[str]) -> None:
    """The manifest's disclosure mode is the solvency proofs' and, when ``public``, its liabilities are
    the values the proofs open (a reader of the manifest alone must not be told another figure)."""
    mode = m.get("disclosure")
    modes = {a: (doc["proofs"].get(a) or {}).get("disclosure") for a in assets}
    other = {a: d for a, d in modes.items() if d != mode}
    if other:
        res.failed("solvency.disclosure", f"the manifest's disclosure is {mode!r} but the solvency proofs say {other}")
        return
    if mode != "public":
        if "liabilities" in m:
            res.failed("solvency.disclosure", f"the manifest publishes liabilities with disclosure {mode!r}")
        else:
            res.passed("solvency.disclosure", f"disclosure {mode!r}: no liabilities in the manifest")
        return
    published = m.get("liabilities")
    opened = {a: {k: int(o["value"]) for k, o in dict(doc["proofs"][a].get("openings") or {}).items()}
              for a in assets}
    if published != opened:
        res.failed("solvency.disclosure", f"the manifest's liabilities {published} are not the values the solvency "
                   f"proofs open {opened}")
        return
    res.passed("solvency.disclosure", "public disclosure: the manifest's liabilities are the opened root values")


def _price_file(res: Result, doc: dict[str, Any], m: dict[str, Any], reporting: str) -> None:
    """prices.json's own summary (format, epoch, cut-off, reporting currency, quotes) is the manifest's:
    a reader of that file alone must not be shown other prices than those the epoch used."""
    from por.reserves.oracle import PRICES_FORMAT
    from por.units import iso_seconds

    problems = []
    if doc.get("format") != PRICES_FORMAT:
        problems.append(f"format {doc.get('format')!r} is not {PRICES_FORMAT!r}")
    if doc.get("epoch_id") != m["epoch_id"]:
        problems.append(f"epoch {doc.get('epoch_id')!r} is not the manifest's {m['epoch_id']!r}")
    if doc.get("cutoff") != iso_seconds(m["cutoff_time"]):
        problems.append(f"cutoff {doc.get('cutoff')!r} is not the manifest's cut-off {m['cutoff_time']}")
    if doc.get("reporting_currency") != reporting or m.get("reporting_currency") != reporting:
        problems.append(f"reporting currency {doc.get('reporting_currency')!r} (manifest "
                        f"{m.get('reporting_currency')!r}) is not the policy's {reporting!r}")
    quotes = doc.get("quotes")
    got = {a: q.get("price_e8") for a, q in quotes.items()} if isinstance(quotes, dict) else quotes
    if got != m["prices"]:
        problems.append(f"quotes {got} are not the manifest's prices {m['prices']}")
    res.add("price.file", not problems, "prices.json summarises the manifest's prices at its cut-off" if not problems
            else "prices.json: " + "; ".join(problems))


def _reserves_config(res: Result, m: dict[str, Any]) -> Any:
    """The manifest's reserves configuration, and every figure the verifiers take from it.

    Asset decimals, haircuts and (in ``price.collateral``) the collateral prices are derived from this
    one document, whose identity (``reserves_config_ref``: the governing journal entry and the SHA-256
    of its canonical JSON) the manifest carries; with the ledger, ``completeness.reserves-config``
    checks it is the governed one. The manifest's own ``assets``, ``reporting_*`` and ``haircuts_bps``
    fields must be the configuration's (protocol §9.5): an operator that re-signs them with other
    values (AAPL at 0 decimals, a haircut of 10000 bps) fails here by name. Returns the configuration,
    or None when it is unusable (a failed ``reserves-config``).
    """
    from por.reserves.policy import ReservesConfig

    doc = m["reserves_config"]
    try:
        cfg = ReservesConfig.from_dict(doc)
    except PorError as exc:
        res.failed("reserves-config", f"the manifest's reserves_config is not a reserves configuration: "
                   f"{exc.diagnostics()}")
        return None
    _config_ref(res, m, cfg)
    _config_decimals(res, m, cfg)
    # haircuts: governed, never the manifest's own choice
    from por.reserves.policy import haircuts_of

    want = haircuts_of(cfg, dict(m["prices"]))
    got = m.get("haircuts_bps")
    res.add("reserves-config.haircuts", got == want,
            f"haircuts {want} are the reserves configuration's" if got == want
            else f"the manifest's haircuts_bps {got} are not the reserves configuration's {want}")
    return cfg


def _config_ref(res: Result, m: dict[str, Any], cfg: Any) -> None:
    """``reserves-config``: the configuration is in resolved form and ``reserves_config_ref`` names an
    entry at or before ``journal_seq`` and the SHA-256 of its canonical JSON."""
    from por.reserves.policy import config_sha256

    doc = m["reserves_config"]
    ref = m.get("reserves_config_ref")
    seq = m["journal_seq"]
    problems = []
    if cfg.to_dict() != doc:
        problems.append("reserves_config is not in its resolved form (every asset's decimals and haircut_bps)")
    if not isinstance(ref, dict) or set(ref) != {"seq", "entry_hash", "sha256"}:
        problems.append(f"reserves_config_ref {ref!r:.80} is not {{seq, entry_hash, sha256}}")
    else:
        if type(ref["seq"]) is not int or not 1 <= ref["seq"] <= seq:
            problems.append(f"reserves_config_ref.seq {ref['seq']!r} is not an entry at or before journal_seq {seq}")
        digest = config_sha256(doc)
        if ref["sha256"] != digest:
            problems.append(f"reserves_config_ref.sha256 {str(ref['sha256'])[:16]}… is not the SHA-256 of the "
                            f"canonical reserves_config ({digest[:16]}…)")
    if problems or not isinstance(ref, dict):
        res.failed("reserves-config", "; ".join(problems))
    else:
        res.passed("reserves-config", f"reserves configuration {ref['sha256'][:16]}… is consistent with its "
                   f"reference (it names journal entry {ref['seq']}; only the ledger shows that entry set it)")


def _config_decimals(res: Result, m: dict[str, Any], cfg: Any) -> None:
    """``reserves-config.decimals``: the manifest's assets table is the configuration's, and names
    every column asset; so are its reporting currency and decimals."""
    assets = m["assets"]
    bad = []
    if not isinstance(assets, dict):
        bad.append(f"assets is not an object ({type(assets).__name__})")
    else:
        for a, spec in sorted(assets.items()):
            d = spec.get("decimals") if isinstance(spec, dict) else None
            if a not in cfg.decimals or type(d) is not int or d != cfg.decimals[a]:
                bad.append(f"{a}: manifest {d!r}, configuration {cfg.decimals.get(a)!r}")
        cols = sorted({str(c["asset"]) for c in m["columns"]} - set(assets))
        if cols:
            bad.append(f"column assets {cols} are not in the assets table")
    if m.get("reporting_currency") != cfg.reporting_currency or m.get("reporting_decimals") != cfg.reporting_decimals:
        bad.append(f"reporting currency {m.get('reporting_currency')!r}/{m.get('reporting_decimals')!r} decimals, "
                   f"configuration {cfg.reporting_currency!r}/{cfg.reporting_decimals!r}")
    res.add("reserves-config.decimals", not bad, "asset decimals are the reserves configuration's" if not bad
            else "the manifest's asset decimals are not the reserves configuration's: " + "; ".join(bad))


def _int_map(d: Any) -> dict[str, int] | None:
    if d is None:
        return None
    return {str(k): int(v) for k, v in dict(d).items()}
