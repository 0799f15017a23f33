"""``por bench epoch --json`` as a script reads it: one JSON object, figures by name, the one-column
workload runs the whole pipeline on a cash-only ledger and its audit passes."""

from __future__ import annotations

import json

from tests.fixtures import no_traceback, run_por


def test_one_column_epoch_bench_json() -> None:
    cp = run_por("bench", "epoch", "--clients", "9", "--assets", "1", "--json")
    no_traceback(cp)
    assert cp.returncode == 0, cp.stderr[-2000:]
    doc = json.loads(cp.stdout)
    assert set(doc) == {"machine", "figures"}
    figs = {f["name"]: f for f in doc["figures"]}
    for f in doc["figures"]:
        assert set(f) >= {"name", "value", "unit", "floor", "ratio", "target"}
    stages = ["open", "snapshot", "build", "prove", "attest", "seal", "publish"]
    assert [n for n in figs if n.startswith("epoch.9.") and n not in ("epoch.9.total", "epoch.9.bundle_bytes")] \
        == [f"epoch.9.{s}" for s in stages]
    assert figs["epoch.9.bundle_bytes"]["unit"] == "bytes" and figs["epoch.9.bundle_bytes"]["value"] > 1000
    total = figs["epoch.9.total"]
    assert total["value"] > 0 and total["floor"] > 0
    assert abs(total["ratio"] - total["value"] / total["floor"]) < 1e-3 * total["ratio"]
    assert "1 column(s)" in total["note"]
    assert "all passed" in figs["audit.9.total"]["note"]
    assert not any(".assets3." in n for n in figs), "--assets 1 ran the three-asset workload too"


def test_bench_rejects_a_bad_assets_choice() -> None:
    cp = run_por("bench", "epoch", "--assets", "2")
    no_traceback(cp)
    assert cp.returncode == 2 and "--assets" in cp.stderr
