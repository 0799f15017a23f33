"""A cluster executor on Dask (``dask.distributed``): the :class:`por.parallel.Executor` protocol.

``DaskExecutor("HOST:PORT")`` (``--executor dask://HOST:PORT``) sends the same picklable work units
that :class:`por.parallel.LocalExecutor` runs locally (``LeafUnit``, ``BlockUnit``, ``SubtreeCheck``,
``BlockCheck``) to the workers of a running scheduler, and yields the results **in unit order** while
at most ``window`` units are in flight, so a stream of units is never materialised whole and the
caller writes results into its store as they arrive. The units carry their own seed material, so the
bytes out are the same whichever executor ran them.

Failures:

- a worker that dies (killed, out of memory) while running a unit: the scheduler re-runs the unit on
  another worker (``distributed.scheduler.allowed-failures`` times, default 3) before giving up;
- a unit whose task raises: it is re-run up to ``retries`` times (a transient fault), then the
  exception is raised to the caller unchanged (a :class:`por.errors.TreeError` stays one);
- a unit given up by the scheduler, or a lost connection to it: :class:`ExecutorError` naming the
  unit; every unit still in flight is cancelled. Nothing half-written is kept by the callers (the
  tree builder writes to a temp file renamed at the end), so a rerun starts clean.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

from por.errors import PorError, UsageError

T = TypeVar("T")
U = TypeVar("U")

#: seconds to wait for the scheduler when connecting by address
CONNECT_TIMEOUT = 30


class ExecutorError(PorError):
    """The cluster could not run a unit (workers lost beyond the retry budget, scheduler gone)."""


class DaskExecutor:
    """Runs work units on a Dask cluster; results come back in unit order.

    Args:
        address: the scheduler address (``HOST:PORT`` or ``tcp://HOST:PORT``). Ignored if ``client``
            is given.
        client: an existing ``distributed.Client`` (not closed by :meth:`close`).
        retries: how many times a unit whose task raised is re-run before its exception is raised.
        window: units in flight at most (default: twice the cluster's worker threads, at least 2).
        timeout: seconds to wait for the scheduler when connecting by address.

    Raises:
        UsageError: neither an address nor a client, or the scheduler cannot be reached.
    """

    def __init__(self, address: str | None = None, *, client: Any = None, retries: int = 2,
                 window: int | None = None, timeout: float = CONNECT_TIMEOUT) -> None:
        if retries < 0:
            raise UsageError("retries must be >= 0")
        if window is not None and window < 1:
            raise UsageError("window must be >= 1")
        self.retries = retries
        self._window = window
        self._owned = client is None
        if client is None:
            if not address:
                raise UsageError("DaskExecutor needs a scheduler address (dask://HOST:PORT) or a client")
            from distributed import Client

            addr = address if "://" in address else f"tcp://{address}"
            try:
                client = Client(addr, timeout=timeout, set_as_default=False)  # type: ignore[no-untyped-call]
            except (OSError, TimeoutError) as exc:
                raise UsageError(f"cannot reach the Dask scheduler at {addr}: {exc}") from None
        self._client: Any = client
        #: the cluster's worker threads (refreshed at every :meth:`map`)
        self.workers = self._threads()

    @property
    def client(self) -> Any:
        return self._client

    def _threads(self) -> int:
        """The cluster's worker threads now (at least 1: a cluster may be scaling up)."""
        try:
            return max(1, int(sum(self._client.nthreads().values())))
        except Exception:  # noqa: BLE001 - a lost scheduler is reported by map(), not here
            return 1

    def map(self, fn: Callable[[T], U], units: Iterable[T]) -> Iterator[U]:
        """``fn(unit)`` for every unit, in unit order, with at most ``window`` units in flight.

        Raises:
            ExecutorError: a unit could not be run (its workers kept dying) or the scheduler is gone.
            Exception: whatever ``fn`` raised on a unit, after ``retries`` re-runs.
        """
        from distributed import CancelledError, KilledWorker

        if self._client is None:
            raise UsageError("the DaskExecutor is closed")
        self.workers = self._threads()
        window = self._window or 2 * self.workers
        client = self._client
        pending: deque[tuple[int, Any]] = deque()
        name = getattr(fn, "__name__", "task")
        index = 0

        def result(i: int, fut: Any) -> U:
            try:
                return fut.result()  # type: ignore[no-any-return]
            except KilledWorker as exc:
                raise ExecutorError(f"unit {i} of {name}: the workers running it died too often ({exc}); "
                                    "rerun once the cluster is healthy") from None
            except CancelledError:
                raise ExecutorError(f"unit {i} of {name} was cancelled (scheduler restarted or lost)") from None
            except Exception as exc:
                if getattr(fut, "status", None) == "error":
                    raise  # the task itself raised (after its retries): the caller sees it unchanged
                raise ExecutorError(f"unit {i} of {name}: lost the Dask scheduler "
                                    f"({type(exc).__name__}: {exc})") from None

        try:
            for unit in units:
                # pure=False: every unit gets a fresh key (no hashing of large units, no dedup)
                pending.append((index, client.submit(fn, unit, pure=False, retries=self.retries)))
                index += 1
                if len(pending) >= window:
                    yield result(*pending.popleft())
            while pending:
                yield result(*pending.popleft())
        finally:
            if pending:  # an error or an abandoned generator: stop what is still queued
                try:
                    client.cancel([f for _, f in pending])
                except Exception:  # noqa: BLE001 - best effort on a failing cluster
                    pass

    def close(self) -> None:
        """Disconnect from the scheduler (only when this executor made the client)."""
        if self._owned and self._client is not None:
            self._client.close()
            self._client = None

    def __enter__(self) -> DaskExecutor:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()
