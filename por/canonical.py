"""Canonical JSON (the bytes that are hashed and signed): UTF-8, sorted keys, no insignificant
whitespace, no floats, no NaN. Readers of signed documents require the bytes they received to be
canonical, so the signature covers exactly the bytes on disk (no re-serialization ambiguity)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from por.errors import EncodingError, UsageError


def _reject_floats(obj: Any, path: str = "$") -> None:
    if isinstance(obj, float):
        raise EncodingError(f"floats are not allowed in canonical JSON (at {path})")
    if isinstance(obj, dict):
        for k, v in obj.items():
            if not isinstance(k, str):
                raise EncodingError(f"non-string key at {path}")
            _reject_floats(v, f"{path}.{k}")
    elif isinstance(obj, (list, tuple)):
        for i, v in enumerate(obj):
            _reject_floats(v, f"{path}[{i}]")


def dumps(obj: Any) -> bytes:
    """Canonical bytes of a JSON value built from dict/list/str/int/bool/None.

    Raises:
        EncodingError: a float, a non-string key, or a string that is not Unicode text (a lone
            surrogate, which JSON's ``\\ud800`` escape can carry into a parsed document).
    """
    _reject_floats(obj)
    text = json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise EncodingError(f"a string is not Unicode text (lone surrogate at character {exc.start})") from None


MAX_DOCUMENT_BYTES = 256 << 20  # no JSON document por reads is near this (a client proof is ~50 KB)


def read_document(path: str | Path, limit: int = MAX_DOCUMENT_BYTES) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes.

    Why: a verifier must not hang or run out of memory on a bundle whose "file" is a device, a
    FIFO or a huge file. Raises FileNotFoundError when missing, EncodingError (a ValueError) when
    not a regular file or too large, OSError when unreadable.
    """
    p = Path(path)
    if not p.exists():
        raise FileNotFoundError(2, "No such file or directory", str(p))
    if not p.is_file():
        raise EncodingError(f"{p.name} is not a regular file")
    with p.open("rb") as f:
        data = f.read(limit + 1)
    if len(data) > limit:
        raise EncodingError(f"{p.name} is larger than {limit} bytes")
    return data


def parse_json(data: bytes | str, *, parse_float: Callable[[str], Any] | None = None,
               parse_constant: Callable[[str], Any] | None = None) -> Any:
    """Any JSON document from untrusted input; every way it can be unusable is an
    :class:`EncodingError` (a ``ValueError``): not UTF-8, not JSON, an integer of more than 4,300
    digits, nesting deeper than the interpreter's recursion limit. Floats parse unless
    ``parse_float`` refuses them (:func:`loads` does, for signed documents)."""
    try:
        text = data.decode("utf-8") if isinstance(data, bytes) else data
        return json.loads(text, parse_float=parse_float, parse_constant=parse_constant)
    except UnicodeDecodeError as exc:
        raise EncodingError("not UTF-8") from exc
    except json.JSONDecodeError as exc:
        raise EncodingError(f"not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from exc
    except EncodingError:
        raise
    except ValueError as exc:  # e.g. an integer beyond int_max_str_digits
        raise EncodingError(f"unusable JSON: {exc}") from exc
    except RecursionError as exc:
        raise EncodingError("JSON nested too deeply") from exc


def loads(data: bytes, *, require_canonical: bool = False) -> Any:
    """Parse JSON; floats are refused (parse_float raises) and, if asked, non-canonical bytes too."""
    def no_float(s: str) -> Any:
        raise EncodingError(f"floats are not allowed (found {s})")

    def no_const(s: str) -> Any:
        raise EncodingError(f"{s} is not allowed")

    obj = parse_json(data, parse_float=no_float, parse_constant=no_const)
    try:
        canonical = not require_canonical or dumps(obj) == data
    except RecursionError as exc:
        raise EncodingError("JSON nested too deeply") from exc
    if not canonical:
        raise EncodingError("JSON is not in canonical form (sorted keys, no whitespace)")
    return obj


def read_json_file(path: str | Path, what: str) -> Any:
    """A JSON document from a file, or a UsageError naming ``what`` and the file (exit status 2)."""
    try:
        return parse_json(read_document(path))
    except (OSError, ValueError) as exc:
        raise UsageError(f"cannot read {what} {path}: {exc}") from exc
