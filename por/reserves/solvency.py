"""Solvency per asset: prove reserves - (equity - debt) >= 0 at the tree root without revealing totals.

The ``solvency`` statement (``circuits/``) is one claim per asset over the root's equity and debt
commitments with coefficients (-1, +1) and the public constant ``reserves`` (the attested total):
the combined commitment opens to ``reserves - equity + debt``, and a 64-bit range proof shows it lies
in [0, 2^64). A column the tree does not have (an asset with no debt column) is left out of the
document and stands in the claim as the identity point (the commitment to 0 with blinding 0).

The proof binds its context, ``lp("por/v1/solvency") || lp(epoch_id) || lp(nonce) || lp(asset) ||
u128be(reserves)``, so it cannot be replayed in another epoch, for another asset or another reserve
figure. Its randomness is keyed (docs/protocol.md §8.7): by the epoch's solvency key
(:func:`por.tree.leaf.solvency_key`, derived from the master secret with its own label) and bound to
the context, the opening and the coefficients, so a re-run with the same inputs writes the same proof
bytes, and no two proofs share randomness.

Disclosure (chosen per epoch by the operator, recorded in the proof document):

- ``hidden``: the proof only;
- ``auditor``: the proof, plus an auditor-only document with each root column's value and blinding;
- ``public``: the proof with the values and blindings in the public document itself.

A shortfall (reserves below net liabilities) cannot be proven: :func:`prove_solvency` raises
:class:`por.errors.ShortfallError` naming the asset and the amount short, for the operator's eyes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from por.bundle import validate
from por.bundle.solvency import SolvencyProof
from por.crypto import pedersen
from por.crypto.backend import IDENTITY_BYTES
from por.crypto.scalar import R, RandomSource, statement_rng
from por.errors import DocumentError, PorError, ReservesError, ShortfallError, UsageError
from por.reserves.attestation import AMOUNT_BYTES, lp
from por.result import Result

FORMAT = "por-solvency/1"
OPENING_FORMAT = "por-solvency-opening/1"
STATEMENT = "solvency"
CONTEXT_DOMAIN = b"por/v1/solvency"
BITS = 64
COLUMNS = ("equity", "debt")
COEFFICIENTS = {"equity": -1, "debt": +1}
DISCLOSURES = ("hidden", "auditor", "public")


def solvency_context(epoch_id: str, nonce: str, asset: str, reserves: int) -> bytes:
    """The context bytes every solvency proof binds (see the module docstring)."""
    if type(reserves) is not int or not 0 <= reserves < 1 << (8 * AMOUNT_BYTES):
        raise UsageError("reserves must be an integer in [0, 2^128)")
    return b"".join([lp(CONTEXT_DOMAIN), lp(epoch_id.encode()), lp(bytes.fromhex(nonce)), lp(asset.encode()),
                     reserves.to_bytes(AMOUNT_BYTES, "big")])


def _claim(root_commitments: Mapping[str, bytes], reserves: int) -> tuple[Any, list[str]]:
    """The claim (-1)*E + (+1)*D + reserves; a missing column is the identity (a commitment to 0, blinding 0)."""
    from por.crypto.statements import Claim

    unknown = set(root_commitments) - set(COLUMNS)
    if unknown or not root_commitments:
        raise UsageError(f"root columns must be equity and/or debt, got {sorted(root_commitments)}")
    cols = [c for c in COLUMNS if c in root_commitments]
    return Claim(tuple(bytes(root_commitments.get(c, IDENTITY_BYTES)) for c in COLUMNS),
                 tuple(COEFFICIENTS[c] for c in COLUMNS), reserves), cols


def prove_solvency(asset: str, reserves: int, root_commitments: Mapping[str, bytes],
                   root_openings: Mapping[str, tuple[int, int]], epoch_id: str, nonce: str,
                   disclosure: str = "hidden", *, key: bytes | None = None, rng: RandomSource | None = None
                   ) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """Prove ``reserves - (equity - debt) >= 0`` for ``asset`` at the root.

    ``root_commitments[column]`` is the root commitment (48 bytes) of the ``equity``/``debt`` column of
    the asset, ``root_openings[column] = (value, blinding)``. Returns the public proof document and,
    for ``disclosure="auditor"``, the auditor-only opening document (else None).

    ``key`` (the epoch's solvency key, 32 bytes) makes the proof deterministic (the module docstring);
    without it the randomness is ``rng``'s, by default the OS CSPRNG (tests and vectors seed it).

    Raises:
        ShortfallError: reserves below net liabilities (operator-only: names the asset and amount).
        ReservesError: the openings do not open the commitments, or the surplus needs more than 64 bits.
        UsageError: an unknown disclosure mode or column, a key that is not 32 bytes, or both a key
            and an rng.
    """
    from por.crypto import statements

    if key is not None and (not isinstance(key, (bytes, bytearray)) or len(key) != 32):
        raise UsageError("the solvency key must be 32 bytes")
    if key is not None and rng is not None:
        raise UsageError("give the solvency proof a key or an rng, not both")
    if disclosure not in DISCLOSURES:
        raise UsageError(f"disclosure must be one of {', '.join(DISCLOSURES)}, got {disclosure!r}")
    if set(root_openings) != set(root_commitments):
        raise UsageError("root openings and commitments must name the same columns")
    for col, (v, g) in root_openings.items():
        if pedersen.commit(v, g) != root_commitments[col]:
            raise ReservesError(f"{asset}: the {col} opening does not open the root {col} commitment")
    equity = root_openings.get("equity", (0, 0))[0]
    debt = root_openings.get("debt", (0, 0))[0]
    surplus = reserves - (equity - debt)
    if surplus < 0:
        raise ShortfallError(asset, -surplus)
    if surplus >= 1 << BITS:
        raise ReservesError(f"{asset}: the surplus {surplus} needs more than {BITS} bits")
    claim, cols = _claim(root_commitments, reserves)
    opening = statements.Opening(tuple(root_openings.get(c, (0, 0))[0] for c in COLUMNS),
                                 tuple(root_openings.get(c, (0, 0))[1] % R for c in COLUMNS))
    ctx = solvency_context(epoch_id, nonce, asset, reserves)
    if key is not None:
        rng = statement_rng(bytes(key), ctx, opening.values, opening.blindings, claim.coefficients)
    proof = statements.prove(statements.load(STATEMENT), [claim], [opening], context=ctx, rng=rng)
    public: dict[str, Any] = {
        "format": FORMAT, "statement": STATEMENT, "asset": asset, "epoch_id": epoch_id, "nonce": nonce,
        "reserves": reserves, "commitments": {c: root_commitments[c].hex() for c in cols},
        "disclosure": disclosure, "proof": proof.hex(),
    }
    openings = {c: {"value": root_openings[c][0], "blinding": (root_openings[c][1] % R).to_bytes(32, "big").hex()}
                for c in cols}
    if disclosure == "public":
        public["openings"] = openings
        return public, None
    if disclosure == "auditor":
        return public, {"format": OPENING_FORMAT, "asset": asset, "epoch_id": epoch_id, "openings": openings}
    return public, None


def _auditor_openings(openings: Any) -> dict[str, tuple[int, int]]:
    """The auditor-only opening document's ``openings`` (``{column: {value, blinding}}``, the file the
    auditor holds, which has no published model) as (value, blinding) per column.

    Raises:
        ValueError: it is not of that shape.
    """
    if not isinstance(openings, dict):
        raise ValueError("the openings are not an object")
    out: dict[str, tuple[int, int]] = {}
    for col, o in openings.items():
        if not isinstance(o, dict) or type(o.get("value")) is not int or o["value"] < 0 \
                or not isinstance(o.get("blinding"), str):
            raise ValueError(f"{col}: an opening is a non-negative integer value and a hex blinding")
        out[str(col)] = (o["value"], int(o["blinding"], 16))
    return out


def _check_openings(res: Result, cid: str, commitments: Mapping[str, bytes],
                    openings: Mapping[str, tuple[int, int]] | None, what: str) -> None:
    try:
        if openings is None or set(openings) != set(commitments):
            raise ValueError("the opened columns differ from the committed ones")
        for col, (v, g) in openings.items():
            if pedersen.commit(v, g) != commitments[col]:
                raise ValueError(f"the {col} value and blinding do not open the root {col} commitment")
    except (ValueError, PorError) as exc:
        res.failed(cid, f"{what} opening rejected: {exc}")
        return
    res.passed(cid, f"{what} opening matches the root commitments")


def verify_solvency(doc: SolvencyProof | Any, *, epoch_id: str, nonce: str,
                    root_commitments: Mapping[str, bytes] | None = None, reserves: int | None = None,
                    opening: Any = None) -> Result:
    """Check a solvency proof document; never raises on bad input.

    ``doc`` is the proof's model (an entry of ``solvency.json`` as :func:`por.bundle.parse_solvency`
    read it) or its JSON value, which is read through that model (a refusal fails ``format``).
    ``opening`` is the auditor-only opening document (``por-solvency-opening/1``), a JSON value.

    Steps: 1 format; 2 epoch and nonce; 3 commitments equal the manifest's root commitments (when
    given); 4 the reserve figure equals the attested total (when given); 5 the range proof verifies
    under the context; 6 published openings (``public``) or the auditor's ``opening`` document open
    the commitments.
    """
    named = doc.asset if isinstance(doc, SolvencyProof) else doc.get("asset") if isinstance(doc, dict) else None
    res = Result(f"solvency proof for {named or '?'} in epoch {epoch_id}")
    p = f"solvency.{named or '?'}"
    if isinstance(doc, SolvencyProof):
        d = doc
    else:
        try:
            d = validate(SolvencyProof, doc, "solvency proof")
        except DocumentError as exc:
            res.failed(f"{p}.format", f"malformed solvency proof: {exc}")
            return res
    asset = d.asset
    commitments = {c: bytes.fromhex(h) for c, h in (("equity", d.commitments.equity), ("debt", d.commitments.debt))
                   if h is not None}
    res.passed(f"{p}.format", f"solvency proof for {asset} ({d.disclosure} totals)")
    same = d.epoch_id == epoch_id and d.nonce == nonce.lower()
    res.add(f"{p}.epoch", same, "bound to this epoch and nonce" if same
            else f"made for epoch {d.epoch_id!r} / nonce {d.nonce[:16]}, not this epoch")
    if root_commitments is not None:
        want = {c: bytes(v) for c, v in root_commitments.items() if c in COLUMNS}
        res.add(f"{p}.commitments", want == commitments,
                "commitments are the manifest's root commitments" if want == commitments
                else "commitments differ from the manifest's root commitments")
    if reserves is not None:
        res.add(f"{p}.reserves", reserves == d.reserves,
                f"reserves {d.reserves} equal the attested total" if reserves == d.reserves
                else f"reserves {d.reserves} differ from the attested total {reserves}")
    try:
        from por.crypto import statements

        claim, _ = _claim(commitments, d.reserves)
        ctx = solvency_context(epoch_id, nonce, asset, d.reserves)
        ok = bool(statements.verify(statements.load(STATEMENT), [claim], bytes.fromhex(d.proof), context=ctx))
        res.add(f"{p}.proof", ok, "reserves - (equity - debt) >= 0 is proven" if ok
                else "the range proof does not verify for this statement and context")
    except (PorError, ValueError) as exc:
        res.failed(f"{p}.proof", f"the proof cannot be checked: {exc}")
    if d.disclosure == "public":
        published: dict[str, tuple[int, int]] | None = None if d.openings is None else {
            str(c): (o.value, int(o.blinding, 16)) for c, o in d.openings.items()}
        _check_openings(res, f"{p}.public-opening", commitments, published, "published")
    if opening is not None:
        ok_doc = isinstance(opening, dict) and opening.get("format") == OPENING_FORMAT and opening.get("asset") == asset
        if not ok_doc:
            res.failed(f"{p}.auditor-opening", "the auditor document is not an opening for this asset")
        else:
            try:
                given = _auditor_openings(opening.get("openings"))
            except ValueError as exc:
                res.failed(f"{p}.auditor-opening", f"auditor opening rejected: {exc}")
            else:
                _check_openings(res, f"{p}.auditor-opening", commitments, given, "auditor")
    return res
