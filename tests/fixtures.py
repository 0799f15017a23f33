"""The demo workspace every folder's tests share, built once per session, and the helpers around it.

Building (the range proofs) is the cost, so the demo is built once for the whole session: its
fixtures are registered once, by the top-level ``tests/conftest.py`` (a conftest that imports them
again would register a second copy and build the demo again for its folder).

- ``demo``: ``por demo --dir D --clients 12 --quiet`` run TWICE as a subprocess from a fresh
  directory (two published epochs: ``epoch-0001`` and ``epoch-0002``). The end-to-end test asserts
  on these runs; every bad-input test copies a bundle or a proof out of D before damaging it.
- ``sample_proofs``: two of its client proofs to damage (one with a collateral proof).
- ``memo_verify_tree``: ``por.tree.verify_tree`` memoised on all its inputs, for tests that verify
  many damaged copies of one bundle.

A test that mutates a workspace or a bundle always works on a copy (see :func:`clone_workspace`).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from por.tree.secret_file import read_master_secret

CLIENTS = 12
SEED = 3
#: a subprocess `por` that takes longer than this is a hang, not a slow machine
SUBPROCESS_TIMEOUT = 300


# ---- helpers --------------------------------------------------------------------------------------
def por_env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("POR_CONFIG", None)
    env["COLUMNS"] = "200"  # rich tables: one line per check, so messages are not wrapped
    env["PYTHONUNBUFFERED"] = "1"
    return env


def run_por(*args: str | os.PathLike[str], cwd: Path | None = None,
            timeout: float = SUBPROCESS_TIMEOUT) -> subprocess.CompletedProcess[str]:
    """``por ARGS`` in a subprocess (``python -m por.cli.main``, the same interpreter as the tests)."""
    return subprocess.run([sys.executable, "-m", "por.cli.main", *map(str, args)], cwd=cwd, env=por_env(),
                          capture_output=True, text=True, timeout=timeout)


def no_traceback(cp: subprocess.CompletedProcess[str]) -> None:
    out = cp.stdout + cp.stderr
    assert "Traceback" not in out, f"a traceback was printed:\n{out[-4000:]}"


def sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def clone_workspace(src: Path, dst: Path) -> Path:
    """Copy a demo workspace; its config names the SQLite ledger by absolute URL, so repoint it."""
    shutil.copytree(src, dst, symlinks=True)
    cfg_path = dst / "por.json"
    cfg = json.loads(cfg_path.read_text())
    cfg["db"] = f"sqlite:///{dst.resolve() / 'ledger.db'}"
    cfg_path.write_text(json.dumps(cfg, indent=2, sort_keys=True) + "\n")
    return dst


def copy_bundle(src: Path, parent: Path) -> Path:
    """Copy one bundle directory to ``parent/<same name>`` (verifiers read nothing else)."""
    parent.mkdir(parents=True, exist_ok=True)
    dst = parent / src.name
    shutil.copytree(src, dst)
    return dst


# ---- the demo, run twice as a subprocess ------------------------------------------------------------
@dataclass
class Demo:
    cwd: Path
    root: Path  # D
    runs: list[subprocess.CompletedProcess[str]] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)

    @property
    def operator_pub(self) -> Path:
        return self.root / "keys" / "operator.pub"

    def bundle(self, epoch: str) -> Path:
        return self.root / "epochs" / epoch

    def proofs(self, epoch: str) -> list[Path]:
        return sorted((self.root / "client-proofs" / epoch).glob("*.json"))

    def require(self, n_runs: int) -> None:
        """Fail (not error obscurely) when a demo run the test depends on did not succeed."""
        for i, cp in enumerate(self.runs[:n_runs]):
            if cp.returncode != 0:
                pytest.fail(f"`por demo` run {i + 1} exited {cp.returncode}:\n"
                            f"{cp.stdout[-3000:]}\n{cp.stderr[-3000:]}")
        if len(self.runs) < n_runs:
            pytest.fail(f"`por demo` ran only {len(self.runs)} time(s)")


@pytest.fixture(scope="session")
def demo_runs(tmp_path_factory: pytest.TempPathFactory) -> Demo:
    """``por demo`` twice, from a fresh directory, as a user would run it. Asserted in test_end_to_end."""
    cwd = tmp_path_factory.mktemp("fresh")
    demo = Demo(cwd=cwd, root=cwd / "D")
    for _ in range(2):
        t0 = time.perf_counter()
        cp = run_por("demo", "--dir", "D", "--clients", str(CLIENTS), "--seed", str(SEED), "--quiet", cwd=cwd)
        demo.seconds.append(time.perf_counter() - t0)
        demo.runs.append(cp)
        if cp.returncode != 0:
            break
    return demo


@pytest.fixture(scope="session")
def demo(demo_runs: Demo) -> Demo:
    """The demo directory after two successful runs (two published epochs)."""
    demo_runs.require(2)
    return demo_runs


# ---- proofs to damage: one with a collateral proof (debt), one with a non-zero balance --------------
@pytest.fixture(scope="session")
def sample_proofs(demo: Demo) -> dict[str, Path]:
    proofs = demo.proofs("epoch-0001")
    assert len(proofs) >= CLIENTS, proofs
    docs = {p: json.loads(p.read_text()) for p in proofs}
    with_debt = [p for p, d in docs.items() if d.get("collateral")]
    nonzero = [p for p, d in docs.items() if any(int(v) for v in d["values"]) and not d.get("collateral")]
    assert with_debt, "the demo should have at least one margin account with debt (a collateral proof)"
    assert nonzero
    return {"debt": with_debt[0], "plain": nonzero[0]}


# ---- verify_tree memo: a pure function of (store bytes, expected, prices, haircuts) -----------------
@pytest.fixture
def memo_verify_tree(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """Memoise ``por.tree.verify_tree`` on ALL its inputs (the store's bytes and the manifest's claims).

    Sound: the same inputs give the same result; a damaged store or manifest is a cache miss and is
    verified in full. It spares re-verifying every range proof for damage to e.g. prices.json.
    """
    import por.tree as T

    real = T.verify_tree
    cache = _VERIFY_TREE_CACHE
    stats = {"hits": 0, "misses": 0}

    def verify_tree(store: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            data = Path(store).read_bytes()
        except OSError:
            return real(store, *args, **kwargs)
        key = hashlib.sha256(data).hexdigest() + json.dumps(
            [args, {k: v for k, v in kwargs.items() if k not in ("executor", "progress")}], sort_keys=True,
            default=repr)
        if key not in cache:
            stats["misses"] += 1
            cache[key] = real(store, *args, **kwargs)
        else:
            stats["hits"] += 1
        return cache[key]

    monkeypatch.setattr(T, "verify_tree", verify_tree)
    return stats


_VERIFY_TREE_CACHE: dict[str, Any] = {}


def post_price(led: Any, ws: Any, asset: str, price_e8: int) -> None:
    """Every simulated oracle of workspace ``ws`` posts ``price_e8`` for ``asset`` into the ledger."""
    from por.ledger import Signer, keys

    for member, path in sorted(ws.simulated("oracles").items()):
        led.post_price(Signer(member, keys.load(path)), asset, price_e8)


# ---- the auditor with ledger access, one check at a time ----------------------------------------------
def audit_with_ledger(root: Path, bundle: Path, demo: Demo, epoch: str = "epoch-0001") -> Any:
    """``verify_bundle`` with the workspace's ledger and ``epoch``'s master secret (completeness on)."""
    from por.epoch.workspace import Workspace
    from por.verify import verify_bundle

    ws = Workspace.load(root)
    return verify_bundle(bundle, operator_key=str(demo.operator_pub), ledger_url=ws.db_url,
                         master_secret=read_master_secret(ws.private_dir(epoch) / "master.secret"))


def only_check(res: Any, check_id: str) -> Any:
    """The one check of ``res`` with ``check_id`` (asserting there is exactly one)."""
    found = [c for c in res.checks if c.id == check_id]
    assert len(found) == 1, [c.id for c in res.checks]
    return found[0]
