"""Scale fixtures: a fresh PostgreSQL schema per test (the Dask ``LocalCluster`` is in the root
conftest, shared with the epoch tests)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest


@pytest.fixture
def pg_schema(postgres_url: str) -> Iterator[tuple[str, str]]:
    """``(url, schema)``: a fresh schema, dropped afterwards; skips when PostgreSQL is unreachable."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import OperationalError

    schema = f"por_s_{uuid.uuid4().hex[:12]}"
    eng = create_engine(postgres_url)
    try:
        with eng.begin() as c:
            c.execute(text(f"CREATE SCHEMA {schema}"))
    except OperationalError as exc:  # pragma: no cover - no server
        eng.dispose()
        pytest.skip(f"PostgreSQL unreachable: {exc}")
    try:
        yield postgres_url, schema
    finally:
        with eng.begin() as c:
            c.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        eng.dispose()
