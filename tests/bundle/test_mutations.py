"""Damaged documents are refused by the schema AND the models, with a DocumentError naming the field;
random damage never raises anything but a DocumentError (docs/protocol.md §9.5, docs/schemas)."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from por import canonical
from por.bundle import DOCUMENTS, DocumentError
from por.bundle.schemas import schema_of
from por.errors import EncodingError
from tests.bundle.conftest import Corpus

_VALIDATORS: dict[str, Draft202012Validator] = {}


def _validator(name: str) -> Draft202012Validator:
    if name not in _VALIDATORS:
        _VALIDATORS[name] = Draft202012Validator(schema_of(DOCUMENTS[name]))
    return _VALIDATORS[name]


def encode(name: str, value: Any) -> bytes:
    """The bytes a writer of ``name`` would produce for ``value`` (canonical where the format says so)."""
    if name in ("manifest", "report-signature"):
        try:
            data = canonical.dumps(value)
        except EncodingError:  # a lone surrogate drawn by hypothesis: written \\udXXX, as json.dumps would
            data = json.dumps(value, sort_keys=True, separators=(",", ":")).encode()
        return data + (b"\n" if name == "report-signature" else b"")
    return json.dumps(value, indent=2, sort_keys=True).encode()


def _set(path: str | tuple[str, ...], value: Any) -> Callable[[Any], None]:
    def edit(doc: Any) -> None:
        *head, last = _parts(path)
        node = doc
        for p in head:
            node = node[p]
        node[last] = value
    return edit


def _del(path: str | tuple[str, ...]) -> Callable[[Any], None]:
    def edit(doc: Any) -> None:
        *head, last = _parts(path)
        node = doc
        for p in head:
            node = node[p]
        del node[last]
    return edit


def _parts(path: str | tuple[str, ...]) -> list[Any]:
    names = path if isinstance(path, tuple) else tuple(path.split("."))
    return [int(p) if p.isdigit() else p for p in names]


# (document, what is damaged, the edit, the field path the DocumentError must name)
MUTATIONS: list[tuple[str, str, Callable[[Any], None], str]] = [
    ("manifest", "bool for int", _set("signed.tree.height", True), "signed.tree.height"),
    ("manifest", "out of range", _set("signed.tree.height", 41), "signed.tree.height"),
    ("manifest", "string for int", _set("signed.tree.height", "5"), "signed.tree.height"),
    ("manifest", "zero journal position", _set("signed.journal_seq", 0), "signed.journal_seq"),
    ("manifest", "upper-case hex", _set("signed.nonce", "AB" * 32), "signed.nonce"),
    ("manifest", "short hex", _set("signed.nonce", "ab" * 31), "signed.nonce"),
    ("manifest", "string price", _set("signed.prices.AAPL", "1"), "signed.prices.AAPL"),
    ("manifest", "zero price", _set("signed.prices.AAPL", 0), "signed.prices.AAPL"),
    ("manifest", "missing field", _del("signed.files"), "signed.files"),
    ("manifest", "unknown field", _set("signed.extra", 1), "signed.extra"),
    ("manifest", "unknown signature field", _set("signatures.0.note", "x"), "signatures[0].note"),
    ("manifest", "bad signature hex", _set("signatures.0.signature", "zz"), "signatures[0].signature"),
    ("manifest", "unknown role", _set("signatures.0.role", "king"), "signatures[0].role"),
    ("manifest", "unknown disclosure", _set("signed.disclosure", "secret"), "signed.disclosure"),
    ("manifest", "no columns", _set("signed.columns", []), "signed.columns"),
    ("manifest", "unknown kind", _set("signed.columns.0.kind", "loan"), "signed.columns[0].kind"),
    ("manifest", "unknown reason", _set("signed.reserves.USD.custodians.0.reason", "because"),
     "signed.reserves.USD.custodians[0].reason"),
    ("manifest", "bool for bool-or-int", _set("signed.reserves.USD.amount", True), "signed.reserves.USD.amount"),
    ("manifest", "short log root", _set("signed.ledger_log.root", "00" * 31), "signed.ledger_log.root"),
    ("manifest", "odd hex context", _set("signed.tree.context", "abc"), "signed.tree.context"),
    ("manifest", "other major version", _set("signed.format", "por-manifest/2"), "signed.format"),
    ("manifest", "previous not an object", _set("signed.previous", 7), "signed.previous"),
    ("manifest", "time not a time", _set("signed.cutoff_time", "yesterday"), "signed.cutoff_time"),
    ("manifest", "haircut above 100 %", _set("signed.haircuts_bps.AAPL", 10_001), "signed.haircuts_bps.AAPL"),
    ("manifest", "decimals above 18", _set("signed.assets.USD.decimals", 19), "signed.assets.USD.decimals"),
    ("manifest", "negative file size", _set(("signed", "files", "prices.json", "size"), -1), "signed.files.prices.json.size"),
    ("manifest", "unknown leaf format", _set("signed.tree.leaf_format", "por-leaf/1"), "signed.tree.leaf_format"),
    ("manifest", "quorum zero", _set("signed.reserves_config.assets.USD.reserve.quorum", 0),
     "signed.reserves_config.assets.USD.reserve.quorum"),
    ("client-proof", "bool for int", _set("height", True), "height"),
    ("client-proof", "negative position", _set("position", -1), "position"),
    ("client-proof", "upper-case secret", _set("leaf_secret", "AB" * 32), "leaf_secret"),
    ("client-proof", "bad base64", _set("path.0.block.proof", "###="), "path[0].block.proof"),
    ("client-proof", "int for decimal string", _set("values.0", 5), "values[0]"),
    ("client-proof", "leading zero", _set("values.0", "007"), "values[0]"),
    ("client-proof", "unknown field", _set("note", "x"), "note"),
    ("client-proof", "missing root", _del("root"), "root"),
    ("client-proof", "unknown mode", _set("mode", "clear"), "mode"),
    ("client-proof", "string level", _set("path.0.level", "0"), "path[0].level"),
    ("client-proof", "short root hash", _set("root.hash", "00" * 31), "root.hash"),
    ("client-proof", "haircut above 100 %", _set("collateral.haircuts_bps.USD", 10_001), "collateral.haircuts_bps.USD"),
    ("client-proof", "block without proof key", _del("path.1.block.proof"), "path[1].block.proof"),
    ("client-proof", "collateral without its proof", _del("collateral.proof"), "collateral.proof"),
    ("client-proof", "a sum where a commitment goes", _set("root.columns.0", "12"), "root.columns"),
    ("client-proof", "statement bits", _set("statements.node-range-linear.bits", 7), "statements.node-range-linear.bits"),
    ("prices", "bad report signature", _set("reports.0.signature", "zz"), "reports[0].signature"),
    ("prices", "zero price", _set("quotes.AAPL.price_e8", 0), "quotes.AAPL.price_e8"),
    ("prices", "old format", _set("format", "por-prices/1"), "format"),
    ("prices", "unknown field", _set("extra", []), "extra"),
    ("prices", "float-like string time", _set("cutoff", "2026-12-07T05:00:58.5Z"), "cutoff"),
    ("prices", "null flag", _set("quotes.AAPL.reporting_currency", False), "quotes.AAPL.reporting_currency"),
    ("attestations", "upper-case nonce", _set("epoch.nonce", "AB" * 32), "epoch.nonce"),
    ("attestations", "negative amount", _set("attestations.0.attestation.statement.amount", -1),
     "attestations[0].attestation.statement.amount"),
    ("attestations", "short BLS key", _set("attestations.0.attestation.signatures.0.signers.0.public_key", "ab"),
     "attestations[0].attestation.signatures[0].signers[0].public_key"),
    ("attestations", "missing label", _del("attestations.0.label"), "attestations[0].label"),
    ("solvency", "unknown disclosure", _set("proofs.USD.disclosure", "secret"), "proofs.USD.disclosure"),
    ("solvency", "bool reserves", _set("proofs.USD.reserves", True), "proofs.USD.reserves"),
    ("solvency", "short commitment", _set("proofs.USD.commitments.equity", "ab" * 47), "proofs.USD.commitments.equity"),
    ("solvency", "unknown column", _set("proofs.USD.commitments.loan", "ab" * 48), "proofs.USD.commitments.loan"),
    ("ledger-log", "zero size", _set("size", 0), "size"),
    ("ledger-log", "bool root", _set("root", True), "root"),
    ("ledger-log", "previous not an object", _set("previous", "epoch-0001"), "previous"),
    ("keyring", "unknown role", _set("members.0.roles", ["king"]), "members[0].roles[0]"),
    ("keyring", "short key", _set("members.0.ed25519_public_key", "ab" * 31), "members[0].ed25519_public_key"),
    ("keyring", "other format", _set("format", "por-keyring/2"), "format"),
    ("keyring", "missing revocation", _del("members.0.revoked_at"), "members[0].revoked_at"),
    ("report-signature", "bool size", _set("size", True), "size"),
    ("report-signature", "other algorithm", _set("algorithm", "rsa"), "algorithm"),
    ("report-signature", "unknown field", _set("comment", "x"), "comment"),
    ("report-signature", "version 1", _set("format", "por-report-signature/1"), "format"),
    ("price-report", "unknown scheme", _set("scheme", "rsa"), "scheme"),
    ("price-report", "zero price", _set("report.price_e8", 0), "report.price_e8"),
    ("attestation", "time not a time", _set("statement.as_of", "yesterday"), "statement.as_of"),
    ("attestation", "odd challenge", _set("statement.challenge", "abc"), "statement.challenge"),
]


def _sample(corpus: Corpus, name: str) -> Any:
    for path in corpus.of(name):
        doc = json.loads(path.read_bytes())
        if name == "client-proof" and not (doc["mode"] == "committed" and doc.get("collateral")
                                           and "node-range-linear" in doc["statements"]):
            continue
        if name == "ledger-log" and doc["previous"] is None:
            continue
        return doc
    raise AssertionError(f"no sample of {name}")


@pytest.mark.parametrize("name, what, edit, path", MUTATIONS, ids=[f"{m[0]}-{m[1]}" for m in MUTATIONS])
def test_mutation_is_refused_by_schema_and_model(corpus: Corpus, name: str, what: str,
                                                 edit: Callable[[Any], None], path: str) -> None:
    doc = copy.deepcopy(_sample(corpus, name))
    edit(doc)
    schema_errors = list(_validator(name).iter_errors(doc))
    assert schema_errors, f"the schema accepts {what}"
    with pytest.raises(DocumentError) as info:
        DOCUMENTS[name].parse(encode(name, doc))
    assert info.value.path == path, (info.value.path, str(info.value))
    assert str(info.value).startswith(f"{info.value.document}: {path}: ")


# ---- random damage ------------------------------------------------------------------------------------
_junk = st.one_of(st.none(), st.booleans(), st.integers(-2**70, 2**70), st.text(max_size=12),
                  st.sampled_from(["", "00", "ab" * 32, "AB" * 32, "-1", "0", "007", "2026-12-07T05:00:58Z", "committed",
                                   "equity", "====", "counted", "\ud800", "a\x00b"]),
                  st.lists(st.integers(-2, 2), max_size=3), st.dictionaries(st.text(max_size=3), st.integers(), max_size=2))


def _mutate(data: st.DataObject, doc: Any) -> None:
    node: Any = doc
    for _ in range(data.draw(st.integers(0, 6))):
        keys = list(node.keys()) if isinstance(node, dict) else list(range(len(node)))
        if not keys:
            break
        key = data.draw(st.sampled_from(keys))
        if not isinstance(node[key], (dict, list)) or not node[key]:
            break
        node = node[key]
    keys = list(node.keys()) if isinstance(node, dict) else list(range(len(node)))
    action = data.draw(st.sampled_from(["replace", "delete", "add"]))
    if action == "add" and isinstance(node, dict):
        node[data.draw(st.text(min_size=1, max_size=8))] = data.draw(_junk)
    elif action == "add":
        node.append(data.draw(_junk))
    elif keys and action == "delete":
        del node[data.draw(st.sampled_from(keys))]
    elif keys:
        node[data.draw(st.sampled_from(keys))] = data.draw(_junk)


_CASES = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                           HealthCheck.too_slow])


@given(st.data())
@_CASES
def test_random_damage_is_a_document_error_and_the_model_is_no_looser_than_the_schema(
        corpus: Corpus, data: st.DataObject) -> None:
    name, path = data.draw(st.sampled_from(corpus.files))
    doc = json.loads(path.read_bytes())
    _mutate(data, doc)
    raw = encode(name, doc)
    try:
        DOCUMENTS[name].parse(raw)
        accepted = True
    except DocumentError as exc:
        assert exc.document and exc.problems
        str(exc).encode("utf-8")  # printable whatever the damage (a lone surrogate is escaped)
        accepted = False
    if accepted:
        errors = [e.message for e in _validator(name).iter_errors(doc)]
        assert not errors, f"the model accepts what the schema refuses: {errors[:2]}"


@given(st.data())
@_CASES
def test_random_bytes_are_a_document_error(corpus: Corpus, data: st.DataObject) -> None:
    name, path = data.draw(st.sampled_from(corpus.files))
    raw = bytearray(path.read_bytes())
    for _ in range(data.draw(st.integers(1, 4))):
        i = data.draw(st.integers(0, len(raw) - 1))
        raw[i] = data.draw(st.integers(0, 255))
    try:
        DOCUMENTS[name].parse(bytes(raw))
    except DocumentError:
        pass
