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
from typing import Any

from por.bundle.opened import OpenedBundle
from por.canonical import parse_json
from por.epoch.bundle import Manifest
from por.errors import PorError
from por.result import Result
from por.verify.inputs import Given, Loaded
from por.verify.ledger_view import LedgerView

# What a damaged or hostile bundle (or ledger) can raise while a step reads it; ValueError covers
# JSONDecodeError. The typed document models (issue 15) will narrow this to the parse layer's errors.
_MALFORMED_INPUT: tuple[type[Exception], ...] = (PorError, KeyError, TypeError, ValueError, AttributeError,
                                                 IndexError, OSError)


@cache
def malformed() -> tuple[type[Exception], ...]:
    """The errors a step turns into a failed check, with a damaged ``--ledger`` database's."""
    from por.ledger.view import DATABASE_ERRORS

    return _MALFORMED_INPUT + DATABASE_ERRORS


def run_step(res: Result, check_id: str, step: Callable[[], None]) -> None:
    """Run one verification step; any malformed-input error becomes a failed check naming it."""
    try:
        step()
    except malformed() as exc:
        msg = exc.diagnostics() if isinstance(exc, PorError) else f"malformed input ({exc.__class__.__name__}: {exc})"
        res.failed(check_id, msg)


@dataclass
class Audit:
    """One audit in progress: its inputs, its result, and what earlier steps established."""

    opened: OpenedBundle
    given: Given
    ledger: Loaded[LedgerView] | None
    res: Result
    manifest: Manifest | None = None
    keyring: Any = None
    op_hex: str | None = None
    readable: bool = False  # step 1 passed: the manifest reads and has its shape
    cfg: Any = None  # the manifest's reserves configuration, once read (None: unusable)

    @property
    def m(self) -> dict[str, Any]:
        """The manifest's signed body (step 1 read it)."""
        assert self.manifest is not None
        return self.manifest.signed

    @property
    def with_ledger(self) -> bool:
        """Ledger access and the master secret: steps 11 and 12 run."""
        return self.ledger is not None and self.given.master_secret is not None

    def run(self, check_id: str, step: Callable[[Audit], None]) -> None:
        run_step(self.res, check_id, lambda: step(self))

    def json(self, name: str) -> Any:
        """Listed file ``name`` parsed as JSON, from the bytes that were hashed."""
        try:
            return parse_json(self.opened.files.document(name))
        except FileNotFoundError:
            raise PorError(f"{name} is missing from the bundle") from None
        except (OSError, ValueError) as exc:  # EncodingError, UnicodeDecodeError and JSONDecodeError are ValueErrors
            raise PorError(f"{name} does not read as JSON ({exc})") from None

    def store(self) -> tuple[Path | None, Path]:
        """The private copy of the manifest's tree store (None: not a listed file that was read) and
        the bundle path it was read from, which messages name."""
        name = self.m["tree"]["store"]
        return self.opened.files.store(name), self.opened.directory / name


def as_published(res: Result, copy: Path, published: Path) -> Result:
    """``res`` with the private copy's path named as the bundle file it was read from."""
    a, b = str(copy), str(published)
    out = Result(res.subject)
    for c in res.checks:
        out.checks.append(type(c)(c.id, c.ok, c.message.replace(a, b), c.untrusted))
    return out
