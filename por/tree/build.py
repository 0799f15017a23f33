"""Build the liabilities tree of one epoch (docs/protocol.md §7).

Steps:

1. validate the parameters and stream the rows once: every value an integer in [0, 2^64), every
   leaf with debt covered by its haircut collateral, column totals below 2^64; keep only compact
   arrays (ids, packed values, 32-byte sort keys);
2. shuffle: sort real and padding leaves together by their keyed PRF; a repeated account shows as
   two equal sort keys;
3. build aligned subtrees of 2^c leaves as independent work units through the executor: leaves
   and inner nodes;
4. build the top levels in-process;
5. write the private operator files and the public store (temp file renamed at the end), whose meta
   says ``proofs: "pending"`` (committed mode);
6. unless ``range_proofs=False``: :func:`por.tree.prove.prove_tree` adds every range-proof block and
   collateral proof (the pipeline runs it as its own, resumable, ``prove`` stage).
"""

from __future__ import annotations

import hashlib
import json
import math
from array import array
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from por import PROTOCOL
from por.bundle.tree import MAX_HEIGHT as MAX_HEIGHT
from por.bundle.tree import PROOF_ENCODINGS as PROOF_ENCODINGS
from por.bundle.tree import StatementRef, TreeDescription
from por.crypto.scalar import R
from por.errors import TreeError, UsageError
from por.parallel import Executor, close_executor, get_executor
from por.tree import leaf as L
from por.tree._hmac import HmacSha256
from por.tree.columns import (
    COLLATERAL_BITS,
    MAX_VALUE,
    Column,
    check_values,
    collateral_coefficients,
    parse_columns,
)
from por.tree.store import (
    ACCOUNTS_NAME,
    OPENING_FORMAT,
    OPENING_NAME,
    STORE_FORMAT,
    STORE_NAME,
    AccountsWriter,
    StoreWriter,
)

#: Range-proof encodings of the tree's node-range blocks and collateral proofs (docs/protocol.md §4.3,
#: §4.5, §7.5); the default was chosen by ``por bench crypto`` / ``por bench tree`` (BENCHMARKS.md):
#: linear proves at about the MSM floor, compressed makes the bundle ~4x smaller.
DEFAULT_PROOF_ENCODING = "linear"
#: Default nodes per range-proof block, per encoding (chosen by ``por bench tree``: see BENCHMARKS.md).
DEFAULT_BLOCK_SIZES = {"linear": 1, "compressed": 8}
DEFAULT_BLOCK_SIZE = DEFAULT_BLOCK_SIZES[DEFAULT_PROOF_ENCODING]
#: Leaves per work unit is 2^UNIT_BITS (smaller trees: one unit).
UNIT_BITS = 12
NODE_RANGE = "node-range"
COLLATERAL = "collateral"
#: the statements (node-range, collateral) each encoding uses
ENCODING_STATEMENTS = {"compressed": (NODE_RANGE, COLLATERAL),
                       "linear": ("node-range-linear", "collateral-linear")}


def check_encoding(encoding: Any) -> str:
    """The encoding itself, or UsageError naming the allowed ones."""
    if encoding not in PROOF_ENCODINGS:
        raise UsageError(f"proof encoding {encoding!r} must be one of {', '.join(PROOF_ENCODINGS)}")
    return str(encoding)


def encoding_of_statements(refs: Any) -> str:
    """The encoding a recorded statements table implies: ``linear`` when it names the linear node-range
    statement, else ``compressed`` (every tree proven before the linear encoding existed)."""
    return "linear" if isinstance(refs, Mapping) and ENCODING_STATEMENTS["linear"][0] in refs else "compressed"

def statement_table(refs: Mapping[str, StatementRef]) -> dict[str, dict[str, Any]]:
    """A published statements table (the models of a tree description or a client proof) as the tree
    records it in its store's meta: ``{name: {id, version, sha256, bits}}`` (§7.9)."""
    return {name: {"id": r.id, "version": r.version, "sha256": r.sha256, "bits": r.bits} for name, r in refs.items()}


Progress = Callable[[str, int, int], None]


@dataclass(frozen=True, slots=True)
class TreeInfo:
    """What a build produced. ``leaf_count`` is private (the published tree reveals only ``height``).

    ``root`` holds the root commitments (hex) in committed mode or the root sums (decimal strings)
    in plain mode, one per column.
    """

    mode: str
    epoch_id: str
    columns: tuple[tuple[str, str], ...]
    height: int
    leaf_count: int
    block_size: int
    root_hash: str
    root: tuple[str, ...]
    context: str = ""
    store: str = STORE_NAME
    private: tuple[str, ...] = (OPENING_NAME, ACCOUNTS_NAME)
    statements: dict[str, dict[str, Any]] = field(default_factory=dict)
    leaf_format: str = L.LEAF_FORMAT
    proof_encoding: str = "compressed"

    @property
    def root_commitments(self) -> tuple[str, ...] | None:
        return self.root if self.mode == "committed" else None

    @property
    def root_sums(self) -> tuple[int, ...] | None:
        return tuple(int(x) for x in self.root) if self.mode == "plain" else None

    def public_dict(self) -> dict[str, Any]:
        """Everything but ``leaf_count`` and the private file names (what a manifest may carry)."""
        d = self.to_dict()
        del d["leaf_count"], d["private"]
        return d

    def to_dict(self) -> dict[str, Any]:
        return {
            "mode": self.mode, "epoch_id": self.epoch_id, "columns": [list(c) for c in self.columns],
            "height": self.height, "leaf_count": self.leaf_count, "block_size": self.block_size,
            "root_hash": self.root_hash, "root": list(self.root), "context": self.context,
            "store": self.store, "private": list(self.private),
            "statements": {k: dict(v) for k, v in self.statements.items()},
            "leaf_format": self.leaf_format,
            "proof_encoding": self.proof_encoding,
        }

    @classmethod
    def from_model(cls, d: TreeDescription) -> TreeInfo:
        """The tree a manifest describes (its ``tree``, already validated by its model, §9.4): what
        the verifiers compare a store or a client proof with. The leaf count is -1 (unknown) unless
        the description publishes it; the private file names are this builder's."""
        return cls(mode=d.mode, epoch_id=d.epoch_id, columns=tuple((a, k) for a, k in d.columns), height=d.height,
                   leaf_count=d.leaf_count if d.leaf_count is not None else -1, block_size=d.block_size,
                   root_hash=d.root_hash, root=tuple(d.root), context=d.context, store=d.store,
                   statements=statement_table(d.statements), leaf_format=d.leaf_format,
                   proof_encoding=d.encoding)

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> TreeInfo:
        """Parse strictly: the leaf format must be :data:`por.tree.leaf.LEAF_FORMAT` and the block size
        a power of two within the node-range statement's range (docs/protocol.md §7.5, §7.9).

        Raises:
            TreeError: a field is missing or malformed, or the leaf format is refused.
        """
        if not isinstance(d, Mapping):
            raise TreeError(f"tree info: expected an object, got {type(d).__name__}")
        bad = L.leaf_format_problem(d.get("leaf_format"))
        if bad is None:
            missing = [key for key in _INFO_REQUIRED if key not in d]
            if missing:
                raise TreeError(f"tree info: missing or malformed field ({missing[0]!r})")
            bad = _info_field_problem(d)
            if bad is not None:
                raise TreeError(f"tree info: missing or malformed field ({bad})")
            bad = L.block_size_problem(d["block_size"], len(d["columns"]), d["mode"])
        if bad is not None:
            raise TreeError(f"tree info: {bad}")
        return cls(
            mode=d["mode"], epoch_id=d["epoch_id"], columns=tuple((a, k) for a, k in d["columns"]),
            height=d["height"], leaf_count=d.get("leaf_count", -1), block_size=d["block_size"],
            root_hash=d["root_hash"], root=tuple(d["root"]), context=d.get("context", ""),
            store=d.get("store", STORE_NAME), private=tuple(d.get("private", (OPENING_NAME, ACCOUNTS_NAME))),
            statements={k: dict(v) for k, v in d.get("statements", {}).items()},
            leaf_format=d["leaf_format"], proof_encoding=d.get("proof_encoding", "compressed"),
        )


_INFO_REQUIRED = ("mode", "epoch_id", "columns", "height", "block_size", "root_hash", "root")


def _info_field_problem(d: Mapping[str, Any]) -> str | None:
    """The first field of a tree info that is not of its type (``key: why``), or None; optional
    fields are checked when present."""
    def strs(x: Any) -> bool:
        return isinstance(x, (list, tuple)) and all(isinstance(y, str) for y in x)

    def is_int(x: Any) -> bool:
        return isinstance(x, int) and not isinstance(x, bool)

    checks: tuple[tuple[str, Callable[[Any], bool], str], ...] = (
        ("mode", lambda x: isinstance(x, str), "must be a string"),
        ("epoch_id", lambda x: isinstance(x, str), "must be a string"),
        ("columns", lambda x: isinstance(x, (list, tuple)) and all(strs(c) and len(c) == 2 for c in x),
         "must be a list of [asset, kind] pairs"),
        ("height", is_int, "must be an integer"),
        ("leaf_count", is_int, "must be an integer"),
        ("block_size", is_int, "must be an integer"),
        ("root_hash", lambda x: isinstance(x, str), "must be a string"),
        ("root", strs, "must be a list of strings"),
        ("context", lambda x: isinstance(x, str), "must be a string"),
        ("store", lambda x: isinstance(x, str), "must be a string"),
        ("private", strs, "must be a list of strings"),
        ("statements", lambda x: isinstance(x, Mapping) and all(
            isinstance(k, str) and isinstance(v, Mapping) for k, v in x.items()), "must map ids to objects"),
        ("proof_encoding", lambda x: isinstance(x, str), "must be a string"),
    )
    for key, ok, why in checks:
        if key in d and not ok(d[key]):
            return f"{key}: {why}"
    return None


# ---- work units ------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class LeafUnit:
    """An aligned subtree of 2^bits leaves from position ``start``: picklable and deterministic.
    Building computes leaves and inner nodes only; proofs are :mod:`por.tree.prove`'s work."""

    mode: str
    k: int
    start: int
    bits: int
    prk: bytes
    keys: tuple[str | int, ...]  # per position: account id (str) or padding index (int)
    values: tuple[int, ...]  # k values per position, flat


@dataclass(slots=True)
class UnitResult:
    start: int
    bits: int
    levels: list[bytes]
    # committed: (values, blindings) of the subtree root (level ``bits``), for the root opening
    openings: dict[int, tuple[list[tuple[int, ...]], list[tuple[int, ...]]]]


def build_unit(u: LeafUnit) -> UnitResult:
    """Leaves and inner nodes of one subtree (a task)."""
    if u.mode == "plain":
        return _build_unit_plain(u)
    return _build_unit_committed(u)


def _leaf_secrets(u: Any) -> list[bytes]:
    """The secret of every position of a unit (anything with ``prk`` and ``keys``)."""
    h = HmacSha256(u.prk)
    inner, outer = h._inner.copy, h._outer.copy
    leaf_info, pad_info = L.LEAF_INFO, L.PAD_INFO
    out: list[bytes] = []
    append = out.append
    for key in u.keys:
        a = inner()
        if isinstance(key, str):
            a.update(leaf_info + key.encode("utf-8") + b"\x01")
        else:
            a.update(pad_info + key.to_bytes(8, "big") + b"\x01")
        o = outer()
        o.update(a.digest())
        append(o.digest())
    return out


def _build_unit_plain(u: LeafUnit) -> UnitResult:
    sha = hashlib.sha256
    k, n = u.k, 1 << u.bits
    lpref, npref = L.LEAF_PREFIX["plain"], L.NODE_PREFIX["plain"]
    secrets_ = _leaf_secrets(u)
    vals = u.values
    if k == 1:
        sums: list[Any] = list(vals)
        cols = [v.to_bytes(16, "big") for v in vals]
    else:
        sums = [tuple(vals[i * k:(i + 1) * k]) for i in range(n)]
        cols = [b"".join(x.to_bytes(16, "big") for x in v) for v in sums]
    lid = L.leaf_id_prefix
    recs = [sha(lid(key) + s).digest() + c for key, s, c in zip(u.keys, secrets_, cols, strict=True)]
    hashes = [sha(lpref + r).digest() for r in recs]
    levels = [b"".join(recs)]
    for _level in range(1, u.bits + 1):
        if k == 1:
            sums = [a + b for a, b in zip(sums[::2], sums[1::2], strict=True)]
            cols = [t.to_bytes(16, "big") for t in sums]
        else:
            sums = [tuple(x + y for x, y in zip(a, b, strict=True)) for a, b in zip(sums[::2], sums[1::2], strict=True)]
            cols = [b"".join(x.to_bytes(16, "big") for x in t) for t in sums]
        hashes = [sha(npref + a + b + c).digest() for a, b, c in zip(hashes[::2], hashes[1::2], cols, strict=True)]
        levels.append(b"".join([h + c for h, c in zip(hashes, cols, strict=True)]))
    return UnitResult(u.start, u.bits, levels, {})


def _build_unit_committed(u: LeafUnit) -> UnitResult:
    from por.tree._commit import committer

    cm = committer()
    sha = hashlib.sha256
    k, n = u.k, 1 << u.bits
    lpref, npref = L.LEAF_PREFIX["committed"], L.NODE_PREFIX["committed"]
    secrets_ = _leaf_secrets(u)
    vals = [tuple(u.values[i * k:(i + 1) * k]) for i in range(n)]
    blinds = [L.blindings(s, k) for s in secrets_]
    pts = [[cm.commit(v, g) for v, g in zip(vv, gg, strict=True)] for vv, gg in zip(vals, blinds, strict=True)]
    encs = [b"".join(cm.encode(p) for p in pp) for pp in pts]
    lid = L.leaf_id_prefix
    recs = [sha(lid(key) + s).digest() + e for key, s, e in zip(u.keys, secrets_, encs, strict=True)]
    hashes = [sha(lpref + r).digest() for r in recs]
    levels = [b"".join(recs)]
    for _level in range(1, u.bits + 1):
        npts, nv, ng, nh, recs = [], [], [], [], []
        for i in range(0, len(hashes), 2):
            p = [cm.add(a, b) for a, b in zip(pts[i], pts[i + 1], strict=True)]
            e = b"".join(cm.encode(x) for x in p)
            h = sha(npref + hashes[i] + hashes[i + 1] + e).digest()
            npts.append(p)
            nh.append(h)
            nv.append(tuple(a + b for a, b in zip(vals[i], vals[i + 1], strict=True)))
            ng.append(tuple((a + b) % R for a, b in zip(blinds[i], blinds[i + 1], strict=True)))
            recs.append(h + e)
        pts, vals, blinds, hashes = npts, nv, ng, nh
        levels.append(b"".join(recs))

    return UnitResult(u.start, u.bits, levels, {u.bits: (vals, blinds)})


# ---- the builder -----------------------------------------------------------------------------

def tree_height(n: int, min_height: int = 0) -> int:
    """H = max(ceil(log2 N), configured minimum, 1): a perfect tree whose root has two children."""
    need = math.ceil(math.log2(n)) if n > 1 else 0
    return max(need, min_height, 1)


def statement_refs(names: Iterable[str]) -> dict[str, dict[str, Any]]:
    from por.crypto import statements as st

    out = {}
    for name in names:
        s = st.load(name)
        out[name] = {"id": s.id, "version": s.version, "sha256": s.sha256, "bits": s.bits}
    return out


def build_tree(
    columns: Sequence[tuple[str, str]],
    rows: Iterable[tuple[str, Sequence[int]]],
    *,
    epoch_id: str,
    master_secret: bytes,
    out_dir: Path | str,
    mode: str = "committed",
    block_size: int | None = None,
    min_height: int = 0,
    prices: Mapping[str, int] | None = None,
    haircuts_bps: Mapping[str, int] | None = None,
    context: bytes = b"",
    executor: Executor | None = None,
    progress: Progress | None = None,
    range_proofs: bool = True,
    seed: bytes | None = None,
    unit_bits: int = UNIT_BITS,
    proof_encoding: str = DEFAULT_PROOF_ENCODING,
) -> TreeInfo:
    """Build (and by default prove) and store the liabilities tree of one epoch.

    Args:
        columns: ``(asset, kind)`` pairs, kind ``equity`` or ``debt``.
        rows: ``(account id, values)`` in any order, one value per column (streamed once).
        epoch_id: the epoch (HKDF salt, bound into every proof context).
        master_secret: the epoch master secret (>= 32 bytes), from which every leaf secret derives.
        out_dir: where ``tree.sqlite`` (public), ``root-opening.json`` and ``accounts.sqlite``
            (private) are written.
        mode: ``committed`` (Pedersen commitments, range proofs) or ``plain`` (sums in clear).
        block_size: nodes per range-proof block, a power of two (default: the encoding's,
            ``DEFAULT_BLOCK_SIZES``).
        min_height: the minimum tree height (hides the client count better).
        prices, haircuts_bps: needed when the tree has debt columns (collateral check and proofs).
        context: extra bytes bound into every proof context (e.g. the manifest nonce).
        executor: where work units run (default: a local process pool for large trees).
        progress: ``progress(stage, done, total)`` callback.
        range_proofs: False stops after the build: a complete store whose meta says the proofs are
            pending (``proofs: "pending"``); :func:`por.tree.prove_tree` adds them later. True (the
            default) is exactly that build followed by ``prove_tree``.
        seed: the key of the proofs' randomness (default: derived from the master secret).
        unit_bits: leaves per work unit is 2^unit_bits (tests use small units).
        proof_encoding: ``linear`` or ``compressed``: the range-proof encoding of every block and
            collateral proof (recorded in the store's meta and the tree info, §7.5).

    Raises:
        UsageError: bad parameters (mode, block size, columns, master secret, prices).
        TreeError: bad input naming the account: a negative value, a value >= 2^64, debt not
            covered by collateral, a repeated account id; or column totals >= 2^64.
    """
    cols = parse_columns(columns)
    k = len(cols)
    proof_encoding, block_size, context = _check_arguments(mode, proof_encoding, block_size, k, min_height, context)
    L.check_master(master_secret, epoch_id)
    coeffs = collateral_coefficients(cols, prices, haircuts_bps)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    report = progress or (lambda stage, done, total: None)
    prk = L.prk(master_secret, epoch_id)
    shuffle = HmacSha256(L.shuffle_key(prk))

    # 1. stream and validate the rows
    ids, vals, keybuf, totals = _read_rows(rows, cols, coeffs, shuffle, report)
    n = len(ids)
    height = tree_height(n, min_height)
    if height > MAX_HEIGHT:
        raise TreeError(f"{n} accounts need a tree higher than {MAX_HEIGHT}")
    for c, t in zip(cols, totals, strict=True):
        if t >= MAX_VALUE:
            raise TreeError(f"column {c.label}: the total {t} is >= 2^64 (node-range would not hold)")

    # 2. shuffle real and padding leaves together
    size = 1 << height
    for i in range(size - n):
        keybuf += shuffle(b"\x01" + i.to_bytes(8, "big"))
    order, sorted_keys = _sort_order(keybuf, ids, n)
    del keybuf
    report("shuffle", 1, 1)

    bits = L.unit_bits_for(height, unit_bits)
    committed = mode == "committed"
    vals_np = np.frombuffer(vals, dtype=np.uint64).reshape(-1, k) if n else np.zeros((1, k), np.uint64)
    ids_np = np.array(ids if n else [""], dtype=object)
    accounts = AccountsWriter(out / ACCOUNTS_NAME, epoch_id=epoch_id, k=k, height=height)

    def units() -> Iterable[LeafUnit]:
        per = 1 << bits
        for u in range(size >> bits):
            chunk = order[u * per:(u + 1) * per]
            real = chunk < n
            idx = np.where(real, chunk, 0)
            v = np.where(real[:, None], vals_np[idx], 0)
            names = ids_np[idx]
            names[~real] = (chunk[~real] - n).tolist()  # padding leaves: their index i
            keys = names.tolist()
            accounts.put(u * per, sorted_keys[u * per:(u + 1) * per].tobytes(), v.astype(">u8").tobytes(), keys)
            yield LeafUnit(mode, k, u * per, bits, prk, tuple(keys), tuple(v.reshape(-1).tolist()))

    # 3. subtrees through the executor
    writer = StoreWriter(out / STORE_NAME)
    ex, owned = get_executor(executor, work=size * (20 if committed else 1), threshold=1 << 16)
    try:
        n_units = size >> bits
        top: list[bytes] = []
        top_v: list[tuple[int, ...]] = []
        top_g: list[tuple[int, ...]] = []
        done = 0
        for res in ex.map(build_unit, units()):
            for level, blob in enumerate(res.levels):
                writer.put_nodes(level, res.start >> level, 1 << (res.bits - level), blob)
            top.append(res.levels[bits])
            if committed:
                v, g = res.openings[bits]
                top_v.extend(v)
                top_g.extend(g)
            done += 1
            report("subtrees", done, n_units)

        # 4. the levels above the units, in-process
        root_rec, root_vals, root_blinds = _top_levels(writer, mode, k, bits, height, top, top_v, top_g)
        del top

        # 5. metadata, then the private files
        root_hash = root_rec[:32].hex()
        if committed:
            root = tuple(root_rec[32 + 48 * c:80 + 48 * c].hex() for c in range(k))
        else:
            root = tuple(str(v) for v in root_vals)
        meta = {
            "format": STORE_FORMAT, "leaf_format": L.LEAF_FORMAT, "protocol": PROTOCOL, "mode": mode,
            "epoch_id": epoch_id,
            "columns": [c.to_list() for c in cols], "height": height, "block_size": block_size,
            "context": context.hex(), "statements": {}, "root_hash": root_hash, "root": list(root),
            "range_proofs": False, "proofs": "pending" if committed else "none", "proof_encoding": proof_encoding,
            "prices": {a: str(p) for a, p in (prices or {}).items()} if coeffs is not None else {},
            "haircuts_bps": {a: int(h) for a, h in (haircuts_bps or {}).items()} if coeffs is not None else {},
        }
        # the private files first: a store on disk means the build is whole
        _write_opening(out, epoch_id, mode, cols, root_hash, root_vals, root_blinds)
        accounts.finish(leaf_count=n)
        report("accounts", 1, 1)
        from por.tree.prove import discard_work

        discard_work(out)  # an interrupted prove of an earlier build of this directory
        writer.set_meta(meta)
        writer.finish()
        report("store", 1, 1)
        info = TreeInfo(mode=mode, epoch_id=epoch_id, columns=tuple((c.asset, c.kind) for c in cols),
                        height=height, leaf_count=n, block_size=block_size, root_hash=root_hash, root=root,
                        context=context.hex(), statements={}, proof_encoding=proof_encoding)
        if committed and range_proofs:
            from por.tree.prove import prove_tree

            # the caller's executor, or the pool made here; else prove_tree sizes its own (proving
            # is ~1000x the work of building, so a tree too small for a pool here may want one)
            info = prove_tree(out, master_secret=master_secret, executor=executor or (ex if owned else None),
                              progress=progress, seed=seed, unit_bits=unit_bits)
    except BaseException:
        writer.abort()
        accounts.abort()
        raise
    finally:
        close_executor(ex, owned)
    return info


def _check_arguments(mode: str, proof_encoding: str, block_size: int | None, k: int, min_height: int,
                     context: Any) -> tuple[str, int, bytes]:
    """The build's parameters checked: ``(proof encoding, block size, context)`` with the defaults filled in.

    Raises:
        UsageError: naming the parameter that is out of range.
    """
    if mode not in L.MODES:
        raise UsageError(f"mode {mode!r} must be one of {', '.join(L.MODES)}")
    proof_encoding = check_encoding(proof_encoding)
    if block_size is None:
        block_size = DEFAULT_BLOCK_SIZES[proof_encoding]
    bad_block = L.block_size_problem(block_size, k, mode)
    if bad_block is not None:
        raise UsageError(bad_block + " (the block size must be a power of two within the node-range statement's range)")
    if not isinstance(min_height, int) or not 0 <= min_height <= MAX_HEIGHT:
        raise UsageError(f"minimum height must be in [0, {MAX_HEIGHT}]")
    if not isinstance(context, (bytes, bytearray)):
        raise UsageError("context must be bytes")
    return proof_encoding, block_size, bytes(context)


def _top_levels(writer: StoreWriter, mode: str, k: int, bits: int, height: int, top: list[bytes],
                top_v: list[tuple[int, ...]], top_g: list[tuple[int, ...]],
                ) -> tuple[bytes, tuple[int, ...], tuple[int, ...] | None]:
    """Hash the levels above the work units (stored as they are made): ``(root record, root values,
    root blindings)``; the units' top nodes are ``top`` with, in committed mode, their openings."""
    committed = mode == "committed"
    w = L.HASH_BYTES + k * L.column_width(mode)
    level_recs = b"".join(top)
    recs = [level_recs[i:i + w] for i in range(0, len(level_recs), w)]
    if committed:
        cur_v, cur_g = top_v, top_g
    else:
        cur_v = [tuple(int.from_bytes(r[32 + 16 * c:48 + 16 * c], "big") for c in range(k)) for r in recs]
        cur_g = []
    for level in range(bits + 1, height + 1):
        recs, cur_v, cur_g = _parent_level(mode, k, recs, cur_v, cur_g)
        writer.put_nodes(level, 0, len(recs), b"".join(recs))
    return recs[0], cur_v[0], cur_g[0] if committed else None


def _write_opening(out: Path, epoch_id: str, mode: str, cols: Sequence[Column], root_hash: str,
                   root_vals: Sequence[int], root_blinds: Sequence[int] | None) -> None:
    """``root-opening.json`` (private): the root's values and, committed, its blindings; replaced atomically."""
    opening: dict[str, Any] = {
        "format": OPENING_FORMAT, "epoch_id": epoch_id, "mode": mode,
        "columns": [c.to_list() for c in cols], "root_hash": root_hash,
        "values": [str(v) for v in root_vals],
    }
    if root_blinds is not None:
        opening["blindings"] = [g.to_bytes(32, "big").hex() for g in root_blinds]
    tmp = out / (OPENING_NAME + ".partial")
    tmp.write_text(json.dumps(opening, indent=2, sort_keys=True) + "\n")
    tmp.replace(out / OPENING_NAME)


def _read_rows(
    rows: Iterable[tuple[str, Sequence[int]]], cols: tuple[Column, ...], coeffs: tuple[int, ...] | None,
    shuffle: HmacSha256, report: Progress,
) -> tuple[list[str], array[int], bytearray, list[int]]:
    """One pass over the rows (the hot loop of plain mode: validation and the sort key inlined)."""
    k = len(cols)
    ids: list[str] = []
    vals: array[int] = array("Q")
    keybuf = bytearray()
    debt = [i for i, c in enumerate(cols) if c.kind == "debt"]
    check_debt = coeffs is not None
    top = MAX_VALUE
    inner, outer = shuffle._inner.copy, shuffle._outer.copy
    ids_append, vals_extend, vals_append = ids.append, vals.extend, vals.append
    maxb = L.MAX_ACCOUNT_BYTES
    for row in rows:
        if not isinstance(row, (tuple, list)) or len(row) != 2:
            raise TreeError(f"row {len(ids)}: expected (account id, values), got {row!r}")
        account, values = row
        if type(account) is not str:
            raise TreeError(f"row {len(ids)}: account id {account!r} is not a string")
        acct = account.encode("utf-8")
        if not 0 < len(acct) <= maxb:
            raise TreeError(f"account {account!r}: an account id is 1..{maxb} bytes of UTF-8")
        if k == 1 and type(values) is tuple and len(values) == 1:
            x = values[0]
            if type(x) is not int or not 0 <= x < top:
                check_values(account, values, k)
            vals_append(x)
        else:
            v = check_values(account, values, k)
            if check_debt and any(v[i] for i in debt):
                assert coeffs is not None
                cv = sum(a * b for a, b in zip(coeffs, v, strict=True))
                if cv < 0:
                    raise TreeError(f"account {account!r}: debt not covered by collateral at the given "
                                    f"prices and haircuts (short by {-cv} price units x 10^4)")
                if cv >= 1 << COLLATERAL_BITS:
                    raise TreeError(f"account {account!r}: collateral value exceeds 2^128")
            vals_extend(v)
        ids_append(account)
        h = inner()
        h.update(b"\x00" + acct)
        o = outer()
        o.update(h.digest())
        keybuf += o.digest()
        if not len(ids) & 0xFFFF:
            report("read", len(ids), 0)
    report("read", len(ids), len(ids))
    totals = [sum(vals[i::k]) for i in range(k)]
    return ids, vals, keybuf, totals


def _sort_order(keybuf: bytearray, ids: list[str], n: int) -> tuple[np.ndarray, np.ndarray]:
    """Positions in ascending sort-key order, and the keys so sorted (an (N, 4) big-endian array)."""
    keys = np.frombuffer(keybuf, dtype=">u8").reshape(-1, 4)
    first = keys[:, 0].astype(np.uint64)
    order = np.argsort(first, kind="stable")
    if np.any(first[order][1:] == first[order][:-1]):  # ties in 64 bits: sort on all 256
        order = np.lexsort((keys[:, 3], keys[:, 2], keys[:, 1], keys[:, 0]))
        sk = keys[order]
        same = np.nonzero(np.all(sk[1:] == sk[:-1], axis=1))[0]
        for i in same.tolist():
            a, b = int(order[i]), int(order[i + 1])
            if a < n and b < n:
                raise TreeError(f"account {ids[a]!r} appears more than once in the input")
            raise TreeError("two leaves drew the same shuffle key (SHA-256 collision?)")  # pragma: no cover
    order = order.astype(np.int64)
    return order, keys[order]


def _parent_level(
    mode: str, k: int, recs: list[bytes], vals: list[tuple[int, ...]], blinds: list[tuple[int, ...]],
) -> tuple[list[bytes], list[tuple[int, ...]], list[tuple[int, ...]]]:
    out_r, out_v, out_g = [], [], []
    for i in range(0, len(recs), 2):
        a, b = recs[i], recs[i + 1]
        v = tuple(x + y for x, y in zip(vals[i], vals[i + 1], strict=True))
        if mode == "committed":
            from por.crypto.pedersen import add

            cols = b"".join(add(a[32 + 48 * c:80 + 48 * c], b[32 + 48 * c:80 + 48 * c]) for c in range(k))
            out_g.append(tuple((x + y) % R for x, y in zip(blinds[i], blinds[i + 1], strict=True)))
        else:
            cols = b"".join(x.to_bytes(16, "big") for x in v)
        out_r.append(L.node_hash(mode, a[:32], b[:32], cols) + cols)
        out_v.append(v)
    return out_r, out_v, out_g
