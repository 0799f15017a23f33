"""CLI end to end (exit codes, JSON, no tracebacks) and deterministic synthetic data."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys

from por.ledger import Ledger
from por.ledger.synthetic import populate


def por(cwd, *args: str) -> subprocess.CompletedProcess[str]:  # type: ignore[no-untyped-def]
    return subprocess.run([sys.executable, "-m", "por.cli.main", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=60)


def test_cli_flow(tmp_path) -> None:  # type: ignore[no-untyped-def]
    r = por(tmp_path, "init", "--dir", "w", "--json")
    assert r.returncode == 0, r.stderr
    w = tmp_path / "w"
    bank = por(w, "member", "keygen", "keys/bank.key", "--json")
    pub = json.loads(bank.stdout)["public_key"]
    assert por(w, "member", "add", "bank", "--role", "custodian", "--public-key", pub).returncode == 0
    assert por(w, "ledger", "asset-add", "USD", "--decimals", "2", "--custodian", "bank").returncode == 0
    assert por(w, "ledger", "account-open", "alice:cash").returncode == 0
    r = por(w, "ledger", "post", "--account", "alice:cash", "--asset", "USD", "--amount", "12.34", "--json")
    seq = json.loads(r.stdout)["seq"]
    for bad in ("12.345", "1e2", "-1", "abc"):
        r = por(w, "ledger", "post", "--account", "alice:cash", "--asset", "USD", "--amount", bad)
        assert r.returncode == 1 and "Traceback" not in r.stderr and r.stderr.startswith("error:")
    r = por(w, "ledger", "balance", "alice:cash", "--json")
    assert json.loads(r.stdout)["balances"] == {"USD": {"main": 1234}}
    r = por(w, "withdraw", "request", "alice:cash", "USD", "2.00", "--to", "iban:1", "--json")
    assert json.loads(r.stdout)["withdrawal"]["status"] == "approved"
    r = por(w, "ledger", "log-proof", "--seq", "2", "--old", "3")
    proof = json.loads(r.stdout)
    from por.ledger import verify_consistency, verify_inclusion

    assert verify_inclusion(2, proof["inclusion"]["leaf_hash"], proof["size"], proof["root"], proof["inclusion"])
    c = proof["consistency"]
    assert verify_consistency(3, c["old_root"], c["new_size"], c["new_root"], c)
    assert por(w, "ledger", "verify").returncode == 0
    con = sqlite3.connect(w / "ledger.db")
    con.execute("UPDATE ledger_posting SET amount = 999999 WHERE entry_seq = ? AND account = 'alice:cash'", (seq,))
    con.commit()
    con.close()
    r = por(w, "ledger", "verify", "--json")
    assert r.returncode == 1
    failed = [c for c in json.loads(r.stdout)["checks"] if not c["ok"]]
    assert any(f"entry {seq} (post by operator)" in c["message"] for c in failed)
    r = por(w, "ledger", "post", "--db", "postgresql+psycopg://nobody@127.0.0.1:1/x", "--account", "a",
            "--asset", "USD", "--amount", "1")
    assert r.returncode == 2 and "Traceback" not in r.stderr


def test_synthetic_is_deterministic_and_verifies(tmp_path) -> None:  # type: ignore[no-untyped-def]
    bodies = []
    for name in ("a", "b"):
        led = Ledger.open(f"sqlite:///{tmp_path}/{name}.db")
        syn = populate(led, 60, seed=7)
        assert syn.withdrawals["settled"] > 0 and syn.head_seq == led.head()["seq"]
        with led.engine.connect() as c:
            bodies.append([r[0] for r in c.exec_driver_sql("SELECT body FROM ledger_journal ORDER BY seq")])
        if name == "a":
            assert led.verify().ok
            with led.snapshot() as s:
                rows = list(s.rows())
                assert len(rows) == 120 and [r[0] for r in rows] == sorted(r[0] for r in rows)
                debt = [s.columns.index(("USD", "debt"))]
                assert any(v[debt[0]] > 0 for _, v in rows)
            assert {"AAPL", "MSFT", "USD"} <= set(led.assets())
        led.close()
    assert bodies[0] == bodies[1]
