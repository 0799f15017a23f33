"""The verifiers (docs/protocol.md §9.5): the auditor's (:func:`verify_bundle`, ``auditor.py``, one
function per numbered step) and the client's (``client.py``). Check and Result live in por.result (one
of each, below every package)."""

from por.result import Check, Result
from por.verify.auditor import verify_bundle

__all__ = ["Check", "Result", "verify_bundle"]
