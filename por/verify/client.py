"""The client's verifier: one inclusion proof against the public bundle (or just its manifest).

Steps: 1 the proof reads (``client.file``); 2 the manifest reads and the operator's signature
verifies with the operator key (pinned by the client, or the bundle's keyring); ``client.trust``
says which, and whether an auditor co-signed; 3 the manifest's tree description and columns have
their shape and agree with each other (``manifest.tree``, ``manifest.columns``); 4 the proof names
this epoch and this manifest; 5 the account, the columns, the tree parameters, the leaf, the path,
the root, the siblings' range proofs and the client's own collateral proof
(``por.tree.verify_client_proof``, docs/protocol.md §7.10). Never raises on malformed input, signed
or not: every shape of manifest or proof is a failed check.

:func:`verify_client` is the core: it takes the manifest and the proof (bytes or parsed) and opens
nothing; :func:`verify_inclusion` reads the files and calls it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from por.bundle.opened import read_manifest
from por.canonical import parse_json, read_document
from por.epoch.bundle import Manifest
from por.errors import PorError
from por.result import Result
from por.verify.inputs import Loaded, key_hex, load_keyring, operator_key_of


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
    name = Path(proof_path).name
    try:
        proof = read_document(proof_path)
    except FileNotFoundError:
        res = Result(f"inclusion proof {name}")
        res.failed("client.file", f"{proof_path}: no such file")
        return res
    except (OSError, ValueError) as exc:
        res = Result(f"inclusion proof {name}")
        res.failed("client.file", f"{name} is not a readable JSON proof file ({exc.__class__.__name__})")
        return res
    bdir = Path(bundle)
    if bdir.is_file():  # only the manifest: enough with a pinned operator key
        manifest: Loaded[bytes] = Loaded.of(lambda: read_document(bdir))
        bdir = bdir.parent
    else:
        manifest = Loaded.of(lambda: read_manifest(bdir))
    key = Loaded.of(lambda: key_hex(operator_key)) if operator_key else None
    keyring = None if operator_key else Loaded.of(lambda: load_keyring(None, bdir)[0])
    return verify_client(proof, manifest, name=name, operator_key=key, keyring=keyring, account_id=account_id)


def verify_client(proof: bytes | Any, manifest: bytes | Manifest | Loaded[bytes], *, name: str = "proof",
                  operator_key: str | Loaded[str] | None = None, keyring: Any = None,
                  account_id: str | None = None) -> Result:
    """The client's checks on a proof and a manifest already in hand; opens nothing, never raises.

    Args:
        proof: the proof file's bytes, or its parsed JSON.
        manifest: ``manifest.json``'s bytes (or how reading them failed), or a parsed manifest.
        name: the proof's file name, for messages.
        operator_key: the pinned operator key (hex); without it, ``keyring`` (the bundle's keyring,
            parsed, or how reading it failed) names the operator.
        account_id: the client's own account id (``client.account``).
    """
    res = Result(f"inclusion proof {name}")
    if isinstance(proof, (bytes, bytearray)):
        try:
            proof = parse_json(bytes(proof))
        except ValueError as exc:  # EncodingError: not UTF-8, not JSON
            res.failed("client.file", f"{name} is not a readable JSON proof file ({exc.__class__.__name__})")
            return res
    if not isinstance(proof, dict):
        res.failed("client.file", f"{name}: a proof file is a JSON object")
        return res
    res.passed("client.file", f"{name} reads as JSON ({str(proof.get('format', 'no format'))[:60]})")
    who = proof.get("account_id")
    if isinstance(who, str):  # the title names whose leaf this is, before any check says more
        res.subject = f"inclusion proof {name} for ACCOUNT {who[:200]!r}"
    try:
        parsed = manifest if isinstance(manifest, Manifest) else Manifest.from_bytes(
            manifest.get() if isinstance(manifest, Loaded) else manifest)
    except PorError as exc:
        res.failed("manifest", exc.diagnostics())
        return res
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        res.failed("manifest", f"the manifest does not read ({exc.__class__.__name__})")
        return res
    _signature(res, parsed, operator_key, keyring)
    _proof_checks(res, parsed, proof, account_id)
    return res


def _proof_checks(res: Result, manifest: Manifest, proof: dict[str, Any], account_id: str | None) -> None:
    """``client.epoch``, ``client.manifest``, the manifest's tree and columns, the proof's own checks
    (§7.10) and ``client.included``."""
    m = manifest.signed
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
        return
    from por.reserves.policy import collateral_terms

    try:  # from the reserves configuration, never the manifest's own fields (protocol §9.5, row D)
        prices, haircuts = collateral_terms(m)
    except PorError as exc:
        res.failed("manifest.prices", exc.diagnostics())
        return
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


def _signature(res: Result, manifest: Manifest, operator_key: str | Loaded[str] | None, keyring: Any) -> None:
    """``manifest.signature`` and ``client.trust``: what the verdict rests on, in its own sentence."""
    pinned = bool(operator_key)
    try:
        if operator_key:
            op_hex = operator_key.get() if isinstance(operator_key, Loaded) else operator_key.lower()
            origin = "the operator key you pinned"
        else:
            kr = keyring.get() if isinstance(keyring, Loaded) else keyring
            if kr is None:
                raise PorError("keyring.json is missing from the bundle")
            op_hex, origin = operator_key_of(kr) or "", "keyring.json of the bundle (trust rests on the operator key)"
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
