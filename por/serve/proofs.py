"""A client's own inclusion proof, served on request (docs/protocol.md §12.3).

The proof is built from the epoch's private proof store — the proven tree directory
``private/<epoch>/tree`` (``tree.sqlite`` and the indexed ``accounts.sqlite``) with the epoch's master
secret — by :func:`por.tree.client_proof`, the function the publish stage writes
``client-proofs/<epoch>/<account>.json`` with, and encoded the same way (compact JSON, sorted keys), so
the bytes are identical to the published file. Without a private store the published file is served.
Only published epochs (a bundle with ``manifest.json`` and a finished publish stage) are served; any
other case is "not found", the same for every reason.
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

from por.errors import PorError, UsageError
from por.serve.files import SEGMENT

TREE_DIR = "tree"  # por.epoch.pipeline.TREE_DIR


def encode(proof: dict[str, object]) -> bytes:
    """The published encoding of a client proof (as ``write_client_proofs`` writes it)."""
    return json.dumps(proof, separators=(",", ":"), sort_keys=True).encode()


class ProofSource:
    """Proofs of the published epochs of one workspace."""

    def __init__(self, workspace: Path) -> None:
        self.root = Path(workspace).resolve()
        self._epochs: dict[str, tuple[int, str | None, bytes | None]] = {}

    def published(self) -> list[str]:
        d = self.root / "epochs"
        if not d.is_dir():
            return []
        return sorted(p.name for p in d.iterdir() if SEGMENT.fullmatch(p.name) and not p.is_symlink()
                      and (p / "manifest.json").is_file())

    def _epoch(self, epoch: str) -> tuple[str | None, bytes | None] | None:
        """(manifest sha256, master secret or None) of a published epoch; None if not published."""
        if not SEGMENT.fullmatch(epoch) or len(epoch) > 64:
            return None
        bundle = self.root / "epochs" / epoch
        private = self.root / "private" / epoch
        if bundle.is_symlink() or not (bundle / "manifest.json").is_file():
            return None
        state_path = private / "state.json"
        try:
            mtime = state_path.stat().st_mtime_ns
        except OSError:
            return (None, None) if (self.root / "client-proofs" / epoch).is_dir() else None
        cached = self._epochs.get(epoch)
        if cached is None or cached[0] != mtime:
            from por.tree.secret_file import read_master_secret

            try:
                state = json.loads(state_path.read_text())
                if "publish" not in state.get("stages", {}):
                    return None
                sha = state.get("values", {}).get("manifest_sha256")
                secret = read_master_secret(private / "master.secret") if (private / TREE_DIR).is_dir() else None
            except (OSError, ValueError, AttributeError, UsageError):  # unreadable: not served (404)
                return None
            cached = self._epochs[epoch] = (mtime, sha if isinstance(sha, str) else None, secret)
        return cached[1], cached[2]

    def proof(self, epoch: str, account: str) -> bytes | None:
        """The bytes of ``account``'s proof in ``epoch``, or None (not published, not a client).

        Raises:
            PorError: the store exists but is damaged (a server fault, not the client's).
        """
        found = self._epoch(epoch)
        if found is None:
            return None
        sha, secret = found
        if secret is not None:
            from por.tree import client_proof

            try:
                return encode(client_proof(self.root / "private" / epoch / TREE_DIR, account,
                                           master_secret=secret, epoch_id=epoch, manifest_sha256=sha))
            except UsageError:
                return None
        return self._published_file(epoch, account)

    def _published_file(self, epoch: str, account: str) -> bytes | None:
        from por.tree.proof import safe_file_name

        path = self.root / "client-proofs" / epoch / safe_file_name(account)
        try:
            fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
        except OSError:
            return None
        with os.fdopen(fd, "rb") as f:
            if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):
                return None
            data = f.read()
        try:
            if json.loads(data).get("account_id") != account:
                return None
        except (ValueError, AttributeError):
            raise PorError(f"published proof {path.name} of epoch {epoch} is not valid JSON") from None
        return data
