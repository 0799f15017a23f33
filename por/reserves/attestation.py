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

The file's rules are its published model's (:class:`por.bundle.attestations.Attestation`): the
auditor builds an :class:`Attestation` from the model it parsed (:meth:`Attestation.from_model`),
and a file or JSON value read here is parsed by that model first.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from por import PROTOCOL
from por.bundle.attestations import (
    ATTESTATION_FORMAT,
    AttestationSignature,
    AttestationStatement,
    parse_attestation,
)
from por.bundle.attestations import Attestation as AttestationModel
from por.crypto import bls
from por.errors import EncodingError, UsageError
from por.reserves._read import from_bytes, from_value
from por.signing import domain, signing_input

FORMAT = ATTESTATION_FORMAT
STATEMENT_PURPOSE = "v1/reserve-attestation"
STATEMENT_DOMAIN = domain(STATEMENT_PURPOSE)  # b"por/v1/reserve-attestation\x00" (protocol §1.1)
AMOUNT_BYTES = 16  # u128 big-endian


def lp(data: bytes) -> bytes:
    """Length prefix: u32be(len) || data."""
    return len(data).to_bytes(4, "big") + data


@dataclass(frozen=True, slots=True)
class Statement:
    """What a custodian attests: it held ``amount`` minor units of ``asset`` in ``account_ref``.

    Its fields are validated and encoded by the published model
    (:class:`por.bundle.attestations.AttestationStatement`), the one rule for a statement wherever
    it is read or made.
    """

    epoch_id: str
    custodian_id: str
    asset: str
    amount: int
    account_ref: str
    as_of: str
    challenge: str
    protocol: str = PROTOCOL

    def model(self) -> AttestationStatement:
        """The statement as its published model (docs/protocol.md §8.2).

        Raises:
            EncodingError: a field the model refuses (the message names it).
        """
        return from_value(AttestationStatement, self.to_dict(), "attestation statement", EncodingError)

    def validate(self) -> None:
        """Raises EncodingError when a field cannot be encoded canonically."""
        self.model()

    def encode(self) -> bytes:
        """The statement's canonical fields (docs/protocol.md §8.2); the BLS message is :meth:`message`.

        ``lp(protocol) || lp(epoch_id) || lp(custodian_id) || lp(asset) || u128be(amount) ||
        lp(account_ref) || lp(as_of) || lp(challenge bytes)``.
        """
        return self.model().encode()

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
    def from_model(cls, m: AttestationStatement) -> Statement:
        """The statement of a parsed attestation (its fields already validated by the model)."""
        return cls(epoch_id=m.epoch_id, custodian_id=m.custodian_id, asset=m.asset, amount=m.amount,
                   account_ref=m.account_ref, as_of=m.as_of, challenge=m.challenge, protocol=m.protocol)

    @classmethod
    def from_dict(cls, d: Any) -> Statement:
        """A statement's JSON object, read through its model. Raises EncodingError naming the field."""
        return cls.from_model(from_value(AttestationStatement, d, "attestation statement", EncodingError))


@dataclass(frozen=True, slots=True)
class SignatureEntry:
    """One BLS signature over the statement by ``signers`` (one signer, or several once aggregated)."""

    signers: tuple[tuple[str, bytes], ...]  # (member id, BLS public key)
    signature: bytes

    def to_dict(self) -> dict[str, Any]:
        return {"signers": [{"id": i, "public_key": pk.hex()} for i, pk in self.signers],
                "signature": self.signature.hex()}

    @classmethod
    def from_model(cls, m: AttestationSignature) -> SignatureEntry:
        """A parsed signature entry (hex lengths already checked by the model, §8.3)."""
        return cls(tuple((s.id, bytes.fromhex(s.public_key)) for s in m.signers), bytes.fromhex(m.signature))

    @property
    def signer_ids(self) -> tuple[str, ...]:
        return tuple(i for i, _ in self.signers)


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
    def from_model(cls, m: AttestationModel) -> Attestation:
        """A parsed ``por-attestation/1`` (its statement id and signature entries already checked by
        the model, §8.3): what the auditor reads from ``attestations.json``."""
        return cls(Statement.from_model(m.statement), tuple(SignatureEntry.from_model(e) for e in m.signatures))

    @classmethod
    def from_dict(cls, d: Any) -> Attestation:
        """Strict reading, through the model. Raises EncodingError (a malformed file) naming the field."""
        return cls.from_model(from_value(AttestationModel, d, AttestationModel.DOCUMENT, EncodingError))

    @classmethod
    def from_json(cls, text: str | bytes) -> Attestation:
        """An attestation file's bytes, parsed by :func:`por.bundle.parse_attestation`. Raises EncodingError."""
        data = text.encode("utf-8", "surrogatepass") if isinstance(text, str) else text
        return cls.from_model(from_bytes(parse_attestation, data, EncodingError))

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
