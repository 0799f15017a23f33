"""The main job on PostgreSQL: ``por demo --db URL --schema S`` twice, then the client's and the
auditor's verifiers as subprocesses, the auditor reading the PostgreSQL ledger (completeness and the
ledger replay). The same pipeline and verifiers as the SQLite tests, on the production database."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from por.tree.secret_file import read_master_secret
from tests.fixtures import CLIENTS, SEED, no_traceback, run_por


@dataclass
class PgDemo:
    root: Path
    url: str
    schema: str

    def audit(self, epoch: str, *extra: str) -> tuple[int, dict[str, bool]]:
        cp = run_por("audit", "verify", self.root / "epochs" / epoch, "--operator-key",
                     self.root / "keys" / "operator.pub", "--ledger", self.url, "--schema", self.schema,
                     "--master-secret", self.root / "private" / epoch / "master.secret", "--json", *extra)
        no_traceback(cp)
        return cp.returncode, {c["id"]: c["ok"] for c in json.loads(cp.stdout)["checks"]}

    def sql(self, statement: str) -> None:
        eng = create_engine(self.url)
        try:
            with eng.begin() as c:
                c.execute(text(f"SET search_path TO {self.schema}"))
                c.execute(text(statement))
        finally:
            eng.dispose()


@pytest.fixture(scope="module")
def pg_demo(postgres_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[PgDemo]:
    schema = f"por_demo_{uuid.uuid4().hex[:10]}"  # the demo creates it
    cwd = tmp_path_factory.mktemp("pgdemo")
    demo = PgDemo(cwd / "D", postgres_url, schema)
    try:
        for run in range(2):
            args = ["demo", "--dir", "D", "--quiet"]
            if run == 0:
                args += ["--clients", str(CLIENTS), "--seed", str(SEED), "--db", postgres_url, "--schema", schema]
            cp = run_por(*args, cwd=cwd)
            no_traceback(cp)
            assert cp.returncode == 0, cp.stdout[-3000:] + cp.stderr[-3000:]
            assert "a PostgreSQL ledger" in cp.stdout and "auditor   │ OK" in cp.stdout, cp.stdout[-3000:]
        yield demo
    finally:
        eng = create_engine(postgres_url)
        with eng.begin() as c:
            c.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        eng.dispose()


def test_demo_on_postgresql_publishes_two_epochs_the_auditor_accepts(pg_demo: PgDemo) -> None:
    config = json.loads((pg_demo.root / "por.json").read_text())
    assert config["db"] == pg_demo.url and config["schema"] == pg_demo.schema
    assert not (pg_demo.root / "ledger.db").exists()
    rc, checks = pg_demo.audit("epoch-0002")
    assert rc == 0, {k: v for k, v in checks.items() if not v}
    for check in ("completeness.accounts", "completeness.keyring", "completeness.ledger-log",
                  "ledger-log.consistency", "ledger.signatures", "ledger.balances", "ledger.log-root"):
        assert checks[check], check
    proof = sorted((pg_demo.root / "client-proofs" / "epoch-0002").glob("*.json"))[0]
    cp = run_por("verify", "inclusion", proof, "--bundle", pg_demo.root / "epochs" / "epoch-0002",
                 "--operator-key", pg_demo.root / "keys" / "operator.pub")
    assert cp.returncode == 0, cp.stdout + cp.stderr


def test_the_regulator_report_reads_the_postgresql_ledger(pg_demo: PgDemo, tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    cp = run_por("report", "export", pg_demo.root / "epochs", "--format", "json", "--out", out,
                 "--ledger", pg_demo.url, "--schema", pg_demo.schema)
    no_traceback(cp)
    assert cp.returncode == 0, cp.stdout + cp.stderr
    report = json.loads(out.read_text())
    assert report["format"].startswith("por-report") and len(report["epochs"]) == 2
    assert "margin" in json.dumps(report)  # the ledger's margin section is there
    cp = run_por("report", "export", pg_demo.root / "epochs", "--format", "json", "--out", tmp_path / "x.json",
                 "--ledger", pg_demo.url)  # the tables are not in the default schema
    no_traceback(cp)
    assert cp.returncode == 2 and "cannot read a por ledger there" in cp.stderr


def test_a_rewritten_postgresql_posting_fails_the_audit(pg_demo: PgDemo) -> None:
    """A posting of the second epoch's activity rewritten in the database: epoch-0001's snapshot is
    untouched (completeness passes), the replay names the entry."""
    seq = json.loads((pg_demo.root / "epochs" / "epoch-0001" / "manifest.json").read_text())["signed"]["journal_seq"]
    pg_demo.sql(f"UPDATE ledger_posting SET amount = amount + 1 WHERE (entry_seq, idx) = "
                f"(SELECT entry_seq, idx FROM ledger_posting WHERE entry_seq > {int(seq)} "
                f"ORDER BY entry_seq, idx LIMIT 1)")
    try:
        rc, checks = pg_demo.audit("epoch-0001")
        failed = sorted(k for k, v in checks.items() if not v)
        assert rc == 1 and "ledger.postings" in failed, failed
        assert all(k.startswith("ledger.") for k in failed), failed
        rc, checks = pg_demo.audit("epoch-0001", "--skip-ledger-replay")
        assert rc == 0 and not any(k.startswith("ledger.") for k in checks)
    finally:
        pg_demo.sql(f"UPDATE ledger_posting SET amount = amount - 1 WHERE (entry_seq, idx) = "
                    f"(SELECT entry_seq, idx FROM ledger_posting WHERE entry_seq > {int(seq)} "
                    f"ORDER BY entry_seq, idx LIMIT 1)")
    assert pg_demo.audit("epoch-0001")[0] == 0


def test_a_new_demo_refuses_a_schema_that_holds_a_ledger(pg_demo: PgDemo, tmp_path: Path) -> None:
    cp = run_por("demo", "--dir", tmp_path / "E", "--clients", "3", "--db", pg_demo.url, "--schema", pg_demo.schema,
                 "--quiet")
    no_traceback(cp)
    assert cp.returncode == 2 and "already holds a ledger" in cp.stderr, cp.stdout + cp.stderr
    assert not (tmp_path / "E" / "por.json").exists()


def test_a_later_run_cannot_move_the_demo_to_another_database(pg_demo: PgDemo) -> None:
    cp = run_por("demo", "--dir", pg_demo.root, "--quiet", "--db", "sqlite:///elsewhere.db")
    no_traceback(cp)
    assert cp.returncode == 2 and "already runs on" in cp.stderr and pg_demo.schema in cp.stderr
    assert json.loads((pg_demo.root / "por.json").read_text())["demo"]["runs"] == 2


def test_the_auditor_without_the_schema_is_a_usage_error(pg_demo: PgDemo) -> None:
    """The tables are not in the database's default schema: unusable ledger input, exit 2, before any
    check runs (the library call fails the completeness and replay checks instead)."""
    from por.verify import verify_bundle

    epoch = "epoch-0001"
    cp = run_por("audit", "verify", pg_demo.root / "epochs" / epoch, "--operator-key",
                 pg_demo.root / "keys" / "operator.pub", "--ledger", pg_demo.url, "--master-secret",
                 pg_demo.root / "private" / epoch / "master.secret", "--json")
    no_traceback(cp)
    assert cp.returncode == 2 and "cannot read a por ledger there" in cp.stderr, cp.stdout + cp.stderr
    res = verify_bundle(pg_demo.root / "epochs" / epoch, operator_key=str(pg_demo.root / "keys" / "operator.pub"),
                        ledger_url=pg_demo.url, master_secret=read_master_secret(pg_demo.root / "private" / epoch / "master.secret"))
    failed = [c.id for c in res.failures]
    assert failed and all(f.startswith(("completeness", "ledger")) for f in failed), failed
