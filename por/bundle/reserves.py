"""The reserves side of a bundle: the governed configuration, the epoch context, the reserves section
of the manifest, and the members' keyring (docs/protocol.md §8.4, §8.8, §9.3, §9.4).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, ClassVar, Literal

from pydantic import Field, model_validator

from por.bundle._model import Model, json_layout, omittable, parse_bytes, problem
from por.bundle._types import (
    Amount128,
    AssetCode,
    Bps,
    Decimals,
    Hex32,
    Hex48,
    Hex96,
    MemberId,
    NonNegativeInt,
    PositiveInt,
    Seq,
    Text,
    Time,
    explain,
)

CONFIG_FORMAT = "por-reserves-config/1"
KEYRING_FORMAT = "por-keyring/1"
#: why an attestation counted or not (§8.4; the manifest's reserves section records one per statement)
OUTCOME_REASONS = ("counted", "malformed", "wrong-epoch", "wrong-nonce", "outside-window", "no-policy",
                   "custodian-not-in-policy", "unknown-custodian", "no-custodian-role", "revoked-key",
                   "unknown-signer", "signer-not-in-policy", "key-mismatch", "no-pop", "bad-signature",
                   "custodian-did-not-sign", "quorum-short", "duplicate")
#: member roles (§10.4) and ``client``, which keyrings handed to verifiers may carry
MEMBER_ROLES = ("operator", "custodian", "oracle", "auditor", "regulator", "approver", "governor", "client")

Reason = Annotated[Literal["counted", "malformed", "wrong-epoch", "wrong-nonce", "outside-window", "no-policy",
                           "custodian-not-in-policy", "unknown-custodian", "no-custodian-role", "revoked-key",
                           "unknown-signer", "signer-not-in-policy", "key-mismatch", "no-pop", "bad-signature",
                           "custodian-did-not-sign", "quorum-short", "duplicate"],
                   explain("must be a reason code of docs/protocol.md §8.4 (counted, malformed, wrong-epoch, ...)")]
MemberRole = Annotated[Literal["operator", "custodian", "oracle", "auditor", "regulator", "approver", "governor",
                               "client"], explain("must be a member role (operator, custodian, oracle, auditor, "
                                                  "regulator, approver, governor or client)")]


class ReservePolicy(Model):
    """Whose statements count for an asset, who may co-sign, and how many must (§8.4)."""

    custodians: Annotated[Seq[MemberId], Field(min_length=1)]
    signers: Seq[MemberId]
    quorum: PositiveInt

    @model_validator(mode="after")
    def _quorum(self) -> ReservePolicy:
        n = len(set(self.signers) | set(self.custodians))
        if self.quorum > n:
            raise problem("quorum", f"must be at most {n}, the number of signers and custodians")
        return self


class PricePolicy(Model):
    """An asset's oracles and the quorum, freshness and dispersion rules of its price (§8.5)."""

    oracles: Seq[MemberId]
    quorum: PositiveInt
    max_age_seconds: PositiveInt
    max_dispersion_bps: NonNegativeInt
    max_skew_seconds: NonNegativeInt

    @model_validator(mode="after")
    def _quorum(self) -> PricePolicy:
        if self.quorum > max(1, len(self.oracles)):
            raise problem("quorum", f"must be at most {max(1, len(self.oracles))}, the number of oracles")
        return self


class AssetConfig(Model):
    """One asset of the resolved reserves configuration: decimals, haircut, and its policies (§8.8)."""

    decimals: Decimals
    haircut_bps: Bps
    reserve: ReservePolicy | None = omittable("whose statements count for the asset")
    price: PricePolicy | None = omittable("left out for the reporting currency (price 10^8)")


class ReservesConfig(Model):
    """The governed reserves configuration ``por-reserves-config/1`` in resolved form (§8.8), as the
    manifest publishes it: every asset with its decimals and haircut."""

    format: Annotated[Literal["por-reserves-config/1"], explain(f"must be {CONFIG_FORMAT}")]
    reporting_currency: AssetCode
    reporting_decimals: Decimals
    assets: Mapping[AssetCode, AssetConfig]


class ReservesConfigRef(Model):
    """The configuration's identity: the journal entry that set it and the SHA-256 of its canonical JSON (§9.4)."""

    seq: Annotated[int, Field(ge=1), explain("must be an integer >= 1 (a journal position)")]
    entry_hash: Hex32
    sha256: Hex32


class EpochContext(Model):
    """What every attestation of an epoch must match: epoch id, nonce, as-of window (§8.4)."""

    epoch_id: Text
    nonce: Hex32
    window_start: Time
    window_end: Time

    @model_validator(mode="after")
    def _window(self) -> EpochContext:
        if self.window_start > self.window_end:
            raise problem("window_end", "must not be before window_start")
        return self


class CustodianOutcome(Model):
    """One attestation's outcome in the manifest's reserves section (§9.4, §8.4)."""

    custodian_id: Text
    amount: Amount128
    counted: bool
    reason: Reason
    signers: Seq[Text]


class AssetReserves(Model):
    """An asset's counted reserves and every attestation's outcome (§9.4)."""

    amount: Amount128
    custodians: Seq[CustodianOutcome]


class Member(Model):
    """A member as a verifier sees it: roles, keys, revocation (§8.4, ``por-keyring/1``)."""

    id: MemberId
    roles: Seq[MemberRole]
    bls_public_key: Hex48 | None
    bls_pop: Hex96 | None
    ed25519_public_key: Hex32 | None
    revoked_at: Text | None


class Keyring(Model):
    """``keyring.json`` (``por-keyring/1``): the members, their roles, Ed25519 and BLS keys with
    proofs of possession (§9.3). Member ids are unique."""

    DOCUMENT: ClassVar[str] = "keyring.json"

    format: Annotated[Literal["por-keyring/1"], explain(f"must be {KEYRING_FORMAT}")]
    members: Seq[Member]

    @model_validator(mode="after")
    def _unique(self) -> Keyring:
        seen: set[str] = set()
        for i, m in enumerate(self.members):
            if m.id in seen:
                raise problem(f"members[{i}].id", f"member {m.id} appears twice in the keyring")
            seen.add(m.id)
        return self

    def to_bytes(self) -> bytes:
        """The file as the seal stage writes it (indented, sorted keys, no final newline)."""
        return _KEYRING_LAYOUT(self.to_json_value())


_KEYRING_LAYOUT = json_layout(indent=2, newline=False)


def parse_keyring(data: bytes) -> Keyring:
    """``keyring.json`` from its bytes (§9.3). Raises DocumentError naming the field."""
    return parse_bytes(Keyring, data, Keyring.DOCUMENT)
