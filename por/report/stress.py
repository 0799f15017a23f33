"""Stress tests of the margin book: price shocks, liquidations, price impact, cascades, bad debt.

The model is normative and written out in ``docs/protocol.md``; in short:

1. **Units.** Quantities are integers in each asset's minor units; prices are integers ×10^8 in the
   reporting currency (major unit); values are integers in the reporting currency's minor units.
   A position is valued ``floor(q·p·10^cd / 10^(ad+8))`` (rounded down: collateral is never
   overstated); a debt is valued with the same formula rounded up (debt is never understated).
2. **Shock.** A shock ``s`` (an exact fraction, ``-30%`` is ``-3/10``) moves an asset's price to
   ``floor(p·(1+s))``. The reporting currency itself has the fixed price 10^8 and cannot be shocked.
3. **Breach.** An account breaches maintenance when ``equity·10000 < mm_bps·value`` (value = its
   positions, equity = value − debt), i.e. its equity ratio is below its maintenance margin.
4. **Liquidation.** A breaching account is liquidated in full: all of its positions are sold; the
   proceeds repay its debt; ``bad debt = max(0, debt − proceeds)`` is charged to the insurance fund.
5. **Price impact and cascade.** In round r every breaching account is liquidated together. The sold
   quantity of each asset, valued at the round's price, moves that price by ``Δp/p = −f`` with
   ``f = k·S/depth`` (linear) or ``f = k·isqrt(S·10^24 // ADV)/10^12`` (square root), capped at 1,
   new price ``floor(p·(1−f))``. The round's sales execute at the post-impact price (the seller bears
   its own impact). Rounds repeat at the new prices until no account breaches (``rounds`` reported).
6. **Coverage.** The insurance fund covers bad debt first; what it cannot cover is a hole in client
   assets, so the reserves coverage after the shock is ``Σ R_a·p_a / (Σ (E_a−D_a)·p_a + uncovered)``
   at the final prices.

**Exactness.** Per-account arithmetic runs on numpy ``int64`` only when :func:`_fits_int64` proves
that no intermediate can exceed 2^63 (bounds from the largest quantity and the largest price the
run can see); otherwise the same code runs on ``object`` arrays of Python integers. A price is split
``p = ph·D + pl`` so that ``q·p // D = q·ph + (q·pl) // D`` never forms the large product ``q·p``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from por import canonical
from por.errors import EncodingError, StressError

BOOK_FORMAT = "por-margin-book/1"
PRICE_SCALE = 10**8
BPS = 10_000
INT64_LIMIT = 2**63
#: The grid: uniform shocks 0%, -1%, ..., -50% (51 points; the issue's "50-point grid" plus 0).
GRID = tuple(Fraction(-k, 100) for k in range(0, 51))
#: Leverage buckets (value / equity), lower edges; the report's histogram uses them.
LEVERAGE_EDGES = (Fraction(1), Fraction(3, 2), Fraction(2), Fraction(5, 2), Fraction(3), Fraction(4),
                  Fraction(5), Fraction(10))
NEAR_LIQUIDATION = Fraction(1, 10)
DEFAULT_MAX_ROUNDS = 10_000

IntArray = npt.NDArray[Any]


# --------------------------------------------------------------------------------------------------
# exact decimal rendering and parsing


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


_DECIMAL = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")


def parse_decimal(text: str, what: str) -> Fraction:
    """An exact fraction from a decimal string (``"0.5"``, ``"-12.25"``); floats never involved."""
    t = text.strip()
    if not _DECIMAL.match(t):
        raise StressError(f"{what}: {text!r} is not a decimal number")
    return Fraction(t)


_SHOCK = re.compile(r"^\s*([A-Za-z][A-Za-z0-9_.\-]*)\s*=\s*([+-]?(?:\d+(?:\.\d*)?|\.\d+))\s*%\s*$")


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


# --------------------------------------------------------------------------------------------------
# price impact


@dataclass(frozen=True, slots=True)
class Impact:
    """A price-impact model: ``none``, ``linear`` (f = k·S/depth) or ``sqrt`` (f = k·√(S/ADV))."""

    kind: str = "none"
    k: Fraction = Fraction(0)

    @classmethod
    def parse(cls, text: str | None) -> Impact:
        """``"linear:0.5"`` or ``"sqrt:1"`` (``None`` or ``"none"`` for no impact).

        Raises:
            StressError: unknown model or a coefficient that is not a non-negative decimal.
        """
        if text is None or text.strip() in ("", "none"):
            return cls()
        kind, sep, k = text.partition(":")
        kind = kind.strip()
        if kind not in ("linear", "sqrt") or not sep:
            raise StressError(f"impact {text!r}: expected linear:K or sqrt:K (K a decimal, e.g. linear:0.5)")
        coeff = parse_decimal(k, f"impact {text!r}")
        if coeff < 0:
            raise StressError(f"impact {text!r}: K must not be negative")
        return cls(kind, coeff)

    def fraction(self, sold_value: int, depth: int) -> Fraction:
        """The relative price fall f ∈ [0, 1] caused by selling ``sold_value`` against ``depth``."""
        if self.kind == "none" or sold_value <= 0 or self.k == 0:
            return Fraction(0)
        if depth <= 0:
            return Fraction(1)
        if self.kind == "linear":
            f = self.k * Fraction(sold_value, depth)
        else:
            f = self.k * Fraction(math.isqrt(sold_value * 10**24 // depth), 10**12)
        return min(Fraction(1), f)

    def describe(self) -> str:
        if self.kind == "linear":
            return f"linear: dp/p = -{fixed(self.k, 4)} x sold value / market depth"
        if self.kind == "sqrt":
            return f"square root: dp/p = -{fixed(self.k, 4)} x sqrt(sold value / ADV)"
        return "none (liquidations do not move prices)"

    def to_str(self) -> str:
        return "none" if self.kind == "none" else f"{self.kind}:{fixed(self.k, 6).rstrip('0').rstrip('.')}"


# --------------------------------------------------------------------------------------------------
# the book


@dataclass(frozen=True, slots=True)
class AssetSpec:
    """One asset of the book: minor-unit decimals, price ×10^8, and optional impact parameters."""

    code: str
    decimals: int
    price_e8: int
    depth: int | None = None  # market depth, reporting-currency minor units (linear impact)
    adv: int | None = None  # average daily volume, reporting-currency minor units (sqrt impact)


@dataclass(slots=True)
class MarginBook:
    """A margin book: dense ``n × A`` quantity matrices (positions, debts) in minor units.

    ``assets`` is ordered; column ``j`` of ``positions``/``debts`` is ``assets[j]``. The reporting
    currency is one of the assets (price fixed at 10^8). Positions and debts are non-negative.
    """

    currency: str
    assets: list[AssetSpec]
    account_ids: list[str]
    positions: IntArray
    debts: IntArray
    maintenance_bps: IntArray
    leverage_limit_bps: IntArray
    insurance_fund: int = 0
    reserves: dict[str, int] | None = None
    liabilities: dict[str, tuple[int, int]] | None = None  # asset -> (equity, debt)
    source: str = ""

    def __post_init__(self) -> None:
        codes = [a.code for a in self.assets]
        if len(set(codes)) != len(codes):
            raise StressError("book: an asset is listed twice")
        if self.currency not in codes:
            raise StressError(f"book: the reporting currency {self.currency!r} must be one of the assets")
        cash = self.asset(self.currency)
        if cash.price_e8 != PRICE_SCALE:
            raise StressError(f"book: the reporting currency {self.currency} must have price 10^8 (1.0)")
        n, a = len(self.account_ids), len(self.assets)
        for name in ("positions", "debts"):
            m = getattr(self, name)
            if m.shape != (n, a):
                raise StressError(f"book: {name} has shape {m.shape}, expected {(n, a)}")
            if n and (m < 0).any():
                raise StressError(f"book: {name} must not be negative (long-only margin book)")
        for name in ("maintenance_bps", "leverage_limit_bps"):
            if getattr(self, name).shape != (n,):
                raise StressError(f"book: {name} must have one entry per account")
        if n and ((self.maintenance_bps < 0) | (self.maintenance_bps > BPS)).any():
            raise StressError("book: maintenance margin must lie in [0, 10000] bps")
        for s in self.assets:
            if s.decimals < 0 or s.decimals > 36 or s.price_e8 < 0:
                raise StressError(f"book: asset {s.code} has bad decimals or a negative price")

    # -- lookups ----------------------------------------------------------------------------------
    @property
    def codes(self) -> list[str]:
        return [a.code for a in self.assets]

    @property
    def n(self) -> int:
        return len(self.account_ids)

    @property
    def currency_decimals(self) -> int:
        return self.asset(self.currency).decimals

    def asset(self, code: str) -> AssetSpec:
        for a in self.assets:
            if a.code == code:
                return a
        raise StressError(f"unknown asset {code!r}: the book has {', '.join(self.codes)}")

    def base_prices(self) -> dict[str, int]:
        return {a.code: a.price_e8 for a in self.assets}

    def with_prices(self, prices: Mapping[str, int]) -> MarginBook:
        """The same book at other prices (e.g. an epoch's); the currency keeps 10^8."""
        new = []
        for a in self.assets:
            p = a.price_e8 if a.code == self.currency or a.code not in prices else int(prices[a.code])
            new.append(AssetSpec(a.code, a.decimals, p, a.depth, a.adv))
        return MarginBook(self.currency, new, self.account_ids, self.positions, self.debts,
                          self.maintenance_bps, self.leverage_limit_bps, self.insurance_fund,
                          self.reserves, self.liabilities, self.source)

    # -- value of a scalar quantity (Python ints, exact) -------------------------------------------
    def value_of(self, code: str, qty: int, price_e8: int | None = None, *, up: bool = False) -> int:
        """Value in reporting minor units of ``qty`` minor units of ``code`` (floor, or ceil if ``up``)."""
        a = self.asset(code)
        p = a.price_e8 if price_e8 is None else price_e8
        num: int = qty * p * 10**self.currency_decimals
        den: int = 10 ** (a.decimals + 8)
        return -((-num) // den) if up else num // den

    def value_exact(self, code: str, qty: int, price_e8: int) -> Fraction:
        a = self.asset(code)
        return Fraction(qty * price_e8 * 10**self.currency_decimals, 10 ** (a.decimals + 8))

    # -- file format -----------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        accounts = []
        pos = self.positions.tolist()
        deb = self.debts.tolist()
        for i, acc in enumerate(self.account_ids):
            accounts.append({
                "id": acc,
                "positions": {c: int(q) for c, q in zip(self.codes, pos[i], strict=True) if q},
                "debts": {c: int(q) for c, q in zip(self.codes, deb[i], strict=True) if q},
                "maintenance_bps": int(self.maintenance_bps[i]),
                "leverage_limit_bps": int(self.leverage_limit_bps[i]),
            })
        out: dict[str, Any] = {
            "format": BOOK_FORMAT,
            "currency": self.currency,
            "assets": {a.code: {k: v for k, v in (("decimals", a.decimals), ("price_e8", a.price_e8),
                                                  ("depth", a.depth), ("adv", a.adv)) if v is not None}
                       for a in self.assets},
            "insurance_fund": self.insurance_fund,
            "accounts": accounts,
        }
        if self.reserves is not None:
            out["reserves"] = dict(self.reserves)
        if self.liabilities is not None:
            out["liabilities"] = {k: {"equity": e, "debt": d} for k, (e, d) in self.liabilities.items()}
        return out

    @classmethod
    def from_dict(cls, d: Any, source: str = "") -> MarginBook:
        """Parse a ``por-margin-book/1`` document (integers only; see the protocol document).

        Raises:
            StressError: wrong format, a missing or non-integer field, an unknown asset.
        """
        def need_int(x: Any, where: str, minimum: int | None = 0) -> int:
            if isinstance(x, bool) or not isinstance(x, int):
                raise StressError(f"book: {where} must be an integer, got {x!r}")
            if minimum is not None and x < minimum:
                raise StressError(f"book: {where} must be >= {minimum}, got {x}")
            return x

        if not isinstance(d, dict):
            raise StressError("book: expected a JSON object")
        fmt = d.get("format")
        if not isinstance(fmt, str) or fmt.split(".")[0] != BOOK_FORMAT:
            raise StressError(f"book: format must be {BOOK_FORMAT!r}, got {fmt!r}")
        try:
            currency = str(d["currency"])
            assets_in = d["assets"]
            accounts_in = d["accounts"]
        except KeyError as exc:
            raise StressError(f"book: missing field {exc.args[0]!r}") from None
        if not isinstance(assets_in, dict) or not isinstance(accounts_in, list):
            raise StressError("book: 'assets' must be an object and 'accounts' a list")
        assets = []
        for code, spec in assets_in.items():
            if not isinstance(spec, dict):
                raise StressError(f"book: asset {code} must be an object")
            price = spec.get("price_e8", PRICE_SCALE if code == currency else None)
            assets.append(AssetSpec(
                str(code), need_int(spec.get("decimals"), f"assets.{code}.decimals"),
                need_int(price, f"assets.{code}.price_e8"),
                None if spec.get("depth") is None else need_int(spec["depth"], f"assets.{code}.depth", 1),
                None if spec.get("adv") is None else need_int(spec["adv"], f"assets.{code}.adv", 1)))
        codes = [a.code for a in assets]
        index = {c: j for j, c in enumerate(codes)}
        n = len(accounts_in)
        pos = [[0] * len(codes) for _ in range(n)]
        deb = [[0] * len(codes) for _ in range(n)]
        mm, lev, ids = [], [], []
        for i, acc in enumerate(accounts_in):
            if not isinstance(acc, dict):
                raise StressError(f"book: accounts[{i}] must be an object")
            ids.append(str(acc.get("id", i)))
            for key, target in (("positions", pos), ("debts", deb)):
                items = acc.get(key, {})
                if not isinstance(items, dict):
                    raise StressError(f"book: accounts[{i}].{key} must be an object")
                for code, q in items.items():
                    if code not in index:
                        raise StressError(f"book: accounts[{i}].{key}: unknown asset {code!r}")
                    target[i][index[code]] = need_int(q, f"accounts[{i}].{key}.{code}")
            mm.append(need_int(acc.get("maintenance_bps"), f"accounts[{i}].maintenance_bps"))
            lev.append(need_int(acc.get("leverage_limit_bps", 0), f"accounts[{i}].leverage_limit_bps"))
        reserves = None
        if d.get("reserves") is not None:
            reserves = {str(k): need_int(v, f"reserves.{k}") for k, v in d["reserves"].items()}
        liabilities = None
        if d.get("liabilities") is not None:
            liabilities = {str(k): (need_int(v.get("equity"), f"liabilities.{k}.equity"),
                                    need_int(v.get("debt"), f"liabilities.{k}.debt"))
                           for k, v in d["liabilities"].items()}
        return cls(currency, assets, ids, _matrix(pos, len(codes)), _matrix(deb, len(codes)),
                   _vector(mm), _vector(lev), need_int(d.get("insurance_fund", 0), "insurance_fund"),
                   reserves, liabilities, source)

    @classmethod
    def load(cls, path: str | Path) -> MarginBook:
        """Read a book file (canonical or not; floats are refused)."""
        p = Path(path)
        try:
            doc = canonical.loads(p.read_bytes())
        except OSError as exc:
            raise StressError(f"book {p}: {exc.strerror or exc}") from None
        except EncodingError as exc:
            raise StressError(f"book {p}: {exc}") from None
        return cls.from_dict(doc, source=str(p))


def _matrix(rows: list[list[int]], width: int) -> IntArray:
    """Rows of Python ints as int64 when every entry fits comfortably, else as an object array."""
    flat_max = max((max(r) for r in rows if r), default=0)
    dtype: Any = np.int64 if flat_max < 2**62 else object
    if not rows:
        return np.zeros((0, width), dtype=np.int64)
    return np.array(rows, dtype=dtype).reshape(len(rows), width)


def _vector(values: list[int]) -> IntArray:
    return np.array(values, dtype=np.int64) if values else np.zeros(0, dtype=np.int64)


# --------------------------------------------------------------------------------------------------
# exact vectorised valuation


def _split_one(book: MarginBook, code: str, p: int) -> tuple[int, int, int, int, int, int]:
    spec = book.asset(code)
    e = spec.decimals + 8 - book.currency_decimals
    if e <= 0:
        return p * 10 ** (-e), 0, 0, 1, 1, 1
    d = 10**e
    s_, t_ = 10 ** ((e + 1) // 2), 10 ** (e // 2)
    ph, pl = divmod(p, d)
    a, b = divmod(pl, s_)
    return ph, a, b, s_, t_, d


class _Cols:
    """Column-wise exact valuation of a quantity matrix stored transposed (``A × n``, contiguous rows).

    ``floor(q·p/D)`` with ``D = 10^(ad+8−cd) = S·T`` is computed without forming ``q·p``: with
    ``p = ph·D + a·S + b`` (a < T, b < S) and ``q·a = xq·T + xr``,

        floor(q·p/D) = q·ph + xq + floor((xr·S + q·b) / D)

    whose intermediates are bounded by ``q·(ph+1)``, ``q·T`` and ``D + q·S`` (see :func:`_fits_int64`).
    Columns that are zero for every account are skipped; a column whose largest quantity ``qmax``
    satisfies ``qmax·D < 2^61`` uses the short form ``q·ph + (q·pl)//D``. On ``object`` arrays (Python
    integers) the short form is always exact. Rounding up is ``−floor(−q·p/D)``.
    """

    def __init__(self, book: MarginBook, qt: IntArray) -> None:
        self.book = book
        self.qt = qt
        self.obj = qt.dtype == object
        self.cols = [j for j in range(qt.shape[0]) if qt.shape[1] and bool((qt[j] != 0).any())]
        self.qmax = {j: int(qt[j].max()) for j in self.cols}

    def values(self, prices: Mapping[str, int], *, up: bool = False, idx: IntArray | None = None) -> IntArray:
        n = self.qt.shape[1] if idx is None else len(idx)
        total: IntArray = np.zeros(n, dtype=self.qt.dtype)
        for j in self.cols:
            code = self.book.assets[j].code
            ph, a, b, s_, t_, d = _split_one(self.book, code, int(prices[code]))
            q = self.qt[j] if idx is None else self.qt[j, idx]
            if up:
                q = -q
            pl = a * s_ + b
            if pl == 0:
                val = q * ph
            elif self.obj or self.qmax[j] * d < 2**61:
                val = q * ph + (q * pl) // d
            else:
                xq, xr = np.divmod(q * a, t_)
                val = q * ph + xq + (xr * s_ + q * b) // d
            if up:
                total -= val
            else:
                total += val
        return total


def _values(q: IntArray, book: MarginBook, prices: Mapping[str, int], *, up: bool = False) -> IntArray:
    """Per-account value of an ``n × A`` quantity matrix (floor per asset, or ceil when ``up``)."""
    return _Cols(book, np.ascontiguousarray(q.T)).values(prices, up=up)


def _fits_int64(book: MarginBook, price_max: Mapping[str, int], factor: int) -> bool:
    """Prove that int64 cannot overflow: every |intermediate| < 2^63.

    With ``qmax_a`` the largest quantity of asset a (positions or debts) and the split of the largest
    price the run can see (:class:`_Valuer`), the per-asset intermediates are at most
    ``qmax·(ph+1)``, ``qmax·T`` and ``D + qmax·S`` (each required < 2^61); one account's positions (or
    debts) are worth at most ``V = Σ_a qmax_a·(ph_a + 1)``. The engine multiplies values by at most
    ``factor`` (2·10^5 for the near-liquidation test), so ``2·factor·V < 2^63`` is required; sums over
    accounts go through :func:`_sum`, which checks its own bound.
    """
    if book.positions.dtype == object or book.debts.dtype == object:
        return False
    if book.n == 0:
        return True
    qmax = np.maximum(book.positions.max(axis=0), book.debts.max(axis=0)).tolist()
    limit = 2**61
    total = 0
    for j, spec in enumerate(book.assets):
        q = int(qmax[j])
        ph, _a, _b, s_, t_, d = _split_one(book, spec.code, int(price_max[spec.code]))
        if q * (ph + 1) >= limit or q * t_ >= limit or d + q * s_ >= limit:
            return False
        total += q * (ph + 1)
    return factor * 2 * total < INT64_LIMIT


def _sum(arr: IntArray) -> int:
    """Exact Python-int sum of an integer array (int64 sum only when it provably cannot overflow)."""
    if arr.size == 0:
        return 0
    if arr.dtype != object:
        m = int(np.abs(arr).max())
        if m * arr.size < INT64_LIMIT:
            return int(arr.sum())
    return int(sum(int(x) for x in arr.tolist()))


# --------------------------------------------------------------------------------------------------
# scenarios


@dataclass(frozen=True, slots=True)
class RoundStat:
    """One cascade round: how many accounts were liquidated and the prices after their sales."""

    round: int
    liquidated: int
    sold_value: int
    prices_after: dict[str, int]


@dataclass(slots=True)
class Outcome:
    """The result of one shock scenario (totals are exact integers in reporting minor units)."""

    shocks: dict[str, Fraction]
    impact: Impact
    accounts: int
    liquidated: int
    rounds: list[RoundStat]
    converged: bool
    prices_before: dict[str, int]
    prices_shocked: dict[str, int]
    prices_final: dict[str, int]
    value_before: int
    debt_before: int
    equity_before: int
    equity_after: int
    debt_liquidated: int
    proceeds: int
    bad_debt: int
    accounts_with_bad_debt: int
    insurance_fund: int
    covered: int
    uncovered: int
    reserves_value: Fraction | None
    net_liabilities_value: Fraction | None
    # per-account arrays (kept for callers that ask; never serialised in full by default)
    liquidated_round: IntArray | None = field(default=None, repr=False)
    account_equity_after: IntArray | None = field(default=None, repr=False)
    account_bad_debt: IntArray | None = field(default=None, repr=False)

    @property
    def equity_lost(self) -> Fraction | None:
        """Fraction of the book's client equity lost (None when the book has no positive equity)."""
        if self.equity_before <= 0:
            return None
        return Fraction(self.equity_before - self.equity_after, self.equity_before)

    @property
    def insurance_coverage(self) -> Fraction | None:
        """Insurance fund ÷ bad debt (None when there is no bad debt)."""
        return None if self.bad_debt == 0 else Fraction(self.insurance_fund, self.bad_debt)

    @property
    def reserves_coverage_after(self) -> Fraction | None:
        """Σ reserves·p / (Σ net liabilities·p + uncovered bad debt), at the final prices."""
        if self.reserves_value is None or self.net_liabilities_value is None:
            return None
        denom = self.net_liabilities_value + self.uncovered
        return None if denom <= 0 else self.reserves_value / denom

    def to_dict(self) -> dict[str, Any]:
        def opt(x: Fraction | None, digits: int = 6) -> str | None:
            return None if x is None else fixed(x, digits)

        return {
            "shocks": {k: fixed(v, 4) for k, v in sorted(self.shocks.items())},
            "impact": self.impact.to_str(),
            "accounts": self.accounts,
            "liquidated": self.liquidated,
            "rounds": len(self.rounds),
            "converged": self.converged,
            "cascade": [{"round": r.round, "liquidated": r.liquidated, "sold_value": r.sold_value,
                         "prices_after": dict(sorted(r.prices_after.items()))} for r in self.rounds],
            "prices_before": dict(sorted(self.prices_before.items())),
            "prices_shocked": dict(sorted(self.prices_shocked.items())),
            "prices_final": dict(sorted(self.prices_final.items())),
            "value_before": self.value_before,
            "debt_before": self.debt_before,
            "equity_before": self.equity_before,
            "equity_after": self.equity_after,
            "equity_lost": opt(self.equity_lost),
            "debt_liquidated": self.debt_liquidated,
            "proceeds": self.proceeds,
            "bad_debt": self.bad_debt,
            "accounts_with_bad_debt": self.accounts_with_bad_debt,
            "insurance_fund": self.insurance_fund,
            "insurance_covered": self.covered,
            "uncovered": self.uncovered,
            "insurance_coverage": opt(self.insurance_coverage),
            "reserves_coverage_after": opt(self.reserves_coverage_after),
        }


def shocked_price(price_e8: int, shock: Fraction) -> int:
    """``floor(p·(1+s))``, never negative."""
    return max(0, math.floor(price_e8 * (1 + shock)))


def _shock_vector(book: MarginBook, shocks: Mapping[str, Fraction]) -> dict[str, Fraction]:
    out = {}
    for code, s in shocks.items():
        book.asset(code)  # raises StressError for an unknown asset
        if code == book.currency:
            raise StressError(f"asset {code!r} is the reporting currency: its price is fixed and cannot be shocked")
        if s < -1:
            raise StressError(f"shock {code}={fixed(s * 100, 2)}%: a price cannot fall by more than 100%")
        out[code] = Fraction(s)
    return out


class Engine:
    """Runs scenarios on one book, choosing exact int64 or object arithmetic once (see module doc).

    Args:
        book: the margin book.
        impact: the price-impact model for cascades.
        max_price_factor: the largest ``1+s`` any scenario will use (for the overflow proof).
        max_rounds: cascade safety stop (each round liquidates at least one account, so n+1 suffices).
    """

    def __init__(self, book: MarginBook, impact: Impact | None = None, *,
                 max_price_factor: Fraction = Fraction(1), max_rounds: int | None = None) -> None:
        self.book = book
        self.impact = impact or Impact()
        self.max_rounds = max_rounds if max_rounds is not None else book.n + 1
        factor = max(Fraction(1), max_price_factor)
        pmax = {a.code: math.ceil(a.price_e8 * factor) if a.code != book.currency else a.price_e8
                for a in book.assets}
        self.exact_int64 = _fits_int64(book, pmax, 2 * 10**5)
        dtype: Any = np.int64 if self.exact_int64 else object
        self.dtype = dtype
        self.pos = _Cols(book, np.ascontiguousarray(book.positions.T.astype(dtype)))
        self.debt = _Cols(book, np.ascontiguousarray(book.debts.T.astype(dtype)))
        self.mm = book.maintenance_bps.astype(dtype)
        base = book.base_prices()
        self.value0 = self.pos.values(base)
        self.debt0 = self.debt.values(base, up=True)
        # default depth / ADV: the book's whole holding of the asset at the base price
        self.depth: dict[str, int] = {}
        self.adv: dict[str, int] = {}
        for j, a in enumerate(book.assets):
            whole = book.value_of(a.code, _sum(self.pos.qt[j]))
            self.depth[a.code] = a.depth if a.depth is not None else whole
            self.adv[a.code] = a.adv if a.adv is not None else whole

    # -- one scenario -----------------------------------------------------------------------------
    def run(self, shocks: Mapping[str, Fraction], *, keep_accounts: bool = False) -> Outcome:
        """Apply the shock vector, then liquidate (with impact) until no account breaches.

        Raises:
            StressError: an unknown asset, the currency shocked, or a fall of more than 100%.
        """
        book = self.book
        sv = _shock_vector(book, shocks)
        base = book.base_prices()
        prices = {c: shocked_price(p, sv.get(c, Fraction(0))) for c, p in base.items()}
        shocked = dict(prices)
        n = book.n
        dtype = self.dtype
        alive_idx = np.arange(n)
        liq_round = np.full(n, -1, dtype=np.int64)
        proceeds = np.zeros(n, dtype=dtype)
        debt_at_liq = np.zeros(n, dtype=dtype)
        rounds: list[RoundStat] = []
        converged = False
        for r in range(self.max_rounds):
            # 1. value the accounts still standing at this round's prices; find the breaches
            value = self.pos.values(prices, idx=alive_idx)
            debt = self.debt.values(prices, up=True, idx=alive_idx)
            breach = (value - debt) * BPS < self.mm[alive_idx] * value
            if not breach.any():
                converged = True
                break
            idx = alive_idx[breach]
            alive_idx = alive_idx[~breach]
            # 2. sell their positions; the sales move prices (impact model)
            new_prices = dict(prices)
            sold_value = 0
            for j, a in enumerate(book.assets):
                if a.code == book.currency or j not in self.pos.qmax:
                    continue
                sold = _sum(self.pos.qt[j, idx])
                if sold == 0:
                    continue
                s_val = book.value_of(a.code, sold, prices[a.code])
                sold_value += s_val
                ref = self.depth[a.code] if self.impact.kind == "linear" else self.adv[a.code]
                f = self.impact.fraction(s_val, ref)
                new_prices[a.code] = max(0, math.floor(prices[a.code] * (1 - f)))
            # 3. the sales execute at the post-impact price
            proceeds[idx] = self.pos.values(new_prices, idx=idx)
            debt_at_liq[idx] = self.debt.values(new_prices, up=True, idx=idx)
            liq_round[idx] = r
            rounds.append(RoundStat(r, int(idx.size), sold_value, new_prices))
            prices = new_prices
        # 4. final state: survivors at the final prices; liquidated accounts keep max(0, proceeds − debt)
        alive = np.zeros(n, dtype=bool)
        alive[alive_idx] = True
        value_f = self.pos.values(prices)
        debt_f = self.debt.values(prices, up=True)
        residual = proceeds - debt_at_liq
        eq_after = np.where(alive, value_f - debt_f, np.where(residual > 0, residual, 0))
        bad = np.where(alive | (residual >= 0), 0, -residual)
        bad_total = _sum(bad)
        fund = book.insurance_fund
        covered = min(fund, bad_total)
        reserves_value = net_value = None
        if book.reserves is not None and book.liabilities is not None:
            reserves_value = sum((book.value_exact(c, q, prices[c]) for c, q in book.reserves.items()
                                  if c in prices), Fraction(0))
            net_value = sum((book.value_exact(c, e - d_, prices[c]) for c, (e, d_) in book.liabilities.items()
                             if c in prices), Fraction(0))
        dead = ~alive
        return Outcome(
            shocks=sv, impact=self.impact, accounts=n, liquidated=int(dead.sum()), rounds=rounds,
            converged=converged, prices_before=base, prices_shocked=shocked, prices_final=prices,
            value_before=_sum(self.value0), debt_before=_sum(self.debt0),
            equity_before=_sum(self.value0 - self.debt0), equity_after=_sum(eq_after),
            debt_liquidated=_sum(debt_at_liq[dead]), proceeds=_sum(proceeds[dead]), bad_debt=bad_total,
            accounts_with_bad_debt=int((bad > 0).sum()), insurance_fund=fund, covered=covered,
            uncovered=bad_total - covered, reserves_value=reserves_value, net_liabilities_value=net_value,
            liquidated_round=liq_round if keep_accounts else None,
            account_equity_after=eq_after if keep_accounts else None,
            account_bad_debt=bad if keep_accounts else None,
        )

    def grid(self, shocks: Sequence[Fraction] = GRID, assets: Iterable[str] | None = None) -> list[Outcome]:
        """Uniform shocks (default 0% … −50%) applied to ``assets`` (default: every non-cash asset)."""
        targets = [c for c in (assets if assets is not None else self.book.codes) if c != self.book.currency]
        for c in targets:
            self.book.asset(c)
        return [self.run({c: s for c in targets}) for s in shocks]


def run_scenario(book: MarginBook, shocks: Mapping[str, Fraction], impact: Impact | None = None) -> Outcome:
    """One scenario on ``book`` (convenience wrapper around :class:`Engine`)."""
    factor = max([Fraction(1)] + [1 + s for s in shocks.values()])
    return Engine(book, impact, max_price_factor=factor).run(shocks)


def run_grid(book: MarginBook, impact: Impact | None = None, shocks: Sequence[Fraction] = GRID,
             assets: Iterable[str] | None = None) -> list[Outcome]:
    """The stress curve: one :class:`Outcome` per grid point."""
    factor = max([Fraction(1)] + [1 + s for s in shocks])
    return Engine(book, impact, max_price_factor=factor).grid(shocks, assets)


# --------------------------------------------------------------------------------------------------
# book metrics for the report (leverage distribution, distance to liquidation)


@dataclass(slots=True)
class BookMetrics:
    """Exact aggregate figures of a book at its prices (what the report's margin tables show)."""

    accounts: int
    active: int
    value: int
    debt: int
    equity: int
    in_breach: int
    near_liquidation: int
    near_liquidation_debt: int
    over_leverage_limit: int
    leverage_buckets: list[tuple[str, int, int, int]]  # label, accounts, value, equity
    # per configured leverage limit (max_leverage_bps): limit bps, accounts, active, value, equity, over limit
    limit_rows: list[tuple[int, int, int, int, int, int]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "accounts": self.accounts, "active": self.active, "value": self.value, "debt": self.debt,
            "equity": self.equity, "in_breach": self.in_breach, "near_liquidation": self.near_liquidation,
            "near_liquidation_debt": self.near_liquidation_debt,
            "over_leverage_limit": self.over_leverage_limit,
            "leverage_buckets": [list(b) for b in self.leverage_buckets],
            "limit_rows": [list(r) for r in self.limit_rows],
        }


def _bucket_label(lo: Fraction, hi: Fraction | None) -> str:
    def s(x: Fraction) -> str:
        return fixed(x, 1).rstrip("0").rstrip(".")
    return f"{s(lo)}x to <{s(hi)}x" if hi is not None else f">= {s(lo)}x"


def book_metrics(book: MarginBook, within: Fraction = NEAR_LIQUIDATION) -> BookMetrics:
    """Leverage distribution (value/equity), accounts in breach, within ``within`` of liquidation.

    An account is *within 10% of liquidation* when it is not in breach now but a uniform fall of 10%
    in every non-cash asset price would put it in breach. Leverage is value ÷ equity; an account with
    equity ≤ 0 and a position falls in the bucket "equity <= 0"; one with no position is inactive.
    """
    eng = Engine(book)
    dtype = eng.dtype
    cash_col = book.codes.index(book.currency)
    value = eng.value0
    cash = eng.pos.qt[cash_col].copy()  # the currency at price 1: minor units are its value
    risky = value - cash
    debt = eng.debt0
    equity = value - debt
    mm = eng.mm
    active = (value > 0) | (debt > 0)
    breach = active & (equity * BPS < mm * value)
    # breach after a uniform fall x = w.num/w.den in risky prices (value-level approximation of the
    # per-asset floor, exact in rationals): (1-mm)·((1-x)·R + C) < D
    num, den = within.numerator, within.denominator
    after = (BPS - mm) * ((den - num) * risky + den * cash) < BPS * den * debt
    near = active & ~breach & after
    over = np.zeros(book.n, dtype=bool)
    lim = book.leverage_limit_bps.astype(dtype)
    has_lim = lim > 0
    over = active & has_lim & ((equity <= 0) | (value * BPS > lim * equity))
    buckets: list[tuple[str, int, int, int]] = []
    pos_eq = active & (equity > 0)
    edges = list(LEVERAGE_EDGES)
    below = pos_eq & (value * edges[0].denominator < edges[0].numerator * equity)
    buckets.append((f"< {fixed(edges[0], 0)}x", int(below.sum()), _sum(value[below]), _sum(equity[below])))
    for i, lo in enumerate(edges):
        hi = edges[i + 1] if i + 1 < len(edges) else None
        m = pos_eq & (value * lo.denominator >= lo.numerator * equity)
        if hi is not None:
            m &= value * hi.denominator < hi.numerator * equity
        buckets.append((_bucket_label(lo, hi), int(m.sum()), _sum(value[m]), _sum(equity[m])))
    neg = active & (equity <= 0)
    buckets.append(("equity <= 0", int(neg.sum()), _sum(value[neg]), _sum(equity[neg])))
    limit_rows = []
    for lim_bps in sorted({int(x) for x in book.leverage_limit_bps.tolist()}):
        m = book.leverage_limit_bps == lim_bps
        limit_rows.append((lim_bps, int(m.sum()), int((m & active).sum()), _sum(value[m]), _sum(equity[m]),
                           int((m & over).sum())))
    return BookMetrics(
        accounts=book.n, active=int(active.sum()), value=_sum(value), debt=_sum(debt), equity=_sum(equity),
        in_breach=int(breach.sum()), near_liquidation=int(near.sum()),
        near_liquidation_debt=_sum(debt[near]), over_leverage_limit=int(over.sum()),
        leverage_buckets=buckets, limit_rows=limit_rows)


def margin_roe(leverage: Fraction, asset_return: Fraction, borrow_rate: Fraction) -> Fraction:
    """Return on equity of a margin position: ``m·R_asset − (m−1)·r_borrow`` (exact, leverage m = V/E)."""
    return leverage * asset_return - (leverage - 1) * borrow_rate


# --------------------------------------------------------------------------------------------------
# seeded synthetic book


def synthetic_book(n_accounts: int, seed: int = 0, *, insurance_fund_share: Fraction = Fraction(1, 100),
                   with_reserves: bool = True) -> MarginBook:
    """A deterministic synthetic margin book (numpy PCG64 seeded with ``seed``) for tests and benchmarks.

    Four stocks (0 decimals) and one crypto asset (8 decimals), USD with 2 decimals. Each account holds
    1–3 assets; leverage m is drawn in [1, 3] so debt = (m−1)/m · value; maintenance 2500 or 3000 bps;
    leverage limit 3x. The insurance fund is ``insurance_fund_share`` of the book's debt. Reserves equal
    the margin clients' net liabilities plus 2% (so coverage starts just above 100%).
    """
    rng = np.random.Generator(np.random.PCG64(seed))
    assets = [
        AssetSpec("USD", 2, PRICE_SCALE),
        AssetSpec("AAA", 0, 150 * PRICE_SCALE),
        AssetSpec("BBB", 0, 42_50 * PRICE_SCALE // 100),
        AssetSpec("CCC", 0, 310 * PRICE_SCALE),
        AssetSpec("DDD", 0, 9_75 * PRICE_SCALE // 100),
        AssetSpec("BTC", 8, 60_000 * PRICE_SCALE),
    ]
    n, a = n_accounts, len(assets)
    pos = np.zeros((n, a), dtype=np.int64)
    # target value per account in cents, log-normal around 50,000 USD
    target = np.exp(rng.normal(np.log(5_000_000), 1.0, n)).astype(np.int64) + 10_000
    k = rng.integers(1, 4, n)
    for j in range(1, a):
        chosen = rng.random(n) < (k / (a - 1))
        share = rng.integers(1, 101, n)
        price = assets[j].price_e8
        if assets[j].decimals == 0:
            qty = (target * share // 100) * PRICE_SCALE // (price * 100)
        else:
            qty = (target * share // 100) * (10**assets[j].decimals // 100) // (price // PRICE_SCALE)
        pos[:, j] = np.where(chosen, qty, 0)
    empty = pos[:, 1:].sum(axis=1) == 0
    pos[empty, 1] = np.maximum(1, target[empty] // 15_000)
    book0 = MarginBook("USD", assets, [f"acct-{i:06d}" for i in range(n)], pos,
                       np.zeros((n, a), dtype=np.int64), np.full(n, 2500, dtype=np.int64),
                       np.full(n, 50_000, dtype=np.int64))
    value = _values(pos, book0, book0.base_prices())
    lev_e4 = rng.integers(10_000, 30_001, n)  # leverage ×10^4 in [1, 3]
    debt = value * (lev_e4 - 10_000) // lev_e4
    debts = np.zeros((n, a), dtype=np.int64)
    debts[:, 0] = debt
    mm = np.where(rng.random(n) < 0.5, 2500, 3000).astype(np.int64)
    total_debt = int(debt.sum())
    book = MarginBook("USD", assets, book0.account_ids, pos, debts, mm, np.full(n, 30_000, dtype=np.int64),
                      insurance_fund=math.floor(total_debt * insurance_fund_share), source=f"synthetic(n={n}, seed={seed})")
    if with_reserves:
        # cash clients' deposits C = 1.5·D fund the margin loans D; the platform keeps C − D in cash plus
        # a buffer of 1% of the net liabilities' value, and holds every stock its clients own.
        held = {c.code: int(pos[:, j].sum()) for j, c in enumerate(assets)}
        deposits = 3 * total_debt // 2
        liabilities = {c: (q, 0) for c, q in held.items() if c != "USD"}
        liabilities["USD"] = (deposits, total_debt)
        net_value = sum(book.value_of(c, e - d) for c, (e, d) in liabilities.items())
        reserves = {c: q for c, q in held.items() if c != "USD"}
        reserves["USD"] = deposits - total_debt + net_value // 100
        book.reserves = reserves
        book.liabilities = liabilities
    return book
