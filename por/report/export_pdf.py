"""The PDF report (reportlab): a first page that states the verification outcome before anything else,
key figures, charts (coverage over epochs, leverage histogram, stress curve), then every table.

Amounts are printed in major units (the exact minor-unit integer divided by 10^decimals, written out
digit for digit, never through a float); ratios as percentages with two decimals, rounded toward −∞.
"""

from __future__ import annotations

import io
import json
from fractions import Fraction
from pathlib import Path
from typing import Any

from por.report import charts
from por.report.model import Cell, Column, ReportData, Table
from por.report.stress import fixed
from por.units import PRICE_SCALE

FONT = "Helvetica"
FONT_BOLD = "Helvetica-Bold"
MAX_FAILURES_FIRST_PAGE = 12
PDF_ROW_LIMIT = 400  # longer tables are cut in the PDF (the JSON/CSV/XLSX carry every row)


def _register_fonts() -> tuple[str, str]:
    """DejaVu Sans (shipped with matplotlib) for full Unicode; Helvetica if it cannot be found."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    try:
        import matplotlib

        d = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
        if "PorSans" not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont("PorSans", str(d / "DejaVuSans.ttf")))
            pdfmetrics.registerFont(TTFont("PorSans-Bold", str(d / "DejaVuSans-Bold.ttf")))
            from reportlab.lib.fonts import addMapping

            addMapping("PorSans", 0, 0, "PorSans")
            addMapping("PorSans", 1, 0, "PorSans-Bold")
            addMapping("PorSans", 0, 1, "PorSans")
            addMapping("PorSans", 1, 1, "PorSans-Bold")
        return "PorSans", "PorSans-Bold"
    except Exception:  # noqa: BLE001 - any font problem falls back to the built-in font
        return FONT, FONT_BOLD


def major(x: int, decimals: int) -> str:
    """``123456789, 2`` → ``"1,234,567.89"`` (exact)."""
    sign = "-" if x < 0 else ""
    q, r = divmod(abs(x), 10**decimals)
    return f"{sign}{q:,}" + (f".{r:0{decimals}d}" if decimals else "")


def pct(ratio_str: str, digits: int = 2) -> str:
    return fixed(Fraction(ratio_str) * 100, digits) + "%"


def _fmt(t: Table, col: Column, row: tuple[Cell, ...], report: ReportData) -> str:
    v = row[t.columns.index(col)]
    if v is None:
        return "–"
    if col.type == "ratio" and isinstance(v, str):
        return pct(v)
    if col.type == "int" and isinstance(v, int):
        if "asset minor units" in col.unit and any(c.name == "decimals" for c in t.columns):
            d = row[t.column_index("decimals")]
            return major(v, d) if isinstance(d, int) else f"{v:,}"
        if col.unit.startswith(f"{report.reporting_currency} minor units"):
            return major(v, report.currency_decimals)
        if col.name in ("journal_seq",):
            return str(v)
        if col.name == "price_e8":
            return major(v, 8).rstrip("0").rstrip(".") if v % PRICE_SCALE else major(v // PRICE_SCALE, 0)
        return f"{v:,}"
    s = str(v)
    if len(s) == 64 and all(ch in "0123456789abcdef" for ch in s):
        return s[:16] + "…"
    return s


def _duration(seconds: int) -> str:
    """``93784`` → ``"1 d 2 h 3 min"`` (whole minutes, rounded down)."""
    d, rest = divmod(seconds, 86400)
    h, rest = divmod(rest, 3600)
    m = rest // 60
    parts = [f"{d:,} d" if d else "", f"{h} h" if h else "", f"{m} min" if m or not (d or h) else ""]
    return " ".join(p for p in parts if p)


def _unit_label(t: Table, col: Column, report: ReportData) -> str:
    if col.type == "ratio":
        return "%"
    if "asset minor units" in col.unit and any(c.name == "decimals" for c in t.columns):
        return "asset units"
    if col.unit.startswith(f"{report.reporting_currency} minor units"):
        return report.reporting_currency
    if col.name == "price_e8":
        return f"{report.reporting_currency} per unit"
    if col.unit == "hex":
        return "hex (first 16)"
    return col.unit if len(col.unit) <= 18 else ""


def _pdf_table(t: Table, report: ReportData, styles: Any, font: str, bold: str, width: float) -> list[Any]:
    from reportlab.lib import colors
    from reportlab.platypus import LongTable, Paragraph, Spacer, TableStyle

    cols = [c for c in t.columns if c.name != "decimals"]
    head = ParagraphStyleCache.get(styles, "cellhead", bold, 7.2)
    cell = ParagraphStyleCache.get(styles, "cell", font, 7.2)
    cell_r = ParagraphStyleCache.get(styles, "cellr", font, 7.2, align=2)
    header = []
    for c in cols:
        unit = _unit_label(t, c, report)
        header.append(Paragraph(("price" if c.name == "price_e8" else c.name.replace("_", " ")) + (f"<br/><font size=6>({unit})</font>" if unit else ""), head))
    body = []
    for row in t.rows[:PDF_ROW_LIMIT]:
        body.append([Paragraph(_esc(_fmt(t, c, row, report)), cell_r if c.type in ("int", "ratio") else cell)
                     for c in cols])
    weights = [3.2 if c.name in ("message", "reason", "value", "signer_ids") else
               (1.6 if c.type == "str" else 1.2) for c in cols]
    total = sum(weights)
    tbl = LongTable([header] + body, colWidths=[width * w / total for w in weights], repeatRows=1)
    tbl.setStyle(TableStyle([
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#E3E8F0")),
        ("GRID", (0, 0), (-1, -1), 0.25, colors.HexColor("#B0B7C3")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor("#F7F9FC")]),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
    ]))
    if t.name == "verification":
        for i, row in enumerate(t.rows[:PDF_ROW_LIMIT], start=1):
            if row[t.column_index("result")] == "FAIL":
                tbl.setStyle(TableStyle([("BACKGROUND", (0, i), (-1, i), colors.HexColor("#FDECEA"))]))
    out: list[Any] = [Paragraph(_esc(t.title), styles["Heading3"]), tbl]
    notes = []
    if len(t.rows) > PDF_ROW_LIMIT:
        notes.append(f"Showing {PDF_ROW_LIMIT} of {len(t.rows)} rows; the JSON, CSV and XLSX exports carry every row.")
    if not t.rows:
        notes.append("No rows.")
    if t.note:
        notes.append(t.note)
    for n in notes:
        out.append(Paragraph(_esc(n), ParagraphStyleCache.get(styles, "note", font, 7, color="#555555")))
    out.append(Spacer(1, 8))
    return out


def _esc(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class ParagraphStyleCache:
    _cache: dict[tuple[Any, ...], Any] = {}

    @classmethod
    def get(cls, styles: Any, name: str, font: str, size: float, align: int = 0, color: str = "#000000") -> Any:
        from reportlab.lib import colors
        from reportlab.lib.styles import ParagraphStyle

        key = (name, font, size, align, color)
        if key not in cls._cache:
            cls._cache[key] = ParagraphStyle(name, parent=styles["Normal"], fontName=font, fontSize=size,
                                             leading=size * 1.2, alignment=align,
                                             textColor=colors.HexColor(color))
        return cls._cache[key]


def _key_figures(report: ReportData) -> list[list[str]]:
    rows: list[list[str]] = []
    if report.has("coverage") and report.epochs:
        t = report.table("coverage")
        latest = [r for r in t.rows if r[0] == report.epochs[-1]]
        flag = "" if all(v.ok for v in report.verification if v.epoch_id == report.epochs[-1]) else " NOT VERIFIED"
        for r in latest:
            rec = dict(zip((c.name for c in t.columns), r, strict=True))
            cov = rec["coverage"]
            d = rec["decimals"] if isinstance(rec["decimals"], int) else 0
            if str(rec["asset"]).startswith("TOTAL"):
                value = rec["reserves_value"]
                line = (f"reserves {major(value, report.currency_decimals)}" if isinstance(value, int) else "")
                if isinstance(rec["net_liabilities_value"], int):
                    line += f", net liabilities {major(rec['net_liabilities_value'], report.currency_decimals)}"
            else:
                line = f"reserves {major(rec['reserves'], d)}" if isinstance(rec["reserves"], int) else "reserves –"
                if isinstance(rec["net_liabilities"], int):
                    line += f", net liabilities {major(rec['net_liabilities'], d)}"
            line += f", coverage {pct(cov)}" if isinstance(cov, str) else ", liabilities not disclosed"
            rows.append([f"Coverage {rec['asset']} (epoch {report.epochs[-1]}){flag}", line])
    if report.has("margin_summary"):
        m = report.table("margin_summary").records()[0]
        rows.append(["Margin accounts", f"{m['accounts']:,} accounts, average leverage "
                     f"{fixed(Fraction(str(m['average_leverage'])), 2) + 'x' if m['average_leverage'] else '–'}"])
        rows.append(["Within 10% of liquidation", f"{m['within_10pct_of_liquidation']:,} accounts "
                     f"(debt {major(int(m['within_10pct_debt'] or 0), report.currency_decimals)} "
                     f"{report.reporting_currency}); in breach now: {m['in_breach']:,}"])
    if report.has("insurance_fund"):
        for rec in report.table("insurance_fund").records():
            bal, dec = rec["balance"], rec["decimals"]
            if isinstance(bal, int):
                rows.append([f"Insurance fund ({rec['asset']})",
                             major(bal, dec if isinstance(dec, int) else report.currency_decimals)])
    if report.has("withdrawals"):
        w = {str(r[0]): r[1] for r in report.table("withdrawals").rows}
        line = (f"{w.get('requested', 0):,} requested ({w.get('ever_flagged', 0):,} flagged by the screen): "
                f"{w.get('settled', 0):,} settled, {w.get('rejected', 0):,} rejected; open: "
                f"{w.get('flagged', 0):,} in review, {w.get('pending', 0):,} awaiting approvals, "
                f"{w.get('approved', 0):,} approved and cooling")
        if report.has("withdrawal_queues"):
            oldest = max((int(r["oldest_age"] or 0) for r in report.table("withdrawal_queues").records()), default=0)
            line += f"; oldest open request {_duration(oldest)}"
        rows.append(["Withdrawals", line])
    if report.has("stress_curve"):
        t = report.table("stress_curve")
        for sr in t.records():
            if sr["shock"] == "-0.3000":
                rows.append(["Stress: all prices -30%",
                             f"{int(sr['liquidated'] or 0):,} accounts liquidated in {sr['cascade_rounds']} rounds, "
                             + (f"client equity lost {pct(str(sr['equity_lost']))}, " if sr["equity_lost"] else "")
                             + "bad debt "
                             f"{major(int(sr['bad_debt'] or 0), report.currency_decimals)} {report.reporting_currency}, "
                             f"uncovered {major(int(sr['uncovered'] or 0), report.currency_decimals)}"
                             + (f", reserves coverage after {pct(str(sr['reserves_coverage_after']))}"
                                if sr["reserves_coverage_after"] else "")])
    for label, key in (("Risk: insurance fund exhausted (estimate)", "risk.p_insurance_exhausted"),
                       ("Risk: early warnings (estimate)", "risk.early_warnings"),
                       ("Risk: maintenance margin proposals", "risk.margin_proposals"),
                       ("Risk: run risk", "risk.run")):
        if key in report.parameters:
            rows.append([label, report.parameters[key]])
    return rows


def pdf_keywords(report: ReportData) -> str:
    """The PDF's Keywords entry: ASCII canonical JSON ``{"format": "por-report/1", "manifests": [[epoch_id,
    manifest_sha256], ...]}``, how a signed PDF is recognised as a report and bound to its epochs'
    manifests (docs/protocol.md §11.5; read back by :mod:`por.report.readback`)."""
    doc = {"format": report.format, "manifests": [[e, h] for e, h in report.manifests()]}
    return json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=True)


def to_pdf_bytes(report: ReportData) -> bytes:
    """Render the report as a PDF (landscape A4)."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import mm
    from reportlab.platypus import Image, PageBreak, Paragraph, SimpleDocTemplate, Spacer, TableStyle
    from reportlab.platypus import Table as RLTable

    font, bold = _register_fonts()
    styles = getSampleStyleSheet()
    for name in ("Normal", "Title", "Heading1", "Heading2", "Heading3"):
        styles[name].fontName = bold if name != "Normal" else font
    for name in ("Heading1", "Heading2", "Heading3"):
        styles[name].keepWithNext = 1  # a table's title never ends a page alone
    buf = io.BytesIO()
    page_w, page_h = landscape(A4)
    margin = 14 * mm
    width = page_w - 2 * margin
    verified = report.verified

    def decorate(canvas: Any, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont(font, 7.5)
        canvas.setFillColor(colors.HexColor("#555555"))
        canvas.drawString(margin, 8 * mm, f"por regulator report ({report.format}), epochs "
                          f"{', '.join(report.epochs)[:90]}; generated {report.generated_at or 'n/a'}")
        canvas.drawRightString(page_w - margin, 8 * mm, f"page {doc.page}")
        if not verified:
            canvas.setFillColor(colors.HexColor("#C62828"))
            canvas.setFont(bold, 8.5)
            canvas.drawCentredString(page_w / 2, page_h - 8 * mm, "VERIFICATION FAILED: see page 1")
        canvas.restoreState()

    doc = SimpleDocTemplate(buf, pagesize=landscape(A4), leftMargin=margin, rightMargin=margin,
                            topMargin=margin, bottomMargin=margin + 2 * mm, title="Proof-of-reserves report",
                            author="por", subject=", ".join(report.epochs), creator="por", invariant=1,
                            keywords=pdf_keywords(report))
    story: list[Any] = []
    story.append(Paragraph("Proof-of-reserves report to the regulator", styles["Title"]))
    meta = (f"Epochs: <b>{_esc(', '.join(report.epochs))}</b> &nbsp; · &nbsp; protocol {report.protocol} "
            f"&nbsp; · &nbsp; reporting currency {report.reporting_currency} &nbsp; · &nbsp; "
            f"generated {_esc(report.generated_at or 'n/a')} &nbsp; · &nbsp; format {report.format}")
    story.append(Paragraph(meta, styles["Normal"]))
    story.append(Spacer(1, 8))
    # the verification outcome comes first, prominently
    failures = report.failure_lines()
    n_checks = sum(len(v.checks) for v in report.verification)
    if verified:
        banner = [[Paragraph(f"<font color='white' size=15><b>VERIFICATION PASSED</b></font><br/>"
                             f"<font color='white' size=9>All {n_checks} checks passed for "
                             f"{len(report.verification)} epoch(s).</font>", styles["Normal"])]]
        color = "#2E7D32"
    else:
        failed_epochs = [v.epoch_id for v in report.verification if not v.ok]
        lines = [f"<font color='white' size=15><b>VERIFICATION FAILED</b></font><br/>"
                 f"<font color='white' size=9>{len(failures)} of {n_checks} checks failed in "
                 f"{len(failed_epochs)} of {len(report.verification)} epoch(s): {_esc(', '.join(failed_epochs))}. "
                 "Figures of a failing epoch are shown as published but are NOT verified.</font>"]
        for f in failures[:MAX_FAILURES_FIRST_PAGE]:
            lines.append(f"<font color='white' size=8>• {_esc(f[:220])}</font>")
        if len(failures) > MAX_FAILURES_FIRST_PAGE:
            lines.append(f"<font color='white' size=8>… and {len(failures) - MAX_FAILURES_FIRST_PAGE} more "
                         "(see Verification results)</font>")
        banner = [[Paragraph("<br/>".join(lines), styles["Normal"])]]
        color = "#C62828"
    bt = RLTable(banner, colWidths=[width])
    bt.setStyle(TableStyle([("BACKGROUND", (0, 0), (-1, -1), colors.HexColor(color)),
                            ("LEFTPADDING", (0, 0), (-1, -1), 10), ("TOPPADDING", (0, 0), (-1, -1), 8),
                            ("BOTTOMPADDING", (0, 0), (-1, -1), 10)]))
    story.append(bt)
    story.append(Spacer(1, 10))
    kf = _key_figures(report)
    if kf:
        story.append(Paragraph("Key figures", styles["Heading2"]))
        cs = ParagraphStyleCache.get(styles, "kf", font, 9)
        kt = RLTable([[Paragraph(_esc(a), ParagraphStyleCache.get(styles, "kfb", bold, 9)), Paragraph(_esc(b), cs)]
                      for a, b in kf], colWidths=[width * 0.3, width * 0.7])
        kt.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.25, colors.HexColor("#B0B7C3")),
                                ("VALIGN", (0, 0), (-1, -1), "TOP")]))
        story.append(kt)
        story.append(Spacer(1, 8))
    if report.unavailable:
        story.append(Paragraph("Sections not available", styles["Heading2"]))
        for k, v in report.unavailable.items():
            story.append(Paragraph(f"<b>{_esc(k)}</b>: not available ({_esc(v)})",
                                   ParagraphStyleCache.get(styles, "un", font, 8.5)))
    story.append(Paragraph("Amounts are in major units of the asset or of the reporting currency named in each "
                           "column (exact: minor-unit integers with the decimal point placed); percentages are exact "
                           "fractions rounded toward −∞ to two decimals. The JSON export is the figure of record.",
                           ParagraphStyleCache.get(styles, "note", font, 7, color="#555555")))
    # charts
    story.append(PageBreak())
    story.append(Paragraph("Charts", styles["Heading1"]))
    drawn = 0
    for maker in (charts.coverage_chart, charts.leverage_chart, charts.stress_chart, charts.risk_loss_chart,
                  charts.risk_warning_chart, charts.risk_margin_chart, charts.risk_run_chart):
        png = maker(report)
        if png is None:
            continue
        img = Image(io.BytesIO(png))
        scale = min(width / img.imageWidth, (page_h * 0.37) / img.imageHeight)
        img.drawWidth, img.drawHeight = img.imageWidth * scale, img.imageHeight * scale
        story.append(img)
        story.append(Spacer(1, 6))
        drawn += 1
    if drawn < 3:
        missing = [n for n in ("leverage_distribution", "stress_curve") if n in report.unavailable]
        if missing:
            story.append(Paragraph("Charts not drawn: " + "; ".join(
                f"{n} ({report.unavailable[n]})" for n in missing), styles["Normal"]))
    # tables
    story.append(PageBreak())
    story.append(Paragraph("Tables", styles["Heading1"]))
    for t in report.tables:
        story.extend(_pdf_table(t, report, styles, font, bold, width))
    if report.parameters:
        pt = Table("parameters", "Parameters and notes", (Column("parameter"), Column("value")),
                   tuple((k, v) for k, v in report.parameters.items()))
        story.extend(_pdf_table(pt, report, styles, font, bold, width))
    doc.build(story, onFirstPage=decorate, onLaterPages=decorate)
    return buf.getvalue()
