"""Ledger throughput: journal entries per second, signing + verification + chain + log + postings on.

Each entry is a signed two-posting transfer between client accounts, Ed25519-signed by the submitter
(timed separately: submitters sign in their own processes) and then verified, role-checked, chained,
logged, posted and balanced by the ledger (the figure). The note gives the rate including signing. ``single``: one entry per durable transaction (SQLite WAL with synchronous=FULL; PostgreSQL
default fsync). ``batched``: 1,000 entries per transaction. The floor is the best achievable rate on
the same database: plain INSERTs of the very same journal and posting rows into copies of the tables,
with the same transaction size (so ratio = value/floor <= 1 says how close the ledger gets to the
database's own insert speed).
"""

from __future__ import annotations

import os
import tempfile
import time
from contextlib import ExitStack
from typing import Any

from por.bench import Figure
from por.ledger import Ledger, Signer, bulk, keys, make_entry
from por.ledger.db import scratch_schema
from por.ledger.journal import next_place

PG_URL = os.environ.get("POR_TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
BATCH = 1000
ACCOUNTS = 200


def _setup(led: Ledger) -> tuple[Signer, list[str]]:
    op = Signer("operator", keys.from_seed("bench/operator"))
    au = Signer("auditor", keys.from_seed("bench/auditor"))
    bank = Signer("bank", keys.from_seed("bench/bank"))
    led.genesis(op, au, others=[(bank, ["custodian"])])
    led.add_asset(op, "USD", 2, "bank", kind="cash")
    accts = [f"bench-{i:04d}:cash" for i in range(ACCOUNTS)]
    led.open_accounts(op, [(a, "cash", None) for a in accts])
    from por.ledger.api import Request

    led.submit_many([Request(op, "post", {"kind": "deposit", "request": {"account": a, "asset": "USD",
                                                                        "amount": 10**12},
                                          "postings": [["reserve:bank", "USD", "main", -10**12],
                                                       [a, "USD", "main", 10**12]]}) for a in accts])
    return op, accts


def _entries(op: Signer, accts: list[str], n: int, start: int, place: tuple[int, str]) -> list[Any]:
    """``n`` transfers signed ahead, each for its place in the journal after ``place`` (the single writer)."""
    out = []
    for i in range(start, start + n):
        a, b = accts[i % len(accts)], accts[(i * 7 + 3) % len(accts)]
        if a == b:
            b = accts[(i + 1) % len(accts)]
        out.append(make_entry(op, "post", {"kind": "transfer", "postings": [[a, "USD", "main", -1],
                                                                             [b, "USD", "main", 1]]},
                              seq=place[0], prev=place[1]))
        place = next_place(out[-1])
    return out


def _floor(led: Ledger, first: int, last: int, per_tx: int) -> float:
    """Plain INSERTs of journal rows first..last and their postings, ``per_tx`` entries per transaction."""
    return bulk.insert_floor(led.engine, first, last, per_tx)


def _measure(led: Ledger, quick: bool) -> dict[str, tuple[float, float, float]]:
    op, accts = _setup(led)
    n_single = 150 if quick else 1000
    n_batched = 2 * BATCH if quick else 10 * BATCH
    out = {}
    # warm-up (caches, prepared statements)
    for e in _entries(op, accts, 20, 0, led.next_place()):
        led.append(e)
    first = led.head()["seq"] + 1
    k = 100
    t0 = time.perf_counter()
    signed = _entries(op, accts, n_single, k, led.next_place())
    sign_s = (time.perf_counter() - t0) / n_single
    t0 = time.perf_counter()
    for e in signed:
        led.append(e)
    single = n_single / (time.perf_counter() - t0)
    last = led.head()["seq"]
    out["single"] = (single, _floor(led, first, last, 1), 1 / (1 / single + sign_s))
    first = last + 1
    k += n_single
    t0 = time.perf_counter()
    signed = _entries(op, accts, n_batched, k, led.next_place())
    sign_s = (time.perf_counter() - t0) / n_batched
    t0 = time.perf_counter()
    for b in range(0, n_batched, BATCH):
        led.append_many(signed[b:b + BATCH])
    batched = n_batched / (time.perf_counter() - t0)
    last = led.head()["seq"]
    out["batched"] = (batched, _floor(led, first, last, BATCH), 1 / (1 / batched + sign_s))
    return out


def run(quick: bool) -> list[Figure]:
    figures: list[Figure] = []
    targets = {"single": 300.0, "batched": 5000.0}
    with tempfile.TemporaryDirectory() as d:
        led = Ledger.open(f"sqlite:///{d}/bench.db")
        try:
            res = _measure(led, quick)
        finally:
            led.close()
    for mode, (v, floor, e2e) in res.items():
        figures.append(Figure(f"ledger.sqlite.entries_per_s.{mode}", v, "entries/s", floor=floor,
                              target=targets[mode],
                              note=("ledger append of submitter-signed entries (verify, roles, chain, log, "
                                    f"postings, balances); including the submitter's signing: {e2e:.0f}/s; "
                                    "floor = plain INSERTs of the same journal+posting rows, same transaction "
                                    f"size ({1 if mode == 'single' else BATCH}), same SQLite file (WAL, "
                                    "synchronous=FULL)")))
    with ExitStack() as stack:
        try:
            schema = stack.enter_context(scratch_schema(PG_URL, "por_bench"))
        except Exception as exc:  # noqa: BLE001 - no server: report, do not crash the bench
            for mode in ("single", "batched"):
                figures.append(Figure(f"ledger.postgres.entries_per_s.{mode}", 0.0, "entries/s",
                                      note=f"PostgreSQL unavailable: {type(exc).__name__}"))
            return figures
        led = Ledger.open(PG_URL, schema=schema)
        try:
            res = _measure(led, quick)
        finally:
            led.close()
    for mode, (v, floor, e2e) in res.items():
        figures.append(Figure(f"ledger.postgres.entries_per_s.{mode}", v, "entries/s", floor=floor,
                              note=("ledger append of submitter-signed entries; including signing: "
                                    f"{e2e:.0f}/s; ""floor = plain INSERTs of the same journal+posting rows, same transaction "
                                    f"size ({1 if mode == 'single' else BATCH}), same PostgreSQL database")))
    return figures
