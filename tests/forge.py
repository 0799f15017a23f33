"""The forger's tools (tests only): a lying operator holds its key and signs whatever manifest it likes.

The library reads manifests with the strict model (:func:`por.bundle.manifest.parse_manifest`), which
refuses a body out of format; an attack test must be able to publish exactly such a body. So here a
manifest is a plain dict body and a list of signature dicts, never validated: read a bundle's
``manifest.json`` as JSON, edit the body (to any value of any type), sign it as docs/protocol.md §9.4
says, and write the canonical bytes back.

A signature ``{role, signer, public_key, key_id, signature}`` is Ed25519 over
``domain("v1/manifest") || canonical(S)`` (``"por/v1/manifest" || 0x00``, §1.1), and ``key_id`` is the
first 16 hex digits of ``SHA-256("por/v1/key-id" || public key)``. The key id is computed here from
that text, not with the library's function, so that a forged signature is what the protocol says and
not whatever the library happens to compute.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from por import canonical
from por.bundle.manifest import MANIFEST, MANIFEST_PURPOSE
from por.epoch.bundle import list_files  # the seal stage's listing of a bundle's files (§9.4 files)
from por.signing import domain

#: the prefix of every manifest signature's message (docs/protocol.md §1.1, §9.4)
MANIFEST_DOMAIN = domain(MANIFEST_PURPOSE)
KEY_ID_LABEL = b"por/v1/key-id"

Key = Ed25519PrivateKey | str | Path


def load_key(key: Key) -> Ed25519PrivateKey:
    """``key`` itself, or the private key in the file it names (a workspace's ``keys/<member>.key``)."""
    if isinstance(key, Ed25519PrivateKey):
        return key
    from por.ledger import keys

    return keys.load(key)


def sign_body(body: Any, key: Key, role: str = "operator", signer: str | None = None) -> dict[str, str]:
    """A signature entry over ``body`` (any JSON value canonical JSON can encode), as §9.4 says."""
    k = load_key(key)
    pub = k.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    return {"role": role, "signer": role if signer is None else signer, "public_key": pub.hex(),
            "key_id": hashlib.sha256(KEY_ID_LABEL + pub).hexdigest()[:16],
            "signature": k.sign(MANIFEST_DOMAIN + canonical.dumps(body)).hex()}


@dataclass
class Forged:
    """A manifest as a forger holds it: the body ``signed`` and the ``signatures``, both plain JSON."""

    signed: dict[str, Any]
    signatures: list[dict[str, Any]] = field(default_factory=list)

    @classmethod
    def from_bytes(cls, data: bytes) -> Forged:
        """A manifest file's JSON, whatever its body holds (no check beyond the two members)."""
        doc = canonical.loads(data)
        return cls(signed=doc["signed"], signatures=list(doc["signatures"]))

    @classmethod
    def read(cls, bundle: Path) -> Forged:
        """The bundle's ``manifest.json`` (see :meth:`from_bytes`)."""
        return cls.from_bytes((Path(bundle) / MANIFEST).read_bytes())

    @property
    def body_bytes(self) -> bytes:
        return canonical.dumps(self.signed)

    @property
    def sha256(self) -> str:
        """SHA-256 (hex) of the canonical body: the manifest hash client proofs name (§9.4)."""
        return hashlib.sha256(self.body_bytes).hexdigest()

    def sign(self, key: Key, role: str = "operator", signer: str | None = None) -> Forged:
        """Add ``key``'s signature for ``role``, replacing one the same key made in that role."""
        sig = sign_body(self.signed, key, role, signer)
        self.signatures = [s for s in self.signatures
                           if (s.get("role"), s.get("public_key")) != (role, sig["public_key"])] + [sig]
        return self

    def to_bytes(self) -> bytes:
        return canonical.dumps({"signed": self.signed, "signatures": self.signatures})

    def write(self, bundle: Path) -> Path:
        path = Path(bundle) / MANIFEST
        path.write_bytes(self.to_bytes())
        return path


def resign(bundle: Path, key: Key, edit: Callable[[dict[str, Any]], object] | None = None, *,
           relist: bool = True) -> Forged:
    """The hostile (or careless) operator's move: ``edit(signed)`` in place, list the bundle's files as
    they are now (unless ``relist`` is false), drop every signature and sign the body with ``key`` as
    the operator. Returns what was written."""
    m = Forged.read(bundle)
    if edit is not None:
        edit(m.signed)
    if relist:
        m.signed["files"] = list_files(bundle)
    m.signatures = []
    m.sign(key)
    m.write(bundle)
    return m
