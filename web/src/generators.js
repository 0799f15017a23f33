// Generators of por-v1 (docs/protocol.md §2): G the standard G1 generator, H = hash_to_curve(
// "por/v1/pedersen/H"), G_i/H_i = hash_to_curve("por/v1/bp/G/" || u32be(i)) and "/H/". Low level.
import { concat, u32, utf8 } from "./bytes.js";
import { G, hashToG1 } from "./group.js";

export const PEDERSEN_G = G;
let _H = null;
export function pedersenH() { return _H || (_H = hashToG1(utf8("por/v1/pedersen/H"))); }

const BP_G = [], BP_H = [];
const LG = utf8("por/v1/bp/G/"), LH = utf8("por/v1/bp/H/");
/** The first `size` of G_i and H_i (derived on demand, cached). `onProgress(done, size)` optional. */
export function bulletproofGens(size, onProgress) {
  while (BP_G.length < size) {
    const i = BP_G.length;
    BP_G.push(hashToG1(concat(LG, u32(i))));
    BP_H.push(hashToG1(concat(LH, u32(i))));
    if (onProgress && i % 64 === 0) onProgress(i, size);
  }
  return [BP_G.slice(0, size), BP_H.slice(0, size)];
}

/** Derive G_i, H_i up to `size` in chunks, awaiting `onProgress(done, size)` between chunks (a page
 * repaints its progress bar there). */
export async function ensureGens(size, onProgress) {
  while (BP_G.length < size) {
    const stop = Math.min(size, BP_G.length + 64);
    while (BP_G.length < stop) {
      const i = BP_G.length;
      BP_G.push(hashToG1(concat(LG, u32(i))));
      BP_H.push(hashToG1(concat(LH, u32(i))));
    }
    if (onProgress) await onProgress(BP_G.length, size);
  }
}
