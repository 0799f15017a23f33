"""The client's verifier: one inclusion proof file against the public bundle (or just its manifest).

Steps: 1 the proof file reads (``client.file``); 2 the manifest reads and the operator's signature
verifies with the operator key (pinned by the client, or the bundle's keyring); ``client.trust``
says which, and whether an auditor co-signed; 3 the manifest's tree description and columns have
their shape and agree with each other (``manifest.tree``, ``manifest.columns``); 4 the proof names
this epoch and this manifest; 5 the account, the columns, the tree parameters, the leaf, the path,
the root, the siblings' range proofs and the client's own collateral proof
(``por.tree.verify_client_proof``, docs/protocol.md §7.10). Never raises on malformed input, signed
or not: every shape of manifest or proof is a failed check.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from por.canonical import parse_json, read_document
from por.epoch.audit import _key_hex, load_keyring, operator_key_of
from por.epoch.bundle import Manifest
from por.errors import PorError
from por.result import Result

_DEC = re.compile(r"^(0|[1-9][0-9]{0,39})$")


def verify_inclusion(proof_path: str | Path, *, bundle: str | Path, operator_key: str | None = None,
                     account_id: str | None = None) -> Result:
    """Check a client's inclusion proof against a bundle directory, or just its ``manifest.json`` (the
    proof carries the path and the range-proof blocks; only the manifest and, without a pinned
    operator key, the bundle's keyring are read).

    Args:
        proof_path: the client's proof file (``por-client-proof/2``).
        bundle: the epoch's bundle directory or its ``manifest.json``.
        operator_key: the operator's Ed25519 public key, obtained independently (hex or a file);
            without it the bundle's own keyring names the key, and ``client.trust`` says so.
        account_id: the client's own account id; a proof whose leaf is bound to another id fails
            ``client.account``. Without it the result names the proof's account id.
    """
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
    res.passed("client.file", f"{Path(proof_path).name} reads as JSON ({str(proof.get('format', 'no format'))[:60]})")
    who = proof.get("account_id")
    if isinstance(who, str):  # the title names whose leaf this is, before any check says more
        res.subject = f"inclusion proof {Path(proof_path).name} for ACCOUNT {who[:200]!r}"
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
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        res.failed("manifest", f"the manifest does not read ({exc.__class__.__name__})")
        return res
    m = manifest.signed
    _signature(res, manifest, bdir, operator_key)
    eid = m["epoch_id"]  # a string: Manifest.from_bytes checks it
    same_epoch = proof.get("epoch_id") == eid
    res.add("client.epoch", same_epoch, f"the proof is for epoch {str(proof.get('epoch_id'))[:80]!r}"
            + ("" if same_epoch else f", the bundle is epoch {eid[:80]!r}"))
    want = proof.get("manifest_sha256")  # the pipeline always writes it: a missing one is a failure
    res.add("client.manifest", want == manifest.sha256,
            "the proof points at this manifest" if want == manifest.sha256
            else "the proof names no manifest (manifest_sha256 missing)" if want is None
            else f"the proof points at manifest {str(want)[:16]}…, the bundle's is {manifest.sha256[:16]}…")
    tree, columns = _published_tree(res, m)
    if tree is None or columns is None:
        return res
    from por.reserves.policy import collateral_terms

    try:  # from the reserves configuration, never the manifest's own fields (protocol §9.5, row D)
        prices, haircuts = collateral_terms(m)
    except PorError as exc:
        res.failed("manifest.prices", exc.diagnostics())
        return res
    from por.tree import verify_client_proof

    r = verify_client_proof(proof, root_hash=tree["root_hash"], root_commitments=tree["root"], epoch_id=eid,
                            prices=prices, haircuts_bps=haircuts, account_id=account_id, columns=columns,
                            expected=tree)
    res.merge(r)
    if res.ok:
        vals = proof["values"]
        shown = ", ".join(f"{a}:{k}={v}" for (a, k), v in zip(columns, vals, strict=True) if int(v))
        res.passed("client.included", f"account {proof['account_id']!r}: your balances ({shown or 'all zero'}) are "
                   f"included in the liabilities of epoch {eid}")
    return res


def _signature(res: Result, manifest: Manifest, bdir: Path, operator_key: str | None) -> None:
    """``manifest.signature`` and ``client.trust``: what the verdict rests on, in its own sentence."""
    pinned = bool(operator_key)
    try:
        if operator_key:
            op_hex, origin = _key_hex(operator_key), "the operator key you pinned"
        else:
            keyring, origin = load_keyring(None, bdir)
            op_hex = operator_key_of(keyring) or ""
        ok = any(manifest.verify_signature(s, op_hex) for s in manifest.signatures_by("operator"))
        res.add("manifest.signature", ok, f"operator signature over the manifest {'verifies' if ok else 'does NOT verify'} "
                f"with {origin}")
    except (PorError, OSError, ValueError, TypeError, KeyError, IndexError, AttributeError) as exc:
        res.failed("manifest.signature", f"cannot check the manifest signature: {exc}")
        op_hex = ""
    auditors = []
    for s in manifest.signatures_by("auditor"):
        try:
            if manifest.verify_signature(s):
                auditors.append(str(s.get("signer", "?"))[:60])
        except (PorError, ValueError, TypeError, AttributeError):
            continue
    rests = (f"this verdict rests on the operator key you pinned ({op_hex[:16]}…)" if pinned else
             "this verdict rests on the operator key named by the bundle's own keyring, which the operator "
             "supplies: pass --operator-key with a key obtained independently")
    cosign = (f"an auditor co-signature is present ({', '.join(auditors)}; its key is not pinned by you)" if auditors
              else "no auditor has co-signed this manifest")
    terms = ("the asset decimals, haircuts and price policies behind your collateral check are the "
             "manifest's reserves configuration, which only an auditor with the ledger checks against the "
             "governed one")
    res.passed("client.trust", f"{rests}; {cosign}; {terms}")


def _published_tree(res: Result, m: dict[str, Any]) -> tuple[dict[str, Any] | None, list[list[str]] | None]:
    """The manifest's tree description and columns, each checked for its shape and against the other
    (``manifest.tree``, ``manifest.columns``); (None, None) after a failed check."""
    from por.tree import leaf as L
    from por.tree import tree_description_problem

    tree = m.get("tree")
    problem = tree_description_problem(tree, m["epoch_id"])
    if problem is not None:
        res.failed("manifest.tree", f"the manifest's tree description is unusable: {problem}")
        return None, None
    assert isinstance(tree, dict)
    res.passed("manifest.tree", f"tree description: {tree['mode']} mode, height {tree['height']}, block size "
               f"{tree['block_size']}, {L.LEAF_FORMAT}")
    cols = m.get("columns")
    if not isinstance(cols, list) or not all(
            isinstance(c, dict) and isinstance(c.get("asset"), str) and isinstance(c.get("kind"), str) for c in cols):
        res.failed("manifest.columns", "the manifest's columns are not a list of {asset, kind} objects")
        return None, None
    top = [[c["asset"], c["kind"]] for c in cols]
    if top != tree["columns"]:
        res.failed("manifest.columns", "the manifest's columns differ from its tree description's columns (labels "
                   "or order): the published figures could be read against the wrong assets")
        return None, None
    res.passed("manifest.columns", f"the manifest's {len(top)} column(s) are its tree description's, in order")
    return tree, top
