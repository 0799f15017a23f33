"""Margin financing, liquidation with the insurance fund, the circuit breaker, the withdrawal flow."""

from __future__ import annotations

import time

import pytest

from por.errors import CircuitBreakerError, InsufficientFundsError, LedgerError, PermissionDeniedError
from por.ledger.canonical import US_PER_S, us_to_time

from .conftest import World

T0 = (int(time.time()) + 3600) * US_PER_S  # later than every entry the world fixture writes (at the current time)
_NOW = [T0]


def t(s: int) -> str:
    """Time ``s`` seconds after T0; the ledger's clock (below) has reached it by then."""
    _NOW[0] = max(_NOW[0], T0 + s * US_PER_S)
    return us_to_time(T0 + s * US_PER_S)


@pytest.fixture
def world(world: World) -> World:
    """The world whose ledger clock is the simulated time of these tests: entry times may not run
    ahead of the ledger's clock, so the clock moves with the times the tests date entries at."""
    _NOW[0] = T0
    world.led.set_clock(lambda: us_to_time(_NOW[0]))
    return world


def _margin(world: World) -> None:
    led, op = world.led, world.op
    led.post_price(world.oracle, "AAPL", 100_00000000, time=t(0))
    led.deposit(op, "alice:margin", "USD", 100_000, time=t(1))     # 1,000 USD equity
    led.margin_trade(op, "alice:margin", "AAPL", 25_0000, "buy", time=t(2))  # 2,500 USD: 2.5x


def test_margin_buy_books_debt_and_respects_leverage(world: World) -> None:
    _margin(world)
    st = world.led.margin_status("alice:margin")
    assert st["debt"] == {"USD": 150_000} and st["equity"] == 100_000 and st["leverage_bps"] == 25_000
    with pytest.raises(InsufficientFundsError, match="leverage"):
        world.led.margin_trade(world.op, "alice:margin", "AAPL", 10_0000, "buy", time=t(3))
    book = world.led.margin_accounts()
    assert book[0]["positions"] == {"AAPL": 25_0000} and book[0]["debt"] == {"USD": 150_000}
    # a withdrawal may not take the account below its margin requirement
    with pytest.raises(InsufficientFundsError):
        world.led.request_withdrawal(world.op, "alice:margin", "AAPL", 5_0000, "x", time=t(4))


def test_liquidation_shortfall_goes_to_insurance(world: World) -> None:
    _margin(world)
    led, op = world.led, world.op
    led.post_price(world.oracle, "AAPL", 55_00000000, time=t(100))  # -45%: equity < 0
    with pytest.raises(CircuitBreakerError, match="moved"):  # price moved > 20% within the window
        led.liquidate(op, "alice:margin", time=t(101))
    assert led.run_liquidations(op, time=t(102))["paused"]
    led.post_price(world.oracle, "AAPL", 55_00000000, time=t(20000))
    st = led.margin_status("alice:margin")
    assert st["below_maintenance"]
    report = led.run_liquidations(op, time=t(20001))
    assert [x["account"] for x in report["liquidated"]] == ["alice:margin"]
    # 25 AAPL at 55 = 1,375 USD repays 1,375 of the 1,500 debt: 125 USD shortfall to the insurance fund
    assert led.insurance_fund_balance("USD") == -12_500
    assert led.balance("alice:margin")["USD"].get("debt", 0) == 0
    assert led.verify().ok


def test_breaker_on_stale_price_and_pluggable_source(world: World) -> None:
    _margin(world)
    ok, reason = world.led.breaker("AAPL", now=t(10 * 86400))
    assert not ok and "older" in reason
    world.led.set_price_source(lambda a: 40_00000000)
    assert world.led.current_price("AAPL") == 40_00000000
    world.led.set_price_source(None)
    assert world.led.current_price("AAPL") == 100_00000000


def test_withdrawal_flow(world: World) -> None:
    led, op = world.led, world.op
    a1, a2, a3 = world.approvers
    led.set_config([op, world.au], "withdraw", {"approval_threshold": {"USD": 20_000}, "flag_amount": {"USD": 60_000},
                                                "cooling_s": 3600, "batch_cap": {"USD": 50_000}})
    _, small = led.request_withdrawal(op, "alice:cash", "USD", 5_000, "iban:a", time=t(0))
    _, big = led.request_withdrawal(op, "alice:cash", "USD", 25_000, "iban:a", time=t(1))
    _, flagged = led.request_withdrawal(op, "bob:cash", "USD", 45_000, "iban:b", time=t(2))
    _ws = {w["id"]: w for w in led.withdrawals()}
    assert _ws[small]["status"] == "approved" and _ws[big]["status"] == "pending"
    assert _ws[small]["available_time"] == t(3600)  # cooling ends on the exact microsecond
    assert _ws[flagged]["status"] == "pending"  # under the flag limit
    _, flagged = led.request_withdrawal(op, "alice:cash", "USD", 60_000, "iban:a", time=t(3))
    w = {x["id"]: x for x in led.withdrawals()}[flagged]
    assert w["status"] == "flagged" and "review limit" in w["reasons"][0] and w["score"] >= 50
    with pytest.raises(InsufficientFundsError):  # alice has 10,000 left: cannot go below zero
        led.request_withdrawal(op, "alice:cash", "USD", 10_001, "iban:a", time=t(4))
    with pytest.raises(PermissionDeniedError):
        led.approve_withdrawal(op, big, time=t(5))
    led.approve_withdrawal(a1, big, time=t(6))
    with pytest.raises(LedgerError, match="already approved"):
        led.approve_withdrawal(a1, big, time=t(7))
    led.approve_withdrawal(a2, big, time=t(8))
    led.review_withdrawal(a3, flagged, "reject", "looks wrong", time=t(9))
    with pytest.raises(LedgerError, match="no approved withdrawal is ready"):
        led.settle_withdrawals(op, time=t(10))  # cooling
    r = led.settle_withdrawals(op, batch="B1", time=t(4000))
    paid = led.entry(r.seq)["body"]["payload"]["withdrawals"]
    assert paid == [small, big]  # within the 50,000 batch cap, first come first served
    stats = led.withdrawal_stats(now=t(5000))
    assert stats["settled"] == 2 and stats["rejected"] == 1 and stats["ever_flagged"] == 1
    assert stats["pending"] == 1 and stats["queue_ages"]["pending"]["oldest_s"] == 4998
    # without ``now``, the ages are measured on the ledger's clock (here the simulated time), not the system's
    t(6000)
    assert led.withdrawal_stats()["queue_ages"]["pending"]["oldest_s"] == 5998
    assert led.balance("alice:cash")["USD"] == {"main": 70_000, "held": 0}
    assert led.verify().ok


def test_entry_times_are_whole_microseconds() -> None:
    """Windows computed from signed entry times land on the exact microsecond (no float seconds)."""
    from por.ledger.canonical import add_seconds, time_to_us

    for s in ("1970-01-01T00:00:00.000000Z", "2026-11-25T23:59:59.999999Z", "9999-12-31T23:59:59.999999Z",
              "2000-02-29T12:00:00.000001Z"):
        assert us_to_time(time_to_us(s)) == s
    late = "2262-04-11T23:47:16.854775Z"  # float seconds here carry ~0.5 µs of error
    assert time_to_us(late) == 9_223_372_036_854_775
    assert add_seconds(late, 86_400) == "2262-04-12T23:47:16.854775Z"
    assert add_seconds("2026-03-01T00:00:00.000000Z", -86_400) == "2026-02-28T00:00:00.000000Z"
    assert time_to_us(add_seconds(late, -3600)) == time_to_us(late) - 3600 * US_PER_S
