"""The client's verifier: one inclusion proof against the public bundle (or just its manifest).

Steps: 1 the proof reads (``client.file``); 2 the manifest reads and the operator's signature
verifies with the operator key (pinned by the client, or the bundle's keyring); ``client.trust``
says which, and whether an auditor co-signed; 3 the manifest's tree description and columns have
their shape and agree with each other (``manifest.tree``, ``manifest.columns``); 4 the proof names
this epoch and this manifest; 5 the account, the columns, the tree parameters, the leaf, the path,
the root, the siblings' range proofs and the client's own collateral proof
(``por.tree.verify_client_proof``, docs/protocol.md §7.10). The manifest is parsed by its model
(``parse_manifest``): a manifest that does not parse fails ``manifest`` naming the field path; the
proof by its model (``parse_client_proof``): one that does not fails ``client.format``. Only those
parse errors and the crypto decoders' become failed checks; anything else is a bug and shows.

:func:`verify_client` is the core: it takes the manifest and the proof (bytes or parsed) and opens
nothing; :func:`verify_inclusion` reads the files and calls it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from por.bundle.manifest import SignedManifest, parse_manifest
from por.bundle.opened import read_manifest
from por.bundle.signed import Signed
from por.bundle.tree import LEAF_FORMAT, ClientProof, parse_client_proof
from por.canonical import parse_json, read_document
from por.errors import DocumentError, EncodingError, PorError
from por.reserves.policy import collateral_terms
from por.result import Result
from por.tree import verify_client_proof
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
    except (OSError, ValueError) as exc:  # boundary: the file as read (EncodingError is a ValueError)
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


def verify_client(proof: bytes | ClientProof, manifest: bytes | SignedManifest | Loaded[bytes], *,
                  name: str = "proof", operator_key: str | Loaded[str] | None = None, keyring: Any = None,
                  account_id: str | None = None) -> Result:
    """The client's checks on a proof and a manifest already in hand; opens nothing, never raises on
    malformed input.

    Args:
        proof: the proof file's bytes, or its model.
        manifest: ``manifest.json``'s bytes (or how reading them failed), or its model.
        name: the proof's file name, for messages.
        operator_key: the pinned operator key (hex); without it, ``keyring`` (the bundle's keyring,
            parsed, or how reading it failed) names the operator.
        account_id: the client's own account id (``client.account``).
    """
    res = Result(f"inclusion proof {name}")
    if isinstance(proof, ClientProof):
        raw: Any = proof.to_json_value()
        data = proof.to_bytes()
    else:
        data = bytes(proof)
        try:
            raw = parse_json(data)
        except EncodingError as exc:  # not UTF-8, not JSON
            res.failed("client.file", f"{name} is not a readable JSON proof file ({exc.__class__.__name__})")
            return res
    if not isinstance(raw, dict):
        res.failed("client.file", f"{name}: a proof file is a JSON object")
        return res
    res.passed("client.file", f"{name} reads as JSON ({str(raw.get('format', 'no format'))[:60]})")
    who = raw.get("account_id")
    if isinstance(who, str):  # the title names whose leaf this is, before any check says more
        res.subject = f"inclusion proof {name} for ACCOUNT {who[:200]!r}"
    try:
        parsed = manifest if isinstance(manifest, Signed) else parse_manifest(
            manifest.get() if isinstance(manifest, Loaded) else manifest)
    except PorError as exc:  # DocumentError (the model), BundleError/EncodingError (reading the file)
        res.failed("manifest", exc.diagnostics())
        return res
    except OSError as exc:  # boundary: how reading manifest.json failed, raised again by Loaded.get
        res.failed("manifest", f"the manifest does not read ({exc.__class__.__name__})")
        return res
    _signature(res, parsed, operator_key, keyring)
    try:
        model: ClientProof | None = proof if isinstance(proof, ClientProof) else parse_client_proof(data)
    except DocumentError:
        model = None  # client.format says why, in its place
    _proof_checks(res, parsed, raw, model if model is not None else data, account_id)
    return res


def _proof_checks(res: Result, manifest: SignedManifest, raw: dict[str, Any], proof: ClientProof | bytes,
                  account_id: str | None) -> None:
    """``client.epoch``, ``client.manifest`` (read from the file as it is, before its format is
    judged), the manifest's tree and columns, the proof's own checks (§7.10) and ``client.included``."""
    m = manifest.signed
    eid = m.epoch_id
    same_epoch = raw.get("epoch_id") == eid
    res.add("client.epoch", same_epoch, f"the proof is for epoch {_shown(raw.get('epoch_id'))[:80]!r}"
            + ("" if same_epoch else f", the bundle is epoch {eid[:80]!r}"))
    want = raw.get("manifest_sha256")  # the pipeline always writes it: a missing one is a failure
    res.add("client.manifest", want == manifest.sha256,
            "the proof points at this manifest" if want == manifest.sha256
            else "the proof names no manifest (manifest_sha256 missing)" if want is None
            else f"the proof points at manifest {_shown(want)[:16]}…, the bundle's is {manifest.sha256[:16]}…")
    tree = m.tree
    res.passed("manifest.tree", f"tree description: {tree.mode} mode, height {tree.height}, block size "
               f"{tree.block_size}, {LEAF_FORMAT}")
    columns = [[c.asset, c.kind] for c in m.columns]  # the model checked they are the tree's, in order
    res.passed("manifest.columns", f"the manifest's {len(columns)} column(s) are its tree description's, in order")
    try:  # from the reserves configuration, never the manifest's own fields (protocol §9.5, row D)
        prices, haircuts = collateral_terms(m)
    except PorError as exc:
        res.failed("manifest.prices", exc.diagnostics())
        return
    r = verify_client_proof(proof, root_hash=tree.root_hash, root_commitments=list(tree.root), epoch_id=eid,
                            prices=prices, haircuts_bps=haircuts, account_id=account_id, columns=columns,
                            expected=tree)
    res.merge(r)
    if res.ok and isinstance(proof, ClientProof):
        shown = ", ".join(f"{a}:{k}={v}" for (a, k), v in zip(columns, proof.values, strict=True) if int(v))
        res.passed("client.included", f"account {proof.account_id!r}: your balances ({shown or 'all zero'}) are "
                   f"included in the liabilities of epoch {eid}")


def _shown(value: Any) -> str:
    """A value of the file as read, printable (a lone surrogate escaped)."""
    return str(value).encode("utf-8", "backslashreplace").decode("utf-8")


def _signature(res: Result, manifest: SignedManifest, operator_key: str | Loaded[str] | None, keyring: Any) -> None:
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
        ok = manifest.verify(op_hex, "operator")
        res.add("manifest.signature", ok, f"operator signature over the manifest {'verifies' if ok else 'does NOT verify'} "
                f"with {origin}")
    except (PorError, OSError, UnicodeDecodeError) as exc:  # boundary: the key or keyring read at the edge
        res.failed("manifest.signature", f"cannot check the manifest signature: {exc}")
        op_hex = ""
    auditors = [s.signer[:60] for s in manifest.signatures_by("auditor") if manifest.verify_signature(s)]
    rests = (f"this verdict rests on the operator key you pinned ({op_hex[:16]}…)" if pinned else
             "this verdict rests on the operator key named by the bundle's own keyring, which the operator "
             "supplies: pass --operator-key with a key obtained independently")
    cosign = (f"an auditor co-signature is present ({', '.join(auditors)}; its key is not pinned by you)" if auditors
              else "no auditor has co-signed this manifest")
    terms = ("the asset decimals, haircuts and price policies behind your collateral check are the "
             "manifest's reserves configuration, which only an auditor with the ledger checks against the "
             "governed one")
    res.passed("client.trust", f"{rests}; {cosign}; {terms}")
