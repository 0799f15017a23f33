"""The group layer: strict decoding, RFC 9380 vectors, and byte-identical backends."""

from __future__ import annotations

import pytest

from por.crypto.backend import IDENTITY_BYTES, get_backend
from por.crypto.scalar import R, decode_scalar, encode_scalar, hash_to_scalar
from por.errors import EncodingError

# RFC 9380 appendix J.9.1, suite BLS12381G1_XMD:SHA-256_SSWU_RO_ (x coordinates of P).
RFC9380_DST = b"QUUX-V01-CS02-with-BLS12381G1_XMD:SHA-256_SSWU_RO_"
RFC9380_VECTORS = [
    (b"", "052926add2207b76ca4fa57a8734416c8dc95e24501772c814278700eed6d1e4e8cf62d9c09db0fac349612b759e79a1",
     "08ba738453bfed09cb546dbb0783dbb3a5f1f566ed67bb6be0e8c67e2e81a4cc68ee29813bb7994998f3eae0c9c6a265"),
    (b"abc", "03567bc5ef9c690c2ab2ecdf6a96ef1c139cc0b2f284dca0a9a7943388a49a3aee664ba5379a7655d3c68900be2f6903",
     "0b9c15f3fe6e5cf4211f346271d7b01c8f3b28be689c8429c85b67af215533311f0b8dfaaa154fa6b88176c229f2885d"),
    (b"abcdef0123456789",
     "11e0b079dea29a68f0383ee94fed1b940995272407e3bb916bbf268c263ddd57a6a27200a784cbc248e84f357ce82d98",
     "03a87ae2caf14e8ee52e51fa2ed8eefe80f02457004ba4d486d6aa1f517c0889501dc7413753f9599b099ebcbbd2d709"),
]

P_FIELD = 0x1A0111EA397FE69A4B1BA7B6434BACD764774B84F38512BF6730D2A0F6B0F6241EABFFFEB153FFFFB9FEFFFFFFFFAAAB


def expected_compressed(x_hex: str, y_hex: str) -> bytes:
    x, y = int(x_hex, 16), int(y_hex, 16)
    flags = 0x80 | (0x20 if y > (P_FIELD - 1) // 2 else 0)
    raw = bytearray(x.to_bytes(48, "big"))
    raw[0] |= flags
    return bytes(raw)


@pytest.mark.parametrize("msg,x,y", RFC9380_VECTORS)
def test_rfc9380_hash_to_curve_vectors(backend, msg, x, y):
    assert backend.encode(backend.hash_to_g1(msg, RFC9380_DST)) == expected_compressed(x, y)


def test_backends_agree_on_group_operations():
    fast, ref = get_backend("fast"), get_backend("reference")
    for be_a, be_b in ((fast, ref),):
        for k in (1, 2, 12345, R - 1, 2**200 + 17):
            assert be_a.encode(be_a.mul(be_a.generator(), k)) == be_b.encode(be_b.mul(be_b.generator(), k))
        pa = [be_a.hash_to_g1(bytes([i])) for i in range(4)]
        pb = [be_b.hash_to_g1(bytes([i])) for i in range(4)]
        ks = [3, R - 5, 2**64, 0]
        assert be_a.encode(be_a.msm(pa, ks)) == be_b.encode(be_b.msm(pb, ks))


def test_identity_rejected_unless_allowed(backend):
    with pytest.raises(EncodingError):
        backend.decode(IDENTITY_BYTES)
    assert backend.is_identity(backend.decode(IDENTITY_BYTES, allow_identity=True))
    assert backend.encode(backend.identity()) == IDENTITY_BYTES


def _off_subgroup_point_bytes() -> bytes:
    """A point on E(Fp) outside the r-order subgroup: map_to_curve without clearing the cofactor."""
    import hashlib

    from py_ecc.bls.hash_to_curve import hash_to_field_FQ, map_to_curve_G1
    from py_ecc.bls.point_compression import compress_G1
    from py_ecc.optimized_bls12_381 import curve_order, is_inf, multiply

    u = hash_to_field_FQ(b"por-test-off-subgroup", 1, b"TEST", hashlib.sha256)[0]
    p = map_to_curve_G1(u)
    assert not is_inf(multiply(p, curve_order))
    return int(compress_G1(p)).to_bytes(48, "big")


def test_non_subgroup_point_rejected(backend):
    with pytest.raises(EncodingError, match="subgroup"):
        backend.decode(_off_subgroup_point_bytes())


def test_off_curve_and_malformed_points_rejected(backend):
    good = backend.encode(backend.generator())
    bad_x = bytearray(good)
    bad_x[-1] ^= 0x01  # almost surely not an x on the curve
    cases = [bytes(bad_x), good[:47], good + b"\x00", bytes(48), bytes([0x80 | 0x1F]) + b"\xff" * 47,
             bytes([good[0] & 0x7F]) + good[1:]]  # uncompressed flag cleared
    for data in cases:
        with pytest.raises(EncodingError):
            backend.decode(data)


def test_scalar_encoding_is_strict():
    assert decode_scalar(encode_scalar(R - 1)) == R - 1
    with pytest.raises(EncodingError):
        decode_scalar(R.to_bytes(32, "big"))
    with pytest.raises(EncodingError):
        decode_scalar(b"\x00" * 31)
    with pytest.raises(EncodingError):
        encode_scalar(R)


def test_hash_to_scalar_is_domain_separated():
    a = hash_to_scalar(b"m", b"por/v1/a")
    assert a != hash_to_scalar(b"m", b"por/v1/b")
    assert 0 <= a < R
