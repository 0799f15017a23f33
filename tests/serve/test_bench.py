"""The load benchmark's machinery on the demo workspace: 2 workers, every answer the right proof."""

from __future__ import annotations

from pathlib import Path

from tests.epoch.conftest import clone_workspace


def test_measure_two_workers_no_errors(workspace: Path, tmp_path: Path) -> None:
    from por.bench.serve import measure

    root = clone_workspace(workspace, tmp_path / "W")
    m = measure(root, requests=400, concurrency=20, workers=2, epoch="epoch-0001")
    assert m["proof"]["errors"] == 0 and m["floor"]["errors"] == 0
    assert m["clients"] == 12 and m["workers"] == 2
    assert m["proof"]["rps"] > 0 and 0 < m["proof"]["p50_ms"] <= m["proof"]["p99_ms"]
    assert m["peak_rss_mb"] > 20  # the supervisor and two workers, each with Python and por loaded


def test_measure_counts_wrong_answers(workspace: Path, tmp_path: Path) -> None:
    """A service that hands out the wrong bytes is counted as errors, not as throughput."""
    from por.bench.serve import measure

    root = clone_workspace(workspace, tmp_path / "W")
    proofs = sorted((root / "client-proofs" / "epoch-0002").glob("*.json"))
    proofs[0].write_bytes(proofs[0].read_bytes().replace(b'"values":["', b'"values":["1'))  # the file, not the store
    m = measure(root, requests=200, concurrency=10, workers=1, epoch="epoch-0002", seed=2)
    assert m["proof"]["errors"] > 0
