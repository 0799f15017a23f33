"""BLS signatures (low-level): IETF ``BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_``.

Low-level module: bytes in, bytes out; verification returns ``bool`` and never raises on bad bytes.
Semantics are those of py_ecc's ``G2ProofOfPossession`` (draft-irtf-cfrg-bls-signature-05, the
proof-of-possession scheme): public keys are 48-byte compressed G1 points, signatures 96-byte
compressed G2 points, messages are hashed with RFC 9380 ``BLS12381G2_XMD:SHA-256_SSWU_RO_`` under
the DST :data:`SIG_DST`; proofs of possession sign the public key's bytes under :data:`POP_DST`.

Two implementations behind one interface, chosen like the group backends (``POR_BACKEND`` or an
explicit name): ``fast`` (py_arkworks_bls12381: one multi-pairing check per verification) and
``reference`` (py_ecc). ``tests/crypto/test_bls.py`` runs the IETF/Ethereum-format vectors in
``tests/vectors/bls/`` on both and requires identical answers and bytes.

Decoding is strict on both: a public key must decode, be in the prime-order subgroup and not be the
identity (IETF KeyValidate); a signature must decode canonically and be in the subgroup (the identity
signature decodes but verifies against nothing). Deliberate choices beyond py_ecc, applied by both
implementations: :func:`aggregate` refuses signatures outside the subgroup (py_ecc only checks the
curve), :func:`keygen` requires at least 32 bytes of input keying material (as the IETF draft does).

Aggregation is only safe against rogue-key attacks when every public key has a verified proof of
possession (:func:`pop_verify`); the callers (``por.reserves``) enforce that.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from collections.abc import Sequence
from functools import cache, lru_cache
from math import ceil
from typing import Any, Protocol

from por.crypto.scalar import R, RandomSource, random_scalar
from por.errors import EncodingError, UsageError

SIG_DST = b"BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_"
POP_DST = b"BLS_POP_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_"
SK_BYTES = 32
PK_BYTES = 48
SIG_BYTES = 96
G1_IDENTITY = bytes([0xC0]) + bytes(PK_BYTES - 1)
G2_IDENTITY = bytes([0xC0]) + bytes(SIG_BYTES - 1)
MIN_IKM_BYTES = 32
IMPLEMENTATIONS = ("fast", "reference")


# ---------------------------------------------------------------------------------------- keys


def _hkdf_extract(salt: bytes, ikm: bytes) -> bytes:
    return hmac.new(salt, ikm, hashlib.sha256).digest()


def _hkdf_expand(prk: bytes, info: bytes, length: int) -> bytes:
    out, block, counter = b"", b"", 1
    while len(out) < length:
        block = hmac.new(prk, block + info + bytes([counter]), hashlib.sha256).digest()
        out += block
        counter += 1
    return out[:length]


def keygen(ikm: bytes, key_info: bytes = b"") -> bytes:
    """IETF KeyGen (draft-05, section 2.3): a 32-byte big-endian secret key in [1, r).

    Raises:
        UsageError: ``ikm`` is shorter than 32 bytes (the draft requires at least 32).
    """
    if not isinstance(ikm, (bytes, bytearray)) or len(ikm) < MIN_IKM_BYTES:
        raise UsageError(f"BLS key generation needs at least {MIN_IKM_BYTES} bytes of keying material")
    salt = b"BLS-SIG-KEYGEN-SALT-"
    length = ceil((3 * ceil(R.bit_length())) / 16)  # L = ceil((3 * ceil(log2(r))) / 16) = 48
    sk = 0
    while sk == 0:
        salt = hashlib.sha256(salt).digest()
        prk = _hkdf_extract(salt, bytes(ikm) + b"\x00")
        okm = _hkdf_expand(prk, bytes(key_info) + length.to_bytes(2, "big"), length)
        sk = int.from_bytes(okm, "big") % R
    return sk.to_bytes(SK_BYTES, "big")


def generate_secret_key() -> bytes:
    """A fresh secret key from the operating system's CSPRNG (KeyGen over 32 random bytes)."""
    return keygen(os.urandom(32))


def decode_secret_key(sk: bytes) -> int:
    """Strict secret-key decoding: 32 bytes big-endian, 0 < sk < r.

    Raises:
        EncodingError: wrong length, zero, or not below r.
    """
    if not isinstance(sk, (bytes, bytearray)) or len(sk) != SK_BYTES:
        raise EncodingError(f"a BLS secret key is {SK_BYTES} bytes")
    k = int.from_bytes(sk, "big")
    if not 0 < k < R:
        raise EncodingError("invalid BLS secret key (must be in [1, r))")
    return k


# ------------------------------------------------------------------------------ implementations


class BLSImpl(Protocol):
    """One implementation of the ciphersuite; every method is byte-identical across implementations."""

    name: str

    def sk_to_pk(self, sk: int) -> bytes: ...
    def core_sign(self, sk: int, msg: bytes, dst: bytes) -> bytes: ...
    def key_validate(self, pk: bytes) -> bool: ...
    def core_verify(self, pk: bytes, msg: bytes, sig: bytes, dst: bytes) -> bool: ...
    def core_aggregate_verify(self, pks: Sequence[bytes], msgs: Sequence[bytes], sig: bytes) -> bool: ...
    def aggregate(self, sigs: Sequence[bytes]) -> bytes | None: ...
    def aggregate_pks(self, pks: Sequence[bytes]) -> bytes | None: ...
    def batch_verify(self, items: Sequence[tuple[bytes, bytes, bytes]], weights: Sequence[int]) -> bool: ...


class _FastBLS:
    """py_arkworks_bls12381: strict decoding (cached for keys) and one pairing check per call."""

    name = "fast"

    def __init__(self) -> None:
        from py_arkworks_bls12381 import GT, G1Point, G2Point, Scalar

        self._G1, self._G2, self._GT, self._Scalar = G1Point, G2Point, GT, Scalar
        self._g1 = G1Point()
        self._neg_g1 = -G1Point()
        self._g2_id = G2Point.identity()
        self._g1_id = G1Point.identity()

    def _sc(self, k: int) -> Any:
        return self._Scalar.from_be_bytes((k % R).to_bytes(32, "big"))

    # strict decoders: None for anything that is not a canonical point of the prime-order subgroup
    @lru_cache(maxsize=8192)  # noqa: B019 - one instance per process (get_bls caches it)
    def _pk(self, pk: bytes) -> Any:
        if len(pk) != PK_BYTES or pk == G1_IDENTITY:
            return None
        try:
            p = self._G1.from_compressed_bytes_unchecked(pk)
        except Exception:  # the Rust side raises a bare exception type
            return None
        if p == self._g1_id or not p.is_in_subgroup() or bytes(p.to_compressed_bytes()) != pk:
            return None
        return p

    def _sig(self, sig: bytes) -> Any:
        if len(sig) != SIG_BYTES:
            return None
        if sig == G2_IDENTITY:
            return self._g2_id
        try:
            s = self._G2.from_compressed_bytes_unchecked(sig)
        except Exception:
            return None
        if s == self._g2_id or not s.is_in_subgroup() or bytes(s.to_compressed_bytes()) != sig:
            return None
        return s

    def sk_to_pk(self, sk: int) -> bytes:
        return bytes((self._g1 * self._sc(sk)).to_compressed_bytes())

    def core_sign(self, sk: int, msg: bytes, dst: bytes) -> bytes:
        return bytes((self._G2.hash_to_curve(msg, dst) * self._sc(sk)).to_compressed_bytes())

    def key_validate(self, pk: bytes) -> bool:
        return self._pk(pk) is not None

    def core_verify(self, pk: bytes, msg: bytes, sig: bytes, dst: bytes) -> bool:
        p, s = self._pk(pk), self._sig(sig)
        if p is None or s is None:
            return False
        return bool(self._GT.pairing_check([self._neg_g1, p], [s, self._G2.hash_to_curve(msg, dst)]))

    def core_aggregate_verify(self, pks: Sequence[bytes], msgs: Sequence[bytes], sig: bytes) -> bool:
        s = self._sig(sig)
        if s is None:
            return False
        g1s, g2s = [self._neg_g1], [s]
        for pk, msg in zip(pks, msgs, strict=True):
            p = self._pk(pk)
            if p is None:
                return False
            g1s.append(p)
            g2s.append(self._G2.hash_to_curve(msg, SIG_DST))
        return bool(self._GT.pairing_check(g1s, g2s))

    def aggregate(self, sigs: Sequence[bytes]) -> bytes | None:
        acc = self._g2_id
        for sig in sigs:
            s = self._sig(sig)
            if s is None:
                return None
            acc = acc + s
        return bytes(acc.to_compressed_bytes())

    def aggregate_pks(self, pks: Sequence[bytes]) -> bytes | None:
        acc = self._g1_id
        for pk in pks:
            p = self._pk(pk)
            if p is None:
                return None
            acc = acc + p
        return bytes(acc.to_compressed_bytes())

    def batch_verify(self, items: Sequence[tuple[bytes, bytes, bytes]], weights: Sequence[int]) -> bool:
        # e(g1, sum w_i S_i) == prod_m e(sum_{i: msg_i = m} w_i P_i, H(m))
        pts_s, sc_s = [], []
        by_msg: dict[bytes, tuple[list[Any], list[Any]]] = {}
        for (pk, msg, sig), w in zip(items, weights, strict=True):
            p, s = self._pk(pk), self._sig(sig)
            if p is None or s is None:
                return False
            ws = self._sc(w)
            pts_s.append(s)
            sc_s.append(ws)
            group = by_msg.setdefault(msg, ([], []))
            group[0].append(p)
            group[1].append(ws)
        g1s = [self._neg_g1]
        g2s = [self._G2.multiexp_unchecked(pts_s, sc_s)]
        for msg, (ps, ws_) in by_msg.items():
            g1s.append(self._G1.multiexp_unchecked(ps, ws_))
            g2s.append(self._G2.hash_to_curve(msg, SIG_DST))
        return bool(self._GT.pairing_check(g1s, g2s))


class _ReferenceBLS:
    """py_ecc's G2ProofOfPossession, with the same strictness choices as the fast implementation."""

    name = "reference"

    def __init__(self) -> None:
        from py_ecc.bls import G2ProofOfPossession

        self._P = G2ProofOfPossession

    def _sig_ok(self, sig: bytes) -> bool:
        from py_ecc.bls.g2_primitives import G2_to_signature, signature_to_G2, subgroup_check

        if len(sig) != SIG_BYTES:
            return False
        try:
            pt = signature_to_G2(sig)  # type: ignore[arg-type]
        except Exception:
            return False
        return bool(subgroup_check(pt)) and bytes(G2_to_signature(pt)) == sig

    def _pk_canonical(self, pk: bytes) -> bool:
        from py_ecc.bls.g2_primitives import G1_to_pubkey, pubkey_to_G1

        try:
            return bytes(G1_to_pubkey(pubkey_to_G1(pk))) == pk  # type: ignore[arg-type]
        except Exception:
            return False

    def sk_to_pk(self, sk: int) -> bytes:
        return bytes(self._P.SkToPk(sk))

    def core_sign(self, sk: int, msg: bytes, dst: bytes) -> bytes:
        return bytes(self._P._CoreSign(sk, msg, dst))

    def key_validate(self, pk: bytes) -> bool:
        return len(pk) == PK_BYTES and bool(self._P.KeyValidate(pk)) and self._pk_canonical(pk)  # type: ignore[arg-type]

    def core_verify(self, pk: bytes, msg: bytes, sig: bytes, dst: bytes) -> bool:
        if not (self.key_validate(pk) and self._sig_ok(sig)):
            return False
        return bool(self._P._CoreVerify(pk, msg, sig, dst))  # type: ignore[arg-type]

    def core_aggregate_verify(self, pks: Sequence[bytes], msgs: Sequence[bytes], sig: bytes) -> bool:
        if not all(self.key_validate(pk) for pk in pks) or not self._sig_ok(sig):
            return False
        return bool(self._P.AggregateVerify(list(pks), list(msgs), sig))  # type: ignore[arg-type]

    def aggregate(self, sigs: Sequence[bytes]) -> bytes | None:
        if not all(self._sig_ok(s) for s in sigs):
            return None
        return bytes(self._P.Aggregate(list(sigs)))  # type: ignore[arg-type]

    def aggregate_pks(self, pks: Sequence[bytes]) -> bytes | None:
        if not all(self.key_validate(pk) for pk in pks):
            return None
        return bytes(self._P._AggregatePKs(list(pks)))  # type: ignore[arg-type]

    def batch_verify(self, items: Sequence[tuple[bytes, bytes, bytes]], weights: Sequence[int]) -> bool:
        # the reference answers the same question one signature at a time (no batching in py_ecc)
        return all(self.core_verify(pk, msg, sig, SIG_DST) for pk, msg, sig in items)


@cache
def get_bls(name: str | None = None) -> BLSImpl:
    """The implementation named, or the one ``POR_BACKEND`` selects (default ``fast``)."""
    chosen = name or os.environ.get("POR_BACKEND", "fast")
    if chosen == "fast":
        return _FastBLS()
    if chosen == "reference":
        return _ReferenceBLS()
    raise UsageError(f"unknown BLS implementation {chosen!r}: one of {', '.join(IMPLEMENTATIONS)}")


# --------------------------------------------------------------------------------- public API


def _is_bytes(*xs: Any) -> bool:
    return all(isinstance(x, (bytes, bytearray)) for x in xs)


def sk_to_pk(sk: bytes, impl: str | None = None) -> bytes:
    """The 48-byte public key of a 32-byte secret key.

    Raises:
        EncodingError: the secret key is malformed or zero.
    """
    return get_bls(impl).sk_to_pk(decode_secret_key(sk))


def sign(sk: bytes, message: bytes, impl: str | None = None) -> bytes:
    """The 96-byte signature of ``message`` under ``sk`` (IETF Sign, POP ciphersuite).

    Raises:
        EncodingError: the secret key is malformed or zero, or the message is not bytes.
    """
    k = decode_secret_key(sk)
    if not _is_bytes(message):
        raise EncodingError("a BLS message is bytes")
    return get_bls(impl).core_sign(k, bytes(message), SIG_DST)


def key_validate(pk: bytes, impl: str | None = None) -> bool:
    """IETF KeyValidate: canonical encoding, on curve, in the subgroup, not the identity."""
    return _is_bytes(pk) and get_bls(impl).key_validate(bytes(pk))


def verify(pk: bytes, message: bytes, signature: bytes, impl: str | None = None) -> bool:
    """IETF Verify: True only for a valid signature; False for anything else (never raises)."""
    if not _is_bytes(pk, message, signature):
        return False
    try:
        return get_bls(impl).core_verify(bytes(pk), bytes(message), bytes(signature), SIG_DST)
    except Exception:  # pragma: no cover - defensive: bad bytes must never raise
        return False


def aggregate(signatures: Sequence[bytes], impl: str | None = None) -> bytes:
    """IETF Aggregate: the sum of the signatures.

    Raises:
        EncodingError: no signatures, or one that is not a canonical subgroup point.
    """
    sigs = list(signatures)
    if not sigs:
        raise EncodingError("cannot aggregate an empty list of signatures")
    if not _is_bytes(*sigs):
        raise EncodingError("BLS signatures are bytes")
    out = get_bls(impl).aggregate([bytes(s) for s in sigs])
    if out is None:
        raise EncodingError("a signature to aggregate is not a valid G2 point of the subgroup")
    return out


def aggregate_pks(pks: Sequence[bytes], impl: str | None = None) -> bytes:
    """The sum of public keys (each KeyValidated); only meaningful for keys with a verified PoP.

    Raises:
        EncodingError: no keys, or a key that fails KeyValidate.
    """
    keys = list(pks)
    if not keys or not _is_bytes(*keys):
        raise EncodingError("cannot aggregate an empty or non-bytes list of public keys")
    out = get_bls(impl).aggregate_pks([bytes(k) for k in keys])
    if out is None:
        raise EncodingError("a public key to aggregate fails KeyValidate")
    return out


def aggregate_verify(pks: Sequence[bytes], messages: Sequence[bytes], signature: bytes,
                     impl: str | None = None) -> bool:
    """IETF AggregateVerify (POP: messages need not be distinct). False for any bad input."""
    pks, messages = list(pks), list(messages)
    if not pks or len(pks) != len(messages) or not _is_bytes(signature, *pks, *messages):
        return False
    try:
        return get_bls(impl).core_aggregate_verify([bytes(p) for p in pks], [bytes(m) for m in messages],
                                                   bytes(signature))
    except Exception:  # pragma: no cover
        return False


def fast_aggregate_verify(pks: Sequence[bytes], message: bytes, signature: bytes,
                          impl: str | None = None) -> bool:
    """IETF FastAggregateVerify: many keys, one message, one aggregate signature."""
    pks = list(pks)
    if not pks or not _is_bytes(message, signature, *pks):
        return False
    be = get_bls(impl)
    try:
        agg = be.aggregate_pks([bytes(p) for p in pks])
        if agg is None:
            return False
        return be.core_verify(agg, bytes(message), bytes(signature), SIG_DST)
    except Exception:  # pragma: no cover
        return False


def pop_prove(sk: bytes, impl: str | None = None) -> bytes:
    """IETF PopProve: a signature of the public key's bytes under :data:`POP_DST`.

    Raises:
        EncodingError: the secret key is malformed or zero.
    """
    k = decode_secret_key(sk)
    be = get_bls(impl)
    return be.core_sign(k, be.sk_to_pk(k), POP_DST)


def pop_verify(pk: bytes, proof: bytes, impl: str | None = None) -> bool:
    """IETF PopVerify. False for any bad input."""
    if not _is_bytes(pk, proof):
        return False
    try:
        return get_bls(impl).core_verify(bytes(pk), bytes(pk), bytes(proof), POP_DST)
    except Exception:  # pragma: no cover
        return False


def batch_verify(items: Sequence[tuple[bytes, bytes, bytes]], rng: RandomSource | None = None,
                 impl: str | None = None) -> bool:
    """True iff every (pk, message, signature) verifies, checked together.

    The fast implementation folds the checks into one multi-pairing with random 128-bit weights from
    the CSPRNG (``rng`` only in tests): a batch containing an invalid signature passes with
    probability at most 2^-128. Keys must be KeyValidated (and, for aggregation, have a PoP) as for
    :func:`verify`. An empty batch is False (nothing was verified).
    """
    items = list(items)
    if not items:
        return False
    for it in items:
        if not (isinstance(it, tuple) and len(it) == 3 and _is_bytes(*it)):
            return False
    weights = [1 + random_scalar(rng) % (1 << 128) for _ in items]
    try:
        return get_bls(impl).batch_verify([(bytes(a), bytes(b), bytes(c)) for a, b, c in items], weights)
    except Exception:  # pragma: no cover
        return False
