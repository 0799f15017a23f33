"""Verifiers and their structured results (DESIGN.md section 8)."""

from por.verify.result import Check, Result

__all__ = ["Check", "Result"]
