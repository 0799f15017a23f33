// The collateral terms a client checks its collateral proof against (docs/protocol.md §9.2, §9.5):
// prices per minor unit on one common scale and haircuts, derived from the manifest's governed
// reserves configuration and its prices, never from its own collateral_prices / haircuts_bps fields
// (which must equal them). Port of por.reserves.policy.collateral_terms.
import { get, has, isObj, PyFloat, pyEq } from "./json.js";

export const CONFIG_FORMAT = "por-reserves-config/1";
export const DEFAULT_HAIRCUT_BPS = 7500n;
export class TermsError extends Error {}

const isPyInt = (v) => typeof v === "bigint"; // `type(v) is int`: not bool, not float

function strList(x, what) {
  if (!Array.isArray(x) || !x.every((i) => typeof i === "string" && i)) throw new TermsError(`${what} must be a list of non-empty strings`);
}

/** ReservesConfig.from_dict: the fields collateral_terms reads, validated as Python validates them. */
export function reservesConfig(d) {
  if (!isObj(d) || !pyEq(get(d, "format"), CONFIG_FORMAT) || !isObj(get(d, "assets"))) {
    throw new TermsError(`not a reserves configuration (format '${CONFIG_FORMAT}' with an assets object)`);
  }
  const rc = has(d, "reporting_currency") ? d.reporting_currency : "USD";
  const rd = has(d, "reporting_decimals") ? d.reporting_decimals : 2n;
  if (typeof rc !== "string" || !isPyInt(rd) || rd < 0n) throw new TermsError("reporting_currency must be a string and reporting_decimals an integer >= 0");
  const decimals = new Map(), haircuts = new Map();
  for (const [a, spec] of Object.entries(d.assets)) {
    if (!isObj(spec) || !isPyInt(get(spec, "decimals")) || spec.decimals < 0n || spec.decimals > 36n) {
      throw new TermsError(`asset ${a}: decimals must be an integer in [0, 36]`);
    }
    decimals.set(a, spec.decimals);
    if (has(spec, "haircut_bps")) {
      const h = spec.haircut_bps;
      if (!isPyInt(h) || h < 0n || h > 10000n) throw new TermsError(`asset ${a}: haircut_bps must be an integer in [0, 10000]`);
      haircuts.set(a, h);
    }
    if (has(spec, "reserve")) {
      const r = spec.reserve;
      if (!isObj(r)) throw new TermsError(`reserve policy for ${a}: expected an object`);
      strList(get(r, "custodians"), `reserve policy for ${a}: custodians`);
      strList(has(r, "signers") ? r.signers : [], `reserve policy for ${a}: signers`);
      if (has(r, "quorum") && !isPyInt(r.quorum)) throw new TermsError(`reserve policy for ${a}: quorum must be an integer`);
    }
    if (has(spec, "price")) {
      const p = spec.price;
      if (!isObj(p) || !Array.isArray(get(p, "oracles"))) throw new TermsError(`oracle policy for ${a}: needs an oracles list`);
      for (const k of ["quorum", "max_age_seconds", "max_dispersion_bps", "max_skew_seconds"]) {
        if (has(p, k) && !isPyInt(p[k])) throw new TermsError(`oracle policy for ${a}: ${k} must be an integer`);
      }
    }
  }
  const haircut = (a) => (haircuts.has(a) ? haircuts.get(a) : a === rc ? 10000n : DEFAULT_HAIRCUT_BPS);
  return { reportingCurrency: rc, decimals, haircut };
}

/** Python's int(x) on a JSON value (str: optional sign, digits, underscores between digits, spaces). */
function pyInt(x) {
  if (typeof x === "boolean") return x ? 1n : 0n;
  if (typeof x === "bigint") return x;
  if (x instanceof PyFloat) {
    if (!Number.isFinite(x.value)) throw new TermsError("cannot convert float to integer");
    return BigInt(Math.trunc(x.value));
  }
  if (typeof x === "string") {
    const t = x.trim();
    if (!/^[+-]?[0-9](_?[0-9])*$/.test(t)) throw new TermsError(`invalid literal for int(): '${x.slice(0, 40)}'`);
    return BigInt(t.replace(/_/g, ""));
  }
  throw new TermsError("int() argument must be a string or a number");
}

/** Python's dict(x or {}) items, for the manifest's prices. */
function dictItems(x) {
  if (x === null || x === undefined || x === false || (typeof x === "string" && !x) || x === 0n
      || (Array.isArray(x) && !x.length) || (isObj(x) && !Object.keys(x).length)) return [];
  if (isObj(x)) return Object.entries(x);
  throw new TermsError("the manifest's prices are not an object");
}

const sortedKeys = (m) => [...m.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

/** [collateral prices, haircuts] as Maps, or TermsError (manifest.prices). */
export function collateralTerms(signed) {
  let cfg, prices;
  try {
    cfg = reservesConfig(get(signed, "reserves_config") ?? null);
    prices = new Map(dictItems(get(signed, "prices") ?? null).map(([a, p]) => [String(a), pyInt(p)]));
  } catch (e) {
    throw new TermsError(`the manifest's reserves configuration or prices are malformed (${e.message})`);
  }
  const missing = sortedKeys(prices).filter((a) => !cfg.decimals.has(a));
  if (missing.length) throw new TermsError(`the reserves configuration names no decimals for ${missing.join(", ")}`);
  let top = 0n;
  for (const a of prices.keys()) if (cfg.decimals.get(a) > top) top = cfg.decimals.get(a);
  const cp = new Map(), hc = new Map();
  for (const a of sortedKeys(prices)) {
    cp.set(a, prices.get(a) * 10n ** (top - cfg.decimals.get(a)));
    hc.set(a, cfg.haircut(a));
  }
  const asObj = (m) => { const o = Object.create(null); for (const [k, v] of m) o[k] = v; return o; };
  if (!pyEq(get(signed, "collateral_prices") ?? null, asObj(cp)) || !pyEq(get(signed, "haircuts_bps") ?? null, asObj(hc))) {
    throw new TermsError("the manifest's collateral prices and haircuts are not those of its reserves configuration");
  }
  return [cp, hc];
}
