"""Exact decimal text of the stress model: ratios rendered and decimals and shocks parsed, never via float.

docs/protocol.md §11.1 (a ratio is written with a fixed number of digits, rounded toward −∞) and §11.3
step 1 (the shock form ``ASSET=-30%``).
"""

from __future__ import annotations

import math
import re
from fractions import Fraction

from por.errors import StressError


def fixed(x: Fraction | int, digits: int = 6) -> str:
    """``x`` as a decimal string with exactly ``digits`` digits, rounded toward −∞ (never via float)."""
    x = Fraction(x)
    scaled = math.floor(x * 10**digits)
    sign = "-" if scaled < 0 else ""
    scaled = abs(scaled)
    if digits == 0:
        return f"{sign}{scaled}"
    whole, frac = divmod(scaled, 10**digits)
    return f"{sign}{whole}.{frac:0{digits}d}"


def percent(x: Fraction | int, digits: int = 2) -> str:
    """``x`` (a ratio) as a percentage string, e.g. ``Fraction(3, 10)`` → ``"30.00%"``."""
    return fixed(Fraction(x) * 100, digits) + "%"


_DECIMAL = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)\Z")


def parse_decimal(text: str, what: str) -> Fraction:
    """An exact fraction from a decimal string (``"0.5"``, ``"-12.25"``); floats never involved."""
    t = text.strip()
    if not _DECIMAL.match(t):
        raise StressError(f"{what}: {text!r} is not a decimal number")
    return Fraction(t)


_SHOCK = re.compile(r"^\s*([A-Za-z][A-Za-z0-9_.\-]*)\s*=\s*([+-]?(?:\d+(?:\.\d*)?|\.\d+))\s*%\s*\Z")


def parse_shock(text: str) -> tuple[str, Fraction]:
    """``"AAPL=-30%"`` → ``("AAPL", Fraction(-3, 10))``; the percent sign is required.

    Raises:
        StressError: the text is not ``ASSET=±N%`` or the shock is below −100%.
    """
    m = _SHOCK.match(text)
    if not m:
        raise StressError(f"shock {text!r} does not parse: expected ASSET=-30% (a signed percentage)")
    asset, shock = m.group(1), Fraction(m.group(2)) / 100
    if shock < -1:
        raise StressError(f"shock {text!r}: a price cannot fall by more than 100%")
    return asset, shock
