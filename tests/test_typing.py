"""STYLE.md item 15: the package type-checks under mypy --strict and lints clean (pyproject.toml)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_mypy_strict_is_clean() -> None:
    cp = subprocess.run([sys.executable, "-m", "mypy", "por"], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert cp.returncode == 0, cp.stdout[-4000:] + cp.stderr[-2000:]


def test_ruff_is_clean() -> None:
    cp = subprocess.run([sys.executable, "-m", "ruff", "check", "por", "tests"], cwd=ROOT, capture_output=True,
                        text=True, timeout=300)
    assert cp.returncode == 0, cp.stdout[-4000:]
