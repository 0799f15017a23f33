"""Book metrics for the report: leverage distribution, breaches, distance to liquidation, margin ROE.

docs/protocol.md §11.3, "Book metrics (report)" and the worked ROE example.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np

from por.report.stress.book import MarginBook
from por.report.stress.engine import Engine
from por.report.stress.text import fixed
from por.report.stress.valuation import _sum
from por.units import BPS

#: Leverage buckets (value / equity), lower edges; the report's histogram uses them.
LEVERAGE_EDGES = (Fraction(1), Fraction(3, 2), Fraction(2), Fraction(5, 2), Fraction(3), Fraction(4),
                  Fraction(5), Fraction(10))
NEAR_LIQUIDATION = Fraction(1, 10)


@dataclass(slots=True)
class BookMetrics:
    """Exact aggregate figures of a book at its prices (what the report's margin tables show)."""

    accounts: int
    active: int
    value: int
    debt: int
    equity: int
    in_breach: int
    near_liquidation: int
    near_liquidation_debt: int
    over_leverage_limit: int
    leverage_buckets: list[tuple[str, int, int, int]]  # label, accounts, value, equity
    # per configured leverage limit (max_leverage_bps): limit bps, accounts, active, value, equity, over limit
    limit_rows: list[tuple[int, int, int, int, int, int]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "accounts": self.accounts, "active": self.active, "value": self.value, "debt": self.debt,
            "equity": self.equity, "in_breach": self.in_breach, "near_liquidation": self.near_liquidation,
            "near_liquidation_debt": self.near_liquidation_debt,
            "over_leverage_limit": self.over_leverage_limit,
            "leverage_buckets": [list(b) for b in self.leverage_buckets],
            "limit_rows": [list(r) for r in self.limit_rows],
        }


def _bucket_label(lo: Fraction, hi: Fraction | None) -> str:
    def s(x: Fraction) -> str:
        return fixed(x, 1).rstrip("0").rstrip(".")
    return f"{s(lo)}x to <{s(hi)}x" if hi is not None else f">= {s(lo)}x"


def book_metrics(book: MarginBook, within: Fraction = NEAR_LIQUIDATION) -> BookMetrics:
    """Leverage distribution (value/equity), accounts in breach, within ``within`` of liquidation.

    An account is *within 10% of liquidation* when it is not in breach now but a uniform fall of 10%
    in every non-cash asset price would put it in breach. Leverage is value ÷ equity; an account with
    equity ≤ 0 and a position falls in the bucket "equity <= 0"; one with no position is inactive.
    """
    eng = Engine(book)
    dtype = eng.dtype
    cash_col = book.codes.index(book.currency)
    value = eng.value0
    cash = eng.pos.qt[cash_col].copy()  # the currency at price 1: minor units are its value
    risky = value - cash
    debt = eng.debt0
    equity = value - debt
    mm = eng.mm
    active = (value > 0) | (debt > 0)
    breach = active & (equity * BPS < mm * value)
    # breach after a uniform fall x = w.num/w.den in risky prices (value-level approximation of the
    # per-asset floor, exact in rationals): (1-mm)·((1-x)·R + C) < D
    num, den = within.numerator, within.denominator
    after = (BPS - mm) * ((den - num) * risky + den * cash) < BPS * den * debt
    near = active & ~breach & after
    over = np.zeros(book.n, dtype=bool)
    lim = book.leverage_limit_bps.astype(dtype)
    has_lim = lim > 0
    over = active & has_lim & ((equity <= 0) | (value * BPS > lim * equity))
    buckets: list[tuple[str, int, int, int]] = []
    pos_eq = active & (equity > 0)
    edges = list(LEVERAGE_EDGES)
    below = pos_eq & (value * edges[0].denominator < edges[0].numerator * equity)
    buckets.append((f"< {fixed(edges[0], 0)}x", int(below.sum()), _sum(value[below]), _sum(equity[below])))
    for i, lo in enumerate(edges):
        hi = edges[i + 1] if i + 1 < len(edges) else None
        m = pos_eq & (value * lo.denominator >= lo.numerator * equity)
        if hi is not None:
            m &= value * hi.denominator < hi.numerator * equity
        buckets.append((_bucket_label(lo, hi), int(m.sum()), _sum(value[m]), _sum(equity[m])))
    neg = active & (equity <= 0)
    buckets.append(("equity <= 0", int(neg.sum()), _sum(value[neg]), _sum(equity[neg])))
    limit_rows = []
    for lim_bps in sorted({int(x) for x in book.leverage_limit_bps.tolist()}):
        m = book.leverage_limit_bps == lim_bps
        limit_rows.append((lim_bps, int(m.sum()), int((m & active).sum()), _sum(value[m]), _sum(equity[m]),
                           int((m & over).sum())))
    return BookMetrics(
        accounts=book.n, active=int(active.sum()), value=_sum(value), debt=_sum(debt), equity=_sum(equity),
        in_breach=int(breach.sum()), near_liquidation=int(near.sum()),
        near_liquidation_debt=_sum(debt[near]), over_leverage_limit=int(over.sum()),
        leverage_buckets=buckets, limit_rows=limit_rows)


def margin_roe(leverage: Fraction, asset_return: Fraction, borrow_rate: Fraction) -> Fraction:
    """Return on equity of a margin position: ``m·R_asset − (m−1)·r_borrow`` (exact, leverage m = V/E)."""
    return leverage * asset_return - (leverage - 1) * borrow_rate

