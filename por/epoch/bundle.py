"""The published epoch bundle (docs/protocol.md §9.3, §9.4): a directory with a signed ``manifest.json``.

``manifest.json`` is canonical JSON ``{"signed": {...}, "signatures": [...]}``. Every other file of the
bundle is listed in ``signed.files`` with its SHA-256 and size, so a byte changed anywhere is caught.
A signature is Ed25519 over ``b"por/v1/manifest\\x00" || canonical(signed)``; the reader requires the
file to be canonical, so what is verified is exactly the bytes received. The operator signs; an
auditor may co-sign later (``por audit cosign``) without changing the signed body.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from por import PROTOCOL, canonical
from por.bundle.manifest import MANIFEST, MANIFEST_FORMAT, MANIFEST_PURPOSE, SignedManifest, parse_manifest
from por.bundle.opened import read_manifest
from por.bundle.signed import key_id, public_key_hex, verify_ed25519
from por.canonical import read_document
from por.errors import BundleError, EncodingError
from por.signing import domain

__all__ = ["MANIFEST", "MANIFEST_FORMAT", "Manifest", "check_files", "key_id", "list_files", "public_key_hex",
           "sha256_file", "verify_ed25519"]

SIGNATURE_DOMAIN = domain(MANIFEST_PURPOSE)  # b"por/v1/manifest\x00" (docs/protocol.md §1.1)
CHUNK = 1 << 20


def sha256_file(path: Path) -> tuple[str, int]:
    h = hashlib.sha256()
    size = 0
    with path.open("rb") as f:
        while chunk := f.read(CHUNK):
            h.update(chunk)
            size += len(chunk)
    return h.hexdigest(), size


@dataclass
class Manifest:
    """The manifest as its writers hold it: the seal stage builds and signs it, ``por audit cosign``
    adds a signature (byte-identical to :class:`por.bundle.manifest.SignedManifest`'s serialisation).

    :meth:`from_bytes` only reads the envelope for those writers and the readers not yet moved to the
    models; a verifier parses with :func:`por.bundle.parse_manifest` (every field typed, §9.4)."""

    signed: dict[str, Any]
    signatures: list[dict[str, str]] = field(default_factory=list)

    @property
    def body_bytes(self) -> bytes:
        return canonical.dumps(self.signed)

    @property
    def sha256(self) -> str:
        """Hash of the signed body: what client proofs point at (unchanged by co-signatures)."""
        return hashlib.sha256(self.body_bytes).hexdigest()

    def signing_message(self) -> bytes:
        return SIGNATURE_DOMAIN + self.body_bytes

    def sign(self, key: Ed25519PrivateKey, role: str, signer_id: str) -> None:
        pub = public_key_hex(key)
        self.signatures = [s for s in self.signatures if (s.get("role"), s.get("public_key")) != (role, pub)]
        self.signatures.append({
            "role": role,
            "signer": signer_id,
            "public_key": pub,
            "key_id": key_id(pub),
            "signature": key.sign(self.signing_message()).hex(),
        })

    def signatures_by(self, role: str) -> list[dict[str, str]]:
        return [s for s in self.signatures if s.get("role") == role]

    def verify_signature(self, sig: dict[str, Any], expected_public_hex: str | None = None) -> bool:
        pub = sig.get("public_key")
        if not isinstance(pub, str) or not isinstance(sig.get("signature"), str):
            return False
        if expected_public_hex is not None and pub.lower() != expected_public_hex.lower():
            return False
        return verify_ed25519(pub, self.signing_message(), sig["signature"]) and sig.get("key_id") == key_id(pub.lower())

    def to_bytes(self) -> bytes:
        return canonical.dumps({"signed": self.signed, "signatures": self.signatures})

    def write(self, directory: Path) -> Path:
        path = directory / MANIFEST
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(self.to_bytes())
        tmp.replace(path)
        return path

    @classmethod
    def from_bytes(cls, data: bytes) -> Manifest:
        """Parse strictly: canonical bytes, known format, the fields every reader needs."""
        try:
            doc = canonical.loads(data, require_canonical=True)
        except EncodingError as exc:
            raise BundleError(f"manifest.json: {exc}") from exc
        if not isinstance(doc, dict) or set(doc) != {"signed", "signatures"}:
            raise BundleError("manifest.json: expected exactly the members 'signed' and 'signatures'")
        signed, sigs = doc["signed"], doc["signatures"]
        if not isinstance(signed, dict) or not isinstance(sigs, list):
            raise BundleError("manifest.json: 'signed' must be an object and 'signatures' a list")
        fmt = signed.get("format")
        if not isinstance(fmt, str) or not fmt.startswith("por-manifest/"):
            raise BundleError("manifest.json: missing or unknown 'format'")
        if fmt.split("/", 1)[1].split(".")[0] != MANIFEST_FORMAT.split("/", 1)[1]:
            raise BundleError(f"manifest.json: unsupported major version {fmt!r} (this reader: {MANIFEST_FORMAT})")
        for name in ("epoch_id", "protocol", "files", "tree", "nonce"):
            if name not in signed:
                raise BundleError(f"manifest.json: missing field {name!r}")
        if signed["protocol"] != PROTOCOL:
            raise BundleError(f"manifest.json: protocol {signed['protocol']!r} is not {PROTOCOL!r} (this reader's)")
        if not isinstance(signed["epoch_id"], str):
            raise BundleError("manifest.json: 'epoch_id' must be a string")
        seq = signed.get("journal_seq", 1)
        if isinstance(seq, bool) or not isinstance(seq, int) or seq < 1:
            raise BundleError("manifest.json: 'journal_seq' must be an integer >= 1")
        if not isinstance(signed["files"], dict):
            raise BundleError("manifest.json: 'files' must be an object")
        if not all(isinstance(s, dict) for s in sigs):
            raise BundleError("manifest.json: every signature must be an object")
        return cls(signed=signed, signatures=sigs)

    @classmethod
    def read(cls, directory: Path) -> Manifest:
        path = Path(directory) / MANIFEST
        if not path.is_file():
            raise BundleError(f"{path}: no manifest.json in the bundle directory")
        return cls.from_bytes(read_document(path))


def read_signed_manifest(directory: Path) -> SignedManifest:
    """The manifest of bundle ``directory``, read once and parsed with the verifiers' model (§9.4).

    Raises:
        BundleError: missing, or not a regular file; DocumentError: malformed.
    """
    return parse_manifest(read_manifest(directory))


def write_signed_manifest(directory: Path, manifest: SignedManifest) -> Path:
    """Write ``manifest`` as ``directory/manifest.json`` (canonical bytes, replaced atomically)."""
    path = Path(directory) / MANIFEST
    tmp = path.with_suffix(".tmp")
    tmp.write_bytes(manifest.to_bytes())
    tmp.replace(path)
    return path


def list_files(directory: Path) -> dict[str, dict[str, Any]]:
    """SHA-256 and size of every regular file of the bundle except the manifest (sorted, relative)."""
    out: dict[str, dict[str, Any]] = {}
    for p in sorted(Path(directory).rglob("*")):
        if p.is_file() and p.name != MANIFEST and not p.name.endswith(".tmp"):
            digest, size = sha256_file(p)
            out[p.relative_to(directory).as_posix()] = {"sha256": digest, "size": size}
    return out


def check_files(directory: Path, manifest: SignedManifest) -> list[tuple[str, bool, str]]:
    """(file, ok, message) for every file ``manifest`` lists (``signed.files``, §9.4), plus any
    unlisted entry found in the directory.

    Each listed file is opened without following links and read once (por.bundle.opened;
    docs/protocol.md §9.5 step 4); nothing is kept.
    """
    from por.bundle.opened import read_listed

    listed = {name: entry.to_json_value() for name, entry in manifest.signed.files.items()}
    with read_listed(directory, listed, keep=False) as files:
        return [(c.name, c.ok, c.message) for c in files.results()]
