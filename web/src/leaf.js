// The liabilities tree's leaf and node encodings (docs/protocol.md §7.2, §7.4, §7.5, §7.8).
import { concat, lp, sha256, u128, u64, u8, utf8 } from "./bytes.js";
import { hashToScalar } from "./group.js";

export const LEAF_FORMAT = "por-leaf/2";
export const OLD_LEAF_FORMATS = { "por-leaf/1": "leaf ids not bound to the account id (two accounts could share one leaf)" };
export const MODES = ["committed", "plain"];
export const MAX_ACCOUNT_BYTES = 1024;
const LEAF_PREFIX = { committed: utf8("\x00por/v1/leaf"), plain: utf8("\x00por/v1/plain-leaf") };
const NODE_PREFIX = { committed: utf8("\x01por/v1/node"), plain: utf8("\x01por/v1/plain-node") };
const BLINDING_DST = utf8("por/v1/tree/blinding");

export function leafId(accountId, s) {
  return sha256(utf8("por/v2/leaf-id"), Uint8Array.of(0), lp(utf8(accountId)), s);
}
export function blinding(s, column) { return hashToScalar(concat(s, u8(column >>> 24), u8((column >>> 16) & 255), u8((column >>> 8) & 255), u8(column & 255)), BLINDING_DST); }
export const encodeSum = (v) => u128(v);
export const leafHash = (mode, lid, cols) => sha256(LEAF_PREFIX[mode], lid, cols);
export const nodeHash = (mode, left, right, cols) => sha256(NODE_PREFIX[mode], left, right, cols);

export function blockContext(epochId, context, height, level, block) {
  return concat(utf8("por/v1/tree/node-range"), lp(utf8(epochId)), lp(context), Uint8Array.of(height, level), u64(block));
}
export function collateralContext(epochId, context, height, position) {
  return concat(utf8("por/v1/tree/collateral"), lp(utf8(epochId)), lp(context), Uint8Array.of(height), u64(position));
}
export const levelBlockSize = (blockSize, height, level) => Math.min(blockSize, 2 ** (height - level));

export function checkLeafFormat(value) {
  if (value === LEAF_FORMAT) return null;
  if (value === null || value === undefined) {
    return `no leaf format recorded: a tree or proof of leaf format por-leaf/1 (${OLD_LEAF_FORMATS["por-leaf/1"]}), refused; this verifier accepts ${LEAF_FORMAT} only`;
  }
  if (typeof value === "string" && value in OLD_LEAF_FORMATS) {
    return `leaf format ${value} (${OLD_LEAF_FORMATS[value]}) is refused; this verifier accepts ${LEAF_FORMAT} only`;
  }
  return `unknown leaf format; this verifier accepts ${LEAF_FORMAT} only`;
}

/** None (null) when value is a usable block size for k columns, else why not (§7.5). */
export function blockSizeProblem(value, k, mode = "committed") {
  if (typeof value !== "bigint") return "block size is not an integer";
  const limit = mode === "committed" ? Math.floor(64 / Math.max(k, 1)) : 64;
  if (value < 1n || (value & (value - 1n))) return `block size ${value} is not a power of two >= 1`;
  if (value > BigInt(limit)) return `block size ${value} is beyond the node-range statement's range (at most 64 claims per proof: a power of two <= ${limit} for ${k} column(s))`;
  return null;
}
