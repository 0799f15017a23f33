"""Valuation: reserves and liabilities per asset and in the reporting currency, with exact arithmetic.

Only ``int`` and :class:`fractions.Fraction`; no float ever enters a figure of record. Amounts are in
each asset's minor units (``decimals`` per asset); a price ``price_e8`` is the value of one whole unit
of the asset in whole units of the reporting currency, times 10^8. The value of ``a`` minor units in
minor units of the reporting currency (``rc`` decimals) is exactly::

    a * price_e8 * 10^rc / (10^8 * 10^decimals)

Net liabilities of an asset are ``equity - debt`` (what clients are owed less what they owe); the
coverage ratio is ``reserves / net liabilities`` (``None`` when net liabilities are not positive: any
reserve covers them). Overall coverage is the ratio of the summed values in the reporting currency.
Display strings come from :func:`decimal_string` (truncated towards zero, fixed digits).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from por.errors import UsageError
from por.units import value_exact


def value_in_reporting(amount: int, decimals: int, price_e8: int, reporting_decimals: int) -> Fraction:
    """Exact value of ``amount`` minor units, in minor units of the reporting currency, not rounded
    (:func:`por.units.value_exact`); checks its arguments, as they come from published documents.

    Raises:
        UsageError: a non-integer argument, negative decimals or a price that is not positive.
    """
    for name, v in (("amount", amount), ("decimals", decimals), ("price_e8", price_e8),
                    ("reporting_decimals", reporting_decimals)):
        if type(v) is not int:
            raise UsageError(f"{name} must be an integer, got {type(v).__name__}")
    if decimals < 0 or reporting_decimals < 0 or price_e8 <= 0:
        raise UsageError("decimals must be >= 0 and prices > 0")
    return value_exact(amount, price_e8=price_e8, decimals=decimals, reporting_decimals=reporting_decimals)


def decimal_string(x: Fraction | int | None, digits: int = 4) -> str:
    """``x`` as a decimal string with exactly ``digits`` digits after the point, truncated toward zero."""
    if x is None:
        return "n/a"
    f = Fraction(x)
    sign = "-" if f < 0 else ""
    f = abs(f)
    scaled = f.numerator * 10**digits // f.denominator
    whole, frac = divmod(scaled, 10**digits)
    return f"{sign}{whole}" + (f".{frac:0{digits}d}" if digits else "")


def fraction_to_dict(x: Fraction | None, digits: int = 6) -> dict[str, Any] | None:
    """An exact fraction for JSON: numerator and denominator as strings, plus a display decimal."""
    if x is None:
        return None
    return {"num": str(x.numerator), "den": str(x.denominator), "decimal": decimal_string(x, digits)}


@dataclass(frozen=True, slots=True)
class AssetValuation:
    asset: str
    decimals: int
    reserves: int
    equity: int
    debt: int
    price_e8: int
    reporting_decimals: int

    @property
    def net_liabilities(self) -> int:
        return self.equity - self.debt

    @property
    def surplus(self) -> int:
        return self.reserves - self.net_liabilities

    @property
    def coverage(self) -> Fraction | None:
        net = self.net_liabilities
        return Fraction(self.reserves, net) if net > 0 else None

    @property
    def reserves_value(self) -> Fraction:
        return value_in_reporting(self.reserves, self.decimals, self.price_e8, self.reporting_decimals)

    @property
    def liabilities_value(self) -> Fraction:
        return value_in_reporting(self.net_liabilities, self.decimals, self.price_e8, self.reporting_decimals)

    def to_dict(self) -> dict[str, Any]:
        return {"asset": self.asset, "decimals": self.decimals, "reserves": self.reserves, "equity": self.equity,
                "debt": self.debt, "net_liabilities": self.net_liabilities, "surplus": self.surplus,
                "price_e8": self.price_e8, "reserves_value": fraction_to_dict(self.reserves_value),
                "liabilities_value": fraction_to_dict(self.liabilities_value),
                "coverage": fraction_to_dict(self.coverage)}


@dataclass(frozen=True, slots=True)
class Valuation:
    reporting_currency: str
    reporting_decimals: int
    assets: tuple[AssetValuation, ...]

    @property
    def reserves_value(self) -> Fraction:
        return sum((a.reserves_value for a in self.assets), Fraction(0))

    @property
    def liabilities_value(self) -> Fraction:
        return sum((a.liabilities_value for a in self.assets), Fraction(0))

    @property
    def coverage(self) -> Fraction | None:
        liab = self.liabilities_value
        return self.reserves_value / liab if liab > 0 else None

    @property
    def short(self) -> list[AssetValuation]:
        return [a for a in self.assets if a.surplus < 0]

    def to_dict(self) -> dict[str, Any]:
        return {"reporting_currency": self.reporting_currency, "reporting_decimals": self.reporting_decimals,
                "assets": [a.to_dict() for a in self.assets],
                "reserves_value": fraction_to_dict(self.reserves_value),
                "liabilities_value": fraction_to_dict(self.liabilities_value),
                "coverage": fraction_to_dict(self.coverage)}


def value(reserves: Mapping[str, int], liabilities: Mapping[str, tuple[int, int]], prices: Mapping[str, int],
          decimals: Mapping[str, int], reporting_currency: str = "USD", reporting_decimals: int = 2) -> Valuation:
    """Value every asset that has reserves or liabilities.

    ``liabilities[asset] = (equity, debt)``; ``prices[asset] = price_e8``; ``decimals[asset]``.

    Raises:
        UsageError: an asset without a price or decimals, or a non-integer amount.
    """
    rows = []
    for asset in sorted(set(reserves) | set(liabilities)):
        if asset not in prices:
            raise UsageError(f"no price for {asset}")
        if asset not in decimals:
            raise UsageError(f"no decimals for {asset}")
        eq, debt = liabilities.get(asset, (0, 0))
        res = reserves.get(asset, 0)
        for name, v in (("reserves", res), ("equity", eq), ("debt", debt)):
            if type(v) is not int or v < 0:
                raise UsageError(f"{asset}: {name} must be a non-negative integer")
        rows.append(AssetValuation(asset, decimals[asset], res, eq, debt, prices[asset], reporting_decimals))
    return Valuation(reporting_currency, reporting_decimals, tuple(rows))
