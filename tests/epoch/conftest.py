"""A third epoch of the shared demo (tests/fixtures.py), for the resume and refuse-to-seal tests.

``third_epoch``: a copy of the demo whose third epoch was interrupted in ``build`` (a half-written
tree left behind), then resumed up to ``prove``; built once per session. Tests copy what they change.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.fixtures import Demo, clone_workspace, sha256


# ---- a third epoch: interrupted in build, resumed up to prove ----------------------------------------
@dataclass
class ThirdEpoch:
    root: Path
    epoch_id: str
    interrupted: BaseException | None
    state_after_interrupt: dict[str, Any]
    junk_left: list[str]
    ran_on_resume: list[str]
    skipped_on_resume: list[str]
    state_after_resume: dict[str, Any]
    files_before: dict[str, tuple[str, int]]  # name -> (sha256, mtime_ns) after the interrupt
    files_after: dict[str, tuple[str, int]]
    junk_after: list[str]


def file_marks(private: Path, names: list[str]) -> dict[str, tuple[str, int]]:
    return {n: (sha256(private / n), (private / n).stat().st_mtime_ns) for n in names if (private / n).is_file()}


class Interrupted(KeyboardInterrupt):
    """A Ctrl-C raised by a test in the middle of a stage."""


def spy_stages(monkeypatch: pytest.MonkeyPatch) -> tuple[list[str], list[str]]:
    """Record which stages a Pipeline actually ran and which it skipped as already done."""
    from por.epoch.pipeline import Pipeline

    ran: list[str] = []
    skipped: list[str] = []
    real = Pipeline.run_stage

    def run_stage(self: Any, stage: str) -> bool:
        did = real(self, stage)
        (ran if did else skipped).append(stage)
        return did

    monkeypatch.setattr(Pipeline, "run_stage", run_stage)
    return ran, skipped


@pytest.fixture(scope="session")
def third_epoch(demo: Demo, tmp_path_factory: pytest.TempPathFactory) -> ThirdEpoch:
    from por.epoch.demo import demo_pipeline
    from por.epoch.pipeline import Pipeline
    from por.epoch.workspace import Workspace
    from por.verify import verify_bundle

    root = clone_workspace(demo.root, tmp_path_factory.mktemp("third") / "ws")
    ws = Workspace.load(root)
    assert ws.published() == ["epoch-0001", "epoch-0002"]
    mp = pytest.MonkeyPatch()
    try:
        # 1. Ctrl-C in the middle of build: the tree directory holds a half-written store
        def half_build(self: Any) -> None:
            out = self.private / "tree"
            out.mkdir(parents=True, exist_ok=True)
            (out / "tree.sqlite.partial").write_bytes(b"half a store")
            (out / "tree.sqlite").write_bytes(b"SQLite format 3\x00 but cut short")
            raise Interrupted()

        mp.setattr(Pipeline, "_stage_build", half_build)
        pipe = demo_pipeline(ws, seal_check=verify_bundle)
        epoch_id = pipe.epoch_id
        interrupted: BaseException | None = None
        try:
            pipe.run()
        except Interrupted as exc:
            interrupted = exc
        mp.undo()
        private = ws.private_dir(epoch_id)
        state1 = json.loads((private / "state.json").read_text())
        junk = sorted(p.name for p in (private / "tree").iterdir())
        marks = ["snapshot.jsonl", "master.secret", "ledger-log.json", "prices-of-record.json"]
        before = file_marks(private, marks)

        # 2. resume up to prove: open and snapshot are not redone, build is redone from scratch
        mp = pytest.MonkeyPatch()
        ran, skipped = spy_stages(mp)
        ws2 = Workspace.load(root)
        pipe2 = demo_pipeline(ws2, seal_check=verify_bundle)
        assert pipe2.epoch_id == epoch_id, "the resumed run must pick up the unfinished epoch"
        pipe2.run(until="prove")
        state2 = json.loads((private / "state.json").read_text())
        after = file_marks(private, marks)
        junk_after = sorted(p.name for p in (private / "tree").iterdir())
    finally:
        mp.undo()
    return ThirdEpoch(root, epoch_id, interrupted, state1, junk, list(ran), list(skipped), state2, before,
                      after, junk_after)
