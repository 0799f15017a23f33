"""docs/protocol.md §7.14: the test vector in the normative text is what the code computes."""

from __future__ import annotations

import re
from pathlib import Path

from por.tree import leaf as L

from . import generate_vector

DOC = Path(__file__).resolve().parents[2] / "docs" / "protocol.md"


def _vector() -> dict[str, str]:
    text = DOC.read_text().split("### 7.14", 1)[1]
    return {m.group(1).strip(): m.group(2) for m in re.finditer(r"^\| ([^|]+) \| `([0-9a-f]+)` \|$", text, re.M)}


def test_documented_vector_matches_the_code() -> None:
    """§7.14 holds exactly the rows the generator computes (regenerate: python tests/tree/generate_vector.py)."""
    assert list(_vector().items()) == generate_vector.vector()


def test_documented_labels_are_the_codes() -> None:
    text = DOC.read_text()
    for label in (L.LEAF_INFO, L.PAD_INFO, L.SHUFFLE_INFO, L.PROOF_INFO, L.SOLVENCY_INFO, L.LEAF_ID_LABEL, L.BLINDING_DST, L.NODE_RANGE_CONTEXT,
                  L.COLLATERAL_CONTEXT, b"por/v1/plain-leaf", b"por/v1/plain-node"):
        assert f'"{label.decode()}"' in text


def test_documented_commitment_on_both_backends(backend) -> None:  # type: ignore[no-untyped-def]
    """Both group backends give the §7.14 commitment and leaf hash, byte for byte."""
    from por.crypto.pedersen import commit
    from por.tree._commit import committer

    v = dict(generate_vector.vector())
    s = bytes.fromhex(v["s"])
    g = L.blinding(s, 0)
    c = commit(generate_vector.VALUE, g, backend)
    assert c.hex() == v["C_0"]
    cm = committer(backend)
    assert cm.encode(cm.commit(generate_vector.VALUE, g)) == c
    lid = L.leaf_id(generate_vector.ACCOUNT, s)
    assert L.leaf_hash("committed", lid, c).hex() == v["committed leaf hash"]
