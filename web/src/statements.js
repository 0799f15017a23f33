// Statements (docs/protocol.md §5): a public linear combination of committed values lies in
// [0, 2^bits). Claims are combined, padded to a power of two with the identity, and checked with one
// range proof (in the statement's encoding) whose transcript context binds the statement, the claims
// and the caller's context (§5.4).
import { concat, fromHex, intToBytes, sha256, toHex, u16, u32, u64, utf8 } from "./bytes.js";
import { IDENTITY_BYTES, R } from "./group.js";
import { combine } from "./pedersen.js";
import * as rp from "./rangeproof.js";
import { STATEMENTS } from "./statements_data.js";

export { STATEMENTS };

export function load(name) {
  const s = STATEMENTS[name];
  if (!s) throw new Error(`unknown statement ${name}`);
  return s;
}

const abs = (v) => (v < 0n ? -v : v);
function signed(v) { return concat(Uint8Array.of(v < 0n ? 1 : 0), intToBytes(abs(v), 32)); }

function checkClaims(stmt, claims) {
  if (!Array.isArray(claims) || claims.length < 1 || claims.length > rp.MAX_M) throw new Error("1..64 claims");
  const shape = stmt.claim;
  const limit = R - (1n << BigInt(stmt.bits));
  const inBound = (1n << BigInt(stmt.input_bound_bits)) - 1n;
  for (const c of claims) {
    const k = c.commitments.length;
    if (k !== c.coefficients.length || k === 0) throw new Error("commitments and coefficients differ");
    if ("inputs" in shape && k !== shape.inputs) throw new Error("input count");
    if ("min_inputs" in shape && !(shape.min_inputs <= k && k <= shape.max_inputs)) throw new Error("input count");
    if ("coefficients" in shape && (shape.coefficients.length !== k
        || shape.coefficients.some((x, i) => BigInt(x) !== c.coefficients[i]))) throw new Error("fixed coefficients");
    if ("constant" in shape && BigInt(shape.constant) !== c.constant) throw new Error("fixed constant");
    for (const cm of c.commitments) if (!(cm instanceof Uint8Array) || cm.length !== 48) throw new Error("commitment size");
    let bound = abs(c.constant);
    for (const v of c.coefficients) bound += abs(v) * inBound;
    if (bound >= limit) throw new Error("coefficients too large: the combination could wrap modulo r");
  }
}

export function transcriptContext(stmt, claims, m, context) {
  const id = utf8(stmt.id);
  const out = [utf8("por/v1/statement"), u16(id.length), id, u32(stmt.version), fromHex(stmt.sha256),
    u32(stmt.bits), u32(m), u32(claims.length)];
  for (const c of claims) {
    out.push(u32(c.commitments.length), ...c.commitments, ...c.coefficients.map(signed), signed(c.constant));
  }
  out.push(u64(context.length), context);
  return concat(...out);
}

function paddedM(n) { let m = 1; while (m < n) m *= 2; return m; }

function rpItem({ stmt, claims, proof, context }) {
  checkClaims(stmt, claims);
  const m = paddedM(claims.length);
  const combined = claims.map((c) => (c.coefficients.length === 1 && c.coefficients[0] === 1n && c.constant === 0n
    ? c.commitments[0] : combine(c.commitments, c.coefficients, c.constant)));
  while (combined.length < m) combined.push(IDENTITY_BYTES);
  return { commitments: combined, proof, bits: stmt.bits, encoding: stmt.encoding || "compressed",
    context: transcriptContext(stmt, claims, m, context) };
}

// An optional memo of items already verified (a pure function of the item's bytes): the page keeps it
// between verifications, a test harness across thousands of proofs that share their range proofs.
let MEMO = null;
export function enableMemo() { MEMO = MEMO || new Map(); }
export function disableMemo() { MEMO = null; }
function itemKey(it) {
  return toHex(sha256(utf8(`${it.encoding}/${it.bits}/${it.commitments.length}/${it.proof.length}/`), ...it.commitments,
    u64(it.context.length), it.context, it.proof));
}

/** All items ({stmt, claims, proof, context}) in one folded check; false for anything malformed. */
export function verifyBatch(items, onProgress) {
  let rpItems;
  try { rpItems = items.map(rpItem); } catch { return false; }
  if (!MEMO) return rp.verifyBatch(rpItems, onProgress);
  let keys;
  try { keys = rpItems.map(itemKey); } catch { return false; }
  if (keys.some((k) => MEMO.get(k) === false)) return false;
  const todo = rpItems.filter((_, i) => !MEMO.has(keys[i]));
  const tk = keys.filter((k) => !MEMO.has(k));
  if (!todo.length) return true;
  const ok = rp.verifyBatch(todo, onProgress);
  if (ok) tk.forEach((k) => MEMO.set(k, true));
  else if (todo.length === 1) MEMO.set(tk[0], false);
  return ok;
}
export function verify(stmt, claims, proof, context) { return verifyBatch([{ stmt, claims, proof, context }]); }
export function findInvalid(items) {
  const bad = [];
  const walk = (lo, hi) => {
    if (lo >= hi || verifyBatch(items.slice(lo, hi))) return;
    if (hi - lo === 1) { bad.push(lo); return; }
    const mid = (lo + hi) >> 1;
    walk(lo, mid); walk(mid, hi);
  };
  walk(0, items.length);
  return bad;
}
