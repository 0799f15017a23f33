// JSON as Python's json module reads it (docs/protocol.md §1): integers stay exact (BigInt), floats are
// kept apart (PyFloat), NaN/Infinity parse as Python's json.loads does, duplicate keys keep the last
// value, objects keep insertion order. canonicalDumps is por.canonical.dumps: sorted keys (by code
// point), no whitespace, non-ASCII unescaped.

export class PyFloat {
  constructor(value, text) { this.value = value; this.text = text; }
}
export class JsonError extends Error {}

const WS = new Set([0x20, 0x09, 0x0a, 0x0d]);
const MAX_DEPTH = 900;

export function parseJson(text, { allowFloats = true, allowConstants = true } = {}) {
  let i = 0;
  const n = text.length;
  const fail = (msg) => { throw new JsonError(`${msg} at offset ${i}`); };
  const ws = () => { while (i < n && WS.has(text.charCodeAt(i))) i++; };
  const value = (depth) => {
    if (depth > MAX_DEPTH) fail("JSON nested too deeply");
    ws();
    if (i >= n) fail("Expecting value");
    const ch = text[i];
    if (ch === "{") {
      i++;
      const obj = Object.create(null);
      ws();
      if (text[i] === "}") { i++; return obj; }
      for (;;) {
        ws();
        if (text[i] !== '"') fail("Expecting property name enclosed in double quotes");
        const key = str();
        ws();
        if (text[i] !== ":") fail("Expecting ':' delimiter");
        i++;
        const v = value(depth + 1);
        obj[key] = v;
        ws();
        if (text[i] === ",") { i++; continue; }
        if (text[i] === "}") { i++; return obj; }
        fail("Expecting ',' delimiter");
      }
    }
    if (ch === "[") {
      i++;
      const arr = [];
      ws();
      if (text[i] === "]") { i++; return arr; }
      for (;;) {
        arr.push(value(depth + 1));
        ws();
        if (text[i] === ",") { i++; continue; }
        if (text[i] === "]") { i++; return arr; }
        fail("Expecting ',' delimiter");
      }
    }
    if (ch === '"') return str();
    if (text.startsWith("true", i)) { i += 4; return true; }
    if (text.startsWith("false", i)) { i += 5; return false; }
    if (text.startsWith("null", i)) { i += 4; return null; }
    for (const [word, v] of [["NaN", NaN], ["Infinity", Infinity], ["-Infinity", -Infinity]]) {
      if (text.startsWith(word, i)) {
        if (!allowConstants) fail(`${word} is not allowed`);
        i += word.length;
        return new PyFloat(v, word);
      }
    }
    const m = /^-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?/.exec(text.slice(i, i + 5000));
    if (!m) fail("Expecting value");
    i += m[0].length;
    if (m[1] !== undefined || m[2] !== undefined) {
      if (!allowFloats) fail(`floats are not allowed (found ${m[0]})`);
      return new PyFloat(Number(m[0]), m[0]);
    }
    const digits = m[0].replace("-", "");
    if (digits.length > 4300) fail("integer too long");
    return BigInt(m[0]);
  };
  const str = () => {
    i++; // opening quote
    let out = "";
    for (;;) {
      if (i >= n) fail("Unterminated string");
      const c = text.charCodeAt(i);
      if (c === 0x22) { i++; return out; }
      if (c === 0x5c) {
        const e = text[i + 1];
        const simple = { '"': '"', "\\": "\\", "/": "/", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" };
        if (e in simple) { out += simple[e]; i += 2; continue; }
        if (e === "u") {
          const hex = text.slice(i + 2, i + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail("Invalid \\uXXXX escape");
          out += String.fromCharCode(parseInt(hex, 16));
          i += 6;
          continue;
        }
        fail("Invalid \\escape");
      }
      if (c < 0x20) fail("Invalid control character");
      out += text[i];
      i++;
    }
  };
  ws();
  const v = value(0);
  ws();
  if (i !== n) fail("Extra data");
  return v;
}

/** Bytes to text as Python's bytes.decode("utf-8") (strict). */
export function utf8Decode(bytes) {
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw new JsonError("not UTF-8");
  }
}

export function hasLoneSurrogate(s) {
  for (let k = 0; k < s.length; k++) {
    const c = s.charCodeAt(k);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = s.charCodeAt(k + 1);
      if (d >= 0xdc00 && d <= 0xdfff) { k++; continue; }
      return true;
    }
    if (c >= 0xdc00 && c <= 0xdfff) return true;
  }
  return false;
}

function cmpCodePoints(a, b) {
  const A = Array.from(a), B = Array.from(b);
  const len = Math.min(A.length, B.length);
  for (let k = 0; k < len; k++) {
    const x = A[k].codePointAt(0), y = B[k].codePointAt(0);
    if (x !== y) return x - y;
  }
  return A.length - B.length;
}

function dumpStr(s) {
  if (hasLoneSurrogate(s)) throw new JsonError("a string is not valid Unicode");
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0);
    if (ch === '"') out += '\\"';
    else if (ch === "\\") out += "\\\\";
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (ch === "\b") out += "\\b";
    else if (ch === "\f") out += "\\f";
    else if (c < 0x20) out += "\\u" + c.toString(16).padStart(4, "0");
    else out += ch;
  }
  return out + '"';
}

/** por.canonical.dumps as text (floats refused). */
export function canonicalDumps(v) {
  if (v === null) return "null";
  if (v === true) return "true";
  if (v === false) return "false";
  if (typeof v === "bigint") return v.toString();
  if (typeof v === "string") return dumpStr(v);
  if (v instanceof PyFloat) throw new JsonError("floats are not allowed in canonical JSON");
  if (Array.isArray(v)) return "[" + v.map(canonicalDumps).join(",") + "]";
  if (isObj(v)) {
    const keys = Object.keys(v).sort(cmpCodePoints);
    return "{" + keys.map((k) => dumpStr(k) + ":" + canonicalDumps(v[k])).join(",") + "}";
  }
  throw new JsonError("not a JSON value");
}

export function isObj(v) {
  return v !== null && typeof v === "object" && !Array.isArray(v) && !(v instanceof PyFloat);
}
export function isInt(v) { return typeof v === "bigint"; } // Python int, not bool
export function get(obj, key) { return isObj(obj) && Object.prototype.hasOwnProperty.call(obj, key) ? obj[key] : undefined; }
export function has(obj, key) { return isObj(obj) && Object.prototype.hasOwnProperty.call(obj, key); }

function num(v) {
  if (typeof v === "boolean") return { k: "i", v: v ? 1n : 0n };
  if (typeof v === "bigint") return { k: "i", v };
  if (v instanceof PyFloat) return { k: "f", v: v.value };
  return null;
}

/** Python's == on JSON values (True == 1, 1.0 == 1, NaN != NaN). */
export function pyEq(a, b) {
  const x = num(a), y = num(b);
  if (x && y) {
    if (x.k === "i" && y.k === "i") return x.v === y.v;
    if (x.k === "f" && y.k === "f") return x.v === y.v;
    const [f, i] = x.k === "f" ? [x.v, y.v] : [y.v, x.v];
    return Number.isFinite(f) && Number.isInteger(f) && BigInt(f) === i;
  }
  if (x || y) return false;
  if (a === null || b === null || a === undefined || b === undefined) return a === b;
  if (typeof a === "string" || typeof b === "string") return a === b;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((e, k) => pyEq(e, b[k]));
  }
  if (isObj(a) && isObj(b)) {
    const ka = Object.keys(a), kb = Object.keys(b);
    if (ka.length !== kb.length) return false;
    return ka.every((k) => has(b, k) && pyEq(a[k], b[k]));
  }
  return false;
}

/** A short Python-like repr for messages. */
export function pyRepr(v) {
  if (v === undefined || v === null) return "None";
  if (v === true) return "True";
  if (v === false) return "False";
  if (typeof v === "bigint") return v.toString();
  if (v instanceof PyFloat) return String(v.value);
  if (typeof v === "string") return "'" + v.replace(/\\/g, "\\\\").replace(/'/g, "\\'").replace(/\n/g, "\\n") + "'";
  if (Array.isArray(v)) return "[" + v.map(pyRepr).join(", ") + "]";
  return "{" + Object.keys(v).map((k) => pyRepr(k) + ": " + pyRepr(v[k])).join(", ") + "}";
}

/** The Python type name of a JSON value (for messages). */
export function pyType(v) {
  if (v === null || v === undefined) return "NoneType";
  if (typeof v === "boolean") return "bool";
  if (typeof v === "bigint") return "int";
  if (v instanceof PyFloat) return "float";
  if (typeof v === "string") return "str";
  if (Array.isArray(v)) return "list";
  return "dict";
}
