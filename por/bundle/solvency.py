"""``solvency.json`` (``por-solvency-set/1``): one ``por-solvency/1`` proof per asset that reserves
cover equity minus debt at the tree root (docs/protocol.md §8.7, §9.3)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, ClassVar, Literal

from pydantic import Field, model_validator

from por.bundle._model import Model, json_layout, omittable, parse_bytes, problem
from por.bundle._types import Amount128, AssetCode, Hex32, Hex48, NonEmptyHex, Text, explain
from por.bundle.tree import Kind

SET_FORMAT = "por-solvency-set/1"
PROOF_FORMAT = "por-solvency/1"
DISCLOSURES = ("hidden", "auditor", "public")

Disclosure = Annotated[Literal["hidden", "auditor", "public"], explain("must be hidden, auditor or public")]


class Opening(Model):
    """A root column's value and blinding (published with ``public`` disclosure, §8.7)."""

    value: Annotated[int, Field(ge=0, lt=1 << 64), explain("must be an integer from 0 to 2^64 - 1")]
    blinding: Hex32


class SolvencyCommitments(Model):
    """The asset's root commitments: the columns the tree has (§8.7)."""

    equity: Hex48 | None = omittable("the equity column's root commitment, when the tree has it")
    debt: Hex48 | None = omittable("the debt column's root commitment, when the tree has it")

    @model_validator(mode="after")
    def _some(self) -> SolvencyCommitments:
        if not self.model_fields_set & {"equity", "debt"}:
            raise problem("equity", "is missing (a solvency proof names the equity and/or debt commitment)")
        return self


class SolvencyProof(Model):
    """A ``por-solvency/1`` proof of one asset (§8.7)."""

    format: Annotated[Literal["por-solvency/1"], explain(f"must be {PROOF_FORMAT}")]
    statement: Annotated[Literal["solvency"], explain("must be solvency")]
    asset: AssetCode
    epoch_id: Text
    nonce: Hex32
    reserves: Amount128
    commitments: SolvencyCommitments
    disclosure: Disclosure
    proof: NonEmptyHex
    openings: Mapping[Kind, Opening] | None = omittable("only with public disclosure")


class SolvencySet(Model):
    """``solvency.json``: the proofs by asset (§9.3)."""

    DOCUMENT: ClassVar[str] = "solvency.json"

    format: Annotated[Literal["por-solvency-set/1"], explain(f"must be {SET_FORMAT}")]
    proofs: Mapping[AssetCode, SolvencyProof]

    @model_validator(mode="after")
    def _keys(self) -> SolvencySet:
        for asset, p in self.proofs.items():
            if p.asset != asset:
                raise problem(f"proofs.{asset}.asset", f"must be {asset}, the proof's key")
        return self

    def to_bytes(self) -> bytes:
        """The file as the pipeline writes it (indented, sorted keys, final newline)."""
        return _LAYOUT(self.to_json_value())


_LAYOUT = json_layout(indent=2, newline=True)


def parse_solvency(data: bytes) -> SolvencySet:
    """``solvency.json`` from its bytes (§9.3). Raises DocumentError naming the field."""
    return parse_bytes(SolvencySet, data, SolvencySet.DOCUMENT)
