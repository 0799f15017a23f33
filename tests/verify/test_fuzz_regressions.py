"""Holes the mutation fuzz test (tests/cli/test_mutations.py, ``pytest -m fuzz``) found in the auditor's
verifier, each pinned as the re-signed edit it drew (docs/protocol.md §9.5)."""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from por.result import Result
from por.tree.secret_file import read_master_secret
from por.verify import verify_bundle
from tests.fixtures import Demo
from tests.forge import resign

from .test_resigned_edits import edited, failed


def unpublished_ledger(workspace: Path, out: Path) -> str:
    """The workspace's SQLite ledger without its last entry, epoch 2's ``epoch.publish``: the ledger of
    an operator that records the hash of the manifest it re-signed (the tail cut: the chain holds)."""
    shutil.copyfile(workspace / "ledger.db", out)
    with sqlite3.connect(out) as db:
        last = db.execute("SELECT max(seq) FROM ledger_journal WHERE type != 'epoch.publish'").fetchone()[0]
        assert db.execute("DELETE FROM ledger_journal WHERE seq > ?", (last,)).rowcount == 1
        db.execute("UPDATE ledger_head SET seq = j.seq, entry_hash = j.entry_hash, time = j.time "
                   "FROM (SELECT seq, entry_hash, time FROM ledger_journal WHERE seq = ?) AS j", (last,))
    db.close()
    return f"sqlite:///{out}"


def ledger_edited(workspace: Path, tmp_path: Path, name: str, edit: Callable[[Any], None]) -> Result:
    """Epoch 2 (epoch 1 beside it) with ``edit`` applied to bundle file ``name``, re-signed by the
    operator, audited with the ledger as it stood before the epoch's publication was recorded."""
    for epoch in ("epoch-0001", "epoch-0002"):
        shutil.copytree(workspace / "epochs" / epoch, tmp_path / "epochs" / epoch)
    bundle = tmp_path / "epochs" / "epoch-0002"
    doc = json.loads((bundle / name).read_text())
    edit(doc)
    (bundle / name).write_text(json.dumps(doc, indent=2, sort_keys=True) + "\n")
    resign(bundle, workspace / "keys" / "operator.key")
    return verify_bundle(bundle, operator_key=str(workspace / "keys" / "operator.pub"),
                         ledger_url=unpublished_ledger(workspace, tmp_path / "ledger.db"),
                         master_secret=read_master_secret(workspace / "private" / "epoch-0002" / "master.secret"))


def test_the_unpublished_ledger_passes_the_honest_bundle(demo: Demo, tmp_path: Path) -> None:
    res = ledger_edited(demo.root, tmp_path, "prices.json", lambda d: None)
    assert res.ok, failed(res)
    assert {"completeness.prices", "completeness.epochs"} <= {c.id for c in res.checks}


def test_the_quotes_name_the_ledger_entries_of_record(demo: Demo, tmp_path: Path) -> None:
    """Fuzz: prices.json re-signed with a quote naming another price entry of the ledger (616 for 617,
    an entry of another asset) passed with the ledger: ``completeness.prices`` compared the prices only;
    it now compares every quote's ``ledger_entries`` with the entries of record (§9.3, §9.5 step 11)."""
    def edit(doc: dict[str, Any]) -> None:
        quoted = [q for q in doc["quotes"].values() if q["ledger_entries"]]
        quoted[0]["ledger_entries"][0] = quoted[1]["ledger_entries"][0]

    f = failed(ledger_edited(demo.root, tmp_path, "prices.json", edit))
    assert f.keys() == {"completeness.prices"}, f
    assert "ledger entries" in f["completeness.prices"]


def _reporting_quote(doc: dict[str, Any]) -> dict[str, Any]:
    return doc["quotes"][doc["reporting_currency"]]


@pytest.mark.parametrize("edit", [
    lambda q: q.pop("reporting_currency"),  # the quote of price 1 no longer says it is the reporting currency
    lambda q: q.update(time="2020-01-01T00:00:00Z"),  # nor at the cut-off
    lambda q: q.update(oracles=["oracle-1"]),
    lambda q: q.update(ledger_entries=[1]),
], ids=["unmarked", "time", "oracles", "entries"])
def test_the_reporting_currency_quote_is_the_writers(demo: Demo, tmp_path: Path, edit: Any) -> None:
    """Fuzz: prices.json re-signed with the reporting currency's quote no longer marked as such passed
    (only its price was compared); the quote must be exactly the one the writer makes (§9.3)."""
    res = edited(demo.root, tmp_path, "prices.json", lambda d: edit(_reporting_quote(d)))
    f = failed(res)
    assert "price.USD" in f, f
    assert "reporting currency" in f["price.USD"]


def test_true_is_not_one(demo: Demo, tmp_path: Path) -> None:
    """Fuzz: prices.json re-signed with the reporting currency's ``reporting_currency: 1`` passed:
    pydantic's ``Literal[True]`` takes 1 even in strict mode (1 == True); the models' true-only fields
    now refuse an integer (``OnlyBool``), as ``NoBool`` refuses a boolean for an integer."""
    from pydantic import ValidationError

    from por.bundle import parse_prices
    from por.bundle.ledger_log import MerkleProofMetadata
    from por.errors import DocumentError

    res = edited(demo.root, tmp_path, "prices.json", lambda d: _reporting_quote(d).update(reporting_currency=1))
    f = failed(res)
    assert "price.file" in f and "must be true" in f["price.file"], f
    doc = json.loads((demo.root / "epochs" / "epoch-0001" / "prices.json").read_text())
    _reporting_quote(doc)["reporting_currency"] = 1
    with pytest.raises(DocumentError, match="must be true"):
        parse_prices(json.dumps(doc).encode())
    meta = {"algorithm": "sha256", "security": True, "size": 2, "prior_size": 1}
    assert MerkleProofMetadata.model_validate(meta).security is True
    with pytest.raises(ValidationError, match="must be true"):
        MerkleProofMetadata.model_validate({**meta, "security": 1})


@pytest.mark.parametrize("edit", [
    lambda d: d["members"].reverse(),
    lambda d: next(m for m in d["members"] if len(m["roles"]) > 1)["roles"].reverse(),
], ids=["members", "roles"])
def test_the_keyring_is_the_ledgers_as_written(demo: Demo, tmp_path: Path, edit: Any) -> None:
    """Fuzz: keyring.json re-signed with its members in reverse order passed with the ledger:
    ``completeness.keyring`` compared it after normalising it (members by id, roles sorted); the
    published document must be the ledger's members as the writer writes them (§9.5 step 11)."""
    f = failed(ledger_edited(demo.root, tmp_path, "keyring.json", edit))
    assert f.keys() == {"completeness.keyring"}, f


def test_a_prices_file_that_does_not_parse_leaves_the_cutoff_check_standing(demo: Demo, tmp_path: Path) -> None:
    """Fuzz: with prices.json unreadable, ``completeness.cutoff`` was not reported at all (the quotes were
    read first); it is checked on its own, and ``completeness.prices`` fails naming the file."""
    res = ledger_edited(demo.root, tmp_path, "prices.json", lambda d: d.update(format="por-prices/9"))
    checks = {c.id: c for c in res.checks}
    assert checks["completeness.cutoff"].ok
    assert not checks["completeness.prices"].ok and "prices.json" in checks["completeness.prices"].message
    assert not checks["price.file"].ok


@pytest.mark.parametrize(("kind", "check"), [("reserves.collect", "completeness.attestations"),
                                            ("member.add", "completeness.keyring")])
@pytest.mark.parametrize("body", ["{not json", '{"v": 2, "type": "reserves.collect"}', '{"payload": []}'])
def test_a_damaged_ledger_row_read_by_the_completeness_step_is_a_failed_check(demo: Demo, tmp_path: Path,
                                                                              body: str, kind: str, check: str) -> None:
    """A database writer rewrites the body of a ``reserves.collect`` or ``member.add`` row (the journal's signature
    no longer covers it): the completeness step that reads it fails a check, never raises; the replay
    (step 12) names the row too."""
    for epoch in ("epoch-0001", "epoch-0002"):
        shutil.copytree(demo.root / "epochs" / epoch, tmp_path / "epochs" / epoch)
    db = tmp_path / "ledger.db"
    shutil.copyfile(demo.root / "ledger.db", db)
    with sqlite3.connect(db) as conn:
        seq = conn.execute("SELECT max(seq) FROM ledger_journal WHERE type = ?", (kind,)).fetchone()[0]
        conn.execute("UPDATE ledger_journal SET body = ? WHERE seq = ?", (body, seq))
    conn.close()
    res = verify_bundle(tmp_path / "epochs" / "epoch-0002", operator_key=str(demo.root / "keys" / "operator.pub"),
                        ledger_url=f"sqlite:///{db}",
                        master_secret=read_master_secret(demo.root / "private" / "epoch-0002" / "master.secret"))
    f = failed(res)
    assert not res.ok and check in f and "ledger.canonical" in f, f
