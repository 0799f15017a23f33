"""Step 10 of the auditor's verifier (docs/protocol.md §9.5): the published ledger-log position and its
consistency with the previous bundle's.

The previous bundle is the one the verifier gives, else the one beside this bundle found by content;
its manifest was read once at the edge (:class:`por.verify.inputs.PreviousBundle`). Dropping
``previous`` therefore cannot skip the consistency check: that rule lives here, in the library.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from por.bundle import parse_ledger_log
from por.bundle.manifest import ManifestBody, PreviousManifest, SignedManifest
from por.errors import PorError
from por.result import Result
from por.verify.context import Audit
from por.verify.inputs import PreviousBundle


def step_ledger_log(a: Audit) -> None:
    """10. ``ledger-log.manifest``, ``ledger-log.previous``, ``ledger-log.consistency``."""
    from por.ledger import verify_consistency

    log = a.document("ledger-log.json", parse_ledger_log, "ledger-log")
    m, res = a.m, a.res
    if log != m.ledger_log:
        res.failed("ledger-log.manifest", "ledger-log.json differs from the manifest's ledger_log")
        return
    if log.size != m.journal_seq:
        res.failed("ledger-log.manifest", f"the published log size {log.size!r} is not the cut-off "
                   f"entry journal_seq {m.journal_seq} (the tree is a snapshot at that entry)")
        return
    prev = log.previous.to_json_value() if log.previous is not None else None
    named = m.previous
    if (named is None) != (prev is None) or (named is not None and (
            {"epoch_id": named.epoch_id, "size": named.size, "root": named.root} != prev)):
        res.failed("ledger-log.previous", f"the manifest's previous epoch {_plain(named)} and the log's previous "
                   f"position {prev} disagree")
        return
    found = a.given.previous
    if found is None and a.given.siblings is not None:
        found = latest_earlier_bundle(a.opened.directory, a.given.siblings, m.ledger_log.size, a.op_hex)
    if not previous_matches(res, m, prev, named, found, a.op_hex):
        return
    if prev is None or log.previous is None:
        res.passed("ledger-log.consistency", f"first epoch: ledger log root {log.root[:16]}… at size "
                   f"{log.size} (no earlier root to be consistent with)")
        return
    ok = verify_consistency(log.previous.size, log.previous.root, log.size, log.root, log.consistency_proof)
    res.add("ledger-log.consistency", ok,
            f"ledger log grew from {log.previous.size} ({log.previous.epoch_id}) to {log.size} entries "
            + ("consistently: no history rewritten" if ok else "but the consistency proof FAILS"))


def _plain(named: PreviousManifest | None) -> dict[str, Any] | None:
    return named.to_json_value() if named is not None else None


def _signed_by(sm: SignedManifest, op_hex: str | None) -> bool:
    """The operator key signed this manifest (as the operator)."""
    return bool(op_hex) and sm.verify(str(op_hex), role="operator")


def latest_earlier_bundle(bundle: Path, siblings: Sequence[PreviousBundle], size: int | None = None,
                          op_hex: str | None = None) -> PreviousBundle | None:
    """The bundle beside ``bundle`` that is its previous epoch, found by content, not by folder name.

    Among the sibling directories holding a ``manifest.json``: one that does not read is returned when
    its name sorts before this one's (a damaged previous bundle must fail the check, not vanish from
    it); a readable one counts when the operator key signed it and its ledger log size is below
    ``size``, and the one with the largest such size is returned. Renaming or reordering folders
    therefore cannot hide an earlier epoch (docs/protocol.md §9.5 step 10)."""
    here = bundle.resolve()
    best: tuple[int, PreviousBundle] | None = None
    for p in sorted(siblings, key=lambda s: s.path):
        try:
            sm = p.manifest.get()
        except PorError:
            if p.path.name < here.name:
                return p
            continue
        psize = sm.signed.ledger_log.size
        if size is None:  # no position of our own to compare with: the name order
            if p.path.name < here.name:
                best = (0, p)
            continue
        if _signed_by(sm, op_hex) and psize < size and (best is None or psize > best[0]):
            best = (psize, p)
    return best[1] if best else None


def previous_matches(res: Result, m: ManifestBody, prev: Any, named: PreviousManifest | None,
                     pb: PreviousBundle | None, op_hex: str | None) -> bool:
    """The log's previous position is that of the previous bundle ``pb``: the one the auditor gives,
    else the latest earlier bundle beside this one. A manifest naming a previous epoch that is not there
    fails (docs/protocol.md §9.5 step 10): otherwise an operator could name a stale or invented
    position and hide a ledger rewritten since the last published epoch."""
    check = "ledger-log.previous"
    if pb is None:
        if named is not None:
            res.failed(check, f"the manifest names previous epoch {named.epoch_id!r} but no earlier bundle "
                       "is beside this one: give it with --previous to check the log's consistency")
            return False
        res.passed(check, "the manifest names no previous epoch and no bundle of this operator with an earlier "
                   "log position is beside it: taken as a first epoch (only the ledger's epoch.publish entries, "
                   "completeness.epochs, can show that none was published before)")
        return True
    name = pb.path.name
    try:
        pman = pb.manifest.get()
    except PorError as exc:
        res.failed(check, f"the previous bundle {name} does not read: {exc.diagnostics()}")
        return False
    if not _signed_by(pman, op_hex):
        res.failed(check, f"the previous bundle {name} is not signed by this operator key")
        return False
    pm = pman.signed
    want = {"epoch_id": pm.epoch_id, "size": pm.ledger_log.size, "root": pm.ledger_log.root}
    return _same_position(res, m, prev, named, want, name, pman.sha256)


def _same_position(res: Result, m: ManifestBody, prev: Any, named: PreviousManifest | None, want: dict[str, Any],
                   name: str, sha256: str) -> bool:
    """The named previous position is the previous bundle's (``want``), its manifest hash is that
    bundle's, and it is strictly earlier than this epoch's."""
    check = "ledger-log.previous"
    if named is None:
        res.failed(check, f"the manifest names no previous epoch, but {name} (epoch {want['epoch_id']}, log size "
                   f"{want['size']}) is an earlier bundle: dropping it would skip the consistency check")
        return False
    if prev != want:
        res.failed(check, f"the bundle's previous log position {prev} is not that of the previous bundle "
                   f"{name} ({want})")
        return False
    if named.manifest_sha256 != sha256:
        res.failed(check, f"the manifest names previous manifest hash {named.manifest_sha256!r}, the previous "
                   f"bundle's is {sha256}")
        return False
    size = m.ledger_log.size
    if want["epoch_id"] == m.epoch_id or not want["size"] < size:
        res.failed(check, f"the previous position (epoch {want['epoch_id']}, size {want['size']}) is not strictly "
                   f"earlier than this epoch's (epoch {m.epoch_id}, size {size})")
        return False
    res.passed(check, f"the previous epoch is {want['epoch_id']} ({name}, manifest {sha256[:16]}…), "
               f"log size {want['size']} < {size}")
    return True
