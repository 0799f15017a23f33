// The protocol vectors (circuits/vectors/*.json) through the committed bundle: prints one JSON line
// per case {file, name, expect, got, ...}.  node tests/web/vectors.mjs FILE...
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { loadBundle } from "../../web/verify.mjs";

const V = loadBundle();
const hex = (s) => V.bytes.fromHex(s);
const out = [];
for (const f of process.argv.slice(2)) {
  const d = JSON.parse(readFileSync(f, "utf8"));
  const file = basename(f);
  if (d.kind === "rangeproof") {
    const enc = file.includes("linear") ? "linear" : "compressed";
    for (const c of d.cases) {
      out.push({ file, name: c.name, expect: true, got: V.rangeproof.verify(c.commitments.map(hex), hex(c.proof), c.bits, hex(c.context), enc) });
      // the commitments themselves: v*G + gamma*H
      const commits = c.values.map((v, i) => V.bytes.toHex(V.pedersen.commit(BigInt(v), BigInt(c.blindings[i]))));
      out.push({ file, name: `${c.name}/commitments`, expect: true, got: commits.join() === c.commitments.join() });
    }
    for (const c of d.negative) {
      out.push({ file, name: c.name, expect: c.expect, got: V.rangeproof.verify(c.commitments.map(hex), hex(c.proof), c.bits, hex(c.context), enc) });
    }
  } else if (d.kind === "statement") {
    const stmt = V.statements.load(d.statement);
    const claims = d.claims.map((c) => ({ commitments: c.commitments.map(hex), coefficients: c.coefficients.map(BigInt), constant: BigInt(c.constant) }));
    const ctx = hex(d.context);
    let m = 1; while (m < claims.length) m *= 2;
    out.push({ file, name: `${d.statement}/spec`, expect: true, got: stmt.sha256 === d.spec_sha256 && stmt.version === d.version && stmt.bits === d.bits });
    out.push({ file, name: `${d.statement}/transcript-context`, expect: true,
      got: V.bytes.toHex(V.statements.transcriptContext(stmt, claims, m, ctx)) === d.transcript_context });
    out.push({ file, name: `${d.statement}/proof`, expect: true, got: V.statements.verify(stmt, claims, hex(d.proof), ctx) });
    const other = V.bytes.concat(ctx, Uint8Array.of(0));
    out.push({ file, name: `${d.statement}/other-context`, expect: false, got: V.statements.verify(stmt, claims, hex(d.proof), other) });
    d.claims.forEach((c, i) => {
      if (c.combined_commitment) {
        const comb = V.bytes.toHex(V.pedersen.combine(claims[i].commitments, claims[i].coefficients, claims[i].constant));
        out.push({ file, name: `${d.statement}/combined-${i}`, expect: true, got: comb === c.combined_commitment });
      }
    });
  }
}
process.stdout.write(out.map((o) => JSON.stringify(o)).join("\n") + "\n");
