// Bulletproofs range proofs, verification only (docs/protocol.md §4): the compressed encoding (§4.3,
// with the inner-product argument) and the linear encoding (§4.5, l and r in the clear). A batch folds
// every proof's equation, weighted by a random beta, into one multi-scalar multiplication (§4.4).
// Low level: statements use ./statements.js.
import { concat, utf8 } from "./bytes.js";
import { R, ZERO, decode, decodeScalar, inv, mod, modpow, msm, randomScalar } from "./group.js";
import { PEDERSEN_G, bulletproofGens, pedersenH } from "./generators.js";
import { Transcript } from "./transcript.js";

export const ALLOWED_BITS = [8, 16, 32, 64, 128];
export const MAX_M = 64;
export const ENCODINGS = ["compressed", "linear"];
const DOMAIN = { compressed: "por/v1/rangeproof", linear: "por/v1/rangeproof/linear" };

const isPow2 = (m) => m >= 1 && (m & (m - 1)) === 0;
const log2 = (x) => 31 - Math.clz32(x);

export function proofSize(bits, m, encoding = "compressed") {
  const nm = bits * m;
  if (encoding === "linear") return 288 + 64 * nm;
  return 4 * 48 + 3 * 32 + 2 * log2(nm) * 48 + 2 * 32;
}

function start(encoding, context, n, m, vEncs) {
  const t = new Transcript(utf8(DOMAIN[encoding]));
  t.append("context", context);
  t.appendU64("n", n);
  t.appendU64("m", m);
  for (const v of vEncs) t.append("V", v);
  return t;
}

/** delta(y, z) = (z - z^2) * sum_{i<nm} y^i - sum_j z^{j+3} * (2^n - 1) */
function delta(y, z, n, m) {
  const nm = BigInt(n * m);
  const sumY = y === 1n ? nm : mod((modpow(y, nm) - 1n) * inv(y - 1n));
  const zz = (z * z) % R;
  let s3 = 0n, zp = (zz * z) % R;
  for (let j = 0; j < m; j++) { s3 += zp; zp = (zp * z) % R; }
  return mod((z - zz) * sumY - (s3 % R) * ((1n << BigInt(n)) - 1n));
}

/** One proof's contribution to the folded equation (before its weight beta); throws on malformed input. */
function prepare(item, c) {
  const { commitments, proof, bits, context = new Uint8Array(0), encoding = "compressed" } = item;
  if (!ALLOWED_BITS.includes(bits)) throw new Error("bit width not allowed");
  if (!ENCODINGS.includes(encoding)) throw new Error("unknown encoding");
  const m = commitments.length;
  if (!isPow2(m) || m > MAX_M) throw new Error("m must be a power of two <= 64");
  const n = bits, nm = n * m, lg = log2(nm);
  if (!(proof instanceof Uint8Array) || proof.length !== proofSize(n, m, encoding)) {
    throw new Error("proof length does not match n and m");
  }
  const vPts = commitments.map((v) => decode(v, true));
  let pos = 0;
  const take = (k) => { const ch = proof.subarray(pos, pos + k); pos += k; return ch; };
  const encs = [take(48), take(48), take(48), take(48)];
  const pts = encs.map((e) => decode(e)); // A, S, T1, T2: never the identity
  const tauX = decodeScalar(take(32)), mu = decodeScalar(take(32)), tHat = decodeScalar(take(32));
  const t = start(encoding, context, n, m, commitments);
  const zz0 = () => 0n;
  void zz0;
  if (encoding === "linear") {
    const l = [], r = [];
    for (let i = 0; i < nm; i++) l.push(decodeScalar(take(32)));
    for (let i = 0; i < nm; i++) r.push(decodeScalar(take(32)));
    let ip = 0n;
    for (let i = 0; i < nm; i++) ip += l[i] * r[i];
    if (ip % R !== tHat) throw new Error("t_hat is not <l, r>");
    t.append("A", encs[0]); t.append("S", encs[1]);
    const y = t.challenge("y"), z = t.challenge("z");
    t.append("T1", encs[2]); t.append("T2", encs[3]);
    const x = t.challenge("x");
    const zz = (z * z) % R, yInv = inv(y);
    const gCoef = new Array(nm), hCoef = new Array(nm);
    let yi = 1n, zj = zz;
    for (let j = 0; j < m; j++) {
      for (let k = 0; k < n; k++) {
        const i = j * n + k;
        gCoef[i] = mod(-z - l[i]);
        hCoef[i] = mod(z + yi * ((zj << BigInt(k)) - r[i]));
        yi = (yi * yInv) % R;
      }
      zj = (zj * z) % R;
    }
    const scalars = [1n, x, (c * x) % R, (((c * x) % R) * x) % R];
    let cz = (c * zz) % R;
    for (let j = 0; j < m; j++) { scalars.push(cz); cz = (cz * z) % R; }
    return { nm, gCoef, hCoef, points: [...pts, ...vPts], scalars,
      gScalar: mod(c * (delta(y, z, n, m) - tHat)), hScalar: mod(-mu - c * tauX) };
  }
  const rounds = [];
  for (let k = 0; k < lg; k++) rounds.push([take(48), take(48)]);
  const lrPts = rounds.map(([le, re]) => [decode(le), decode(re)]);
  const a = decodeScalar(take(32)), b = decodeScalar(take(32));
  t.append("A", encs[0]); t.append("S", encs[1]);
  const y = t.challenge("y"), z = t.challenge("z");
  t.append("T1", encs[2]); t.append("T2", encs[3]);
  const x = t.challenge("x");
  t.appendScalar("tau_x", tauX); t.appendScalar("mu", mu); t.appendScalar("t_hat", tHat);
  const w = t.challenge("w");
  // inner-product verification scalars
  t.appendU64("ipa-n", nm);
  const us = [];
  for (const [le, re] of rounds) { t.append("L", le); t.append("R", re); us.push(t.challenge("u")); }
  const uSq = us.map((u) => (u * u) % R);
  const uInv = us.map((u) => inv(u));
  const uInvSq = uInv.map((u) => (u * u) % R);
  let prodInv = 1n;
  for (const u of uInv) prodInv = (prodInv * u) % R;
  const s = new Array(nm);
  s[0] = prodInv;
  for (let i = 1; i < nm; i++) {
    const k = log2(i);
    s[i] = (s[i - (1 << k)] * uSq[lg - 1 - k]) % R;
  }
  const zz = (z * z) % R, yInv = inv(y);
  const gCoef = s.map((si) => mod(-z - a * si));
  const hCoef = new Array(nm);
  let yi = 1n, zj = zz;
  for (let j = 0; j < m; j++) {
    for (let k = 0; k < n; k++) {
      const i = j * n + k;
      hCoef[i] = mod(z + yi * ((zj << BigInt(k)) - b * s[nm - 1 - i]));
      yi = (yi * yInv) % R;
    }
    zj = (zj * z) % R;
  }
  const points = [...pts, ...lrPts.flat(), ...vPts];
  const scalars = [1n, x, (c * x) % R, (((c * x) % R) * x) % R];
  for (let k = 0; k < lg; k++) scalars.push(uSq[k], uInvSq[k]);
  let cz = (c * zz) % R;
  for (let j = 0; j < m; j++) { scalars.push(cz); cz = (cz * z) % R; }
  return { nm, gCoef, hCoef, points, scalars,
    gScalar: mod(w * (tHat - a * b) + c * (delta(y, z, n, m) - tHat)), hScalar: mod(-mu - c * tauX) };
}

function foldCheck(prepared, onProgress) {
  const nMax = Math.max(...prepared.map((p) => p.nm));
  const [Gv, Hv] = bulletproofGens(nMax, onProgress);
  const gTot = new Array(nMax).fill(0n), hTot = new Array(nMax).fill(0n);
  let gS = 0n, hS = 0n;
  const pts = [], scs = [];
  prepared.forEach((p, idx) => {
    const beta = idx === 0 ? 1n : randomScalar();
    for (let i = 0; i < p.nm; i++) {
      gTot[i] = (gTot[i] + beta * p.gCoef[i]) % R;
      hTot[i] = (hTot[i] + beta * p.hCoef[i]) % R;
    }
    gS += beta * p.gScalar;
    hS += beta * p.hScalar;
    for (const pt of p.points) pts.push(pt);
    for (const k of p.scalars) scs.push((beta * k) % R);
  });
  const all = [...Gv, ...Hv, PEDERSEN_G, pedersenH(), ...pts];
  const sc = [...gTot, ...hTot, mod(gS), mod(hS), ...scs];
  return msm(all, sc).equals(ZERO);
}

/** True iff every item ({commitments, proof, bits, context, encoding}) verifies; never throws. */
export function verifyBatch(items, onProgress) {
  try {
    if (!Array.isArray(items)) return false;
    if (!items.length) return true;
    const prepared = items.map((it) => prepare(it, randomScalar()));
    return foldCheck(prepared, onProgress);
  } catch {
    return false;
  }
}

export function verify(commitments, proof, bits, context = new Uint8Array(0), encoding = "compressed") {
  return verifyBatch([{ commitments, proof, bits, context, encoding }]);
}

/** Indexes of the failing items, by bisection. */
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
void concat;
