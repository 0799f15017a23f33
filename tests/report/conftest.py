"""Fixtures for the report and stress tests: constructed epoch bundles, a ledger stub, small books.

The bundles are built here (not by the epoch pipeline) so that the report's figures are known by
hand; they are signed like real manifests but carry no proofs, so the tests pass a verifier that
checks structure (``fixed_verifier``) instead of the auditor's full verifier.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from por.epoch.bundle import Manifest, check_files
from por.report.stress import AssetSpec, MarginBook
from por.verify.result import Result

OPERATOR_SEED = hashlib.sha256(b"por/v1/test-key" + b"report-operator").digest()
GENERATED_AT = "2024-07-01T00:00:00Z"


def operator_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(OPERATOR_SEED)


def make_epoch(root: Path, epoch_id: str, cutoff: str, *, disclosure: str = "public",
               usd_reserves: int = 120_000_000, aaa_reserves: int = 10_000,
               previous: dict[str, Any] | None = None, log_size: int = 100) -> Path:
    """An epoch with USD (2 decimals) and AAA (0 decimals, 150 USD), two custodians."""
    d = root / epoch_id
    d.mkdir(parents=True)
    files = {
        "prices.json": {"AAA": 150 * 10**8},
        "attestations.json": [],
        "solvency.json": {},
    }
    for name, obj in files.items():
        (d / name).write_text(json.dumps(obj, sort_keys=True))
    signed: dict[str, Any] = {
        "format": "por-manifest/1", "protocol": "por-v1", "epoch_id": epoch_id, "cutoff_time": cutoff,
        "journal_seq": log_size,
        "ledger_log": {"size": log_size, "root": hashlib.sha256(epoch_id.encode()).hexdigest(),
                       "previous": previous, "consistency_proof": []},
        "columns": [{"asset": "USD", "kind": "equity"}, {"asset": "USD", "kind": "debt"},
                    {"asset": "AAA", "kind": "equity"}],
        "assets": {"USD": {"decimals": 2}, "AAA": {"decimals": 0}},
        "reporting_currency": "USD",
        "tree": {"mode": "pedersen", "height": 4, "block_size": 8, "root_hash": "00" * 32,
                 "root_commitments": []},
        "nonce": "ab" * 16,
        "statements": {},
        "disclosure": disclosure,
        "reserves": {
            "USD": {"amount": usd_reserves, "custodians": [
                {"custodian_id": "bank-a", "amount": usd_reserves, "signers": ["bank-a", "auditor"],
                 "counted": True, "reason": ""},
                {"custodian_id": "bank-x", "amount": 5_000_000, "signers": ["bank-x"], "counted": False,
                 "reason": "stale challenge"}]},
            "AAA": {"amount": aaa_reserves, "custodians": [
                {"custodian_id": "depository-b", "amount": aaa_reserves,
                 "signers": [{"signer_id": "depository-b", "status": "valid"}], "counted": True, "reason": ""}]},
        },
        "prices": {"AAA": 150 * 10**8},
        "files": {},
    }
    if disclosure == "public":
        signed["liabilities"] = {"USD": {"equity": 150_000_000, "debt": 40_000_000},
                                 "AAA": {"equity": 10_000, "debt": 0}}
        signed["tree"]["leaf_count"] = 12
    m = Manifest(signed=signed)
    m.signed["files"] = {n: meta for n, meta in _list(d).items()}
    m.sign(operator_key(), "operator", "operator")
    m.write(d)
    return d


def _list(d: Path) -> dict[str, dict[str, Any]]:
    out = {}
    for p in sorted(d.iterdir()):
        if p.is_file() and p.name != "manifest.json":
            b = p.read_bytes()
            out[p.name] = {"sha256": hashlib.sha256(b).hexdigest(), "size": len(b)}
    return out


def fixed_verifier(path: Path) -> Result:
    """Structure and file hashes (deterministic, path-independent messages) plus a consistency check."""
    res = Result(f"bundle {path.name}")
    try:
        m = Manifest.read(path)
    except Exception as exc:  # noqa: BLE001
        res.failed("manifest.read", str(exc).replace(str(path), path.name))
        return res
    res.passed("manifest.read", "manifest.json parses")
    res.add("manifest.signature", all(m.verify_signature(s) for s in m.signatures) and bool(m.signatures),
            "operator signature verifies")
    for name, ok, msg in check_files(path, m):
        res.add(f"files.{name}", ok, msg)
    if m.signed.get("ledger_log", {}).get("previous"):
        res.passed("log.consistency", "consistency proof from the previous root verifies")
    return res


@pytest.fixture
def epochs(tmp_path: Path) -> Path:
    root = tmp_path / "epochs"
    make_epoch(root, "2024-05", "2024-05-31T23:59:59Z", usd_reserves=115_000_000, log_size=100)
    make_epoch(root, "2024-06", "2024-06-30T23:59:59Z",
               previous={"epoch_id": "2024-05", "size": 100, "root": hashlib.sha256(b"2024-05").hexdigest()},
               log_size=180)
    return root


def small_book() -> MarginBook:
    """Four accounts in AAA at 150 USD, hand-checkable (see test_stress.py)."""
    assets = [AssetSpec("USD", 2, 10**8), AssetSpec("AAA", 0, 150 * 10**8)]
    # positions (shares) and USD debt in cents
    pos = np.array([[0, 100], [0, 100], [0, 100], [0, 10]], dtype=np.int64)
    debt = np.array([[1_000_000, 0], [0, 0], [500_000, 0], [0, 0]], dtype=np.int64)
    # account 0: value 15,000.00, debt 10,000.00 -> leverage 3; account 2: leverage 1.5
    return MarginBook("USD", assets, ["a0", "a1", "a2", "a3"], pos, debt,
                      np.array([2500, 2500, 2500, 2500], dtype=np.int64),
                      np.array([30000, 30000, 30000, 30000], dtype=np.int64), insurance_fund=100_000,
                      source="small_book")


class LedgerStub:
    """What the report needs from ``por.ledger.Ledger`` (the real one is tested by its own suite)."""

    reporting_currency = "USD"

    def __init__(self) -> None:
        b = small_book()
        self._accounts = [
            {"account_id": aid, "positions": {"AAA": int(b.positions[i, 1])},
             "debt": {"USD": int(b.debts[i, 0])}, "leverage_limit": 3, "maintenance_bps": 2500}
            for i, aid in enumerate(b.account_ids)]

    def margin_accounts(self) -> list[dict[str, Any]]:
        return self._accounts

    def asset_decimals(self, asset: str) -> int:
        return {"USD": 2, "AAA": 0}[asset]

    def current_price(self, asset: str) -> int:
        return {"USD": 10**8, "AAA": 150 * 10**8}[asset]

    def insurance_fund_balance(self, asset: str) -> int:
        return 100_000 if asset == "USD" else 0

    def withdrawal_stats(self) -> dict[str, Any]:
        return {"requested": 12, "flagged": 2, "approved": 7, "settled": 6, "rejected": 1,
                "queue_ages": {"manual_review": {"count": 2, "oldest_seconds": 7200, "median_seconds": 3600},
                               "cooling": {"count": 3, "oldest_seconds": 1800, "median_seconds": 600}}}

    def log_root(self) -> str:
        return "00" * 32
