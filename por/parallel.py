"""Executors: where independent, picklable work units run (docs/protocol.md §7.5, §7.12; docs/scale.md §1).

A work unit is a picklable, deterministic, self-contained value; a task is a module-level function
applied to it. Executors only map: ``executor.map(fn, units)`` yields ``fn(unit)`` for every unit,
**in the order of the units**, so that results are identical whichever executor ran them.

- :class:`SerialExecutor` runs in-process (tests, tiny inputs, debugging);
- :class:`LocalExecutor` runs a process pool sized to the machine (the default);
- a cluster executor (Dask) implements the same protocol later.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor as _FuturesExecutor
from concurrent.futures import ProcessPoolExecutor
from typing import Any, Protocol, TypeVar, runtime_checkable

T = TypeVar("T")
U = TypeVar("U")


@runtime_checkable
class Executor(Protocol):
    """Maps a module-level function over independent, picklable work units, preserving order."""

    #: how many units may run at once (callers size their units with it)
    workers: int

    def map(self, fn: Callable[[T], U], units: Iterable[T]) -> Iterator[U]: ...


class SerialExecutor:
    """Runs every unit in the calling process, one after another."""

    workers = 1

    def map(self, fn: Callable[[T], U], units: Iterable[T]) -> Iterator[U]:
        for unit in units:
            yield fn(unit)

    def __enter__(self) -> SerialExecutor:
        return self

    def __exit__(self, *exc: Any) -> None:
        return None


def default_workers() -> int:
    """The cores this process may use (``sched_getaffinity`` where the OS has it)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


class LocalExecutor:
    """A process pool sized to the machine. The pool starts on first use and is reused until
    :meth:`close` (or the end of a ``with`` block). At most ``2 * workers`` units are in flight, so
    a stream of units is never materialised whole; results come back in unit order."""

    def __init__(self, workers: int | None = None) -> None:
        self.workers = workers or default_workers()
        self._pool: _FuturesExecutor | None = None

    def _get_pool(self) -> _FuturesExecutor:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(max_workers=self.workers)
        return self._pool

    def map(self, fn: Callable[[T], U], units: Iterable[T]) -> Iterator[U]:
        if self.workers == 1:
            yield from SerialExecutor().map(fn, units)
            return
        pool = self._get_pool()
        pending: list[Any] = []
        window = 2 * self.workers
        for unit in units:
            pending.append(pool.submit(fn, unit))
            if len(pending) >= window:
                yield pending.pop(0).result()
        while pending:
            yield pending.pop(0).result()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def __enter__(self) -> LocalExecutor:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


def get_executor(executor: Executor | None, *, work: int = 0, threshold: int = 0) -> tuple[Executor, bool]:
    """The executor to use and whether the caller owns it (and must close it).

    With ``executor=None`` a :class:`LocalExecutor` is made when ``work >= threshold`` (a pool is
    worth its start-up only for enough work), else a :class:`SerialExecutor`.
    """
    if executor is not None:
        return executor, False
    if work >= threshold and default_workers() > 1:
        return LocalExecutor(), True
    return SerialExecutor(), False


def close_executor(executor: Executor, owned: bool) -> None:
    if owned:
        close = getattr(executor, "close", None)
        if callable(close):
            close()


def executor_from_spec(spec: str | None) -> Executor | None:
    """An executor from its command-line form: ``local`` (None: sized to the work), ``local:N``,
    ``serial``, or ``dask://HOST:PORT`` (a running Dask scheduler).

    Raises:
        UsageError: a form not listed above.
    """
    from por.errors import UsageError

    if spec is None or spec == "local":
        return None
    if spec == "serial":
        return SerialExecutor()
    if spec.startswith("local:"):
        try:
            n = int(spec.split(":", 1)[1])
        except ValueError:
            n = 0
        if n < 1:
            raise UsageError(f"executor {spec!r}: local:N needs a worker count N >= 1")
        return LocalExecutor(n)
    if spec.startswith("dask://"):
        from por.parallel_dask import DaskExecutor

        return DaskExecutor(spec[len("dask://"):])
    raise UsageError(f"unknown executor {spec!r}: use local, local:N, serial or dask://HOST:PORT")
