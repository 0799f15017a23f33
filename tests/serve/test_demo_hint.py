"""``por demo`` leaves an auth key and says how to serve what it made and sign in as a client."""

from __future__ import annotations

import stat

from tests.fixtures import Demo


def test_demo_prints_the_serve_commands(demo: Demo) -> None:
    out = " ".join(demo.runs[0].stdout.split())  # rich may wrap long lines
    assert f"por serve --dir {demo.root.resolve()}" in out
    assert "por serve token syn" in out and f"--dir {demo.root.resolve()}" in out
    key = demo.root / "keys" / "auth.key"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert (demo.root / "keys" / "auth.pub").read_text().strip()
    # the second run keeps the key it made on the first (tokens already minted stay valid)
    assert "por serve token" in " ".join(demo.runs[1].stdout.split())
