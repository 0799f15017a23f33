"""The view of the custody ledger the auditor's verifier reads (docs/protocol.md §9.5 steps 11, 12).

The caller opens it (``por.ledger.view.LedgerAuditView``) and passes it in; the verification steps
never open a database. The ledger package implements it; ``por.reserves.ledger_adapter`` reads the
governed reserves configuration, its governing entry, entry times and the oracles' price entries
through it as through a ``Ledger``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol

from por.result import Result


class LedgerView(Protocol):
    """What steps 11 (completeness) and 12 (the ledger's own integrity) call."""

    def client_liabilities(self, seq: int) -> tuple[list[list[str]], list[int], list[tuple[str, tuple[int, ...]]]]:
        """Columns ``[asset, kind]``, the non-zero ones' indexes, one row per client at entry ``seq``."""
        ...

    def assets(self) -> Mapping[str, Any]:
        """The asset table: code -> an object with ``decimals``."""
        ...

    def entry(self, seq: int) -> dict[str, Any]:
        """Journal entry ``seq`` as stored (its ``body`` holds the signed time)."""
        ...

    def config_at(self, seq: int) -> dict[str, Any]:
        """The governed settings in force after entry ``seq``, replayed from the journal."""
        ...

    def member_history(self) -> list[tuple[int, list[dict[str, Any]]]]:
        """The members after each membership entry, oldest first."""
        ...

    def epoch_publications(self) -> list[dict[str, Any]]:
        """The journal's ``epoch.publish`` entries, in order."""
        ...

    def log_root(self, size: int | None = None) -> tuple[int, str]:
        """(size, hex root) of the transparency log."""
        ...

    def journal_bodies(self, types: Sequence[str], at_seq: int) -> list[tuple[int, str, dict[str, Any]]]:
        """(seq, entry hash, signed body) of the journal entries of ``types`` with seq <= ``at_seq``, in order."""
        ...

    def verify(self, expected_root: tuple[int, str] | None = None,
               progress: Callable[[str, int, int], None] | None = None) -> Result:
        """The whole ledger replayed (§10.9), its journal extending ``expected_root``."""
        ...
