"""Closed forms: the seed's worked example, ROE = m·R − (m−1)·r, and the simulator and early warning
against the log-normal formulas on a one-asset book."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest

from por.report.stress import Engine, margin_roe
from por.risk.history import ewma_covariance, norm_cdf, norm_ppf, synthetic_history
from por.risk.inputs import check_book
from por.risk.simulate import Spec, simulate, var_es, wilson
from por.risk.warn import assess

from .conftest import one_asset_book


def test_worked_example_leverage_3_fall_10_percent_costs_30_percent_of_equity() -> None:
    # equity 10,000 USD buys 30,000 of XYZ (leverage 3), debt 20,000; no maintenance so nobody is sold
    book = one_asset_book(qty=300, debt=2_000_000, mm_bps=0)
    out = Engine(book).run({"XYZ": Fraction(-1, 10)})
    assert out.equity_before == 1_000_000 and out.liquidated == 0
    assert out.equity_lost == Fraction(3, 10)  # exactly m·x
    assert margin_roe(Fraction(3), Fraction(-1, 10), Fraction(0)) == Fraction(-3, 10)


@pytest.mark.parametrize(("m", "r_asset", "r_borrow"), [(Fraction(3), Fraction(-1, 10), Fraction(1, 20)),
                                                        (Fraction(5), Fraction(2, 100), Fraction(6, 100)),
                                                        (Fraction(1), Fraction(7, 100), Fraction(9, 100))])
def test_roe_identity_against_the_balance_sheet(m: Fraction, r_asset: Fraction, r_borrow: Fraction) -> None:
    equity = Fraction(1000)
    value, debt = m * equity, (m - 1) * equity
    after = value * (1 + r_asset) - debt * (1 + r_borrow)
    assert (after - equity) / equity == margin_roe(m, r_asset, r_borrow) == m * r_asset - (m - 1) * r_borrow


def _one_asset_inputs(accounts: int = 1, **kw: int):  # type: ignore[no-untyped-def]
    book = one_asset_book(accounts=accounts, **kw)
    return check_book(book, synthetic_history(["XYZ"], days=250, seed=11, vol={"XYZ": 0.02}))


def test_simulator_reproduces_lognormal_closed_forms_on_one_asset() -> None:
    inputs = _one_asset_inputs(debt=900_000, mm_bps=500)  # leverage 10: bad debt after a 10% fall
    h, n = 10, 40_000
    spec = Spec(paths=n, horizon_days=h, seed=5, model="ewma-normal", impact="none", exact_sample=8)
    sim = simulate(inputs, spec)
    sigma = math.sqrt(ewma_covariance(inputs.history.returns())[0, 0]) * math.sqrt(h)
    s0, debt, mm = 10_000.0, 900_000.0, 0.05  # value in cents of one unit is 10,000 (100 USD)
    # bad debt > 0 (fund 0 is exhausted) iff S_T < D/q; liquidation iff (1−mm)·q·S_T < D; log S_T ~ N(ln S0 − σ²/2, σ²)
    qty = 100
    k_bad, k_liq = debt / qty, debt / ((1 - mm) * qty)

    def below(k: float) -> float:
        return float(norm_cdf((math.log(k / s0) + sigma**2 / 2) / sigma))

    p_bad, p_liq = below(k_bad), below(k_liq)
    se = math.sqrt(p_bad * (1 - p_bad) / n)
    assert abs(sim.p_exhaust - p_bad) < 4 * se + 1e-4
    assert abs(sim.expected_liquidations - p_liq) < 4 * math.sqrt(p_liq * (1 - p_liq) / n)
    # expected bad debt = qty · E[(K − S_T)^+] = qty · (K·Φ(−d2) − S0·Φ(−d1))  (a put, zero rate)
    d1 = (math.log(s0 / k_bad) + sigma**2 / 2) / sigma
    put = k_bad * float(norm_cdf(-(d1 - sigma))) - s0 * float(norm_cdf(-d1))
    assert 0.01 < p_bad < 0.2 and 0.05 < p_liq < 0.5  # the test looks where the answer is not 0 or 1
    assert sim.mean_bad_debt == pytest.approx(qty * put, rel=0.08)
    # the vectorised cascade agrees with the exact integer engine on the sampled paths
    assert sim.exact_check["max_liquidation_count_diff"] == 0
    assert sim.exact_check["max_bad_debt_abs_diff"] <= 2  # the exact engine floors each valuation to a cent


def test_same_seed_same_numbers_other_seed_other_numbers() -> None:
    inputs = _one_asset_inputs(accounts=3, debt=900_000, mm_bps=500)
    a = simulate(inputs, Spec(paths=3000, seed=9)).to_dict()
    b = simulate(inputs, Spec(paths=3000, seed=9)).to_dict()
    c = simulate(inputs, Spec(paths=3000, seed=10)).to_dict()
    assert a == b
    assert a["bad_debt_quantiles"] != c["bad_debt_quantiles"]
    boot = simulate(inputs, Spec(paths=3000, seed=9, model="bootstrap")).to_dict()
    assert boot == simulate(inputs, Spec(paths=3000, seed=9, model="bootstrap")).to_dict()
    assert "seed 9" in a["label"] and "3000 paths" in a["label"] and "horizon 10 days" in a["label"]


def test_early_warning_matches_first_passage_formula() -> None:
    inputs = _one_asset_inputs(debt=900_000, mm_bps=500)
    h = 5
    a = assess(inputs, horizon_days=h, threshold=0.01, backtest=False)
    sigma = math.sqrt(ewma_covariance(inputs.history.returns())[0, 0])
    barrier = 900_000 / 0.95  # D/(1−mm), no cash
    d = -math.log(barrier / 1_000_000) / (sigma * math.sqrt(h))
    assert a.distance[0] == pytest.approx(d, rel=1e-9)
    assert a.probability[0] == pytest.approx(2 * float(norm_cdf(-d)), rel=1e-9)
    w = a.warnings[0]
    assert w.dominant_asset == "XYZ" and w.leverage == Fraction(1_000_000, 100_000) and w.concentration == 1.0


def test_early_warning_orders_by_leverage_and_flags_breach() -> None:
    from por.report.stress import AssetSpec, MarginBook
    from por.units import PRICE_SCALE

    assets = [AssetSpec("USD", 2, PRICE_SCALE), AssetSpec("XYZ", 0, 100 * PRICE_SCALE)]
    # leverage 2, 5, 9 and one already below maintenance (ratio 5% < 10%)
    pos = np.array([[0, 100], [0, 100], [0, 100], [0, 100]], dtype=np.int64)
    deb = np.array([[500_000, 0], [800_000, 0], [888_889, 0], [950_000, 0]], dtype=np.int64)
    book = MarginBook("USD", assets, ["l2", "l5", "l9", "breach"], pos, deb, np.full(4, 1000, dtype=np.int64),
                      np.full(4, 100_000, dtype=np.int64))
    inputs = check_book(book, synthetic_history(["XYZ"], days=120, seed=3, vol={"XYZ": 0.02}))
    a = assess(inputs, 10, threshold=1e-30, backtest=True)
    assert [w.account for w in a.warnings] == ["breach", "l9", "l5", "l2"]
    assert a.probability[3] == 1.0 and a.in_breach == 1
    assert 1.0 > a.probability[2] > a.probability[1] > a.probability[0] > 0
    bt = a.backtest
    assert bt is not None and bt["windows"] > 0
    total = bt["flagged_and_liquidated"] + bt["flagged_not_liquidated"] + bt["liquidated_not_flagged"] + bt["neither"]
    assert total == bt["windows"] * 4


def test_statistics_helpers() -> None:
    assert norm_ppf(0.975) == pytest.approx(1.959963984540054, abs=1e-9)
    assert norm_ppf(0.5) == pytest.approx(0.0, abs=1e-12)
    lo, hi = wilson(0, 100)
    assert lo == pytest.approx(0.0, abs=1e-12) and 0.03 < hi < 0.04  # near the rule of three (3/n)
    r = var_es(np.arange(1, 1001, dtype=np.float64), 0.99)
    assert r["var"] == 990.0 and r["es"] == pytest.approx(995.5) and r["tail_paths"] == 10
