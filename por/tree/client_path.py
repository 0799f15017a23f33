"""The client's path of the liabilities tree: parsing and verifying one inclusion proof
(docs/protocol.md §7.10), and the shape of a published tree description.

Returns a :class:`por.result.Result` and never raises on malformed input: every problem is a failed
check with a stable id and a sentence naming the field, level or index.

Client checks (``verify_client_proof``), in order:
  1. ``client.format``      the file parses (version, leaf format, every field, types, lengths, ranges,
                            the block size a power of two in the node-range statement's range);
  2. ``client.epoch``       the epoch is the one expected;
  3. ``client.account``     the account id the leaf is bound to is the client's own (when given);
  4. ``client.columns``     (given the published columns) the proof's columns, labels and order, are
                            the published ones;
  5. ``client.expected``    (given the published tree description) mode, height, block size,
                            context, leaf format and statements are the published ones;
  3. ``client.statements``  the statement ids and hashes are the ones this verifier knows;
  4. ``client.leaf``        the leaf recomputed from s and the values;
  5. ``client.path``        every sibling decodes (commitment) or is a sum in [0, 2^64) (plain), and
                            the path folds to a root;
  6. ``client.root``        the folded root equals the published root hash (and root columns);
  7. ``client.range_proofs`` each sibling's block holds the sibling and the path node at the right
                            slots, and all blocks batch-verify (committed mode);
  8. ``client.collateral``  the client's own collateral proof when it has debt.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from por import PROTOCOL
from por.errors import PorError
from por.result import Result
from por.tree import leaf as L
from por.tree._checks import name_items, statement_check
from por.tree.build import ENCODING_STATEMENTS, encoding_of_statements
from por.tree.columns import MAX_VALUE, Column, collateral_coefficients, parse_columns
from por.tree.proof import CLIENT_FORMAT, OLD_CLIENT_FORMATS

_DEC = re.compile(r"^(0|[1-9][0-9]{0,39})$")
_HEX = re.compile(r"^[0-9a-f]*$")


class _Bad(Exception):
    """A malformed field (internal: becomes a failed check)."""


def _dec(x: Any, what: str) -> int:
    if isinstance(x, str) and x.startswith("-") and _DEC.match(x[1:]):
        raise _Bad(f"{what} is negative ({x})")
    if not isinstance(x, str) or not _DEC.match(x):
        raise _Bad(f"{what} must be a decimal string, got {x!r:.60}")
    return int(x)


def _hex(x: Any, n: int, what: str) -> bytes:
    if not isinstance(x, str) or len(x) != 2 * n or not _HEX.match(x):
        raise _Bad(f"{what} must be {n} bytes of lower-case hex")
    return bytes.fromhex(x)


def _b64(x: Any, what: str) -> bytes:
    if not isinstance(x, str):
        raise _Bad(f"{what} must be a base64 string")
    try:
        return base64.b64decode(x.encode("ascii"), validate=True)
    except (binascii.Error, ValueError, UnicodeEncodeError):
        raise _Bad(f"{what} is not valid base64") from None


def _int(x: Any, lo: int, hi: int, what: str) -> int:
    if isinstance(x, bool) or not isinstance(x, int) or not lo <= x < hi:
        raise _Bad(f"{what} must be an integer in [{lo}, {hi})")
    return x


def _get(d: Any, key: str, what: str = "") -> Any:
    if not isinstance(d, dict) or key not in d:
        raise _Bad(f"missing field {what + key!r}")
    return d[key]



# ---- client verification ---------------------------------------------------------------------

@dataclass
class _Parsed:
    mode: str
    epoch_id: str
    account_id: str
    columns: tuple[Column, ...]
    height: int
    block_size: int
    context: bytes
    values: tuple[int, ...]
    s: bytes
    position: int
    # (leaf id at level 0 or the sibling's two child hashes above, column values or commitment bytes)
    siblings: list[tuple[Any, list[Any]]]
    blocks: list[tuple[int, bytes, bytes | None]]  # (index, packed commitments, proof)
    statements: dict[str, Any]
    collateral: dict[str, Any] | None
    root_hash: bytes
    root_columns: list[Any]


def _parse_client(p: Any) -> _Parsed:
    try:
        return _parse_client_fields(p)
    except (TypeError, ValueError, AttributeError, KeyError, IndexError) as exc:
        raise _Bad(f"a field has the wrong type ({type(exc).__name__}: {exc})") from None


def _parse_client_fields(p: Any) -> _Parsed:
    if not isinstance(p, dict):
        raise _Bad("the proof is not a JSON object")
    fmt = p.get("format")
    if isinstance(fmt, str) and fmt in OLD_CLIENT_FORMATS:
        raise _Bad(f"format {fmt} ({OLD_CLIENT_FORMATS[fmt]}: {L.OLD_LEAF_FORMATS['por-leaf/1']}) is refused: "
                   f"ask the operator for a {CLIENT_FORMAT} proof")
    if fmt != CLIENT_FORMAT:
        raise _Bad(f"format {fmt!r:.60} is not {CLIENT_FORMAT!r}")
    bad_leaf = L.check_leaf_format(p.get("leaf_format"))
    if bad_leaf is not None:
        raise _Bad(bad_leaf)
    if p.get("protocol", PROTOCOL) != PROTOCOL:
        raise _Bad(f"protocol {p.get('protocol')!r:.60} is not {PROTOCOL!r}")
    mode = _get(p, "mode")
    if mode not in L.MODES:
        raise _Bad(f"mode {mode!r:.40} is not one of {', '.join(L.MODES)}")
    epoch = _get(p, "epoch_id")
    if not isinstance(epoch, str) or not epoch:
        raise _Bad("epoch_id must be a non-empty string")
    try:
        cols = parse_columns(_get(p, "columns"))
    except PorError as exc:
        raise _Bad(f"columns: {exc}") from None
    k = len(cols)
    account = _get(p, "account_id")
    if not isinstance(account, str) or not 0 < len(account.encode("utf-8", "surrogatepass")) <= L.MAX_ACCOUNT_BYTES:
        raise _Bad(f"account_id must be 1..{L.MAX_ACCOUNT_BYTES} bytes of UTF-8")
    try:
        account.encode("utf-8")
    except UnicodeEncodeError:
        raise _Bad("account_id is not valid UTF-8") from None
    height = _int(_get(p, "height"), 1, 41, "height")
    bsz = _get(p, "block_size")
    bad_block = L.block_size_problem(bsz, k, mode)
    if bad_block is not None:
        raise _Bad(bad_block.replace("block size", "block_size", 1))
    ctx_hex = _get(p, "context")
    if not isinstance(ctx_hex, str) or len(ctx_hex) % 2 or not _HEX.match(ctx_hex):
        raise _Bad("context must be lower-case hex")
    raw_values = _get(p, "values")
    if not isinstance(raw_values, list) or len(raw_values) != k:
        raise _Bad(f"values must be a list of {k} decimal strings")
    values = tuple(_dec(v, f"values[{i}]") for i, v in enumerate(raw_values))
    for i, v in enumerate(values):
        if v >= MAX_VALUE:
            raise _Bad(f"values[{i}] is >= 2^64")
    s = _hex(_get(p, "leaf_secret"), 32, "leaf_secret")
    position = _int(_get(p, "position"), 0, 1 << height, "position")
    path = _get(p, "path")
    if not isinstance(path, list) or len(path) != height:
        raise _Bad(f"path must list {height} levels")
    width = L.column_width(mode)
    siblings: list[tuple[Any, list[Any]]] = []
    blocks: list[tuple[int, bytes, bytes | None]] = []
    for level, e in enumerate(path):
        where = f"path[{level}]."
        lv = _get(e, "level", where)
        if isinstance(lv, bool) or not isinstance(lv, int) or lv != level:
            raise _Bad(f"path[{level}].level must be {level}")
        sib = _get(e, "sibling", where)
        sc = _get(sib, "columns", where + "sibling.")
        if not isinstance(sc, list) or len(sc) != k:
            raise _Bad(f"{where}sibling.columns must list {k} columns")
        if level == 0:
            link: bytes | tuple[bytes, bytes] = _hex(_get(sib, "leaf_id", where + "sibling."), 32,
                                                     where + "sibling.leaf_id")
        else:
            ch = _get(sib, "children", where + "sibling.")
            if not isinstance(ch, list) or len(ch) != 2:
                raise _Bad(f"{where}sibling.children must list the sibling's two child hashes")
            link = (_hex(ch[0], 32, where + "sibling.children[0]"), _hex(ch[1], 32, where + "sibling.children[1]"))
        if mode == "committed":
            siblings.append((link, [_hex(c, 48, f"{where}sibling.columns[{i}]") for i, c in enumerate(sc)]))
            blk = _get(e, "block", where)
            j = _int(_get(blk, "index", where + "block."), 0, 1 << 62, where + "block.index")
            comms = _b64(_get(blk, "commitments", where + "block."), where + "block.commitments")
            raw = _get(blk, "proof", where + "block.")
            proof = None if raw is None else _b64(raw, where + "block.proof")
            blocks.append((j, comms, proof))
        else:
            siblings.append((link, [_dec(c, f"{where}sibling.columns[{i}]") for i, c in enumerate(sc)]))
    root = _get(p, "root")
    root_hash = _hex(_get(root, "hash", "root."), 32, "root.hash")
    rc = _get(root, "columns", "root.")
    if not isinstance(rc, list) or len(rc) != k:
        raise _Bad(f"root.columns must list {k} columns")
    root_columns: list[Any] = ([_hex(c, 48, f"root.columns[{i}]") for i, c in enumerate(rc)] if mode == "committed"
                               else [_dec(c, f"root.columns[{i}]") for i, c in enumerate(rc)])
    stm = p.get("statements", {})
    if not isinstance(stm, dict):
        raise _Bad("statements must be an object")
    coll = p.get("collateral")
    if coll is not None and not isinstance(coll, dict):
        raise _Bad("collateral must be an object or null")
    del width
    return _Parsed(mode, epoch, account, cols, height, bsz, bytes.fromhex(ctx_hex), values, s, position, siblings,
                   blocks, stm, coll, root_hash, root_columns)


def verify_client_proof(
    proof: Any,
    *,
    root_hash: str | None = None,
    root_commitments: Sequence[str] | None = None,
    epoch_id: str | None = None,
    prices: Mapping[str, int] | None = None,
    haircuts_bps: Mapping[str, int] | None = None,
    account_id: str | None = None,
    columns: Sequence[Sequence[str]] | None = None,
    expected: Mapping[str, Any] | None = None,
) -> Result:
    """Check one client inclusion proof; never raises.

    Args:
        proof: the parsed JSON of a ``por-client-proof/2`` file.
        root_hash: the published root hash (from the signed manifest). Without it the proof's own
            root is used and the result says so.
        root_commitments: the published root columns (commitments hex, or decimal sums in plain mode).
        epoch_id: the epoch the client expects.
        prices, haircuts_bps: the published prices; when given they must equal the proof's.
        account_id: the client's own account id. The leaf is bound to the proof's account id
            (docs/protocol.md §7.2), so a proof for another id fails ``client.account`` here; without
            it the check passes and names the proof's account id, for the client to read.
        columns: the published columns, ``[asset, kind]`` pairs in order; the proof's must be these.
        expected: the published tree description (the manifest's ``tree``): the proof's mode,
            height, block size, context, leaf format and statements must be its.
    """
    res = Result("client inclusion proof")
    try:
        p = _parse_client(proof)
    except _Bad as exc:
        res.failed("client.format", f"malformed client proof: {exc}")
        return res
    res.passed("client.format", f"{CLIENT_FORMAT} ({L.LEAF_FORMAT}), {p.mode} mode, height {p.height}, "
               f"{len(p.columns)} column(s), block size {p.block_size}")
    if epoch_id is not None:
        res.add("client.epoch", p.epoch_id == epoch_id,
                f"proof is for epoch {p.epoch_id!r}" + ("" if p.epoch_id == epoch_id else f", expected {epoch_id!r}"))
    else:
        res.passed("client.epoch", f"proof is for epoch {p.epoch_id!r}")
    if account_id is not None:
        res.add("client.account", p.account_id == account_id,
                f"the proof is for account {p.account_id!r}, the one you named" if p.account_id == account_id
                else f"the proof is for account {p.account_id!r:.80}, not yours ({account_id!r:.80}): its leaf is "
                     "bound to that id, so it proves nothing about your balance")
    else:
        res.passed("client.account", f"the proof is for ACCOUNT {p.account_id!r:.200} (its leaf is bound to this "
                   "id; check that it is yours, or pass your account id to have it checked)")
    if columns is not None:
        mine = [[c.asset, c.kind] for c in p.columns]
        published = [[str(x) for x in c] for c in columns]
        res.add("client.columns", mine == published,
                f"the proof's {len(mine)} column(s) are the published ones, in order" if mine == published
                else f"the proof's columns {_cols(mine)} differ from the published columns {_cols(published)} "
                     "(labels or order): its values would be read against the wrong assets")
    if expected is not None:
        _client_expected(res, p, expected)
    k = len(p.columns)
    committed = p.mode == "committed"
    # the encoding is the one the recorded statements name (§7.5): either is sound, and each statement's
    # hash is checked against the local specification below, so a proof is never read in another encoding
    node_stmt, coll_stmt = ENCODING_STATEMENTS[encoding_of_statements(p.statements)]
    names = [node_stmt] + ([coll_stmt] if any(c.kind == "debt" for c in p.columns) else [])
    if committed:
        statement_check(res, "client.statements", p.statements, names)

    # leaf
    from por.tree._commit import committer

    cm = committer() if committed else None
    lid = L.leaf_id(p.account_id, p.s)
    if committed:
        assert cm is not None
        gs = L.blindings(p.s, k)
        pts = [cm.commit(v, g) for v, g in zip(p.values, gs, strict=True)]
        cols = b"".join(cm.encode(x) for x in pts)
        leaf_cols: list[Any] = [cols[48 * c:48 * (c + 1)] for c in range(k)]
    else:
        cols = b"".join(L.encode_sum(v) for v in p.values)
        leaf_cols = list(p.values)
    h = L.leaf_hash(p.mode, lid, cols)
    res.passed("client.leaf", f"leaf recomputed from the secret and {k} value(s) at position {p.position}")

    # path
    path_cols: list[list[bytes]] = []  # encoded columns of the path node at each level (committed)
    problems: list[str] = []
    cur = pts if committed else leaf_cols
    cur_enc = leaf_cols if committed else []
    for level, (link, sc) in enumerate(p.siblings):
        path_cols.append(list(cur_enc))
        sib_cols = b"".join(sc) if committed else b"".join(L.encode_sum(v) for v in sc if v < MAX_VALUE)
        # the sibling's hash is recomputed from its own sums: they are bound into the root (Maxwell)
        sh = (L.leaf_hash(p.mode, link, sib_cols) if level == 0
              else L.node_hash(p.mode, link[0], link[1], sib_cols))
        if committed:
            assert cm is not None
            try:
                sp = [cm.decode(c) for c in sc]
            except PorError as exc:
                problems.append(f"level {level}: sibling commitment does not decode ({exc})")
                break
            cur = [cm.add(a, b) for a, b in zip(cur, sp, strict=True)]
            cur_enc = [cm.encode(x) for x in cur]
            col_bytes = b"".join(cur_enc)
        else:
            bad = [i for i, v in enumerate(sc) if v >= MAX_VALUE]
            if bad:
                problems.append(f"level {level}: sibling sum of column {bad[0]} is >= 2^64")
                break
            cur = [a + b for a, b in zip(cur, sc, strict=True)]
            if level < p.height - 1 and any(v >= MAX_VALUE for v in cur):
                problems.append(f"level {level + 1}: path node sum is >= 2^64")
                break
            col_bytes = b"".join(L.encode_sum(v) for v in cur)
        left, right = (h, sh) if (p.position >> level) & 1 == 0 else (sh, h)
        h = L.node_hash(p.mode, left, right, col_bytes)
    if problems:
        res.failed("client.path", "; ".join(problems))
    else:
        res.passed("client.path", f"{p.height} sibling(s) folded to a root")
        root_cols = cur_enc if committed else cur
        expected_hash = bytes.fromhex(root_hash) if root_hash is not None and _is_hex32(root_hash) else None
        msgs = []
        ok = True
        if root_hash is not None and expected_hash is None:
            ok, msgs = False, ["the published root hash given is not 32 bytes of hex"]
        target = expected_hash or p.root_hash
        if h != target:
            ok = False
            msgs.append(f"recomputed root {h.hex()[:16]}... differs from the "
                        f"{'published' if expected_hash else 'proof file'} root {target.hex()[:16]}... (the "
                        f"leaf of account {p.account_id!r:.80} with these values is not in the tree: a leaf is "
                        "bound to its account id, so another account's leaf does not fold to the root)")
        if expected_hash and p.root_hash != expected_hash:
            ok = False
            msgs.append("the root recorded in the proof file differs from the published root")
        if root_cols != p.root_columns:
            ok = False
            msgs.append("the recomputed root columns differ from those recorded in the proof file")
        if root_commitments is not None:
            want = [str(c) for c in root_commitments]
            have = [c.hex() for c in root_cols] if committed else [str(c) for c in root_cols]
            if want != have:
                ok = False
                msgs.append("the recomputed root columns differ from the published root")
        if ok:
            res.passed("client.root", f"path folds to the {'published' if expected_hash else 'recorded'} root "
                       f"{h.hex()[:16]}..." + ("" if expected_hash else " (compare it with the signed manifest)"))
        else:
            res.failed("client.root", "; ".join(msgs))

    # range proofs of the siblings' blocks
    if committed:
        _client_blocks(res, p, path_cols, problems)
    else:
        res.passed("client.range_proofs", "plain mode: every sibling sum checked in the clear to be in [0, 2^64)"
                   if not problems else "plain mode: sums checked in the clear (see client.path)")

    _client_collateral(res, p, leaf_cols, prices, haircuts_bps)
    return res


def _cols(cols: Sequence[Sequence[str]]) -> str:
    text = ", ".join(f"{c[0]}:{c[1]}" for c in cols[:8]) + (", ..." if len(cols) > 8 else "")
    return f"[{text}]"[:300]


def _client_expected(res: Result, p: _Parsed, expected: Mapping[str, Any]) -> None:
    """``client.expected``: the proof's tree parameters are those of the published description."""
    if not isinstance(expected, Mapping):
        res.failed("client.expected", "the published tree description is not an object")
        return
    have: dict[str, Any] = {"mode": p.mode, "epoch_id": p.epoch_id, "height": p.height,
                            "block_size": p.block_size, "context": p.context.hex(), "leaf_format": L.LEAF_FORMAT}
    diffs = []
    for key, value in have.items():
        if key not in expected:
            diffs.append(f"{key} (not in the description)")
        elif isinstance(expected[key], bool) or expected[key] != value:
            diffs.append(f"{key} ({value!r:.40} in the proof, {expected[key]!r:.40} published)")
    if p.mode == "committed":
        pub = expected.get("statements")
        for name, ref in (pub.items() if isinstance(pub, Mapping) else []):
            mine = p.statements.get(name)
            if not isinstance(ref, Mapping) or not isinstance(mine, Mapping) or \
                    any(mine.get(f) != ref.get(f) for f in ("id", "version", "sha256", "bits")):
                diffs.append(f"statement {name!s:.40}")
        if not isinstance(pub, Mapping):
            diffs.append("statements (not in the description)")
    res.add("client.expected", not diffs,
            "the proof's mode, height, block size, context, leaf format and statements are the published tree's"
            if not diffs else "the proof differs from the published tree description in: " + "; ".join(diffs))


def _is_hex32(x: Any) -> bool:
    return isinstance(x, str) and len(x) == 64 and bool(_HEX.match(x))


def _client_blocks(res: Result, p: _Parsed, path_cols: list[list[bytes]], problems: list[str]) -> None:
    from por.crypto import statements as st

    k = len(p.columns)
    issues: list[str] = []
    items = []
    levels = []
    node_stmt = ENCODING_STATEMENTS[encoding_of_statements(p.statements)][0]
    for level, (j, comms, proof) in enumerate(p.blocks):
        bl = L.level_block_size(p.block_size, p.height, level)
        idx = p.position >> level
        if j != (idx ^ 1) // bl:  # the sibling's block (for B_l >= 2 it holds the path node too)
            issues.append(f"level {level}: block {j} does not cover the sibling {idx ^ 1} "
                          f"(expected block {(idx ^ 1) // bl})")
            continue
        if len(comms) != bl * k * 48:
            issues.append(f"level {level}: block commitments are {len(comms)} bytes, expected {bl * k * 48}")
            continue
        if proof is None:
            issues.append(f"level {level}: the range proof of block {j} is missing")
            continue
        cs = [comms[48 * i:48 * (i + 1)] for i in range(bl * k)]
        sib_slot = (idx ^ 1) - j * bl
        own_slot = idx - j * bl
        if cs[sib_slot * k:(sib_slot + 1) * k] != p.siblings[level][1]:
            issues.append(f"level {level}: the block's commitment at the sibling's slot is not the sibling shown")
            continue
        if 0 <= own_slot < bl and level < len(path_cols) and not problems \
                and cs[own_slot * k:(own_slot + 1) * k] != path_cols[level]:
            issues.append(f"level {level}: the block's commitment at the path node's slot is not the path node")
            continue
        ctx = L.block_context(p.epoch_id, p.context, p.height, level, j)
        try:
            items.append((st.load(node_stmt), [st.Claim((c,), (1,)) for c in cs], proof, ctx))
        except PorError as exc:
            issues.append(f"cannot load {node_stmt}: {exc}")
            break
        levels.append(level)
    if not issues and items:
        try:
            ok = st.verify_batch(items)
            bad = [] if ok else st.find_invalid(items)
        except Exception as exc:  # noqa: BLE001 - the verifier never raises on hostile input
            ok, bad = False, []
            issues.append(f"batch verification failed on malformed input ({type(exc).__name__})")
        if not ok:
            issues.append("range proof(s) do not verify at level(s) " + name_items([str(levels[i]) for i in bad]))
    if issues:
        res.failed("client.range_proofs", "; ".join(issues))
    else:
        res.passed("client.range_proofs", f"{len(items)} sibling block(s) prove every sibling column in [0, 2^64)")


def _client_collateral(res: Result, p: _Parsed, leaf_cols: list[Any], prices: Mapping[str, int] | None,
                       haircuts_bps: Mapping[str, int] | None) -> None:
    has_debt = any(c.kind == "debt" and v for c, v in zip(p.columns, p.values, strict=True))
    if not has_debt:
        res.passed("client.collateral", "no debt: no collateral proof needed")
        return
    coll = p.collateral
    if coll is None:
        res.failed("client.collateral", "the client has debt but the proof carries no collateral section")
        return
    try:
        fp = {str(a): _dec(v, f"collateral.prices.{a}") for a, v in dict(_get(coll, "prices")).items()}
        fh = {str(a): _int(v, 0, 10_001, f"collateral.haircuts_bps.{a}")
              for a, v in dict(_get(coll, "haircuts_bps")).items()}
    except (_Bad, TypeError, ValueError) as exc:
        res.failed("client.collateral", f"malformed collateral section: {exc}")
        return
    if prices is not None and {a: fp.get(a) for a in prices} != dict(prices):
        res.failed("client.collateral", "the proof's prices differ from the published prices")
        return
    if haircuts_bps is not None and {a: fh.get(a) for a in haircuts_bps} != dict(haircuts_bps):
        res.failed("client.collateral", "the proof's haircuts differ from the published haircuts")
        return
    try:
        coeffs = collateral_coefficients(p.columns, fp, fh)
    except PorError as exc:
        res.failed("client.collateral", f"prices or haircuts unusable: {exc}")
        return
    assert coeffs is not None
    if p.mode == "plain":
        cv = sum(a * b for a, b in zip(coeffs, p.values, strict=True))
        res.add("client.collateral", cv >= 0,
                "debt covered by haircut collateral (checked in the clear)" if cv >= 0 else
                f"debt not covered by collateral: short by {-cv} price units x 10^4")
        return
    from por.crypto import statements as st

    try:
        raw = _get(coll, "proof")
        proof = None if raw is None else _b64(raw, "collateral.proof")
    except _Bad as exc:
        res.failed("client.collateral", str(exc))
        return
    if proof is None:
        res.failed("client.collateral", "the client has debt but no collateral proof")
        return
    ctx = L.collateral_context(p.epoch_id, p.context, p.height, p.position)
    try:
        coll_stmt = ENCODING_STATEMENTS[encoding_of_statements(p.statements)][1]
        ok = st.verify(st.load(coll_stmt), [st.Claim(tuple(leaf_cols), coeffs, 0)], proof, context=ctx)
    except Exception as exc:  # noqa: BLE001
        ok = False
        res.failed("client.collateral", f"collateral proof unusable ({type(exc).__name__})")
        return
    res.add("client.collateral", bool(ok), "collateral proof verifies: debt covered by haircut collateral" if ok
            else "collateral proof does not verify at the given prices and haircuts")


def tree_description_problem(tree: Any, epoch_id: str | None = None) -> str | None:
    """Why a published tree description (a manifest's ``tree``) is unusable, or None: it is an object
    with every field a verifier reads, each of its type (mode, epoch id, columns, height, block size
    within the node-range statement's range, root hash, root, context, statements, leaf format
    ``por-leaf/2``), and names ``epoch_id`` when given. Never raises (docs/protocol.md §7.10).
    """
    if not isinstance(tree, dict):
        return f"it is a {type(tree).__name__}, not an object"
    for key in ("mode", "epoch_id", "columns", "height", "block_size", "root_hash", "root", "context",
                "statements", "leaf_format"):
        if key not in tree:
            return f"it has no {key!r}"
    bad_leaf = L.check_leaf_format(tree["leaf_format"])
    if bad_leaf is not None:
        return bad_leaf
    mode, cols, height = tree["mode"], tree["columns"], tree["height"]
    if mode not in L.MODES:
        return f"mode {mode!r:.40} is not one of {', '.join(L.MODES)}"
    if epoch_id is not None and tree["epoch_id"] != epoch_id:
        return f"it names epoch {tree['epoch_id']!r:.60}, the manifest {epoch_id!r:.60}"
    if not isinstance(cols, list) or not cols or not all(
            isinstance(c, list) and len(c) == 2 and all(isinstance(x, str) for x in c) for c in cols):
        return "columns is not a non-empty list of [asset, kind] pairs"
    if isinstance(height, bool) or not isinstance(height, int) or not 1 <= height <= 40:
        return f"height {height!r:.40} is not an integer in [1, 40]"
    bad_block = L.block_size_problem(tree["block_size"], len(cols), mode)
    if bad_block is not None:
        return bad_block
    rh = tree["root_hash"]
    if not isinstance(rh, str) or len(rh) != 64 or not _HEX.match(rh):
        return "root_hash is not 32 bytes of lower-case hex"
    root = tree["root"]
    if not isinstance(root, list) or len(root) != len(cols) or not all(isinstance(x, str) for x in root):
        return f"root is not a list of {len(cols)} strings"
    if mode == "committed" and not all(len(x) == 96 and _HEX.match(x) for x in root):
        return "root is not a list of 48-byte hex commitments"
    if mode == "plain" and not all(_DEC.match(x) for x in root):
        return "root is not a list of decimal sums"
    ctx = tree["context"]
    if not isinstance(ctx, str) or len(ctx) % 2 or not _HEX.match(ctx):
        return "context is not lower-case hex"
    if not isinstance(tree["statements"], dict):
        return "statements is not an object"
    return None
