"""Completeness for the auditor with ledger access: every ledger account at its shuffle position
with exactly its values, every other leaf its padding leaf, nothing else; failures name the account
or the position, never a traceback."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import por.tree.build as B
from por.parallel import SerialExecutor
from por.result import Result
from por.tree import build_tree, verify_completeness
from por.tree.store import ACCOUNTS_NAME, Accounts

from .conftest import EPOCH, MASTER, ROWS

COLS = [("USD", "equity"), ("BTC", "equity")]
LEDGER = [(f"client-{i:02d}", (100 * i + 1, i % 3)) for i in range(21)]  # height 5 with min_height: 11 pads
IDS = ("completeness.count", "completeness.accounts", "completeness.padding", "completeness.collateral")


def check(out: Path, rows: Any, **kw: Any) -> Result:
    args = {"master_secret": MASTER, "epoch_id": EPOCH, "executor": SerialExecutor(), "unit_bits": 3} | kw
    return verify_completeness(out, rows, **args)


def failed(res: Result) -> dict[str, str]:
    return {c.id: c.message for c in res.checks if not c.ok}


def position(out: Path, account: str) -> int:
    acc = Accounts(out / ACCOUNTS_NAME)
    try:
        return next(p for p, a, _ in acc if a == account)
    finally:
        acc.close()


@pytest.fixture(scope="module", params=["committed", "plain"])
def tree(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp(request.param)
    build_tree(COLS, LEDGER, epoch_id=EPOCH, master_secret=MASTER, out_dir=out, mode=request.param,
               min_height=5, executor=SerialExecutor(), range_proofs=False, unit_bits=2)
    return out


def test_a_complete_tree_passes(tree: Path, committed_tree: Any) -> None:
    res = check(tree, iter(LEDGER))
    assert res.ok, res.failures
    assert [c.id for c in res.checks] == list(IDS)
    assert "21 account(s) and 11 padding leaf(s)" in res.checks[0].message
    # the proven session tree (three columns, debt) with the default unit size
    assert check(committed_tree.out, ROWS, unit_bits=12).ok


def test_an_account_missing_from_the_rows(tree: Path) -> None:
    q = position(tree, "client-07")
    f = failed(check(tree, [r for r in LEDGER if r[0] != "client-07"]))
    assert f.keys() >= {"completeness.count", "completeness.padding"}
    assert f"position {q} holds a leaf that is neither a ledger account nor a padding leaf" in f["completeness.padding"]
    assert "1 leaf(s) that are no ledger account" in f["completeness.count"]


def test_an_extra_account_in_the_rows(tree: Path) -> None:
    f = failed(check(tree, [*LEDGER, ("mallory", (5, 0))]))
    assert "account 'mallory' is missing from the tree" in f["completeness.accounts"]
    assert "beyond the 10 padding leaves" in f["completeness.padding"]
    assert "the tree holds 21 of them" in f["completeness.count"]


def test_a_changed_value(tree: Path) -> None:
    rows = [(a, (v[0] + 1, v[1]) if a == "client-03" else v) for a, v in LEDGER]
    f = failed(check(tree, rows))
    assert f.keys() == {"completeness.accounts"}
    msg = f["completeness.accounts"]
    assert f"account 'client-03': its leaf at position {position(tree, 'client-03')} does not hold its value " \
           "in column USD/equity" in msg
    if "plain" in tree.name:
        assert "(the tree has 301, the ledger 302)" in msg


@pytest.mark.parametrize("mode", ["committed", "plain"])
def test_a_padding_leaf_replaced_by_a_non_zero_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                   mode: str) -> None:
    """A test double makes padding leaf 2 hold 7 units (the builder would never do it)."""
    real = B.build_unit

    def forge(u: Any) -> Any:
        k = u.k
        vals = list(u.values)
        for i, key in enumerate(u.keys):
            if key == 2 and not isinstance(key, bool):
                vals[i * k] = 7
        return real(dataclasses.replace(u, values=tuple(vals)))

    monkeypatch.setattr(B, "build_unit", forge)
    build_tree(COLS, LEDGER, epoch_id=EPOCH, master_secret=MASTER, out_dir=tmp_path, mode=mode, min_height=5,
               executor=SerialExecutor(), range_proofs=False, unit_bits=2)
    monkeypatch.undo()
    f = failed(check(tmp_path, LEDGER))
    assert f.keys() == {"completeness.padding"}
    verb = "commit to" if mode == "committed" else "hold"
    assert f"padding leaf 2 does not {verb} zero in column USD/equity" in f["completeness.padding"]


def test_bad_input_never_raises(tree: Path, tmp_path: Path) -> None:
    # unusable rows are named; a repeated account is a count failure
    rows: list[Any] = [*LEDGER, ("client-01", (102, 1)), ("neg", (-1, 0)), ("short", (1,)), 42, (7, (1, 1))]
    f = failed(check(tree, rows))
    assert "account 'client-01' appears more than once" in f["completeness.count"]
    msg = f["completeness.accounts"]
    assert "'neg': column 0 value -1 is negative" in msg and "'short': 1 values given" in msg
    assert "ledger row 24: not an (account id, values) pair" in msg and "ledger row 25: account id 7" in msg

    def broken() -> Iterator[tuple[str, tuple[int, ...]]]:
        yield LEDGER[0]
        raise OSError("connection to the ledger lost")

    for res, needle in [
        (check(tree, broken()), "connection to the ledger lost"),
        (check(tmp_path / "missing", LEDGER), "cannot read the tree store"),
        (check(tree, LEDGER, epoch_id="2027-01-01"), "is of epoch"),
        (check(tree, LEDGER, master_secret=b"short"), "master secret"),
        (check(tree, LEDGER, master_secret=bytes(32)), "wrong master secret"),
        (check(tree, [(f"x{i}", (1, 1)) for i in range(40)]), "only 32 leaf positions"),
    ]:
        f = failed(res)
        assert f.keys() == set(IDS), f
        assert all(needle in m for m in f.values()), (needle, f)
    garbage = tmp_path / "garbage.sqlite"
    garbage.write_bytes(b"not a database" * 20)
    assert failed(check(garbage, LEDGER)).keys() == set(IDS)


def test_a_missing_or_extra_collateral_proof_is_named(committed_tree: Any, tmp_path: Path) -> None:
    """alice has debt: deleting her collateral proof passes the full-tree check (it verifies the proofs
    that are there) but not completeness, which knows from the ledger which leaves have debt; a proof
    at a leaf without debt (bob's) fails too."""
    import shutil
    import sqlite3

    from por.tree import verify_tree

    alice, bob = position(committed_tree.out, "alice"), position(committed_tree.out, "bob")
    assert check(committed_tree.out, ROWS, unit_bits=12).checks[-1].message.startswith("exactly the 1 leaf")
    for what in ("missing", "extra"):
        out = tmp_path / what
        shutil.copytree(committed_tree.out, out)
        db = sqlite3.connect(out / "tree.sqlite")
        if what == "missing":
            db.execute("DELETE FROM collateral WHERE position = ?", (alice,))
        else:
            proof = db.execute("SELECT proof FROM collateral WHERE position = ?", (alice,)).fetchone()[0]
            db.execute("INSERT INTO collateral VALUES (?, ?)", (bob, proof))
        db.commit()
        db.close()
        if what == "missing":
            assert verify_tree(out, executor=SerialExecutor()).ok, "the full-tree check cannot see it"
        f = failed(check(out, ROWS, unit_bits=12))
        assert list(f) == ["completeness.collateral"], f
        assert (f"account 'alice' at position {alice} has debt but no collateral proof" if what == "missing"
                else f"position {bob} carries a collateral proof") in f["completeness.collateral"]
