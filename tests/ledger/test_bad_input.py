"""Bad input is refused with a clear error and nothing written (both databases)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from por.errors import (
    IdempotencyConflictError,
    InsufficientFundsError,
    LedgerError,
    PermissionDeniedError,
    SignatureError,
)
from por.ledger import Entry, make_entry
from por.ledger.journal import next_place
from por.ledger.tables import balance_t, journal_t, posting_t

from .conftest import World, signer


def _state(world: World) -> tuple:
    with world.led.engine.connect() as c:
        return (c.execute(select(func.count()).select_from(journal_t)).scalar(),
                c.execute(select(func.count()).select_from(posting_t)).scalar(),
                tuple(c.execute(select(balance_t).order_by(balance_t.c.account, balance_t.c.asset, balance_t.c.book))),
                world.led.head()["entry_hash"])


def _transfer(world: World, amount: object, asset: str = "USD", signer=None,  # type: ignore[no-untyped-def]
              place: tuple[int, str] | None = None) -> Entry:
    seq, prev = place or world.led.next_place()
    return make_entry(signer or world.op, "post", {"kind": "transfer", "postings": [
        ["alice:cash", asset, "main", -amount if isinstance(amount, int) else amount],  # type: ignore[operator]
        ["bob:cash", asset, "main", amount]]}, seq=seq, prev=prev)


def _batch(w: World) -> list[Entry]:
    first = _transfer(w, 10)
    return [first, _transfer(w, 10**9, place=next_place(first))]


def _bad_signature(w: World) -> Entry:
    e = _transfer(w, 10)
    by, sig = e.sigs[0]
    return dataclasses.replace(e, sigs=((by, ("0" if sig[0] != "0" else "1") + sig[1:]),))


def _tampered_body(w: World) -> Entry:
    e = _transfer(w, 10)
    other = _transfer(w, 11)
    return Entry(other.body_bytes, e.sigs, other.body, e.seq, e.prev)


CASES: list[tuple[str, Callable[[World], object], type[Exception], str]] = [
    ("bad signature", lambda w: w.led.append(_bad_signature(w)), SignatureError, "does not verify"),
    ("signature over other body", lambda w: w.led.append(_tampered_body(w)), SignatureError, "does not verify"),
    ("wrong role", lambda w: w.led.append(_transfer(w, 10, signer=w.oracle)), PermissionDeniedError, "may not sign post"),
    ("regulator posts", lambda w: w.led.append(_transfer(w, 10, signer=w.clerk)), PermissionDeniedError, "regulator"),
    ("non-member", lambda w: w.led.append(_transfer(w, 10, signer=signer("mallory"))),
     PermissionDeniedError, "not a member"),
    ("unbalanced", lambda w: w.led.post(w.op, [["alice:cash", "USD", "main", -10], ["bob:cash", "USD", "main", 9]]),
     LedgerError, "unbalanced"),
    ("float amount", lambda w: w.led.post(w.op, [["alice:cash", "USD", "main", -1.5], ["bob:cash", "USD", "main", 1.5]]),
     Exception, "float"),
    ("decimal amount", lambda w: w.led.deposit(w.op, "alice:cash", "USD", Decimal("1.5")), LedgerError, "integer"),
    ("negative deposit", lambda w: w.led.deposit(w.op, "alice:cash", "USD", -5), LedgerError, ">= 1"),
    ("overdraft", lambda w: w.led.transfer(w.op, "alice:cash", "bob:cash", "USD", 100_001), InsufficientFundsError,
     "below zero"),
    ("unknown asset", lambda w: w.led.deposit(w.op, "alice:cash", "EUR", 5), LedgerError, "unknown asset"),
    ("unknown account", lambda w: w.led.deposit(w.op, "carol:cash", "USD", 5), LedgerError, "unknown account"),
    ("debt on a cash account", lambda w: w.led.post(w.op, [["alice:cash", "USD", "debt", -5],
                                                           ["alice:cash", "USD", "main", 5]]), LedgerError, "book"),
    ("replayed idempotency key, different content",
     lambda w: w.led.transfer(w.op, "alice:cash", "bob:cash", "USD", 2, idem="k-1"), IdempotencyConflictError,
     "different content"),
    ("batch with one bad entry", lambda w: w.led.append_many(_batch(w)),
     InsufficientFundsError, "below zero"),
    ("unknown entry type", lambda w: w.led.submit(w.op, "mint", {}), LedgerError, "unknown entry type"),
]


@pytest.mark.parametrize("name,action,exc,match", CASES, ids=[c[0] for c in CASES])
def test_rejected_and_nothing_written(world: World, name: str, action, exc, match) -> None:  # type: ignore[no-untyped-def]
    world.led.transfer(world.op, "alice:cash", "bob:cash", "USD", 1, idem="k-1")
    before = _state(world)
    with pytest.raises(exc, match=match):
        action(world)
    assert _state(world) == before
    assert world.led.verify().ok
