// The strict shapes of the client proof and the manifest's tree description, as por/bundle/tree.py
// defines them (docs/protocol.md §7.10, §9.4; docs/schemas): every field known, every type exact, hex
// lower-case, base64 canonical, decimal strings without sign or leading zero. Each function throws
// ShapeError naming the field path, or returns nothing; the verifier reads the fields afterwards.
import { has, hasLoneSurrogate, isObj } from "./json.js";
import * as L from "./leaf.js";

export class ShapeError extends Error {}

const fail = (at, msg) => { throw new ShapeError(`${at}: ${msg}`); };
const HEX32 = /^[0-9a-f]{64}$/;
const HEX_BYTES = /^(?:[0-9a-f]{2})*$/;
const B64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/][AQgw]==|[A-Za-z0-9+/]{2}[AEIMQUYcgkosw048]=)?$/;
const DEC = /^(0|[1-9][0-9]{0,39})$/;
const DEC_U64 = /^(0|[1-9][0-9]{0,19})$/;
const COLUMN_VALUE = /^(?:[0-9a-f]{96}|0|[1-9][0-9]{0,39})$/;
const ASSET = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,63}$/;
const STATEMENT_ID = /^[a-z][a-z0-9-]{0,62}$/;
const STORE = /^[^./\\][^/\\]*$/;
const TEXT = /^[^\x00-\x1f\x7f]+$/;
const BITS = [8n, 16n, 32n, 64n, 128n];

function obj(v, at, required, optional = [], nullable = []) {
  if (!isObj(v)) fail(at, "must be an object");
  for (const k of Object.keys(v)) if (![...required, ...optional, ...nullable].includes(k)) fail(`${at}.${k}`, "unknown field");
  for (const k of required) if (!has(v, k)) fail(`${at}.${k}`, "is missing");
  for (const k of optional) if (has(v, k) && v[k] === null) fail(`${at}.${k}`, "must be left out rather than null");
  return v;
}
function list(v, at) { if (!Array.isArray(v)) fail(at, "must be a list"); return v; }
function str(v, at, re, what) { if (typeof v !== "string" || !re.test(v)) fail(at, what); return v; }
function int(v, at, lo, hi) { if (typeof v !== "bigint" || v < lo || v > hi) fail(at, `must be an integer from ${lo} to ${hi}`); return v; }
function utf8Bytes(s) { return new TextEncoder().encode(s).length; }
function text(v, at, max) {
  if (typeof v !== "string" || !v.length || hasLoneSurrogate(v) || utf8Bytes(v) > max) fail(at, `must be 1 to ${max} bytes of UTF-8`);
  return v;
}
function map(v, at, keyRe, value) {
  if (!isObj(v)) fail(at, "must be an object");
  for (const [k, x] of Object.entries(v)) { str(k, `${at} (the key)`, keyRe, "bad key"); value(x, `${at}.${k}`); }
  return v;
}
function leafFormat(v, at) { const bad = L.checkLeafFormat(v); if (bad) fail(at, bad); }
function columns(v, at) {
  list(v, at);
  if (!v.length) fail(at, "must list at least 1 item(s)");
  const seen = new Set();
  v.forEach((c, i) => {
    if (!Array.isArray(c) || c.length !== 2) fail(`${at}[${i}]`, "must be [asset, kind]");
    str(c[0], `${at}[${i}][0]`, ASSET, "must be an asset code");
    if (!["equity", "debt"].includes(c[1])) fail(`${at}[${i}][1]`, "must be equity or debt");
    const key = `${c[0]}\u0000${c[1]}`;
    if (seen.has(key)) fail(at, `(${c[0]}, ${c[1]}) appears twice`);
    seen.add(key);
  });
}
function statementRef(v, at) {
  obj(v, at, ["id", "version", "sha256", "bits"]);
  str(v.id, `${at}.id`, STATEMENT_ID, "must be a statement id");
  int(v.version, `${at}.version`, 1n, 2n ** 31n - 1n);
  str(v.sha256, `${at}.sha256`, HEX32, "must be 32 bytes of lower-case hex");
  if (typeof v.bits !== "bigint" || !BITS.includes(v.bits)) fail(`${at}.bits`, "must be one of 8, 16, 32, 64, 128");
}
const statements = (v, at) => map(v, at, STATEMENT_ID, statementRef);
function blockAndRoot(mode, k, blockSize, root, rootAt) {
  const bad = L.blockSizeProblem(blockSize, k, mode);
  if (bad) fail("block_size", bad);
  if (root.length !== k) fail(rootAt, `must list ${k} columns`);
  if (mode === "committed" && !root.every((x) => x.length === 96)) fail(rootAt, "must be 48-byte hex commitments");
  if (mode === "plain" && root.some((x) => x.length === 96)) fail(rootAt, "must be decimal sums");
}
const mode = (v, at) => { if (!L.MODES.includes(v)) fail(at, "must be committed or plain"); };
const columnValues = (v, at) => list(v, at).forEach((x, i) => str(x, `${at}[${i}]`, COLUMN_VALUE, "must be a commitment or a sum"));
const b64 = (v, at) => { if (typeof v !== "string" || v.length < 4 || !B64.test(v)) fail(at, "must be standard base64"); };

/** TreeDescription (the manifest's ``tree``). */
export function checkTreeDescription(t, at = "tree") {
  if (isObj(t) && !has(t, "leaf_format")) leafFormat(null, `${at}.leaf_format`);
  obj(t, at, ["mode", "epoch_id", "columns", "height", "block_size", "root_hash", "root", "context", "statements",
    "leaf_format", "store"], ["proof_encoding", "leaf_count"]);
  mode(t.mode, `${at}.mode`);
  text(t.epoch_id, `${at}.epoch_id`, 256);
  if (!TEXT.test(t.epoch_id)) fail(`${at}.epoch_id`, "control characters");
  columns(t.columns, `${at}.columns`);
  int(t.height, `${at}.height`, 1n, 40n);
  int(t.block_size, `${at}.block_size`, 1n, 64n);
  str(t.root_hash, `${at}.root_hash`, HEX32, "must be 32 bytes of lower-case hex");
  columnValues(t.root, `${at}.root`);
  str(t.context, `${at}.context`, HEX_BYTES, "must be lower-case hex");
  statements(t.statements, `${at}.statements`);
  leafFormat(t.leaf_format, `${at}.leaf_format`);
  str(t.store, `${at}.store`, STORE, "must name a file of the bundle's top level");
  if (has(t, "proof_encoding") && !["linear", "compressed"].includes(t.proof_encoding)) fail(`${at}.proof_encoding`, "bad");
  if (has(t, "leaf_count")) int(t.leaf_count, `${at}.leaf_count`, 1n, 2n ** 64n);
  blockAndRoot(t.mode, t.columns.length, t.block_size, t.root, `${at}.root`);
}

function entry(e, level, k, committed) {
  const at = `path[${level}]`;
  obj(e, at, ["level", "sibling"], ["block"]);
  int(e.level, `${at}.level`, 0n, 39n);
  const sib = obj(e.sibling, `${at}.sibling`, ["columns"], ["leaf_id", "children"]);
  if (has(sib, "leaf_id")) str(sib.leaf_id, `${at}.sibling.leaf_id`, HEX32, "must be 32 bytes of hex");
  if (has(sib, "children")) {
    list(sib.children, `${at}.sibling.children`);
    if (sib.children.length !== 2) fail(`${at}.sibling.children`, "must list 2 hashes");
    sib.children.forEach((c, i) => str(c, `${at}.sibling.children[${i}]`, HEX32, "must be 32 bytes of hex"));
  }
  columnValues(sib.columns, `${at}.sibling.columns`);
  if (has(e, "block")) {
    const b = obj(e.block, `${at}.block`, ["index", "commitments", "proof"]);
    int(b.index, `${at}.block.index`, 0n, 2n ** 62n - 1n);
    b64(b.commitments, `${at}.block.commitments`);
    if (b.proof !== null) b64(b.proof, `${at}.block.proof`);
  }
  if (e.level !== BigInt(level)) fail(`${at}.level`, `must be ${level}`);
  if (level === 0 && (!has(sib, "leaf_id") || has(sib, "children"))) fail(`${at}.sibling`, "leaf_id at level 0");
  if (level > 0 && (!has(sib, "children") || has(sib, "leaf_id"))) fail(`${at}.sibling`, "children above level 0");
  if (sib.columns.length !== k) fail(`${at}.sibling.columns`, `must list ${k} columns`);
  if (committed) {
    if (sib.columns.some((c) => c.length !== 96)) fail(`${at}.sibling.columns`, "must be commitments");
    if (!has(e, "block")) fail(`${at}.block`, "is missing");
  } else {
    if (sib.columns.some((c) => c.length === 96)) fail(`${at}.sibling.columns`, "must be sums");
    if (has(e, "block")) fail(`${at}.block`, "not in plain mode");
  }
}

/** ClientProof (por-client-proof/2): the format and leaf format are checked by the caller first. */
export function checkClientProof(p) {
  if (isObj(p) && !has(p, "leaf_format")) leafFormat(null, "leaf_format");
  obj(p, "proof", ["format", "leaf_format", "protocol", "mode", "epoch_id", "columns", "account_id", "height", "block_size",
    "context", "values", "leaf_secret", "position", "path", "root", "statements", "collateral"], ["manifest_sha256"]);
  leafFormat(p.leaf_format, "leaf_format");
  if (p.protocol !== "por-v1") fail("protocol", "must be por-v1");
  mode(p.mode, "mode");
  text(p.epoch_id, "epoch_id", 256);
  if (!TEXT.test(p.epoch_id)) fail("epoch_id", "control characters");
  columns(p.columns, "columns");
  text(p.account_id, "account_id", 1024);
  int(p.height, "height", 1n, 40n);
  int(p.block_size, "block_size", 1n, 64n);
  str(p.context, "context", HEX_BYTES, "must be lower-case hex");
  list(p.values, "values").forEach((v, i) => {
    str(v, `values[${i}]`, DEC_U64, "must be a decimal string");
    if (BigInt(v) >= 1n << 64n) fail(`values[${i}]`, "is >= 2^64");
  });
  str(p.leaf_secret, "leaf_secret", HEX32, "must be 32 bytes of hex");
  int(p.position, "position", 0n, 2n ** 40n - 1n);
  list(p.path, "path");
  const root = obj(p.root, "root", ["hash", "columns"]);
  str(root.hash, "root.hash", HEX32, "must be 32 bytes of hex");
  columnValues(root.columns, "root.columns");
  statements(p.statements, "statements");
  if (p.collateral !== null) {
    const c = obj(p.collateral, "collateral", ["prices", "haircuts_bps"], [], ["proof"]);
    map(c.prices, "collateral.prices", ASSET, (v, at) => str(v, at, DEC, "must be a decimal string"));
    map(c.haircuts_bps, "collateral.haircuts_bps", ASSET, (v, at) => int(v, at, 0n, 10000n));
    if (has(c, "proof") && c.proof !== null) b64(c.proof, "collateral.proof");
  }
  if (has(p, "manifest_sha256")) str(p.manifest_sha256, "manifest_sha256", HEX32, "must be 32 bytes of hex");
  // the model's rules across fields
  const k = p.columns.length, committed = p.mode === "committed";
  const bad = L.blockSizeProblem(p.block_size, k, p.mode);
  if (bad) fail("block_size", bad);
  if (p.values.length !== k) fail("values", `must list ${k} values`);
  if (p.position >= 2n ** p.height) fail("position", "beyond the tree");
  if (p.path.length !== Number(p.height)) fail("path", `must list ${p.height} levels`);
  p.path.forEach((e, level) => entry(e, level, k, committed));
  blockAndRoot(p.mode, k, p.block_size, root.columns, "root.columns");
  if (p.collateral !== null && has(p.collateral, "proof") !== committed) fail("collateral.proof", "committed mode only");
}

const BODY = ["format", "protocol", "epoch_id", "journal_seq", "cutoff_time", "nonce", "ledger_log", "columns", "assets",
  "reporting_currency", "reporting_decimals", "tree", "statements", "disclosure", "epoch_context", "reserves_config",
  "reserves_config_ref", "reserves", "prices", "haircuts_bps", "collateral_prices", "previous", "created_at", "files"];
const U128 = 1n << 128n;

/** The manifest's signed body as por/bundle/manifest.py's ManifestBody reads it: every field known,
 *  the tree description, columns, assets, prices, haircuts and the governed configuration's decimals
 *  typed, and the cross-field rules (the columns are the tree's, priced, with decimals; same epoch). */
export function checkManifestBody(s) {
  obj(s, "signed", BODY, ["liabilities"]);
  text(s.epoch_id, "signed.epoch_id", 256);
  if (!TEXT.test(s.epoch_id)) fail("signed.epoch_id", "control characters");
  int(s.journal_seq, "signed.journal_seq", 1n, (1n << 63n) - 1n);
  str(s.nonce, "signed.nonce", HEX32, "must be 32 bytes of hex");
  checkTreeDescription(s.tree, "signed.tree");
  const cols = list(s.columns, "signed.columns");
  if (!cols.length) fail("signed.columns", "must list at least 1 item(s)");
  cols.forEach((c, i) => {
    obj(c, `signed.columns[${i}]`, ["asset", "kind"]);
    str(c.asset, `signed.columns[${i}].asset`, ASSET, "must be an asset code");
    if (!["equity", "debt"].includes(c.kind)) fail(`signed.columns[${i}].kind`, "must be equity or debt");
  });
  map(s.assets, "signed.assets", ASSET, (v, at) => { obj(v, at, ["decimals"]); int(v.decimals, `${at}.decimals`, 0n, 18n); });
  map(s.prices, "signed.prices", ASSET, (v, at) => int(v, at, 1n, U128 - 1n));
  map(s.haircuts_bps, "signed.haircuts_bps", ASSET, (v, at) => int(v, at, 0n, 10000n));
  map(s.collateral_prices, "signed.collateral_prices", ASSET, (v, at) => int(v, at, 1n, 1n << 4096n));
  const cfg = obj(s.reserves_config, "signed.reserves_config", ["format", "reporting_currency", "reporting_decimals", "assets"]);
  if (cfg.format !== "por-reserves-config/1") fail("signed.reserves_config.format", "must be por-reserves-config/1");
  int(cfg.reporting_decimals, "signed.reserves_config.reporting_decimals", 0n, 18n);
  map(cfg.assets, "signed.reserves_config.assets", ASSET, (v, at) => {
    if (!isObj(v)) fail(at, "must be an object");
    if (has(v, "decimals")) int(v.decimals, `${at}.decimals`, 0n, 18n);
    if (has(v, "haircut_bps")) int(v.haircut_bps, `${at}.haircut_bps`, 0n, 10000n);
  });
  if (!isObj(s.files)) fail("signed.files", "must be an object");
  // the rules across fields (ManifestBody._consistent)
  const pairs = cols.map((c) => `${c.asset}\u0000${c.kind}`);
  if (new Set(pairs).size !== pairs.length) fail("signed.columns", "repeat a column");
  if (s.tree.epoch_id !== s.epoch_id) fail("signed.tree.epoch_id", "names another epoch");
  const treePairs = s.tree.columns.map((c) => `${c[0]}\u0000${c[1]}`);
  if (treePairs.length !== pairs.length || treePairs.some((x, i) => x !== pairs[i])) fail("signed.columns", "are not the tree's columns");
  for (const c of cols) {
    if (!has(s.assets, c.asset)) fail("signed.assets", `no decimals for ${c.asset}`);
    if (!has(s.prices, c.asset)) fail("signed.prices", `no price of record for ${c.asset}`);
  }
}
