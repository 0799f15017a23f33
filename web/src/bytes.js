// Byte helpers and the fixed-width encodings of docs/protocol.md §1.
import { sha256 as _sha256 } from "@noble/hashes/sha2";
import { hmac } from "@noble/hashes/hmac";

export const te = new TextEncoder();
export const utf8 = (s) => te.encode(s);

export function concat(...parts) {
  let len = 0;
  for (const p of parts) len += p.length;
  const out = new Uint8Array(len);
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}

export function eqBytes(a, b) {
  if (a.length !== b.length) return false;
  for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) return false;
  return true;
}

export function toHex(b) {
  let s = "";
  for (const x of b) s += x.toString(16).padStart(2, "0");
  return s;
}

/** Lower-case hex of an even length, strictly (the proof file's encoding). */
export function fromHex(s) {
  if (typeof s !== "string" || s.length % 2 || !/^[0-9a-f]*$/.test(s)) throw new Error("not lower-case hex");
  const out = new Uint8Array(s.length / 2);
  for (let k = 0; k < out.length; k++) out[k] = parseInt(s.slice(2 * k, 2 * k + 2), 16);
  return out;
}

/** Python's bytes.fromhex: either case, ASCII whitespace between bytes ignored. */
export function pyFromHex(s) {
  const t = s.replace(/[ \t\n\r\x0b\x0c]/g, "");
  if (t.length % 2 || !/^[0-9a-fA-F]*$/.test(t)) throw new Error("non-hexadecimal number");
  return fromHex(t.toLowerCase());
}

/** base64.b64decode(validate=True): the standard alphabet, padding required, nothing else. */
export function fromB64(s) {
  if (typeof s !== "string") throw new Error("not a string");
  if (s.length % 4 || !/^[A-Za-z0-9+/]*={0,2}$/.test(s)) throw new Error("not valid base64");
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let k = 0; k < bin.length; k++) out[k] = bin.charCodeAt(k);
  return out;
}

export function toB64(b) {
  let s = "";
  for (const x of b) s += String.fromCharCode(x);
  return btoa(s);
}

export function intToBytes(v, n) {
  if (v < 0n || v >= 1n << BigInt(8 * n)) throw new Error("integer out of range");
  const out = new Uint8Array(n);
  for (let k = n - 1; k >= 0; k--) { out[k] = Number(v & 0xffn); v >>= 8n; }
  return out;
}
export function bytesToInt(b) {
  let v = 0n;
  for (const x of b) v = (v << 8n) | BigInt(x);
  return v;
}
export const u8 = (v) => intToBytes(BigInt(v), 1);
export const u16 = (v) => intToBytes(BigInt(v), 2);
export const u32 = (v) => intToBytes(BigInt(v), 4);
export const u64 = (v) => intToBytes(BigInt(v), 8);
export const u128 = (v) => intToBytes(BigInt(v), 16);
/** lp(x) = u32be(len(x)) || x */
export const lp = (b) => concat(u32(b.length), b);

export const sha256 = (...parts) => _sha256(concat(...parts));
export const hmacSha256 = (key, msg) => hmac(_sha256, key, msg);
