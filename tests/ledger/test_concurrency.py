"""8 processes post transfers and withdrawals at once; a writer is SIGKILLed mid-posting (both databases)."""

from __future__ import annotations

import multiprocessing as mp
import os
import signal
import subprocess
import sys
import time

import pytest

from por.errors import InsufficientFundsError
from por.ledger import Ledger

from .conftest import DB, build_world, signer

WORKERS = 8
CLIENTS = [f"c{i}:cash" for i in range(6)]


def _worker(url: str, schema: str | None, wid: int, q: mp.Queue) -> None:  # type: ignore[type-arg]
    led = Ledger.open(url, schema=schema)
    op = signer("operator")
    ok = refused = 0
    try:
        for i in range(12):
            a, b = CLIENTS[(wid + i) % 6], CLIENTS[(wid * 5 + i + 1) % 6]
            if a == b:
                b = CLIENTS[(wid + i + 3) % 6]
            led.transfer(op, a, b, "USD", 100 + wid, idem=f"w{wid}-t{i}")
            ok += 1
            if i == 5:  # every worker tries to take 30% of the hot account: only 3 may succeed
                try:
                    led.request_withdrawal(op, "hot:cash", "USD", 30_000, "iban:x", wid=f"W{wid}")
                    ok += 1
                except InsufficientFundsError:
                    refused += 1
        # a retried request never posts twice
        a, b = CLIENTS[wid % 6], CLIENTS[(wid * 5 + 1) % 6]
        if a == b:
            b = CLIENTS[(wid + 3) % 6]
        assert led.transfer(op, a, b, "USD", 100 + wid, idem=f"w{wid}-t0").replayed
        q.put((wid, ok, refused, None))
    except Exception as exc:  # noqa: BLE001 - report to the parent
        q.put((wid, ok, refused, repr(exc)))
    finally:
        led.close()


@pytest.mark.timeout(240)
def test_eight_processes(db: DB) -> None:
    led = db.open()
    w = build_world(led)
    led.open_accounts(w.op, [(c, "cash", None) for c in CLIENTS] + [("hot:cash", "cash", None)])
    for c in CLIENTS:
        led.deposit(w.op, c, "USD", 1_000_000)
    led.deposit(w.op, "hot:cash", "USD", 100_000)
    start = led.head()["seq"]
    ctx = mp.get_context("fork")
    q = ctx.Queue()
    procs = [ctx.Process(target=_worker, args=(db.url, db.schema, i, q)) for i in range(WORKERS)]
    for p in procs:
        p.start()
    results = [q.get(timeout=200) for _ in procs]
    for p in procs:
        p.join(30)
    errors = [r for r in results if r[3]]
    assert not errors, errors
    appended = sum(r[1] for r in results)
    assert sum(r[2] for r in results) == WORKERS - 3
    assert led.head()["seq"] == start + appended
    totals = led.totals()
    assert all(sum(v.values()) == 0 for v in totals.values())
    assert led.balance("hot:cash")["USD"] == {"main": 10_000, "held": 90_000}
    expected = {c: 1_000_000 for c in CLIENTS}
    for wid in range(WORKERS):
        for i in range(12):
            a, b = CLIENTS[(wid + i) % 6], CLIENTS[(wid * 5 + i + 1) % 6]
            if a == b:
                b = CLIENTS[(wid + i + 3) % 6]
            expected[a] -= 100 + wid
            expected[b] += 100 + wid
    for c in CLIENTS:
        assert led.balance(c)["USD"]["main"] == expected[c]  # no lost update
    res = led.verify()
    assert res.ok, [c.message for c in res.failures]
    led.close()


CHILD = r"""
import sys
from por.ledger import Ledger, make_entry
from por.ledger.journal import next_place
from tests.ledger.conftest import signer
led = Ledger.open(sys.argv[1], schema=(sys.argv[2] or None))
op = signer("operator")
i = 0
while True:
    batch, place = [], led.next_place()  # the only writer: sign 50 entries ahead, each for its place
    for _ in range(50):
        batch.append(make_entry(op, "post", {"kind": "transfer", "postings": [["alice:cash", "USD", "main", -1],
                                                                              ["bob:cash", "USD", "main", 1]]},
                                seq=place[0], prev=place[1]))
        place = next_place(batch[-1])
    led.append_many(batch)
    led.transfer(op, "bob:cash", "alice:cash", "USD", 1)
    i += 1
    print(i, flush=True)
"""


@pytest.mark.timeout(120)
def test_sigkill_mid_posting(db: DB) -> None:
    led = db.open()
    build_world(led)
    start = led.head()["seq"]
    env = dict(os.environ, PYTHONPATH=os.getcwd() + os.pathsep + os.environ.get("PYTHONPATH", ""))
    child = subprocess.Popen([sys.executable, "-c", CHILD, db.url, db.schema or ""], stdout=subprocess.PIPE,
                             env=env, cwd=os.getcwd())
    assert child.stdout is not None
    for _ in range(3):  # let it commit a few rounds, then kill it in the middle of the next
        assert child.stdout.readline(), "writer died early"
    time.sleep(0.05)
    child.send_signal(signal.SIGKILL)
    child.wait(30)
    led.clear_caches()
    res = led.verify()
    assert res.ok, [c.message for c in res.failures]
    appended = led.head()["seq"] - start
    assert appended >= 3 * 51
    # batches are atomic: every round adds 51 entries, a killed batch adds none of its 50
    assert appended % 51 in (0, 50)
    assert sum(led.totals()["USD"].values()) == 0
    led.deposit(signer("operator"), "alice:cash", "USD", 1)  # the ledger keeps working
    assert led.verify().ok
    led.close()
