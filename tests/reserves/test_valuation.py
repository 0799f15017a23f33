"""Valuation: exact integers and fractions, coverage per asset and overall, display strings."""

from __future__ import annotations

from fractions import Fraction

import pytest

from por.errors import UsageError
from por.reserves import valuation as V


def test_value_is_exact() -> None:
    # 1.5 BTC (8 decimals) at 65,000.12345678 USD -> 97,500.18518517 USD = 9,750,018.518517 cents
    v = V.value_in_reporting(150_000_000, 8, 6_500_012_345_678, 2)
    assert v == Fraction(150_000_000 * 6_500_012_345_678 * 100, 10**8 * 10**8)
    assert V.decimal_string(v, 2) == "9750018.51"
    assert isinstance(v, Fraction)


def test_coverage_per_asset_and_overall() -> None:
    val = V.value({"BTC": 300, "USD": 10_000}, {"BTC": (250, 50), "USD": (12_000, 0), "ETH": (0, 0)},
                  {"BTC": 2 * 10**8, "USD": 10**8, "ETH": 10**8}, {"BTC": 0, "USD": 2, "ETH": 0})
    rows = {a.asset: a for a in val.assets}
    assert rows["BTC"].net_liabilities == 200 and rows["BTC"].coverage == Fraction(3, 2)
    assert rows["USD"].coverage == Fraction(10, 12) and rows["USD"].surplus == -2_000
    assert rows["ETH"].coverage is None
    # BTC: 300 * 2 USD = 600 USD = 60,000 cents reserves, 40,000 liabilities; USD 10,000 vs 12,000 cents
    assert val.reserves_value == 70_000 and val.liabilities_value == 52_000
    assert val.coverage == Fraction(70_000, 52_000)
    assert V.decimal_string(val.coverage, 4) == "1.3461"
    assert [a.asset for a in val.short] == ["USD"]
    d = val.to_dict()
    assert d["coverage"] == {"num": "35", "den": "26", "decimal": "1.346153"}


def test_no_floats_accepted() -> None:
    with pytest.raises(UsageError):
        V.value({"BTC": 1.0}, {}, {"BTC": 1}, {"BTC": 8})  # type: ignore[dict-item]
    with pytest.raises(UsageError):
        V.value_in_reporting(1, 8, 1.5, 2)  # type: ignore[arg-type]
    with pytest.raises(UsageError):
        V.value({"BTC": 1}, {}, {}, {"BTC": 8})


def test_decimal_string() -> None:
    assert V.decimal_string(Fraction(-7, 3), 3) == "-2.333"
    assert V.decimal_string(Fraction(2, 3), 0) == "0"
    assert V.decimal_string(None) == "n/a"
    assert V.decimal_string(5, 2) == "5.00"
