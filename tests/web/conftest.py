"""Fixtures of the browser verifier's tests: node, the committed bundle, the demo's two epochs, and
the JavaScript harness that verifies many cases in one Node process."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.serve.conftest import server, workspace  # noqa: F401 - a real `por serve` on a copy of it

ROOT = Path(__file__).resolve().parents[2]
WEB = ROOT / "web"
STATIC = ROOT / "por" / "serve" / "static"
BUNDLE = STATIC / "verify.js"
HARNESS = Path(__file__).parent / "harness.mjs"


@pytest.fixture(scope="session")
def node() -> str:
    path = shutil.which("node")
    if path is None:
        pytest.fail("node is required for the browser verifier's tests (Debian: apt-get install nodejs)")
    return path


def run_node(node: str, *args: str | Path, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run([node, *map(str, args)], capture_output=True, text=True, timeout=timeout, cwd=ROOT)


@pytest.fixture(scope="session")
def js_verify_many(node: str, tmp_path_factory: pytest.TempPathFactory) -> Callable[[list[dict[str, Any]]], list[dict[str, Any]]]:
    """Verify cases ({proof, manifest, key, account}) with the JavaScript verifier, in one process."""
    tmp = tmp_path_factory.mktemp("js-cases")
    count = iter(range(1 << 30))

    def run(cases: list[dict[str, Any]]) -> list[dict[str, Any]]:
        f = tmp / f"cases-{next(count)}.json"
        f.write_text(json.dumps([{k: str(v) if isinstance(v, Path) else v for k, v in c.items()} for c in cases]))
        cp = run_node(node, HARNESS, f, timeout=3600)
        assert cp.returncode == 0, cp.stderr[-3000:]
        out: list[dict[str, Any]] = json.loads(cp.stdout)
        assert len(out) == len(cases)
        return out

    return run


@pytest.fixture
def memo_statements(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, int]]:
    """Memoise ``por.crypto.statements.verify_batch`` item by item (a pure function of the items'
    bytes): thousands of mutated proofs share the same few range proofs. A batch is valid iff each of
    its items is, so known-valid items are dropped from a batch and a known-invalid one fails it."""
    from por.crypto import statements as st

    real = st.verify_batch
    memo: dict[Any, bool] = {}
    stats = {"hits": 0, "misses": 0}

    def key(item: Any) -> Any:
        stmt, claims, proof, ctx = item
        return (stmt.id, stmt.sha256, tuple((c.commitments, c.coefficients, c.constant) for c in claims), bytes(proof),
                bytes(ctx))

    def verify_batch(items: Any, **kw: Any) -> bool:
        keys = [key(i) for i in items]
        if any(memo.get(k) is False for k in keys):
            stats["hits"] += 1
            return False
        todo = [(k, i) for k, i in zip(keys, items, strict=True) if k not in memo]
        if not todo:
            stats["hits"] += 1
            return True
        stats["misses"] += 1
        ok = real([i for _, i in todo], **kw)
        if ok:
            memo.update({k: True for k, _ in todo})
        elif len(todo) == 1:
            memo[todo[0][0]] = False
        return bool(ok)

    monkeypatch.setattr(st, "verify_batch", verify_batch)
    yield stats
