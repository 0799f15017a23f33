"""The stress engine against hand-computed cases, a pure-Python reference, and its speed target."""

from __future__ import annotations

import time
from fractions import Fraction

import numpy as np
import pytest

from por.errors import StressError, UsageError
from por.report.stress import (
    GRID,
    AssetSpec,
    Engine,
    Impact,
    MarginBook,
    book_metrics,
    fixed,
    margin_roe,
    parse_shock,
    run_grid,
    run_scenario,
    synthetic_book,
)
from tests.report.conftest import small_book

USD, AAA = "USD", "AAA"


def one_account(value_usd: int, debt_usd: int, mm_bps: int = 2500) -> MarginBook:
    """One account holding AAA (0 decimals) at 100 USD with cash debt; amounts in whole USD."""
    shares = value_usd // 100
    return MarginBook(USD, [AssetSpec(USD, 2, 10**8), AssetSpec(AAA, 0, 100 * 10**8)], ["x"],
                      np.array([[0, shares]], dtype=np.int64), np.array([[debt_usd * 100, 0]], dtype=np.int64),
                      np.array([mm_bps], dtype=np.int64), np.array([30000], dtype=np.int64))


# -- the seed's example ----------------------------------------------------------------------------


def test_seed_example_leverage_3_fall_10pct_loses_30pct_of_equity() -> None:
    # m = 3: equity 100, debt 200, position 300. A 10% fall costs 30 = 30% of equity.
    book = one_account(300, 200)
    o = run_scenario(book, {AAA: Fraction(-1, 10)})
    assert o.equity_before == 100_00
    assert o.equity_after == 70_00
    assert o.equity_lost == Fraction(3, 10)
    assert o.liquidated == 0  # equity ratio 70/270 = 25.9% >= 25%
    assert margin_roe(Fraction(3), Fraction(-1, 10), Fraction(0)) == Fraction(-3, 10)


@pytest.mark.parametrize("r_asset,r_borrow", [(Fraction(-1, 10), Fraction(5, 100)), (Fraction(1, 5), Fraction(3, 100))])
def test_roe_identity_m_r_asset_minus_m_minus_1_r_borrow(r_asset: Fraction, r_borrow: Fraction) -> None:
    # equity after = V(1+R) - D(1+r); ROE = m·R − (m−1)·r exactly when V/E = m
    book = one_account(300_000, 200_000, mm_bps=0)
    o = run_scenario(book, {AAA: r_asset})
    interest = 200_000_00 * r_borrow
    roe = (o.equity_after - interest - o.equity_before) / Fraction(o.equity_before)
    assert roe == margin_roe(Fraction(3), r_asset, r_borrow)


# -- liquidation, bad debt, insurance fund (small_book, by hand) -------------------------------------


def test_small_book_minus_20pct_liquidates_a0_without_bad_debt() -> None:
    # a0: 100 AAA @120 = 12,000.00, debt 10,000.00, equity 2,000 = 16.7% < 25% -> liquidated
    o = Engine(small_book()).run({AAA: Fraction(-20, 100)}, keep_accounts=True)
    assert o.liquidated == 1 and list(o.liquidated_round) == [0, -1, -1, -1]
    assert o.proceeds == 1_200_000 and o.bad_debt == 0
    assert o.account_equity_after is not None and int(o.account_equity_after[0]) == 200_000
    assert len(o.rounds) == 1 and o.converged


def test_small_book_minus_50pct_bad_debt_and_insurance_fund() -> None:
    # a0: 100 @75 = 7,500.00 vs debt 10,000.00 -> bad debt 2,500.00; fund 1,000.00 -> uncovered 1,500.00
    # a2: 7,500 vs 5,000: equity ratio 33% -> survives
    o = run_scenario(small_book(), {AAA: Fraction(-1, 2)})
    assert (o.liquidated, o.bad_debt, o.covered, o.uncovered) == (1, 250_000, 100_000, 150_000)
    assert o.insurance_coverage == Fraction(100_000, 250_000)
    assert o.accounts_with_bad_debt == 1
    # client equity after: a0 0 (limited), a1 7,500, a2 2,500, a3 750
    assert o.equity_after == 750_000 + 250_000 + 75_000


def test_cascade_with_linear_impact_by_hand() -> None:
    # three accounts of 100 AAA @150, debts 11,000 / 10,000 / 9,000 USD, mm 25%: breach below
    # 146.67 / 133.33 / 120. Shock -5% -> 142.50: a0 only. Linear k=1, depth = the whole holding
    # (300 × 150 = 45,000.00): a0 sells 14,250.00 -> f = 19/60 -> p = 97.375 -> a1, a2 breach ->
    # sell 19,475.00 -> f = 19475/45000 -> p = floor(9,737,500,000 × 25525/45000) = 5,523,326,388
    # (9,737,500,000 × 25,525 = 248,549,687,500,000; ÷ 45,000 = 5,523,326,388.9).
    book = MarginBook(USD, [AssetSpec(USD, 2, 10**8), AssetSpec(AAA, 0, 150 * 10**8)], ["a0", "a1", "a2"],
                      np.array([[0, 100]] * 3, dtype=np.int64),
                      np.array([[1_100_000, 0], [1_000_000, 0], [900_000, 0]], dtype=np.int64),
                      np.array([2500] * 3, dtype=np.int64), np.array([30000] * 3, dtype=np.int64),
                      insurance_fund=500_000)
    o = Engine(book, Impact.parse("linear:1")).run({AAA: Fraction(-5, 100)}, keep_accounts=True)
    assert [r.liquidated for r in o.rounds] == [1, 2]
    assert [r.prices_after[AAA] for r in o.rounds] == [9_737_500_000, 5_523_326_388]
    assert o.converged and list(o.liquidated_round) == [0, 1, 1]
    # proceeds: 9,737.50 and 2 × floor(100 × 55.23326388 = 5,523.326388) = 5,523.32
    assert o.proceeds == 973_750 + 2 * 552_332
    assert o.bad_debt == 126_250 + 447_668 + 347_668
    assert (o.covered, o.uncovered) == (500_000, 921_586 - 500_000)
    # without impact only a0 goes, and its sale covers its debt
    o0 = Engine(book).run({AAA: Fraction(-5, 100)})
    assert (o0.liquidated, o0.bad_debt, len(o0.rounds)) == (1, 0, 1)


def test_sqrt_impact_uses_integer_square_root() -> None:
    assert Impact.parse("sqrt:1").fraction(25, 100) == Fraction(1, 2)
    assert Impact.parse("sqrt:0.5").fraction(1, 4) == Fraction(1, 4)
    assert Impact.parse("linear:2").fraction(3, 4) == 1  # capped at 100%
    assert Impact.parse("none").fraction(10**9, 1) == 0


def test_reserves_coverage_after_shock() -> None:
    book = small_book()
    book.reserves = {USD: 2_000_000, AAA: 310}
    book.liabilities = {USD: (3_500_000, 1_500_000), AAA: (310, 0)}
    o = run_scenario(book, {AAA: Fraction(-1, 2)})
    # reserves 20,000 + 310×75 = 43,250; net 20,000 + 23,250 = 43,250 (+ uncovered 1,500.00)
    assert o.reserves_coverage_after == Fraction(4_325_000, 4_325_000 + 150_000)
    assert fixed(o.reserves_coverage_after) == "0.966480"


# -- exactness: int64 path = object path = pure-Python reference ------------------------------------


def reference(book: MarginBook, shocks: dict[str, Fraction], impact: Impact) -> tuple[int, int, int]:
    """Account by account with Python integers: (liquidated, bad debt, rounds)."""
    prices = {a.code: max(0, (a.price_e8 * (1 + shocks.get(a.code, 0))).__floor__()) for a in book.assets}
    alive = set(range(book.n))
    bad = rounds = 0
    eng = Engine(book)

    def val(i: int, p: dict[str, int], debt: bool = False) -> int:
        m = book.debts if debt else book.positions
        return sum(book.value_of(c, int(m[i, j]), p[c], up=debt) for j, c in enumerate(book.codes))

    while True:
        hit = [i for i in sorted(alive) if (val(i, prices) - val(i, prices, True)) * 10_000
               < int(book.maintenance_bps[i]) * val(i, prices)]
        if not hit:
            break
        rounds += 1
        new = dict(prices)
        for j, c in enumerate(book.codes):
            if c == book.currency:
                continue
            sold = sum(int(book.positions[i, j]) for i in hit)
            if sold:
                s_val = book.value_of(c, sold, prices[c])
                ref = eng.depth[c] if impact.kind == "linear" else eng.adv[c]
                new[c] = max(0, (prices[c] * (1 - impact.fraction(s_val, ref))).__floor__())
        for i in hit:
            bad += max(0, val(i, new, True) - val(i, new))
            alive.discard(i)
        prices = new
    return book.n - len(alive), bad, rounds


@pytest.mark.parametrize("impact", ["none", "linear:0.8", "sqrt:0.3"])
def test_engine_matches_reference_and_object_path(impact: str) -> None:
    book = synthetic_book(300, seed=7)
    model = Impact.parse(impact)
    shocks = {"AAA": Fraction(-27, 100), "BTC": Fraction(-41, 100), "DDD": Fraction(-13, 100)}
    o = Engine(book, model).run(shocks)
    assert Engine(book, model).exact_int64
    assert (o.liquidated, o.bad_debt, len(o.rounds)) == reference(book, shocks, model)
    obj = MarginBook(book.currency, book.assets, book.account_ids, book.positions.astype(object),
                     book.debts.astype(object), book.maintenance_bps, book.leverage_limit_bps,
                     book.insurance_fund, book.reserves, book.liabilities)
    eng = Engine(obj, model)
    assert not eng.exact_int64
    assert eng.run(shocks).to_dict() == o.to_dict()


def test_huge_quantities_fall_back_to_python_integers() -> None:
    # 10^20 wei-like units: int64 cannot hold q·p; the engine proves it and uses object arrays
    book = MarginBook(USD, [AssetSpec(USD, 2, 10**8), AssetSpec("ETH", 18, 3000 * 10**8)], ["w"],
                      np.array([[0, 10**21]], dtype=object), np.array([[2_000_000_00, 0]], dtype=object),
                      np.array([2500]), np.array([30000]))
    eng = Engine(book)
    assert not eng.exact_int64
    o = eng.run({"ETH": Fraction(-1, 2)})
    # 1000 ETH at 1,500 = 1,500,000.00; debt 2,000,000.00 -> liquidated, bad debt 500,000.00
    assert (o.liquidated, o.bad_debt) == (1, 50_000_000)


# -- metrics for the report ------------------------------------------------------------------------


def test_book_metrics_leverage_and_near_liquidation() -> None:
    m = book_metrics(small_book())
    buckets = {b[0]: b[1] for b in m.leverage_buckets}
    assert buckets["1x to <1.5x"] == 2 and buckets["1.5x to <2x"] == 1 and buckets["3x to <4x"] == 1
    assert (m.in_breach, m.near_liquidation) == (0, 0)  # a0 after -10%: 3,500/13,500 = 25.9% >= 25%
    book = small_book()
    book.maintenance_bps[:] = 3000
    m = book_metrics(book)
    assert (m.in_breach, m.near_liquidation, m.near_liquidation_debt) == (0, 1, 1_000_000)
    assert m.equity == 1_500_000 + 1_500_000 + 1_000_000 + 150_000 - 1_000_000


# -- bad input -------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["AAA=-30", "AAA=abc%", "=-30%", "AAA-30%", "AAA=--3%", "AAA=-150%", ""])
def test_unparsable_shock(text: str) -> None:
    with pytest.raises(StressError) as exc:
        parse_shock(text)
    assert isinstance(exc.value, UsageError)


def test_parse_shock_exact() -> None:
    assert parse_shock("AAA=-30%") == ("AAA", Fraction(-3, 10))
    assert parse_shock(" BTC = -12.5 % ") == ("BTC", Fraction(-1, 8))
    assert parse_shock("X=+5%") == ("X", Fraction(1, 20))


def test_unknown_asset_and_currency_shock() -> None:
    with pytest.raises(StressError, match="unknown asset 'ZZZ'"):
        run_scenario(small_book(), {"ZZZ": Fraction(-1, 10)})
    with pytest.raises(StressError, match="reporting currency"):
        run_scenario(small_book(), {"USD": Fraction(-1, 10)})


@pytest.mark.parametrize("text", ["cubic:1", "linear", "linear:x", "linear:-1", "sqrt:1e3"])
def test_bad_impact(text: str) -> None:
    with pytest.raises(StressError):
        Impact.parse(text)


def test_book_file_round_trip_and_bad_book(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import json

    book = synthetic_book(50, seed=2)
    p = tmp_path / "book.json"
    p.write_text(json.dumps(book.to_dict()))
    again = MarginBook.load(p)
    assert again.to_dict() == book.to_dict()
    bad = book.to_dict()
    bad["accounts"][0]["positions"]["NOPE"] = 1
    p.write_text(json.dumps(bad))
    with pytest.raises(StressError, match="unknown asset 'NOPE'"):
        MarginBook.load(p)
    p.write_text('{"format": "por-margin-book/1", "currency": "USD", "assets": {"USD": {"decimals": 2.5}}, "accounts": []}')
    with pytest.raises(StressError, match="float"):
        MarginBook.load(p)


# -- determinism and speed -------------------------------------------------------------------------


def test_synthetic_book_is_seeded() -> None:
    assert synthetic_book(200, seed=5).to_dict() == synthetic_book(200, seed=5).to_dict()
    assert synthetic_book(200, seed=5).to_dict() != synthetic_book(200, seed=6).to_dict()


def test_grid_100k_accounts_under_30s() -> None:
    book = synthetic_book(100_000, seed=1)
    t0 = time.perf_counter()
    curve = run_grid(book, Impact.parse("linear:0.5"))
    elapsed = time.perf_counter() - t0
    assert len(curve) == len(GRID) == 51
    assert elapsed < 30, f"grid took {elapsed:.1f} s"
    bad = [o.bad_debt for o in curve]
    assert bad == sorted(bad) and bad[0] == 0 and bad[-1] > 0  # monotone in the shock
