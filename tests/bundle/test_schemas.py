"""docs/schemas is generated from the models: the committed files are exactly what they give."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from por.bundle.documents import DOCUMENTS
from por.bundle.schemas import DRAFT, ID_PREFIX, SCHEMA_DIR, main, render, schema_of


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_committed_schema_is_the_generated_one(name: str) -> None:
    path = SCHEMA_DIR / f"{name}.schema.json"
    assert path.is_file(), f"{path} is missing: run python -m por.bundle.schemas"
    assert path.read_text(encoding="utf-8") == render(DOCUMENTS[name]), \
        f"{path} is stale: run python -m por.bundle.schemas and commit the result"


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_schema_is_draft_2020_12_with_id_title_description(name: str) -> None:
    schema = schema_of(DOCUMENTS[name])
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == DRAFT and schema["$id"] == ID_PREFIX + name
    assert schema["title"] and "docs/protocol.md §" in schema["description"]
    assert schema["type"] == "object" and schema["additionalProperties"] is False


def test_every_object_with_keyed_entries_refuses_other_keys() -> None:
    def walk(node: object) -> None:
        if isinstance(node, dict):
            if "patternProperties" in node:
                assert node.get("additionalProperties") is False, node
            if node.get("type") == "object" and "properties" in node:
                assert node.get("additionalProperties") is False, node
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)
    for doc in DOCUMENTS.values():
        walk(schema_of(doc))


def test_the_generator_writes_every_file(tmp_path: Path) -> None:
    assert main([str(tmp_path)]) == 0
    written = sorted(p.name for p in tmp_path.iterdir())
    assert written == sorted(f"{n}.schema.json" for n in DOCUMENTS)
    for p in tmp_path.iterdir():
        json.loads(p.read_text(encoding="utf-8"))
