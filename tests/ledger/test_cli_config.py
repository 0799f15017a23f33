"""``por ledger config-set``: governed settings (the reserve policies) from the CLI, quorum-signed."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from por.ledger import Ledger


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "por.cli.main", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=120)


def test_reserves_config_is_set_by_the_governors(tmp_path: Path) -> None:
    assert run("init", "--dir", str(tmp_path), cwd=tmp_path).returncode == 0
    cfg = {"format": "por-reserves-config/1", "reporting_currency": "USD", "reporting_decimals": 2,
           "assets": {"USD": {"decimals": 2, "reserve": {"custodians": ["bank"], "signers": ["bank"], "quorum": 1}}}}
    (tmp_path / "reserves.json").write_text(json.dumps(cfg))
    cp = run("ledger", "config-set", "reserves", "reserves.json", "--json", cwd=tmp_path)
    assert cp.returncode == 0, cp.stderr
    assert "Warning" not in cp.stderr  # click warned that the KEY argument and --key shared one name
    with Ledger.open(json.loads((tmp_path / "por.json").read_text())["db"]) as led:
        assert led.config()["reserves"]["assets"]["USD"]["reserve"]["custodians"] == ["bank"]
        assert led.verify().ok

    (tmp_path / "bad.json").write_text(json.dumps({"format": "something-else"}))
    cp = run("ledger", "config-set", "reserves", "bad.json", cwd=tmp_path)
    assert cp.returncode == 2 and "Traceback" not in cp.stderr and "reserves configuration" in cp.stderr


def test_margin_trades_take_account_asset_qty_in_that_order() -> None:
    """``por margin buy|sell ACCOUNT ASSET QTY``, the order of ``por withdraw request ACCOUNT ASSET AMOUNT``."""
    import click

    from por.cli.ledger import margin, withdraw

    def arguments(cmd: click.Command) -> list[str | None]:
        return [p.name for p in cmd.params if isinstance(p, click.Argument)]

    assert arguments(margin.commands["buy"]) == arguments(margin.commands["sell"]) == ["account", "asset", "qty"]
    assert arguments(withdraw.commands["request"])[:3] == ["account", "asset", "amount"]
