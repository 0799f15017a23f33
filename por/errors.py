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
