"""``por risk simulate|warn|margins|run`` and ``por bench risk`` from the command line (exit 0/2, JSON,
no tracebacks)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from por.risk.margins import check_config


def por(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "por.cli.main", *args], capture_output=True, text=True, timeout=300)


def test_simulate_json_is_labelled_and_reproducible(risk_ledger_url: str) -> None:
    a = por("risk", "simulate", "--ledger", risk_ledger_url, "--paths", "400", "--seed", "4", "--json")
    assert a.returncode == 0, a.stderr
    d = json.loads(a.stdout)
    assert d["estimate"] is True and "400 paths" in d["label"] and "seed 4" in d["label"]
    assert d["spec"] == {"paths": 400, "horizon_days": 10, "seed": 4, "model": "ewma-t", "df": 5, "lambda": 0.94,
                         "block": 5, "impact": "linear:0.1"}
    assert 0 <= d["p_insurance_exhausted"] <= 1 and d["exact_check"]["max_liquidation_count_diff"] == 0
    b = por("risk", "simulate", "--ledger", risk_ledger_url, "--paths", "400", "--seed", "4", "--json")
    assert json.loads(b.stdout) == d


def test_warn_margins_run_on_the_ledger(risk_ledger_url: str, tmp_path: Path) -> None:
    w = por("risk", "warn", "--ledger", risk_ledger_url, "--threshold", "0.05", "--json", "--limit", "5")
    assert w.returncode == 0, w.stderr
    d = json.loads(w.stdout)
    assert d["accounts"] == 40 and len(d["warnings"]) <= 5 and d["backtest"]["windows"] > 0
    probs = [x["probability"] for x in d["warnings"]]
    assert probs == sorted(probs, reverse=True) and all(p >= 0.05 for p in probs)
    assert all("sd from maintenance" in x["reasons"] for x in d["warnings"])
    out = tmp_path / "proposal.json"
    m = por("risk", "margins", "--ledger", risk_ledger_url, "--out", str(out))
    assert m.returncode == 0, m.stderr
    assert "config-set risk_margins" in m.stdout
    check_config(json.loads(out.read_text()))
    r = por("risk", "run", "--ledger", risk_ledger_url, "--json")
    assert r.returncode == 0, r.stderr
    rd = json.loads(r.stdout)
    assert rd["demand"] == rd["queue"] + rd["wave"] and isinstance(rd["liquid_reserves"], int)


def test_synthetic_table_output() -> None:
    r = por("risk", "simulate", "--synthetic", "200", "--paths", "300")
    assert r.returncode == 0, r.stderr
    assert "P(insurance fund exhausted)" in r.stdout and "Monte Carlo estimate" in r.stdout


def test_bad_inputs_exit_2_without_traceback(tmp_path: Path) -> None:
    from por.ledger import Ledger
    from por.ledger.synthetic import populate

    url = f"sqlite:///{tmp_path / 'tame.db'}"
    with Ledger.open(url) as led:
        populate(led, 4, seed=2, realistic=False)  # two prints of each price on one day
    cases: list[tuple[tuple[str, ...], str]] = [
        (("risk", "warn", "--ledger", url), "price"),
        (("risk", "simulate", "--ledger", f"sqlite:///{tmp_path / 'none.db'}"), "no SQLite ledger"),
        (("risk", "simulate", "--synthetic", "10", "--model", "garch"), "garch"),
        (("risk", "margins"), "exactly one of --ledger"),
        (("risk", "run", "--ledger", url, "--base-share", "1.5"), "base_share"),
    ]
    for args, needle in cases:
        p = por(*args)
        assert p.returncode == 2, (args, p.stdout, p.stderr)
        assert needle in p.stderr and "Traceback" not in p.stderr, (args, p.stderr)


def test_bench_risk_quick_json() -> None:
    p = por("bench", "risk", "--quick", "--json")
    assert p.returncode == 0, p.stderr
    figs: dict[str, Any] = {f["name"]: f for f in json.loads(p.stdout)["figures"]}
    mc = figs["risk.mc.1e4paths.1e4accounts.quick"]
    assert mc["value"] > 0 and mc["floor"] is not None and mc["floor"] > 0 and mc["target"] == 30.0
    assert figs["risk.warn.1e5accounts.quick"]["floor"] is not None


def test_margin_proposal_through_ledger_config_set(tmp_path: Path) -> None:
    """The written proposal goes through the governed ``por ledger config-set risk_margins`` (a quorum
    signs; the replay verifies); a float in it is refused before anything is signed."""
    from por.ledger import Ledger

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "por.cli.main", *args], cwd=tmp_path, capture_output=True,
                              text=True, timeout=300)

    assert run("init", "--dir", str(tmp_path)).returncode == 0
    p = run("risk", "margins", "--synthetic", "50", "--out", "proposal.json")
    assert p.returncode == 0, p.stderr
    cp = run("ledger", "config-set", "risk_margins", "proposal.json", "--json")
    assert cp.returncode == 0, cp.stderr
    value = json.loads((tmp_path / "proposal.json").read_text())
    with Ledger.open(json.loads((tmp_path / "por.json").read_text())["db"]) as led:
        assert led.config()["risk_margins"]["maintenance_bps"] == value["maintenance_bps"]
        assert led.verify().ok
    value["maintenance_bps"]["AAA"] = 612.5
    (tmp_path / "float.json").write_text(json.dumps(value))
    bad = run("ledger", "config-set", "risk_margins", "float.json")
    assert bad.returncode == 2 and "Traceback" not in bad.stderr and "integer" in bad.stderr
