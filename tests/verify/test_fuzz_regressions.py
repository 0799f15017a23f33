"""Holes the mutation fuzz test (tests/cli/test_mutations.py, ``pytest -m fuzz``) found in the auditor's
verifier, each pinned as the re-signed edit it drew (docs/protocol.md §9.5)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from .test_resigned_edits import edited, failed


def _reporting_quote(doc: dict[str, Any]) -> dict[str, Any]:
    return doc["quotes"][doc["reporting_currency"]]


@pytest.mark.parametrize("edit", [
    lambda q: q.pop("reporting_currency"),  # the quote of price 1 no longer says it is the reporting currency
    lambda q: q.update(time="2020-01-01T00:00:00Z"),  # nor at the cut-off
    lambda q: q.update(oracles=["oracle-1"]),
    lambda q: q.update(ledger_entries=[1]),
], ids=["unmarked", "time", "oracles", "entries"])
def test_the_reporting_currency_quote_is_the_writers(workspace: Path, tmp_path: Path, edit: Any) -> None:
    """Fuzz: prices.json re-signed with the reporting currency's quote no longer marked as such passed
    (only its price was compared); the quote must be exactly the one the writer makes (§9.3)."""
    res = edited(workspace, tmp_path, "prices.json", lambda d: edit(_reporting_quote(d)))
    f = failed(res)
    assert "price.USD" in f, f
    assert "reporting currency" in f["price.USD"]
