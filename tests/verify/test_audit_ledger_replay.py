"""With ledger access the auditor also replays the ledger itself (step 12, ``ledger.*``): the
completeness checks read derived tables, so a journal whose signatures or postings were altered must
fail the audit, not only a separate ``por ledger verify``."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from por.tree.secret_file import read_master_secret
from tests.fixtures import Demo, audit_with_ledger, clone_workspace, no_traceback, only_check, run_por

EPOCH = "epoch-0001"


def _db_file(root: Path) -> Path:
    from por.epoch.workspace import Workspace

    url = Workspace.load(root).db_url
    assert url.startswith("sqlite:///"), url
    return Path(url.removeprefix("sqlite:///"))


def _journal_seq(bundle: Path) -> int:
    return int(json.loads((bundle / "manifest.json").read_text())["signed"]["journal_seq"])


def _forge_signature(db: Path, seq: int) -> str:
    """Flip one hex digit of entry ``seq``'s first signature; returns the entry's type."""
    with sqlite3.connect(db) as con:
        typ, sigs = con.execute("SELECT type, sigs FROM ledger_journal WHERE seq = ?", (seq,)).fetchone()
        doc = json.loads(sigs)
        s = doc[0]["sig"]
        doc[0]["sig"] = ("0" if s[0] != "0" else "1") + s[1:]
        con.execute("UPDATE ledger_journal SET sigs = ? WHERE seq = ?", (json.dumps(doc, separators=(",", ":")), seq))
    return str(typ)


def test_the_audit_replays_the_ledger_and_names_its_checks(demo: Demo, memo_verify_tree: dict[str, int]) -> None:
    from por.epoch.workspace import Workspace
    from por.ledger import Ledger

    res = audit_with_ledger(demo.root, demo.bundle(EPOCH), demo)
    assert res.ok, [str(c) for c in res.failures]
    with Ledger.open(Workspace.load(demo.root).db_url, create=False) as led:
        alone = led.verify()
    assert alone.ok
    ids = [c.id for c in res.checks if c.id.startswith("ledger.")]
    assert ids == [c.id for c in alone.checks]
    assert "entries 1.." in only_check(res, "ledger.sequence").message


def test_a_forged_journal_signature_fails_the_audit(demo: Demo, tmp_path: Path,
                                                   memo_verify_tree: dict[str, int]) -> None:
    """An entry before the cut-off with a signature that no longer verifies: every bundle and
    completeness check still passes (they read balances, members and log leaves), the replay names it."""
    from por.epoch.workspace import Workspace
    from por.verify import verify_bundle

    root = clone_workspace(demo.root, tmp_path / "ws")
    bundle = root / "epochs" / EPOCH
    seq = _journal_seq(bundle) // 2
    typ = _forge_signature(_db_file(root), seq)
    ws = Workspace.load(root)
    secret = read_master_secret(ws.private_dir(EPOCH) / "master.secret")
    skipped = verify_bundle(bundle, operator_key=str(demo.operator_pub), ledger_url=ws.db_url,
                            master_secret=secret, ledger_integrity=False)
    assert skipped.ok, [str(c) for c in skipped.failures]
    assert not any(c.id.startswith("ledger.") for c in skipped.checks)
    res = audit_with_ledger(root, bundle, demo)
    failed = [c.id for c in res.failures]
    assert "ledger.signatures" in failed and all(i.startswith("ledger.") for i in failed), failed
    assert f"entry {seq} ({typ} by" in only_check(res, "ledger.signatures").message
    # the signature is hashed into the chain, so the chain and the log over recomputed leaves break too
    assert f"entry {seq}" in only_check(res, "ledger.chain").message


def test_a_rewritten_posting_after_the_cut_off_fails_the_audit(demo: Demo, tmp_path: Path,
                                                              memo_verify_tree: dict[str, int]) -> None:
    """A posting row changed in a later entry leaves the cut-off snapshot alone; the replay still
    finds the row that is not what its signed entry states."""
    root = clone_workspace(demo.root, tmp_path / "ws")
    seq = _journal_seq(root / "epochs" / EPOCH)
    with sqlite3.connect(_db_file(root)) as con:
        row = con.execute("SELECT entry_seq, idx FROM ledger_posting WHERE entry_seq > ? ORDER BY entry_seq LIMIT 1",
                          (seq,)).fetchone()
        assert row is not None, "the demo's second run adds entries after epoch-0001's cut-off"
        con.execute("UPDATE ledger_posting SET amount = amount + 1 WHERE entry_seq = ? AND idx = ?", row)
    res = audit_with_ledger(root, root / "epochs" / EPOCH, demo)
    failed = {c.id for c in res.failures}
    assert "ledger.postings" in failed and not any(i.startswith("completeness.") for i in failed), failed
    assert f"entry {row[0]}" in only_check(res, "ledger.postings").message


def test_cli_replays_by_default_and_can_skip(demo: Demo, tmp_path: Path) -> None:
    root = clone_workspace(demo.root, tmp_path / "ws")
    bundle = root / "epochs" / EPOCH
    _forge_signature(_db_file(root), _journal_seq(bundle) // 2)
    from por.epoch.workspace import Workspace

    ws = Workspace.load(root)
    args = ["audit", "verify", bundle, "--operator-key", demo.operator_pub, "--ledger", ws.db_url,
            "--master-secret", ws.private_dir(EPOCH) / "master.secret", "--json"]
    cp = run_por(*args)
    no_traceback(cp)
    assert cp.returncode == 1, cp.stdout + cp.stderr
    failed = [c["id"] for c in json.loads(cp.stdout)["checks"] if not c["ok"]]
    assert "ledger.signatures" in failed and all(i.startswith("ledger.") for i in failed), failed
    cp = run_por(*args, "--skip-ledger-replay")
    assert cp.returncode == 0, cp.stdout + cp.stderr
    cp = run_por("audit", "verify", bundle, "--skip-ledger-replay")
    no_traceback(cp)
    assert cp.returncode == 2 and "--skip-ledger-replay only applies with --ledger" in cp.stderr


def test_a_ledger_url_naming_no_file_fails_and_creates_nothing(demo: Demo, tmp_path: Path,
                                                              memo_verify_tree: dict[str, int]) -> None:
    """A mistyped SQLite path: completeness and the replay fail, named; no empty database appears
    (before, opening it created one and the failure read "no such table")."""
    from por.epoch.workspace import Workspace
    from por.verify import verify_bundle

    missing = tmp_path / "typo.db"
    secret = read_master_secret(Workspace.load(demo.root).private_dir(EPOCH) / "master.secret")
    res = verify_bundle(demo.bundle(EPOCH), operator_key=str(demo.operator_pub), ledger_url=f"sqlite:///{missing}",
                        master_secret=secret)
    assert [c.id for c in res.failures] == ["completeness", "ledger"]
    assert all(f"no SQLite ledger file at '{missing}'" in c.message for c in res.failures)
    assert not missing.exists()
    cp = run_por("ledger", "verify", "--db", f"sqlite:///{missing}")
    no_traceback(cp)
    assert cp.returncode == 2 and "no SQLite ledger file" in cp.stderr
    assert not missing.exists()


def test_the_audit_reports_its_progress(demo: Demo) -> None:
    """The long steps report ``progress(stage, done, total)`` from 0 to their total (the CLI draws
    them on a terminal's stderr): the tree's nodes, its range-proof and collateral batches, the replay."""
    from collections import defaultdict

    from por.epoch.workspace import Workspace
    from por.ledger import Ledger
    from por.verify import verify_bundle

    ws = Workspace.load(demo.root)
    seen: dict[str, list[tuple[int, int]]] = defaultdict(list)
    res = verify_bundle(demo.bundle(EPOCH), operator_key=str(demo.operator_pub), ledger_url=ws.db_url,
                        master_secret=read_master_secret(ws.private_dir(EPOCH) / "master.secret"),
                        progress=lambda stage, done, total: seen[stage].append((done, total)))
    assert res.ok, [str(c) for c in res.failures]
    assert set(seen) == {"tree nodes", "range proofs", "collateral", "ledger replay"}
    for stage, marks in seen.items():
        dones = [d for d, _ in marks]
        assert dones[0] == 0 and dones == sorted(dones), stage
        assert marks[-1][0] == marks[-1][1] > 0, (stage, marks[-1])
    with Ledger.open(ws.db_url, create=False) as led:
        assert seen["ledger replay"][-1][1] == led.head()["seq"]


def test_posting_rows_of_no_entry_fail_the_replay_and_do_not_move_the_snapshot(
        demo: Demo, tmp_path: Path, memo_verify_tree: dict[str, int]) -> None:
    """Rows with an ``entry_seq`` outside the journal (0, or past the head) are counted by no replayed
    entry. The cut-off snapshot ignores entry_seq < 1, and the replay names the rows."""
    from por.epoch.workspace import Workspace
    from por.ledger import Ledger

    root = clone_workspace(demo.root, tmp_path / "ws")
    seq = _journal_seq(root / "epochs" / EPOCH)
    url = Workspace.load(root).db_url
    with Ledger.open(url, create=False) as led, led.snapshot(seq) as snap:
        before = list(snap.rows())
    with sqlite3.connect(_db_file(root)) as con:
        acct, asset = con.execute("SELECT account, asset FROM ledger_balance WHERE account LIKE 'syn%' "
                                  "AND book = 'main' AND amount > 0 LIMIT 1").fetchone()
        head = con.execute("SELECT MAX(seq) FROM ledger_journal").fetchone()[0]
        con.executemany("INSERT INTO ledger_posting VALUES (?, ?, ?, ?, 'main', ?)",
                        [(0, 0, acct, asset, -1), (0, 1, "house", asset, 1), (head + 5, 0, acct, asset, 7)])
    with Ledger.open(url, create=False) as led, led.snapshot(seq) as snap:
        assert list(snap.rows()) == before
    res = audit_with_ledger(root, root / "epochs" / EPOCH, demo)
    assert [c.id for c in res.failures] == ["ledger.postings"]
    assert f"3 posting row(s) belong to no journal entry (entry_seq 0..{head + 5}" in res.failures[0].message


def test_account_and_asset_rows_are_replayed(demo: Demo, tmp_path: Path) -> None:
    """The snapshot reads an account's owner and opening entry and an asset's adding entry, the margin
    engine and the stress test a margin account's limits: a table rewritten in any of them fails the
    replay, naming the row."""
    from por.epoch.workspace import Workspace
    from por.ledger import Ledger

    root = clone_workspace(demo.root, tmp_path / "ws")
    with sqlite3.connect(_db_file(root)) as con:
        acct = con.execute("SELECT id FROM ledger_account WHERE kind = 'cash' AND owner LIKE 'syn%' "
                           "ORDER BY id LIMIT 1").fetchone()[0]
        other = con.execute("SELECT id FROM ledger_account WHERE kind = 'margin' ORDER BY id LIMIT 1").fetchone()[0]
        con.execute("UPDATE ledger_account SET opened_seq = 1000000 WHERE id = ?", (acct,))
        con.execute("UPDATE ledger_account SET owner = 'someone-else' WHERE id = ?", (other,))
        con.execute("UPDATE ledger_asset SET added_seq = 1000000 WHERE code = 'AAPL'")
        con.execute("UPDATE ledger_margin SET maintenance_bps = 1 WHERE account = ?", (other,))
    with Ledger.open(Workspace.load(root).db_url, create=False) as led:
        res = led.verify()
    failed = {c.id: c.message for c in res.failures}
    assert set(failed) == {"ledger.accounts", "ledger.assets", "ledger.margin"}, failed
    assert f"margin account {other}:" in failed["ledger.margin"]
    assert f"account {acct}:" in failed["ledger.accounts"] and "1000000" in failed["ledger.accounts"]
    assert f"account {other}:" in failed["ledger.accounts"] and "someone-else" in failed["ledger.accounts"]
    assert "asset AAPL:" in failed["ledger.assets"]
