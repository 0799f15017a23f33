"""The client's path of the liabilities tree: verifying one inclusion proof (docs/protocol.md §7.10).

The proof is parsed by its model (:func:`por.bundle.tree.parse_client_proof`); a document that does
not parse is one failed check, ``client.format``, naming the field path. Returns a
:class:`por.result.Result`; only the parse layer's and the crypto decoders' errors become failed checks.

Client checks (``verify_client_proof``), in order:
  1. ``client.format``      the file parses as ``por-client-proof/2`` (every field, type, length, range,
                            canonical encoding; the block size a power of two in the statement's range);
  2. ``client.epoch``       the epoch is the one expected;
  3. ``client.account``     the account id the leaf is bound to is the client's own (when given);
  4. ``client.columns``     (given the published columns) the proof's columns, labels and order, are
                            the published ones;
  5. ``client.expected``    (given the published tree description) mode, height, block size,
                            context, leaf format and statements are the published ones;
  6. ``client.statements``  exactly the statements the tree's encoding requires, with the ids and
                            hashes this verifier knows;
  7. ``client.leaf``        the leaf recomputed from s and the values;
  8. ``client.path``        every sibling decodes (commitment) or is a sum in [0, 2^64) (plain), and
                            the path folds to a root;
  9. ``client.root``        the folded root equals the published root hash (and root columns);
 10. ``client.range_proofs`` each sibling's block holds the sibling and the path node at the right
                            slots, and all blocks batch-verify (committed mode);
 11. ``client.collateral``  the client's own collateral proof when it has debt.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping, Sequence
from typing import Any

from por.bundle.tree import CLIENT_FORMAT, LEAF_FORMAT, ClientProof, TreeDescription, parse_client_proof
from por.errors import DocumentError, PorError
from por.result import Result
from por.tree import leaf as L
from por.tree._checks import name_items, statement_check
from por.tree.build import ENCODING_STATEMENTS, TreeInfo, encoding_of_statements, statement_table
from por.tree.columns import MAX_VALUE, Column, collateral_coefficients

_HEX = frozenset("0123456789abcdef")


def _read_proof(proof: ClientProof | bytes | Any) -> ClientProof:
    """The proof model: parsed from the file's bytes, or from a JSON value a caller already holds.

    Raises:
        DocumentError: the proof is not a well-formed ``por-client-proof/2`` file (§7.10).
    """
    if isinstance(proof, ClientProof):
        return proof
    if isinstance(proof, (bytes, bytearray, memoryview)):
        return parse_client_proof(bytes(proof))
    try:
        data = json.dumps(proof, allow_nan=False).encode("ascii")
    except (TypeError, ValueError):  # boundary: a caller's value that is not JSON at all
        raise DocumentError(ClientProof.DOCUMENT, "", "not a JSON value") from None
    return parse_client_proof(data)


class _Proof:
    """The typed proof with its values decoded once (bytes and integers), for the checks below."""

    def __init__(self, m: ClientProof) -> None:
        committed = m.mode == "committed"
        self.model = m
        self.mode = m.mode
        self.epoch_id = m.epoch_id
        self.account_id = m.account_id
        self.columns = tuple(Column(a, k) for a, k in m.columns)
        self.height = m.height
        self.block_size = m.block_size
        self.context = bytes.fromhex(m.context)
        self.values = tuple(int(v) for v in m.values)
        self.s = bytes.fromhex(m.leaf_secret)
        self.position = m.position
        # (leaf id at level 0 or the sibling's two child hashes above, column values or commitment bytes)
        self.siblings: list[tuple[Any, list[Any]]] = []
        self.blocks: list[tuple[int, bytes, bytes | None]] = []
        for level, e in enumerate(m.path):
            sib = e.sibling
            link: Any = (bytes.fromhex(sib.leaf_id or "") if level == 0 else
                         tuple(bytes.fromhex(c) for c in sib.children or ()))
            if committed:
                self.siblings.append((link, [bytes.fromhex(c) for c in sib.columns]))
                assert e.block is not None  # the model requires it in committed mode
                b = e.block
                self.blocks.append((b.index, base64.b64decode(b.commitments),
                                    None if b.proof is None else base64.b64decode(b.proof)))
            else:
                self.siblings.append((link, [int(c) for c in sib.columns]))
        self.statements = statement_table(m.statements)
        self.collateral = m.collateral
        self.root_hash = bytes.fromhex(m.root.hash)
        self.root_columns: list[Any] = ([bytes.fromhex(c) for c in m.root.columns] if committed
                                        else [int(c) for c in m.root.columns])


def verify_client_proof(
    proof: ClientProof | bytes | Any,
    *,
    root_hash: str | None = None,
    root_commitments: Sequence[str] | None = None,
    epoch_id: str | None = None,
    prices: Mapping[str, int] | None = None,
    haircuts_bps: Mapping[str, int] | None = None,
    account_id: str | None = None,
    columns: Sequence[Sequence[str]] | None = None,
    expected: TreeDescription | TreeInfo | Mapping[str, Any] | None = None,
) -> Result:
    """Check one client inclusion proof; never raises.

    Args:
        proof: a ``por-client-proof/2`` file: its bytes, its model, or its JSON value.
        root_hash: the published root hash (from the signed manifest). Without it the proof's own
            root is used and the result says so.
        root_commitments: the published root columns (commitments hex, or decimal sums in plain mode).
        epoch_id: the epoch the client expects.
        prices, haircuts_bps: the published prices; when given they must equal the proof's.
        account_id: the client's own account id. The leaf is bound to the proof's account id
            (docs/protocol.md §7.2), so a proof for another id fails ``client.account`` here; without
            it the check passes and names the proof's account id, for the client to read.
        columns: the published columns, ``[asset, kind]`` pairs in order; the proof's must be these.
        expected: the published tree description (the manifest's ``tree``, its model, read as
            :meth:`TreeInfo.from_model`; or a :class:`TreeInfo` or a tree info's dict): the proof's
            mode, height, block size, context, leaf format and statements must be its.
    """
    res = Result("client inclusion proof")
    try:
        p = _Proof(_read_proof(proof))
    except DocumentError as exc:
        res.failed("client.format", f"malformed client proof: {exc.path or 'the file'}: {exc.reason}")
        return res
    res.passed("client.format", f"{CLIENT_FORMAT} ({LEAF_FORMAT}), {p.mode} mode, height {p.height}, "
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
        if isinstance(expected, TreeDescription):
            expected = TreeInfo.from_model(expected)
        _client_expected(res, p, expected.to_dict() if isinstance(expected, TreeInfo) else expected)
    k = len(p.columns)
    committed = p.mode == "committed"
    # the encoding is the one the recorded statements name (§7.5): either is sound, and each statement's
    # hash is checked against the local specification below, so a proof is never read in another encoding
    node_stmt, coll_stmt = ENCODING_STATEMENTS[encoding_of_statements(p.statements)]
    names = [node_stmt] + ([coll_stmt] if any(c.kind == "debt" for c in p.columns) else [])
    if committed:
        _statements(res, p.statements, names)

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


def _statements(res: Result, refs: dict[str, Any], names: list[str]) -> None:
    """``client.statements``: exactly the statements the tree's encoding requires (§7.5, §7.10), each
    with this verifier's specification; an extra one or a missing one fails."""
    extra = sorted(set(refs) - set(names))
    if extra:
        res.failed("client.statements", f"statements do not match: {', '.join(extra)[:200]} recorded, but the tree's "
                   f"encoding uses only {', '.join(names)}")
        return
    statement_check(res, "client.statements", refs, names)


def _client_expected(res: Result, p: _Proof, expected: Mapping[str, Any]) -> None:
    """``client.expected``: the proof's tree parameters are those of the published description."""
    if not isinstance(expected, Mapping):
        res.failed("client.expected", "the published tree description is not an object")
        return
    have: dict[str, Any] = {"mode": p.mode, "epoch_id": p.epoch_id, "height": p.height,
                            "block_size": p.block_size, "context": p.context.hex(), "leaf_format": LEAF_FORMAT}
    diffs = []
    for key, value in have.items():
        if key not in expected:
            diffs.append(f"{key} (not in the description)")
        elif isinstance(expected[key], bool) or expected[key] != value:
            diffs.append(f"{key} ({value!r:.40} in the proof, {expected[key]!r:.40} published)")
    if p.mode == "committed":
        pub = expected.get("statements")
        if isinstance(pub, Mapping) and set(pub) != set(p.statements):  # exactly the same statements
            diffs.append(f"statements ({', '.join(sorted(p.statements))} in the proof, "
                         f"{', '.join(sorted(map(str, pub)))[:200]} published)")
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
    return isinstance(x, str) and len(x) == 64 and set(x) <= _HEX


def _client_blocks(res: Result, p: _Proof, path_cols: list[list[bytes]], problems: list[str]) -> None:
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
        ok = st.verify_batch(items)  # False, never an exception, on malformed proof bytes (§5)
        bad = [] if ok else st.find_invalid(items)
        if not ok:
            issues.append("range proof(s) do not verify at level(s) " + name_items([str(levels[i]) for i in bad]))
    if issues:
        res.failed("client.range_proofs", "; ".join(issues))
    else:
        res.passed("client.range_proofs", f"{len(items)} sibling block(s) prove every sibling column in [0, 2^64)")


def _client_collateral(res: Result, p: _Proof, leaf_cols: list[Any], prices: Mapping[str, int] | None,
                       haircuts_bps: Mapping[str, int] | None) -> None:
    has_debt = any(c.kind == "debt" and v for c, v in zip(p.columns, p.values, strict=True))
    if not has_debt:
        res.passed("client.collateral", "no debt: no collateral proof needed")
        return
    coll = p.collateral
    if coll is None:
        res.failed("client.collateral", "the client has debt but the proof carries no collateral section")
        return
    fp = {a: int(v) for a, v in coll.prices.items()}  # the model checked the decimal strings
    fh = dict(coll.haircuts_bps)
    if prices is not None and fp != dict(prices):  # exactly: an asset the publication does not price is a lie too
        res.failed("client.collateral", "the proof's prices differ from the published prices")
        return
    if haircuts_bps is not None and fh != dict(haircuts_bps):
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

    proof = None if coll.proof is None else base64.b64decode(coll.proof)
    if proof is None:
        res.failed("client.collateral", "the client has debt but no collateral proof")
        return
    ctx = L.collateral_context(p.epoch_id, p.context, p.height, p.position)
    try:
        coll_stmt = ENCODING_STATEMENTS[encoding_of_statements(p.statements)][1]
        ok = st.verify(st.load(coll_stmt), [st.Claim(tuple(leaf_cols), coeffs, 0)], proof, context=ctx)
    except PorError as exc:  # the local statement specification does not load
        res.failed("client.collateral", f"collateral proof unusable ({exc})")
        return
    res.add("client.collateral", bool(ok), "collateral proof verifies: debt covered by haircut collateral" if ok
            else "collateral proof does not verify at the given prices and haircuts")
