"""Public disclosure end to end: the manifest carries the liabilities per asset and column (and the
leaf count), the solvency proofs open the root commitments, and the auditor checks that the
manifest's figures are the opened values (``solvency.disclosure``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.fixtures import copy_bundle, only_check
from tests.forge import resign


@pytest.fixture(scope="module")
def public_epoch(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Any]:
    from por.epoch.demo import setup
    from por.epoch.pipeline import Pipeline
    from por.verify import verify_bundle

    root = tmp_path_factory.mktemp("public") / "w"
    s = setup(root, 12, 5)
    pipe = Pipeline(s.workspace, disclosure="public", simulators=s.parties, seal_check=verify_bundle)
    pipe.run()
    return root, s.workspace.bundle_dir(pipe.epoch_id)


def _audit(root: Path, bundle: Path) -> Any:
    from por.verify import verify_bundle

    return verify_bundle(bundle, operator_key=str(root / "keys" / "operator.pub"), trust_bundle_keyring=True)


def test_public_bundle_publishes_and_proves_its_liabilities(public_epoch: tuple[Path, Any]) -> None:
    from por.epoch.bundle import read_signed_manifest

    root, bundle = public_epoch
    m = read_signed_manifest(bundle).signed
    assert m.disclosure == "public" and m.tree.leaf_count == 12
    assert m.liabilities is not None and set(m.liabilities) == {c.asset for c in m.columns}
    assert m.liabilities["USD"]["equity"] > 0 and m.liabilities["USD"]["debt"] > 0
    res = _audit(root, bundle)
    assert res.ok, [str(c) for c in res.failures]
    assert only_check(res, "solvency.disclosure").ok


def test_a_published_liability_that_is_not_the_opened_value_fails(public_epoch: tuple[Path, Any],
                                                                  tmp_path: Path) -> None:
    def understate(signed: dict[str, Any]) -> None:
        signed["liabilities"]["USD"]["equity"] -= 1  # a smaller figure of what is owed

    root, src = public_epoch
    bundle = copy_bundle(src, tmp_path)
    resign(bundle, root / "keys" / "operator.key", understate, relist=False)
    res = _audit(root, bundle)
    check = only_check(res, "solvency.disclosure")
    assert not check.ok and "not the values the solvency proofs open" in check.message
    assert [c.id for c in res.failures] == ["solvency.disclosure"]


def test_a_disclosure_mode_the_proofs_do_not_have_fails(public_epoch: tuple[Path, Any], tmp_path: Path) -> None:
    root, src = public_epoch
    bundle = copy_bundle(src, tmp_path)
    resign(bundle, root / "keys" / "operator.key", lambda s: s.update(disclosure="hidden"))
    check = only_check(_audit(root, bundle), "solvency.disclosure")
    assert not check.ok and "'hidden'" in check.message
