"""Price history and volatility (protocol §11.6.1): daily closes from the signed ``price`` entries,
log returns, EWMA (RiskMetrics) volatility and covariance.

Returns and volatilities are float64 **estimates**; the prices they come from are the ledger's signed
integers. Bad inputs are :class:`por.errors.RiskError` (exit 2): an asset without history, a single
price, a price that never moves (zero volatility).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from por.errors import RiskError
from por.units import PRICE_SCALE

FloatArray = npt.NDArray[np.float64]
#: RiskMetrics decay for daily data.
DEFAULT_LAMBDA = 0.94
MIN_PRICES = 3


@dataclass(frozen=True, slots=True)
class PriceHistory:
    """Daily closes aligned on common days: ``prices[t, j]`` is the close (×10^8) of ``assets[j]``."""

    assets: tuple[str, ...]
    days: tuple[str, ...]
    prices: tuple[tuple[int, ...], ...]

    @property
    def matrix(self) -> FloatArray:
        return np.array(self.prices, dtype=np.float64).reshape(len(self.days), len(self.assets))

    def returns(self) -> FloatArray:
        """Daily log returns, ``(days − 1) × assets`` (float estimates)."""
        m = self.matrix
        return np.asarray(np.diff(np.log(m), axis=0), dtype=np.float64)

    def column(self, asset: str) -> list[int]:
        j = self.assets.index(asset)
        return [row[j] for row in self.prices]

    def to_dict(self) -> dict[str, Any]:
        return {"assets": list(self.assets), "days": list(self.days), "prices_e8": [list(r) for r in self.prices]}


def from_series(series: Mapping[str, Sequence[tuple[str, int]]], assets: Iterable[str] | None = None) -> PriceHistory:
    """Align per-asset ``(time, price_e8)`` prints into daily closes (the last print of each UTC day).

    Days before every asset has a price are dropped; a missing day later carries the last close.

    Raises:
        RiskError: an asset without prints, a non-positive price, fewer than 3 aligned days.
    """
    names = sorted(series) if assets is None else list(assets)
    if not names:
        raise RiskError("no asset to estimate: the margin book holds no priced position")
    closes: dict[str, dict[str, int]] = {}
    for a in names:
        prints = series.get(a) or []
        if not prints:
            raise RiskError(f"no price history for {a}: the ledger has no signed price entry for it")
        by_day: dict[str, int] = {}
        for t, p in prints:
            if isinstance(p, bool) or not isinstance(p, int) or p <= 0:
                raise RiskError(f"price history of {a}: price {p!r} at {t} is not a positive integer")
            by_day[str(t)[:10]] = p
        if len(by_day) < 2:
            raise RiskError(f"price history of {a} has a single daily price ({len(prints)} print(s) on "
                            f"{next(iter(by_day))}): volatility needs at least {MIN_PRICES} days")
        closes[a] = by_day
    all_days = sorted(set().union(*(set(c) for c in closes.values())))
    start = max(min(c) for c in closes.values())
    days = [d for d in all_days if d >= start]
    last: dict[str, int] = {}
    rows: list[tuple[int, ...]] = []
    for d in days:
        for a in names:
            if d in closes[a]:
                last[a] = closes[a][d]
        rows.append(tuple(last[a] for a in names))
    if len(rows) < MIN_PRICES:
        raise RiskError(f"the price history has {len(rows)} common day(s) for {', '.join(names)}: "
                        f"volatility needs at least {MIN_PRICES}")
    h = PriceHistory(tuple(names), tuple(days), tuple(rows))
    r = h.returns()
    for j, a in enumerate(names):
        if not np.any(r[:, j] != 0):
            raise RiskError(f"{a}'s price never moved over {len(rows)} days: zero volatility, no risk "
                            "estimate can be made from it (give a longer or real history)")
    return h


def from_ledger(ledger: Any, assets: Iterable[str] | None = None) -> PriceHistory:
    """The signed ``price`` entries of ``ledger`` (table ``ledger_price``) as a daily history.

    Raises:
        RiskError: see :func:`from_series`.
    """
    series: dict[str, list[tuple[str, int]]] = ledger.price_series()
    return from_series(series, assets if assets is not None else sorted(series))


def ewma_covariance(returns: FloatArray, lam: float = DEFAULT_LAMBDA) -> FloatArray:
    """EWMA covariance of daily returns (zero mean): ``Σ_t = λ·Σ_{t−1} + (1−λ)·r_t·r_tᵀ``, started
    from the sample second moment of the first ``min(20, T)`` returns.

    Raises:
        RiskError: fewer than 2 returns, or λ outside (0, 1).
    """
    if not 0 < lam < 1:
        raise RiskError(f"EWMA decay λ must lie in (0, 1), got {lam}")
    t = returns.shape[0]
    if t < 2:
        raise RiskError(f"{t} return(s): the EWMA covariance needs at least 2")
    k = min(20, t)
    cov = returns[:k].T @ returns[:k] / k
    for r in returns[k:]:
        cov = lam * cov + (1 - lam) * np.outer(r, r)
    return np.asarray(cov, dtype=np.float64)


def ewma_vol_series(returns: FloatArray, lam: float = DEFAULT_LAMBDA) -> FloatArray:
    """σ_t per day and asset, the EWMA volatility known at the close of day t (before r_{t+1})."""
    t = returns.shape[0]
    k = min(20, t)
    var = (returns[:k] ** 2).mean(axis=0)
    out = np.empty_like(returns)
    for i in range(t):
        if i >= k:
            var = lam * var + (1 - lam) * returns[i] ** 2
        out[i] = np.sqrt(var)
    return out


def norm_cdf(x: FloatArray | float) -> Any:
    """Standard normal CDF (vectorised through math.erfc)."""
    return 0.5 * np.vectorize(math.erfc, otypes=[np.float64])(-np.asarray(x, dtype=np.float64) / math.sqrt(2))


def norm_ppf(p: float) -> float:
    """Inverse standard normal CDF by bisection on ``math.erfc`` (|error| < 1e-12)."""
    if not 0 < p < 1:
        raise RiskError(f"a probability must lie in (0, 1), got {p}")
    lo, hi = -40.0, 40.0
    for _ in range(200):
        mid = (lo + hi) / 2
        if 0.5 * math.erfc(-mid / math.sqrt(2)) < p:
            lo = mid
        else:
            hi = mid
        if hi - lo < 1e-13:
            break
    return (lo + hi) / 2


def synthetic_history(assets: Sequence[str], days: int = 260, seed: int = 0,
                      vol: Mapping[str, float] | None = None, corr: float = 0.6) -> PriceHistory:
    """A seeded history for the synthetic book (benchmarks, ``--synthetic``): correlated Student-t(5)
    daily moves, prices ×10^8 rounded to integers, ending at 100·10^8."""
    rng = np.random.Generator(np.random.PCG64(seed))
    a = len(assets)
    sig = np.array([(vol or {}).get(c, 0.02) for c in assets])
    c = np.full((a, a), corr) + (1 - corr) * np.eye(a)
    lchol = np.linalg.cholesky(c)
    z = rng.standard_t(5, size=(days - 1, a)) * math.sqrt(3 / 5)
    r = (z @ lchol.T) * sig
    logp = np.vstack([np.zeros(a), np.cumsum(r, axis=0)])
    logp -= logp[-1]
    prices = np.maximum(1, np.round(np.exp(logp) * 100 * PRICE_SCALE)).astype(np.int64)
    day0 = np.datetime64("2024-01-01")
    dates = tuple(str(day0 + np.timedelta64(i, "D")) for i in range(days))
    return PriceHistory(tuple(assets), dates, tuple(tuple(int(x) for x in row) for row in prices.tolist()))
