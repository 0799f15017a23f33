"""The journal: its head and entries, the transparency log's proofs, snapshots, verification, migration.

docs/protocol.md §10.2 (entries and their place), §10.3 (chain hash, transparency log, the format-1
migration), §10.8 (snapshot) and §10.9 (``por ledger verify``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Connection, func, select

from por.errors import LedgerError, LedgerIntegrityError, UsageError
from por.ledger.core import Receipt, Tx
from por.ledger.facets.base import LedgerBase
from por.ledger.journal import Entry
from por.ledger.keys import Signer
from por.ledger.schema import check_body
from por.ledger.snapshot import Snapshot
from por.ledger.tables import head_t, journal_t
from por.result import Result


class JournalFacet(LedgerBase):
    """Read-outs of the journal and its log, the snapshot at a sequence, re-verification, migration."""

    def journal_format(self) -> int | None:
        """The format of the journal's last entry: 2, 1 (a format-1 journal not yet migrated) or None (empty)."""
        def q(conn: Connection) -> int | None:
            head = conn.execute(select(head_t)).first()
            if head is None:
                return None
            return Tx(self, conn, head._asdict()).format
        return self._read(q)

    def migrate(self, governors: Sequence[Signer], *, time: str | None = None) -> tuple[Receipt, Result]:
        """Move a format-1 journal to format 2 (docs/protocol.md §10.3): re-verify the whole journal
        (:meth:`verify`); only if every check passes, a governor quorum signs a ``ledger.migrate`` entry at
        the next place restating the format-1 head (seq, chain hash, log root). From then on only format-2
        entries are accepted, and every entry signs its place.

        Raises:
            LedgerIntegrityError: the re-verification failed (nothing is appended); the result is attached.
            LedgerError: the journal is empty or already in format 2.
        """
        fmt = self.journal_format()
        if fmt != 1:
            raise LedgerError("nothing to migrate: the journal is " + ("empty" if fmt is None else "already in format 2"))
        result = self.verify()
        # the one failure expected here is the one the migration mends: a format-1 journal
        if any(not c.ok and c.id != "ledger.format" for c in result.checks):
            raise LedgerIntegrityError("the format-1 journal does not re-verify, so it is not migrated: "
                                       + "; ".join(f"{c.id}: {c.message}" for c in result.failures))

        def build(tx: Tx, _t: str) -> dict[str, Any]:
            return {"from_version": 1, "v1_seq": tx.seq, "v1_head": tx.prev, "v1_log_root": self.log.root_hex(tx.seq)}
        if not governors:
            raise UsageError("a migration needs the signatures of a quorum of governors")
        r = self.submit(governors[0], "ledger.migrate", build, time=time, cosigners=governors[1:])
        return r, result

    def head(self) -> dict[str, Any]:
        def q(conn: Connection) -> dict[str, Any]:
            h = conn.execute(select(head_t)).first()
            if h is None:
                return {"seq": 0, "entry_hash": "00" * 32, "time": None}
            return {"seq": int(h.seq), "entry_hash": h.entry_hash, "time": h.time}
        return self._read(q)

    def next_place(self) -> tuple[int, str]:
        """``(seq, prev)`` the next entry must be signed for: the head's sequence + 1 and its chain hash.
        A submitter signing ahead of appending (:meth:`append`, ``por ledger post --file``) signs for it;
        if another entry lands first, the signed entry is refused and must be signed again."""
        h = self.head()
        return int(h["seq"]) + 1, str(h["entry_hash"])

    def entry(self, seq: int) -> dict[str, Any]:
        """One journal entry as stored: seq, prev, hash, leaf hash, body and signatures."""
        def q(conn: Connection) -> dict[str, Any]:
            r = conn.execute(select(journal_t).where(journal_t.c.seq == seq)).first()
            if r is None:
                raise LedgerError(f"no journal entry {seq}")
            return {"seq": int(r.seq), "prev": r.prev_hash, "entry_hash": r.entry_hash,
                    "leaf_hash": bytes(r.leaf_hash).hex(), "body": json.loads(r.body), "sigs": json.loads(r.sigs)}
        return self._read(q)

    def entry_time(self, seq: int) -> str:
        """The signed time of journal entry ``seq`` (read from its body, not the row's column).

        Raises:
            LedgerError: no such entry, or its body does not parse.
        """
        def q(conn: Connection) -> str:
            if isinstance(seq, bool) or not isinstance(seq, int):
                raise LedgerError(f"entry {seq!r} is not a sequence number")
            body = conn.execute(select(journal_t.c.body).where(journal_t.c.seq == seq)).scalar()
            if body is None:
                raise LedgerError(f"no journal entry {seq}")
            return Entry.from_bytes(str(body).encode("utf-8"), ()).time
        return self._read(q)

    def journal_bodies(self, types: Sequence[str], at_seq: int) -> list[tuple[int, str, dict[str, Any]]]:
        """``(seq, entry hash, signed body)`` of every journal entry of one of ``types`` with
        ``seq <= at_seq``, in journal order.

        Why: what an epoch takes from the ledger (the governing reserves configuration, the oracles'
        ``price`` entries, docs/protocol.md §9.2, §9.4) is read from the signed journal, which the replay
        (§10.9, §9.5 step 12) checks, never from the derived tables a database writer could rewrite.
        """
        wanted = tuple(types)

        def q(conn: Connection) -> list[tuple[int, str, dict[str, Any]]]:
            rows = conn.execute(select(journal_t.c.seq, journal_t.c.type, journal_t.c.entry_hash, journal_t.c.body)
                                .where(journal_t.c.type.in_(wanted), journal_t.c.seq <= at_seq)
                                .order_by(journal_t.c.seq))
            return [(int(r.seq), str(r.entry_hash), signed_body(int(r.seq), r.type, r.body)) for r in rows]
        return self._read(q)

    def epoch_publications(self, upto: int | None = None) -> list[dict[str, Any]]:
        """The journal's ``epoch.publish`` entries with ``seq <= upto`` (default: all), in journal order:
        ``{"seq", "time", "epoch_id", "manifest_sha256", "log_size", "log_root"}`` as each body records them.

        Why: the auditor checks the chain of published epochs (ids, manifest hashes, log positions)
        against what the operator signed into the journal when it published them.
        """
        def q(conn: Connection) -> list[dict[str, Any]]:
            s = select(journal_t.c.seq, journal_t.c.body).where(journal_t.c.type == "epoch.publish")
            if upto is not None:
                s = s.where(journal_t.c.seq <= upto)
            out = []
            for r in conn.execute(s.order_by(journal_t.c.seq)):
                body = signed_body(int(r.seq), "epoch.publish", r.body)
                p = body["payload"]
                out.append({"seq": int(r.seq), "time": body["time"], "epoch_id": p.get("epoch_id"),
                            "manifest_sha256": p.get("manifest_sha256"), "log_size": p.get("log_size"),
                            "log_root": p.get("log_root")})
            return out
        return self._read(q)

    def snapshot(self, at_seq: int | None = None) -> Snapshot:
        """Client liabilities at ``at_seq`` (default: the head), consistent while writers append."""
        return Snapshot(self.engine, at_seq)

    def _size(self, conn: Connection, size: int | None) -> int:
        cur = int(conn.execute(select(func.coalesce(func.max(head_t.c.seq), 0))).scalar() or 0)
        if size is None:
            return cur
        if not isinstance(size, int) or not 0 <= size <= cur:
            raise LedgerError(f"log size {size} is outside 0..{cur}")
        return size

    def log_root(self, size: int | None = None) -> tuple[int, str]:
        """(size, hex root) of the transparency log (default: its current size)."""
        def q(conn: Connection) -> tuple[int, str]:
            n = self._size(conn, size)
            return n, self.log.root_hex(n)
        return self._read(q)

    def inclusion_proof(self, seq: int, size: int | None = None) -> dict[str, Any]:
        """Proof that entry ``seq`` is leaf ``seq`` of the log of ``size`` (default: current)."""
        def q(conn: Connection) -> dict[str, Any]:
            n = self._size(conn, size)
            if not isinstance(seq, int) or not 1 <= seq <= n:
                raise LedgerError(f"entry {seq} is not in a log of size {n}")
            return self.log.inclusion(seq, n)
        return self._read(q)

    def consistency_proof(self, old_size: int, new_size: int | None = None) -> dict[str, Any]:
        """Proof that the log of ``old_size`` is a prefix of the log of ``new_size`` (JSON-serialisable)."""
        def q(conn: Connection) -> dict[str, Any]:
            n = self._size(conn, new_size)
            if not isinstance(old_size, int) or not 0 <= old_size <= n:
                raise LedgerError(f"old size {old_size} is outside 0..{n}")
            return self.log.consistency(old_size, n)
        return self._read(q)

    def verify(self, expected_root: tuple[int, str] | None = None,
               progress: Callable[[str, int, int], None] | None = None) -> Result:
        """Re-check every signature, the chain, postings, balances and the log root from scratch."""
        from por.ledger.verify import verify_ledger

        return verify_ledger(self.engine, expected_root, progress)


def signed_body(seq: int, filed_as: str, stored: Any) -> dict[str, Any]:
    """The signed body of journal row ``seq``, read strictly: canonical JSON, its type's schema, and the
    type the row is filed under.

    Why: the readers of signed bodies (the epoch's inputs, the auditor's completeness step, §9.5 step 11)
    use their fields as the schema promises; a body a database writer rewrote is a LedgerError naming
    the row here, not a KeyError in a reader (the replay, §10.9, names the row as well).
    """
    try:
        body = Entry.from_bytes(str(stored).encode("utf-8"), ()).body
        check_body(body)
    except LedgerError as exc:
        raise LedgerError(f"journal entry {seq}: {exc.diagnostics()}") from None
    if body["type"] != filed_as:
        raise LedgerError(f"journal entry {seq} is filed as {filed_as} but its signed body is a {body['type']}")
    return body
