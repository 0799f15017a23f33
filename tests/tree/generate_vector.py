"""The docs/protocol.md §7.14 test vector, computed by the code: ``python tests/tree/generate_vector.py``
prints the table rows to paste into §7.14; ``tests/tree/test_doc.py`` regenerates and compares.

Inputs: ``M = 00 01 02 … 1f`` (32 bytes), ``E = "2026-11-25"``, account ``"alice"``, one column, value 100.
"""

from __future__ import annotations

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from por.crypto.pedersen import commit
from por.crypto.scalar import KeyedRandom
from por.tree import leaf as L

MASTER, EPOCH, ACCOUNT, VALUE = bytes(range(32)), "2026-11-25", "alice", 100


def vector() -> list[tuple[str, str]]:
    """(item, lower-case hex) rows, in the order of the table in §7.14."""
    m, e, a = MASTER, EPOCH, ACCOUNT
    s = L.leaf_secret_reference(m, e, a)
    lid = L.leaf_id(a, s)
    g = L.blinding(s, 0)
    c = commit(VALUE, g)
    prk = L.prk(m, e)
    pad = L.pad_secret_from_prk(prk, 0)
    key = L.proof_key(m, e)
    assert key == HKDF(algorithm=hashes.SHA256(), length=32, salt=e.encode(), info=L.PROOF_INFO).derive(m)
    solvency = L.solvency_key(m, e)
    assert solvency == HKDF(algorithm=hashes.SHA256(), length=32, salt=e.encode(), info=L.SOLVENCY_INFO).derive(m)
    return [
        ("s", s.hex()),
        ("leaf id", lid.hex()),
        ("γ_0", g.to_bytes(32, "big").hex()),
        ("C_0", c.hex()),
        ("committed leaf hash", L.leaf_hash("committed", lid, c).hex()),
        ("plain leaf hash", L.leaf_hash("plain", lid, L.encode_sum(VALUE)).hex()),
        ("sort key", L.sort_key_account(L.shuffle_key(prk), a).hex()),
        ("padding secret, i = 0", pad.hex()),
        ("padding leaf id, i = 0", L.pad_leaf_id(0, pad).hex()),
        ("proof key P", key.hex()),
        ("solvency proof key S", solvency.hex()),
        ('first keyed draw below 2^64 (key P, m = "abc")', f"{KeyedRandom(key, b'abc').randbelow(2**64):016x}"),
        ("block context (H 20, level 3, block 7, no ctx)", L.block_context(e, b"", 20, 3, 7).hex()),
    ]


def table() -> str:
    return "\n".join(["| item | value |", "| --- | --- |"] + [f"| {k} | `{v}` |" for k, v in vector()])


if __name__ == "__main__":
    print(table())
