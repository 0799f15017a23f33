"""Completeness: the tree holds exactly the ledger's accounts, and nothing else (docs/protocol.md §7.13).

The auditor with ledger access gets the ledger's snapshot rows at the cut-off and the epoch master
secret. From them alone (never from the operator's private files) every leaf of the tree is
predictable: the shuffle places the N accounts and the 2^H − N padding leaves at their positions
(§7.3), and each leaf's id and columns follow from its secret and its values (zero for padding).
:func:`verify_completeness` recomputes every leaf and compares it with the store's level 0:

- ``completeness.count``    the rows are usable (well-formed, no account twice), N ≤ 2^H, and the
                            tree holds N ledger accounts and 2^H − N padding leaves;
- ``completeness.accounts`` every account is at the position its shuffle key gives, with its leaf id
                            and exactly its values (commitments recomputed, or plain sums);
- ``completeness.padding``  every other position holds the padding leaf the shuffle puts there
                            (its id, commitments to zero with its blindings, or zero sums): no leaf
                            in the tree is anything else.

Leaves are checked in aligned units of 2^12 positions through the executor (fixed-base commitment
tables, ~50 µs per leaf and column). A leaf that is not where expected is looked up among the other
mismatches, so a failure says whether an account is missing or misplaced and what an unexpected
leaf is. Never raises: every problem is a failed check naming the account or the position.
"""

from __future__ import annotations

import hashlib
from array import array
from collections.abc import Iterable, Sequence
from concurrent.futures import BrokenExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from por.errors import PorError
from por.parallel import Executor, close_executor, get_executor
from por.result import Result
from por.tree import leaf as L
from por.tree._hmac import HmacSha256
from por.tree.build import _leaf_secrets
from por.tree.columns import check_values, parse_columns
from por.tree.store import TreeStore, resolve_store

CHECKS = ("completeness.count", "completeness.accounts", "completeness.padding", "completeness.collateral")
MAX_NAMED = 10
#: beyond this many leaves in the wrong place, failures are counted, not matched one by one
MAX_MATCHED = 1 << 17


@dataclass(frozen=True, slots=True)
class LeafCheck:
    """Expected leaves of positions ``start ..`` and the stored records there (a picklable task)."""

    mode: str
    k: int
    start: int
    prk: bytes
    keys: tuple[str | int, ...]  # account id (str) or padding index (int) per position
    values: tuple[int, ...]  # k per position, flat
    records: bytes  # the store's level-0 records of these positions


@dataclass(frozen=True, slots=True)
class Mismatch:
    """A position whose stored leaf is not the expected one. ``code`` 1: the leaf id differs (another
    leaf is there); 2: the leaf id is right but ``column`` is not (in plain mode ``have`` is the
    stored sum and ``want`` the ledger's)."""

    position: int
    key: str | int
    code: int
    column: int
    expected_id: bytes
    stored_id: bytes
    have: int = 0
    want: int = 0


def check_leaves(task: LeafCheck) -> list[Mismatch]:
    """The positions of a unit whose stored leaf is not the expected one (a task)."""
    k, mode = task.k, task.mode
    w = L.HASH_BYTES + k * L.column_width(mode)
    sha, lid_of = hashlib.sha256, L.leaf_id_prefix
    out: list[Mismatch] = []
    cm = None
    if mode == "committed":
        from por.tree._commit import committer

        cm = committer()
    for i, s in enumerate(_leaf_secrets(task)):
        rec = task.records[i * w:(i + 1) * w]
        lid = sha(lid_of(task.keys[i]) + s).digest()
        if rec[:32] != lid:
            out.append(Mismatch(task.start + i, task.keys[i], 1, -1, lid, rec[:32]))
            continue
        vals = task.values[i * k:(i + 1) * k]
        for c in range(k):
            if cm is not None:
                col = cm.encode(cm.commit(vals[c], L.blinding(s, c)))
                at = 32 + 48 * c
            else:
                col = L.encode_sum(vals[c])
                at = 32 + 16 * c
            stored = rec[at:at + len(col)]
            if stored != col:
                have = int.from_bytes(stored, "big") if cm is None else 0
                out.append(Mismatch(task.start + i, task.keys[i], 2, c, lid, rec[:32], have, vals[c]))
                break
    return out


def _names(items: Sequence[str], total: int | None = None) -> str:
    total = len(items) if total is None else total
    head = "; ".join(items[:MAX_NAMED])
    return head + (f"; and {total - MAX_NAMED} more" if total > MAX_NAMED else "")


def verify_completeness(
    store_path: Path | str,
    rows: Iterable[tuple[str, Sequence[int]]],
    *,
    master_secret: bytes,
    epoch_id: str,
    executor: Executor | None = None,
    unit_bits: int = 12,
) -> Result:
    """Check that the tree holds every ledger account at its shuffle position with exactly its
    values, and that every other leaf is the expected padding leaf; never raises.

    Args:
        store_path: the tree store (``tree.sqlite``) or its directory.
        rows: the ledger's snapshot at the cut-off: ``(account id, values)`` for every client
            account, one value per tree column (streamed once; kept as compact arrays). A malformed
            row is named; a stream that fails with a PorError or OSError fails every check.
        master_secret: the epoch master secret.
        epoch_id: the epoch the tree must be of.
        executor: where leaf checks run (default: a local pool for large trees).
    """
    res = Result("completeness")
    try:
        _verify(res, store_path, rows, master_secret, epoch_id, executor, unit_bits)
    except (PorError, BrokenExecutor) as exc:  # boundary: a damaged store read part way, a worker pool lost
        _fail_rest(res, f"completeness could not be checked ({type(exc).__name__}: {exc})")
    return res


def _fail_rest(res: Result, msg: str) -> None:
    done = {c.id for c in res.checks}
    for cid in CHECKS:
        if cid not in done:
            res.failed(cid, msg)


def _verify(res: Result, store_path: Path | str, rows: Iterable[tuple[str, Sequence[int]]],
            master_secret: bytes, epoch_id: str, executor: Executor | None, unit_bits: int) -> None:
    try:
        st = TreeStore(resolve_store(store_path))
    except PorError as exc:
        _fail_rest(res, f"cannot read the tree store: {exc}")
        return
    try:
        _verify_store(res, st, rows, master_secret, epoch_id, executor, unit_bits)
    finally:
        st.close()


def _verify_store(res: Result, st: TreeStore, rows: Iterable[tuple[str, Sequence[int]]], master_secret: bytes,
                  epoch_id: str, executor: Executor | None, unit_bits: int) -> None:
    try:
        L.check_master(master_secret, epoch_id)
        cols = parse_columns(st.columns)
    except PorError as exc:
        _fail_rest(res, f"not checked: {exc}")
        return
    if st.epoch_id != epoch_id:
        _fail_rest(res, f"the tree store is of epoch {st.epoch_id!r}, not {epoch_id!r}")
        return
    k, mode, height = len(cols), st.mode, st.height
    size = 1 << height
    prk = L.prk(bytes(master_secret), epoch_id)
    shuffle = HmacSha256(L.shuffle_key(prk))

    # 1. the ledger rows: compact arrays, malformed rows named
    count_probs: list[str] = []
    acc = _Failures("account(s)")  # malformed rows, then the failures of steps 4-5
    try:
        ids, vals, keybuf, n_bad_rows = _read_rows(rows, k, shuffle, acc)
    except (PorError, OSError) as exc:  # boundary: the caller's row stream (a ledger read) failing mid-stream
        _fail_rest(res, f"the ledger rows could not be read: {type(exc).__name__}: {exc}")
        return

    # 2. repeated accounts (equal sort keys): the first row is kept
    ids, vals_np, keys = _drop_repeats(ids, vals, keybuf, k, count_probs)
    n = len(ids)
    if n > size:
        _fail_rest(res, f"the ledger has {n} accounts but the tree only {size} leaf positions (height {height})")
        return
    pads = size - n

    # 3. where the shuffle puts every account and padding leaf
    padbuf = bytearray()
    for i in range(pads):
        padbuf += shuffle(b"\x01" + i.to_bytes(8, "big"))
    allkeys = np.concatenate([keys, np.frombuffer(bytes(padbuf), dtype=">u8").reshape(-1, 4)]) if pads else keys
    order = np.lexsort((allkeys[:, 3], allkeys[:, 2], allkeys[:, 1], allkeys[:, 0])).astype(np.int64)
    del allkeys, padbuf
    ids_np = np.array(ids if n else [""], dtype=object)
    if not n:
        vals_np = np.zeros((1, k), np.uint64)

    # 4. every leaf, unit by unit
    bits = L.unit_bits_for(height, unit_bits)
    per = 1 << bits
    unreadable: list[str] = []

    def units() -> Iterable[LeafCheck]:
        for u in range(size >> bits):
            start = u * per
            chunk = order[start:start + per]
            real = chunk < n
            idx = np.where(real, chunk, 0)
            v = np.where(real[:, None], vals_np[idx], 0)
            names = ids_np[idx]
            names[~real] = (chunk[~real] - n).tolist()
            try:
                recs = st.nodes(0, start, per)
            except PorError as exc:
                unreadable.append(f"positions {start}..{start + per - 1} ({exc})")
                continue
            yield LeafCheck(mode, k, start, prk, tuple(names.tolist()), tuple(v.reshape(-1).tolist()), recs)

    ex, owned = get_executor(executor, work=size * (40 if mode == "committed" else 1), threshold=1 << 14)
    id_miss: list[Mismatch] = []
    n_id_miss = 0
    pad = _Failures("padding leaf(s)")

    try:
        for out in ex.map(check_leaves, units()):
            for m in out:
                if m.code == 1:
                    n_id_miss += 1
                    if n_id_miss <= MAX_MATCHED:
                        id_miss.append(m)
                    continue
                label = cols[m.column].label
                detail = f" (the tree has {m.have}, the ledger {m.want})" if mode == "plain" else ""
                if isinstance(m.key, str):
                    acc.add(f"account {m.key!r}: its leaf at position {m.position} does not hold its value in "
                        f"column {label}{detail}")
                else:
                    verb = "commit to" if mode == "committed" else "hold"
                    pad.add(f"position {m.position}: padding leaf {m.key} does not {verb} zero in column {label}"
                        + (f" (it holds {m.have})" if mode == "plain" else ""))
    finally:
        close_executor(ex, owned)

    # 5. leaves not where expected: missing, misplaced, or unknown
    missing_acc, missing_pad, unknown_acc, extra_pad = _misplaced(id_miss, n_id_miss, size, n, pads, prk,
                                                                  bool(unreadable), acc, pad, count_probs)
    if unreadable:
        count_probs.extend(f"tree store: {u} unreadable" for u in unreadable)
        acc.add("accounts at unreadable positions not checked: " + "; ".join(unreadable[:3]))
        pad.add("unreadable positions not checked: " + "; ".join(unreadable[:3]))

    # 6. the three checks
    if missing_acc or unknown_acc or missing_pad or extra_pad:
        count_probs.insert(0, f"the ledger has {n} account(s), the tree holds {n - missing_acc} of them"
                           + (f" and {unknown_acc} leaf(s) that are no ledger account" if unknown_acc else "")
                           + f"; {pads - missing_pad + extra_pad} padding leaf(s) where {pads} are expected")
    if n_bad_rows:
        count_probs.append(f"{n_bad_rows} ledger row(s) unusable (named in completeness.accounts)")
    res.add("completeness.count", not count_probs,
            f"the tree holds the ledger's {n} account(s) and {pads} padding leaf(s) in its {size} positions"
            if not count_probs else _names(count_probs))
    res.add("completeness.accounts", not acc,
            f"every one of the {n} ledger account(s) is at its shuffle position with exactly its values"
            if not acc else acc.message())
    res.add("completeness.padding", not pad,
            f"every other position ({pads}) holds its padding leaf "
            f"({'commitments to zero' if mode == 'committed' else 'zero sums'}): nothing else is in the tree"
            if not pad else pad.message())
    if count_probs:
        res.failed("completeness.collateral", "not checked, the tree's leaves are not the ledger's accounts: "
                   + _names(count_probs))
    else:
        _collateral(res, st, cols, order, vals_np, ids, n)


def _read_rows(rows: Iterable[tuple[str, Sequence[int]]], k: int, shuffle: HmacSha256,
               acc: _Failures) -> tuple[list[str], array[int], bytearray, int]:
    """Step 1: the ledger rows as compact arrays ``(ids, values, sort keys, unusable rows)``; each
    malformed row is named in ``acc`` and left out."""
    n_bad_rows = 0
    ids: list[str] = []
    vals: array[int] = array("Q")
    keybuf = bytearray()
    for r, row in enumerate(rows):
        problem = None
        if not isinstance(row, (tuple, list)) or len(row) != 2:
            problem = f"ledger row {r}: not an (account id, values) pair"
        else:
            account, values = row
            try:
                ab = account.encode("utf-8") if isinstance(account, str) else b""
            except UnicodeEncodeError:
                ab = b""
            if not 0 < len(ab) <= L.MAX_ACCOUNT_BYTES:
                problem = (f"ledger row {r}: account id {account!r:.60} is not 1..{L.MAX_ACCOUNT_BYTES} "
                           "bytes of UTF-8")
            else:
                try:
                    v = check_values(account, values, k)
                except PorError as exc:
                    problem = f"ledger {exc}"
        if problem is not None:
            n_bad_rows += 1
            acc.add(problem)
            continue
        ids.append(account)
        vals.extend(v)
        keybuf += shuffle(b"\x00" + ab)
    return ids, vals, keybuf, n_bad_rows


def _drop_repeats(ids: list[str], vals: array[int], keybuf: bytearray, k: int,
                  count_probs: list[str]) -> tuple[list[str], Any, Any]:
    """Step 2: an account given twice (equal sort keys) keeps its first row, and is named in
    ``count_probs``; ``(ids, values as an n x k array, sort keys as an n x 4 array)``."""
    n_rows = len(ids)
    keys = np.frombuffer(bytes(keybuf), dtype=">u8").reshape(-1, 4)
    keep = np.ones(n_rows, dtype=bool)
    if n_rows > 1:
        o = np.lexsort((keys[:, 3], keys[:, 2], keys[:, 1], keys[:, 0]))
        sk = keys[o]
        same = np.nonzero(np.all(sk[1:] == sk[:-1], axis=1))[0]
        for i in same.tolist():
            a, b = sorted((int(o[i]), int(o[i + 1])))
            keep[b] = False
            count_probs.append(f"account {ids[a]!r} appears more than once in the ledger rows")
    if not keep.all():
        sel = np.nonzero(keep)[0]
        return ([ids[i] for i in sel.tolist()], np.frombuffer(vals, dtype=np.uint64).reshape(-1, k)[sel],
                keys[sel])
    vals_np = np.frombuffer(vals, dtype=np.uint64).reshape(-1, k) if n_rows else np.zeros((0, k), np.uint64)
    return ids, vals_np, keys


def _misplaced(id_miss: list[Mismatch], n_id_miss: int, size: int, n: int, pads: int, prk: bytes,
               unreadable: bool, acc: _Failures, pad: _Failures,
               count_probs: list[str]) -> tuple[int, int, int, int]:
    """Step 5: the positions that do not hold the leaf expected there, named as missing, moved or
    unknown leaves; ``(missing accounts, missing padding, unknown leaves, extra padding)``."""
    missing_acc = missing_pad = unknown_acc = extra_pad = 0
    if n_id_miss > MAX_MATCHED or (n_id_miss == size and not unreadable):
        msg = (f"{n_id_miss} of {size} positions do not hold the leaf the ledger and the master secret give "
               "(wrong master secret, or a tree of other data)")
        acc.add(msg)
        pad.add(msg)
        count_probs.append(msg)
    elif id_miss:
        stored_at = {m.stored_id: m.position for m in id_miss}
        expected_ids = {m.expected_id for m in id_miss}
        for m in id_miss:
            q = stored_at.get(m.expected_id)
            if isinstance(m.key, str):
                if q is None:
                    missing_acc += 1
                    acc.add(f"account {m.key!r} is missing from the tree (expected at position {m.position})")
                else:
                    acc.moved(f"{m.key!r} at {q} instead of {m.position}")
            else:
                if q is None:
                    missing_pad += 1
                    pad.add(f"padding leaf {m.key} is missing (expected at position {m.position})")
                else:
                    pad.moved(f"{m.key} at {q} instead of {m.position}")
        unknown = [m for m in id_miss if m.stored_id not in expected_ids]
        beyond = _pad_ids(prk, pads, size) if unknown else {}
        for m in unknown:
            pi = beyond.get(m.stored_id)
            if pi is not None:
                extra_pad += 1
                pad.first(f"position {m.position} holds padding leaf {pi}, beyond the {pads} padding leaves the ledger's "
                    f"{n} accounts leave (the tree lacks ledger accounts)")
            else:
                unknown_acc += 1
                pad.first(f"position {m.position} holds a leaf that is neither a ledger account nor a padding leaf "
                    "(an account missing from the ledger rows?)")
    return missing_acc, missing_pad, unknown_acc, extra_pad


def _collateral(res: Result, st: TreeStore, cols: Any, order: Any, vals_np: Any, ids: list[str], n: int) -> None:
    """Exactly the leaves of accounts with debt carry a collateral proof. Why: the full-tree check can
    only verify the proofs that are there; without the ledger nobody but the client concerned can
    tell that one is missing, and a leaf whose debt exceeds its collateral would go unproven."""
    if st.mode != "committed":
        res.passed("completeness.collateral", "plain mode: no collateral proofs")
        return
    debt = [i for i, c in enumerate(cols) if c.kind == "debt"]
    want: dict[int, str] = {}
    if debt and n:
        has_debt = np.any(vals_np[:, debt] != 0, axis=1)
        positions = np.nonzero(order < n)[0]
        accounts = order[positions]
        for p, a in zip(positions[has_debt[accounts]].tolist(), accounts[has_debt[accounts]].tolist(), strict=True):
            want[int(p)] = ids[int(a)]
    have = set(st.collateral_positions())
    problems = [f"account {want[p]!r} at position {p} has debt but no collateral proof"
                for p in sorted(set(want) - have)]
    problems += [f"position {p} carries a collateral proof but no account with debt is there"
                 for p in sorted(have - set(want))]
    res.add("completeness.collateral", not problems,
            f"exactly the {len(want)} leaf(s) with debt carry a collateral proof" if not problems
            else _names(problems))


class _Failures:
    """Failures of one check: named up to MAX_NAMED (root causes first), leaves found at another
    position summarised (one leaf added or missing shifts every leaf up to the next padding leaf)."""

    def __init__(self, what: str) -> None:
        self.what = what
        self.items: list[str] = []
        self.count = 0
        self.moved_items: list[str] = []
        self.moved_count = 0

    def add(self, msg: str) -> None:
        self.count += 1
        if len(self.items) < MAX_NAMED:
            self.items.append(msg)

    def first(self, msg: str) -> None:
        self.count += 1
        self.items.insert(0, msg)
        del self.items[MAX_NAMED:]

    def moved(self, msg: str) -> None:
        self.moved_count += 1
        if len(self.moved_items) < 3:
            self.moved_items.append(msg)

    def __bool__(self) -> bool:
        return bool(self.count or self.moved_count)

    def message(self) -> str:
        parts = list(self.items)
        if self.count > len(self.items):
            parts.append(f"and {self.count - len(self.items)} more")
        if self.moved_count:
            parts.append(f"{self.moved_count} {self.what} in the tree but not at the position the shuffle gives "
                         "(the order differs, e.g. shifted by a leaf added or missing): "
                         + ", ".join(self.moved_items) + (", ..." if self.moved_count > 3 else ""))
        return "; ".join(parts)


def _pad_ids(prk: bytes, start: int, size: int) -> dict[bytes, int]:
    """Leaf ids of padding leaves ``start .. size-1`` (those a tree with fewer accounts would hold)."""
    out = {}
    for i in range(start, size):
        out[L.pad_leaf_id(i, L.pad_secret_from_prk(prk, i))] = i
    return out
