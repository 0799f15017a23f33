"""The field encodings of the published documents, each defined once (docs/protocol.md §1, §7, §8, §10.1).

Each type carries its constraints for pydantic (hence for the JSON Schema) and the sentence a
:class:`por.errors.DocumentError` says when a value breaks them ("must be 32 bytes of lower-case
hex"). Rules a JSON Schema cannot state (UTF-8 byte lengths, real calendar dates, canonical base64
padding bits, integers in decimal strings below 2^64) are checked here too, by the models only.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any, TypeVar

from pydantic import (
    AfterValidator,
    BeforeValidator,
    Field,
    ValidationError,
    ValidatorFunctionWrapHandler,
    WrapValidator,
)
from pydantic_core import PydanticCustomError

T = TypeVar("T")

U64 = 1 << 64
U128 = 1 << 128
I63 = (1 << 63) - 1  # the ledger's integer range (docs/protocol.md §10.1)
MAX_DECIMALS = 18  # an asset's decimals, as the ledger admits them (§10.1)
BPS = 10_000


def explain(what: str) -> WrapValidator:
    """Any failure of the wrapped type becomes the one sentence ``what``."""
    def check(value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
        try:
            return handler(value)
        except ValidationError:
            raise PydanticCustomError("por", "{message}", {"message": what}) from None
    return WrapValidator(check)


def _after(test: Callable[[Any], bool]) -> AfterValidator:
    def check(value: Any) -> Any:
        if not test(value):
            raise ValueError("rule")
        return value
    return AfterValidator(check)


def _no_bool(value: Any) -> Any:
    if isinstance(value, bool):
        raise ValueError("a boolean is not an integer")
    return value


#: a JSON array read as an immutable tuple (items stay strict)
Seq = Annotated[tuple[T, ...], Field(strict=False)]


def _utf8_at_most(n: int) -> Callable[[str], bool]:
    def ok(s: str) -> bool:
        try:
            return len(s.encode("utf-8")) <= n
        except UnicodeEncodeError:
            return False
    return ok


def _real_time(s: str) -> bool:
    try:
        datetime.strptime(s[:19], "%Y-%m-%dT%H:%M:%S")
    except ValueError:  # boundary: strptime's only error, a date that does not exist
        return False
    return True


# ---- integers ----------------------------------------------------------------------------------------
Count = Annotated[int, Field(ge=0, le=I63), explain("must be an integer from 0 to 2^63 - 1")]
Seqno = Annotated[int, Field(ge=1, le=I63), explain("must be an integer from 1 to 2^63 - 1 (a journal position)")]
Amount128 = Annotated[int, Field(ge=0, lt=U128), explain("must be an integer from 0 to 2^128 - 1 (minor units)")]
Price = Annotated[int, Field(gt=0, lt=U128), explain("must be an integer from 1 to 2^128 - 1 (x 10^8)")]
PositiveInt = Annotated[int, Field(ge=1), explain("must be an integer >= 1")]
NonNegativeInt = Annotated[int, Field(ge=0), explain("must be an integer >= 0")]
Decimals = Annotated[int, Field(ge=0, le=MAX_DECIMALS), explain(f"must be an integer from 0 to {MAX_DECIMALS}")]
Bps = Annotated[int, Field(ge=0, le=BPS), explain(f"must be an integer from 0 to {BPS} (basis points)")]
Bit = Annotated[int, Field(ge=0, le=1), explain("must be 0 or 1")]

# ---- hex, base64, decimal strings ----------------------------------------------------------------------
Hex8 = Annotated[str, Field(pattern=r"^[0-9a-f]{16}$"), explain("must be 8 bytes of lower-case hex")]
Hex32 = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$"), explain("must be 32 bytes of lower-case hex")]
Hex48 = Annotated[str, Field(pattern=r"^[0-9a-f]{96}$"), explain("must be 48 bytes of lower-case hex")]
Hex64 = Annotated[str, Field(pattern=r"^[0-9a-f]{128}$"), explain("must be 64 bytes of lower-case hex")]
Hex96 = Annotated[str, Field(pattern=r"^[0-9a-f]{192}$"), explain("must be 96 bytes of lower-case hex")]
HexBytes = Annotated[str, Field(pattern=r"^(?:[0-9a-f]{2})*$"),
                     explain("must be lower-case hex of whole bytes")]
NonEmptyHex = Annotated[str, Field(pattern=r"^(?:[0-9a-f]{2})+$"),
                        explain("must be lower-case hex of one or more whole bytes")]

_B64 = r"^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/][AQgw]==|[A-Za-z0-9+/]{2}[AEIMQUYcgkosw048]=)?$"
Base64 = Annotated[str, Field(min_length=4, pattern=_B64),
                   explain("must be standard base64 (padded, canonical) of one or more bytes")]

_DEC = re.compile(r"^(0|[1-9][0-9]{0,39})\Z")


def decimal_rule(limit: int | None, what: str) -> WrapValidator:
    """A decimal string (digits, no sign, no leading zero); a negative one is named as such (§7.10)."""
    def check(value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
        if isinstance(value, str) and value.startswith("-") and _DEC.match(value[1:]):
            raise PydanticCustomError("por", "{message}", {"message": f"is negative ({value[:40]})"})
        try:
            out = handler(value)
        except ValidationError:
            raise PydanticCustomError("por", "{message}", {"message": what}) from None
        if limit is not None and int(out) >= limit:
            raise PydanticCustomError("por", "{message}", {"message": "is >= 2^64"})
        return out
    return WrapValidator(check)


#: a sum or price in a decimal string: up to 40 digits (node sums are checked < 2^64 where they are used)
DecimalString = Annotated[str, Field(pattern=r"^(0|[1-9][0-9]{0,39})$"),
                          decimal_rule(None, "must be a decimal string (digits, no sign, no leading zero)")]
#: a leaf value in a decimal string: below 2^64 (§7.1)
DecimalU64 = Annotated[str, Field(pattern=r"^(0|[1-9][0-9]{0,19})$"),
                       decimal_rule(U64, "must be a decimal string of an integer below 2^64")]

# ---- names and times -----------------------------------------------------------------------------------
Text = Annotated[str, Field(min_length=1, max_length=256, pattern=r"^[^\x00-\x1f\x7f]+$"), _after(_utf8_at_most(256)),
                 explain("must be 1 to 256 bytes of UTF-8 without control characters")]
AnyText = Annotated[str, _after(_utf8_at_most(1 << 16)), explain("must be a string of UTF-8")]
MemberId = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:@/-]{0,127}$"),
                     explain("must be a member id (a letter or digit, then up to 127 of A-Z a-z 0-9 _ . : @ / -)")]
AssetCode = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._:/-]{0,63}$"),
                      explain("must be an asset code (a letter or digit, then up to 63 of A-Z a-z 0-9 . _ : / -)")]
AccountId = Annotated[str, Field(min_length=1, max_length=1024), _after(_utf8_at_most(1024)),
                      explain("must be 1 to 1024 bytes of UTF-8")]
StatementId = Annotated[str, Field(pattern=r"^[a-z][a-z0-9-]{0,62}$"),
                        explain("must be a statement id (a lower-case letter, then up to 62 of a-z 0-9 -)")]
#: UTC to the second, YYYY-MM-DDTHH:MM:SSZ (attestations, price reports, windows; §8.2, §8.5)
Time = Annotated[str, Field(pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$"), _after(_real_time),
                 explain("must be a UTC time YYYY-MM-DDTHH:MM:SSZ")]
#: a ledger time to the microsecond, YYYY-MM-DDTHH:MM:SS.ffffffZ (§10.1)
LedgerTime = Annotated[str, Field(pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}Z$"),
                       _after(_real_time), explain("must be a ledger time YYYY-MM-DDTHH:MM:SS.ffffffZ")]

#: an integer field whose allowed values are listed (a boolean is refused, although True == 1)
NoBool = BeforeValidator(_no_bool)


def _only_bool(value: Any) -> Any:
    if not isinstance(value, bool):
        raise ValueError("an integer is not a boolean")
    return value


#: a boolean field whose allowed value is listed (``Literal[True]`` alone takes 1, since 1 == True)
OnlyBool = BeforeValidator(_only_bool)
