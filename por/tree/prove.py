"""Prove a built liabilities tree: every ``node-range`` block and ``collateral`` proof, in the range-proof
encoding the store's meta records (``proof_encoding``: the ``*-linear`` statements or the compressed
ones; docs/protocol.md §7.5, §7.8, §7.9, §7.12).

:func:`prove_tree` is the pipeline's ``prove`` stage, separate from the ``build`` stage
(:func:`por.tree.build_tree` with ``range_proofs=False``). It reads what the build left:

- the public store ``tree.sqlite`` (meta ``proofs: "pending"``): node records (hence every
  commitment a claim needs), columns, height, block size, proof context, prices and haircuts;
- the private ``accounts.sqlite``: per position the account id or padding index and the values;

and re-derives every leaf's blindings from the epoch master secret (the only input not on disk).
Openings never go into any file.

Work units are those of the build: aligned subtrees of 2^12 leaves, each carrying its own data
(picklable, independent: no unit reads a file), proving the blocks that fall inside the subtree
and the collateral proofs of its leaves with debt; the blocks of the top levels (spanning units) are
proven afterwards, again through the executor. Nothing holds the tree as Python objects.

Crash safety: proofs go into a copy ``tree.sqlite.proving`` (rollback journal, one transaction per
work unit, recording the unit as done); at the end its meta is set to ``proofs: "complete"`` and
it replaces ``tree.sqlite`` (``os.replace``). A prove interrupted at any point is simply run again:
it resumes the copy (units already done are not re-proven) or starts a fresh one; a proven store
makes it a no-op.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from por.canonical import parse_json
from por.crypto.scalar import R
from por.errors import EncodingError, PorError, TreeError, UsageError
from por.parallel import Executor, close_executor, get_executor
from por.tree import leaf as L
from por.tree.build import (
    ENCODING_STATEMENTS,
    NODE_RANGE,
    UNIT_BITS,
    Progress,
    TreeInfo,
    _leaf_secrets,
    statement_refs,
)
from por.tree.columns import collateral_coefficients, parse_columns
from por.tree.store import ACCOUNTS_NAME, STORE_NAME, Accounts, TreeStore

WORK_SUFFIX = ".proving"
#: meta keys a prove may change; every other key must be the build's
_PROOF_KEYS = ("range_proofs", "proofs", "statements")


# ---- work units ------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class BlockUnit:
    """One aligned range-proof block: ``B_l * k`` claims ``Claim((C,), (1,))`` in node-major order."""

    level: int
    block: int
    height: int
    epoch_id: str
    context: bytes
    commitments: tuple[bytes, ...]
    values: tuple[int, ...]
    blindings: tuple[int, ...]
    seed: bytes | None = None
    statement: str = NODE_RANGE


def _rng(seed: bytes | None, context: bytes, values: Sequence[int], blindings: Sequence[int],
         coefficients: Sequence[int] = ()) -> Any:
    """The proof's randomness, keyed by ``seed`` and bound to the whole statement and witness: the
    context (tree, epoch, position), the values and blindings (hence the commitments) and the
    statement's public coefficients; ``None`` (the OS CSPRNG) without a seed."""
    if seed is None:
        return None
    from por.crypto.scalar import statement_rng

    return statement_rng(seed, context, values, blindings, coefficients)


def prove_block(unit: BlockUnit) -> tuple[int, int, bytes]:
    """Prove one block (a module-level task for executors).

    Raises:
        TreeError: an opening does not match its stored commitment (a damaged store, or private
            files or a master secret of another build).
    """
    from por.crypto import statements as st

    stmt = st.load(unit.statement)
    claims = [st.Claim((c,), (1,)) for c in unit.commitments]
    openings = [st.Opening((v,), (g,)) for v, g in zip(unit.values, unit.blindings, strict=True)]
    ctx = L.block_context(unit.epoch_id, unit.context, unit.height, unit.level, unit.block)
    try:
        proof = st.prove(stmt, claims, openings, context=ctx,
                         rng=_rng(unit.seed, ctx, unit.values, unit.blindings))
    except UsageError as exc:
        raise TreeError(f"block level {unit.level} index {unit.block}: {exc} (damaged store, or private "
                        "files or master secret of another build)") from None
    return unit.level, unit.block, proof


def _top_proven(block_size: int, height: int, bits: int, level: int) -> bool:
    """Whether level ``level``'s blocks span several units (then they are proven at the top)."""
    if level > bits:
        return True
    return L.level_block_size(block_size, height, level) > (1 << (bits - level))


@dataclass(frozen=True, slots=True)
class ProveUnit:
    """The proofs of an aligned subtree of 2^bits leaves from ``start`` (a picklable task input).

    ``levels`` are the subtree's stored node records, levels 0..bits; empty when the unit was
    already proven by an interrupted run (then only the openings the top levels need are derived).
    """

    k: int
    start: int
    bits: int
    prk: bytes
    keys: tuple[str | int, ...]  # per position: account id (str) or padding index (int)
    values: tuple[int, ...]  # k values per position, flat
    height: int
    block_size: int
    epoch_id: str
    context: bytes
    coefficients: tuple[int, ...] | None
    debt_columns: tuple[int, ...]
    levels: tuple[bytes, ...]
    seed: bytes | None = None
    encoding: str = "compressed"


@dataclass(slots=True)
class ProveResult:
    start: int
    # level -> (values per node, blindings per node) for the levels proven at the top (and ``bits``)
    openings: dict[int, tuple[list[tuple[int, ...]], list[tuple[int, ...]]]]
    blocks: list[tuple[int, int, bytes]]
    collateral: list[tuple[int, bytes]]


def prove_unit(u: ProveUnit) -> ProveResult:
    """In-unit blocks and collateral proofs of one subtree (a task).

    Raises:
        TreeError: a leaf id derived from the master secret differs from the stored one.
    """
    k, n = u.k, 1 << u.bits
    w = L.HASH_BYTES + k * L.POINT_BYTES
    secrets_ = _leaf_secrets(u)
    prove = bool(u.levels)
    if prove:
        recs0 = u.levels[0]
        if len(recs0) != n * w:
            raise TreeError(f"tree store: damaged leaves at positions {u.start}..{u.start + n - 1}")
        sha, lid = hashlib.sha256, L.leaf_id_prefix
        for i, s in enumerate(secrets_):
            if sha(lid(u.keys[i]) + s).digest() != recs0[i * w:i * w + 32]:
                raise TreeError(f"leaf {u.start + i}: the leaf id derived from the master secret differs from "
                                "the stored one (wrong master secret, or a store and private files of "
                                "different builds)")
    vals = [tuple(u.values[i * k:(i + 1) * k]) for i in range(n)]
    blinds = [L.blindings(s, k) for s in secrets_]
    all_vals, all_blinds = [vals], [blinds]
    for _level in range(1, u.bits + 1):
        vals = [tuple(a + b for a, b in zip(vals[i], vals[i + 1], strict=True)) for i in range(0, len(vals), 2)]
        blinds = [tuple((a + b) % R for a, b in zip(blinds[i], blinds[i + 1], strict=True))
                  for i in range(0, len(blinds), 2)]
        all_vals.append(vals)
        all_blinds.append(blinds)
    openings = {level: (all_vals[level], all_blinds[level]) for level in range(u.bits + 1)
                if level == u.bits or _top_proven(u.block_size, u.height, u.bits, level)}
    blocks: list[tuple[int, int, bytes]] = []
    collateral: list[tuple[int, bytes]] = []
    if not prove:
        return ProveResult(u.start, openings, blocks, collateral)
    for level in range(u.bits + 1):
        if level >= u.height or _top_proven(u.block_size, u.height, u.bits, level):
            continue
        bl = L.level_block_size(u.block_size, u.height, level)
        first = (u.start >> level) // bl
        blob = u.levels[level]
        m = n >> level
        if len(blob) != m * w:
            raise TreeError(f"tree store: damaged nodes of level {level} from index {u.start >> level}")
        lv, lg = all_vals[level], all_blinds[level]
        for j in range(m // bl):
            idx = range(j * bl, (j + 1) * bl)
            blocks.append(prove_block(BlockUnit(
                level, first + j, u.height, u.epoch_id, u.context,
                tuple(blob[i * w + 32 + 48 * c:i * w + 80 + 48 * c] for i in idx for c in range(k)),
                tuple(lv[i][c] for i in idx for c in range(k)),
                tuple(lg[i][c] for i in idx for c in range(k)), u.seed, ENCODING_STATEMENTS[u.encoding][0])))
    if u.coefficients is not None and u.debt_columns:
        from por.crypto import statements as st

        stmt = st.load(ENCODING_STATEMENTS[u.encoding][1])
        recs0 = u.levels[0]
        for i in range(n):
            if not any(all_vals[0][i][c] for c in u.debt_columns):
                continue
            pos = u.start + i
            claim = st.Claim(tuple(recs0[i * w + 32 + 48 * c:i * w + 80 + 48 * c] for c in range(k)),
                             u.coefficients, 0)
            opening = st.Opening(all_vals[0][i], all_blinds[0][i])
            ctx = L.collateral_context(u.epoch_id, u.context, u.height, pos)
            try:
                proof = st.prove(stmt, [claim], [opening], context=ctx,
                                 rng=_rng(u.seed, ctx, opening.values, opening.blindings, u.coefficients))
            except UsageError as exc:
                raise TreeError(f"collateral at leaf {pos}: {exc}") from None
            collateral.append((pos, proof))
    return ProveResult(u.start, openings, blocks, collateral)


def _top_block_units(
    top_recs: Mapping[int, bytes], top_open: Mapping[int, tuple[list[tuple[int, ...]], list[tuple[int, ...]]]],
    k: int, w: int, height: int, bits: int, block_size: int, epoch_id: str, context: bytes,
    seed: bytes | None, statement: str = NODE_RANGE,
) -> Iterator[BlockUnit]:
    for level in range(height):
        if not _top_proven(block_size, height, bits, level):
            continue
        blob = top_recs[level]
        vs, gs = top_open[level]
        bl = L.level_block_size(block_size, height, level)
        for j in range((1 << (height - level)) // bl):
            idx = range(j * bl, (j + 1) * bl)
            yield BlockUnit(
                level, j, height, epoch_id, context,
                tuple(blob[i * w + 32 + 48 * c:i * w + 80 + 48 * c] for i in idx for c in range(k)),
                tuple(vs[i][c] for i in idx for c in range(k)),
                tuple(gs[i][c] for i in idx for c in range(k)), seed, statement)


# ---- the working copy ------------------------------------------------------------------------

def _work_path(out: Path) -> Path:
    return out / (STORE_NAME + WORK_SUFFIX)


def discard_work(out: Path | str) -> None:
    """Remove an interrupted prove's working copy (and its journal) from a tree directory."""
    work = _work_path(Path(out))
    for p in (work, work.with_name(work.name + "-journal"), work.with_name(work.name + ".tmp")):
        if p.exists():
            p.unlink()


def _read_meta(db: sqlite3.Connection) -> dict[str, Any]:
    return {key: parse_json(v) for key, v in db.execute("SELECT key, value FROM meta")}


def _same_build(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    keys = (set(a) | set(b)) - set(_PROOF_KEYS)
    return all(a.get(x) == b.get(x) for x in keys)


def _open_work(out: Path, meta: Mapping[str, Any]) -> sqlite3.Connection:
    """The working copy of the store: resumed when it is of this build, else made afresh."""
    work = _work_path(out)
    if work.exists():
        try:
            db = sqlite3.connect(work)  # a hot journal of a crashed transaction is rolled back here
            if _same_build(_read_meta(db), meta):
                return _prepare(db)
            db.close()
        except (sqlite3.Error, EncodingError):  # boundary: a working copy damaged by the crash is made afresh
            pass
        discard_work(out)
    tmp = work.with_name(work.name + ".tmp")
    shutil.copyfile(out / STORE_NAME, tmp)
    os.replace(tmp, work)
    return _prepare(sqlite3.connect(work))


def _prepare(db: sqlite3.Connection) -> sqlite3.Connection:
    db.execute("PRAGMA journal_mode=DELETE")
    db.execute("PRAGMA synchronous=FULL")
    db.execute("CREATE TABLE IF NOT EXISTS prove_units (unit INTEGER PRIMARY KEY, bits INTEGER NOT NULL)")
    db.commit()
    return db


def _put_meta(db: sqlite3.Connection, meta: Mapping[str, Any]) -> None:
    db.executemany("INSERT OR REPLACE INTO meta VALUES (?,?)",
                   [(key, json.dumps(v, sort_keys=True)) for key, v in meta.items()])


# ---- the prover ------------------------------------------------------------------------------

def tree_info(out_dir: Path | str) -> TreeInfo:
    """The :class:`TreeInfo` of a built (proven or not) tree directory.

    Raises:
        TreeError: the store or the private accounts file is missing or damaged.
    """
    out = Path(out_dir)
    with TreeStore(out / STORE_NAME) as st:
        meta = st.meta
    acc = Accounts(out / ACCOUNTS_NAME)
    try:
        n = acc.leaf_count()
    except (sqlite3.Error, EncodingError) as exc:  # boundary: a damaged SQLite file, a chunk's ids not JSON
        raise TreeError(f"private accounts file is unreadable: {exc}") from None
    finally:
        acc.close()
    return TreeInfo.from_dict({**meta, "leaf_count": n})


def prove_tree(
    out_dir: Path | str,
    *,
    master_secret: bytes,
    executor: Executor | None = None,
    progress: Progress | None = None,
    seed: bytes | None = None,
    unit_bits: int = UNIT_BITS,
) -> TreeInfo:
    """Add every range-proof block and collateral proof to a tree built with ``range_proofs=False``.

    The result is the store ``build_tree(range_proofs=True)`` makes (same tables, rows and meta; with
    the same ``seed``, the same proof bytes). Plain mode, or a store already proven: a no-op.
    The proofs are deterministic: their randomness is keyed by ``seed``, by default
    :func:`por.tree.leaf.proof_key` of the master secret, so any executor, or a re-run, writes the
    same bytes.

    Args:
        out_dir: the tree directory the build wrote (``tree.sqlite``, ``accounts.sqlite``).
        master_secret: the epoch master secret of the build (every blinding derives from it).
        executor: where work units run (default: a local process pool unless the tree is tiny).
        progress: ``progress(stage, done, total)``, stages ``proofs`` and ``top proofs``.
        seed: the key of the proofs' randomness (default: derived from the master secret).
        unit_bits: leaves per work unit is 2^unit_bits.

    Returns:
        The tree's :class:`TreeInfo`, ``statements`` filled.

    Raises:
        UsageError: a bad master secret (too short).
        TreeError: the store or the private files are missing or damaged, or of another master
            secret (named by leaf or block).
    """
    out = Path(out_dir)
    report = progress or (lambda stage, done, total: None)
    with TreeStore(out / STORE_NAME) as st:
        meta = dict(st.meta)
        state = st.proofs
    if state != "pending":
        return tree_info(out)
    epoch_id = str(meta["epoch_id"])
    L.check_master(master_secret, epoch_id)
    if seed is None:
        seed = L.proof_key(master_secret, epoch_id)
    try:
        cols = parse_columns(meta["columns"])
        prices = {str(a): int(p) for a, p in dict(meta.get("prices") or {}).items()}
        haircuts = {str(a): int(h) for a, h in dict(meta.get("haircuts_bps") or {}).items()}
        coeffs = collateral_coefficients(cols, prices or None, haircuts)
    except PorError as exc:  # the store typed its meta on open (prices decimal strings, haircuts integers)
        raise TreeError(f"tree store meta: unusable columns, prices or haircuts ({exc})") from None
    db = _open_work(out, meta)
    try:
        wmeta = _read_meta(db)
        if wmeta.get("proofs") != "complete":
            _prove_into(db, out, cols, coeffs, master_secret, executor, report, seed, unit_bits)
        db.close()
    except BaseException:
        db.close()  # the working copy stays: a rerun resumes it
        raise
    os.replace(_work_path(out), out / STORE_NAME)
    report("top proofs", 1, 1)
    return tree_info(out)


def _prove_into(
    db: sqlite3.Connection, out: Path, cols: Any, coeffs: tuple[int, ...] | None, master_secret: bytes,
    executor: Executor | None, report: Progress, seed: bytes | None, unit_bits: int,
) -> None:
    st = TreeStore(out / STORE_NAME)
    acc = Accounts(out / ACCOUNTS_NAME)
    try:
        height, k, bsz, epoch_id, context = st.height, st.k, st.block_size, st.epoch_id, st.context
        encoding = st.proof_encoding
        node_stmt, coll_stmt = ENCODING_STATEMENTS[encoding]
        if acc.k != k or acc.meta.get("epoch_id") != epoch_id or acc.meta.get("height") != height:
            raise TreeError("the private accounts file is not of this tree (epoch, height or columns differ)")
        prk = L.prk(master_secret, epoch_id)
        size = 1 << height
        bits = L.unit_bits_for(height, unit_bits)
        per = 1 << bits
        n_units = size >> bits
        w = st.width
        debt_cols = tuple(i for i, c in enumerate(cols) if c.kind == "debt")
        done = {u for (u,) in db.execute("SELECT unit FROM prove_units WHERE bits = ?", (bits,))}

        def units() -> Iterable[ProveUnit]:
            for u in range(n_units):
                start = u * per
                keys, vbytes = acc.range(start, per)
                values = tuple(np.frombuffer(vbytes, dtype=">u8").tolist())
                levels = () if u in done else tuple(st.nodes(lv, start >> lv, per >> lv) for lv in range(bits + 1))
                yield ProveUnit(k, start, bits, prk, tuple(keys), values, height, bsz, epoch_id, context,
                                coeffs, debt_cols, levels, seed, encoding)

        ex, owned = get_executor(executor, work=size, threshold=1 << 8)
        try:
            top_open: dict[int, tuple[list[tuple[int, ...]], list[tuple[int, ...]]]] = {}
            report("proofs", len(done), n_units)  # the bar shows from the start, not after the first unit
            for i, res in enumerate(ex.map(prove_unit, units())):
                u = res.start >> bits
                if u not in done:
                    db.executemany("INSERT OR REPLACE INTO range_proofs VALUES (?,?,?)", res.blocks)
                    db.executemany("INSERT OR REPLACE INTO collateral VALUES (?,?)", res.collateral)
                    db.execute("INSERT OR REPLACE INTO prove_units VALUES (?,?)", (u, bits))
                    db.commit()
                for level, (v, g) in res.openings.items():
                    tv, tg = top_open.setdefault(level, ([], []))
                    tv.extend(v)
                    tg.extend(g)
                report("proofs", i + 1, n_units)

            # the levels above the units: openings summed here, commitments read from the store
            cur_v, cur_g = top_open[bits]
            for level in range(bits + 1, height + 1):
                cur_v = [tuple(a + b for a, b in zip(cur_v[i], cur_v[i + 1], strict=True))
                         for i in range(0, len(cur_v), 2)]
                cur_g = [tuple((a + b) % R for a, b in zip(cur_g[i], cur_g[i + 1], strict=True))
                         for i in range(0, len(cur_g), 2)]
                top_open[level] = (cur_v, cur_g)
            top_levels = [lv for lv in range(height) if _top_proven(bsz, height, bits, lv)]
            top_recs = {lv: st.nodes(lv, 0, size >> lv) for lv in top_levels}
            have = {(lv, j) for lv, j in db.execute("SELECT level, block FROM range_proofs WHERE level >= ?",
                                                      (min(top_levels, default=height),))}
            todo = [b for b in _top_block_units(top_recs, top_open, k, w, height, bits, bsz, epoch_id, context, seed,
                                                node_stmt) if (b.level, b.block) not in have]
            for j, (level, block, proof) in enumerate(ex.map(prove_block, todo)):
                db.execute("INSERT OR REPLACE INTO range_proofs VALUES (?,?,?)", (level, block, proof))
                if j % 64 == 63:
                    db.commit()
                report("top proofs", j + 1, len(todo))
        finally:
            close_executor(ex, owned)

        statements = statement_refs([node_stmt] + ([coll_stmt] if coeffs is not None else []))
        _put_meta(db, {"statements": statements, "range_proofs": True, "proofs": "complete"})
        db.execute("DROP TABLE IF EXISTS prove_units")
        db.commit()
    finally:
        st.close()
        acc.close()
