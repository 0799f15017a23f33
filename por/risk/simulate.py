"""Monte Carlo stress of the margin book (protocol §11.6.2). Every figure here is an **estimate**.

1. **Model.** Daily log returns of the book's risky assets: ``ewma-t`` (default) draws correlated
   Student-t(ν) innovations scaled to unit variance, with the EWMA covariance of the signed history
   (λ = 0.94); ``ewma-normal`` the same with normal innovations; ``bootstrap`` resamples blocks of
   consecutive historical return vectors (keeps their correlation and fat tails). The EWMA models are
   martingales in price (drift −σ²/2 per day in log).
2. **Paths.** ``paths`` horizons of ``horizon`` days from a numpy PCG64 generator seeded with
   ``seed``: the same seed gives the same numbers.
3. **Liquidation.** Each path's horizon prices go through the cascade of :mod:`por.report.stress`
   (breach below maintenance, liquidation in full, price impact, rounds until no breach), vectorised
   over paths in float64; a sample of paths is re-run through the exact integer engine and the
   differences reported (``exact_check``).
4. **Figures.** Probability that bad debt exceeds the insurance fund (Wilson 95% interval); bad-debt
   VaR and expected shortfall at 99% and 99.9% (order-statistic and normal-approximation 95%
   intervals); expected liquidations; reserves coverage after the worst 1% of paths.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np

from por.errors import RiskError, StressError
from por.report.stress import Engine, Impact, MarginBook
from por.risk.history import DEFAULT_LAMBDA, FloatArray, ewma_covariance
from por.risk.inputs import RiskInputs
from por.units import BPS

MODELS = ("ewma-t", "ewma-normal", "bootstrap")
DEFAULT_IMPACT = "linear:0.1"
Z95 = 1.959963984540054


@dataclass(frozen=True, slots=True)
class Spec:
    """What a simulation is: printed beside every estimate it produced."""

    paths: int = 10_000
    horizon_days: int = 10
    seed: int = 1
    model: str = "ewma-t"
    df: int = 5
    lam: float = DEFAULT_LAMBDA
    block: int = 5
    impact: str = DEFAULT_IMPACT
    chunk: int = 500
    exact_sample: int = 16

    def check(self) -> None:
        """Raises RiskError for a parameter out of range."""
        if self.paths < 10:
            raise RiskError(f"paths must be at least 10, got {self.paths}")
        if self.horizon_days < 1:
            raise RiskError(f"the horizon must be at least 1 day, got {self.horizon_days}")
        if self.model not in MODELS:
            raise RiskError(f"unknown model {self.model!r}: choose one of {', '.join(MODELS)}")
        if self.df <= 2:
            raise RiskError(f"Student-t degrees of freedom must exceed 2 (finite variance), got {self.df}")
        if self.block < 1:
            raise RiskError(f"bootstrap block length must be at least 1, got {self.block}")
        try:
            Impact.parse(self.impact)
        except StressError as exc:
            raise RiskError(str(exc)) from None

    def describe(self) -> str:
        m = {"ewma-t": f"EWMA covariance (lambda {self.lam}) with Student-t({self.df}) innovations",
             "ewma-normal": f"EWMA covariance (lambda {self.lam}) with normal innovations",
             "bootstrap": f"block bootstrap of historical daily returns (blocks of {self.block} days)"}[self.model]
        return (f"Monte Carlo estimate: {self.paths} paths, horizon {self.horizon_days} days, seed {self.seed}, "
                f"model {m}, impact {self.impact}")

    def to_dict(self) -> dict[str, Any]:
        return {"paths": self.paths, "horizon_days": self.horizon_days, "seed": self.seed, "model": self.model,
                "df": self.df, "lambda": self.lam, "block": self.block, "impact": self.impact}


# --------------------------------------------------------------------------------------------------
# scenarios


def cov_root(cov: FloatArray) -> FloatArray:
    """A matrix L with L·Lᵀ = cov (eigen decomposition; tolerates a singular covariance)."""
    w, v = np.linalg.eigh((cov + cov.T) / 2)
    return np.asarray(v * np.sqrt(np.clip(w, 0, None)), dtype=np.float64)


def horizon_log_returns(inputs: RiskInputs, spec: Spec, paths: int | None = None,
                        rng: np.random.Generator | None = None) -> FloatArray:
    """``paths × assets`` log returns over the horizon under the spec's model (risky assets only)."""
    spec.check()
    p = spec.paths if paths is None else paths
    g = rng or np.random.Generator(np.random.PCG64(spec.seed))
    r = inputs.history.returns()
    a = r.shape[1]
    h = spec.horizon_days
    if spec.model == "bootstrap":
        t = r.shape[0]
        b = min(spec.block, t)
        nb = -(-h // b)
        starts = g.integers(0, t - b + 1, size=(p, nb))
        idx = (starts[:, :, None] + np.arange(b)[None, None, :]).reshape(p, nb * b)[:, :h]
        return np.asarray(r[idx].sum(axis=1), dtype=np.float64)
    cov = ewma_covariance(r, spec.lam)
    lroot = cov_root(cov)
    out = np.zeros((p, a))
    for _ in range(h):  # day by day keeps memory at paths × assets
        if spec.model == "ewma-t":
            z = g.standard_t(spec.df, size=(p, a)) * math.sqrt((spec.df - 2) / spec.df)
        else:
            z = g.standard_normal(size=(p, a))
        out += z @ lroot.T
    out -= 0.5 * np.diag(cov) * h
    return out


# --------------------------------------------------------------------------------------------------
# the vectorised cascade


class VectorBook:
    """The book as float64 value matrices at base prices (reporting minor units): the cascade's input.

    Column ``j`` is ``inputs.book.assets[j]``; a scenario is a ``K × A`` matrix of price factors
    (1 for the reporting currency).
    """

    def __init__(self, book: MarginBook, impact: Impact) -> None:
        self.book = book
        self.impact = impact
        base = book.base_prices()
        unit = np.array([book.value_exact(a.code, 1, base[a.code]) for a in book.assets], dtype=np.float64)
        self.unit = unit
        self.pos = np.asarray(book.positions, dtype=np.float64) * unit
        self.debt = np.asarray(book.debts, dtype=np.float64) * unit
        self.mm = np.asarray(book.maintenance_bps, dtype=np.float64) / BPS
        self.n, self.a = self.pos.shape
        self.cur = book.codes.index(book.currency)
        whole = self.pos.sum(axis=0)
        ref = [(a.depth if impact.kind == "linear" else a.adv) for a in book.assets]
        self.ref = np.array([float(r) if r is not None else float(w) for r, w in zip(ref, whole, strict=True)])
        self.k = float(impact.k)

    def factors(self, risky: list[str], log_returns: FloatArray) -> FloatArray:
        """``K × A`` price factors from ``K × len(risky)`` log returns."""
        f = np.ones((log_returns.shape[0], self.a))
        for i, code in enumerate(risky):
            f[:, self.book.codes.index(code)] = np.exp(log_returns[:, i])
        return f

    def values(self, f: FloatArray) -> FloatArray:
        """Every account's position value on every path (``n × K``): the valuation floor of the bench."""
        return np.asarray(self.pos @ f.T, dtype=np.float64)

    def _fall(self, sold: FloatArray) -> FloatArray:
        """Relative price fall per asset and path (``A × k``) caused by liquidation sales ``sold``."""
        if self.impact.kind == "none" or self.k == 0:
            return np.zeros_like(sold)
        with np.errstate(divide="ignore", invalid="ignore"):
            x = np.where(self.ref[:, None] > 0, sold / self.ref[:, None], np.where(sold > 0, np.inf, 0.0))
        f = self.k * (x if self.impact.kind == "linear" else np.sqrt(x))
        f = np.clip(f, 0.0, 1.0)
        f[self.cur] = 0.0
        return np.asarray(f, dtype=np.float64)

    def cascade(self, f0: FloatArray, max_rounds: int | None = None) -> dict[str, Any]:
        """Run the cascade on every path of ``f0``; per-path arrays of what happened.

        Breach test ``(1−mm)·V < D`` as one product ``pos·(1−mm)`` by the path factors; the
        liquidated (account, path) pairs are few, so their sales and bad debt are computed on those
        pairs only.
        """
        k = f0.shape[0]
        f = f0.copy()
        alive = np.ones((self.n, k), dtype=bool)
        liq = np.zeros(k, dtype=np.int64)
        bad = np.zeros(k)
        rounds = np.zeros(k, dtype=np.int64)
        active = np.arange(k)
        pos_s = np.ascontiguousarray(self.pos * (1.0 - self.mm)[:, None])
        debt_cols = [j for j in range(self.a) if bool((self.debt[:, j] != 0).any())]
        cash_debt = debt_cols == [self.cur] or not debt_cols
        dvec = self.debt[:, self.cur][:, None]
        for _ in range(max_rounds if max_rounds is not None else self.n + 1):
            if active.size == 0:
                break
            full = active.size == k
            fa = f if full else f[active]
            w = pos_s @ np.ascontiguousarray(fa.T)
            d = dvec if cash_debt else self.debt @ np.ascontiguousarray(fa.T)
            br = w < d
            br &= alive if full else alive[:, active]
            ii, kk = np.nonzero(br)
            if ii.size == 0:
                break
            hit = np.unique(kk)
            # sales per asset and path (at this round's prices), then the impact
            sold = np.zeros((self.a, active.size))
            for j in range(self.a):
                if j != self.cur:
                    sold[j] = np.bincount(kk, weights=self.pos[ii, j], minlength=active.size) * fa[:, j]
            fn = fa * (1.0 - self._fall(sold)).T
            vn = (self.pos[ii] * fn[kk]).sum(axis=1)
            dn = (self.debt[ii] * fn[kk]).sum(axis=1)
            paths = active[kk]
            bad += np.bincount(paths, weights=np.maximum(dn - vn, 0.0), minlength=k)
            liq += np.bincount(paths, minlength=k)
            alive[ii, paths] = False
            f[active[hit]] = fn[hit]
            rounds[active[hit]] += 1
            active = active[hit]
        return {"liquidated": liq, "bad_debt": bad, "rounds": rounds, "final": f}


# --------------------------------------------------------------------------------------------------
# statistics


def wilson(successes: int, n: int, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval of a proportion."""
    if n == 0:
        return (0.0, 1.0)
    p = successes / n
    den = 1 + z * z / n
    mid = (p + z * z / (2 * n)) / den
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / den
    return (max(0.0, mid - half), min(1.0, mid + half))


def var_es(losses: FloatArray, level: float) -> dict[str, float]:
    """VaR (the ⌈level·N⌉-th smallest loss), ES (mean of the worst ⌈(1−level)·N⌉ losses), with 95%
    intervals (order statistics for VaR; normal approximation for ES)."""
    x = np.sort(losses)
    n = x.size
    k = max(1, math.ceil(level * n - 1e-9))  # 1e-9: 0.99·1000 is not exactly 990 in binary
    half = Z95 * math.sqrt(n * level * (1 - level))
    lo_i = min(n, max(1, math.floor(level * n - half)))
    hi_i = min(n, max(1, math.ceil(level * n + half)))
    m = max(1, math.ceil((1 - level) * n - 1e-9))
    tail = x[-m:]
    es = float(tail.mean())
    se = float(tail.std(ddof=1)) / math.sqrt(m) if m > 1 else 0.0
    return {"level": level, "var": float(x[k - 1]), "var_lo": float(x[lo_i - 1]), "var_hi": float(x[hi_i - 1]),
            "es": es, "es_lo": max(0.0, es - Z95 * se), "es_hi": es + Z95 * se, "tail_paths": m}


@dataclass(slots=True)
class Simulation:
    """The estimates of one Monte Carlo run (floats: estimates, labelled by ``spec``)."""

    spec: Spec
    accounts: int
    assets: list[str]
    daily_vol: dict[str, float]
    insurance_fund: int
    p_exhaust: float
    p_exhaust_ci: tuple[float, float]
    tails: list[dict[str, float]]
    mean_bad_debt: float
    expected_liquidations: float
    expected_liquidations_ci: tuple[float, float]
    max_rounds: int
    quantiles: list[tuple[float, float]]
    histogram: list[tuple[float, float, int]]
    coverage_worst: dict[str, float] | None
    coverage_reason: str
    exact_check: dict[str, Any]
    seconds: float = 0.0
    losses: FloatArray | None = field(default=None, repr=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "estimate": True, "label": self.spec.describe(), "spec": self.spec.to_dict(),
            "accounts": self.accounts, "assets": self.assets,
            "daily_vol": {a: round(v, 6) for a, v in self.daily_vol.items()},
            "insurance_fund": self.insurance_fund,
            "p_insurance_exhausted": round(self.p_exhaust, 6),
            "p_insurance_exhausted_ci95": [round(x, 6) for x in self.p_exhaust_ci],
            "bad_debt": [{k: (v if k == "level" or not isinstance(v, float) else round(v, 2)) for k, v in t.items()}
                         for t in self.tails],
            "mean_bad_debt": round(self.mean_bad_debt, 2),
            "expected_liquidations": round(self.expected_liquidations, 3),
            "expected_liquidations_ci95": [round(x, 3) for x in self.expected_liquidations_ci],
            "max_cascade_rounds": self.max_rounds,
            "bad_debt_quantiles": [[q, round(v, 2)] for q, v in self.quantiles],
            "coverage_after_worst_1pct": (None if self.coverage_worst is None
                                          else {k: round(v, 6) for k, v in self.coverage_worst.items()}),
            "coverage_reason": self.coverage_reason,
            "exact_check": self.exact_check,
        }


def _coverage(book: MarginBook, f: FloatArray, uncovered: FloatArray) -> FloatArray | None:
    if book.reserves is None or book.liabilities is None:
        return None
    base = book.base_prices()
    codes = book.codes
    res = np.zeros(f.shape[0])
    net = np.zeros(f.shape[0])
    for c, q in book.reserves.items():
        if c in codes:
            res += float(book.value_exact(c, q, base[c])) * f[:, codes.index(c)]
    for c, (e, d) in book.liabilities.items():
        if c in codes:
            net += float(book.value_exact(c, e - d, base[c])) * f[:, codes.index(c)]
    den = net + uncovered
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.asarray(np.where(den > 0, res / den, np.nan), dtype=np.float64)


def exact_check(vb: VectorBook, f0: FloatArray, sample: FloatArray) -> dict[str, Any]:
    """Re-run ``sample`` paths (indices into ``f0``) through the exact integer engine at the paths'
    integer prices and compare liquidations and bad debt with the vectorised cascade."""
    book = vb.book
    base = book.base_prices()
    idx = [int(i) for i in sample]
    if not idx:
        return {"paths": 0}
    fi = np.ones((len(idx), vb.a))
    shocks: list[dict[str, Fraction]] = []
    for r, i in enumerate(idx):
        s: dict[str, Fraction] = {}
        for j, a in enumerate(book.assets):
            if a.code == book.currency or base[a.code] == 0:
                continue
            p = max(0, math.floor(base[a.code] * float(f0[i, j])))
            s[a.code] = Fraction(p, base[a.code]) - 1
            fi[r, j] = p / base[a.code]
        shocks.append(s)
    vec = vb.cascade(fi)
    factor = max([Fraction(1)] + [1 + x for s in shocks for x in s.values()])
    eng = Engine(book, vb.impact, max_price_factor=factor)
    liq_diff, bad_diff, worst_rel = 0, 0.0, 0.0
    for r, s in enumerate(shocks):
        out = eng.run(s)
        liq_diff = max(liq_diff, abs(out.liquidated - int(vec["liquidated"][r])))
        d = abs(out.bad_debt - float(vec["bad_debt"][r]))
        bad_diff = max(bad_diff, d)
        worst_rel = max(worst_rel, d / max(1.0, float(out.bad_debt), float(out.debt_before) * 1e-9))
    return {"paths": len(idx), "max_liquidation_count_diff": liq_diff,
            "max_bad_debt_abs_diff": round(bad_diff, 2), "max_bad_debt_rel_diff": round(worst_rel, 9),
            "note": "vectorised float64 cascade against the exact integer engine at the same integer prices"}


def simulate(inputs: RiskInputs, spec: Spec | None = None) -> Simulation:
    """Monte Carlo stress of ``inputs.book`` (see the module docstring).

    Raises:
        RiskError: a bad parameter, an empty book, or history that cannot give a volatility.
    """
    import time

    spec = spec or Spec()
    spec.check()
    t0 = time.perf_counter()
    book = inputs.book
    impact = Impact.parse(spec.impact)
    vb = VectorBook(book, impact)
    rng = np.random.Generator(np.random.PCG64(spec.seed))
    logr = horizon_log_returns(inputs, spec, rng=rng)
    f0 = vb.factors(inputs.risky, logr)
    n = spec.paths
    liq = np.zeros(n, dtype=np.int64)
    bad = np.zeros(n)
    rounds = np.zeros(n, dtype=np.int64)
    final = np.ones_like(f0)
    for s in range(0, n, spec.chunk):
        out = vb.cascade(f0[s:s + spec.chunk])
        liq[s:s + spec.chunk] = out["liquidated"]
        bad[s:s + spec.chunk] = out["bad_debt"]
        rounds[s:s + spec.chunk] = out["rounds"]
        final[s:s + spec.chunk] = out["final"]
    fund = int(book.insurance_fund)
    exhausted = int((bad > fund).sum())
    tails = [var_es(bad, lv) for lv in (0.99, 0.999)]
    mean_liq = float(liq.mean())
    se_liq = float(liq.std(ddof=1)) / math.sqrt(n)
    uncovered = np.maximum(bad - fund, 0.0)
    cov = _coverage(book, final, uncovered)
    coverage: dict[str, float] | None = None
    reason = ""
    if cov is None:
        reason = "the book carries no reserves and liabilities (an epoch's public disclosure gives them)"
    else:
        m = max(1, math.ceil(0.01 * n))
        worst = np.argsort(bad, kind="stable")[-m:]
        cw = cov[worst]
        cw = cw[~np.isnan(cw)]
        if cw.size:
            coverage = {"paths": float(m), "mean": float(cw.mean()), "min": float(cw.min())}
        else:
            reason = "net liabilities not positive on the worst paths"
    qs = [0.5, 0.9, 0.95, 0.99, 0.995, 0.999, 1.0]
    quantiles = [(q, float(np.quantile(bad, q))) for q in qs]
    top = float(bad.max())
    edges = np.linspace(0.0, top if top > 0 else 1.0, 21)
    counts, _ = np.histogram(bad, bins=edges)
    hist = [(float(edges[i]), float(edges[i + 1]), int(c)) for i, c in enumerate(counts)]
    # exact check: the worst paths and a few seeded others
    k = min(spec.exact_sample, n)
    order = np.argsort(bad, kind="stable")
    pick = list(order[-(k // 2):]) + list(np.random.Generator(np.random.PCG64(spec.seed + 1)).choice(
        n, size=k - k // 2, replace=False))
    check = exact_check(vb, f0, np.array(sorted(set(int(i) for i in pick))))
    r = inputs.history.returns()
    vols = {a: float(math.sqrt(ewma_covariance(r, spec.lam)[j, j])) for j, a in enumerate(inputs.risky)}
    return Simulation(
        spec=spec, accounts=book.n, assets=inputs.risky, daily_vol=vols, insurance_fund=fund,
        p_exhaust=exhausted / n, p_exhaust_ci=wilson(exhausted, n), tails=tails,
        mean_bad_debt=float(bad.mean()), expected_liquidations=mean_liq,
        expected_liquidations_ci=(max(0.0, mean_liq - Z95 * se_liq), mean_liq + Z95 * se_liq),
        max_rounds=int(rounds.max()), quantiles=quantiles, histogram=hist, coverage_worst=coverage,
        coverage_reason=reason, exact_check=check, seconds=time.perf_counter() - t0, losses=bad)

