"""A lying operator against the tree verifiers (issue 14, rows B, C, R1, R2): each attack staged on a
real store or proof, then shown to fail a named check (docs/protocol.md §7.2, §7.5, §7.9, §7.10)."""

from __future__ import annotations

import copy
import hashlib
import json
import shutil
import sqlite3
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from por.cli.main import cli
from por.crypto.backend import get_backend
from por.crypto.generators import pedersen_gens
from por.crypto.scalar import R
from por.errors import TreeError, UsageError
from por.parallel import SerialExecutor
from por.result import Result
from por.tree import (
    STORE_NAME,
    TreeInfo,
    TreeStore,
    build_tree,
    client_proof,
    verify_client_proof,
    verify_tree,
)
from por.tree import leaf as L
from por.tree._commit import committer
from por.tree.store import ACCOUNTS_NAME, Accounts

from .conftest import EPOCH, HAIRCUTS, MASTER, PRICES

COLS = [("USD", "equity")]


def failed(res: Result) -> dict[str, str]:
    return {c.id: c.message for c in res.checks if not c.ok}


def _copy(tree: Any, tmp_path: Path) -> Path:
    dst = tmp_path / "copy"
    shutil.copytree(tree.out, dst)
    return dst


def _set_meta(store: Path, **values: Any) -> None:
    db = sqlite3.connect(store / STORE_NAME)
    db.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", [(k, json.dumps(v)) for k, v in values.items()])
    db.commit()
    db.close()


def _cli(*args: str) -> tuple[int, str]:
    r = CliRunner().invoke(cli, list(args))
    assert "Traceback" not in r.output
    return r.exit_code, r.output


# ---- row B: two clients with equal balances share one leaf ---------------------------------------

def _old_leaf_format(monkeypatch: pytest.MonkeyPatch) -> None:
    """The leaf format por-leaf/1 (leaf id = SHA-256(label || s)), for contrast only."""
    monkeypatch.setattr(L, "leaf_id_prefix", lambda key: b"por/v1/leaf-id")
    monkeypatch.setattr(L, "leaf_id", lambda account_id, s: hashlib.sha256(b"por/v1/leaf-id" + s).digest())


def _shared_leaf_attack(tmp_path: Path) -> tuple[dict[str, Any], TreeInfo]:
    """alice and bob hold 500 each. The operator leaves bob out of the tree and hands him alice's
    proof with his own account id written in (his secret is not in the tree; alice's is)."""
    rows = [("alice", (500,)), ("carol", (70,)), ("dave", (9,))]  # bob (500) dropped
    info = build_tree(COLS, rows, epoch_id=EPOCH, master_secret=MASTER, out_dir=tmp_path, block_size=2,
                      executor=SerialExecutor())
    forged = client_proof(tmp_path, "alice", master_secret=MASTER)
    forged["account_id"] = "bob"
    return forged, info


def test_shared_leaf_passes_under_the_old_leaf_format(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Why the leaf format changed: with leaf ids that ignore the account, bob verifies alice's leaf."""
    _old_leaf_format(monkeypatch)
    forged, info = _shared_leaf_attack(tmp_path)
    res = verify_client_proof(forged, root_hash=info.root_hash, root_commitments=info.root, epoch_id=EPOCH,
                              account_id="bob")
    assert res.ok, res.failures


def test_shared_leaf_fails_for_the_client_whose_id_is_not_in_the_leaf(tmp_path: Path) -> None:
    forged, info = _shared_leaf_attack(tmp_path)
    pub = {"root_hash": info.root_hash, "root_commitments": info.root, "epoch_id": EPOCH}
    # bob checks the proof he was handed, naming himself: alice's leaf is bound to "alice"
    res = verify_client_proof(forged, account_id="bob", **pub)
    assert failed(res).keys() == {"client.root"}, failed(res)
    assert "'bob'" in failed(res)["client.root"] and "bound to its account id" in failed(res)["client.root"]
    # handed alice's proof unchanged, bob's verifier says it is someone else's
    honest_alice = client_proof(tmp_path, "alice", master_secret=MASTER)
    res = verify_client_proof(honest_alice, account_id="bob", **pub)
    assert failed(res).keys() == {"client.account"}
    assert "'alice'" in failed(res)["client.account"] and "not yours ('bob')" in failed(res)["client.account"]
    # alice herself still verifies, and without --account the result names whose leaf it is
    assert verify_client_proof(honest_alice, account_id="alice", **pub).ok
    res = verify_client_proof(honest_alice, **pub)
    assert res.ok and "ACCOUNT 'alice'" in next(c.message for c in res.checks if c.id == "client.account")


def test_padding_and_account_leaf_ids_are_distinct_encodings() -> None:
    s = bytes(32)
    # no account id can produce a pad's leaf id: the tag byte differs (0x00 account, 0x01 pad)
    assert L.leaf_id_prefix("x")[len(L.LEAF_ID_LABEL)] == 0 and L.leaf_id_prefix(0)[len(L.LEAF_ID_LABEL)] == 1
    # and the length prefix keeps "ab" + s from colliding with "a" + ("b" + s)
    assert L.leaf_id("ab", s) != L.leaf_id("a", b"b" + s[:-1])


# ---- the old leaf format is refused everywhere ----------------------------------------------------

def test_old_client_proof_formats_are_refused(committed_tree) -> None:
    p = committed_tree.copy_proof("bob")
    for edit, words in ((lambda d: d.__setitem__("format", "por-client-proof/1"), "por-client-proof/1"),
                        (lambda d: d.pop("leaf_format"), "no leaf format"),
                        (lambda d: d.__setitem__("leaf_format", "por-leaf/1"), "por-leaf/1"),
                        (lambda d: d.__setitem__("leaf_format", 2), "unknown leaf format")):
        d = copy.deepcopy(p)
        edit(d)
        f = failed(verify_client_proof(d, root_hash=committed_tree.info.root_hash, epoch_id=EPOCH))
        assert f.keys() == {"client.format"} and words in f["client.format"], f
        assert "refused" in f["client.format"] or "accepts por-leaf/2 only" in f["client.format"]


@pytest.mark.parametrize("meta", [{"format": "por-tree-store/1"}, {"leaf_format": "por-leaf/1"},
                                  {"leaf_format": None}], ids=["store-1", "leaf-1", "no-leaf-format"])
def test_old_store_formats_are_refused(committed_tree, tmp_path: Path, meta: dict[str, Any]) -> None:
    dst = _copy(committed_tree, tmp_path)
    if meta.get("leaf_format", 0) is None:
        db = sqlite3.connect(dst / STORE_NAME)
        db.execute("DELETE FROM meta WHERE key = 'leaf_format'")
        db.commit()
        db.close()
    else:
        _set_meta(dst, **meta)
    f = failed(verify_tree(dst, expected=committed_tree.info, executor=SerialExecutor()))
    assert f.keys() == {"tree.store"} and "por-leaf/1" in f["tree.store"], f
    with pytest.raises(TreeError, match="por-leaf/1"):
        client_proof(dst, "bob", master_secret=MASTER)


def test_tree_description_of_the_old_leaf_format_fails(committed_tree) -> None:
    exp = committed_tree.info.to_dict()
    for value in ("por-leaf/1", None):
        if value is None:
            del exp["leaf_format"]
        else:
            exp["leaf_format"] = value
        f = failed(verify_tree(committed_tree.out, expected=exp, executor=SerialExecutor()))
        assert f.keys() == {"tree.expected"} and "leaf_format" in f["tree.expected"], f
        with pytest.raises(TreeError, match="por-leaf/1"):
            TreeInfo.from_dict(exp)


# ---- rows C and R1: the block size ---------------------------------------------------------------

def _hide_negative_padding_leaf(tree: Any, dst: Path, value: int) -> dict[str, Any]:
    """The operator's attack: a padding leaf commits to -value (the root total drops by it), every
    node up to the root recomputed, the root republished. Returns the new tree description."""
    cm = committer()
    be = get_backend()
    g = pedersen_gens(be).G
    acc = Accounts(dst / ACCOUNTS_NAME)
    with TreeStore(dst) as st:
        height, k, w = st.height, st.k, st.width
        keys, _ = acc.range(0, 1 << height)
        leaves = st.nodes(0, 0, 1 << height)
    acc.close()
    pad = next(i for i, x in enumerate(keys) if isinstance(x, int))
    recs = [bytearray(leaves[i * w:(i + 1) * w]) for i in range(1 << height)]
    c0 = cm.decode(bytes(recs[pad][32:80]))
    recs[pad][32:80] = cm.encode(be.add(c0, be.mul(g, (-value) % R)))
    levels = [b"".join(recs)]
    pts = [[cm.decode(bytes(r[32 + 48 * c:80 + 48 * c])) for c in range(k)] for r in recs]
    hashes = [L.leaf_hash("committed", bytes(r[:32]), bytes(r[32:])) for r in recs]
    for _level in range(1, height + 1):
        pts = [[cm.add(a, b) for a, b in zip(pts[i], pts[i + 1], strict=True)] for i in range(0, len(pts), 2)]
        cols = [b"".join(cm.encode(x) for x in p) for p in pts]
        hashes = [L.node_hash("committed", hashes[2 * i], hashes[2 * i + 1], cols[i]) for i in range(len(cols))]
        levels.append(b"".join(h + c for h, c in zip(hashes, cols, strict=True)))
    root = levels[-1]
    db = sqlite3.connect(dst / STORE_NAME)
    db.execute("DELETE FROM nodes")
    db.executemany("INSERT INTO nodes VALUES (?, ?, ?, ?)",
                   [(lv, 0, 1 << (height - lv), data) for lv, data in enumerate(levels)])
    db.commit()
    db.close()
    desc = tree.info.to_dict()
    desc["root_hash"] = root[:32].hex()
    desc["root"] = [root[32 + 48 * c:80 + 48 * c].hex() for c in range(k)]
    _set_meta(dst, root_hash=desc["root_hash"], root=desc["root"])
    return desc


def test_negative_padding_leaf_is_caught_by_its_range_proof(committed_tree, tmp_path: Path) -> None:
    """The control: with the honest block size the hidden negative leaf fails the range proofs."""
    dst = _copy(committed_tree, tmp_path)
    desc = _hide_negative_padding_leaf(committed_tree, dst, 2_000_000)
    f = failed(verify_tree(dst, expected=desc, executor=SerialExecutor()))
    assert "tree.range_proofs" in f and "block level 0" in f["tree.range_proofs"], f


@pytest.mark.parametrize("block_size", [-1, 0, 3, True, 64, "2", 2.0], ids=repr)
def test_block_size_attack_fails_tree_store(committed_tree, tmp_path: Path, block_size: Any) -> None:
    """Row C: the negative leaf hidden, block size -1 (or 0, 3, ...) in the store and the re-published
    description, and every range-proof row deleted: a named failure, never "0 block(s) prove every
    node" nor a ZeroDivisionError (row R1)."""
    dst = _copy(committed_tree, tmp_path)
    desc = _hide_negative_padding_leaf(committed_tree, dst, 2_000_000)
    desc["block_size"] = block_size
    _set_meta(dst, block_size=block_size)
    db = sqlite3.connect(dst / STORE_NAME)
    db.execute("DELETE FROM range_proofs")
    db.commit()
    db.close()
    res = verify_tree(dst, expected=desc, executor=SerialExecutor())
    f = failed(res)
    assert f.keys() == {"tree.store"} and "block size" in f["tree.store"], f
    assert not any("prove every" in c.message for c in res.checks)
    (dst / "desc.json").write_text(json.dumps(desc))
    code, out = _cli("tree", "verify", str(dst), "--expected", str(dst / "desc.json"), "--workers", "1", "--json")
    assert code == 1 and [c["id"] for c in json.loads(out)["checks"] if not c["ok"]] == ["tree.store"]


def test_block_size_in_the_description_alone_fails_tree_expected(committed_tree) -> None:
    for bad in (-1, 0, 3, True, 4):
        exp = committed_tree.info.to_dict()
        exp["block_size"] = bad
        f = failed(verify_tree(committed_tree.out, expected=exp, executor=SerialExecutor()))
        assert f.keys() == {"tree.expected"} and "block_size" in f["tree.expected"], (bad, f)


@pytest.mark.parametrize("block_size", [-1, 0, 3, True, 64, 2048, "2", None], ids=repr)
def test_block_size_in_a_client_proof_fails_client_format(committed_tree, block_size: Any) -> None:
    p = committed_tree.copy_proof("alice")
    p["block_size"] = block_size
    f = failed(verify_client_proof(p, root_hash=committed_tree.info.root_hash, epoch_id=EPOCH))
    assert f.keys() == {"client.format"} and "block_size" in f["client.format"], f


def test_builder_refuses_a_block_size_beyond_the_statement(tmp_path: Path) -> None:
    # 3 columns: a block of 32 nodes would be 96 claims, beyond the 64 one node-range proof takes
    three = [("USD", "equity"), ("BTC", "equity"), ("USD", "debt")]
    for bad in (32, 0, -8, 3, True):
        with pytest.raises(UsageError, match="block size"):
            build_tree(three, [("a", (1, 0, 0))], epoch_id=EPOCH, master_secret=MASTER, out_dir=tmp_path,
                       block_size=bad, prices=PRICES, haircuts_bps=HAIRCUTS)
    assert L.block_size_problem(16, 3) is None and L.block_size_problem(64, 1) is None
    assert L.block_size_problem(128, 1, "plain") is not None


# ---- row R2: sizes claimed against the rows there ------------------------------------------------

@pytest.mark.parametrize("height", [40, 30, 4, 2])
def test_claimed_height_against_the_leaves_fails_fast(committed_tree, tmp_path: Path, height: int) -> None:
    """A store claiming height 40 over its 8 leaves: tree.store at once, no allocation by the claim."""
    dst = _copy(committed_tree, tmp_path)
    _set_meta(dst, height=height)
    exp = committed_tree.info.to_dict()
    exp["height"] = height
    t0 = time.perf_counter()
    f = failed(verify_tree(dst, expected=exp, executor=SerialExecutor()))
    assert time.perf_counter() - t0 < 5
    assert f.keys() == {"tree.store"}, f
    assert f"height {height} claims" in f["tree.store"] or "does not have" in f["tree.store"], f


@pytest.mark.parametrize("damage", ["extra-level", "short-record", "missing-row", "overlap"])
def test_node_rows_must_cover_exactly_the_levels(committed_tree, tmp_path: Path, damage: str) -> None:
    dst = _copy(committed_tree, tmp_path)
    db = sqlite3.connect(dst / STORE_NAME)
    with TreeStore(dst) as st:
        w, height = st.width, st.height
    if damage == "extra-level":
        db.execute("INSERT INTO nodes VALUES (?, 0, 1, ?)", (height + 1, bytes(w)))
    elif damage == "short-record":
        db.execute("UPDATE nodes SET data = substr(data, 1, length(data) - 1) WHERE level = 1")
    elif damage == "missing-row":
        db.execute("DELETE FROM nodes WHERE level = 0")
    else:
        db.execute("INSERT INTO nodes VALUES (0, 1, 1, ?)", (bytes(w),))
    db.commit()
    db.close()
    f = failed(verify_tree(dst, executor=SerialExecutor()))
    assert f.keys() == {"tree.store"}, f


def test_extra_range_proof_rows_fail(committed_tree, tmp_path: Path) -> None:
    dst = _copy(committed_tree, tmp_path)
    db = sqlite3.connect(dst / STORE_NAME)
    db.executemany("INSERT INTO range_proofs VALUES (?, ?, ?)", [(0, 1000 + i, b"x") for i in range(3)])
    db.commit()
    db.close()
    f = failed(verify_tree(dst, executor=SerialExecutor()))
    assert f.keys() == {"tree.range_proofs"} and "3 unexpected block row(s)" in f["tree.range_proofs"]


# ---- row G and R3 at the tree level: the proof against the published description ------------------

def test_proof_columns_and_parameters_against_the_description(committed_tree) -> None:
    info = committed_tree.info
    p = committed_tree.copy_proof("alice")
    desc = info.to_dict()
    pub = {"root_hash": info.root_hash, "root_commitments": info.root, "epoch_id": EPOCH}
    assert verify_client_proof(p, columns=desc["columns"], expected=desc, **pub).ok
    swapped = [desc["columns"][1], desc["columns"][0], desc["columns"][2]]
    f = failed(verify_client_proof(p, columns=swapped, expected=desc, **pub))
    assert f.keys() == {"client.columns"} and "USD:equity" in f["client.columns"]
    for key, value in (("block_size", 4), ("height", 4), ("context", ""), ("mode", "plain"), ("leaf_format", "x")):
        d = dict(desc, **{key: value})
        f = failed(verify_client_proof(p, expected=d, **pub))
        assert f.keys() == {"client.expected"} and key in f["client.expected"], (key, f)
    f = failed(verify_client_proof(p, expected="not an object", **pub))  # type: ignore[arg-type]
    assert f.keys() == {"client.expected"}


def test_tree_description_of_any_shape(committed_tree) -> None:
    """The published tree description is the model por.bundle.tree.TreeDescription (§7.10, §9.4):
    every shape it refuses is a DocumentError naming the field; the auditor's tree.expected fails."""
    from por.bundle._model import validate
    from por.bundle.tree import TreeDescription
    from por.errors import DocumentError

    def problem(value: object) -> str | None:
        try:
            validate(TreeDescription, value, "tree")
        except DocumentError as exc:
            return str(exc)
        return None

    desc = {k: v for k, v in committed_tree.info.to_dict().items() if k != "private"} | {"store": "tree.sqlite"}
    assert problem(desc) is None
    for bad in ([], "x", None, 5):
        assert "must be an object" in str(problem(bad))
        f = failed(verify_tree(committed_tree.out, expected=bad, executor=SerialExecutor())) if bad is not None else {}
        assert bad is None or f.keys() == {"tree.expected"}, f
    for key in ("root", "root_hash", "leaf_format", "columns"):
        assert f"tree: {key}:" in str(problem({k: v for k, v in desc.items() if k != key}))
    for key, value in (("root", "abc"), ("height", "3"), ("height", True), ("block_size", 0), ("mode", 1),
                       ("columns", {"a": 1}), ("root_hash", "00"), ("context", 5), ("statements", []),
                       ("root_hash", "AA" * 32), ("extra", 1)):
        assert problem(dict(desc, **{key: value})) is not None, (key, value)
