"""The report reads epoch manifests with the verifiers' model (por.bundle.parse_manifest, protocol §9.4).

A manifest outside the format, even one validly signed by the operator, gives no figures: every reader
of the report (collect, the structural verifier, `por report verify --bundle`, `por stress run
--bundle`) refuses it with a failed check or a usage error that names the field path, never a
traceback and never a figure read from it.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from por import canonical
from por.bundle.manifest import MANIFEST, MANIFEST_PURPOSE
from por.cli.main import cli, main
from por.epoch.bundle import read_signed_manifest
from por.report import export, readback
from por.report.collect import collect, structural_verify
from por.signing import domain
from tests.report.conftest import GENERATED_AT, fixed_verifier, operator_key

#: (name, path in the signed body, value, the field path and sentence the parser names)
MALFORMED = [
    ("tree-mode", ("tree", "mode"), "pedersen", "signed.tree.mode: must be committed or plain"),
    ("nonce-16-bytes", ("nonce",), "ab" * 16, "signed.nonce: must be 32 bytes of lower-case hex"),
    ("unknown-tree-field", ("tree", "root_commitments"), [], "signed.tree.root_commitments: is not a field"),
    ("price-string", ("prices", "AAA"), "15000000000", "signed.prices.AAA: must be an integer from 1 to 2^128 - 1"),
]


def sign_raw(bundle: Path, path: tuple[str, ...], value: Any) -> None:
    """Set ``path`` of the manifest's signed body to ``value`` and re-sign it with the operator key (by hand:
    the model refuses to build such a body), so the signature verifies and only the model refuses it."""
    body = read_signed_manifest(bundle).signed.to_json_value()
    cur = body
    for k in path[:-1]:
        cur = cur[k]
    cur[path[-1]] = value
    key = operator_key()
    sig = key.sign(domain(MANIFEST_PURPOSE) + canonical.dumps(body)).hex()
    pub = read_signed_manifest(bundle).signatures[0]
    entry = {"role": "operator", "signer": "operator", "public_key": pub.public_key, "key_id": pub.key_id,
             "signature": sig}
    (bundle / MANIFEST).write_bytes(canonical.dumps({"signed": body, "signatures": [entry]}))


@pytest.mark.parametrize(("name", "path", "value", "said"), MALFORMED, ids=[m[0] for m in MALFORMED])
def test_collect_refuses_a_malformed_manifest_naming_the_field(epochs: Path, name: str, path: tuple[str, ...],
                                                              value: Any, said: str) -> None:
    sign_raw(epochs / "2024-06", path, value)
    rep = collect([epochs], None, verifier=fixed_verifier, generated_at=GENERATED_AT)
    assert not rep.verified and rep.epochs == ("2024-06", "2024-05")  # unreadable first, by name
    bad = next(v for v in rep.verification if v.epoch_id == "2024-06")
    check = next(c for c in bad.checks if c.id == "report.manifest")
    assert not check.ok and said in check.message and "2024-06/manifest.json" in check.message
    # no figure of it is reported: its epochs row is bare, its coverage, reserves and log rows absent
    row = next(r for r in rep.table("epochs").records() if r["epoch_id"] == "2024-06")
    assert (row["manifest_sha256"], row["cutoff_time"], row["tree_height"]) == (None, None, None)
    for table in ("coverage", "reserves", "attestation_signers", "log_roots"):
        assert all(r["epoch_id"] != "2024-06" for r in rep.table(table).records()), table
    assert any(said in note for note in rep.parameters.values())
    # the other epoch is still reported, and every export renders
    assert [r["coverage"] for r in rep.table("coverage").records() if r["asset"] == "USD"] == ["1.045454"]
    for fmt in ("json", "csv", "xlsx", "pdf"):
        assert export.render(rep, fmt)


def test_structural_verifier_refuses_a_malformed_manifest(epochs: Path) -> None:
    sign_raw(epochs / "2024-06", ("nonce",), "ab" * 16)
    res = structural_verify(epochs / "2024-06")
    assert [c.id for c in res.checks] == ["manifest.read"] and not res.ok
    assert "signed.nonce: must be 32 bytes of lower-case hex" in res.checks[0].message
    ok = structural_verify(epochs / "2024-05")
    assert next(c for c in ok.checks if c.id == "manifest.read").ok
    assert {c.id for c in ok.failures} == {"verifier.unavailable"}  # never claims the proofs verified


def test_report_against_a_malformed_bundle_fails_report_bundles(epochs: Path) -> None:
    """An honest report, then the bundle's manifest replaced by a malformed one validly signed."""
    rf = readback.read_report(export.to_json_bytes(collect([epochs], verifier=fixed_verifier,
                                                           generated_at=GENERATED_AT)))
    assert readback.check_against_bundles(rf, [epochs]).ok
    sign_raw(epochs / "2024-06", ("tree", "mode"), "pedersen")
    res = readback.check_against_bundles(rf, [epochs])
    assert [(c.id, c.ok) for c in res.checks] == [("report.bundles", False)]
    msg = res.checks[0].message
    assert "2024-06: manifest.json: signed.tree.mode: must be committed or plain" in msg
    assert "no bundle given for the report's epoch(s) 2024-06" in msg


def test_manifest_hash_is_the_sha256_of_the_signed_body_as_received(epochs: Path) -> None:
    """The hash the report binds is the one client proofs point at: SHA-256 of canonical(signed)."""
    raw = json.loads((epochs / "2024-05" / MANIFEST).read_bytes())
    want = hashlib.sha256(canonical.dumps(raw["signed"])).hexdigest()
    rep = collect([epochs], verifier=fixed_verifier, generated_at=GENERATED_AT)
    assert dict(rep.manifests())["2024-05"] == want == read_signed_manifest(epochs / "2024-05").sha256
    previous = read_signed_manifest(epochs / "2024-06").signed.previous
    assert previous is not None and previous.manifest_sha256 == want


def test_stress_bundle_prices_and_figures_from_the_model(epochs: Path, ledger_url: str,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    """`por stress run --bundle`: the epoch's prices and public reserves / liabilities (AAA has no debt
    column, so its debt is 0), and a malformed manifest is a usage error naming the field."""
    r = CliRunner().invoke(cli, ["stress", "run", "--ledger", ledger_url, "--bundle", str(epochs / "2024-06"),
                                 "--shock", "AAA=-50%", "--json"])
    assert r.exit_code == 0, r.output
    s = json.loads(r.output)["scenarios"][0]
    assert s["prices_before"] == {"AAA": 150 * 10**8, "USD": 10**8}
    # reserves 1,200,000.00 + 10,000 AAA at 75 = 1,950,000.00 over net liabilities USD 1,100,000.00 +
    # AAA 10,000 at 75 (750,000.00) + the uncovered bad debt 1,500.00 = 1,851,500.00: 1.0532001..., floored
    assert s["uncovered"] == 150_000 and s["reserves_coverage_after"] == "1.053200"
    sign_raw(epochs / "2024-06", ("tree", "mode"), "pedersen")
    with pytest.raises(SystemExit) as exit_:  # through por's entry point, as a shell runs it
        main(["stress", "run", "--ledger", ledger_url, "--bundle", str(epochs / "2024-06")])
    out = capsys.readouterr()
    assert exit_.value.code == 2 and "Traceback" not in out.out + out.err
    assert "2024-06/manifest.json: signed.tree.mode: must be committed or plain" in out.out + out.err


def test_cli_report_verify_against_a_malformed_bundle(epochs: Path, tmp_path: Path) -> None:
    """`por report verify --bundle` end to end (a subprocess): exit 1, report.bundles naming the field."""
    from tests.report.test_report_binding import failed, honest, message, verify

    f = honest(epochs, tmp_path, "json")
    sign_raw(epochs / "2024-05", ("nonce",), "ab" * 16)
    code, doc, out = verify(f, "--bundle", epochs)  # asserts no traceback
    assert code == 1 and failed(doc) == {"report.bundles"}, out
    assert "manifest.json: signed.nonce: must be 32 bytes of lower-case hex" in message(doc, "report.bundles")
