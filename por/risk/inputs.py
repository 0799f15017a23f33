"""What every risk estimate starts from: the margin book (exact integers) and the price history of
the assets it holds. Read from a ledger, or generated (seeded) for tests and benchmarks."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from por.errors import RiskError
from por.report.stress import MarginBook
from por.risk.history import PriceHistory, from_ledger, synthetic_history


@dataclass(frozen=True, slots=True)
class RiskInputs:
    """A margin book and the daily history of its risky assets (``history.assets`` in book order)."""

    book: MarginBook
    history: PriceHistory
    source: str

    @property
    def risky(self) -> list[str]:
        return list(self.history.assets)


def risky_assets(book: MarginBook) -> list[str]:
    """Non-currency assets some account holds or owes, in book order.

    Raises:
        RiskError: an empty book (no account, or no account with a position or a debt).
    """
    if book.n == 0:
        raise RiskError("the margin book is empty: no margin account to assess")
    held = np.asarray(np.asarray(book.positions != 0).any(axis=0) | np.asarray(book.debts != 0).any(axis=0))
    if not bool(np.asarray(book.positions != 0).any()):
        raise RiskError(f"the margin book is empty: none of its {book.n} accounts holds a position")
    return [a.code for j, a in enumerate(book.assets) if a.code != book.currency and bool(held[j])]


def check_book(book: MarginBook, history: PriceHistory) -> RiskInputs:
    """Pair a book with a history covering every risky asset it holds.

    Raises:
        RiskError: an empty book, or a held asset without history.
    """
    risky = risky_assets(book)
    missing = [a for a in risky if a not in history.assets]
    if missing:
        raise RiskError(f"no price history for {', '.join(missing)} (held in the margin book)")
    if not risky:
        raise RiskError("the margin book holds only cash: no price risk to assess")
    idx = [history.assets.index(a) for a in risky]
    h = PriceHistory(tuple(risky), history.days, tuple(tuple(row[j] for j in idx) for row in history.prices))
    return RiskInputs(book, h, book.source)


def from_ledger_inputs(ledger: Any) -> RiskInputs:
    """The ledger's margin book at its current prices and the signed history of the assets it holds.

    Raises:
        RiskError: an empty book, a held asset without (enough, moving) history.
        ReportError: an asset without decimals or price (from the book reader).
    """
    from por.report.collect import book_from_ledger

    book = book_from_ledger(ledger)
    risky = risky_assets(book)
    if not risky:
        raise RiskError("the margin book holds only cash: no price risk to assess")
    return check_book(book, from_ledger(ledger, risky))


def synthetic_inputs(accounts: int, seed: int = 0, days: int = 260) -> RiskInputs:
    """The stress module's seeded synthetic book with a seeded history of its five risky assets."""
    from por.report.stress import synthetic_book

    if accounts < 1:
        raise RiskError("the synthetic book needs at least one account")
    book = synthetic_book(accounts, seed)
    risky = [a.code for a in book.assets if a.code != book.currency]
    vol = {"AAA": 0.018, "BBB": 0.022, "CCC": 0.016, "DDD": 0.03, "BTC": 0.04}
    return check_book(book, synthetic_history(risky, days, seed, vol))
