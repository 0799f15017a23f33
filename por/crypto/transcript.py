"""Fiat-Shamir transcript (low-level), in the spirit of merlin, built on SHA-256.

State is a running SHA-256 over length-prefixed labelled messages:
``append(label, msg)`` absorbs ``u32be(len(label)) || label || u64be(len(msg)) || msg``;
``challenge(label)`` absorbs ``label`` as a message under the fixed label ``b"challenge"``, then
derives 64 bytes = SHA-256(state || 0x00) || SHA-256(state || 0x01) reduced mod r, and absorbs the
64 bytes back so every later challenge depends on every earlier one. A zero challenge is rejected by
re-deriving with a counter. Points are appended only after checking they are not the identity.
"""

from __future__ import annotations

import hashlib

from por.crypto.backend import GroupBackend, Point
from por.crypto.scalar import R, encode_scalar
from por.errors import ProofError

PROTOCOL_LABEL = b"por/v1"


class Transcript:
    def __init__(self, domain: bytes) -> None:
        self._h = hashlib.sha256()
        self.append(b"protocol", PROTOCOL_LABEL)
        self.append(b"dom-sep", domain)

    def append(self, label: bytes, message: bytes) -> None:
        self._h.update(len(label).to_bytes(4, "big") + label)
        self._h.update(len(message).to_bytes(8, "big") + message)

    def append_u64(self, label: bytes, value: int) -> None:
        self.append(label, value.to_bytes(8, "big"))

    def append_scalar(self, label: bytes, k: int) -> None:
        self.append(label, encode_scalar(k % R))

    def append_point_bytes(self, label: bytes, encoded: bytes) -> None:
        self.append(label, encoded)

    def validate_and_append_point(self, backend: GroupBackend, label: bytes, p: Point) -> bytes:
        """Append a point, refusing the identity (a prover message must never be the identity)."""
        if backend.is_identity(p):
            raise ProofError(f"transcript: point {label.decode()} is the identity")
        enc = backend.encode(p)
        self.append(label, enc)
        return enc

    def challenge(self, label: bytes) -> int:
        self.append(b"challenge", label)
        counter = 0
        while True:
            state = self._h.copy()
            state.update(counter.to_bytes(4, "big"))
            seed = state.digest()
            wide = hashlib.sha256(seed + b"\x00").digest() + hashlib.sha256(seed + b"\x01").digest()
            c = int.from_bytes(wide, "big") % R
            if c != 0:
                self._h.update(wide)
                return c
            counter += 1  # pragma: no cover - probability 2^-255
