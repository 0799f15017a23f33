"""The CLI end to end: keygen, request, sign, co-sign, collect, verify, oracle submit/prices, coverage."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from por.cli.main import cli
from por.errors import PorError, UsageError
from por.reserves.keyring import Keyring, Member

NONCE = "c3" * 32
EPOCH = ["--epoch", "2024-06", "--nonce", NONCE, "--window-start", "2024-06-30T00:00:00Z",
         "--window-end", "2024-06-30T23:59:59Z"]


def run(*args: str, code: int = 0) -> str:
    """Invoke like ``por.cli.main.main`` does: a PorError becomes exit 2 (usage) or 1; anything else is a bug."""
    r = CliRunner().invoke(cli, list(args))
    got = r.exit_code
    if r.exception is not None and not isinstance(r.exception, SystemExit):
        if not isinstance(r.exception, PorError):
            raise r.exception
        got = 2 if isinstance(r.exception, UsageError) else 1
    assert got == code, r.output + repr(r.exception)
    return r.output


def test_end_to_end(tmp_path: Path) -> None:
    members = []
    for name, roles in [("bank-a", "custodian"), ("auditor", "auditor"), ("oracle-1", "oracle"), ("oracle-2", "oracle")]:
        out = run("reserves", "keygen", "--member", name, "--roles", roles, "-o", str(tmp_path / f"{name}.key"))
        members.append(Member.from_dict(json.loads(out)))
    assert (tmp_path / "bank-a.key").stat().st_mode & 0o777 == 0o600
    run("reserves", "keygen", "--member", "bank-a", "-o", str(tmp_path / "bank-a.key"), code=2)  # no overwrite
    keys = tmp_path / "keys.json"
    Keyring.of(members).dump(keys)
    cfg = tmp_path / "cfg.json"
    cfg.write_text(json.dumps({"format": "por-reserves-config/1", "reporting_currency": "USD", "reporting_decimals": 2,
                               "assets": {"BTC": {"decimals": 8,
                                                  "reserve": {"custodians": ["bank-a"], "signers": ["auditor"], "quorum": 2},
                                                  "price": {"oracles": ["oracle-1", "oracle-2"], "quorum": 2,
                                                            "max_age_seconds": 600, "max_dispersion_bps": 100}}}}))
    req = tmp_path / "req.json"
    run("attest", "request", "--custodian", "bank-a", "--asset", "BTC", "--amount", "300000000", "--account", "cold-1",
        "--as-of", "2024-06-30T12:00:00Z", *EPOCH, "-o", str(req))
    # the custodian and the auditor sign separate copies; the operator collects and aggregates them
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    run("attest", "sign", str(req), "--key", str(tmp_path / "bank-a.key"), "-o", str(a))
    run("attest", "sign", str(req), "--key", str(tmp_path / "auditor.key"), "-o", str(b))
    out_dir = tmp_path / "collected"
    out = run("attest", "collect", str(a), str(b), "--keys", str(keys), "--config", str(cfg), *EPOCH,
              "--out-dir", str(out_dir), "--json")
    assert json.loads(out)["totals"] == {"BTC": 300000000}
    (collected,) = out_dir.iterdir()
    assert len(json.loads(collected.read_text())["signatures"]) == 1  # one aggregate signature
    run("attest", "verify", str(collected), "--keys", str(keys), "--config", str(cfg), *EPOCH)
    # one copy alone is a quorum short by one; verify says so and exits 1
    out = run("attest", "verify", str(a), "--keys", str(keys), "--config", str(cfg), *EPOCH, "--json", code=1)
    assert "short by 1" in out
    # a tampered amount
    t = json.loads(collected.read_text())
    t["statement"]["amount"] += 1
    (tmp_path / "t.json").write_text(json.dumps(t))
    out = run("attest", "verify", str(tmp_path / "t.json"), "--keys", str(keys), "--json", code=1)
    assert "statement_id" in out
    # prices: each report is bound to one epoch and cut-off
    r1, r2 = tmp_path / "r1.json", tmp_path / "r2.json"
    BOUND = ("--epoch", "2024-06", "--cutoff", "2024-06-30T12:00:00Z")
    run("oracle", "submit", "--oracle", "oracle-1", *BOUND, "--asset", "BTC", "--price", "60000", "--time",
        "2024-06-30T12:00:00Z", "--key", str(tmp_path / "oracle-1.key"), "-o", str(r1))
    run("oracle", "submit", "--oracle", "oracle-2", *BOUND, "--asset", "BTC", "--price", "60000.5", "--time",
        "2024-06-30T12:00:00Z", "--key", str(tmp_path / "oracle-2.key"), "-o", str(r2))
    out = run("oracle", "prices", str(r1), str(r2), "--keys", str(keys), "--config", str(cfg),
              "--now", "2024-06-30T12:05:00Z", "--json")
    assert json.loads(out)["prices"]["BTC"]["price_e8"] == 6_000_000_000_000
    out = run("oracle", "prices", str(r1), str(r2), "--keys", str(keys), "--config", str(cfg),
              "--now", "2024-06-30T13:05:00Z", code=1)
    assert "stale" in out
    # bound to the epoch: the same reports count for it, not for the next epoch or another cut-off
    out = run("oracle", "prices", str(r1), str(r2), "--keys", str(keys), "--config", str(cfg), *BOUND, "--json")
    assert json.loads(out)["prices"]["BTC"]["price_e8"] == 6_000_000_000_000
    out = run("oracle", "prices", str(r1), str(r2), "--keys", str(keys), "--config", str(cfg), "--epoch", "2024-07",
              "--cutoff", "2024-06-30T12:00:00Z", code=1)
    assert "wrong-epoch" in out
    assert json.loads(r1.read_text())["report"]["epoch_id"] == "2024-06"
    # coverage: 3 BTC reserves against 2.5 - 0.5 = 2 BTC net
    liab = tmp_path / "liab.json"
    liab.write_text(json.dumps({"BTC": {"equity": 250000000, "debt": 50000000}}))
    args = ["reserves", "coverage", "--config", str(cfg), "--keys", str(keys), "--liabilities", str(liab),
            "--attestations", str(collected), "--prices", str(r1), "--prices", str(r2), *EPOCH,
            "--now", "2024-06-30T12:05:00Z"]
    out = run(*args)
    assert "1.5000" in out and "BTC" in out
    d = json.loads(run(*args, "--json"))
    assert d["valuation"]["coverage"]["num"] == "3" and d["valuation"]["coverage"]["den"] == "2"


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    r = CliRunner().invoke(cli, ["attest", "request", "--custodian", "x", "--asset", "BTC", "--amount", "1",
                                 "--account", "a", "--as-of", "yesterday", *EPOCH, "-o", str(tmp_path / "r.json")])
    assert r.exit_code != 0
    import pytest

    from por.cli.main import main

    with pytest.raises(SystemExit) as ei:
        main(["attest", "request", "--custodian", "x", "--asset", "BTC", "--amount", "1", "--account", "a",
              "--as-of", "yesterday", *EPOCH, "-o", str(tmp_path / "r.json")])
    assert ei.value.code == 2
