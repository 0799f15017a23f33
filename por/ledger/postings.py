"""Double-entry postings (``post`` entries) and signed oracle prices (``price`` entries).

A ``post`` payload is ``{"kind": K, "request": {...}, "postings": [[account, asset, book, amount], ...]}``.
Kinds: ``deposit`` (the asset's custodian reserve account to a client or platform account),
``transfer`` (between accounts), ``fee`` (client to house), ``adjust`` (platform accounts only). A
generic post touches only ``main`` books: ``held`` moves only through withdrawals and ``debt`` only
through margin trades and liquidations.
"""

from __future__ import annotations

from typing import Any, cast

from por.errors import LedgerError
from por.ledger import canonical
from por.ledger.core import Tx, handler
from por.ledger.journal import Entry, parse_postings
from por.ledger.tables import CLIENT_KINDS, PLATFORM_KINDS, price_t

POST_KINDS = ("deposit", "transfer", "fee", "adjust")


def deposit_postings(tx: Tx, account: str, asset: str, amount: int) -> list[list[Any]]:
    a = tx.asset(asset)
    canonical.check_int(amount, "deposit amount", minimum=1)
    return [[f"reserve:{a.custodian}", asset, "main", -amount], [account, asset, "main", amount]]


@handler("post")
def _post(tx: Tx, entry: Entry, seq: int) -> None:
    p = entry.payload
    kind = p.get("kind")
    if kind not in POST_KINDS:
        raise LedgerError(f"post kind {kind!r} must be one of {', '.join(POST_KINDS)}")
    postings = parse_postings(p.get("postings"))
    for acct, asset, _, _amount in postings:
        tx.require_account(acct)
        tx.asset(asset)
    if kind == "deposit":
        req = p.get("request")
        if not isinstance(req, dict):
            raise LedgerError("a deposit needs its request {account, asset, amount}")
        account = req.get("account")
        tx.require_account(account)
        assert isinstance(account, str)  # require_account raised otherwise
        amount = canonical.check_int(req.get("amount"), "deposit amount", minimum=1)
        # not narrowed here: deposit_postings -> tx.asset raises LedgerError for a missing or non-string asset
        asset_code = cast(str, req.get("asset"))
        if parse_postings(deposit_postings(tx, account, asset_code, amount)) != postings:
            raise LedgerError("deposit postings must move the amount from the asset's custodian reserve "
                              "account to the depositing account")
    elif kind == "adjust":
        for acct, *_ in postings:
            if tx.account_kind(acct) not in PLATFORM_KINDS:
                raise LedgerError(f"an adjust posting may touch platform accounts only (not {acct})")
    elif kind == "fee":
        kinds = {tx.account_kind(a) for a, *_ in postings}
        if not kinds <= {"house", *CLIENT_KINDS}:
            raise LedgerError("a fee moves funds between client accounts and house accounts only")
    tx.post(seq, postings, books=("main",))


@handler("price")
def _price(tx: Tx, entry: Entry, seq: int) -> None:
    p = entry.payload
    asset = tx.asset(p.get("asset")).code
    price = canonical.check_int(p.get("price_e8"), "price_e8", minimum=1)
    quote = p.get("quote", tx.config.get("quote_asset"))
    if quote != tx.config.get("quote_asset"):
        raise LedgerError(f"prices are quoted in {tx.config.get('quote_asset')}, not {quote!r}")
    tx.conn.execute(price_t.insert(), [{"seq": seq, "asset": asset, "price_e8": price, "time": entry.time,
                                        "oracle": entry.signer}])
