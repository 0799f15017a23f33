"""Module-level tasks for the executor tests (workers import them by reference)."""

from __future__ import annotations

import os
from pathlib import Path

from por.errors import TreeError


def square(x: int) -> int:
    return x * x


def flaky(marker: str) -> str:
    """Fails the first time it runs for ``marker`` (a file), succeeds on the retry."""
    p = Path(marker)
    if not p.exists():
        p.write_text(str(os.getpid()))
        raise OSError(f"transient failure (first run of {p.name})")
    return p.name


def refuse(x: int) -> int:
    raise TreeError(f"account 'unit-{x}': a negative value")
