"""The on-disk tree store (public) and the operator's private files (docs/protocol.md).

Public store ``tree.sqlite`` (format ``por-tree-store/2``, leaf format ``por-leaf/2``), a SQLite file
with four tables:

- ``meta(key TEXT PRIMARY KEY, value TEXT)``: JSON values (format, leaf format, protocol, mode, epoch id, columns,
  height, block size, proof context, statements, root, prices and haircuts, ``proof_encoding``, ``range_proofs`` and
  ``proofs``: ``pending`` after a build without proofs, ``complete`` once proven, ``none`` in plain mode);
- ``nodes(level, start, count, data)``: the node records of one level from index ``start``, packed;
  a record is ``field(32) || col_1 || ... || col_k`` where ``field`` is the leaf id at level 0 and the
  node hash above, and ``col`` a 48-byte commitment (committed) or a u128be sum (plain);
- ``range_proofs(level, block, proof)``: the aggregated ``node-range`` proof of an aligned block;
- ``collateral(position, proof)``: the ``collateral`` proof of the leaf at ``position``.

Private files (never published): ``root-opening.json`` (the root's values and blinding sums) and
``accounts.sqlite`` (account id -> leaf position and values), so client proofs can be made later.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from por import PROTOCOL
from por.canonical import parse_json
from por.errors import EncodingError, TreeError
from por.units import BPS

#: The largest tree height any reader accepts (docs/protocol.md §7.3).
MAX_HEIGHT = 40

STORE_FORMAT = "por-tree-store/2"
#: Store formats this reader recognises only to refuse them, with the reason.
OLD_STORE_FORMATS = {"por-tree-store/1": "leaf format por-leaf/1"}
STORE_NAME = "tree.sqlite"
OPENING_NAME = "root-opening.json"
OPENING_FORMAT = "por-root-opening/1"
ACCOUNTS_NAME = "accounts.sqlite"

_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE nodes (level INTEGER NOT NULL, start INTEGER NOT NULL, count INTEGER NOT NULL,
                    data BLOB NOT NULL, PRIMARY KEY (level, start));
CREATE TABLE range_proofs (level INTEGER NOT NULL, block INTEGER NOT NULL, proof BLOB NOT NULL,
                           PRIMARY KEY (level, block));
CREATE TABLE collateral (position INTEGER PRIMARY KEY, proof BLOB NOT NULL);
"""


class _PartialSqlite:
    """A SQLite file written as ``<path>.partial`` and renamed into place only when complete, so a
    crash never leaves a half-written file under the real name."""

    def __init__(self, path: Path, schema: str) -> None:
        self.path = Path(path)
        self.tmp = self.path.with_name(self.path.name + ".partial")
        if self.tmp.exists():
            self.tmp.unlink()
        self.db = sqlite3.connect(self.tmp)
        self.db.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;" + schema)
        self.db.execute("BEGIN")

    def _complete(self) -> None:
        self.db.commit()
        self.db.close()
        os.replace(self.tmp, self.path)

    def abort(self) -> None:
        try:
            self.db.close()
        finally:
            if self.tmp.exists():
                self.tmp.unlink()


class StoreWriter(_PartialSqlite):
    """Writes a fresh store into ``<path>.partial`` and renames it into place on :meth:`finish`."""

    def __init__(self, path: Path) -> None:
        super().__init__(path, _SCHEMA)

    def put_nodes(self, level: int, start: int, count: int, data: bytes) -> None:
        self.db.execute("INSERT INTO nodes VALUES (?,?,?,?)", (level, start, count, data))

    def put_block(self, level: int, block: int, proof: bytes) -> None:
        self.db.execute("INSERT INTO range_proofs VALUES (?,?,?)", (level, block, proof))

    def put_collateral(self, position: int, proof: bytes) -> None:
        self.db.execute("INSERT INTO collateral VALUES (?,?)", (position, proof))

    def set_meta(self, meta: dict[str, Any]) -> None:
        self.db.executemany("INSERT OR REPLACE INTO meta VALUES (?,?)",
                            [(k, json.dumps(v, sort_keys=True)) for k, v in meta.items()])

    def finish(self) -> None:
        self._complete()


def resolve_store(path: str | os.PathLike[str]) -> Path:
    """A tree directory or the store file itself -> the store file."""
    p = Path(path)
    return p / STORE_NAME if p.is_dir() else p


#: every key of the current store format's meta, each written by the builder (docs/protocol.md §7.9)
META_KEYS = frozenset({"format", "leaf_format", "protocol", "mode", "epoch_id", "columns", "height", "block_size",
                       "context", "statements", "root_hash", "root", "range_proofs", "proofs", "proof_encoding",
                       "prices", "haircuts_bps"})
#: absent in stores written before the key: compressed (docs/protocol.md §7.5)
OPTIONAL_META_KEYS = frozenset({"proof_encoding"})
_META_DEC = re.compile(r"^(0|[1-9][0-9]{0,39})\Z")
_META_HEX = re.compile(r"^(?:[0-9a-f]{2})*\Z")


def _check_meta(meta: dict[str, Any]) -> None:
    """The meta of a store of the current format, strictly: exactly its keys (no default stands in
    for a missing one), the protocol this reader's, prices decimal strings and haircuts integers in
    basis points, the context lower-case hex with nothing around it, the root strings (§7.9, §7.11).

    Raises:
        TreeError: naming the first key that is missing, unknown or malformed.
    """
    missing, unknown = sorted(META_KEYS - OPTIONAL_META_KEYS - set(meta)), sorted(set(meta) - META_KEYS)
    if missing or unknown:
        raise TreeError(f"tree store meta: {'missing ' + ', '.join(missing) if missing else ''}"
                        f"{'; ' if missing and unknown else ''}{'unknown ' + ', '.join(unknown)[:200] if unknown else ''}")
    if meta["protocol"] != PROTOCOL:
        raise TreeError(f"tree store protocol {meta['protocol']!r:.40} is not {PROTOCOL!r}")
    if meta["proofs"] not in ("pending", "complete", "none") or not isinstance(meta["range_proofs"], bool):
        raise TreeError("tree store meta: proofs must be pending, complete or none and range_proofs true or false")
    prices, haircuts = meta["prices"], meta["haircuts_bps"]
    if not isinstance(prices, dict) or not all(isinstance(v, str) and _META_DEC.match(v) for v in prices.values()):
        raise TreeError("tree store meta: prices must map assets to decimal strings")
    if not isinstance(haircuts, dict) or not all(
            type(v) is int and 0 <= v <= BPS for v in haircuts.values()):  # noqa: E721 - a bool is not a haircut
        raise TreeError(f"tree store meta: haircuts_bps must map assets to integers in [0, {BPS}]")
    if not isinstance(meta["context"], str) or not _META_HEX.match(meta["context"]):
        raise TreeError("tree store meta: context must be lower-case hex")
    root = meta["root"]
    if not isinstance(meta["root_hash"], str) or not isinstance(root, list) or not all(
            isinstance(x, str) for x in root):
        raise TreeError("tree store meta: root_hash must be a string and root a list of strings")


class TreeStore:
    """Read-only access to a store. Every damage (missing table, bad JSON, short record) raises
    :class:`TreeError` naming what is wrong; verifiers turn it into a failed check."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = resolve_store(path)
        if not self.path.is_file():
            raise TreeError(f"tree store {self.path} does not exist")
        try:
            self.db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True)
            rows = self.db.execute("SELECT key, value FROM meta").fetchall()
        except sqlite3.Error as exc:
            raise TreeError(f"tree store {self.path} is not a readable SQLite tree store: {exc}") from None
        for key, value in rows:
            if not isinstance(key, str) or not isinstance(value, (str, bytes)):
                raise TreeError(f"tree store meta: key {key!r:.40} with a {type(value).__name__} value, not "
                                "text naming a JSON value")
        try:
            self.meta: dict[str, Any] = {k: parse_json(v) for k, v in rows}
        except EncodingError as exc:
            raise TreeError(f"tree store meta is not valid JSON: {exc}") from None
        from por.tree import leaf as L

        fmt = self.meta.get("format")
        if isinstance(fmt, str) and fmt in OLD_STORE_FORMATS:
            raise TreeError(f"tree store format {fmt} ({OLD_STORE_FORMATS[fmt]}: "
                            f"{L.OLD_LEAF_FORMATS['por-leaf/1']}) is refused; rebuild the tree ({STORE_FORMAT})")
        if fmt != STORE_FORMAT:
            raise TreeError(f"tree store format {fmt!r:.60} is not {STORE_FORMAT!r}")
        bad_leaf = L.leaf_format_problem(self.meta.get("leaf_format"))
        if bad_leaf is not None:
            raise TreeError(f"tree store: {bad_leaf}")
        _check_meta(self.meta)  # every key present, the context lower-case hex: what follows cannot fail
        self.mode: str = self.meta["mode"]
        self.height: int = self.meta["height"]
        self.block_size: int = self.meta["block_size"]
        self.columns: list[list[str]] = self.meta["columns"]
        self.epoch_id: str = self.meta["epoch_id"]
        self.context = bytes.fromhex(self.meta["context"])
        if self.meta.get("protocol", PROTOCOL) != PROTOCOL:
            raise TreeError(f"tree store protocol {self.meta.get('protocol')!r:.40} is not {PROTOCOL!r}")
        if self.mode not in L.MODES:
            raise TreeError(f"tree store meta: mode {self.mode!r:.40} is not one of {', '.join(L.MODES)}")
        if isinstance(self.height, bool) or not isinstance(self.height, int) or not 0 < self.height <= MAX_HEIGHT:
            raise TreeError(f"tree store meta: height {self.height!r:.40} is not an integer in [1, {MAX_HEIGHT}]")
        if not isinstance(self.epoch_id, str) or not isinstance(self.columns, list) or not all(
                isinstance(c, list) and len(c) == 2 and all(isinstance(x, str) for x in c) for c in self.columns):
            raise TreeError("tree store meta: epoch_id must be a string and columns a list of [asset, kind] pairs")
        enc = self.meta.get("proof_encoding", "compressed")  # absent: a store from before the key
        if enc not in ("compressed", "linear"):
            raise TreeError(f"tree store meta: proof_encoding {enc!r:.40} is not compressed or linear")
        self.proof_encoding: str = enc
        self.k = len(self.columns)
        bad_block = L.block_size_problem(self.block_size, self.k, self.mode)
        if bad_block is not None:
            raise TreeError(f"tree store meta: {bad_block}")
        self.width = L.HASH_BYTES + self.k * L.column_width(self.mode)
        self._check_shape()

    def _check_shape(self) -> None:
        """Every size the meta claims against the rows actually there, before anyone allocates by it:
        the ``nodes`` rows cover exactly levels 0..H, level l holding 2^(H-l) records of the record
        width from index 0 (aggregates only; the records themselves are read by the verifiers).

        Raises:
            TreeError: naming the first level whose rows disagree with the claimed height.
        """
        try:
            rows = self.db.execute(
                "SELECT level, COUNT(*), SUM(count), SUM(length(data)), MIN(start), MAX(start + count), MIN(count) "
                "FROM nodes GROUP BY level ORDER BY level").fetchall()
        except sqlite3.Error as exc:
            raise TreeError(f"tree store: cannot read the nodes table: {exc}") from None
        have = {r[0]: r for r in rows}
        h = self.height
        stray = sorted(lv for lv in have if not (isinstance(lv, int) and 0 <= lv <= h))
        if stray:
            raise TreeError(f"tree store: node rows at level(s) {_first(stray)}, which a tree of height {h} "
                            "does not have")
        for level in range(h + 1):
            want = 1 << (h - level)
            r = have.get(level)
            if r is None:
                if level == 0:
                    raise TreeError(f"tree store: height {h} claims 2^{h} leaves but the nodes table holds no leaf")
                raise TreeError(f"tree store: level {level} of the claimed height {h} has no node rows")
            _, _rows, count, size, lo, hi, smallest = r
            if count != want or lo != 0 or hi != want or not isinstance(smallest, int) or smallest < 1:
                what = "leaves" if level == 0 else f"nodes at level {level}"
                raise TreeError(f"tree store: height {h} claims {want} {what} but the nodes table holds {count} "
                                f"(indices {lo}..{hi})")
            if size != count * self.width:
                raise TreeError(f"tree store: level {level} holds {size} bytes of records, {count} records of "
                                f"{self.width} bytes need {count * self.width}")

    @property
    def proofs(self) -> str:
        """``none`` (plain mode), ``complete`` (every range-proof block and collateral proof stored)
        or ``pending`` (committed tree built with ``range_proofs=False``: run :func:`prove_tree`)."""
        if self.mode == "plain":
            return "none"
        state = self.meta.get("proofs")
        if state is None:  # stores written before the "proofs" key: range_proofs alone says it
            return "complete" if self.meta.get("range_proofs", True) is True else "pending"
        return "complete" if state == "complete" and self.meta.get("range_proofs") is True else "pending"

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> TreeStore:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def expected_blocks(self) -> int:
        """The number of range-proof blocks of the tree (levels 0..H-1), from the checked shape."""
        from por.tree.leaf import level_block_size

        return sum((1 << (self.height - lv)) // level_block_size(self.block_size, self.height, lv)
                   for lv in range(self.height))

    def level_size(self, level: int) -> int:
        return 1 << (self.height - level)

    def nodes(self, level: int, start: int, count: int) -> bytes:
        """``count`` packed records of ``level`` from index ``start``.

        Raises:
            TreeError: the store lacks some of them.
        """
        out: list[bytes] = []
        want, end = start, start + count
        try:
            rows = self.db.execute(
                "SELECT start, count, data FROM nodes WHERE level = ? AND start <= ? AND start + count > ? "
                "ORDER BY start", (level, end - 1, start)).fetchall()
        except sqlite3.Error as exc:
            raise TreeError(f"tree store: cannot read level {level}: {exc}") from None
        w = self.width
        for s, c, data in rows:
            if not isinstance(data, bytes) or len(data) != c * w or s > want:
                raise TreeError(f"tree store: damaged node chunk at level {level} index {s}")
            lo, hi = max(want, s), min(end, s + c)
            out.append(data[(lo - s) * w:(hi - s) * w])
            want = hi
        if want != end:
            raise TreeError(f"tree store: node {want} of level {level} is missing")
        return b"".join(out)

    def node(self, level: int, index: int) -> bytes:
        return self.nodes(level, index, 1)

    def chunks(self, level: int) -> Iterator[tuple[int, int, bytes]]:
        yield from self._query(f"level {level}",
                               "SELECT start, count, data FROM nodes WHERE level = ? ORDER BY start", (level,))

    def block_proof(self, level: int, block: int) -> bytes | None:
        rows = self._query("the range_proofs table", "SELECT proof FROM range_proofs WHERE level = ? AND block = ?",
                           (level, block))
        return rows[0][0] if rows and isinstance(rows[0][0], bytes) else None

    def block_proofs(self, level: int) -> dict[int, bytes]:
        return {b: p for b, p in self._query("the range_proofs table",
                                             "SELECT block, proof FROM range_proofs WHERE level = ?", (level,))}

    def collateral_proof(self, position: int) -> bytes | None:
        rows = self._query("the collateral table", "SELECT proof FROM collateral WHERE position = ?", (position,))
        return rows[0][0] if rows and isinstance(rows[0][0], bytes) else None

    def collateral_positions(self) -> list[int]:
        return [r[0] for r in self._query("the collateral table", "SELECT position FROM collateral ORDER BY position")]

    def _query(self, what: str, sql: str, args: tuple[Any, ...] = ()) -> list[Any]:
        """All rows of a read; a damaged or missing table is a :class:`TreeError` naming ``what``."""
        try:
            return self.db.execute(sql, args).fetchall()
        except sqlite3.Error as exc:  # boundary: SQLite's error for a damaged or incomplete store file
            raise TreeError(f"tree store: cannot read {what}: {exc}") from None


# ---- private files ---------------------------------------------------------------------------

ACCOUNTS_FORMAT = "por-tree-accounts/1"


class AccountsWriter(_PartialSqlite):
    """``accounts.sqlite`` (private): every leaf position in chunks, in position order.

    ``meta(key, value)`` (format, epoch id, k, height) and
    ``chunks(start INTEGER PRIMARY KEY, count, first_key BLOB, keys BLOB, vals BLOB, ids TEXT)``:
    ``keys`` the 32-byte shuffle sort keys (ascending, so positions are found by binary search on
    the account's key), ``vals`` the k values per position as u64be, ``ids`` a JSON array with the
    account id (a string) of each real leaf and the padding index i (an integer) of each padding
    leaf, which is what the prover needs to re-derive every leaf's blindings from the master secret.
    ``meta`` also holds ``leaf_count`` (the number of real accounts) once the file is complete.
    """

    def __init__(self, path: Path, *, epoch_id: str, k: int, height: int) -> None:
        super().__init__(path,
                         "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
                         "CREATE TABLE chunks (start INTEGER PRIMARY KEY, count INTEGER NOT NULL,"
                         " first_key BLOB NOT NULL, keys BLOB NOT NULL, vals BLOB NOT NULL, ids TEXT NOT NULL);")
        meta = {"format": ACCOUNTS_FORMAT, "epoch_id": epoch_id, "k": k, "height": height}
        self.db.executemany("INSERT INTO meta VALUES (?,?)", [(a, json.dumps(b)) for a, b in meta.items()])

    def put(self, start: int, keys: bytes, vals: bytes, ids: list[str | int]) -> None:
        self.db.execute("INSERT INTO chunks VALUES (?,?,?,?,?,?)",
                        (start, len(ids), keys[:32], keys, vals, json.dumps(ids)))

    def finish(self, **meta: Any) -> None:
        self.db.executemany("INSERT OR REPLACE INTO meta VALUES (?,?)",
                            [(a, json.dumps(b)) for a, b in meta.items()])
        self.db.execute("CREATE INDEX chunks_by_key ON chunks(first_key)")
        self._complete()


class Accounts:
    """Reads ``accounts.sqlite``: find an account's position and values by its sort key."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        if not self.path.is_file():
            raise TreeError(f"private accounts file {self.path} does not exist")
        try:
            self.db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True)
            self.meta = {a: parse_json(b) for a, b in self.db.execute("SELECT key, value FROM meta")}
        except (sqlite3.Error, EncodingError) as exc:  # boundary: a damaged SQLite file, a meta value not JSON
            raise TreeError(f"private accounts file {self.path} is unreadable: {exc}") from None
        if self.meta.get("format") != ACCOUNTS_FORMAT:
            raise TreeError(f"private accounts file format {self.meta.get('format')!r} is not {ACCOUNTS_FORMAT}")
        self.k = int(self.meta["k"])

    def close(self) -> None:
        self.db.close()

    def find(self, sort_key: bytes, account_id: str) -> tuple[int, tuple[int, ...]] | None:
        row = self.db.execute(
            "SELECT start, count, keys, vals, ids FROM chunks WHERE first_key <= ? "
            "ORDER BY first_key DESC LIMIT 1", (sort_key,)).fetchone()
        if row is None:
            return None
        start, count, keys, vals, ids = row
        lo, hi = 0, count
        while lo < hi:
            mid = (lo + hi) // 2
            if keys[mid * 32:(mid + 1) * 32] < sort_key:
                lo = mid + 1
            else:
                hi = mid
        if lo >= count or keys[lo * 32:(lo + 1) * 32] != sort_key or parse_json(ids)[lo] != account_id:
            return None
        w = 8 * self.k
        return start + lo, unpack_u64(vals[lo * w:(lo + 1) * w])

    def __iter__(self) -> Iterator[tuple[int, str, tuple[int, ...]]]:
        """Every real account (position, account id, values), in position order."""
        w = 8 * self.k
        for start, vals, ids in self.db.execute("SELECT start, vals, ids FROM chunks ORDER BY start"):
            for i, acct in enumerate(parse_json(ids)):
                if isinstance(acct, str):
                    yield start + i, acct, unpack_u64(vals[i * w:(i + 1) * w])

    def leaf_count(self) -> int:
        """The number of real accounts (from the meta, or counted in files without it)."""
        n = self.meta.get("leaf_count")
        if isinstance(n, int) and not isinstance(n, bool):
            return n
        return sum(1 for _ in self)

    def range(self, start: int, count: int) -> tuple[list[str | int], bytes]:
        """Positions ``start .. start+count-1``: per position the account id (str) or padding index
        (int), and the values packed as u64be (k per position).

        Raises:
            TreeError: the file lacks some of the positions, or holds no padding index (a file
                written before padding indices were recorded).
        """
        w = 8 * self.k
        keys: list[str | int] = []
        vals: list[bytes] = []
        want, end = start, start + count
        try:
            rows = self.db.execute(
                "SELECT start, count, vals, ids FROM chunks WHERE start < ? AND start + count > ? ORDER BY start",
                (end, start)).fetchall()
        except sqlite3.Error as exc:
            raise TreeError(f"private accounts file: cannot read positions {start}..{end - 1}: {exc}") from None
        for s, c, v, ids in rows:
            names = parse_json(ids)
            if s > want or len(names) != c or not isinstance(v, bytes) or len(v) != c * w:
                raise TreeError(f"private accounts file: damaged chunk at position {s}")
            lo, hi = max(want, s), min(end, s + c)
            keys.extend(names[lo - s:hi - s])
            vals.append(v[(lo - s) * w:(hi - s) * w])
            want = hi
        if want != end:
            raise TreeError(f"private accounts file: position {want} is missing")
        if any(not isinstance(x, (str, int)) or isinstance(x, bool) for x in keys):
            raise TreeError("private accounts file: a padding leaf has no recorded padding index "
                            "(written by an older builder: rebuild the tree)")
        return keys, b"".join(vals)


def _first(items: list[Any], n: int = 5) -> str:
    return ", ".join(str(x) for x in items[:n]) + (f" and {len(items) - n} more" if len(items) > n else "")


def unpack_u64(b: bytes) -> tuple[int, ...]:
    return tuple(int.from_bytes(b[i:i + 8], "big") for i in range(0, len(b), 8))
