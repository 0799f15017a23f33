"""The epoch master secret on disk: one format, one writer, one reader (docs/protocol.md §7.2).

Format: the secret as hexadecimal text (at least 64 hex digits, i.e. at least 32 bytes; the epoch
pipeline writes exactly 32 bytes as 64 lower-case digits and a newline). Surrounding whitespace is
ignored, as ``bytes.fromhex`` ignores whitespace between byte pairs. Why text: the same file serves
``por tree --secret-file``, the epoch pipeline, ``por audit verify --master-secret``, ``por serve``
and the report, and an operator can copy it, compare it and see it is whole; raw bytes cannot be.

Workspaces made before this format held the 32 raw bytes. A file of exactly 32 bytes that is not
hex text is read as such (trivially told apart: hex text of 32 bytes is 64 characters long). The
writer creates the file with mode 0600, atomically, and never overwrites one.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from por.errors import UsageError
from por.tree.leaf import MIN_MASTER_SECRET

MASTER_SECRET_BYTES = 32  # what the pipeline draws; readers accept any length >= MIN_MASTER_SECRET
FORMAT_TEXT = f"hex text of at least {MIN_MASTER_SECRET} bytes ({2 * MIN_MASTER_SECRET} hex digits)"
_MAX_FILE = 1 << 16  # a master secret file is tiny; a larger file is another file
_HEX_TEXT = re.compile(rb"^[0-9A-Fa-f\s]*\Z")


def encode_master_secret(secret: bytes) -> bytes:
    """The file content for ``secret``: lower-case hex and a newline.

    Raises:
        UsageError: a secret shorter than 32 bytes.
    """
    if not isinstance(secret, (bytes, bytearray)) or len(secret) < MIN_MASTER_SECRET:
        raise UsageError(f"the epoch master secret must be at least {MIN_MASTER_SECRET} bytes")
    return bytes(secret).hex().encode("ascii") + b"\n"


def decode_master_secret(data: bytes, source: str) -> bytes:
    """The secret a master secret file's content holds (see the module docstring).

    Raises:
        UsageError: naming ``source`` and the format: not hex text, or fewer than 32 bytes.
    """
    if len(data) == MIN_MASTER_SECRET and not _HEX_TEXT.match(data):
        return bytes(data)  # the raw form of workspaces made before the hex format
    try:
        secret = bytes.fromhex(data.decode("ascii").strip())
    except (UnicodeDecodeError, ValueError):  # boundary: bytes.fromhex's error for text that is not hex
        raise UsageError(f"{source}: the master secret file must hold hex ({FORMAT_TEXT})") from None
    if len(secret) < MIN_MASTER_SECRET:
        raise UsageError(f"{source}: the master secret must be at least {MIN_MASTER_SECRET} bytes "
                         f"({FORMAT_TEXT}), the file holds {len(secret)}")
    return secret


def read_master_secret(path: str | Path) -> bytes:
    """Read a master secret file.

    Raises:
        UsageError: the file cannot be read, is too large, or is not in the format (naming the file).
    """
    try:
        with open(path, "rb") as f:
            data = f.read(_MAX_FILE + 1)
    except OSError as exc:
        raise UsageError(f"{path}: cannot read the master secret file: {exc.strerror or exc}") from None
    if len(data) > _MAX_FILE:
        raise UsageError(f"{path}: not a master secret file ({FORMAT_TEXT}): larger than {_MAX_FILE} bytes")
    return decode_master_secret(data, str(path))


def write_master_secret(path: str | Path, secret: bytes) -> None:
    """Write ``secret`` to a new file at ``path`` in the format, mode 0600, atomically (a temporary file
    renamed into place after it is on disk), so a crash never leaves a partial secret.

    Raises:
        UsageError: ``path`` exists (a master secret is never replaced), or the secret is too short.
    """
    p = Path(path)
    data = encode_master_secret(secret)
    if p.exists() or p.is_symlink():
        raise UsageError(f"{p}: a master secret file exists there; refusing to replace it")
    tmp = p.with_name(p.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o600)  # O_CREAT's mode only applies to a new file (a stale .tmp keeps its own)
        os.replace(tmp, p)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
