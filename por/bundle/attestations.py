"""Reserve attestations: the file ``por-attestation/1`` and the bundle's ``attestations.json``
(``por-attestations/1``) (docs/protocol.md §8.2, §8.3, §9.3).

A statement is BLS-signed over its binary encoding, by one signer or several aggregated; a file's
``statement_id`` must be the SHA-256 of that message (a reader refuses it otherwise, §8.3). The
signatures are BLS entries without roles or key ids: not a :class:`por.bundle.signed.Signed`
envelope.
"""

from __future__ import annotations

import hashlib
from typing import Annotated, ClassVar, Literal

from pydantic import Field, model_validator

from por import PROTOCOL
from por.bundle._model import Model, json_layout, parse_bytes, problem
from por.bundle._types import Amount128, AnyText, Hex32, Hex48, Hex96, NonEmptyHex, Seq, Text, Time, explain
from por.bundle.reserves import EpochContext
from por.signing import signing_input

ATTESTATION_FORMAT = "por-attestation/1"
ATTESTATIONS_FORMAT = "por-attestations/1"
STATEMENT_PURPOSE = "v1/reserve-attestation"
AMOUNT_BYTES = 16


def _lp(data: bytes) -> bytes:
    return len(data).to_bytes(4, "big") + data


class AttestationStatement(Model):
    """What a custodian attests: it held ``amount`` minor units of ``asset`` in ``account_ref`` (§8.2)."""

    protocol: Annotated[Literal["por-v1"], explain(f"must be {PROTOCOL}")]
    epoch_id: Text
    custodian_id: Text
    asset: Text
    amount: Amount128
    account_ref: Text
    as_of: Time
    challenge: NonEmptyHex

    def encode(self) -> bytes:
        """``lp(protocol) || lp(epoch_id) || lp(custodian_id) || lp(asset) || u128be(amount) ||
        lp(account_ref) || lp(as_of) || lp(challenge bytes)`` (§8.2)."""
        return b"".join([_lp(self.protocol.encode()), _lp(self.epoch_id.encode()), _lp(self.custodian_id.encode()),
                         _lp(self.asset.encode()), self.amount.to_bytes(AMOUNT_BYTES, "big"),
                         _lp(self.account_ref.encode()), _lp(self.as_of.encode()),
                         _lp(bytes.fromhex(self.challenge))])

    def message(self) -> bytes:
        """The BLS-signed bytes: ``"por/v1/reserve-attestation" || 0x00 || encode()`` (§1.1)."""
        return signing_input(STATEMENT_PURPOSE, self.encode())

    def statement_id(self) -> str:
        """SHA-256 (hex) of :meth:`message`."""
        return hashlib.sha256(self.message()).hexdigest()


class AttestationSigner(Model):
    """A signer of one signature entry and the BLS public key it signed with (§8.3)."""

    id: Text
    public_key: Hex48


class AttestationSignature(Model):
    """One BLS signature (aggregated when it has several signers) over the statement (§8.3)."""

    signers: Annotated[Seq[AttestationSigner], Field(min_length=1)]
    signature: Hex96


class Attestation(Model):
    """An attestation file ``por-attestation/1``; a request is one with no signatures (§8.3)."""

    DOCUMENT: ClassVar[str] = "attestation"

    format: Annotated[Literal["por-attestation/1"], explain(f"must be {ATTESTATION_FORMAT}")]
    statement: AttestationStatement
    statement_id: Hex32
    signatures: Seq[AttestationSignature]

    @model_validator(mode="after")
    def _statement_id(self) -> Attestation:
        if self.statement_id != self.statement.statement_id():
            raise problem("statement_id", "does not match the statement's canonical encoding (§8.2)")
        signers = [s.id for entry in self.signatures for s in entry.signers]
        if len(set(signers)) != len(signers):  # a repeated entry would otherwise pass as the same signer twice
            raise problem("signatures", "name a signer more than once (each signer signs once, §8.3)")
        return self

    def to_bytes(self) -> bytes:
        """The file as ``por attest`` writes it (indented, sorted keys, final newline)."""
        return _LAYOUT(self.to_json_value())


class AttestationItem(Model):
    """One collected attestation: its label (the file name it came in) and either the attestation
    or, when it did not read, the error (§9.3)."""

    label: AnyText
    attestation: Attestation | None
    error: AnyText | None

    @model_validator(mode="after")
    def _one(self) -> AttestationItem:
        if (self.attestation is None) == (self.error is None):
            raise problem("error", "exactly one of attestation and error is given (error only when it did not read)")
        return self


class AttestationSet(Model):
    """``attestations.json`` (``por-attestations/1``): the epoch context and every attestation
    collected, counted or not (§9.3)."""

    DOCUMENT: ClassVar[str] = "attestations.json"

    format: Annotated[Literal["por-attestations/1"], explain(f"must be {ATTESTATIONS_FORMAT}")]
    epoch: EpochContext
    attestations: Seq[AttestationItem]

    def to_bytes(self) -> bytes:
        """The file as the pipeline writes it (indented, sorted keys, final newline)."""
        return _LAYOUT(self.to_json_value())


_LAYOUT = json_layout(indent=2, newline=True)


def parse_attestations(data: bytes) -> AttestationSet:
    """``attestations.json`` from its bytes (§9.3). Raises DocumentError naming the field."""
    return parse_bytes(AttestationSet, data, AttestationSet.DOCUMENT)


def parse_attestation(data: bytes) -> Attestation:
    """One ``por-attestation/1`` file (a request or a signed attestation, §8.3). Raises DocumentError."""
    return parse_bytes(Attestation, data, Attestation.DOCUMENT)
