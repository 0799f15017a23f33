"""Canonical JSON and amounts for ledger entries.

Entries are canonical JSON (``por.canonical``: UTF-8, sorted keys, no whitespace, no floats). Amounts
are integers in the asset's minor units everywhere; a human amount ("12.34") is converted with
:func:`parse_amount`, which refuses floats, exponents and more decimals than the asset has.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from por.canonical import dumps, loads
from por.errors import LedgerError

__all__ = ["dumps", "loads", "parse_amount", "check_int", "format_amount", "utc_now", "check_time",
           "time_to_us", "us_to_time", "add_seconds", "US_PER_S", "MAX_AMOUNT"]

MAX_AMOUNT = (1 << 63) - 1
_AMOUNT_RE = re.compile(r"^-?[0-9]+(\.[0-9]+)?\Z")
_TIME_RE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}Z\Z")


def check_int(value: Any, what: str, *, minimum: int | None = None, maximum: int = MAX_AMOUNT) -> int:
    """An exact int (not bool, not float, not Decimal) within bounds, or LedgerError naming ``what``."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise LedgerError(f"{what} must be an integer in minor units, got {type(value).__name__} {value!r}")
    if minimum is not None and value < minimum:
        raise LedgerError(f"{what} must be >= {minimum}, got {value}")
    if value > maximum or value < -maximum:
        raise LedgerError(f"{what} is out of range: {value}")
    return value


def parse_amount(value: Any, decimals: int, *, allow_negative: bool = False) -> int:
    """Minor units from a human amount: an int (taken as minor units), a Decimal or a decimal string.

    "12.34" with 2 decimals is 1234; "12.345" is refused (too many decimals), so is any float.

    Raises:
        LedgerError: float, malformed, negative (unless allowed), too many decimals, out of range.
    """
    if isinstance(value, bool) or isinstance(value, float):
        raise LedgerError(f"amount {value!r} is a {type(value).__name__}: amounts are never floats")
    if isinstance(value, int):
        minor = value
    else:
        if isinstance(value, Decimal):
            d = value
        elif isinstance(value, str):
            if not _AMOUNT_RE.match(value.strip()):
                raise LedgerError(f"amount {value!r} is not a plain decimal number")
            try:
                d = Decimal(value.strip())
            except InvalidOperation as exc:
                raise LedgerError(f"amount {value!r} is not a decimal number") from exc
        else:
            raise LedgerError(f"amount {value!r} has unsupported type {type(value).__name__}")
        if not d.is_finite():
            raise LedgerError(f"amount {value!r} is not finite")
        scaled = d.scaleb(decimals)
        if scaled != scaled.to_integral_value():
            raise LedgerError(f"amount {value} has more than {decimals} decimals")
        minor = int(scaled)
    if minor < 0 and not allow_negative:
        raise LedgerError(f"amount {value!r} is negative")
    return check_int(minor, "amount")


def format_amount(minor: int, decimals: int) -> str:
    """'12.34' for (1234, 2): exact, no float."""
    sign = "-" if minor < 0 else ""
    m = abs(minor)
    if decimals == 0:
        return f"{sign}{m}"
    s = str(m).rjust(decimals + 1, "0")
    return f"{sign}{s[:-decimals]}.{s[-decimals:]}"


US_PER_S = 1_000_000
_UNIX = datetime(1970, 1, 1, tzinfo=UTC)
_TIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


def utc_now() -> str:
    return datetime.now(UTC).strftime(_TIME_FORMAT)


def time_to_us(value: str) -> int:
    """Whole microseconds since 1970 of an entry time (``YYYY-MM-DDTHH:MM:SS.ffffffZ``).

    Why integers: entry times are signed, and windows (cooling, 24 h velocity, breaker, clock skew)
    computed from them must land on the exact microsecond, which float seconds only approximate.
    """
    return (datetime.fromisoformat(value[:-1]).replace(tzinfo=UTC) - _UNIX) // timedelta(microseconds=1)


def us_to_time(us: int) -> str:
    """The entry-time string of ``us`` whole microseconds since 1970 (inverse of :func:`time_to_us`)."""
    return (_UNIX + timedelta(microseconds=us)).strftime(_TIME_FORMAT)


def add_seconds(value: str, seconds: int) -> str:
    """The entry time ``seconds`` (an integer, may be negative) after ``value``."""
    return us_to_time(time_to_us(value) + seconds * US_PER_S)


def check_time(value: Any) -> str:
    """An ISO-8601 UTC time in the one form entries use: ``YYYY-MM-DDTHH:MM:SS.ffffffZ``."""
    if not isinstance(value, str) or not _TIME_RE.match(value):
        raise LedgerError(f"time {value!r} is not of the form YYYY-MM-DDTHH:MM:SS.ffffffZ (UTC)")
    try:
        datetime.fromisoformat(value[:-1])
    except ValueError as exc:
        raise LedgerError(f"time {value!r} is not a valid date and time") from exc
    return value


