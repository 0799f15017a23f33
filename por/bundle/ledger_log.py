"""``ledger-log.json`` and the manifest's ``ledger_log``: the ledger's transparency-log position at
the cut-off and the RFC 9162 consistency proof from the previous epoch's (docs/protocol.md §9.3, §10.3).
"""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal

from pydantic import Field

from por.bundle._model import Model, json_layout, parse_bytes
from por.bundle._types import Bit, Count, Hex32, OnlyBool, Seq, Seqno, Text, explain

CONSISTENCY_TYPE = "por-log-consistency/1"
MAX_PROOF_PATH = 128  # pymerkle's bound on a proof's path (2 x 64 levels)


class LogPosition(Model):
    """The previous epoch's log position (§9.3)."""

    epoch_id: Text
    size: Seqno
    root: Hex32


class MerkleProofMetadata(Model):
    """pymerkle's metadata of a consistency proof: SHA-256 with security on (§10.3)."""

    algorithm: Annotated[Literal["sha256"], explain("must be sha256")]
    security: Annotated[Literal[True], OnlyBool, explain("must be true")]
    size: Count
    prior_size: Count


class MerkleConsistencyProof(Model):
    """pymerkle's serialised consistency proof (``{type, metadata, rule, subset, path}``, §10.3)."""

    type: Annotated[Literal["consistency"], explain("must be consistency")]
    metadata: MerkleProofMetadata
    rule: Annotated[Seq[Bit], Field(max_length=MAX_PROOF_PATH)]
    subset: Annotated[Seq[Bit], Field(max_length=MAX_PROOF_PATH)]
    path: Annotated[Seq[Hex32], Field(max_length=MAX_PROOF_PATH)]


class ConsistencyProof(Model):
    """What ``Ledger.consistency_proof(old, new)`` returns: both positions and pymerkle's proof
    (``null`` from an empty log) (§10.3)."""

    type: Annotated[Literal["por-log-consistency/1"], explain(f"must be {CONSISTENCY_TYPE}")]
    old_size: Count
    new_size: Count
    old_root: Hex32
    new_root: Hex32
    proof: MerkleConsistencyProof | None


class LedgerLog(Model):
    """``{size, root, previous, consistency_proof}``: the log at ``journal_seq`` and its consistency
    with the previous epoch's (both ``null`` for a first epoch) (§9.3)."""

    DOCUMENT: ClassVar[str] = "ledger-log.json"

    size: Seqno
    root: Hex32
    previous: LogPosition | None
    consistency_proof: ConsistencyProof | None

    def to_bytes(self) -> bytes:
        """The file as the pipeline writes it (indented, sorted keys, final newline)."""
        return _LAYOUT(self.to_json_value())


_LAYOUT = json_layout(indent=2, newline=True)


def parse_ledger_log(data: bytes) -> LedgerLog:
    """``ledger-log.json`` from its bytes (§9.3). Raises DocumentError naming the field."""
    return parse_bytes(LedgerLog, data, LedgerLog.DOCUMENT)
