"""The auditor's full check of a liabilities tree store (docs/protocol.md §7.11): every node, the
root, every range-proof block and collateral proof, in picklable units an executor can spread.

Returns a :class:`por.result.Result` and never raises on a damaged store: every problem is a failed
check with a stable id and a sentence naming the level or index.

Tree checks (``verify_tree``), in order:
  1. ``tree.store``   the store opens, its format and leaf format are the current ones, its metadata
                      parses (block size a power of two in the node-range range), and every size
                      it claims is borne out by its rows (``TreeStore`` checks it on open);
  2. ``tree.expected`` the store is the tree the manifest (``expected``) describes;
  3. ``tree.statements`` statement ids and hashes;
  4. ``tree.leaves``  every leaf commitment decodes, leaf ids are distinct;
  5. ``tree.nodes``   every inner node recomputed from its children (hash and columns);
  6. ``tree.sums``    (plain) every non-root sum below 2^64;
  7. ``tree.root``    the recomputed root equals the stored (and expected) root;
  8. ``tree.range_proofs`` every block present and valid (one batch, bisection names failures);
  9. ``tree.collateral`` every collateral proof valid at the given prices.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from por.bundle.tree import TreeDescription
from por.errors import PorError
from por.parallel import Executor, close_executor, get_executor
from por.result import Result
from por.tree import leaf as L
from por.tree._checks import MAX_NAMED, name_items, statement_check
from por.tree.build import ENCODING_STATEMENTS, Progress, TreeInfo
from por.tree.columns import MAX_VALUE, collateral_coefficients, parse_columns
from por.tree.store import TreeStore, resolve_store

# ---- full tree verification ------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class SubtreeCheck:
    """Recompute one aligned subtree of 2^bits leaves from the store (a picklable task)."""

    path: str
    start: int
    bits: int


@dataclass(slots=True)
class SubtreeOutcome:
    start: int
    root: bytes | None  # the recomputed subtree root record (hash || columns)
    leaf_ids: bytes
    problems: list[str]  # "level l index i: ..." (capped)
    count: int  # number of problems (uncapped)


def check_subtree(task: SubtreeCheck) -> SubtreeOutcome:
    probs: list[str] = []
    count = 0

    def bad(msg: str) -> None:
        nonlocal count
        count += 1
        if len(probs) < MAX_NAMED:
            probs.append(msg)

    try:
        st = TreeStore(task.path)
    except PorError as exc:
        return SubtreeOutcome(task.start, None, b"", [str(exc)], 1)
    try:
        mode, k, w = st.mode, st.k, st.width
        cw = L.column_width(mode)
        n = 1 << task.bits
        try:
            blob = st.nodes(0, task.start, n)
        except PorError as exc:
            return SubtreeOutcome(task.start, None, b"", [str(exc)], 1)
        recs = [blob[i * w:(i + 1) * w] for i in range(n)]
        leaf_ids = b"".join(r[:32] for r in recs)
        hashes = [L.leaf_hash(mode, r[:32], r[32:]) for r in recs]
        if mode == "committed":
            from por.tree._commit import committer

            cm = committer()
            cur: list[list[Any]] = []
            for i, r in enumerate(recs):
                try:
                    cur.append([cm.decode(r[32 + 48 * c:80 + 48 * c]) for c in range(k)])
                except PorError:
                    bad(f"level 0 index {task.start + i}: a commitment does not decode")
                    cur.append([cm.be.identity()] * k)
        else:
            cur = [[int.from_bytes(r[32 + 16 * c:48 + 16 * c], "big") for c in range(k)] for r in recs]
            for i, vs in enumerate(cur):
                if any(v >= MAX_VALUE for v in vs):
                    bad(f"level 0 index {task.start + i}: a sum is >= 2^64")
        height = st.height
        rec = recs[0]
        for level in range(1, task.bits + 1):
            m = n >> level
            first = task.start >> level
            try:
                blob = st.nodes(level, first, m)
            except PorError as exc:
                bad(str(exc))
                return SubtreeOutcome(task.start, None, leaf_ids, probs, count)
            nxt, nh = [], []
            for i in range(m):
                a, b = cur[2 * i], cur[2 * i + 1]
                if mode == "committed":
                    p = [cm.add(x, y) for x, y in zip(a, b, strict=True)]
                    cols = b"".join(cm.encode(x) for x in p)
                else:
                    p = [x + y for x, y in zip(a, b, strict=True)]
                    if level < height and any(v >= MAX_VALUE for v in p):
                        bad(f"level {level} index {first + i}: a sum is >= 2^64")
                    cols = b"".join(L.encode_sum(v) for v in p)
                h = L.node_hash(mode, hashes[2 * i], hashes[2 * i + 1], cols)
                rec = h + cols
                if blob[i * w:(i + 1) * w] != rec:
                    bad(f"level {level} index {first + i}: stored node differs from the one recomputed "
                        "from its children")
                nxt.append(p)
                nh.append(h)
            cur, hashes = nxt, nh
        if task.bits == 0:
            rec = hashes[0] + recs[0][32:]
        del cw
        return SubtreeOutcome(task.start, rec, leaf_ids, probs, count)
    finally:
        st.close()


@dataclass(frozen=True, slots=True)
class BlockCheck:
    """Verify a batch of range-proof blocks (and/or collateral proofs) read from the store (a task)."""

    path: str
    blocks: tuple[tuple[int, int], ...]  # (level, block)
    collateral: tuple[int, ...]  # leaf positions
    coefficients: tuple[int, ...] | None


def check_blocks(task: BlockCheck) -> list[str]:
    """Names of the failing items: ``"block level L index J"`` / ``"collateral at leaf P"``."""
    from por.crypto import statements as st

    try:
        store = TreeStore(task.path)
    except PorError as exc:
        return [f"store: {exc}"]
    names: list[str] = []
    items = []
    failed: list[str] = []
    try:
        k, w, height = store.k, store.width, store.height
        node_stmt, coll_stmt = ENCODING_STATEMENTS[store.proof_encoding]
        node_range = st.load(node_stmt)
        for level, j in task.blocks:
            bl = L.level_block_size(store.block_size, height, level)
            proof = store.block_proof(level, j)
            if proof is None:
                failed.append(f"block level {level} index {j} (missing)")
                continue
            try:
                blob = store.nodes(level, j * bl, bl)
            except PorError:
                failed.append(f"block level {level} index {j} (nodes missing)")
                continue
            cs = [blob[i * w + 32 + 48 * c:i * w + 80 + 48 * c] for i in range(bl) for c in range(k)]
            items.append((node_range, [st.Claim((c,), (1,)) for c in cs], proof,
                          L.block_context(store.epoch_id, store.context, height, level, j)))
            names.append(f"block level {level} index {j}")
        if task.collateral:
            coll = st.load(coll_stmt)
            for pos in task.collateral:
                proof = store.collateral_proof(pos)
                try:
                    rec = store.node(0, pos)
                except PorError:
                    failed.append(f"collateral at leaf {pos} (leaf missing)")
                    continue
                if proof is None or task.coefficients is None:
                    failed.append(f"collateral at leaf {pos} (no proof or no prices)")
                    continue
                claim = st.Claim(tuple(rec[32 + 48 * c:80 + 48 * c] for c in range(k)), task.coefficients, 0)
                items.append((coll, [claim], proof, L.collateral_context(store.epoch_id, store.context, height, pos)))
                names.append(f"collateral at leaf {pos}")
        if items:
            try:
                if not st.verify_batch(items):
                    failed.extend(names[i] for i in st.find_invalid(items))
            except PorError as exc:  # the crypto layer's deliberate errors (it returns False for bad bytes)
                failed.append(f"batch verification error ({type(exc).__name__})")
    except PorError as exc:
        failed.append(str(exc))
    finally:
        store.close()
    return failed


def verify_tree(
    out_dir_or_store: Path | str,
    *,
    expected: Any = None,
    prices: Mapping[str, int] | None = None,
    haircuts_bps: Mapping[str, int] | None = None,
    executor: Executor | None = None,
    unit_bits: int = 12,
    blocks_per_task: int = 64,
    progress: Progress | None = None,
) -> Result:
    """The auditor's full check of a tree store; never raises on a damaged store.

    Args:
        out_dir_or_store: the tree directory or its ``tree.sqlite``.
        expected: the published description: the manifest's model (:class:`por.bundle.tree.TreeDescription`,
            read as :meth:`TreeInfo.from_model`), a :class:`TreeInfo`, or a tree info's dict (``por tree
            verify --expected``).
        prices, haircuts_bps: the published prices (default: those recorded in the store).
        executor: where subtree and proof checks run (default: a local pool for large trees).
        progress: ``progress(stage, done, total)`` in work units, stages ``tree nodes``,
            ``range proofs`` and ``collateral``.
    """
    res = Result("liabilities tree")
    path = resolve_store(out_dir_or_store)
    try:
        st = TreeStore(path)
    except PorError as exc:
        res.failed("tree.store", str(exc))
        return res
    try:
        return _verify_tree(res, st, str(path), expected, prices, haircuts_bps, executor, unit_bits,
                            blocks_per_task, progress or (lambda stage, done, total: None))
    except PorError as exc:
        res.failed("tree.store", f"damaged store: {exc}")
        return res
    except sqlite3.Error as exc:  # boundary: SQLite's error for a damaged store file (a table dropped)
        res.failed("tree.store", f"damaged store: {exc.__class__.__name__}: {exc}")
        return res
    finally:
        st.close()


def _verify_tree(res: Result, st: TreeStore, path: str, expected: Any, prices: Mapping[str, int] | None,
                 haircuts_bps: Mapping[str, int] | None, executor: Executor | None, unit_bits: int,
                 blocks_per_task: int, report: Progress) -> Result:
    import numpy as np

    def reported(ex: Executor, stage: str, fn: Any, tasks: Sequence[Any]) -> Iterator[Any]:
        """``ex.map(fn, tasks)``, reporting each finished unit (the executor yields in order)."""
        report(stage, 0, len(tasks))
        for i, out in enumerate(ex.map(fn, tasks), 1):
            report(stage, i, len(tasks))
            yield out

    meta = st.meta
    try:
        cols = parse_columns(st.columns)
    except PorError as exc:
        res.failed("tree.store", f"store columns: {exc}")
        return res
    res.passed("tree.store", f"{st.mode} tree, height {st.height}, {len(cols)} column(s), block size {st.block_size}")
    committed = st.mode == "committed"
    has_proofs = st.proofs == "complete"
    stored_root = (str(meta.get("root_hash")), [str(x) for x in meta.get("root", [])])

    # 2. expected
    if isinstance(expected, TreeDescription):
        expected = TreeInfo.from_model(expected)
    if expected is not None and not hasattr(expected, "to_dict") and not isinstance(expected, Mapping):
        res.failed("tree.expected", f"the published tree description is a {type(expected).__name__}, not an object")
        expected = None
    if expected is not None:
        exp = expected.to_dict() if hasattr(expected, "to_dict") else dict(expected)
        diffs = []
        for key, have in (("mode", st.mode), ("epoch_id", st.epoch_id), ("height", st.height),
                          ("block_size", st.block_size), ("root_hash", stored_root[0]),
                          ("columns", [list(c) for c in st.columns]), ("root", stored_root[1]),
                          ("context", st.context.hex()), ("statements", meta.get("statements")),
                          ("leaf_format", meta.get("leaf_format"))):
            if key not in exp:  # a description that leaves a field out promises nothing about it
                diffs.append(f"{key} (missing)")
            elif _norm(exp[key]) != _norm(have) or isinstance(exp[key], bool) != isinstance(have, bool):
                diffs.append(key)
        if "block_size" in exp:
            bad_block = L.block_size_problem(exp["block_size"], len(cols), st.mode)
            if bad_block is not None:
                diffs.append(f"block_size ({bad_block})")
        # descriptions published before the key existed describe compressed trees (§7.9)
        if exp.get("proof_encoding", "compressed") != st.proof_encoding:
            diffs.append("proof_encoding")
        res.add("tree.expected", not diffs, "store matches the published tree description" if not diffs
                else f"store differs from the published description in: {', '.join(diffs)}")

    # 3. statements
    debt = any(c.kind == "debt" for c in cols)
    if has_proofs:
        node_stmt, coll_stmt = ENCODING_STATEMENTS[st.proof_encoding]
        statement_check(res, "tree.statements", meta.get("statements"),
                         [node_stmt] + ([coll_stmt] if debt else []))

    # 4-7. recompute every node
    height = st.height
    bits = L.unit_bits_for(height, unit_bits)
    tasks = [SubtreeCheck(path, u << bits, bits) for u in range(1 << (height - bits))]
    ex, owned = get_executor(executor, work=(1 << height) * (40 if committed else 1), threshold=1 << 14)
    try:
        outcomes = list(reported(ex, "tree nodes", check_subtree, tasks))
        problems: list[str] = []
        n_problems = 0
        leaf_probs: list[str] = []
        ids = b"".join(o.leaf_ids for o in outcomes)
        for o in outcomes:
            n_problems += o.count
            for msg in o.problems:
                (leaf_probs if msg.startswith("level 0 ") else problems).append(msg)
        dup = 0
        if len(ids) == 32 << height:
            srt = np.sort(np.frombuffer(ids, dtype="S32"))
            dup = int(np.count_nonzero(srt[1:] == srt[:-1]))
        else:
            leaf_probs.append("level 0 is incomplete")
        if leaf_probs or dup:
            msg = "; ".join(leaf_probs[:MAX_NAMED])
            if dup:
                msg = (msg + "; " if msg else "") + f"{dup} leaf id collision(s): two leaves share a leaf id"
            res.failed("tree.leaves", msg)
        else:
            res.passed("tree.leaves", f"{1 << height} leaves, leaf ids distinct"
                       + (", commitments decode" if committed else ""))
        roots = [o.root for o in outcomes]
        stray = st.db.execute("SELECT COUNT(*) FROM nodes WHERE level < 0 OR level > ?", (height,)).fetchone()[0]
        if stray:
            problems.append(f"{stray} node row(s) at a level the tree of height {height} does not have")
        if any(r is None for r in roots):
            problems.append("a subtree could not be recomputed")
        else:
            _top_levels(st, bits, [r for r in roots if r is not None], problems)
        if problems:
            extra = n_problems - len(leaf_probs) - MAX_NAMED
            res.failed("tree.nodes", name_items(problems) + (f" (and {extra} more)" if extra > 0 else ""))
        else:
            res.passed("tree.nodes", f"every inner node of {height} level(s) recomputed from its children")
        if not committed:
            sum_probs = [p for p in problems + leaf_probs if ">= 2^64" in p]
            res.add("tree.sums", not sum_probs, "every non-root sum is in [0, 2^64)" if not sum_probs
                    else "sums out of range: " + name_items(sum_probs))

        # root
        try:
            root = st.node(height, 0)
            root_hash = root[:32].hex()
            root_cols = ([root[32 + 48 * c:80 + 48 * c].hex() for c in range(len(cols))] if committed
                         else [str(int.from_bytes(root[32 + 16 * c:48 + 16 * c], "big")) for c in range(len(cols))])
            ok = (root_hash, root_cols) == stored_root and not problems
            if expected is not None:
                exp = expected.to_dict() if hasattr(expected, "to_dict") else dict(expected)
                ok = ok and exp.get("root_hash", root_hash) == root_hash
            res.add("tree.root", ok, f"root {root_hash[:16]}... recomputed and matches the recorded root" if ok
                    else "the root does not match the recomputed tree or the recorded/published root")
        except PorError as exc:
            res.failed("tree.root", str(exc))

        # range proofs and collateral
        if committed and not has_proofs:
            res.failed("tree.range_proofs", "proofs pending: the store was built without its range-proof "
                       "blocks and collateral proofs (run the prove stage, por.tree.prove_tree)")
        elif has_proofs:
            n_blocks = st.expected_blocks()
            stored_blocks = st.db.execute("SELECT COUNT(*) FROM range_proofs").fetchone()[0]
            blocks = [(level, j) for level in range(height)
                      for j in range((1 << (height - level)) // L.level_block_size(st.block_size, height, level))]
            extra_blocks = stored_blocks - n_blocks
            # small blocks (linear, B = 1): more of them per batch, so the shared generators amortise
            per = blocks_per_task * max(1, 8 // st.block_size)
            btasks = [BlockCheck(path, tuple(blocks[i:i + per]), (), None) for i in range(0, len(blocks), per)]
            failed = [f for out in reported(ex, "range proofs", check_blocks, btasks) for f in out]
            if extra_blocks > 0:  # missing blocks are named by the block checks
                failed.append(f"{extra_blocks} unexpected block row(s)")
            res.add("tree.range_proofs", not failed,
                    f"{len(blocks)} block(s) prove every non-root node column in [0, 2^64)" if not failed
                    else "range proofs fail: " + name_items(failed))
            positions = st.collateral_positions()
            if debt or positions:
                try:
                    recorded_p = {a: int(v) for a, v in meta.get("prices", {}).items()}
                    recorded_h = {a: int(v) for a, v in meta.get("haircuts_bps", {}).items()}
                    use_p = dict(prices) if prices is not None else recorded_p
                    use_h = dict(haircuts_bps) if haircuts_bps is not None else recorded_h
                    differ = [] if (use_p, use_h) == (recorded_p, recorded_h) else [
                        f"the store records prices {recorded_p} and haircuts {recorded_h}, the published ones are "
                        f"{use_p} and {use_h}"]
                    coeffs = collateral_coefficients(cols, use_p, use_h)
                except PorError as exc:  # the store's meta is typed on open: only the coefficients can refuse
                    res.failed("tree.collateral", f"prices or haircuts unusable: {exc}")
                else:
                    bad_pos = [p for p in positions if not 0 <= p < (1 << height)]
                    ctasks = [BlockCheck(path, (), tuple(positions[i:i + blocks_per_task]), coeffs)
                              for i in range(0, len(positions), blocks_per_task)]
                    failed = differ + [f"collateral at bad position {p}" for p in bad_pos]
                    failed += [f for out in reported(ex, "collateral", check_blocks, ctasks) for f in out]
                    res.add("tree.collateral", not failed,
                            f"{len(positions)} collateral proof(s) verify at the given prices" if not failed
                            else "collateral proofs fail: " + name_items(failed))
    finally:
        close_executor(ex, owned)
    return res


def _norm(x: Any) -> Any:
    if isinstance(x, (list, tuple)):
        return [_norm(y) for y in x]
    return x


def _top_levels(st: TreeStore, bits: int, roots: list[bytes], problems: list[str]) -> None:
    """Levels above the subtrees, recomputed in-process from the subtree roots."""
    mode, k, height = st.mode, st.k, st.height
    cur = roots
    if mode == "committed":
        from por.tree._commit import committer

        cm = committer()
    for level in range(bits + 1, height + 1):
        try:
            blob = st.nodes(level, 0, 1 << (height - level))
        except PorError as exc:
            problems.append(str(exc))
            return
        w = st.width
        nxt = []
        for i in range(len(cur) // 2):
            a, b = cur[2 * i], cur[2 * i + 1]
            if mode == "committed":
                cols = b"".join(cm.encode(cm.add(cm.decode(a[32 + 48 * c:80 + 48 * c]),
                                                 cm.decode(b[32 + 48 * c:80 + 48 * c]))) for c in range(k))
            else:
                sums = [int.from_bytes(a[32 + 16 * c:48 + 16 * c], "big") + int.from_bytes(b[32 + 16 * c:48 + 16 * c], "big")
                        for c in range(k)]
                if level < height and any(v >= MAX_VALUE for v in sums):
                    problems.append(f"level {level} index {i}: a sum is >= 2^64")
                cols = b"".join(L.encode_sum(v) for v in sums)
            rec = L.node_hash(mode, a[:32], b[:32], cols) + cols
            if blob[i * w:(i + 1) * w] != rec:
                problems.append(f"level {level} index {i}: stored node differs from the one recomputed from its children")
            nxt.append(rec)
        cur = nxt
