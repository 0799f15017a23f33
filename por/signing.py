"""One domain-separation scheme for every signature por makes or checks (docs/protocol.md §1.1).

Every signature, Ed25519 or BLS, is over ``domain(purpose) || message`` with
``domain(purpose) = "por/" + purpose + 0x00``. Purposes are registered here and nowhere else; none
contains 0x00, so no domain is a prefix of another and a signature made for one purpose never
verifies for another (a manifest signature is not a report signature, a journal entry signature
is not a price report signature). BLS proofs of possession use the ciphersuite's own DST_POP
(RFC draft-irtf-cfrg-bls-signature-05), a different hash-to-curve domain from every message here.
"""

from __future__ import annotations

from por.errors import UsageError

#: purpose -> what is signed (docs/protocol.md §1.1 lists the same table)
PURPOSES: dict[str, str] = {
    "v1/manifest": "an epoch manifest's signed body (§9.4)",
    "v1/ledger/entry": "a ledger journal entry body, format 1 (§10.2; verification of old journals only)",
    "v2/ledger/entry": "a ledger journal entry with its place: seq, prev and body (§10.2)",
    "v1/report": "a regulator report file's bytes (§11.5)",
    "v1/reserve-attestation": "a custodian's reserve attestation statement (§8.2)",
    "v1/price-report": "an oracle's price report bound to an epoch (§8.5)",
}


def domain(purpose: str) -> bytes:
    """The prefix of every message signed for ``purpose``; refuses an unregistered purpose."""
    if purpose not in PURPOSES:
        raise UsageError(f"unknown signature purpose {purpose!r}")
    return b"por/" + purpose.encode() + b"\x00"


def signing_input(purpose: str, message: bytes) -> bytes:
    """The exact bytes a signer for ``purpose`` signs."""
    return domain(purpose) + message
