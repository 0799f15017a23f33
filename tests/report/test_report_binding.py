"""Issue 14 row K: a report signature says what it signs, `por report verify` checks the file is a
report, and (given the bundles) that its manifest hashes and figures are the bundles' (protocol §11.5).

Every attack is staged as the operator who holds the operator key would stage it, and checked through
the CLI (`python -m por.cli.main`, a subprocess): exit 1, a named check, no traceback.
"""

from __future__ import annotations

import hashlib
import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization

from por import canonical
from por.bundle.manifest import parse_manifest
from por.epoch.bundle import read_signed_manifest, write_signed_manifest
from por.report import export, signing
from por.report.collect import collect
from por.report.model import ReportData
from tests.report.conftest import GENERATED_AT, fixed_verifier, operator_key

EXT = {"json": "json", "csv": "zip", "xlsx": "xlsx", "pdf": "pdf"}


def por(*args: str | Path) -> tuple[int, dict[str, Any] | None, str]:
    """``por ARGS --json`` in a subprocess: (exit status, parsed JSON result or None, all output)."""
    cp = subprocess.run([sys.executable, "-m", "por.cli.main", *map(str, args)], capture_output=True, text=True,
                        timeout=300)
    out = cp.stdout + cp.stderr
    assert "Traceback" not in out, out[-3000:]
    try:
        doc = json.loads(cp.stdout)
    except ValueError:
        doc = None
    return cp.returncode, doc, out


def failed(doc: dict[str, Any] | None) -> set[str]:
    assert doc is not None
    return {c["id"] for c in doc["checks"] if not c["ok"]}


def message(doc: dict[str, Any] | None, check: str) -> str:
    assert doc is not None
    return next(c["message"] for c in doc["checks"] if c["id"] == check)


def pub_hex() -> str:
    return operator_key().public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw).hex()


def report_of(epochs: Path) -> ReportData:
    return collect([epochs], verifier=fixed_verifier, generated_at=GENERATED_AT)


def write_signed(data: bytes, out: Path) -> Path:
    out.write_bytes(data)
    signing.sign_file(out, operator_key())
    return out


def honest(epochs: Path, tmp_path: Path, fmt: str) -> Path:
    return write_signed(export.render(report_of(epochs), fmt), tmp_path / f"report.{EXT[fmt]}")


def verify(path: Path, *extra: str | Path) -> tuple[int, dict[str, Any] | None, str]:
    """``por report verify`` with the fixture operator key. The fixture bundles carry no proofs, so the
    auditor's verifier fails them: ``--no-audit`` unless the test asks for ``--audit``."""
    audit = () if "--audit" in extra else ("--no-audit",)
    return por("report", "verify", path, "--key", pub_hex(), "--json", *extra, *audit)


# -- the copied manifest signature ------------------------------------------------------------------


def forged_sig(data: bytes, signature_hex: str, sig_format: str) -> bytes:
    """A signature file for ``data`` carrying someone else's signature (no private key used)."""
    pub = bytes.fromhex(pub_hex())
    doc = {"format": sig_format, "algorithm": "ed25519", "purpose": "v1/report", "file": "report.json",
           "size": len(data), "sha256": hashlib.sha256(data).hexdigest(), "public_key": pub.hex(),
           "key_id": signing.key_id(pub), "signature": signature_hex}
    if sig_format.endswith("/1"):
        del doc["purpose"]
    return canonical.dumps(doc) + b"\n"


@pytest.mark.parametrize("sig_format", ["por-report-signature/2", "por-report-signature/1"])
@pytest.mark.parametrize("copied", ["signed-message", "body"])
def test_copied_manifest_signature_is_not_a_signed_report(epochs: Path, tmp_path: Path, copied: str,
                                                          sig_format: str) -> None:
    """The operator's manifest signature, copied onto the bytes it signs, was a "signed report" under the
    old domain-free scheme; now it fails signature.valid (or signature.format for the old version) and
    report.format (the bytes are a manifest, not a report)."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    m = read_signed_manifest(epochs / "2024-05")
    sig = m.signatures_by("operator")[0].signature
    data = m.message if copied == "signed-message" else m.body_bytes
    if copied == "signed-message":  # the attack is real: this signature verifies over exactly these bytes
        Ed25519PublicKey.from_public_bytes(bytes.fromhex(pub_hex())).verify(bytes.fromhex(sig), data)
    f = tmp_path / "report.json"
    f.write_bytes(data)
    (tmp_path / "report.json.sig").write_bytes(forged_sig(data, sig, sig_format))
    code, doc, out = verify(f)
    assert code == 1, out
    bad = failed(doc)
    assert "report.format" in bad
    assert ("signature.valid" if sig_format.endswith("/2") else "signature.format") in bad
    assert "not a regulator report" in message(doc, "report.format")
    # with the bundles too: nothing to check the figures of
    code, doc, out = verify(f, "--bundle", epochs)
    assert code == 1 and "report.bundles" in failed(doc)


def test_old_domain_free_signature_of_a_real_report_is_refused(epochs: Path, tmp_path: Path) -> None:
    f = tmp_path / "report.json"
    data = export.to_json_bytes(report_of(epochs))
    f.write_bytes(data)
    (tmp_path / "report.json.sig").write_bytes(forged_sig(data, operator_key().sign(data).hex(),
                                                          "por-report-signature/1"))
    code, doc, _ = verify(f)
    assert code == 1 and failed(doc) == {"signature.format"}
    assert "no domain" in message(doc, "signature.format")


def test_a_signed_file_that_is_not_a_report_fails_report_format(epochs: Path, tmp_path: Path) -> None:
    """Validly signed for v1/report, but a manifest, arbitrary JSON, a zip or plain text: report.format."""
    zbuf = io.BytesIO()
    with zipfile.ZipFile(zbuf, "w") as z:
        z.writestr("data.csv", "a,b\n1,2\n")
    for name, data in (("manifest.json", (epochs / "2024-05" / "manifest.json").read_bytes()),
                       ("x.json", b'{"format": "por-report/2", "x": 1}\n'), ("x.zip", zbuf.getvalue()),
                       ("x.txt", b"hello\n"), ("x.pdf", b"%PDF-1.4\n%%EOF\n")):
        f = write_signed(data, tmp_path / name)
        code, doc, out = verify(f)
        assert code == 1 and failed(doc) == {"report.format"}, (name, out)


def test_a_report_without_manifest_hashes_fails_report_manifests(epochs: Path, tmp_path: Path) -> None:
    doc = json.loads(export.to_json_bytes(report_of(epochs)))
    t = doc["tables"]["epochs"]
    i = [c["name"] for c in t["columns"]].index("manifest_sha256")
    del t["columns"][i]
    for row in t["rows"]:
        del row[i]
    f = write_signed(json.dumps(doc).encode(), tmp_path / "old.json")
    code, out, _ = verify(f)
    assert code == 1 and failed(out) == {"report.manifests"}
    code, out, _ = verify(f, "--bundle", epochs)
    assert code == 1 and failed(out) == {"report.manifests", "report.bundles"}


# -- honest reports -------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["json", "csv", "xlsx"])
def test_honest_report_passes_against_its_bundles(epochs: Path, tmp_path: Path, fmt: str) -> None:
    f = honest(epochs, tmp_path, fmt)
    code, doc, out = verify(f, "--bundle", epochs)
    assert code == 0, out
    ids = [c["id"] for c in doc["checks"]] if doc else []
    for check in ("report.format", "report.manifests", "report.consistent", "signature.valid", "report.bundles",
                  "report.manifest_hash", "report.recompute"):
        assert check in ids
    # each bundle directory named on its own works as well as their parent
    code, _, out = verify(f, "--bundle", epochs / "2024-05", "--bundle", epochs / "2024-06")
    assert code == 0, out


def test_honest_pdf_binds_manifests_but_cannot_be_recomputed(epochs: Path, tmp_path: Path) -> None:
    f = honest(epochs, tmp_path, "pdf")
    code, doc, out = verify(f)
    assert code == 0, out
    assert "2024-05 -> " in message(doc, "report.manifests")
    code, doc, _ = verify(f, "--bundle", epochs)
    assert code == 1 and failed(doc) == {"report.recompute"}
    assert "cannot be recomputed" in message(doc, "report.recompute")


# -- manifest hashes ---------------------------------------------------------------------------------


def test_report_whose_manifest_hash_differs_from_the_bundle_fails(epochs: Path, tmp_path: Path) -> None:
    """The operator re-signs the epoch's manifest with another reserve figure after the report: the report's
    figures were read from another manifest than the bundle's."""
    f = honest(epochs, tmp_path, "json")
    assert verify(f, "--bundle", epochs)[0] == 0
    body = read_signed_manifest(epochs / "2024-06").signed.to_json_value()
    body["reserves"]["USD"]["amount"] += 1
    resigned = parse_manifest(canonical.dumps({"signed": body, "signatures": []}))
    write_signed_manifest(epochs / "2024-06", resigned.sign(operator_key(), "operator", "operator"))
    code, doc, out = verify(f, "--bundle", epochs)
    assert code == 1 and failed(doc) == {"report.manifest_hash"}, out
    assert "epoch 2024-06" in message(doc, "report.manifest_hash")


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_edited_manifest_hash_in_the_report_fails(epochs: Path, tmp_path: Path, fmt: str) -> None:
    """The operator points the report at another manifest hash and re-signs the report."""
    data = export.render(report_of(epochs), fmt)
    real = read_signed_manifest(epochs / "2024-05").sha256
    if fmt == "json":
        forged = data.replace(real.encode(), b"0" * 64)
    else:
        forged = rezip(data, "epochs.csv", lambda b: b.replace(real.encode(), b"0" * 64))
    assert forged != data
    f = write_signed(forged, tmp_path / f"r.{EXT[fmt]}")
    code, doc, out = verify(f, "--bundle", epochs)
    assert code == 1 and failed(doc) == {"report.manifest_hash"}, out


# -- recomputation ---------------------------------------------------------------------------------


def rezip(data: bytes, member: str, edit: Any) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            body = src.read(info.filename)
            z.writestr(info, edit(body) if info.filename == member else body)
    return buf.getvalue()


def edit_reserves(fmt: str, data: bytes) -> bytes:
    """Raise the first coverage row's reserves (2024-05 AAA: 10,000 units) by one unit."""
    if fmt == "json":
        doc = json.loads(data)
        t = doc["tables"]["coverage"]
        i = [c["name"] for c in t["columns"]].index("reserves")
        assert t["rows"][0][i] == 10_000
        t["rows"][0][i] += 1
        return json.dumps(doc).encode()
    if fmt == "csv":
        def edit(b: bytes) -> bytes:
            lines = b.decode().split("\n")
            assert lines[1].split(",")[3] == "10000", lines[1]
            cells = lines[1].split(",")
            cells[3] = "10001"
            lines[1] = ",".join(cells)
            return "\n".join(lines).encode()
        return rezip(data, "coverage.csv", edit)
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(data))
    sh = wb["coverage"]
    col = [c.value for c in sh[1]].index("reserves") + 1
    assert sh.cell(row=3, column=col).value == 10_000
    sh.cell(row=3, column=col).value = 10_001
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@pytest.mark.parametrize("fmt", ["json", "csv", "xlsx"])
def test_report_with_an_edited_figure_fails_the_recompute(epochs: Path, tmp_path: Path, fmt: str) -> None:
    """The operator edits one figure and re-signs the report with its own key: the signature and the
    manifest hashes hold, the recomputation from the bundles does not."""
    data = export.render(report_of(epochs), fmt)
    f = write_signed(edit_reserves(fmt, data), tmp_path / f"edited.{EXT[fmt]}")
    code, doc, out = verify(f)
    assert code == 0, out  # alone, the figure is only the signer's claim
    code, doc, out = verify(f, "--bundle", epochs)
    assert code == 1 and failed(doc) == {"report.recompute"}, out
    msg = message(doc, "report.recompute")
    assert "table coverage row 1 column reserves" in msg and "10001" in msg and "10000" in msg


def test_report_with_an_edited_ratio_or_label_fails_the_recompute(epochs: Path, tmp_path: Path) -> None:
    doc = json.loads(export.to_json_bytes(report_of(epochs)))
    t = doc["tables"]["coverage"]
    i = [c["name"] for c in t["columns"]].index("coverage")
    row = next(r for r in t["rows"] if r[i] is not None)
    row[i] = "9.999999"
    f = write_signed(json.dumps(doc).encode(), tmp_path / "ratio.json")
    code, out, _ = verify(f, "--bundle", epochs)
    assert code == 1 and failed(out) == {"report.recompute"} and "column coverage" in message(out, "report.recompute")
    doc = json.loads(export.to_json_bytes(report_of(epochs)))
    rows = doc["tables"]["reserves"]["rows"]
    n = next(k for k, r in enumerate(rows) if r[3] == "bank-x")
    assert rows[n][5] == "no"
    rows[n][5] = "yes"  # bank-x's uncounted reserves shown as counted
    f = write_signed(json.dumps(doc).encode(), tmp_path / "counted.json")
    code, out, _ = verify(f, "--bundle", epochs)
    assert code == 1 and f"table reserves row {n + 1} column counted" in message(out, "report.recompute")


def test_dropping_an_epoch_from_the_report_is_seen_with_its_bundle(epochs: Path, tmp_path: Path) -> None:
    one = write_signed(export.to_json_bytes(collect([epochs / "2024-06"], verifier=fixed_verifier,
                                                    generated_at=GENERATED_AT)), tmp_path / "one.json")
    # given as a directory of bundles, the other epoch is not the report's business
    code, doc, out = verify(one, "--bundle", epochs)
    assert code == 0 and "not covered" in message(doc, "report.bundles"), out
    # named as a bundle the report must cover, it is a failure
    code, doc, _ = verify(one, "--bundle", epochs / "2024-05", "--bundle", epochs / "2024-06")
    assert code == 1 and failed(doc) == {"report.bundles"}
    # a bundle missing for an epoch the report covers
    two = honest(epochs, tmp_path, "json")
    code, doc, _ = verify(two, "--bundle", epochs / "2024-06")
    assert code == 1 and "no bundle given for the report's epoch(s) 2024-05" in message(doc, "report.bundles")


def test_stated_outcome_must_match_the_recorded_checks(epochs: Path, tmp_path: Path) -> None:
    (epochs / "2024-06" / "prices.json").write_text("{}")  # a failing epoch
    rep = report_of(epochs)
    assert not rep.verified
    doc = json.loads(export.to_json_bytes(rep))
    doc["verification"]["ok"] = True
    f = write_signed(json.dumps(doc).encode(), tmp_path / "claims-ok.json")
    code, out, _ = verify(f)
    assert code == 1 and failed(out) == {"report.consistent"}
    # flipping the recorded checks too: the verification table no longer recomputes
    doc = json.loads(export.to_json_bytes(rep))
    for ep in doc["verification"]["epochs"]:
        ep["ok"] = True
        for c in ep["checks"]:
            c["ok"] = True
    doc["verification"]["ok"] = True
    f = write_signed(json.dumps(doc).encode(), tmp_path / "claims-ok-2.json")
    code, out, _ = verify(f, "--bundle", epochs)
    assert code == 1 and failed(out) == {"report.recompute"}


def test_audit_reruns_the_auditor_and_compares_outcomes(epochs: Path, tmp_path: Path) -> None:
    """These bundles carry no proofs: the report (collected with a structural verifier) says they
    passed, the auditor's verifier says otherwise."""
    f = honest(epochs, tmp_path, "json")
    code, doc, out = verify(f, "--bundle", epochs, "--audit")
    assert code == 1 and failed(doc) == {"report.audit"}, out
    assert "the report says passed, the auditor's verifier finds" in message(doc, "report.audit")
    # the audit is the default whenever bundles are given
    code, doc, out = por("report", "verify", f, "--key", pub_hex(), "--bundle", epochs, "--json")
    assert code == 1 and failed(doc) == {"report.audit"}, out
    assert "report.audit re-runs it" in message(doc, "report.recompute")


def test_unusable_bundle_argument_is_exit_2(epochs: Path, tmp_path: Path) -> None:
    f = honest(epochs, tmp_path, "json")
    code, _, out = verify(f, "--bundle", tmp_path / "nope")
    assert code == 2 and "no such directory" in out


# -- on the demo workspace (two published epochs, signed reports in every format) ------------------


def test_demo_reports_verify_against_the_demo_bundles_and_forgery_fails(demo: Any, tmp_path: Path) -> None:
    key = demo.root / "keys" / "operator.pub"
    reports, epochs = demo.root / "reports", demo.root / "epochs"
    for ext in ("json", "zip", "xlsx"):
        code, doc, out = por("report", "verify", reports / f"epoch-0002.{ext}", "--key", key, "--bundle", epochs,
                             "--audit", "--json")
        assert code == 0, out
    code, doc, _ = por("report", "verify", reports / "epoch-0002.pdf", "--key", key, "--bundle", epochs, "--json")
    assert code == 1 and failed(doc) == {"report.recompute"}
    # the operator's epoch-1 manifest signature copied onto the bytes it signs
    m = read_signed_manifest(epochs / "epoch-0001")
    f = tmp_path / "report.json"
    f.write_bytes(m.message)
    pub = bytes.fromhex(key.read_text().strip())
    sig_doc = {"format": signing.SIG_FORMAT, "algorithm": "ed25519", "purpose": "v1/report", "file": f.name,
               "size": len(m.message), "sha256": hashlib.sha256(m.message).hexdigest(),
               "public_key": pub.hex(), "key_id": signing.key_id(pub),
               "signature": m.signatures_by("operator")[0].signature}
    (tmp_path / "report.json.sig").write_bytes(canonical.dumps(sig_doc) + b"\n")
    code, doc, out = por("report", "verify", f, "--key", key, "--json")
    assert code == 1 and {"report.format", "signature.valid"} <= failed(doc), out
    # an edited figure in the demo's JSON report, re-signed with the demo operator key
    from por.ledger import keys

    rep = json.loads((reports / "epoch-0002.json").read_text())
    cov = rep["tables"]["coverage"]
    i = [c["name"] for c in cov["columns"]].index("reserves")
    row = next(r for r in cov["rows"] if isinstance(r[i], int))
    row[i] += 1
    g = tmp_path / "edited.json"
    g.write_text(json.dumps(rep))
    signing.sign_file(g, keys.load(demo.root / "keys" / "operator.key"))
    code, doc, out = por("report", "verify", g, "--key", key, "--bundle", epochs, "--json")
    assert code == 1 and failed(doc) == {"report.recompute"}, out


def test_malformed_exports_fail_with_named_checks(epochs: Path, tmp_path: Path) -> None:
    """Damaged but validly signed exports: a named failed check, never a traceback (por() asserts it)."""
    rep = report_of(epochs)
    csv_zip = export.render(rep, "csv")
    src = zipfile.ZipFile(io.BytesIO(csv_zip))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for info in src.infolist():
            if info.filename != "reserves.csv":
                z.writestr(info, src.read(info.filename))
    cases = {
        # a table member that is not UTF-8: the recompute names the table
        "bad-member.zip": (rezip(csv_zip, "coverage.csv", lambda b: b"\xff\xfe" + b), {"report.recompute"}),
        # a table listed in columns.csv but missing from the zip: not a report export
        "missing-member.zip": (buf.getvalue(), {"report.format"}),
        "truncated.xlsx": (export.render(rep, "xlsx")[:4000], {"report.format"}),
        "tables-not-object.json": (json.dumps({**json.loads(export.to_json_bytes(rep)), "tables": [1, 2]}).encode(),
                                   {"report.format"}),
        "two-keywords.pdf": (export.render(rep, "pdf") + b"\n/Keywords (x)\n", {"report.format"}),
    }
    for name, (data, want) in cases.items():
        f = write_signed(data, tmp_path / name)
        code, doc, out = verify(f, "--bundle", epochs)
        assert code == 1, (name, out)
        assert want <= failed(doc), (name, failed(doc))


def test_signature_is_over_the_report_domain_and_the_exact_bytes(epochs: Path, tmp_path: Path) -> None:
    """What any Ed25519 implementation checks: the signature verifies over b"por/v1/report\\x00" + bytes
    and not over the bytes alone (so it cannot be replayed as a signature of another purpose)."""
    from cryptography.exceptions import InvalidSignature

    f = honest(epochs, tmp_path, "json")
    sig = json.loads((tmp_path / "report.json.sig").read_text())
    assert (sig["format"], sig["purpose"]) == ("por-report-signature/2", "v1/report")
    pub = operator_key().public_key()
    data = f.read_bytes()
    pub.verify(bytes.fromhex(sig["signature"]), b"por/v1/report\x00" + data)
    with pytest.raises(InvalidSignature):
        pub.verify(bytes.fromhex(sig["signature"]), data)
    with pytest.raises(InvalidSignature):
        pub.verify(bytes.fromhex(sig["signature"]), b"por/v1/manifest\x00" + data)


def test_export_with_the_risk_section_from_the_cli(demo: Any, tmp_path: Path) -> None:
    """`por report export --risk` adds the labelled risk tables (issue 18 item 6) from the demo's ledger."""
    import json as _json

    from tests.fixtures import no_traceback, run_por

    out = tmp_path / "risk.json"
    cp = run_por("report", "export", demo.root / "epochs", "--format", "json", "--out", out,
                 "--ledger", f"sqlite:///{demo.root / 'ledger.db'}", "--risk", "--risk-paths", "200", "--json")
    no_traceback(cp)
    assert cp.returncode == 0, cp.stdout[-2000:] + cp.stderr[-2000:]
    doc = _json.loads(out.read_text())
    tables = doc["tables"] if "tables" in doc else doc
    risk = [k for k in tables if k.startswith("risk_")]
    assert risk, sorted(tables)
    text = out.read_text()
    assert "seed" in text and "paths" in text and "estimate" in text.lower()
    cp = run_por("report", "export", demo.root / "epochs", "--format", "json", "--out", out, "--risk")
    no_traceback(cp)
    assert cp.returncode == 2 and "--ledger" in cp.stderr
