"""The ledger's RFC 9162 transparency log: pymerkle over the journal table itself.

Leaf ``i`` (counting from one) is the record of journal entry ``seq = i``; its leaf hash
SHA-256(0x00 || record) is stored in ``ledger_journal.leaf_hash``. :class:`JournalLog` implements
pymerkle's storage hooks on that table (so the log lives in the same database and the same
transaction as the journal), and pymerkle computes roots, inclusion and consistency proofs. The
module-level ``verify_*`` functions need no database: auditors run them on published roots and proofs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, cast

from pymerkle import BaseMerkleTree, ConsistencyProof, InclusionProof, InvalidProof
from pymerkle.core import InvalidChallenge
from sqlalchemy import Connection, func, select

from por.errors import LedgerError
from por.ledger.tables import journal_t

if TYPE_CHECKING:
    from por.bundle.ledger_log import ConsistencyProof as PublishedConsistencyProof

__all__ = ["JournalLog", "verify_inclusion", "verify_consistency", "root_of_leaves", "EMPTY_ROOT"]

EMPTY_ROOT = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"  # SHA-256("")


class JournalLog(BaseMerkleTree):  # type: ignore[misc]
    """pymerkle tree whose leaves are ``ledger_journal.leaf_hash`` ordered by ``seq``.

    ``conn`` returns the connection to read through (the caller's transaction, so a root and the
    rows read beside it come from one consistent view).
    """

    def __init__(self, conn: Callable[[], Connection], *, cache: bool = True) -> None:
        self._conn = conn
        super().__init__("sha256", disable_cache=not cache)

    # pymerkle storage hooks -------------------------------------------------------------------
    def _encode_entry(self, data: Any) -> bytes:
        if isinstance(data, dict):
            return bytes(data["record"])
        if isinstance(data, bytes):
            return data
        raise TypeError("JournalLog entries are journal rows with a 'record'")

    def _store_leaf(self, data: Any, digest: bytes) -> int:
        """Insert the journal row that carries this leaf (the ledger calls this inside its transaction)."""
        if not isinstance(data, dict) or "row" not in data:
            raise LedgerError("the journal log stores journal rows; append entries through the Ledger")
        row = dict(data["row"])
        row["leaf_hash"] = digest
        self._conn().execute(journal_t.insert(), [row])
        return int(row["seq"])

    def append_entries(self, entries: Iterable[Any]) -> int:
        rows = []
        for data in entries:
            row = dict(data["row"])
            row["leaf_hash"] = self.hash_buff(self._encode_entry(data))
            rows.append(row)
        if rows:
            self._conn().execute(journal_t.insert(), rows)
        return int(self._get_size())

    def _get_leaf(self, index: int) -> bytes:
        v = self._conn().execute(select(journal_t.c.leaf_hash).where(journal_t.c.seq == index)).scalar()
        return bytes(cast(bytes, v))  # pymerkle only asks for indexes in [1, size]

    def _get_leaves(self, offset: int, width: int) -> list[bytes]:
        rows = self._conn().execute(
            select(journal_t.c.leaf_hash).where(journal_t.c.seq > offset, journal_t.c.seq <= offset + width)
            .order_by(journal_t.c.seq)).scalars().all()
        return [bytes(r) for r in rows]

    def _get_size(self) -> int:
        return int(self._conn().execute(select(func.coalesce(func.max(journal_t.c.seq), 0))).scalar() or 0)

    # proofs ---------------------------------------------------------------------------------------
    def root_hex(self, size: int) -> str:
        return bytes(self.get_root(size)).hex()

    def inclusion(self, index: int, size: int) -> dict[str, Any]:
        try:
            proof = self.prove_inclusion(index, size)
        except InvalidChallenge as exc:
            raise LedgerError(f"no inclusion proof for entry {index} in a log of size {size}") from exc
        return {
            "type": "por-log-inclusion/1",
            "seq": index,
            "size": size,
            "leaf_hash": bytes(self._get_leaf(index)).hex(),
            "root": self.root_hex(size),
            "proof": proof.serialize(),
        }

    def consistency(self, old_size: int, new_size: int) -> dict[str, Any]:
        out: dict[str, Any] = {
            "type": "por-log-consistency/1",
            "old_size": old_size,
            "new_size": new_size,
            "old_root": self.root_hex(old_size),
            "new_root": self.root_hex(new_size),
            "proof": None,
        }
        if 0 < old_size <= new_size:
            try:
                out["proof"] = self.prove_consistency(old_size, new_size).serialize()
            except InvalidChallenge as exc:
                raise LedgerError(f"no consistency proof from size {old_size} to {new_size}") from exc
        return out


def _proof_obj(proof: Any) -> Any:
    from por.bundle.ledger_log import ConsistencyProof as PublishedConsistencyProof

    if isinstance(proof, PublishedConsistencyProof):  # the model a verifier parsed (ledger-log.json, §10.3)
        return None if proof.proof is None else proof.proof.model_dump(mode="json")  # pymerkle's wire form
    if isinstance(proof, dict) and "proof" in proof and isinstance(proof.get("proof"), (dict, type(None))) \
            and "type" in proof and str(proof["type"]).startswith("por-log-"):
        return proof["proof"]
    return proof


def verify_inclusion(seq: int, leaf_hash: str, size: int, root: str, proof: dict[str, Any]) -> bool:
    """True when ``proof`` shows the leaf ``leaf_hash`` at position ``seq`` in the log of ``size``/``root``.

    ``proof`` is what :meth:`por.ledger.Ledger.inclusion_proof` returns (or its inner ``proof``).
    Never raises on malformed input.
    """
    try:
        p = InclusionProof.deserialize(_proof_obj(proof))
        p.verify(bytes.fromhex(leaf_hash), bytes.fromhex(root), index=seq, size=size, algorithm="sha256")
        return True
    except (InvalidProof, ValueError, TypeError, KeyError, AttributeError):
        return False


def verify_consistency(old_size: int, old_root: str, new_size: int, new_root: str,
                       proof: PublishedConsistencyProof | dict[str, Any] | None) -> bool:
    """True when the log of ``old_size``/``old_root`` is a prefix of the log of ``new_size``/``new_root``.

    ``proof`` is what :meth:`por.ledger.Ledger.consistency_proof` returns, or its inner ``proof``, or
    the published model of it (:class:`por.bundle.ledger_log.ConsistencyProof`, as ``ledger-log.json``
    carries it).

    An empty old log is a prefix of every log; equal sizes need equal roots. Never raises.
    """
    try:
        if not (isinstance(old_size, int) and isinstance(new_size, int)) or not 0 <= old_size <= new_size:
            return False
        if old_size == 0:
            return old_root == EMPTY_ROOT
        if old_size == new_size:
            return old_root == new_root
        p = ConsistencyProof.deserialize(_proof_obj(proof))
        p.verify(bytes.fromhex(old_root), bytes.fromhex(new_root), prior_size=old_size, later_size=new_size,
                 algorithm="sha256")
        return True
    except (InvalidProof, ValueError, TypeError, KeyError, AttributeError):
        return False


def root_of_leaves(leaves: list[bytes]) -> str:
    """RFC 9162 Merkle tree hash of leaf hashes, computed in memory (``por ledger verify`` uses it)."""
    from pymerkle.hasher import MerkleHasher

    h = MerkleHasher("sha256", security=True)
    if not leaves:
        empty: bytes = h.hash_empty()
        return empty.hex()
    # fold perfect subtrees left to right, as RFC 9162 MTH splits at the largest power of two
    stack: list[tuple[int, bytes]] = []  # (width, hash)
    for leaf in leaves:
        width, node = 1, leaf
        while stack and stack[-1][0] == width:
            w, left = stack.pop()
            node = h.hash_pair(left, node)
            width += w
        stack.append((width, node))
    node = stack[-1][1]
    for _, left in reversed(stack[:-1]):
        node = h.hash_pair(left, node)
    return node.hex()
