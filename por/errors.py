"""The single exception hierarchy of por: every error the package raises on purpose is a PorError."""

from __future__ import annotations


class PorError(Exception):
    """Root of every error por raises deliberately; the CLI catches only this (a bug stays a bug)."""

    def diagnostics(self) -> str:
        """A human sentence for the operator, auditor or client reading the CLI output."""
        return str(self)


class UsageError(PorError):
    """The caller asked for something that cannot be done as asked (exit status 2)."""


class EncodingError(PorError, ValueError):
    """Bytes that do not decode: wrong length, off curve, not in the subgroup, non-canonical scalar."""


class RangeError(PorError, ValueError):
    """A value outside what a proof can cover (outside [0, 2^n), or m not a power of two)."""


class ProofError(PorError):
    """A proof that fails to verify, raised by the primitives that raise rather than return False."""


class SpecError(PorError):
    """A statement (circuit) specification that does not load or does not match its hash."""


class SignatureError(PorError):
    """A signature that is missing, malformed or does not verify."""


class LedgerError(PorError):
    """A ledger operation refused: bad signature, wrong role, unbalanced posting, limit, conflict."""


class TreeError(PorError):
    """A liabilities tree that cannot be built (bad input) or read (damaged store)."""


class ReservesError(PorError):
    """Attestations, prices or solvency that do not hold (short reserves, no price quorum, ...)."""


class EpochError(PorError):
    """The epoch pipeline cannot proceed (a stage failed, a check failed before sealing)."""


class BundleError(PorError):
    """A published bundle or client proof that cannot be read (unknown version, missing file)."""


class DocumentError(BundleError):
    """A published document that does not parse as its format (docs/protocol.md §9, docs/schemas).

    Names the document and the field path of the first problem, e.g. ``manifest.json:
    signed.tree.height: must be an integer from 1 to 40 (found true)``; ``problems`` holds every
    ``(path, message)`` found, in document order.
    """

    def __init__(self, document: str, path: str, message: str,
                 problems: tuple[tuple[str, str], ...] = ()) -> None:
        super().__init__(f"{document}: {path}: {message}" if path else f"{document}: {message}")
        self.document = document
        self.path = path
        self.reason = message
        self.problems = problems or ((path, message),)


class ReportError(PorError):
    """A regulator report that cannot be collected or written, or whose detached signature fails."""


class StressError(UsageError, ValueError):
    """A stress scenario or margin book that cannot be used: an unparsable shock, an unknown asset."""


class PriceError(ReservesError):
    """No usable price for an asset: too few, stale, too dispersed reports, or an unknown signer.

    ``kind`` is one of ``too-few``, ``stale``, ``dispersed``, ``unknown-signer``; ``asset`` names the
    asset. Stops the epoch and trips the ledger's liquidation circuit breaker.
    """

    def __init__(self, message: str, *, asset: str = "", kind: str = "too-few") -> None:
        super().__init__(message)
        self.asset = asset
        self.kind = kind


class ShortfallError(ReservesError):
    """Reserves below net liabilities for an asset: the solvency proof cannot exist.

    Operator-only: the message names the asset and the amount short (in minor units).
    """

    def __init__(self, asset: str, short: int) -> None:
        super().__init__(f"reserves of {asset} fall short of net liabilities by {short} minor units")
        self.asset = asset
        self.short = short


class IdempotencyConflictError(LedgerError):
    """An idempotency key already used for an entry with different content (a retry must be identical)."""


class InsufficientFundsError(LedgerError):
    """A posting or withdrawal that would take a balance below its floor or an account below its margin."""


class PermissionDeniedError(LedgerError):
    """The signer's roles do not permit the entry type, or a quorum of governors did not sign."""


class CircuitBreakerError(LedgerError):
    """Automated liquidation is paused: prices moved too much in the window or the oracle quorum failed."""


class PriceUnavailableError(LedgerError):
    """No usable (fresh, signed) price for an asset."""


class LedgerIntegrityError(LedgerError):
    """The stored ledger does not verify: a broken chain, a bad signature, a tampered row."""


class RiskError(UsageError, ValueError):
    """A risk estimate that cannot be made from its inputs: no price history, a single price, zero
    volatility, an empty margin book, a parameter out of range (exit status 2)."""
