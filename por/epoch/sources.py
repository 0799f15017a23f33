"""Where an epoch run's time and randomness come from.

Production takes the real clock and the operating system's randomness: :data:`SYSTEM`, the default
of every constructor that takes ``sources``. An epoch's master secret and nonce must be unpredictable
(docs/protocol.md §9.1: every leaf secret and blinding derives from the master secret, §7.2; the nonce
is the attestations' challenge), and its times are when things happened.

A reproducible demo (``por demo --reproducible``, tests that pin the demo's bytes) injects instead a
:class:`SteppingClock` (a fixed start, advancing a fixed step at each reading) and a
:class:`SeededEntropy` (a SHA-256 stream from a seed): the same seed gives the same bundle, byte for
byte. Anyone who knows the seed recomputes the master secret, so these never serve a real epoch.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Protocol

from por.units import format_time

_ENTRY_TIME = "%Y-%m-%dT%H:%M:%S.%fZ"  # the ledger's entry-time form (microseconds, UTC)


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time (aware, UTC)."""


class Entropy(Protocol):
    def token_bytes(self, n: int) -> bytes:
        """``n`` random bytes."""


class SystemClock:
    """The real clock (production)."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class SystemEntropy:
    """The operating system's randomness (production)."""

    def token_bytes(self, n: int) -> bytes:
        return secrets.token_bytes(n)


class SteppingClock:
    """A clock for reproducible runs: ``start``, then ``step`` later at every reading.

    Time moves only when read (or :meth:`advance` d), so a run that reads it in the same order reads
    the same times. The ledger's time checks hold as with the real clock: entries are dated at its
    readings (never ahead of it), and a cooling period passes when the clock is advanced past it.
    """

    def __init__(self, start: datetime, step: timedelta = timedelta(milliseconds=1)) -> None:
        if start.tzinfo is None:
            raise ValueError("the start of a clock is an aware (UTC) time")
        if step <= timedelta(0):
            raise ValueError("a stepping clock moves forward")
        self._next = start.astimezone(UTC)
        self.step = step

    def now(self) -> datetime:
        t = self._next
        self._next = t + self.step
        return t

    def advance(self, delta: timedelta) -> None:
        """Let ``delta`` pass (a cooling period, a day between epochs)."""
        if delta < timedelta(0):
            raise ValueError("a clock does not go back")
        self._next += delta


class SeededEntropy:
    """Bytes for reproducible runs: SHA-256 in counter mode over a seed (never for a real epoch)."""

    def __init__(self, seed: bytes) -> None:
        self._key = hashlib.sha256(b"por/v1/reproducible-entropy\x00" + seed).digest()
        self._counter = 0
        self._buffer = b""

    def token_bytes(self, n: int) -> bytes:
        while len(self._buffer) < n:
            self._buffer += hashlib.sha256(self._key + self._counter.to_bytes(8, "big")).digest()
            self._counter += 1
        out, self._buffer = self._buffer[:n], self._buffer[n:]
        return out


@dataclass(frozen=True)
class Sources:
    """A run's clock and entropy; :data:`SYSTEM` (the real ones) unless a reproducible demo asks."""

    clock: Clock = field(default_factory=SystemClock)
    entropy: Entropy = field(default_factory=SystemEntropy)

    def now_seconds(self) -> str:
        """``YYYY-MM-DDTHH:MM:SSZ`` now (e.g. the manifest's ``created_at``)."""
        return format_time(self.clock.now())

    def token_bytes(self, n: int) -> bytes:
        return self.entropy.token_bytes(n)

    def ledger_clock(self) -> Callable[[], str] | None:
        """The clock to give :meth:`por.ledger.Ledger.set_clock`: None with the real clock (the ledger
        keeps its own), else this clock's readings as entry times."""
        if isinstance(self.clock, SystemClock):
            return None
        clock = self.clock
        return lambda: clock.now().strftime(_ENTRY_TIME)


#: production: the real clock and the operating system's randomness
SYSTEM = Sources()
