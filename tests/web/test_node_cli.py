"""`node web/verify.mjs`: the JSON document of `por verify inclusion --json` (same keys, same checks),
exit 0 when every check passed, 1 when one failed, 2 on unusable input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.fixtures import Demo, por_env
from tests.web.conftest import ROOT, WEB, run_node


def _por_json(*args: str | Path) -> tuple[int, dict]:
    cp = subprocess.run([sys.executable, "-m", "por.cli.main", "verify", "inclusion", *map(str, args), "--json"],
                        capture_output=True, text=True, env=por_env(), cwd=ROOT, timeout=600)
    return cp.returncode, json.loads(cp.stdout)


def test_same_document_and_exit_status(node: str, demo: Demo, tmp_path: Path) -> None:
    proof = demo.proofs("epoch-0002")[0]
    manifest = demo.bundle("epoch-0002") / "manifest.json"
    key = demo.operator_pub
    cp = run_node(node, WEB / "verify.mjs", proof, "--manifest", manifest, "--operator-key", key, "--json")
    assert cp.returncode == 0, cp.stderr
    js = json.loads(cp.stdout)
    rc, py = _por_json(proof, "--bundle", manifest, "--operator-key", key)
    assert rc == 0
    assert set(js) == set(py) == {"subject", "ok", "checks"}
    assert js["subject"] == py["subject"]
    assert [set(c) for c in js["checks"]] == [{"id", "ok", "status", "message"}] * len(js["checks"])
    assert [(c["id"], c["ok"], c["status"]) for c in js["checks"]] == [(c["id"], c["ok"], c["status"]) for c in py["checks"]]

    # a failed check: exit 1, naming the check the Python verifier names
    other = demo.bundle("epoch-0001") / "manifest.json"
    cp = run_node(node, WEB / "verify.mjs", proof, "--manifest", other, "--operator-key", key, "--json")
    rc, py = _por_json(proof, "--bundle", other, "--operator-key", key)
    assert (cp.returncode, rc) == (1, 1)
    js = json.loads(cp.stdout)
    assert [(c["id"], c["ok"]) for c in js["checks"]] == [(c["id"], c["ok"]) for c in py["checks"]]
    assert js["checks"][[c["ok"] for c in js["checks"]].index(False)]["id"] == "client.epoch"

    # the text form: OK:/FAIL: lines
    cp = run_node(node, WEB / "verify.mjs", proof, "--manifest", manifest, "--operator-key", key)
    assert cp.returncode == 0 and "OK:   client.included" in cp.stdout and "FAIL" not in cp.stdout


def test_unusable_input_exits_2(node: str, demo: Demo, tmp_path: Path) -> None:
    proof = demo.proofs("epoch-0001")[0]
    manifest = demo.bundle("epoch-0001") / "manifest.json"
    key = demo.operator_pub
    for args in ([proof, "--manifest", manifest], [proof, "--operator-key", key],
                 [proof, "--manifest", tmp_path / "missing.json", "--operator-key", key],
                 [proof, "--manifest", manifest, "--operator-key", key, "--bogus"],
                 [proof, "--manifest", manifest, "--operator-key", demo.root / "keys" / "operator.key"]):
        cp = run_node(node, WEB / "verify.mjs", *args, "--json")
        assert cp.returncode == 2, (args, cp.stdout, cp.stderr)
        assert "error:" in cp.stderr and "Error:" not in cp.stderr  # a sentence, never a stack trace
    # a proof file that is missing is a failed check (client.file), as in the Python verifier
    cp = run_node(node, WEB / "verify.mjs", tmp_path / "nope.json", "--manifest", manifest, "--operator-key", key,
                  "--json")
    assert cp.returncode == 1 and json.loads(cp.stdout)["checks"][0]["id"] == "client.file"
