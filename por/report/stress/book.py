"""The margin book (``por-margin-book/1``): assets, dense quantity matrices, scalar valuation, its file.

docs/protocol.md §11.2 (the format) and §11.1 (a position's value rounds down, a debt's rounds up).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from por import canonical, units
from por.errors import EncodingError, StressError
from por.units import BPS, PRICE_SCALE

BOOK_FORMAT = "por-margin-book/1"

IntArray = npt.NDArray[Any]


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
        """Value in reporting minor units of ``qty`` minor units of ``code`` (floor, or ceil if ``up``:
        :func:`por.units.position_value` / :func:`por.units.debt_value`)."""
        a = self.asset(code)
        p = a.price_e8 if price_e8 is None else price_e8
        value = units.debt_value if up else units.position_value
        return value(qty, price_e8=p, decimals=a.decimals, reporting_decimals=self.currency_decimals)

    def value_exact(self, code: str, qty: int, price_e8: int) -> Fraction:
        return units.value_exact(qty, price_e8=price_e8, decimals=self.asset(code).decimals,
                                 reporting_decimals=self.currency_decimals)

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

