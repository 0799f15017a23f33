"""The auditor's verifier as a library (docs/protocol.md §9.5): the previous-bundle rule holds without the
CLI, the steps open no file and no database, the ledger is a view the caller may inject."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from por.bundle.opened import open_bundle
from por.ledger.view import LedgerAuditView
from por.verify import Result, verify_bundle
from por.verify.auditor import audit_bundle
from por.verify.inputs import Given, Loaded
from tests.fixtures import Demo, clone_workspace
from tests.forge import resign


def failed(res: Result) -> dict[str, str]:
    return {c.id: c.message for c in res.checks if not c.ok}


def epochs_copy(root: Path, tmp_path: Path) -> Path:
    dst = tmp_path / "epochs"
    shutil.copytree(root / "epochs", dst)
    return dst


def drop_previous(bundle: Path, key: Path) -> None:
    """A hostile operator re-signs epoch 2 as a first epoch: no previous position anywhere."""
    log = json.loads((bundle / "ledger-log.json").read_text())
    log["previous"] = None
    (bundle / "ledger-log.json").write_text(json.dumps(log))

    def edit(signed: dict[str, Any]) -> None:
        signed["ledger_log"] = log
        signed["previous"] = None

    resign(bundle, key, edit)


def test_dropping_previous_cannot_skip_the_consistency_check(demo: Demo, tmp_path: Path) -> None:
    """From the library, no CLI: the earlier bundle beside this one is found by content (whatever its
    folder is called), so a bundle that names no previous epoch fails ``ledger-log.previous``."""
    epochs = epochs_copy(demo.root, tmp_path)
    key = str(demo.root / "keys" / "operator.pub")
    honest = verify_bundle(epochs / "epoch-0002", operator_key=key, trust_bundle_keyring=True)
    assert honest.ok, failed(honest)
    assert "the previous epoch is epoch-0001" in {c.id: c.message for c in honest.checks}["ledger-log.previous"]

    drop_previous(epochs / "epoch-0002", demo.root / "keys" / "operator.key")
    (epochs / "epoch-0001").rename(epochs / "zz-renamed")  # a name sorting after this one's changes nothing
    res = verify_bundle(epochs / "epoch-0002", operator_key=key, trust_bundle_keyring=True)
    assert list(failed(res)) == ["ledger-log.previous"], failed(res)
    assert "dropping it would skip the consistency check" in failed(res)["ledger-log.previous"]
    # only a caller who turns discovery off (the seal stage, which gives its own previous) escapes it
    off = verify_bundle(epochs / "epoch-0002", operator_key=key, trust_bundle_keyring=True, discover_previous=False)
    assert off.ok, failed(off)


def test_a_named_previous_epoch_that_is_not_there_fails(demo: Demo, tmp_path: Path) -> None:
    epochs = epochs_copy(demo.root, tmp_path)
    shutil.rmtree(epochs / "epoch-0001")
    res = verify_bundle(epochs / "epoch-0002", operator_key=str(demo.root / "keys" / "operator.pub"),
                        trust_bundle_keyring=True)
    assert list(failed(res)) == ["ledger-log.previous"], failed(res)
    assert "no earlier bundle is beside this one" in failed(res)["ledger-log.previous"]


def _secret(ws: Path, epoch: str) -> bytes:
    from por.tree.secret_file import read_master_secret

    return read_master_secret(ws / "private" / epoch / "master.secret")


def _url(ws: Path) -> str:
    return str(json.loads((ws / "por.json").read_text())["db"])


def test_the_steps_open_no_file_and_no_database(demo: Demo, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """The edge opens the bundle, the verifier's own files and the ledger; then the bundle is moved
    away and opening a ledger or a database engine is forbidden: the steps give the same result."""
    import sqlalchemy

    from por.ledger import Ledger

    ws = clone_workspace(demo.root, tmp_path / "ws")
    bundle = ws / "epochs" / "epoch-0002"
    key = str(ws / "keys" / "operator.pub")
    want = verify_bundle(bundle, operator_key=key, ledger_url=_url(ws), master_secret=_secret(ws, "epoch-0002"))
    assert want.ok, failed(want)
    given = Given.read(bundle, operator_key=key, master_secret=_secret(ws, "epoch-0002"))

    def forbidden(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError(f"a step opened something: {args!r:.200}")

    with open_bundle(bundle) as opened, LedgerAuditView.open(_url(ws)) as view:
        view.log_root(1)  # the engine has its connection
        bundle.rename(tmp_path / "moved")
        monkeypatch.setattr(Ledger, "open", forbidden)
        monkeypatch.setattr(LedgerAuditView, "open", forbidden)
        monkeypatch.setattr(sqlalchemy, "create_engine", forbidden)
        got = audit_bundle(opened, given, ledger=Loaded(view))
    assert got.ok, failed(got)
    assert [c.to_dict() for c in got.checks] == [c.to_dict() for c in want.checks]


def test_an_injected_ledger_view_is_the_one_opened_from_a_url(demo: Demo, tmp_path: Path) -> None:
    ws = clone_workspace(demo.root, tmp_path / "ws")
    bundle = ws / "epochs" / "epoch-0001"
    key = str(ws / "keys" / "operator.pub")
    by_url = verify_bundle(bundle, operator_key=key, ledger_url=_url(ws), master_secret=_secret(ws, "epoch-0001"))
    with LedgerAuditView.open(_url(ws)) as view:
        injected = verify_bundle(bundle, operator_key=key, ledger=view, master_secret=_secret(ws, "epoch-0001"))
    assert by_url.ok, failed(by_url)
    assert [c.to_dict() for c in injected.checks] == [c.to_dict() for c in by_url.checks]
    assert {"completeness.accounts", "completeness.keyring", "ledger.signatures"} <= {c.id for c in injected.checks}


def test_an_unusable_ledger_is_a_failed_check_not_a_traceback(demo: Demo, tmp_path: Path) -> None:
    bundle = epochs_copy(demo.root, tmp_path) / "epoch-0001"
    res = verify_bundle(bundle, operator_key=str(demo.root / "keys" / "operator.pub"),
                        ledger_url=f"sqlite:///{tmp_path / 'no-such-ledger.db'}", master_secret=b"\x01" * 32)
    assert {"completeness", "ledger"} <= set(failed(res)), failed(res)
    assert "trust.keyring" not in failed(res)  # with ledger access, the keyring is the ledger's to judge
