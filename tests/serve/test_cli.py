"""``por serve`` usage errors: exit 2 with a sentence, never a traceback; keygen never overwrites."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.fixtures import no_traceback, run_por


def test_usage_errors(workspace: Path, tmp_path: Path) -> None:
    bare = tmp_path / "bare"
    bare.mkdir()
    shutil.copy(workspace / "por.json", bare / "por.json")
    for args, words in [
        (("serve", "--dir", bare), "por serve keygen"),
        (("serve", "--dir", bare, "--auth-key", "zz"), "not a file or hex Ed25519 public key"),
        (("serve", "token", "alice", "--dir", bare), "por serve keygen"),
        (("serve", "keygen", "--dir", workspace), "refusing to overwrite"),
        (("serve", "--dir", tmp_path / "nothing"), "no config"),
    ]:
        cp = run_por(*args)
        no_traceback(cp)
        assert cp.returncode == 2 and words in cp.stderr, (args, cp.stderr)
    cp = run_por("serve", "keygen", "--dir", bare)
    assert cp.returncode == 0 and (bare / "keys" / "auth.key").is_file()
    tok = run_por("serve", "token", "alice", "--dir", bare, "--ttl", "60")
    assert tok.returncode == 0 and tok.stdout.count(".") == 2
