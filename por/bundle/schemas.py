"""JSON Schemas (draft 2020-12) of the published documents, generated from the models.

``docs/schemas/<name>.schema.json`` is the machine-readable form of each format of
docs/protocol.md (§9.3 lists them): the contract a second, independent implementation of the
verifiers follows. They are generated, never edited: ``python -m por.bundle.schemas`` rewrites them
and a test requires the committed files to equal what the models give. A schema states every
field's type, encoding and range; the few rules that tie fields together or need computing (a
statement id's hash, a block size against the column count, real calendar dates, UTF-8 byte
lengths) are the models' (and the protocol's) alone.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from por.bundle.documents import DOCUMENTS, DocumentType

DRAFT = "https://json-schema.org/draft/2020-12/schema"
ID_PREFIX = "urn:por-v1:schema:"
SCHEMA_DIR = Path(__file__).resolve().parents[2] / "docs" / "schemas"


def _tidy(node: Any, *, in_properties: bool = False) -> Any:
    """Drop pydantic's generated property titles; an object whose keys follow a pattern allows no other key."""
    if isinstance(node, list):
        return [_tidy(x) for x in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if in_properties:
            out[key] = _tidy(value)
        elif key == "title" and isinstance(value, str) and not node.get("type") == "object" and "$ref" not in node:
            continue
        else:
            out[key] = _tidy(value, in_properties=key in ("properties", "$defs", "patternProperties"))
    if "patternProperties" in out and "additionalProperties" not in out:
        out["additionalProperties"] = False
    return out


def schema_of(doc: DocumentType) -> dict[str, Any]:
    """The JSON Schema of one document, with its ``$id``, title and description."""
    body = _tidy(doc.model.model_json_schema(mode="validation"))
    head = {"$schema": DRAFT, "$id": f"{ID_PREFIX}{doc.name}", "title": doc.title,
            "description": f"{doc.description} Normative text: docs/protocol.md {doc.section}. Generated from "
                           f"{doc.model.__module__} by python -m por.bundle.schemas: do not edit."}
    body.pop("title", None)
    body.pop("description", None)
    return {**head, **body}


def render(doc: DocumentType) -> str:
    """The schema file's text (indented, sorted keys, final newline)."""
    return json.dumps(schema_of(doc), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def write_all(directory: Path = SCHEMA_DIR) -> list[Path]:
    """Regenerate every schema file in ``directory``; returns the paths written."""
    directory.mkdir(parents=True, exist_ok=True)
    out = []
    for doc in DOCUMENTS.values():
        path = directory / f"{doc.name}.schema.json"
        path.write_text(render(doc), encoding="utf-8")
        out.append(path)
    return out


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    directory = Path(args[0]) if args else SCHEMA_DIR
    for path in write_all(directory):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
