"""Risk benchmarks (issue 18): Monte Carlo stress and early warning, each beside a floor.

- ``risk.mc.1e4paths.1e4accounts``: seconds for :func:`por.risk.simulate.simulate` with 10,000 paths
  over a 10,000-account synthetic book, one 10-day horizon (paths, cascade, statistics and the
  exact-engine check); target ≤ 30 s. Floor: the same number of vectorised valuations alone (every
  account valued on every path once, in the same chunks), measured in the same run.
- ``risk.warn.1e5accounts``: seconds for :func:`por.risk.warn.assess` on 100,000 accounts (no
  backtest); floor: the vectorised probability computation alone.
"""

from __future__ import annotations

import time

from por.bench import Figure


def run(quick: bool = False) -> list[Figure]:
    from por.report.stress import Impact
    from por.risk.history import ewma_covariance
    from por.risk.inputs import synthetic_inputs
    from por.risk.simulate import Spec, VectorBook, horizon_log_returns, simulate
    from por.risk.warn import _exposures, assess, probabilities

    n_acc, n_paths, n_warn = (2_000, 2_000, 20_000) if quick else (10_000, 10_000, 100_000)
    inputs = synthetic_inputs(n_acc, seed=1)
    spec = Spec(paths=n_paths, horizon_days=10, seed=1)
    t0 = time.perf_counter()
    sim = simulate(inputs, spec)
    mc = time.perf_counter() - t0
    vb = VectorBook(inputs.book, Impact.parse(spec.impact))
    f0 = vb.factors(inputs.risky, horizon_log_returns(inputs, spec))
    t0 = time.perf_counter()
    for s in range(0, n_paths, spec.chunk):
        vb.values(f0[s:s + spec.chunk])
    floor = time.perf_counter() - t0
    tag = "" if not quick else " (quick: smaller sizes)"
    figs = [Figure(f"risk.mc.1e4paths.1e4accounts{'.quick' if quick else ''}", mc, "s", floor, 30.0,
                   note=f"{n_paths} paths x {n_acc} accounts, horizon 10 d, ewma-t, linear impact; "
                        f"P(fund exhausted) {sim.p_exhaust:.4f}, max cascade rounds {sim.max_rounds}; floor = "
                        f"valuations alone{tag}")]
    w_inputs = synthetic_inputs(n_warn, seed=2)
    t0 = time.perf_counter()
    a = assess(w_inputs, 10, backtest=False)
    warn_s = time.perf_counter() - t0
    cov = ewma_covariance(w_inputs.history.returns())
    w, cash, debt, keep = _exposures(w_inputs)
    t0 = time.perf_counter()
    probabilities(w, cash, debt, keep, cov, 10)
    w_floor = time.perf_counter() - t0
    figs.append(Figure(f"risk.warn.1e5accounts{'.quick' if quick else ''}", warn_s, "s", w_floor, None,
                       note=f"{n_warn} accounts, horizon 10 d, {len(a.warnings)} flagged with drivers; floor = "
                            f"vectorised probabilities alone{tag}"))
    return figs
