// The client's verifier (docs/protocol.md §7.10, §9.4): one inclusion proof (por-client-proof/2)
// against the epoch's signed manifest and the operator key the client pinned. The same checks, with
// the same ids and in the same order, as `por verify inclusion` (por/verify/client.py and
// por/tree/client_path.py::verify_client_proof):
//   client.file, manifest, manifest.signature, client.trust, client.epoch, client.manifest,
//   manifest.tree, manifest.columns, manifest.prices, client.format, client.epoch, client.account,
//   client.columns, client.expected, client.statements, client.leaf, client.path, client.root,
//   client.range_proofs, client.collateral, client.included.
// Never throws on malformed input: every problem is a failed check with a sentence.
import { concat, eqBytes, fromB64, fromHex, toHex, utf8 } from "./bytes.js";
import { decode, encode } from "./group.js";
import { JsonError, PyFloat, get, has, hasLoneSurrogate, isObj, parseJson, pyEq, pyRepr, pyType, utf8Decode } from "./json.js";
import * as L from "./leaf.js";
import { BundleError, Manifest } from "./manifest.js";
import { commitPoint } from "./pedersen.js";
import { ShapeError, checkClientProof, checkManifest } from "./shape.js";
import { collateralTerms } from "./reserves.js";
import { ensureGens } from "./generators.js";
import * as st from "./statements.js";

export const CLIENT_FORMAT = "por-client-proof/2";
const OLD_CLIENT_FORMATS = { "por-client-proof/1": "leaf format por-leaf/1" };
const MAX_VALUE = 1n << 64n;
const DEC = /^(0|[1-9][0-9]{0,39})\n?$/; // Python's re `$` also matches before a final newline
const HEX = /^[0-9a-f]*$/;
const ASSET = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,63}\n?$/;
const KINDS = ["equity", "debt"];
const BPS = 10000n;

export class Result {
  constructor(subject) { this.subject = subject; this.checks = []; }
  add(id, ok, message) { this.checks.push({ id, ok: !!ok, status: ok ? "passed" : "failed", message }); return !!ok; }
  passed(id, message) { this.add(id, true, message); }
  failed(id, message) { this.add(id, false, message); }
  get ok() { return this.checks.length > 0 && this.checks.every((c) => c.ok); }
  toJSON() { return { subject: this.subject, ok: this.ok, checks: this.checks }; }
}

class Bad extends Error {}

const trunc = (s, n) => String(s).slice(0, n);
function dec(x, what) {
  if (typeof x === "string" && x.startsWith("-") && DEC.test(x.slice(1))) throw new Bad(`${what} is negative (${x})`);
  if (typeof x !== "string" || !DEC.test(x)) throw new Bad(`${what} must be a decimal string, got ${trunc(pyRepr(x), 60)}`);
  return BigInt(x.replace("\n", ""));
}
function hex(x, n, what) {
  if (typeof x !== "string" || x.length !== 2 * n || !HEX.test(x)) throw new Bad(`${what} must be ${n} bytes of lower-case hex`);
  return fromHex(x);
}
function b64(x, what) {
  if (typeof x !== "string") throw new Bad(`${what} must be a base64 string`);
  try { return fromB64(x); } catch { throw new Bad(`${what} is not valid base64`); }
}
function int(x, lo, hi, what) {
  if (typeof x !== "bigint" || !(BigInt(lo) <= x && x < BigInt(hi))) throw new Bad(`${what} must be an integer in [${lo}, ${hi})`);
  return x;
}
function need(d, key, what = "") {
  if (!isObj(d) || !has(d, key)) throw new Bad(`missing field '${what + key}'`);
  return d[key];
}

/** Python's dict(x) on a JSON value: an object, or a list of pairs. */
function pyDict(x) {
  if (isObj(x)) return Object.entries(x);
  if (!Array.isArray(x)) throw new TypeError(`'${pyType(x)}' object is not iterable`);
  return x.map((e) => pairOf(e));
}
/** `a, b = e` in Python on a JSON value (a list, a string of 2 code points, an object of 2 keys). */
function pairOf(e) {
  if (Array.isArray(e) && e.length === 2) return [e[0], e[1]];
  if (typeof e === "string" && Array.from(e).length === 2) return Array.from(e);
  if (isObj(e) && Object.keys(e).length === 2) return Object.keys(e);
  throw new TypeError("not a pair");
}

function parseColumns(columns) {
  if (!Array.isArray(columns)) throw new Bad("columns: columns must be a list of (asset, kind) pairs");
  const out = [];
  const seen = new Set();
  columns.forEach((col, i) => {
    let asset, kind;
    try { [asset, kind] = pairOf(col); } catch { throw new Bad(`columns: column ${i}: expected (asset, kind)`); }
    if (typeof asset !== "string" || !ASSET.test(asset)) throw new Bad(`columns: column ${i}: asset is not a valid asset code`);
    if (typeof kind !== "string" || !KINDS.includes(kind)) throw new Bad(`columns: column ${i}: kind must be one of equity, debt`);
    const key = JSON.stringify([asset, kind]);
    if (seen.has(key)) throw new Bad(`columns: column ${i}: (${asset}, ${kind}) appears twice`);
    seen.add(key);
    out.push({ asset, kind });
  });
  if (!out.length) throw new Bad("columns: a tree needs at least one column");
  return out;
}

function utf8Len(s) { return utf8(s).length; }

export function parseClient(p) {
  if (!isObj(p)) throw new Bad("the proof is not a JSON object");
  const fmt = get(p, "format");
  if (typeof fmt === "string" && fmt in OLD_CLIENT_FORMATS) {
    throw new Bad(`format ${fmt} (${OLD_CLIENT_FORMATS[fmt]}) is refused: ask the operator for a ${CLIENT_FORMAT} proof`);
  }
  if (fmt !== CLIENT_FORMAT) throw new Bad(`format ${trunc(pyRepr(fmt), 60)} is not '${CLIENT_FORMAT}'`);
  const badLeaf = L.checkLeafFormat(get(p, "leaf_format") ?? null);
  if (badLeaf) throw new Bad(badLeaf);
  try { checkClientProof(p); } catch (e) { if (e instanceof ShapeError) throw new Bad(e.message); throw e; }
  if (has(p, "protocol") && !pyEq(p.protocol, "por-v1")) throw new Bad(`protocol ${trunc(pyRepr(p.protocol), 60)} is not 'por-v1'`);
  const mode = need(p, "mode");
  if (!L.MODES.includes(mode)) throw new Bad("mode is not one of committed, plain");
  const epoch = need(p, "epoch_id");
  if (typeof epoch !== "string" || !epoch) throw new Bad("epoch_id must be a non-empty string");
  const cols = parseColumns(need(p, "columns"));
  const k = cols.length;
  const account = need(p, "account_id");
  if (typeof account !== "string" || hasLoneSurrogate(account) || !(utf8Len(account) > 0 && utf8Len(account) <= L.MAX_ACCOUNT_BYTES)) {
    throw new Bad(`account_id must be 1..${L.MAX_ACCOUNT_BYTES} bytes of UTF-8`);
  }
  const height = Number(int(need(p, "height"), 1, 41, "height"));
  const bsz = need(p, "block_size");
  const badBlock = L.blockSizeProblem(bsz, k, mode);
  if (badBlock) throw new Bad(badBlock.replace("block size", "block_size"));
  const ctxHex = need(p, "context");
  if (typeof ctxHex !== "string" || ctxHex.length % 2 || !HEX.test(ctxHex)) throw new Bad("context must be lower-case hex");
  const rawValues = need(p, "values");
  if (!Array.isArray(rawValues) || rawValues.length !== k) throw new Bad(`values must be a list of ${k} decimal strings`);
  const values = rawValues.map((v, i) => dec(v, `values[${i}]`));
  values.forEach((v, i) => { if (v >= MAX_VALUE) throw new Bad(`values[${i}] is >= 2^64`); });
  const s = hex(need(p, "leaf_secret"), 32, "leaf_secret");
  const position = int(need(p, "position"), 0, 2 ** height, "position");
  const path = need(p, "path");
  if (!Array.isArray(path) || path.length !== height) throw new Bad(`path must list ${height} levels`);
  const siblings = [], blocks = [];
  path.forEach((e, level) => {
    const where = `path[${level}].`;
    const lv = need(e, "level", where);
    if (typeof lv !== "bigint" || lv !== BigInt(level)) throw new Bad(`path[${level}].level must be ${level}`);
    const sib = need(e, "sibling", where);
    const sc = need(sib, "columns", where + "sibling.");
    if (!Array.isArray(sc) || sc.length !== k) throw new Bad(`${where}sibling.columns must list ${k} columns`);
    let link;
    if (level === 0) {
      link = hex(need(sib, "leaf_id", where + "sibling."), 32, where + "sibling.leaf_id");
    } else {
      const ch = need(sib, "children", where + "sibling.");
      if (!Array.isArray(ch) || ch.length !== 2) throw new Bad(`${where}sibling.children must list the sibling's two child hashes`);
      link = [hex(ch[0], 32, where + "sibling.children[0]"), hex(ch[1], 32, where + "sibling.children[1]")];
    }
    if (mode === "committed") {
      siblings.push([link, sc.map((c, i) => hex(c, 48, `${where}sibling.columns[${i}]`))]);
      const blk = need(e, "block", where);
      const j = int(need(blk, "index", where + "block."), 0, 2 ** 62, where + "block.index");
      const comms = b64(need(blk, "commitments", where + "block."), where + "block.commitments");
      const raw = need(blk, "proof", where + "block.");
      blocks.push([j, comms, raw === null ? null : b64(raw, where + "block.proof")]);
    } else {
      siblings.push([link, sc.map((c, i) => dec(c, `${where}sibling.columns[${i}]`))]);
    }
  });
  const root = need(p, "root");
  const rootHash = hex(need(root, "hash", "root."), 32, "root.hash");
  const rc = need(root, "columns", "root.");
  if (!Array.isArray(rc) || rc.length !== k) throw new Bad(`root.columns must list ${k} columns`);
  const rootColumns = mode === "committed" ? rc.map((c, i) => hex(c, 48, `root.columns[${i}]`)) : rc.map((c, i) => dec(c, `root.columns[${i}]`));
  const stm = has(p, "statements") ? p.statements : Object.create(null);
  if (!isObj(stm)) throw new Bad("statements must be an object");
  const coll = get(p, "collateral") ?? null;
  if (coll !== null && !isObj(coll)) throw new Bad("collateral must be an object or null");
  return { mode, epochId: epoch, accountId: account, columns: cols, height, blockSize: Number(bsz), context: fromHex(ctxHex),
    values, s, position, siblings, blocks, statements: stm, collateral: coll, rootHash, rootColumns };
}

/** The statement names a tree of this encoding uses (docs/protocol.md §5.1). */
export function statementNames(encoding, debt) {
  const suffix = encoding === "linear" ? "-linear" : "";
  return ["node-range" + suffix, ...(debt ? ["collateral" + suffix] : [])];
}

function statementCheck(res, checkId, refs, names) {
  const extra = Object.keys(refs).filter((n) => !names.includes(n)).sort();
  if (extra.length) return res.add(checkId, false, `statements do not match: ${extra.join(", ").slice(0, 200)} recorded, but the tree's encoding uses only ${names.join(", ")}`);
  const problems = [];
  for (const name of names) {
    const ref = isObj(refs) ? get(refs, name) : undefined;
    if (!isObj(ref)) { problems.push(`${name}: not recorded`); continue; }
    let local;
    try { local = st.load(name); } catch (e) { problems.push(`${name}: cannot load the local specification (${e.message})`); continue; }
    const rg = (f) => (has(ref, f) ? ref[f] : null);
    if (!pyEq(rg("id"), local.id) || !pyEq(rg("sha256"), local.sha256)) {
      problems.push(`${name}: recorded sha256 ${trunc(rg("sha256"), 16)}... differs from the local specification ${local.sha256.slice(0, 16)}...`);
    } else if (!pyEq(rg("version"), BigInt(local.version)) || !pyEq(rg("bits"), BigInt(local.bits))) {
      problems.push(`${name}: recorded version and bits differ from the specification's ${local.version} and ${local.bits}`);
    }
  }
  if (problems.length) return res.add(checkId, false, "statements do not match: " + problems.join("; "));
  return res.add(checkId, true, `statements ${names.join(", ") || "(none)"} match their specifications`);
}

const colsText = (cols) => `[${cols.slice(0, 8).map((c) => `${c[0]}:${c[1]}`).join(", ")}${cols.length > 8 ? ", ..." : ""}]`.slice(0, 300);

function clientExpected(res, p, expected) {
  const have = { mode: p.mode, epoch_id: p.epochId, height: BigInt(p.height), block_size: BigInt(p.blockSize),
    context: toHex(p.context), leaf_format: L.LEAF_FORMAT };
  const diffs = [];
  for (const [key, value] of Object.entries(have)) {
    if (!has(expected, key)) diffs.push(`${key} (not in the description)`);
    else if (typeof expected[key] === "boolean" || !pyEq(expected[key], value)) {
      diffs.push(`${key} (${trunc(pyRepr(value), 40)} in the proof, ${trunc(pyRepr(expected[key]), 40)} published)`);
    }
  }
  if (p.mode === "committed") {
    const pub = get(expected, "statements");
    if (isObj(pub)) {
      const a = Object.keys(pub).sort(), b = Object.keys(p.statements).sort();
      if (a.length !== b.length || a.some((x, i) => x !== b[i])) diffs.push("statements (not the proof's)");
      for (const [name, ref] of Object.entries(pub)) {
        const mine = get(p.statements, name);
        const g = (o, f) => (has(o, f) ? o[f] : null);
        if (!isObj(ref) || !isObj(mine) || ["id", "version", "sha256", "bits"].some((f) => !pyEq(g(mine, f), g(ref, f)))) {
          diffs.push(`statement ${trunc(name, 40)}`);
        }
      }
    } else diffs.push("statements (not in the description)");
  }
  res.add("client.expected", !diffs.length, !diffs.length
    ? "the proof's mode, height, block size, context, leaf format and statements are the published tree's"
    : "the proof differs from the published tree description in: " + diffs.join("; "));
}

/** The range-proof encoding a proof's statements name (docs/protocol.md §5.1, §7.5). */
function encodingOf(statements) {
  return isObj(statements) && has(statements, "node-range-linear") ? "linear" : "compressed";
}

/** verify_client_proof: the tree part of the client's checks. */
export async function verifyClientProof(proof, { rootHash = null, rootCommitments = null, epochId = null, prices = null,
  haircuts = null, accountId = null, columns = null, expected = null, onProgress = null } = {}) {
  const res = new Result("client inclusion proof");
  const progress = onProgress || (() => {});
  let p;
  try {
    p = parseClient(proof);
  } catch (e) {
    res.failed("client.format", `malformed client proof: ${e instanceof Bad ? e.message : `a field has the wrong type (${e.message})`}`);
    return res;
  }
  res.passed("client.format", `${CLIENT_FORMAT} (${L.LEAF_FORMAT}), ${p.mode} mode, height ${p.height}, ${p.columns.length} column(s), block size ${p.blockSize}`);
  if (epochId !== null) {
    res.add("client.epoch", p.epochId === epochId, `proof is for epoch '${p.epochId}'` + (p.epochId === epochId ? "" : `, expected '${epochId}'`));
  } else res.passed("client.epoch", `proof is for epoch '${p.epochId}'`);
  if (accountId !== null) {
    res.add("client.account", p.accountId === accountId, p.accountId === accountId
      ? `the proof is for account '${p.accountId}', the one you named`
      : `the proof is for account '${trunc(p.accountId, 80)}', not yours ('${trunc(accountId, 80)}'): its leaf is bound to that id, so it proves nothing about your balance`);
  } else {
    res.passed("client.account", `the proof is for ACCOUNT '${trunc(p.accountId, 200)}' (its leaf is bound to this id; check that it is yours, or pass your account id to have it checked)`);
  }
  if (columns !== null) {
    const mine = p.columns.map((c) => [c.asset, c.kind]);
    const same = mine.length === columns.length && mine.every((c, i) => c[0] === columns[i][0] && c[1] === columns[i][1]);
    res.add("client.columns", same, same ? `the proof's ${mine.length} column(s) are the published ones, in order`
      : `the proof's columns ${colsText(mine)} differ from the published columns ${colsText(columns)} (labels or order): its values would be read against the wrong assets`);
  }
  if (expected !== null) clientExpected(res, p, expected);
  const k = p.columns.length;
  const committed = p.mode === "committed";
  const enc = encodingOf(p.statements);
  const names = statementNames(enc, p.columns.some((c) => c.kind === "debt"));
  if (committed) statementCheck(res, "client.statements", p.statements, names);

  // leaf
  await progress("leaf", 0, 1);
  const lid = L.leafId(p.accountId, p.s);
  let pts = null, leafCols, cols;
  if (committed) {
    pts = p.values.map((v, c) => commitPoint(v, L.blinding(p.s, c)));
    leafCols = pts.map(encode);
    cols = concat(...leafCols);
  } else {
    cols = concat(...p.values.map(L.encodeSum));
    leafCols = [...p.values];
  }
  let h = L.leafHash(p.mode, lid, cols);
  res.passed("client.leaf", `leaf recomputed from the secret and ${k} value(s) at position ${p.position}`);

  // path
  const pathCols = [];
  const problems = [];
  let cur = committed ? pts : leafCols;
  let curEnc = committed ? leafCols : [];
  for (let level = 0; level < p.siblings.length; level++) {
    const [link, sc] = p.siblings[level];
    pathCols.push([...curEnc]);
    const sibCols = committed ? concat(...sc) : concat(...sc.filter((v) => v < MAX_VALUE).map(L.encodeSum));
    const sh = level === 0 ? L.leafHash(p.mode, link, sibCols) : L.nodeHash(p.mode, link[0], link[1], sibCols);
    let colBytes;
    if (committed) {
      let sp;
      try { sp = sc.map((c) => decode(c, true)); } catch (e) { problems.push(`level ${level}: sibling commitment does not decode (${e.message})`); break; }
      cur = cur.map((a, i) => a.add(sp[i]));
      curEnc = cur.map(encode);
      colBytes = concat(...curEnc);
    } else {
      const bad = sc.findIndex((v) => v >= MAX_VALUE);
      if (bad >= 0) { problems.push(`level ${level}: sibling sum of column ${bad} is >= 2^64`); break; }
      cur = cur.map((a, i) => a + sc[i]);
      if (level < p.height - 1 && cur.some((v) => v >= MAX_VALUE)) { problems.push(`level ${level + 1}: path node sum is >= 2^64`); break; }
      colBytes = concat(...cur.map(L.encodeSum));
    }
    const right = (BigInt(p.position) >> BigInt(level)) & 1n;
    h = right === 0n ? L.nodeHash(p.mode, h, sh, colBytes) : L.nodeHash(p.mode, sh, h, colBytes);
    await progress("path", level + 1, p.siblings.length);
  }
  if (problems.length) {
    res.failed("client.path", problems.join("; "));
  } else {
    res.passed("client.path", `${p.height} sibling(s) folded to a root`);
    const rootCols = committed ? curEnc : cur;
    const expectedHash = rootHash !== null && typeof rootHash === "string" && rootHash.length === 64 && HEX.test(rootHash) ? fromHex(rootHash) : null;
    const msgs = [];
    let ok = true;
    if (rootHash !== null && expectedHash === null) { ok = false; msgs.push("the published root hash given is not 32 bytes of hex"); }
    const target = expectedHash || p.rootHash;
    if (!eqBytes(h, target)) {
      ok = false;
      msgs.push(`recomputed root ${toHex(h).slice(0, 16)}... differs from the ${expectedHash ? "published" : "proof file"} root ${toHex(target).slice(0, 16)}... (the leaf of account '${trunc(p.accountId, 80)}' with these values is not in the tree: a leaf is bound to its account id, so another account's leaf does not fold to the root)`);
    }
    if (expectedHash && !eqBytes(p.rootHash, expectedHash)) { ok = false; msgs.push("the root recorded in the proof file differs from the published root"); }
    const sameCols = rootCols.length === p.rootColumns.length && rootCols.every((c, i) => (committed ? eqBytes(c, p.rootColumns[i]) : c === p.rootColumns[i]));
    if (!sameCols) { ok = false; msgs.push("the recomputed root columns differ from those recorded in the proof file"); }
    if (rootCommitments !== null) {
      const have = committed ? rootCols.map(toHex) : rootCols.map(String);
      if (have.length !== rootCommitments.length || have.some((c, i) => c !== String(rootCommitments[i]))) {
        ok = false; msgs.push("the recomputed root columns differ from the published root");
      }
    }
    if (ok) res.passed("client.root", `path folds to the ${expectedHash ? "published" : "recorded"} root ${toHex(h).slice(0, 16)}...` + (expectedHash ? "" : " (compare it with the signed manifest)"));
    else res.failed("client.root", msgs.join("; "));
  }

  if (committed) await clientBlocks(res, p, pathCols, problems, names[0], progress);
  else res.passed("client.range_proofs", !problems.length ? "plain mode: every sibling sum checked in the clear to be in [0, 2^64)" : "plain mode: sums checked in the clear (see client.path)");

  await clientCollateral(res, p, leafCols, prices, haircuts, names[1], progress);
  return res;
}

async function clientBlocks(res, p, pathCols, problems, nodeRange, progress) {
  const k = p.columns.length;
  const issues = [], items = [], levels = [];
  for (let level = 0; level < p.blocks.length; level++) {
    const [j, comms, proof] = p.blocks[level];
    const bl = L.levelBlockSize(p.blockSize, p.height, level);
    const idx = BigInt(p.position) >> BigInt(level);
    // the sibling's block (for B_l >= 2 it holds the path node too; docs/protocol.md §7.10)
    const want = (idx ^ 1n) / BigInt(bl);
    if (j !== want) { issues.push(`level ${level}: block ${j} does not cover the sibling ${idx ^ 1n} (expected block ${want})`); continue; }
    if (comms.length !== bl * k * 48) { issues.push(`level ${level}: block commitments are ${comms.length} bytes, expected ${bl * k * 48}`); continue; }
    if (proof === null) { issues.push(`level ${level}: the range proof of block ${j} is missing`); continue; }
    const cs = [];
    for (let i = 0; i < bl * k; i++) cs.push(comms.subarray(48 * i, 48 * (i + 1)));
    const sibSlot = Number((idx ^ 1n) - j * BigInt(bl)), ownSlot = Number(idx - j * BigInt(bl));
    const sameList = (a, b) => a.length === b.length && a.every((x, i) => eqBytes(x, b[i]));
    if (!sameList(cs.slice(sibSlot * k, (sibSlot + 1) * k), p.siblings[level][1])) {
      issues.push(`level ${level}: the block's commitment at the sibling's slot is not the sibling shown`); continue;
    }
    if (ownSlot >= 0 && ownSlot < bl && level < pathCols.length && !problems.length && !sameList(cs.slice(ownSlot * k, (ownSlot + 1) * k), pathCols[level])) {
      issues.push(`level ${level}: the block's commitment at the path node's slot is not the path node`); continue;
    }
    const ctx = L.blockContext(p.epochId, p.context, p.height, level, Number(j));
    let stmt;
    try { stmt = st.load(nodeRange); } catch (e) { issues.push(`cannot load ${nodeRange}: ${e.message}`); break; }
    items.push({ stmt, claims: cs.map((c) => ({ commitments: [c], coefficients: [1n], constant: 0n })), proof, context: ctx });
    levels.push(level);
  }
  if (!issues.length && items.length) {
    await progress("range proofs", 0, items.length);
    const nMax = Math.max(...items.map((it) => it.stmt.bits * 2 ** Math.ceil(Math.log2(it.claims.length))));
    await ensureGens(nMax, (d, n) => progress("generators", d, n));
    const ok = st.verifyBatch(items);
    const bad = ok ? [] : st.findInvalid(items);
    await progress("range proofs", items.length, items.length);
    if (!ok) issues.push("range proof(s) do not verify at level(s) " + bad.map((i) => String(levels[i])).slice(0, 10).join(", "));
  }
  if (issues.length) res.failed("client.range_proofs", issues.join("; "));
  else res.passed("client.range_proofs", `${items.length} sibling block(s) prove every sibling column in [0, 2^64)`);
}

function collateralCoefficients(columns, prices, haircuts) {
  const out = [];
  for (const c of columns) {
    const p = prices.get(c.asset);
    if (typeof p !== "bigint" || !(p > 0n && p < MAX_VALUE)) throw new Bad(`price of ${c.asset} missing or not a positive integer below 2^64`);
    if (c.kind === "equity") {
      const h = haircuts.get(c.asset);
      if (typeof h !== "bigint" || !(h >= 0n && h <= BPS)) throw new Bad(`haircut of ${c.asset} missing or not an integer in [0, 10000] bps`);
      out.push(h * p);
    } else out.push(-BPS * p);
  }
  return out;
}

function sameMap(published, mine) {  // exactly the published map: no asset more, none less
  if (published.size !== mine.size) return false;
  for (const [a, v] of published) if (mine.get(a) !== v) return false;
  return true;
}

async function clientCollateral(res, p, leafCols, prices, haircuts, collName, progress) {
  const hasDebt = p.columns.some((c, i) => c.kind === "debt" && p.values[i] !== 0n);
  if (!hasDebt) { res.passed("client.collateral", "no debt: no collateral proof needed"); return; }
  const coll = p.collateral;
  if (coll === null) { res.failed("client.collateral", "the client has debt but the proof carries no collateral section"); return; }
  let fp, fh;
  try {
    fp = new Map(pyDict(need(coll, "prices")).map(([a, v]) => [String(a), dec(v, `collateral.prices.${a}`)]));
    fh = new Map(pyDict(need(coll, "haircuts_bps")).map(([a, v]) => [String(a), int(v, 0, 10001, `collateral.haircuts_bps.${a}`)]));
  } catch (e) {
    res.failed("client.collateral", `malformed collateral section: ${e.message}`);
    return;
  }
  if (prices !== null && !sameMap(prices, fp)) { res.failed("client.collateral", "the proof's prices differ from the published prices"); return; }
  if (haircuts !== null && !sameMap(haircuts, fh)) { res.failed("client.collateral", "the proof's haircuts differ from the published haircuts"); return; }
  let coeffs;
  try { coeffs = collateralCoefficients(p.columns, fp, fh); } catch (e) {
    res.failed("client.collateral", `prices or haircuts unusable: ${e.message}`);
    return;
  }
  if (p.mode === "plain") {
    let cv = 0n;
    coeffs.forEach((c, i) => { cv += c * p.values[i]; });
    res.add("client.collateral", cv >= 0n, cv >= 0n ? "debt covered by haircut collateral (checked in the clear)"
      : `debt not covered by collateral: short by ${-cv} price units x 10^4`);
    return;
  }
  let proof;
  try {
    const raw = need(coll, "proof");
    proof = raw === null ? null : b64(raw, "collateral.proof");
  } catch (e) { res.failed("client.collateral", e.message); return; }
  if (proof === null) { res.failed("client.collateral", "the client has debt but no collateral proof"); return; }
  const ctx = L.collateralContext(p.epochId, p.context, p.height, p.position);
  await progress("collateral", 0, 1);
  await ensureGens(st.load(collName).bits, (d, n) => progress("generators", d, n));
  let ok;
  try {
    ok = st.verify(st.load(collName), [{ commitments: leafCols, coefficients: coeffs, constant: 0n }], proof, ctx);
  } catch (e) {
    res.failed("client.collateral", `collateral proof unusable (${e.message})`);
    return;
  }
  await progress("collateral", 1, 1);
  res.add("client.collateral", ok, ok ? "collateral proof verifies: debt covered by haircut collateral"
    : "collateral proof does not verify at the given prices and haircuts");
}

/** tree_description_problem: why a manifest's tree description is unusable, or null. */
export function treeDescriptionProblem(tree, epochId) {
  if (!isObj(tree)) return `it is a ${pyType(tree)}, not an object`;
  for (const key of ["mode", "epoch_id", "columns", "height", "block_size", "root_hash", "root", "context", "statements", "leaf_format"]) {
    if (!has(tree, key)) return `it has no '${key}'`;
  }
  const badLeaf = L.checkLeafFormat(tree.leaf_format);
  if (badLeaf) return badLeaf;
  const { mode, columns: cols, height } = tree;
  if (!L.MODES.includes(mode)) return "mode is not one of committed, plain";
  if (epochId !== null && !pyEq(tree.epoch_id, epochId)) return `it names epoch ${trunc(pyRepr(tree.epoch_id), 60)}, the manifest '${trunc(epochId, 60)}'`;
  if (!Array.isArray(cols) || !cols.length || !cols.every((c) => Array.isArray(c) && c.length === 2 && c.every((x) => typeof x === "string"))) {
    return "columns is not a non-empty list of [asset, kind] pairs";
  }
  if (typeof height !== "bigint" || height < 1n || height > 40n) return "height is not an integer in [1, 40]";
  const badBlock = L.blockSizeProblem(tree.block_size, cols.length, mode);
  if (badBlock) return badBlock;
  const rh = tree.root_hash;
  if (typeof rh !== "string" || rh.length !== 64 || !HEX.test(rh)) return "root_hash is not 32 bytes of lower-case hex";
  const root = tree.root;
  if (!Array.isArray(root) || root.length !== cols.length || !root.every((x) => typeof x === "string")) return `root is not a list of ${cols.length} strings`;
  if (mode === "committed" && !root.every((x) => x.length === 96 && HEX.test(x))) return "root is not a list of 48-byte hex commitments";
  if (mode === "plain" && !root.every((x) => DEC.test(x))) return "root is not a list of decimal sums";
  const ctx = tree.context;
  if (typeof ctx !== "string" || ctx.length % 2 || !HEX.test(ctx)) return "context is not lower-case hex";
  if (!isObj(tree.statements)) return "statements is not an object";
  return null;
}

/**
 * verify_inclusion: one proof file's bytes against the manifest's bytes and the pinned operator key.
 * @param {{proofBytes: Uint8Array, proofName: string, manifestBytes: Uint8Array, operatorKey: string,
 *          accountId?: string|null, onProgress?: Function}} args
 */
export async function verifyInclusion({ proofBytes, proofName = "proof.json", manifestBytes, operatorKey, accountId = null, onProgress = null }) {
  const res = new Result(`inclusion proof ${proofName}`);
  let proof;
  try {
    proof = parseJson(utf8Decode(proofBytes));
  } catch (e) {
    res.failed("client.file", `${proofName} is not a readable JSON proof file (${e instanceof JsonError ? "ValueError" : e.name})`);
    return res;
  }
  if (!isObj(proof)) { res.failed("client.file", `${proofName}: a proof file is a JSON object`); return res; }
  const fmt = has(proof, "format") ? proof.format : "no format";
  res.passed("client.file", `${proofName} reads as JSON (${trunc(typeof fmt === "string" ? fmt : pyRepr(fmt), 60)})`);
  const who = get(proof, "account_id");
  if (typeof who === "string") res.subject = `inclusion proof ${proofName} for ACCOUNT '${trunc(who, 200)}'`;
  let manifest;
  try {
    manifest = Manifest.fromBytes(manifestBytes);
  } catch (e) {
    res.failed("manifest", e instanceof BundleError ? e.message : `the manifest does not read (${e.name})`);
    return res;
  }
  const m = manifest.signed;
  try { checkManifest({ signed: m, signatures: manifest.signatures }); } catch (e) {
    if (!(e instanceof ShapeError)) throw e;
    res.failed("manifest", `manifest.json: ${e.message}`);
    return res;
  }
  // manifest.signature and client.trust
  const opHex = String(operatorKey || "").trim().toLowerCase();
  const ok = manifest.signaturesBy("operator").some((s) => manifest.verifySignature(s, opHex));
  res.add("manifest.signature", ok, `operator signature over the manifest ${ok ? "verifies" : "does NOT verify"} with the operator key you pinned`);
  const auditors = manifest.signaturesBy("auditor").filter((s) => manifest.verifySignature(s)).map((s) => trunc(get(s, "signer") ?? "?", 60));
  res.passed("client.trust", `this verdict rests on the operator key you pinned (${opHex.slice(0, 16)}…); `
    + (auditors.length ? `an auditor co-signature is present (${auditors.join(", ")}; its key is not pinned by you)` : "no auditor has co-signed this manifest")
    + "; the asset decimals, haircuts and price policies behind your collateral check are the manifest's reserves "
    + "configuration, which only an auditor with the ledger checks against the governed one");
  const eid = m.epoch_id;
  const sameEpoch = pyEq(get(proof, "epoch_id") ?? null, eid);
  res.add("client.epoch", sameEpoch, `the proof is for epoch ${trunc(pyRepr(get(proof, "epoch_id")), 80)}` + (sameEpoch ? "" : `, the bundle is epoch '${trunc(eid, 80)}'`));
  // the pipeline always writes manifest_sha256: a missing one is a failure (as in por/verify/client.py)
  const want = get(proof, "manifest_sha256") ?? null;
  const same = want !== null && pyEq(want, manifest.sha256);
  res.add("client.manifest", same, same ? "the proof points at this manifest"
    : want === null ? "the proof names no manifest (manifest_sha256 missing)"
    : `the proof points at manifest ${trunc(typeof want === "string" ? want : pyRepr(want), 16)}…, the bundle's is ${manifest.sha256.slice(0, 16)}…`);
  // manifest.tree and manifest.columns
  const tree = get(m, "tree");
  const problem = treeDescriptionProblem(tree, eid);
  if (problem !== null) { res.failed("manifest.tree", `the manifest's tree description is unusable: ${problem}`); return res; }
  res.passed("manifest.tree", `tree description: ${tree.mode} mode, height ${tree.height}, block size ${tree.block_size}, ${L.LEAF_FORMAT}`);
  const mcols = get(m, "columns");
  if (!Array.isArray(mcols) || !mcols.every((c) => isObj(c) && typeof get(c, "asset") === "string" && typeof get(c, "kind") === "string")) {
    res.failed("manifest.columns", "the manifest's columns are not a list of {asset, kind} objects");
    return res;
  }
  const top = mcols.map((c) => [c.asset, c.kind]);
  if (!pyEq(top, tree.columns)) {
    res.failed("manifest.columns", "the manifest's columns differ from its tree description's columns (labels or order): the published figures could be read against the wrong assets");
    return res;
  }
  res.passed("manifest.columns", `the manifest's ${top.length} column(s) are its tree description's, in order`);
  let prices, haircuts;
  try { // from the reserves configuration, never the manifest's own fields (docs/protocol.md §9.5)
    [prices, haircuts] = collateralTerms(m);
  } catch (e) {
    res.failed("manifest.prices", e.message);
    return res;
  }
  const r = await verifyClientProof(proof, { rootHash: tree.root_hash, rootCommitments: tree.root, epochId: eid, prices, haircuts,
    accountId, columns: top, expected: tree, onProgress });
  res.checks.push(...r.checks);
  if (res.ok) {
    const shown = top.map(([a, kd], i) => [a, kd, proof.values[i]]).filter(([, , v]) => BigInt(v.replace("\n", "")) !== 0n)
      .map(([a, kd, v]) => `${a}:${kd}=${v}`).join(", ");
    res.passed("client.included", `account '${proof.account_id}': your balances (${shown || "all zero"}) are included in the liabilities of epoch ${eid}`);
  }
  return res;
}


export { PyFloat };
