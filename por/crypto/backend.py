"""The group layer (low-level): BLS12-381 G1 behind one interface, two interchangeable backends.

``fast`` wraps py_arkworks_bls12381 (Rust) and is the default; ``reference`` wraps py_ecc (pure
Python) and exists to cross-check every deterministic output byte for byte. Choose with the
environment variable ``POR_BACKEND=fast|reference`` or :func:`get_backend`. Points are opaque
objects of the chosen backend; scalars are Python ints (reduced mod r at the boundary).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from functools import cache
from typing import Any, Protocol, runtime_checkable

from por.errors import UsageError

POINT_BYTES = 48
IDENTITY_BYTES = bytes([0xC0]) + bytes(47)
#: RFC 9380 suite for G1 with por's own domain-separation tag (docs/protocol.md §1).
H2C_DST = b"POR-V1-BLS12381G1_XMD:SHA-256_SSWU_RO_"

Point = Any  # an opaque point of whichever backend created it


@runtime_checkable
class GroupBackend(Protocol):
    """Operations por needs on BLS12-381 G1. Implementations must be byte-identical."""

    name: str

    def generator(self) -> Point: ...
    def identity(self) -> Point: ...
    def add(self, a: Point, b: Point) -> Point: ...
    def neg(self, a: Point) -> Point: ...
    def mul(self, a: Point, k: int) -> Point: ...
    def msm(self, points: Sequence[Point], scalars: Sequence[int]) -> Point: ...
    def eq(self, a: Point, b: Point) -> bool: ...
    def is_identity(self, a: Point) -> bool: ...
    def encode(self, a: Point) -> bytes: ...
    def decode(self, data: bytes, allow_identity: bool = False) -> Point: ...
    def hash_to_g1(self, msg: bytes, dst: bytes = H2C_DST) -> Point: ...


BACKENDS = ("fast", "reference")


@cache
def get_backend(name: str | None = None) -> GroupBackend:
    """The backend named, or the one ``POR_BACKEND`` selects (default ``fast``)."""
    chosen = name or os.environ.get("POR_BACKEND", "fast")
    if chosen == "fast":
        from por.crypto._arkworks import ArkworksBackend

        return ArkworksBackend()
    if chosen == "reference":
        from por.crypto._py_ecc import PyEccBackend

        return PyEccBackend()
    raise UsageError(f"unknown backend {chosen!r}: POR_BACKEND must be one of {', '.join(BACKENDS)}")


def sub(backend: GroupBackend, a: Point, b: Point) -> Point:
    return backend.add(a, backend.neg(b))
