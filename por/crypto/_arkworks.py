"""The ``fast`` group backend (low-level): py_arkworks_bls12381 (arkworks, Rust)."""

from __future__ import annotations

from collections.abc import Sequence

from py_arkworks_bls12381 import G1Point, Scalar

from por.crypto.backend import H2C_DST, IDENTITY_BYTES, POINT_BYTES
from por.crypto.scalar import R
from por.errors import EncodingError

_ZERO = Scalar(0)


def _scalar(k: int) -> Scalar:
    return Scalar.from_be_bytes((k % R).to_bytes(32, "big"))


class ArkworksBackend:
    name = "fast"

    def __init__(self) -> None:
        self._g = G1Point()
        self._id = G1Point.identity()

    def generator(self) -> G1Point:
        return self._g

    def identity(self) -> G1Point:
        return self._id

    def add(self, a: G1Point, b: G1Point) -> G1Point:
        return a + b

    def neg(self, a: G1Point) -> G1Point:
        return -a

    def mul(self, a: G1Point, k: int) -> G1Point:
        return a * _scalar(k)

    def msm(self, points: Sequence[G1Point], scalars: Sequence[int]) -> G1Point:
        if len(points) != len(scalars):
            raise ValueError("msm: points and scalars differ in length")
        if not points:
            return self._id
        return G1Point.multiexp_unchecked(list(points), [_scalar(k) for k in scalars])

    def eq(self, a: G1Point, b: G1Point) -> bool:
        return bool(a == b)

    def is_identity(self, a: G1Point) -> bool:
        return bool(a == self._id)

    def encode(self, a: G1Point) -> bytes:
        return bytes(a.to_compressed_bytes())

    def decode(self, data: bytes, allow_identity: bool = False) -> G1Point:
        if not isinstance(data, (bytes, bytearray)) or len(data) != POINT_BYTES:
            raise EncodingError(f"a G1 point is {POINT_BYTES} bytes")
        data = bytes(data)
        if data == IDENTITY_BYTES:
            if not allow_identity:
                raise EncodingError("the identity point is not allowed here")
            return self._id
        try:
            p = G1Point.from_compressed_bytes_unchecked(data)
        except Exception as exc:  # the Rust side raises a bare exception type
            raise EncodingError("not a valid compressed G1 point (flags, field element or curve)") from exc
        if not p.is_in_subgroup():
            raise EncodingError("G1 point is not in the prime-order subgroup")
        if p == self._id:
            raise EncodingError("non-canonical encoding of the identity")
        if bytes(p.to_compressed_bytes()) != data:
            raise EncodingError("non-canonical G1 point encoding")
        return p

    def hash_to_g1(self, msg: bytes, dst: bytes = H2C_DST) -> G1Point:
        return G1Point.hash_to_curve(msg, dst)
