"""Shared fixtures: both group backends, temporary work directories, the PostgreSQL URL, one real
multi-process Dask ``LocalCluster`` for the whole session (its start-up costs seconds), and the demo
workspace of tests/fixtures.py (registered here, once: every folder's tests share one build)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

from por.crypto.backend import GroupBackend, get_backend
from tests.fixtures import demo, demo_runs, memo_verify_tree, sample_proofs  # noqa: F401 - one registration

POSTGRES_URL = os.environ.get("POR_TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


@pytest.fixture(params=["fast", "reference"])
def backend(request: pytest.FixtureRequest) -> GroupBackend:
    return get_backend(request.param)


@pytest.fixture
def fast() -> GroupBackend:
    return get_backend("fast")


@pytest.fixture(scope="session")
def postgres_url() -> str:
    return POSTGRES_URL


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


def json_paths(x: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path (keys and list indexes) into a JSON value, outermost first: what an edit can target."""
    out = [prefix] if prefix else []
    if isinstance(x, dict):
        for k, v in x.items():
            out += json_paths(v, (*prefix, k))
    elif isinstance(x, list):
        for i, v in enumerate(x):
            out += json_paths(v, (*prefix, i))
    return out
