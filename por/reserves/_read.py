"""Reading a reserves document through its published model (``por.bundle``): one validator.

The verifiers hand the reserves package the models they parsed (``from_model``); a document that
reaches it as a JSON value or as bytes instead (an operator's file on the command line, a ledger
payload) is parsed by the same model first, so a field has one rule wherever it is read. The
model's :class:`por.errors.DocumentError` (naming the field path) is raised as the kind of error
the reserves readers have always raised: :class:`por.errors.EncodingError` for signed documents
(attestations, price reports), :class:`por.errors.UsageError` for settings and keyrings (exit 2).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from por.bundle import Model, validate
from por.errors import DocumentError, PorError

M = TypeVar("M", bound=Model)


def from_value(model: type[M], value: Any, document: str, error: type[PorError]) -> M:
    """``model`` validated from a JSON value; a refusal is ``error`` naming ``document`` and the field."""
    try:
        return validate(model, value, document)
    except DocumentError as exc:
        raise error(str(exc)) from None


def from_bytes(parse: Callable[[bytes], M], data: bytes, error: type[PorError]) -> M:
    """The model ``parse`` reads from ``data`` (strict JSON); a refusal is ``error`` naming the field."""
    try:
        return parse(data)
    except DocumentError as exc:
        raise error(str(exc)) from None


def with_defaults(value: Any, defaults: Mapping[str, Any]) -> Any:
    """``value`` with the fields it leaves out at ``defaults`` when it is a JSON object; anything else
    as it is, for the model to refuse."""
    return {**defaults, **value} if isinstance(value, Mapping) else value
