"""The JavaScript verifier on the protocol's vectors (docs/protocol.md §6): every valid range proof and
statement proof verifies, every negative vector (named after its attack) is refused, commitments,
combined commitments and transcript contexts are byte-identical to the Python ones."""

from __future__ import annotations

import json
from pathlib import Path

from tests.web.conftest import ROOT, run_node

VECTORS = sorted((ROOT / "circuits" / "vectors").glob("*.json"))


def test_protocol_vectors(node: str) -> None:
    assert {p.name for p in VECTORS} >= {"rangeproof.json", "node-range.json", "collateral.json", "solvency.json"}
    cp = run_node(node, Path(__file__).parent / "vectors.mjs", *VECTORS)
    assert cp.returncode == 0, cp.stderr[-3000:]
    rows = [json.loads(line) for line in cp.stdout.splitlines() if line.strip()]
    files = {r["file"] for r in rows}
    assert files == {p.name for p in VECTORS}
    assert sum(1 for r in rows if r["expect"] is False) >= 7  # the named attacks
    wrong = [r for r in rows if r["got"] is not r["expect"]]
    assert not wrong, wrong


def test_generators_and_hash_to_scalar_match_python(node: str, tmp_path: Path) -> None:
    """H, the first Bulletproofs generators and the tree's blinding scalars, byte for byte."""
    from por.crypto.backend import get_backend
    from por.crypto.generators import bulletproof_gens, pedersen_gens
    from por.tree import leaf as L

    be = get_backend()
    gs, hs = bulletproof_gens(be).take(3)
    want = {"H": be.encode(pedersen_gens(be).H).hex(), "G": [be.encode(p).hex() for p in gs],
            "Hv": [be.encode(p).hex() for p in hs], "blinding": str(L.blinding(bytes(range(32)), 3)),
            "leaf_id": L.leaf_id("alice", bytes(32)).hex()}
    script = tmp_path / "gens.mjs"
    script.write_text(f"""
import {{ loadBundle }} from {json.dumps(str(ROOT / 'web' / 'verify.mjs'))};
const V = loadBundle();
const g = V.internals.generators.bulletproofGens(3);
const hex = V.bytes.toHex;
const s = Uint8Array.from({{length: 32}}, (_, i) => i);
console.log(JSON.stringify({{H: hex(V.internals.generators.pedersenH().toRawBytes(true)),
  G: g[0].map((p) => hex(p.toRawBytes(true))), Hv: g[1].map((p) => hex(p.toRawBytes(true))),
  blinding: V.internals.leaf.blinding(s, 3).toString(), leaf_id: hex(V.internals.leaf.leafId("alice", new Uint8Array(32)))}}));
""")
    cp = run_node(node, script)
    assert cp.returncode == 0, cp.stderr[-2000:]
    assert json.loads(cp.stdout) == want


def test_bls_vectors(node: str) -> None:
    """tests/vectors/bls (docs/protocol.md §8.1): Verify, FastAggregateVerify and AggregateVerify,
    including the named negative cases (identity keys, tampered and non-canonical signatures, the rogue
    key without proof of possession), give the expected answer."""
    cp = run_node(node, Path(__file__).parent / "bls_vectors.mjs", ROOT / "tests" / "vectors" / "bls")
    assert cp.returncode == 0, cp.stderr[-3000:]
    rows = [json.loads(line) for line in cp.stdout.splitlines() if line.strip()]
    assert {r["file"] for r in rows} == {"verify", "fast_aggregate_verify", "aggregate_verify"}
    assert len(rows) >= 50 and any(r["expect"] is False for r in rows)
    wrong = [r for r in rows if r["got"] is not r["expect"]]
    assert not wrong, wrong
