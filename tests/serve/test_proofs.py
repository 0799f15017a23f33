"""GET /v1/epochs/{epoch}/proof: each client gets its own proof, byte-identical to the published
file; nothing tells an unknown client, another client's id and a missing epoch apart."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from tests.fixtures import clone_workspace, por_env
from tests.serve.conftest import Server, clients

NOT_FOUND = b'{"error":"not found"}'


def test_each_client_gets_its_own_proof_byte_identical(server: Server) -> None:
    with server.client() as c:
        assert c.get("/v1/epochs").json() == {"epochs": ["epoch-0001", "epoch-0002"]}
        for epoch in ("epoch-0001", "epoch-0002"):
            published = clients(server.root, epoch)
            assert len(published) == 12
            for account, data in published.items():
                r = c.get(f"/v1/epochs/{epoch}/proof", headers={"authorization": f"Bearer {server.token(account)}"})
                assert r.status_code == 200, r.text
                assert r.content == data  # built from the private store, the same bytes as the file
                assert r.headers["content-type"] == "application/json"
                assert r.headers["cache-control"] == "no-store"
                assert json.loads(r.content)["account_id"] == account


def test_token_from_the_cli(server: Server) -> None:
    account = sorted(clients(server.root, "epoch-0002"))[3]
    cp = subprocess.run([sys.executable, "-m", "por.cli.main", "serve", "token", account, "--dir", str(server.root),
                         "--ttl", "120"], capture_output=True, text=True, env=por_env())
    assert cp.returncode == 0, cp.stderr
    tok = cp.stdout.strip()
    with server.client() as c:
        r = c.get("/v1/epochs/epoch-0002/proof", headers={"authorization": f"Bearer {tok}"})
    assert r.status_code == 200
    assert r.content == clients(server.root, "epoch-0002")[account]
    bad = subprocess.run([sys.executable, "-m", "por.cli.main", "serve", "token", account, "--dir", str(server.root),
                          "--ttl", "86400"], capture_output=True, text=True, env=por_env())
    assert bad.returncode == 2 and "Traceback" not in bad.stderr


def test_no_enumeration_one_404_for_every_reason(server: Server) -> None:
    accounts = sorted(clients(server.root, "epoch-0001"))
    me, other = accounts[0], accounts[1]
    mine = {"authorization": f"Bearer {server.token(me)}"}
    unknown = {"authorization": f"Bearer {server.token('no-such-client')}"}
    with server.client() as c:
        answers = [
            c.get("/v1/epochs/epoch-0001/proof", params={"account": other}, headers=mine),  # another client's id
            c.get("/v1/epochs/epoch-0001/proof", headers=unknown),                           # an unknown client
            c.get("/v1/epochs/epoch-0099/proof", headers=mine),                              # a missing epoch
            c.get("/v1/epochs/..%2Fprivate/proof", headers=mine),                            # not an epoch id
            c.get("/v1/epochs/epoch-0001/proof", params={"account": "nobody"}, headers=mine),
        ]
        assert c.get("/v1/epochs/epoch-0001/proof", params={"account": me}, headers=mine).status_code == 200
    for r in answers:
        assert r.status_code == 404, r.text
        assert r.content == NOT_FOUND
        assert other.encode() not in r.content
    assert len({tuple(sorted((k, v) for k, v in r.headers.items() if k not in ("date",))) for r in answers}) == 1


def test_unpublished_epoch_is_not_served(workspace: Path, tmp_path: Path) -> None:
    """An epoch whose publish stage did not finish has no proofs to give, even with a private store."""
    from por.serve.proofs import ProofSource

    root = clone_workspace(workspace, tmp_path / "W")
    account = sorted(clients(root, "epoch-0001"))[0]
    src = ProofSource(root)
    assert src.proof("epoch-0001", account) == clients(root, "epoch-0001")[account]
    state_path = root / "private" / "epoch-0001" / "state.json"
    state = json.loads(state_path.read_text())
    del state["stages"]["publish"]
    state_path.write_text(json.dumps(state))
    assert ProofSource(root).proof("epoch-0001", account) is None
    shutil.rmtree(root / "epochs" / "epoch-0002")
    assert ProofSource(root).proof("epoch-0002", account) is None


def test_published_files_without_a_private_store(workspace: Path, tmp_path: Path) -> None:
    """A service given only the published proof files (no private tree) serves those files."""
    from por.serve.proofs import ProofSource

    root = clone_workspace(workspace, tmp_path / "W")
    shutil.rmtree(root / "private")
    src = ProofSource(root)
    published = clients(root, "epoch-0002")
    for account, data in published.items():
        assert src.proof("epoch-0002", account) == data
    assert src.proof("epoch-0002", "no-such-client") is None
    # a proof file that names another account (a mix-up on disk) is not handed out
    a, b = sorted(published)[:2]
    from por.tree.proof import safe_file_name

    (root / "client-proofs" / "epoch-0002" / safe_file_name(a)).write_bytes(published[b])
    assert src.proof("epoch-0002", a) is None


def test_damaged_store_is_a_server_fault_not_a_404(workspace: Path, tmp_path: Path) -> None:
    """A damaged private store is the operator's fault: 503 with a sentence in the log, never a
    traceback to the client and never a 404 that would tell the client it has no proof."""
    import pytest

    from por.errors import PorError
    from por.serve.proofs import ProofSource
    from tests.serve.conftest import start_server

    root = clone_workspace(workspace, tmp_path / "W")
    account = sorted(clients(root, "epoch-0001"))[0]
    (root / "private" / "epoch-0001" / "tree" / "accounts.sqlite").write_bytes(b"not a database" * 10)
    with pytest.raises(PorError):
        ProofSource(root).proof("epoch-0001", account)
    srv = start_server(root, tmp_path / "log")
    try:
        with srv.client() as c:
            r = c.get("/v1/epochs/epoch-0001/proof", headers={"authorization": f"Bearer {srv.token(account)}"})
            assert (r.status_code, r.json()) == (503, {"error": "proof store unavailable"})
            ok = c.get("/v1/epochs/epoch-0002/proof", headers={"authorization": f"Bearer {srv.token(account)}"})
            assert ok.content == clients(root, "epoch-0002")[account]
    finally:
        srv.stop()
    log = srv.log.read_text()
    assert "proof store fault" in log and "Traceback" not in log
