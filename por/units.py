"""Units of record, one definition each: price scale, basis points, valuation and the time forms.

Why one module: figures of record are integers (docs/protocol.md §8.6, §10.1, §11.1), and a scale, a
rounding or a time form written twice can drift apart between the prover and a verifier, or between
the ledger and the report. Everything here is exact: ``int`` and :class:`fractions.Fraction` only.

Valuation (``qty`` minor units of an asset with ``decimals``, at ``price_e8``, in minor units of a
reporting or quote currency with ``reporting_decimals``) is the fraction
``qty · price_e8 · 10^reporting_decimals / (10^8 · 10^decimals)``:

- :func:`value_exact` never rounds it (figures of record: reserves, net liabilities, coverage, §8.6);
- :func:`position_value` rounds it down (positions, reserves, sale proceeds: collateral is never
  overstated, §10.6, §11.1);
- :func:`debt_value` rounds it up (debts, purchase costs: a debt is never understated, §11.1).

The arguments are integers; a boundary that reads them from a document checks them first (as
:func:`por.reserves.valuation.value_in_reporting` does).

Times: one strict form to the second, ``YYYY-MM-DDTHH:MM:SSZ`` (attestations, price reports, manifest
cut-offs judged to the second), and the same with an optional fraction of 1..6 digits where a ledger
entry time may appear (a manifest's ``cutoff_time``, a price entry's time). The ledger's own entry times
(exactly six fraction digits, arithmetic in whole microseconds, docs/protocol.md §10.1) are a third
form and stay in :mod:`por.ledger.canonical`, which is the only writer of them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from fractions import Fraction
from typing import Any

from por.errors import EncodingError, UsageError

PRICE_SCALE = 10**8  # prices of record are integers: reporting-currency units per whole asset unit, times 1e8
BPS = 10_000  # basis points in one

SECONDS_FORMAT = "%Y-%m-%dT%H:%M:%SZ"  # attestations, price reports, manifest cut-offs to the second
# ASCII digits only: ``\d`` would admit other scripts' digits, a second encoding of the same instant
_SECONDS = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z\Z")
_WITH_FRACTION = re.compile(r"^([0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2})(?:\.([0-9]{1,6}))?Z\Z")


# ------------------------------------------------------------------------------------- valuation


def value_exact(qty: int, *, price_e8: int, decimals: int, reporting_decimals: int) -> Fraction:
    """The value of ``qty`` minor units in reporting minor units, not rounded (docs/protocol.md §8.6).

    Why not rounded: reserves, net liabilities and coverage of record are sums and ratios of these;
    rounding each term would let many small roundings add up to a figure the assets do not support.
    """
    return Fraction(qty * price_e8 * 10**reporting_decimals, PRICE_SCALE * 10**decimals)


def position_value(qty: int, *, price_e8: int, decimals: int, reporting_decimals: int) -> int:
    """:func:`value_exact` rounded down (toward −∞): what a position, reserves or sale proceeds are worth.

    Why down: these values are counted *for* the holder (gross value and equity of a margin account,
    the proceeds a liquidation credits), so collateral is never overstated (§10.6, §11.1).
    """
    num: int = qty * price_e8 * 10**reporting_decimals
    den: int = PRICE_SCALE * 10**decimals
    return num // den


def debt_value(qty: int, *, price_e8: int, decimals: int, reporting_decimals: int) -> int:
    """:func:`value_exact` rounded up (toward +∞): what a debt, or the cost of a purchase, amounts to.

    Why up: these values are counted *against* the holder, so a debt is never understated (§11.1).
    """
    num: int = qty * price_e8 * 10**reporting_decimals
    den: int = PRICE_SCALE * 10**decimals
    return -(-num // den)


def collateral_price(price_e8: int, decimals: int, scale_decimals: int) -> int:
    """The price of one MINOR unit on the common scale of ``scale_decimals``: ``price_e8 · 10^(D − d)``.

    Why: collateral columns of assets with different decimals must compare in one integer unit
    (docs/protocol.md §9.2, docs/adr/0002); ``D`` is the largest of the priced assets' decimals, so
    this is an integer times a power of ten and nothing is rounded.

    Raises:
        UsageError: ``decimals`` above ``scale_decimals`` (a scale that does not cover the asset).
    """
    if decimals > scale_decimals:
        raise UsageError(f"an asset with {decimals} decimals is above the collateral scale of {scale_decimals}")
    scale: int = 10 ** (scale_decimals - decimals)
    return price_e8 * scale


def collateral_prices(prices: Mapping[str, int], decimals: Mapping[str, int]) -> dict[str, int]:
    """:func:`collateral_price` of every priced asset, ``D`` the largest of their decimals, in asset order.

    Raises:
        UsageError: a priced asset has no decimals.
    """
    missing = sorted(a for a in prices if a not in decimals)
    if missing:
        raise UsageError(f"no decimals for {missing}")
    top = max((int(decimals[a]) for a in prices), default=0)
    return {a: collateral_price(int(p), int(decimals[a]), top) for a, p in sorted(prices.items())}


# ------------------------------------------------------------------------------------------ times


def parse_time(text: Any, what: str = "time", *, fraction: bool = False) -> datetime:
    """Strict ISO-8601 UTC ``YYYY-MM-DDTHH:MM:SSZ``, as an aware datetime.

    With ``fraction=True`` the form ``YYYY-MM-DDTHH:MM:SS[.f]Z`` with 1..6 fraction digits is accepted
    too (a ledger entry time or a cut-off), and the microseconds are kept.

    Raises:
        EncodingError: any other form, or a date or time that does not exist.
    """
    if fraction:
        m = _WITH_FRACTION.match(text) if isinstance(text, str) else None
        if m is None:
            raise EncodingError(f"{what} must be ISO-8601 UTC of the form YYYY-MM-DDTHH:MM:SS[.ffffff]Z, "
                                f"got {text!r}")
        whole, frac = m.group(1), m.group(2) or ""
    else:
        if not isinstance(text, str) or not _SECONDS.match(text):
            raise EncodingError(f"{what} must be ISO-8601 UTC of the form YYYY-MM-DDTHH:MM:SSZ, got {text!r}")
        whole, frac = text[:19], ""
    try:
        t = datetime.strptime(whole, "%Y-%m-%dT%H:%M:%S").replace(tzinfo=UTC)
    except ValueError as exc:
        raise EncodingError(f"{what} is not a valid date and time: {text!r}") from exc
    return t.replace(microsecond=int(frac.ljust(6, "0"))) if frac else t


def is_time(x: Any, *, fraction: bool = False) -> bool:
    """Whether :func:`parse_time` accepts ``x`` (for shape checks that collect problems, not raise)."""
    try:
        parse_time(x, fraction=fraction)
    except EncodingError:
        return False
    return True


def format_time(t: datetime) -> str:
    """The canonical second-precision form of an aware time (converted to UTC, microseconds dropped)."""
    if t.tzinfo is None:
        raise UsageError("times must be timezone-aware")
    return t.astimezone(UTC).strftime(SECONDS_FORMAT)


def cutoff_datetime(t: str) -> datetime:
    """A ledger time (microseconds, UTC) to the whole second, as attestations and prices are judged."""
    return datetime.strptime(t[:19], "%Y-%m-%dT%H:%M:%S").replace(tzinfo=UTC)


def iso_seconds(t: str) -> str:
    """Ledger times carry microseconds; attestations and price reports use whole seconds."""
    return cutoff_datetime(t).strftime(SECONDS_FORMAT)


def shift_seconds(t: str, seconds: int) -> str:
    """The second-precision time ``seconds`` (may be negative) after ``t``."""
    return format_time(parse_time(t) + timedelta(seconds=seconds))
