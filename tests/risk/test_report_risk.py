"""The regulator report's risk section: tables of exact cells (estimates as labelled strings), the JSON
export under its schema, the charts, and the section left out with a reason when it cannot be made."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from report.conftest import fixed_verifier, make_epoch  # tests/report: a hand-made epoch bundle

from por.report import charts, export
from por.report.collect import collect
from por.report.model import ReportData
from por.risk.report import TABLES, RiskSettings, headline
from por.risk.simulate import Spec

SETTINGS = RiskSettings(spec=Spec(paths=500, seed=3), threshold=0.01)  # a small, calm book: flag at 1%


def _no_float(x: Any) -> bool:
    if isinstance(x, float):
        return False
    if isinstance(x, dict):
        return all(_no_float(v) for v in x.values())
    if isinstance(x, list | tuple):
        return all(_no_float(v) for v in x)
    return True


def test_collect_with_risk_section(risk_ledger: Any, tmp_path: Path) -> None:
    import jsonschema

    make_epoch(tmp_path / "epochs", "2024-06", "2024-06-30T23:59:59Z")
    rep = collect([tmp_path / "epochs"], risk_ledger, verifier=fixed_verifier, generated_at="2024-07-01T00:00:00Z",
                  risk=SETTINGS)
    for name in TABLES:
        assert rep.has(name), (name, rep.unavailable.get(name))
    sim = {r["figure"]: r for r in rep.table("risk_simulation").records()}
    p = sim["probability that bad debt exhausts the insurance fund"]
    assert 0 <= float(str(p["estimate"])) <= 1 and "estimates" in rep.table("risk_simulation").title.lower()
    note = rep.table("risk_simulation").note
    assert "500 paths" in note and "seed 3" in note and "horizon 10 days" in note and "Student-t(5)" in note
    assert rep.parameters["risk.mc.seed"] == "3" and "estimate" in rep.parameters["risk.p_insurance_exhausted"]
    # amounts of record stay integers: the run-risk days are int cells
    days = rep.table("risk_run_days")
    assert all(isinstance(r[1], int) and isinstance(r[4], int) for r in days.rows)
    doc = json.loads(export.to_json_bytes(rep))
    jsonschema.validate(doc, export.schema())
    assert _no_float(doc)
    assert ReportData.from_dict(doc).table("risk_margin_proposals").rows == rep.table("risk_margin_proposals").rows
    lines = dict(headline(rep.parameters))
    assert {"probability of exhausting the insurance fund", "early warnings", "margin proposals"} <= set(lines)
    for maker in (charts.risk_loss_chart, charts.risk_warning_chart, charts.risk_margin_chart, charts.risk_run_chart):
        png = maker(rep)
        assert png is not None and png.startswith(b"\x89PNG"), (maker.__name__, rep.parameters)
    pdf = export.render(rep, "pdf")
    assert pdf.startswith(b"%PDF")
    # same seed, same section
    again = collect([tmp_path / "epochs"], risk_ledger, verifier=fixed_verifier,
                    generated_at="2024-07-01T00:00:00Z", risk=SETTINGS)
    assert again.table("risk_simulation").rows == rep.table("risk_simulation").rows


def test_risk_section_absent_unless_asked_and_reasons_when_impossible(tmp_path: Path) -> None:
    make_epoch(tmp_path / "epochs", "2024-06", "2024-06-30T23:59:59Z")
    plain = collect([tmp_path / "epochs"], None, verifier=fixed_verifier, generated_at="2024-07-01T00:00:00Z")
    assert not any(plain.has(n) or n in plain.unavailable for n in TABLES)
    asked = collect([tmp_path / "epochs"], None, verifier=fixed_verifier, generated_at="2024-07-01T00:00:00Z",
                    risk=SETTINGS)
    assert all("no ledger access" in asked.unavailable[n] for n in TABLES)


def test_tame_ledger_gives_a_reason(tmp_path: Path) -> None:
    from por.ledger import Ledger
    from por.ledger.synthetic import populate

    make_epoch(tmp_path / "epochs", "2024-06", "2024-06-30T23:59:59Z")
    with Ledger.open(f"sqlite:///{tmp_path / 'tame.db'}") as led:
        populate(led, 4, seed=2, realistic=False)
        rep = collect([tmp_path / "epochs"], led, verifier=fixed_verifier, generated_at="2024-07-01T00:00:00Z",
                      risk=SETTINGS)
    assert rep.unavailable["risk_simulation"].startswith("risk: ") and "price" in rep.unavailable["risk_simulation"]
    assert rep.has("stress_curve")  # the rest of the report is unaffected
