"""A real browser (Debian's chromium, driven by Selenium through chromium-driver; nothing downloaded)
runs the page served by a real `por serve` (uvicorn, its Content-Security-Policy and headers) on a
copy of the demo workspace: a token minted for one demo client fetches that client's own proof and
every check shows OK, with the balances in major units; a forged token is refused; a tampered proof
picked as a local file shows the failed check the Python verifier names; the page also works from
file:// on local files. Screenshots are kept under ``test-artifacts/web/`` (or ``$POR_TEST_ARTIFACTS``)."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from por.verify.client import verify_inclusion
from tests.fixtures import Demo
from tests.serve.conftest import Server
from tests.web.conftest import ROOT, STATIC

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--disable-dev-shm-usage", "--window-size=1200,2200"]


def artefacts() -> Path:
    d = Path(os.environ.get("POR_TEST_ARTIFACTS", ROOT / "test-artifacts")) / "web"
    d.mkdir(parents=True, exist_ok=True)
    return d


@pytest.fixture(scope="module")
def debt_proof(demo: Demo) -> Path:
    return next(p for p in demo.proofs("epoch-0001") if json.loads(p.read_text()).get("collateral"))


@pytest.fixture(scope="module")
def site(server: Server) -> str:
    """The page as `por serve` serves it (its CSP: default-src 'none'; script-src 'self'; ...)."""
    with server.client() as c:
        r = c.get("/")
        assert r.status_code == 200 and "script-src 'self'" in r.headers["content-security-policy"]
    return server.url + "/"


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    chromium, driver = shutil.which("chromium"), shutil.which("chromedriver")
    if not chromium or not driver:
        pytest.fail("Debian's chromium and chromium-driver are required (apt-get install chromium chromium-driver)")
    os.environ["SE_OFFLINE"] = "true"  # Selenium Manager must never download a browser or a driver
    opts = webdriver.ChromeOptions()
    opts.binary_location = chromium
    for flag in CHROMIUM_FLAGS + [f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}"]:
        opts.add_argument(flag)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    drv = webdriver.Chrome(service=Service(executable_path=driver), options=opts)
    drv.set_page_load_timeout(60)
    yield drv
    drv.quit()


def _wait_verdict(drv: Any, timeout: float = 900) -> dict[str, Any]:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(drv, timeout, poll_frequency=0.5).until(
        lambda d: d.find_element(By.ID, "verdict").get_attribute("data-ok") in ("true", "false"))
    rows = drv.find_elements(By.CSS_SELECTOR, "#checks li")
    return {"ok": drv.find_element(By.ID, "verdict").get_attribute("data-ok") == "true",
            "checks": [(r.get_attribute("data-id"), r.get_attribute("data-ok") == "true") for r in rows],
            "text": drv.find_element(By.ID, "verdict").text,
            "messages": [r.find_element(By.CLASS_NAME, "msg").text for r in rows],
            "balances": [tuple(td.text for td in tr.find_elements(By.TAG_NAME, "td"))
                         for tr in drv.find_elements(By.CSS_SELECTOR, "#balances tbody tr")]}


def _csp_violations(drv: Any) -> list[str]:
    return [e["message"] for e in drv.get_log("browser") if "Content Security Policy" in e["message"]
            or "Refused to" in e["message"]]


def _verify_files(drv: Any, url: str, key: str, proof: Path, manifest: Path) -> dict[str, Any]:
    from selenium.webdriver.common.by import By

    drv.get(url)
    k = drv.find_element(By.ID, "operator-key")
    k.clear()
    k.send_keys(key)
    drv.find_element(By.ID, "proof-file").send_keys(str(proof))
    drv.find_element(By.ID, "manifest-file").send_keys(str(manifest))
    drv.find_element(By.ID, "verify-files").click()
    return _wait_verdict(drv)


def _major(value: int, decimals: int) -> str:
    """value / 10^decimals, exactly, with thousands separators and no trailing zeros."""
    whole, frac = divmod(value, 10 ** decimals)
    digits = str(frac).rjust(decimals, "0").rstrip("0") if decimals else ""
    return f"{whole:,}" + (f".{digits}" if digits else "")


def _py_shape(proof: Path, manifest: Path, key: str, account: str | None = None) -> list[tuple[str, bool]]:
    return [(c.id, c.ok) for c in verify_inclusion(proof, bundle=manifest, operator_key=key, account_id=account)]


def test_local_files_every_check_ok(browser: Any, site: str, demo: Demo, debt_proof: Path) -> None:
    url = site
    key = demo.operator_pub.read_text().strip()
    manifest = demo.bundle("epoch-0001") / "manifest.json"
    got = _verify_files(browser, url, key, debt_proof, manifest)
    browser.save_screenshot(str(artefacts() / "local-files-pass.png"))
    assert got["ok"], got
    assert got["checks"] == _py_shape(debt_proof, manifest, key)
    assert all(ok for _, ok in got["checks"]) and got["checks"][-1] == ("client.included", True)
    # balances in major units with asset codes, decimals from the manifest's assets
    doc = json.loads(debt_proof.read_text())
    decimals = {a: int(v["decimals"]) for a, v in
                json.loads(manifest.read_text())["signed"]["reserves_config"]["assets"].items()}
    assert [(b[0], b[1]) for b in got["balances"]] == [tuple(c) for c in doc["columns"]]
    assert [b[2] for b in got["balances"]] == [f"{_major(int(v), decimals[a])} {a}"
                                              for (a, _), v in zip(doc["columns"], doc["values"], strict=True)]
    assert not _csp_violations(browser)


def test_tampered_proof_shows_the_failed_check(browser: Any, site: str, demo: Demo, debt_proof: Path,
                                               tmp_path: Path) -> None:
    url = site
    key = demo.operator_pub.read_text().strip()
    manifest = demo.bundle("epoch-0001") / "manifest.json"
    doc = json.loads(debt_proof.read_text())
    doc["values"][1] = str(int(doc["values"][1]) + 1_000_000)  # an operator shows a larger balance
    bad = tmp_path / debt_proof.name
    bad.write_text(json.dumps(doc))
    got = _verify_files(browser, url, key, bad, manifest)
    browser.save_screenshot(str(artefacts() / "tampered-proof-fail.png"))
    assert not got["ok"]
    expected = _py_shape(bad, manifest, key)
    assert got["checks"] == expected
    first = next(i for i, ok in expected if not ok)
    assert first == "client.root"
    assert f"FAILED: {first}" in got["text"]
    assert not got["balances"]


def test_fetches_its_own_proof_with_a_bearer_token(browser: Any, site: str, server: Server, demo: Demo,
                                                   debt_proof: Path) -> None:
    """Signed in as one demo client (a token `por serve` minted), the page fetches that client's own
    proof of the chosen epoch from its own origin and shows every check OK."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    account = json.loads(debt_proof.read_text())["account_id"]
    browser.get(site)
    k = browser.find_element(By.ID, "operator-key")
    k.clear()
    k.send_keys(demo.operator_pub.read_text().strip())
    Select(browser.find_element(By.ID, "epoch")).select_by_value("epoch-0002")
    browser.find_element(By.ID, "account").send_keys(account)
    browser.find_element(By.ID, "token").send_keys(server.token(account))
    browser.find_element(By.ID, "fetch-verify").click()
    got = _wait_verdict(browser)
    browser.save_screenshot(str(artefacts() / "served-proof-pass.png"))
    assert got["ok"], got
    proof = demo.root / "client-proofs" / "epoch-0002" / debt_proof.name
    assert got["checks"] == _py_shape(proof, demo.bundle("epoch-0002") / "manifest.json",
                                      demo.operator_pub.read_text().strip(), account)
    assert ("client.account", True) in got["checks"] and got["balances"]
    # a forged token: the service's 401 is shown as a failed check, nothing verified
    browser.find_element(By.ID, "token").clear()
    browser.find_element(By.ID, "token").send_keys(server.token(account)[:-4] + "AAAA")
    browser.find_element(By.ID, "fetch-verify").click()
    got = _wait_verdict(browser)
    assert not got["ok"] and got["checks"] == [("client.file", False)]
    assert "refused the token" in got["messages"][0]
    assert not _csp_violations(browser)


def test_offline_from_a_local_file(browser: Any, demo: Demo) -> None:
    """The page opened from disk (file://, no server at all) verifies a proof and manifest picked from
    local files; the service's section stays hidden."""
    from selenium.webdriver.common.by import By

    proof = demo.proofs("epoch-0002")[1]
    manifest = demo.bundle("epoch-0002") / "manifest.json"
    key = demo.operator_pub.read_text().strip()
    got = _verify_files(browser, (STATIC / "index.html").as_uri(), key, proof, manifest)
    browser.save_screenshot(str(artefacts() / "file-url-pass.png"))
    assert not browser.find_element(By.ID, "served").is_displayed()
    assert got["ok"] and got["checks"] == _py_shape(proof, manifest, key)
