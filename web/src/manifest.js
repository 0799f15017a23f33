// The epoch manifest (docs/protocol.md §9.4): strict canonical JSON {"signed", "signatures"}, the
// operator's Ed25519 signature over "por/v1/manifest\0" || canonical(signed), key ids.
import { ed25519 } from "@noble/curves/ed25519";
import { concat, pyFromHex, sha256, toHex, utf8 } from "./bytes.js";
import { JsonError, canonicalDumps, get, has, isObj, parseJson, utf8Decode } from "./json.js";

export const MANIFEST_FORMAT = "por-manifest/1";
const SIGNATURE_DOMAIN = utf8("por/v1/manifest\x00");
export class BundleError extends Error {}

export function keyId(publicHex) { return toHex(sha256(utf8("por/v1/key-id"), pyFromHex(publicHex))).slice(0, 16); }

export function verifyEd25519(publicHex, message, signatureHex) {
  try {
    const pub = pyFromHex(publicHex), sig = pyFromHex(signatureHex);
    if (pub.length !== 32 || sig.length !== 64) return false;
    return ed25519.verify(sig, message, pub, { zip215: false });
  } catch {
    return false;
  }
}

export class Manifest {
  constructor(signed, signatures, bodyBytes) {
    this.signed = signed;
    this.signatures = signatures;
    this.bodyBytes = bodyBytes;
    this.sha256 = toHex(sha256(bodyBytes));
  }
  /** Parse strictly (Manifest.from_bytes): canonical bytes, known format, the fields readers need. */
  static fromBytes(data) {
    let doc;
    try {
      const text = utf8Decode(data);
      doc = parseJson(text, { allowFloats: false, allowConstants: false });
      if (canonicalDumps(doc) !== text) throw new JsonError("JSON is not in canonical form (sorted keys, no whitespace)");
    } catch (e) {
      throw new BundleError(`manifest.json: ${e.message}`);
    }
    if (!isObj(doc) || Object.keys(doc).length !== 2 || !has(doc, "signed") || !has(doc, "signatures")) {
      throw new BundleError("manifest.json: expected exactly the members 'signed' and 'signatures'");
    }
    const signed = doc.signed, sigs = doc.signatures;
    if (!isObj(signed) || !Array.isArray(sigs)) throw new BundleError("manifest.json: 'signed' must be an object and 'signatures' a list");
    const fmt = get(signed, "format");
    if (typeof fmt !== "string" || !fmt.startsWith("por-manifest/")) throw new BundleError("manifest.json: missing or unknown 'format'");
    if (fmt.split("/").slice(1).join("/").split(".")[0] !== "1") throw new BundleError(`manifest.json: unsupported major version (this reader: ${MANIFEST_FORMAT})`);
    for (const name of ["epoch_id", "protocol", "files", "tree", "nonce"]) {
      if (!has(signed, name)) throw new BundleError(`manifest.json: missing field '${name}'`);
    }
    if (signed.protocol !== "por-v1") throw new BundleError("manifest.json: protocol is not 'por-v1' (this reader's)");
    if (typeof signed.epoch_id !== "string") throw new BundleError("manifest.json: 'epoch_id' must be a string");
    const seq = has(signed, "journal_seq") ? signed.journal_seq : 1n;
    if (typeof seq !== "bigint" || seq < 1n) throw new BundleError("manifest.json: 'journal_seq' must be an integer >= 1");
    if (!isObj(signed.files)) throw new BundleError("manifest.json: 'files' must be an object");
    if (!sigs.every(isObj)) throw new BundleError("manifest.json: every signature must be an object");
    return new Manifest(signed, sigs, utf8(canonicalDumps(signed)));
  }
  signingMessage() { return concat(SIGNATURE_DOMAIN, this.bodyBytes); }
  signaturesBy(role) { return this.signatures.filter((s) => get(s, "role") === role); }
  verifySignature(sig, expectedPublicHex = null) {
    const pub = get(sig, "public_key");
    if (typeof pub !== "string" || typeof get(sig, "signature") !== "string") return false;
    if (expectedPublicHex !== null && pub.toLowerCase() !== expectedPublicHex.toLowerCase()) return false;
    if (!verifyEd25519(pub, this.signingMessage(), sig.signature)) return false;
    try { return get(sig, "key_id") === keyId(pub.toLowerCase()); } catch { return false; }
  }
}
