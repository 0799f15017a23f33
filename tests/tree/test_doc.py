"""docs/protocol.md §7.14: the test vector in the normative text is what the code computes."""

from __future__ import annotations

import re
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from por.crypto.pedersen import commit
from por.crypto.scalar import KeyedRandom
from por.tree import leaf as L

DOC = Path(__file__).resolve().parents[2] / "docs" / "protocol.md"


def _vector() -> dict[str, str]:
    text = DOC.read_text().split("### 7.14", 1)[1]
    return {m.group(1).strip(): m.group(2) for m in re.finditer(r"^\| ([^|]+) \| `([0-9a-f]+)` \|$", text, re.M)}


def test_documented_vector_matches_the_code() -> None:
    v = _vector()
    m, e, a = bytes(range(32)), "2026-11-25", "alice"
    s = L.leaf_secret_reference(m, e, a)
    lid = L.leaf_id(s)
    g = L.blinding(s, 0)
    c = commit(100, g)
    prk = L.prk(m, e)
    assert v["s"] == s.hex()
    assert v["leaf id"] == lid.hex()
    assert v["γ_0"] == g.to_bytes(32, "big").hex()
    assert v["C_0"] == c.hex()
    assert v["committed leaf hash"] == L.leaf_hash("committed", lid, c).hex()
    assert v["plain leaf hash"] == L.leaf_hash("plain", lid, L.encode_sum(100)).hex()
    assert v["sort key"] == L.sort_key_account(L.shuffle_key(prk), a).hex()
    assert v["padding secret, i = 0"] == L.pad_secret_from_prk(prk, 0).hex()
    assert v["block context (H 20, level 3, block 7, no ctx)"] == L.block_context(e, b"", 20, 3, 7).hex()
    key = L.proof_key(m, e)
    assert v["proof key P"] == key.hex()
    assert key == HKDF(algorithm=hashes.SHA256(), length=32, salt=e.encode(), info=L.PROOF_INFO).derive(m)
    assert v['first keyed draw below 2^64 (key P, m = "abc")'] == f"{KeyedRandom(key, b'abc').randbelow(2**64):016x}"


def test_documented_labels_are_the_codes() -> None:
    text = DOC.read_text()
    for label in (L.LEAF_INFO, L.PAD_INFO, L.SHUFFLE_INFO, L.PROOF_INFO, L.LEAF_ID_LABEL, L.BLINDING_DST, L.NODE_RANGE_CONTEXT,
                  L.COLLATERAL_CONTEXT, b"por/v1/plain-leaf", b"por/v1/plain-node"):
        assert f'"{label.decode()}"' in text
