"""Fixtures for the report and stress tests: constructed epoch bundles, a real SQLite ledger, small books.

The bundles are built here (not by the epoch pipeline) so that the report's figures are known by
hand; they are signed like real manifests but carry no proofs, so the tests pass a verifier that
checks structure (``fixed_verifier``) instead of the auditor's full verifier.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from por.epoch.bundle import Manifest, check_files
from por.report.stress import AssetSpec, MarginBook
from por.result import Result
from tests.epoch.conftest import demo, demo_runs  # noqa: F401 - the demo workspace (two epochs), built once per session

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
                 "signers": ["depository-b"], "counted": True, "reason": ""}]},
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


# ----------------------------------------------------------------------------------------------------
# a real ledger (SQLite file) whose margin book is small_book() and whose figures are known by hand

LEDGER_T0 = "2024-06-01T00:00:00.000000Z"


def _t(day: int, hh: int = 0, mm: int = 0) -> str:
    return f"2024-06-{day:02d}T{hh:02d}:{mm:02d}:00.000000Z"


def build_ledger(url: str) -> dict[str, Any]:
    """Build, through the public ``Ledger`` API only, a ledger whose report figures are hand-computable.

    * USD (2 decimals, custodian ``bank-a``) and AAA (0 decimals, custodian ``depository-b``), AAA at 150.
    * Four margin accounts, bought at 150 on margin so that the book equals :func:`small_book`:
      a0 deposits 5,000.00 and buys 100 AAA (debt 10,000.00, leverage 3, the limit);
      a1 deposits 15,000.00 and buys 100 (no debt); a2 deposits 10,000.00 and buys 100 (debt 5,000.00);
      a3 deposits 1,500.00 and buys 10. Maintenance 25% everywhere; limits 3x, 3x, 2x, 1.5x.
    * The insurance fund: 1,000.00 USD deposited to the ``insurance`` account.
    * Withdrawals (approval threshold 5,000.00, review limit 20,000.00, cooling 1 h), at the report
      time 2024-07-01T00:00:00Z: W1, W2 settled; W3 approved by two approvers, cooling (requested 1 h
      earlier); W4 pending with one approval (2 h); W5 flagged, in review (6 h); W6 flagged and
      rejected on review. Requested 6, ever flagged 2.
    """
    from por.ledger.api import Ledger
    from por.ledger.keys import Signer, from_seed

    def signer(name: str) -> Signer:
        return Signer(name, from_seed(f"report-tests/{name}"))

    op, au = signer("operator"), signer("auditor")
    bank, dep, oracle = signer("bank-a"), signer("depository-b"), signer("oracle-1")
    ap1, ap2 = signer("approver-1"), signer("approver-2")
    withdraw = {"cooling_s": 3600, "approvals_required": 2, "approval_threshold": {"USD": 500_000},
                "flag_amount": {"USD": 2_000_000}, "velocity_count_24h": 10, "velocity_amount_24h": {},
                "deviation_factor": 10, "batch_cap": {}, "daily_cap": {}}
    led = Ledger.open(url)
    try:
        led.genesis(op, au, config={"quote_asset": "USD", "withdraw": withdraw}, time=LEDGER_T0)
        for s, role in ((bank, "custodian"), (dep, "custodian"), (oracle, "oracle"), (ap1, "approver"),
                        (ap2, "approver")):
            led.add_member([op, au], s.member_id, [role], s.public_hex, time=_t(1, 1))
        led.add_asset(op, "USD", 2, "bank-a", kind="cash", time=_t(1, 2))
        led.add_asset(op, "AAA", 0, "depository-b", time=_t(1, 2))
        led.post_price(oracle, "AAA", 150 * 10**8, time=_t(1, 3))
        led.deposit(op, "insurance", "USD", 100_000, time=_t(1, 4))
        # the margin book
        book = [("a0", 500_000, 100, 30_000), ("a1", 1_500_000, 100, 30_000), ("a2", 1_000_000, 100, 20_000),
                ("a3", 150_000, 10, 15_000)]
        for acct, cash, qty, lev in book:
            led.open_margin_account(op, acct, f"client-{acct}", max_leverage_bps=lev, maintenance_bps=2500,
                                    time=_t(2))
            led.deposit(op, acct, "USD", cash, time=_t(2, 1))
            led.margin_trade(op, acct, "AAA", qty, "buy", time=_t(2, 2))
        # withdrawals from cash accounts
        led.open_accounts(op, [("c1", "cash", "client-c1"), ("c2", "cash", "client-c2"),
                               ("c3", "cash", "client-c3")], time=_t(3))
        for acct in ("c1", "c2", "c3"):
            led.deposit(op, acct, "USD", 5_000_000, time=_t(3, 1))
        led.request_withdrawal(op, "c1", "USD", 10_000, "iban:c1", wid="W1", time=_t(30, 10))
        led.request_withdrawal(op, "c1", "USD", 20_000, "iban:c1", wid="W2", time=_t(30, 10, 5))
        led.settle_withdrawals(op, batch="B1", time=_t(30, 12))
        led.request_withdrawal(op, "c3", "USD", 3_000_000, "iban:c3", wid="W6", time=_t(30, 13))
        led.review_withdrawal(ap1, "W6", "reject", "destination not verified", time=_t(30, 14))
        led.request_withdrawal(op, "c2", "USD", 2_500_000, "iban:c2", wid="W5", time=_t(30, 18))
        led.request_withdrawal(op, "c3", "USD", 500_000, "iban:c3", wid="W4", time=_t(30, 22))
        led.approve_withdrawal(ap1, "W4", time=_t(30, 22, 30))
        led.request_withdrawal(op, "c2", "USD", 600_000, "iban:c2", wid="W3", time=_t(30, 23))
        led.approve_withdrawal(ap1, "W3", time=_t(30, 23, 10))
        led.approve_withdrawal(ap2, "W3", time=_t(30, 23, 20))
        head = led.head()
    finally:
        led.close()
    return {"url": url, "head": head}


@pytest.fixture(scope="session")
def ledger_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The URL of the hand-computable ledger (built once per session; tests only read it)."""
    path = tmp_path_factory.mktemp("ledger") / "ledger.db"
    return str(build_ledger(f"sqlite:///{path}")["url"])


@pytest.fixture
def ledger(ledger_url: str) -> Iterator[Any]:
    from por.ledger.api import Ledger

    led = Ledger.open(ledger_url, create=False)
    try:
        yield led
    finally:
        led.close()
