"""Proving apart from building: prove_tree after build_tree(range_proofs=False) gives the store
build_tree(range_proofs=True) gives; it is a no-op when there is nothing to do, and an interrupted
prove resumes where it stopped."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

import por.tree.prove as P
from por.errors import TreeError, UsageError
from por.parallel import SerialExecutor
from por.tree import STORE_NAME, TreeStore, build_tree, client_proof, prove_tree, verify_tree
from por.tree.build import DEFAULT_PROOF_ENCODING, ENCODING_STATEMENTS

from .conftest import EPOCH, MASTER

SEED = b"prove-test"
COLUMNS = [("USD", "equity"), ("USD", "debt")]
PRICES = {"USD": 10**8}
HAIRCUTS = {"USD": 10_000}
# 3 accounts -> height 2 (1 padding leaf), two units of 2 leaves; two accounts carry covered debt
ROWS = [("a", (100, 40)), ("b", (7, 0)), ("d", (9, 9))]


def build(out: Path, **kw: Any) -> Any:
    args: dict[str, Any] = {"epoch_id": EPOCH, "master_secret": MASTER, "out_dir": out, "prices": PRICES,
                            "haircuts_bps": HAIRCUTS, "block_size": 2, "context": b"nonce",
                            "executor": SerialExecutor(), "seed": SEED, "unit_bits": 1} | kw
    return build_tree(COLUMNS, ROWS, **args)


def dump(out: Path) -> dict[str, list[Any]]:
    db = sqlite3.connect(out / STORE_NAME)
    try:
        tables = sorted(r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'"))
        return {t: db.execute(f"SELECT * FROM {t} ORDER BY 1, 2").fetchall() for t in tables}
    finally:
        db.close()


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, dict[str, list[Any]]]:
    out = tmp_path_factory.mktemp("ref")
    return build(out), dump(out)


def failed(res: Any) -> dict[str, str]:
    return {c.id: c.message for c in res.checks if not c.ok}


def test_pending_store_then_prove_equals_the_one_step_build(tmp_path: Path, reference: Any) -> None:
    ref_info, ref_dump = reference
    built = build(tmp_path, range_proofs=False)
    assert built.statements == {} and built.root_hash == ref_info.root_hash
    with TreeStore(tmp_path) as st:
        assert st.meta["proofs"] == "pending" and st.meta["range_proofs"] is False and st.proofs == "pending"
    assert dump(tmp_path)["range_proofs"] == [] and dump(tmp_path)["collateral"] == []
    # a store with proofs pending fails the auditor's check, clearly, and gives no client proofs
    msg = failed(verify_tree(tmp_path, executor=SerialExecutor()))["tree.range_proofs"]
    assert msg.startswith("proofs pending")
    with pytest.raises(UsageError, match="proofs pending"):
        client_proof(tmp_path, "a", master_secret=MASTER)

    seen: list[str] = []
    info = prove_tree(tmp_path, master_secret=MASTER, executor=SerialExecutor(), seed=SEED,
                      progress=lambda stage, done, total: seen.append(stage), unit_bits=2)
    assert info == ref_info and info.statements.keys() == set(ENCODING_STATEMENTS[DEFAULT_PROOF_ENCODING])
    assert dump(tmp_path) == ref_dump  # same rows, byte for byte (units of another size, same seed)
    assert {"proofs", "top proofs"} <= set(seen)
    assert not (tmp_path / (STORE_NAME + P.WORK_SUFFIX)).exists()
    assert verify_tree(tmp_path, expected=info, executor=SerialExecutor()).ok
    # a proven store: nothing to do
    before = (tmp_path / STORE_NAME).read_bytes()
    assert prove_tree(tmp_path, master_secret=MASTER, executor=SerialExecutor()) == info
    assert (tmp_path / STORE_NAME).read_bytes() == before


def test_an_interrupted_prove_resumes(tmp_path: Path, reference: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    ref_info, ref_dump = reference
    build(tmp_path, range_proofs=False)
    real = P.prove_unit
    proven: list[int] = []

    def crash_on_second(u: Any) -> Any:
        if u.levels:
            if len(proven) == 1:
                raise KeyboardInterrupt  # Ctrl-C in the middle of the stage
            proven.append(u.start)
        return real(u)

    monkeypatch.setattr(P, "prove_unit", crash_on_second)
    with pytest.raises(KeyboardInterrupt):
        prove_tree(tmp_path, master_secret=MASTER, executor=SerialExecutor(), seed=SEED, unit_bits=1)
    work = tmp_path / (STORE_NAME + P.WORK_SUFFIX)
    assert work.exists()
    assert "tree.range_proofs" in failed(verify_tree(tmp_path, executor=SerialExecutor()))  # still pending
    done = list(proven)
    proven.clear()
    monkeypatch.setattr(P, "prove_unit", lambda u: (proven.append(u.start) if u.levels else None, real(u))[1])
    info = prove_tree(tmp_path, master_secret=MASTER, executor=SerialExecutor(), seed=SEED, unit_bits=1)
    assert done == [0] and proven == [2]  # the unit done before the crash was not re-proven
    assert info == ref_info and dump(tmp_path) == ref_dump and not work.exists()


def test_a_stale_working_copy_is_discarded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    build(tmp_path, range_proofs=False)
    monkeypatch.setattr(P, "prove_unit", lambda u: (_ for _ in ()).throw(KeyboardInterrupt))
    with pytest.raises(KeyboardInterrupt):
        prove_tree(tmp_path, master_secret=MASTER, executor=SerialExecutor())
    monkeypatch.undo()
    assert (tmp_path / (STORE_NAME + P.WORK_SUFFIX)).exists()
    build(tmp_path, context=b"another nonce", range_proofs=False)  # a rebuild of the directory
    assert not (tmp_path / (STORE_NAME + P.WORK_SUFFIX)).exists()


def test_plain_mode_and_bad_inputs(tmp_path: Path) -> None:
    plain = build(tmp_path / "plain", mode="plain")
    assert prove_tree(tmp_path / "plain", master_secret=MASTER) == plain
    build(tmp_path / "c", range_proofs=False)
    with pytest.raises(TreeError, match="leaf 0: the leaf id derived from the master secret differs"):
        prove_tree(tmp_path / "c", master_secret=bytes(32), executor=SerialExecutor())
    with pytest.raises(UsageError, match="master secret"):
        prove_tree(tmp_path / "c", master_secret=b"short")
    with pytest.raises(TreeError, match="does not exist"):
        prove_tree(tmp_path / "nowhere", master_secret=MASTER)
    (tmp_path / "c" / "accounts.sqlite").unlink()
    with pytest.raises(TreeError, match="private accounts file"):
        prove_tree(tmp_path / "c", master_secret=MASTER, executor=SerialExecutor())


# ---- deterministic proof randomness (keyed by the master secret) -------------------------------------

def _proofs(d: dict[str, list[Any]]) -> list[bytes]:
    return [r[2] for r in d["range_proofs"]] + [r[1] for r in d["collateral"]]


def test_without_a_seed_proofs_are_keyed_by_the_master_secret(tmp_path: Path, reference: Any) -> None:
    """No seed: a re-run with another unit size writes the same store, because the proofs'
    randomness is keyed by the master secret; the seeded reference build has other proof bytes."""
    ref_info, ref_dump = reference
    a, b = tmp_path / "a", tmp_path / "b"
    for out, bits in ((a, 1), (b, 2)):
        build(out, range_proofs=False, seed=None)
        info = prove_tree(out, master_secret=MASTER, executor=SerialExecutor(), unit_bits=bits)
        assert info.root_hash == ref_info.root_hash
        assert verify_tree(out, expected=info, executor=SerialExecutor()).ok
    assert dump(a) == dump(b)
    assert len(_proofs(dump(a))) == len(_proofs(ref_dump)) > 0
    assert set(_proofs(dump(a))).isdisjoint(_proofs(ref_dump))


def test_no_two_proofs_share_their_randomness(tmp_path: Path) -> None:
    """Each proof's randomness is bound to its context (tree, epoch, position) and witness: the
    A and S commitments (the first 96 bytes, which carry alpha and rho) of every proof are distinct,
    even where blocks prove equal values."""
    rows = [(f"acct-{i}", (5, 0)) for i in range(6)]
    build_tree(COLUMNS, rows, epoch_id=EPOCH, master_secret=MASTER, out_dir=tmp_path, prices=PRICES,
               haircuts_bps=HAIRCUTS, block_size=1, context=b"nonce", executor=SerialExecutor(), unit_bits=1)
    heads = [p[:96] for p in _proofs(dump(tmp_path))]
    assert len(heads) > 10 and len(set(heads)) == len(heads)


def test_proof_randomness_binds_key_context_and_witness() -> None:
    """Equal inputs give equal streams (a re-run reproduces a proof); a change of key, context, any
    value, blinding or public coefficient (a collateral price) gives another stream, so one randomness
    never serves two statements."""
    def first(key: bytes, ctx: bytes, values: tuple[int, ...], blindings: tuple[int, ...],
              coefficients: tuple[int, ...] = ()) -> list[int]:
        rng = P._rng(key, ctx, values, blindings, coefficients)
        return [rng.randbelow(2**255) for _ in range(3)]

    base = (b"k" * 32, b"ctx", (1, 2), (3, 4))
    assert first(*base) == first(*base)
    variants = [(b"j" * 32, b"ctx", (1, 2), (3, 4)), (b"k" * 32, b"ctx2", (1, 2), (3, 4)),
                (b"k" * 32, b"ctx", (1, 3), (3, 4)), (b"k" * 32, b"ctx", (1, 2), (3, 5)),
                (b"k" * 32, b"ctx", (12,), (3, 4)), (b"k" * 32, b"ctx", (1, 2, 3), (4,)),
                (b"k" * 32, b"ctx", (1, 2), (3, 4), (9500,)), (b"k" * 32, b"ctx", (1, 2), (3, 4), (9501,))]
    streams = {tuple(first(*v)) for v in variants} | {tuple(first(*base))}
    assert len(streams) == len(variants) + 1
    assert P._rng(None, b"ctx", (1,), (2,)) is None  # no key: the OS CSPRNG
