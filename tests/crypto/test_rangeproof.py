"""Bulletproofs range proofs: completeness, soundness, strict decoding, batching, bisection."""

from __future__ import annotations

import hashlib
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from por.crypto import rangeproof as rp
from por.crypto.backend import IDENTITY_BYTES, get_backend
from por.crypto.pedersen import commit
from por.crypto.scalar import R, SeededRandom
from por.errors import RangeError

FAST = get_backend("fast")


def _off_subgroup_point() -> bytes:
    from py_ecc.bls.hash_to_curve import hash_to_field_FQ, map_to_curve_G1
    from py_ecc.bls.point_compression import compress_G1

    u = hash_to_field_FQ(b"por-test-off-subgroup", 1, b"TEST", hashlib.sha256)[0]
    return int(compress_G1(map_to_curve_G1(u))).to_bytes(48, "big")


def _make(values, bits, seed=1, context=b"", be=FAST):
    rng = SeededRandom(seed)
    blind = [1 + rng.randbelow(R - 1) for _ in values]
    proof = rp.prove(values, blind, bits, context=context, rng=SeededRandom(seed + 1000), backend=be)
    return [commit(v, g, backend=be) for v, g in zip(values, blind, strict=True)], proof, blind


@pytest.fixture(scope="module")
def small():
    """n = 8, m = 1: the proof every byte-level test mutates."""
    return _make([200], 8)


@pytest.mark.parametrize("bits,values", [(8, [0]), (8, [255]), (16, [1, 65535]), (32, [2**32 - 1, 0, 7, 9]),
                                         (64, [2**64 - 1]), (128, [2**128 - 1])])
def test_round_trip(bits, values):
    V, proof, _ = _make(values, bits)
    assert len(proof) == rp.proof_size(bits, len(values))
    assert rp.verify(V, proof, bits)


def test_round_trip_reference_backend_matches_fast():
    ref = get_backend("reference")
    V_f, p_f, _ = _make([5, 250], 8, be=FAST)
    V_r, p_r, _ = _make([5, 250], 8, be=ref)
    assert (V_f, p_f) == (V_r, p_r)
    assert rp.verify(V_r, p_r, 8, backend=ref)


def test_proof_size_and_layout():
    assert rp.proof_size(64, 1) == 4 * 48 + 3 * 32 + 2 * 6 * 48 + 2 * 32 == 928
    assert rp.proof_size(64, 16) == 352 + 96 * 10


@pytest.mark.parametrize("bits,value", [(8, 256), (8, -1), (8, R - 1), (64, 2**64), (64, R - 1), (64, -1)])
def test_out_of_range_values_cannot_be_proven(bits, value):
    with pytest.raises(RangeError):
        rp.prove([value], [1], bits)


@pytest.mark.parametrize("values,blinds,bits", [([1, 2, 3], [1, 2, 3], 8), ([1], [1, 2], 8), ([1], [1], 12),
                                                ([], [], 8), ([1] * 128, [1] * 128, 8), ([True], [1], 8)])
def test_bad_shapes_raise_range_error(values, blinds, bits):
    with pytest.raises(RangeError):
        rp.prove(values, blinds, bits)
    assert issubclass(RangeError, ValueError)


@pytest.mark.parametrize("value", [256, 2**8 + 5, R - 1, R - 256])
def test_forged_prover_skipping_range_check_fails(value):
    """A prover that ignores the range check (bits beyond n are dropped) does not convince."""
    proof = rp._prove_unchecked([value % R], [77], 8, b"", SeededRandom(3), FAST)
    assert not rp.verify([commit(value, 77)], proof, 8)


def test_every_single_byte_change_fails(small):
    V, proof, _ = small
    assert rp.verify(V, proof, 8)
    for i in range(len(proof)):
        for flip in (0x01, 0x80):
            bad = bytearray(proof)
            bad[i] ^= flip
            assert not rp.verify(V, bytes(bad), 8), f"byte {i} ^ {flip:#x} accepted"


def test_binds_commitment_bits_count_and_context(small):
    V, proof, blind = small
    assert not rp.verify([commit(201, blind[0])], proof, 8)
    assert not rp.verify([commit(200, blind[0] + 1)], proof, 8)
    assert not rp.verify(V, proof, 16)
    assert not rp.verify(V + [IDENTITY_BYTES], proof, 8)
    assert not rp.verify(V, proof, 8, context=b"x")
    Vc, pc, _ = _make([200], 8, context=b"epoch-7")
    assert rp.verify(Vc, pc, 8, context=b"epoch-7")
    assert not rp.verify(Vc, pc, 8, context=b"epoch-8")
    assert not rp.verify(Vc, pc, 8)


def test_malformed_inputs_return_false_never_raise(small):
    V, proof, _ = small
    cases = [
        (V, proof[:-1], 8), (V, proof + b"\x00", 8), (V, b"", 8), ([], proof, 8), (V, proof, 7),
        ([V[0][:47]], proof, 8), ([_off_subgroup_point()], proof, 8), ([b"\x00" * 48], proof, 8),
        (V, _off_subgroup_point() + proof[48:], 8), (V, IDENTITY_BYTES + proof[48:], 8),
        (V, proof[:48] + IDENTITY_BYTES + proof[96:], 8),
        (V, proof[:288] + IDENTITY_BYTES + proof[336:], 8),  # L_1 = identity
        (V, proof[:-32] + R.to_bytes(32, "big"), 8),  # b = r: non-canonical
        (V, proof[:192] + (int.from_bytes(proof[192:224], "big") + R).to_bytes(32, "big") + proof[224:], 8),
        ("not a list", proof, 8), ([1234], proof, 8), (V, "text", 8), (V, proof, None), (V, proof, True),
    ]
    for c in cases:
        assert rp.verify(*c) is False
    assert rp.verify(V, proof, 8, context="str") is False  # type: ignore[arg-type]
    assert rp.verify_batch("junk") is False  # type: ignore[arg-type]
    assert rp.verify_batch([(V,)]) is False  # type: ignore[list-item]


def test_identity_commitment_allowed_as_padding():
    proof = rp.prove([9, 0], [5, 0], 8, rng=SeededRandom(4))
    assert rp.verify([commit(9, 5), IDENTITY_BYTES], proof, 8)


def test_verifier_reads_no_challenge_from_the_proof(small, monkeypatch):
    """The verifier's challenges come from its own transcript: replaying it by hand gives the same
    challenges, and the proof bytes are exactly the prover messages (nothing else to read)."""
    V, proof, _ = small
    seen: list[int] = []
    from por.crypto import transcript

    orig = transcript.Transcript.challenge

    def spy(self, label):
        c = orig(self, label)
        seen.append(c)
        return c

    monkeypatch.setattr(transcript.Transcript, "challenge", spy)
    assert rp.verify(V, proof, 8)
    encoded = [c.to_bytes(32, "big") for c in seen]
    assert len(seen) == 4 + 3  # y, z, x, w and one u per round (n·m = 8)
    assert not any(e in proof for e in encoded)


def test_prover_randomness_is_fresh_and_not_public():
    """Same values and blindings twice from the OS CSPRNG: different proofs, both valid."""
    p1 = rp.prove([42], [7], 8)
    p2 = rp.prove([42], [7], 8)
    assert p1 != p2 and p1[:48] != p2[:48]
    assert rp.verify([commit(42, 7)], p1, 8) and rp.verify([commit(42, 7)], p2, 8)
    # Seeded rng: deterministic (vectors), and a different seed gives a different proof.
    assert rp.prove([42], [7], 8, rng=SeededRandom(1)) == rp.prove([42], [7], 8, rng=SeededRandom(1))
    assert rp.prove([42], [7], 8, rng=SeededRandom(1)) != rp.prove([42], [7], 8, rng=SeededRandom(2))


def test_blinding_does_not_appear_in_the_proof():
    blind = 0x1234567890ABCDEF1234567890ABCDEF
    proof = rp.prove([3], [blind], 8)
    assert blind.to_bytes(32, "big") not in proof and (R - blind).to_bytes(32, "big") not in proof


def test_batch_and_bisection_name_exactly_the_bad_items():
    items = []
    for k, (bits, vals) in enumerate([(8, [1]), (16, [2, 3]), (8, [4, 5, 6, 7]), (32, [8]), (8, [9]),
                                      (8, [10, 11])]):
        V, p, _ = _make(vals, bits, seed=10 + k, context=bytes([k]))
        items.append((V, p, bits, bytes([k])))
    assert rp.verify_batch(items)
    assert rp.find_invalid(items) == []
    bad = list(items)
    bad[1] = (items[1][0][::-1], items[1][1], 16, bytes([1]))  # commitments swapped
    bad[4] = (items[4][0], items[4][1][:-1] + b"\x00", 8, bytes([4]))
    bad[5] = (items[5][0], items[5][1], 8, b"other")  # wrong context
    assert not rp.verify_batch(bad)
    assert rp.find_invalid(bad) == [1, 4, 5]
    assert rp.verify_batch([items[0][:3] + (bytes([0]),)])
    three = [(items[0][0], items[0][1], 8, bytes([0])), (V, p, 8)]  # 3-tuple without context fails
    assert rp.find_invalid(three) == [1]


def test_batch_rejects_cancelling_pair():
    """Two invalid proofs whose errors would cancel with weight 1 cannot pass random weights."""
    V1, p1, _ = _make([1], 8, seed=50)
    V2, p2, _ = _make([2], 8, seed=51)
    assert not rp.verify_batch([(V2, p1, 8), (V1, p2, 8)])


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(values=st.lists(st.integers(0, 255), min_size=1, max_size=4).filter(lambda v: len(v) in (1, 2, 4)),
       blind=st.integers(0, R - 1), ctx=st.binary(max_size=8))
def test_property_round_trip(values, blind, ctx):
    blinds = [(blind + j) % R for j in range(len(values))]
    proof = rp.prove(values, blinds, 8, context=ctx)
    V = [commit(v, g) for v, g in zip(values, blinds, strict=True)]
    assert rp.verify(V, proof, 8, context=ctx)
    assert not rp.verify(V, proof, 8, context=ctx + b"!")


def test_module_documents_its_transcript_order():
    assert re.search(r"context.*n.*m.*V", rp.__doc__ or "", re.S)
