"""The linear range-proof encoding (docs/protocol.md §4.5): completeness on both backends, soundness
(Frozen Heart, every byte, lengths, t_hat = <l, r>, canonical scalars, identity and non-subgroup points,
out-of-range values), encoding confusion, batching with the compressed encoding, and bisection."""

from __future__ import annotations

import hashlib

import pytest

from por.crypto import rangeproof as rp
from por.crypto.backend import IDENTITY_BYTES, get_backend
from por.crypto.fixed_base import pedersen_tables
from por.crypto.generators import pedersen_gens
from por.crypto.pedersen import commit
from por.crypto.scalar import R, SeededRandom
from por.errors import RangeError

FAST = get_backend("fast")
LIN = rp.LINEAR
HEAD = 4 * 48 + 3 * 32  # A, S, T1, T2, tau_x, mu, t_hat


def _off_subgroup_point() -> bytes:
    from py_ecc.bls.hash_to_curve import hash_to_field_FQ, map_to_curve_G1
    from py_ecc.bls.point_compression import compress_G1

    u = hash_to_field_FQ(b"por-test-off-subgroup", 1, b"TEST", hashlib.sha256)[0]
    return int(compress_G1(map_to_curve_G1(u))).to_bytes(48, "big")


def _make(values, bits, seed=1, context=b"", be=FAST, encoding=LIN):
    rng = SeededRandom(seed)
    blind = [1 + rng.randbelow(R - 1) for _ in values]
    proof = rp.prove(values, blind, bits, context=context, rng=SeededRandom(seed + 1000), backend=be,
                     encoding=encoding)
    return [commit(v, g, backend=be) for v, g in zip(values, blind, strict=True)], proof, blind


def _scalar_at(proof: bytes, at: int) -> int:
    return int.from_bytes(proof[at:at + 32], "big")


def _put(proof: bytes, at: int, k: int) -> bytes:
    return proof[:at] + k.to_bytes(32, "big") + proof[at + 32:]


@pytest.fixture(scope="module")
def small():
    """n = 8, m = 1: the proof every byte-level test mutates (l at 288.., r at 544..)."""
    return _make([200], 8)


def test_round_trip_on_both_backends_byte_identical(backend):
    V, proof, _ = _make([5, 250], 8, be=backend)
    assert len(proof) == rp.proof_size(8, 2, LIN) == HEAD + 64 * 16
    assert rp.verify(V, proof, 8, backend=backend, encoding=LIN)
    assert not rp.verify(V, proof, 8, backend=backend)  # read as compressed: refused
    assert (V, proof) == _make([5, 250], 8, be=FAST)[:2]


@pytest.mark.parametrize("bits,values", [(8, [0]), (8, [255]), (16, [1, 65535]), (32, [2**32 - 1, 0, 7, 9]),
                                         (64, [2**64 - 1]), (64, [0, 1, 2**63, 2**64 - 1] * 2),
                                         (128, [2**128 - 1])])
def test_round_trip_single_and_aggregated(bits, values):
    V, proof, _ = _make(values, bits)
    assert len(proof) == rp.proof_size(bits, len(values), LIN) == 288 + 64 * bits * len(values)
    assert rp.verify(V, proof, bits, encoding=LIN)


def test_sizes():
    assert rp.proof_size(64, 1, LIN) == 4384
    assert rp.proof_size(64, 16, LIN) == 288 + 64 * 1024
    with pytest.raises(ValueError):
        rp.proof_size(64, 1, "other")
    with pytest.raises(RangeError):
        rp.prove([1], [1], 8, encoding="other")


def test_fixed_base_tables_equal_scalar_multiplication(backend):
    tg, th = pedersen_tables(backend)
    pg = pedersen_gens(backend)
    for k in (0, 1, 255, 256, 2**64 - 1, R - 1, R, R + 5, 2**255 + 3):
        assert backend.encode(tg.mul(k)) == backend.encode(backend.mul(pg.G, k)) if k % R else \
            backend.is_identity(tg.mul(k))
        assert backend.eq(th.mul(k), backend.mul(pg.H, k))


@pytest.mark.parametrize("bits,value", [(8, 256), (8, -1), (8, R - 1), (64, 2**64), (64, R - 1), (64, -1)])
def test_out_of_range_values_cannot_be_proven(bits, value):
    with pytest.raises(RangeError):
        rp.prove([value], [1], bits, encoding=LIN)


@pytest.mark.parametrize("value", [256, 2**8 + 5, R - 1, -1 % R, R - 256])
def test_forged_prover_skipping_range_check_fails(value):
    """A prover that ignores the range check (bits beyond n are dropped) does not convince: 2^n, r − 1
    (= −1 mod r) and others."""
    proof = rp._prove_linear([value % R], [77], 8, b"", SeededRandom(3), FAST)
    assert not rp.verify([commit(value, 77)], proof, 8, encoding=LIN)


def test_forged_2n_and_minus_one_fail_on_both_backends(backend):
    for value in (256, R - 1):
        proof = rp._prove_linear([value], [77], 8, b"", SeededRandom(3), backend)
        assert not rp.verify([commit(value, 77, backend=backend)], proof, 8, backend=backend, encoding=LIN)


def test_every_single_byte_change_fails(small):
    V, proof, _ = small
    assert rp.verify(V, proof, 8, encoding=LIN)
    for i in range(len(proof)):
        for flip in (0x01, 0x80):
            bad = bytearray(proof)
            bad[i] ^= flip
            assert not rp.verify(V, bytes(bad), 8, encoding=LIN), f"byte {i} ^ {flip:#x} accepted"


def test_frozen_heart_commitments_bits_count_order_and_context(small):
    V, proof, blind = small
    assert not rp.verify([commit(201, blind[0])], proof, 8, encoding=LIN)
    assert not rp.verify([commit(200, blind[0] + 1)], proof, 8, encoding=LIN)
    assert not rp.verify(V, proof, 16, encoding=LIN)
    assert not rp.verify(V + [IDENTITY_BYTES], proof, 8, encoding=LIN)
    assert not rp.verify(V, proof, 8, context=b"x", encoding=LIN)
    V2, p2, _ = _make([3, 9], 8, context=b"epoch-7")
    assert rp.verify(V2, p2, 8, context=b"epoch-7", encoding=LIN)
    assert not rp.verify(V2[::-1], p2, 8, context=b"epoch-7", encoding=LIN)
    assert not rp.verify(V2, p2, 8, context=b"epoch-8", encoding=LIN)
    assert not rp.verify(V2, p2, 8, encoding=LIN)


def test_wrong_length_l_and_r_rejected(small):
    V, proof, _ = small
    l_part, r_part = proof[HEAD:HEAD + 256], proof[HEAD + 256:]
    for bad in (proof[:HEAD] + l_part[:-32] + r_part, proof[:HEAD] + l_part + r_part[:-32],
                proof[:HEAD] + l_part[:-32] + r_part[:-32], proof + bytes(32), proof + proof[-64:],
                proof[:-1], proof[:HEAD], b""):
        assert rp.verify(V, bad, 8, encoding=LIN) is False
    # the same commitments with m = 2 need twice the vectors: a proof for m = 1 is refused
    assert not rp.verify(V + V, proof, 8, encoding=LIN)


def test_t_hat_must_be_the_inner_product(small):
    V, proof, _ = small
    t_hat = _scalar_at(proof, 256)
    for delta in (1, R - 1, 2**128):
        assert not rp.verify(V, _put(proof, 256, (t_hat + delta) % R), 8, encoding=LIN)
    # l_0 changed and r_0 rescaled so that <l, r> is still t_hat: the group equation catches it
    l0, r0 = _scalar_at(proof, HEAD), _scalar_at(proof, HEAD + 256)
    l0b = (l0 + 1) % R
    r0b = r0 * l0 * pow(l0b, -1, R) % R
    forged = _put(_put(proof, HEAD, l0b), HEAD + 256, r0b)
    ls = [_scalar_at(forged, HEAD + 32 * i) for i in range(8)]
    rs = [_scalar_at(forged, HEAD + 256 + 32 * i) for i in range(8)]
    assert sum(a * b for a, b in zip(ls, rs, strict=True)) % R == t_hat
    assert not rp.verify(V, forged, 8, encoding=LIN)


def test_non_canonical_scalars_rejected(small):
    V, proof, _ = small
    for at in range(192, len(proof), 32):  # tau_x, mu, t_hat, every l_i and r_i
        k = _scalar_at(proof, at)
        if k + R < 2**256:
            assert not rp.verify(V, _put(proof, at, k + R), 8, encoding=LIN), f"scalar at {at} + r accepted"
    assert not rp.verify(V, _put(proof, HEAD, R), 8, encoding=LIN)
    assert not rp.verify(V, _put(proof, len(proof) - 32, 2**256 - 1), 8, encoding=LIN)


def test_identity_and_non_subgroup_points_rejected(small):
    V, proof, _ = small
    off = _off_subgroup_point()
    for k in range(4):  # A, S, T1, T2
        for bad_point in (IDENTITY_BYTES, off, b"\x00" * 48, b"\xff" * 48):
            bad = proof[:48 * k] + bad_point + proof[48 * (k + 1):]
            assert rp.verify(V, bad, 8, encoding=LIN) is False
    assert rp.verify([off], proof, 8, encoding=LIN) is False
    assert rp.verify([b"\x00" * 48], proof, 8, encoding=LIN) is False


def test_identity_commitment_allowed_as_padding():
    proof = rp.prove([9, 0], [5, 0], 8, rng=SeededRandom(4), encoding=LIN)
    assert rp.verify([commit(9, 5), IDENTITY_BYTES], proof, 8, encoding=LIN)


def test_encodings_never_confused():
    """A proof is read only in the encoding the caller names: a valid compressed proof is refused as
    linear and vice versa, and the linear transcript has its own domain (so even a linear proof
    rebuilt from a compressed one's prefix would not share its challenges)."""
    V, comp, _ = _make([200], 8, encoding=rp.COMPRESSED)
    V2, lin, _ = _make([200], 8, encoding=LIN)
    assert V == V2
    assert rp.verify(V, comp, 8) and rp.verify(V, lin, 8, encoding=LIN)
    assert not rp.verify(V, comp, 8, encoding=LIN)
    assert not rp.verify(V, lin, 8)
    assert not rp.verify(V, lin, 8, encoding="Linear")  # type: ignore[arg-type]
    assert rp.verify_batch([(V, lin, 8, b"", 7)]) is False  # type: ignore[list-item]
    assert rp.DOMAIN_LINEAR != rp.DOMAIN


def test_randomness_fresh_and_blinding_absent():
    p1 = rp.prove([42], [7], 8, encoding=LIN)
    p2 = rp.prove([42], [7], 8, encoding=LIN)
    assert p1 != p2 and rp.verify([commit(42, 7)], p1, 8, encoding=LIN)
    blind = 0x1234567890ABCDEF1234567890ABCDEF
    proof = rp.prove([3], [blind], 8, encoding=LIN)
    assert blind.to_bytes(32, "big") not in proof and (R - blind).to_bytes(32, "big") not in proof


def test_batch_mixes_encodings_and_bisection_names_the_bad_items():
    items: list[rp.Item] = []
    for k, (bits, vals, enc) in enumerate([(8, [1], LIN), (16, [2, 3], rp.COMPRESSED), (8, [4, 5, 6, 7], LIN),
                                           (32, [8], LIN), (64, [9] * 4, LIN), (8, [10, 11], rp.COMPRESSED),
                                           (64, [2**64 - 1], LIN)]):
        V, p, _ = _make(vals, bits, seed=10 + k, context=bytes([k]), encoding=enc)
        items.append((V, p, bits, bytes([k]), enc))
    assert rp.verify_batch(items)
    assert rp.find_invalid(items) == []
    bad = list(items)
    bad[2] = (items[2][0][::-1], items[2][1], 8, bytes([2]), LIN)  # commitments reordered
    p4 = items[4][1]
    bad[4] = (items[4][0], _put(p4, 256, (_scalar_at(p4, 256) + 1) % R), 64, bytes([4]), LIN)  # t_hat off
    bad[6] = (items[6][0], items[6][1], 64, b"other", LIN)  # wrong context
    assert not rp.verify_batch(bad)
    assert rp.find_invalid(bad) == [2, 4, 6]


def test_batch_rejects_cancelling_pair():
    """Two invalid proofs whose errors would cancel with weight 1 cannot pass random weights."""
    V1, p1, _ = _make([1], 8, seed=50)
    V2, p2, _ = _make([2], 8, seed=51)
    assert not rp.verify_batch([(V2, p1, 8, b"", LIN), (V1, p2, 8, b"", LIN)])


def test_malformed_inputs_return_false_never_raise(small):
    V, proof, _ = small
    for c in [(V, proof, 7), ([V[0][:47]], proof, 8), ("junk", proof, 8), ([1234], proof, 8), (V, "text", 8),
              (V, proof, None), (V, proof, True), ([], proof, 8)]:
        assert rp.verify(*c, encoding=LIN) is False  # type: ignore[arg-type]
