"""Report collection and the four writers: golden JSON and CSV, XLSX through openpyxl, PDF text."""

from __future__ import annotations

import io
import json
import os
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from por.report import export
from por.report.collect import NO_LEDGER, collect
from por.report.model import ReportData
from tests.report.conftest import GENERATED_AT, fixed_verifier, make_epoch, small_book

GOLDEN = Path(__file__).parent / "golden"
REGEN = os.environ.get("POR_REGEN_GOLDEN") == "1"


@pytest.fixture
def report(epochs: Path, ledger: Any, monkeypatch: pytest.MonkeyPatch) -> ReportData:
    monkeypatch.chdir(epochs.parent)  # relative paths: the golden files do not depend on tmp dirs
    return collect(["epochs"], ledger, verifier=fixed_verifier, generated_at=GENERATED_AT)


def _golden(name: str, data: bytes) -> None:
    path = GOLDEN / name
    if REGEN:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    assert data == path.read_bytes(), f"{name} differs from the golden file (POR_REGEN_GOLDEN=1 to update)"


# -- figures ---------------------------------------------------------------------------------------


def test_coverage_figures_by_hand(report: ReportData) -> None:
    cov = {(r["epoch_id"], r["asset"]): r for r in report.table("coverage").records()}
    usd = cov[("2024-06", "USD")]
    # reserves 1,200,000.00; net liabilities 1,500,000.00 − 400,000.00 = 1,100,000.00 -> 12/11
    assert (usd["reserves"], usd["net_liabilities"], usd["surplus"]) == (120_000_000, 110_000_000, 10_000_000)
    assert usd["coverage"] == "1.090909"
    total = cov[("2024-06", "TOTAL (USD)")]
    # 1,200,000 + 10,000 × 150 = 2,700,000 over 1,100,000 + 1,500,000 = 2,600,000 -> 27/26
    assert (total["reserves_value"], total["net_liabilities_value"], total["coverage"]) == (270_000_000, 260_000_000, "1.038461")
    assert cov[("2024-05", "USD")]["coverage"] == "1.045454"  # 115/110
    logs = report.table("log_roots").records()
    assert logs[0]["consistency"].startswith("first epoch") and logs[1]["consistency"] == "verified"
    assert report.verified and report.epochs == ("2024-05", "2024-06")


def test_ledger_sections(report: ReportData) -> None:
    # the real ledger's margin book is small_book(): 100/100/100/10 AAA at 150, debts 10,000 and 5,000
    m = report.table("margin_summary").records()[0]
    assert (m["accounts"], m["debt"], m["equity"], m["average_leverage"]) == (4, 1_500_000, 3_150_000, "1.476190")
    assert (m["in_breach"], m["within_10pct_of_liquidation"], m["over_leverage_limit"]) == (0, 0, 0)
    buckets = {r["leverage"]: r["accounts"] for r in report.table("leverage_distribution").records()}
    assert buckets["1x to <1.5x"] == 2 and buckets["1.5x to <2x"] == 1 and buckets["3x to <4x"] == 1
    # limits from max_leverage_bps: a3 1.5x; a2 2x (V 15,000, E 10,000); a0 + a1 3x (V 30,000, E 20,000)
    limits = [(r["max_leverage"], r["accounts"], r["position_value"], r["equity"], r["average_leverage"])
              for r in report.table("leverage_limits").records()]
    assert limits == [("1.50x", 1, 150_000, 150_000, "1.000000"), ("2.00x", 1, 1_500_000, 1_000_000, "1.500000"),
                      ("3.00x", 2, 3_000_000, 2_000_000, "1.500000")]
    # withdrawals at 2024-07-01T00:00:00Z: W1, W2 settled; W3 cooling (1 h); W4 one approval (2 h);
    # W5 in review (6 h); W6 flagged then rejected
    w = {r[0]: r[1] for r in report.table("withdrawals").rows}
    assert w == {"requested": 6, "ever_flagged": 2, "flagged": 1, "pending": 1, "approved": 1, "settled": 2,
                 "rejected": 1}
    q = {r["queue"]: (r["waiting"], r["oldest_age"], r["mean_age"]) for r in report.table("withdrawal_queues").records()}
    assert q == {"flagged": (1, 21_600, 21_600), "pending": (1, 7_200, 7_200), "approved": (1, 3_600, 3_600)}
    assert report.table("insurance_fund").rows == (("USD", 2, 100_000),)
    curve = report.table("stress_curve").records()
    assert len(curve) == 51 and curve[0]["shock"] == "0.0000" and curve[-1]["shock"] == "-0.5000"
    assert report.unavailable == {}
    assert report.parameters["stress.price_source"] == "AAA: latest epoch"
    assert report.parameters["ledger.head"] == "journal seq 37 at 2024-06-30T23:20:00.000000Z"


def test_book_from_real_ledger_is_small_book(ledger: Any) -> None:
    from por.report.collect import book_from_ledger

    book, ref = book_from_ledger(ledger), small_book()
    assert (book.currency, book.codes, book.account_ids) == ("USD", ["USD", "AAA"], ["a0", "a1", "a2", "a3"])
    assert book.positions.tolist() == ref.positions.tolist() and book.debts.tolist() == ref.debts.tolist()
    assert book.maintenance_bps.tolist() == [2500] * 4 and book.leverage_limit_bps.tolist() == [30000, 30000, 20000, 15000]
    assert (book.insurance_fund, book.asset("AAA").price_e8) == (100_000, 150 * 10**8)  # the ledger's price
    assert book_from_ledger(ledger, {"AAA": 120 * 10**8}).asset("AAA").price_e8 == 120 * 10**8


def test_generated_at_defaults_to_now_and_times_the_queues(epochs: Path, ledger: Any) -> None:
    rep = collect([epochs], ledger, verifier=fixed_verifier)
    assert rep.generated_at is not None and rep.generated_at > "2024-07-01T00:00:00Z"
    later = collect([epochs], ledger, verifier=fixed_verifier, generated_at="2024-07-01T01:00:00Z")
    q = {r["queue"]: r["oldest_age"] for r in later.table("withdrawal_queues").records()}
    assert q == {"flagged": 25_200, "pending": 10_800, "approved": 7_200}


# -- golden files ----------------------------------------------------------------------------------


def test_json_golden_and_schema(report: ReportData) -> None:
    import jsonschema

    data = export.to_json_bytes(report)
    _golden("report.json", data)
    doc = json.loads(data)
    jsonschema.validate(doc, export.schema())
    assert ReportData.from_dict(doc) == report


def test_csv_golden(report: ReportData) -> None:
    files = export.csv_files(report)
    for name, data in files.items():
        _golden(f"csv/{name}", data)
    z = zipfile.ZipFile(io.BytesIO(export.to_csv_zip_bytes(report)))
    assert sorted(z.namelist()) == sorted(files)
    assert z.read("coverage.csv") == files["coverage.csv"]
    assert export.to_csv_zip_bytes(report) == export.to_csv_zip_bytes(report)  # deterministic bytes


# -- XLSX and PDF ----------------------------------------------------------------------------------


def test_xlsx_has_typed_cells(report: ReportData, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    p = tmp_path / "r.xlsx"
    export.write(report, "xlsx", p)
    wb = load_workbook(p)
    assert {"Summary", "coverage", "stress_curve", "verification", "unavailable"} <= set(wb.sheetnames)
    ws = wb["coverage"]
    header = [c.value for c in ws[1]]
    rows = [[c for c in r] for r in ws.iter_rows(min_row=3)]
    row = next(r for r in rows if r[0].value == "2024-06" and r[1].value == "USD")
    res = row[header.index("reserves")]
    assert res.value == 120_000_000 and res.number_format == "#,##0"
    cov = row[header.index("coverage")]
    assert Decimal(str(cov.value)) == Decimal("1.090909") and cov.number_format == "0.0000%"
    assert wb["Summary"]["B7"].value == "PASSED"


def pdf_text(data: bytes) -> list[str]:
    from pypdf import PdfReader

    return [p.extract_text() for p in PdfReader(io.BytesIO(data)).pages]


def test_pdf_key_figures(report: ReportData) -> None:
    pages = pdf_text(export.render(report, "pdf"))
    first = pages[0]
    assert "VERIFICATION PASSED" in first
    assert "109.09%" in first and "1,200,000.00" in first and "103.84%" in first
    assert "1,000.00" in first  # insurance fund, USD
    assert "6 requested (2 flagged by the screen)" in first and "oldest open request 6 h" in first
    text = "\n".join(pages)
    assert "Reserve coverage per asset" in text and "Stress test" in text and "Leverage distribution" in text


# -- bad input -------------------------------------------------------------------------------------


def test_failing_epoch_still_exports_with_failure_on_first_page(epochs: Path, tmp_path: Path) -> None:
    (epochs / "2024-06" / "prices.json").write_text("{}")  # changed after signing
    rep = collect([epochs], None, verifier=fixed_verifier, generated_at=GENERATED_AT)
    assert not rep.verified
    assert any("files.prices.json" in line for line in rep.failure_lines())
    first = pdf_text(export.render(rep, "pdf"))[0]
    assert "VERIFICATION FAILED" in first and "2024-06" in first and "files.prices.json" in first
    doc = json.loads(export.to_json_bytes(rep))
    assert doc["verification"]["ok"] is False
    assert doc["tables"]["epochs"]["rows"][1][5] == "FAILED"


def test_unreadable_epoch_directory_is_reported(tmp_path: Path) -> None:
    root = tmp_path / "epochs"
    make_epoch(root, "2024-06", "2024-06-30T23:59:59Z")
    (root / "broken").mkdir()
    (root / "broken" / "manifest.json").write_text("{not json")
    rep = collect([root / "2024-06", root / "broken"], None, verifier=fixed_verifier)
    assert not rep.verified and "broken" in rep.epochs
    first = pdf_text(export.render(rep, "pdf"))[0]
    assert "VERIFICATION FAILED" in first and "broken" in first
    export.to_xlsx_bytes(rep)
    export.to_csv_zip_bytes(rep)


def test_missing_ledger_marks_sections_unavailable(epochs: Path) -> None:
    rep = collect([epochs], None, verifier=fixed_verifier)
    for name in ("margin_summary", "leverage_distribution", "leverage_limits", "stress_curve", "insurance_fund",
                 "withdrawals", "withdrawal_queues"):
        assert rep.unavailable[name] == NO_LEDGER
        assert not rep.has(name)
    first = pdf_text(export.render(rep, "pdf"))[0]
    assert "not available" in first and "no ledger access" in first
    files = export.csv_files(rep)
    assert b'stress_curve,"no ledger access' in files["unavailable.csv"]


def test_hidden_liabilities_show_no_ratio(tmp_path: Path) -> None:
    root = tmp_path / "e"
    make_epoch(root, "h", "2024-06-30T23:59:59Z", disclosure="hidden")
    rep = collect([root], None, verifier=fixed_verifier)
    rows = rep.table("coverage").records()
    assert all(r["coverage"] is None and r["equity"] is None for r in rows)
    assert rep.table("epochs").records()[0]["client_accounts"] is None
    pdf_text(export.render(rep, "pdf"))


def test_default_verifier_never_claims_unverified(epochs: Path) -> None:
    from por.report.collect import structural_verify

    res = structural_verify(epochs / "2024-06")
    assert not res.ok and any(c.id == "verifier.unavailable" for c in res.checks)
