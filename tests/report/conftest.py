"""Fixtures for the report and stress tests: constructed epoch bundles, a real SQLite ledger, small books.

The bundles are built here (not by the epoch pipeline) so that the report's figures are known by
hand; their manifests are in the format (``por.bundle.parse_manifest`` accepts them) and signed by the
operator, but the bundles carry no proofs, so the tests pass a verifier that checks structure
(``fixed_verifier``) instead of the auditor's full verifier.
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

from por import canonical
from por.bundle.manifest import MANIFEST, parse_manifest
from por.epoch.bundle import check_files, list_files, read_signed_manifest, write_signed_manifest
from por.errors import PorError
from por.report.stress import AssetSpec, MarginBook
from por.result import Result

OPERATOR_SEED = hashlib.sha256(b"por/v1/test-key" + b"report-operator").digest()
GENERATED_AT = "2024-07-01T00:00:00Z"


def operator_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(OPERATOR_SEED)


def _hash(label: str) -> str:
    return hashlib.sha256(b"report-tests/" + label.encode()).hexdigest()


def _commitment(label: str) -> str:
    """48 bytes of hex: the shape of a column's root commitment (never decoded by the report)."""
    return hashlib.sha384(b"report-tests/" + label.encode()).hexdigest()


#: the governed reserves configuration of every fixture epoch (docs/protocol.md §8.8)
RESERVES_CONFIG: dict[str, Any] = {
    "format": "por-reserves-config/1", "reporting_currency": "USD", "reporting_decimals": 2,
    "assets": {
        "USD": {"decimals": 2, "haircut_bps": 10_000,
                "reserve": {"custodians": ["bank-a", "bank-x"], "signers": ["auditor"], "quorum": 2}},
        "AAA": {"decimals": 0, "haircut_bps": 9_500,
                "reserve": {"custodians": ["depository-b"], "signers": [], "quorum": 1},
                "price": {"oracles": ["oracle-1"], "quorum": 1, "max_age_seconds": 3600,
                          "max_dispersion_bps": 200, "max_skew_seconds": 60}},
    },
}
COLUMNS = (("USD", "equity"), ("USD", "debt"), ("AAA", "equity"))


def make_epoch(root: Path, epoch_id: str, cutoff: str, *, disclosure: str = "public",
               usd_reserves: int = 120_000_000, aaa_reserves: int = 10_000,
               previous: dict[str, Any] | None = None, log_size: int = 100) -> Path:
    """An epoch with USD (2 decimals) and AAA (0 decimals, 150 USD), two custodians for USD.

    The manifest is one the verifiers' model accepts (``por.bundle.parse_manifest``; the shape the seal
    stage writes, docs/protocol.md §9.4), signed by the operator (``Signed.sign``); its tree, proofs and
    attestations are stand-ins (right shape, no meaning), so only :func:`fixed_verifier` passes it.
    ``cutoff`` is a UTC time to the second, recorded as the ledger records times (``.000000Z``, §10.1),
    or a ledger time; ``previous`` is the previous epoch's log position
    ``{epoch_id, size, root}``, and when that epoch's bundle is a sibling under ``root`` the manifest's
    ``previous`` names its manifest hash. Hand-known figures: liabilities (public disclosure only) USD
    equity 1,500,000.00 and debt 400,000.00, AAA equity 10,000; a counted USD statement by bank-a of
    ``usd_reserves`` and an uncounted one by bank-x of 50,000.00 (outside the as-of window).
    """
    d = root / epoch_id
    d.mkdir(parents=True)
    files = {
        "prices.json": {"AAA": 150 * 10**8},
        "attestations.json": [],
        "solvency.json": {},
    }
    for name, obj in files.items():
        (d / name).write_text(json.dumps(obj, sort_keys=True))
    nonce = _hash(f"{epoch_id}/nonce")
    day = cutoff[:10]
    if len(cutoff) == len("YYYY-MM-DDTHH:MM:SSZ"):
        cutoff = cutoff[:-1] + ".000000Z"
    prices = {"USD": 10**8, "AAA": 150 * 10**8}
    log_root = hashlib.sha256(epoch_id.encode()).hexdigest()
    consistency = None
    if previous is not None:
        consistency = {"type": "por-log-consistency/1", "old_size": previous["size"], "new_size": log_size,
                       "old_root": previous["root"], "new_root": log_root,
                       "proof": {"type": "consistency", "rule": [0], "subset": [0], "path": [_hash("path")],
                                 "metadata": {"algorithm": "sha256", "security": True, "size": log_size,
                                              "prior_size": previous["size"]}}}
    signed: dict[str, Any] = {
        "format": "por-manifest/1", "protocol": "por-v1", "epoch_id": epoch_id, "cutoff_time": cutoff,
        "journal_seq": log_size, "nonce": nonce,
        "ledger_log": {"size": log_size, "root": log_root, "previous": previous, "consistency_proof": consistency},
        "columns": [{"asset": a, "kind": k} for a, k in COLUMNS],
        "assets": {"USD": {"decimals": 2}, "AAA": {"decimals": 0}},
        "reporting_currency": "USD", "reporting_decimals": 2,
        "tree": {"mode": "committed", "epoch_id": epoch_id, "columns": [list(c) for c in COLUMNS], "height": 4,
                 "block_size": 8, "root_hash": _hash(f"{epoch_id}/root"),
                 "root": [_commitment(f"{epoch_id}/{a}/{k}") for a, k in COLUMNS], "context": nonce,
                 "statements": {}, "leaf_format": "por-leaf/2", "store": "tree.sqlite"},
        "statements": {},
        "disclosure": disclosure,
        "epoch_context": {"epoch_id": epoch_id, "nonce": nonce, "window_start": f"{day}T00:00:00Z",
                          "window_end": f"{day}T23:59:59Z"},
        "reserves_config": RESERVES_CONFIG,
        "reserves_config_ref": {"seq": 1, "entry_hash": _hash("config-entry"),
                                "sha256": hashlib.sha256(canonical.dumps(RESERVES_CONFIG)).hexdigest()},
        "reserves": {
            "USD": {"amount": usd_reserves, "custodians": [
                {"custodian_id": "bank-a", "amount": usd_reserves, "signers": ["bank-a", "auditor"],
                 "counted": True, "reason": "counted"},
                {"custodian_id": "bank-x", "amount": 5_000_000, "signers": ["bank-x"], "counted": False,
                 "reason": "outside-window"}]},
            "AAA": {"amount": aaa_reserves, "custodians": [
                {"custodian_id": "depository-b", "amount": aaa_reserves,
                 "signers": ["depository-b"], "counted": True, "reason": "counted"}]},
        },
        "prices": prices,
        "haircuts_bps": {a: c["haircut_bps"] for a, c in RESERVES_CONFIG["assets"].items()},
        # price per minor unit on the common scale of the largest decimals (2): price_e8 · 10^(2 − decimals)
        "collateral_prices": {"USD": 10**8, "AAA": 150 * 10**8 * 10**2},
        "previous": None,
        "created_at": f"{day}T23:59:59Z",
    }
    if previous is not None and (root / previous["epoch_id"] / MANIFEST).is_file():
        signed["previous"] = {**previous, "manifest_sha256": read_signed_manifest(root / previous["epoch_id"]).sha256}
    if disclosure == "public":
        # the root totals of the columns (the seal stage lists only the tree's columns: AAA has no debt)
        signed["liabilities"] = {"USD": {"equity": 150_000_000, "debt": 40_000_000}, "AAA": {"equity": 10_000}}
        signed["tree"]["leaf_count"] = 12
    signed["files"] = list_files(d)
    unsigned = parse_manifest(canonical.dumps({"signed": signed, "signatures": []}))
    write_signed_manifest(d, unsigned.sign(operator_key(), "operator", "operator"))
    return d


def fixed_verifier(path: Path) -> Result:
    """Structure and file hashes (deterministic, path-independent messages) plus a consistency check."""
    res = Result(f"bundle {path.name}")
    try:
        m = read_signed_manifest(path)
    except PorError as exc:
        res.failed("manifest.read", exc.diagnostics().replace(str(path), path.name))
        return res
    res.passed("manifest.read", "manifest.json parses")
    res.add("manifest.signature", bool(m.signatures) and all(m.verify_signature(s) for s in m.signatures),
            "operator signature verifies")
    for name, ok, msg in check_files(path, m):
        res.add(f"files.{name}", ok, msg)
    if m.signed.ledger_log.previous is not None:
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
