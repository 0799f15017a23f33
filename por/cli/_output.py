"""Shared CLI output: results as a rich table or JSON, and the exit-status convention (0/1/2)."""

from __future__ import annotations

import json
import sys
from typing import Any

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from por.result import Result

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2


def console() -> Console:
    return Console(highlight=False, soft_wrap=True)


def print_json(obj: Any) -> None:
    click.echo(json.dumps(obj, indent=2, sort_keys=True, default=str))


def printable(text: str) -> str:
    """``text`` as UTF-8 can carry it: a lone surrogate (a hostile document's ``\\ud800``, quoted in a
    check's message) is shown escaped instead of failing the write to the terminal."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def print_result(result: Result, as_json: bool) -> int:
    """Print a verification result and return the exit status it implies."""
    if as_json:
        print_json(result.to_dict())
        return result.exit_code()
    con = console()
    table = Table(title=escape(printable(result.subject)), show_lines=False)
    table.add_column("", no_wrap=True)
    table.add_column("check", no_wrap=True)
    table.add_column("detail")
    for c in result.checks:
        mark = "[yellow]UNTRUSTED[/]" if c.untrusted else ("[green]OK[/]" if c.ok else "[red]FAIL[/]")
        table.add_row(mark, escape(printable(c.id)), escape(printable(c.message)))
    con.print(table)
    n_fail = len(result.failures)
    n_untrusted = len([c for c in result.untrusted if not c.ok])
    if result.ok:
        con.print(f"OK: all {len(result.checks)} checks passed")
    elif not result.checks:
        con.print("FAIL: no checks could be run")
    else:
        con.print(f"FAIL: {n_fail} of {len(result.checks)} checks failed"
                  + (f" ({n_untrusted} rest only on keys the verified party chose)" if n_untrusted else ""))
    return result.exit_code()


def fail_usage(message: str) -> None:
    """Print a usage error and exit 2 (unusable input)."""
    click.echo(f"error: {message}", err=True)
    sys.exit(EXIT_USAGE)


def open_existing_ledger(url: str, schema: str | None = None) -> Any:
    """Open the ledger a ``--ledger`` option names; a URL naming no ledger is a usage error (exit 2),
    never a new file, and an unreachable server or a schema without the ledger's tables too.

    Raises:
        UsageError: a malformed URL, a missing SQLite file, a bad schema, a database that cannot be
            reached or holds no ledger journal.
    """
    from por.errors import UsageError
    from por.ledger.api import Ledger
    from por.ledger.db import DatabaseError, error_line

    try:
        led = Ledger.open(url, schema=schema, create=False)
    except UsageError as exc:
        raise UsageError(f"--ledger {url}: {exc}") from None
    try:
        empty = led.head()["seq"] == 0
    except DatabaseError as exc:
        led.close()
        raise UsageError(f"--ledger {url}: cannot read a por ledger there ({type(exc).__name__}: "
                         f"{error_line(exc)})") from None
    if empty:
        led.close()
        raise UsageError(f"--ledger {url}: the ledger has no journal entries")
    return led


def require_ledger(ledger_url: str | None, **options: Any) -> None:
    """Options that only mean something with ``--ledger`` (``schema=...``) are a usage error without it."""
    from por.errors import UsageError

    for name, value in options.items():
        if value and not ledger_url:
            raise UsageError(f"--{name.replace('_', '-')} only applies with --ledger")
