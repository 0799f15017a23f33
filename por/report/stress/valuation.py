"""Exact vectorised valuation of a book's quantity matrices (docs/protocol.md §11.1, vectorised exactness).

Per-account arithmetic runs on numpy ``int64`` only when :func:`_fits_int64` proves that no
intermediate can exceed 2^63 (bounds from the largest quantity and the largest price the run can
see); otherwise the same code runs on ``object`` arrays of Python integers. A price is split
``p = ph·D + pl`` so that ``q·p // D = q·ph + (q·pl) // D`` never forms the large product ``q·p``.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from por.report.stress.book import IntArray, MarginBook

INT64_LIMIT = 2**63


def _split_one(book: MarginBook, code: str, p: int) -> tuple[int, int, int, int, int, int]:
    spec = book.asset(code)
    e = spec.decimals + 8 - book.currency_decimals
    if e <= 0:
        return p * 10 ** (-e), 0, 0, 1, 1, 1
    d = 10**e
    s_, t_ = 10 ** ((e + 1) // 2), 10 ** (e // 2)
    ph, pl = divmod(p, d)
    a, b = divmod(pl, s_)
    return ph, a, b, s_, t_, d


class _Cols:
    """Column-wise exact valuation of a quantity matrix stored transposed (``A × n``, contiguous rows).

    ``floor(q·p/D)`` with ``D = 10^(ad+8−cd) = S·T`` is computed without forming ``q·p``: with
    ``p = ph·D + a·S + b`` (a < T, b < S) and ``q·a = xq·T + xr``,

        floor(q·p/D) = q·ph + xq + floor((xr·S + q·b) / D)

    whose intermediates are bounded by ``q·(ph+1)``, ``q·T`` and ``D + q·S`` (see :func:`_fits_int64`).
    Columns that are zero for every account are skipped; a column whose largest quantity ``qmax``
    satisfies ``qmax·D < 2^61`` uses the short form ``q·ph + (q·pl)//D``. On ``object`` arrays (Python
    integers) the short form is always exact. Rounding up is ``−floor(−q·p/D)``.
    """

    def __init__(self, book: MarginBook, qt: IntArray) -> None:
        self.book = book
        self.qt = qt
        self.obj = qt.dtype == object
        self.cols = [j for j in range(qt.shape[0]) if qt.shape[1] and bool((qt[j] != 0).any())]
        self.qmax = {j: int(qt[j].max()) for j in self.cols}

    def values(self, prices: Mapping[str, int], *, up: bool = False, idx: IntArray | None = None) -> IntArray:
        n = self.qt.shape[1] if idx is None else len(idx)
        total: IntArray = np.zeros(n, dtype=self.qt.dtype)
        for j in self.cols:
            code = self.book.assets[j].code
            ph, a, b, s_, t_, d = _split_one(self.book, code, int(prices[code]))
            q = self.qt[j] if idx is None else self.qt[j, idx]
            if up:
                q = -q
            pl = a * s_ + b
            if pl == 0:
                val = q * ph
            elif self.obj or self.qmax[j] * d < 2**61:
                val = q * ph + (q * pl) // d
            else:
                xq, xr = np.divmod(q * a, t_)
                val = q * ph + xq + (xr * s_ + q * b) // d
            if up:
                total -= val
            else:
                total += val
        return total


def _values(q: IntArray, book: MarginBook, prices: Mapping[str, int], *, up: bool = False) -> IntArray:
    """Per-account value of an ``n × A`` quantity matrix (floor per asset, or ceil when ``up``)."""
    return _Cols(book, np.ascontiguousarray(q.T)).values(prices, up=up)


def _fits_int64(book: MarginBook, price_max: Mapping[str, int], factor: int) -> bool:
    """Prove that int64 cannot overflow: every |intermediate| < 2^63.

    With ``qmax_a`` the largest quantity of asset a (positions or debts) and the split of the largest
    price the run can see (split by :func:`_split_one`), the per-asset intermediates are at most
    ``qmax·(ph+1)``, ``qmax·T`` and ``D + qmax·S`` (each required < 2^61); one account's positions (or
    debts) are worth at most ``V = Σ_a qmax_a·(ph_a + 1)``. The engine multiplies values by at most
    ``factor`` (2·10^5 for the near-liquidation test), so ``2·factor·V < 2^63`` is required; sums over
    accounts go through :func:`_sum`, which checks its own bound.
    """
    if book.positions.dtype == object or book.debts.dtype == object:
        return False
    if book.n == 0:
        return True
    qmax = np.maximum(book.positions.max(axis=0), book.debts.max(axis=0)).tolist()
    limit = 2**61
    total = 0
    for j, spec in enumerate(book.assets):
        q = int(qmax[j])
        ph, _a, _b, s_, t_, d = _split_one(book, spec.code, int(price_max[spec.code]))
        if q * (ph + 1) >= limit or q * t_ >= limit or d + q * s_ >= limit:
            return False
        total += q * (ph + 1)
    return factor * 2 * total < INT64_LIMIT


def _sum(arr: IntArray) -> int:
    """Exact Python-int sum of an integer array (int64 sum only when it provably cannot overflow)."""
    if arr.size == 0:
        return 0
    if arr.dtype != object:
        m = int(np.abs(arr).max())
        if m * arr.size < INT64_LIMIT:
            return int(arr.sum())
    return int(sum(int(x) for x in arr.tolist()))

