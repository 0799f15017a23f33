// The strict shapes of the client proof and the whole manifest, as por/bundle/tree.py and
// por/bundle/manifest.py (with the modules it uses) define them (docs/protocol.md §7.10, §9.4;
// docs/schemas/manifest.schema.json): every field known, every type exact, times real, hex
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
function int(v, at, lo, hi = null) {
  if (typeof v !== "bigint" || v < lo || (hi !== null && v > hi)) fail(at, hi === null ? `must be an integer >= ${lo}` : `must be an integer from ${lo} to ${hi}`);
  return v;
}
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
  if (has(t, "leaf_count")) int(t.leaf_count, `${at}.leaf_count`, 1n);
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

// ---- the manifest (por/bundle/manifest.py, ledger_log.py, reserves.py, solvency.py, signed.py) ---------
const I63 = (1n << 63n) - 1n;
const U128 = 1n << 128n;
const MEMBER = /^[A-Za-z0-9][A-Za-z0-9_.:@/-]{0,127}$/;
const MANIFEST_FORMAT = /^por-manifest\/1(?:\.[0-9]+)?$/;
const TIME = /^([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})Z$/;
const LEDGER_TIME = /^([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})\.[0-9]{6}Z$/;
const HEX8 = /^[0-9a-f]{16}$/;
const HEX64 = /^[0-9a-f]{128}$/;
const REASONS = ["counted", "malformed", "wrong-epoch", "wrong-nonce", "outside-window", "no-policy",
  "custodian-not-in-policy", "unknown-custodian", "no-custodian-role", "revoked-key", "unknown-signer",
  "signer-not-in-policy", "key-mismatch", "no-pop", "bad-signature", "custodian-did-not-sign", "quorum-short", "duplicate"];
const MAX_PROOF_PATH = 128;

const hex32 = (v, at) => str(v, at, HEX32, "must be 32 bytes of lower-case hex");
const asset = (v, at) => str(v, at, ASSET, "must be an asset code");
const member = (v, at) => str(v, at, MEMBER, "must be a member id");
const count = (v, at) => int(v, at, 0n, I63);
const seqno = (v, at) => int(v, at, 1n, I63);
const decimals = (v, at) => int(v, at, 0n, 18n);
const bps = (v, at) => int(v, at, 0n, 10000n);
const amount = (v, at) => int(v, at, 0n, U128 - 1n);
function oneOf(v, at, allowed) { if (typeof v !== "string" || !allowed.includes(v)) fail(at, `must be one of ${allowed.join(", ")}`); return v; }
function name(v, at) { text(v, at, 256); if (!TEXT.test(v)) fail(at, "control characters"); return v; }
function listOf(v, at, item, min = 0, max = Infinity) {
  list(v, at);
  if (v.length < min) fail(at, `must list at least ${min} item(s)`);
  if (v.length > max) fail(at, `must list at most ${max} item(s)`);
  v.forEach((x, i) => item(x, `${at}[${i}]`));
  return v;
}
/** A key of a mapping: map() checks it against a pattern; Text keys need the byte length too. */
function mapOf(v, at, key, value) {
  if (!isObj(v)) fail(at, "must be an object");
  for (const [k, x] of Object.entries(v)) { key(k, `${at} (the key)`); value(x, `${at}.${k}`); }
  return v;
}
/** A real date and time, as Python's strptime("%Y-%m-%dT%H:%M:%S") reads the first 19 characters. */
function time(v, at, re, what) {
  const m = typeof v === "string" ? re.exec(v) : null;
  if (!m) fail(at, what);
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number);
  const leap = y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][mo - 1];
  if (y < 1 || mo < 1 || mo > 12 || d < 1 || d > days || h > 23 || mi > 59 || s > 59) fail(at, what);
  return v;
}
const utcTime = (v, at) => time(v, at, TIME, "must be a UTC time YYYY-MM-DDTHH:MM:SSZ");
const ledgerTime = (v, at) => time(v, at, LEDGER_TIME, "must be a ledger time YYYY-MM-DDTHH:MM:SS.ffffffZ");

/** LedgerLog (§9.3): the log position at the cut-off, the previous one, and pymerkle's consistency proof. */
function checkLedgerLog(v, at) {
  obj(v, at, ["size", "root", "previous", "consistency_proof"]);
  seqno(v.size, `${at}.size`);
  hex32(v.root, `${at}.root`);
  if (v.previous !== null) {
    const p = obj(v.previous, `${at}.previous`, ["epoch_id", "size", "root"]);
    name(p.epoch_id, `${at}.previous.epoch_id`);
    seqno(p.size, `${at}.previous.size`);
    hex32(p.root, `${at}.previous.root`);
  }
  if (v.consistency_proof === null) return;
  const c = obj(v.consistency_proof, `${at}.consistency_proof`, ["type", "old_size", "new_size", "old_root", "new_root", "proof"]);
  if (c.type !== "por-log-consistency/1") fail(`${at}.consistency_proof.type`, "must be por-log-consistency/1");
  for (const f of ["old_size", "new_size"]) count(c[f], `${at}.consistency_proof.${f}`);
  for (const f of ["old_root", "new_root"]) hex32(c[f], `${at}.consistency_proof.${f}`);
  if (c.proof === null) return;
  const pa = `${at}.consistency_proof.proof`;
  const p = obj(c.proof, pa, ["type", "metadata", "rule", "subset", "path"]);
  if (p.type !== "consistency") fail(`${pa}.type`, "must be consistency");
  const md = obj(p.metadata, `${pa}.metadata`, ["algorithm", "security", "size", "prior_size"]);
  if (md.algorithm !== "sha256") fail(`${pa}.metadata.algorithm`, "must be sha256");
  if (md.security !== true) fail(`${pa}.metadata.security`, "must be true"); // true, not 1 (the model's OnlyBool)
  count(md.size, `${pa}.metadata.size`);
  count(md.prior_size, `${pa}.metadata.prior_size`);
  const bit = (x, a) => int(x, a, 0n, 1n);
  listOf(p.rule, `${pa}.rule`, bit, 0, MAX_PROOF_PATH);
  listOf(p.subset, `${pa}.subset`, bit, 0, MAX_PROOF_PATH);
  listOf(p.path, `${pa}.path`, hex32, 0, MAX_PROOF_PATH);
}

/** EpochContext (§8.4): the epoch, nonce and as-of window every attestation must match. */
function checkEpochContext(v, at) {
  obj(v, at, ["epoch_id", "nonce", "window_start", "window_end"]);
  name(v.epoch_id, `${at}.epoch_id`);
  hex32(v.nonce, `${at}.nonce`);
  utcTime(v.window_start, `${at}.window_start`);
  utcTime(v.window_end, `${at}.window_end`);
  if (v.window_start > v.window_end) fail(`${at}.window_end`, "must not be before window_start");
}

function checkReservePolicy(v, at) {
  obj(v, at, ["custodians", "signers", "quorum"]);
  listOf(v.custodians, `${at}.custodians`, member, 1);
  listOf(v.signers, `${at}.signers`, member);
  int(v.quorum, `${at}.quorum`, 1n);
  const n = new Set([...v.signers, ...v.custodians]).size;
  if (v.quorum > BigInt(n)) fail(`${at}.quorum`, `must be at most ${n}, the number of signers and custodians`);
}
function checkPricePolicy(v, at) {
  obj(v, at, ["oracles", "quorum", "max_age_seconds", "max_dispersion_bps", "max_skew_seconds"]);
  listOf(v.oracles, `${at}.oracles`, member);
  int(v.quorum, `${at}.quorum`, 1n);
  int(v.max_age_seconds, `${at}.max_age_seconds`, 1n);
  int(v.max_dispersion_bps, `${at}.max_dispersion_bps`, 0n);
  int(v.max_skew_seconds, `${at}.max_skew_seconds`, 0n);
  const n = Math.max(1, v.oracles.length);
  if (v.quorum > BigInt(n)) fail(`${at}.quorum`, `must be at most ${n}, the number of oracles`);
}
/** ReservesConfig (§8.8), resolved: every asset with its decimals, haircut and (optional) policies. */
function checkReservesConfig(v, at) {
  obj(v, at, ["format", "reporting_currency", "reporting_decimals", "assets"]);
  if (v.format !== "por-reserves-config/1") fail(`${at}.format`, "must be por-reserves-config/1");
  asset(v.reporting_currency, `${at}.reporting_currency`);
  decimals(v.reporting_decimals, `${at}.reporting_decimals`);
  mapOf(v.assets, `${at}.assets`, asset, (a, aa) => {
    obj(a, aa, ["decimals", "haircut_bps"], ["reserve", "price"]);
    decimals(a.decimals, `${aa}.decimals`);
    bps(a.haircut_bps, `${aa}.haircut_bps`);
    if (has(a, "reserve")) checkReservePolicy(a.reserve, `${aa}.reserve`);
    if (has(a, "price")) checkPricePolicy(a.price, `${aa}.price`);
  });
}
/** The reserves section (§9.4): per asset, the counted amount and every attestation's outcome. */
function checkReserves(v, at) {
  mapOf(v, at, name, (r, ra) => {
    obj(r, ra, ["amount", "custodians"]);
    amount(r.amount, `${ra}.amount`);
    listOf(r.custodians, `${ra}.custodians`, (c, ca) => {
      obj(c, ca, ["custodian_id", "amount", "counted", "reason", "signers"]);
      name(c.custodian_id, `${ca}.custodian_id`);
      amount(c.amount, `${ca}.amount`);
      if (typeof c.counted !== "boolean") fail(`${ca}.counted`, "must be true or false");
      oneOf(c.reason, `${ca}.reason`, REASONS);
      listOf(c.signers, `${ca}.signers`, name);
    });
  });
}
function filePath(k, at) {
  if (typeof k !== "string" || hasLoneSurrogate(k)) fail(at, "must be a file path of the bundle");
  const n = [...k].length; // code points, as pydantic's max_length counts them
  if (n < 1 || n > 4096) fail(at, "must be a file path of the bundle");
}

const BODY = ["format", "protocol", "epoch_id", "journal_seq", "cutoff_time", "nonce", "ledger_log", "columns", "assets",
  "reporting_currency", "reporting_decimals", "tree", "statements", "disclosure", "epoch_context", "reserves_config",
  "reserves_config_ref", "reserves", "prices", "haircuts_bps", "collateral_prices", "previous", "created_at", "files"];

/** The fields of the body whose values stand alone (no other field needed to judge them). */
function checkBodyFields(s) {
  if (typeof s.format !== "string" || !MANIFEST_FORMAT.test(s.format)) fail("signed.format", "must be por-manifest/1 (or por-manifest/1.N)");
  if (s.protocol !== "por-v1") fail("signed.protocol", "must be por-v1");
  name(s.epoch_id, "signed.epoch_id");
  int(s.journal_seq, "signed.journal_seq", 1n, I63);
  ledgerTime(s.cutoff_time, "signed.cutoff_time");
  hex32(s.nonce, "signed.nonce");
  checkLedgerLog(s.ledger_log, "signed.ledger_log");
  listOf(s.columns, "signed.columns", (c, at) => {
    obj(c, at, ["asset", "kind"]);
    asset(c.asset, `${at}.asset`);
    oneOf(c.kind, `${at}.kind`, ["equity", "debt"]);
  }, 1);
  mapOf(s.assets, "signed.assets", asset, (v, at) => { obj(v, at, ["decimals"]); decimals(v.decimals, `${at}.decimals`); });
  asset(s.reporting_currency, "signed.reporting_currency");
  decimals(s.reporting_decimals, "signed.reporting_decimals");
  checkTreeDescription(s.tree, "signed.tree");
  mapOf(s.statements, "signed.statements", (k, at) => str(k, at, STATEMENT_ID, "bad key"), (v, at) => {
    obj(v, at, ["version", "sha256"]);
    int(v.version, `${at}.version`, 1n, 2n ** 31n - 1n);
    hex32(v.sha256, `${at}.sha256`);
  });
  oneOf(s.disclosure, "signed.disclosure", ["hidden", "auditor", "public"]);
  checkEpochContext(s.epoch_context, "signed.epoch_context");
  checkReservesConfig(s.reserves_config, "signed.reserves_config");
  const ref = obj(s.reserves_config_ref, "signed.reserves_config_ref", ["seq", "entry_hash", "sha256"]);
  int(ref.seq, "signed.reserves_config_ref.seq", 1n);
  hex32(ref.entry_hash, "signed.reserves_config_ref.entry_hash");
  hex32(ref.sha256, "signed.reserves_config_ref.sha256");
  checkReserves(s.reserves, "signed.reserves");
  mapOf(s.prices, "signed.prices", asset, (v, at) => int(v, at, 1n, U128 - 1n));
  mapOf(s.haircuts_bps, "signed.haircuts_bps", asset, bps);
  mapOf(s.collateral_prices, "signed.collateral_prices", asset, (v, at) => int(v, at, 1n));
  if (s.previous !== null) {
    const p = obj(s.previous, "signed.previous", ["epoch_id", "size", "root", "manifest_sha256"]);
    name(p.epoch_id, "signed.previous.epoch_id");
    seqno(p.size, "signed.previous.size");
    hex32(p.root, "signed.previous.root");
    hex32(p.manifest_sha256, "signed.previous.manifest_sha256");
  }
  utcTime(s.created_at, "signed.created_at");
  if (has(s, "liabilities")) {
    mapOf(s.liabilities, "signed.liabilities", asset, (v, at) => mapOf(v, at, (k, ka) => oneOf(k, ka, ["equity", "debt"]),
      (x, xa) => int(x, xa, 0n, (1n << 64n) - 1n)));
  }
  mapOf(s.files, "signed.files", filePath, (v, at) => {
    obj(v, at, ["sha256", "size"]);
    hex32(v.sha256, `${at}.sha256`);
    count(v.size, `${at}.size`);
  });
}

/** The manifest's signed body as por/bundle/manifest.py's ManifestBody reads it: every field known
 *  and typed, then the rules across fields (ManifestBody._consistent: the columns are the tree's, in
 *  order, none twice, priced, with decimals; the tree names the epoch). */
export function checkManifestBody(s) {
  obj(s, "signed", BODY, ["liabilities"]);
  checkBodyFields(s);
  const pairs = s.columns.map((c) => `${c.asset}\u0000${c.kind}`);
  if (new Set(pairs).size !== pairs.length) fail("signed.columns", "repeat a column");
  if (s.tree.epoch_id !== s.epoch_id) fail("signed.tree.epoch_id", "names another epoch");
  const treePairs = s.tree.columns.map((c) => `${c[0]}\u0000${c[1]}`);
  if (treePairs.length !== pairs.length || treePairs.some((x, i) => x !== pairs[i])) fail("signed.columns", "are not the tree's columns");
  for (const c of s.columns) {
    if (!has(s.assets, c.asset)) fail("signed.assets", `no decimals for ${c.asset}`);
    if (!has(s.prices, c.asset)) fail("signed.prices", `no price of record for ${c.asset}`);
  }
}

/** The envelope (por/bundle/signed.py Signed[ManifestBody]): {signed, signatures}, each signature
 *  {role, signer, public_key, key_id, signature} typed, no key signing twice in one role. */
export function checkManifest(doc) {
  obj(doc, "manifest", ["signed", "signatures"]);
  checkManifestBody(doc.signed);
  listOf(doc.signatures, "signatures", (g, at) => {
    obj(g, at, ["role", "signer", "public_key", "key_id", "signature"]);
    oneOf(g.role, `${at}.role`, ["operator", "auditor"]);
    member(g.signer, `${at}.signer`);
    hex32(g.public_key, `${at}.public_key`);
    str(g.key_id, `${at}.key_id`, HEX8, "must be 8 bytes of lower-case hex");
    str(g.signature, `${at}.signature`, HEX64, "must be 64 bytes of lower-case hex");
  });
  const keys = doc.signatures.map((g) => `${g.role}\u0000${g.public_key}`);
  if (new Set(keys).size !== keys.length) fail("signatures", "repeat a signature by one key in one role");
}
