"""What the verifiers are given besides the bundle, read at the edge (docs/protocol.md §9.5 steps 2,
9, 10, 11 and 13): the operator key, a keyring, a reserves configuration, the auditor's openings, the
previous bundle or the bundles beside this one.

Why here: the verification steps open no file. Each input is read once, before the steps run, into
a :class:`Loaded` value; a read that failed keeps its error, which the step that needs the input
raises again, so it is reported by that step exactly as if the step had read the file itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

from por.bundle import parse_keyring
from por.bundle.manifest import SignedManifest, parse_manifest
from por.bundle.opened import MANIFEST, read_manifest
from por.canonical import parse_json, read_document
from por.errors import PorError
from por.reserves.keyring import Keyring

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Loaded(Generic[T]):
    """An input read at the edge: its value, or the error reading it raised."""

    value: T | None = None
    error: Exception | None = None

    def get(self) -> T:
        """The value; raises the reading error again, where the step that uses the input runs."""
        if self.error is not None:
            raise self.error
        return self.value  # type: ignore[return-value]  # None only when T admits it

    @classmethod
    def of(cls, read: Callable[[], T], also: tuple[type[Exception], ...] = ()) -> Loaded[T]:
        """Run ``read`` now. A :class:`PorError` (or one of ``also``, e.g. a database driver's) is kept,
        not handled, and raised by :meth:`get`; an unreadable file becomes a PorError naming it. Any
        other exception is a bug and propagates now."""
        try:
            return cls(read())
        except PorError as exc:
            return cls(error=exc)
        except OSError as exc:  # boundary: the verifier's own file cannot be read (missing, permission)
            return cls(error=PorError(f"cannot read {exc.filename or 'a file'}: {exc.strerror or exc}"))
        except also as exc:  # boundary: the errors the caller names (an unreachable --ledger database)
            return cls(error=exc)


@dataclass(frozen=True, slots=True)
class PreviousBundle:
    """An earlier bundle for the log-consistency step: its directory and its manifest, read and parsed
    once (the sibling search and the consistency check both use it)."""

    path: Path
    manifest: Loaded[SignedManifest]

    @classmethod
    def read(cls, path: str | Path) -> PreviousBundle:
        return cls(Path(path), Loaded.of(lambda: parse_manifest(read_manifest(path))))


def sibling_bundles(bundle: Path) -> tuple[PreviousBundle, ...]:
    """Every directory beside ``bundle`` holding a ``manifest.json``, its manifest read once, by name.

    The log-consistency step chooses among them by content (docs/protocol.md §9.5 step 10), so that
    renaming or reordering folders cannot hide an earlier epoch."""
    here = bundle.resolve()
    try:
        found = sorted(p for p in here.parent.iterdir()
                       if p != here and not p.name.startswith(".") and (p / MANIFEST).exists())
    except OSError:
        return ()
    return tuple(PreviousBundle.read(p) for p in found)


def key_hex(key: str) -> str:
    """A hex Ed25519 public key, or the path of a file holding one (``.pub``) or a private PEM key."""
    p = Path(key)
    if p.is_file():
        raw = p.read_bytes()
        if not raw.isascii():
            raise PorError(f"{p}: not an Ed25519 public key (hex) nor a PEM private key")
        text = raw.decode("ascii").strip()
        if "PRIVATE KEY" in text:
            from por.ledger import keys

            return str(keys.public_key_hex(keys.load(p)))
        return text.lower()
    return key.lower()


def operator_key_of(keyring: Any) -> str | None:
    """The Ed25519 key (hex) of the keyring's active operator, if it has one."""
    ops = [mb for mb in keyring if mb.has_role("operator") and not mb.revoked and mb.ed25519_public_key]
    return ops[0].ed25519_public_key.hex() if ops else None


def load_keyring(path: str | Path | None, bundle: Path) -> tuple[Any, str]:
    """The keyring the verifier gives (``path``), else the bundle directory's own ``keyring.json``,
    and a phrase saying which (for a verifier reading files by name: the client's, ``audit cosign``)."""
    if path is not None:
        return Keyring.load(path), f"keyring {path} (given by the verifier)"
    try:
        data = read_document(bundle / "keyring.json")
    except FileNotFoundError:
        raise PorError("keyring.json is missing from the bundle") from None
    except (OSError, ValueError) as exc:  # boundary: reading a file (EncodingError: not a regular file, too large)
        raise PorError(f"keyring.json does not read ({exc})") from None
    return Keyring.from_model(parse_keyring(data)), "keyring.json of the bundle (trust rests on the operator key)"


@dataclass(frozen=True, slots=True)
class Given:
    """Everything the auditor's verifier is given besides the bundle and the ledger, read at the edge.

    ``siblings`` are the candidates for the previous bundle when none is given and discovery is on
    (None: discovery off); ``*_path`` only name the files in messages.
    """

    operator_key: Loaded[str] | None = None
    operator_key_pinned: bool = False  # an operator key was named (even an empty one)
    keyring: Loaded[Any] | None = None
    keyring_path: str | None = None
    reserves_config: Loaded[Any] | None = None
    reserves_config_path: str | None = None
    openings: Loaded[Any] | None = None
    master_secret: bytes | None = None
    previous: PreviousBundle | None = None
    siblings: tuple[PreviousBundle, ...] | None = None
    ledger_integrity: bool = True
    trust_bundle_keyring: bool = False
    executor: Any = None
    progress: Callable[[str, int, int], None] | None = None

    @classmethod
    def read(cls, bundle: str | Path, *, keyring_path: str | Path | None = None, operator_key: str | None = None,
             previous: str | Path | None = None, discover_previous: bool = True,
             reserves_config_path: str | Path | None = None, auditor_openings: str | Path | None = None,
             **options: Any) -> Given:
        """Read every file the verifier names (and, for discovery, the manifests beside ``bundle``);
        ``options`` are the other fields (``master_secret``, ``trust_bundle_keyring``, ...)."""
        def json_file(p: str | Path) -> Loaded[Any]:
            return Loaded.of(lambda: parse_json(read_document(p)))

        return cls(
            operator_key=Loaded.of(lambda: key_hex(operator_key)) if operator_key else None,
            operator_key_pinned=operator_key is not None,
            keyring=Loaded.of(lambda: Keyring.load(keyring_path)) if keyring_path is not None else None,
            keyring_path=str(keyring_path) if keyring_path is not None else None,
            reserves_config=json_file(reserves_config_path) if reserves_config_path is not None else None,
            reserves_config_path=str(reserves_config_path) if reserves_config_path is not None else None,
            openings=json_file(auditor_openings) if auditor_openings else None,
            previous=PreviousBundle.read(previous) if previous is not None else None,
            siblings=sibling_bundles(Path(bundle)) if previous is None and discover_previous else None,
            **options,
        )
