"""Steps 11 and 12 of the auditor's verifier (docs/protocol.md §9.5), with ledger access: the bundle
is the ledger's at the cut-off entry (completeness), and the ledger is its own signed journal (the
replay). The ledger arrives as a :class:`por.verify.ledger_view.LedgerView` the caller opened.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from por.bundle import parse_keyring, parse_prices
from por.bundle.manifest import ManifestBody
from por.errors import PorError
from por.reserves.keyring import Keyring
from por.reserves.ledger_adapter import (
    entry_time,
    keyring_from_members,
    ledger_quotes,
    reserves_config,
    reserves_config_entry,
)
from por.reserves.policy import ReservesConfig
from por.result import Result
from por.tree import verify_completeness
from por.tree.complete import CHECKS
from por.verify.context import Audit, as_published, run_step
from por.verify.ledger_view import LedgerView


def step_completeness(a: Audit) -> None:
    """11. ``completeness.*``: every client account at ``journal_seq`` is in the tree with its values
    and nothing else is (§7.13); the governed configuration, decimals, cut-off, prices, keyring, log
    root and chain of published epochs are the ledger's."""
    assert a.ledger is not None and a.given.master_secret is not None
    led = a.ledger.get()
    m, res = a.m, a.res
    cols, keep, rows = led.client_liabilities(m.journal_seq)
    _governed_config(res, led, m)
    run_step(res, "completeness.prices", lambda: _ledger_cutoff_and_prices(res, led, m, lambda: _quoted_entries(a)))
    _governed_keyring(a, led)
    _ledger_log_root(res, led, m)
    assert a.manifest is not None
    _governed_chain(res, led, m, a.manifest.sha256)
    run_step(res, "completeness.attestations", lambda: _collection(a, led))
    want = [[c.asset, c.kind] for c in m.columns]
    if [cols[i] for i in keep] != want:
        res.failed("completeness.columns", f"the ledger's non-zero columns at seq {m.journal_seq} are "
                   f"{[cols[i] for i in keep]}, the bundle's {want}")
        return
    copy, published = a.store()
    if copy is None:  # not in the bundle (the tree step said so): what the store reader would say
        for cid in CHECKS:
            res.failed(cid, f"cannot read the tree store: tree store {published} does not exist")
        return
    r = verify_completeness(copy, rows, master_secret=a.given.master_secret, epoch_id=m.epoch_id)
    res.merge(as_published(r, copy, published))


def _collection(a: Audit, led: LedgerView) -> None:
    """``completeness.attestations``: the attestations the bundle publishes, with their labels (the
    file names they were collected as), order and outcomes, are the collection the operator recorded
    in the ledger for this epoch (the ``reserves.collect`` entry, docs/protocol.md §10.4). Why: a
    label cannot be recomputed from the bundle, so without this a re-signing operator could rename
    or reorder what it collected."""
    if a.collection is None:
        return  # step 8 did not get as far as evaluating the attestations: it failed and said why
    recorded = [body["payload"] for _, _, body in led.journal_bodies(["reserves.collect"], led.log_root()[0])
                if body["payload"]["epoch_id"] == a.m.epoch_id]  # journal_bodies checked each body's schema
    if len(recorded) != 1:
        a.res.failed("completeness.attestations", f"the ledger holds {len(recorded)} reserves.collect entries "
                     f"for epoch {a.m.epoch_id}, not exactly one")
    elif recorded[0] != a.collection:
        a.res.failed("completeness.attestations", "attestations.json is not the collection recorded in the ledger "
                     "for this epoch (labels, order, amounts or outcomes differ from its reserves.collect entry)")
    else:
        a.res.passed("completeness.attestations", f"attestations.json is the ledger's reserves.collect entry "
                     f"for epoch {a.m.epoch_id} ({len(a.collection['attestations'])} attestations)")


def step_ledger_integrity(a: Audit) -> None:
    """12. ``ledger.*``: the whole ledger replayed as ``por ledger verify`` does (§10.9), its journal
    extending the published root. Why: completeness compared the bundle with balance and member
    tables that a party with write access to the database could have rewritten to match it."""
    assert a.ledger is not None
    led = a.ledger.get()
    log = a.m.ledger_log
    a.res.merge(led.verify(expected_root=(log.size, log.root), progress=a.given.progress))


def _governed_config(res: Result, led: LedgerView, m: ManifestBody) -> None:
    """The manifest's reserve and price policies are the ledger's governed ones at the cut-off entry
    (without this, an operator could publish a weaker quorum than its governors agreed)."""
    check = "completeness.reserves-config"
    seq = m.journal_seq
    try:
        governed = reserves_config(led, at_seq=seq).to_dict()
    except PorError as exc:
        res.failed(check, f"the ledger has no usable reserves configuration at entry {seq}: {exc}")
        return
    try:
        published = ReservesConfig.from_model(m.reserves_config).to_dict()
    except PorError as exc:
        res.failed(check, f"the manifest's reserves_config is not a reserves configuration "
                   f"({exc.diagnostics()}), so it cannot be the governed one")
        return
    run_step(res, "completeness.asset-decimals", lambda: _asset_decimals(res, led, m, governed))
    entry = reserves_config_entry(led, seq)
    ref = m.reserves_config_ref
    got = {"seq": ref.seq, "entry_hash": ref.entry_hash}
    if published == governed and got != entry:
        res.failed(check, f"the manifest's reserves_config_ref {got} is not the ledger's governing reserves entry "
                   f"at entry {seq} ({entry})")
        return
    if published == governed:
        res.passed(check, f"the manifest's reserves configuration (decimals, haircuts, reserve and price policies) "
                   f"is the ledger's governed one at entry {seq}, set by entry {entry['seq'] if entry else '?'}")
        return
    differ = sorted(k for k in set(published) | set(governed) if published.get(k) != governed.get(k))
    assets = published.get("assets", {}), governed.get("assets", {})
    which = sorted(a for a in set(assets[0]) | set(assets[1]) if assets[0].get(a) != assets[1].get(a))
    res.failed(check, f"the manifest's reserves_config differs from the ledger's governed configuration at entry "
               f"{seq} (fields {differ}" + (f", assets {which}" if which else "") + ")")


def _asset_decimals(res: Result, led: LedgerView, m: ManifestBody, governed: dict[str, Any]) -> None:
    """The governed decimals (hence the manifest's, see ``reserves-config.decimals``) are the ledger's
    asset table's, for every asset both name and every column asset."""
    table = {a: int(info.decimals) for a, info in led.assets().items()}
    conf = {a: spec.get("decimals") for a, spec in dict(governed.get("assets", {})).items()}
    cols = {c.asset for c in m.columns}
    bad = [f"{a}: configuration {conf.get(a)!r}, ledger {table.get(a)!r}"
           for a in sorted((set(conf) & set(table)) | cols) if conf.get(a) != table.get(a)]
    bad += [f"{a}: manifest {spec.decimals!r}, ledger {table.get(a)!r}"
            for a, spec in sorted(m.assets.items()) if spec.decimals != table.get(a)]
    res.add("completeness.asset-decimals", not bad, "asset decimals are the ledger's asset table's" if not bad
            else "asset decimals differ from the ledger's asset table: " + "; ".join(bad))


def _quoted_entries(a: Audit) -> dict[str, list[int]]:
    """The ledger entries each of prices.json's quotes says it rests on (its ``ledger_entries``)."""
    doc = a.document("prices.json", parse_prices, "price.file")
    return {asset: list(q.ledger_entries) for asset, q in doc.quotes.items()}


def _ledger_cutoff_and_prices(res: Result, led: LedgerView, m: ManifestBody,
                              quoted: Callable[[], dict[str, list[int]]]) -> None:
    """With the ledger: ``cutoff_time`` is the signed time of entry ``journal_seq``
    (``completeness.cutoff``), and the prices of record are the quorum median of the oracles'
    ``price`` entries at or before that entry under the governed price policy
    (``completeness.prices``), and prices.json's quotes name those entries (``quoted()``, per asset;
    read after the cut-off is checked, so a prices.json that does not parse leaves that check standing).
    Why: without it an operator could reuse an earlier cut-off and the prices before a crash, or
    publish quotes resting on other entries than the prices of record."""
    seq = m.journal_seq
    t = entry_time(led, seq)
    ok = m.cutoff_time == t
    res.add("completeness.cutoff", ok, f"the cut-off {t} is the time of entry {seq}" if ok
            else f"the manifest's cut-off {m.cutoff_time!r} is not the time of entry {seq} ({t})")
    try:
        cfg = reserves_config(led, at_seq=seq)
        assets = set(m.prices) | {c.asset for c in m.columns}
        quotes = ledger_quotes(led, cfg, assets, seq, t)
    except PorError as exc:
        res.failed("completeness.prices", f"no prices of record from the ledger's price entries up to entry "
                   f"{seq}: {exc.diagnostics()}")
        return
    want = {a: q["price_e8"] for a, q in quotes.items()}
    got = dict(m.prices)
    try:
        entries = quoted()
    except PorError as exc:  # prices.json does not parse (price.file names why): nothing to compare
        res.failed("completeness.prices", f"prices.json's quotes cannot be compared with the price entries of "
                   f"record: {exc.diagnostics()}")
        return
    of_record = {a: list(q["entries"]) for a, q in quotes.items()}
    if got == want and entries != of_record:  # prices.json names the entries of record (§9.3)
        res.failed("completeness.prices", f"prices.json's quotes name the ledger entries {entries}, the price "
                   f"entries of record up to entry {seq} are {of_record}")
    elif got == want:
        res.passed("completeness.prices", f"the prices are the quorum medians of the oracles' price entries up to "
                   f"entry {seq}: " + ", ".join(f"{a} {p}" for a, p in sorted(want.items())))
    else:
        res.failed("completeness.prices", f"the manifest's prices {got} are not the quorum medians of the oracles' "
                   f"price entries up to entry {seq} at {t}: {want}")


def _governed_keyring(a: Audit, led: LedgerView) -> None:
    """The bundle's ``keyring.json`` is the ledger's members as they stood at the cut-off entry or
    after a later membership entry (the pipeline reads it between snapshot and seal).

    Why: without this the trust in custodian and oracle keys rests on the operator's word alone; an
    operator could list a BLS key of its own for a custodian and sign the reserves itself.
    """
    check = "completeness.keyring"
    res = a.res
    seq = a.m.journal_seq
    try:
        doc = a.document("keyring.json", parse_keyring, check)
        as_written = doc.to_json_value()  # compared in the writer's order, below
        published = Keyring.from_model(doc).to_dict()
    except PorError as exc:
        res.failed(check, f"keyring.json is not a keyring ({exc.diagnostics()}), so it cannot be "
                   "the ledger's members")
        return
    try:
        history = led.member_history()
    except PorError as exc:  # a membership row the database writer rewrote (the replay names it too)
        res.failed(check, f"the ledger's membership entries cannot be read: {exc.diagnostics()}")
        return
    before = [h for h in history if h[0] <= seq]
    states = before[-1:] + [h for h in history if h[0] > seq]
    if not states:
        res.failed(check, f"the ledger has no membership entries up to entry {seq}")
        return
    for at, members in states:
        if keyring_from_members(members).to_dict() == as_written:  # in the writer's order (by id, roles sorted)
            res.passed(check, f"keyring.json is the ledger's members as of entry {at} "
                       f"(cut-off entry {seq}; {len(members)} members)")
            return
    mine = {d["id"]: d for d in published.get("members", [])}
    theirs = {d["id"]: d for d in keyring_from_members(states[0][1]).to_dict().get("members", [])}
    extra = sorted(set(mine) - set(theirs))
    missing = sorted(set(theirs) - set(mine))
    changed = sorted(k for k in set(mine) & set(theirs) if mine[k] != theirs[k])
    res.failed(check, f"keyring.json is not the ledger's members at entry {seq} or after any later "
               f"membership entry (against entry {states[0][0]}: not in the ledger {extra}, missing "
               f"{missing}, roles or keys differ {changed}" + ("" if extra or missing or changed else
                                                                "; the same members, not in the writer's order") + ")")


def _ledger_log_root(res: Result, led: LedgerView, m: ManifestBody) -> None:
    """The published ledger-log position is the ledger's own transparency-log root at the cut-off
    entry (the bundle's consistency proof only links published roots to each other)."""
    seq = m.journal_seq
    log = m.ledger_log
    size, root = led.log_root(seq)
    if log.size == seq == size and log.root == root:
        res.passed("completeness.ledger-log", f"the published log root at size {size} is the ledger's ({root[:16]}…)")
        return
    got = (log.size, log.root)
    res.failed("completeness.ledger-log", f"the published ledger log position {got} is not the ledger's at entry "
               f"{seq} (size {size}, root {root})")


def _governed_chain(res: Result, led: LedgerView, m: ManifestBody, manifest_sha256: str) -> None:
    """The chain of published epochs is the journal's: the previous epoch the manifest names is the
    last ``epoch.publish`` entry at or before the cut-off (none skipped, none invented), and if this
    epoch was published, its entry records this very manifest (docs/protocol.md §9.5 step 11)."""
    check = "completeness.epochs"
    seq = m.journal_seq
    pubs = led.epoch_publications()
    before = [p for p in pubs if p["seq"] <= seq]
    named = m.previous.to_json_value() if m.previous is not None else None
    last = before[-1] if before else None
    if last is None:
        if named is not None:
            res.failed(check, f"the manifest names previous epoch {named.get('epoch_id')!r}, but the journal "
                       f"records no published epoch before entry {seq}")
            return
    else:
        want = {"epoch_id": last["epoch_id"], "manifest_sha256": last["manifest_sha256"],
                "size": last["log_size"], "root": last["log_root"]}
        got = {k: named.get(k) for k in want} if isinstance(named, dict) else None
        if got != want:
            res.failed(check, f"the journal's last published epoch before entry {seq} is {last['epoch_id']} "
                       f"(entry {last['seq']}, manifest {str(last['manifest_sha256'])[:16]}…, log size "
                       f"{last['log_size']}); the manifest names {got}")
            return
    mine = [p for p in pubs if p["epoch_id"] == m.epoch_id]
    if any(p["manifest_sha256"] != manifest_sha256 for p in mine):
        res.failed(check, f"the journal records epoch {m.epoch_id} published with another manifest "
                   f"({', '.join(str(p['manifest_sha256'])[:16] + '…' for p in mine)}, entry "
                   f"{', '.join(str(p['seq']) for p in mine)}), not this one ({manifest_sha256[:16]}…)")
        return
    res.passed(check, f"the chain of published epochs is the journal's ({len(before)} published before entry "
               f"{seq}" + (f"; this manifest is recorded at entry {mine[0]['seq']}" if mine else
                           "; this epoch is not yet recorded as published") + ")")
