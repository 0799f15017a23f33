"""The master-secret file: one format (hex text), one writer, one reader, and ``por tree`` using them
(docs/protocol.md §7.2). Workspaces made before the format hold 32 raw bytes; the reader takes those."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from por.cli.main import cli
from por.errors import UsageError
from por.tree.secret_file import (
    decode_master_secret,
    encode_master_secret,
    read_master_secret,
    write_master_secret,
)

from .conftest import MASTER

RAW = bytes.fromhex("8a0a0d20" + "ff" * 28)  # 32 raw bytes with a newline, a CR and a space among them


def test_write_then_read(tmp_path: Path) -> None:
    p = tmp_path / "master.secret"
    write_master_secret(p, MASTER)
    assert p.read_bytes() == MASTER.hex().encode() + b"\n"
    assert stat.S_IMODE(p.stat().st_mode) == 0o600
    assert read_master_secret(p) == MASTER
    assert not list(tmp_path.glob("*.tmp"))
    with pytest.raises(UsageError, match="exists there; refusing to replace it"):
        write_master_secret(p, bytes(32))
    assert read_master_secret(p) == MASTER  # untouched
    with pytest.raises(UsageError, match="at least 32 bytes"):
        write_master_secret(tmp_path / "short", bytes(31))
    assert not (tmp_path / "short").exists()


def test_a_stale_temporary_file_does_not_widen_the_mode(tmp_path: Path) -> None:
    p = tmp_path / "master.secret"
    tmp = tmp_path / "master.secret.tmp"
    tmp.write_bytes(b"junk")
    os.chmod(tmp, 0o644)
    write_master_secret(p, MASTER)
    assert stat.S_IMODE(p.stat().st_mode) == 0o600 and read_master_secret(p) == MASTER


@pytest.mark.parametrize("content", [
    MASTER.hex().encode(), MASTER.hex().encode() + b"\n", MASTER.hex().upper().encode(),
    b"  " + MASTER.hex().encode() + b"\r\n\n", (MASTER + b"longer secrets are fine").hex().encode(),
])
def test_the_hex_forms_read(tmp_path: Path, content: bytes) -> None:
    p = tmp_path / "s"
    p.write_bytes(content)
    assert read_master_secret(p) == bytes.fromhex(content.decode().strip())


def test_the_old_raw_form_reads(tmp_path: Path) -> None:
    p = tmp_path / "master.secret"
    p.write_bytes(RAW)
    assert read_master_secret(p) == RAW
    assert decode_master_secret(MASTER, "x") == MASTER  # MASTER's bytes are not all hex digits


@pytest.mark.parametrize(("content", "message"), [
    (b"", "must be at least 32 bytes"),
    (MASTER.hex()[:-2].encode(), "must be at least 32 bytes .*the file holds 31"),
    (MASTER.hex()[:32].encode(), "must be at least 32 bytes"),  # 32 hex digits: 16 bytes, not a raw secret
    (MASTER.hex()[:-1].encode(), "must hold hex"),              # odd number of digits
    (b"zz" * 32, "must hold hex"),
    (RAW + b"\n", "must hold hex"),                              # 33 bytes: neither form
    (RAW[:31], "must hold hex"),
    ("é".encode() * 32, "must hold hex"),
])
def test_bad_files_name_the_file_and_the_format(tmp_path: Path, content: bytes, message: str) -> None:
    p = tmp_path / "bad.secret"
    p.write_bytes(content)
    with pytest.raises(UsageError, match=message) as ei:
        read_master_secret(p)
    assert str(p) in str(ei.value) and "hex" in str(ei.value)


def test_unreadable_and_oversized_files(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="cannot read the master secret file"):
        read_master_secret(tmp_path / "missing")
    with pytest.raises(UsageError, match="cannot read the master secret file"):
        read_master_secret(tmp_path)
    big = tmp_path / "big"
    big.write_bytes(b"0" * (1 << 17))
    with pytest.raises(UsageError, match="not a master secret file"):
        read_master_secret(big)
    assert encode_master_secret(bytearray(MASTER)) == MASTER.hex().encode() + b"\n"


# ---- por tree --secret-file -------------------------------------------------------------------------

def _build(tmp_path: Path, secret_file: Path, name: str) -> tuple[int, str]:
    csv = tmp_path / "rows.csv"
    csv.write_text("account,USD:equity\nalice,100\nbob,200\n")
    r = CliRunner().invoke(cli, ["tree", "build", "--input", str(csv), "--epoch", "e1", "--secret-file",
                                 str(secret_file), "--out", str(tmp_path / name), "--mode", "plain", "--workers",
                                 "1", "--json"])
    return r.exit_code, r.output


def test_por_tree_reads_both_forms_to_the_same_tree(tmp_path: Path) -> None:
    hex_file, raw_file = tmp_path / "hex.secret", tmp_path / "raw.secret"
    write_master_secret(hex_file, RAW)
    raw_file.write_bytes(RAW)
    code, out = _build(tmp_path, hex_file, "a")
    assert code == 0, out
    code2, out2 = _build(tmp_path, raw_file, "b")
    assert code2 == 0, out2
    assert json.loads(out)["root_hash"] == json.loads(out2)["root_hash"]  # the same secret, the same leaves


def test_por_tree_refuses_a_bad_secret_file_with_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from por.cli.main import main

    bad = tmp_path / "bad.secret"
    bad.write_text("not hex at all\n")
    (tmp_path / "rows.csv").write_text("account,USD:equity\nalice,100\n")
    for command in (["build", "--input", str(tmp_path / "rows.csv"), "--epoch", "e1", "--out", str(tmp_path / "c"),
                     "--workers", "1"], ["proof", str(tmp_path), "--account", "alice"]):
        with pytest.raises(SystemExit) as exc:
            main(["tree", *command, "--secret-file", str(bad)])
        assert exc.value.code == 2
        err = capsys.readouterr().err
        assert f"{bad}: the master secret file must hold hex (hex text of at least 32 bytes" in err, err
        assert "Traceback" not in err
    assert not (tmp_path / "c").exists()
