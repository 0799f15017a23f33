"""Structured verification results: a list of checks, each with a stable id, pass/fail and a sentence.

Primitives raise or return False; orchestration (tree, bundle, attestation verifiers) collects what
they say into a :class:`Result`, which the CLI prints as a table or JSON and turns into an exit status
(0 every check passed, 1 a check failed). Unusable input (exit 2) is a :class:`por.errors.UsageError`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Check:
    """One verification step: ``id`` is stable (scripts match on it), ``message`` names what and where."""

    id: str
    ok: bool
    message: str
    #: the check's computation passed, but only against a trust anchor the verified party controls
    #: (the bundle's own keyring): it counts as failed unless the caller accepted that trust
    untrusted: bool = False

    @property
    def status(self) -> str:
        return "untrusted" if self.untrusted else ("passed" if self.ok else "failed")

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "ok": self.ok, "status": self.status, "message": self.message}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Check:
        return cls(id=str(d["id"]), ok=bool(d["ok"]), message=str(d["message"]),
                   untrusted=d.get("status") == "untrusted")


@dataclass(slots=True)
class Result:
    """An ordered list of checks; ``ok`` only when there is at least one check and all passed."""

    subject: str
    checks: list[Check] = field(default_factory=list)

    def add(self, check_id: str, ok: bool, message: str) -> bool:
        """Record one check and return ``ok`` so callers can branch on it."""
        self.checks.append(Check(check_id, bool(ok), message))
        return bool(ok)

    def passed(self, check_id: str, message: str) -> None:
        self.add(check_id, True, message)

    def failed(self, check_id: str, message: str) -> None:
        self.add(check_id, False, message)

    def extend(self, checks: Iterable[Check]) -> None:
        self.checks.extend(checks)

    def merge(self, other: Result, prefix: str = "") -> None:
        """Append another result's checks, optionally prefixing their ids (``prefix.id``)."""
        for c in other.checks:
            self.checks.append(Check(f"{prefix}{c.id}" if prefix else c.id, c.ok, c.message, c.untrusted))

    @property
    def ok(self) -> bool:
        return bool(self.checks) and all(c.ok for c in self.checks)

    @property
    def failures(self) -> list[Check]:
        return [c for c in self.checks if not c.ok]

    @property
    def untrusted(self) -> list[Check]:
        return [c for c in self.checks if c.untrusted]

    def __iter__(self) -> Iterator[Check]:
        return iter(self.checks)

    def exit_code(self) -> int:
        return 0 if self.ok else 1

    def to_dict(self) -> dict[str, Any]:
        return {
            "subject": self.subject,
            "ok": self.ok,
            "checks": [c.to_dict() for c in self.checks],
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Result:
        return cls(subject=str(d["subject"]), checks=[Check.from_dict(c) for c in d["checks"]])
