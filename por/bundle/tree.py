"""The liabilities tree as published: its column grammar, its description in the manifest, and the
client inclusion proof ``por-client-proof/2`` (docs/protocol.md §7.1, §7.5, §7.10, §9.4).

Only encodings and lengths are checked here (hex, base64, decimal strings, ranges, the block size,
one entry per level); commitments are not decoded and hashes not recomputed: the verifiers do that.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, ClassVar, Literal

from pydantic import ConfigDict, Field, ValidatorFunctionWrapHandler, WrapValidator, model_validator
from pydantic_core import PydanticCustomError

from por import PROTOCOL
from por.bundle._model import Model, json_layout, omittable, parse_bytes, problem
from por.bundle._types import (
    AccountId,
    AssetCode,
    Base64,
    Bps,
    DecimalString,
    DecimalU64,
    Hex32,
    HexBytes,
    NoBool,
    Seq,
    StatementId,
    Text,
    decimal_rule,
    explain,
)

KINDS = ("equity", "debt")
MODES = ("committed", "plain")
PROOF_ENCODINGS = ("linear", "compressed")
#: a tree description without ``proof_encoding`` describes a compressed tree (§7.5)
DEFAULT_DESCRIBED_ENCODING = "compressed"
LEAF_FORMAT = "por-leaf/2"
OLD_LEAF_FORMATS = {"por-leaf/1": "leaf ids not bound to the account id (two accounts could share one leaf)"}
CLIENT_FORMAT = "por-client-proof/2"
OLD_CLIENT_FORMATS = {"por-client-proof/1": "leaf format por-leaf/1"}
MAX_HEIGHT = 40  # §7.3
MAX_BLOCK_CLAIMS = 64  # claims per aggregated node-range proof (por.crypto.rangeproof.MAX_M, §7.5)
STATEMENT_BITS = (8, 16, 32, 64, 128)  # por.crypto.rangeproof.ALLOWED_BITS

Kind = Annotated[Literal["equity", "debt"], explain("must be equity or debt")]
Mode = Annotated[Literal["committed", "plain"], explain("must be committed or plain")]
Height = Annotated[int, Field(ge=1, le=MAX_HEIGHT), explain(f"must be an integer from 1 to {MAX_HEIGHT}")]
#: a column value shown in a proof: a commitment (committed mode) or a sum (plain mode)
ColumnValue = Annotated[str, Field(pattern=r"^(?:[0-9a-f]{96}|0|[1-9][0-9]{0,39})$"),
                        decimal_rule(None, "must be a 48-byte hex commitment or a decimal sum")]
#: a column as the tree names it: ``[asset, kind]`` (§7.1)
ColumnPair = Annotated[tuple[AssetCode, Kind], Field(strict=False)]
StoreName = Annotated[str, Field(pattern=r"^[^./\\][^/\\]*$"),
                      explain("must name a file of the bundle's top level")]


_HEX48 = r"^[0-9a-f]{96}$"
_SUM = r"^(0|[1-9][0-9]{0,39})$"


def leaf_format_problem(value: object) -> str | None:
    """None when ``value`` is :data:`LEAF_FORMAT`, else why it is refused (§7.2)."""
    if value == LEAF_FORMAT:
        return None
    if value is None:
        return (f"no leaf format recorded: a tree or proof of leaf format por-leaf/1 "
                f"({OLD_LEAF_FORMATS['por-leaf/1']}), refused; this verifier accepts {LEAF_FORMAT} only")
    if isinstance(value, str) and value in OLD_LEAF_FORMATS:
        return (f"leaf format {value} ({OLD_LEAF_FORMATS[value]}) is refused; this verifier accepts "
                f"{LEAF_FORMAT} only")
    return f"unknown leaf format {value!r:.60}; this verifier accepts {LEAF_FORMAT} only"


def block_size_problem(value: object, k: int, mode: str = "committed") -> str | None:
    """None when ``value`` is a usable block size for ``k`` columns, else why not (§7.5): an integer,
    not a boolean, a power of two >= 1 with ``B·k <= 64`` (plain mode: ``B <= 64``)."""
    if isinstance(value, bool) or not isinstance(value, int):
        return f"block size {value!r:.40} is not an integer"
    limit = MAX_BLOCK_CLAIMS // max(k, 1) if mode == "committed" else MAX_BLOCK_CLAIMS
    if value < 1 or value & (value - 1):
        return f"block size {value} is not a power of two >= 1"
    if value > limit:
        return (f"block size {value} is beyond the node-range statement's range (at most {MAX_BLOCK_CLAIMS} "
                f"claims per proof: a power of two <= {limit} for {k} column(s))")
    return None


def _leaf_format(value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
    bad = leaf_format_problem(value)
    if bad is not None:
        raise PydanticCustomError("por", "{message}", {"message": bad})
    return handler(value)


LeafFormat = Annotated[Literal["por-leaf/2"], WrapValidator(_leaf_format)]
#: the block size's own range; its bound against the column count is checked by the model
BlockSize = Annotated[int, Field(ge=1, le=MAX_BLOCK_CLAIMS, json_schema_extra={"enum": [1, 2, 4, 8, 16, 32, 64]}),
                      explain(f"must be a power of two from 1 to {MAX_BLOCK_CLAIMS}")]


def _missing_leaf_format(data: Any) -> None:
    if isinstance(data, dict) and "leaf_format" not in data:
        raise problem("leaf_format", str(leaf_format_problem(None)))


def _repeated(pairs: list[tuple[str, str]]) -> str | None:
    seen: set[tuple[str, str]] = set()
    for a, k in pairs:
        if (a, k) in seen:
            return f"({a}, {k}) appears twice"
        seen.add((a, k))
    return None


class StatementRef(Model):
    """A statement specification a tree's proofs use: id, version, SHA-256 and bit width (§5, §7.9)."""

    id: StatementId
    version: Annotated[int, Field(ge=1, le=2**31 - 1), explain("must be an integer from 1 to 2^31 - 1")]
    sha256: Hex32
    bits: Annotated[Literal[8, 16, 32, 64, 128], NoBool, explain("must be one of 8, 16, 32, 64, 128")]


def _check_block_and_root(mode: str, k: int, block_size: int, root: tuple[str, ...], root_at: str,
                          block_at: str = "block_size") -> None:
    bad = block_size_problem(block_size, k, mode)
    if bad is not None:
        raise problem(block_at, bad)
    if len(root) != k:
        raise problem(root_at, f"must list {k} columns (one per column)")
    hexed = all(len(x) == 96 for x in root)
    if mode == "committed" and not hexed:
        raise problem(root_at, "must be a list of 48-byte hex commitments (committed mode)")
    if mode == "plain" and any(len(x) == 96 for x in root):
        raise problem(root_at, "must be a list of decimal sums (plain mode)")


class TreeDescription(Model):
    """The manifest's ``tree``: what the store must be (§7.9, §7.11 ``tree.expected``, §9.4).

    ``proof_encoding`` absent means compressed; ``leaf_count`` appears only with public disclosure.
    """

    mode: Mode
    epoch_id: Text
    columns: Annotated[Seq[ColumnPair], Field(min_length=1)]
    height: Height
    block_size: BlockSize
    root_hash: Hex32
    root: Seq[ColumnValue]
    context: HexBytes
    statements: Mapping[StatementId, StatementRef]
    leaf_format: LeafFormat
    store: StoreName
    proof_encoding: Literal["linear", "compressed"] | None = omittable("absent: compressed (§7.5)")
    leaf_count: Annotated[int, Field(ge=1), explain("must be an integer >= 1")] | None = omittable(
        "only with public disclosure (§9.4)")

    @model_validator(mode="before")
    @classmethod
    def _leaf_format_recorded(cls, data: Any) -> Any:
        _missing_leaf_format(data)
        return data

    @model_validator(mode="after")
    def _consistent(self) -> TreeDescription:
        bad = _repeated(list(self.columns))
        if bad is not None:
            raise problem("columns", bad)
        _check_block_and_root(self.mode, len(self.columns), self.block_size, self.root, "root")
        return self

    @property
    def encoding(self) -> str:
        """The proof encoding this description names (absent: compressed)."""
        return self.proof_encoding or DEFAULT_DESCRIBED_ENCODING


# ---- the client proof --------------------------------------------------------------------------------

class Sibling(Model):
    """The sibling of the path node at one level: its leaf id (level 0) or its two children's hashes
    (above), and its columns, from which the client recomputes its hash (§7.4, §7.10)."""

    leaf_id: Hex32 | None = omittable("level 0 only")
    children: Annotated[Seq[Hex32], Field(min_length=2, max_length=2)] | None = omittable("levels above 0 only")
    columns: Seq[ColumnValue]


class Block(Model):
    """The range-proof block holding the sibling at one level (committed mode, §7.5)."""

    index: Annotated[int, Field(ge=0, lt=1 << 62), explain("must be an integer from 0 to 2^62 - 1")]
    commitments: Base64
    proof: Base64 | None


class PathEntry(Model):
    """One level of a client's path, from the leaf (level 0) up (§7.10)."""

    level: Annotated[int, Field(ge=0, lt=MAX_HEIGHT), explain(f"must be an integer from 0 to {MAX_HEIGHT - 1}")]
    sibling: Sibling
    block: Block | None = omittable("committed mode only")


class Collateral(Model):
    """The client's collateral section when it has debt: the prices (per minor unit) and haircuts
    its proof was made at, and the proof (committed mode; ``null`` when not proven) (§7.8)."""

    prices: Mapping[AssetCode, DecimalString]
    haircuts_bps: Mapping[AssetCode, Bps]
    #: committed mode only (``null`` while unproven); absent in plain mode
    proof: Base64 | None = None


class ProofRoot(Model):
    """The root the path folds to: its hash and columns (§7.10)."""

    hash: Hex32
    columns: Seq[ColumnValue]


def _client_format(value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
    if isinstance(value, str) and value in OLD_CLIENT_FORMATS:
        raise PydanticCustomError("por", "{message}", {"message": (
            f"format {value} ({OLD_CLIENT_FORMATS[value]}: {OLD_LEAF_FORMATS['por-leaf/1']}) is refused: "
            f"ask the operator for a {CLIENT_FORMAT} proof")})
    if value != CLIENT_FORMAT:
        raise PydanticCustomError("por", "{message}", {"message": f"must be {CLIENT_FORMAT} (found {value!r:.60})"})
    return handler(value)


class ClientProof(Model):
    """A client's inclusion proof ``por-client-proof/2`` (§7.10): private to the client (it carries
    the leaf secret), never in the bundle. Fields in the order the client verifier reads them."""

    DOCUMENT: ClassVar[str] = "client proof"
    model_config = ConfigDict(json_schema_extra={"allOf": [{
        "if": {"properties": {"mode": {"const": "committed"}}},
        "then": {"properties": {
            "path": {"items": {"required": ["block"],
                               "properties": {"sibling": {"properties": {"columns": {"items": {"pattern": _HEX48}}}}}}},
            "root": {"properties": {"columns": {"items": {"pattern": _HEX48}}}},
            "collateral": {"anyOf": [{"type": "null"}, {"required": ["proof"]}]}}},
        "else": {"properties": {
            "path": {"items": {"not": {"required": ["block"]},
                               "properties": {"sibling": {"properties": {"columns": {"items": {"pattern": _SUM}}}}}}},
            "root": {"properties": {"columns": {"items": {"pattern": _SUM}}}},
            "collateral": {"not": {"type": "object", "required": ["proof"]}}}},
    }]})

    format: Annotated[Literal["por-client-proof/2"], WrapValidator(_client_format)]
    leaf_format: LeafFormat
    protocol: Annotated[Literal["por-v1"], explain(f"must be {PROTOCOL}")]
    mode: Mode
    epoch_id: Text
    columns: Annotated[Seq[ColumnPair], Field(min_length=1)]
    account_id: AccountId
    height: Height
    block_size: BlockSize
    context: HexBytes
    values: Seq[DecimalU64]
    leaf_secret: Hex32
    position: Annotated[int, Field(ge=0, lt=1 << MAX_HEIGHT), explain("must be an integer from 0 to 2^40 - 1")]
    path: Seq[PathEntry]
    root: ProofRoot
    statements: Mapping[StatementId, StatementRef]
    collateral: Collateral | None
    manifest_sha256: Hex32 | None = omittable("added by the pipeline when it publishes (§9.2)")

    @model_validator(mode="before")
    @classmethod
    def _leaf_format_recorded(cls, data: Any) -> Any:
        if isinstance(data, dict) and data.get("format") == CLIENT_FORMAT:
            _missing_leaf_format(data)
        return data

    @model_validator(mode="after")
    def _consistent(self) -> ClientProof:
        k, h, committed = len(self.columns), self.height, self.mode == "committed"
        bad = _repeated(list(self.columns))
        if bad is not None:
            raise problem("columns", bad)
        bad = block_size_problem(self.block_size, k, self.mode)
        if bad is not None:
            raise problem("block_size", bad)
        if len(self.values) != k:
            raise problem("values", f"must be a list of {k} decimal strings (one per column)")
        if self.position >= 1 << h:
            raise problem("position", f"must be an integer in [0, 2^{h})")
        if len(self.path) != h:
            raise problem("path", f"path must list {h} levels, one per level of the tree")
        for level, entry in enumerate(self.path):
            _check_entry(entry, level, k, committed)
        _check_block_and_root(self.mode, k, self.block_size, self.root.columns, "root.columns")
        if self.collateral is not None and ("proof" in self.collateral.model_fields_set) != committed:
            raise problem("collateral.proof", "is missing (committed mode: the collateral proof or null)"
                          if committed else "is not written in plain mode (no proofs)")
        return self

    def to_bytes(self) -> bytes:
        """The file as the publisher writes it (sorted keys, compact, ASCII)."""
        return _CLIENT_LAYOUT(self.to_json_value())


_CLIENT_LAYOUT = json_layout(indent=None, newline=False)


def _check_entry(entry: PathEntry, level: int, k: int, committed: bool) -> None:
    at = f"path[{level}]"
    sib = entry.sibling
    if entry.level != level:
        raise problem(f"{at}.level", f"must be {level}")
    if level == 0 and (sib.leaf_id is None or sib.children is not None):
        raise problem(f"{at}.sibling", "must give the sibling's leaf_id (and no children) at level 0")
    if level > 0 and (sib.children is None or sib.leaf_id is not None):
        raise problem(f"{at}.sibling", "must give the sibling's two children (and no leaf_id) above level 0")
    if len(sib.columns) != k:
        raise problem(f"{at}.sibling.columns", f"must list {k} columns")
    if committed:
        if any(len(c) != 96 for c in sib.columns):
            raise problem(f"{at}.sibling.columns", "must be 48-byte hex commitments (committed mode)")
        if entry.block is None:
            raise problem(f"{at}.block", "is missing (committed mode: the sibling's range-proof block)")
    else:
        if any(len(c) == 96 for c in sib.columns):
            raise problem(f"{at}.sibling.columns", "must be decimal sums (plain mode)")
        if entry.block is not None:
            raise problem(f"{at}.block", "is not written in plain mode (no range proofs)")


def parse_client_proof(data: bytes) -> ClientProof:
    """A client proof from the bytes of its file (§7.10).

    Raises:
        DocumentError: the bytes are not a well-formed ``por-client-proof/2`` proof (the message
            names the field, e.g. ``client proof: path[3].block.proof: must be standard base64``).
    """
    return parse_bytes(ClientProof, data, ClientProof.DOCUMENT)


