"""Units of record, one definition each: price scale, basis points, and the time forms.

Why one module: figures of record are integers (docs/protocol.md §2), and a scale or a time form
defined twice can drift apart between the prover and a verifier. Everything here is exact.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

from por.errors import EncodingError, UsageError

PRICE_SCALE = 10**8  # prices of record are integers: reporting-currency units per whole asset unit, times 1e8
BPS = 10_000  # basis points in one

SECONDS_FORMAT = "%Y-%m-%dT%H:%M:%SZ"  # attestations, price reports, manifest cut-offs to the second
_SECONDS = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")


def parse_time(text: Any, what: str = "time") -> datetime:
    """Strict ISO-8601 UTC, second precision, ``YYYY-MM-DDTHH:MM:SSZ`` (the only accepted form).

    Raises:
        EncodingError: any other form.
    """
    if not isinstance(text, str) or not _SECONDS.match(text):
        raise EncodingError(f"{what} must be ISO-8601 UTC of the form YYYY-MM-DDTHH:MM:SSZ, got {text!r}")
    try:
        return datetime.strptime(text, SECONDS_FORMAT).replace(tzinfo=UTC)
    except ValueError as exc:
        raise EncodingError(f"{what} is not a valid date and time: {text!r}") from exc


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
