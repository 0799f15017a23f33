"""Governance: the genesis, members with their roles and keys, and the governed settings.

Membership and ``config.set`` entries are signed by a quorum of governors (a key rotation or BLS key
also by the member alone); docs/protocol.md §10.4 (roles, entry types, the governor quorum). The
read-outs replay the journal where a past state is asked for (a bundle's keyring, an epoch's rules).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, select

from por import PROTOCOL
from por.errors import LedgerError, UsageError
from por.ledger import canonical
from por.ledger.core import DEFAULT_CONFIG, Receipt, merge_config
from por.ledger.facets.base import LedgerBase
from por.ledger.facets.journal import signed_body
from por.ledger.journal import Entry, Governance
from por.ledger.keys import Signer
from por.ledger.tables import config_t, journal_t, member_record, member_t


class GovernanceFacet(LedgerBase):
    """Genesis, membership (add, roles, revoke, key rotation, BLS key) and the governed configuration."""

    def genesis(self, operator: Signer, auditor: Signer, *, others: Sequence[tuple[Signer, Sequence[str]]] = (),
                quorum: int = 2, config: Mapping[str, Any] | None = None, time: str | None = None) -> Receipt:
        """The first entry: operator (operator, governor), auditor (auditor, governor), and ``others``."""
        members = [{"id": operator.member_id, "roles": ["governor", "operator"], "ed25519": operator.public_hex},
                   {"id": auditor.member_id, "roles": ["auditor", "governor"], "ed25519": auditor.public_hex}]
        signers = [operator, auditor]
        for s, roles in others:
            members.append({"id": s.member_id, "roles": sorted(roles), "ed25519": s.public_hex})
            signers.append(s)
        payload = {"protocol": PROTOCOL, "members": members, "quorum": quorum, "config": dict(config or {})}
        return self.submit(operator, "genesis", payload, time=time, cosigners=signers[1:])

    def _gov_submit(self, governors: Sequence[Signer], type_: str, payload: Mapping[str, Any],
                    time: str | None = None) -> Receipt:
        if not governors:
            raise UsageError("membership entries need the signatures of a quorum of governors")
        return self.submit(governors[0], type_, payload, time=time, cosigners=governors[1:])

    def add_member(self, governors: Sequence[Signer], member_id: str, roles: Sequence[str], public_hex: str,
                   *, time: str | None = None) -> Receipt:
        return self._gov_submit(governors, "member.add",
                                {"id": member_id, "roles": sorted(roles), "ed25519": public_hex}, time)

    def set_roles(self, governors: Sequence[Signer], member_id: str, roles: Sequence[str]) -> Receipt:
        return self._gov_submit(governors, "member.roles", {"id": member_id, "roles": sorted(roles)})

    def revoke_member(self, governors: Sequence[Signer], member_id: str) -> Receipt:
        return self._gov_submit(governors, "member.revoke", {"id": member_id})

    def rotate_key(self, signers: Sequence[Signer], member_id: str, new_public_hex: str) -> Receipt:
        """Rotate a member's Ed25519 key: signed by the member's current key, or by a governor quorum."""
        return self._gov_submit(signers, "member.rotate", {"id": member_id, "ed25519": new_public_hex})

    def set_bls_key(self, signers: Sequence[Signer], member_id: str, bls_public_key: str, bls_pop: str) -> Receipt:
        """Record a member's BLS public key (48-byte G1 hex) and proof of possession (96-byte G2 hex)."""
        return self._gov_submit(signers, "member.bls",
                                {"id": member_id, "bls_public_key": bls_public_key, "bls_pop": bls_pop})

    def set_config(self, governors: Sequence[Signer], key: str, value: Any) -> Receipt:
        return self._gov_submit(governors, "config.set", {"key": key, "value": value})

    def members(self) -> list[dict[str, Any]]:
        """Members with roles, status, Ed25519 public key hex and (if set) BLS public key and PoP hex."""
        def q(conn: Connection) -> list[dict[str, Any]]:
            return [member_record(r) for r in conn.execute(select(member_t).order_by(member_t.c.id))]
        return self._read(q)

    def member_history(self) -> list[tuple[int, list[dict[str, Any]]]]:
        """The members (as :meth:`members` lists them) after each membership entry, oldest first:
        ``[(seq, members), ...]`` from the genesis entry on, replayed from the journal.

        Why: a bundle's keyring is judged against the members the governors had admitted at or
        after the epoch's cut-off, not against whatever the member table holds today.
        """
        types = ("genesis", "member.add", "member.roles", "member.revoke", "member.rotate", "member.bls")

        def q(conn: Connection) -> list[tuple[int, list[dict[str, Any]]]]:
            gov = Governance()
            out: list[tuple[int, list[dict[str, Any]]]] = []
            rows = conn.execute(select(journal_t.c.seq, journal_t.c.type, journal_t.c.body, journal_t.c.sigs,
                                       journal_t.c.prev_hash)
                                .where(journal_t.c.type.in_(types)).order_by(journal_t.c.seq))
            for r in rows:
                signed_body(int(r.seq), r.type, r.body)  # canonical, on its schema, of the type it is filed as
                stored = canonical.loads(str(r.sigs).encode("utf-8"))
                if not (isinstance(stored, list) and all(isinstance(x, dict) and set(x) == {"by", "sig"} for x in stored)):
                    raise LedgerError(f"journal entry {r.seq}: its signatures are not a list of {{by, sig}}")
                sigs = [(str(x["by"]), str(x["sig"])) for x in stored]
                entry = Entry.from_bytes(r.body.encode("utf-8"), sigs, seq=int(r.seq), prev=r.prev_hash)
                if r.type == "genesis":
                    gov.apply_genesis(entry)
                else:
                    gov.apply(entry, int(r.seq))
                out.append((int(r.seq), [gov.members[k].to_dict() for k in sorted(gov.members)]))
            return out
        return self._read(q)

    def config(self) -> dict[str, Any]:
        def q(conn: Connection) -> dict[str, Any]:
            return {r.key: json.loads(r.value) for r in conn.execute(select(config_t))}
        return self._read(q)

    def config_at(self, seq: int) -> dict[str, Any]:
        """The governed settings in force after journal entry ``seq`` (replayed from the journal).

        Why: an epoch is judged by the rules of its cut-off, not by a later ``config.set``.
        """
        def q(conn: Connection) -> dict[str, Any]:
            out: dict[str, Any] = json.loads(json.dumps(DEFAULT_CONFIG))
            rows = conn.execute(select(journal_t.c.seq, journal_t.c.type, journal_t.c.body)
                                .where(journal_t.c.type.in_(("genesis", "config.set")), journal_t.c.seq <= seq)
                                .order_by(journal_t.c.seq))
            for r in rows:
                p = signed_body(int(r.seq), r.type, r.body)["payload"]
                changes = p.get("config", {}) if r.type == "genesis" else {p.get("key"): p.get("value")}
                for k, v in changes.items():
                    if k != "governor_quorum":
                        out = merge_config(out, k, v)
            return out
        return self._read(q)
