"""The ``reference`` group backend (low-level): py_ecc, pure Python, slow; the cross-check."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any, cast

from py_ecc.bls.hash_to_curve import hash_to_G1
from py_ecc.bls.point_compression import compress_G1, decompress_G1
from py_ecc.bls.typing import G1Compressed
from py_ecc.optimized_bls12_381 import (
    G1,
    Z1,
    add,
    b,
    curve_order,
    eq,
    is_inf,
    is_on_curve,
    multiply,
    neg,
    normalize,
)

from por.crypto.backend import H2C_DST, IDENTITY_BYTES, POINT_BYTES
from por.errors import EncodingError

P = Any


class PyEccBackend:
    name = "reference"

    def generator(self) -> P:
        return G1

    def identity(self) -> P:
        return Z1

    def add(self, a: P, b_: P) -> P:
        return add(a, b_)

    def neg(self, a: P) -> P:
        return neg(a)

    def mul(self, a: P, k: int) -> P:
        return multiply(a, k % curve_order)

    def msm(self, points: Sequence[P], scalars: Sequence[int]) -> P:
        if len(points) != len(scalars):
            raise ValueError("msm: points and scalars differ in length")
        acc = Z1
        for p, k in zip(points, scalars, strict=True):
            k %= curve_order
            if k:
                acc = add(acc, multiply(p, k))
        return acc

    def eq(self, a: P, b_: P) -> bool:
        return bool(eq(a, b_))

    def is_identity(self, a: P) -> bool:
        return bool(is_inf(a))

    def encode(self, a: P) -> bytes:
        return int(compress_G1(a)).to_bytes(POINT_BYTES, "big")

    def decode(self, data: bytes, allow_identity: bool = False) -> P:
        if not isinstance(data, (bytes, bytearray)) or len(data) != POINT_BYTES:
            raise EncodingError(f"a G1 point is {POINT_BYTES} bytes")
        data = bytes(data)
        if data == IDENTITY_BYTES:
            if not allow_identity:
                raise EncodingError("the identity point is not allowed here")
            return Z1
        try:
            p = decompress_G1(G1Compressed(int.from_bytes(data, "big")))
        except Exception as exc:  # py_ecc raises ValueError with varied texts
            raise EncodingError("not a valid compressed G1 point (flags, field element or curve)") from exc
        if is_inf(p):
            raise EncodingError("non-canonical encoding of the identity")
        if not is_on_curve(p, b):
            raise EncodingError("G1 point is not on the curve")
        if not is_inf(multiply(p, curve_order)):
            raise EncodingError("G1 point is not in the prime-order subgroup")
        if self.encode(p) != data:
            raise EncodingError("non-canonical G1 point encoding")
        return normalize_point(p)

    def hash_to_g1(self, msg: bytes, dst: bytes = H2C_DST) -> P:
        # py_ecc annotates ``hash_function`` as a hash object, but calls it as the constructor it is
        return hash_to_G1(msg, dst, cast(Any, hashlib.sha256))


def normalize_point(p: P) -> P:
    x, y = normalize(p)
    return (x, y, x.one())
