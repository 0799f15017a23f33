"""Resumable stage bookkeeping for one epoch: a stage that finished is not redone.

Each stage writes its outputs under temporary names and renames them into place, then records
itself as done in ``state.json`` (written atomically). A crash or Ctrl-C mid-stage leaves the stage
unrecorded, so the next run redoes exactly that stage from its inputs.
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

STAGES = ("open", "snapshot", "build", "prove", "attest", "seal", "publish")


def now_iso() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def write_atomic(path: Path, data: bytes, mode: int | None = None) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    if mode is not None:
        os.chmod(tmp, mode)
    tmp.replace(path)


class EpochState:
    """The private state of one epoch's run (``private/<epoch-id>/state.json``)."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.path = directory / "state.json"
        self.data: dict[str, Any] = {"stages": {}, "values": {}}
        if self.path.exists():
            self.data = json.loads(self.path.read_text())

    def done(self, stage: str) -> bool:
        return stage in self.data["stages"]

    def mark_done(self, stage: str, **values: Any) -> None:
        self.data["values"].update(values)
        self.data["stages"][stage] = {"finished": now_iso()}
        self.save()

    def get(self, key: str, default: Any = None) -> Any:
        return self.data["values"].get(key, default)

    def set(self, **values: Any) -> None:
        self.data["values"].update(values)
        self.save()

    def save(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        write_atomic(self.path, json.dumps(self.data, indent=2, sort_keys=True).encode())

    @property
    def completed(self) -> list[str]:
        return [s for s in STAGES if self.done(s)]
