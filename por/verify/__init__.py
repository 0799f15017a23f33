"""The verifiers: the client's (client.py); Check and Result live in por.result (one of each, below every package)."""

from por.result import Check, Result

__all__ = ["Check", "Result"]
