"""The committed bundle is what its sources build, byte for byte, and the page needs nothing else."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from tests.web.conftest import BUNDLE, ROOT, STATIC, WEB


def test_rebuilding_gives_the_committed_bytes(tmp_path: Path) -> None:
    out = tmp_path / "verify.js"
    cp = subprocess.run(["sh", str(WEB / "build.sh"), str(out)], capture_output=True, text=True, timeout=600)
    assert cp.returncode == 0, cp.stdout + cp.stderr
    assert out.read_bytes() == BUNDLE.read_bytes(), "por/serve/static/verify.js is stale: run sh web/build.sh"


def test_pinned_dependencies() -> None:
    pkg = json.loads((WEB / "package.json").read_text())
    lock = json.loads((WEB / "package-lock.json").read_text())
    assert set(pkg["dependencies"]) == {"@noble/curves", "@noble/hashes"}
    assert set(pkg["devDependencies"]) == {"esbuild"}
    for name, version in {**pkg["dependencies"], **pkg["devDependencies"]}.items():
        assert re.fullmatch(r"\d+\.\d+\.\d+", version), f"{name} is not pinned to one version"
        assert lock["packages"][f"node_modules/{name}"]["version"] == version
        assert lock["packages"][f"node_modules/{name}"]["integrity"].startswith("sha512-")


def test_statements_data_is_current() -> None:
    cp = subprocess.run([sys.executable, str(WEB / "gen_statements.py"), "--check"], capture_output=True, text=True,
                        cwd=ROOT)
    assert cp.returncode == 0, "web/src/statements_data.js differs from circuits/*.toml: run python web/gen_statements.py"


def test_page_loads_only_its_own_files() -> None:
    """CSP default-src 'none'; script-src 'self'; style-src 'self': no inline script or style, no
    other origin, and the bundle fetches nothing but relative paths of its own origin."""
    html = (STATIC / "index.html").read_text()
    assert re.findall(r"<script\b[^>]*>", html) == ['<script src="verify.js">']
    assert "<style" not in html and " style=" not in html
    assert not re.search(r"<[^>]*\son[a-z]+=", html), "inline event handler"
    assert re.findall(r'(?:src|href)="([^"]+)"', html) == ["verify.css", "verify.js"]
    js = BUNDLE.read_text()
    for api in ("XMLHttpRequest", "WebSocket", "EventSource", "importScripts", "sendBeacon", "import("):
        assert api not in js, api
    assert re.findall(r"fetch\(`?([^,)]+)", js) == ['"/v1/epochs"', "/v1/epochs/${seg}/proof`", "/epochs/${seg}/manifest.json`"]
    assert {p.name for p in STATIC.iterdir()} == {"index.html", "verify.js", "verify.css"}
