// The Fiat-Shamir transcript (docs/protocol.md §3): a running SHA-256 over length-prefixed labelled
// messages; challenges are 64 bytes reduced mod r, absorbed back. Low level.
import { sha256 } from "@noble/hashes/sha2";
import { bytesToInt, concat, u32, u64, utf8 } from "./bytes.js";
import { R, encodeScalar } from "./group.js";

export class Transcript {
  constructor(domain) {
    this.h = sha256.create();
    this.append("protocol", utf8("por/v1"));
    this.append("dom-sep", typeof domain === "string" ? utf8(domain) : domain);
  }
  append(label, message) {
    const l = utf8(label);
    this.h.update(concat(u32(l.length), l));
    this.h.update(concat(u64(message.length), message));
  }
  appendU64(label, v) { this.append(label, u64(v)); }
  appendScalar(label, k) { this.append(label, encodeScalar(((k % R) + R) % R)); }
  challenge(label) {
    this.append("challenge", utf8(label));
    for (let counter = 0; ; counter++) {
      const st = this.h.clone();
      st.update(u32(counter));
      const seed = st.digest();
      const wide = concat(sha256(concat(seed, Uint8Array.of(0))), sha256(concat(seed, Uint8Array.of(1))));
      const c = bytesToInt(wide) % R;
      if (c !== 0n) { this.h.update(wide); return c; }
    }
  }
}
