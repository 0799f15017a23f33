"""Ledger fixtures: every test runs on SQLite and on PostgreSQL (a fresh schema per test, dropped after)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from sqlalchemy import create_engine, text

from por.ledger import Ledger, Signer, keys

PG_URL = os.environ.get("POR_TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


@dataclass
class DB:
    url: str
    schema: str | None

    def open(self) -> Ledger:
        return Ledger.open(self.url, schema=self.schema)


@pytest.fixture
def pg_db() -> Iterator[DB]:
    schema = f"por_t_{uuid.uuid4().hex[:12]}"
    eng = create_engine(PG_URL)
    with eng.begin() as c:
        c.execute(text(f"CREATE SCHEMA {schema}"))
    try:
        yield DB(PG_URL, schema)
    finally:
        with eng.begin() as c:
            c.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        eng.dispose()


@pytest.fixture
def sqlite_db(tmp_path) -> DB:  # type: ignore[no-untyped-def]
    return DB(f"sqlite:///{tmp_path}/ledger.db", None)


@pytest.fixture(params=["sqlite", "postgres"])
def db(request: pytest.FixtureRequest) -> DB:
    return request.getfixturevalue("sqlite_db" if request.param == "sqlite" else "pg_db")


@dataclass
class World:
    led: Ledger
    op: Signer
    au: Signer
    bank: Signer
    oracle: Signer
    approvers: list[Signer]
    clerk: Signer  # a member with the regulator role only


def signer(name: str) -> Signer:
    return Signer(name, keys.from_seed(f"test/{name}"))


def build_world(led: Ledger, *, config: dict | None = None) -> World:
    op, au, bank, orc, clerk = (signer(n) for n in ("operator", "auditor", "bank", "oracle", "clerk"))
    approvers = [signer(f"appr{i}") for i in (1, 2, 3)]
    led.genesis(op, au, others=[(bank, ["custodian"]), (orc, ["oracle"]), (clerk, ["regulator"])]
                + [(a, ["approver"]) for a in approvers], config=config or {})
    led.add_asset(op, "USD", 2, "bank", kind="cash")
    led.add_asset(op, "AAPL", 4, "bank")
    led.add_asset(op, "MSFT", 0, "bank")
    led.open_accounts(op, [("alice:cash", "cash", "alice"), ("bob:cash", "cash", "bob")])
    led.open_margin_account(op, "alice:margin", "alice", max_leverage_bps=30000, maintenance_bps=2500)
    led.deposit(op, "alice:cash", "USD", 100_000)
    led.deposit(op, "bob:cash", "USD", 50_000)
    return World(led, op, au, bank, orc, approvers, clerk)


@pytest.fixture
def world(db: DB) -> Iterator[World]:
    led = db.open()
    try:
        yield build_world(led)
    finally:
        led.close()
