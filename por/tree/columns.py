"""Tree columns: ``(asset, kind)`` pairs, amount validation and the collateral combination.

A column is ``(asset, "equity")`` (what the platform owes the client in that asset) or
``(asset, "debt")`` (what the client owes the platform, from margin financing). Amounts are integers
in the asset's minor units, in ``[0, 2^64)``; never floats.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeGuard

from por.bundle.tree import KINDS as KINDS
from por.errors import TreeError, UsageError
from por.units import BPS

MAX_VALUE = 1 << 64  # every column value and every non-root node value is < 2^64 (node-range)
COLLATERAL_BITS = 128
_ASSET_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:/-]{0,63}\Z")


@dataclass(frozen=True, slots=True)
class Column:
    asset: str
    kind: str

    def to_list(self) -> list[str]:
        return [self.asset, self.kind]

    @property
    def label(self) -> str:
        return f"{self.asset}/{self.kind}"


def parse_columns(columns: Iterable[Any]) -> tuple[Column, ...]:
    """Validate a column list: non-empty, ``(asset, kind)`` pairs, kind in :data:`KINDS`, no repeats.

    Raises:
        UsageError: the list is empty or a column is malformed or repeated.
    """
    out: list[Column] = []
    seen: set[tuple[str, str]] = set()
    if isinstance(columns, (str, bytes)) or not isinstance(columns, Iterable):
        raise UsageError("columns must be a list of (asset, kind) pairs")
    for i, col in enumerate(columns):
        if isinstance(col, Column):
            asset, kind = col.asset, col.kind
        elif isinstance(col, (list, tuple)) and len(col) == 2:
            asset, kind = col
        else:
            raise UsageError(f"column {i}: expected (asset, kind), got {col!r}")
        if not isinstance(asset, str) or not _ASSET_RE.match(asset):
            raise UsageError(f"column {i}: asset {asset!r} is not a valid asset code")
        if not isinstance(kind, str) or kind not in KINDS:
            raise UsageError(f"column {i}: kind {kind!r} must be one of {', '.join(KINDS)}")
        if (asset, kind) in seen:
            raise UsageError(f"column {i}: ({asset}, {kind}) appears twice")
        seen.add((asset, kind))
        out.append(Column(asset, kind))
    if not out:
        raise UsageError("a tree needs at least one column")
    return tuple(out)


def has_debt_columns(columns: Sequence[Column]) -> bool:
    return any(c.kind == "debt" for c in columns)


def collateral_coefficients(
    columns: Sequence[Column], prices: Mapping[str, int] | None, haircuts_bps: Mapping[str, int] | None,
) -> tuple[int, ...] | None:
    """The public coefficients of the ``collateral`` statement over one leaf's columns, or None when
    the tree has no debt column (no collateral proofs at all).

    For ``(a, equity)`` the coefficient is ``haircut_bps[a] * price[a]``; for ``(a, debt)`` it is
    ``-10000 * price[a]``: the combination is the haircut collateral value minus the debt, both in
    price units times 10^4, and must lie in ``[0, 2^128)``.

    Raises:
        UsageError: a price or haircut is missing, not an integer, or out of range.
    """
    if not has_debt_columns(columns):
        return None
    if prices is None:
        raise UsageError("the tree has debt columns: prices (x10^8 integers per asset) are required")
    out: list[int] = []
    for c in columns:
        p = prices.get(c.asset)
        if not _is_int(p) or not 0 < p < (1 << 64):
            raise UsageError(f"price of {c.asset} missing or not a positive integer below 2^64")
        if c.kind == "equity":
            h = (haircuts_bps or {}).get(c.asset)
            if not _is_int(h) or not 0 <= h <= BPS:
                raise UsageError(f"haircut of {c.asset} missing or not an integer in [0, 10000] bps")
            out.append(h * p)
        else:
            out.append(-BPS * p)
    return tuple(out)


def collateral_value(coefficients: Sequence[int], values: Sequence[int]) -> int:
    return sum(k * v for k, v in zip(coefficients, values, strict=True))


def leaf_has_debt(columns: Sequence[Column], values: Sequence[int]) -> bool:
    return any(c.kind == "debt" and v for c, v in zip(columns, values, strict=True))


def _is_int(x: Any) -> TypeGuard[int]:
    return isinstance(x, int) and not isinstance(x, bool)


def check_values(account: str, values: Any, k: int) -> tuple[int, ...]:
    """One account's values: exactly ``k`` integers in ``[0, 2^64)``.

    Raises:
        TreeError: naming the account and the offending column (values not a list or tuple too).
    """
    if not isinstance(values, (list, tuple)):
        raise TreeError(f"account {account!r}: values must be a sequence of {k} integers")
    vals = tuple(values)
    if len(vals) != k:
        raise TreeError(f"account {account!r}: {len(vals)} values given, the tree has {k} columns")
    for i, v in enumerate(vals):
        if not _is_int(v):
            raise TreeError(f"account {account!r}: column {i} value {v!r} is not an integer")
        if v < 0:
            raise TreeError(f"account {account!r}: column {i} value {v} is negative")
        if v >= MAX_VALUE:
            raise TreeError(f"account {account!r}: column {i} value {v} is >= 2^64")
    return vals
