"""Margin financing: leverage, equity ratio, liquidation at the oracle price, the circuit breaker.

A margin account holds positions (``main``/``held`` books per asset) and a debt in the quote asset
(``debt`` book, <= 0). With prices p_a (×10^8, in the quote asset per whole unit):

    gross  = Σ_a value(position_a)            (cash in the quote asset counts at face value)
    equity = gross − debt
    (positions rounded down, debts and purchase costs up: :mod:`por.units`, docs/protocol.md §10.6)
    ratio  = equity / gross                   (basis points; 10000 without positions)
    leverage = gross / equity                  (must stay <= max_leverage after a trade)

With leverage m, equity E buys m·E of positions with debt (m−1)·E, so a price fall x costs about m·x
of equity. An account whose ratio falls below its maintenance margin is liquidated at the oracle
price: every non-quote position is sold to the street, the proceeds repay the debt, and a shortfall is
charged to the insurance fund. The circuit breaker pauses automated liquidation when an asset's price
moved more than ``breaker.move_bps`` within ``breaker.window_s`` or no fresh price is available.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, select

from por.errors import CircuitBreakerError, InsufficientFundsError, LedgerError, PriceUnavailableError
from por.ledger import canonical
from por.ledger.core import Tx, handler
from por.ledger.journal import Entry, check_id, parse_postings
from por.ledger.tables import margin_t, price_t
from por.units import BPS, PRICE_SCALE, debt_value, position_value


def merge(postings: Iterable[tuple[str, str, str, int]]) -> list[list[Any]]:
    """Combine postings on the same (account, asset, book), keep first-seen order, drop zeros."""
    acc: dict[tuple[str, str, str], int] = {}
    for a, s, b, v in postings:
        acc[(a, s, b)] = acc.get((a, s, b), 0) + v
    return [[a, s, b, v] for (a, s, b), v in acc.items() if v != 0]


@dataclass(frozen=True, slots=True)
class MarginState:
    account: str
    quote: str
    positions: dict[str, int]   # asset -> quantity (main + held), including the quote-asset cash
    debt: dict[str, int]        # asset -> debt owed (>= 0)
    max_leverage_bps: int
    maintenance_bps: int
    prices: dict[str, int]
    gross: int
    equity: int

    @property
    def ratio_bps(self) -> int:
        return BPS if self.gross <= 0 else (self.equity * BPS) // self.gross

    @property
    def leverage_bps(self) -> int | None:
        return None if self.equity <= 0 else (self.gross * BPS) // self.equity

    def to_dict(self) -> dict[str, Any]:
        return {"account": self.account, "quote": self.quote, "positions": self.positions, "debt": self.debt,
                "max_leverage_bps": self.max_leverage_bps, "maintenance_bps": self.maintenance_bps,
                "prices_e8": self.prices, "gross_value": self.gross, "equity": self.equity,
                "equity_ratio_bps": self.ratio_bps, "leverage_bps": self.leverage_bps}


def margin_state(tx: Tx, account: str, *, extra: dict[tuple[str, str], int] | None = None) -> MarginState:
    row = tx.conn.execute(select(margin_t).where(margin_t.c.account == account)).first()
    if row is None:
        raise LedgerError(f"{account} is not a margin account")
    bal = tx.account_balances(account)
    for k, v in (extra or {}).items():
        bal[k] = bal.get(k, 0) + v
    quote = row.quote
    qdec = tx.asset(quote).decimals
    positions: dict[str, int] = {}
    debt: dict[str, int] = {}
    for (asset, book), amt in bal.items():
        if book == "debt":
            if amt:
                debt[asset] = -amt
        elif amt:
            positions[asset] = positions.get(asset, 0) + amt
    prices: dict[str, int] = {}
    gross = 0
    for asset, qty in positions.items():
        if asset == quote:
            gross += qty
        else:
            p = tx.ledger.current_price(asset)
            prices[asset] = p
            gross += position_value(qty, price_e8=p, decimals=tx.asset(asset).decimals, reporting_decimals=qdec)
    debts = 0
    for asset, d in debt.items():
        if asset == quote:
            debts += d
        else:
            p = tx.ledger.current_price(asset)
            prices[asset] = p
            debts += debt_value(d, price_e8=p, decimals=tx.asset(asset).decimals, reporting_decimals=qdec)
    return MarginState(account, quote, positions, debt, int(row.max_leverage_bps), int(row.maintenance_bps),
                       prices, gross, gross - debts)


def liquidation_price_e8(tx: Tx, st: MarginState) -> dict[str, int | None]:
    """Per non-quote position: the price at which the ratio reaches maintenance, others held fixed."""
    out: dict[str, int | None] = {}
    qdec = tx.asset(st.quote).decimals
    mm = st.maintenance_bps
    for asset, qty in st.positions.items():
        if asset == st.quote or qty <= 0:
            continue
        other = st.gross - position_value(qty, price_e8=st.prices[asset], decimals=tx.asset(asset).decimals,
                                          reporting_decimals=qdec)
        debt = st.gross - st.equity
        num = (debt * BPS - other * (BPS - mm)) * PRICE_SCALE * 10 ** tx.asset(asset).decimals
        den = qty * 10**qdec * (BPS - mm)
        out[asset] = num // den if num > 0 else None
    return out


# ---------------------------------------------------------------- circuit breaker


def breaker_status(ledger: Any, conn: Connection, asset: str, now: str,
                   config: dict[str, Any]) -> tuple[bool, str]:
    """(ok, reason): False when the price moved too much in the window or no fresh price exists."""
    b = config.get("breaker", {})
    move_bps, window_s, max_age = int(b.get("move_bps", 2000)), int(b.get("window_s", 3600)), int(b.get("max_age_s", 86400))
    try:
        ledger.current_price(asset)
    except PriceUnavailableError as exc:
        return False, f"oracle quorum failed for {asset}: {exc}"
    last = conn.execute(select(price_t.c.time).where(price_t.c.asset == asset)
                        .order_by(price_t.c.seq.desc()).limit(1)).scalar()
    if last is not None and canonical.time_to_us(now) - canonical.time_to_us(last) > max_age * canonical.US_PER_S:
        return False, f"the last {asset} price ({last}) is older than {max_age} s"
    since = canonical.add_seconds(now, -window_s)
    prices = [int(p) for p in conn.execute(select(price_t.c.price_e8).where(
        price_t.c.asset == asset, price_t.c.time >= since)).scalars()]
    if len(prices) >= 2:
        lo, hi = min(prices), max(prices)
        move = (hi - lo) * BPS // lo
        if move > move_bps:
            return False, (f"{asset} moved {move} bps within {window_s} s (limit {move_bps} bps): "
                           "automated liquidation paused")
    return True, "ok"


# ---------------------------------------------------------------- entries


@handler("margin.open")
def _margin_open(tx: Tx, entry: Entry, seq: int) -> None:
    p = entry.payload
    acct = check_id(p.get("account"), "account")
    owner = check_id(p.get("owner"), "owner")
    quote = tx.asset(p.get("quote", tx.config.get("quote_asset"))).code
    lev = canonical.check_int(p.get("max_leverage_bps"), "max_leverage_bps", minimum=BPS, maximum=100 * BPS)
    mm = canonical.check_int(p.get("maintenance_bps"), "maintenance_bps", minimum=1, maximum=BPS - 1)
    if mm * lev >= BPS * BPS:
        raise LedgerError("maintenance margin must be below the initial margin 1/max_leverage")
    tx.add_account(acct, "margin", owner, seq)
    tx.conn.execute(margin_t.insert(), [{"account": acct, "quote": quote, "max_leverage_bps": lev,
                                         "maintenance_bps": mm, "status": "open", "opened_seq": seq}])


def trade_payload(tx: Tx, account: str, asset: str, qty: int, side: str) -> dict[str, Any]:
    """The payload of a margin trade at the current oracle price (buy borrows what cash lacks)."""
    st = margin_state(tx, account)
    a = tx.asset(asset)
    if asset == st.quote:
        raise LedgerError("trade a security against the quote asset, not the quote asset itself")
    canonical.check_int(qty, "quantity", minimum=1)
    if side not in ("buy", "sell"):
        raise LedgerError(f"side must be buy or sell, not {side!r}")
    price = tx.ledger.current_price(asset)
    qdec = tx.asset(st.quote).decimals
    cash = tx.balance(account, st.quote, "main")
    q = st.quote
    if side == "buy":
        cost = debt_value(qty, price_e8=price, decimals=a.decimals, reporting_decimals=qdec)  # a cost: up
        borrow = max(0, cost - cash)
        raw = [(account, q, "debt", -borrow), (account, q, "main", borrow), (account, q, "main", -cost),
               ("street", q, "main", cost), (account, asset, "main", qty), ("street", asset, "main", -qty)]
    else:
        held = tx.balance(account, asset, "main")
        if qty > held:
            raise InsufficientFundsError(f"{account} holds {held} {asset} (minor units), cannot sell {qty}")
        proceeds = position_value(qty, price_e8=price, decimals=a.decimals, reporting_decimals=qdec)
        repay = min(st.debt.get(q, 0), proceeds)
        raw = [(account, asset, "main", -qty), ("street", asset, "main", qty), ("street", q, "main", -proceeds),
               (account, q, "main", proceeds - repay), (account, q, "debt", repay)]
    return {"request": {"account": account, "asset": asset, "qty": qty, "side": side},
            "price_e8": price, "postings": merge(raw)}


@handler("margin.trade")
def _margin_trade(tx: Tx, entry: Entry, seq: int) -> None:
    p = entry.payload
    req = p.get("request")
    if not isinstance(req, dict):
        raise LedgerError("margin.trade needs its request {account, asset, qty, side}")
    acct = req.get("account")
    tx.require_account(acct, ("margin",))
    assert isinstance(acct, str)  # require_account raised otherwise
    expected = trade_payload(tx, acct, req.get("asset"), req.get("qty"), req.get("side"))  # type: ignore[arg-type]
    if p != expected:
        raise LedgerError(f"margin.trade payload does not match the trade at the current price "
                          f"{expected['price_e8']} (expected postings {expected['postings']})")
    postings = parse_postings(p["postings"])
    tx.post(seq, postings, books=("main", "debt"))
    if req["side"] == "buy":
        st = margin_state(tx, acct)
        if st.equity <= 0 or st.gross * BPS > st.max_leverage_bps * st.equity:
            raise InsufficientFundsError(
                f"buying would take {acct} to leverage {st.leverage_bps or 'infinite'} bps, above its limit "
                f"{st.max_leverage_bps} bps")


def liquidation_payload(tx: Tx, account: str) -> dict[str, Any]:
    st = margin_state(tx, account)
    if st.ratio_bps >= st.maintenance_bps:
        raise LedgerError(f"{account} is not below maintenance: equity ratio {st.ratio_bps} bps >= "
                          f"{st.maintenance_bps} bps")
    q = st.quote
    qdec = tx.asset(q).decimals
    raw: list[tuple[str, str, str, int]] = []
    cash = tx.balance(account, q, "main")
    for asset in sorted(st.positions):
        if asset == q:
            continue
        qty = tx.balance(account, asset, "main")
        if qty <= 0:
            continue
        v = position_value(qty, price_e8=st.prices[asset], decimals=tx.asset(asset).decimals, reporting_decimals=qdec)
        raw += [(account, asset, "main", -qty), ("street", asset, "main", qty), ("street", q, "main", -v),
                (account, q, "main", v)]
        cash += v
    debt = st.debt.get(q, 0)
    repay = min(cash, debt)
    shortfall = debt - repay
    raw += [(account, q, "main", -repay), (account, q, "debt", repay)]
    if shortfall:
        raw += [("insurance", q, "main", -shortfall), (account, q, "debt", shortfall)]
    return {"request": {"account": account}, "prices_e8": dict(sorted(st.prices.items())),
            "equity_ratio_bps": st.ratio_bps, "shortfall": shortfall, "postings": merge(raw)}


@handler("margin.liquidate")
def _margin_liquidate(tx: Tx, entry: Entry, seq: int) -> None:
    p = entry.payload
    req = p.get("request")
    if not isinstance(req, dict):
        raise LedgerError("margin.liquidate needs its request {account}")
    acct = req.get("account")
    tx.require_account(acct, ("margin",))
    assert isinstance(acct, str)  # require_account raised otherwise
    if not req.get("override"):
        for asset in margin_state(tx, acct).prices:
            ok, reason = breaker_status(tx.ledger, tx.conn, asset, entry.time, tx.config)
            if not ok:
                raise CircuitBreakerError(reason)
    expected = liquidation_payload(tx, acct)
    if req.get("override"):
        expected["request"] = dict(expected["request"], override=True)
    if p != expected:
        raise LedgerError("margin.liquidate payload does not match a liquidation at the current prices")
    tx.post(seq, parse_postings(p["postings"]), books=("main", "debt"))
