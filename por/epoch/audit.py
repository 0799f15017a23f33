"""The auditor's verifier of a published epoch bundle: every check, from the bundle and public keys.

Steps (each a check id prefix; a step that cannot run is a failed check, never a traceback):

 1. ``manifest``     manifest.json reads, is canonical, and has a supported major version;
                     ``manifest.shape``: every field read below has its type, and the manifest's
                     columns are its tree description's
 2. ``keys``         the trust anchors: the operator key (pinned by the caller or the keyring)
 3. ``signature``    the operator's signature, and any auditor co-signature, over the manifest body
 4. ``file``         every listed file has its SHA-256 and size; nothing unlisted is present. A
                     failed operator signature or listed-file hash stops here (``verification``)
 5. ``statement``    each statement's specification hash equals this verifier's copy
 6. ``tree``         the full liabilities tree: nodes, root, range-proof blocks, collateral proofs
 7. ``price``        oracle reports: signatures, freshness, dispersion, quorum median = manifest prices
 8. ``attestation``  reserve attestations against the policy and keyring; totals = manifest reserves
 9. ``solvency``     per asset, the solvency proof over the root commitments and attested reserves
10. ``ledger-log``   the log root and its consistency proof from the previous bundle's root (the
                     one given, else the one beside this bundle found by content)
11. ``completeness`` (with ledger access and the master secret) every client account at the cut-off
                     is in the tree with its balance, and nothing else is; the manifest's reserves
                     configuration is the ledger's governed one at the cut-off entry, and the
                     bundle's keyring is the ledger's members at or after it, and the published log
                     root is the ledger's at that entry
12. ``ledger``       (with ledger access, unless skipped) the ledger's own integrity, as
                     ``por ledger verify`` checks it: signatures, hash chain, postings, replayed
                     balances and log root, and that its journal extends the published root. Without
                     it, completeness would compare the bundle with tables the operator can rewrite.
13. ``trust``        what the key-based and policy-based checks rest on: a keyring and reserves
                     configuration the verifier gives, or the ledger's; otherwise they are
                     *untrusted* and fail unless the caller accepts the bundle's own
(docs/protocol.md §9.5 is the normative list.)
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from por.canonical import parse_json, read_document
from por.epoch.bundle import Manifest, check_files
from por.epoch.manifest_shape import manifest_problems
from por.errors import PorError
from por.result import Check, Result

_MALFORMED = (PorError, KeyError, TypeError, ValueError, AttributeError, IndexError, OSError,
              SQLAlchemyError)  # ValueError covers JSONDecodeError; SQLAlchemyError a damaged --ledger database


def _read_json(bundle: Path, name: str) -> Any:
    try:
        return parse_json(read_document(bundle / name))
    except FileNotFoundError:
        raise PorError(f"{name} is missing from the bundle") from None
    except (OSError, ValueError) as exc:  # EncodingError, UnicodeDecodeError and JSONDecodeError are ValueErrors
        raise PorError(f"{name} does not read as JSON ({exc})") from None


def _step(res: Result, check_id: str, fn: Callable[[], None]) -> None:
    """Run one verification step; any malformed-input error becomes a failed check naming it."""
    try:
        fn()
    except _MALFORMED as exc:
        msg = exc.diagnostics() if isinstance(exc, PorError) else f"malformed input ({exc.__class__.__name__}: {exc})"
        res.failed(check_id, msg)


def load_keyring(path: str | Path | None, bundle: Path) -> tuple[Any, str]:
    from por.reserves.keyring import Keyring

    if path is not None:
        return Keyring.load(path), f"keyring {path} (given by the verifier)"
    return Keyring.from_dict(_read_json(bundle, "keyring.json")), "keyring.json of the bundle (trust rests on the operator key)"


def operator_key_of(keyring: Any) -> str | None:
    """The Ed25519 key (hex) of the keyring's active operator, if it has one."""
    ops = [mb for mb in keyring if mb.has_role("operator") and not mb.revoked and mb.ed25519_public_key]
    return ops[0].ed25519_public_key.hex() if ops else None


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
) -> Result:
    """Check everything a bundle claims. Never raises on a damaged or hostile bundle.

    ``previous`` is the earlier bundle the log must be consistent with; when it is None and
    ``discover_previous`` holds, the latest earlier bundle beside this one is used (so that naming
    no previous epoch, or one that is not there, cannot skip the consistency check).
    ``trust_bundle_keyring``: without a keyring given by the verifier (``keyring_path``) or ledger
    access, attestations and prices can only be checked against the bundle's own ``keyring.json``,
    which the operator writes; those checks then fail as *untrusted* unless the caller accepts that
    trust explicitly (docs/protocol.md §9.5, step 13). Likewise the reserves configuration (decimals,
    haircuts, reserve and price policies): without ledger access or one the verifier gives
    (``reserves_config_path``), it is the manifest's own, and so are the checks that rest on it.
    """
    path = Path(bundle)
    res = Result(f"epoch bundle {path}")
    if not path.is_dir():
        res.failed("manifest", f"{path} is not a directory")
        return res
    # 1. manifest
    try:
        manifest = Manifest.read(path)
    except PorError as exc:
        res.failed("manifest", exc.diagnostics())
        return res
    m = manifest.signed
    res.passed("manifest", f"manifest.json of epoch {m['epoch_id']} ({m['format']}, protocol {m['protocol']})")
    shape = manifest_problems(m)
    if shape:
        res.failed("manifest.shape", "the manifest's signed body is malformed: " + "; ".join(shape[:8])
                   + (f"; and {len(shape) - 8} more" if len(shape) > 8 else ""))
        return res
    res.passed("manifest.shape", f"every field the verifier reads has its type; columns {len(m['columns'])}, "
               f"the same in the manifest and its tree description")

    # 2. keys
    keyring: Any = None
    op_hex = None

    def keys() -> None:
        nonlocal keyring, op_hex
        op_hex = _key_hex(operator_key) if operator_key else None  # a pinned key holds even if the keyring is bad
        keyring, origin = load_keyring(keyring_path, path)
        if op_hex:
            res.passed("keys", f"operator key pinned by the verifier ({op_hex[:16]}…); members from {origin}")
            return
        op_hex = operator_key_of(keyring)
        if not op_hex:
            res.failed("keys", f"no operator key: pass --operator-key or a keyring with an operator ({origin})")
            return
        res.passed("keys", f"operator key {op_hex[:16]}… from {origin}")

    _step(res, "keys", keys)

    # 3. signatures
    def signatures() -> None:
        ops = manifest.signatures_by("operator")
        good = [s for s in ops if op_hex and manifest.verify_signature(s, op_hex) and _is_member(keyring, s, "operator")]
        if good:
            res.passed("signature.operator", "the operator's signature over the manifest verifies")
        else:
            res.failed("signature.operator", "no valid operator signature over the manifest "
                       + ("(a signature is present but does not verify with the operator key)" if ops else "(none present)"))
        for s in manifest.signatures_by("auditor"):
            if _is_member(keyring, s, "auditor", required=True) and manifest.verify_signature(s):
                res.passed(f"signature.auditor.{s.get('signer')}", f"auditor {s.get('signer')} co-signed the manifest")
            else:
                res.failed(f"signature.auditor.{s.get('signer')}",
                           f"auditor co-signature by {s.get('signer')!r} does not verify with a known auditor key")

    _step(res, "signature", signatures)

    # 4. files
    def files() -> None:
        for name, ok, msg in check_files(path, manifest):
            res.add(f"file.{name}", ok, msg)

    _step(res, "file", files)

    # Nothing heavy runs on a bundle whose signature or any file hash failed: nothing in it can be
    # trusted, and a hostile store could claim sizes that cost hours (docs/protocol.md §9.5).
    listed = {f"file.{name}" for name in m["files"]}
    broken = [c.id for c in res.checks if not c.ok and (c.id in listed or c.id in ("keys", "signature.operator"))]
    if broken:
        res.failed("verification", f"stopped after the signature and file checks ({', '.join(broken[:5])}"
                   f"{', …' if len(broken) > 5 else ''} failed): no further step was run on an unauthenticated bundle")
        return res

    # 5. statements
    def stmts() -> None:
        from por.crypto import statements

        for sid, ref in sorted(m["statements"].items()):
            copy = path / "statements" / f"{sid}.toml"
            if not copy.is_file() or hashlib.sha256(copy.read_bytes()).hexdigest() != ref.get("sha256"):
                res.failed(f"statement.{sid}.file", f"statements/{sid}.toml is missing or does not hash to the "
                           f"manifest's sha256 for {sid}")
            ours = statements.load(sid)
            if ours.sha256 != ref.get("sha256") or ours.version != ref.get("version"):
                res.failed(f"statement.{sid}", f"{sid}: the bundle's specification (v{ref.get('version')}, "
                           f"sha256 {str(ref.get('sha256'))[:16]}…) differs from this verifier's "
                           f"(v{ours.version}, {ours.sha256[:16]}…)")
            else:
                res.passed(f"statement.{sid}", f"{sid} v{ours.version} specification hash matches")

    _step(res, "statement", stmts)

    # 6. tree
    def tree() -> None:
        from por.tree import verify_tree

        store = path / m["tree"]["store"]
        if not store.is_file():
            res.failed("tree.store", f"{m['tree']['store']} is missing from the bundle")
            return
        r = verify_tree(store, expected=m["tree"], prices=_int_map(m.get("collateral_prices")),
                        haircuts_bps=_int_map(m.get("haircuts_bps")), executor=executor, progress=progress)
        res.merge(r)

    _step(res, "tree", tree)

    cfg: Any = None

    def config() -> None:
        nonlocal cfg
        cfg = _reserves_config(res, m)

    _step(res, "reserves-config", config)

    # 7. prices
    def prices() -> None:
        from por.reserves.oracle import SignedReport, aggregate_price
        from por.units import cutoff_datetime, iso_seconds

        if cfg is None:
            res.failed("price", "no usable reserves configuration in the manifest, hence no price policy")
            return
        doc = _read_json(path, "prices.json")
        reports = []
        for i, d in enumerate(doc.get("reports", [])):
            try:
                reports.append(SignedReport.from_dict(d))
            except PorError as exc:
                res.failed(f"price.report.{i}", f"prices.json report {i} is malformed: {exc.diagnostics()}")
        now = cutoff_datetime(m["cutoff_time"])  # the signed cut-off
        bound = (str(m["epoch_id"]), iso_seconds(m["cutoff_time"]))  # reports must name this epoch and cut-off
        _price_file(res, doc, m, cfg.reporting_currency)
        cols = sorted({str(c["asset"]) for c in m["columns"]})
        if sorted(m["prices"]) != cols:
            res.failed("price.assets", f"the manifest prices {sorted(m['prices'])}, its columns' assets are {cols}")
        for asset, price in sorted(m["prices"].items()):
            if asset == cfg.reporting_currency and asset not in cfg.price:
                ok = int(price) == 10**8
                res.add(f"price.{asset}", ok, f"{asset} is the reporting currency (price 1)" if ok
                        else f"{asset}: the reporting currency must have price 10^8, manifest says {price}")
                continue
            try:
                q = aggregate_price(reports, cfg.price[asset], keyring, now, epoch=bound)
            except PorError as exc:
                res.failed(f"price.{asset}", f"{asset}: no valid quorum price from prices.json: {exc.diagnostics()}")
                continue
            if q.price_e8 != int(price):
                res.failed(f"price.{asset}", f"{asset}: the oracle median is {q.price_e8}, the manifest uses {price}")
            else:
                res.passed(f"price.{asset}", f"{asset}: median {q.price_e8} of {len(q.used)} signed report(s) "
                           f"matches the manifest")

    _step(res, "price", prices)

    def collateral_prices() -> None:
        from por.reserves.policy import collateral_prices_of

        if cfg is None:
            res.failed("price.collateral", "no usable reserves configuration, hence no governed decimals")
            return
        want = collateral_prices_of(cfg, {str(a): int(p) for a, p in m["prices"].items()})
        got = _int_map(m.get("collateral_prices")) or {}
        res.add("price.collateral", got == want,
                "collateral prices are the prices of record per minor unit (price_e8 · 10^(D − decimals), "
                "decimals from the reserves configuration)"
                if got == want else f"collateral prices {got} are not the prices of record per minor unit under "
                f"the reserves configuration's decimals {want}")

    _step(res, "price.collateral", collateral_prices)

    # 8. attestations
    def attestations() -> None:
        from por.reserves.attestation import Attestation
        from por.reserves.policy import EpochContext, Malformed, evaluate

        doc = _read_json(path, "attestations.json")
        items: list[Any] = []
        for i, d in enumerate(doc["attestations"]):
            label = str(d.get("label", f"#{i}"))
            try:
                items.append((label, Attestation.from_dict(d["attestation"])))
            except (PorError, KeyError, TypeError, ValueError) as exc:
                items.append((label, Malformed(label, str(exc))))
        ctx = EpochContext.from_dict(m["epoch_context"])
        if ctx.epoch_id != m["epoch_id"] or ctx.nonce != m["nonce"]:
            res.failed("attestation.context", "the epoch context in the manifest names another epoch or nonce")
            return
        if doc.get("format") != "por-attestations/1" or doc.get("epoch") != m["epoch_context"]:
            res.failed("attestation.context", "attestations.json is not a por-attestations/1 document of the "
                       "manifest's epoch context (format or epoch differ)")
            return
        ev = evaluate(items, keyring, cfg.reserve, ctx)
        res.merge(ev.result)
        from por.reserves.policy import reserves_section

        ours = reserves_section(ev.totals(), [o.to_dict() for o in ev.outcomes])
        for asset in sorted(set(m["reserves"]) | set(ours)):
            claimed = m["reserves"].get(asset, {})
            got = ours.get(asset, {"amount": 0, "custodians": []})
            if claimed.get("amount") != got["amount"]:
                res.failed(f"reserves.{asset}", f"{asset}: attested reserves {got['amount']} ≠ manifest {claimed.get('amount')}")
            elif claimed.get("custodians") != got["custodians"]:
                res.failed(f"reserves.{asset}", f"{asset}: the manifest's per-custodian outcomes differ from the "
                           f"re-evaluated attestations")
            else:
                res.passed(f"reserves.{asset}", f"{asset}: attested reserves {got['amount']} = manifest "
                           f"({sum(c['counted'] for c in got['custodians'])} statement(s) counted)")

    _step(res, "attestation", attestations)

    # 9. solvency
    def solvency() -> None:
        from por.reserves.solvency import verify_solvency

        doc = _read_json(path, "solvency.json")
        if doc.get("format") != "por-solvency-set/1":
            res.failed("solvency.file", f"solvency.json format {doc.get('format')!r:.40} is not 'por-solvency-set/1'")
        openings = parse_json(read_document(auditor_openings))["openings"] if auditor_openings else {}
        cols = [(c["asset"], c["kind"]) for c in m["columns"]]
        roots = m["tree"]["root"]
        for asset in sorted({a for a, _ in cols}):
            proof = doc["proofs"].get(asset)
            if proof is None:
                res.failed(f"solvency.{asset}", f"{asset}: no solvency proof in solvency.json")
                continue
            commitments = {k: bytes.fromhex(roots[i]) for i, (a, k) in enumerate(cols) if a == asset}
            reserves = int(m["reserves"].get(asset, {}).get("amount", 0))
            r = verify_solvency(proof, epoch_id=m["epoch_id"], nonce=m["nonce"], root_commitments=commitments,
                                reserves=reserves, opening=openings.get(asset))
            res.merge(r)
        _disclosure(res, m, doc, sorted({a for a, _ in cols}))

    if m["tree"].get("mode") == "committed":
        _step(res, "solvency", solvency)
    else:
        _step(res, "solvency", lambda: _plain_solvency(res, m))

    # 10. ledger log
    def ledger_log() -> None:
        from por.ledger import verify_consistency

        log = _read_json(path, "ledger-log.json")
        if log != m["ledger_log"]:
            res.failed("ledger-log.manifest", "ledger-log.json differs from the manifest's ledger_log")
            return
        if log.get("size") != m["journal_seq"]:
            res.failed("ledger-log.manifest", f"the published log size {log.get('size')!r} is not the cut-off "
                       f"entry journal_seq {m['journal_seq']} (the tree is a snapshot at that entry)")
            return
        prev = log.get("previous")
        named = m.get("previous")
        if (named is None) != (prev is None) or (named is not None and (
                not isinstance(named, dict) or not isinstance(prev, dict)
                or {k: named.get(k) for k in ("epoch_id", "size", "root")} != prev)):
            res.failed("ledger-log.previous", f"the manifest's previous epoch {named} and the log's previous "
                       f"position {prev} disagree")
            return
        if not _previous_matches(res, path, m, prev, named, previous, discover_previous, op_hex):
            return
        if prev is None:
            res.passed("ledger-log.consistency", f"first epoch: ledger log root {log['root'][:16]}… at size "
                       f"{log['size']} (no earlier root to be consistent with)")
            return
        ok = verify_consistency(int(prev["size"]), prev["root"], int(log["size"]), log["root"],
                                log["consistency_proof"])
        res.add("ledger-log.consistency", ok,
                f"ledger log grew from {prev['size']} ({prev['epoch_id']}) to {log['size']} entries "
                + ("consistently: no history rewritten" if ok else "but the consistency proof FAILS"))

    _step(res, "ledger-log", ledger_log)

    # 11. completeness
    with_ledger = ledger_url is not None and master_secret is not None
    if ledger_url is not None and master_secret is not None:
        url, secret = ledger_url, master_secret
        _step(res, "completeness", lambda: _completeness(res, path, m, url, ledger_schema, secret, manifest.sha256))
        # 12. the ledger's own integrity: the completeness check read its derived tables
        if ledger_integrity:
            _step(res, "ledger", lambda: _ledger_integrity(res, m, url, ledger_schema, progress))
    # 13. what the key-based and policy-based checks rest on
    origin = "given" if keyring_path is not None else "ledger" if with_ledger else "bundle"
    _trust(res, origin, pinned=operator_key is not None, accepted=trust_bundle_keyring,
           reporting=str(m.get("reporting_currency")))
    config_origin = "ledger" if with_ledger else "given" if reserves_config_path is not None else "bundle"
    _step(res, "trust.reserves-config", lambda: _trust_config(res, m, config_origin, reserves_config_path,
                                                              accepted=trust_bundle_keyring))
    return res


#: checks whose verdict is only as good as the reserves configuration they used (decimals, haircuts,
#: reserve and price policies)
_CONFIGURED = ("reserves-config", "price.", "reserves.", "attestation.", "tree.collateral")


def _trust_config(res: Result, m: dict[str, Any], origin: str, given: str | Path | None, *, accepted: bool) -> None:
    """Say what the configuration-based checks rest on (docs/protocol.md, threat model D).

    Why: the manifest carries its own reserves configuration; without the ledger's governed entry (or
    one the auditor holds) an operator could publish a quorum of one, a haircut of 10000 bps or an
    asset at 0 decimals, consistently everywhere, and every derived check would agree with it."""
    check = "trust.reserves-config"
    if origin == "ledger":
        res.passed(check, "decimals, haircuts and policies are the manifest's reserves configuration, which "
                   "completeness.reserves-config compared with the ledger's governed one")
        return
    if origin == "given" and given is not None:
        from por.reserves.policy import ReservesConfig

        mine = ReservesConfig.from_dict(parse_json(read_document(given))).to_dict()
        if mine == m["reserves_config"]:
            res.passed(check, f"the manifest's reserves configuration is the one given by the verifier ({given})")
        else:
            differ = sorted(k for k in set(mine) | set(m["reserves_config"]) if mine.get(k) != m["reserves_config"].get(k))
            res.failed(check, f"the manifest's reserves configuration differs from the one given by the verifier "
                       f"({given}; fields {differ})")
        return
    reporting = str(m.get("reporting_currency"))
    note = " [checked only against the manifest's own reserves configuration, which the operator writes]"
    for i, c in enumerate(res.checks):
        if (c.ok and c.id.startswith(_CONFIGURED) and c.id not in _NOT_KEYED
                and not c.id.startswith("price.report.") and c.id != f"price.{reporting}"):
            res.checks[i] = Check(c.id, accepted, c.message if c.untrusted else c.message + note, untrusted=True)
    if accepted:
        res.checks.append(Check(check, True, "decimals, haircuts and reserve and price policies are the manifest's "
                                "own reserves configuration (the operator's word), accepted with "
                                "--trust-bundle-keyring", untrusted=True))
    else:
        res.checks.append(Check(check, False, "decimals, haircuts and reserve and price policies are the manifest's "
                                "own reserves configuration, which the operator writes: pass --reserves-config with "
                                "the governed configuration, or --ledger to check it against the journal, or accept "
                                "it with --trust-bundle-keyring", untrusted=True))


#: checks whose verdict is only as good as the keys they were checked with
_KEYED = ("price.", "reserves.", "attestation.", "signature.auditor.")
_NOT_KEYED = ("price.file", "price.collateral", "attestation.context")


def _trust(res: Result, origin: str, *, pinned: bool, accepted: bool, reporting: str) -> None:
    """Say what the key-based checks rest on; without a keyring the verifier trusts, they are untrusted.

    Why: the bundle's ``keyring.json`` is written by the operator, who could list custodian and oracle
    keys of its own and sign any reserves and prices itself (docs/protocol.md, threat model F)."""
    if origin == "given":
        res.passed("trust.keyring", "attestations, prices and co-signatures were checked against the keyring "
                   "given by the verifier")
        return
    if origin == "ledger":
        res.passed("trust.keyring", "attestations, prices and co-signatures were checked against keyring.json, "
                   "which completeness.keyring compared with the ledger's governed members")
        return

    def keyed(c: Any) -> bool:
        if c.id in _NOT_KEYED or c.id.startswith("price.report.") or c.id == f"price.{reporting}":
            return False
        return c.id.startswith(_KEYED) or (c.id == "signature.operator" and not pinned)

    note = " [checked only against the bundle's own keyring.json, which the operator writes]"
    for i, c in enumerate(res.checks):
        if c.ok and keyed(c):
            res.checks[i] = Check(c.id, accepted, c.message + note, untrusted=True)
    what = "reserves, prices and co-signatures" + ("" if pinned else ", and the operator key itself,")
    if accepted:
        res.checks.append(Check("trust.keyring", True, f"{what} rest on the bundle's own keyring.json (the "
                                "operator's word), accepted with --trust-bundle-keyring", untrusted=True))
    else:
        res.checks.append(Check("trust.keyring", False, f"{what} rest on the bundle's own keyring.json, which "
                                "the operator writes: pass --keys with a keyring you trust, or --ledger to check it "
                                "against the governed members, or accept it with --trust-bundle-keyring",
                                untrusted=True))


def latest_earlier_bundle(bundle: Path, size: int | None = None, op_hex: str | None = None) -> Path | None:
    """The bundle beside ``bundle`` that is its previous epoch, found by content, not by folder name.

    Among the sibling directories holding a ``manifest.json``: one that does not read is returned when
    its name sorts before this one's (a damaged previous bundle must fail the check, not vanish from
    it); a readable one counts when the operator key signed it and its ledger log size is below
    ``size``, and the one with the largest such size is returned. Renaming or reordering folders
    therefore cannot hide an earlier epoch (docs/protocol.md §9.5 step 10)."""
    here = bundle.resolve()
    try:
        siblings = sorted(p for p in here.parent.iterdir()
                          if p != here and not p.name.startswith(".") and (p / "manifest.json").exists())
    except OSError:
        return None
    best: tuple[int, Path] | None = None
    for p in siblings:
        try:
            sm = Manifest.read(p)
            psize = sm.signed["ledger_log"]["size"]
            signed = bool(op_hex) and any(sm.verify_signature(s, op_hex) for s in sm.signatures_by("operator"))
        except (PorError, KeyError, TypeError):
            if p.name < here.name:
                return p
            continue
        if size is None:  # no position of our own to compare with: the name order
            if p.name < here.name:
                best = (0, p)
            continue
        if signed and isinstance(psize, int) and not isinstance(psize, bool) and psize < size:
            if best is None or psize > best[0]:
                best = (psize, p)
    return best[1] if best else None


def _previous_matches(res: Result, path: Path, m: dict[str, Any], prev: Any, named: Any,
                      given: str | Path | None, discover: bool, op_hex: str | None) -> bool:
    """The log's previous position is that of the previous bundle: the one the auditor gives, else the
    latest earlier bundle beside this one. A manifest naming a previous epoch that is not there fails
    (docs/protocol.md §9.5 step 10): otherwise an operator could name a stale or invented position
    and hide a ledger rewritten since the last published epoch."""
    check = "ledger-log.previous"
    size = m["ledger_log"]["size"]
    pb = Path(given) if given is not None else latest_earlier_bundle(path, size, op_hex) if discover else None
    if pb is None:
        if named is not None:
            res.failed(check, f"the manifest names previous epoch {named.get('epoch_id')!r} but no earlier bundle "
                       "is beside this one: give it with --previous to check the log's consistency")
            return False
        res.passed(check, "the manifest names no previous epoch and no bundle of this operator with an earlier "
                   "log position is beside it: taken as a first epoch (only the ledger's epoch.publish entries, "
                   "completeness.epochs, can show that none was published before)")
        return True
    try:
        pman = Manifest.read(pb)
    except PorError as exc:
        res.failed(check, f"the previous bundle {pb.name} does not read: {exc.diagnostics()}")
        return False
    pm = pman.signed
    if not (op_hex and any(pman.verify_signature(s, op_hex) for s in pman.signatures_by("operator"))):
        res.failed(check, f"the previous bundle {pb.name} is not signed by this operator key")
        return False
    plog = pm.get("ledger_log")
    if not isinstance(plog, dict):
        res.failed(check, f"the previous bundle {pb.name} has no ledger log position")
        return False
    want = {"epoch_id": pm.get("epoch_id"), "size": plog.get("size"), "root": plog.get("root")}
    if named is None:
        res.failed(check, f"the manifest names no previous epoch, but {pb.name} (epoch {want['epoch_id']}, log size "
                   f"{want['size']}) is an earlier bundle: dropping it would skip the consistency check")
        return False
    if prev != want:
        res.failed(check, f"the bundle's previous log position {prev} is not that of the previous bundle "
                   f"{pb.name} ({want})")
        return False
    if named.get("manifest_sha256") != pman.sha256:
        res.failed(check, f"the manifest names previous manifest hash {named.get('manifest_sha256')!r}, the previous "
                   f"bundle's is {pman.sha256}")
        return False
    if want["epoch_id"] == m["epoch_id"] or not (isinstance(want["size"], int) and want["size"] < m["ledger_log"]["size"]):
        res.failed(check, f"the previous position (epoch {want['epoch_id']}, size {want['size']}) is not strictly "
                   f"earlier than this epoch's (epoch {m['epoch_id']}, size {m['ledger_log']['size']})")
        return False
    res.passed(check, f"the previous epoch is {want['epoch_id']} ({pb.name}, manifest {pman.sha256[:16]}…), "
               f"log size {want['size']} < {m['ledger_log']['size']}")
    return True


def _ledger_integrity(res: Result, m: dict[str, Any], ledger_url: str, schema: str | None,
                      progress: Callable[[str, int, int], None] | None) -> None:
    """Replay the whole ledger (``por ledger verify``) and require its journal to extend the published
    log root: the completeness check compared the bundle with balance and member tables that a party
    with write access to the database could have rewritten to match it."""
    from por.ledger import Ledger

    log = m["ledger_log"]
    with Ledger.open(ledger_url, schema=schema, create=False) as led:  # the replay checks the position's shape
        res.merge(led.verify(expected_root=(log["size"], log["root"]), progress=progress))


def _plain_solvency(res: Result, m: dict[str, Any]) -> None:
    cols = [(c["asset"], c["kind"]) for c in m["columns"]]
    sums = [int(x) for x in m["tree"]["root"]]
    for asset in sorted({a for a, _ in cols}):
        eq = sum(s for (a, k), s in zip(cols, sums, strict=True) if a == asset and k == "equity")
        debt = sum(s for (a, k), s in zip(cols, sums, strict=True) if a == asset and k == "debt")
        reserves = int(m["reserves"].get(asset, {}).get("amount", 0))
        ok = reserves - (eq - debt) >= 0
        res.add(f"solvency.{asset}", ok, f"{asset}: reserves {reserves} − (equity {eq} − debt {debt}) = "
                f"{reserves - eq + debt} (plain tree: sums in clear)")


def _completeness(res: Result, path: Path, m: dict[str, Any], ledger_url: str, schema: str | None,
                  master_secret: bytes, manifest_sha256: str) -> None:
    from por.ledger import Ledger
    from por.ledger.snapshot import client_rows
    from por.tree import verify_completeness

    with Ledger.open(ledger_url, schema=schema, create=False) as led, led.snapshot(int(m["journal_seq"])) as snap:
        cols = [list(c) for c in snap.columns]
        owners = {a["id"]: a["owner"] for a in led.accounts()}
        keep, rows = client_rows(snap.rows(), owners, len(cols))
        _governed_config(res, led, m)
        _step(res, "completeness.prices", lambda: _ledger_cutoff_and_prices(res, led, m))
        _governed_keyring(res, led, m, path)
        _ledger_log_root(res, led, m)
        _governed_chain(res, led, m, manifest_sha256)
    want = [[c["asset"], c["kind"]] for c in m["columns"]]
    if [cols[i] for i in keep] != want:
        res.failed("completeness.columns", f"the ledger's non-zero columns at seq {m['journal_seq']} are "
                   f"{[cols[i] for i in keep]}, the bundle's {want}")
        return
    r = verify_completeness(path / m["tree"]["store"], rows, master_secret=master_secret, epoch_id=m["epoch_id"])
    res.merge(r)


def _governed_config(res: Result, led: Any, m: dict[str, Any]) -> None:
    """The manifest's reserve and price policies are the ledger's governed ones at the cut-off entry
    (without this, an operator could publish a weaker quorum than its governors agreed)."""
    from por.reserves.ledger_adapter import reserves_config
    from por.reserves.policy import ReservesConfig

    seq = int(m["journal_seq"])
    try:
        governed = reserves_config(led, at_seq=seq).to_dict()
    except PorError as exc:
        res.failed("completeness.reserves-config", f"the ledger has no usable reserves configuration at entry "
                   f"{seq}: {exc}")
        return
    try:
        published = ReservesConfig.from_dict(m["reserves_config"]).to_dict()
    except _MALFORMED as exc:
        res.failed("completeness.reserves-config", f"the manifest's reserves_config is not a reserves "
                   f"configuration ({exc.__class__.__name__}: {exc}), so it cannot be the governed one")
        return
    _step(res, "completeness.asset-decimals", lambda: _asset_decimals(res, led, m, governed))
    from por.reserves.ledger_adapter import reserves_config_entry

    entry = reserves_config_entry(led, seq)
    ref = m.get("reserves_config_ref")
    got = {k: ref.get(k) for k in ("seq", "entry_hash")} if isinstance(ref, dict) else ref
    if published == governed and got != entry:
        res.failed("completeness.reserves-config", f"the manifest's reserves_config_ref {got} is not the ledger's "
                   f"governing reserves entry at entry {seq} ({entry})")
        return
    if published == governed:
        res.passed("completeness.reserves-config", f"the manifest's reserves configuration (decimals, haircuts, "
                   f"reserve and price policies) is the ledger's governed one at entry {seq}, set by entry "
                   f"{entry['seq'] if entry else '?'}")
        return
    differ = sorted(k for k in set(published) | set(governed) if published.get(k) != governed.get(k))
    assets = published.get("assets", {}), governed.get("assets", {})
    which = sorted(a for a in set(assets[0]) | set(assets[1]) if assets[0].get(a) != assets[1].get(a))
    res.failed("completeness.reserves-config", f"the manifest's reserves_config differs from the ledger's governed "
               f"configuration at entry {seq} (fields {differ}" + (f", assets {which}" if which else "") + ")")


def _price_file(res: Result, doc: dict[str, Any], m: dict[str, Any], reporting: str) -> None:
    """prices.json's own summary (format, epoch, cut-off, reporting currency, quotes) is the manifest's:
    a reader of that file alone must not be shown other prices than those the epoch used."""
    from por.reserves.oracle import PRICES_FORMAT
    from por.units import iso_seconds

    problems = []
    if doc.get("format") != PRICES_FORMAT:
        problems.append(f"format {doc.get('format')!r} is not {PRICES_FORMAT!r}")
    if doc.get("epoch_id") != m["epoch_id"]:
        problems.append(f"epoch {doc.get('epoch_id')!r} is not the manifest's {m['epoch_id']!r}")
    if doc.get("cutoff") != iso_seconds(m["cutoff_time"]):
        problems.append(f"cutoff {doc.get('cutoff')!r} is not the manifest's cut-off {m['cutoff_time']}")
    if doc.get("reporting_currency") != reporting or m.get("reporting_currency") != reporting:
        problems.append(f"reporting currency {doc.get('reporting_currency')!r} (manifest "
                        f"{m.get('reporting_currency')!r}) is not the policy's {reporting!r}")
    quotes = doc.get("quotes")
    got = {a: q.get("price_e8") for a, q in quotes.items()} if isinstance(quotes, dict) else quotes
    if got != m["prices"]:
        problems.append(f"quotes {got} are not the manifest's prices {m['prices']}")
    res.add("price.file", not problems, "prices.json summarises the manifest's prices at its cut-off" if not problems
            else "prices.json: " + "; ".join(problems))


def _reserves_config(res: Result, m: dict[str, Any]) -> Any:
    """The manifest's reserves configuration, and every figure the verifiers take from it.

    Asset decimals, haircuts and (in ``price.collateral``) the collateral prices are derived from this
    one document, whose identity (``reserves_config_ref``: the governing journal entry and the SHA-256
    of its canonical JSON) the manifest carries; with the ledger, ``completeness.reserves-config``
    checks it is the governed one. The manifest's own ``assets``, ``reporting_*`` and ``haircuts_bps``
    fields must be the configuration's (protocol §9.5): an operator that re-signs them with other
    values (AAPL at 0 decimals, a haircut of 10000 bps) fails here by name. Returns the configuration,
    or None when it is unusable (a failed ``reserves-config``).
    """
    from por.reserves.policy import ReservesConfig, config_sha256, haircuts_of

    doc = m["reserves_config"]
    try:
        cfg = ReservesConfig.from_dict(doc)
    except PorError as exc:
        res.failed("reserves-config", f"the manifest's reserves_config is not a reserves configuration: "
                   f"{exc.diagnostics()}")
        return None
    ref = m.get("reserves_config_ref")
    seq = m["journal_seq"]
    problems = []
    if cfg.to_dict() != doc:
        problems.append("reserves_config is not in its resolved form (every asset's decimals and haircut_bps)")
    if not isinstance(ref, dict) or set(ref) != {"seq", "entry_hash", "sha256"}:
        problems.append(f"reserves_config_ref {ref!r:.80} is not {{seq, entry_hash, sha256}}")
    else:
        if type(ref["seq"]) is not int or not 1 <= ref["seq"] <= seq:
            problems.append(f"reserves_config_ref.seq {ref['seq']!r} is not an entry at or before journal_seq {seq}")
        digest = config_sha256(doc)
        if ref["sha256"] != digest:
            problems.append(f"reserves_config_ref.sha256 {str(ref['sha256'])[:16]}… is not the SHA-256 of the "
                            f"canonical reserves_config ({digest[:16]}…)")
    if problems or not isinstance(ref, dict):
        res.failed("reserves-config", "; ".join(problems))
    else:
        res.passed("reserves-config", f"reserves configuration {ref['sha256'][:16]}… is consistent with its "
                   f"reference (it names journal entry {ref['seq']}; only the ledger shows that entry set it)")
    # decimals: the manifest's assets table is the configuration's, and names every column asset
    assets = m["assets"]
    bad = []
    if not isinstance(assets, dict):
        bad.append(f"assets is not an object ({type(assets).__name__})")
    else:
        for a, spec in sorted(assets.items()):
            d = spec.get("decimals") if isinstance(spec, dict) else None
            if a not in cfg.decimals or type(d) is not int or d != cfg.decimals[a]:
                bad.append(f"{a}: manifest {d!r}, configuration {cfg.decimals.get(a)!r}")
        cols = sorted({str(c["asset"]) for c in m["columns"]} - set(assets))
        if cols:
            bad.append(f"column assets {cols} are not in the assets table")
    if m.get("reporting_currency") != cfg.reporting_currency or m.get("reporting_decimals") != cfg.reporting_decimals:
        bad.append(f"reporting currency {m.get('reporting_currency')!r}/{m.get('reporting_decimals')!r} decimals, "
                   f"configuration {cfg.reporting_currency!r}/{cfg.reporting_decimals!r}")
    res.add("reserves-config.decimals", not bad, "asset decimals are the reserves configuration's" if not bad
            else "the manifest's asset decimals are not the reserves configuration's: " + "; ".join(bad))
    # haircuts: governed, never the manifest's own choice
    want = haircuts_of(cfg, dict(m["prices"]))
    got = m.get("haircuts_bps")
    res.add("reserves-config.haircuts", got == want,
            f"haircuts {want} are the reserves configuration's" if got == want
            else f"the manifest's haircuts_bps {got} are not the reserves configuration's {want}")
    return cfg


def _asset_decimals(res: Result, led: Any, m: dict[str, Any], governed: dict[str, Any]) -> None:
    """The governed decimals (hence the manifest's, see :func:`_reserves_config`) are the ledger's
    asset table's, for every asset both name and every column asset."""
    table = {a: int(info.decimals) for a, info in led.assets().items()}
    conf = {a: spec.get("decimals") for a, spec in dict(governed.get("assets", {})).items()}
    cols = {str(c["asset"]) for c in m["columns"]}
    bad = [f"{a}: configuration {conf.get(a)!r}, ledger {table.get(a)!r}"
           for a in sorted((set(conf) & set(table)) | cols) if conf.get(a) != table.get(a)]
    mine: dict[str, Any] = m["assets"] if isinstance(m.get("assets"), dict) else {}
    bad += [f"{a}: manifest {spec.get('decimals') if isinstance(spec, dict) else spec!r}, ledger {table.get(a)!r}"
            for a, spec in sorted(mine.items())
            if not isinstance(spec, dict) or spec.get("decimals") != table.get(a)]
    res.add("completeness.asset-decimals", not bad, "asset decimals are the ledger's asset table's" if not bad
            else "asset decimals differ from the ledger's asset table: " + "; ".join(bad))


def _ledger_cutoff_and_prices(res: Result, led: Any, m: dict[str, Any]) -> None:
    """With the ledger: ``cutoff_time`` is the signed time of entry ``journal_seq``
    (``completeness.cutoff``), and the prices of record are the quorum median of the oracles'
    ``price`` entries at or before that entry under the governed price policy
    (``completeness.prices``). Why: without it an operator could reuse an earlier cut-off and the
    prices before a crash."""
    from por.reserves.ledger_adapter import entry_time, ledger_quotes, reserves_config

    seq = int(m["journal_seq"])
    t = entry_time(led, seq)
    ok = m["cutoff_time"] == t
    res.add("completeness.cutoff", ok, f"the cut-off {t} is the time of entry {seq}" if ok
            else f"the manifest's cut-off {m['cutoff_time']!r} is not the time of entry {seq} ({t})")
    try:
        cfg = reserves_config(led, at_seq=seq)
        assets = set(m["prices"]) | {str(c["asset"]) for c in m["columns"]}
        quotes = ledger_quotes(led, cfg, assets, seq, t)
    except PorError as exc:
        res.failed("completeness.prices", f"no prices of record from the ledger's price entries up to entry "
                   f"{seq}: {exc.diagnostics()}")
        return
    want = {a: q["price_e8"] for a, q in quotes.items()}
    got = m["prices"]
    if got == want:
        res.passed("completeness.prices", f"the prices are the quorum medians of the oracles' price entries up to "
                   f"entry {seq}: " + ", ".join(f"{a} {p}" for a, p in sorted(want.items())))
    else:
        res.failed("completeness.prices", f"the manifest's prices {got} are not the quorum medians of the oracles' "
                   f"price entries up to entry {seq} at {t}: {want}")


def _disclosure(res: Result, m: dict[str, Any], doc: dict[str, Any], assets: list[str]) -> None:
    """The manifest's disclosure mode is the solvency proofs' and, when ``public``, its liabilities are
    the values the proofs open (a reader of the manifest alone must not be told another figure)."""
    mode = m.get("disclosure")
    modes = {a: (doc["proofs"].get(a) or {}).get("disclosure") for a in assets}
    other = {a: d for a, d in modes.items() if d != mode}
    if other:
        res.failed("solvency.disclosure", f"the manifest's disclosure is {mode!r} but the solvency proofs say {other}")
        return
    if mode != "public":
        if "liabilities" in m:
            res.failed("solvency.disclosure", f"the manifest publishes liabilities with disclosure {mode!r}")
        else:
            res.passed("solvency.disclosure", f"disclosure {mode!r}: no liabilities in the manifest")
        return
    published = m.get("liabilities")
    opened = {a: {k: int(o["value"]) for k, o in dict(doc["proofs"][a].get("openings") or {}).items()}
              for a in assets}
    if published != opened:
        res.failed("solvency.disclosure", f"the manifest's liabilities {published} are not the values the solvency "
                   f"proofs open {opened}")
        return
    res.passed("solvency.disclosure", "public disclosure: the manifest's liabilities are the opened root values")


def _governed_chain(res: Result, led: Any, m: dict[str, Any], manifest_sha256: str) -> None:
    """The chain of published epochs is the journal's: the previous epoch the manifest names is the
    last ``epoch.publish`` entry at or before the cut-off (none skipped, none invented), and if this
    epoch was published, its entry records this very manifest (docs/protocol.md §9.5 step 11)."""
    check = "completeness.epochs"
    seq = int(m["journal_seq"])
    pubs = led.epoch_publications()
    before = [p for p in pubs if p["seq"] <= seq]
    named = m.get("previous")
    last = before[-1] if before else None
    if last is None:
        if named is not None:
            res.failed(check, f"the manifest names previous epoch {named.get('epoch_id')!r}, but the journal "
                       f"records no published epoch before entry {seq}")
            return
    else:
        want = {"epoch_id": last["epoch_id"], "manifest_sha256": last["manifest_sha256"],
                "size": last["log_size"], "root": last["log_root"]}
        got = {k: named.get(k) for k in want} if isinstance(named, dict) else None
        if got != want:
            res.failed(check, f"the journal's last published epoch before entry {seq} is {last['epoch_id']} "
                       f"(entry {last['seq']}, manifest {str(last['manifest_sha256'])[:16]}…, log size "
                       f"{last['log_size']}); the manifest names {got}")
            return
    mine = [p for p in pubs if p["epoch_id"] == m["epoch_id"]]
    if any(p["manifest_sha256"] != manifest_sha256 for p in mine):
        res.failed(check, f"the journal records epoch {m['epoch_id']} published with another manifest "
                   f"({', '.join(str(p['manifest_sha256'])[:16] + '…' for p in mine)}, entry "
                   f"{', '.join(str(p['seq']) for p in mine)}), not this one ({manifest_sha256[:16]}…)")
        return
    res.passed(check, f"the chain of published epochs is the journal's ({len(before)} published before entry "
               f"{seq}" + (f"; this manifest is recorded at entry {mine[0]['seq']}" if mine else
                           "; this epoch is not yet recorded as published") + ")")


def _ledger_log_root(res: Result, led: Any, m: dict[str, Any]) -> None:
    """The published ledger-log position is the ledger's own transparency-log root at the cut-off
    entry (the bundle's consistency proof only links published roots to each other)."""
    seq = int(m["journal_seq"])
    log = m.get("ledger_log")
    size, root = led.log_root(seq)
    if isinstance(log, dict) and log.get("size") == seq == size and log.get("root") == root:
        res.passed("completeness.ledger-log", f"the published log root at size {size} is the ledger's ({root[:16]}…)")
        return
    got = (log.get("size"), log.get("root")) if isinstance(log, dict) else log
    res.failed("completeness.ledger-log", f"the published ledger log position {got} is not the ledger's at entry "
               f"{seq} (size {size}, root {root})")


def _governed_keyring(res: Result, led: Any, m: dict[str, Any], path: Path) -> None:
    """The bundle's ``keyring.json`` is the ledger's members as they stood at the cut-off entry or
    after a later membership entry (the pipeline reads it between snapshot and seal).

    Why: without this the trust in custodian and oracle keys rests on the operator's word alone; an
    operator could list a BLS key of its own for a custodian and sign the reserves itself.
    """
    from por.reserves.keyring import Keyring
    from por.reserves.ledger_adapter import keyring_from_members

    check = "completeness.keyring"
    seq = int(m["journal_seq"])
    try:
        published = Keyring.from_dict(_read_json(path, "keyring.json")).to_dict()
    except _MALFORMED as exc:
        res.failed(check, f"keyring.json is not a keyring ({exc.__class__.__name__}: {exc}), so it cannot be "
                   "the ledger's members")
        return
    history = led.member_history()
    before = [h for h in history if h[0] <= seq]
    states = before[-1:] + [h for h in history if h[0] > seq]
    if not states:
        res.failed(check, f"the ledger has no membership entries up to entry {seq}")
        return
    for at, members in states:
        if keyring_from_members(members).to_dict() == published:
            res.passed(check, f"keyring.json is the ledger's members as of entry {at} "
                       f"(cut-off entry {seq}; {len(members)} members)")
            return
    mine = {d["id"]: d for d in published.get("members", [])}
    theirs = {d["id"]: d for d in keyring_from_members(states[0][1]).to_dict().get("members", [])}
    extra = sorted(set(mine) - set(theirs))
    missing = sorted(set(theirs) - set(mine))
    changed = sorted(k for k in set(mine) & set(theirs) if mine[k] != theirs[k])
    res.failed(check, f"keyring.json is not the ledger's members at entry {seq} or after any later "
               f"membership entry (against entry {states[0][0]}: not in the ledger {extra}, missing "
               f"{missing}, roles or keys differ {changed})")


def _is_member(keyring: Any, sig: dict[str, Any], role: str, *, required: bool = False) -> bool:
    """The signature's ``signer`` is a keyring member with ``role`` whose key is the signing key.

    Without a keyring an operator signature rests on the pinned key alone (``required=False``)."""
    if keyring is None:
        return not required
    member = keyring.get(str(sig.get("signer")))
    return (member is not None and member.has_role(role) and not member.revoked
            and member.ed25519_public_key is not None
            and member.ed25519_public_key.hex() == str(sig.get("public_key", "")).lower())


def _int_map(d: Any) -> dict[str, int] | None:
    if d is None:
        return None
    return {str(k): int(v) for k, v in dict(d).items()}


def _key_hex(key: str) -> str:
    """A hex Ed25519 public key, or the path of a file holding one (``.pub``) or a private PEM key."""
    p = Path(key)
    if p.is_file():
        text = p.read_text().strip()
        if "PRIVATE KEY" in text:
            from por.ledger import keys

            return str(keys.public_key_hex(keys.load(p)))
        return text.lower()
    return key.lower()
