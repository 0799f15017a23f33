"""docs/protocol.md is normative: every constant that fixes bytes on the wire must appear in it."""

from __future__ import annotations

from pathlib import Path

import pytest

from por import PROTOCOL
from por.crypto import backend, generators, rangeproof, statements, transcript
from por.epoch import bundle
from por.ledger import journal
from por.reserves import attestation, keyring, oracle, solvency
from por.serve import auth as serve_auth
from por.serve import limits as serve_limits
from por.tree import leaf, proof, store

DOC = Path(__file__).resolve().parent.parent / "docs" / "protocol.md"


def _text(value: bytes | str) -> str:
    return value.decode().rstrip("\x00") if isinstance(value, bytes) else value


CONSTANTS = [
    PROTOCOL, backend.H2C_DST, generators.PEDERSEN_H_LABEL, generators.BP_G_LABEL, generators.BP_H_LABEL,
    transcript.PROTOCOL_LABEL, rangeproof.DOMAIN, rangeproof.DOMAIN_LINEAR, statements.CONTEXT_LABEL,
    leaf.LEAF_INFO, leaf.LEAF_ID_LABEL, leaf.BLINDING_DST, leaf.NODE_RANGE_CONTEXT, leaf.COLLATERAL_CONTEXT,
    store.STORE_FORMAT, proof.CLIENT_FORMAT, bundle.MANIFEST_FORMAT, "por/v1/manifest",
    attestation.STATEMENT_DOMAIN, attestation.FORMAT, oracle.REPORT_DOMAIN, oracle.REPORT_FORMAT,
    solvency.CONTEXT_DOMAIN, solvency.FORMAT, keyring.FORMAT, journal.SIGN_DOMAIN, journal.SIGN_DOMAIN_V2, journal.CHAIN_DOMAIN,
    serve_auth.AUDIENCE, serve_auth.ALGORITHM,
]


@pytest.mark.parametrize("constant", CONSTANTS, ids=_text)
def test_constant_is_specified(constant: bytes | str) -> None:
    assert _text(constant) in DOC.read_text(), f"{_text(constant)!r} is not in docs/protocol.md"


@pytest.mark.parametrize("name", statements.statement_ids())
def test_statement_bit_widths_are_specified(name: str) -> None:
    st = statements.load(name)
    text = DOC.read_text()
    assert f"`{name}`" in text and str(st.bits) in text


def test_serve_security_headers_are_specified() -> None:
    text = " ".join(DOC.read_text().split())
    assert serve_limits.CSP in text
    for bound in (serve_limits.MAX_TARGET, serve_limits.MAX_HEADERS, serve_limits.MAX_HEADER_BYTES,
                  serve_auth.MAX_TTL, serve_auth.MAX_TOKEN_CHARS):
        assert str(bound) in text
