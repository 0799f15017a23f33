"""The auditor's read-only view of a ledger, opened once at the verifier's edge.

It implements :class:`por.verify.ledger_view.LedgerView` (docs/protocol.md §9.5 steps 11 and 12): the
client liabilities at the cut-off entry, the governed settings, members and epoch publications as the
journal records them, the log root, and the whole replay (``por ledger verify``, §10.9). The
verification steps receive it and open no database themselves.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from types import TracebackType
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from por.ledger.api import Ledger
from por.ledger.core import AssetInfo
from por.ledger.snapshot import client_rows
from por.result import Result

#: errors a damaged or unreachable database raises through the view (a failed check, never a traceback)
DATABASE_ERRORS: tuple[type[Exception], ...] = (SQLAlchemyError,)


class LedgerAuditView:
    """A ledger opened for reading (never created), as the auditor's verifier needs it."""

    def __init__(self, ledger: Ledger) -> None:
        self._ledger = ledger

    @classmethod
    def open(cls, url: str, *, schema: str | None = None) -> LedgerAuditView:
        """Open an existing ledger (a SQLite file that is not there is a UsageError, never a new one)."""
        return cls(Ledger.open(url, schema=schema, create=False))

    def close(self) -> None:
        self._ledger.close()

    def __enter__(self) -> LedgerAuditView:
        return self

    def __exit__(self, et: type[BaseException] | None, ev: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    def client_liabilities(self, seq: int) -> tuple[list[list[str]], list[int], list[tuple[str, tuple[int, ...]]]]:
        """The snapshot at entry ``seq`` (§9.2): every column ``[asset, kind]``, the indexes of the
        non-zero ones, and one row per client (the owner of accounts) restricted to those."""
        with self._ledger.snapshot(seq) as snap:
            cols = [list(c) for c in snap.columns]
            owners = {a["id"]: a["owner"] for a in self._ledger.accounts()}
            keep, rows = client_rows(snap.rows(), owners, len(cols))
        return cols, keep, rows

    def assets(self) -> dict[str, AssetInfo]:
        return self._ledger.assets()

    def entry(self, seq: int) -> dict[str, Any]:
        return self._ledger.entry(seq)

    def config_at(self, seq: int) -> dict[str, Any]:
        return self._ledger.config_at(seq)

    def member_history(self) -> list[tuple[int, list[dict[str, Any]]]]:
        return self._ledger.member_history()

    def epoch_publications(self) -> list[dict[str, Any]]:
        return self._ledger.epoch_publications()

    def log_root(self, size: int | None = None) -> tuple[int, str]:
        return self._ledger.log_root(size)

    def verify(self, expected_root: tuple[int, str] | None = None,
               progress: Callable[[str, int, int], None] | None = None) -> Result:
        return self._ledger.verify(expected_root=expected_root, progress=progress)

    def journal_bodies(self, types: Sequence[str], at_seq: int) -> list[tuple[int, str, dict[str, Any]]]:
        """``(seq, entry hash, signed body)`` of the journal entries of ``types`` up to ``at_seq``, through
        which ``por.reserves.ledger_adapter`` finds the governing ``config.set`` entry and the oracles'
        ``price`` entries (steps 11 and 12)."""
        return self._ledger.journal_bodies(types, at_seq)
