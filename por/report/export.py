"""Writers for :class:`ReportData`: JSON (with a published schema), CSV (zipped), XLSX; PDF lives in
:mod:`por.report.export_pdf`. Each writer returns the bytes it wrote, so the caller can sign them.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any

from por.canonical import parse_json
from por.errors import ReportError
from por.report.model import Cell, ReportData, Table

FORMATS = ("json", "csv", "xlsx", "pdf")
SCHEMA_FILE = "report-v1.schema.json"
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
EXCEL_EXACT = 2**53  # integers at or beyond this are written as text (Excel keeps 53 bits)


def schema() -> dict[str, Any]:
    """The published JSON Schema of ``por-report/1`` (``por/report/report-v1.schema.json``)."""
    text = resources.files("por.report").joinpath(SCHEMA_FILE).read_text(encoding="utf-8")
    return parse_json(text)  # type: ignore[no-any-return]


# --------------------------------------------------------------------------------------------------
# JSON


def _scalar(x: Any) -> bool:
    return x is None or isinstance(x, (str, int, bool))


def _pretty(x: Any, indent: int = 0) -> str:
    """JSON with 2-space indentation where an array or object of scalars stays on one line (a table row
    is one line), keys in insertion order. Parses as ordinary JSON; the bytes are stable."""
    if _scalar(x):
        return json.dumps(x, ensure_ascii=False)
    pad, inner = " " * indent, " " * (indent + 2)
    if isinstance(x, dict):
        if not x:
            return "{}"
        if all(_scalar(v) for v in x.values()):
            return "{" + ", ".join(f"{json.dumps(k, ensure_ascii=False)}: {_pretty(v)}" for k, v in x.items()) + "}"
        body = ",\n".join(f"{inner}{json.dumps(k, ensure_ascii=False)}: {_pretty(v, indent + 2)}" for k, v in x.items())
        return "{\n" + body + "\n" + pad + "}"
    if isinstance(x, (list, tuple)):
        if not x:
            return "[]"
        if all(_scalar(v) for v in x):
            return "[" + ", ".join(_pretty(v) for v in x) + "]"
        return "[\n" + ",\n".join(inner + _pretty(v, indent + 2) for v in x) + "\n" + pad + "]"
    raise ReportError(f"cannot write {type(x).__name__} to the JSON report")


def to_json_bytes(report: ReportData) -> bytes:
    """UTF-8 JSON (see :func:`_pretty`), newline-terminated: stable bytes, one table row per line."""
    return (_pretty(report.to_dict()) + "\n").encode("utf-8")


# --------------------------------------------------------------------------------------------------
# CSV


def _csv_bytes(header: list[str], rows: list[list[Cell]]) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    for r in rows:
        w.writerow(["" if c is None else c for c in r])
    return buf.getvalue().encode("utf-8")


def csv_files(report: ReportData) -> dict[str, bytes]:
    """The tidy CSV files, by name: ``report.csv`` (metadata), ``columns.csv`` (types and units),
    one ``<table>.csv`` per table, ``unavailable.csv`` and ``parameters.csv``."""
    meta = [
        ["format", report.format], ["protocol", report.protocol],
        ["generated_at", report.generated_at or ""],
        ["reporting_currency", report.reporting_currency], ["currency_decimals", report.currency_decimals],
        ["epochs", " ".join(report.epochs)],
        ["verification", "passed" if report.verified else "FAILED"],
    ]
    files: dict[str, bytes] = {"report.csv": _csv_bytes(["key", "value"], meta)}  # type: ignore[arg-type]
    cols: list[list[Cell]] = []
    for t in report.tables:
        for c in t.columns:
            cols.append([t.name, c.name, c.type, c.unit])
    files["columns.csv"] = _csv_bytes(["table", "column", "type", "unit"], cols)
    for t in report.tables:
        files[f"{t.name}.csv"] = _csv_bytes([c.name for c in t.columns], [list(r) for r in t.rows])
    files["unavailable.csv"] = _csv_bytes(["section", "reason"], [[k, v] for k, v in report.unavailable.items()])
    files["parameters.csv"] = _csv_bytes(["parameter", "value"], [[k, v] for k, v in report.parameters.items()])
    return files


def to_csv_zip_bytes(report: ReportData) -> bytes:
    """All CSV files in one deterministic zip (fixed timestamps, fixed order, deflated)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in csv_files(report).items():
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, data)
    return buf.getvalue()


# --------------------------------------------------------------------------------------------------
# XLSX


def _xlsx_cell(value: Cell, ctype: str) -> tuple[Any, str | None]:
    """(value, number format): ints as numbers (as text beyond 2^53), ratios as exact decimals in %."""
    if value is None:
        return None, None
    if ctype == "int" and isinstance(value, int):
        if abs(value) >= EXCEL_EXACT:
            return str(value), "@"
        return value, "#,##0"
    if ctype == "ratio" and isinstance(value, str):
        return Decimal(value), "0.0000%"
    return value, None


def to_xlsx_bytes(report: ReportData) -> bytes:
    """One sheet per table (plus Summary and Unavailable), typed cells with number formats."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = "Summary"
    bold = Font(bold=True)
    ws.append(["Proof-of-reserves regulator report"])
    ws["A1"].font = Font(bold=True, size=14)
    rows: list[list[Any]] = [
        ["format", report.format], ["protocol", report.protocol],
        ["generated_at", report.generated_at or ""], ["reporting currency", report.reporting_currency],
        ["epochs", ", ".join(report.epochs)],
        ["verification", "PASSED" if report.verified else "FAILED"],
    ]
    for summary_row in rows:
        ws.append(summary_row)
    status = ws.cell(row=ws.max_row, column=2)
    status.font = Font(bold=True, color="FFFFFF")
    status.fill = PatternFill("solid", fgColor="2E7D32" if report.verified else "C62828")
    for line in report.failure_lines():
        ws.append(["failed check", line])
    ws.append([])
    ws.append(["Amounts are exact integers in the minor units named in each column's unit row; ratios are "
               "exact fractions rounded toward -infinity to 6 digits, shown as percentages. Integers of 2^53 "
               "or more are stored as text so that no digit is lost."])
    ws.column_dimensions["A"].width = 22
    ws.column_dimensions["B"].width = 90
    used: set[str] = {"Summary"}
    for t in report.tables:
        title = _sheet_name(t.name, used)
        sh = wb.create_sheet(title)
        sh.append([c.name for c in t.columns])
        sh.append([c.unit for c in t.columns])
        for c in sh[1]:
            c.font = bold
        for c in sh[2]:
            c.font = Font(italic=True, color="555555")
            c.alignment = Alignment(wrap_text=True, vertical="top")
        for r in t.rows:
            sh.append([None] * len(t.columns))
            ri = sh.max_row
            for ci, (col, val) in enumerate(zip(t.columns, r, strict=True), start=1):
                v, fmt = _xlsx_cell(val, col.type)
                cell = sh.cell(row=ri, column=ci, value=v)
                if fmt:
                    cell.number_format = fmt
        if t.note:
            sh.append([])
            sh.append([t.note])
        sh.freeze_panes = "A3"
        for ci, col in enumerate(t.columns, start=1):
            width = max([len(col.name)] + [len(str(r[ci - 1])) for r in t.rows[:200] if r[ci - 1] is not None])
            sh.column_dimensions[get_column_letter(ci)].width = min(70, max(10, width + 3))
    un = wb.create_sheet(_sheet_name("unavailable", used))
    un.append(["section", "reason"])
    for c in un[1]:
        c.font = bold
    for k, v in report.unavailable.items():
        un.append([k, v])
    un.column_dimensions["A"].width = 26
    un.column_dimensions["B"].width = 110
    pa = wb.create_sheet(_sheet_name("parameters", used))
    pa.append(["parameter", "value"])
    for k, v in report.parameters.items():
        pa.append([k, v])
    pa.column_dimensions["A"].width = 30
    pa.column_dimensions["B"].width = 110
    wb.properties.creator = "por"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _sheet_name(name: str, used: set[str]) -> str:
    base = name[:31]
    out, i = base, 2
    while out in used:
        out = f"{base[:28]}_{i}"
        i += 1
    used.add(out)
    return out


# --------------------------------------------------------------------------------------------------
# dispatch


def render(report: ReportData, fmt: str) -> bytes:
    """The bytes of ``report`` in ``fmt`` (json, csv, xlsx, pdf).

    Raises:
        ReportError: an unknown format.
    """
    if fmt == "json":
        return to_json_bytes(report)
    if fmt == "csv":
        return to_csv_zip_bytes(report)
    if fmt == "xlsx":
        return to_xlsx_bytes(report)
    if fmt == "pdf":
        from por.report.export_pdf import to_pdf_bytes

        return to_pdf_bytes(report)
    raise ReportError(f"unknown report format {fmt!r}: expected one of {', '.join(FORMATS)}")


def write(report: ReportData, fmt: str, out: str | Path) -> bytes:
    """Render and write atomically; returns the bytes written."""
    data = render(report, fmt)
    p = Path(out)
    p.parent.mkdir(parents=True, exist_ok=True)
    tmp = p.with_name(p.name + ".tmp")
    tmp.write_bytes(data)
    tmp.replace(p)
    return data


def table_for_display(t: Table) -> list[list[str]]:
    """Cells as plain strings (used by the CLI's summary)."""
    return [["" if c is None else str(c) for c in r] for r in t.rows]
