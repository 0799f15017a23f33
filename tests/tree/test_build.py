"""Building: root sums and openings (properties), shape, shuffle, private files, refused input."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from por.crypto.pedersen import commit
from por.errors import TreeError, UsageError
from por.parallel import LocalExecutor, SerialExecutor
from por.tree import OPENING_NAME, STORE_NAME, TreeInfo, TreeStore, build_tree, verify_tree
from por.tree.build import tree_height

from .conftest import EPOCH, HAIRCUTS, MASTER, PRICES

U64 = 2**64 - 1
_settings = settings(max_examples=25, deadline=None,
                     suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def _rows(draw_values: list[tuple[int, ...]]) -> list[tuple[str, tuple[int, ...]]]:
    return [(f"acct-{i}", v) for i, v in enumerate(draw_values)]


@st.composite
def inputs(draw: st.DrawFn) -> tuple[int, list[tuple[int, ...]]]:
    k = draw(st.integers(1, 3))
    n = draw(st.integers(1, 40))
    cap = U64 // 64  # column totals stay below 2^64
    vals = draw(st.lists(st.tuples(*[st.integers(0, cap)] * k), min_size=n, max_size=n))
    return k, vals


@given(inputs(), st.integers(0, 7))
@_settings
def test_plain_root_sums_equal_input_sums(tmp_path_factory: pytest.TempPathFactory,
                                          data: tuple[int, list[tuple[int, ...]]], min_height: int) -> None:
    k, vals = data
    out = tmp_path_factory.mktemp("p")
    cols = [(f"A{i}", "equity") for i in range(k)]
    info = build_tree(cols, _rows(vals), epoch_id=EPOCH, master_secret=MASTER, out_dir=out, mode="plain",
                      min_height=min_height, executor=SerialExecutor(), unit_bits=3)
    assert info.root_sums == tuple(sum(v[i] for v in vals) for i in range(k))
    assert info.height == tree_height(len(vals), min_height)
    assert info.leaf_count == len(vals)
    opening = json.loads((out / OPENING_NAME).read_text())
    assert [int(x) for x in opening["values"]] == list(info.root_sums or ())
    res = verify_tree(out, expected=info, executor=SerialExecutor(), unit_bits=2)
    assert res.ok, res.failures


@given(inputs())
@_settings
def test_committed_root_opens_to_input_sums(tmp_path_factory: pytest.TempPathFactory,
                                            data: tuple[int, list[tuple[int, ...]]]) -> None:
    k, vals = data
    vals = vals[:12]
    out = tmp_path_factory.mktemp("c")
    cols = [(f"A{i}", "equity") for i in range(k)]
    info = build_tree(cols, _rows(vals), epoch_id=EPOCH, master_secret=MASTER, out_dir=out,
                      executor=SerialExecutor(), range_proofs=False, unit_bits=2)
    opening = json.loads((out / OPENING_NAME).read_text())
    sums = [sum(v[i] for v in vals) for i in range(k)]
    assert [int(x) for x in opening["values"]] == sums
    for c in range(k):
        assert commit(sums[c], int(opening["blindings"][c], 16)) == bytes.fromhex(info.root[c])


def test_one_client_and_min_height(tmp_path: Path) -> None:
    info = build_tree([("USD", "equity")], [("only", (5,))], epoch_id=EPOCH, master_secret=MASTER,
                      out_dir=tmp_path, mode="plain")
    assert info.height == 1 and info.root_sums == (5,)
    info = build_tree([("USD", "equity")], [("only", (5,))], epoch_id=EPOCH, master_secret=MASTER,
                      out_dir=tmp_path, mode="plain", min_height=6)
    assert info.height == 6


def test_shuffle_is_deterministic_and_keyed(tmp_path: Path) -> None:
    rows = [(f"a{i}", (i,)) for i in range(20)]

    def positions(secret: bytes, sub: str) -> list[int]:
        out = tmp_path / sub
        build_tree([("USD", "equity")], rows, epoch_id=EPOCH, master_secret=secret, out_dir=out, mode="plain")
        db = sqlite3.connect(out / "accounts.sqlite")
        ids = [json.loads(r[0]) for r in db.execute("SELECT ids FROM chunks ORDER BY start")]
        flat = [x for chunk in ids for x in chunk]
        return [flat.index(f"a{i}") for i in range(20)]

    a, b, c = positions(MASTER, "a"), positions(MASTER, "b"), positions(bytes(32), "c")
    assert a == b
    assert a != c
    assert a != sorted(a)  # not in input order


def test_tree_info_round_trip(committed_tree) -> None:
    info = committed_tree.info
    assert TreeInfo.from_dict(json.loads(json.dumps(info.to_dict()))) == info
    assert "leaf_count" not in info.public_dict()
    with pytest.raises(TreeError):
        TreeInfo.from_dict({"mode": "plain"})


def test_store_is_sqlite_with_the_documented_tables(committed_tree) -> None:
    db = sqlite3.connect(committed_tree.out / STORE_NAME)
    tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert tables == {"meta", "nodes", "range_proofs", "collateral"}
    with TreeStore(committed_tree.out) as st_:
        assert st_.meta["format"] == "por-tree-store/2" and st_.meta["leaf_format"] == "por-leaf/2"
        assert st_.height == committed_tree.info.height
        assert st_.collateral_positions()  # alice has debt
        assert "leaf_count" not in st_.meta


def test_executors_give_identical_trees(tmp_path: Path) -> None:
    rows = [(f"a{i}", (i * 3, i)) for i in range(300)]
    cols = [("USD", "equity"), ("EUR", "equity")]
    a = build_tree(cols, rows, epoch_id=EPOCH, master_secret=MASTER, out_dir=tmp_path / "s", mode="plain",
                   executor=SerialExecutor(), unit_bits=5)
    with LocalExecutor(2) as ex:
        b = build_tree(cols, rows, epoch_id=EPOCH, master_secret=MASTER, out_dir=tmp_path / "l", mode="plain",
                       executor=ex, unit_bits=5)
    c = build_tree(cols, rows, epoch_id=EPOCH, master_secret=MASTER, out_dir=tmp_path / "u", mode="plain",
                   executor=SerialExecutor(), unit_bits=12)
    assert a.root_hash == b.root_hash == c.root_hash


def test_progress_is_reported(tmp_path: Path) -> None:
    seen = []
    build_tree([("USD", "equity")], [("a", (1,))], epoch_id=EPOCH, master_secret=MASTER, out_dir=tmp_path,
               mode="plain", progress=lambda s, d, t: seen.append(s))
    assert {"read", "shuffle", "subtrees", "store"} <= set(seen)


# ---- refused input ----------------------------------------------------------------------------

@pytest.mark.parametrize(("rows", "needle"), [
    ([("a", (1,)), ("bad", (-1,))], "'bad': column 0 value -1 is negative"),
    ([("big", (2**64,))], "'big': column 0 value 18446744073709551616 is >= 2^64"),
    ([("f", (1.5,))], "'f': column 0 value 1.5 is not an integer"),
    ([("b", (True,))], "is not an integer"),
    ([("short", ())], "0 values given"),
    ([("a", (1,)), ("b", (2,)), ("a", (3,))], "'a' appears more than once"),
    ([(7, (1,))], "is not a string"),
    ([("", (1,))], "1..1024 bytes"),
    ([("x", (2**63,)), ("y", (2**63,))], "total"),
])
def test_bad_rows_are_refused_naming_the_account(tmp_path: Path, rows: list, needle: str) -> None:
    with pytest.raises(TreeError) as exc:
        build_tree([("USD", "equity")], rows, epoch_id=EPOCH, master_secret=MASTER, out_dir=tmp_path, mode="plain")
    assert needle in exc.value.diagnostics()
    assert not (tmp_path / STORE_NAME).exists()


def test_uncovered_debt_is_refused(tmp_path: Path) -> None:
    cols = [("USD", "equity"), ("BTC", "equity"), ("USD", "debt")]
    # 1 BTC minor unit at 9e12 with a 50% haircut covers 4.5e12 / 1e8 = 45000 USD minor units
    build_tree(cols, [("ok", (0, 1, 45_000))], epoch_id=EPOCH, master_secret=MASTER, out_dir=tmp_path / "a",
               mode="plain", prices=PRICES, haircuts_bps=HAIRCUTS)
    with pytest.raises(TreeError, match="'short': debt not covered by collateral"):
        build_tree(cols, [("short", (0, 1, 45_001))], epoch_id=EPOCH, master_secret=MASTER,
                   out_dir=tmp_path / "b", mode="plain", prices=PRICES, haircuts_bps=HAIRCUTS)


@pytest.mark.parametrize(("kwargs", "needle"), [
    ({"mode": "open"}, "mode"),
    ({"block_size": 3}, "power of two"),
    ({"min_height": 41}, "minimum height"),
    ({"master_secret": b"short"}, "master secret"),
    ({"epoch_id": ""}, "epoch id"),
    ({"columns": [("USD", "credit")]}, "kind"),
    ({"columns": [("USD", "equity"), ("USD", "equity")]}, "twice"),
    ({"columns": []}, "at least one column"),
    ({"columns": [("USD", "equity"), ("USD", "debt")]}, "prices"),
])
def test_bad_parameters_are_usage_errors(tmp_path: Path, kwargs: dict, needle: str) -> None:
    args = {"columns": [("USD", "equity")], "rows": [], "epoch_id": EPOCH, "master_secret": MASTER,
            "out_dir": tmp_path, "mode": "plain"} | kwargs
    with pytest.raises(UsageError, match=needle):
        build_tree(**args)


def test_empty_input_builds_a_tree_of_padding(tmp_path: Path) -> None:
    info = build_tree([("USD", "equity")], [], epoch_id=EPOCH, master_secret=MASTER, out_dir=tmp_path, mode="plain")
    assert info.root_sums == (0,) and info.height == 1 and info.leaf_count == 0
