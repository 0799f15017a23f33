"""Prices: signed oracle ``price`` entries and the price source margin, liquidation and the breaker use.

docs/protocol.md §10.4 (the ``price`` entry), §10.6 (the price source and the circuit breaker) and
§8.5 (the quorum median of signed price reports that :mod:`por.reserves.ledger_adapter` installs as
the source).
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Connection, select

from por.errors import PriceUnavailableError
from por.ledger.core import Receipt
from por.ledger.facets.base import LedgerBase
from por.ledger.keys import Signer
from por.ledger.tables import price_t


class PricesFacet(LedgerBase):
    """Posting a signed price and choosing where :meth:`current_price` reads prices from."""

    def post_price(self, oracle: Signer, asset: str, price_e8: int, *, time: str | None = None) -> Receipt:
        """A minimal signed oracle price (×10^8, in the quote asset per whole unit)."""
        return self.submit(oracle, "price", {"asset": asset, "price_e8": price_e8}, time=time)

    def price_series(self) -> dict[str, list[tuple[str, int]]]:
        """Per asset, ``(time, price_e8)`` of every signed ``price`` entry, in journal order.

        Why: the predictive risk estimates (docs/protocol.md §11.6) take their price history from the
        oracles' entries the ledger recorded (§10.4), not from a file beside it (§11.6.1).
        """
        def q(conn: Connection) -> dict[str, list[tuple[str, int]]]:
            out: dict[str, list[tuple[str, int]]] = {}
            for row in conn.execute(select(price_t.c.asset, price_t.c.time, price_t.c.price_e8)
                                    .order_by(price_t.c.seq)):
                out.setdefault(str(row.asset), []).append((str(row.time), int(row.price_e8)))
            return out
        return self._read(q)

    def _db_price(self, asset: str) -> int:
        def q(conn: Connection) -> int:
            v = conn.execute(select(price_t.c.price_e8).where(price_t.c.asset == asset)
                             .order_by(price_t.c.seq.desc()).limit(1)).scalar()
            if v is None:
                raise PriceUnavailableError(f"no signed price for {asset}")
            return int(v)
        if self._active is not None:
            return q(self._active)
        return self._read(q)

    def set_price_source(self, source: Callable[[str], int] | None) -> None:
        """Replace the price source (e.g. a quorum median of oracle reports); None restores the default.

        The source returns price ×10^8 and raises :class:`PriceUnavailableError` when it has no usable
        price (which also trips the circuit breaker).
        """
        self._price_source = source

    def current_price(self, asset: str) -> int:
        """The price (×10^8) margin, liquidation and the circuit breaker use."""
        return (self._price_source or self._db_price)(asset)
