"""Reserve attestations: the canonical statement a custodian signs with BLS, co-signing, aggregation.

The statement is encoded into a fixed byte string (:meth:`Statement.encode`, specified byte by byte
in docs/protocol.md §8.2); the BLS message is ``signing_input("v1/reserve-attestation", encode())``
(por/signing.py, protocol §1.1), and nothing else. An attestation file (``por-attestation/1``, portable JSON) carries the statement's
fields, its id (SHA-256 of the encoding) and a list of signature entries; each entry is one BLS
signature by one or more signers (more than one after aggregation)::

    {"format": "por-attestation/1",
     "statement": {"protocol": "por-v1", "epoch_id": "...", "custodian_id": "...", "asset": "BTC",
                   "amount": 123, "account_ref": "...", "as_of": "2024-06-30T23:59:59Z",
                   "challenge": "<nonce hex>"},
     "statement_id": "<sha256 hex of the encoding>",
     "signatures": [{"signers": [{"id": "bank-a", "public_key": "<hex>"}], "signature": "<hex>"}]}

A request (``por attest request``) is an attestation with no signatures. Readers re-encode the
statement from the fields and refuse a file whose ``statement_id`` differs, so what a signer sees in
the JSON is what the signature covers.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from por import PROTOCOL
from por.canonical import parse_json
from por.crypto import bls
from por.errors import EncodingError, UsageError
from por.signing import domain, signing_input
from por.units import parse_time

FORMAT = "por-attestation/1"
STATEMENT_PURPOSE = "v1/reserve-attestation"
STATEMENT_DOMAIN = domain(STATEMENT_PURPOSE)  # b"por/v1/reserve-attestation\x00" (protocol §1.1)
MAX_FIELD_BYTES = 256
AMOUNT_BYTES = 16  # u128 big-endian
_HEX = re.compile(r"^(?:[0-9a-f]{2})+\Z")


def lp(data: bytes) -> bytes:
    """Length prefix: u32be(len) || data."""
    return len(data).to_bytes(4, "big") + data


def _text(value: Any, what: str) -> bytes:
    if not isinstance(value, str) or not value:
        raise EncodingError(f"{what} must be a non-empty string")
    raw = value.encode("utf-8")
    if len(raw) > MAX_FIELD_BYTES:
        raise EncodingError(f"{what} is longer than {MAX_FIELD_BYTES} bytes")
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in value):
        raise EncodingError(f"{what} contains control characters")
    return raw


@dataclass(frozen=True, slots=True)
class Statement:
    """What a custodian attests: it held ``amount`` minor units of ``asset`` in ``account_ref``."""

    epoch_id: str
    custodian_id: str
    asset: str
    amount: int
    account_ref: str
    as_of: str
    challenge: str
    protocol: str = PROTOCOL

    def validate(self) -> None:
        """Raises EncodingError when a field cannot be encoded canonically."""
        if self.protocol != PROTOCOL:
            raise EncodingError(f"unknown protocol {self.protocol!r} (expected {PROTOCOL!r})")
        for name in ("epoch_id", "custodian_id", "asset", "account_ref"):
            _text(getattr(self, name), name)
        if type(self.amount) is not int or not 0 <= self.amount < 1 << (8 * AMOUNT_BYTES):
            raise EncodingError("amount must be an integer in [0, 2^128) minor units")
        parse_time(self.as_of, "as_of")
        if not isinstance(self.challenge, str) or not _HEX.match(self.challenge):
            raise EncodingError("challenge must be the epoch nonce in lowercase hex")

    def encode(self) -> bytes:
        """The statement's canonical fields (docs/protocol.md §8.2); the BLS message is :meth:`message`.

        ``lp(protocol) || lp(epoch_id) || lp(custodian_id) || lp(asset) || u128be(amount) ||
        lp(account_ref) || lp(as_of) || lp(challenge bytes)``.
        """
        self.validate()
        return b"".join([
            lp(self.protocol.encode()),
            lp(self.epoch_id.encode()),
            lp(self.custodian_id.encode()),
            lp(self.asset.encode()),
            self.amount.to_bytes(AMOUNT_BYTES, "big"),
            lp(self.account_ref.encode()),
            lp(self.as_of.encode()),
            lp(bytes.fromhex(self.challenge)),
        ])

    @property
    def message(self) -> bytes:
        """The signed bytes: ``"por/v1/reserve-attestation" || 0x00 || encode()`` (protocol §1.1)."""
        return signing_input(STATEMENT_PURPOSE, self.encode())

    @property
    def statement_id(self) -> str:
        """SHA-256 of the signed message, hex."""
        return hashlib.sha256(self.message).hexdigest()

    def to_dict(self) -> dict[str, Any]:
        return {"protocol": self.protocol, "epoch_id": self.epoch_id, "custodian_id": self.custodian_id,
                "asset": self.asset, "amount": self.amount, "account_ref": self.account_ref,
                "as_of": self.as_of, "challenge": self.challenge}

    @classmethod
    def from_dict(cls, d: Any) -> Statement:
        if not isinstance(d, dict):
            raise EncodingError("statement must be an object")
        keys = {"protocol", "epoch_id", "custodian_id", "asset", "amount", "account_ref", "as_of", "challenge"}
        if set(d) != keys:
            missing, extra = keys - set(d), set(d) - keys
            raise EncodingError(f"statement fields: missing {sorted(missing)}, unexpected {sorted(extra)}")
        st = cls(epoch_id=d["epoch_id"], custodian_id=d["custodian_id"], asset=d["asset"], amount=d["amount"],
                 account_ref=d["account_ref"], as_of=d["as_of"], challenge=d["challenge"], protocol=d["protocol"])
        st.validate()
        return st


@dataclass(frozen=True, slots=True)
class SignatureEntry:
    """One BLS signature over the statement by ``signers`` (one signer, or several once aggregated)."""

    signers: tuple[tuple[str, bytes], ...]  # (member id, BLS public key)
    signature: bytes

    def to_dict(self) -> dict[str, Any]:
        return {"signers": [{"id": i, "public_key": pk.hex()} for i, pk in self.signers],
                "signature": self.signature.hex()}

    @classmethod
    def from_dict(cls, d: Any) -> SignatureEntry:
        if not isinstance(d, dict) or not isinstance(d.get("signers"), list) or not d["signers"]:
            raise EncodingError("a signature entry needs a non-empty signers list")
        signers = []
        for s in d["signers"]:
            if not isinstance(s, dict) or not isinstance(s.get("id"), str) or not isinstance(s.get("public_key"), str):
                raise EncodingError("a signer is {id, public_key}")
            signers.append((s["id"], _unhex(s["public_key"], "public_key")))
        if not isinstance(d.get("signature"), str):
            raise EncodingError("signature must be hex")
        return cls(tuple(signers), _unhex(d["signature"], "signature"))

    @property
    def signer_ids(self) -> tuple[str, ...]:
        return tuple(i for i, _ in self.signers)


def _unhex(s: str, what: str) -> bytes:
    try:
        return bytes.fromhex(s.removeprefix("0x"))
    except ValueError as exc:
        raise EncodingError(f"{what} is not hex") from exc


@dataclass(frozen=True, slots=True)
class Attestation:
    """A statement and the signatures collected on it so far."""

    statement: Statement
    signatures: tuple[SignatureEntry, ...] = field(default_factory=tuple)

    @property
    def message(self) -> bytes:
        return self.statement.message

    @property
    def statement_id(self) -> str:
        return self.statement.statement_id

    @property
    def signer_ids(self) -> list[str]:
        return [i for e in self.signatures for i in e.signer_ids]

    def to_dict(self) -> dict[str, Any]:
        return {"format": FORMAT, "statement": self.statement.to_dict(), "statement_id": self.statement_id,
                "signatures": [e.to_dict() for e in self.signatures]}

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, sort_keys=True) + "\n"

    @classmethod
    def from_dict(cls, d: Any) -> Attestation:
        """Strict reading. Raises EncodingError (a malformed file) with a sentence naming the field."""
        if not isinstance(d, dict):
            raise EncodingError("an attestation file is a JSON object")
        if d.get("format") != FORMAT:
            raise EncodingError(f"unknown attestation format {d.get('format')!r} (expected {FORMAT!r})")
        st = Statement.from_dict(d.get("statement"))
        if d.get("statement_id") != st.statement_id:
            raise EncodingError("statement_id does not match the statement's canonical encoding")
        sigs = d.get("signatures", [])
        if not isinstance(sigs, list):
            raise EncodingError("signatures must be a list")
        return cls(st, tuple(SignatureEntry.from_dict(e) for e in sigs))

    @classmethod
    def from_json(cls, text: str | bytes) -> Attestation:
        try:
            return cls.from_dict(parse_json(text))
        except ValueError as exc:
            if isinstance(exc, EncodingError):
                raise
            raise EncodingError(f"not JSON: {exc}") from exc

    @classmethod
    def load(cls, path: str | Path) -> Attestation:
        try:
            text = Path(path).read_bytes()
        except OSError as exc:
            raise UsageError(f"cannot read {path}: {exc}") from exc
        return cls.from_json(text)

    def dump(self, path: str | Path) -> None:
        Path(path).write_text(self.to_json())


def request(epoch_id: str, custodian_id: str, asset: str, amount: int, account_ref: str, as_of: str,
            nonce: str | bytes) -> Attestation:
    """The operator's request: an unsigned attestation for the custodian to check and sign."""
    challenge = nonce.hex() if isinstance(nonce, bytes) else nonce.lower()
    st = Statement(epoch_id, custodian_id, asset, amount, account_ref, as_of, challenge)
    st.validate()
    return Attestation(st)


def sign(att: Attestation, member_id: str, secret_key: bytes) -> Attestation:
    """Add one signer's signature entry (the custodian, or a co-signer) over the canonical bytes.

    Raises:
        UsageError: the member already signed this attestation.
    """
    if member_id in att.signer_ids:
        raise UsageError(f"{member_id} has already signed this attestation")
    pk = bls.sk_to_pk(secret_key)
    entry = SignatureEntry(((member_id, pk),), bls.sign(secret_key, att.message))
    return replace(att, signatures=att.signatures + (entry,))


def aggregate(att: Attestation) -> Attestation:
    """Fold every signature entry into one (one aggregate signature by all signers).

    Raises:
        UsageError: no signatures, or a signer listed twice.
        EncodingError: a signature that is not a valid G2 point.
    """
    if not att.signatures:
        raise UsageError("nothing to aggregate: the attestation has no signatures")
    ids = att.signer_ids
    if len(ids) != len(set(ids)):
        raise UsageError("a signer appears twice; refusing to aggregate")
    if len(att.signatures) == 1:
        return att
    sig = bls.aggregate([e.signature for e in att.signatures])
    signers = tuple(s for e in att.signatures for s in e.signers)
    return replace(att, signatures=(SignatureEntry(signers, sig),))


def merge(parts: Sequence[Attestation]) -> Attestation:
    """Combine copies of one statement signed separately (by several signers) into one attestation.

    Raises:
        UsageError: the parts are not copies of the same statement, or a signer appears twice.
    """
    if not parts:
        raise UsageError("nothing to merge")
    first = parts[0]
    entries: list[SignatureEntry] = []
    seen: set[str] = set()
    for p in parts:
        if p.statement != first.statement:
            raise UsageError("cannot merge attestations of different statements")
        for e in p.signatures:
            if seen & set(e.signer_ids):
                continue  # the same signature entry (or signer) seen in another copy
            seen.update(e.signer_ids)
            entries.append(e)
    return replace(first, signatures=tuple(entries))
