"""Statements: loading and validation, the combined-commitment prover/verifier, and that a proof for
one statement never verifies for another that differs in any public input (Frozen Heart)."""

from __future__ import annotations

import dataclasses

import pytest

from por.crypto import rangeproof, statements
from por.crypto.backend import IDENTITY_BYTES
from por.crypto.pedersen import commit
from por.crypto.scalar import R, SeededRandom
from por.crypto.statements import Claim, Opening
from por.errors import RangeError, SpecError, UsageError


def _claim(values, coefs, const=0, seed=0):
    rng = SeededRandom(f"claim-{seed}")
    blinds = tuple(1 + rng.randbelow(R - 1) for _ in values)
    cms = tuple(commit(v, g) for v, g in zip(values, blinds, strict=True))
    return Claim(cms, tuple(coefs), const), Opening(tuple(values), blinds)


def test_ids_and_loading():
    assert statements.statement_ids() == ["collateral", "collateral-linear", "node-range", "node-range-linear",
                                          "solvency"]
    for name, bits in (("node-range", 64), ("collateral", 128), ("solvency", 64), ("node-range-linear", 64),
                       ("collateral-linear", 128)):
        s = statements.load(name)
        assert (s.id, s.version, s.bits, len(s.sha256)) == (name, 1, bits, 64)
        assert "math" in s.spec and s.spec["inputs"]
        s.require_hash(s.sha256)
        with pytest.raises(SpecError):
            s.require_hash("00" * 32)
    for bad in ("nope", "../pyproject", "", "Node-Range"):
        with pytest.raises(SpecError):
            statements.load(bad)


def test_spec_validation_rejects_anything_wrong():
    good = statements.importlib.resources.files("por.circuits").joinpath("solvency.toml").read_bytes()
    assert statements.load_bytes("solvency", good).sha256 == statements.load("solvency").sha256
    mutations = [
        good.replace(b"bits = 64", b"bits = 63"), good.replace(b'id = "solvency"', b'id = "other"'),
        good.replace(b"version = 1", b"version = 0"), good.replace(b"version = 1", b'version = "1"'),
        good.replace(b'format = "por-statement/1"', b'format = "x"'), good + b"\nextra = 1\n",
        good.replace(b"input_bound_bits = 104", b"input_bound_bits = 300"), b"\xff\xfe", b"id = [",
        good.replace(b"coefficients = [-1, 1]", b"coefficients = [-1]"),
        good.replace(b'"D_a" = "+1"', b""),
    ]
    for data in mutations:
        with pytest.raises(SpecError):
            statements.load_bytes("solvency", data)


def test_node_range_prove_verify_with_padding():
    stmt = statements.load("node-range")
    pairs = [_claim([v], [1], seed=i) for i, v in enumerate([0, 5, 2**64 - 1])]  # 3 claims -> m = 4
    claims, openings = [c for c, _ in pairs], [o for _, o in pairs]
    proof = statements.prove(stmt, claims, openings, context=b"epoch-1")
    assert len(proof) == rangeproof.proof_size(64, 4)
    assert statements.verify(stmt, claims, proof, context=b"epoch-1")
    with pytest.raises(RangeError, match="claim 1"):
        statements.prove(stmt, claims, [openings[0], Opening((2**64,), openings[1].blindings), openings[2]])


def test_collateral_math():
    stmt = statements.load("collateral")
    p1, p2, h1, h2 = 6_500_000_000_000, 100_000_000, 8_000, 10_000
    ok, oo = _claim([3, 10**6, 1, 5 * 10**4], [h1 * p1, h2 * p2, -10_000 * p1, -10_000 * p2])
    proof = statements.prove(stmt, [ok], [oo])
    assert statements.verify(stmt, [ok], proof)
    # debt above haircut collateral: combined value negative -> cannot be proven
    short, so = _claim([1, 0, 1, 0], [h1 * p1, h2 * p2, -10_000 * p1, -10_000 * p2], seed=2)
    with pytest.raises(RangeError, match="claim 0"):
        statements.prove(stmt, [short], [so])


def test_solvency_and_insolvency():
    stmt = statements.load("solvency")
    claim, op = _claim([5_000_000, 1_200_000], [-1, 1], const=4_000_000)
    proof = statements.prove(stmt, [claim], [op], context=b"root")
    assert statements.verify(stmt, [claim], proof, context=b"root")
    bad, bop = _claim([5_000_000, 1_200_000], [-1, 1], const=3_799_999, seed=3)
    with pytest.raises(RangeError):
        statements.prove(stmt, [bad], [bop])
    # the same proof does not verify against lower attested reserves
    assert not statements.verify(stmt, [dataclasses.replace(claim, constant=3_799_999)], proof, context=b"root")


def test_opening_must_match_commitments():
    stmt = statements.load("node-range")
    claim, op = _claim([7], [1])
    with pytest.raises(UsageError, match="opening 0"):
        statements.prove(stmt, [claim], [Opening((8,), op.blindings)])
    with pytest.raises(UsageError):
        statements.prove(stmt, [claim], [])


def test_spec_shape_and_no_wrap_enforced():
    node, coll = statements.load("node-range"), statements.load("collateral")
    claim, op = _claim([7], [2])
    with pytest.raises(UsageError):
        statements.prove(node, [claim], [op])
    huge, hop = _claim([1, 0], [2**200, -(2**200)])
    with pytest.raises(RangeError, match="wrap"):
        statements.prove(coll, [huge], [hop])
    assert not statements.verify(coll, [huge], b"\x00" * 1000)


def test_public_input_changes_break_the_proof():
    """Frozen Heart: every public input is bound: id, spec hash, version, bits, commitments,
    coefficients, constants, count m, caller context."""
    coll = statements.load("collateral")
    claims, openings = [], []
    for i in range(2):
        c, o = _claim([10 + i, 20, 3, 4], [5, 6, -7, -8], const=11, seed=10 + i)
        claims.append(c)
        openings.append(o)
    proof = statements.prove(coll, claims, openings, context=b"ctx")
    assert statements.verify(coll, claims, proof, context=b"ctx")
    other_c, _ = _claim([10, 20, 3, 4], [5, 6, -7, -8], const=11, seed=99)
    variants = [
        (dataclasses.replace(coll, id="collateral2"), claims, b"ctx"),
        (dataclasses.replace(coll, sha256="11" * 32), claims, b"ctx"),
        (dataclasses.replace(coll, version=2), claims, b"ctx"),
        (dataclasses.replace(coll, bits=64), claims, b"ctx"),
        (coll, [other_c, claims[1]], b"ctx"),
        (coll, [dataclasses.replace(claims[0], coefficients=(5, 6, -7, -9)), claims[1]], b"ctx"),
        (coll, [dataclasses.replace(claims[0], constant=12), claims[1]], b"ctx"),
        (coll, [claims[1], claims[0]], b"ctx"),
        (coll, claims + [claims[0]], b"ctx"),  # count 3 (m = 4)
        (coll, claims[:1], b"ctx"),
        (coll, claims, b"ctx2"),
        (coll, claims, b""),
    ]
    for stmt, cl, ctx in variants:
        assert not statements.verify(stmt, cl, proof, context=ctx)
    # the same combined commitments under another statement id with equal bits: still rejected
    node = statements.load("node-range")
    assert not statements.verify(dataclasses.replace(node, bits=128), claims, proof, context=b"ctx")


def test_coefficient_equal_mod_r_but_different_integer_is_a_different_statement():
    stmt = statements.load("collateral")
    c, o = _claim([1, 1], [3, -1])
    proof = statements.prove(stmt, [c], [o])
    assert not statements.verify(stmt, [dataclasses.replace(c, coefficients=(3 + R, -1))], proof)


def test_transcript_context_layout():
    stmt = statements.load("node-range")
    c, _ = _claim([1], [1])
    ctx = statements.transcript_context(stmt, [c], 1, b"abc")
    assert ctx.startswith(b"por/v1/statement" + (10).to_bytes(2, "big") + b"node-range")
    assert len(ctx) == 16 + 2 + 10 + 4 + 32 + 4 + 4 + 4 + 4 + 48 + 33 + 33 + 8 + 3


def test_batch_and_bisection_over_statements():
    node, solv = statements.load("node-range"), statements.load("solvency")
    items = []
    for i in range(4):
        c, o = _claim([i * 1000], [1], seed=40 + i)
        items.append((node, [c], statements.prove(node, [c], [o], context=bytes([i])), bytes([i])))
    sc, so = _claim([10, 4], [-1, 1], const=7, seed=50)
    items.append((solv, [sc], statements.prove(solv, [sc], [so]), b""))
    assert statements.verify_batch(items)
    bad = list(items)
    bad[2] = (node, items[3][1], items[2][2], bytes([2]))
    bad[4] = (node, [sc], items[4][2], b"")  # wrong statement for the proof
    assert not statements.verify_batch(bad)
    assert statements.find_invalid(bad) == [2, 4]
    assert statements.verify_batch([("junk",)]) is False  # type: ignore[list-item]


def test_combined_commitment_and_zero_padding():
    c, o = _claim([4, 9], [3, -1], const=2)
    assert statements.combined_commitment(c) == commit(3 * 4 - 9 + 2, (3 * o.blindings[0] - o.blindings[1]) % R)
    zero = Claim((IDENTITY_BYTES,), (1,), 0)
    assert statements.combined_commitment(zero) == IDENTITY_BYTES


# --- encodings (docs/protocol.md §5.1, §5.2) --------------------------------------------------------


def test_statements_name_their_encoding_and_the_hash_binds_it():
    assert [statements.load(n).encoding for n in ("node-range", "collateral", "solvency")] == ["compressed"] * 3
    assert statements.load("node-range-linear").encoding == rangeproof.LINEAR
    assert statements.load("collateral-linear").encoding == rangeproof.LINEAR
    data = statements.importlib.resources.files("por.circuits").joinpath("node-range-linear.toml").read_bytes()
    flipped = statements.load_bytes("node-range-linear", data.replace(b'encoding = "linear"',
                                                                      b'encoding = "compressed"'))
    assert flipped.encoding == "compressed" and flipped.sha256 != statements.load("node-range-linear").sha256
    with pytest.raises(SpecError):
        flipped.require_hash(statements.load("node-range-linear").sha256)
    for bad in (b'encoding = "Linear"', b"encoding = 1", b'encoding = ""'):
        with pytest.raises(SpecError):
            statements.load_bytes("node-range-linear", data.replace(b'encoding = "linear"', bad))


def test_verifier_refuses_a_proof_of_another_encoding():
    """A proof is read in the encoding its statement names; the other encoding's proof of the very same
    claims is refused, whichever way round, and so is a statement whose spec was edited to claim the
    proof's encoding (its hash, bound in the transcript context, no longer matches)."""
    comp, lin = statements.load("node-range"), statements.load("node-range-linear")
    pairs = [_claim([v], [1], seed=60 + i) for i, v in enumerate([7, 2**64 - 1, 0])]
    claims, openings = [c for c, _ in pairs], [o for _, o in pairs]
    p_lin = statements.prove(lin, claims, openings, context=b"blk")
    p_comp = statements.prove(comp, claims, openings, context=b"blk")
    assert len(p_lin) == rangeproof.proof_size(64, 4, rangeproof.LINEAR)
    assert len(p_comp) == rangeproof.proof_size(64, 4)
    assert statements.verify(lin, claims, p_lin, context=b"blk")
    assert statements.verify(comp, claims, p_comp, context=b"blk")
    assert not statements.verify(lin, claims, p_comp, context=b"blk")
    assert not statements.verify(comp, claims, p_lin, context=b"blk")
    as_comp = dataclasses.replace(lin, spec={**lin.spec, "encoding": "compressed"})
    as_lin = dataclasses.replace(comp, spec={**comp.spec, "encoding": "linear"})
    assert not statements.verify(as_comp, claims, p_comp, context=b"blk")
    assert not statements.verify(as_lin, claims, p_lin, context=b"blk")
    # batches mix statements of both encodings; bisection names the confused item
    items = [(lin, claims, p_lin, b"blk"), (comp, claims, p_comp, b"blk"), (lin, claims, p_comp, b"blk")]
    assert statements.find_invalid(items) == [2]


def test_linear_frozen_heart_block_position_and_epoch():
    """A linear block proof does not verify at another block position, level, height or epoch (the
    tree's context, §7.5), nor for another statement with the same bits and encoding."""
    from por.tree import leaf as L

    lin, coll = statements.load("node-range-linear"), statements.load("collateral-linear")
    pairs = [_claim([v], [1], seed=70 + i) for i, v in enumerate([1, 2])]
    claims, openings = [c for c, _ in pairs], [o for _, o in pairs]
    ctx = L.block_context("epoch-1", b"", 20, 3, 5)
    proof = statements.prove(lin, claims, openings, context=ctx)
    assert statements.verify(lin, claims, proof, context=ctx)
    for other in (L.block_context("epoch-1", b"", 20, 3, 6), L.block_context("epoch-1", b"", 20, 4, 5),
                  L.block_context("epoch-1", b"", 21, 3, 5), L.block_context("epoch-2", b"", 20, 3, 5),
                  L.block_context("epoch-1", b"nonce", 20, 3, 5)):
        assert not statements.verify(lin, claims, proof, context=other)
    assert not statements.verify(dataclasses.replace(coll, bits=64), claims, proof, context=ctx)
    assert not statements.verify(lin, claims[::-1], proof, context=ctx)
    assert not statements.verify(lin, claims[:1], proof, context=ctx)


def test_linear_collateral_and_out_of_range_claims():
    stmt = statements.load("collateral-linear")
    p1, h1 = 6_500_000_000_000, 8_000
    ok, oo = _claim([3, 1], [h1 * p1, -10_000 * p1])
    proof = statements.prove(stmt, [ok], [oo])
    assert len(proof) == rangeproof.proof_size(128, 1, rangeproof.LINEAR)
    assert statements.verify(stmt, [ok], proof)
    short, so = _claim([1, 1], [h1 * p1, -10_000 * p1], seed=5)
    with pytest.raises(RangeError, match="claim 0"):
        statements.prove(stmt, [short], [so])
    node = statements.load("node-range-linear")
    c, o = _claim([5], [1], seed=6)
    with pytest.raises(RangeError):
        statements.prove(node, [c], [Opening((2**64,), o.blindings)])
