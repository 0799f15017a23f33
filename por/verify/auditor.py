"""The auditor's verifier of a published epoch bundle: every check, from the bundle and public keys.

Steps (docs/protocol.md §9.5 is the normative list; each a check id prefix; a step that cannot run
is a failed check, never a traceback):

 1. ``manifest``     manifest.json reads, is canonical, and has a supported major version;
                     ``manifest.shape``: every field read below has its type, and the manifest's
                     columns are its tree description's                           (:func:`step_manifest`)
 2. ``keys``         the trust anchors: the operator key (pinned by the caller or the keyring)
                                                                                  (:func:`step_keys`)
 3. ``signature``    the operator's signature, and any auditor co-signature, over the manifest body
                                                                                  (:func:`step_signatures`)
 4. ``file``         every listed file has its SHA-256 and size; nothing unlisted is present. A
                     failed operator signature or listed-file hash stops here (``verification``)
                                                                                  (:func:`step_files`)
 5. ``statement``    each statement's specification hash equals this verifier's copy
                                                                                  (:func:`step_statements`)
 6. ``tree``         the full liabilities tree: nodes, root, range-proof blocks, collateral proofs;
                     ``reserves-config``: the manifest's configuration and the figures drawn from it
                                                        (:mod:`por.verify.figures`: steps 6 to 9)
 7. ``price``        oracle reports: signatures, freshness, dispersion, quorum median = manifest prices
 8. ``attestation``  reserve attestations against the policy and keyring; totals = manifest reserves
 9. ``solvency``     per asset, the solvency proof over the root commitments and attested reserves
10. ``ledger-log``   the log root and its consistency proof from the previous bundle's root (the
                     one given, else the one beside this bundle found by content) (:mod:`por.verify.chain`)
11. ``completeness`` (with ledger access and the master secret) every client account at the cut-off
                     is in the tree with its balance, and nothing else is; the manifest's reserves
                     configuration is the ledger's governed one at the cut-off entry, and the
                     bundle's keyring is the ledger's members at or after it, and the published log
                     root is the ledger's at that entry                (:mod:`por.verify.completeness`)
12. ``ledger``       (with ledger access, unless skipped) the ledger's own integrity, as
                     ``por ledger verify`` checks it: signatures, hash chain, postings, replayed
                     balances and log root, and that its journal extends the published root. Without
                     it, completeness would compare the bundle with tables the operator can rewrite.
13. ``trust``        what the key-based and policy-based checks rest on: a keyring and reserves
                     configuration the verifier gives, or the ledger's; otherwise they are
                     *untrusted* and fail unless the caller accepts the bundle's own (:mod:`por.verify.trust`)

:func:`verify_bundle` is the edge: it opens the bundle once (:func:`por.bundle.opened.open_bundle`),
reads what the verifier names and opens the ledger view, then :func:`audit_bundle` runs the steps,
which open nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from por.bundle import parse_keyring
from por.bundle.manifest import ManifestBody
from por.bundle.opened import OpenedBundle, open_bundle
from por.bundle.signed import Signature
from por.crypto import statements
from por.errors import DocumentError
from por.reserves.keyring import Keyring
from por.result import Result
from por.tree.build import ENCODING_STATEMENTS
from por.verify import chain, completeness, figures, trust
from por.verify.context import Audit
from por.verify.inputs import Given, Loaded, operator_key_of
from por.verify.ledger_view import LedgerView


def verify_bundle(
    bundle: str | Path,
    *,
    keyring_path: str | Path | None = None,
    operator_key: str | None = None,
    previous: str | Path | None = None,
    ledger_url: str | None = None,
    master_secret: bytes | None = None,
    auditor_openings: str | Path | None = None,
    executor: Any = None,
    ledger_integrity: bool = True,
    ledger_schema: str | None = None,
    progress: Callable[[str, int, int], None] | None = None,
    trust_bundle_keyring: bool = False,
    discover_previous: bool = True,
    reserves_config_path: str | Path | None = None,
    ledger: LedgerView | None = None,
    tmp_dir: str | Path | None = None,
) -> Result:
    """Check everything a bundle claims. Never raises on a damaged or hostile bundle.

    ``previous`` is the earlier bundle the log must be consistent with; when it is None and
    ``discover_previous`` holds, the latest earlier bundle beside this one, found by content, is
    used: dropping ``previous`` cannot skip the consistency check (docs/protocol.md §9.5 step 10).
    ``trust_bundle_keyring``: without a keyring given by the verifier (``keyring_path``) or ledger
    access, attestations and prices can only be checked against the bundle's own ``keyring.json``,
    which the operator writes; those checks then fail as *untrusted* unless the caller accepts that
    trust explicitly (§9.5 step 13). Likewise the reserves configuration (decimals, haircuts, reserve
    and price policies): without ledger access or one the verifier gives (``reserves_config_path``),
    it is the manifest's own, and so are the checks that rest on it. Ledger access is ``ledger`` (a
    view the caller opened) or ``ledger_url`` (opened here), with ``master_secret``. ``tmp_dir``: where
    the private copy of the tree store goes (default: the system's temporary directory); with an
    executor whose workers run on other hosts, a directory they can read.
    """
    path = Path(bundle)
    if not path.is_dir():
        res = Result(f"epoch bundle {path}")
        res.failed("manifest", f"{path} is not a directory")
        return res
    given = Given.read(path, keyring_path=keyring_path, operator_key=operator_key, previous=previous,
                       discover_previous=discover_previous, reserves_config_path=reserves_config_path,
                       auditor_openings=auditor_openings, master_secret=master_secret,
                       ledger_integrity=ledger_integrity, trust_bundle_keyring=trust_bundle_keyring,
                       executor=executor, progress=progress)
    with open_bundle(path, tmp_dir=tmp_dir) as opened, \
            _ledger_view(ledger, ledger_url, ledger_schema, master_secret) as view:
        return audit_bundle(opened, given, ledger=view)


@contextmanager
def _ledger_view(ledger: LedgerView | None, url: str | None, schema: str | None,
                 secret: bytes | None) -> Iterator[Loaded[LedgerView] | None]:
    """The ledger view the steps read: the caller's, or one opened here from ``url`` (and closed)."""
    if ledger is not None:
        yield Loaded(ledger)
        return
    if url is None or secret is None:
        yield None
        return
    from por.ledger.view import DATABASE_ERRORS, LedgerAuditView

    opened: list[LedgerAuditView] = []

    def open_view() -> LedgerView:
        opened.append(LedgerAuditView.open(url, schema=schema))
        return opened[-1]

    try:
        yield Loaded.of(open_view, DATABASE_ERRORS)  # a failure to open is reported by the steps that need the ledger
    finally:
        for view in opened:
            view.close()


def audit_bundle(opened: OpenedBundle, given: Given, *, ledger: Loaded[LedgerView] | None = None) -> Result:
    """Run the numbered steps on a bundle opened once, in order (docs/protocol.md §9.5). Opens nothing."""
    a = Audit(opened, given, ledger, Result(f"epoch bundle {opened.directory}"))
    a.run("manifest", step_manifest)
    if not a.readable:
        return a.res
    a.run("keys", step_keys)
    a.run("signature", step_signatures)
    a.run("file", step_files)
    if not authenticated(a):
        return a.res
    a.run("statement", step_statements)
    a.run("tree", figures.step_tree)
    a.run("reserves-config", figures.step_reserves_config)
    a.run("price", figures.step_prices)
    a.run("price.collateral", figures.step_collateral_prices)
    a.run("attestation", figures.step_attestations)
    a.run("solvency", figures.step_solvency)
    a.run("ledger-log", chain.step_ledger_log)
    if a.with_ledger:
        a.run("completeness", completeness.step_completeness)
        if given.ledger_integrity:
            a.run("ledger", completeness.step_ledger_integrity)
    a.run("trust.keyring", trust.step_trust_keyring)
    a.run("trust.reserves-config", trust.step_trust_reserves_config)
    return a.res


#: fields whose problem means the manifest does not read at all (``manifest``): not this format,
#: not this protocol, not a signed envelope; any other field of the body fails ``manifest.shape``
_READ_PATHS = ("signed.format", "signed.protocol")
#: fields every reader of a manifest needs, whose absence or type means it does not read (``manifest``)
_NEEDED = ("signed.epoch_id", "signed.journal_seq", "signed.files", "signed.tree", "signed.nonce")


def _unreadable(path: str, why: str) -> bool:
    """A problem at ``path`` means the manifest does not read at all (not a body of the wrong shape)."""
    if not path.startswith("signed.") or path.startswith(_READ_PATHS):
        return True
    return path in _NEEDED[:3] or (path in _NEEDED and why.startswith("is missing"))


def step_manifest(a: Audit) -> None:
    """1. ``manifest`` reads (canonical, supported version) and ``manifest.shape`` (§9.4): the body
    parsed strictly (:func:`por.bundle.manifest.parse_manifest`), every field typed."""
    try:
        a.manifest = a.opened.manifest()
    except DocumentError as exc:
        if any(_unreadable(p, why) for p, why in exc.problems):
            a.res.failed("manifest", exc.diagnostics())
            return
        a.res.passed("manifest", "manifest.json is canonical JSON of a supported format and protocol")
        a.res.failed("manifest.shape", "the manifest's signed body is malformed: " + "; ".join(
            f"{p.removeprefix('signed.')}: {why}" for p, why in exc.problems[:8])
            + (f"; and {len(exc.problems) - 8} more" if len(exc.problems) > 8 else ""))
        return
    s = a.manifest.signed
    a.res.passed("manifest", f"manifest.json of epoch {s.epoch_id} ({s.format}, protocol {s.protocol})")
    a.readable = True
    a.res.passed("manifest.shape", f"every field the verifier reads has its type; columns {len(s.columns)}, "
                 f"the same in the manifest and its tree description")


def step_keys(a: Audit) -> None:
    """2. ``keys``: the operator key pinned by the verifier, else the keyring's operator."""
    g = a.given
    a.op_hex = g.operator_key.get() if g.operator_key is not None else None  # a pinned key holds even if the keyring is bad
    if g.keyring is not None:
        a.keyring, origin = g.keyring.get(), f"keyring {g.keyring_path} (given by the verifier)"
    else:
        a.keyring = bundle_keyring(a, "keys")
        origin = "keyring.json of the bundle (trust rests on the operator key)"
    if a.op_hex:
        a.res.passed("keys", f"operator key pinned by the verifier ({a.op_hex[:16]}…); members from {origin}")
        return
    a.op_hex = operator_key_of(a.keyring)
    if not a.op_hex:
        a.res.failed("keys", f"no operator key: pass --operator-key or a keyring with an operator ({origin})")
        return
    a.res.passed("keys", f"operator key {a.op_hex[:16]}… from {origin}")


def bundle_keyring(a: Audit, check_id: str) -> Any:
    """The bundle's ``keyring.json`` parsed with its model (:func:`por.bundle.parse_keyring`), as the
    reserves checks use it; unusable, it fails ``check_id``."""
    return Keyring.from_model(a.document("keyring.json", parse_keyring, check_id))


def step_signatures(a: Audit) -> None:
    """3. ``signature.operator`` and ``signature.auditor.<id>`` over the manifest body (§9.4)."""
    manifest, op_hex, keyring, res = a.manifest, a.op_hex, a.keyring, a.res
    assert manifest is not None
    ops = manifest.signatures_by("operator")
    good = [s for s in ops if op_hex and s.public_key == op_hex.lower() and manifest.verify_signature(s)
            and is_member(keyring, s, "operator")]
    if good:
        res.passed("signature.operator", "the operator's signature over the manifest verifies")
    else:
        res.failed("signature.operator", "no valid operator signature over the manifest "
                   + ("(a signature is present but does not verify with the operator key)" if ops else "(none present)"))
    for s in manifest.signatures_by("auditor"):
        if is_member(keyring, s, "auditor", required=True) and manifest.verify_signature(s):
            res.passed(f"signature.auditor.{s.signer}", f"auditor {s.signer} co-signed the manifest")
        else:
            res.failed(f"signature.auditor.{s.signer}",
                       f"auditor co-signature by {s.signer!r} does not verify with a known auditor key")


def step_files(a: Audit) -> None:
    """4. ``file.<path>``: every listed file as it was read once, and every unlisted entry."""
    for c in a.opened.files.results():
        a.res.add(f"file.{c.name}", c.ok, c.message)


def authenticated(a: Audit) -> bool:
    """Nothing heavy runs on a bundle whose signature or any file hash failed: nothing in it can be
    trusted, and a hostile store could claim sizes that cost hours (docs/protocol.md §9.5)."""
    listed = {f"file.{name}" for name in a.m.files}
    broken = [c.id for c in a.res.checks if not c.ok and (c.id in listed or c.id in ("keys", "signature.operator"))]
    if broken:
        a.res.failed("verification", f"stopped after the signature and file checks ({', '.join(broken[:5])}"
                     f"{', …' if len(broken) > 5 else ''} failed): no further step was run on an unauthenticated bundle")
    return not broken


def step_statements(a: Audit) -> None:
    """5. ``statement.<id>`` (this verifier's specification hash), ``statement.<id>.file`` and
    ``statement.set`` (§5.1): the manifest lists exactly the statements this bundle's proofs rest on."""
    for sid, ref in sorted(a.m.statements.items()):
        digest = a.opened.files.digest(f"statements/{sid}.toml")  # as read and hashed in step 4
        if digest is None or digest != ref.sha256:
            a.res.failed(f"statement.{sid}.file", f"statements/{sid}.toml is missing or does not hash to the "
                         f"manifest's sha256 for {sid}")
        ours = statements.load(sid)
        if ours.sha256 != ref.sha256 or ours.version != ref.version:
            a.res.failed(f"statement.{sid}", f"{sid}: the bundle's specification (v{ref.version}, "
                         f"sha256 {ref.sha256[:16]}…) differs from this verifier's "
                         f"(v{ours.version}, {ours.sha256[:16]}…)")
        else:
            a.res.passed(f"statement.{sid}", f"{sid} v{ours.version} specification hash matches")
    want = required_statements(a.m)
    got = sorted(a.m.statements)
    a.res.add("statement.set", got == want, f"the manifest lists the statements its proofs rest on: {', '.join(want)}"
              if got == want else f"the manifest lists the statements {got}, but its tree's proof encoding and "
              f"its solvency proofs rest on exactly {want}")


def required_statements(m: ManifestBody) -> list[str]:
    """The statements a bundle's proofs rest on (docs/protocol.md §5.1, §7.5, §9.4): a committed tree's
    node-range statement of its proof encoding, and its collateral statement when a column is debt;
    and always the solvency statement."""
    need = {"solvency"}
    if m.tree.mode == "committed":
        node, collateral = ENCODING_STATEMENTS[m.tree.proof_encoding or "compressed"]
        need |= {node} | ({collateral} if any(c.kind == "debt" for c in m.columns) else set())
    return sorted(need)


def is_member(keyring: Any, sig: Signature, role: str, *, required: bool = False) -> bool:
    """The signature's ``signer`` is a keyring member with ``role`` whose key is the signing key.

    Without a keyring an operator signature rests on the pinned key alone (``required=False``)."""
    if keyring is None:
        return not required
    member = keyring.get(sig.signer)
    return (member is not None and member.has_role(role) and not member.revoked
            and member.ed25519_public_key is not None
            and member.ed25519_public_key.hex() == sig.public_key)
