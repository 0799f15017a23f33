"""Issue 14, rows D and E, the pipeline's side: the epoch takes its decimals, haircuts and prices only
from the ledger's governed configuration and the oracles' reports bound to the epoch (the
verifier's side, the same attacks re-signed into a bundle, is tests/verify/test_governed_figures.py).
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from tests.fixtures import Demo, audit_with_ledger, clone_workspace, no_traceback, post_price, run_por


def test_pipeline_refuses_config_decimals_that_are_not_the_ledgers(demo: Demo, tmp_path: Path) -> None:
    """The governors set AAPL decimals 0 while the ledger's asset table says 4: the epoch stops at the
    snapshot naming both (it would otherwise publish inflated collateral)."""
    from por.epoch.demo import demo_pipeline
    from por.epoch.workspace import Workspace
    from por.errors import EpochError
    from por.reserves.ledger_adapter import reserves_config, set_reserves_config
    from por.verify import verify_bundle

    root = clone_workspace(demo.root, tmp_path / "ws")
    ws = Workspace.load(root)
    led = ws.ledger()
    try:
        cfg = reserves_config(led)
        set_reserves_config(led, [ws.signer("operator"), ws.signer("auditor")],
                            replace(cfg, decimals={**cfg.decimals, "AAPL": 0}))
    finally:
        led.close()
    with pytest.raises(EpochError, match=r"AAPL 0 \(ledger 4\)"):
        demo_pipeline(ws, seal_check=verify_bundle).run(until="snapshot")


def test_workspace_haircut_settings_are_refused(demo: Demo, tmp_path: Path) -> None:
    """Haircuts are governed: a por.json that still sets one is refused, not silently ignored."""
    from por.epoch.demo import demo_pipeline
    from por.epoch.workspace import Workspace
    from por.errors import UsageError
    from por.verify import verify_bundle

    root = clone_workspace(demo.root, tmp_path / "ws")
    cfg = json.loads((root / "por.json").read_text())
    cfg.setdefault("epoch", {})["haircuts_bps"] = {"AAPL": 10_000}
    (root / "por.json").write_text(json.dumps(cfg))
    with pytest.raises(UsageError, match="governed"):
        demo_pipeline(Workspace.load(root), seal_check=verify_bundle).run(until="open")


def test_epoch_waits_for_bound_reports_from_por_oracle_submit(demo: Demo, tmp_path: Path) -> None:
    """Without simulated oracles the epoch stops at attest, keeping its snapshot, and says how to sign
    (``por oracle submit --epoch --cutoff``); the oracles' reports of the prices of record, made with
    that CLI, let it go on. A report for the previous epoch in the inbox does not count."""
    from por.epoch.demo import demo_pipeline
    from por.epoch.workspace import Workspace
    from por.errors import EpochError
    from por.verify import verify_bundle

    root = clone_workspace(demo.root, tmp_path / "ws")
    ws = Workspace.load(root)
    led = ws.ledger()
    try:  # the oracles' fresh price entries in the ledger (as real oracles post them)
        for asset in ("AAPL", "MSFT"):
            post_price(led, ws, asset, led.current_price(asset))
    finally:
        led.close()
    cfg = json.loads((root / "por.json").read_text())
    oracles = cfg["simulate"].pop("oracles")
    (root / "por.json").write_text(json.dumps(cfg))
    ws = Workspace.load(root)
    with pytest.raises(EpochError, match=r"por oracle submit --epoch epoch-0003 --cutoff \S+Z"):
        demo_pipeline(ws, seal_check=verify_bundle).run(until="attest")
    state = json.loads((ws.private_dir("epoch-0003") / "state.json").read_text())
    assert "snapshot" in state["stages"] and "attest" not in state["stages"]
    cutoff = state["values"]["cutoff"]
    record = json.loads((ws.private_dir("epoch-0003") / "prices-of-record.json").read_text())["quotes"]
    inbox = ws.price_inbox
    for member, key in sorted(oracles.items()):
        for asset, q in sorted(record.items()):
            if q.get("reporting_currency"):
                continue
            p = q["price_e8"]
            price = f"{p // 10**8}.{p % 10**8:08d}"
            for epoch in ("epoch-0002", "epoch-0003"):  # last epoch's too: it must not count
                cp = run_por("oracle", "submit", "--oracle", member, "--asset", asset, "--price", price,
                             "--epoch", epoch, "--cutoff", cutoff, "--time", cutoff, "--key", root / key,
                             "-o", inbox / f"{epoch}-{member}-{asset}.json")
                no_traceback(cp)
                assert cp.returncode == 0, cp.stdout + cp.stderr
    demo_pipeline(Workspace.load(root), seal_check=verify_bundle).run()
    bundle = root / "epochs" / "epoch-0003"
    doc = json.loads((bundle / "prices.json").read_text())
    assert {r["report"]["epoch_id"] for r in doc["reports"]} == {"epoch-0003"}
    res = audit_with_ledger(root, bundle, demo, "epoch-0003")
    assert res.ok, [str(c) for c in res.failures]
