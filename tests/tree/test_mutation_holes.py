"""Holes the mutation test (tests/cli/test_mutations.py) found on the client's path and in the store's
meta, each pinned (docs/protocol.md §7.9, §7.10)."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from por.errors import TreeError
from por.tree import STORE_NAME, TreeStore, verify_client_proof
from tests.tree.conftest import EPOCH


def _failed(res: Any) -> dict[str, str]:
    return {c.id: c.message for c in res.failures}


def _pub(tree: Any) -> dict[str, Any]:
    info = tree.info
    desc = {k: v for k, v in info.to_dict().items() if k != "private"}
    return {"root_hash": info.root_hash, "root_commitments": info.root, "epoch_id": EPOCH, "expected": desc}


def test_a_lone_surrogate_epoch_is_a_failed_format_check_not_a_traceback(committed_tree: Any) -> None:
    p = committed_tree.copy_proof("alice")
    p["epoch_id"] = "\ud800"
    f = _failed(verify_client_proof(p, **_pub(committed_tree)))
    assert f.keys() == {"client.format"} and "epoch_id" in f["client.format"]
    raw = json.dumps(p).encode()  # the file's bytes: the JSON escape of a lone surrogate
    assert _failed(verify_client_proof(raw, **_pub(committed_tree))).keys() == {"client.format"}


def test_the_statements_are_exactly_those_of_the_encoding(committed_tree: Any) -> None:
    pub = _pub(committed_tree)
    assert verify_client_proof(committed_tree.copy_proof("alice"), **pub).ok
    p = committed_tree.copy_proof("alice")
    dropped = sorted(p["statements"])[0]
    del p["statements"][dropped]
    assert "client.statements" in _failed(verify_client_proof(p, **pub))
    p = committed_tree.copy_proof("alice")
    p["statements"] = {}
    assert "client.statements" in _failed(verify_client_proof(p, **pub))
    for published in ({}, {k: v for k, v in pub["expected"]["statements"].items() if k != dropped}):
        f = _failed(verify_client_proof(committed_tree.copy_proof("alice"), **dict(pub, expected=dict(
            pub["expected"], statements=published))))
        assert f.keys() == {"client.expected"} and "statements" in f["client.expected"], f


def _store_with(tree: Any, tmp_path: Path, key: str, value: Any) -> Path:
    out = tmp_path / "t"
    shutil.copytree(tree.out, out)
    db = sqlite3.connect(out / STORE_NAME)
    if value is None:
        db.execute("DELETE FROM meta WHERE key = ?", (key,))
    else:
        db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, json.dumps(value)))
    db.commit()
    db.close()
    return out


@pytest.mark.parametrize("key, value", [
    ("surprise", 1), ("protocol", None), ("proofs", None), ("range_proofs", None), ("protocol", "por-v0"),
    ("haircuts_bps", {"BTC": "5000"}), ("haircuts_bps", {"BTC": True}), ("haircuts_bps", {"BTC": 10001}),
    ("prices", {"BTC": " 100"}), ("prices", {"BTC": 100}), ("prices", {"BTC": "100\n"}),
])
def test_the_store_meta_is_read_strictly(committed_tree: Any, tmp_path: Path, key: str, value: Any) -> None:
    with pytest.raises(TreeError, match="tree store"):
        TreeStore(_store_with(committed_tree, tmp_path, key, value))


def test_the_store_context_is_lower_case_hex_with_nothing_around_it(committed_tree: Any, tmp_path: Path) -> None:
    ctx = committed_tree.info.to_dict()["context"]
    for i, bad in enumerate((f" {ctx}", f"{ctx}\n", ctx.upper() if ctx else "AB")):
        with pytest.raises(TreeError, match="context"):
            TreeStore(_store_with(committed_tree, tmp_path / str(i), "context", bad))
    TreeStore(_store_with(committed_tree, tmp_path / "ok", "context", ctx)).close()
