"""The published epoch bundle (docs/protocol.md §9.3, §9.4): a directory with a signed ``manifest.json``.

``manifest.json`` is canonical JSON ``{"signed": {...}, "signatures": [...]}``. Every other file of the
bundle is listed in ``signed.files`` with its SHA-256 and size, so a byte changed anywhere is caught.
A signature is Ed25519 over ``b"por/v1/manifest\\x00" || canonical(signed)``; the reader requires the
file to be canonical, so what is verified is exactly the bytes received. The operator signs; an
auditor may co-sign later (``por audit cosign``) without changing the signed body.

The manifest is read and written only through the verifiers' model (:mod:`por.bundle.manifest`): a
manifest the verifiers would refuse is never signed. Tests that forge one use ``tests/forge.py``.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from por.bundle.manifest import MANIFEST, MANIFEST_FORMAT, SignedManifest, parse_manifest
from por.bundle.opened import read_listed, read_manifest

__all__ = ["MANIFEST", "MANIFEST_FORMAT", "check_files", "list_files", "read_signed_manifest", "sha256_file",
           "write_signed_manifest"]

CHUNK = 1 << 20


def sha256_file(path: Path) -> tuple[str, int]:
    h = hashlib.sha256()
    size = 0
    with path.open("rb") as f:
        while chunk := f.read(CHUNK):
            h.update(chunk)
            size += len(chunk)
    return h.hexdigest(), size


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
    with read_listed(directory, manifest.signed.files, keep=False) as files:
        return [(c.name, c.ok, c.message) for c in files.results()]
