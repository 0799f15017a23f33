"""A published bundle opened once: ``manifest.json`` and every file it lists, each read exactly once.

Why: a verifier must judge the bytes it hashed. Reading a file to hash it and again, by name, to parse
it lets a file replaced in between be judged unhashed (docs/protocol.md §9.5, steps 1 and 4). Here
every listed file is opened without following a link (``O_NOFOLLOW``, each directory on its path too),
must be a regular file (``fstat``), and is hashed while it is read; documents stay in memory (at most
:data:`por.canonical.MAX_DOCUMENT_BYTES` each), and the SQLite tree store is streamed into a private
temporary copy (a 0700 directory, the file 0600, removed on :meth:`OpenedBundle.close`), which is
what the tree checks open. Later steps parse these bytes and never re-open a bundle file by name.

The ``file.<path>`` verdicts (:attr:`ListedFiles.checks`) say, per listed file, missing, a symbolic
link, another size, another SHA-256 or matching, and name every unlisted entry: a file, a left-over
``*.tmp``, a symlink, device or FIFO, a directory holding no listed file (docs/protocol.md §9.5 step 4).
"""

from __future__ import annotations

import errno
import hashlib
import os
import shutil
import stat
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, NamedTuple

from por.bundle.manifest import FileEntry, SignedManifest, parse_manifest
from por.canonical import MAX_DOCUMENT_BYTES
from por.errors import BundleError, DocumentError, EncodingError, PorError

MANIFEST = "manifest.json"
CHUNK = 4 << 20  # one pass, large reads: the store is copied and hashed together
_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
_FILE_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC  # a FIFO must not block the open


class FileCheck(NamedTuple):
    """One ``file.<name>`` verdict (a tuple, as ``check_files`` always returned them)."""

    name: str
    ok: bool
    message: str


@dataclass(frozen=True, slots=True)
class _Held:
    """A listed file as read: its digest and size, and its bytes (a document) or private copy (a store)."""

    sha256: str
    size: int
    data: bytes | None
    copy: Path | None


class _NotRegular(Exception):
    """A listed path that is not a regular file reached without a link (internal)."""

    def __init__(self, link: bool, present: bool = False) -> None:
        super().__init__("symbolic link" if link else "not a regular file")
        self.link = link
        self.present = present  # there, but a directory, device or FIFO


def read_manifest(directory: str | Path, limit: int | None = None) -> bytes:
    """The bytes of ``directory/manifest.json``: a regular file of at most ``limit`` bytes, read once.

    The manifest authenticates itself (its signature covers these very bytes), so it is opened as
    any reader opens it, links followed; a device or FIFO is refused by ``fstat``, not read.

    Raises:
        BundleError: missing or not a regular file.
        EncodingError: larger than ``limit``.
        OSError: unreadable.
    """
    limit = MAX_DOCUMENT_BYTES if limit is None else limit
    path = Path(directory) / MANIFEST
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as exc:
        if exc.errno in (errno.ENOENT, errno.ENOTDIR, errno.ENXIO, errno.ELOOP):
            raise BundleError(f"{path}: no manifest.json in the bundle directory") from None
        raise
    with os.fdopen(fd, "rb") as f:
        if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):
            raise BundleError(f"{path}: no manifest.json in the bundle directory")
        data = f.read(limit + 1)
    if len(data) > limit:
        raise EncodingError(f"{MANIFEST} is larger than {limit} bytes")
    return data


class ListedFiles:
    """The listed files of a bundle as read once, and the ``file.*`` verdicts on them.

    An unexpected error while reading (a permission denied, say) is kept and raised by
    :meth:`results`, where the verifier's file step runs, as reading in that step would have raised it.
    """

    def __init__(self, checks: list[FileCheck], held: dict[str, _Held], tmp: Path | None,
                 error: OSError | None, refused: frozenset[str] = frozenset()) -> None:
        self._checks = checks
        self._held = held
        self._refused = refused
        self._unlisted = frozenset(c.name for c in checks if c.message.endswith("but not listed in the manifest"))
        self._tmp = tmp
        self._error = error

    def results(self) -> list[FileCheck]:
        """Every ``file.*`` verdict: the listed files (sorted), then every unlisted entry found."""
        if self._error is not None:  # boundary: the file system's error, reported as a PorError
            raise BundleError(f"the bundle's files cannot be read: {self._error.strerror or self._error}")
        return list(self._checks)

    def document(self, name: str, limit: int | None = None) -> bytes:
        """The bytes of listed file ``name`` as they were hashed.

        Raises:
            FileNotFoundError: not in the bundle, or listed but missing when it was read.
            BundleError: in the bundle but not listed (never read: its bytes are not authenticated).
            EncodingError: a link or not a regular file when it was read; larger than ``limit``.
        """
        held = self._held.get(name)
        if held is None and name in self._unlisted:
            raise BundleError(f"{name} is in the bundle but not listed in the manifest, so it was not read")
        if held is None and name in self._refused:
            raise EncodingError(f"{Path(name).name} is not a regular file")
        limit = MAX_DOCUMENT_BYTES if limit is None else limit
        if held is None:
            raise FileNotFoundError(errno.ENOENT, "not a listed file of the bundle", name)
        if held.size <= limit and held.data is not None:
            return held.data
        if held.size <= limit and held.copy is not None:  # a store: its private copy holds the hashed bytes
            return held.copy.read_bytes()
        raise EncodingError(f"{Path(name).name} is larger than {limit} bytes")

    def store(self, name: str) -> Path | None:
        """The private copy of listed store ``name`` (what the tree step opens), or None."""
        held = self._held.get(name)
        return held.copy if held is not None else None

    def digest(self, name: str) -> str | None:
        """The SHA-256 (hex) of listed file ``name`` as read, or None when it was not read."""
        held = self._held.get(name)
        return held.sha256 if held is not None else None

    def close(self) -> None:
        """Remove the private copies."""
        if self._tmp is not None:
            shutil.rmtree(self._tmp, ignore_errors=True)
            self._tmp = None

    def __enter__(self) -> ListedFiles:
        return self

    def __exit__(self, et: type[BaseException] | None, ev: BaseException | None, tb: TracebackType | None) -> None:
        self.close()


def read_listed(directory: str | Path, listed: Mapping[str, FileEntry], *, stores: Iterable[str] = (),
                keep: bool = True, tmp_dir: str | Path | None = None) -> ListedFiles:
    """Read every file ``listed`` (the manifest's ``files``, parsed) once, and walk the rest of ``directory``.

    ``stores`` name the listed files streamed into a private temporary copy (under ``tmp_dir``, by
    default the system's); the others are documents kept in memory (up to the size bound; above it
    they are hashed only). With ``keep=False`` nothing is kept: only the verdicts.
    """
    root = Path(directory)
    checks: list[FileCheck] = []
    held: dict[str, _Held] = {}
    refused: set[str] = set()  # listed, present, but a link or not a regular file
    copies = set(stores) if keep else set()
    tmp: Path | None = None
    try:
        root_fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except OSError as exc:
        return ListedFiles([], {}, None, exc)
    try:
        for name, meta in sorted(listed.items()):
            problem = _listing_problem(name, root)
            if problem is not None:
                checks.append(FileCheck(name, False, problem))
                if problem == _link_message(name):
                    refused.add(name)
                continue
            if name in copies and tmp is None:
                tmp = Path(tempfile.mkdtemp(prefix="por-bundle-", dir=tmp_dir))  # mode 0700
            copy = tmp / Path(name).name if name in copies and tmp is not None else None
            try:
                h = _read_one(root_fd, name, copy=copy, keep=keep)
            except _NotRegular as exc:
                link = exc.link or _under_link(root, name)
                if link or exc.present:
                    refused.add(name)
                checks.append(FileCheck(name, False, _link_message(name) if link
                                        else f"{name}: listed in the manifest but missing"))
                continue
            held[name] = h
            checks.append(_verdict(name, h, meta))
        checks.extend(_unlisted(root, listed))
    except OSError as exc:  # raised where the file step runs, as reading there would have raised it
        return ListedFiles(checks, held, tmp, exc, frozenset(refused))
    finally:
        os.close(root_fd)
    return ListedFiles(checks, held, tmp, None, frozenset(refused))


def _listing_problem(name: str, root: Path) -> str | None:
    """Why a manifest entry cannot name a file of the bundle (before anything is opened), or None."""
    if ".." in Path(name).parts or Path(name).is_absolute():
        return f"{name}: path escapes the bundle directory"
    if _under_link(root, name):
        # a symlink may point anywhere, and may change between hashing and reading
        return _link_message(name)
    return None


def _link_message(name: str) -> str:
    return f"{name}: listed in the manifest but a symbolic link (or under one), not a regular file of the bundle"


def _under_link(root: Path, name: str) -> bool:
    p = root / name
    return any(q.is_symlink() for q in [p, *p.parents][: len(Path(name).parts)])


def _verdict(name: str, h: _Held, meta: FileEntry) -> FileCheck:
    if h.size != meta.size:
        return FileCheck(name, False, f"{name}: size {h.size} bytes, manifest says {meta.size} (truncated or extended)")
    if h.sha256 != meta.sha256:
        return FileCheck(name, False, f"{name}: SHA-256 differs from the manifest (file changed or replaced)")
    return FileCheck(name, True, f"{name}: {h.size} bytes, SHA-256 matches")


def _open_beneath(root_fd: int, name: str) -> int:
    """A descriptor of ``root/name`` reached without following any link, for a regular file only."""
    parts = Path(name).parts
    if not parts:
        raise _NotRegular(False)
    fds: list[int] = []
    try:
        at = root_fd
        for part in parts[:-1]:
            at = os.open(part, _DIR_FLAGS, dir_fd=at)
            fds.append(at)
        fd = os.open(parts[-1], _FILE_FLAGS, dir_fd=at)
    except OSError as exc:
        if exc.errno in (errno.ELOOP, errno.ENOENT, errno.ENOTDIR, errno.ENXIO):
            raise _NotRegular(exc.errno == errno.ELOOP) from None
        raise
    finally:
        for d in fds:
            os.close(d)
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise _NotRegular(False, present=True)
    return fd


def _read_one(root_fd: int, name: str, *, copy: Path | None, keep: bool) -> _Held:
    """Hash listed file ``name`` as it is read; keep a document's bytes or stream a store into ``copy``."""
    fd = _open_beneath(root_fd, name)
    with os.fdopen(fd, "rb") as f:
        if copy is not None:
            return _copy_hashing(f, copy)
        h = hashlib.sha256()
        bound = MAX_DOCUMENT_BYTES  # read at call time
        parts = [f.read(min(os.fstat(f.fileno()).st_size, bound) + 1)]  # a document whole, in one read
        h.update(parts[0])
        size = len(parts[0])
        for chunk in _chunks(f):  # it grew since fstat, or it is over the bound: hashed on
            h.update(chunk)
            size += len(chunk)
            if size <= bound:
                parts.append(chunk)
        data = b"".join(parts) if keep and size <= bound else None
        return _Held(h.hexdigest(), size, data, None)


def _copy_hashing(f: Any, copy: Path) -> _Held:
    """Stream ``f`` into a new private file ``copy`` (0600), hashing the same bytes in the same pass."""
    h = hashlib.sha256()
    size = 0
    out_fd = os.open(copy, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
    with os.fdopen(out_fd, "wb") as out:
        buf = bytearray(CHUNK)
        view = memoryview(buf)
        while n := f.readinto(buf):
            h.update(view[:n])
            out.write(view[:n])
            size += n
    return _Held(h.hexdigest(), size, None, copy)


def _chunks(f: Any) -> Iterator[bytes]:
    while chunk := f.read(CHUNK):
        yield chunk


def _unlisted(root: Path, listed: Mapping[str, Any]) -> list[FileCheck]:
    """Everything else in the directory, in one walk (nothing here is read): an unlisted file, a
    left-over ``*.tmp``, a symlink, a device or FIFO, a directory holding no listed file."""
    out: list[FileCheck] = []
    holders = {q.as_posix() for n in listed for q in Path(n).parents}
    for p in sorted(root.rglob("*")):
        name = p.relative_to(root).as_posix()
        if name == MANIFEST or name in listed:
            continue
        if p.is_symlink() or not (p.is_file() or p.is_dir()):
            out.append(FileCheck(name, False, f"{name}: present in the bundle but not a regular file"))
        elif p.is_file() and p.name.endswith(".tmp"):
            out.append(FileCheck(name, False, f"{name}: a left-over temporary file in the bundle"))
        elif p.is_file():
            out.append(FileCheck(name, False, f"{name}: present in the bundle but not listed in the manifest"))
        elif name not in holders:
            out.append(FileCheck(name, False, f"{name}: a directory in the bundle that holds no listed file"))
    return out


class OpenedBundle:
    """A bundle directory opened once (:func:`open_bundle`): the manifest's bytes, its strict parse
    (:func:`por.bundle.manifest.parse_manifest`) and its listed files.

    Use as a context manager, or call :meth:`close`, to remove the private copy of the tree store.
    """

    def __init__(self, directory: Path, manifest: bytes | None, manifest_error: PorError | None,
                 files: ListedFiles | None, parsed: SignedManifest | None = None) -> None:
        self.directory = directory
        self._manifest = manifest
        self._manifest_error = manifest_error
        self._parsed = parsed
        self.files = files if files is not None else ListedFiles([], {}, None, None)

    def manifest_bytes(self) -> bytes:
        """The bytes of ``manifest.json`` as read (raises why it did not read: see :func:`read_manifest`)."""
        if self._manifest is None:
            assert self._manifest_error is not None
            raise self._manifest_error
        return self._manifest

    def manifest(self) -> SignedManifest:
        """The manifest parsed strictly from :meth:`manifest_bytes`.

        Raises:
            BundleError, EncodingError: it did not read (see :func:`read_manifest`).
            DocumentError: it does not parse as a manifest (the field path is named).
        """
        if self._parsed is None:
            assert self._manifest_error is not None
            raise self._manifest_error
        return self._parsed

    def close(self) -> None:
        self.files.close()

    def __enter__(self) -> OpenedBundle:
        return self

    def __exit__(self, et: type[BaseException] | None, ev: BaseException | None, tb: TracebackType | None) -> None:
        self.close()


def open_bundle(directory: str | Path, *, tmp_dir: str | Path | None = None) -> OpenedBundle:
    """Read ``manifest.json``, parse it strictly, and read every file it lists, once
    (docs/protocol.md §9.5 steps 1 and 4).

    A manifest that does not read or parse leaves nothing else read. Never raises on a damaged or
    hostile bundle: what went wrong is raised where the verifier's manifest step asks for it.
    """
    d = Path(directory)
    try:
        raw = read_manifest(d)
    except OSError as exc:  # boundary: the file system's own error (a permission denied), as a PorError
        return OpenedBundle(d, None, BundleError(f"{d / MANIFEST}: cannot be read ({exc.strerror or exc})"), None)
    except PorError as exc:
        return OpenedBundle(d, None, exc, None)
    try:
        parsed = parse_manifest(raw)
    except DocumentError as exc:
        return OpenedBundle(d, raw, exc, None)
    files = read_listed(d, parsed.signed.files, stores=[parsed.signed.tree.store], tmp_dir=tmp_dir)
    return OpenedBundle(d, raw, None, files, parsed)
