"""Detached Ed25519 signatures of exported reports: ``PATH.sig`` next to ``PATH`` (docs/protocol.md §11.5).

The signature is over ``signing_input("v1/report", file bytes)`` (``"por/v1/report" || 0x00 || the
exact bytes of the exported file``, no re-serialisation; por/signing.py, protocol §1.1), so no
signature made for another purpose (a manifest, a journal entry) verifies as a report signature.
``PATH.sig`` is canonical JSON::

    {"algorithm": "ed25519", "file": "<name>", "format": "por-report-signature/2",
     "key_id": "<16 hex>", "public_key": "<64 hex>", "purpose": "v1/report", "sha256": "<64 hex>",
     "signature": "<128 hex>", "size": <bytes>}

``public_key`` is informational: verification uses the key the regulator supplies (``--key``).
Version 1 (the bare file bytes, no domain) is refused: under it a manifest signature copied onto the
bytes it signs passed as a signed report.

Verification also checks that the file *is* a report (:func:`por.report.readback.read_report`: a
``por-report/1`` JSON document, CSV zip, XLSX workbook or PDF) and that it binds each epoch it covers
to a manifest hash; :func:`verify_report` adds, given the epoch bundles, the manifest hashes and the
recomputed bundle tables (:func:`por.report.readback.check_against_bundles`).
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
from por.errors import EncodingError, PorError, SignatureError, UsageError
from por.result import Result
from por.signing import signing_input

SIG_FORMAT = "por-report-signature/2"
#: the superseded version (signed the bare file bytes): refused with a sentence saying why
OLD_SIG_FORMATS = ("por-report-signature/1",)
PURPOSE = "v1/report"
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
    """The canonical ``.sig`` document for ``data``: Ed25519 over ``signing_input("v1/report", data)``."""
    pub = _raw_public(key.public_key())
    doc = {
        "format": SIG_FORMAT, "algorithm": "ed25519", "purpose": PURPOSE, "file": name, "size": len(data),
        "sha256": hashlib.sha256(data).hexdigest(), "public_key": pub.hex(), "key_id": key_id(pub),
        "signature": key.sign(signing_input(PURPOSE, data)).hex(),
    }
    return canonical.dumps(doc) + b"\n"


def sign_file(path: str | Path, key: Ed25519PrivateKey) -> Path:
    """Write ``PATH.sig`` for the bytes now in ``PATH``; returns the signature path."""
    p = Path(path)
    out = sig_path(p)
    out.write_bytes(sign_bytes(p.read_bytes(), key, p.name))
    return out


def verify_file(path: str | Path, public: Ed25519PublicKey, signature: str | Path | None = None) -> Result:
    """Check ``PATH`` against its detached signature with the regulator's trusted key, and that it is a
    report binding its epochs to manifest hashes (never raises on bad input: a missing or malformed
    signature file, or a file that is not a report, is a failed check).

    Checks, in order: ``report.read``, ``report.format`` (the file is a ``por-report/1`` export, see
    :func:`por.report.readback.read_report`), ``report.manifests`` (every epoch it covers carries a
    manifest hash), ``report.consistent`` (not for a PDF: the stated verification outcome is the one its
    recorded checks give), ``signature.read``, ``signature.format``, ``report.size``, ``report.sha256``,
    ``signature.key``, ``signature.valid``.
    """
    return _verify(path, public, signature)[0]


def verify_report(path: str | Path, public: Ed25519PublicKey, signature: str | Path | None = None,
                  bundles: list[Path] | tuple[Path, ...] = (), *, audit: bool = True) -> Result:
    """:func:`verify_file`, then, given epoch bundle directories (or their parents), that the report's
    manifest hashes are those of the bundles and that its bundle tables are what the bundles give
    (:func:`por.report.readback.check_against_bundles`; ``audit`` also re-runs the auditor's verifier on
    each bundle, the operator key pinned to ``public``, and compares its outcome with the report's).

    Raises:
        UsageError: a bundle path that does not exist.
    """
    for b in bundles:
        if not Path(b).exists():
            raise UsageError(f"--bundle {b}: no such directory")
    res, read = _verify(path, public, signature)
    if bundles:
        from por.report.readback import check_against_bundles

        if read is None:
            res.failed("report.bundles", "the file is not a readable report, so it cannot be checked against the bundles")
        else:
            res.extend(check_against_bundles(read, list(bundles), audit=audit,
                                             operator_key=_raw_public(public).hex()).checks)
    return res


def _verify(path: str | Path, public: Ed25519PublicKey, signature: str | Path | None) -> tuple[Result, Any]:
    from por.report.readback import read_report

    p = Path(path)
    sp = Path(signature) if signature is not None else sig_path(p)
    res = Result(f"report {p}")
    try:
        data = canonical.read_document(p)
    except OSError as exc:
        res.failed("report.read", f"{p}: {exc.strerror}")
        return res, None
    except EncodingError as exc:
        res.failed("report.read", f"{p}: {exc}")
        return res, None
    res.passed("report.read", f"{p}: {len(data)} bytes")
    read: Any = None
    try:
        read = read_report(data)
    except PorError as exc:
        res.failed("report.format", f"{p} is not a regulator report: {exc.diagnostics()}")
    else:
        res.passed("report.format", f"{p} is a {read.format} report ({read.kind})")
        if read.manifests_error is None:
            res.passed("report.manifests", f"it binds {len(read.manifests)} epoch(s) to manifest hashes: "
                       + ", ".join(f"{e} -> {h[:16]}…" for e, h in read.manifests))
        else:
            res.failed("report.manifests", read.manifests_error)
        if read.kind != "pdf":
            res.add("report.consistent", read.inconsistent is None, read.inconsistent or
                    "the verification outcome the report states is the one its recorded checks give")
    try:
        raw = canonical.read_document(sp)
        doc: Any = canonical.loads(raw.rstrip(b"\n"))
        if not isinstance(doc, dict):
            raise EncodingError("not a JSON object")
    except OSError as exc:
        res.failed("signature.read", f"{sp}: {exc.strerror} (no detached signature)")
        return res, read
    except EncodingError as exc:
        res.failed("signature.read", f"{sp}: {exc}")
        return res, read
    if doc.get("format") in OLD_SIG_FORMATS:
        res.failed("signature.format", f"{sp}: {doc.get('format')} signed the bare file bytes, with no domain, so a "
                   f"signature made for another purpose could pass as a report's; re-sign as {SIG_FORMAT}")
        return res, read
    if doc.get("format") != SIG_FORMAT or doc.get("algorithm") != "ed25519" or doc.get("purpose") != PURPOSE:
        res.failed("signature.format", f"{sp}: expected format {SIG_FORMAT}, algorithm ed25519, purpose {PURPOSE}")
        return res, read
    res.passed("signature.format", f"{sp}: {SIG_FORMAT}, ed25519, purpose {PURPOSE}")
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
        public.verify(sig, signing_input(PURPOSE, data))
        ok = True
    except (InvalidSignature, ValueError):
        ok = False
    res.add("signature.valid", ok, f"Ed25519 signature over {PURPOSE} || the exact file bytes verifies with the "
            "trusted key" if ok else f"Ed25519 signature over {PURPOSE} || these bytes does not verify with the "
            "trusted key (a signature made for another purpose, another key or other bytes)")
    return res, read


def require_valid(path: str | Path, public: Ed25519PublicKey) -> None:
    """Raise unless :func:`verify_file` passes.

    Raises:
        SignatureError: any check failed.
    """
    res = verify_file(path, public)
    if not res.ok:
        raise SignatureError("; ".join(c.message for c in res.failures))
