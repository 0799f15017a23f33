"""The one parsing mechanism of the published documents: strict JSON in, frozen models out.

Every document model derives from :class:`Model` (pydantic, strict, frozen, unknown fields refused),
so the same definitions give the parser and the JSON Schema (docs/schemas). Parsing goes through
:func:`parse_bytes`, which reads the JSON strictly (no floats, no NaN, no repeated keys; optionally
canonical, docs/protocol.md §9.4) and turns every way a document can be unusable into one
:class:`por.errors.DocumentError` naming the document and the field path. Nothing else escapes.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any, ClassVar, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from pydantic.fields import FieldInfo
from pydantic_core import PydanticCustomError

from por import canonical
from por.errors import DocumentError, EncodingError

M = TypeVar("M", bound="Model")

#: a repr of the offending value is cut to this many characters in messages
_FOUND_CHARS = 40


def problem(at: str, message: str) -> PydanticCustomError:
    """An error a model validator raises for the field ``at`` (relative to the model, dotted)."""
    return PydanticCustomError("por", "{message}", {"message": message, "at": at})


def _omit_null(schema: dict[str, Any]) -> None:
    """JSON Schema of an omittable field: its type without ``null`` and without a default."""
    schema.pop("default", None)
    options = schema.get("anyOf")
    if isinstance(options, list):
        rest = [o for o in options if o != {"type": "null"}]
        schema.pop("anyOf")
        if len(rest) == 1:
            schema.update(rest[0])
        else:
            schema["anyOf"] = rest


def omittable(description: str | None = None) -> Any:
    """A field the writer leaves out when it does not apply (never written as ``null``).

    The model refuses an explicit ``null`` for it; serialisation leaves it out when it was not given.
    """
    return Field(default=None, description=description, json_schema_extra=_omit_null)


class Model(BaseModel):
    """Base of every published document and part of one: strict types (a boolean is not an integer,
    a string is not a number), frozen, every field known (docs/protocol.md §9)."""

    model_config = ConfigDict(strict=True, frozen=True, extra="forbid", hide_input_in_errors=False,
                              validate_default=False, revalidate_instances="never", defer_build=True)

    _omittable: ClassVar[frozenset[str]] = frozenset()

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        cls._omittable = frozenset(name for name, f in cls.model_fields.items() if _is_omittable(f))

    @model_validator(mode="before")
    @classmethod
    def _no_null_for_omittable(cls, data: Any) -> Any:
        if isinstance(data, dict) and cls._omittable:
            for name in cls._omittable:
                if name in data and data[name] is None:
                    raise problem(name, "must be left out rather than null")
        return data

    def to_json_value(self) -> Any:
        """The JSON value (dicts, lists, str, int, bool, None) this model was read from, or that a
        writer publishes: omitted optional fields stay omitted."""
        return self.model_dump(mode="json", exclude_unset=True)


def _is_omittable(f: FieldInfo) -> bool:
    return f.json_schema_extra is _omit_null


# ---- strict JSON ------------------------------------------------------------------------------------

def _no_float(text: str) -> Any:
    raise EncodingError(f"floats are not allowed (found {text[:_FOUND_CHARS]})")


def _no_constant(text: str) -> Any:
    raise EncodingError(f"{text} is not allowed")


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(pairs)
    if len(out) != len(pairs):
        seen: set[str] = set()
        twice = next(k for k, _ in pairs if k in seen or seen.add(k))  # type: ignore[func-returns-value]
        raise EncodingError(f"the key {twice[:_FOUND_CHARS]!r} appears twice in one object")
    return out


def load_json(data: bytes, document: str, *, require_canonical: bool = False) -> Any:
    """The JSON value of ``data``, read strictly; DocumentError naming ``document`` otherwise."""
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise DocumentError(document, "", f"expected the file's bytes, got {type(data).__name__}")
    raw = bytes(data)
    try:
        if require_canonical:
            return canonical.loads(raw, require_canonical=True)
        return json.loads(raw.decode("utf-8"), parse_float=_no_float, parse_constant=_no_constant,
                          object_pairs_hook=_unique_keys)
    except UnicodeDecodeError:
        raise DocumentError(document, "", "not UTF-8") from None
    except json.JSONDecodeError as exc:
        raise DocumentError(document, "", f"not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") \
            from None
    except EncodingError as exc:
        raise DocumentError(document, "", str(exc)) from None
    except ValueError as exc:  # boundary: json's error for an integer beyond int_max_str_digits
        raise DocumentError(document, "", f"unusable JSON: {exc}") from None
    except RecursionError:
        raise DocumentError(document, "", "JSON nested too deeply") from None


# ---- errors -----------------------------------------------------------------------------------------

def _path(loc: Iterable[int | str]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part == "[key]":
            out += " (the key)"
        else:
            out += ("." if out else "") + str(part)
    return out


def _printable(text: str) -> str:
    """``text`` with what UTF-8 cannot encode (lone surrogates read from JSON escapes) escaped, so a
    message naming a hostile value can always be printed."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def _found(value: Any) -> str:
    try:  # a JSON value as read; a writer's own Python value falls back to its repr
        text = json.dumps(value, ensure_ascii=False, sort_keys=True, default=repr)
    except (RecursionError, ValueError):  # boundary: json.dumps of a value nested beyond the interpreter's limit, a circular value
        text = f"a {type(value).__name__}"
    return text if len(text) <= _FOUND_CHARS else text[:_FOUND_CHARS] + "…"


_STRUCTURE = {
    "missing": "is missing",
    "extra_forbidden": "is not a field of this document (unknown fields are refused)",
    "model_type": "must be an object",
    "model_attributes_type": "must be an object",
    "dict_type": "must be an object",
    "tuple_type": "must be a list",
    "list_type": "must be a list",
    "string_type": "must be a string",
    "int_type": "must be an integer",
    "bool_type": "must be true or false",
    "none_required": "must be null",
}


def _message(err: Any) -> str:
    kind = err["type"]
    ctx = err.get("ctx") or {}
    if kind == "por":
        text = str(ctx.get("message", err["msg"]))
    elif kind in _STRUCTURE:
        text = _STRUCTURE[kind]
    elif kind == "literal_error":
        text = f"must be {ctx.get('expected', 'one of the allowed values')}"
    elif kind == "too_short":
        text = f"must list at least {ctx.get('min_length')} item(s)"
    elif kind == "too_long":
        text = f"must list at most {ctx.get('max_length')} item(s)"
    else:
        text = str(err["msg"]).rstrip(".").lower()
    if kind not in ("missing", "extra_forbidden") and "at" not in ctx and "input" in err and "(found" not in text:
        text += f" (found {_found(err['input'])})"
    return text


def document_error(document: str, exc: ValidationError, prefix: tuple[str | int, ...] = ()) -> DocumentError:
    """The DocumentError of a pydantic ValidationError: every problem with its field path."""
    problems: list[tuple[str, str]] = []
    for err in exc.errors(include_url=False):
        loc = prefix + tuple(err["loc"])
        at = (err.get("ctx") or {}).get("at") if err["type"] == "por" else None
        path = _path(loc)
        if at:
            path = f"{path}.{at}" if path else str(at)
        problems.append((_printable(path), _printable(_message(err))))
    if not problems:
        problems.append(("", "does not parse"))
    path, message = problems[0]
    more = len(problems) - 1
    return DocumentError(document, path, message + (f" (and {more} more problem(s))" if more else ""),
                         tuple(problems))


def validate(model: type[M], value: Any, document: str) -> M:
    """``model`` parsed strictly from a JSON value; DocumentError naming ``document`` otherwise."""
    try:
        return model.model_validate(value)
    except ValidationError as exc:
        raise document_error(document, exc) from None
    except RecursionError:
        raise DocumentError(document, "", "nested too deeply") from None


def parse_bytes(model: type[M], data: bytes, document: str, *, require_canonical: bool = False) -> M:
    """``model`` parsed from the bytes received (docs/protocol.md §9.5: parse what was hashed)."""
    return validate(model, load_json(data, document, require_canonical=require_canonical), document)


def json_layout(*, indent: int | None, newline: bool, ensure_ascii: bool = True) -> Callable[[Any], bytes]:
    """How a writer lays out a document (sorted keys always; the manifest is canonical instead)."""
    separators = (",", ":") if indent is None else (",", ": ")

    def dump(value: Any) -> bytes:
        text = json.dumps(value, indent=indent, sort_keys=True, separators=separators, ensure_ascii=ensure_ascii)
        return text.encode("utf-8") + (b"\n" if newline else b"")
    return dump
