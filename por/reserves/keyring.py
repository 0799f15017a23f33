"""Keyrings: who may sign what (members, roles, BLS keys with proofs of possession, Ed25519 keys).

Pure data, no I/O beyond :func:`Keyring.load`/:meth:`Keyring.dump`. A keyring is what a verifier
trusts: an export of the ledger's member entries (``por.reserves.ledger_adapter``) or a file handed
over with a bundle. The file format (``por-keyring/1``) is JSON::

    {"format": "por-keyring/1",
     "members": [{"id": "bank-a", "roles": ["custodian"],
                  "bls_public_key": "<96 hex>", "bls_pop": "<192 hex>",
                  "ed25519_public_key": "<64 hex>" | null, "revoked_at": "2024-01-01T00:00:00Z" | null}]}

A BLS key counts only with a proof of possession that verifies (rogue-key defence); the check is
done once per key and cached. A member with ``revoked_at`` set is revoked from that time on; por
treats a revoked key as not counting for anything evaluated after the revocation was recorded (a
compromised key could back-date a statement, so the statement's own time is not trusted for this).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from por.bundle.reserves import Keyring as KeyringModel
from por.bundle.reserves import Member as MemberModel
from por.canonical import read_json_file
from por.crypto import bls
from por.errors import UsageError
from por.reserves._read import from_value

FORMAT = "por-keyring/1"
KEY_FORMAT = "por-bls-key/1"
ROLES = ("operator", "custodian", "oracle", "auditor", "regulator", "client", "approver")


def _hex(x: Any, what: str, length: int | None = None) -> bytes:
    if not isinstance(x, str):
        raise UsageError(f"{what} must be a hex string")
    try:
        b = bytes.fromhex(x.removeprefix("0x"))
    except ValueError as exc:
        raise UsageError(f"{what} is not hex") from exc
    if length is not None and len(b) != length:
        raise UsageError(f"{what} must be {length} bytes, got {len(b)}")
    return b


@dataclass(frozen=True, slots=True)
class Member:
    """One member as a verifier sees it."""

    id: str
    roles: frozenset[str]
    bls_public_key: bytes | None = None
    bls_pop: bytes | None = None
    ed25519_public_key: bytes | None = None
    revoked_at: str | None = None

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None

    def has_role(self, role: str) -> bool:
        return role in self.roles

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "roles": sorted(self.roles),
            "bls_public_key": self.bls_public_key.hex() if self.bls_public_key else None,
            "bls_pop": self.bls_pop.hex() if self.bls_pop else None,
            "ed25519_public_key": self.ed25519_public_key.hex() if self.ed25519_public_key else None,
            "revoked_at": self.revoked_at,
        }

    @classmethod
    def from_model(cls, m: MemberModel) -> Member:
        """A member as a published keyring lists it (hex lengths already checked by the model)."""
        return cls(id=m.id, roles=frozenset(m.roles),
                   bls_public_key=bytes.fromhex(m.bls_public_key) if m.bls_public_key is not None else None,
                   bls_pop=bytes.fromhex(m.bls_pop) if m.bls_pop is not None else None,
                   ed25519_public_key=bytes.fromhex(m.ed25519_public_key) if m.ed25519_public_key is not None else None,
                   revoked_at=m.revoked_at)

    @classmethod
    def from_dict(cls, d: Any) -> Member:
        """A member's JSON object (as :meth:`to_dict` writes it, ``por reserves keygen`` prints it),
        read through the published model. Raises UsageError naming the field."""
        return cls.from_model(from_value(MemberModel, d, "keyring member", UsageError))


@dataclass(slots=True)
class Keyring:
    """Members by id, with a reverse index of BLS keys and a cache of proof-of-possession checks."""

    members: dict[str, Member] = field(default_factory=dict)
    _pop_cache: dict[bytes, bool] = field(default_factory=dict, repr=False)

    @classmethod
    def of(cls, members: Iterable[Member]) -> Keyring:
        kr = cls()
        for m in members:
            kr.add(m)
        return kr

    def add(self, member: Member) -> None:
        if member.id in self.members:
            raise UsageError(f"member {member.id} appears twice in the keyring")
        self.members[member.id] = member

    def get(self, member_id: str) -> Member | None:
        return self.members.get(member_id)

    def __iter__(self) -> Iterator[Member]:
        return iter(self.members.values())

    def __len__(self) -> int:
        return len(self.members)

    def pop_ok(self, member: Member) -> bool:
        """True when the member has a BLS key whose proof of possession verifies (cached)."""
        pk, pop = member.bls_public_key, member.bls_pop
        if pk is None or pop is None:
            return False
        key = pk + pop
        if key not in self._pop_cache:
            self._pop_cache[key] = bls.pop_verify(pk, pop)
        return self._pop_cache[key]

    def to_dict(self) -> dict[str, Any]:
        return {"format": FORMAT, "members": [m.to_dict() for m in sorted(self, key=lambda m: m.id)]}

    @classmethod
    def from_model(cls, m: KeyringModel) -> Keyring:
        """A parsed ``por-keyring/1`` (member ids already unique): the bundle's ``keyring.json`` as the
        verifiers read it."""
        return cls.of(Member.from_model(x) for x in m.members)

    @classmethod
    def from_dict(cls, d: Any) -> Keyring:
        """A ``por-keyring/1`` JSON value (a keyring file handed over), read through the published
        model. Raises UsageError naming the field."""
        return cls.from_model(from_value(KeyringModel, d, KeyringModel.DOCUMENT, UsageError))

    @classmethod
    def load(cls, path: str | Path) -> Keyring:
        return cls.from_dict(read_json_file(path, "keyring"))

    def dump(self, path: str | Path) -> None:
        Path(path).write_text(json.dumps(self.to_dict(), indent=2, sort_keys=True) + "\n")


# ------------------------------------------------------------------------------------ key files


@dataclass(frozen=True, slots=True)
class BLSKeyFile:
    """A signer's secret BLS key (kept on the signer's machine), with its public key and PoP."""

    member: str
    secret_key: bytes
    public_key: bytes
    pop: bytes

    @classmethod
    def generate(cls, member: str, ikm: bytes | None = None) -> BLSKeyFile:
        sk = bls.keygen(ikm) if ikm is not None else bls.generate_secret_key()
        return cls(member, sk, bls.sk_to_pk(sk), bls.pop_prove(sk))

    def to_dict(self) -> dict[str, Any]:
        return {"format": KEY_FORMAT, "member": self.member, "secret_key": self.secret_key.hex(),
                "public_key": self.public_key.hex(), "pop": self.pop.hex()}

    def public_member(self, roles: Iterable[str]) -> Member:
        return Member(self.member, frozenset(roles), self.public_key, self.pop)

    @classmethod
    def from_dict(cls, d: Any) -> BLSKeyFile:
        if not isinstance(d, dict) or d.get("format") != KEY_FORMAT:
            raise UsageError(f"not a BLS key file (format {KEY_FORMAT!r} expected)")
        member = d.get("member")
        if not isinstance(member, str) or not member:
            raise UsageError("BLS key file: member must be a non-empty string")
        sk = _hex(d.get("secret_key"), "BLS key file: secret_key", bls.SK_BYTES)
        try:
            pk = bls.sk_to_pk(sk)
        except Exception as exc:
            raise UsageError("BLS key file: the secret key is not a valid BLS secret key") from exc
        if d.get("public_key") and _hex(d["public_key"], "public_key") != pk:
            raise UsageError("BLS key file: public_key does not belong to secret_key")
        pop = _hex(d["pop"], "BLS key file: pop", bls.SIG_BYTES) if d.get("pop") else bls.pop_prove(sk)
        return cls(member, sk, pk, pop)

    @classmethod
    def load(cls, path: str | Path) -> BLSKeyFile:
        return cls.from_dict(read_json_file(path, "key file"))

    def dump(self, path: str | Path) -> None:
        p = Path(path)
        p.write_text(json.dumps(self.to_dict(), indent=2, sort_keys=True) + "\n")
        p.chmod(0o600)
