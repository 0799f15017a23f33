// BLS12-381 G1 and its scalars (docs/protocol.md §1): strict 48-byte compressed points, RFC 9380
// hash-to-curve under por's DST, hash-to-scalar, and the scalar field. Low level.
import { bls12_381 } from "@noble/curves/bls12-381";
import { expand_message_xmd } from "@noble/curves/abstract/hash-to-curve";
import { sha256 } from "@noble/hashes/sha2";
import { bytesToInt, eqBytes, intToBytes, utf8 } from "./bytes.js";

export const R = 0x73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001n;
export const H2C_DST = utf8("POR-V1-BLS12381G1_XMD:SHA-256_SSWU_RO_");
export const POINT_BYTES = 48;
export const IDENTITY_BYTES = (() => { const b = new Uint8Array(48); b[0] = 0xc0; return b; })();
const P = bls12_381.G1.ProjectivePoint;
export const G = P.BASE;
export const ZERO = P.ZERO;

export class EncodingError extends Error {}

export const mod = (a) => { const x = a % R; return x < 0n ? x + R : x; };
export function modpow(b, e) {
  let r = 1n; b = mod(b);
  while (e > 0n) { if (e & 1n) r = (r * b) % R; b = (b * b) % R; e >>= 1n; }
  return r;
}
export function inv(a) {
  a = mod(a);
  if (a === 0n) throw new EncodingError("zero has no inverse");
  // extended Euclid (faster than Fermat in BigInt)
  let [o, r] = [a, R], [s, t] = [1n, 0n];
  while (r !== 0n) { const q = o / r; [o, r] = [r, o - q * r]; [s, t] = [t, s - q * t]; }
  return mod(s);
}

export function encode(p) { return p.toRawBytes(true); }

/** Strict decoding: 48 bytes, a canonical compressed encoding of a point of the r-order subgroup;
 * the identity only as 0xc0||0^47 and only when allowed. */
export function decode(data, allowIdentity = false) {
  if (!(data instanceof Uint8Array) || data.length !== POINT_BYTES) throw new EncodingError("a G1 point is 48 bytes");
  if (eqBytes(data, IDENTITY_BYTES)) {
    if (!allowIdentity) throw new EncodingError("the identity point is not allowed here");
    return ZERO;
  }
  let p;
  try {
    p = P.fromHex(data); // decompression, on-curve and subgroup (isTorsionFree) checks
  } catch {
    throw new EncodingError("not a valid compressed G1 point (flags, field element, curve or subgroup)");
  }
  if (p.equals(ZERO)) throw new EncodingError("non-canonical encoding of the identity");
  if (!eqBytes(encode(p), data)) throw new EncodingError("non-canonical G1 point encoding");
  return p;
}

export function hashToG1(msg) {
  return P.fromAffine(bls12_381.G1.hashToCurve(msg, { DST: H2C_DST }).toAffine());
}

/** RFC 9380 expand_message_xmd(SHA-256) to 48 bytes, reduced mod r. */
export function hashToScalar(msg, dst) {
  return bytesToInt(expand_message_xmd(msg, dst, 48, sha256)) % R;
}

export function decodeScalar(b) {
  if (b.length !== 32) throw new EncodingError("a scalar is 32 bytes");
  const k = bytesToInt(b);
  if (k >= R) throw new EncodingError("non-canonical scalar (>= r)");
  return k;
}
export const encodeScalar = (k) => intToBytes(k, 32);

export function msm(points, scalars) {
  const pts = [], sc = [];
  for (let k = 0; k < points.length; k++) {
    const s = mod(scalars[k]);
    if (s !== 0n && !points[k].equals(ZERO)) { pts.push(points[k]); sc.push(s); }
  }
  if (!pts.length) return ZERO;
  return P.msm(pts, sc);
}

export function mul(p, k) {
  k = mod(k);
  if (k === 0n || p.equals(ZERO)) return ZERO;
  return p.multiply(k);
}

export function randomScalar() {
  const b = new Uint8Array(64);
  globalThis.crypto.getRandomValues(b);
  return 1n + (bytesToInt(b) % (R - 1n));
}
