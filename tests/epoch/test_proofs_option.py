"""``por epoch run --proofs linear|compressed`` (docs/protocol.md §7.5, §9.1): the encoding of a new
epoch's tree proofs is recorded in the manifest, both verify, and a compressed bundle in the format
made before the encoding was recorded (no ``proof_encoding`` in the manifest or the store) still
verifies."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

from tests.fixtures import Demo, clone_workspace, copy_bundle, no_traceback, run_por
from tests.forge import resign


def _audit(bundle: Path, demo: Demo, *extra: Any) -> dict:
    cp = run_por("audit", "verify", bundle, "--operator-key", demo.operator_pub, "--trust-bundle-keyring", "--json",
                 *extra)
    no_traceback(cp)
    return {"rc": cp.returncode, "doc": json.loads(cp.stdout) if cp.stdout.strip().startswith("{") else {},
            "out": cp.stdout + cp.stderr}


def test_default_epochs_are_linear(demo: Demo) -> None:
    m = json.loads((demo.bundle("epoch-0001") / "manifest.json").read_text())["signed"]
    assert m["tree"]["proof_encoding"] == "linear" and m["tree"]["block_size"] == 1
    assert {"node-range-linear", "solvency"} <= set(m["statements"])
    assert (demo.bundle("epoch-0001") / "statements" / "node-range-linear.toml").is_file()


def test_proofs_compressed_recorded_and_verifies_and_old_format_too(demo: Demo, tmp_path: Path) -> None:
    root = clone_workspace(demo.root, tmp_path / "ws")
    cp = run_por("epoch", "run", "--dir", root, "--proofs", "compressed", "--quiet")
    no_traceback(cp)
    assert cp.returncode == 0, cp.stdout + cp.stderr
    bundle = root / "epochs" / "epoch-0003"
    m = json.loads((bundle / "manifest.json").read_text())["signed"]
    assert m["tree"]["proof_encoding"] == "compressed" and m["tree"]["block_size"] == 8
    assert "node-range" in m["statements"] and "node-range-linear" not in m["statements"]
    res = _audit(bundle, demo)
    assert res["rc"] == 0, res["out"]

    # the same bundle as a pre-encoding operator would have written it: no key in manifest or store
    old = copy_bundle(bundle, tmp_path / "old")
    db = sqlite3.connect(old / m["tree"]["store"])
    db.execute("DELETE FROM meta WHERE key = 'proof_encoding'")
    db.commit()
    db.close()
    resign(old, root / "keys" / "operator.key", lambda s: s["tree"].pop("proof_encoding"))
    res = _audit(old, demo, "--previous", root / "epochs" / "epoch-0002")  # copied away from its previous
    assert res["rc"] == 0, res["out"]

    # the operator who lies about the encoding: the manifest says linear for the compressed tree
    liar = copy_bundle(bundle, tmp_path / "liar")
    resign(liar, root / "keys" / "operator.key", lambda s: s["tree"].update(proof_encoding="linear"))
    res = _audit(liar, demo, "--previous", root / "epochs" / "epoch-0002")
    assert res["rc"] == 1, res["out"]
    bad = {c["id"] for c in res["doc"]["checks"] if not c["ok"]}
    assert "tree.expected" in bad, bad


def test_unknown_proofs_value_is_a_usage_error(demo: Demo, tmp_path: Path) -> None:
    root = clone_workspace(demo.root, tmp_path / "ws")
    cp = run_por("epoch", "run", "--dir", root, "--proofs", "fast", "--quiet")
    no_traceback(cp)
    assert cp.returncode == 2
