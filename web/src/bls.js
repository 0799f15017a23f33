// BLS signatures (docs/protocol.md §8.1): BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_, public keys in
// G1, signatures in G2, strict decoding (KeyValidate). Not on the client's path (reserve attestations
// are the auditor's); exported so the JavaScript checks por's BLS vectors too.
import { bls12_381 } from "@noble/curves/bls12-381";
import { utf8 } from "./bytes.js";
import { decode } from "./group.js";

export const DST = utf8("BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_");
const G2 = bls12_381.G2.ProjectivePoint;

function decodeSig(b) {
  if (!(b instanceof Uint8Array) || b.length !== 96) throw new Error("a signature is 96 bytes");
  const p = G2.fromHex(b); // decompression, on-curve and subgroup checks
  const re = p.toRawBytes(true);
  if (re.length !== b.length || re.some((x, i) => x !== b[i])) throw new Error("non-canonical signature");
  return p;
}

/** Verify(PK, message, signature) under POP; false for anything malformed. */
export function verify(pk, message, sig) {
  try {
    const P = decode(pk); // canonical, subgroup, not the identity
    const S = decodeSig(sig);
    const H = bls12_381.G2.hashToCurve(message, { DST });
    return bls12_381.verify(S, H, P);
  } catch {
    return false;
  }
}

/** FastAggregateVerify(PKs, message, signature): the keys' sum, never the identity. */
export function fastAggregateVerify(pks, message, sig) {
  try {
    if (!pks.length) return false;
    let sum = null;
    for (const pk of pks) { const P = decode(pk); sum = sum ? sum.add(P) : P; }
    if (sum.equals(bls12_381.G1.ProjectivePoint.ZERO)) return false;
    const S = decodeSig(sig);
    return bls12_381.verify(S, bls12_381.G2.hashToCurve(message, { DST }), sum);
  } catch {
    return false;
  }
}

/** AggregateVerify((PK_i, m_i)..., signature) under POP (repeated messages allowed). */
export function aggregateVerify(pks, messages, sig) {
  try {
    if (!pks.length || pks.length !== messages.length) return false;
    const Ps = pks.map((pk) => decode(pk));
    const S = decodeSig(sig);
    return bls12_381.verifyBatch(S, messages.map((m) => bls12_381.G2.hashToCurve(m, { DST })), Ps);
  } catch {
    return false;
  }
}
