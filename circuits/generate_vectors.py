"""Generate the test vectors in circuits/vectors/ (range proofs and one file per statement).

Run ``python -m por.circuits.generate_vectors`` (or ``python circuits/generate_vectors.py``) to rewrite
them, with ``--check`` to compare instead, and ``--backend reference`` to build them with py_ecc.
Every proof uses :class:`SeededRandom` fixed randomness, so both backends must produce the same bytes;
tests/crypto/test_vectors.py regenerates and compares. Sizes are small (n·m <= 128) so that the pure-Python
backend stays quick. Integers are written as decimal strings (JSON parsers differ on big numbers),
bytes as lowercase hex. Negative vectors are named after the attack they cover.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from por.crypto import rangeproof, statements
from por.crypto.backend import IDENTITY_BYTES, GroupBackend, get_backend
from por.crypto.pedersen import commit
from por.crypto.scalar import R, SeededRandom
from por.crypto.statements import Claim, Opening

VECTORS_DIR = Path(__file__).resolve().parent / "vectors"
FORMAT = "por-vectors/1"


def _blindings(label: str, count: int) -> list[int]:
    rng = SeededRandom(f"por/v1/vectors/blinding/{label}")
    return [1 + rng.randbelow(R - 1) for _ in range(count)]


def _dump(obj: dict[str, Any]) -> str:
    return json.dumps(obj, indent=2) + "\n"


def _rangeproof_vectors(be: GroupBackend) -> dict[str, Any]:
    cases_in = [
        ("n8-m1-zero", 8, [0], b""),
        ("n8-m1-max", 8, [255], b"por/v1/vectors/context"),
        ("n8-m2", 8, [3, 250], b""),
    ]
    cases = []
    by_name: dict[str, dict[str, Any]] = {}
    for name, bits, values, ctx in cases_in:
        blind = _blindings(name, len(values))
        proof = rangeproof.prove(values, blind, bits, context=ctx, rng=SeededRandom(f"por/v1/vectors/{name}"),
                                 backend=be)
        case = {
            "name": name, "bits": bits, "values": [str(v) for v in values],
            "blindings": [str(g) for g in blind], "context": ctx.hex(),
            "rng_seed": f"por/v1/vectors/{name}",
            "commitments": [commit(v, g, backend=be).hex() for v, g in zip(values, blind, strict=True)],
            "proof": proof.hex(), "proof_bytes": len(proof),
        }
        cases.append(case)
        by_name[name] = case

    def neg(name: str, attack: str, base: dict[str, Any], **changes: Any) -> dict[str, Any]:
        item = {"name": name, "attack": attack, "bits": base["bits"], "context": base["context"],
                "commitments": list(base["commitments"]), "proof": base["proof"], "expect": False}
        item.update(changes)
        return item

    base = by_name["n8-m1-max"]
    proof = bytes.fromhex(base["proof"])
    # A prover that skips the range check for 2^n: a_L holds the low n bits (0), so t_hat cannot match.
    forged_blind = _blindings("forged-2^n", 1)
    forged = rangeproof._prove_unchecked([256], forged_blind, 8, b"", SeededRandom("por/v1/vectors/forged"), be)
    negatives = [
        neg("frozen-heart-context", "proof replayed under another context (transcript binding)", base,
            context=b"por/v1/vectors/other".hex()),
        neg("frozen-heart-bits", "proof replayed with another bit width", base, bits=16),
        neg("other-commitment", "proof replayed for a commitment to another value", base,
            commitments=[commit(254, 1, backend=be).hex()]),
        neg("identity-A", "prover message A replaced by the identity", base,
            proof=(IDENTITY_BYTES + proof[48:]).hex()),
        neg("non-canonical-tau_x", "tau_x replaced by tau_x + r (non-canonical scalar)", base,
            proof=(proof[:192] + (int.from_bytes(proof[192:224], "big") + R).to_bytes(32, "big")
                   + proof[224:]).hex()),
        neg("truncated", "proof one byte short", base, proof=proof[:-1].hex()),
        {"name": "value-2^n-forged", "attack": "prover skipped the range check for v = 2^n", "bits": 8,
         "context": "", "commitments": [commit(256, forged_blind[0], backend=be).hex()],
         "proof": forged.hex(), "expect": False},
    ]
    return {"format": FORMAT, "kind": "rangeproof", "protocol": "por-v1",
            "encoding": "A|S|T1|T2 (48 B) tau_x|mu|t_hat (32 B) (L_k|R_k)* a|b (32 B)",
            "cases": cases, "negative": negatives}


def _linear_vectors(be: GroupBackend) -> dict[str, Any]:
    """The linear encoding (docs/protocol.md §4.5): the same cases as rangeproof.json, and negative
    vectors for what only this encoding has (l, r, the inner product) and for encoding confusion."""
    lin = rangeproof.LINEAR
    cases_in = [
        ("linear-n8-m1-zero", 8, [0], b""),
        ("linear-n8-m1-max", 8, [255], b"por/v1/vectors/context"),
        ("linear-n8-m2", 8, [3, 250], b""),
    ]
    cases = []
    by_name: dict[str, dict[str, Any]] = {}
    for name, bits, values, ctx in cases_in:
        blind = _blindings(name, len(values))
        proof = rangeproof.prove(values, blind, bits, context=ctx, rng=SeededRandom(f"por/v1/vectors/{name}"),
                                 backend=be, encoding=lin)
        case = {
            "name": name, "bits": bits, "encoding": lin, "values": [str(v) for v in values],
            "blindings": [str(g) for g in blind], "context": ctx.hex(),
            "rng_seed": f"por/v1/vectors/{name}",
            "commitments": [commit(v, g, backend=be).hex() for v, g in zip(values, blind, strict=True)],
            "proof": proof.hex(), "proof_bytes": len(proof),
        }
        cases.append(case)
        by_name[name] = case

    def neg(name: str, attack: str, base: dict[str, Any], **changes: Any) -> dict[str, Any]:
        item = {"name": name, "attack": attack, "bits": base["bits"], "encoding": lin, "context": base["context"],
                "commitments": list(base["commitments"]), "proof": base["proof"], "expect": False}
        item.update(changes)
        return item

    base = by_name["linear-n8-m1-max"]
    proof = bytes.fromhex(base["proof"])
    nm = 8
    l0_at, r0_at = 288, 288 + 32 * nm

    def with_scalar(at: int, k: int) -> str:
        return (proof[:at] + k.to_bytes(32, "big") + proof[at + 32:]).hex()

    l0 = int.from_bytes(proof[l0_at:l0_at + 32], "big")
    t_hat = int.from_bytes(proof[256:288], "big")
    forged_blind = _blindings("linear-forged-2^n", 1)
    forged = rangeproof._prove_linear([256], forged_blind, 8, b"", SeededRandom("por/v1/vectors/linear-forged"),
                                      be)
    comp_case = _rangeproof_vectors(be)["cases"][1]  # n8-m1-max, same context
    negatives = [
        neg("frozen-heart-context", "proof replayed under another context (transcript binding)", base,
            context=b"por/v1/vectors/other".hex()),
        neg("frozen-heart-bits", "proof replayed with another bit width", base, bits=16),
        neg("other-commitment", "proof replayed for a commitment to another value", base,
            commitments=[commit(254, 1, backend=be).hex()]),
        neg("identity-A", "prover message A replaced by the identity", base,
            proof=(IDENTITY_BYTES + proof[48:]).hex()),
        neg("non-canonical-l0", "l_0 replaced by l_0 + r (non-canonical scalar)", base,
            proof=with_scalar(l0_at, l0 + R)),
        neg("t_hat-not-inner-product", "t_hat changed: no longer <l, r>", base,
            proof=with_scalar(256, (t_hat + 1) % R)),
        neg("l-changed-t_hat-kept-consistent", "l_0 and r_0 changed so that t_hat = <l, r> still holds", base,
            proof=(proof[:l0_at] + ((l0 + 1) % R).to_bytes(32, "big") + proof[l0_at + 32:r0_at]
                   + ((int.from_bytes(proof[r0_at:r0_at + 32], "big") * (l0 * pow(l0 + 1, -1, R))) % R)
                   .to_bytes(32, "big") + proof[r0_at + 32:]).hex()),
        neg("l-too-short", "one scalar of l (and r) missing: length does not match n, m", base,
            proof=(proof[:l0_at + 32 * (nm - 1)] + proof[l0_at + 32 * nm:-32]).hex()),
        neg("compressed-read-as-linear", "a valid compressed proof (same context and bit width) given as linear",
            base, commitments=comp_case["commitments"], proof=comp_case["proof"]),
        {"name": "value-2^n-forged", "attack": "prover skipped the range check for v = 2^n", "bits": 8,
         "encoding": lin, "context": "", "commitments": [commit(256, forged_blind[0], backend=be).hex()],
         "proof": forged.hex(), "expect": False},
    ]
    return {"format": FORMAT, "kind": "rangeproof", "protocol": "por-v1", "encoding_name": lin,
            "encoding": "A|S|T1|T2 (48 B) tau_x|mu|t_hat (32 B) l_0..l_{N-1} r_0..r_{N-1} (32 B)",
            "cases": cases, "negative": negatives}


def _statement_vectors(be: GroupBackend, name: str) -> dict[str, Any]:
    stmt = statements.load(name)
    if name in ("node-range", "node-range-linear"):
        vals = [[123456789], [2**64 - 1]]
        coefs = [(1,), (1,)]
        consts = [0, 0]
    elif name in ("collateral", "collateral-linear"):
        # two assets: equity e1, e2 and debt d1, d2; prices x10^8; haircuts in basis points
        p1, p2, h1, h2 = 6_500_000_000_000, 100_000_000, 8_000, 10_000
        vals = [[3, 1_000_000, 1, 50_000]]  # e1, e2, d1, d2
        coefs = [(h1 * p1, h2 * p2, -10_000 * p1, -10_000 * p2)]
        consts = [0]
    elif name == "solvency":
        vals = [[5_000_000, 1_200_000]]  # total equity, total debt
        coefs = [(-1, 1)]
        consts = [4_000_000]  # attested reserves
    else:  # pragma: no cover
        raise ValueError(name)
    claims, openings, inputs = [], [], []
    for i, (vs, cs, k) in enumerate(zip(vals, coefs, consts, strict=True)):
        blind = _blindings(f"{name}/{i}", len(vs))
        cms = tuple(commit(v, g, backend=be) for v, g in zip(vs, blind, strict=True))
        claims.append(Claim(cms, cs, k))
        openings.append(Opening(tuple(vs), tuple(blind)))
        inputs.append({"values": [str(v) for v in vs], "blindings": [str(g) for g in blind],
                       "coefficients": [str(c) for c in cs], "constant": str(k),
                       "commitments": [c.hex() for c in cms],
                       "combined_value": str(sum(c * v for c, v in zip(cs, vs, strict=True)) + k),
                       "combined_commitment": statements.combined_commitment(claims[-1], be).hex()})
    ctx = f"por/v1/vectors/{name}".encode()
    proof = statements.prove(stmt, claims, openings, context=ctx, rng=SeededRandom(f"por/v1/vectors/{name}"),
                             backend=be)
    m = statements._padded_m(len(claims))
    return {"format": FORMAT, "kind": "statement", "protocol": "por-v1", "statement": name,
            "version": stmt.version, "bits": stmt.bits, "encoding": stmt.encoding, "spec_sha256": stmt.sha256, "m": m,
            "context": ctx.hex(), "rng_seed": f"por/v1/vectors/{name}", "claims": inputs,
            "transcript_context": statements.transcript_context(stmt, claims, m, ctx).hex(),
            "proof": proof.hex(), "proof_bytes": len(proof)}


def build(backend: GroupBackend | None = None) -> dict[str, str]:
    """File name -> exact JSON text of every vector file."""
    be = backend or get_backend()
    out = {"rangeproof.json": _dump(_rangeproof_vectors(be)),
           "rangeproof-linear.json": _dump(_linear_vectors(be))}
    for name in statements.statement_ids():
        out[f"{name}.json"] = _dump(_statement_vectors(be, name))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="compare with the committed files, write nothing")
    ap.add_argument("--backend", choices=("fast", "reference"), default="fast")
    args = ap.parse_args(argv)
    files = build(get_backend(args.backend))
    bad = 0
    for fname, text in files.items():
        path = VECTORS_DIR / fname
        if args.check:
            same = path.exists() and path.read_text() == text
            print(("OK:   " if same else "FAIL: ") + fname)
            bad += not same
        else:
            VECTORS_DIR.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
            print(f"wrote {path}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
