"""A seeded synthetic margin book for tests, benchmarks and ``por stress generate`` (docs/protocol.md §11.2)."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np

from por.report.stress.book import AssetSpec, MarginBook
from por.report.stress.valuation import _values
from por.units import PRICE_SCALE


def synthetic_book(n_accounts: int, seed: int = 0, *, insurance_fund_share: Fraction = Fraction(1, 100),
                   with_reserves: bool = True) -> MarginBook:
    """A deterministic synthetic margin book (numpy PCG64 seeded with ``seed``) for tests and benchmarks.

    Four stocks (0 decimals) and one crypto asset (8 decimals), USD with 2 decimals. Each account holds
    1–3 assets; leverage m is drawn in [1, 3] so debt = (m−1)/m · value; maintenance 2500 or 3000 bps;
    leverage limit 3x. The insurance fund is ``insurance_fund_share`` of the book's debt. Reserves equal
    the margin clients' net liabilities plus 2% (so coverage starts just above 100%).
    """
    rng = np.random.Generator(np.random.PCG64(seed))
    assets = [
        AssetSpec("USD", 2, PRICE_SCALE),
        AssetSpec("AAA", 0, 150 * PRICE_SCALE),
        AssetSpec("BBB", 0, 42_50 * PRICE_SCALE // 100),
        AssetSpec("CCC", 0, 310 * PRICE_SCALE),
        AssetSpec("DDD", 0, 9_75 * PRICE_SCALE // 100),
        AssetSpec("BTC", 8, 60_000 * PRICE_SCALE),
    ]
    n, a = n_accounts, len(assets)
    pos = np.zeros((n, a), dtype=np.int64)
    # target value per account in cents, log-normal around 50,000 USD
    target = np.exp(rng.normal(np.log(5_000_000), 1.0, n)).astype(np.int64) + 10_000
    k = rng.integers(1, 4, n)
    for j in range(1, a):
        chosen = rng.random(n) < (k / (a - 1))
        share = rng.integers(1, 101, n)
        price = assets[j].price_e8
        if assets[j].decimals == 0:
            qty = (target * share // 100) * PRICE_SCALE // (price * 100)
        else:
            qty = (target * share // 100) * (10**assets[j].decimals // 100) // (price // PRICE_SCALE)
        pos[:, j] = np.where(chosen, qty, 0)
    empty = pos[:, 1:].sum(axis=1) == 0
    pos[empty, 1] = np.maximum(1, target[empty] // 15_000)
    book0 = MarginBook("USD", assets, [f"acct-{i:06d}" for i in range(n)], pos,
                       np.zeros((n, a), dtype=np.int64), np.full(n, 2500, dtype=np.int64),
                       np.full(n, 50_000, dtype=np.int64))
    value = _values(pos, book0, book0.base_prices())
    lev_e4 = rng.integers(10_000, 30_001, n)  # leverage ×10^4 in [1, 3]
    debt = value * (lev_e4 - 10_000) // lev_e4
    debts = np.zeros((n, a), dtype=np.int64)
    debts[:, 0] = debt
    mm = np.where(rng.random(n) < 0.5, 2500, 3000).astype(np.int64)
    total_debt = int(debt.sum())
    book = MarginBook("USD", assets, book0.account_ids, pos, debts, mm, np.full(n, 30_000, dtype=np.int64),
                      insurance_fund=math.floor(total_debt * insurance_fund_share), source=f"synthetic(n={n}, seed={seed})")
    if with_reserves:
        # cash clients' deposits C = 1.5·D fund the margin loans D; the platform keeps C − D in cash plus
        # a buffer of 1% of the net liabilities' value, and holds every stock its clients own.
        held = {c.code: int(pos[:, j].sum()) for j, c in enumerate(assets)}
        deposits = 3 * total_debt // 2
        liabilities = {c: (q, 0) for c, q in held.items() if c != "USD"}
        liabilities["USD"] = (deposits, total_debt)
        net_value = sum(book.value_of(c, e - d) for c, (e, d) in liabilities.items())
        reserves = {c: q for c, q in held.items() if c != "USD"}
        reserves["USD"] = deposits - total_debt + net_value // 100
        book.reserves = reserves
        book.liabilities = liabilities
    return book
