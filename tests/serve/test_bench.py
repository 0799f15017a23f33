"""The load benchmark's machinery on the demo workspace: 2 workers, every answer the right proof."""

from __future__ import annotations

from pathlib import Path

from tests.fixtures import clone_workspace


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


def test_por_bench_serve_json() -> None:
    import json

    from tests.fixtures import no_traceback, run_por

    cp = run_por("bench", "serve", "--quick", "--clients", "8", "--json")
    no_traceback(cp)
    assert cp.returncode == 0, cp.stderr[-2000:]
    figures = {f["name"]: f for f in json.loads(cp.stdout)["figures"]}
    assert set(figures) == {"serve.proof.rps", "serve.proof.p50_ms", "serve.proof.p99_ms", "serve.proof.errors",
                            "serve.peak_rss_mb"}
    assert figures["serve.proof.errors"]["value"] == 0 and figures["serve.proof.errors"]["target"] == 0
    assert figures["serve.proof.rps"]["value"] > 0 and figures["serve.proof.rps"]["floor"] > 0
    assert "2000 requests, 50 concurrent, 2 workers, 8 clients" in figures["serve.proof.rps"]["note"]
