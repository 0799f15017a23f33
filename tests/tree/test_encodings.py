"""The tree's range-proof encodings (docs/protocol.md §7.5, §7.9): linear (default, block size 1) and
compressed (block size 8) both build, prove and verify; the store, the tree info and the published
description record the encoding; a store from before the key reads as compressed; and a proof is never
accepted in an encoding other than the one its statements name."""

from __future__ import annotations

import base64
import json
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from por.crypto import rangeproof
from por.errors import UsageError
from por.parallel import SerialExecutor
from por.tree import STORE_NAME, TreeStore, build_tree, client_proof, verify_client_proof, verify_tree
from por.tree.build import DEFAULT_BLOCK_SIZES, DEFAULT_PROOF_ENCODING, ENCODING_STATEMENTS, statement_refs

from .conftest import COLUMNS, EPOCH, HAIRCUTS, MASTER, PRICES, ROWS


def _build(out: Path, encoding: str | None, **kw: Any) -> Any:
    args: dict[str, Any] = {"epoch_id": EPOCH, "master_secret": MASTER, "out_dir": out, "prices": PRICES,
                            "haircuts_bps": HAIRCUTS, "context": b"nonce", "executor": SerialExecutor()} | kw
    if encoding is not None:
        args["proof_encoding"] = encoding
    return build_tree(COLUMNS, ROWS, **args)


@pytest.fixture(scope="module")
def trees(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Any, Path]]:
    out = {}
    for enc in ("linear", "compressed"):
        d = tmp_path_factory.mktemp(enc)
        out[enc] = (_build(d, None if enc == DEFAULT_PROOF_ENCODING else enc), d)
    return out


def _failed(res: Any) -> dict[str, str]:
    return {c.id: c.message for c in res.checks if not c.ok}


def _set_meta(out: Path, key: str, value: Any) -> None:
    db = sqlite3.connect(out / STORE_NAME)
    if value is None:
        db.execute("DELETE FROM meta WHERE key = ?", (key,))
    else:
        db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, json.dumps(value, sort_keys=True)))
    db.commit()
    db.close()


def _copy(tmp_path: Path, src: Path) -> Path:
    dst = tmp_path / "copy"
    shutil.copytree(src, dst)
    return dst


def _check(proof: dict[str, Any], info: Any) -> Any:
    return verify_client_proof(proof, root_hash=info.root_hash, root_commitments=info.root, epoch_id=EPOCH,
                               prices=PRICES, haircuts_bps=HAIRCUTS)


@pytest.mark.parametrize("enc", ["linear", "compressed"])
def test_both_encodings_prove_and_verify(trees: dict[str, tuple[Any, Path]], enc: str) -> None:
    info, out = trees[enc]
    node_stmt, coll_stmt = ENCODING_STATEMENTS[enc]
    assert info.proof_encoding == enc and info.block_size == DEFAULT_BLOCK_SIZES[enc]
    assert info.to_dict()["proof_encoding"] == enc
    assert info.statements == statement_refs([node_stmt, coll_stmt])
    with TreeStore(out) as store:
        assert store.proof_encoding == enc and store.meta["proof_encoding"] == enc
        proof = store.block_proof(0, 0)
        assert proof is not None
        m = store.k * DEFAULT_BLOCK_SIZES[enc]
        m = 1 << (m - 1).bit_length()
        assert len(proof) == rangeproof.proof_size(64, m, enc)
        pos = store.collateral_positions()[0]
        assert len(store.collateral_proof(pos) or b"") == rangeproof.proof_size(128, 1, enc)
    res = verify_tree(out, expected=info, prices=PRICES, haircuts_bps=HAIRCUTS, executor=SerialExecutor())
    assert res.ok, res.failures
    for account, _ in ROWS:
        r = _check(client_proof(out, account, master_secret=MASTER), info)
        assert r.ok, (account, r.failures)


def test_block_size_one_client_proof_carries_the_siblings_block(trees: dict[str, tuple[Any, Path]]) -> None:
    info, out = trees["linear"]
    assert info.block_size == 1
    p = client_proof(out, "alice", master_secret=MASTER)
    for entry in p["path"]:
        level = entry["level"]
        sib = (p["position"] >> level) ^ 1
        assert entry["block"]["index"] == sib
        comms = base64.b64decode(entry["block"]["commitments"])
        assert comms == b"".join(bytes.fromhex(c) for c in entry["sibling"]["columns"])
    # pointing a level at the path node's own block (the pre-B=1 rule) is refused
    bad = json.loads(json.dumps(p))
    bad["path"][0]["block"]["index"] = p["position"]
    assert "client.range_proofs" in _failed(_check(bad, info))


def test_store_and_description_without_the_key_read_as_compressed(trees: dict[str, tuple[Any, Path]],
                                                                   tmp_path: Path) -> None:
    """A bundle made before the encoding was recorded: no ``proof_encoding`` in the store or in the
    published description; it is a compressed tree and still verifies."""
    info, src = trees["compressed"]
    out = _copy(tmp_path, src)
    _set_meta(out, "proof_encoding", None)
    old = info.to_dict()
    del old["proof_encoding"]
    with TreeStore(out) as store:
        assert "proof_encoding" not in store.meta and store.proof_encoding == "compressed"
    res = verify_tree(out, expected=old, prices=PRICES, haircuts_bps=HAIRCUTS, executor=SerialExecutor())
    assert res.ok, res.failures
    r = _check(client_proof(out, "alice", master_secret=MASTER), info)
    assert r.ok, r.failures
    # the same old description does not fit a linear store
    lin_info, lin_out = trees["linear"]
    lin_old = lin_info.to_dict()
    del lin_old["proof_encoding"]
    res = verify_tree(lin_out, expected=lin_old, prices=PRICES, haircuts_bps=HAIRCUTS, executor=SerialExecutor())
    assert "proof_encoding" in _failed(res)["tree.expected"]


def test_store_relabelled_to_the_other_encoding_fails(trees: dict[str, tuple[Any, Path]], tmp_path: Path) -> None:
    """The operator who lies: a linear store whose meta now says compressed (statements relabelled
    too, with the genuine compressed hashes): its linear proofs are read as compressed and fail."""
    info, src = trees["linear"]
    out = _copy(tmp_path, src)
    _set_meta(out, "proof_encoding", "compressed")
    _set_meta(out, "statements", statement_refs(ENCODING_STATEMENTS["compressed"]))
    relabelled = info.to_dict() | {"proof_encoding": "compressed",
                                   "statements": statement_refs(ENCODING_STATEMENTS["compressed"])}
    bad = _failed(verify_tree(out, expected=relabelled, prices=PRICES, haircuts_bps=HAIRCUTS,
                              executor=SerialExecutor()))
    assert "tree.range_proofs" in bad and "tree.expected" not in bad
    # meta relabelled but the statements left: the statements check names the missing one
    out2 = tmp_path / "copy2"
    shutil.copytree(src, out2)
    _set_meta(out2, "proof_encoding", "compressed")
    bad2 = _failed(verify_tree(out2, expected=info, prices=PRICES, haircuts_bps=HAIRCUTS, executor=SerialExecutor()))
    assert "node-range: not recorded" in bad2["tree.statements"] and "tree.expected" in bad2
    # a client proof relabelled to the compressed statements: its linear blocks fail
    p = client_proof(src, "alice", master_secret=MASTER)
    p["statements"] = statement_refs(ENCODING_STATEMENTS["compressed"])
    bad3 = _failed(_check(p, info))
    assert "client.range_proofs" in bad3 and "client.collateral" in bad3


def test_block_replaced_by_a_compressed_proof_fails(trees: dict[str, tuple[Any, Path]], tmp_path: Path) -> None:
    """A valid compressed block proof (the compressed build's, same epoch, context and leaf) put into a
    linear store is refused and named: the store's encoding decides how a proof is read (the crypto
    tests show the same for a compressed proof of exactly the same claims)."""
    info, src = trees["linear"]
    out = _copy(tmp_path, src)
    with TreeStore(trees["compressed"][1]) as cstore:
        p_comp = cstore.block_proof(0, 0)
    db = sqlite3.connect(out / STORE_NAME)
    db.execute("UPDATE range_proofs SET proof = ? WHERE level = 0 AND block = 0", (p_comp,))
    db.commit()
    db.close()
    bad = _failed(verify_tree(out, expected=info, prices=PRICES, haircuts_bps=HAIRCUTS, executor=SerialExecutor()))
    assert "block level 0 index 0" in bad["tree.range_proofs"]


def test_unknown_encoding_refused(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="proof encoding"):
        _build(tmp_path / "x", "bulletproofs")
    info = _build(tmp_path / "y", "compressed", range_proofs=False)
    _set_meta(tmp_path / "y", "proof_encoding", "fast")
    res = verify_tree(tmp_path / "y", expected=info, executor=SerialExecutor())
    assert "proof_encoding" in _failed(res)["tree.store"]
