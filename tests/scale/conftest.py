"""Scale fixtures: one real multi-process Dask ``LocalCluster`` for the whole package (its start-up
costs seconds), and a fresh PostgreSQL schema per test."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

PG_URL = os.environ.get("POR_TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


@pytest.fixture(scope="session")
def dask_client() -> Iterator[Any]:
    """A client of a 2-process, 1-thread-per-worker LocalCluster (nannies restart killed workers)."""
    distributed = pytest.importorskip("distributed")
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       dashboard_address=None, memory_limit=0, silence_logs=50)
    client = distributed.Client(cluster, set_as_default=False)
    try:
        client.wait_for_workers(2, timeout=60)
        yield client
    finally:
        client.close()
        cluster.close()


@pytest.fixture
def pg_schema() -> Iterator[tuple[str, str]]:
    """``(url, schema)``: a fresh schema, dropped afterwards; skips when PostgreSQL is unreachable."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import OperationalError

    schema = f"por_s_{uuid.uuid4().hex[:12]}"
    eng = create_engine(PG_URL)
    try:
        with eng.begin() as c:
            c.execute(text(f"CREATE SCHEMA {schema}"))
    except OperationalError as exc:  # pragma: no cover - no server
        eng.dispose()
        pytest.skip(f"PostgreSQL unreachable: {exc}")
    try:
        yield PG_URL, schema
    finally:
        with eng.begin() as c:
            c.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        eng.dispose()
