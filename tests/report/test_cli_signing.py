"""`por report export|verify` and `por stress run` through the CLI; detached signatures."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from cryptography.hazmat.primitives import serialization

from por import canonical
from por.cli.main import cli
from por.report import signing
from tests.report.conftest import operator_key


def _keys(tmp_path: Path) -> tuple[Path, str]:
    key = operator_key()
    p = tmp_path / "operator.pem"
    p.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption()))
    pub = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw).hex()
    return p, pub


def _report_bytes(epochs: Path) -> bytes:
    from por.report import export
    from por.report.collect import collect
    from tests.report.conftest import GENERATED_AT, fixed_verifier

    return export.to_json_bytes(collect([epochs], verifier=fixed_verifier, generated_at=GENERATED_AT))


def test_sign_and_verify(epochs: Path, tmp_path: Path) -> None:
    f = tmp_path / "r.json"
    honest = _report_bytes(epochs)
    f.write_bytes(honest)
    signing.sign_file(f, operator_key())
    pub = operator_key().public_key()
    assert signing.verify_file(f, pub).ok
    changed = honest.replace(b'"2024-05-31T23:59:59.000000Z"', b'"2024-05-31T23:59:58.000000Z"', 1)
    assert changed != honest
    f.write_bytes(changed)  # changed after signing
    res = signing.verify_file(f, pub)
    assert not res.ok and {c.id for c in res.failures} == {"report.sha256", "signature.valid"}
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    f.write_bytes(honest)
    other = Ed25519PrivateKey.from_private_bytes(b"\x01" * 32).public_key()
    res = signing.verify_file(f, other)
    assert not res.ok and "signature.key" in {c.id for c in res.failures}
    sig = tmp_path / "r.json.sig"
    good = sig.read_bytes()
    doc = json.loads(good)
    doc["key_id"] = "0" * len(doc["key_id"])
    sig.write_bytes(canonical.dumps(doc) + b"\n")
    assert [c.id for c in signing.verify_file(f, pub).failures] == ["signature.key"]
    sig.write_bytes(good)
    assert signing.verify_file(f, pub).ok
    (tmp_path / "r.json.sig").write_text("garbage")
    assert [c.id for c in signing.verify_file(f, pub).failures] == ["signature.read"]
    (tmp_path / "r.json.sig").unlink()
    assert not signing.verify_file(f, pub).ok


def test_verify_a_device_or_fifo_fails_without_hanging(epochs: Path, tmp_path: Path) -> None:
    """A "report" that is /dev/zero (endless) or a FIFO (blocks on open), or such a signature file:
    a failed read check, not a hang or an exhausted memory."""
    import os

    pub = operator_key().public_key()
    zero, fifo = tmp_path / "zero.json", tmp_path / "fifo.json"
    zero.symlink_to("/dev/zero")
    os.mkfifo(fifo)
    for p in (zero, fifo):
        assert [c.id for c in signing.verify_file(p, pub).failures] == ["report.read"]
    f = tmp_path / "r.json"
    f.write_bytes(_report_bytes(epochs))
    (tmp_path / "r.json.sig").symlink_to("/dev/zero")
    assert [c.id for c in signing.verify_file(f, pub).failures] == ["signature.read"]


def test_cli_export_sign_verify(epochs: Path, tmp_path: Path) -> None:
    key_file, pub = _keys(tmp_path)
    runner = CliRunner()
    out = tmp_path / "report.pdf"
    r = runner.invoke(cli, ["report", "export", str(epochs), "--format", "pdf", "--out", str(out),
                            "--key", str(key_file)])
    # without por.verify (or with it, on these proof-less bundles) verification fails: exit 1,
    # but the report is written and signed
    assert r.exit_code in (0, 1), r.output
    assert out.exists() and (tmp_path / "report.pdf.sig").exists()
    ok = runner.invoke(cli, ["report", "verify", str(out), "--key", pub])
    assert ok.exit_code == 0, ok.output
    data = bytearray(out.read_bytes())
    data[len(data) // 2] ^= 1
    out.write_bytes(bytes(data))
    bad = runner.invoke(cli, ["report", "verify", str(out), "--key", pub, "--json"])
    assert bad.exit_code == 1 and '"ok": false' in bad.output


@pytest.mark.parametrize("fmt", ["json", "csv", "xlsx"])
def test_cli_export_formats(epochs: Path, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"r.{fmt if fmt != 'csv' else 'zip'}"
    r = CliRunner().invoke(cli, ["report", "export", str(epochs), "--format", fmt, "--out", str(out), "--json"])
    assert r.exit_code in (0, 1), r.output
    assert out.stat().st_size > 0 and '"unavailable"' in r.output


def run_main(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    """Through ``por.cli.main.main``: PorError -> clean message and exit 2 (usage) or 1."""
    from por.cli.main import main

    try:
        main(args)
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    cap = capsys.readouterr()
    return code, cap.out + cap.err


def test_cli_stress_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run_main(["stress", "run", "--synthetic", "50", "--shock", "AAA=minus30"], capsys)
    assert code == 2 and "does not parse" in out and "Traceback" not in out
    code, out = run_main(["stress", "run", "--synthetic", "50", "--shock", "ZZZ=-30%"], capsys)
    assert code == 2 and "unknown asset 'ZZZ'" in out
    code, out = run_main(["stress", "run", "--synthetic", "50", "--impact", "cubic:2"], capsys)
    assert code == 2 and "linear:K or sqrt:K" in out
    code, out = run_main(["stress", "run", "--bundle", str(tmp_path)], capsys)
    assert code == 2 and "manifest.json" in out


def test_cli_stress_grid_writes_curve(tmp_path: Path) -> None:
    runner = CliRunner()
    book = tmp_path / "book.json"
    assert runner.invoke(cli, ["stress", "generate", "--accounts", "500", "--seed", "3", "--out", str(book)]).exit_code == 0
    out = tmp_path / "curve.csv"
    r = runner.invoke(cli, ["stress", "run", "--book", str(book), "--grid", "--impact", "sqrt:0.5", "--out", str(out)])
    assert r.exit_code == 0, r.output
    lines = out.read_text().splitlines()
    assert len(lines) == 52 and lines[1].startswith("0.0000,") and lines[-1].startswith("-0.5000,")
    r = runner.invoke(cli, ["stress", "run", "--book", str(book), "--shock", "AAA=-30%", "--json"])
    assert r.exit_code == 0 and '"por-stress/1"' in r.output


# -- on the real SQLite ledger (tests/report/conftest.py::build_ledger) ------------------------------


def test_cli_export_with_real_ledger(epochs: Path, ledger_url: str, tmp_path: Path) -> None:
    import json

    out = tmp_path / "r.json"
    r = CliRunner().invoke(cli, ["report", "export", str(epochs), "--format", "json", "--out", str(out),
                                 "--ledger", ledger_url, "--json"])
    assert r.exit_code in (0, 1), r.output  # 1: these proof-less bundles fail the auditor's verifier
    assert json.loads(r.output)["unavailable"] == {}
    doc = json.loads(out.read_text())
    tables = doc["tables"]
    assert tables["margin_summary"]["rows"][0][:5] == [4, 4, 4_650_000, 1_500_000, 3_150_000]
    assert tables["insurance_fund"]["rows"] == [["USD", 2, 100_000]]
    assert ["requested", 6, "every withdrawal request ever made"] in tables["withdrawals"]["rows"]
    assert len(tables["stress_curve"]["rows"]) == 51 and doc["generated_at"].endswith("Z")
    # the withdrawal queues are aged at the export's generation time, i.e. now (long after June 2024)
    ages = {row[0]: row[3] for row in tables["withdrawal_queues"]["rows"]}
    assert ages["flagged"] > 21_600 and ages["approved"] > 3_600


def test_cli_stress_on_real_ledger_subprocess(ledger_url: str, tmp_path: Path) -> None:
    import json
    import subprocess
    import sys

    # small_book at -50%: a0's 100 AAA fetch 7,500.00 against 10,000.00 of debt -> bad debt 2,500.00,
    # the ledger's insurance fund (1,000.00) covers 1,000.00
    cmd = [sys.executable, "-m", "por.cli.main", "stress", "run", "--ledger", ledger_url, "--shock", "AAA=-50%",
           "--json"]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    doc = json.loads(p.stdout)
    s = doc["scenarios"][0]
    assert (doc["book"], doc["accounts"], doc["currency"]) == ("ledger", 4, "USD")
    assert (s["liquidated"], s["bad_debt"], s["insurance_covered"], s["uncovered"]) == (1, 250_000, 100_000, 150_000)
    assert s["prices_before"] == {"AAA": 150 * 10**8, "USD": 10**8}
    out = tmp_path / "curve.csv"
    r = CliRunner().invoke(cli, ["stress", "run", "--ledger", ledger_url, "--grid", "--impact", "linear:0.5",
                                 "--out", str(out)])
    assert r.exit_code == 0, r.output
    assert len(out.read_text().splitlines()) == 52


def test_cli_missing_or_empty_ledger(epochs: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "nope.db"
    code, out = run_main(["stress", "run", "--ledger", f"sqlite:///{missing}"], capsys)
    assert code == 2 and "no SQLite ledger file" in out and "Traceback" not in out
    assert not missing.exists()  # never creates an empty ledger
    other = tmp_path / "other.db"
    other.write_bytes(b"")
    code, out = run_main(["report", "export", str(epochs), "--format", "json", "--out", str(tmp_path / "x.json"),
                          "--ledger", f"sqlite:///{other}"], capsys)
    assert code == 2 and "cannot read a por ledger" in out and not (tmp_path / "x.json").exists()
