"""``por tree``: build, verify, proof, verify-proof through the CLI (exit statuses 0/1/2)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from por.cli.main import cli

from .conftest import MASTER


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    csv = tmp_path / "rows.csv"
    csv.write_text("account,USD:equity,BTC:equity\nalice,100,1\nbob,200,0\ncarol,0,7\n")
    secret = tmp_path / "secret.hex"
    secret.write_text(MASTER.hex())
    return {"csv": csv, "secret": secret, "out": tmp_path / "out", "dir": tmp_path}


def run(*args: str) -> tuple[int, str]:
    r = CliRunner().invoke(cli, list(args))
    return r.exit_code, r.output


def test_plain_round_trip(files: dict[str, Path]) -> None:
    out = str(files["out"])
    code, text = run("tree", "build", "--input", str(files["csv"]), "--epoch", "e1", "--secret-file",
                     str(files["secret"]), "--out", out, "--mode", "plain", "--workers", "1", "--json")
    assert code == 0, text
    info = json.loads(text)
    assert info["root"] == ["300", "8"] and info["mode"] == "plain"
    code, text = run("tree", "verify", out, "--expected", str(files["out"] / "tree-info.json"), "--json",
                     "--workers", "1")
    assert code == 0 and json.loads(text)["ok"]
    code, text = run("tree", "proof", out, "--secret-file", str(files["secret"]), "--account", "bob")
    assert code == 0
    pf = files["dir"] / "bob.json"
    pf.write_text(text)
    code, text = run("tree", "verify-proof", str(pf), "--expected", str(files["out"] / "tree-info.json"))
    assert code == 0 and "OK:" in text
    code, text = run("tree", "verify-proof", str(pf), "--root-hash", "00" * 32, "--json")
    assert code == 1 and not json.loads(text)["ok"]
    pf.write_text(pf.read_text()[:100])  # truncated file
    code, text = run("tree", "verify-proof", str(pf), "--json")
    assert code == 1 and json.loads(text)["checks"][0]["id"] == "client.format"
    dest = files["dir"] / "proofs"
    code, text = run("tree", "proof", out, "--secret-file", str(files["secret"]), "--dest", str(dest))
    assert code == 0 and len(list(dest.glob("*.json"))) == 3


def test_bad_input_is_a_clean_error(files: dict[str, Path]) -> None:
    bad = files["dir"] / "bad.csv"
    bad.write_text("account,USD:equity\nalice,-5\n")
    from por.cli.main import main

    with pytest.raises(SystemExit) as exc:
        main(["tree", "build", "--input", str(bad), "--epoch", "e1", "--secret-file", str(files["secret"]),
              "--out", str(files["out"]), "--workers", "1"])
    assert exc.value.code == 1
    with pytest.raises(SystemExit) as exc:
        main(["tree", "build", "--input", str(files["csv"]), "--epoch", "e1", "--secret-file",
              str(files["secret"]), "--out", str(files["out"]), "--block-size", "3"])
    assert exc.value.code == 2
    code, _ = run("tree", "verify", str(files["dir"] / "nowhere"), "--workers", "1")
    assert code == 1
