"""Journal entries: canonical JSON bodies, Ed25519 signatures, entry types and roles, the hash chain.

Pure (no SQL): the same functions check an entry when it is appended and when ``por ledger verify``
replays the journal from scratch.

An entry is ``{"body": BODY, "seq": n, "prev": PREV, "sigs": [{"by": MEMBER, "sig": HEX}, ...]}``
where ``BODY`` is ``{"v": 2, "type": T, "signer": MEMBER, "time": UTC, "payload": {...}}`` plus
``"idem"`` when the submitter gave an idempotency key. Every signature is Ed25519 over
``signing_input("v2/ledger/entry", canonical({"body": BODY, "prev": PREV, "seq": n}))``: an entry
signs its place (sequence number and the previous entry's chain hash), so entries cannot be
reordered and re-chained without their signers' keys (docs/protocol.md §10.2). Format-1 bodies
(``"v": 1``, signature over ``"por/v1/ledger/entry\\x00" || canonical(BODY)``) are only accepted in a
journal's prefix before its ``ledger.migrate`` entry. The first signature is the body's signer. Once
appended at sequence ``n`` after an entry whose chain hash is ``prev``, the entry's *record* is
``canonical({"body": BODY, "prev": prev, "seq": n, "sigs": SIGS})``; its chain hash is
``SHA-256(b"por/v1/ledger/chain\\x00" || record)`` and its transparency-log leaf is the record itself
(leaf hash ``SHA-256(0x00 || record)``, RFC 9162 section 2.1.1). See docs/protocol.md.
"""

from __future__ import annotations

import copy
import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from por import PROTOCOL
from por.errors import EncodingError, LedgerError, PermissionDeniedError, SignatureError
from por.ledger import canonical
from por.ledger.keys import Signer, load_public, verify_signature
from por.signing import domain
from por.signing import signing_input as _signing_input

ENTRY_VERSION = 2  # the format every new entry is written in
ENTRY_VERSIONS = (1, 2)
SIGN_DOMAIN = domain("v1/ledger/entry")  # b"por/v1/ledger/entry\x00": format 1 (old journals only)
SIGN_DOMAIN_V2 = domain("v2/ledger/entry")  # b"por/v2/ledger/entry\x00"
CHAIN_DOMAIN = b"por/v1/ledger/chain\x00"
GENESIS_PREV = "00" * 32

ROLES = ("operator", "custodian", "oracle", "auditor", "regulator", "approver", "governor")
_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:@/-]{0,127}\Z")


@dataclass(frozen=True, slots=True)
class TypeRule:
    """Who may sign an entry type: any one member holding one of ``roles``, or a governor quorum."""

    roles: frozenset[str]
    quorum: bool = False
    self_allowed: bool = False  # the member named by payload["id"] may sign it alone (key rotation, BLS key)


ENTRY_TYPES: dict[str, TypeRule] = {
    "genesis": TypeRule(frozenset(), quorum=False),
    "member.add": TypeRule(frozenset({"governor"}), quorum=True),
    "member.roles": TypeRule(frozenset({"governor"}), quorum=True),
    "member.revoke": TypeRule(frozenset({"governor"}), quorum=True),
    "member.rotate": TypeRule(frozenset({"governor"}), quorum=True, self_allowed=True),
    "member.bls": TypeRule(frozenset({"governor"}), quorum=True, self_allowed=True),
    "config.set": TypeRule(frozenset({"governor"}), quorum=True),
    "asset.add": TypeRule(frozenset({"operator"})),
    "account.open": TypeRule(frozenset({"operator"})),
    "margin.open": TypeRule(frozenset({"operator"})),
    "post": TypeRule(frozenset({"operator"})),
    "price": TypeRule(frozenset({"oracle"})),
    "margin.trade": TypeRule(frozenset({"operator"})),
    "margin.liquidate": TypeRule(frozenset({"operator"})),
    "withdraw.request": TypeRule(frozenset({"operator"})),
    "withdraw.review": TypeRule(frozenset({"approver"})),
    "withdraw.approve": TypeRule(frozenset({"approver"})),
    "withdraw.reject": TypeRule(frozenset({"operator", "approver"})),
    "withdraw.settle": TypeRule(frozenset({"operator"})),
    "reserves.collect": TypeRule(frozenset({"operator"})),
    "epoch.publish": TypeRule(frozenset({"operator"})),
    "ledger.migrate": TypeRule(frozenset({"governor"}), quorum=True),
}


def check_id(value: Any, what: str) -> str:
    if not isinstance(value, str) or not _ID_RE.match(value):
        raise LedgerError(f"{what} {value!r} is not a valid identifier (letters, digits, _.:@/-; max 128)")
    return value


def signing_input(body_bytes: bytes) -> bytes:
    """Format 1 (old journals only): ``"por/v1/ledger/entry\\x00" || canonical(BODY)``."""
    return _signing_input("v1/ledger/entry", body_bytes)


_PREV_RE = re.compile(r"^[0-9a-f]{64}\Z")


def place_bytes(seq: int, prev: str, body_bytes: bytes) -> bytes:
    """canonical({"body": BODY, "prev": prev, "seq": seq}) from the already-canonical body."""
    return b'{"body":' + body_bytes + b',"prev":"' + prev.encode() + b'","seq":' + str(seq).encode() + b"}"


def signing_input_v2(seq: int, prev: str, body_bytes: bytes) -> bytes:
    """Format 2: ``signing_input("v2/ledger/entry", canonical({"body", "prev", "seq"}))``."""
    return _signing_input("v2/ledger/entry", place_bytes(seq, prev, body_bytes))


def check_place(seq: Any, prev: Any) -> tuple[int, str]:
    if isinstance(seq, bool) or not isinstance(seq, int) or seq < 1:
        raise LedgerError(f"an entry's place needs a positive integer seq, got {seq!r:.40}")
    if not isinstance(prev, str) or not _PREV_RE.match(prev):
        raise LedgerError(f"an entry's place needs prev as 64 lowercase hex digits, got {prev!r:.80}")
    return seq, prev


@dataclass(frozen=True, slots=True)
class Entry:
    """A signed entry as submitted: the exact canonical body bytes and the signatures over them."""

    body_bytes: bytes
    sigs: tuple[tuple[str, str], ...]
    body: dict[str, Any] = field(compare=False, repr=False)
    seq: int | None = None  # the place a format-2 entry is signed for
    prev: str | None = None

    @classmethod
    def from_body(cls, body: Mapping[str, Any], sigs: Iterable[tuple[str, str]] = (), *, seq: int | None = None,
                  prev: str | None = None) -> Entry:
        b = dict(body)
        return cls(canonical.dumps(b), tuple(sigs), b, seq, prev)

    @classmethod
    def from_bytes(cls, body_bytes: bytes, sigs: Iterable[tuple[str, str]], *, seq: int | None = None,
                   prev: str | None = None) -> Entry:
        """Parse received bytes; they must already be canonical (the signature covers exactly them)."""
        try:
            body = canonical.loads(body_bytes, require_canonical=True)
        except EncodingError as exc:
            raise LedgerError(f"entry body is not canonical JSON: {exc}") from exc
        if not isinstance(body, dict):
            raise LedgerError("entry body is not a JSON object")
        return cls(body_bytes, tuple(sigs), body, seq, prev)

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Entry:
        """From ``{"body": {...}, "seq": n, "prev": HEX, "sigs": [{"by", "sig"}]}`` (e.g. a file given to
        ``por ledger post``); ``seq`` and ``prev`` are the place a format-2 entry is signed for."""
        try:
            body = d["body"]
            sigs = [(str(s["by"]), str(s["sig"])) for s in d["sigs"]]
        except (KeyError, TypeError) as exc:
            raise LedgerError("an entry is an object with 'body', 'seq', 'prev' and 'sigs' [{'by', 'sig'}]") from exc
        if not isinstance(body, dict):
            raise LedgerError("entry body is not a JSON object")
        extra = set(d) - {"body", "sigs", "seq", "prev"}
        if extra:
            raise LedgerError(f"unknown entry field(s) {sorted(extra)}")
        seq, prev = d.get("seq"), d.get("prev")
        if seq is not None or prev is not None:
            seq, prev = check_place(seq, prev)
        return cls.from_body(body, sigs, seq=seq, prev=prev)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"body": self.body, "sigs": sigs_list(self.sigs)}
        if self.seq is not None:
            out["seq"], out["prev"] = self.seq, self.prev
        return out

    @property
    def version(self) -> Any:
        return self.body.get("v")

    def message(self) -> bytes:
        """The bytes every signature of this entry covers (format 1: the body; format 2: body and place).

        Raises:
            LedgerError: a format-2 entry without its place, or an unknown format.
        """
        v = self.version
        if v == 2 and not isinstance(v, bool):
            if self.seq is None or self.prev is None:
                raise LedgerError("a format-2 entry is signed for its place: it needs seq and prev")
            return signing_input_v2(self.seq, self.prev, self.body_bytes)
        if v == 1 and not isinstance(v, bool):
            return signing_input(self.body_bytes)
        raise LedgerError(f"unsupported entry version {v!r}")

    @property
    def type(self) -> str:
        return str(self.body.get("type"))

    @property
    def signer(self) -> str:
        return str(self.body.get("signer"))

    @property
    def payload(self) -> dict[str, Any]:
        p = self.body.get("payload")
        return p if isinstance(p, dict) else {}

    @property
    def time(self) -> str:
        return str(self.body.get("time"))

    @property
    def idem(self) -> str | None:
        v = self.body.get("idem")
        return None if v is None else str(v)

    def cosign(self, signer: Signer) -> Entry:
        """The same body with one more signature (for quorum entries)."""
        if any(by == signer.member_id for by, _ in self.sigs):
            return self
        sig = signer.sign(self.message())
        return Entry(self.body_bytes, self.sigs + ((signer.member_id, sig),), self.body, self.seq, self.prev)

    def content_key(self) -> bytes:
        """What an idempotency key binds: the type and the request (or the whole payload)."""
        p = self.payload
        return canonical.dumps({"type": self.type, "request": p.get("request", p)})


def sigs_list(sigs: Iterable[tuple[str, str]]) -> list[dict[str, str]]:
    return [{"by": by, "sig": sig} for by, sig in sigs]


_SIG_RE = re.compile(r"^[0-9a-f]{128}\Z")


def sigs_bytes(sigs: Iterable[tuple[str, str]]) -> bytes:
    """canonical([{"by", "sig"}, ...]); a fast path for well-formed ids and lowercase hex signatures."""
    items = list(sigs)
    if all(_ID_RE.match(by) and _SIG_RE.match(sig) for by, sig in items):
        return ("[" + ",".join(f'{{"by":"{by}","sig":"{sig}"}}' for by, sig in items) + "]").encode()
    return canonical.dumps(sigs_list(items))


def make_entry(signer: Signer, type_: str, payload: Mapping[str, Any], *, seq: int | None = None,
               prev: str | None = None, time: str | None = None, idem: str | None = None,
               cosigners: Iterable[Signer] = (), version: int = ENTRY_VERSION) -> Entry:
    """Build and sign an entry for its place ``(seq, prev)`` (the first signature is ``signer``'s;
    cosigners add theirs). ``version=1`` builds an old-format entry (no place; tests of migration).

    Raises:
        LedgerError: a format-2 entry without a well-formed place.
    """
    if version == 2:
        seq, prev = check_place(seq, prev)
    elif version == 1:
        seq = prev = None
    else:
        raise LedgerError(f"unsupported entry version {version!r}")
    body: dict[str, Any] = {
        "v": version,
        "type": type_,
        "signer": signer.member_id,
        "time": time or canonical.utc_now(),
        "payload": dict(payload),
    }
    if idem is not None:
        body["idem"] = idem
    unsigned = Entry(canonical.dumps(body), (), body, seq, prev)
    msg = unsigned.message()
    sigs = [(signer.member_id, signer.sign(msg))]
    for c in cosigners:
        if c.member_id != signer.member_id and all(c.member_id != b for b, _ in sigs):
            sigs.append((c.member_id, c.sign(msg)))
    return Entry(unsigned.body_bytes, tuple(sigs), body, seq, prev)


def next_place(entry: Entry) -> tuple[int, str]:
    """The place after ``entry`` once appended at its own place: ``(seq + 1, its chain hash)``; lets a
    submitter sign a run of entries ahead (``Ledger.append_many``)."""
    if entry.seq is None or entry.prev is None:
        raise LedgerError("the entry has no place")
    return entry.seq + 1, chain_hash(record_bytes(entry.seq, entry.prev, entry.body_bytes, sigs_bytes(entry.sigs)))


def record_bytes(seq: int, prev: str, body_bytes: bytes, sigs_b: bytes) -> bytes:
    """canonical({"body", "prev", "seq", "sigs"}) built from already-canonical parts (keys sorted)."""
    return b'{"body":' + body_bytes + b',"prev":"' + prev.encode() + b'","seq":' + str(seq).encode() + \
        b',"sigs":' + sigs_b + b"}"


def chain_hash(record: bytes) -> str:
    return hashlib.sha256(CHAIN_DOMAIN + record).hexdigest()


def leaf_hash(record: bytes) -> bytes:
    """RFC 9162 leaf hash of a record: SHA-256(0x00 || record)."""
    return hashlib.sha256(b"\x00" + record).digest()


# ---------------------------------------------------------------- governance (members, roles, keys)


@dataclass(slots=True)
class Member:
    id: str
    roles: set[str]
    ed25519: str
    status: str = "active"
    bls_public_key: str | None = None
    bls_pop: str | None = None
    added_seq: int = 0
    updated_seq: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "roles": sorted(self.roles), "ed25519": self.ed25519, "status": self.status,
                "bls_public_key": self.bls_public_key, "bls_pop": self.bls_pop,
                "added_seq": self.added_seq, "updated_seq": self.updated_seq}


def _check_roles(value: Any) -> set[str]:
    if not isinstance(value, list) or not value or not all(isinstance(r, str) for r in value):
        raise LedgerError(f"roles must be a non-empty list of role names, got {value!r}")
    bad = [r for r in value if r not in ROLES]
    if bad:
        raise LedgerError(f"unknown role(s) {bad}; roles are {', '.join(ROLES)}")
    return set(value)


def _check_key(value: Any) -> str:
    if not isinstance(value, str):
        raise LedgerError("ed25519 must be a hex public key")
    load_public(value)
    return value.lower()


def _check_hex(value: Any, what: str, length: int) -> str:
    try:
        raw = bytes.fromhex(value) if isinstance(value, str) else b""
    except ValueError:
        raw = b""
    if len(raw) != length:
        raise LedgerError(f"{what} must be {length} bytes of hex")
    return str(value).lower()


@dataclass(slots=True)
class Governance:
    """Members, their roles and keys, and the governor quorum: replayed from membership entries."""

    members: dict[str, Member] = field(default_factory=dict)
    quorum: int = 1

    def clone(self) -> Governance:
        return copy.deepcopy(self)

    def active(self, member_id: str) -> Member | None:
        m = self.members.get(member_id)
        return m if m is not None and m.status == "active" else None

    def governors(self) -> list[str]:
        return [m.id for m in self.members.values() if m.status == "active" and "governor" in m.roles]

    # -- authorisation
    def may_sign(self, member_id: str, public_hex: str, type_: str) -> bool:
        """Whether ``member_id`` is active, holds ``public_hex`` as its current key and a role that may
        sign (or co-sign, for quorum types) ``type_``."""
        m = self.active(member_id)
        rule = ENTRY_TYPES.get(type_)
        if m is None or rule is None or m.ed25519 != public_hex.lower():
            return False
        return bool(m.roles & rule.roles)

    def authorise(self, entry: Entry) -> None:
        """Check the entry's signatures and that its signers may sign its type.

        Raises:
            SignatureError: a signature missing, malformed, duplicated or not verifying.
            PermissionDeniedError: unknown/revoked signer, wrong role, or too few governors.
        """
        t = entry.type
        rule = ENTRY_TYPES.get(t)
        if rule is None:
            raise LedgerError(f"unknown entry type {t!r}")
        if t == "genesis":
            raise PermissionDeniedError("a genesis entry is only valid as the first entry")
        if not entry.sigs:
            raise SignatureError(f"{t} entry carries no signature")
        if entry.sigs[0][0] != entry.signer:
            raise SignatureError(f"{t} entry: the first signature must be the body's signer {entry.signer!r}")
        msg = entry.message()
        seen: set[str] = set()
        for by, sig in entry.sigs:
            if by in seen:
                raise SignatureError(f"{t} entry: {by} signed twice")
            seen.add(by)
            m = self.members.get(by)
            if m is None:
                raise PermissionDeniedError(f"{t} entry signed by {by!r}, who is not a member")
            if m.status != "active":
                raise PermissionDeniedError(f"{t} entry signed by {by!r}, whose membership is revoked")
            if not verify_signature(m.ed25519, msg, sig):
                raise SignatureError(f"{t} entry: signature by {by} does not verify")
        if rule.self_allowed and len(entry.sigs) == 1 and entry.payload.get("id") == entry.signer:
            return
        if rule.quorum:
            govs = [by for by in seen if "governor" in self.members[by].roles]
            if len(govs) < self.quorum:
                raise PermissionDeniedError(
                    f"{t} needs signatures of {self.quorum} governors, got {len(govs)} ({', '.join(sorted(govs)) or 'none'})")
            return
        signer = self.members[entry.signer]
        if not (signer.roles & rule.roles):
            raise PermissionDeniedError(
                f"{entry.signer} (roles: {', '.join(sorted(signer.roles))}) may not sign {t}; "
                f"it needs one of: {', '.join(sorted(rule.roles))}")

    # -- state transitions (validated)
    def apply_genesis(self, entry: Entry) -> dict[str, Any]:
        p = entry.payload
        if p.get("protocol") != PROTOCOL:
            raise LedgerError(f"genesis protocol must be {PROTOCOL!r}")
        members = p.get("members")
        if not isinstance(members, list) or not members:
            raise LedgerError("genesis needs a non-empty list of members")
        for md in members:
            if not isinstance(md, dict):
                raise LedgerError("genesis member must be an object")
            mid = check_id(md.get("id"), "member id")
            if mid in self.members:
                raise LedgerError(f"genesis lists member {mid} twice")
            self.members[mid] = Member(mid, _check_roles(md.get("roles")), _check_key(md.get("ed25519")),
                                       added_seq=1, updated_seq=1)
        q = canonical.check_int(p.get("quorum"), "quorum", minimum=1)
        if q > len(self.governors()):
            raise LedgerError(f"genesis quorum {q} exceeds the {len(self.governors())} governors")
        self.quorum = q
        # every genesis member must sign
        msg = entry.message()
        signed = {by for by, sig in entry.sigs
                  if by in self.members and verify_signature(self.members[by].ed25519, msg, sig)}
        if len(signed) != len(entry.sigs):
            raise SignatureError("genesis: a signature does not verify against the listed keys")
        missing = set(self.members) - signed
        if missing:
            raise SignatureError(f"genesis must be signed by every genesis member; missing {sorted(missing)}")
        cfg = p.get("config", {})
        if not isinstance(cfg, dict):
            raise LedgerError("genesis config must be an object")
        return cfg

    def apply(self, entry: Entry, seq: int) -> Member | None:
        """Apply a membership entry; return the member changed (None for non-membership types)."""
        t, p = entry.type, entry.payload
        if t == "member.add":
            mid = check_id(p.get("id"), "member id")
            if mid in self.members:
                raise LedgerError(f"member {mid} already exists")
            added = Member(mid, _check_roles(p.get("roles")), _check_key(p.get("ed25519")),
                           added_seq=seq, updated_seq=seq)
            self.members[mid] = added
            return added
        if t in ("member.roles", "member.revoke", "member.rotate", "member.bls"):
            mid = check_id(p.get("id"), "member id")
            m = self.members.get(mid)
            if m is None or m.status != "active":
                raise LedgerError(f"member {mid} is not an active member")
            if t == "member.roles":
                m.roles = _check_roles(p.get("roles"))
            elif t == "member.revoke":
                m.status = "revoked"
            elif t == "member.rotate":
                new = _check_key(p.get("ed25519"))
                if new == m.ed25519:
                    raise LedgerError(f"member {mid}: the new key equals the current key")
                m.ed25519 = new
            else:
                m.bls_public_key = _check_hex(p.get("bls_public_key"), "bls_public_key", 48)
                m.bls_pop = _check_hex(p.get("bls_pop"), "bls_pop", 96)
            m.updated_seq = seq
            if len(self.governors()) < self.quorum:
                raise LedgerError(f"{t} would leave fewer governors than the quorum {self.quorum}")
            return m
        if t == "config.set" and "governor_quorum" == p.get("key"):
            q = canonical.check_int(p.get("value"), "governor_quorum", minimum=1)
            if q > len(self.governors()):
                raise LedgerError(f"quorum {q} exceeds the {len(self.governors())} governors")
            self.quorum = q
        return None


def check_bls_pop(member: Member) -> None:
    """Verify a BLS proof of possession when the crypto layer offers it (it is part of this tree)."""
    if member.bls_public_key is None or member.bls_pop is None:
        return
    try:
        from por.crypto import bls
    except ImportError:  # pragma: no cover - the crypto package is part of por
        return
    try:
        ok = bls.pop_verify(bytes.fromhex(member.bls_public_key), bytes.fromhex(member.bls_pop))
    except Exception as exc:  # noqa: BLE001 - a malformed key is a failed check, not a crash
        raise SignatureError(f"member {member.id}: BLS key or proof of possession is malformed ({exc})") from exc
    if not ok:
        raise SignatureError(f"member {member.id}: BLS proof of possession does not verify")


# ---------------------------------------------------------------- postings (shared by append and replay)


def parse_postings(value: Any) -> list[tuple[str, str, str, int]]:
    """``[[account, asset, book, amount], ...]`` with integer, non-zero amounts."""
    if not isinstance(value, list) or not value:
        raise LedgerError("postings must be a non-empty list of [account, asset, book, amount]")
    out = []
    for i, p in enumerate(value):
        if not isinstance(p, list) or len(p) != 4:
            raise LedgerError(f"posting {i} must be [account, asset, book, amount]")
        acct, asset, book, amount = p
        if not isinstance(acct, str) or not isinstance(asset, str) or book not in ("main", "held", "debt"):
            raise LedgerError(f"posting {i} has a bad account, asset or book ({book!r})")
        canonical.check_int(amount, f"posting {i} amount")
        if amount == 0:
            raise LedgerError(f"posting {i} has a zero amount")
        out.append((acct, asset, book, amount))
    return out


def check_balanced(postings: list[tuple[str, str, str, int]]) -> None:
    """Per asset the postings of one entry sum to zero (double entry)."""
    sums: dict[str, int] = {}
    for _, asset, _, amount in postings:
        sums[asset] = sums.get(asset, 0) + amount
    bad = {a: s for a, s in sums.items() if s != 0}
    if bad:
        raise LedgerError("unbalanced posting: per asset the postings must sum to zero, but "
                          + ", ".join(f"{a} sums to {s}" for a, s in sorted(bad.items())))


def balance_rule(kind: str, book: str) -> str:
    """Floor of a balance: client main/held >= 0, client debt <= 0 (margin only), platform any."""
    if kind in ("cash", "margin"):
        return "nonpos" if book == "debt" else "nonneg"
    return "any"
