"""Bad inputs are clear RiskErrors (usage, exit 2), never tracebacks; the ledger's signed history."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from por.errors import RiskError, UsageError
from por.report.stress import AssetSpec, MarginBook
from por.risk.history import from_ledger, from_series, synthetic_history
from por.risk.inputs import check_book, from_ledger_inputs, risky_assets
from por.risk.simulate import Spec, simulate
from por.units import PRICE_SCALE

from .conftest import one_asset_book


def test_risk_error_is_a_usage_error() -> None:
    assert issubclass(RiskError, UsageError)


def test_no_history() -> None:
    with pytest.raises(RiskError, match="no price history for XYZ"):
        from_series({}, ["XYZ"])
    with pytest.raises(RiskError, match="no price history for XYZ"):
        check_book(one_asset_book(), synthetic_history(["ABC"], 50, 1))


def test_single_price() -> None:
    with pytest.raises(RiskError, match="single daily price"):
        from_series({"XYZ": [("2024-01-01T00:00:00Z", 100)]})
    # two prints on the same day are still one daily price
    with pytest.raises(RiskError, match="single daily price"):
        from_series({"XYZ": [("2024-01-01T00:00:00Z", 100), ("2024-01-01T09:00:00Z", 101)]})


def test_zero_volatility() -> None:
    flat = [(f"2024-01-{d:02d}T00:00:00Z", 100 * PRICE_SCALE) for d in range(1, 30)]
    with pytest.raises(RiskError, match="zero volatility"):
        from_series({"XYZ": flat})


def test_bad_price_and_too_few_days() -> None:
    with pytest.raises(RiskError, match="not a positive integer"):
        from_series({"XYZ": [("2024-01-01T00:00:00Z", 0), ("2024-01-02T00:00:00Z", 5)]})
    with pytest.raises(RiskError, match="common day"):
        from_series({"XYZ": [("2024-01-01T00:00:00Z", 10), ("2024-01-02T00:00:00Z", 11)]})


def test_empty_book() -> None:
    assets = [AssetSpec("USD", 2, PRICE_SCALE), AssetSpec("XYZ", 0, PRICE_SCALE)]
    empty = MarginBook("USD", assets, [], np.zeros((0, 2), dtype=np.int64), np.zeros((0, 2), dtype=np.int64),
                       np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64))
    with pytest.raises(RiskError, match="empty"):
        risky_assets(empty)
    idle = one_asset_book(qty=0, debt=0)
    with pytest.raises(RiskError, match="empty"):
        check_book(idle, synthetic_history(["XYZ"], 50, 1))


def test_bad_parameters() -> None:
    inputs = check_book(one_asset_book(), synthetic_history(["XYZ"], 50, 1))
    for spec, msg in ((Spec(paths=5), "paths"), (Spec(horizon_days=0), "horizon"), (Spec(model="garch"), "model"),
                      (Spec(df=2), "degrees"), (Spec(impact="cubic:1"), "impact")):
        with pytest.raises(RiskError, match=msg):
            simulate(inputs, spec)


def test_ledger_history_is_the_signed_prices(risk_ledger: Any) -> None:
    h = from_ledger(risk_ledger, ["AAPL", "MSFT"])
    assert len(h.days) >= 80
    # the history ends at the opening prices, then the later print of the synthetic ledger
    assert all(isinstance(p, int) and p > 0 for row in h.prices for p in row)
    inputs = from_ledger_inputs(risk_ledger)
    assert inputs.risky == ["AAPL", "MSFT"] and inputs.book.n == 40


def test_tame_ledger_has_no_usable_history(tmp_path: Any) -> None:
    from por.ledger import Ledger
    from por.ledger.synthetic import populate

    with Ledger.open(f"sqlite:///{tmp_path / 'tame.db'}") as led:
        populate(led, 5, seed=2, realistic=False)
        with pytest.raises(RiskError, match="single daily price|common day"):
            from_ledger_inputs(led)
