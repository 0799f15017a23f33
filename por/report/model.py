"""The format-independent regulator report (``por-report/1``): named tables of exact cells.

Every writer (JSON, CSV, XLSX, PDF) renders the same :class:`ReportData`; none computes a figure.
A cell is an ``int`` (an exact amount, in the minor units the column names), a ``str`` (a label, a
hash, or a ratio written as a fixed-digit decimal computed from a ``Fraction``), or ``None`` (not
applicable or not disclosed; the table's note says why). Floats never appear: charts convert to
float only to draw.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from por.errors import ReportError
from por.result import Check

REPORT_FORMAT = "por-report/1"
#: Column types: ``int`` exact integer; ``ratio`` decimal string (6 digits, rounded toward −∞, 1 = 100%);
#: ``str`` text.
COLUMN_TYPES = ("int", "ratio", "str")
RATIO_DIGITS = 6

Cell = int | str | None


@dataclass(frozen=True, slots=True)
class Column:
    """A column: ``name`` (snake_case, stable), ``type`` (see ``COLUMN_TYPES``) and ``unit`` text."""

    name: str
    type: str = "str"
    unit: str = ""

    def __post_init__(self) -> None:
        if self.type not in COLUMN_TYPES:
            raise ReportError(f"column {self.name}: unknown type {self.type!r}")

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "type": self.type, "unit": self.unit}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Column:
        return cls(str(d["name"]), str(d["type"]), str(d.get("unit", "")))


@dataclass(frozen=True, slots=True)
class Table:
    """A tidy table: one row per observation, one column per variable."""

    name: str
    title: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Cell, ...], ...]
    note: str = ""

    def __post_init__(self) -> None:
        for i, row in enumerate(self.rows):
            if len(row) != len(self.columns):
                raise ReportError(f"table {self.name}: row {i} has {len(row)} cells, expected {len(self.columns)}")
            for col, cell in zip(self.columns, row, strict=True):
                if cell is None:
                    continue
                ok = isinstance(cell, int) and not isinstance(cell, bool) if col.type == "int" else isinstance(cell, str)
                if not ok:
                    raise ReportError(f"table {self.name}: column {col.name} ({col.type}) holds {cell!r}")

    def column_index(self, name: str) -> int:
        for i, c in enumerate(self.columns):
            if c.name == name:
                return i
        raise ReportError(f"table {self.name}: no column {name!r}")

    def column(self, name: str) -> list[Cell]:
        i = self.column_index(name)
        return [r[i] for r in self.rows]

    def records(self) -> list[dict[str, Cell]]:
        return [dict(zip((c.name for c in self.columns), r, strict=True)) for r in self.rows]

    def to_dict(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "note": self.note,
            "columns": [c.to_dict() for c in self.columns],
            "rows": [list(r) for r in self.rows],
        }

    @classmethod
    def from_dict(cls, name: str, d: dict[str, Any]) -> Table:
        return cls(name, str(d["title"]), tuple(Column.from_dict(c) for c in d["columns"]),
                   tuple(tuple(r) for r in d["rows"]), str(d.get("note", "")))


@dataclass(frozen=True, slots=True)
class EpochVerification:
    """The verifier's result for one epoch directory (``epoch_id`` is the directory name if unreadable)."""

    epoch_id: str
    path: str
    ok: bool
    checks: tuple[Check, ...]

    @property
    def failures(self) -> list[Check]:
        return [c for c in self.checks if not c.ok]

    def to_dict(self) -> dict[str, Any]:
        return {"epoch_id": self.epoch_id, "path": self.path, "ok": self.ok,
                "checks": [c.to_dict() for c in self.checks]}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> EpochVerification:
        return cls(str(d["epoch_id"]), str(d["path"]), bool(d["ok"]),
                   tuple(Check.from_dict(c) for c in d["checks"]))


@dataclass(frozen=True, slots=True)
class ReportData:
    """The whole report. ``unavailable`` maps a section (table name) to the reason it is missing."""

    generated_at: str | None
    reporting_currency: str
    currency_decimals: int
    epochs: tuple[str, ...]
    verification: tuple[EpochVerification, ...]
    tables: tuple[Table, ...]
    unavailable: dict[str, str] = field(default_factory=dict)
    parameters: dict[str, str] = field(default_factory=dict)
    protocol: str = "por-v1"
    format: str = REPORT_FORMAT

    @property
    def verified(self) -> bool:
        """True only when at least one epoch was verified and every check of every epoch passed."""
        return bool(self.verification) and all(v.ok for v in self.verification)

    def table(self, name: str) -> Table:
        for t in self.tables:
            if t.name == name:
                return t
        raise ReportError(f"report has no table {name!r}")

    def has(self, name: str) -> bool:
        return any(t.name == name for t in self.tables)

    def manifests(self) -> list[tuple[str, str | None]]:
        """``(epoch_id, manifest_sha256)`` per epoch, from the ``epochs`` table: what the report binds its
        figures to (docs/protocol.md §11.4). Empty when the report has no such table or column."""
        if not self.has("epochs"):
            return []
        t = self.table("epochs")
        if not any(c.name == "manifest_sha256" for c in t.columns):
            return []
        return [(str(e), h if isinstance(h, str) else None)
                for e, h in zip(t.column("epoch_id"), t.column("manifest_sha256"), strict=True)]

    def failure_lines(self) -> list[str]:
        """One sentence per failed check, naming the epoch: what the first page of the PDF shows."""
        out = []
        for v in self.verification:
            for c in v.failures:
                out.append(f"epoch {v.epoch_id}: {c.id}: {c.message}")
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": self.format,
            "protocol": self.protocol,
            "generated_at": self.generated_at,
            "reporting_currency": {"code": self.reporting_currency, "decimals": self.currency_decimals},
            "epochs": list(self.epochs),
            "verification": {
                "ok": self.verified,
                "epochs": [v.to_dict() for v in self.verification],
            },
            "parameters": dict(self.parameters),
            "tables": {t.name: t.to_dict() for t in self.tables},
            "unavailable": dict(self.unavailable),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> ReportData:
        """Read a report back (e.g. a published JSON export).

        Raises:
            ReportError: an unknown format major version or a malformed document.
        """
        fmt = d.get("format") if isinstance(d, dict) else None
        if not isinstance(fmt, str) or fmt.split(".")[0] != REPORT_FORMAT:
            raise ReportError(f"not a {REPORT_FORMAT} document (format {fmt!r})")
        try:
            cur = d["reporting_currency"]
            return cls(
                generated_at=d["generated_at"], reporting_currency=str(cur["code"]),
                currency_decimals=int(cur["decimals"]), epochs=tuple(d["epochs"]),
                verification=tuple(EpochVerification.from_dict(v) for v in d["verification"]["epochs"]),
                tables=tuple(Table.from_dict(k, v) for k, v in d["tables"].items()),
                unavailable=dict(d["unavailable"]), parameters=dict(d["parameters"]),
                protocol=str(d["protocol"]), format=fmt)
        except (KeyError, TypeError, ValueError) as exc:
            raise ReportError(f"malformed report document: {exc!r}") from None
