"""``por epoch open|snapshot|build|prove|attest|seal|publish|run|status``: the operator's epoch run."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import click
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from por.cli._output import print_json
from por.epoch.state import STAGES


@contextmanager
def progress_display(enabled: bool = True, *, stderr: bool = False) -> Iterator[Any]:
    """A rich progress display; yields the ``progress(stage, done, total)`` callback. ``stderr``: draw
    it there (for a command whose output is a result, e.g. JSON), and only when it is a terminal."""
    if stderr and not sys.stderr.isatty():
        enabled = False
    if not enabled:
        yield lambda stage, done, total: None
        return
    console = Console(stderr=True) if stderr else None
    with Progress(TextColumn("{task.description:<14}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  TimeRemainingColumn(), transient=False, console=console) as prog:
        tasks: dict[str, Any] = {}

        def report(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = prog.add_task(stage, total=total or None)
            prog.update(tasks[stage], completed=done, total=total or None)

        yield report


def make_executor(spec: str | None) -> Any:
    """``local`` / ``local:N`` (process pool) or ``dask://HOST:PORT`` (a Dask cluster)."""
    from por.parallel import executor_from_spec

    return executor_from_spec(spec or "local")


def _pipeline(directory: str, epoch_id: str | None, executor: str | None, quiet: bool,
              disclosure: str | None = None, proofs: str | None = None) -> tuple[Any, Any]:
    from por.epoch.demo import simulators
    from por.epoch.pipeline import Pipeline
    from por.epoch.workspace import Workspace
    from por.verify import verify_bundle

    ws = Workspace.load(directory)
    cm = progress_display(not quiet)
    report = cm.__enter__()
    # a `por demo` directory plays its own oracles and custodians; an operator's has none (None)
    pipe = Pipeline(ws, epoch_id=epoch_id, executor=make_executor(executor), progress=report,
                     disclosure=disclosure, proofs=proofs, simulators=simulators(ws), seal_check=verify_bundle)
    return pipe, cm


_common = [
    click.option("--dir", "directory", default=".", show_default=True, help="Working directory (holds por.json)."),
    click.option("--epoch", "epoch_id", help="Epoch id (default: the unfinished one, or a new one)."),
    click.option("--executor", help="local, local:N or dask://HOST:PORT."),
    click.option("--quiet", is_flag=True, help="No progress display."),
    click.option("--json", "as_json", is_flag=True, help="Print the epoch state as JSON."),
]


def common(f: Any) -> Any:
    for opt in reversed(_common):
        f = opt(f)
    return f


@click.group()
def epoch() -> None:
    """Run an epoch: snapshot liabilities, build and prove the tree, collect attestations, seal, publish."""


def _finish(pipe: Any, cm: Any, as_json: bool, ran: list[str]) -> None:
    cm.__exit__(None, None, None)
    st = pipe.state
    if as_json:
        print_json({"epoch_id": pipe.epoch_id, "completed": st.completed, "ran": ran, "values": {
            k: v for k, v in st.data["values"].items() if k not in ("outcomes",)}})
    else:
        click.echo(f"epoch {pipe.epoch_id}: ran {', '.join(ran) or 'nothing (already done)'}; "
                   f"completed {', '.join(st.completed)}")


def _stage_command(stage: str) -> click.Command:
    @common
    def cmd(directory: str, epoch_id: str | None, executor: str | None, quiet: bool, as_json: bool) -> None:
        pipe, cm = _pipeline(directory, epoch_id, executor, quiet)
        try:
            ran = [stage] if pipe.run_stage(stage) else []
        finally:
            pipe.close()
        _finish(pipe, cm, as_json, ran)

    cmd.__doc__ = f"Run the {stage!r} stage of the current epoch (if not done yet)."
    return click.command(stage)(cmd)


for _s in STAGES:
    epoch.add_command(_stage_command(_s))


@epoch.command("run")
@common
@click.option("--until", type=click.Choice(STAGES), default="publish", show_default=True)
@click.option("--disclosure", type=click.Choice(["hidden", "auditor", "public"]),
              help="Whether liability totals are hidden, opened to the auditor, or published (new epochs).")
@click.option("--proofs", type=click.Choice(["linear", "compressed"]),
              help="Range-proof encoding of the tree (new epochs; recorded in the manifest): linear proves "
                   "~4x faster, compressed makes the bundle ~4x smaller (default: por.json, else linear).")
def run(directory: str, epoch_id: str | None, executor: str | None, quiet: bool, as_json: bool, until: str,
        disclosure: str | None, proofs: str | None) -> None:
    """Run every unfinished stage (resumes after a crash or Ctrl-C; finished stages are not redone)."""
    pipe, cm = _pipeline(directory, epoch_id, executor, quiet, disclosure, proofs)
    before = set(pipe.state.completed)
    try:
        pipe.run(until)
    finally:
        pipe.close()
    _finish(pipe, cm, as_json, [s for s in pipe.state.completed if s not in before])


@epoch.command("status")
@click.option("--dir", "directory", default=".", show_default=True)
@click.option("--json", "as_json", is_flag=True)
def status(directory: str, as_json: bool) -> None:
    """Published epochs and the unfinished one."""
    from por.epoch.workspace import Workspace

    ws = Workspace.load(directory)
    out: dict[str, Any] = {"published": ws.published(), "unfinished": ws.unfinished()}
    if as_json:
        print_json(out)
    else:
        click.echo(f"published: {', '.join(out['published']) or 'none'}; unfinished: {out['unfinished'] or 'none'}")
