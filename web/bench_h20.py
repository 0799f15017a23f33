"""web.verify.h20_ms: the JavaScript verifier's time on one height-20 client proof (Node, the committed
bundle). The proof is por/bench/tree.py's synthesized height-20 proof (a real leaf, real blocks and
range proofs on the path; the tree part of the client's check, as tree.inclusion.verify measures it),
in the tree's default encoding (linear, B = 1) or ``--encoding compressed`` (B = 8); figure names of
the non-default encoding are suffixed ``.compressed``.

    python web/bench_h20.py [--json] [--browser] [--encoding linear|compressed]

With ``--browser`` the same proof is verified in Debian's headless Chromium (Selenium with
chromium-driver, nothing downloaded) on the page's own bundle, loaded from file://.

Figures: ``web.verify.h20_ms`` (warm: generators already derived, best of 3) and
``web.verify.h20_cold_ms`` (a fresh process: deriving the Bulletproofs generators by hash-to-curve
included, as a browser's first verification does).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent

SCRIPT = """
import { readFileSync } from "node:fs";
import { loadBundle } from %s;
const V = loadBundle();
const proof = V.parseJson(readFileSync(process.argv[2], "utf8"));
const root = process.argv[3], epoch = process.argv[4];
const times = [];
for (let i = 0; i < 4; i++) {
  const t0 = performance.now();
  const r = await V.verifyClientProof(proof, { rootHash: root, epochId: epoch });
  times.push(performance.now() - t0);
  if (!r.ok) { console.error(JSON.stringify(r.checks.filter((c) => !c.ok))); process.exit(1); }
}
console.log(JSON.stringify({ cold: times[0], warm: Math.min(...times.slice(1)) }));
"""


BROWSER_JS = """
const [text, root, epoch, done] = arguments;
(async () => {
  PorVerify.statements.disableMemo();  // the page memoises verified items; measure the real work
  const proof = PorVerify.parseJson(text);
  const times = [];
  for (let i = 0; i < 4; i++) {
    const t0 = performance.now();
    const r = await PorVerify.verifyClientProof(proof, { rootHash: root, epochId: epoch });
    times.push(performance.now() - t0);
    if (!r.ok) { done({ error: JSON.stringify(r.checks.filter((c) => !c.ok)) }); return; }
  }
  done({ cold: times[0], warm: Math.min(...times.slice(1)), agent: navigator.userAgent });
})();
"""


def in_browser(text: str, root: str, epoch: str) -> dict[str, float]:
    import os
    import shutil

    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    os.environ["SE_OFFLINE"] = "true"
    with tempfile.TemporaryDirectory() as profile:
        opts = webdriver.ChromeOptions()
        opts.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
        for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync",
                     f"--user-data-dir={profile}"):
            opts.add_argument(flag)
        drv = webdriver.Chrome(service=Service(executable_path=shutil.which("chromedriver") or "/usr/bin/chromedriver"),
                               options=opts)
        try:
            drv.set_script_timeout(3600)
            drv.get((HERE.parent / "por" / "serve" / "static" / "index.html").as_uri())
            out: dict[str, float] = drv.execute_async_script(BROWSER_JS, text, root, epoch)
        finally:
            drv.quit()
    if "error" in out:
        raise RuntimeError(str(out["error"]))
    return out


def main() -> int:
    from por.bench.tree import EPOCH, synthesize_client_proof
    from por.tree.build import DEFAULT_BLOCK_SIZES, DEFAULT_PROOF_ENCODING

    enc = sys.argv[sys.argv.index("--encoding") + 1] if "--encoding" in sys.argv else DEFAULT_PROOF_ENCODING
    suffix = "" if enc == DEFAULT_PROOF_ENCODING else f".{enc}"
    proof = synthesize_client_proof(20, encoding=enc)
    with tempfile.TemporaryDirectory() as tmp:
        f = Path(tmp) / "h20.json"
        f.write_text(json.dumps(proof, separators=(",", ":"), sort_keys=True))
        s = Path(tmp) / "bench.mjs"
        s.write_text(SCRIPT % json.dumps(str(HERE / "verify.mjs")))
        cp = subprocess.run(["node", str(s), str(f), proof["root"]["hash"], EPOCH], capture_output=True, text=True,
                            timeout=3600)
    if cp.returncode != 0:
        print(cp.stderr, file=sys.stderr)
        return 1
    t = json.loads(cp.stdout)
    where = f"Node {subprocess.run(['node', '--version'], capture_output=True, text=True).stdout.strip()}"
    if "--browser" in sys.argv:
        text = json.dumps(proof, separators=(",", ":"), sort_keys=True)
        t = in_browser(text, proof["root"]["hash"], EPOCH)
        where = "headless " + str(t.get("agent", "chromium")).split(") ")[-1].split(" Safari")[0]
    note = (f"{where}, height 20, one column, {enc}, B = {DEFAULT_BLOCK_SIZES[enc]}, path synthesized "
            "(por/bench/tree.py)")
    figs = [{"name": f"web.verify.h20_ms{suffix}", "value": round(t["warm"], 1), "unit": "ms",
             "note": note + "; generators cached"},
            {"name": f"web.verify.h20_cold_ms{suffix}", "value": round(t["cold"], 1), "unit": "ms",
             "note": note + "; first run, generators derived by hash-to-curve"}]
    if "--json" in sys.argv:
        print(json.dumps(figs, indent=1))
    else:
        for g in figs:
            print(f"{g['name']:24} {g['value']:>10} {g['unit']}  {g['note']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
