"""A bundle is read once (docs/protocol.md §9.5 steps 1 and 4): the verdict is about the bytes that were
hashed, never about a file read again by name; links, FIFOs and oversize documents are refused."""

from __future__ import annotations

import json
import os
import shutil
import stat
import threading
from pathlib import Path
from typing import Any

import pytest

from por.bundle import opened as O
from por.bundle.opened import open_bundle, read_manifest
from por.errors import BundleError, EncodingError
from por.verify.auditor import audit_bundle
from por.verify.inputs import Given
from tests.fixtures import Demo
from tests.forge import resign


@pytest.fixture
def published(demo: Demo) -> Path:
    """The session's demo workspace (tests/fixtures.py), copied by every test before it changes anything."""
    return demo.root


def bundle_copy(published: Path, tmp_path: Path) -> Path:
    dst = tmp_path / "epoch-0001"
    shutil.copytree(published / "epochs" / "epoch-0001", dst)
    return dst


def given(published: Path, bundle: Path) -> Given:
    return Given.read(bundle, operator_key=str(published / "keys" / "operator.pub"), trust_bundle_keyring=True)


def failed(res: Any) -> dict[str, str]:
    return {c.id: c.message for c in res.checks if not c.ok}


def forge_prices(bundle: Path) -> None:
    doc = json.loads((bundle / "prices.json").read_text())
    asset = sorted(doc["quotes"])[0]
    doc["quotes"][asset]["price_e8"] = 1
    (bundle / "prices.json").write_text(json.dumps(doc))


def test_files_replaced_after_opening_are_not_read(published: Path, tmp_path: Path) -> None:
    """Every file replaced after it was hashed, the store removed, the whole directory gone: the
    steps judge the bytes that were hashed, and pass (none re-opens a bundle file by name)."""
    bundle = bundle_copy(published, tmp_path)
    g = given(published, bundle)
    with open_bundle(bundle) as opened:
        forge_prices(bundle)
        (bundle / "keyring.json").write_text("{}")
        (bundle / "tree.sqlite").write_bytes(b"SQLite format 3\x00 but not a store")
        shutil.rmtree(bundle)
        res = audit_bundle(opened, g)
    assert res.ok, failed(res)
    assert any(c.id == "tree.root" for c in res.checks)


def test_a_file_swapped_right_after_it_was_hashed(published: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The opener's read of prices.json is followed at once by a forged replacement: the price checks
    are about the hashed bytes (they pass); the forged file is never parsed."""
    bundle = bundle_copy(published, tmp_path)
    real = O._read_one
    swapped: list[str] = []

    def read_then_swap(root_fd: int, name: str, **kw: Any) -> Any:
        held = real(root_fd, name, **kw)
        if name == "prices.json":
            forge_prices(bundle)
            swapped.append(name)
        return held

    monkeypatch.setattr(O, "_read_one", read_then_swap)
    with open_bundle(bundle) as opened:
        res = audit_bundle(opened, given(published, bundle))
    assert swapped == ["prices.json"]
    assert res.ok, failed(res)
    assert [c.id for c in res.checks if c.id.startswith("price.file")] == ["price.file"]


def test_the_verdict_is_about_the_hashed_bytes_even_when_the_file_is_mended(published: Path, tmp_path: Path) -> None:
    """The converse: a forged file that was hashed fails, though the honest one is back on disk."""
    bundle = bundle_copy(published, tmp_path)
    honest = (bundle / "prices.json").read_bytes()
    forge_prices(bundle)
    with open_bundle(bundle) as opened:
        (bundle / "prices.json").write_bytes(honest)
        res = audit_bundle(opened, given(published, bundle))
    f = failed(res)
    assert f["file.prices.json"].startswith("prices.json: size "), f
    assert "verification" in f


def test_the_store_is_a_private_copy_removed_on_close(published: Path, tmp_path: Path) -> None:
    """The tree store is streamed into a 0600 file in a 0700 directory while it is hashed, and the copy
    is removed when the bundle is closed; documents are the bytes read."""
    bundle = bundle_copy(published, tmp_path)
    opened = open_bundle(bundle)
    copy = opened.files.store("tree.sqlite")
    assert copy is not None and copy.read_bytes() == (bundle / "tree.sqlite").read_bytes()
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    assert stat.S_IMODE(copy.parent.stat().st_mode) == 0o700
    assert not copy.is_relative_to(bundle)
    assert opened.files.document("prices.json") == (bundle / "prices.json").read_bytes()
    assert opened.files.document("tree.sqlite") == copy.read_bytes()
    opened.close()
    assert not copy.exists() and not copy.parent.exists()


def test_a_listed_symlink_is_refused_and_never_followed(published: Path, tmp_path: Path) -> None:
    bundle = bundle_copy(published, tmp_path)
    outside = tmp_path / "prices-outside.json"
    (bundle / "prices.json").rename(outside)
    (bundle / "prices.json").symlink_to(outside)  # the same bytes, through a link
    with open_bundle(bundle) as opened:
        checks = {c.name: c for c in opened.files.results()}
        with pytest.raises(EncodingError, match="not a regular file"):
            opened.files.document("prices.json")
        res = audit_bundle(opened, given(published, bundle))
    assert not checks["prices.json"].ok
    assert checks["prices.json"].message == ("prices.json: listed in the manifest but a symbolic link (or under "
                                             "one), not a regular file of the bundle")
    assert "file.prices.json" in failed(res) and "verification" in failed(res)


def test_a_listed_symlinked_directory_is_refused(published: Path, tmp_path: Path) -> None:
    bundle = bundle_copy(published, tmp_path)
    (bundle / "statements").rename(tmp_path / "statements")
    (bundle / "statements").symlink_to(tmp_path / "statements")
    with open_bundle(bundle) as opened:
        bad = {c.name: c.message for c in opened.files.results() if not c.ok}
    assert bad.pop("statements") == "statements: present in the bundle but not a regular file"
    assert bad and all(n.startswith("statements/") and "symbolic link" in m for n, m in bad.items()), bad


def test_a_fifo_does_not_block_and_is_not_a_file(published: Path, tmp_path: Path) -> None:
    bundle = bundle_copy(published, tmp_path)
    (bundle / "solvency.json").unlink()
    os.mkfifo(bundle / "solvency.json")
    out: dict[str, Any] = {}

    def run() -> None:
        with open_bundle(bundle) as opened:
            out["checks"] = {c.name: c for c in opened.files.results()}

    t = threading.Thread(target=run, daemon=True)
    t.start()
    t.join(60)
    assert not t.is_alive(), "opening a bundle with a FIFO blocked"
    assert out["checks"]["solvency.json"].message == "solvency.json: listed in the manifest but missing"


def test_an_oversize_manifest_is_not_read(published: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bundle = bundle_copy(published, tmp_path)
    monkeypatch.setattr(O, "MAX_DOCUMENT_BYTES", 100)
    with pytest.raises(EncodingError, match="manifest.json is larger than 100 bytes"):
        read_manifest(bundle)
    with open_bundle(bundle) as opened:
        assert opened.files.results() == []  # nothing else is read
        res = audit_bundle(opened, given(published, bundle))
    assert failed(res) == {"manifest": "manifest.json is larger than 100 bytes"}


def test_an_oversize_document_is_hashed_but_not_parsed(published: Path, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """Above the document bound a listed file is still hashed (its file check is about its bytes) but
    never held or parsed: the step that reads it fails, naming the bound."""
    bundle = bundle_copy(published, tmp_path)
    others = [p for p in bundle.rglob("*") if p.is_file() and p.name not in ("prices.json", "tree.sqlite")]
    limit = max(p.stat().st_size for p in others) + 1  # the manifest and every other document fit
    with (bundle / "prices.json").open("a") as f:
        f.write(" " * limit)  # still the same JSON document, now over the bound
    m = resign(bundle, published / "keys" / "operator.key")
    limit = max(limit, len(m.to_bytes()) + 1)
    monkeypatch.setattr(O, "MAX_DOCUMENT_BYTES", limit)
    with open_bundle(bundle) as opened:
        assert all(c.ok for c in opened.files.results())
        with pytest.raises(EncodingError, match=f"prices.json is larger than {limit} bytes"):
            opened.files.document("prices.json")
        assert opened.files.document("ledger-log.json") == (bundle / "ledger-log.json").read_bytes()
        res = audit_bundle(opened, given(published, bundle))
    assert failed(res) == {"price": f"prices.json does not read as JSON (prices.json is larger than {limit} bytes)"}


def test_an_unlisted_file_is_never_read(published: Path, tmp_path: Path) -> None:
    """A file the manifest does not list has no hash to be judged by: it is named by a failed file
    check and no step reads it."""
    bundle = bundle_copy(published, tmp_path)
    (bundle / "extra.json").write_text("{}")
    with open_bundle(bundle) as opened:
        with pytest.raises(BundleError, match="not listed"):
            opened.files.document("extra.json")
        with pytest.raises(FileNotFoundError):
            opened.files.document("nowhere.json")
        checks = {c.name: c.message for c in opened.files.results() if not c.ok}
    assert checks == {"extra.json": "extra.json: present in the bundle but not listed in the manifest"}
