"""The seal stage runs the check its caller gives (docs/protocol.md §9.2 seal); without one it fails
closed: nothing is signed into the published epochs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from por.epoch.demo import demo_pipeline
from por.epoch.workspace import Workspace
from por.errors import EpochError
from por.result import Result
from por.verify import verify_bundle
from tests.fixtures import Demo, clone_workspace


def test_no_seal_check_fails_closed_then_the_given_one_seals(demo: Demo, tmp_path: Path) -> None:
    root = clone_workspace(demo.root, tmp_path / "ws")
    pipe = demo_pipeline(Workspace.load(root))
    with pytest.raises(EpochError, match="refusing to seal, no seal check was given"):
        pipe.run()
    eid = pipe.epoch_id
    pipe.close()
    ws = Workspace.load(root)
    assert not ws.bundle_dir(eid).exists()
    assert eid not in ws.published()
    assert not (ws.private_dir(eid) / "staging").exists()  # it refused before staging anything

    calls: list[dict[str, Any]] = []

    def seal_check(bundle: str | Path, **kw: Any) -> Result:
        calls.append({"bundle": Path(bundle), **kw})
        return verify_bundle(bundle, **kw)

    pipe = demo_pipeline(ws, seal_check=seal_check)
    assert pipe.epoch_id == eid  # the unfinished epoch is resumed
    pipe.run()
    pipe.close()
    assert [c["bundle"].name for c in calls] == ["staging"]
    assert calls[0]["discover_previous"] is False and calls[0]["previous"] == ws.bundle_dir("epoch-0002")
    assert eid in Workspace.load(root).published()


def test_a_failing_seal_check_refuses_the_seal(demo: Demo, tmp_path: Path) -> None:
    root = clone_workspace(demo.root, tmp_path / "ws")

    def refuse(bundle: str | Path, **kw: Any) -> Result:
        res = Result("staged bundle")
        res.failed("tree.root", "a check the caller's verifier failed")
        return res

    pipe = demo_pipeline(Workspace.load(root), seal_check=refuse)
    with pytest.raises(EpochError, match="refusing to seal, 1 check"):
        pipe.run()
    eid = pipe.epoch_id
    pipe.close()
    assert eid not in Workspace.load(root).published()
