"""What the auditor's steps share: the audit in progress and the one step runner (docs/protocol.md §9.5).

Every step reads the opened bundle (:class:`por.bundle.opened.OpenedBundle`), the inputs the verifier
was given (:class:`por.verify.inputs.Given`) and, with ledger access, a
:class:`por.verify.ledger_view.LedgerView`; none opens a file or a database. A step that cannot run on
what it was given is a failed check naming it, raised to :meth:`Audit.run`, the only place the
steps' errors are handled.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

from por.bundle.manifest import ManifestBody, SignedManifest
from por.bundle.opened import OpenedBundle
from por.errors import DocumentError, PorError
from por.result import Result
from por.verify.inputs import Given, Loaded
from por.verify.ledger_view import LedgerView

D = TypeVar("D")


class CheckFailed(PorError):
    """A step's input is unusable, reported under ``check_id`` rather than the step's own id (a
    document that does not parse fails the check named for that document, e.g. ``price.file``)."""

    def __init__(self, check_id: str, message: str) -> None:
        super().__init__(message)
        self.check_id = check_id


@cache
def database_errors() -> tuple[type[Exception], ...]:
    """The errors an injected ledger view raises for a damaged or unreachable database."""
    from por.ledger.view import DATABASE_ERRORS

    return DATABASE_ERRORS


def run_step(res: Result, check_id: str, step: Callable[[], None]) -> None:
    """Run one verification step; a :class:`PorError` (the parse layer's DocumentError, the crypto
    decoders' EncodingError, ...) becomes a failed check naming it. Anything else is a bug and shows."""
    try:
        step()
    except PorError as exc:
        res.failed(exc.check_id if isinstance(exc, CheckFailed) else check_id, exc.diagnostics())
    except database_errors() as exc:  # boundary: the injected ledger view's driver errors (a damaged --ledger)
        res.failed(check_id, f"the ledger database cannot be read ({exc.__class__.__name__}: {exc})")


@dataclass
class Audit:
    """One audit in progress: its inputs, its result, and what earlier steps established."""

    opened: OpenedBundle
    given: Given
    ledger: Loaded[LedgerView] | None
    res: Result
    manifest: SignedManifest | None = None
    keyring: Any = None
    op_hex: str | None = None
    readable: bool = False  # step 1 passed: the manifest reads and has its shape
    cfg: Any = None  # the manifest's reserves configuration, once read (None: unusable)
    collection: dict[str, Any] | None = None  # step 8: the collection record the attestations give

    @property
    def m(self) -> ManifestBody:
        """The manifest's signed body (step 1 parsed it)."""
        assert self.manifest is not None
        return self.manifest.signed

    @property
    def with_ledger(self) -> bool:
        """Ledger access and the master secret: steps 11 and 12 run."""
        return self.ledger is not None and self.given.master_secret is not None

    def run(self, check_id: str, step: Callable[[Audit], None]) -> None:
        run_step(self.res, check_id, lambda: step(self))

    def document(self, name: str, parse: Callable[[bytes], D], check_id: str) -> D:
        """Listed file ``name`` parsed with its model from the bytes that were hashed. A file that is
        missing or does not read fails the step; one that does not parse fails ``check_id``, the
        check named for that document, with the field path (docs/protocol.md §9.5)."""
        try:
            data = self.opened.files.document(name)
        except FileNotFoundError:  # boundary: ListedFiles' "not a listed file that was read"
            raise PorError(f"{name} is missing from the bundle") from None
        except PorError as exc:
            raise PorError(f"{name} does not read as JSON ({exc})") from None
        try:
            return parse(data)
        except DocumentError as exc:
            raise CheckFailed(check_id, exc.diagnostics()) from None

    def store(self) -> tuple[Path | None, Path]:
        """The private copy of the manifest's tree store (None: not a listed file that was read) and
        the bundle path it was read from, which messages name."""
        name = self.m.tree.store
        return self.opened.files.store(name), self.opened.directory / name


def as_published(res: Result, copy: Path, published: Path) -> Result:
    """``res`` with the private copy's path named as the bundle file it was read from."""
    a, b = str(copy), str(published)
    out = Result(res.subject)
    for c in res.checks:
        out.checks.append(type(c)(c.id, c.ok, c.message.replace(a, b), c.untrusted))
    return out

