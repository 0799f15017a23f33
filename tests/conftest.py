"""Shared fixtures: both group backends, temporary work directories, the PostgreSQL URL."""

from __future__ import annotations

import os

import pytest

from por.crypto.backend import GroupBackend, get_backend

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
