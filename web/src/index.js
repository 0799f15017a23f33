// por's client verifier: the public API of the bundle (verify.js), for the page and for Node.
export { verifyInclusion, verifyClientProof, Result } from "./client.js";
export * as rangeproof from "./rangeproof.js";
export * as statements from "./statements.js";
export * as pedersen from "./pedersen.js";
export * as group from "./group.js";
export * as bls from "./bls.js";
export * as bytes from "./bytes.js";
export { parseJson, canonicalDumps } from "./json.js";
export { Manifest } from "./manifest.js";
export { startPage, majorUnits } from "./page.js";
import * as generators from "./generators.js";
import * as leaf from "./leaf.js";
export const internals = { generators, leaf };

import { startPage } from "./page.js";
if (typeof document !== "undefined" && document.getElementById("por-verifier")) startPage(document);
