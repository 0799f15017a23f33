"""Verifiers: honest trees pass; every attack and every damage is a named failed check, never a traceback."""

from __future__ import annotations

import copy
import hashlib
import json
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from por.crypto.pedersen import commit
from por.parallel import SerialExecutor
from por.result import Result
from por.tree import (
    STORE_NAME,
    build_tree,
    client_proof,
    verify_client_proof,
    verify_tree,
    write_client_proofs,
)
from por.tree import leaf as L

from .conftest import EPOCH, HAIRCUTS, MASTER, PRICES, ROWS


def failed(res: Result) -> dict[str, str]:
    return {c.id: c.message for c in res.checks if not c.ok}


def check(proof: Any, tree: Any, **kw: Any) -> Result:
    return verify_client_proof(proof, root_hash=tree.info.root_hash, root_commitments=tree.info.root,
                               epoch_id=EPOCH, **kw)


# ---- honest trees ------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["committed_tree", "plain_tree"])
def test_every_client_proof_verifies(request: pytest.FixtureRequest, name: str) -> None:
    tree = request.getfixturevalue(name)
    for account, _ in ROWS:
        res = check(tree.proof(account), tree, prices=PRICES, haircuts_bps=HAIRCUTS)
        assert res.ok, (account, res.failures)
        assert [c.id for c in res.checks][:2] == ["client.format", "client.epoch"]
    ids = {c.id for c in res.checks}
    assert {"client.leaf", "client.path", "client.root", "client.range_proofs", "client.collateral"} <= ids


@pytest.mark.parametrize("name", ["committed_tree", "plain_tree"])
def test_full_tree_verifies(request: pytest.FixtureRequest, name: str) -> None:
    tree = request.getfixturevalue(name)
    res = verify_tree(tree.out, expected=tree.info, prices=PRICES, haircuts_bps=HAIRCUTS, executor=SerialExecutor())
    assert res.ok, res.failures
    if name == "committed_tree":
        assert {"tree.range_proofs", "tree.collateral", "tree.statements"} <= {c.id for c in res.checks}


def test_client_proof_values_and_lookup(committed_tree, tmp_path: Path) -> None:
    p = committed_tree.proof("alice")
    assert p["format"] == "por-client-proof/2" and p["leaf_format"] == "por-leaf/2" and p["values"] == ["100", "10", "50000"]
    assert p["leaf_secret"] == L.leaf_secret(MASTER, EPOCH, "alice").hex()
    assert p["collateral"]["proof"]
    assert committed_tree.proof("bob")["collateral"] is None
    from por.errors import UsageError
    with pytest.raises(UsageError, match="not in the tree"):
        client_proof(committed_tree.out, "mallory", master_secret=MASTER)
    with pytest.raises(UsageError, match="differ"):
        client_proof(committed_tree.out, "bob", (1, 2, 3), master_secret=MASTER)
    n = write_client_proofs(committed_tree.out, tmp_path, master_secret=MASTER, manifest_sha256="ab" * 32)
    assert n == len(ROWS)
    on_disk = json.loads((tmp_path / "bob.json").read_text())
    assert on_disk["manifest_sha256"] == "ab" * 32
    assert check(on_disk, committed_tree).ok


def test_without_published_root_the_result_says_so(plain_tree) -> None:
    res = verify_client_proof(plain_tree.proof("bob"))
    assert res.ok
    assert "compare it with the signed manifest" in next(c.message for c in res.checks if c.id == "client.root")


# ---- the Maxwell-tree attack (Hu, Zhang, Guo 2019) --------------------------------------------

def _naive_fold(leaf_hash: bytes, own: int, position: int, siblings: list[tuple[bytes, int]]) -> tuple[bytes, int]:
    """The naive variant: the node hash binds the node's sum, but each sibling's hash is taken as shown."""
    h, total = leaf_hash, own
    for level, (sh, ss) in enumerate(siblings):
        total += ss
        left, right = (h, sh) if not (position >> level) & 1 else (sh, h)
        h = hashlib.sha256(b"naive" + left + right + total.to_bytes(16, "big")).digest()
    return h, total


def test_maxwell_attack_fools_the_naive_tree_but_not_this_design(tmp_path: Path) -> None:
    rows = [("a", (100,)), ("b", (200,))]
    build_tree([("USD", "equity")], rows, epoch_id=EPOCH, master_secret=MASTER, out_dir=tmp_path, mode="plain")
    pa = client_proof(tmp_path, "a", master_secret=MASTER)
    pb = client_proof(tmp_path, "b", master_secret=MASTER)
    assert pa["height"] == 1 and {pa["position"], pb["position"]} == {0, 1}
    id_a, id_b = (L.leaf_id(p["account_id"], bytes.fromhex(p["leaf_secret"])) for p in (pa, pb))
    ha, hb = L.leaf_hash("plain", id_a, L.encode_sum(100)), L.leaf_hash("plain", id_b, L.encode_sum(200))
    left, right = (ha, hb) if pa["position"] == 0 else (hb, ha)

    # Naive tree: the operator publishes a root of 200 (a's 100 is missing). a is shown b with 100,
    # b is shown a with 0: both folds reach the published root.
    naive_root = hashlib.sha256(b"naive" + left + right + (200).to_bytes(16, "big")).digest()
    assert _naive_fold(ha, 100, pa["position"], [(hb, 100)]) == (naive_root, 200)
    assert _naive_fold(hb, 200, pb["position"], [(ha, 0)]) == (naive_root, 200)

    # This design: the same root of 200 and the same two forged sibling sums. Each client recomputes
    # its sibling's hash from the sum it is shown, so neither fold reaches the operator's root.
    forged_root = L.node_hash("plain", left, right, L.encode_sum(200))
    for proof, fake in ((pa, "100"), (pb, "0")):
        forged = copy.deepcopy(proof)
        forged["path"][0]["sibling"]["columns"] = [fake]
        forged["root"] = {"hash": forged_root.hex(), "columns": ["200"]}
        res = verify_client_proof(forged, root_hash=forged_root.hex(), epoch_id=EPOCH)
        assert failed(res).keys() == {"client.root"}, failed(res)


# ---- sibling attacks ----------------------------------------------------------------------------

def test_negative_sibling_sum_is_rejected_in_plain_mode(plain_tree) -> None:
    # The published TypeScript sum-tree accepted a sibling of -90 (200 owed, 110 published).
    p = plain_tree.copy_proof("bob")
    p["path"][1]["sibling"]["columns"][0] = "-90"
    res = check(p, plain_tree)
    assert "client.format" in failed(res) and "negative" in failed(res)["client.format"]
    # the same value wrapped into the u128 encoding
    p["path"][1]["sibling"]["columns"][0] = str(2**128 - 90)
    res = check(p, plain_tree)
    assert ">= 2^64" in failed(res).get("client.path", "") + failed(res).get("client.format", "")


def test_commitment_to_a_negative_value_is_rejected(committed_tree) -> None:
    p = committed_tree.copy_proof("bob")
    neg = commit(-90, 12345)
    p["path"][1]["sibling"]["columns"][0] = neg.hex()
    res = check(p, committed_tree)
    assert {"client.root", "client.range_proofs"} <= failed(res).keys()


def test_sibling_with_other_commitment_or_hash(committed_tree) -> None:
    p = committed_tree.copy_proof("carol")
    p["path"][0]["sibling"]["leaf_id"] = "00" * 32
    assert "client.root" in failed(check(p, committed_tree))
    p = committed_tree.copy_proof("carol")
    p["path"][2]["sibling"]["children"][0] = "11" * 32
    assert "client.root" in failed(check(p, committed_tree))
    p = committed_tree.copy_proof("carol")
    p["path"][0]["sibling"]["columns"][1] = commit(5, 5).hex()
    assert {"client.root", "client.range_proofs"} <= failed(check(p, committed_tree)).keys()


def test_swapped_range_proof_block(committed_tree) -> None:
    p = committed_tree.copy_proof("dave")
    b0, b1 = p["path"][0]["block"], p["path"][1]["block"]
    b0["proof"], b1["proof"] = b1["proof"], b0["proof"]
    res = check(p, committed_tree)
    assert failed(res).keys() == {"client.range_proofs"}
    assert "level(s) 0, 1" in failed(res)["client.range_proofs"]
    # a block moved to another index of the same level (the context binds the index)
    p = committed_tree.copy_proof("dave")
    p["path"][0]["block"]["index"] ^= 1
    assert "client.range_proofs" in failed(check(p, committed_tree))


def test_proof_for_another_epoch(committed_tree) -> None:
    p = committed_tree.copy_proof("bob")
    assert failed(verify_client_proof(p, root_hash=committed_tree.info.root_hash, epoch_id="2026-12-01")).keys() == {"client.epoch"}
    p["epoch_id"] = "2026-12-01"  # relabelled: the proof contexts bind the real epoch
    res = verify_client_proof(p, root_hash=committed_tree.info.root_hash, epoch_id="2026-12-01")
    assert "client.range_proofs" in failed(res)


def test_edited_values_and_truncated_files(committed_tree) -> None:
    p = committed_tree.copy_proof("bob")
    p["values"][0] = "2501"
    assert "client.root" in failed(check(p, committed_tree))
    for field in ("path", "values", "leaf_secret", "root", "position", "format"):
        q = committed_tree.copy_proof("bob")
        del q[field]
        res = check(q, committed_tree)
        assert failed(res).keys() == {"client.format"}, field
    q = committed_tree.copy_proof("bob")
    q["path"] = q["path"][:-1]
    assert "path must list" in failed(check(q, committed_tree))["client.format"]
    assert failed(check("not json at all", committed_tree)).keys() == {"client.format"}


def test_collateral_checks(committed_tree) -> None:
    p = committed_tree.copy_proof("alice")
    p["collateral"]["proof"] = committed_tree.copy_proof("alice")["path"][0]["block"]["proof"]
    assert "client.collateral" in failed(check(p, committed_tree))
    p = committed_tree.copy_proof("alice")
    p["collateral"] = None
    assert "client.collateral" in failed(check(p, committed_tree))
    # published prices under which alice's debt is not covered: the proof's prices differ
    res = check(committed_tree.copy_proof("alice"), committed_tree, prices={"USD": 10**8, "BTC": 10**12})
    assert "client.collateral" in failed(res)


_mut = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
_junk = st.one_of(st.none(), st.booleans(), st.integers(-2**70, 2**70), st.text(max_size=20),
                  st.lists(st.integers(), max_size=3), st.dictionaries(st.text(max_size=3), st.integers(), max_size=2))


@given(st.data())
@_mut
def test_malformed_proofs_never_raise(committed_tree, data: st.DataObject) -> None:
    p = committed_tree.copy_proof("alice")
    # walk to a random container and replace one of its entries with junk
    node: Any = p
    for _ in range(data.draw(st.integers(0, 4))):
        keys = list(node.keys()) if isinstance(node, dict) else list(range(len(node)))
        if not keys:
            break
        key = data.draw(st.sampled_from(keys))
        if not isinstance(node[key], (dict, list)) or not node[key]:
            break
        node = node[key]
    keys = list(node.keys()) if isinstance(node, dict) else list(range(len(node)))
    if keys:
        node[data.draw(st.sampled_from(keys))] = data.draw(_junk)
    res = check(p, committed_tree)
    assert isinstance(res, Result) and res.checks


# ---- damaged stores and forced bad leaves ------------------------------------------------------

def _copy(tree: Any, tmp_path: Path) -> Path:
    dst = tmp_path / "tree"
    shutil.copytree(tree.out, dst)
    return dst


def _edit_record(path: Path, level: int, index: int, edit: Any) -> None:
    db = sqlite3.connect(path / STORE_NAME)
    start, count, data = db.execute("SELECT start, count, data FROM nodes WHERE level=? AND start<=? "
                                    "ORDER BY start DESC LIMIT 1", (level, index)).fetchone()
    w = len(data) // count
    off = (index - start) * w
    rec = edit(bytearray(data[off:off + w]))
    db.execute("UPDATE nodes SET data=? WHERE level=? AND start=?", (data[:off] + bytes(rec) + data[off + w:], level, start))
    db.commit()
    db.close()


def test_tampered_node_is_named_by_level_and_index(committed_tree, tmp_path: Path) -> None:
    dst = _copy(committed_tree, tmp_path)

    def swap_commitment(rec: bytearray) -> bytearray:
        rec[32:80] = commit(1, 1)
        return rec

    _edit_record(dst, 1, 1, swap_commitment)
    res = verify_tree(dst, expected=committed_tree.info, executor=SerialExecutor())
    f = failed(res)
    assert "level 1 index 1" in f["tree.nodes"]
    assert "block level 1 index 0" in f["tree.range_proofs"]


def test_tampered_plain_sum_and_leaf_id_collision(plain_tree, tmp_path: Path) -> None:
    dst = _copy(plain_tree, tmp_path)

    def bump(rec: bytearray) -> bytearray:
        rec[32:48] = (int.from_bytes(rec[32:48], "big") + 1).to_bytes(16, "big")
        return rec

    _edit_record(dst, 2, 0, bump)
    f = failed(verify_tree(dst, executor=SerialExecutor()))
    assert "level 2 index 0" in f["tree.nodes"]

    dst2 = tmp_path / "collide"
    shutil.copytree(plain_tree.out, dst2)
    db = sqlite3.connect(dst2 / STORE_NAME)
    data = db.execute("SELECT data FROM nodes WHERE level=0 AND start=0").fetchone()[0]
    w = 32 + 3 * 16
    data = data[:w] + data[:32] + data[w + 32:]  # leaf 1 takes leaf 0's id
    db.execute("UPDATE nodes SET data=? WHERE level=0 AND start=0", (data,))
    db.commit()
    db.close()
    f = failed(verify_tree(dst2, executor=SerialExecutor()))
    assert "leaf id collision" in f["tree.leaves"]


def test_swapped_and_damaged_blocks_in_the_store(committed_tree, tmp_path: Path) -> None:
    dst = _copy(committed_tree, tmp_path)
    db = sqlite3.connect(dst / STORE_NAME)
    p0 = db.execute("SELECT proof FROM range_proofs WHERE level=0 AND block=0").fetchone()[0]
    p1 = db.execute("SELECT proof FROM range_proofs WHERE level=0 AND block=1").fetchone()[0]
    db.execute("UPDATE range_proofs SET proof=? WHERE level=0 AND block=0", (p1,))
    db.execute("UPDATE range_proofs SET proof=? WHERE level=0 AND block=1", (p0,))
    db.execute("DELETE FROM range_proofs WHERE level=1 AND block=1")
    db.commit()
    db.close()
    f = failed(verify_tree(dst, executor=SerialExecutor()))
    msg = f["tree.range_proofs"]
    assert "block level 0 index 0" in msg and "block level 0 index 1" in msg
    assert "block level 1 index 1 (missing)" in msg


def test_damaged_stores_never_raise(committed_tree, tmp_path: Path) -> None:
    bad = tmp_path / "garbage.sqlite"
    bad.write_bytes(b"not a database" * 10)
    assert failed(verify_tree(bad)).keys() == {"tree.store"}
    assert failed(verify_tree(tmp_path / "missing")).keys() == {"tree.store"}
    dst = _copy(committed_tree, tmp_path)
    db = sqlite3.connect(dst / STORE_NAME)
    db.execute("UPDATE meta SET value='\"x\"' WHERE key='epoch_id'")
    db.commit()
    res = verify_tree(dst, expected=committed_tree.info, executor=SerialExecutor())
    assert not res.ok and "tree.expected" in failed(res)
    db.execute("DELETE FROM nodes WHERE level=2")  # a level gone: the store's shape fails before any work
    db.commit()
    db.close()
    assert failed(verify_tree(dst, expected=committed_tree.info, executor=SerialExecutor())) == {
        "tree.store": "tree store: level 2 of the claimed height 3 has no node rows"}
    db = sqlite3.connect(dst / STORE_NAME)
    db.execute("DROP TABLE nodes")
    db.commit()
    db.close()
    assert not verify_tree(dst, executor=SerialExecutor()).ok


def test_collateral_fails_at_other_prices(committed_tree) -> None:
    res = verify_tree(committed_tree.out, prices={"USD": 10**8, "BTC": 10**11}, haircuts_bps=HAIRCUTS,
                      executor=SerialExecutor())
    f = failed(res)
    assert f.keys() == {"tree.collateral"} and "collateral at leaf" in f["tree.collateral"]


def test_forced_negative_leaf_fails_both_verifiers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A test double forces a negative balance past the builder's checks (it rewrites the value
    inside the build and prove work units); the prover cannot prove its block, so the double stores
    a proof made for other commitments. Both verifiers name the failure."""
    import dataclasses

    import por.tree.build as B
    import por.tree.prove as P
    from por.crypto import statements as S
    from por.errors import RangeError

    real_prove, real_unit, real_prove_unit = S.prove, B.build_unit, P.prove_unit

    def forging_prove(stmt: Any, claims: list, openings: list, **kw: Any) -> bytes:
        try:
            return real_prove(stmt, claims, openings, **kw)
        except RangeError:
            fake = [S.Claim((commit(0, 1),), (1,))] * len(claims)
            return real_prove(stmt, fake, [S.Opening((0,), (1,))] * len(claims), **kw)

    def ghost(u: Any) -> Any:
        return dataclasses.replace(u, values=tuple(-90 if key == "ghost" else v
                                                   for key, v in zip(u.keys, u.values, strict=True)))

    monkeypatch.setattr(S, "prove", forging_prove)
    monkeypatch.setattr(B, "build_unit", lambda u: real_unit(ghost(u)))
    monkeypatch.setattr(P, "prove_unit", lambda u: real_prove_unit(ghost(u)))
    rows = [("honest", (200,)), ("ghost", (90,)), ("other", (5,))]
    info = build_tree([("USD", "equity")], rows, epoch_id=EPOCH, master_secret=MASTER, out_dir=tmp_path,
                      block_size=2, executor=SerialExecutor())
    monkeypatch.undo()
    assert info.root != build_tree([("USD", "equity")], rows, epoch_id=EPOCH, master_secret=MASTER,
                                   out_dir=tmp_path / "honest", range_proofs=False).root
    res = verify_tree(tmp_path, expected=info, executor=SerialExecutor())
    assert "block level 0" in failed(res)["tree.range_proofs"]
    for account in ("honest", "other"):
        p = client_proof(tmp_path, account, master_secret=MASTER)
        r = verify_client_proof(p, root_hash=info.root_hash, epoch_id=EPOCH)
        assert failed(r).keys() == {"client.range_proofs"}  # every path crosses a block the ghost broke


def test_blocks_spanning_work_units_are_proven_at_the_top(tmp_path: Path) -> None:
    rows = [(f"c{i}", (i + 1, 2 * i)) for i in range(11)]
    cols = [("USD", "equity"), ("EUR", "equity")]
    small = build_tree(cols, rows, epoch_id=EPOCH, master_secret=MASTER, out_dir=tmp_path / "a", block_size=8,
                       executor=SerialExecutor(), unit_bits=2)
    whole = build_tree(cols, rows, epoch_id=EPOCH, master_secret=MASTER, out_dir=tmp_path / "b", block_size=8,
                       executor=SerialExecutor(), range_proofs=False)
    assert small.root == whole.root and small.root_hash == whole.root_hash
    res = verify_tree(tmp_path / "a", expected=small, executor=SerialExecutor(), unit_bits=1, blocks_per_task=2)
    assert res.ok, res.failures
    assert check_one(tmp_path / "a", small, "c3").ok


def check_one(out: Path, info: Any, account: str) -> Result:
    return verify_client_proof(client_proof(out, account, master_secret=MASTER), root_hash=info.root_hash,
                               root_commitments=info.root, epoch_id=EPOCH)


def test_a_description_that_leaves_a_field_out_fails(committed_tree) -> None:  # type: ignore[no-untyped-def]
    """A published tree description without its root hash (or height, context...) promises nothing
    about it: tree.expected names the missing fields instead of passing."""
    partial = committed_tree.info.to_dict()
    del partial["root_hash"], partial["context"]
    res = verify_tree(committed_tree.out, expected=partial, executor=SerialExecutor())
    msg = failed(res)["tree.expected"]
    assert "root_hash (missing)" in msg and "context (missing)" in msg
    assert [c.id for c in res.failures] == ["tree.expected"]


# ---- the published description's model (issue 15: no dict crosses the bundle boundary) --------------

@pytest.mark.parametrize("name", ["committed_tree", "plain_tree"])
def test_the_manifests_tree_model_is_what_the_verifiers_take(request: pytest.FixtureRequest, name: str) -> None:
    """The auditor and the client hand the tree verifiers the manifest's ``tree`` model itself: it
    reads as the builder's TreeInfo (the leaf count unknown unless published), and a model that
    describes another tree fails ``tree.expected`` / ``client.expected`` as its dict always did."""
    from por.bundle._model import validate
    from por.bundle.tree import TreeDescription
    from por.tree import TreeInfo

    tree = request.getfixturevalue(name)
    public = {k: v for k, v in tree.info.to_dict().items() if k not in ("private", "leaf_count")}
    desc = validate(TreeDescription, public, "tree")
    assert TreeInfo.from_model(desc) == TreeInfo(**{**vars_of(tree.info), "leaf_count": -1})
    assert TreeInfo.from_model(validate(TreeDescription, {**public, "leaf_count": 5}, "tree")).leaf_count == 5
    assert verify_tree(tree.out, expected=desc, prices=PRICES, haircuts_bps=HAIRCUTS, executor=SerialExecutor()).ok
    assert check(tree.proof("alice"), tree, expected=desc, prices=PRICES, haircuts_bps=HAIRCUTS).ok
    other = validate(TreeDescription, {**public, "epoch_id": "2099-01-01"}, "tree")
    f = failed(verify_tree(tree.out, expected=other, executor=SerialExecutor()))
    assert f.keys() == {"tree.expected"} and "epoch_id" in f["tree.expected"], f
    f = failed(check(tree.proof("alice"), tree, expected=other, prices=PRICES, haircuts_bps=HAIRCUTS))
    assert f.keys() == {"client.expected"} and "epoch_id" in f["client.expected"], f
    if name == "committed_tree":  # another statement hash in the description: both verifiers name it
        stmts = copy.deepcopy(public["statements"])
        first = sorted(stmts)[0]
        stmts[first]["sha256"] = "00" * 32
        other = validate(TreeDescription, {**public, "statements": stmts}, "tree")
        f = failed(verify_tree(tree.out, expected=other, executor=SerialExecutor()))
        assert f.keys() == {"tree.expected"} and "statements" in f["tree.expected"], f
        f = failed(check(tree.proof("alice"), tree, expected=other, prices=PRICES, haircuts_bps=HAIRCUTS))
        assert f.keys() == {"client.expected"} and f"statement {first}" in f["client.expected"], f


def vars_of(info: Any) -> dict[str, Any]:
    import dataclasses

    return {f.name: getattr(info, f.name) for f in dataclasses.fields(info)}
