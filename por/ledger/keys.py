"""Ed25519 keys of ledger members: generation, files (0600, optional passphrase), hex public keys.

Private keys are stored as PKCS#8 PEM, encrypted with ``BestAvailableEncryption`` when a passphrase
is given; the file is created with mode 0600 (never world- or group-readable, even briefly).
"""

from __future__ import annotations

import functools
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from por.errors import SignatureError, UsageError

__all__ = [
    "Signer", "generate", "from_seed", "save", "save_public", "load", "public_key_hex", "load_public",
    "verify_signature",
]


def generate() -> Ed25519PrivateKey:
    """A fresh Ed25519 private key from the operating system's CSPRNG."""
    return Ed25519PrivateKey.generate()


def from_seed(seed: bytes | str) -> Ed25519PrivateKey:
    """A deterministic key (tests, synthetic data only): SHA-256("por/v1/test-key" || seed)."""
    raw = seed.encode() if isinstance(seed, str) else seed
    return Ed25519PrivateKey.from_private_bytes(hashlib.sha256(b"por/v1/test-key" + raw).digest())


def public_key_hex(key: Ed25519PrivateKey | Ed25519PublicKey) -> str:
    """Lowercase hex of the 32-byte raw public key."""
    pub = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    return pub.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw).hex()


def load_public(public_hex: str) -> Ed25519PublicKey:
    """Decode a hex public key.

    Raises:
        SignatureError: not 64 hex digits of a valid point encoding.
    """
    try:
        raw = bytes.fromhex(public_hex)
        if len(raw) != 32:
            raise ValueError("length")
        return Ed25519PublicKey.from_public_bytes(raw)
    except (ValueError, TypeError) as exc:
        raise SignatureError(f"malformed Ed25519 public key {public_hex!r}") from exc


@functools.lru_cache(maxsize=4096)
def _cached_public(public_hex: str) -> Ed25519PublicKey:
    return load_public(public_hex)


def verify_signature(public: Ed25519PublicKey | str, message: bytes, signature_hex: str) -> bool:
    """True only for a well-formed signature that verifies; never raises."""
    try:
        pub = _cached_public(public) if isinstance(public, str) else public
        sig = bytes.fromhex(signature_hex)
        if len(sig) != 64:
            return False
        pub.verify(sig, message)
        return True
    except (InvalidSignature, ValueError, TypeError, SignatureError):
        return False


def save(key: Ed25519PrivateKey, path: str | Path, passphrase: str | bytes | None = None) -> Path:
    """Write a private key (PKCS#8 PEM) with permissions 0600; refuse to overwrite an existing file.

    Raises:
        UsageError: the file exists.
    """
    p = Path(path)
    enc: serialization.KeySerializationEncryption
    if passphrase:
        pw = passphrase.encode() if isinstance(passphrase, str) else passphrase
        enc = serialization.BestAvailableEncryption(pw)
    else:
        enc = serialization.NoEncryption()
    data = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, enc)
    p.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(p, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError as exc:
        raise UsageError(f"key file {p} already exists; refusing to overwrite it") from exc
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    os.chmod(p, 0o600)
    return p


def save_public(key: Ed25519PrivateKey | Ed25519PublicKey, path: str | Path) -> Path:
    """Write the hex public key (one line, world-readable)."""
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(public_key_hex(key) + "\n")
    return p


def load(path: str | Path, passphrase: str | bytes | None = None) -> Ed25519PrivateKey:
    """Read a private key written by :func:`save`.

    Raises:
        UsageError: missing file, wrong passphrase, or not an Ed25519 key.
    """
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read key file {p}: {exc.strerror}") from exc
    pw = passphrase.encode() if isinstance(passphrase, str) else passphrase
    try:
        key = serialization.load_pem_private_key(data, password=pw or None)
    except TypeError as exc:
        raise UsageError(f"key file {p} is encrypted: a passphrase is needed" if not pw
                         else f"key file {p} is not encrypted: do not pass a passphrase") from exc
    except ValueError as exc:
        raise UsageError(f"cannot load key file {p}: wrong passphrase or not a PEM private key") from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise UsageError(f"key file {p} does not hold an Ed25519 key")
    return key


@dataclass(frozen=True)
class Signer:
    """A member id with its private key: what signs journal entries."""

    member_id: str
    key: Ed25519PrivateKey

    @property
    def public_hex(self) -> str:
        return public_key_hex(self.key)

    def sign(self, message: bytes) -> str:
        return self.key.sign(message).hex()
