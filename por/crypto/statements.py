"""Statements of por-v1 (low-level): "a public linear combination of committed values lies in [0, 2^n)".

Each statement is a versioned TOML file in ``circuits/`` (package ``por.circuits``); :func:`load`
validates it and records the SHA-256 of its bytes, which a bundle records and a verifier compares.
One prover and one verifier serve every statement: combine each claim's commitments with its public
coefficients (plus constant·G), pad the claims to a power of two with the zero claim, and prove all
combined values in range with one aggregated Bulletproofs proof whose transcript context binds the
statement (id, version, spec hash, bits), the claims (count, commitments, coefficients, constants)
and the caller's context. The proof is made and read in the encoding the statement names
(``encoding`` in the file, absent = compressed; :attr:`Statement.encoding`), never another.
docs/protocol.md is normative.
"""

from __future__ import annotations

import hashlib
import importlib.resources
import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from por import PROTOCOL
from por.crypto import rangeproof
from por.crypto.backend import IDENTITY_BYTES, POINT_BYTES, GroupBackend, get_backend
from por.crypto.fixed_base import pedersen_tables
from por.crypto.pedersen import combine
from por.crypto.scalar import R, RandomSource
from por.errors import EncodingError, RangeError, SpecError, UsageError

FORMAT = "por-statement/1"

CONTEXT_LABEL = b"por/v1/statement"
_ID_RE = re.compile(r"^[a-z][a-z0-9-]{0,62}\Z")
_TOP_KEYS = {"format", "protocol", "id", "version", "bits", "encoding", "title", "summary", "math",
             "input_bound_bits", "inputs", "coefficients", "constant", "claim"}
_CLAIM_KEYS = {"inputs", "min_inputs", "max_inputs", "coefficients", "constant"}


@dataclass(frozen=True, slots=True)
class Statement:
    """A loaded statement: ``sha256`` is the hex SHA-256 of the file's exact bytes."""

    id: str
    version: int
    bits: int
    sha256: str
    spec: dict[str, Any]

    @property
    def encoding(self) -> str:
        """The range-proof encoding the statement names (docs/protocol.md §5.1): ``"compressed"`` when
        the file has no ``encoding`` key (every statement written before the key existed), else the key's
        value. Read from the spec, whose bytes the hash covers, so it cannot differ from the file's."""
        return str(self.spec.get("encoding", rangeproof.COMPRESSED))

    def require_hash(self, expected_hex: str) -> None:
        """Raise SpecError unless the bundle's recorded hash equals this file's."""
        if not isinstance(expected_hex, str) or expected_hex.lower() != self.sha256:
            raise SpecError(f"statement {self.id}: specification hash {expected_hex!r} does not match "
                            f"the file's {self.sha256}")


@dataclass(frozen=True, slots=True)
class Claim:
    """Public: input commitments, integer coefficients, integer constant."""

    commitments: tuple[bytes, ...]
    coefficients: tuple[int, ...]
    constant: int = 0


@dataclass(frozen=True, slots=True)
class Opening:
    """Secret: the values and blindings of a claim's commitments, in order."""

    values: tuple[int, ...]
    blindings: tuple[int, ...]


# --- loading --------------------------------------------------------------------------------------


def statement_ids() -> list[str]:
    """The statements shipped in ``por.circuits`` (file stems), sorted."""
    root = importlib.resources.files("por.circuits")
    return sorted(p.name[:-5] for p in root.iterdir() if p.name.endswith(".toml"))


def _int(spec: dict[str, Any], key: str, lo: int, hi: int, where: str) -> int:
    v = spec.get(key)
    if isinstance(v, bool) or not isinstance(v, int) or not lo <= v <= hi:
        raise SpecError(f"{where}: {key!r} must be an integer in [{lo}, {hi}]")
    return v


def _validate(name: str, spec: dict[str, Any]) -> None:
    where = f"statement {name}"
    unknown = set(spec) - _TOP_KEYS
    if unknown:
        raise SpecError(f"{where}: unknown field(s) {sorted(unknown)}")
    if spec.get("format") != FORMAT:
        raise SpecError(f"{where}: format must be {FORMAT!r}")
    if spec.get("protocol") != PROTOCOL:
        raise SpecError(f"{where}: protocol must be {PROTOCOL!r}")
    if spec.get("id") != name or not _ID_RE.match(name):
        raise SpecError(f"{where}: id must equal the file name")
    _int(spec, "version", 1, 2**31 - 1, where)
    if spec.get("bits") not in rangeproof.ALLOWED_BITS or isinstance(spec.get("bits"), bool):
        raise SpecError(f"{where}: bits must be one of {rangeproof.ALLOWED_BITS}")
    if "encoding" in spec and spec["encoding"] not in rangeproof.ENCODINGS:
        raise SpecError(f"{where}: encoding must be one of {rangeproof.ENCODINGS} (absent: compressed)")
    _int(spec, "input_bound_bits", 1, 128, where)
    for key in ("title", "summary", "math"):
        if not isinstance(spec.get(key), str) or not spec[key].strip():
            raise SpecError(f"{where}: {key!r} must be a non-empty string")
    inputs = spec.get("inputs")
    if not isinstance(inputs, list) or not inputs:
        raise SpecError(f"{where}: 'inputs' must be a non-empty array of tables")
    names = []
    for inp in inputs:
        if not isinstance(inp, dict) or set(inp) != {"name", "kind", "description"} \
                or not all(isinstance(v, str) and v for v in inp.values()) or inp["kind"] != "commitment":
            raise SpecError(f"{where}: each input has exactly name, kind = 'commitment', description")
        names.append(inp["name"])
    coefs = spec.get("coefficients")
    if not isinstance(coefs, dict) or set(coefs) != set(names) or not all(isinstance(v, str) for v in coefs.values()):
        raise SpecError(f"{where}: 'coefficients' must describe the role of every input, and only those")
    const = spec.get("constant")
    if not isinstance(const, dict) or set(const) != {"value"} or not isinstance(const["value"], str):
        raise SpecError(f"{where}: 'constant' must be a table with one string 'value'")
    claim = spec.get("claim")
    if not isinstance(claim, dict) or set(claim) - _CLAIM_KEYS:
        raise SpecError(f"{where}: 'claim' must be a table with keys among {sorted(_CLAIM_KEYS)}")
    if "inputs" in claim:
        k = _int(claim, "inputs", 1, 4096, where + " claim")
        if "min_inputs" in claim or "max_inputs" in claim:
            raise SpecError(f"{where}: claim gives either inputs or min_inputs/max_inputs")
    else:
        lo = _int(claim, "min_inputs", 1, 4096, where + " claim")
        hi = _int(claim, "max_inputs", lo, 4096, where + " claim")
        k = -1
        _ = hi
    if "coefficients" in claim:
        cs = claim["coefficients"]
        if not isinstance(cs, list) or len(cs) != k or not all(isinstance(c, int) and not isinstance(c, bool)
                                                                 for c in cs):
            raise SpecError(f"{where}: claim.coefficients must be {k} integers")
    if "constant" in claim and (isinstance(claim["constant"], bool) or not isinstance(claim["constant"], int)):
        raise SpecError(f"{where}: claim.constant must be an integer")


@cache
def load(name: str) -> Statement:
    """Load and validate ``circuits/<name>.toml``.

    Raises:
        SpecError: unknown name, unreadable file, or any field missing, unknown or wrong.
    """
    if not isinstance(name, str) or not _ID_RE.match(name) or name not in statement_ids():
        raise SpecError(f"unknown statement {name!r}; known: {', '.join(statement_ids())}")
    data = importlib.resources.files("por.circuits").joinpath(f"{name}.toml").read_bytes()
    return load_bytes(name, data)


def load_bytes(name: str, data: bytes) -> Statement:
    """Validate a specification given as bytes (a verifier reading it from a bundle)."""
    try:
        spec = tomllib.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise SpecError(f"statement {name}: not valid UTF-8 TOML ({exc})") from exc
    _validate(name, spec)
    return Statement(spec["id"], spec["version"], spec["bits"], hashlib.sha256(data).hexdigest(), spec)


# --- claims ---------------------------------------------------------------------------------------


def _check_claims(stmt: Statement, claims: Sequence[Claim]) -> None:
    """Shape, the spec's fixed parts, and the no-wrap bound; UsageError/RangeError otherwise."""
    if not isinstance(claims, (list, tuple)) or not 1 <= len(claims) <= rangeproof.MAX_M:
        raise UsageError(f"between 1 and {rangeproof.MAX_M} claims per proof")
    shape = stmt.spec["claim"]
    limit = R - (1 << stmt.bits)
    in_bound = (1 << stmt.spec["input_bound_bits"]) - 1
    for i, c in enumerate(claims):
        if not isinstance(c, Claim):
            raise UsageError(f"claim {i} is not a Claim")
        k = len(c.commitments)
        if k != len(c.coefficients) or k == 0:
            raise UsageError(f"claim {i}: {k} commitments but {len(c.coefficients)} coefficients")
        if "inputs" in shape and k != shape["inputs"]:
            raise UsageError(f"claim {i}: {stmt.id} takes {shape['inputs']} input(s), got {k}")
        if "min_inputs" in shape and not shape["min_inputs"] <= k <= shape["max_inputs"]:
            raise UsageError(f"claim {i}: {stmt.id} takes {shape['min_inputs']}..{shape['max_inputs']} inputs")
        if "coefficients" in shape and list(c.coefficients) != shape["coefficients"]:
            raise UsageError(f"claim {i}: {stmt.id} fixes the coefficients to {shape['coefficients']}")
        if "constant" in shape and c.constant != shape["constant"]:
            raise UsageError(f"claim {i}: {stmt.id} fixes the constant to {shape['constant']}")
        for cm in c.commitments:
            if not isinstance(cm, bytes) or len(cm) != POINT_BYTES:
                raise UsageError(f"claim {i}: a commitment is {POINT_BYTES} bytes")
        for v in (*c.coefficients, c.constant):
            if isinstance(v, bool) or not isinstance(v, int):
                raise UsageError(f"claim {i}: coefficients and constant are integers")
        bound = sum(abs(v) for v in c.coefficients) * in_bound + abs(c.constant)
        if bound >= limit:
            raise RangeError(f"claim {i}: coefficients too large, the combination could wrap modulo r")


def _signed(v: int) -> bytes:
    return (b"\x01" if v < 0 else b"\x00") + abs(v).to_bytes(32, "big")


def transcript_context(stmt: Statement, claims: Sequence[Claim], m: int, context: bytes) -> bytes:
    """The bytes the range proof's transcript absorbs as its context (fixed width, length-prefixed)."""
    out = [CONTEXT_LABEL, len(stmt.id).to_bytes(2, "big"), stmt.id.encode(), stmt.version.to_bytes(4, "big"),
           bytes.fromhex(stmt.sha256), stmt.bits.to_bytes(4, "big"), m.to_bytes(4, "big"),
           len(claims).to_bytes(4, "big")]
    for c in claims:
        out.append(len(c.commitments).to_bytes(4, "big"))
        out.extend(c.commitments)
        out.extend(_signed(k) for k in c.coefficients)
        out.append(_signed(c.constant))
    out.append(len(context).to_bytes(8, "big"))
    out.append(bytes(context))
    return b"".join(out)


def combined_commitment(claim: Claim, backend: GroupBackend | None = None) -> bytes:
    """Σ coef_i·C_i + constant·G: the commitment to the combined value (pedersen.combine).

    Raises:
        EncodingError: a commitment that does not decode.
    """
    return combine(list(claim.commitments), list(claim.coefficients), claim.constant, backend=backend)


def _combined_for_proof(claim: Claim, be: GroupBackend) -> bytes:
    # The common node-range case is the commitment itself; the range proof decodes it strictly.
    if claim.coefficients == (1,) and claim.constant == 0:
        return claim.commitments[0]
    return combined_commitment(claim, be)


def _padded_m(count: int) -> int:
    m = 1
    while m < count:
        m *= 2
    return m


# --- prove / verify -------------------------------------------------------------------------------


def prove(stmt: Statement, claims: list[Claim], openings: list[Opening], *, context: bytes = b"",
          rng: RandomSource | None = None, backend: GroupBackend | None = None) -> bytes:
    """One aggregated range proof that every claim's combined value lies in [0, 2^bits).

    Raises:
        RangeError: a combined value outside [0, 2^bits) (naming the claim), an input value outside
            [0, 2^input_bound_bits), or coefficients large enough to wrap modulo r.
        UsageError: claims or openings of the wrong shape, or an opening that does not match its
            commitment.
    """
    be = backend or get_backend()
    _check_claims(stmt, claims)
    if not isinstance(openings, (list, tuple)) or len(openings) != len(claims):
        raise UsageError(f"{len(claims)} claims but {len(openings)} openings")
    in_bits = stmt.spec["input_bound_bits"]
    values: list[int] = []
    blindings: list[int] = []
    for i, (c, o) in enumerate(zip(claims, openings, strict=True)):
        if not isinstance(o, Opening) or len(o.values) != len(c.commitments) or len(o.blindings) != len(o.values):
            raise UsageError(f"opening {i} does not have one value and one blinding per commitment")
        for v in (*o.values, *o.blindings):
            if isinstance(v, bool) or not isinstance(v, int):
                raise UsageError(f"opening {i}: values and blindings are integers")
        for v in o.values:
            if not 0 <= v < (1 << in_bits):
                raise RangeError(f"claim {i}: an input value is outside [0, 2^{in_bits})")
        x = sum(k * v for k, v in zip(c.coefficients, o.values, strict=True)) + c.constant
        if not 0 <= x < (1 << stmt.bits):
            raise RangeError(f"claim {i}: combined value is outside [0, 2^{stmt.bits}) "
                             f"for statement {stmt.id}")
        values.append(x)
        blindings.append(sum(k * g for k, g in zip(c.coefficients, o.blindings, strict=True)) % R)
    _check_openings(be, claims, openings)
    m = _padded_m(len(claims))
    values += [0] * (m - len(claims))
    blindings += [0] * (m - len(claims))
    ctx = transcript_context(stmt, claims, m, context)
    combined = [_combined_for_proof(c, be) for c in claims] + [IDENTITY_BYTES] * (m - len(claims))
    return rangeproof.prove(values, blindings, stmt.bits, context=ctx, rng=rng, backend=be,
                            encoding=stmt.encoding, commitments=combined)


def _check_openings(be: GroupBackend, claims: Sequence[Claim], openings: Sequence[Opening]) -> None:
    """Every opening recomputed (fixed-base tables: a few dozen point additions each) and compared with
    its commitment's bytes; the first mismatch is named."""
    tg, th = pedersen_tables(be)
    for i, (c, o) in enumerate(zip(claims, openings, strict=True)):
        for j, (cm, v, g) in enumerate(zip(c.commitments, o.values, o.blindings, strict=True)):
            if be.encode(be.add(tg.mul(v), th.mul(g))) != cm:
                raise UsageError(f"opening {i}, input {j}: does not match the claim's commitment")


def _rp_item(stmt: Statement, claims: list[Claim], proof: bytes, context: bytes,
             be: GroupBackend) -> tuple[list[bytes], bytes, int, bytes, str]:
    if not isinstance(stmt, Statement) or not isinstance(context, (bytes, bytearray)):
        raise TypeError("statement and context")
    _check_claims(stmt, claims)
    m = _padded_m(len(claims))
    combined = [_combined_for_proof(c, be) for c in claims] + [IDENTITY_BYTES] * (m - len(claims))
    # the statement's encoding, never the proof's length, decides how the proof is read (§5.2)
    return combined, proof, stmt.bits, transcript_context(stmt, claims, m, bytes(context)), stmt.encoding


_BAD = (EncodingError, UsageError, RangeError, SpecError, ValueError, TypeError, AttributeError)


def verify(stmt: Statement, claims: list[Claim], proof: bytes, *, context: bytes = b"",
           backend: GroupBackend | None = None) -> bool:
    """True iff ``proof`` proves every claim's combined value in [0, 2^bits) for this statement.
    False, never an exception, for malformed claims or proof bytes."""
    return verify_batch([(stmt, claims, proof, context)], backend=backend)


def verify_batch(items: list[tuple[Statement, list[Claim], bytes, bytes]], *, rng: RandomSource | None = None,
                 backend: GroupBackend | None = None) -> bool:
    """All (stmt, claims, proof, context) items in one folded multi-scalar multiplication."""
    be = backend or get_backend()
    try:
        rp_items: list[rangeproof.Item] = [_rp_item(s, list(c), p, x, be) for s, c, p, x in items]
    except _BAD:
        return False
    return rangeproof.verify_batch(rp_items, rng=rng, backend=be)


def find_invalid(items: list[tuple[Statement, list[Claim], bytes, bytes]], *, rng: RandomSource | None = None,
                 backend: GroupBackend | None = None) -> list[int]:
    """Indexes of the items that fail, by bisection over :func:`verify_batch`."""
    be = backend or get_backend()
    return rangeproof.bisect_failures(len(items), lambda lo, hi: verify_batch(list(items[lo:hi]), rng=rng, backend=be))
