"""por.units: the valuation and its rounding, the collateral price scale, and the time forms."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from por.errors import EncodingError, UsageError
from por.reserves.ledger_adapter import ledger_time
from por.reserves.policy import ReservesConfig, collateral_prices_of
from por.reserves.valuation import value_in_reporting
from por.units import (
    BPS,
    PRICE_SCALE,
    collateral_price,
    collateral_prices,
    debt_value,
    format_time,
    is_time,
    parse_time,
    position_value,
    value_exact,
)

BTC = {"price_e8": 60_000 * PRICE_SCALE, "decimals": 8, "reporting_decimals": 2}  # USD cents per satoshi: 0.06
AAPL = {"price_e8": 189_50 * PRICE_SCALE // 100, "decimals": 4, "reporting_decimals": 2}  # 189.50 USD, 4 decimals


def test_scales() -> None:
    assert PRICE_SCALE == 10**8 and BPS == 10_000


@pytest.mark.parametrize(("qty", "terms", "exact", "down", "up"), [
    (1, BTC, Fraction(6, 100), 0, 1),                  # one satoshi is 0.06 cent: a position 0, a debt 1
    (100, BTC, Fraction(6), 6, 6),                     # exact: both directions agree
    (10**8, BTC, Fraction(6_000_000), 6_000_000, 6_000_000),  # one bitcoin, 60,000.00 USD
    (-1, BTC, Fraction(-6, 100), -1, 0),               # negative (a net short figure): toward −∞ and +∞
    (0, BTC, Fraction(0), 0, 0),
    (1, AAPL, Fraction(1895, 1000), 1, 2),             # 0.0001 share at 189.50 is 1.895 cents
    (10_000, AAPL, Fraction(18950), 18950, 18950),
    (12_345, {"price_e8": PRICE_SCALE, "decimals": 2, "reporting_decimals": 2}, Fraction(12_345), 12_345, 12_345),
])
def test_exact_cases(qty: int, terms: dict[str, int], exact: Fraction, down: int, up: int) -> None:
    assert value_exact(qty, **terms) == exact
    assert position_value(qty, **terms) == down
    assert debt_value(qty, **terms) == up


def test_rounding_edges_around_an_integer_value() -> None:
    """Just below, at and just above a whole cent: the two directions differ by one off the integer."""
    terms = {"price_e8": 3 * PRICE_SCALE, "decimals": 0, "reporting_decimals": 0}  # 3 per unit, no decimals
    assert [position_value(q, **terms) for q in (0, 1, 2)] == [0, 3, 6]
    third = {"price_e8": PRICE_SCALE // 3, "decimals": 0, "reporting_decimals": 0}  # 0.33333333 per unit
    assert position_value(3, **third) == 0 and debt_value(3, **third) == 1      # 0.99999999
    assert position_value(300_000_001, **third) == 99_999_999                  # 99999999.33333333
    assert debt_value(300_000_001, **third) == 100_000_000
    assert position_value(300_000_000, **third) == debt_value(300_000_000, **third) == 99_999_999  # integer


@settings(max_examples=400, deadline=None)
@given(qty=st.integers(-(2**80), 2**80), price=st.integers(1, 2**64), decimals=st.integers(0, 18),
       rd=st.integers(0, 18))
def test_each_valuation_is_the_exact_fraction_rounded_as_documented(qty: int, price: int, decimals: int,
                                                                     rd: int) -> None:
    terms = {"price_e8": price, "decimals": decimals, "reporting_decimals": rd}
    exact = Fraction(qty * price * 10**rd, 10**8 * 10**decimals)
    assert value_exact(qty, **terms) == exact
    assert position_value(qty, **terms) == math.floor(exact)   # down: collateral never overstated
    assert debt_value(qty, **terms) == math.ceil(exact)        # up: a debt never understated
    assert value_in_reporting(qty, decimals, price, rd) == exact  # the checked boundary, same value


def test_value_in_reporting_checks_its_arguments() -> None:
    with pytest.raises(UsageError, match="integer"):
        value_in_reporting(1.5, 2, PRICE_SCALE, 2)  # type: ignore[arg-type]
    with pytest.raises(UsageError, match="prices > 0"):
        value_in_reporting(1, 2, 0, 2)


def test_collateral_price_per_minor_unit_on_one_scale() -> None:
    prices = {"USD": PRICE_SCALE, "BTC": 60_000 * PRICE_SCALE, "AAPL": 189 * PRICE_SCALE}
    decimals = {"USD": 2, "BTC": 8, "AAPL": 4}
    got = collateral_prices(prices, decimals)
    assert list(got) == ["AAPL", "BTC", "USD"]
    assert got == {"USD": PRICE_SCALE * 10**6, "BTC": 60_000 * PRICE_SCALE, "AAPL": 189 * PRICE_SCALE * 10**4}
    # one minor unit of each, valued on the common scale, compares as the values do
    assert got["USD"] * 1 < got["AAPL"] * 1  # a cent is worth less than 0.0001 share at 189
    assert collateral_price(7, 3, 3) == 7
    with pytest.raises(UsageError, match="above the collateral scale"):
        collateral_price(7, 4, 3)
    with pytest.raises(UsageError, match=r"no decimals for \['BTC'\]"):
        collateral_prices({"BTC": 1}, {})
    assert collateral_prices({}, {}) == {}


def test_the_configuration_reads_collateral_prices_through_units() -> None:
    cfg = ReservesConfig("USD", 2, {"USD": 2, "BTC": 8}, {}, {})
    assert collateral_prices_of(cfg, {"BTC": 5, "USD": PRICE_SCALE}) == {"BTC": 5, "USD": PRICE_SCALE * 10**6}
    with pytest.raises(UsageError, match="the reserves configuration names no decimals"):
        collateral_prices_of(cfg, {"ETH": 5})


# ------------------------------------------------------------------------------------------ times

def test_parse_time_to_the_second() -> None:
    assert parse_time("2026-03-01T12:34:56Z") == datetime(2026, 3, 1, 12, 34, 56, tzinfo=UTC)
    for bad in ("2026-03-01T12:34:56.5Z", "2026-03-01 12:34:56Z", "2026-3-1T12:34:56Z", "2026-03-01T12:34:56",
                "2026-03-01T12:34:56+00:00", "2026-02-30T00:00:00Z", "2026-03-01T24:00:00Z", " 2026-03-01T12:34:56Z",
                "２０２６-03-01T12:34:56Z", "٢٠٢٦-03-01T12:34:56Z", 1_700_000_000, None, b"2026-03-01T12:34:56Z"):
        with pytest.raises(EncodingError):
            parse_time(bad, "as_of")
        assert not is_time(bad)
    with pytest.raises(EncodingError, match="as_of must be ISO-8601"):
        parse_time("yesterday", "as_of")


def test_parse_time_with_a_fraction_keeps_the_microseconds() -> None:
    assert parse_time("2026-03-01T12:34:56.000001Z", fraction=True).microsecond == 1
    assert parse_time("2026-03-01T12:34:56.5Z", fraction=True).microsecond == 500_000
    assert parse_time("2026-03-01T12:34:56Z", fraction=True).microsecond == 0
    assert is_time("2026-03-01T12:34:56.123456Z", fraction=True)
    assert not is_time("2026-03-01T12:34:56.123456Z")
    for bad in ("2026-03-01T12:34:56.Z", "2026-03-01T12:34:56.1234567Z", "2026-02-29T00:00:00.1Z",
                "2026-03-01T12:34:56.１Z"):
        assert not is_time(bad, fraction=True), bad


def test_ledger_time_is_units_with_the_ledger_adapters_error() -> None:
    assert ledger_time("2026-03-01T12:34:56.250000Z") == datetime(2026, 3, 1, 12, 34, 56, 250_000, tzinfo=UTC)
    assert ledger_time("2026-03-01T12:34:56Z") == datetime(2026, 3, 1, 12, 34, 56, tzinfo=UTC)
    for bad in (None, "2026-03-01", "2026-3-1T1:2:3Z"):
        with pytest.raises(UsageError, match="is not a ledger time"):
            ledger_time(bad)


@settings(max_examples=200, deadline=None)
@given(st.datetimes(min_value=datetime(1970, 1, 1), max_value=datetime(9999, 12, 31)))
def test_format_and_parse_round_trip(t: datetime) -> None:
    aware = t.replace(tzinfo=UTC)
    text = format_time(aware)
    assert parse_time(text) == aware.replace(microsecond=0)
    assert format_time(parse_time(text)) == text
    fine = text[:-1] + f".{t.microsecond:06d}Z"
    assert parse_time(fine, fraction=True) == aware


def test_format_time_converts_to_utc_and_refuses_naive_times() -> None:
    from datetime import timezone

    t = datetime(2026, 3, 1, 14, 0, 0, 999_999, tzinfo=timezone(timedelta(hours=2)))
    assert format_time(t) == "2026-03-01T12:00:00Z"
    with pytest.raises(UsageError):
        format_time(datetime(2026, 3, 1))
