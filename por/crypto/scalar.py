"""Scalars of BLS12-381 (low-level): the order r, strict 32-byte encoding, hash-to-scalar.

Scalars are plain Python ints in [0, r); the backends convert at their boundary.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from typing import Any, Protocol, cast

from py_ecc.bls.hash_to_curve import expand_message_xmd

from por.errors import EncodingError

R = 0x73EDA753299D7D483339D80809A1D80553BDA402FFFE5BFEFFFFFFFF00000001
SCALAR_BYTES = 32
HASH_TO_SCALAR_BYTES = 48  # RFC 9380 hash_to_field L for a 255-bit prime with k = 128


class RandomSource(Protocol):
    """Anything with ``randbelow``-like behaviour; ``secrets`` in production, seeded in tests."""

    def randbelow(self, n: int) -> int: ...


class _SystemRandom:
    def randbelow(self, n: int) -> int:
        return secrets.randbelow(n)


SYSTEM_RANDOM: RandomSource = _SystemRandom()


class SeededRandom:
    """Deterministic randomness for tests and vector generation only (SHA-256 in counter mode)."""

    def __init__(self, seed: bytes | str | int) -> None:
        if isinstance(seed, int):
            seed = seed.to_bytes(32, "big", signed=False)
        elif isinstance(seed, str):
            seed = seed.encode()
        self._key = hashlib.sha256(b"por/v1/test-rng" + seed).digest()
        self._counter = 0

    def randbelow(self, n: int) -> int:
        nbytes = (n.bit_length() + 7) // 8 + 16  # 128 extra bits: negligible bias
        out = b""
        while len(out) < nbytes:
            out += hashlib.sha256(self._key + self._counter.to_bytes(8, "big")).digest()
            self._counter += 1
        return int.from_bytes(out[:nbytes], "big") % n


class KeyedRandom:
    """Deterministic secret randomness: block i is HMAC-SHA256(key, "por/v1/keyed-rng" || u64be(len(message))
    || message || u64be(i)); each draw below n takes ceil(bits(n)/8) + 16 bytes from fresh blocks.

    Why: a prover's blinding randomness drawn from a secret key and *everything the proof binds*
    (its context and witness; the idea of RFC 6979's nonces) reproduces the same proof on a re-run or
    another machine, and never gives two different proofs the same randomness.
    """

    def __init__(self, key: bytes, message: bytes) -> None:
        # HMAC-SHA256 (RFC 2104) by hand, with the key schedule and the fixed prefix absorbed once: per
        # block only the counter is hashed (``hmac.digest`` re-keys on every call, ~6x slower here)
        key = bytes(key)
        if len(key) > 64:
            key = hashlib.sha256(key).digest()
        key = key.ljust(64, b"\x00")
        self._inner = hashlib.sha256(bytes(b ^ 0x36 for b in key))
        self._inner.update(b"por/v1/keyed-rng" + len(message).to_bytes(8, "big") + message)
        self._outer = hashlib.sha256(bytes(b ^ 0x5C for b in key))
        self._counter = 0

    def _block(self) -> bytes:
        a = self._inner.copy()
        a.update(self._counter.to_bytes(8, "big"))
        b = self._outer.copy()
        b.update(a.digest())
        self._counter += 1
        return b.digest()

    def randbelow(self, n: int) -> int:
        nbytes = (n.bit_length() + 7) // 8 + 16  # 128 extra bits: negligible bias
        out = b""
        while len(out) < nbytes:
            out += self._block()
        return int.from_bytes(out[:nbytes], "big") % n


def statement_rng(key: bytes, context: bytes, values: Sequence[int], blindings: Sequence[int],
                  coefficients: Sequence[int] = ()) -> KeyedRandom:
    """The keyed randomness of one statement proof: :class:`KeyedRandom` under ``key`` with the message
    ``lp(context) || G(values) || G(blindings) || G(coefficients)``, ``G(x_1…x_n) = lp(dec(n)) ||
    lp(dec(x_1)) || …``, ``lp(x) = u32be(len(x)) || x`` (docs/protocol.md §7.5, §8.7): the randomness is
    bound to everything the proof commits to, so two statements or witnesses never share it."""
    parts = [bytes(context)]
    for group in (values, blindings, coefficients):
        parts += [str(len(group)).encode(), *(str(x).encode() for x in group)]
    return KeyedRandom(key, b"".join(len(p).to_bytes(4, "big") + p for p in parts))


def random_scalar(rng: RandomSource | None = None, nonzero: bool = True) -> int:
    """A uniform scalar from the OS CSPRNG (or the caller's generator in tests)."""
    src = rng or SYSTEM_RANDOM
    if nonzero:
        return 1 + src.randbelow(R - 1)
    return src.randbelow(R)


def encode_scalar(k: int) -> bytes:
    """32-byte big-endian encoding of a scalar in [0, r)."""
    if not 0 <= k < R:
        raise EncodingError("scalar out of range [0, r)")
    return k.to_bytes(SCALAR_BYTES, "big")


def decode_scalar(data: bytes) -> int:
    """Strict decoding: exactly 32 bytes, big-endian, value < r (non-canonical encodings rejected)."""
    if len(data) != SCALAR_BYTES:
        raise EncodingError(f"scalar must be {SCALAR_BYTES} bytes, got {len(data)}")
    k = int.from_bytes(data, "big")
    if k >= R:
        raise EncodingError("non-canonical scalar (>= r)")
    return k


def hash_to_scalar(msg: bytes, dst: bytes) -> int:
    """RFC 9380 hash_to_field style: expand_message_xmd(SHA-256) to 48 bytes, reduced mod r."""
    # py_ecc annotates ``hash_function`` as a hash object, but calls it as the constructor it is
    uniform = expand_message_xmd(msg, dst, HASH_TO_SCALAR_BYTES, cast(Any, hashlib.sha256))
    return int.from_bytes(uniform, "big") % R


def inv(k: int) -> int:
    if k % R == 0:
        raise ZeroDivisionError("zero scalar has no inverse")
    return pow(k, -1, R)
