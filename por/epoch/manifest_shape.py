"""The shape of a manifest's signed body, checked before any verifier reads a field of it.

Why: every later step indexes the manifest; an operator can sign any JSON, so a field of the wrong
type must be a failed check naming it, never a traceback or, worse, a figure silently read another
way (a boolean where an integer goes, a column list that is not the tree's). docs/protocol.md §9.4.
"""

from __future__ import annotations

import re
from typing import Any

from por.reserves.policy import MAX_DECIMALS
from por.units import is_time

_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_KINDS = ("equity", "debt")


def _is_int(x: Any) -> bool:
    return isinstance(x, int) and not isinstance(x, bool)


def _int_map(d: Any) -> bool:
    return isinstance(d, dict) and all(isinstance(k, str) and _is_int(v) for k, v in d.items())


def manifest_problems(m: Any) -> list[str]:
    """Every problem with the fields the verifiers read; empty when the body is well-formed.

    Also the one rule that ties the column lists together: the manifest's ``columns`` (by which the
    solvency step maps root commitments to assets and kinds) are the tree description's ``columns``
    (which the tree check compares with the store), in the same order.
    """
    if not isinstance(m, dict):
        return ["the signed body is not an object"]
    p: list[str] = []

    def need(name: str, ok: bool, what: str) -> None:
        if not ok:
            p.append(f"{name} must be {what} (found {str(m.get(name, '<missing>'))[:60]!r})")

    need("epoch_id", isinstance(m.get("epoch_id"), str) and bool(m.get("epoch_id")), "a non-empty string")
    need("cutoff_time", is_time(m.get("cutoff_time"), fraction=True), "a UTC time YYYY-MM-DDTHH:MM:SS[.ffffff]Z")
    need("nonce", isinstance(m.get("nonce"), str) and bool(_HEX64.match(m.get("nonce", ""))), "32 bytes of lowercase hex")
    need("reporting_currency", isinstance(m.get("reporting_currency"), str), "an asset code")
    need("disclosure", m.get("disclosure") in ("hidden", "auditor", "public"), "hidden, auditor or public")
    for name in ("prices", "haircuts_bps", "collateral_prices"):
        need(name, _int_map(m.get(name)), "an object of integers per asset")
    for name in ("epoch_context", "reserves_config", "reserves", "files"):
        need(name, isinstance(m.get(name), dict), "an object")
    stmts = m.get("statements")
    need("statements", isinstance(stmts, dict) and all(
        isinstance(v, dict) and _is_int(v.get("version")) and isinstance(v.get("sha256"), str) for v in stmts.values()),
        "an object of {version, sha256} per statement")
    assets = m.get("assets")
    need("assets", isinstance(assets, dict) and all(
        isinstance(v, dict) and _is_int(v.get("decimals")) and 0 <= v["decimals"] <= MAX_DECIMALS
        for v in assets.values()), f"an object of {{decimals: 0..{MAX_DECIMALS}}} per asset")
    log = m.get("ledger_log")
    need("ledger_log", isinstance(log, dict) and _is_int(log.get("size")) and isinstance(log.get("root"), str)
         and (log.get("previous") is None or isinstance(log.get("previous"), dict)),
         "{size, root, previous, consistency_proof}")
    prev = m.get("previous")
    need("previous", prev is None or (isinstance(prev, dict) and isinstance(prev.get("epoch_id"), str)
                                      and _is_int(prev.get("size")) and isinstance(prev.get("root"), str)
                                      and isinstance(prev.get("manifest_sha256"), str)),
         "null or {epoch_id, size, root, manifest_sha256}")

    cols = m.get("columns")
    pairs: list[tuple[str, str]] = []
    if not isinstance(cols, list) or not cols or not all(
            isinstance(c, dict) and set(c) == {"asset", "kind"} and isinstance(c["asset"], str)
            and c["kind"] in _KINDS for c in cols):
        p.append("columns must be a non-empty list of {asset, kind} with kind equity or debt")
    else:
        pairs = [(c["asset"], c["kind"]) for c in cols]
        if len(set(pairs)) != len(pairs):
            p.append(f"columns repeat a column: {pairs}")
        if isinstance(assets, dict):
            missing = sorted({a for a, _ in pairs} - set(assets))
            if missing:
                p.append(f"columns name assets with no decimals in assets: {missing}")
        if _int_map(m.get("prices")):
            unpriced = sorted({a for a, _ in pairs} - set(m["prices"]))
            if unpriced:
                p.append(f"columns name assets without a price of record: {unpriced}")

    from por.bundle._model import validate  # wireclient: tree_description_problem is now the model
    from por.bundle.tree import TreeDescription
    from por.errors import DocumentError

    tree = m.get("tree")
    try:
        named = validate(TreeDescription, tree, "tree").epoch_id
        bad = None if named == m.get("epoch_id") else f"it names epoch {named!r:.60}, the manifest {m.get('epoch_id')!r:.60}"
    except DocumentError as exc:
        bad = f"{exc.path}: {exc.reason}" if exc.path else exc.reason
    if bad is not None or not isinstance(tree, dict):
        p.append(f"tree (the tree description): {bad}")
        return p
    store = tree.get("store")
    if not isinstance(store, str) or not store or "/" in store or "\\" in store or store.startswith("."):
        p.append(f"tree.store must name a file of the bundle's top level (found {str(store)[:40]!r})")
    if pairs and [tuple(c) for c in tree["columns"]] != pairs:
        p.append(f"the manifest's columns {pairs} are not the tree description's columns "
                 f"{[tuple(c) for c in tree['columns']]} (same assets and kinds, same order)")
    return p
