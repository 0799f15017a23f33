"""The rules por.bundle defines (it sits below tree, reserves and ledger, so it cannot import theirs)
agree with the copies those packages still hold, until they import them from por.bundle."""

from __future__ import annotations

import re
from typing import Any

import pytest
from pydantic import TypeAdapter, ValidationError

from por.bundle import _types as T
from por.bundle import tree as BT
from por.bundle.reserves import MEMBER_ROLES, OUTCOME_REASONS

SAMPLES = ["", "a", "A1", "abc-def", "a b", "-a", "a" * 128, "a" * 129, "bank:USD", "x@y/z", "é", "ab\x00",
           "node-range", "node-range-linear", "Node", "1abc", "a_b", "USD", "AAPL", "a.b", "a" * 64, "a" * 65]


def _accepts(tp: Any, value: Any) -> bool:
    try:
        TypeAdapter(tp).validate_python(value)
        return True
    except ValidationError:
        return False


@pytest.mark.parametrize("tp, regex", [
    (T.MemberId, "por.ledger.journal:_ID_RE"),
    (T.StatementId, "por.crypto.statements:_ID_RE"),
    (T.AssetCode, "por.tree.columns:_ASSET_RE"),
])
def test_grammars_agree(tp: Any, regex: str) -> None:
    module, name = regex.split(":")
    pattern: re.Pattern[str] = getattr(__import__(module, fromlist=[name]), name)
    for s in SAMPLES:
        assert _accepts(tp, s) == bool(pattern.match(s)), s
    # stricter than re.match with "$", which lets one trailing newline through
    assert not _accepts(tp, "abc\n") and not _accepts(tp, "USD\n")


def test_constants_agree() -> None:
    from por.crypto import rangeproof
    from por.ledger import journal
    from por.report import signing
    from por.reserves import attestation, keyring, oracle, policy, solvency
    from por.tree import build, columns, leaf, proof

    assert BT.MAX_BLOCK_CLAIMS == rangeproof.MAX_M and BT.STATEMENT_BITS == rangeproof.ALLOWED_BITS
    # the tree's rules are por.bundle's own objects (imported, never defined twice)
    assert (leaf.LEAF_FORMAT, leaf.OLD_LEAF_FORMATS, leaf.MODES) == (BT.LEAF_FORMAT, BT.OLD_LEAF_FORMATS, BT.MODES)
    assert leaf.MODES is BT.MODES and proof.CLIENT_FORMAT is BT.CLIENT_FORMAT and columns.KINDS is BT.KINDS
    assert build.PROOF_ENCODINGS is BT.PROOF_ENCODINGS and build.MAX_HEIGHT == BT.MAX_HEIGHT
    assert set(build.ENCODING_STATEMENTS) == set(BT.PROOF_ENCODINGS)
    assert T.MAX_DECIMALS == policy.MAX_DECIMALS and T.U64 == columns.MAX_VALUE
    assert set(MEMBER_ROLES) == set(journal.ROLES) | set(keyring.ROLES)
    from por.bundle import attestations, prices, report_signature, reserves
    from por.bundle import solvency as bs

    assert (prices.PRICES_FORMAT, prices.REPORT_FORMAT) == (oracle.PRICES_FORMAT, oracle.REPORT_FORMAT)
    assert tuple(prices.SIGNATURE_BYTES) == oracle.SCHEMES
    assert attestations.ATTESTATION_FORMAT == attestation.FORMAT
    assert (bs.PROOF_FORMAT, bs.DISCLOSURES) == (solvency.FORMAT, solvency.DISCLOSURES)
    assert reserves.CONFIG_FORMAT == policy.CONFIG_FORMAT and reserves.KEYRING_FORMAT == keyring.FORMAT
    assert (report_signature.SIG_FORMAT, report_signature.OLD_SIG_FORMATS, report_signature.PURPOSE) == \
        (signing.SIG_FORMAT, signing.OLD_SIG_FORMATS, signing.PURPOSE)
    assert set(OUTCOME_REASONS) >= {"counted", "malformed", "duplicate", "quorum-short", "no-pop"}
    assert all(f"``{r}``" in policy.__doc__ for r in OUTCOME_REASONS if r != "counted"), OUTCOME_REASONS


def test_the_tree_uses_the_bundle_block_size_and_leaf_format_rules() -> None:
    from por.tree import leaf

    assert leaf.block_size_problem is BT.block_size_problem and leaf.leaf_format_problem is BT.leaf_format_problem
    for value, k, mode, ok in ((1, 3, "committed", True), (16, 4, "committed", True), (32, 4, "committed", False),
                               (128, 1, "plain", False), (64, 64, "plain", True), (3, 1, "committed", False),
                               (True, 1, "committed", False), (2.0, 1, "committed", False)):
        assert (BT.block_size_problem(value, k, mode) is None) == ok, (value, k, mode)
    assert BT.leaf_format_problem("por-leaf/2") is None
    assert all(BT.leaf_format_problem(v) for v in ("por-leaf/1", None, 2, "", "por-leaf/3"))


def test_key_id_and_signature_primitives_agree() -> None:
    """One key id and one Ed25519 check: the report's signatures name keys as the manifest's do."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    from por.bundle.signed import key_id, public_key_hex, verify_ed25519
    from por.report import signing

    k = Ed25519PrivateKey.generate()
    pub = public_key_hex(k)
    assert pub == k.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw).hex()
    assert key_id(pub) == signing.key_id(bytes.fromhex(pub)) != ""
    sig = k.sign(b"m").hex()
    assert verify_ed25519(pub, b"m", sig)
    for args in ((pub, b"n", sig), ("zz", b"m", sig), (pub, b"m", "zz"), (pub[:-2], b"m", sig)):
        assert not verify_ed25519(*args)
    assert key_id("not hex") == ""


def test_encodings_agree_with_the_reserves_package() -> None:
    from por.bundle.attestations import AttestationStatement
    from por.bundle.prices import PriceReport
    from por.reserves import attestation, oracle

    st = dict(protocol="por-v1", epoch_id="2024-06", custodian_id="bank-a", asset="BTC", amount=5_000_000,
              account_ref="vault-1", as_of="2024-06-30T12:00:00Z", challenge="a1" * 32)
    ours = AttestationStatement.model_validate(st)
    theirs = attestation.Statement.from_dict(st)
    assert ours.message() == theirs.message and ours.statement_id() == theirs.statement_id
    assert ours.statement_id() == "adc02a3f0f9f0ba8fc5b09a43757019a13d7a74eb22d3d464fc296562fbf8e33"  # §8.2
    rep = dict(epoch_id="epoch-0002", cutoff="2024-06-30T12:00:00Z", oracle_id="o1", asset="BTC",
               price_e8=6_500_000_000_000, time="2024-06-30T11:59:30Z")
    assert PriceReport.model_validate(rep).message() == oracle.PriceReport.from_dict(rep).message


def test_the_bundle_package_sits_below_tree_reserves_ledger_and_epoch() -> None:
    import subprocess
    import sys

    code = ("import sys, por.bundle, por.bundle.schemas; "
            "print(' '.join(sorted(m for m in sys.modules if m.startswith('por.'))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    allowed = ("por.bundle", "por.errors", "por.result", "por.units", "por.canonical", "por.signing", "por.crypto")
    assert out and all(m.startswith(allowed) for m in out), [m for m in out if not m.startswith(allowed)]
