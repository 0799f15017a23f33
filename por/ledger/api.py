"""The :class:`Ledger` facade: open a database, append signed entries, read balances, prove the log.

``Ledger`` is the one class callers use; it combines the facets of :mod:`por.ledger.facets`, each of
which owns one concern (docs/protocol.md §10): governance, assets and accounts, postings, prices,
margin, withdrawals, and the journal with its log.
"""

from __future__ import annotations

from por.ledger.facets.accounts import AccountsFacet
from por.ledger.facets.base import DEFAULT_URL, Request
from por.ledger.facets.governance import GovernanceFacet
from por.ledger.facets.journal import JournalFacet
from por.ledger.facets.margin import MarginFacet
from por.ledger.facets.postings import PostingsFacet
from por.ledger.facets.prices import PricesFacet
from por.ledger.facets.withdrawals import WithdrawalsFacet

__all__ = ["DEFAULT_URL", "Ledger", "Request"]


class Ledger(GovernanceFacet, AccountsFacet, PostingsFacet, PricesFacet, MarginFacet, WithdrawalsFacet,
             JournalFacet):
    """A custody ledger on SQLite (default) or PostgreSQL.

    Open with :meth:`open`; write through signed entries (:meth:`append` for pre-signed entries,
    :meth:`submit` and the convenience methods to build, sign and append in one transaction).
    """
