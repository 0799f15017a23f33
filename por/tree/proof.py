"""Client inclusion proofs: one self-describing JSON file per client (``por-client-proof/2``).

Layout (docs/protocol.md, "Client proof file"); amounts are decimal strings, hashes and
commitments lower-case hex, proofs and packed block commitments base64 (standard, padded):

.. code-block:: text

    {"format": "por-client-proof/2", "leaf_format": "por-leaf/2", "protocol": "por-v1",
     "mode": "committed" | "plain",
     "epoch_id", "manifest_sha256"?, "columns": [[asset, kind], ...], "height", "block_size",
     "context": hex, "account_id", "values": [dec, ...], "leaf_secret": hex, "position",
     "statements": {name: {"id", "version", "sha256", "bits"}},
     "path": [{"level": l,
               "sibling": {"leaf_id": hex (l = 0) | "children": [hex, hex] (l > 0), "columns": [hex | dec]},
               "block": {"index": j, "commitments": b64, "proof": b64}}  # committed only
              for l = 0 .. H-1],
     "collateral": null | {"prices": {asset: dec}, "haircuts_bps": {asset: int}, "proof": b64 | null},
     "root": {"hash": hex, "columns": [hex | dec, ...]}}
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from por.bundle.tree import CLIENT_FORMAT as CLIENT_FORMAT
from por.errors import TreeError, UsageError
from por.tree import leaf as L
from por.tree._hmac import HmacSha256
from por.tree.store import ACCOUNTS_NAME, Accounts, TreeStore, resolve_store


def b64(b: bytes) -> str:
    return base64.b64encode(b).decode("ascii")


class _Reader:
    """Store reads with one cached chunk per level (clients in position order share their paths)."""

    def __init__(self, store: TreeStore) -> None:
        self.store = store
        self._rows: dict[int, tuple[int, int, bytes]] = {}
        self._blocks: dict[tuple[int, int], bytes | None] = {}

    def node(self, level: int, index: int) -> bytes:
        row = self._rows.get(level)
        w = self.store.width
        if row is None or not row[0] <= index < row[0] + row[1]:
            got = self.store.db.execute(
                "SELECT start, count, data FROM nodes WHERE level = ? AND start <= ? AND start + count > ?",
                (level, index, index)).fetchone()
            if got is None or not isinstance(got[2], bytes) or len(got[2]) != got[1] * w:
                raise TreeError(f"tree store: node {index} of level {level} is missing or damaged")
            row = self._rows[level] = got
        off = (index - row[0]) * w
        return row[2][off:off + w]

    def nodes(self, level: int, start: int, count: int) -> bytes:
        row = self._rows.get(level)
        if row is not None and row[0] <= start and start + count <= row[0] + row[1]:
            w = self.store.width
            return row[2][(start - row[0]) * w:(start - row[0] + count) * w]
        self.node(level, start)
        row = self._rows[level]
        if start + count <= row[0] + row[1]:
            return self.nodes(level, start, count)
        return self.store.nodes(level, start, count)

    def block(self, level: int, index: int) -> bytes | None:
        key = (level, index)
        if key not in self._blocks:
            if len(self._blocks) > 4 * self.store.height:
                self._blocks.clear()
            self._blocks[key] = self.store.block_proof(level, index)
        return self._blocks[key]


def _columns_json(mode: str, k: int, rec: bytes) -> list[str]:
    if mode == "committed":
        return [rec[32 + 48 * c:80 + 48 * c].hex() for c in range(k)]
    return [str(int.from_bytes(rec[32 + 16 * c:48 + 16 * c], "big")) for c in range(k)]


def _node_hash_of(mode: str, level: int, rec: bytes) -> bytes:
    """The hash of a stored record: at level 0 the record holds the leaf id, above the hash."""
    if level == 0:
        return L.leaf_hash(mode, rec[:32], rec[32:])
    return rec[:32]


def _make_proof(reader: _Reader, position: int, account_id: str, values: Sequence[int], s: bytes,
                manifest_sha256: str | None) -> dict[str, Any]:
    st = reader.store
    meta, mode, k, height = st.meta, st.mode, st.k, st.height
    path = []
    for level in range(height):
        idx = position >> level
        sib = idx ^ 1
        rec = reader.node(level, sib)
        sibling: dict[str, Any] = {"columns": _columns_json(mode, k, rec)}
        if level == 0:
            sibling["leaf_id"] = rec[:32].hex()
        else:  # the sibling's children: the client recomputes the sibling's hash from its sums
            sibling["children"] = [_node_hash_of(mode, level - 1, reader.node(level - 1, 2 * sib + i)).hex()
                                   for i in (0, 1)]
        entry: dict[str, Any] = {"level": level, "sibling": sibling}
        if mode == "committed" and meta.get("range_proofs", True):
            bl = L.level_block_size(st.block_size, height, level)
            j = sib // bl  # the sibling's block (for B_l >= 2 it holds the path node too; §7.10)
            blob = reader.nodes(level, j * bl, bl)
            w = st.width
            comms = b"".join(blob[i * w + 32:(i + 1) * w] for i in range(bl))
            proof = reader.block(level, j)
            entry["block"] = {"index": j, "commitments": b64(comms), "proof": None if proof is None else b64(proof)}
        path.append(entry)
    root = reader.node(height, 0)
    has_debt = any(c[1] == "debt" and v for c, v in zip(st.columns, values, strict=True))
    collateral: dict[str, Any] | None = None
    if has_debt:
        collateral = {"prices": dict(meta.get("prices", {})), "haircuts_bps": dict(meta.get("haircuts_bps", {}))}
        if mode == "committed":
            p = st.collateral_proof(position)
            collateral["proof"] = None if p is None else b64(p)
    out: dict[str, Any] = {
        "format": CLIENT_FORMAT, "leaf_format": L.LEAF_FORMAT, "protocol": meta.get("protocol", "por-v1"),
        "mode": mode,
        "epoch_id": st.epoch_id, "columns": [list(c) for c in st.columns], "height": height,
        "block_size": st.block_size, "context": st.context.hex(), "account_id": account_id,
        "values": [str(v) for v in values], "leaf_secret": s.hex(), "position": position,
        "statements": meta.get("statements", {}), "path": path, "collateral": collateral,
        "root": {"hash": root[:32].hex(), "columns": _columns_json(mode, k, root)},
    }
    if manifest_sha256 is not None:
        out["manifest_sha256"] = manifest_sha256
    return out


def _check_proven(st: TreeStore) -> None:
    if st.proofs == "pending":
        raise UsageError("proofs pending: the tree was built without its range proofs; run prove_tree "
                         "(the epoch's prove stage) before making client proofs")


def client_proof(
    out_dir: Path | str,
    account_id: str,
    values: Sequence[int] | None = None,
    *,
    master_secret: bytes,
    epoch_id: str | None = None,
    manifest_sha256: str | None = None,
) -> dict[str, Any]:
    """The inclusion proof of one account, from a built tree directory (public store + private files).

    ``values``, when given, must equal what the tree holds for the account.

    Raises:
        UsageError: the account is not in the tree, or ``values``/``epoch_id`` disagree with it, or
            the tree's proofs are pending (committed tree not yet proven).
        TreeError: the store or the private accounts file is missing or damaged.
    """
    out = Path(out_dir)
    with TreeStore(resolve_store(out)) as st:
        _check_proven(st)
        if epoch_id is not None and epoch_id != st.epoch_id:
            raise UsageError(f"the tree is for epoch {st.epoch_id!r}, not {epoch_id!r}")
        L.check_master(master_secret, st.epoch_id)
        prk = L.prk(master_secret, st.epoch_id)
        key = HmacSha256(L.shuffle_key(prk))(b"\x00" + L.account_bytes(account_id))
        acc = Accounts(out / ACCOUNTS_NAME)
        try:
            found = acc.find(key, account_id)
        finally:
            acc.close()
        if found is None:
            raise UsageError(f"account {account_id!r} is not in the tree of epoch {st.epoch_id!r}")
        position, stored = found
        if values is not None and tuple(values) != stored:
            raise UsageError(f"account {account_id!r}: the values given differ from the tree's")
        s = L.leaf_secret_from_prk(prk, account_id)
        return _make_proof(_Reader(st), position, account_id, stored, s, manifest_sha256)


def safe_file_name(account_id: str) -> str:
    """A file name for an account's proof: the id itself when it is a safe ASCII name, else
    ``x-`` and the SHA-256 of the id (hex)."""
    ok = all(c.isascii() and (c.isalnum() or c in "-_.@") for c in account_id) and not account_id.startswith((".", "x-"))
    return (account_id if ok and len(account_id) <= 200 else "x-" + hashlib.sha256(account_id.encode()).hexdigest()) + ".json"


def iter_client_proofs(
    out_dir: Path | str, *, master_secret: bytes, manifest_sha256: str | None = None,
    accounts: Iterable[str] | None = None,
) -> Iterable[tuple[str, dict[str, Any]]]:
    """Every client's proof (or those of ``accounts``), in leaf-position order, in one pass."""
    out = Path(out_dir)
    wanted = set(accounts) if accounts is not None else None
    with TreeStore(resolve_store(out)) as st:
        _check_proven(st)
        L.check_master(master_secret, st.epoch_id)
        prk = L.prk(master_secret, st.epoch_id)
        reader = _Reader(st)
        acc = Accounts(out / ACCOUNTS_NAME)
        try:
            for position, account, values in acc:
                if wanted is not None and account not in wanted:
                    continue
                s = L.leaf_secret_from_prk(prk, account)
                yield account, _make_proof(reader, position, account, values, s, manifest_sha256)
        finally:
            acc.close()


def write_client_proofs(
    out_dir: Path | str, dest_dir: Path | str, *, master_secret: bytes, manifest_sha256: str | None = None,
    accounts: Iterable[str] | None = None,
) -> int:
    """Write ``<account>.json`` for every client into ``dest_dir``; returns how many were written."""
    dest = Path(dest_dir)
    dest.mkdir(parents=True, exist_ok=True)
    count = 0
    for account, proof in iter_client_proofs(out_dir, master_secret=master_secret,
                                             manifest_sha256=manifest_sha256, accounts=accounts):
        path = dest / safe_file_name(account)
        tmp = path.with_name(path.name + ".partial")
        tmp.write_text(json.dumps(proof, separators=(",", ":"), sort_keys=True))
        os.replace(tmp, path)
        count += 1
    return count
