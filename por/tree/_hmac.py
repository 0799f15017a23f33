"""HMAC-SHA256 with the key schedule done once (the builder computes millions of HMACs per key)."""

from __future__ import annotations

import hashlib


class HmacSha256:
    """``HmacSha256(key)(msg) == hmac.digest(key, msg, "sha256")``, about 3x faster per call."""

    __slots__ = ("_inner", "_outer")

    def __init__(self, key: bytes) -> None:
        if len(key) > 64:
            key = hashlib.sha256(key).digest()
        key = key.ljust(64, b"\x00")
        self._inner = hashlib.sha256(bytes(b ^ 0x36 for b in key))
        self._outer = hashlib.sha256(bytes(b ^ 0x5C for b in key))

    def __call__(self, msg: bytes) -> bytes:
        a = self._inner.copy()
        a.update(msg)
        b = self._outer.copy()
        b.update(a.digest())
        return b.digest()

    def __reduce__(self) -> tuple[object, ...]:  # pragma: no cover - units carry keys, not this
        raise TypeError("HmacSha256 is not picklable; send the key")
