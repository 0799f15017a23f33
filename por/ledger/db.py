"""Engines for the two supported databases (SQLite file by default, PostgreSQL at scale), same code.

SQLite: WAL journal, ``synchronous=FULL`` (a committed entry survives power loss), a long busy
timeout, and writers that start with ``BEGIN IMMEDIATE`` so they queue for the write lock instead of
failing on upgrade. PostgreSQL: READ COMMITTED writers serialised by a row lock on ``ledger_head``;
readers that need one consistent view (snapshots) use REPEATABLE READ.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError, SQLAlchemyError

from por.errors import UsageError

_SCHEMA_RE = re.compile(r"[a-z_][a-z0-9_]{0,62}")

#: SQLAlchemy's errors under por's names, for the packages above the ledger: only the ledger (and the
#: tree store) import the database layer (docs/architecture.md). The root; an error the database
#: driver raised; the driver's "cannot reach or open the database".
DatabaseError = SQLAlchemyError
DriverError = DBAPIError
UnreachableError = OperationalError


def _parse_url(url: str) -> Any:
    """The parsed URL, or a UsageError (sqlalchemy raises several types for a bad URL)."""
    try:
        u = make_url(url)
        u.get_backend_name()
        return u
    except (ArgumentError, ValueError, TypeError) as exc:
        raise UsageError(f"not a database URL: {url!r}") from exc


def error_line(exc: BaseException) -> str:
    """The first line of a database error's own message (the driver's, when it has one)."""
    lines = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    return lines[0][:200] if lines else type(exc).__name__


def make_engine(url: str, schema: str | None = None) -> Engine:
    """An engine for ``url`` (``sqlite:///path`` or ``postgresql+psycopg://...``).

    ``schema`` (PostgreSQL only) sets the ``search_path`` of every connection, so one database can hold
    several ledgers (tests use a fresh schema per run).

    Raises:
        UsageError: an unsupported or malformed URL, or a bad schema name.
    """
    u = _parse_url(url)
    backend = u.get_backend_name()
    if backend == "sqlite":
        if schema:
            raise UsageError("a schema can only be chosen on PostgreSQL")
        engine = create_engine(u, connect_args={"timeout": 120, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _sqlite_connect(dbapi_conn: Any, _rec: Any) -> None:
            dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=FULL")
            cur.execute("PRAGMA busy_timeout=120000")
            cur.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn: Any) -> None:
            write = conn.get_execution_options().get("por_write", False)
            conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

        return engine
    if backend == "postgresql":
        if u.get_driver_name() != "psycopg":
            raise UsageError("use the psycopg 3 driver: postgresql+psycopg://...")
        engine = create_engine(u, pool_pre_ping=True)
        if schema:
            if not _SCHEMA_RE.fullmatch(schema):
                raise UsageError(f"bad schema name {schema!r}")

            @event.listens_for(engine, "connect")
            def _pg_connect(dbapi_conn: Any, _rec: Any) -> None:
                cur = dbapi_conn.cursor()
                cur.execute(f"SET search_path TO {schema}")
                cur.close()
                dbapi_conn.commit()

        return engine
    raise UsageError(f"unsupported database {backend!r}: use sqlite:///FILE or postgresql+psycopg://...")


def require_existing(url: str) -> None:
    """A SQLite URL must name an existing file: opening a ledger that should be there never creates one.

    Raises:
        UsageError: a malformed URL, or no file at the SQLite path.
    """
    u = _parse_url(url)
    if u.get_backend_name() == "sqlite" and (not u.database or not Path(u.database).is_file()):
        raise UsageError(f"no SQLite ledger file at {u.database!r}")


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


@contextmanager
def scratch_schema(url: str, prefix: str = "por_scratch") -> Iterator[str]:
    """A fresh PostgreSQL schema on ``url`` for the duration (benchmarks), dropped afterwards.

    Raises:
        UnreachableError: the server cannot be reached.
    """
    schema = f"{prefix}_{uuid.uuid4().hex[:10]}"
    if not _SCHEMA_RE.fullmatch(schema):
        raise UsageError(f"bad schema name {schema!r}")
    admin = create_engine(url)
    try:
        with admin.begin() as c:
            c.execute(text(f"CREATE SCHEMA {schema}"))
        try:
            yield schema
        finally:
            with admin.begin() as c:
                c.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
    finally:
        admin.dispose()
