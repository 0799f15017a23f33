"""Scenarios on a margin book: the price-impact model, the liquidation cascade and its outcome.

docs/protocol.md §11.3 steps 1–8 (shock, breach, liquidation, impact and cascade, insurance fund,
equity lost, reserves coverage after the shock, the grid).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np

from por.errors import StressError
from por.report.stress.book import IntArray, MarginBook
from por.report.stress.text import fixed, parse_decimal
from por.report.stress.valuation import _Cols, _fits_int64, _sum
from por.units import BPS

#: The grid: uniform shocks 0%, -1%, ..., -50% (51 points; the issue's "50-point grid" plus 0).
GRID = tuple(Fraction(-k, 100) for k in range(0, 51))
DEFAULT_MAX_ROUNDS = 10_000


@dataclass(frozen=True, slots=True)
class Impact:
    """A price-impact model: ``none``, ``linear`` (f = k·S/depth) or ``sqrt`` (f = k·√(S/ADV))."""

    kind: str = "none"
    k: Fraction = Fraction(0)

    @classmethod
    def parse(cls, text: str | None) -> Impact:
        """``"linear:0.5"`` or ``"sqrt:1"`` (``None`` or ``"none"`` for no impact).

        Raises:
            StressError: unknown model or a coefficient that is not a non-negative decimal.
        """
        if text is None or text.strip() in ("", "none"):
            return cls()
        kind, sep, k = text.partition(":")
        kind = kind.strip()
        if kind not in ("linear", "sqrt") or not sep:
            raise StressError(f"impact {text!r}: expected linear:K or sqrt:K (K a decimal, e.g. linear:0.5)")
        coeff = parse_decimal(k, f"impact {text!r}")
        if coeff < 0:
            raise StressError(f"impact {text!r}: K must not be negative")
        return cls(kind, coeff)

    def fraction(self, sold_value: int, depth: int) -> Fraction:
        """The relative price fall f ∈ [0, 1] caused by selling ``sold_value`` against ``depth``."""
        if self.kind == "none" or sold_value <= 0 or self.k == 0:
            return Fraction(0)
        if depth <= 0:
            return Fraction(1)
        if self.kind == "linear":
            f = self.k * Fraction(sold_value, depth)
        else:
            f = self.k * Fraction(math.isqrt(sold_value * 10**24 // depth), 10**12)
        return min(Fraction(1), f)

    def describe(self) -> str:
        if self.kind == "linear":
            return f"linear: dp/p = -{fixed(self.k, 4)} x sold value / market depth"
        if self.kind == "sqrt":
            return f"square root: dp/p = -{fixed(self.k, 4)} x sqrt(sold value / ADV)"
        return "none (liquidations do not move prices)"

    def to_str(self) -> str:
        return "none" if self.kind == "none" else f"{self.kind}:{fixed(self.k, 6).rstrip('0').rstrip('.')}"


@dataclass(frozen=True, slots=True)
class RoundStat:
    """One cascade round: how many accounts were liquidated and the prices after their sales."""

    round: int
    liquidated: int
    sold_value: int
    prices_after: dict[str, int]


@dataclass(slots=True)
class Outcome:
    """The result of one shock scenario (totals are exact integers in reporting minor units)."""

    shocks: dict[str, Fraction]
    impact: Impact
    accounts: int
    liquidated: int
    rounds: list[RoundStat]
    converged: bool
    prices_before: dict[str, int]
    prices_shocked: dict[str, int]
    prices_final: dict[str, int]
    value_before: int
    debt_before: int
    equity_before: int
    equity_after: int
    debt_liquidated: int
    proceeds: int
    bad_debt: int
    accounts_with_bad_debt: int
    insurance_fund: int
    covered: int
    uncovered: int
    reserves_value: Fraction | None
    net_liabilities_value: Fraction | None
    # per-account arrays (kept for callers that ask; never serialised in full by default)
    liquidated_round: IntArray | None = field(default=None, repr=False)
    account_equity_after: IntArray | None = field(default=None, repr=False)
    account_bad_debt: IntArray | None = field(default=None, repr=False)

    @property
    def equity_lost(self) -> Fraction | None:
        """Fraction of the book's client equity lost (None when the book has no positive equity)."""
        if self.equity_before <= 0:
            return None
        return Fraction(self.equity_before - self.equity_after, self.equity_before)

    @property
    def insurance_coverage(self) -> Fraction | None:
        """Insurance fund ÷ bad debt (None when there is no bad debt)."""
        return None if self.bad_debt == 0 else Fraction(self.insurance_fund, self.bad_debt)

    @property
    def reserves_coverage_after(self) -> Fraction | None:
        """Σ reserves·p / (Σ net liabilities·p + uncovered bad debt), at the final prices."""
        if self.reserves_value is None or self.net_liabilities_value is None:
            return None
        denom = self.net_liabilities_value + self.uncovered
        return None if denom <= 0 else self.reserves_value / denom

    def to_dict(self) -> dict[str, Any]:
        def opt(x: Fraction | None, digits: int = 6) -> str | None:
            return None if x is None else fixed(x, digits)

        return {
            "shocks": {k: fixed(v, 4) for k, v in sorted(self.shocks.items())},
            "impact": self.impact.to_str(),
            "accounts": self.accounts,
            "liquidated": self.liquidated,
            "rounds": len(self.rounds),
            "converged": self.converged,
            "cascade": [{"round": r.round, "liquidated": r.liquidated, "sold_value": r.sold_value,
                         "prices_after": dict(sorted(r.prices_after.items()))} for r in self.rounds],
            "prices_before": dict(sorted(self.prices_before.items())),
            "prices_shocked": dict(sorted(self.prices_shocked.items())),
            "prices_final": dict(sorted(self.prices_final.items())),
            "value_before": self.value_before,
            "debt_before": self.debt_before,
            "equity_before": self.equity_before,
            "equity_after": self.equity_after,
            "equity_lost": opt(self.equity_lost),
            "debt_liquidated": self.debt_liquidated,
            "proceeds": self.proceeds,
            "bad_debt": self.bad_debt,
            "accounts_with_bad_debt": self.accounts_with_bad_debt,
            "insurance_fund": self.insurance_fund,
            "insurance_covered": self.covered,
            "uncovered": self.uncovered,
            "insurance_coverage": opt(self.insurance_coverage),
            "reserves_coverage_after": opt(self.reserves_coverage_after),
        }


def shocked_price(price_e8: int, shock: Fraction) -> int:
    """``floor(p·(1+s))``, never negative."""
    return max(0, math.floor(price_e8 * (1 + shock)))


def _shock_vector(book: MarginBook, shocks: Mapping[str, Fraction]) -> dict[str, Fraction]:
    out = {}
    for code, s in shocks.items():
        book.asset(code)  # raises StressError for an unknown asset
        if code == book.currency:
            raise StressError(f"asset {code!r} is the reporting currency: its price is fixed and cannot be shocked")
        if s < -1:
            raise StressError(f"shock {code}={fixed(s * 100, 2)}%: a price cannot fall by more than 100%")
        out[code] = Fraction(s)
    return out


class Engine:
    """Runs scenarios on one book, choosing exact int64 or object arithmetic once (see module doc).

    Args:
        book: the margin book.
        impact: the price-impact model for cascades.
        max_price_factor: the largest ``1+s`` any scenario will use (for the overflow proof).
        max_rounds: cascade safety stop (each round liquidates at least one account, so n+1 suffices).
    """

    def __init__(self, book: MarginBook, impact: Impact | None = None, *,
                 max_price_factor: Fraction = Fraction(1), max_rounds: int | None = None) -> None:
        self.book = book
        self.impact = impact or Impact()
        self.max_rounds = max_rounds if max_rounds is not None else book.n + 1
        factor = max(Fraction(1), max_price_factor)
        pmax = {a.code: math.ceil(a.price_e8 * factor) if a.code != book.currency else a.price_e8
                for a in book.assets}
        self.exact_int64 = _fits_int64(book, pmax, 2 * 10**5)
        dtype: Any = np.int64 if self.exact_int64 else object
        self.dtype = dtype
        self.pos = _Cols(book, np.ascontiguousarray(book.positions.T.astype(dtype)))
        self.debt = _Cols(book, np.ascontiguousarray(book.debts.T.astype(dtype)))
        self.mm = book.maintenance_bps.astype(dtype)
        base = book.base_prices()
        self.value0 = self.pos.values(base)
        self.debt0 = self.debt.values(base, up=True)
        # default depth / ADV: the book's whole holding of the asset at the base price
        self.depth: dict[str, int] = {}
        self.adv: dict[str, int] = {}
        for j, a in enumerate(book.assets):
            whole = book.value_of(a.code, _sum(self.pos.qt[j]))
            self.depth[a.code] = a.depth if a.depth is not None else whole
            self.adv[a.code] = a.adv if a.adv is not None else whole

    # -- one scenario -----------------------------------------------------------------------------
    def run(self, shocks: Mapping[str, Fraction], *, keep_accounts: bool = False) -> Outcome:
        """Apply the shock vector, then liquidate (with impact) until no account breaches.

        Raises:
            StressError: an unknown asset, the currency shocked, or a fall of more than 100%.
        """
        book = self.book
        sv = _shock_vector(book, shocks)
        base = book.base_prices()
        prices = {c: shocked_price(p, sv.get(c, Fraction(0))) for c, p in base.items()}
        shocked = dict(prices)
        n = book.n
        dtype = self.dtype
        alive_idx = np.arange(n)
        liq_round = np.full(n, -1, dtype=np.int64)
        proceeds = np.zeros(n, dtype=dtype)
        debt_at_liq = np.zeros(n, dtype=dtype)
        rounds: list[RoundStat] = []
        converged = False
        for r in range(self.max_rounds):
            # 1. value the accounts still standing at this round's prices; find the breaches
            value = self.pos.values(prices, idx=alive_idx)
            debt = self.debt.values(prices, up=True, idx=alive_idx)
            breach = (value - debt) * BPS < self.mm[alive_idx] * value
            if not breach.any():
                converged = True
                break
            idx = alive_idx[breach]
            alive_idx = alive_idx[~breach]
            # 2. sell their positions; the sales move prices (impact model)
            new_prices = dict(prices)
            sold_value = 0
            for j, a in enumerate(book.assets):
                if a.code == book.currency or j not in self.pos.qmax:
                    continue
                sold = _sum(self.pos.qt[j, idx])
                if sold == 0:
                    continue
                s_val = book.value_of(a.code, sold, prices[a.code])
                sold_value += s_val
                ref = self.depth[a.code] if self.impact.kind == "linear" else self.adv[a.code]
                f = self.impact.fraction(s_val, ref)
                new_prices[a.code] = max(0, math.floor(prices[a.code] * (1 - f)))
            # 3. the sales execute at the post-impact price
            proceeds[idx] = self.pos.values(new_prices, idx=idx)
            debt_at_liq[idx] = self.debt.values(new_prices, up=True, idx=idx)
            liq_round[idx] = r
            rounds.append(RoundStat(r, int(idx.size), sold_value, new_prices))
            prices = new_prices
        # 4. final state: survivors at the final prices; liquidated accounts keep max(0, proceeds − debt)
        alive = np.zeros(n, dtype=bool)
        alive[alive_idx] = True
        value_f = self.pos.values(prices)
        debt_f = self.debt.values(prices, up=True)
        residual = proceeds - debt_at_liq
        eq_after = np.where(alive, value_f - debt_f, np.where(residual > 0, residual, 0))
        bad = np.where(alive | (residual >= 0), 0, -residual)
        bad_total = _sum(bad)
        fund = book.insurance_fund
        covered = min(fund, bad_total)
        reserves_value = net_value = None
        if book.reserves is not None and book.liabilities is not None:
            reserves_value = sum((book.value_exact(c, q, prices[c]) for c, q in book.reserves.items()
                                  if c in prices), Fraction(0))
            net_value = sum((book.value_exact(c, e - d_, prices[c]) for c, (e, d_) in book.liabilities.items()
                             if c in prices), Fraction(0))
        dead = ~alive
        return Outcome(
            shocks=sv, impact=self.impact, accounts=n, liquidated=int(dead.sum()), rounds=rounds,
            converged=converged, prices_before=base, prices_shocked=shocked, prices_final=prices,
            value_before=_sum(self.value0), debt_before=_sum(self.debt0),
            equity_before=_sum(self.value0 - self.debt0), equity_after=_sum(eq_after),
            debt_liquidated=_sum(debt_at_liq[dead]), proceeds=_sum(proceeds[dead]), bad_debt=bad_total,
            accounts_with_bad_debt=int((bad > 0).sum()), insurance_fund=fund, covered=covered,
            uncovered=bad_total - covered, reserves_value=reserves_value, net_liabilities_value=net_value,
            liquidated_round=liq_round if keep_accounts else None,
            account_equity_after=eq_after if keep_accounts else None,
            account_bad_debt=bad if keep_accounts else None,
        )

    def grid(self, shocks: Sequence[Fraction] = GRID, assets: Iterable[str] | None = None) -> list[Outcome]:
        """Uniform shocks (default 0% … −50%) applied to ``assets`` (default: every non-cash asset)."""
        targets = [c for c in (assets if assets is not None else self.book.codes) if c != self.book.currency]
        for c in targets:
            self.book.asset(c)
        return [self.run({c: s for c in targets}) for s in shocks]


def run_scenario(book: MarginBook, shocks: Mapping[str, Fraction], impact: Impact | None = None) -> Outcome:
    """One scenario on ``book`` (convenience wrapper around :class:`Engine`)."""
    factor = max([Fraction(1)] + [1 + s for s in shocks.values()])
    return Engine(book, impact, max_price_factor=factor).run(shocks)


def run_grid(book: MarginBook, impact: Impact | None = None, shocks: Sequence[Fraction] = GRID,
             assets: Iterable[str] | None = None) -> list[Outcome]:
    """The stress curve: one :class:`Outcome` per grid point."""
    factor = max([Fraction(1)] + [1 + s for s in shocks])
    return Engine(book, impact, max_price_factor=factor).grid(shocks, assets)

