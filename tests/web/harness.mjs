// Test harness: verify many (proof, manifest, key, account) cases in one Node process with the
// committed bundle (por/serve/static/verify.js), range-proof items memoised by their bytes.
//   node tests/web/harness.mjs CASES.json > RESULTS.json
// CASES.json: [{"proof": path, "manifest": path, "key": hex, "account": id|null}, ...]
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { loadBundle } from "../../web/verify.mjs";

const V = loadBundle();
V.statements.enableMemo();
const cases = JSON.parse(readFileSync(process.argv[2], "utf8"));
const out = [];
for (const c of cases) {
  const r = await V.verifyInclusion({ proofBytes: new Uint8Array(readFileSync(c.proof)), proofName: basename(c.proof),
    manifestBytes: new Uint8Array(readFileSync(c.manifest)), operatorKey: c.key, accountId: c.account ?? null });
  out.push({ subject: r.subject, ok: r.ok, checks: r.checks.map((k) => ({ id: k.id, ok: k.ok, status: k.status, message: k.message })) });
}
process.stdout.write(JSON.stringify(out));
