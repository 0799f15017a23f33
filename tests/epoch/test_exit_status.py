"""Exit status convention (issue 6): 0 all passed, 1 a check failed, 2 unusable input or usage."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import Demo, no_traceback, run_por


@pytest.mark.parametrize("args", [
    ["audit", "verify", "{missing}"],
    ["audit", "verify", "{missing}", "--json"],
    ["verify", "inclusion", "{proof}", "--bundle", "{missing}"],
    ["audit", "verify"],  # no bundle argument
    ["audit", "verify", "{bundle}", "--no-such-option"],
    ["verify", "inclusion", "{proof}"],  # --bundle is required
    ["audit", "verify", "{bundle}", "--ledger", "sqlite:///x.db"],  # --ledger without --master-secret
    ["audit", "cosign", "{missing}", "--key", "{auditor_key}"],
    ["epoch", "run", "--dir", "{missing}"],  # no workspace there
], ids=["audit-missing-bundle", "audit-missing-bundle-json", "inclusion-missing-bundle", "audit-no-arg",
        "audit-bad-option", "inclusion-no-bundle-option", "audit-ledger-without-secret", "cosign-missing-bundle",
        "epoch-run-no-workspace"])
def test_unusable_input_exits_2(demo: Demo, sample_proofs: dict[str, Path], tmp_path: Path,
                                args: list[str]) -> None:
    subst = {"missing": str(tmp_path / "no-such-bundle"), "bundle": str(demo.bundle("epoch-0001")),
             "proof": str(sample_proofs["plain"]), "auditor_key": str(demo.root / "keys" / "auditor.key")}
    cp = run_por(*(a.format(**subst) for a in args), cwd=tmp_path)
    no_traceback(cp)
    assert cp.returncode == 2, (cp.returncode, cp.stdout[-2000:], cp.stderr[-2000:])


def test_all_passed_exits_0_and_failed_check_exits_1(demo: Demo, sample_proofs: dict[str, Path],
                                                     tmp_path: Path) -> None:
    ok = run_por("verify", "inclusion", sample_proofs["plain"], "--bundle", demo.bundle("epoch-0001"),
                 "--operator-key", demo.operator_pub)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    # the wrong operator key: a failed check, not unusable input
    wrong = run_por("verify", "inclusion", sample_proofs["plain"], "--bundle", demo.bundle("epoch-0001"),
                    "--operator-key", "00" * 32)
    no_traceback(wrong)
    assert wrong.returncode == 1, wrong.stdout + wrong.stderr
    assert "manifest.signature" in wrong.stdout


def test_missing_proof_file_is_a_failed_check(demo: Demo, tmp_path: Path) -> None:
    """Documented behaviour: a proof file that does not exist is a failed ``client.file`` check (exit 1)."""
    cp = run_por("verify", "inclusion", tmp_path / "nope.json", "--bundle", demo.bundle("epoch-0001"), "--json")
    no_traceback(cp)
    assert cp.returncode == 1, cp.stdout + cp.stderr
    assert '"client.file"' in cp.stdout and "nope.json" in cp.stdout


def test_audit_verify_wrong_operator_key_exits_1(demo: Demo) -> None:
    cp = run_por("audit", "verify", demo.bundle("epoch-0001"), "--operator-key", "11" * 32, "--json")
    no_traceback(cp)
    assert cp.returncode == 1, cp.stdout + cp.stderr
    assert '"signature.operator"' in cp.stdout


def test_audit_verify_uses_bundle_keyring_without_pinned_key(demo: Demo) -> None:
    cp = run_por("audit", "verify", demo.bundle("epoch-0002"), "--json")
    no_traceback(cp)
    assert cp.returncode == 0, cp.stdout[-3000:] + cp.stderr[-3000:]
