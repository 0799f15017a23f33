"""Issue 14, rows D and E: every figure the verifiers use comes from one verified source.

Row D: asset decimals and haircuts come from the governed reserves configuration (whose identity the
manifest carries), never from free manifest fields: AAPL at 0 decimals instead of 4 inflated
collateral 10^4x; a haircut of 10000 bps counts collateral at full value.
Row E: with the ledger, ``cutoff_time`` is the time of entry ``journal_seq`` and the prices are the
oracles' own ``price`` entries up to it; without it, price reports are bound to the epoch and its
cut-off. Staged: the previous epoch's prices and cut-off reused after a crash.

Every attack is staged as the lying operator would (a re-signed manifest), and checked through the
CLI (``por audit verify``, with and without ``--ledger``): exit 1 with the named check, never 0,
never a traceback. (The pipeline's refusals of the same figures: tests/epoch/test_governed_inputs.py.)
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from tests.fixtures import (
    Demo,
    audit_with_ledger,
    clone_workspace,
    copy_bundle,
    no_traceback,
    post_price,
    run_por,
)
from tests.forge import Forged, resign


def _manifest(bundle: Path) -> Any:
    """The bundle's manifest as the verifiers read it (the strict model)."""
    from por.epoch.bundle import read_signed_manifest

    return read_signed_manifest(bundle)


def _edit(bundle: Path, key_path: Path, fn: Any) -> None:
    """Change the signed manifest with ``fn(signed)`` and re-sign it (the lying operator)."""
    resign(bundle, key_path, fn)


def _cli(bundle: Path, demo: Demo, root: Path | None = None, epoch: str | None = None) -> tuple[int, dict[str, Any]]:
    """``por audit verify BUNDLE --json`` (with ``--ledger`` when ``root`` is given): exit code and
    failed checks by id."""
    args: list[Any] = ["audit", "verify", bundle, "--operator-key", demo.operator_pub, "--quiet", "--json"]
    if root is None:
        args.append("--trust-bundle-keyring")  # keys are not what these tests are about
    if root is not None:
        from por.epoch.workspace import Workspace

        ws = Workspace.load(root)
        args += ["--ledger", ws.db_url, "--master-secret", ws.private_dir(epoch or bundle.name) / "master.secret"]
    cp = run_por(*args)
    no_traceback(cp)
    assert cp.returncode in (0, 1), cp.stdout[-2000:] + cp.stderr[-2000:]
    doc = json.loads(cp.stdout)
    checks = doc.get("checks") or doc.get("result", {}).get("checks", [])
    return cp.returncode, {c["id"]: c["message"] for c in checks if not c["ok"]}


def _collateral(signed: dict[str, Any], decimals: dict[str, int]) -> dict[str, int]:
    top = max(decimals[a] for a in signed["prices"])
    return {a: int(p) * 10 ** (top - decimals[a]) for a, p in signed["prices"].items()}


# ---- row D: decimals ---------------------------------------------------------------------------------
def test_aapl_at_zero_decimals_fails_by_name(demo: Demo, tmp_path: Path) -> None:
    """The attack as found: the manifest's AAPL decimals 0 (not 4) and the collateral prices derived
    from them (AAPL collateral 10^4 times its value), re-signed. The auditor derives decimals and
    collateral prices from the reserves configuration, so the edit fails by name, with and without
    the ledger; with it the asset table disagrees too."""
    bundle = copy_bundle(demo.bundle("epoch-0001"), tmp_path)
    before = _manifest(bundle).signed
    assert before.assets["AAPL"].decimals == 4
    assert before.reserves_config.assets["AAPL"].decimals == 4

    def lie(s: dict[str, Any]) -> None:
        s["assets"]["AAPL"]["decimals"] = 0
        s["collateral_prices"] = _collateral(s, {a: v["decimals"] for a, v in s["assets"].items()})
        assert s["collateral_prices"]["AAPL"] > before.collateral_prices["AAPL"]

    _edit(bundle, demo.root / "keys" / "operator.key", lie)
    code, failed = _cli(bundle, demo)
    assert code == 1 and "reserves-config.decimals" in failed, failed
    assert "AAPL" in failed["reserves-config.decimals"] and "price.collateral" in failed
    code, failed = _cli(bundle, demo, demo.root, "epoch-0001")
    assert code == 1 and {"reserves-config.decimals", "completeness.asset-decimals"} <= set(failed), failed


def test_aapl_at_zero_decimals_in_the_config_too_fails_against_the_ledger(demo: Demo, tmp_path: Path) -> None:
    """The careful liar also rewrites the manifest's reserves configuration (AAPL decimals 0) and its
    identity hash, so the bundle is self-consistent: the ledger's governed configuration, its
    governing entry and its asset table all disagree (named checks)."""
    from por.reserves.policy import config_sha256

    bundle = copy_bundle(demo.bundle("epoch-0001"), tmp_path)

    def lie(s: dict[str, Any]) -> None:
        s["assets"]["AAPL"]["decimals"] = 0
        s["reserves_config"]["assets"]["AAPL"]["decimals"] = 0
        s["reserves_config_ref"]["sha256"] = config_sha256(s["reserves_config"])
        s["collateral_prices"] = _collateral(s, {a: v["decimals"] for a, v in s["assets"].items()})

    _edit(bundle, demo.root / "keys" / "operator.key", lie)
    code, failed = _cli(bundle, demo, demo.root, "epoch-0001")
    assert code == 1, failed
    assert {"completeness.reserves-config", "completeness.asset-decimals"} <= set(failed), failed
    assert "AAPL" in failed["completeness.asset-decimals"]


@pytest.mark.parametrize("how", ["manifest-only", "config-too"])
def test_haircut_of_10000_fails_by_name(demo: Demo, tmp_path: Path, how: str) -> None:
    """AAPL collateral counted at full value (haircut 10000 bps) in a re-signed manifest."""
    from por.reserves.policy import config_sha256

    bundle = copy_bundle(demo.bundle("epoch-0001"), tmp_path)
    assert _manifest(bundle).signed.haircuts_bps["AAPL"] == 9500  # the demo's governed haircut

    def lie(s: dict[str, Any]) -> None:
        s["haircuts_bps"]["AAPL"] = 10_000
        if how == "config-too":
            s["reserves_config"]["assets"]["AAPL"]["haircut_bps"] = 10_000
            s["reserves_config_ref"]["sha256"] = config_sha256(s["reserves_config"])

    _edit(bundle, demo.root / "keys" / "operator.key", lie)
    if how == "manifest-only":
        code, failed = _cli(bundle, demo)
        assert code == 1 and "reserves-config.haircuts" in failed, failed
        assert "10000" in failed["reserves-config.haircuts"]
    code, failed = _cli(bundle, demo, demo.root, "epoch-0001")
    assert code == 1, failed
    assert ("reserves-config.haircuts" if how == "manifest-only" else "completeness.reserves-config") in failed, failed


def test_config_identity_must_name_the_governing_entry(demo: Demo, tmp_path: Path) -> None:
    """The manifest's ``reserves_config_ref`` names the governing ``config.set`` entry: another entry
    (or hash) fails against the ledger; a hash that is not the configuration's fails without it."""
    bundle = copy_bundle(demo.bundle("epoch-0001"), tmp_path)
    ref = _manifest(bundle).signed.reserves_config_ref
    _edit(bundle, demo.root / "keys" / "operator.key", lambda s: s["reserves_config_ref"].update(seq=ref.seq - 1))
    code, failed = _cli(bundle, demo, demo.root, "epoch-0001")
    assert code == 1 and "completeness.reserves-config" in failed, failed
    bundle2 = copy_bundle(demo.bundle("epoch-0001"), tmp_path / "b2")
    _edit(bundle2, demo.root / "keys" / "operator.key", lambda s: s["reserves_config_ref"].update(sha256="00" * 32))
    code, failed = _cli(bundle2, demo)
    assert code == 1 and "reserves-config" in failed, failed


# ---- row E: cut-off and prices ------------------------------------------------------------------------
def test_previous_epochs_prices_reused_without_the_ledger(demo: Demo, tmp_path: Path) -> None:
    """Epoch-0002 published with epoch-0001's cut-off, prices and price reports (prices.json): the
    reports are bound to epoch-0001, so no price of epoch-0002 has a quorum (named price checks)."""
    bundle = copy_bundle(demo.bundle("epoch-0002"), tmp_path)
    old = Forged.read(demo.bundle("epoch-0001")).signed  # its JSON, copied into the lie
    (bundle / "prices.json").write_bytes((demo.bundle("epoch-0001") / "prices.json").read_bytes())

    def lie(s: dict[str, Any]) -> None:
        for k in ("cutoff_time", "prices", "collateral_prices"):
            s[k] = old[k]

    _edit(bundle, demo.root / "keys" / "operator.key", lie)
    code, failed = _cli(bundle, demo)
    assert code == 1, failed
    assert "price.AAPL" in failed and "wrong-epoch" in failed["price.AAPL"], failed
    assert "price.file" in failed


def test_reports_relabelled_for_this_epoch_do_not_verify(demo: Demo, tmp_path: Path) -> None:
    """The operator copies the previous epoch's reports and edits their epoch id and cut-off to this
    epoch's: the oracles signed the epoch, so the signatures no longer verify."""
    bundle = copy_bundle(demo.bundle("epoch-0002"), tmp_path)
    m = _manifest(bundle).signed
    doc = json.loads((demo.bundle("epoch-0001") / "prices.json").read_text())
    mine = json.loads((bundle / "prices.json").read_text())
    for r in doc["reports"]:
        r["report"]["epoch_id"], r["report"]["cutoff"] = m.epoch_id, mine["cutoff"]
    mine["reports"] = doc["reports"]
    (bundle / "prices.json").write_text(json.dumps(mine, indent=2, sort_keys=True))
    resign(bundle, demo.root / "keys" / "operator.key")
    code, failed = _cli(bundle, demo)
    assert code == 1 and "price.AAPL" in failed and "does not verify" in failed["price.AAPL"], failed


@pytest.fixture(scope="module")
def after_crash(demo: Demo, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the demo whose governors set AAPL's haircut to 8000 bps, then AAPL fell 10% (every
    oracle signed the new price into the ledger), then epoch-0003 ran honestly."""
    from por.epoch.demo import demo_pipeline
    from por.epoch.workspace import Workspace
    from por.reserves.ledger_adapter import reserves_config, set_reserves_config
    from por.verify import verify_bundle

    root = clone_workspace(demo.root, tmp_path_factory.mktemp("crash") / "ws")
    ws = Workspace.load(root)
    led = ws.ledger()
    try:
        cfg = reserves_config(led)
        set_reserves_config(led, [ws.signer("operator"), ws.signer("auditor")],
                            replace(cfg, haircuts_bps={**cfg.haircuts_bps, "AAPL": 8000}))
        post_price(led, ws, "AAPL", led.current_price("AAPL") * 9 // 10)
    finally:
        led.close()
    demo_pipeline(ws, seal_check=verify_bundle).run()
    assert ws.published()[-1] == "epoch-0003"
    return root


def test_honest_epoch_after_the_crash_passes_with_governed_haircut(demo: Demo, after_crash: Path) -> None:
    from por.verify import verify_bundle

    bundle = after_crash / "epochs" / "epoch-0003"
    m = _manifest(bundle).signed
    assert m.haircuts_bps["AAPL"] == 8000 and m.reserves_config.assets["AAPL"].haircut_bps == 8000
    assert m.prices["AAPL"] < _manifest(demo.bundle("epoch-0002")).signed.prices["AAPL"]
    res = audit_with_ledger(after_crash, bundle, demo, "epoch-0003")
    assert res.ok, [str(c) for c in res.failures]
    ids = {c.id for c in res.checks}
    assert {"completeness.cutoff", "completeness.prices", "completeness.asset-decimals"} <= ids
    assert verify_bundle(bundle, operator_key=str(demo.operator_pub), trust_bundle_keyring=True).ok


def test_previous_cutoff_and_prices_reused_after_a_crash(demo: Demo, after_crash: Path, tmp_path: Path) -> None:
    """The attack as found: after the crash, epoch-0003 is re-signed with epoch-0002's cut-off,
    prices (and collateral prices, and its prices.json). With the ledger, the cut-off is not the time
    of entry journal_seq and the prices are not the oracles' entries up to it; without it the
    reports are another epoch's."""
    bundle = copy_bundle(after_crash / "epochs" / "epoch-0003", tmp_path)
    prev = after_crash / "epochs" / "epoch-0002"
    old = Forged.read(prev).signed  # its JSON, copied into the lie
    (bundle / "prices.json").write_bytes((prev / "prices.json").read_bytes())

    def lie(s: dict[str, Any]) -> None:
        for k in ("cutoff_time", "prices", "collateral_prices"):
            s[k] = old[k]

    _edit(bundle, demo.root / "keys" / "operator.key", lie)
    code, failed = _cli(bundle, demo, after_crash, "epoch-0003")
    assert code == 1, failed
    assert {"completeness.cutoff", "completeness.prices"} <= set(failed), failed
    assert "AAPL" in failed["completeness.prices"]
    code, failed = _cli(bundle, demo)
    assert code == 1 and "price.AAPL" in failed, failed


def test_cutoff_alone_moved_fails_against_the_ledger(demo: Demo, after_crash: Path, tmp_path: Path) -> None:
    """Only ``cutoff_time`` moved back a day (prices.json's cut-off with it): the ledger's time of
    entry journal_seq says otherwise."""
    from datetime import datetime, timedelta

    bundle = copy_bundle(after_crash / "epochs" / "epoch-0003", tmp_path)

    def lie(s: dict[str, Any]) -> None:
        t = datetime.strptime(s["cutoff_time"], "%Y-%m-%dT%H:%M:%S.%fZ") - timedelta(days=1)
        s["cutoff_time"] = t.strftime("%Y-%m-%dT%H:%M:%S.%fZ")

    _edit(bundle, demo.root / "keys" / "operator.key", lie)
    code, failed = _cli(bundle, demo, after_crash, "epoch-0003")
    assert code == 1 and "completeness.cutoff" in failed, failed
