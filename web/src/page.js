// The page (por/serve/static/index.html): pick a proof and manifest from local files, or, when served
// by `por serve`, fetch the client's own proof with a bearer token (same origin only) and the epoch's
// manifest; verify with ./client.js, showing each check as the CLI does, with progress, and the
// balances in major units with their asset codes (decimals from the manifest's `assets`).
import { verifyInclusion } from "./client.js";
import { get, isObj, parseJson, utf8Decode } from "./json.js";
import { enableMemo } from "./statements.js";

const STAGES = { leaf: "recomputing your leaf", path: "folding the path to the root", generators: "deriving generators",
  "range proofs": "verifying the siblings' range proofs", collateral: "verifying your collateral proof" };
const KEY_STORE = "por.operator-key";

/** value / 10^decimals as an exact decimal string ("1234.5", "0.000001"). */
export function majorUnits(value, decimals) {
  const v = BigInt(value);
  if (!decimals) return v.toString();
  const s = v.toString().padStart(decimals + 1, "0");
  const whole = s.slice(0, -decimals), frac = s.slice(-decimals).replace(/0+$/, "");
  return (whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",")) + (frac ? "." + frac : "");
}

export function startPage(doc) {
  const $ = (id) => doc.getElementById(id);
  const el = (tag, cls, text) => { const e = doc.createElement(tag); if (cls) e.className = cls; if (text !== undefined) e.textContent = text; return e; };
  enableMemo();
  const keyInput = $("operator-key");
  try { keyInput.value = globalThis.localStorage?.getItem(KEY_STORE) || ""; } catch { /* storage may be off */ }
  const served = doc.location && /^https?:$/.test(doc.location.protocol);
  let busy = false;

  function reset() {
    $("result").hidden = false;
    $("checks").replaceChildren();
    $("subject").textContent = "";
    $("verdict").textContent = "";
    $("verdict").className = "";
    $("verdict").removeAttribute("data-ok");
    $("balances-box").hidden = true;
    $("balances").tBodies[0].replaceChildren();
    setProgress(0, "starting");
  }
  function setProgress(fraction, text) {
    $("progress").value = Math.round(Math.max(0, Math.min(1, fraction)) * 1000);
    $("stage").textContent = text;
  }
  const nextFrame = () => new Promise((r) => setTimeout(r, 0));
  async function onProgress(stage, done, total) {
    const base = { leaf: 0, path: 0.05, "range proofs": 0.15, generators: 0.15, collateral: 0.9 }[stage] ?? 0;
    const span = { leaf: 0.05, path: 0.1, generators: 0.6, "range proofs": 0.75, collateral: 0.1 }[stage] ?? 0;
    setProgress(base + (total ? span * (done / total) : 0), `${STAGES[stage] || stage}${total > 1 ? ` (${done}/${total})` : ""}`);
    await nextFrame();
  }
  function fail(id, message) {
    reset();
    show({ subject: "", ok: false, checks: [{ id, ok: false, status: "failed", message }] }, null, null);
  }
  function show(result, proof, manifestBytes) {
    $("subject").textContent = result.subject;
    const list = $("checks");
    for (const c of result.checks) {
      const li = el("li", c.ok ? "ok" : "fail");
      li.dataset.id = c.id;
      li.dataset.ok = String(c.ok);
      li.append(el("span", "badge", c.ok ? "OK" : "FAIL"), el("span", "id", c.id), el("span", "msg", c.message));
      list.append(li);
    }
    const v = $("verdict");
    v.dataset.ok = String(result.ok);
    v.className = result.ok ? "ok" : "fail";
    const first = result.checks.find((c) => !c.ok);
    v.textContent = result.ok ? "PASS: your balances are included in the published liabilities."
      : `FAILED: ${first ? first.id : "no check ran"}. Do not rely on this proof; contact the operator or the auditor.`;
    setProgress(1, result.ok ? "done" : "done (a check failed)");
    if (result.ok && proof) balances(proof, manifestBytes);
  }
  function balances(proof, manifestBytes) {
    // decimals from the governed reserves configuration (docs/protocol.md §9.2), else the manifest's assets
    let assets = null, governed = null;
    try {
      const signed = get(parseJson(utf8Decode(manifestBytes)), "signed");
      assets = get(signed, "assets");
      governed = get(get(signed, "reserves_config"), "assets");
    } catch { assets = null; }
    const body = $("balances").tBodies[0];
    const cols = proof.columns, vals = proof.values;
    cols.forEach(([asset, kind], i) => {
      const info = isObj(governed) && isObj(get(governed, asset)) ? get(governed, asset) : isObj(assets) ? get(assets, asset) : undefined;
      const d = isObj(info) && typeof get(info, "decimals") === "bigint" ? Number(info.decimals) : 0;
      const tr = el("tr");
      tr.dataset.asset = asset;
      tr.dataset.kind = kind;
      tr.append(el("td", "", asset), el("td", "", kind), el("td", "num", `${majorUnits(vals[i].trim(), d)} ${asset}`));
      body.append(tr);
    });
    $("balances-box").hidden = false;
  }
  async function run(proofBytes, proofName, manifestBytes) {
    const key = keyInput.value.trim();
    if (!/^[0-9a-fA-F]{64}$/.test(key)) { fail("manifest.signature", "give the operator's public key: 64 hex digits, obtained independently of this site"); return; }
    try { globalThis.localStorage?.setItem(KEY_STORE, key.toLowerCase()); } catch { /* ignore */ }
    reset();
    await nextFrame();
    const account = $("account").value.trim() || null;
    const t0 = Date.now();
    const res = await verifyInclusion({ proofBytes, proofName, manifestBytes, operatorKey: key, accountId: account, onProgress });
    let proof = null;
    try { proof = parseJson(utf8Decode(proofBytes)); } catch { proof = null; }
    show(res.toJSON(), proof, manifestBytes);
    $("stage").textContent += ` in ${((Date.now() - t0) / 1000).toFixed(1)} s`;
  }
  async function guarded(fn) {
    if (busy) return;
    busy = true;
    for (const b of doc.querySelectorAll("button")) b.disabled = true;
    try { await fn(); } catch (e) { fail("client.file", `could not verify: ${e && e.message ? e.message : e}`); } finally {
      busy = false;
      for (const b of doc.querySelectorAll("button")) b.disabled = false;
    }
  }
  const readFile = (f) => f.arrayBuffer().then((b) => new Uint8Array(b));

  $("verify-files").addEventListener("click", () => guarded(async () => {
    const pf = $("proof-file").files[0], mf = $("manifest-file").files[0];
    if (!pf) { fail("client.file", "choose your proof file"); return; }
    if (!mf) { fail("manifest", "choose the epoch's manifest.json"); return; }
    await run(await readFile(pf), pf.name, await readFile(mf));
  }));

  if (served) {
    $("served").hidden = false;
    $("files-title").textContent = "3. Or verify files you downloaded";
    const sel = $("epoch");
    fetch("/v1/epochs", { credentials: "omit", cache: "no-store" }).then((r) => (r.ok ? r.json() : { epochs: [] }))
      .then((d) => {
        const eps = Array.isArray(d.epochs) ? d.epochs.filter((e) => typeof e === "string") : [];
        for (const e of eps.slice().reverse()) sel.append(new Option(e, e));
      }).catch(() => {});
    $("fetch-verify").addEventListener("click", () => guarded(async () => {
      const epoch = sel.value, token = $("token").value.trim();
      if (!epoch) { fail("client.file", "no epoch is published on this service"); return; }
      if (!token) { fail("client.file", "paste the sign-in token your platform gave you"); return; }
      const seg = encodeURIComponent(epoch);
      const pr = await fetch(`/v1/epochs/${seg}/proof`, { headers: { Authorization: `Bearer ${token}` }, credentials: "omit", cache: "no-store", redirect: "error" });
      if (!pr.ok) { fail("client.file", pr.status === 401 ? "the service refused the token (expired or not valid): sign in again" : `the service has no proof for you in ${epoch} (HTTP ${pr.status})`); return; }
      const mr = await fetch(`/epochs/${seg}/manifest.json`, { credentials: "omit", cache: "no-store", redirect: "error" });
      if (!mr.ok) { fail("manifest", `the manifest of ${epoch} could not be fetched (HTTP ${mr.status})`); return; }
      await run(new Uint8Array(await pr.arrayBuffer()), `${epoch} proof`, new Uint8Array(await mr.arrayBuffer()));
    }));
  }
}
