"""Public files: bundles read-only with ETag and Range, the verifier page; no listing, no path
outside the roots (traversal, symlinks, over-long paths)."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

from tests.fixtures import clone_workspace
from tests.serve.conftest import Server, start_server

NOT_FOUND = b'{"error":"not found"}'


def test_bundle_files_types_etag_range(server: Server) -> None:
    bundle = server.root / "epochs" / "epoch-0001"
    with server.client() as c:
        m = c.get("/epochs/epoch-0001/manifest.json")
        assert m.status_code == 200 and m.content == (bundle / "manifest.json").read_bytes()
        assert m.headers["content-type"] == "application/json"
        etag = m.headers["etag"]
        assert etag.startswith('"') and c.get("/epochs/epoch-0001/manifest.json").headers["etag"] == etag
        r = c.get("/epochs/epoch-0001/manifest.json", headers={"if-none-match": etag})
        assert r.status_code == 304 and r.content == b""
        spec = sorted((bundle / "statements").glob("*.toml"))[0].name  # whichever encoding the tree uses
        t = c.get(f"/epochs/epoch-0001/statements/{spec}")
        assert t.status_code == 200 and t.headers["content-type"].startswith("text/plain")
        store = (bundle / "tree.sqlite").read_bytes()
        r = c.get("/epochs/epoch-0001/tree.sqlite", headers={"range": "bytes=100-4195"})
        assert r.status_code == 206 and r.content == store[100:4196]
        assert r.headers["content-range"] == f"bytes 100-4195/{len(store)}"
        assert r.headers["content-type"] == "application/vnd.sqlite3"
        r = c.get("/epochs/epoch-0001/tree.sqlite", headers={"range": "bytes=-512"})
        assert r.status_code == 206 and r.content == store[-512:]
        r = c.get("/epochs/epoch-0001/tree.sqlite", headers={"range": f"bytes={len(store) - 10}-"})
        assert r.content == store[-10:]
        r = c.get("/epochs/epoch-0001/tree.sqlite", headers={"range": f"bytes={len(store)}-"})
        assert r.status_code == 416 and r.headers["content-range"] == f"bytes */{len(store)}"
        r = c.get("/epochs/epoch-0001/tree.sqlite", headers={"range": "bytes=0-9", "if-range": '"stale"'})
        assert r.status_code == 200 and r.content == store
        r = c.head("/epochs/epoch-0001/tree.sqlite")
        assert r.status_code == 200 and r.headers["content-length"] == str(len(store)) and r.content == b""


def test_static_page(server: Server) -> None:
    from por.serve.app import STATIC_DIR

    with server.client() as c:
        r = c.get("/")
        assert r.status_code == 200 and r.headers["content-type"] == "text/html; charset=utf-8"
        assert r.content == (STATIC_DIR / "index.html").read_bytes()
        for p in STATIC_DIR.rglob("*"):
            if p.is_file():
                rel = p.relative_to(STATIC_DIR).as_posix()
                got = c.get("/" + rel)
                assert got.status_code == 200 and got.content == p.read_bytes(), rel


@pytest.mark.parametrize("path", [
    "/epochs/", "/epochs/epoch-0001", "/epochs/epoch-0001/", "/epochs/epoch-0001/statements",
    "/epochs/epoch-0001/statements/", "/epochs/epoch-0099/manifest.json",
    "/epochs/epoch-0001/../../por.json", "/epochs/epoch-0001/%2e%2e/%2e%2e/por.json",
    "/epochs/epoch-0001/..%2F..%2Fpor.json", "/epochs/..%2Fprivate/epoch-0001/master.secret",
    "/epochs/epoch-0001/.hidden", "/epochs/epoch-0001/statements%5C..%5C..%5Cmanifest.json",
    "/epochs/epoch-0001/manifest.json%00.html", "//etc/passwd", "/..%2F..%2Fetc%2Fpasswd",
    "/%2e%2e/por.json", "/epochs/epoch-0001/a/b/c/d/e/manifest.json", "/v1/epochs/epoch-0001",
])
def test_no_listing_no_traversal(server: Server, path: str) -> None:
    # raw socket: the client library must not normalise the path before sending it
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as s:
        s.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    assert head.split(b" ")[1] in (b"404", b"400"), (path, head)
    assert b"master" not in body and b'"db"' not in body and b"root:" not in body


def test_over_long_path_refused(server: Server) -> None:
    with server.client() as c:
        r = c.get("/epochs/epoch-0001/" + "a" * 2000)
        assert r.status_code == 414
        r = c.get("/epochs/epoch-0001/" + "a" * 300)  # a segment longer than any file name
        assert r.status_code == 404


def test_symlinks_refused(workspace: Path, tmp_path: Path) -> None:
    root = clone_workspace(workspace, tmp_path / "W")
    bundle = root / "epochs" / "epoch-0001"
    os.symlink(root / "por.json", bundle / "config.json")
    os.symlink(root / "private" / "epoch-0001", bundle / "secrets")
    os.symlink(root / "private" / "epoch-0001", root / "epochs" / "epoch-0003")
    (root / "private" / "epoch-0001" / "manifest.json").write_text("{}")
    srv = start_server(root, tmp_path / "log")
    try:
        with srv.client() as c:
            assert c.get("/epochs/epoch-0001/manifest.json").status_code == 200
            for p in ("/epochs/epoch-0001/config.json", "/epochs/epoch-0001/secrets/master.secret",
                      "/epochs/epoch-0003/master.secret", "/epochs/epoch-0003/manifest.json"):
                r = c.get(p)
                assert (r.status_code, r.content) == (404, NOT_FOUND), p
            assert "epoch-0003" not in c.get("/v1/epochs").json()["epochs"]
    finally:
        srv.stop()
