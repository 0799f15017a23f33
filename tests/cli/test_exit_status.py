"""Exit status convention (issue 6): 0 all passed, 1 a check failed, 2 unusable input or usage."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fixtures import Demo, no_traceback, run_por


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
    ["demo", "--dir", "{missing}", "--clients", "3", "--db", "postgresql+psycopg://nobody@127.0.0.1:1/x"],
    ["demo", "--dir", "{missing}", "--clients", "3", "--schema", "s"],  # a schema needs PostgreSQL
    ["audit", "verify", "{bundle}", "--skip-ledger-replay"],  # only with --ledger
    ["ledger", "verify", "--db", "postgresql+psycopg://nobody@127.0.0.1:1/x"],
    ["audit", "verify", "{bundle}", "--ledger", "sqlite:///{missing}.db", "--master-secret", "{auditor_key}"],
    ["audit", "verify", "{bundle}", "--ledger", "postgresql+psycopg://nobody@127.0.0.1:1/x", "--master-secret",
     "{auditor_key}"],
    ["audit", "verify", "{bundle}", "--ledger", "postgresql+psycopg://postgres@127.0.0.1:abc/x", "--master-secret",
     "{auditor_key}"],
    ["audit", "verify", "{bundle}", "--ledger", "sqlite:///x.db", "--master-secret", "{missing}"],
], ids=["audit-missing-bundle", "audit-missing-bundle-json", "inclusion-missing-bundle", "audit-no-arg",
        "audit-bad-option", "inclusion-no-bundle-option", "audit-ledger-without-secret", "cosign-missing-bundle",
        "epoch-run-no-workspace", "demo-unreachable-postgres", "demo-schema-on-sqlite", "audit-skip-replay-alone",
        "ledger-verify-unreachable-postgres", "audit-ledger-file-missing", "audit-ledger-unreachable",
        "audit-ledger-bad-url", "audit-master-secret-missing"])
def test_unusable_input_exits_2(demo: Demo, sample_proofs: dict[str, Path], tmp_path: Path,
                                args: list[str]) -> None:
    subst = {"missing": str(tmp_path / "no-such-bundle"), "bundle": str(demo.bundle("epoch-0001")),
             "proof": str(sample_proofs["plain"]), "auditor_key": str(demo.root / "keys" / "auditor.key")}
    cp = run_por(*(a.format(**subst) for a in args), cwd=tmp_path)
    no_traceback(cp)
    assert cp.returncode == 2, (cp.returncode, cp.stdout[-2000:], cp.stderr[-2000:])


@pytest.mark.parametrize("args", [["--db", "postgresql+psycopg://postgres@127.0.0.1:abc/x"], ["--schema", "s"]],
                         ids=["bad-url", "schema-on-sqlite"])
def test_init_refuses_a_bad_database_before_writing_keys(tmp_path: Path, args: list[str]) -> None:
    cp = run_por("init", "--dir", tmp_path / "ops", *args)
    no_traceback(cp)
    assert cp.returncode == 2, cp.stdout + cp.stderr
    assert not (tmp_path / "ops").exists()


def test_wrong_operator_key_is_a_failed_check_exit_1(demo: Demo, sample_proofs: dict[str, Path]) -> None:
    """The wrong operator key is a failed check (1), not unusable input (2). (Exit 0: test_end_to_end.)"""
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


def test_auditor_wrong_key_and_bundle_keyring(demo: Demo, memo_verify_tree: dict[str, int]) -> None:
    from por.verify import verify_bundle

    res = verify_bundle(demo.bundle("epoch-0001"), operator_key="11" * 32, trust_bundle_keyring=True)
    # nothing runs on a bundle whose signature fails: the verifier says it stopped
    assert [c.id for c in res.failures] == ["signature.operator", "verification"]
    assert res.exit_code() == 1
    # no pinned key: the operator key comes from the bundle's keyring
    res = verify_bundle(demo.bundle("epoch-0002"), trust_bundle_keyring=True)
    assert res.ok and res.exit_code() == 0, [(c.id, c.message) for c in res.failures]
