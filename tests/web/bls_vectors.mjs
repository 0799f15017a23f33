// por's BLS vectors (tests/vectors/bls: verify, fast_aggregate_verify, aggregate_verify) through the
// committed bundle: one JSON line per case {file, name, expect, got}.  node tests/web/bls_vectors.mjs DIR
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { loadBundle } from "../../web/verify.mjs";

const V = loadBundle();
const h = (s) => V.bytes.pyFromHex(s.replace(/^0x/, ""));
const out = [];
for (const f of ["verify", "fast_aggregate_verify", "aggregate_verify"]) {
  const d = JSON.parse(readFileSync(join(process.argv[2], `${f}.json`), "utf8"));
  for (const c of d.cases) {
    const i = c.input;
    const got = f === "verify" ? V.bls.verify(h(i.pubkey), h(i.message), h(i.signature))
      : f === "fast_aggregate_verify" ? V.bls.fastAggregateVerify(i.pubkeys.map(h), h(i.message), h(i.signature))
        : V.bls.aggregateVerify(i.pubkeys.map(h), i.messages.map(h), h(i.signature));
    out.push({ file: f, name: c.name, expect: c.output, got });
  }
}
process.stdout.write(out.map((o) => JSON.stringify(o)).join("\n") + "\n");
