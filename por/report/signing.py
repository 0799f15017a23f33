"""Detached Ed25519 signatures of exported reports: ``PATH.sig`` next to ``PATH``.

The signature is over the exact bytes of the exported file (no re-serialisation, no prefix), so a
regulator can check it with any Ed25519 implementation. ``PATH.sig`` is canonical JSON::

    {"algorithm": "ed25519", "file": "<name>", "format": "por-report-signature/1",
     "key_id": "<16 hex>", "public_key": "<64 hex>", "sha256": "<64 hex>",
     "signature": "<128 hex>", "size": <bytes>}

``public_key`` is informational: verification uses the key the regulator supplies (``--key``).
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from por import canonical
from por.errors import EncodingError, SignatureError, UsageError
from por.verify.result import Result

SIG_FORMAT = "por-report-signature/1"
PASSPHRASE_ENV = "POR_KEY_PASSPHRASE"


def _raw_public(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def key_id(public: bytes) -> str:
    return hashlib.sha256(b"por/v1/key-id" + public).hexdigest()[:16]


def sig_path(path: str | Path) -> Path:
    p = Path(path)
    return p.with_name(p.name + ".sig")


def load_private_key(path: str | Path) -> Ed25519PrivateKey:
    """A PKCS#8 PEM Ed25519 private key (passphrase from ``$POR_KEY_PASSPHRASE`` if encrypted).

    Raises:
        UsageError: unreadable file, wrong passphrase, or not an Ed25519 private key.
    """
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read key file {p}: {exc.strerror}") from None
    pw = os.environ.get(PASSPHRASE_ENV)
    try:
        key = serialization.load_pem_private_key(data, password=pw.encode() if pw else None)
    except TypeError:
        raise UsageError(f"key file {p} is encrypted: set {PASSPHRASE_ENV}") from None
    except ValueError:
        raise UsageError(f"key file {p} is not a PEM private key (or the passphrase is wrong)") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise UsageError(f"key file {p} does not hold an Ed25519 key")
    return key


def load_public_key(spec: str | Path) -> Ed25519PublicKey:
    """A public key from 64 hex digits, a file holding them, or a PEM public or private key file.

    Raises:
        UsageError: none of these.
    """
    text = str(spec).strip()
    candidates: list[bytes] = []
    p = Path(text)
    if p.is_file():
        data = p.read_bytes()
        if b"-----BEGIN" in data:
            try:
                pub = serialization.load_pem_public_key(data)
                if isinstance(pub, Ed25519PublicKey):
                    return pub
            except ValueError:
                pass
            return load_private_key(p).public_key()
        candidates.append(data.strip())
    else:
        candidates.append(text.encode())
    for c in candidates:
        try:
            raw = bytes.fromhex(c.decode("ascii").removeprefix("0x"))
            if len(raw) == 32:
                return Ed25519PublicKey.from_public_bytes(raw)
        except (ValueError, UnicodeDecodeError):
            pass
    raise UsageError(f"{text}: not an Ed25519 public key (64 hex digits, a file of them, or a PEM key file)")


def sign_bytes(data: bytes, key: Ed25519PrivateKey, name: str) -> bytes:
    """The canonical ``.sig`` document for ``data``."""
    pub = _raw_public(key.public_key())
    doc = {
        "format": SIG_FORMAT, "algorithm": "ed25519", "file": name, "size": len(data),
        "sha256": hashlib.sha256(data).hexdigest(), "public_key": pub.hex(), "key_id": key_id(pub),
        "signature": key.sign(data).hex(),
    }
    return canonical.dumps(doc) + b"\n"


def sign_file(path: str | Path, key: Ed25519PrivateKey) -> Path:
    """Write ``PATH.sig`` for the bytes now in ``PATH``; returns the signature path."""
    p = Path(path)
    out = sig_path(p)
    out.write_bytes(sign_bytes(p.read_bytes(), key, p.name))
    return out


def verify_file(path: str | Path, public: Ed25519PublicKey, signature: str | Path | None = None) -> Result:
    """Check ``PATH`` against its detached signature with the regulator's trusted key (never raises
    on bad input: a missing or malformed signature file is a failed check)."""
    p = Path(path)
    sp = Path(signature) if signature is not None else sig_path(p)
    res = Result(f"report {p}")
    try:
        data = canonical.read_document(p)
    except OSError as exc:
        res.failed("report.read", f"{p}: {exc.strerror}")
        return res
    except EncodingError as exc:
        res.failed("report.read", f"{p}: {exc}")
        return res
    res.passed("report.read", f"{p}: {len(data)} bytes")
    try:
        raw = canonical.read_document(sp)
        doc: Any = canonical.loads(raw.rstrip(b"\n"))
        if not isinstance(doc, dict):
            raise EncodingError("not a JSON object")
    except OSError as exc:
        res.failed("signature.read", f"{sp}: {exc.strerror} (no detached signature)")
        return res
    except EncodingError as exc:
        res.failed("signature.read", f"{sp}: {exc}")
        return res
    if doc.get("format") != SIG_FORMAT or doc.get("algorithm") != "ed25519":
        res.failed("signature.format", f"{sp}: expected format {SIG_FORMAT} with algorithm ed25519")
        return res
    res.passed("signature.format", f"{sp}: {SIG_FORMAT}, ed25519")
    size, digest = doc.get("size"), hashlib.sha256(data).hexdigest()
    res.add("report.size", size == len(data),
            f"size {len(data)} bytes" + ("" if size == len(data) else f", signature file says {size} (truncated or extended)"))
    res.add("report.sha256", doc.get("sha256") == digest,
            "SHA-256 matches the signature file" if doc.get("sha256") == digest
            else "SHA-256 differs from the signature file: the report was changed after signing")
    trusted = _raw_public(public)
    named = doc.get("public_key") == trusted.hex() and doc.get("key_id") == key_id(trusted)
    res.add("signature.key", named,
            f"signed by the trusted key {key_id(trusted)}" if named
            else f"the signature file names key {str(doc.get('key_id'))!r:.40} ({str(doc.get('public_key'))!r:.70}), "
                 f"not the trusted key {key_id(trusted)}")
    try:
        sig = bytes.fromhex(str(doc.get("signature", "")))
        public.verify(sig, data)
        ok = True
    except (InvalidSignature, ValueError):
        ok = False
    res.add("signature.valid", ok, "Ed25519 signature over the exact file bytes verifies with the trusted key"
            if ok else "Ed25519 signature does not verify with the trusted key over these bytes")
    return res


def require_valid(path: str | Path, public: Ed25519PublicKey) -> None:
    """Raise unless :func:`verify_file` passes.

    Raises:
        SignatureError: any check failed.
    """
    res = verify_file(path, public)
    if not res.ok:
        raise SignatureError("; ".join(c.message for c in res.failures))
