"""The client's verifier: one inclusion proof file against the public bundle (or just its manifest).

Steps: 1 the proof file reads; 2 the manifest reads and the operator's signature verifies with the
operator key (pinned by the client, or the bundle's keyring); 3 the proof names this epoch and this
manifest; 4 the leaf, the path, the root, the siblings' range proofs and the client's own collateral
proof (``por.tree.verify_client_proof``). Never raises on malformed input.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from por.canonical import parse_json, read_document
from por.epoch.audit import _int_map, _key_hex, load_keyring, operator_key_of
from por.epoch.bundle import Manifest
from por.errors import PorError
from por.verify.result import Result


def verify_inclusion(proof_path: str | Path, *, bundle: str | Path, operator_key: str | None = None) -> Result:
    """Check a client's inclusion proof against a bundle directory, or just its ``manifest.json`` (the
    proof carries the path and the range-proof blocks; only the manifest and, without a pinned
    operator key, the bundle's keyring are read)."""
    res = Result(f"inclusion proof {Path(proof_path).name}")
    try:
        proof: Any = parse_json(read_document(proof_path))
    except FileNotFoundError:
        res.failed("client.file", f"{proof_path}: no such file")
        return res
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        res.failed("client.file", f"{Path(proof_path).name} is not a readable JSON proof file ({exc.__class__.__name__})")
        return res
    if not isinstance(proof, dict):
        res.failed("client.file", f"{Path(proof_path).name}: a proof file is a JSON object")
        return res
    res.passed("client.file", f"{Path(proof_path).name} reads as JSON ({proof.get('format', 'no format')})")
    bdir = Path(bundle)
    try:
        if bdir.is_file():  # only the manifest: enough with a pinned operator key
            manifest = Manifest.from_bytes(read_document(bdir))
            bdir = bdir.parent
        else:
            manifest = Manifest.read(bdir)
    except PorError as exc:
        res.failed("manifest", exc.diagnostics())
        return res
    m = manifest.signed
    try:
        if operator_key:
            op_hex, origin = _key_hex(operator_key), "the operator key given"
        else:
            keyring, origin = load_keyring(None, bdir)
            op_hex = operator_key_of(keyring) or ""
        ok = any(manifest.verify_signature(s, op_hex) for s in manifest.signatures_by("operator"))
        res.add("manifest.signature", ok, f"operator signature over the manifest {'verifies' if ok else 'does NOT verify'} "
                f"with {origin}")
    except (PorError, ValueError, TypeError, KeyError, IndexError) as exc:
        res.failed("manifest.signature", f"cannot check the manifest signature: {exc}")
    same_epoch = proof.get("epoch_id") == m["epoch_id"]
    res.add("client.epoch", same_epoch, f"the proof is for epoch {proof.get('epoch_id')!r}"
            + ("" if same_epoch else f", the bundle is epoch {m['epoch_id']!r}"))
    want = proof.get("manifest_sha256")
    if want is not None:
        res.add("client.manifest", want == manifest.sha256,
                "the proof points at this manifest" if want == manifest.sha256
                else f"the proof points at manifest {str(want)[:16]}…, the bundle's is {manifest.sha256[:16]}…")
    tree = m["tree"]
    roots = tree["root"] if tree.get("mode") == "committed" else None
    try:
        r = verify_client_proof_safe(proof, tree, roots, m)
    except (PorError, ValueError, TypeError, KeyError) as exc:
        res.failed("client.proof", f"the proof cannot be checked: {exc}")
        return res
    res.merge(r)
    if res.ok:
        vals = proof.get("values")
        cols = [f"{c['asset']}:{c['kind']}" for c in m["columns"]]
        shown = ", ".join(f"{c}={v}" for c, v in zip(cols, vals or [], strict=False) if int(v))
        res.passed("client.included", f"your balances ({shown or 'all zero'}) are included in the liabilities of "
                   f"epoch {m['epoch_id']}")
    return res


def verify_client_proof_safe(proof: dict[str, Any], tree: dict[str, Any], roots: Any, m: dict[str, Any]) -> Result:
    from por.tree import verify_client_proof

    return verify_client_proof(proof, root_hash=tree["root_hash"], root_commitments=roots, epoch_id=m["epoch_id"],
                               prices=_int_map(m.get("collateral_prices")), haircuts_bps=_int_map(m.get("haircuts_bps")))
