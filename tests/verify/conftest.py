"""The verifier tests use the session's demo workspace (tests/fixtures.py, registered by
tests/conftest.py) and forge manifests with tests/forge.py; nothing of their own is built here.

Kept for tests written before the move (a fuzz run's regression tests may still say ``workspace``
and ``from .conftest import clone, resign``): the same demo under its old name, and the shared
helpers under theirs. New tests request ``demo`` and import from tests.fixtures / tests.forge.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fixtures import Demo
from tests.fixtures import clone_workspace as clone  # noqa: F401 - the old name
from tests.forge import resign  # noqa: F401 - the old name


@pytest.fixture(scope="session")
def workspace(demo: Demo) -> Path:
    """The demo's directory (``demo.root``): two published epochs."""
    return demo.root
