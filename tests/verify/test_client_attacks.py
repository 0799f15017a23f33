"""A lying operator against the client verifier and the tree check, end to end through the CLI on the
demo workspace (issue 14, rows B, C, G, R1, R2, R3; docs/protocol.md §7.2, §7.5, §7.9, §7.10).

Every attack is staged on a copy of a demo bundle or proof, re-signed with the operator's key where
the manifest changes; each must exit 1 with the named check (or 2 for unusable input), never 0 and
never with a traceback.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.fixtures import Demo, copy_bundle, no_traceback, run_por
from tests.forge import Forged, resign


def _dump(doc: dict[str, Any]) -> bytes:
    return json.dumps(doc, separators=(",", ":"), sort_keys=True).encode()


def _inclusion(proof: Path, bundle: Path, demo: Demo, *extra: str) -> tuple[int, dict[str, Any]]:
    cp = run_por("verify", "inclusion", proof, "--bundle", bundle, "--operator-key", demo.operator_pub,
                 "--json", *extra)
    no_traceback(cp)
    assert cp.returncode in (0, 1), (cp.returncode, cp.stdout[-2000:], cp.stderr[-2000:])
    return cp.returncode, json.loads(cp.stdout)


def _failed(doc: dict[str, Any]) -> dict[str, str]:
    return {c["id"]: c["message"] for c in doc["checks"] if not c["ok"]}


def _message(doc: dict[str, Any], check_id: str) -> str:
    return next(c["message"] for c in doc["checks"] if c["id"] == check_id)


def _edit_manifest(bundle: Path, demo: Demo, edit: Callable[[dict[str, Any]], None], *, sign: bool = True) -> None:
    if sign:
        resign(bundle, demo.root / "keys" / "operator.key", edit)
    else:
        m = Forged.read(bundle)
        edit(m.signed)
        m.write(bundle)


def _set_store_meta(bundle: Path, **values: Any) -> None:
    db = sqlite3.connect(bundle / "tree.sqlite")
    db.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", [(k, json.dumps(v)) for k, v in values.items()])
    db.commit()
    db.close()


def _rebound(src: Path, bundle: Path, tmp_path: Path) -> Path:
    """The proof as the operator would hand it out with its re-signed manifest (its hash recorded)."""
    d = json.loads(src.read_text())
    d["manifest_sha256"] = Forged.read(bundle).sha256
    p = tmp_path / f"rebound-{bundle.parent.name}-{src.name}"
    p.write_bytes(_dump(d))
    return p


def _proof_of(demo: Demo, account: str) -> Path:
    return demo.root / "client-proofs" / "epoch-0001" / f"{account}.json"


def _two_accounts(demo: Demo) -> tuple[str, str]:
    docs = [json.loads(p.read_text()) for p in demo.proofs("epoch-0001")]
    a = next(d for d in docs if any(int(v) for v in d["values"]))
    b = next(d for d in docs if d["account_id"] != a["account_id"])
    return a["account_id"], b["account_id"]


# ---- row B: a client handed another client's leaf -----------------------------------------------

def test_shared_leaf_fails_for_the_client_whose_id_is_not_in_the_leaf(demo: Demo, tmp_path: Path) -> None:
    """The operator drops B from the snapshot and hands B the proof of A (equal balances), with B's
    account id written in, or as it is. B names himself: both fail; A's own proof still verifies."""
    a, b = _two_accounts(demo)
    bundle = demo.bundle("epoch-0001")
    forged = json.loads(_proof_of(demo, a).read_text())
    forged["account_id"] = b
    p = tmp_path / f"{b}.json"
    p.write_bytes(_dump(forged))
    code, doc = _inclusion(p, bundle, demo, "--account", b)
    assert code == 1 and "client.root" in _failed(doc), _failed(doc)
    assert "bound to its account id" in _failed(doc)["client.root"]
    assert not any(c["id"] == "client.included" for c in doc["checks"])

    code, doc = _inclusion(_proof_of(demo, a), bundle, demo, "--account", b)
    assert code == 1 and list(_failed(doc)) == ["client.account"], _failed(doc)
    assert repr(a) in _failed(doc)["client.account"] and f"not yours ({b!r})" in _failed(doc)["client.account"]

    code, doc = _inclusion(_proof_of(demo, a), bundle, demo, "--account", a)
    assert code == 0, _failed(doc)
    assert repr(a) in _message(doc, "client.included")


def test_without_account_the_result_names_the_proofs_account(demo: Demo) -> None:
    a, _ = _two_accounts(demo)
    cp = run_por("verify", "inclusion", _proof_of(demo, a), "--bundle", demo.bundle("epoch-0001"),
                 "--operator-key", demo.operator_pub)
    no_traceback(cp)
    assert cp.returncode == 0, cp.stdout[-3000:]
    title = cp.stdout.split("client.file")[0]  # the table's title, above every check
    assert f"ACCOUNT {a!r}" in title, cp.stdout[:500]
    assert f"the proof is for ACCOUNT {a!r}" in cp.stdout


def test_old_leaf_format_is_refused(demo: Demo, sample_proofs: dict[str, Path], tmp_path: Path) -> None:
    """An operator may not pick the leaf format that does not bind the account: an old-format proof,
    or a manifest re-signed to describe a por-leaf/1 tree, fails."""
    src = sample_proofs["plain"]
    d = json.loads(src.read_text())
    d["format"] = "por-client-proof/1"
    del d["leaf_format"]
    p = tmp_path / src.name
    p.write_bytes(_dump(d))
    code, doc = _inclusion(p, demo.bundle("epoch-0001"), demo)
    assert code == 1 and list(_failed(doc)) == ["client.format"] and "refused" in _failed(doc)["client.format"]

    bundle = copy_bundle(demo.bundle("epoch-0001"), tmp_path / "b")
    _edit_manifest(bundle, demo, lambda s: s["tree"].__setitem__("leaf_format", "por-leaf/1"))
    code, doc = _inclusion(_rebound(src, bundle, tmp_path), bundle, demo)
    # the manifest is parsed with the verifiers' model (por.bundle): it does not read, so `manifest` fails
    assert code == 1 and list(_failed(doc)) == ["manifest"] and "signed.tree.leaf_format" in _failed(doc)["manifest"] \
        and "por-leaf/1" in _failed(doc)["manifest"], _failed(doc)


# ---- rows C and R1: block size ---------------------------------------------------------------------

@pytest.mark.parametrize("block_size", [-1, 0, 3])
def test_block_size_attack_fails_the_tree_check(demo: Demo, tmp_path: Path, block_size: int) -> None:
    """The store and the re-signed manifest say block size -1 (0, 3) and the range-proof rows are gone:
    ``por tree verify`` and ``por audit verify`` fail tree.store, never "0 block(s) prove every node"
    nor a ZeroDivisionError."""
    bundle = copy_bundle(demo.bundle("epoch-0001"), tmp_path)
    _set_store_meta(bundle, block_size=block_size)
    db = sqlite3.connect(bundle / "tree.sqlite")
    db.execute("DELETE FROM range_proofs")
    db.commit()
    db.close()
    _edit_manifest(bundle, demo, lambda s: s["tree"].__setitem__("block_size", block_size))
    cp = run_por("tree", "verify", bundle / "tree.sqlite", "--workers", "1", "--json")
    no_traceback(cp)
    assert cp.returncode == 1, cp.stdout[-2000:]
    f = _failed(json.loads(cp.stdout))
    assert list(f) == ["tree.store"] and "block size" in f["tree.store"], f
    cp = run_por("audit", "verify", bundle, "--operator-key", demo.operator_pub, "--json", "--quiet")
    no_traceback(cp)
    assert cp.returncode == 1, cp.stdout[-2000:]
    doc = json.loads(cp.stdout)
    # the auditor refuses the re-signed description before opening the store (manifest.shape)
    assert {"tree.store", "manifest.shape"} & set(_failed(doc)), _failed(doc)
    assert not any("prove every" in c["message"] for c in doc["checks"] if c["ok"])


@pytest.mark.parametrize("block_size", [-1, 0, 3, True])
def test_block_size_in_the_proof_or_manifest_fails_the_client(demo: Demo, sample_proofs: dict[str, Path],
                                                               tmp_path: Path, block_size: Any) -> None:
    src = sample_proofs["debt"]
    d = json.loads(src.read_text())
    d["block_size"] = block_size
    p = tmp_path / src.name
    p.write_bytes(_dump(d))
    code, doc = _inclusion(p, demo.bundle("epoch-0001"), demo)
    assert code == 1 and list(_failed(doc)) == ["client.format"] and "block_size" in _failed(doc)["client.format"]
    bundle = copy_bundle(demo.bundle("epoch-0001"), tmp_path / "b")
    _edit_manifest(bundle, demo, lambda s: s["tree"].__setitem__("block_size", block_size))
    code, doc = _inclusion(_rebound(src, bundle, tmp_path), bundle, demo)
    assert code == 1 and list(_failed(doc)) == ["manifest"] and "signed.tree.block_size" in _failed(doc)["manifest"], \
        _failed(doc)


# ---- row R2: sizes claimed against the bytes there ---------------------------------------------------

def test_claimed_height_40_fails_fast(demo: Demo, tmp_path: Path) -> None:
    """Store and re-signed manifest claim height 40 over the demo's 16 leaves: a named failure in
    seconds, no MemoryError, no minutes of work."""
    bundle = copy_bundle(demo.bundle("epoch-0001"), tmp_path)
    _set_store_meta(bundle, height=40)
    _edit_manifest(bundle, demo, lambda s: s["tree"].__setitem__("height", 40))
    t0 = time.perf_counter()
    cp = run_por("tree", "verify", bundle, "--workers", "1", "--json")
    no_traceback(cp)
    assert cp.returncode == 1 and time.perf_counter() - t0 < 60
    f = _failed(json.loads(cp.stdout))
    assert list(f) == ["tree.store"] and "height 40 claims" in f["tree.store"], f
    t0 = time.perf_counter()
    cp = run_por("audit", "verify", bundle, "--operator-key", demo.operator_pub, "--json", "--quiet")
    no_traceback(cp)
    assert cp.returncode == 1 and time.perf_counter() - t0 < 120
    assert "tree.store" in _failed(json.loads(cp.stdout))


# ---- row G: columns --------------------------------------------------------------------------------

def _swap(cols: list[Any]) -> None:
    cols[0], cols[1] = cols[1], cols[0]


def test_column_swap_fails_the_client(demo: Demo, sample_proofs: dict[str, Path], tmp_path: Path) -> None:
    """AAPL/MSFT swapped: in the manifest's columns only, in both the columns and the tree
    description, or in the proof file only. Each fails a named check."""
    src = sample_proofs["plain"]
    b1 = copy_bundle(demo.bundle("epoch-0001"), tmp_path / "top")
    _edit_manifest(b1, demo, lambda s: _swap(s["columns"]))
    code, doc = _inclusion(_rebound(src, b1, tmp_path), b1, demo)
    assert code == 1 and list(_failed(doc)) == ["manifest"] and "signed.columns" in _failed(doc)["manifest"], _failed(doc)

    b2 = copy_bundle(demo.bundle("epoch-0001"), tmp_path / "both")
    _edit_manifest(b2, demo, lambda s: (_swap(s["columns"]), _swap(s["tree"]["columns"])))
    code, doc = _inclusion(_rebound(src, b2, tmp_path), b2, demo)
    assert code == 1 and list(_failed(doc)) == ["client.columns"], _failed(doc)
    assert "AAPL" in _failed(doc)["client.columns"] and "MSFT" in _failed(doc)["client.columns"]

    d = json.loads(src.read_text())
    _swap(d["columns"])
    p = tmp_path / src.name
    p.write_bytes(_dump(d))
    code, doc = _inclusion(p, demo.bundle("epoch-0001"), demo)
    assert code == 1 and "client.columns" in _failed(doc), _failed(doc)


# ---- row R3: any shape of manifest tree, any field of a proof -----------------------------------------

TREE_SHAPES: dict[str, Callable[[dict[str, Any]], None]] = {
    "tree-list": lambda s: s.__setitem__("tree", []),
    "tree-string": lambda s: s.__setitem__("tree", "tree"),
    "tree-null": lambda s: s.__setitem__("tree", None),
    "no-root": lambda s: s["tree"].pop("root"),
    "no-root-hash": lambda s: s["tree"].pop("root_hash"),
    "root-string": lambda s: s["tree"].__setitem__("root", "abc"),
    "height-string": lambda s: s["tree"].__setitem__("height", "4"),
    "columns-object": lambda s: s["tree"].__setitem__("columns", {"a": 1}),
    "columns-top-null": lambda s: s.__setitem__("columns", None),
    "prices-list": lambda s: s.__setitem__("collateral_prices", [1, 2]),
}


@pytest.mark.parametrize("signed", [True, False], ids=["resigned", "unsigned"])
@pytest.mark.parametrize("shape", sorted(TREE_SHAPES))
def test_manifest_tree_of_any_shape_is_a_failed_check(demo: Demo, sample_proofs: dict[str, Path], tmp_path: Path,
                                                      shape: str, signed: bool) -> None:
    bundle = copy_bundle(demo.bundle("epoch-0001"), tmp_path)
    _edit_manifest(bundle, demo, TREE_SHAPES[shape], sign=signed)
    code, doc = _inclusion(sample_proofs["debt"], bundle, demo)
    assert code == 1
    f = _failed(doc)
    # the verifiers' model refuses the manifest before its signature is looked at (signed or not):
    # one failed `manifest` naming the field (docs/protocol.md §7.10, docs/schemas/manifest.schema.json)
    assert list(f) == ["manifest"] and "manifest.json: signed." in f["manifest"], f


BAD_VALUES: list[Any] = [None, True, -1, 1.5, "x", [], {}, [None], {"a": None}]


def test_every_proof_field_of_any_type_is_a_failed_check(demo: Demo, sample_proofs: dict[str, Path],
                                                          tmp_path: Path) -> None:
    """Every field of a client proof (top level and in the path, block, root and collateral), set to
    every JSON type: a failed check, never an exception (API, then a sample through the CLI)."""
    from por.verify.client import verify_inclusion

    src = sample_proofs["debt"]
    base = json.loads(src.read_text())
    bundle = demo.bundle("epoch-0001")
    places: list[tuple[Callable[[dict[str, Any]], dict[str, Any]], str]] = [(lambda d: d, k) for k in base]
    places += [(lambda d: d["path"][1], k) for k in base["path"][1]]
    places += [(lambda d: d["path"][0]["sibling"], k) for k in base["path"][0]["sibling"]]
    places += [(lambda d: d["path"][1]["block"], k) for k in base["path"][1]["block"]]
    places += [(lambda d: d["root"], k) for k in base["root"]]
    places += [(lambda d: d["collateral"], k) for k in base["collateral"]]
    n = 0
    for where, key in places:
        for value in BAD_VALUES:
            if key == "manifest_sha256" and value is None:
                continue  # optional: a proof that names no manifest is checked against this one's root
            d = json.loads(src.read_text())
            where(d)[key] = value
            p = tmp_path / "p.json"
            p.write_bytes(_dump(d))
            res = verify_inclusion(p, bundle=bundle, operator_key=str(demo.operator_pub))
            assert not res.ok, (key, value)
            n += 1
    assert n > 200
    for key, value in (("path", {}), ("root", []), ("collateral", "x"), ("values", [True]), ("account_id", 7)):
        d = dict(base, **{key: value})
        p = tmp_path / "cli.json"
        p.write_bytes(_dump(d))
        code, doc = _inclusion(p, bundle, demo)
        assert code == 1 and "client.included" not in {c["id"] for c in doc["checks"]}, (key, doc)


# ---- the client's verdict names what it rests on -----------------------------------------------------

def test_client_verdict_names_what_it_rests_on(demo: Demo, sample_proofs: dict[str, Path], tmp_path: Path) -> None:
    src = sample_proofs["plain"]
    code, doc = _inclusion(src, demo.bundle("epoch-0001"), demo)
    assert code == 0
    trust = _message(doc, "client.trust")
    assert "operator key you pinned" in trust and "no auditor has co-signed" in trust

    cp = run_por("verify", "inclusion", src, "--bundle", demo.bundle("epoch-0001"), "--json")
    no_traceback(cp)
    assert cp.returncode == 0
    assert "bundle's own keyring" in _message(json.loads(cp.stdout), "client.trust")

    bundle = copy_bundle(demo.bundle("epoch-0001"), tmp_path)
    Forged.read(bundle).sign(demo.root / "keys" / "auditor.key", "auditor", "auditor").write(bundle)
    code, doc = _inclusion(src, bundle, demo)
    assert code == 0 and "auditor co-signature is present (auditor" in _message(doc, "client.trust")
