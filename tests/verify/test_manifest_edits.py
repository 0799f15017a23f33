"""Issue 14 item 8: a lying operator edits any field of the manifest, to any value of any type, and
re-signs it with its own key. No such edit passes the auditor, and none makes it raise.

The only fields an edit may leave passing are those that state no figure: ``created_at`` (when the
operator wrote the file). Everything else is a figure, a binding or a position some check compares.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import json_paths
from tests.fixtures import Demo
from tests.forge import resign

FREE = {("created_at",)}  # states no figure
EPOCHS = ("epoch-0001", "epoch-0002")


def _set(doc: Any, path: tuple[Any, ...], value: Any) -> None:
    for k in path[:-1]:
        doc = doc[k]
    doc[path[-1]] = value


def _get(doc: Any, path: tuple[Any, ...]) -> Any:
    for k in path:
        doc = doc[k]
    return doc


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(2**70), max_value=2**70)
    | st.text(max_size=12) | st.sampled_from(["epoch-0001", "epoch-0000", "USD", "AAPL", "equity", "debt", "00" * 32]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=6)


def _signed(demo: Demo, epoch: str) -> dict[str, Any]:
    return json.loads((demo.bundle(epoch) / "manifest.json").read_text())["signed"]  # type: ignore[no-any-return]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                   HealthCheck.too_slow])
@given(data=st.data())
def test_no_resigned_edit_passes(demo: Demo, tmp_path_factory: Any, memo_verify_tree: Any, data: Any) -> None:
    from por.verify import verify_bundle

    epoch = data.draw(st.sampled_from(EPOCHS), label="epoch")
    signed = _signed(demo, epoch)
    paths = [p for p in json_paths(signed) if p[0] != "files" and p[:1] not in FREE]
    path = data.draw(st.sampled_from(paths), label="path")
    old = _get(signed, path)
    value = data.draw(json_values.filter(lambda v: v != old or type(v) is not type(old)), label="value")

    root = tmp_path_factory.mktemp("edit")
    for e in EPOCHS:
        shutil.copytree(demo.bundle(e), root / e)
    bundle = root / epoch
    resign(bundle, demo.root / "keys" / "operator.key", lambda s: _set(s, path, value))

    res = verify_bundle(bundle, operator_key=str(demo.operator_pub), trust_bundle_keyring=True)
    assert not res.ok, f"edit of {path} from {old!r:.80} to {value!r:.80} passed every check"
    assert res.failures and all(c.message for c in res.failures)


def test_unedited_bundles_pass(demo: Demo, tmp_path: Path) -> None:
    """The property above is not vacuous: the same copies, re-signed without an edit, pass."""
    from por.verify import verify_bundle

    for e in EPOCHS:
        shutil.copytree(demo.bundle(e), tmp_path / e)
    for e in EPOCHS:
        resign(tmp_path / e, demo.root / "keys" / "operator.key")
    # epoch 2 names epoch 1's manifest hash: re-signing epoch 1 does not change its signed body
    for e in EPOCHS:
        res = verify_bundle(tmp_path / e, operator_key=str(demo.operator_pub), trust_bundle_keyring=True)
        assert res.ok, [(c.id, c.message) for c in res.failures]
