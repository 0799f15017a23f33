"""Entry point ``por``: persona groups are imported only when invoked (click's lazy-group pattern).

Only :class:`por.errors.PorError` is caught and turned into a clean message (exit 2 for usage,
1 otherwise); anything else is a bug and shows its traceback. ``--verbose`` shows tracebacks always.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from typing import Any

import click

from por.errors import PorError, UsageError

# name -> "module:attribute"; a persona module that is not present is simply not listed.
COMMANDS: dict[str, str] = {
    "demo": "por.cli.demo:demo",
    "bench": "por.cli.bench:bench",
    "init": "por.cli.ledger:init",
    "member": "por.cli.ledger:member",
    "ledger": "por.cli.ledger:ledger",
    "margin": "por.cli.ledger:margin",
    "withdraw": "por.cli.ledger:withdraw",
    "attest": "por.cli.reserves:attest",
    "oracle": "por.cli.reserves:oracle",
    "reserves": "por.cli.reserves:reserves",
    "tree": "por.cli.tree:tree",
    "epoch": "por.cli.epoch:epoch",
    "verify": "por.cli.verify:verify",
    "audit": "por.cli.verify:audit",
    "report": "por.cli.report:report",
    "stress": "por.cli.report:stress",
    "risk": "por.cli.risk:risk",
    "serve": "por.serve.cli:serve",
}


def _available(name: str) -> bool:
    module = COMMANDS[name].split(":")[0]
    return importlib.util.find_spec(module) is not None


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(n for n in COMMANDS if _available(n))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS or not _available(cmd_name):
            return None
        module, attr = COMMANDS[cmd_name].split(":")
        cmd = getattr(importlib.import_module(module), attr)
        assert isinstance(cmd, click.Command)
        return cmd


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--verbose", is_flag=True, help="Show tracebacks for errors.")
@click.version_option(package_name="por")
@click.pass_context
def cli(ctx: click.Context, verbose: bool) -> None:
    """por: prove that a custodial platform holds what it owes its clients (protocol por-v1)."""
    ctx.ensure_object(dict)
    ctx.obj["verbose"] = verbose


def main(argv: list[str] | None = None) -> Any:
    verbose = "--verbose" in (argv if argv is not None else sys.argv[1:])
    try:
        return cli.main(args=argv, prog_name="por", standalone_mode=True)
    except PorError as exc:
        if verbose:
            raise
        click.echo("error: " + exc.diagnostics().encode("utf-8", "backslashreplace").decode("utf-8"), err=True)
        sys.exit(2 if isinstance(exc, UsageError) else 1)
    except RecursionError:  # a last guard: readers turn deep nesting into EncodingError themselves
        if verbose:
            raise
        click.echo("error: the input is nested too deeply to be read", err=True)
        sys.exit(2)
    except Exception as exc:  # a last guard for database errors a command did not name itself
        sa = sys.modules.get("sqlalchemy.exc")  # loaded only by commands that open a database
        if verbose or sa is None or not isinstance(exc, sa.SQLAlchemyError):
            raise
        from por.ledger.db import error_line

        unusable = isinstance(exc, (sa.OperationalError, sa.InterfaceError, sa.ArgumentError))
        click.echo(f"error: database: {error_line(exc)}" + (" (cannot reach or open it)" if unusable else ""),
                   err=True)
        sys.exit(2 if unusable else 1)


if __name__ == "__main__":  # pragma: no cover
    main()
