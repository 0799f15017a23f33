// Pedersen commitments (docs/protocol.md §2): C = v*G + gamma*H, and public linear combinations.
import { decode, encode, msm, mod } from "./group.js";
import { PEDERSEN_G, pedersenH } from "./generators.js";

export function commitPoint(value, blinding) { return msm([PEDERSEN_G, pedersenH()], [mod(value), mod(blinding)]); }
export function commit(value, blinding) { return encode(commitPoint(value, blinding)); }

/** sum coef_i*C_i + constant*G (inputs strictly decoded, identity allowed). */
export function combine(commitments, coefficients, constant = 0n) {
  const pts = commitments.map((c) => decode(c, true));
  const sc = coefficients.map(mod);
  if (mod(constant) !== 0n) { pts.push(PEDERSEN_G); sc.push(mod(constant)); }
  return encode(msm(pts, sc));
}
