"""Identifiers, asset codes, hex and times are matched to the end of the text: Python's ``$`` also
matches before a final newline, so ``"alice\\n"`` would pass a ``^...$`` pattern and name a second
account that prints like the first. Every such pattern in por ends with ``\\Z``."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from por.errors import LedgerError, PorError
from por.ledger import canonical, schema
from por.units import parse_time

POR = Path(__file__).resolve().parents[1] / "por"


@pytest.mark.parametrize(("check", "good"), [
    (schema.ident, "alice"),
    (schema.asset, "USD"),
    (schema.hex_bytes(4), "00ff00ff"),
])
def test_ledger_fields_refuse_a_trailing_newline(check, good):
    check(good, "field")
    with pytest.raises(LedgerError):
        check(good + "\n", "field")


def test_times_refuse_a_trailing_newline():
    assert parse_time("2024-06-30T23:59:59Z").year == 2024
    with pytest.raises(PorError):
        parse_time("2024-06-30T23:59:59Z\n")
    canonical.check_time("2024-06-30T23:59:59.000000Z")
    with pytest.raises(PorError):
        canonical.check_time("2024-06-30T23:59:59.000000Z\n")


def test_no_pattern_in_por_ends_with_a_dollar():
    """A new ``re.compile(r"^...$")`` would bring the hole back; \\Z (or fullmatch) is the rule."""
    offenders = [f"{p.relative_to(POR.parent)}:{n}" for p in POR.rglob("*.py")
                 for n, line in enumerate(p.read_text().splitlines(), 1)
                 if re.search(r"re\.compile\(r?b?r?f?\".*\$\"", line)]
    assert offenders == []
