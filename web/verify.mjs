#!/usr/bin/env node
// node web/verify.mjs PROOF --manifest MANIFEST --operator-key KEY [--account ID] [--json]
// The browser verifier's bundle (por/serve/static/verify.js) run under Node: the same checks as
// `por verify inclusion`, printed as its --json document or as OK:/FAIL: lines.
// Exit 0 every check passed, 1 a check failed, 2 unusable input (missing file, bad arguments).
import { readFileSync, existsSync, statSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import vm from "node:vm";
import { webcrypto } from "node:crypto";

const here = dirname(fileURLToPath(import.meta.url));
const BUNDLE = process.env.POR_WEB_BUNDLE || join(here, "..", "por", "serve", "static", "verify.js");

function usage(msg) {
  process.stderr.write(`error: ${msg}\nusage: node web/verify.mjs PROOF --manifest MANIFEST --operator-key KEY [--account ID] [--json]\n`);
  process.exit(2);
}

export function loadBundle(path = BUNDLE) {
  const ctx = { ...globalThis, console, TextEncoder, TextDecoder, crypto: globalThis.crypto || webcrypto, atob, btoa };
  vm.createContext(ctx);
  vm.runInContext(readFileSync(path, "utf8") + "\n;globalThis.PorVerify = PorVerify;", ctx, { filename: path });
  return ctx.PorVerify;
}

async function main(argv) {
  const args = { json: false, account: null, manifest: null, key: null, proof: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => { if (i + 1 >= argv.length) usage(`${a} needs a value`); return argv[++i]; };
    if (a === "--json") args.json = true;
    else if (a === "--manifest" || a === "--bundle") args.manifest = val();
    else if (a === "--operator-key") args.key = val();
    else if (a === "--account") args.account = val();
    else if (a.startsWith("--")) usage(`unknown option ${a}`);
    else if (args.proof === null) args.proof = a;
    else usage("one proof file");
  }
  if (!args.proof) usage("missing PROOF");
  if (!args.manifest) usage("missing --manifest");
  if (!args.key) usage("missing --operator-key (the operator's Ed25519 public key, hex or a .pub file)");
  if (args.account !== null && !(Buffer.byteLength(args.account) > 0 && Buffer.byteLength(args.account) <= 1024)) {
    usage("--account must be 1..1024 bytes of UTF-8");
  }
  let manifestPath = args.manifest;
  if (existsSync(manifestPath) && statSync(manifestPath).isDirectory()) manifestPath = join(manifestPath, "manifest.json");
  if (!existsSync(manifestPath)) usage(`${args.manifest}: no such file`);
  let key = args.key;
  if (existsSync(key) && statSync(key).isFile()) {
    key = readFileSync(key, "utf8").trim();
    if (key.includes("PRIVATE KEY")) usage("--operator-key: give the public key (hex or .pub), not the private key");
  }
  const V = loadBundle();
  let proofBytes = null;
  const res = await (async () => {
    if (!existsSync(args.proof)) {
      const r = new V.Result(`inclusion proof ${basename(args.proof)}`);
      r.failed("client.file", `${args.proof}: no such file`);
      return r;
    }
    proofBytes = new Uint8Array(readFileSync(args.proof));
    return V.verifyInclusion({ proofBytes, proofName: basename(args.proof), manifestBytes: new Uint8Array(readFileSync(manifestPath)),
      operatorKey: key, accountId: args.account });
  })();
  const doc = { subject: res.subject, ok: res.ok, checks: res.checks.map((c) => ({ id: c.id, ok: c.ok, status: c.status, message: c.message })) };
  if (args.json) process.stdout.write(JSON.stringify(doc, null, 2) + "\n");
  else {
    process.stdout.write(`${doc.subject}\n`);
    for (const c of doc.checks) process.stdout.write(`${c.ok ? "OK:  " : "FAIL:"} ${c.id}  ${c.message}\n`);
    const nFail = doc.checks.filter((c) => !c.ok).length;
    process.stdout.write(doc.ok ? `OK: all ${doc.checks.length} checks passed\n` : `FAIL: ${nFail} of ${doc.checks.length} checks failed\n`);
  }
  process.exitCode = doc.ok ? 0 : 1;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main(process.argv.slice(2));
