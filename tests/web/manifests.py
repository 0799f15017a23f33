"""Hostile manifests wrong in one field of the body or the envelope: the fields the browser verifier
did not read before (ledger_log, disclosure, epoch_context, reserves, statements, the times, the
reserves configuration's policies, previous, files, liabilities, the signature entries).

Each body edit is re-signed with the operator's key, so the signature verifies and only the model
(por.bundle.parse_manifest, and web/src/shape.js) can refuse it; envelope edits are made after
signing. A few edits are well-formed (a leap day, a minor format version, a consistency proof of
the right shape): both verifiers must accept those as far as the manifest goes.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

DELETE = object()
Edit = tuple[str, tuple[Any, ...], Any]

_H = "ab" * 32
_CONSISTENCY = {"type": "por-log-consistency/1", "old_size": 3, "new_size": 5, "old_root": _H, "new_root": _H,
                "proof": {"type": "consistency", "path": [_H], "rule": [0, 1], "subset": [1, 0],
                          "metadata": {"algorithm": "sha256", "security": True, "size": 5, "prior_size": 3}}}
_PREVIOUS_LOG = {"epoch_id": "epoch-0000", "size": 3, "root": _H}
_PREVIOUS = {"epoch_id": "epoch-0000", "size": 3, "root": _H, "manifest_sha256": _H}


def _with(base: dict[str, Any], **changes: Any) -> dict[str, Any]:
    out = copy.deepcopy(base)
    for k, v in changes.items():
        if v is DELETE:
            del out[k]
        else:
            out[k] = v
    return out


def _cp_proof(**changes: Any) -> dict[str, Any]:
    return {**_CONSISTENCY, "proof": _with(_CONSISTENCY["proof"], **changes)}


def _cp_meta(**changes: Any) -> dict[str, Any]:
    return _cp_proof(metadata=_with(_CONSISTENCY["proof"]["metadata"], **changes))  # type: ignore[arg-type]


def body_edits(s: dict[str, Any]) -> list[Edit]:
    """(name, path in the body, new value or DELETE) for every field the edits reach."""
    ll = ("ledger_log",)
    ec = ("epoch_context",)
    asset = sorted(s["reserves"])[0]
    cust = ("reserves", asset, "custodians", 0)
    governed = s["reserves_config"]["assets"]
    cfg = ("reserves_config", "assets", next((a for a in sorted(governed) if {"reserve", "price"} <= set(governed[a])),
                                             sorted(governed)[0]))
    stmt = ("statements", sorted(s["statements"])[0])
    fname = sorted(s["files"])[0]
    edits: list[Edit] = [
        # ledger_log: missing, wrong type, extra key, bad formats, the previous position, the consistency proof
        ("ledger_log-missing", ll, DELETE), ("ledger_log-string", ll, "x"), ("ledger_log-null", ll, None),
        ("ledger_log-extra", ll + ("extra",), 1), ("ledger_log.size-0", ll + ("size",), 0),
        ("ledger_log.size-bool", ll + ("size",), True), ("ledger_log.size-string", ll + ("size",), "585"),
        ("ledger_log.size-2^63", ll + ("size",), 1 << 63), ("ledger_log.root-upper", ll + ("root",), _H.upper()),
        ("ledger_log.root-short", ll + ("root",), "ab" * 31), ("ledger_log.previous-missing", ll + ("previous",), DELETE),
        ("ledger_log.consistency_proof-missing", ll + ("consistency_proof",), DELETE),
        ("ledger_log.previous-ok", ll + ("previous",), _PREVIOUS_LOG),
        ("ledger_log.previous-extra", ll + ("previous",), {**_PREVIOUS_LOG, "x": 1}),
        ("ledger_log.previous-no-root", ll + ("previous",), _with(_PREVIOUS_LOG, root=DELETE)),
        ("ledger_log.previous.epoch_id-empty", ll + ("previous",), _with(_PREVIOUS_LOG, epoch_id="")),
        ("ledger_log.previous.epoch_id-control", ll + ("previous",), _with(_PREVIOUS_LOG, epoch_id="e\n1")),
        ("ledger_log.previous.size-0", ll + ("previous",), _with(_PREVIOUS_LOG, size=0)),
        ("ledger_log.previous-list", ll + ("previous",), []),
        ("ledger_log.consistency_proof-ok", ll + ("consistency_proof",), _CONSISTENCY),
        ("ledger_log.consistency_proof-null-proof", ll + ("consistency_proof",), _with(_CONSISTENCY, proof=None)),
        ("ledger_log.consistency_proof.type", ll + ("consistency_proof",), _with(_CONSISTENCY, type="por-log-consistency/2")),
        ("ledger_log.consistency_proof-extra", ll + ("consistency_proof",), _with(_CONSISTENCY, x=1)),
        ("ledger_log.consistency_proof.old_size-neg", ll + ("consistency_proof",), _with(_CONSISTENCY, old_size=-1)),
        ("ledger_log.consistency_proof.new_root-upper", ll + ("consistency_proof",), _with(_CONSISTENCY, new_root=_H.upper())),
        ("ledger_log.consistency_proof.proof-missing", ll + ("consistency_proof",), _with(_CONSISTENCY, proof=DELETE)),
        ("ledger_log.cp.proof.type", ll + ("consistency_proof",), _cp_proof(type="inclusion")),
        ("ledger_log.cp.proof-extra", ll + ("consistency_proof",), _cp_proof(x=1)),
        ("ledger_log.cp.proof.rule-2", ll + ("consistency_proof",), _cp_proof(rule=[0, 2])),
        ("ledger_log.cp.proof.rule-bool", ll + ("consistency_proof",), _cp_proof(rule=[True])),
        ("ledger_log.cp.proof.subset-string", ll + ("consistency_proof",), _cp_proof(subset="10")),
        ("ledger_log.cp.proof.path-129", ll + ("consistency_proof",), _cp_proof(path=[_H] * 129)),
        ("ledger_log.cp.proof.path-128", ll + ("consistency_proof",), _cp_proof(path=[_H] * 128)),
        ("ledger_log.cp.proof.path-upper", ll + ("consistency_proof",), _cp_proof(path=[_H.upper()])),
        ("ledger_log.cp.proof.metadata.algorithm", ll + ("consistency_proof",), _cp_meta(algorithm="sha1")),
        ("ledger_log.cp.proof.metadata.security-false", ll + ("consistency_proof",), _cp_meta(security=False)),
        ("ledger_log.cp.proof.metadata.security-1", ll + ("consistency_proof",), _cp_meta(security=1)),
        ("ledger_log.cp.proof.metadata.security-string", ll + ("consistency_proof",), _cp_meta(security="true")),
        ("ledger_log.cp.proof.metadata-extra", ll + ("consistency_proof",), _cp_meta(x=0)),
        ("ledger_log.cp.proof.metadata.size-missing", ll + ("consistency_proof",), _cp_meta(size=DELETE)),
        # disclosure
        ("disclosure-missing", ("disclosure",), DELETE), ("disclosure-unknown", ("disclosure",), "secret"),
        ("disclosure-case", ("disclosure",), "Public"), ("disclosure-int", ("disclosure",), 1),
        ("disclosure-null", ("disclosure",), None), ("disclosure-hidden", ("disclosure",), "hidden"),
        # epoch_context
        ("epoch_context-missing", ec, DELETE), ("epoch_context-list", ec, []), ("epoch_context-extra", ec + ("x",), 1),
        ("epoch_context.nonce-missing", ec + ("nonce",), DELETE), ("epoch_context.nonce-upper", ec + ("nonce",), _H.upper()),
        ("epoch_context.epoch_id-int", ec + ("epoch_id",), 1), ("epoch_context.epoch_id-control", ec + ("epoch_id",), "e\x7f"),
        ("epoch_context.window_start-space", ec + ("window_start",), "2026-12-06 06:22:10Z"),
        ("epoch_context.window_start-micro", ec + ("window_start",), "2026-12-06T06:22:10.000000Z"),
        ("epoch_context.window_start-feb30", ec + ("window_start",), "2026-02-30T06:22:10Z"),
        ("epoch_context.window_start-hour24", ec + ("window_start",), "2026-12-06T24:00:00Z"),
        ("epoch_context.window_start-second60", ec + ("window_start",), "2026-12-06T23:59:60Z"),
        ("epoch_context.window_start-year0", ec + ("window_start",), "0000-01-01T00:00:00Z"),
        ("epoch_context.window_start-year1", ec + ("window_start",), "0001-01-01T00:00:00Z"),
        ("epoch_context.window_end-before-start", ec + ("window_end",), "2026-12-05T06:22:10Z"),
        ("epoch_context.window_end-offset", ec + ("window_end",), "2026-12-08T06:22:10+00:00"),
        ("epoch_context.window_end-leap", ec + ("window_end",), "2028-02-29T00:00:00Z"),
        ("epoch_context.window_end-not-leap", ec + ("window_end",), "2100-02-29T00:00:00Z"),
        # reserves
        ("reserves-missing", ("reserves",), DELETE), ("reserves-list", ("reserves",), []),
        ("reserves-empty-key", ("reserves", ""), {"amount": 1, "custodians": []}),
        ("reserves-control-key", ("reserves", "a\tb"), {"amount": 1, "custodians": []}),
        ("reserves-long-key", ("reserves", "é" * 129), {"amount": 1, "custodians": []}),
        ("reserves-text-key", ("reserves", "any asset (text)"), {"amount": 1, "custodians": []}),
        ("reserves.asset-extra", ("reserves", asset, "x"), 1), ("reserves.asset.amount-missing", ("reserves", asset, "amount"), DELETE),
        ("reserves.asset.amount-neg", ("reserves", asset, "amount"), -1),
        ("reserves.asset.amount-2^128", ("reserves", asset, "amount"), 1 << 128),
        ("reserves.asset.amount-string", ("reserves", asset, "amount"), "1"),
        ("reserves.asset.custodians-object", ("reserves", asset, "custodians"), {}),
        ("reserves.custodian-extra", cust + ("x",), 1), ("reserves.custodian.counted-int", cust + ("counted",), 1),
        ("reserves.custodian.counted-missing", cust + ("counted",), DELETE),
        ("reserves.custodian.reason-unknown", cust + ("reason",), "lost"),
        ("reserves.custodian.reason-other", cust + ("reason",), "quorum-short"),
        ("reserves.custodian.signers-string", cust + ("signers",), "auditor"),
        ("reserves.custodian.signers-empty-name", cust + ("signers",), [""]),
        ("reserves.custodian.custodian_id-empty", cust + ("custodian_id",), ""),
        ("reserves.custodian.amount-bool", cust + ("amount",), False),
        # statements (the manifest's own, {id: {version, sha256}})
        ("statements-missing", ("statements",), DELETE), ("statements-list", ("statements",), []),
        ("statements-bad-id", ("statements", "Bad_Id"), {"version": 1, "sha256": _H}),
        ("statements-extra", stmt + ("bits",), 64), ("statements.version-0", stmt + ("version",), 0),
        ("statements.version-2^31", stmt + ("version",), 1 << 31), ("statements.version-bool", stmt + ("version",), True),
        ("statements.sha256-upper", stmt + ("sha256",), _H.upper()), ("statements.sha256-missing", stmt + ("sha256",), DELETE),
        # the times
        ("cutoff_time-missing", ("cutoff_time",), DELETE), ("cutoff_time-int", ("cutoff_time",), 1765088530),
        ("cutoff_time-no-micro", ("cutoff_time",), "2026-12-07T06:22:10Z"),
        ("cutoff_time-milli", ("cutoff_time",), "2026-12-07T06:22:10.761Z"),
        ("cutoff_time-feb29", ("cutoff_time",), "2027-02-29T06:22:10.761754Z"),
        ("cutoff_time-minute60", ("cutoff_time",), "2026-12-07T06:60:10.761754Z"),
        ("cutoff_time-lower-z", ("cutoff_time",), "2026-12-07T06:22:10.761754z"),
        ("created_at-missing", ("created_at",), DELETE), ("created_at-micro", ("created_at",), "2026-12-07T06:22:12.000000Z"),
        ("created_at-month13", ("created_at",), "2026-13-07T06:22:12Z"), ("created_at-no-z", ("created_at",), "2026-12-07T06:22:12"),
        ("created_at-apr31", ("created_at",), "2026-04-31T06:22:12Z"), ("created_at-null", ("created_at",), None),
        ("created_at-arabic-digits", ("created_at",), "٢٠٢٦-12-07T06:22:12Z"),
        # the reserves configuration's assets and policies, its reference
        ("reserves_config.reporting_currency", ("reserves_config", "reporting_currency"), "U S D"),
        ("reserves_config-extra", ("reserves_config", "x"), 1),
        ("reserves_config.asset.haircut-missing", cfg + ("haircut_bps",), DELETE),
        ("reserves_config.asset.decimals-missing", cfg + ("decimals",), DELETE),
        ("reserves_config.asset-extra", cfg + ("x",), 1), ("reserves_config.asset.reserve-null", cfg + ("reserve",), None),
        ("reserves_config.asset.price-null", cfg + ("price",), None),
        ("reserves_config.reserve.quorum-high", cfg + ("reserve", "quorum"), 3),
        ("reserves_config.reserve.quorum-0", cfg + ("reserve", "quorum"), 0),
        ("reserves_config.reserve.custodians-empty", cfg + ("reserve", "custodians"), []),
        ("reserves_config.reserve.signers-bad-id", cfg + ("reserve", "signers"), ["-auditor"]),
        ("reserves_config.reserve-extra", cfg + ("reserve", "x"), 1),
        ("reserves_config.price.quorum-high", cfg + ("price", "quorum"), 4),
        ("reserves_config.price.max_age-0", cfg + ("price", "max_age_seconds"), 0),
        ("reserves_config.price.max_skew-neg", cfg + ("price", "max_skew_seconds"), -1),
        ("reserves_config.price.oracles-missing", cfg + ("price", "oracles"), DELETE),
        ("reserves_config.price-extra", cfg + ("price", "x"), 1),
        ("reserves_config_ref-missing", ("reserves_config_ref",), DELETE),
        ("reserves_config_ref.seq-0", ("reserves_config_ref", "seq"), 0),
        ("reserves_config_ref.entry_hash-short", ("reserves_config_ref", "entry_hash"), "ab"),
        ("reserves_config_ref-extra", ("reserves_config_ref", "x"), 1),
        # the rest of the header: previous, files, liabilities, format, currency, decimals, nonce, journal_seq
        ("previous-missing", ("previous",), DELETE), ("previous-ok", ("previous",), _PREVIOUS),
        ("previous-no-manifest", ("previous",), _with(_PREVIOUS, manifest_sha256=DELETE)),
        ("previous.size-0", ("previous",), _with(_PREVIOUS, size=0)), ("previous-extra", ("previous",), {**_PREVIOUS, "x": 1}),
        ("files-empty-name", ("files", ""), {"sha256": _H, "size": 1}),
        ("files-long-name", ("files", "f" * 4097), {"sha256": _H, "size": 1}),
        ("files-4096-name", ("files", "é" * 4096), {"sha256": _H, "size": 1}),
        ("files.size-neg", ("files", fname, "size"), -1), ("files.sha256-upper", ("files", fname, "sha256"), _H.upper()),
        ("files.entry-extra", ("files", fname, "x"), 1), ("files.entry-list", ("files", fname), []),
        ("liabilities-null", ("liabilities",), None), ("liabilities-kind", ("liabilities",), {asset: {"credit": 1}}),
        ("liabilities-2^64", ("liabilities",), {asset: {"equity": 1 << 64}}),
        ("liabilities-bad-asset", ("liabilities",), {"a b": {"equity": 1}}), ("liabilities-list", ("liabilities",), []),
        ("liabilities-ok", ("liabilities",), {asset: {"equity": 1, "debt": 0}}),
        ("format-minor", ("format",), "por-manifest/1.5"), ("format-minor-x", ("format",), "por-manifest/1.x"),
        ("format-patch", ("format",), "por-manifest/1.2.3"), ("format-newline", ("format",), "por-manifest/1\n"),
        ("reporting_currency-int", ("reporting_currency",), 5), ("reporting_currency-bad", ("reporting_currency",), "U$D"),
        ("reporting_decimals-19", ("reporting_decimals",), 19), ("reporting_decimals-string", ("reporting_decimals",), "2"),
        ("nonce-upper", ("nonce",), s["nonce"].upper()), ("journal_seq-2^63", ("journal_seq",), 1 << 63),
        ("collateral_prices-huge", ("collateral_prices", sorted(s["collateral_prices"])[0]), 10 ** 1500),
        ("tree.leaf_count-2^64", ("tree", "leaf_count"), (1 << 64) + 1),
    ]
    return edits


def apply(body: dict[str, Any], path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    out = copy.deepcopy(body)
    cur = out
    for k in path[:-1]:
        cur = cur[k]
    if value is DELETE:
        del cur[path[-1]]
    else:
        cur[path[-1]] = copy.deepcopy(value)
    return out


def envelope_edits(signatures: list[dict[str, Any]]) -> list[tuple[str, Callable[[list[dict[str, Any]]], Any]]]:
    """(name, what to do to the signed envelope's signature list) for the signature entries."""
    def first(**changes: Any) -> Callable[[list[dict[str, Any]]], Any]:
        return lambda sigs: [_with(sigs[0], **changes), *sigs[1:]]
    return [
        ("signatures-object", lambda sigs: {"0": sigs[0]}), ("signatures-null", lambda sigs: None),
        ("signature-extra", first(x=1)), ("signature-role-missing", first(role=DELETE)),
        ("signature-role-witness", first(role="witness")), ("signature-signer-bad", first(signer="-op")),
        ("signature-signer-int", first(signer=1)), ("signature-key_id-upper", first(key_id=signatures[0]["key_id"].upper())),
        ("signature-key_id-long", first(key_id=signatures[0]["key_id"] + "00")),
        ("signature-public_key-upper", first(public_key=signatures[0]["public_key"].upper())),
        ("signature-signature-short", first(signature=signatures[0]["signature"][:-2])),
        ("signature-twice", lambda sigs: [sigs[0], dict(sigs[0])]),
        ("signature-auditor-copy", lambda sigs: [sigs[0], {**sigs[0], "role": "auditor", "signer": "auditor"}]),
        ("signature-list-item", lambda sigs: [*sigs, []]),
    ]
