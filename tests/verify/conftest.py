"""A small workspace with two published epochs (``por demo`` run twice), built once per session;
every test copies what it changes."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

CLIENTS = 6


@pytest.fixture(scope="session")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    cwd = tmp_path_factory.mktemp("verify")
    env = {**os.environ, "COLUMNS": "200"}
    env.pop("POR_CONFIG", None)
    for _ in range(2):
        cp = subprocess.run([sys.executable, "-m", "por.cli.main", "demo", "--dir", "D", "--clients", str(CLIENTS),
                             "--seed", "9", "--quiet"], cwd=cwd, env=env, capture_output=True, text=True,
                            timeout=600)
        assert cp.returncode == 0, cp.stdout[-2000:] + cp.stderr[-2000:]
    return cwd / "D"


def clone(workspace: Path, dst: Path) -> Path:
    """A copy of the workspace whose configuration names its own SQLite ledger."""
    shutil.copytree(workspace, dst, symlinks=True)
    cfg = json.loads((dst / "por.json").read_text())
    cfg["db"] = f"sqlite:///{dst.resolve() / 'ledger.db'}"
    (dst / "por.json").write_text(json.dumps(cfg, indent=2, sort_keys=True) + "\n")
    return dst


def resign(bundle: Path, key: Path, edit: object = None) -> None:
    """The operator signs the bundle again after ``edit(signed)`` (a hostile operator's move)."""
    from por.epoch.bundle import Manifest, list_files
    from por.ledger import keys

    m = Manifest.read(bundle)
    if callable(edit):
        edit(m.signed)
    m.signed["files"] = list_files(bundle)
    m.signatures = []
    m.sign(keys.load(key), "operator", "operator")
    m.write(bundle)
