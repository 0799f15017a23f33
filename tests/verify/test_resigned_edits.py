"""Edits a re-signing operator could make that passed the auditor before the models were wired
(docs/protocol.md §9.5 steps 5, 7 and 8): each now fails the check named here."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from por.verify import Result, verify_bundle
from tests.fixtures import Demo, clone_workspace
from tests.forge import resign


def failed(res: Result) -> dict[str, str]:
    return {c.id: c.message for c in res.checks if not c.ok}


def edited(root: Path, tmp_path: Path, name: str, edit: Callable[[Any], None],
           manifest: Callable[[dict[str, Any]], None] | None = None) -> Result:
    """Epoch 1 with ``edit`` applied to bundle file ``name`` (JSON), re-signed by the operator."""
    bundle = tmp_path / "epoch-0001"
    shutil.copytree(root / "epochs" / "epoch-0001", bundle)
    if name:
        doc = json.loads((bundle / name).read_text())
        edit(doc)
        (bundle / name).write_text(json.dumps(doc, indent=2, sort_keys=True) + "\n")
    resign(bundle, root / "keys" / "operator.key", manifest)
    return verify_bundle(bundle, operator_key=str(root / "keys" / "operator.pub"), trust_bundle_keyring=True)


def test_the_honest_bundle_passes(demo: Demo, tmp_path: Path) -> None:
    res = edited(demo.root, tmp_path, "", lambda d: None)
    assert res.ok, failed(res)
    assert "statement.set" in {c.id for c in res.checks}
    assert {c.id: c.ok for c in res.checks}["price.reports"]


@pytest.mark.parametrize("drop", ["all", "solvency", "node"])
def test_the_manifest_lists_exactly_the_statements_its_proofs_rest_on(demo: Demo, tmp_path: Path,
                                                                       drop: str) -> None:
    def edit(signed: dict[str, Any]) -> None:
        if drop == "all":
            signed["statements"] = {}
        elif drop == "solvency":
            del signed["statements"]["solvency"]
        else:
            del signed["statements"][next(s for s in signed["statements"] if s.startswith("node-range"))]

    res = edited(demo.root, tmp_path, "", lambda d: None, edit)
    assert "statement.set" in failed(res), failed(res)
    assert "rest on exactly" in failed(res)["statement.set"]


def _first_quote(doc: dict[str, Any]) -> dict[str, Any]:
    return next(q for q in doc["quotes"].values() if q["oracles"])


def _drop_one_report(doc: dict[str, Any]) -> None:
    """A quorum of two of three still gives the same median for some asset; the quote keeps three."""
    asset = _first_quote(doc)["asset"]
    i = next(i for i, r in enumerate(doc["reports"]) if r["report"]["asset"] == asset)
    del doc["reports"][i]


def _rename_oracle(doc: dict[str, Any]) -> None:
    q = _first_quote(doc)
    q["oracles"][0] = "oracle-9"


def _invalidate_report(doc: dict[str, Any]) -> None:
    r = doc["reports"][0]
    sig = r["signature"]
    r["signature"] = ("0" if sig[0] != "0" else "1") + sig[1:]


def _extra_entry(doc: dict[str, Any]) -> None:
    q = _first_quote(doc)
    q["ledger_entries"] = q["ledger_entries"] + [q["ledger_entries"][0]]


@pytest.mark.parametrize("edit", [_drop_one_report, _rename_oracle, _invalidate_report, _extra_entry],
                         ids=lambda f: f.__name__.strip("_"))
def test_a_quote_is_what_its_reports_give(demo: Demo, tmp_path: Path, edit: Callable[[Any], None]) -> None:
    res = edited(demo.root, tmp_path, "prices.json", edit)
    bad = failed(res)
    assert any(k.startswith("price.") and k not in ("price.file",) for k in bad), bad


def _duplicate_label(doc: dict[str, Any]) -> None:
    items = doc["attestations"]
    items[1]["label"] = items[0]["label"]


def _label_takes_a_check_id(doc: dict[str, Any]) -> None:
    doc["attestations"][0]["label"] = "context"


def _error_beside_an_attestation(doc: dict[str, Any]) -> None:
    doc["attestations"][0]["error"] = "cannot be read"


@pytest.mark.parametrize("edit", [_duplicate_label, _label_takes_a_check_id, _error_beside_an_attestation],
                         ids=lambda f: f.__name__.strip("_"))
def test_attestation_labels_and_errors_are_checked(demo: Demo, tmp_path: Path,
                                                    edit: Callable[[Any], None]) -> None:
    res = edited(demo.root, tmp_path, "attestations.json", edit)
    bad = failed(res)
    assert {"attestation.labels", "attestation"} & set(bad), bad


@pytest.mark.parametrize(("how", "check"), [("rename", "completeness.attestations"), ("reorder", "attestation.labels")])
def test_attestation_labels_and_order_are_the_ledgers_collection(demo: Demo, tmp_path: Path, how: str,
                                                                 check: str) -> None:
    """A label is the file name an attestation was collected as: nothing in the bundle derives it, so
    the ledger's reserves.collect entry for the epoch does (``completeness.attestations``, §9.5 step 11)."""
    from por.tree.secret_file import read_master_secret

    root = clone_workspace(demo.root, tmp_path / "ws")
    bundle = root / "epochs" / "epoch-0001"
    args = dict(operator_key=str(root / "keys" / "operator.pub"), ledger_url=json.loads((root / "por.json").read_text())["db"],
                master_secret=read_master_secret(root / "private" / "epoch-0001" / "master.secret"))
    honest = verify_bundle(bundle, **args)
    assert honest.ok, failed(honest)
    assert "completeness.attestations" in {c.id for c in honest.checks}
    doc = json.loads((bundle / "attestations.json").read_text())
    if how == "rename":
        doc["attestations"][0]["label"] = "another-name.json"
    else:
        doc["attestations"].reverse()
    (bundle / "attestations.json").write_text(json.dumps(doc, indent=2, sort_keys=True) + "\n")
    resign(bundle, root / "keys" / "operator.key")
    res = verify_bundle(bundle, **args)
    assert check in failed(res), failed(res)


def test_a_configuration_without_an_assets_price_policy_is_a_failed_check(demo: Demo, tmp_path: Path) -> None:
    """The manifest's reserves configuration re-signed without MSFT's price policy: ``price.MSFT``
    fails (it was a KeyError escaping the verifier; found by the mutation test)."""
    def edit(signed: dict[str, Any]) -> None:
        del signed["reserves_config"]["assets"]["MSFT"]["price"]

    res = edited(demo.root, tmp_path, "", lambda d: None, edit)
    assert not res.ok and "price.MSFT" in failed(res), failed(res)
    assert "no price policy" in failed(res)["price.MSFT"]
