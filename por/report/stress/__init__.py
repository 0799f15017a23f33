"""Stress tests of the margin book: price shocks, liquidations, price impact, cascades, bad debt.

The model is normative and written out in ``docs/protocol.md`` §11; in short:

1. **Units.** Quantities are integers in each asset's minor units; prices are integers ×10^8 in the
   reporting currency (major unit); values are integers in the reporting currency's minor units.
   A position is valued ``floor(q·p·10^cd / 10^(ad+8))`` (rounded down: collateral is never
   overstated); a debt is valued with the same formula rounded up (debt is never understated).
2. **Shock.** A shock ``s`` (an exact fraction, ``-30%`` is ``-3/10``) moves an asset's price to
   ``floor(p·(1+s))``. The reporting currency itself has the fixed price 10^8 and cannot be shocked.
3. **Breach.** An account breaches maintenance when ``equity·10000 < mm_bps·value`` (value = its
   positions, equity = value − debt), i.e. its equity ratio is below its maintenance margin.
4. **Liquidation.** A breaching account is liquidated in full: all of its positions are sold; the
   proceeds repay its debt; ``bad debt = max(0, debt − proceeds)`` is charged to the insurance fund.
5. **Price impact and cascade.** In round r every breaching account is liquidated together. The sold
   quantity of each asset, valued at the round's price, moves that price by ``Δp/p = −f`` with
   ``f = k·S/depth`` (linear) or ``f = k·isqrt(S·10^24 // ADV)/10^12`` (square root), capped at 1,
   new price ``floor(p·(1−f))``. The round's sales execute at the post-impact price (the seller bears
   its own impact). Rounds repeat at the new prices until no account breaches (``rounds`` reported).
6. **Coverage.** The insurance fund covers bad debt first; what it cannot cover is a hole in client
   assets, so the reserves coverage after the shock is ``Σ R_a·p_a / (Σ (E_a−D_a)·p_a + uncovered)``
   at the final prices.

**Exactness** (:mod:`por.report.stress.valuation`): numpy ``int64`` only where no intermediate can
reach 2^63, Python integers otherwise.

The modules: :mod:`~por.report.stress.book` (the book and its file), :mod:`~por.report.stress.engine`
(impact, cascade, outcome), :mod:`~por.report.stress.metrics` (the report's book figures),
:mod:`~por.report.stress.synthetic` (a seeded book), :mod:`~por.report.stress.text` (exact decimal
text) and :mod:`~por.report.stress.valuation` (exact vectorised valuation).
"""

from por.report.stress.book import BOOK_FORMAT, AssetSpec, IntArray, MarginBook
from por.report.stress.engine import (
    DEFAULT_MAX_ROUNDS,
    GRID,
    Engine,
    Impact,
    Outcome,
    RoundStat,
    run_grid,
    run_scenario,
    shocked_price,
)
from por.report.stress.metrics import LEVERAGE_EDGES, NEAR_LIQUIDATION, BookMetrics, book_metrics, margin_roe
from por.report.stress.synthetic import synthetic_book
from por.report.stress.text import fixed, parse_decimal, parse_shock, percent
from por.report.stress.valuation import INT64_LIMIT

__all__ = [
    "BOOK_FORMAT", "DEFAULT_MAX_ROUNDS", "GRID", "INT64_LIMIT", "LEVERAGE_EDGES", "NEAR_LIQUIDATION",
    "AssetSpec", "BookMetrics", "Engine", "Impact", "IntArray", "MarginBook", "Outcome", "RoundStat",
    "book_metrics", "fixed", "margin_roe", "parse_decimal", "parse_shock", "percent", "run_grid",
    "run_scenario", "shocked_price", "synthetic_book",
]
