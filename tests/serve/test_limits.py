"""Bounds, rate limits, security headers, CORS closed, and tokens never in the logs."""

from __future__ import annotations

import socket
import time
from pathlib import Path

import httpx

from por.serve.limits import CSP
from tests.serve.conftest import Server, clients, start_server


def _raw(port: int, request: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(request)
        data = b""
        try:
            while chunk := s.recv(65536):
                data += chunk
        except ConnectionResetError:
            pass
    return data


def _secure(r: httpx.Response) -> None:
    assert r.headers["content-security-policy"] == CSP
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["referrer-policy"] == "no-referrer"
    assert r.headers["x-frame-options"] == "DENY"
    assert not [k for k in r.headers if k.lower().startswith("access-control-")]
    assert "server" not in r.headers


def test_security_headers_on_every_response_and_no_cors(server: Server) -> None:
    account = sorted(clients(server.root, "epoch-0001"))[0]
    origin = {"origin": "https://evil.example"}
    with server.client() as c:
        answers = [
            c.get("/", headers=origin), c.get("/epochs/epoch-0001/manifest.json", headers=origin),
            c.get("/v1/epochs/epoch-0001/proof", headers={**origin, "authorization": f"Bearer {server.token(account)}"}),
            c.get("/v1/epochs/epoch-0001/proof", headers=origin), c.get("/nothing", headers=origin),
            c.options("/v1/epochs/epoch-0001/proof", headers={**origin, "access-control-request-method": "GET",
                                                              "access-control-request-headers": "authorization"}),
            c.post("/v1/epochs/epoch-0001/proof", headers=origin),
        ]
    assert [r.status_code for r in answers] == [200, 200, 200, 401, 404, 405, 405]
    for r in answers:
        _secure(r)


def test_request_size_bounds(server: Server) -> None:
    with server.client() as c:
        r = c.request("GET", "/v1/epochs", content=b"x" * 100)
        assert r.status_code == 413
        r = c.get("/v1/epochs", headers={f"x-h{i}": "v" for i in range(60)})
        assert r.status_code == 431
        r = c.get("/v1/epochs", headers={"x-big": "v" * 9000})
        assert r.status_code == 431
        _secure(r)
    # beyond uvicorn's h11 limit (16 KiB of head) the request is refused before the application
    head = _raw(server.port, b"GET /v1/epochs HTTP/1.1\r\nHost: x\r\nX-Big: " + b"v" * 40_000 + b"\r\n\r\n")
    assert head.split(b" ")[1] in (b"400", b"431"), head[:200]
    chunked = _raw(server.port, b"GET /v1/epochs HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                                b"Connection: close\r\n\r\n5\r\nhello\r\n0\r\n\r\n")
    assert chunked.split(b" ")[1] == b"413"
    with server.client() as c:  # still serving
        assert c.get("/v1/epochs").status_code == 200


def test_rate_limits(workspace: Path, tmp_path: Path) -> None:
    srv = start_server(workspace, tmp_path / "log", "--address-rate", "60000", "--token-rate", "6")
    try:
        a, b = sorted(clients(workspace, "epoch-0001"))[:2]
        ta, tb = srv.token(a), srv.token(b)
        with srv.client() as c:
            codes = [c.get("/v1/epochs/epoch-0001/proof", headers={"authorization": f"Bearer {ta}"}).status_code
                     for _ in range(6)]
            assert codes[0] == 200 and 429 in codes, codes  # per token: burst of 2, then 6 a minute
            r = c.get("/v1/epochs/epoch-0001/proof", headers={"authorization": f"Bearer {ta}"})
            assert r.status_code == 429 and int(r.headers["retry-after"]) >= 1
            _secure(r)
            # another client is not held back by the first one's rate
            assert c.get("/v1/epochs/epoch-0001/proof", headers={"authorization": f"Bearer {tb}"}).status_code == 200
    finally:
        srv.stop()
    srv = start_server(workspace, tmp_path / "log2", "--address-rate", "30", "--token-rate", "0")
    try:
        with srv.client() as c:
            time.sleep(0.5)
            codes = [c.get("/epochs/epoch-0001/manifest.json").status_code for _ in range(15)]
            assert 429 in codes, codes  # per address: burst of 6, then 30 a minute, on every route
            r = c.get("/")
            assert r.status_code == 429 and r.json() == {"error": "too many requests"}
    finally:
        srv.stop()


def test_tokens_never_in_the_log(server: Server) -> None:
    account = sorted(clients(server.root, "epoch-0002"))[5]
    tok = server.token(account)
    expired = server.token(account, ttl=1, now=int(time.time()) - 100)
    with server.client() as c:
        assert c.get("/v1/epochs/epoch-0002/proof", headers={"authorization": f"Bearer {tok}"}).status_code == 200
        assert c.get("/v1/epochs/epoch-0002/proof", headers={"authorization": f"Bearer {expired}"}).status_code == 401
        c.get("/v1/epochs/epoch-0002/proof", params={"token": tok})
        c.get(f"/v1/epochs/epoch-0002/proof?access_token={tok}")
        c.get(f"/{tok}")
        c.get(f"/epochs/{tok}/manifest.json")
        c.get("/v1/epochs/epoch-0002/proof", headers={"authorization": f"Bearer {tok}x"})
    deadline = time.monotonic() + 10
    log = ""
    while time.monotonic() < deadline:
        log = server.log.read_text()
        if log.count("/epochs/[token]/manifest.json") and log.count("401"):
            break
        time.sleep(0.2)
    assert '"GET /v1/epochs/epoch-0002/proof" 200' in log  # the access log does log requests
    assert "/epochs/[token]/manifest.json" in log
    for secret in (tok, expired, tok.split(".")[2], tok.split(".")[1], expired.split(".")[2]):
        assert secret not in log
