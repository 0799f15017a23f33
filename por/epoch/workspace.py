"""The operator's working directory: config, ledger, keys, and where each epoch's files go.

    <dir>/por.json                     config (``por init``): database URL, key files, epoch settings
    <dir>/epochs/<epoch-id>/           the PUBLIC bundle (manifest.json and what it lists)
    <dir>/private/<epoch-id>/          operator-only: master secret, snapshot, tree work, state.json
    <dir>/client-proofs/<epoch-id>/    one proof per client (carries the client's leaf secret)
    <dir>/inbox/prices/                signed oracle price reports (``por oracle submit``)
    <dir>/inbox/attestations/<epoch>/  signed custodian attestations (``por attest sign``)
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from por.errors import UsageError

CONFIG_NAME = "por.json"

#: epoch settings and their defaults (``por.json`` → ``"epoch"``)
EPOCH_DEFAULTS: dict[str, Any] = {
    "mode": "committed",
    "disclosure": "auditor",
    "block_size": None,  # None: the tree's benchmarked default for the proof encoding
    "proofs": None,  # range-proof encoding, "linear" or "compressed"; None: the tree's default
    "min_height": 0,
    "window_seconds": 86_400,
}
#: settings that moved into the governed reserves configuration (``haircut_bps`` per asset,
#: protocol §9.2): a workspace that still sets them is refused, never silently ignored
GOVERNED_NOW = ("haircuts_bps", "default_haircut_bps")


class Workspace:
    def __init__(self, root: Path, config: dict[str, Any]) -> None:
        self.root = root
        self.config = config

    @classmethod
    def load(cls, directory: str | os.PathLike[str] | None = None) -> Workspace:
        """Open the working directory holding ``por.json`` (default: ``$POR_CONFIG``'s or the current one).

        Raises:
            UsageError: no readable config.
        """
        if directory is None and os.environ.get("POR_CONFIG"):
            path = Path(os.environ["POR_CONFIG"])
        else:
            path = Path(directory or ".") / CONFIG_NAME
        try:
            cfg = json.loads(path.read_text())
        except FileNotFoundError:
            raise UsageError(f"{path}: no config here; create one with `por init --dir DIR` (or run `por demo`)") from None
        except (OSError, ValueError) as exc:  # boundary: the workspace's own config file (JSONDecodeError is a ValueError)
            raise UsageError(f"cannot read config {path}: {exc}") from exc
        if not isinstance(cfg, dict) or "db" not in cfg:
            raise UsageError(f"config {path} has no database URL ('db')")
        return cls(path.parent.resolve(), cfg)

    def save(self) -> None:
        (self.root / CONFIG_NAME).write_text(json.dumps(self.config, indent=2, sort_keys=True) + "\n")

    # ---- settings ---------------------------------------------------------------------------
    def epoch_setting(self, name: str) -> Any:
        """An epoch setting of ``por.json`` (or its default).

        Raises:
            UsageError: the workspace sets a haircut, which only the governed reserves configuration may.
        """
        settings = dict(self.config.get("epoch", {}))
        stale = [k for k in GOVERNED_NOW if k in settings]
        if stale:
            raise UsageError(f"por.json sets {stale} under 'epoch': haircuts are governed now; set haircut_bps per "
                             f"asset in the ledger's reserves configuration (config.set) and remove them here")
        return settings.get(name, EPOCH_DEFAULTS[name])

    @property
    def db_url(self) -> str:
        return str(self.config["db"])

    # ---- places -----------------------------------------------------------------------------
    @property
    def epochs_dir(self) -> Path:
        return self.root / "epochs"

    def bundle_dir(self, epoch_id: str) -> Path:
        return self.epochs_dir / epoch_id

    def private_dir(self, epoch_id: str) -> Path:
        return self.root / "private" / epoch_id

    def client_proofs_dir(self, epoch_id: str) -> Path:
        return self.root / "client-proofs" / epoch_id

    @property
    def price_inbox(self) -> Path:
        return self.root / "inbox" / "prices"

    def attestation_inbox(self, epoch_id: str) -> Path:
        return self.root / "inbox" / "attestations" / epoch_id

    def published(self) -> list[str]:
        """Epoch ids with a published bundle, oldest first."""
        if not self.epochs_dir.is_dir():
            return []
        return sorted(p.name for p in self.epochs_dir.iterdir() if (p / "manifest.json").is_file())

    def unfinished(self) -> str | None:
        """The epoch whose run started but did not publish (resumed by the next run), if any."""
        priv = self.root / "private"
        if not priv.is_dir():
            return None
        for p in sorted(priv.iterdir()):
            state = p / "state.json"
            if state.is_file() and "publish" not in json.loads(state.read_text()).get("stages", {}):
                return p.name
        return None

    def next_epoch_id(self) -> str:
        used = set(self.published())
        priv = self.root / "private"
        if priv.is_dir():
            used |= {p.name for p in priv.iterdir()}
        n = 1
        while f"epoch-{n:04d}" in used:
            n += 1
        return f"epoch-{n:04d}"

    # ---- keys -------------------------------------------------------------------------------
    def signer(self, name: str) -> Any:
        """The Ed25519 signer configured under ``keys.<name>``."""
        from por.ledger import keys
        from por.ledger.keys import Signer

        spec = dict(self.config.get("keys", {})).get(name)
        if not spec:
            raise UsageError(f"no key for {name!r} in {self.root / CONFIG_NAME}")
        pw_env = self.config.get("passphrase_env")
        pw = os.environ.get(pw_env) if pw_env else None
        return Signer(spec.get("member", name), keys.load(self._path(spec["path"]), pw))

    def _path(self, p: str) -> Path:
        path = Path(p)
        return path if path.is_absolute() else self.root / path

    def simulated(self, kind: str) -> dict[str, Path]:
        """Key files of parties the demo simulates (``simulate.custodians|oracles``): member → file."""
        return {m: self._path(p) for m, p in dict(self.config.get("simulate", {}).get(kind, {})).items()}

    def ledger(self, *, clock: Callable[[], str] | None = None) -> Any:
        """The workspace's ledger; ``clock`` (entry times) replaces the real one only in a reproducible
        demo (:meth:`por.epoch.sources.Sources.ledger_clock`)."""
        from por.ledger import Ledger

        led = Ledger.open(self.db_url, schema=self.config.get("schema"))
        if clock is not None:
            led.set_clock(clock)
        return led
