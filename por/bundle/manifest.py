"""``manifest.json``: the signed manifest of an epoch bundle (docs/protocol.md §9.4).

``parse_manifest(data)`` takes the bytes received, requires them to be canonical JSON, and returns
a :data:`SignedManifest` (``Signed[ManifestBody]``) whose signatures are checked over exactly the
body bytes received. Besides every field's type, the body must hold the rules that tie its parts
together (§9.5 step 1): the columns are the tree description's, in order, with no column twice;
every column asset has decimals in ``assets`` and a price of record; the tree names the epoch.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, ClassVar, Literal

from pydantic import Field, ValidationError, ValidatorFunctionWrapHandler, WrapValidator, model_validator
from pydantic_core import PydanticCustomError

from por import PROTOCOL, canonical
from por.bundle._model import Model, document_error, load_json, omittable, problem
from por.bundle._types import (
    AssetCode,
    Bps,
    Count,
    Decimals,
    Hex32,
    LedgerTime,
    PositiveInt,
    Price,
    Seq,
    Seqno,
    StatementId,
    Text,
    Time,
    explain,
)
from por.bundle.ledger_log import LedgerLog
from por.bundle.reserves import AssetReserves, EpochContext, ReservesConfig, ReservesConfigRef
from por.bundle.signed import Signed, SignedBody
from por.bundle.solvency import Disclosure
from por.bundle.tree import Kind, TreeDescription
from por.errors import DocumentError

MANIFEST = "manifest.json"
MANIFEST_FORMAT = "por-manifest/1"
MANIFEST_PURPOSE = "v1/manifest"


def _format(value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
    try:
        return handler(value)
    except ValidationError:
        if isinstance(value, str) and value.startswith("por-manifest/"):
            msg = f"unsupported major version {value[:40]!r} (this reader: {MANIFEST_FORMAT})"
        else:
            msg = f"must be {MANIFEST_FORMAT} (or a minor version of it, {MANIFEST_FORMAT}.N)"
        raise PydanticCustomError("por", "{message}", {"message": msg}) from None


ManifestFormat = Annotated[str, Field(pattern=r"^por-manifest/1(?:\.[0-9]+)?$"), WrapValidator(_format)]
FilePath = Annotated[str, Field(min_length=1, max_length=4096), explain("must be a file path of the bundle")]


class ManifestColumn(Model):
    """A column of the tree, in the tree's order (§7.1)."""

    asset: AssetCode
    kind: Kind


class AssetDecimals(Model):
    """An asset's decimals, from the governed configuration (§9.4)."""

    decimals: Decimals


class StatementHash(Model):
    """A statement specification of the bundle: version and SHA-256 of its file (§9.4)."""

    version: Annotated[int, Field(ge=1, le=2**31 - 1), explain("must be an integer from 1 to 2^31 - 1")]
    sha256: Hex32


class PreviousManifest(Model):
    """The previous epoch: its id, ledger-log position and manifest hash (§9.4, §9.5 step 10)."""

    epoch_id: Text
    size: Seqno
    root: Hex32
    manifest_sha256: Hex32


class FileEntry(Model):
    """A listed file's SHA-256 and size in bytes (§9.4)."""

    sha256: Hex32
    size: Count


ColumnTotal = Annotated[int, Field(ge=0, lt=1 << 64), explain("must be an integer from 0 to 2^64 - 1")]


class ManifestBody(SignedBody):
    """The signed body ``S`` of a manifest (§9.4), every field typed."""

    PURPOSE: ClassVar[str] = MANIFEST_PURPOSE

    format: ManifestFormat
    protocol: Annotated[Literal["por-v1"], explain(f"must be {PROTOCOL} (this reader's protocol)")]
    epoch_id: Text
    journal_seq: Annotated[int, Field(ge=1, le=(1 << 63) - 1), explain("must be an integer >= 1")]
    cutoff_time: LedgerTime
    nonce: Hex32
    ledger_log: LedgerLog
    columns: Annotated[Seq[ManifestColumn], Field(min_length=1)]
    assets: Mapping[AssetCode, AssetDecimals]
    reporting_currency: AssetCode
    reporting_decimals: Decimals
    tree: TreeDescription
    statements: Mapping[StatementId, StatementHash]
    disclosure: Disclosure
    epoch_context: EpochContext
    reserves_config: ReservesConfig
    reserves_config_ref: ReservesConfigRef
    reserves: Mapping[Text, AssetReserves]
    prices: Mapping[AssetCode, Price]
    haircuts_bps: Mapping[AssetCode, Bps]
    collateral_prices: Mapping[AssetCode, PositiveInt]
    previous: PreviousManifest | None
    created_at: Time
    liabilities: Mapping[AssetCode, Mapping[Kind, ColumnTotal]] | None = omittable(
        "the root totals per asset and kind, only with public disclosure")
    files: Mapping[FilePath, FileEntry]

    @model_validator(mode="after")
    def _consistent(self) -> ManifestBody:
        pairs = [(c.asset, c.kind) for c in self.columns]
        if len(set(pairs)) != len(pairs):
            raise problem("columns", f"repeat a column: {pairs}")
        if self.tree.epoch_id != self.epoch_id:
            raise problem("tree.epoch_id", f"names epoch {self.tree.epoch_id!r:.60}, the manifest {self.epoch_id!r:.60}")
        if list(self.tree.columns) != pairs:
            raise problem("columns", f"{pairs} are not the tree description's columns {list(self.tree.columns)} "
                                     "(same assets and kinds, same order)")
        missing = sorted({a for a, _ in pairs} - set(self.assets))
        if missing:
            raise problem("assets", f"name no decimals for the column assets {missing}")
        unpriced = sorted({a for a, _ in pairs} - set(self.prices))
        if unpriced:
            raise problem("prices", f"have no price of record for the column assets {unpriced}")
        return self


#: the manifest: ``{"signed": ManifestBody, "signatures": [...]}`` (§9.4)
SignedManifest = Signed[ManifestBody]


def parse_manifest(data: bytes) -> SignedManifest:
    """The manifest from the bytes of ``manifest.json`` (§9.4): canonical JSON, every field typed.

    The signatures are to be verified with :meth:`Signed.verify` over the body bytes received.

    Raises:
        DocumentError: not canonical JSON, or any field missing, unknown or malformed (the message
            names the field path, e.g. ``manifest.json: signed.tree.height: must be an integer from 1 to 40``).
    """
    value = load_json(data, MANIFEST, require_canonical=True)
    try:
        parsed = SignedManifest.model_validate(value)
    except ValidationError as exc:
        raise document_error(MANIFEST, exc) from None
    except RecursionError:
        raise DocumentError(MANIFEST, "", "nested too deeply") from None
    parsed._body = canonical.dumps(value["signed"])  # the bytes received (the file is canonical)
    return parsed
