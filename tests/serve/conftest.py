"""A real ``por serve`` (uvicorn in a subprocess, on a free loopback port) on a copy of the demo
workspace (``por demo`` run twice: epochs epoch-0001 and epoch-0002)."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.fixtures import Demo, clone_workspace, por_env


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    root: Path
    port: int
    log: Path
    proc: subprocess.Popen[bytes]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=30)

    def token(self, sub: str, **kw: int) -> str:
        from por.ledger import keys
        from por.serve.auth import PRIVATE_NAME, mint

        return mint(keys.load(self.root / PRIVATE_NAME), sub, **kw)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)


def start_server(root: Path, log: Path, *args: str) -> Server:
    port = free_port()
    f = open(log, "wb")  # noqa: SIM115 (the server writes to it until stopped)
    proc = subprocess.Popen([sys.executable, "-m", "por.cli.main", "serve", "--dir", str(root),
                             "--port", str(port), *args], stdout=f, stderr=subprocess.STDOUT, env=por_env())
    f.close()
    srv = Server(root, port, log, proc)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"por serve exited {proc.returncode}:\n{log.read_text()[-3000:]}")
        try:
            if httpx.get(srv.url + "/v1/epochs", timeout=2).status_code == 200:
                return srv
        except httpx.HTTPError:
            time.sleep(0.2)
    srv.stop()
    pytest.fail(f"por serve did not answer in 60 s:\n{log.read_text()[-3000:]}")


@pytest.fixture(scope="session")
def workspace(demo: Demo, tmp_path_factory: pytest.TempPathFactory) -> Path:  # noqa: F811
    """A copy of the demo workspace with the auth keypair (made by ``por demo`` or ``por serve keygen``)."""
    root = clone_workspace(demo.root, tmp_path_factory.mktemp("serve") / "W")
    if not (root / "keys" / "auth.key").exists():
        cp = subprocess.run([sys.executable, "-m", "por.cli.main", "serve", "keygen", "--dir", str(root)],
                            capture_output=True, text=True, env=por_env())
        assert cp.returncode == 0, cp.stderr
    return root


@pytest.fixture(scope="session")
def server(workspace: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The service with generous limits (the rate-limit tests start their own)."""
    srv = start_server(workspace, tmp_path_factory.mktemp("log") / "serve.log",
                       "--address-rate", "100000", "--token-rate", "100000")
    yield srv
    srv.stop()


def clients(root: Path, epoch: str) -> dict[str, bytes]:
    """account id -> the published proof file's bytes."""
    import json

    out = {}
    for p in sorted((root / "client-proofs" / epoch).glob("*.json")):
        data = p.read_bytes()
        out[json.loads(data)["account_id"]] = data
    return out


