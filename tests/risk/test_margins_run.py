"""Dynamic margins (formula, Kupiec, the governed proposal) and run risk (exact, by hand)."""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

import pytest

from por.errors import LedgerError, RiskError
from por.risk.history import norm_ppf, synthetic_history
from por.risk.inputs import check_book
from por.risk.margins import CONFIG_KEY, check_config, kupiec, margin_bps, propose
from por.risk.run import RunInputs, RunParams, run_risk

from .conftest import one_asset_book


def test_margin_formula_floor_and_cap() -> None:
    z = norm_ppf(0.99)
    raw = math.ceil(10_000 * (1 - math.exp(-z * 0.02 * math.sqrt(2))))
    assert margin_bps(0.02, z, 1.0, 2, 1, 9_999) == raw == 637
    assert margin_bps(0.02, z, 1.0, 2, 800, 9_999) == 800
    assert margin_bps(0.5, z, 1.0, 2, 1, 5_000) == 5_000
    assert margin_bps(0.02, z, 1.5, 2, 1, 9_999) > raw  # fat tails raise it


def test_kupiec_by_hand() -> None:
    n, x, p = 250, 8, 0.01
    lr_hand = -2 * ((n - x) * math.log(1 - p) + x * math.log(p)) + 2 * ((n - x) * math.log(1 - x / n) + x * math.log(x / n))
    lr, pv = kupiec(n, x, p)
    assert lr == pytest.approx(lr_hand) and lr > 3.84 and pv < 0.05  # 8 breaches where 2.5 expected: rejected
    lr0, pv0 = kupiec(200, 2, 0.01)
    assert lr0 == pytest.approx(0.0, abs=1e-9) and pv0 == pytest.approx(1.0)
    lr_none, _ = kupiec(300, 0, 0.01)
    assert lr_none == pytest.approx(-2 * 300 * math.log(0.99))


def test_proposal_is_integers_and_validates() -> None:
    inputs = check_book(one_asset_book(), synthetic_history(["XYZ"], 260, 4, {"XYZ": 0.03}))
    prop = propose(inputs, 0.99, 2, 300, 5_000)
    value = prop.config_value()
    check_config(value)
    assert set(value["maintenance_bps"]) == {"XYZ"} and isinstance(value["maintenance_bps"]["XYZ"], int)
    a = prop.assets[0]
    assert 300 <= a.proposed_bps <= 5_000 and a.windows > 50 and 0 <= a.breaches <= a.windows
    # higher confidence, higher margin
    assert propose(inputs, 0.999, 2, 1, 9_999).assets[0].proposed_bps > propose(inputs, 0.95, 2, 1, 9_999).assets[0].proposed_bps
    bad = dict(value, maintenance_bps={"XYZ": 7.5})
    with pytest.raises(RiskError, match="integer"):
        check_config(bad)
    with pytest.raises(RiskError, match="float"):
        check_config(dict(value, note=0.5))
    with pytest.raises(RiskError, match="por-risk-margins/1"):
        check_config({"maintenance_bps": {"XYZ": 500}})
    with pytest.raises(RiskError, match="confidence"):
        propose(inputs, 1.0)
    with pytest.raises(RiskError, match="floor"):
        propose(inputs, 0.99, 2, 600, 500)


def test_proposal_is_recorded_only_by_a_quorum(risk_ledger: Any) -> None:
    """The governed setting: the ledger records it when a quorum signs, refuses one governor alone."""
    from por.ledger import Signer
    from por.ledger.keys import from_seed
    from por.risk.inputs import from_ledger_inputs

    value = propose(from_ledger_inputs(risk_ledger)).config_value()
    check_config(value)
    op = Signer("operator", from_seed("syn3/operator"))
    au = Signer("auditor", from_seed("syn3/auditor"))
    with pytest.raises(LedgerError):
        risk_ledger.set_config([op], CONFIG_KEY, value)
    risk_ledger.set_config([op, au], CONFIG_KEY, value)
    assert risk_ledger.config()[CONFIG_KEY]["maintenance_bps"] == value["maintenance_bps"]
    # the margins of the accounts are untouched: a proposal is not applied silently
    assert {a["maintenance_bps"] for a in risk_ledger.margin_accounts()} <= {600, 1200, 2000}


def test_run_risk_by_hand() -> None:
    balances = {"flagged": 10_000, "whale": 50_000, "c1": 1_000, "c2": 2_001}
    inputs = RunInputs("USD", liquid=30_000, queue=3_000, balances=balances, daily_cap=12_000)
    params = RunParams(Fraction(1), Fraction(1, 2), Fraction(1, 4), Fraction(1, 10), wave_days=2)
    r = run_risk(inputs, ["flagged"], params)
    # wave: flagged 10,000 + whale 25,000 (largest quarter = 1 client) + 100 + 200 (floor) = 35,300
    assert r.wave == 35_300 and r.demand == 38_300 and r.flagged_clients == 1 and r.largest_clients == 1
    assert r.coverage == Fraction(30_000, 38_300)
    assert r.days_of_coverage == Fraction(60_000, 38_300)
    days = [(d.day, d.due, d.paid, d.backlog, d.liquid_after, d.status) for d in r.days]
    assert days == [(1, 20_650, 12_000, 8_650, 18_000, "batched"),
                    (2, 26_300, 12_000, 14_300, 6_000, "batched"),
                    (3, 14_300, 6_000, 8_300, 0, "paused")]
    assert r.first("batched") == 1 and r.first("paused") == 3
    calm = run_risk(RunInputs("USD", 10**9, 0, balances, None), [], params)
    assert calm.first("paused") is None and calm.first("batched") is None and calm.days[-1].backlog == 0
    with pytest.raises(RiskError, match="share"):
        run_risk(inputs, [], RunParams(base_share=Fraction(3, 2)))
    with pytest.raises(RiskError, match="no client"):
        run_risk(RunInputs("USD", 1, 0, {}, None))


def test_run_risk_from_the_ledger(risk_ledger: Any) -> None:
    from por.risk.run import inputs_from_ledger

    ri = inputs_from_ledger(risk_ledger)
    assert ri.currency == "USD" and ri.liquid > 0 and ri.daily_cap == 500_000_000
    assert len(ri.balances) == 40 and all(isinstance(v, int) for v in ri.balances.values())
    r = run_risk(ri, [])
    assert r.demand == ri.queue + r.wave and r.days
