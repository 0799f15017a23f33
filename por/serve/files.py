"""Public files, read-only: the epoch bundles and the verifier page (docs/protocol.md §12.1).

A request path is resolved segment by segment from a fixed root, opening each directory with
``O_NOFOLLOW`` relative to the previous one: a segment must match :data:`SEGMENT` (no ``..``, no
hidden names, no separators or control characters), a symlink anywhere is refused, and only a
regular file is served. No directory is ever listed. Responses carry a strong ``ETag`` (from the
file's identity: device, inode, size, mtime), answer ``If-None-Match`` with 304 and honour one
``Range`` (206, or 416 when unsatisfiable; ``If-Range`` with another tag sends the whole file).
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import anyio
from starlette.responses import Response, StreamingResponse

SEGMENT = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._-]{0,127}")
MAX_DEPTH = 4
MAX_REL_PATH = 512
#: a body up to this size is read at once; larger ones are streamed in chunks of this size
CHUNK = 1 << 20

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8",
    ".json": "application/json", ".toml": "text/plain; charset=utf-8", ".txt": "text/plain; charset=utf-8",
    ".sqlite": "application/vnd.sqlite3", ".svg": "image/svg+xml", ".png": "image/png",
    ".ico": "image/x-icon", ".map": "application/json", ".wasm": "application/wasm",
    ".csv": "text/csv; charset=utf-8", ".pdf": "application/pdf",
}
_RANGE = re.compile(r"bytes=(\d{0,18})-(\d{0,18})")


@dataclass(frozen=True, slots=True)
class Opened:
    fd: int
    size: int
    etag: str
    content_type: str


def open_under(root: Path, rel: str) -> Opened | None:
    """Open ``rel`` (``a/b/c``) under ``root`` if it is a safe path to a regular file, else None."""
    if not rel or len(rel) > MAX_REL_PATH:
        return None
    parts = rel.split("/")
    if len(parts) > MAX_DEPTH or not all(SEGMENT.fullmatch(p) for p in parts):
        return None
    flags = os.O_RDONLY | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)
    try:
        dfd = os.open(root, flags | os.O_DIRECTORY)
    except OSError:
        return None
    try:
        for p in parts[:-1]:
            nxt = os.open(p, flags | os.O_DIRECTORY, dir_fd=dfd)
            os.close(dfd)
            dfd = nxt
        fd = os.open(parts[-1], flags | getattr(os, "O_NONBLOCK", 0), dir_fd=dfd)
    except OSError:  # missing, a symlink (ELOOP), not a directory
        return None
    finally:
        os.close(dfd)
    st = os.fstat(fd)
    if not stat.S_ISREG(st.st_mode):
        os.close(fd)
        return None
    ident = f"{st.st_dev}:{st.st_ino}:{st.st_size}:{st.st_mtime_ns}".encode()
    etag = '"' + hashlib.sha256(ident).hexdigest()[:32] + '"'
    ctype = CONTENT_TYPES.get(os.path.splitext(parts[-1])[1].lower(), "application/octet-stream")
    return Opened(fd, st.st_size, etag, ctype)


def _etag_matches(header: str, etag: str) -> bool:
    tags = [t.strip() for t in header.split(",")]
    return "*" in tags or etag in tags or f"W/{etag}" in tags


def _byte_range(header: str | None, size: int) -> tuple[int, int] | None | bool:
    """(first, last) of one satisfiable range; None to send everything; False when unsatisfiable."""
    if header is None:
        return None
    m = _RANGE.fullmatch(header.strip())
    if m is None or (not m[1] and not m[2]):  # several ranges or bad syntax: ignored (RFC 9110 §14.2)
        return None
    if not m[1]:  # suffix: the last N bytes
        n = int(m[2])
        return (max(0, size - n), size - 1) if n > 0 and size > 0 else False
    first = int(m[1])
    last = min(int(m[2]), size - 1) if m[2] else size - 1
    if m[2] and int(m[2]) < first:
        return None
    return (first, last) if first < size else False


def file_response(opened: Opened, method: str, headers: dict[str, str], cache_control: str) -> Response:
    """The response for an opened file (takes ownership of the descriptor)."""
    base = {"etag": opened.etag, "accept-ranges": "bytes", "cache-control": cache_control}
    inm = headers.get("if-none-match")
    if inm is not None and _etag_matches(inm, opened.etag):
        os.close(opened.fd)
        return Response(status_code=304, headers=base)
    rng_header = headers.get("range")
    if_range = headers.get("if-range")
    if if_range is not None and if_range.strip() != opened.etag:
        rng_header = None
    rng = _byte_range(rng_header, opened.size)
    if rng is False:
        os.close(opened.fd)
        return Response(status_code=416, headers={**base, "content-range": f"bytes */{opened.size}"})
    status, first, last = 200, 0, opened.size - 1
    if isinstance(rng, tuple):
        status, (first, last) = 206, rng
        base["content-range"] = f"bytes {first}-{last}/{opened.size}"
    length = last - first + 1
    base["content-length"] = str(length)
    if method == "HEAD" or length <= 0:
        os.close(opened.fd)
        return Response(status_code=status, headers=base, media_type=opened.content_type)
    if length <= CHUNK:
        try:
            data = os.pread(opened.fd, length, first)
        finally:
            os.close(opened.fd)
        return Response(data, status_code=status, headers=base, media_type=opened.content_type)
    return StreamingResponse(_stream(opened.fd, first, length), status_code=status, headers=base,
                             media_type=opened.content_type)


async def _stream(fd: int, offset: int, length: int) -> AsyncIterator[bytes]:
    try:
        while length > 0:
            chunk = await anyio.to_thread.run_sync(os.pread, fd, min(CHUNK, length), offset)
            if not chunk:
                break
            offset += len(chunk)
            length -= len(chunk)
            yield chunk
    finally:
        os.close(fd)
