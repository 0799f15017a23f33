"""The regulator report's risk section (protocol §11.6.6): tables of exact cells.

Amounts of record (the run-risk days, balances, counts) are ``int`` cells; every estimate (a
probability, a simulated bad-debt quantile, a volatility) is a ``str`` cell holding a decimal, in a
table whose title says *estimate* and whose note names the model, seed, paths and horizon. The report
model never holds a float.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from por.errors import PorError
from por.report.model import Cell, Column, Table
from por.report.stress import MarginBook, fixed
from por.risk.inputs import RiskInputs, check_book, risky_assets
from por.risk.margins import MarginProposal, propose
from por.risk.run import RunParams, RunRisk, inputs_from_ledger, run_risk
from por.risk.simulate import Simulation, Spec, simulate
from por.risk.warn import DEFAULT_THRESHOLD, Assessment, assess

TABLES = ("risk_simulation", "risk_loss_distribution", "risk_early_warning", "risk_warning_drivers",
          "risk_warning_backtest", "risk_margin_proposals", "risk_run", "risk_run_days")
TOP_WARNINGS = 50


@dataclass(frozen=True, slots=True)
class RiskSettings:
    """What the report's risk section runs (every estimate is reproducible from these)."""

    spec: Spec = field(default_factory=Spec)
    warn_horizon_days: int = 10
    threshold: float = DEFAULT_THRESHOLD
    margin_confidence: float = 0.99
    margin_horizon_days: int = 2
    run: RunParams = field(default_factory=RunParams)

    def section(self, book: MarginBook | None, ledger: Any, ccy: str,
                ) -> tuple[list[Table], dict[str, str], dict[str, str]]:
        """The report's risk section with these settings (:func:`report_section`); the report calls
        this method on what its caller passed, so the report package never imports this one."""
        return report_section(book, ledger, ccy, self)


@dataclass(slots=True)
class RiskResults:
    simulation: Simulation
    assessment: Assessment
    margins: MarginProposal
    run: RunRisk | None


def est(x: float, digits: int = 6) -> str:
    """An estimate as a decimal string (fixed digits; the float came from a simulation or a model)."""
    return f"{x:.{digits}f}"


def compute(inputs: RiskInputs, ledger: Any = None, settings: RiskSettings | None = None) -> RiskResults:
    """Run every risk estimate on ``inputs`` (and run risk when ``ledger`` is given).

    Raises:
        RiskError: bad inputs (see the modules).
    """
    s = settings or RiskSettings()
    sim = simulate(inputs, s.spec)
    a = assess(inputs, s.warn_horizon_days, s.threshold, s.spec.lam)
    m = propose(inputs, s.margin_confidence, s.margin_horizon_days, lam=s.spec.lam)
    run = None
    if ledger is not None:
        owners = {str(acc["account"]): str(acc["owner"]) for acc in ledger.margin_accounts()}
        run = run_risk(inputs_from_ledger(ledger), [owners.get(w.account, w.account) for w in a.warnings], s.run)
    return RiskResults(sim, a, m, run)


def tables(res: RiskResults, ccy: str) -> tuple[list[Table], dict[str, str]]:
    """The risk tables and the report parameters naming every estimate's basis."""
    sim, a, m, run = res.simulation, res.assessment, res.margins, res.run
    spec = sim.spec
    label = spec.describe()
    out: list[Table] = []
    rows: list[tuple[Cell, ...]] = [
        ("probability that bad debt exhausts the insurance fund", est(sim.p_exhaust), est(sim.p_exhaust_ci[0]),
         est(sim.p_exhaust_ci[1]), "probability"),
    ]
    for t in sim.tails:
        lv = f"{t['level']:.1%}"
        rows.append((f"bad debt VaR {lv}", est(t["var"], 0), est(t["var_lo"], 0), est(t["var_hi"], 0), ccy))
        rows.append((f"bad debt expected shortfall {lv}", est(t["es"], 0), est(t["es_lo"], 0), est(t["es_hi"], 0), ccy))
    rows.append(("mean bad debt", est(sim.mean_bad_debt, 0), None, None, ccy))
    rows.append(("expected liquidations", est(sim.expected_liquidations, 3), est(sim.expected_liquidations_ci[0], 3),
                 est(sim.expected_liquidations_ci[1], 3), "accounts"))
    if sim.coverage_worst is not None:
        rows.append(("reserves coverage after the worst 1% of paths (mean)", est(sim.coverage_worst["mean"]),
                     None, None, "ratio (1 = 100%)"))
        rows.append(("reserves coverage after the worst 1% of paths (minimum)", est(sim.coverage_worst["min"]),
                     None, None, "ratio (1 = 100%)"))
    ec = sim.exact_check
    rows.append(("exact-engine check: largest difference in liquidations on sampled paths",
                 str(ec.get("max_liquidation_count_diff")), None, None, f"accounts ({ec.get('paths')} paths)"))
    rows.append(("exact-engine check: largest relative difference in bad debt on sampled paths",
                 str(ec.get("max_bad_debt_rel_diff")), None, None, "ratio"))
    out.append(Table("risk_simulation", "Monte Carlo stress (estimates)", (
        Column("figure"), Column("estimate"), Column("ci95_low"), Column("ci95_high"), Column("unit")),
        tuple(rows), note=(f"{label}. Insurance fund {sim.insurance_fund} ({ccy}). Estimates, not figures of "
                           "record; the 95% intervals are Wilson (probability), order statistics (VaR) and normal "
                           "approximations (expected shortfall, liquidations). "
                           + ("" if sim.coverage_worst is not None else f"Coverage: {sim.coverage_reason}."))))
    out.append(Table("risk_loss_distribution", "Simulated bad-debt distribution (estimates)", (
        Column("bin_low"), Column("bin_high"), Column("paths", "int", "paths")),
        tuple((est(lo, 0), est(hi, 0), c) for lo, hi, c in sim.histogram),
        note=f"{label}. Bad debt after the liquidation cascade per path, {ccy}; quantiles: "
             + ", ".join(f"{q:.1%}: {v:.0f}" for q, v in sim.quantiles)))
    wrows = tuple((i + 1, w.account, est(w.probability), None if w.leverage is None else fixed(w.leverage, 6),
                   w.dominant_asset, est(w.dominant_share, 4), est(w.concentration, 4), est(w.distance_sd, 4),
                   w.equity, w.debt) for i, w in enumerate(a.warnings[:TOP_WARNINGS]))
    out.append(Table("risk_early_warning", "Early warning: accounts likely to be liquidated (estimates)", (
        Column("rank", "int"), Column("account"), Column("probability"), Column("leverage", "ratio", "value / equity"),
        Column("dominant_asset"), Column("dominant_variance_share"), Column("concentration"),
        Column("distance_sd", "str", "standard deviations over the horizon"), Column("equity", "int", ccy),
        Column("debt", "int", ccy)), wrows,
        note=(f"{a.label()}. {len(a.warnings)} of {len(a.accounts)} accounts flagged"
              + (f"; the {TOP_WARNINGS} most likely are listed" if len(a.warnings) > TOP_WARNINGS else "")
              + ". Drivers: leverage, the asset whose volatility dominates the account's variance, the largest "
                "position's share of the risky value, and the distance to maintenance.")))
    drivers: dict[tuple[str, str], int] = {}
    for w in a.warnings:
        drivers[("dominant asset", w.dominant_asset)] = drivers.get(("dominant asset", w.dominant_asset), 0) + 1
        lev = w.leverage
        band = ("equity <= 0" if lev is None else ">= 8x" if lev >= 8 else "5x to <8x" if lev >= 5
                else "3x to <5x" if lev >= 3 else "< 3x")
        drivers[("leverage", band)] = drivers.get(("leverage", band), 0) + 1
        conc = "concentrated (>= 90% in one asset)" if w.concentration >= 0.9 else "diversified"
        drivers[("concentration", conc)] = drivers.get(("concentration", conc), 0) + 1
        dist = "< 1 sd" if w.distance_sd < 1 else "1 to 2 sd" if w.distance_sd < 2 else ">= 2 sd"
        drivers[("distance to maintenance", dist)] = drivers.get(("distance to maintenance", dist), 0) + 1
    out.append(Table("risk_warning_drivers", "Early warnings by driver", (
        Column("driver"), Column("value"), Column("accounts", "int", "flagged accounts")),
        tuple((k[0], k[1], v) for k, v in sorted(drivers.items())),
        note="Counts of flagged accounts; each account appears once per driver."))
    if a.backtest is not None:
        b = a.backtest
        out.append(Table("risk_warning_backtest", "Early warning backtest on the price history", (
            Column("windows", "int"), Column("horizon_days", "int"), Column("flagged_and_liquidated", "int"),
            Column("flagged_not_liquidated", "int"), Column("liquidated_not_flagged", "int"), Column("neither", "int")),
            ((b["windows"], b["horizon_days"], b["flagged_and_liquidated"], b["flagged_not_liquidated"],
              b["liquidated_not_flagged"], b["neither"]),), note=str(b["note"])))
    out.append(Table("risk_margin_proposals", "Dynamic maintenance margin: proposals and backtests (estimates)", (
        Column("asset"), Column("daily_vol"), Column("tail_factor"), Column("proposed_bps", "int", "bps"),
        Column("current_bps"), Column("accounts_below_proposal", "int"), Column("backtest_windows", "int"),
        Column("breaches", "int"), Column("kupiec_lr"), Column("kupiec_p"), Column("verdict")),
        tuple((x.asset, est(x.daily_vol), est(x.tail_factor, 4), x.proposed_bps,
               ", ".join(f"{k} bps: {v}" for k, v in sorted(x.current_bps.items())), x.below_proposal, x.windows,
               x.breaches, est(x.kupiec_lr, 4), est(x.kupiec_p, 4), x.verdict) for x in m.assets),
        note=(f"{m.label()}. A proposal only: applied by a quorum of governors with `por ledger config-set "
              f"risk_margins FILE`, never silently.")))
    params = {
        "risk.estimates": "risk figures are estimates (model, seed, paths and horizon named); amounts of record "
                          "stay exact integers",
        "risk.mc.model": label, "risk.mc.seed": str(spec.seed), "risk.mc.paths": str(spec.paths),
        "risk.mc.horizon_days": str(spec.horizon_days),
        "risk.p_insurance_exhausted": (f"{est(sim.p_exhaust)} (95% CI {est(sim.p_exhaust_ci[0])} to "
                                       f"{est(sim.p_exhaust_ci[1])}; estimate)"),
        "risk.early_warnings": f"{len(a.warnings)} of {len(a.accounts)} accounts (threshold {a.threshold:.2%}, "
                               f"horizon {a.horizon_days} days; estimate)",
        "risk.margin_proposals": ", ".join(f"{x.asset} {x.proposed_bps} bps" for x in m.assets),
    }
    if run is not None:
        d = run.to_dict()
        out.append(Table("risk_run", "Run risk: liquid reserves against a stressed withdrawal wave", (
            Column("figure"), Column("value"), Column("unit")), (
            ("liquid reserves", str(run.inputs.liquid), ccy),
            ("withdrawal queue", str(run.inputs.queue), ccy),
            ("stressed wave", str(run.wave), ccy),
            ("total demand", str(run.demand), ccy),
            ("coverage (liquid / demand)", d["coverage"], "ratio (1 = 100%)"),
            ("days of coverage", d["days_of_coverage"], "days"),
            ("daily cap", None if run.inputs.daily_cap is None else str(run.inputs.daily_cap), ccy),
            ("first day batched", None if run.first("batched") is None else str(run.first("batched")), "day"),
            ("first day paused", None if run.first("paused") is None else str(run.first("paused")), "day"),
            ("clients of flagged accounts", str(run.flagged_clients), "clients"),
            ("largest clients", str(run.largest_clients), "clients")),
            note=("A deterministic scenario on exact integers: flagged accounts' owners withdraw "
                  f"{d['params']['flagged_share']} of their cash, the largest {d['params']['largest_fraction']} "
                  f"of clients {d['params']['largest_share']}, the others {d['params']['base_share']}, over "
                  f"{run.params.wave_days} days; the queue is due on day 1.")))
        out.append(Table("risk_run_days", "Run risk: day by day", (
            Column("day", "int"), Column("due", "int", ccy), Column("paid", "int", ccy), Column("backlog", "int", ccy),
            Column("liquid_after", "int", ccy), Column("status")),
            tuple((x.day, x.due, x.paid, x.backlog, x.liquid_after, x.status) for x in run.days),
            note="batched: demand above the withdrawal policy's daily cap; paused: the liquid reserves cannot pay."))
        params["risk.run"] = (f"coverage {d['coverage']}, {d['days_of_coverage']} days; first batched day "
                              f"{d['first_batched_day']}, first paused day {d['first_paused_day']}")
    return out, params


def report_section(book: MarginBook | None, ledger: Any, ccy: str,
                   settings: RiskSettings | None = None) -> tuple[list[Table], dict[str, str], dict[str, str]]:
    """``(tables, parameters, unavailable)`` for :func:`por.report.collect.collect`: the book (at the
    epoch's prices) with the ledger's signed price history; every failure becomes a reason."""
    if ledger is None or book is None:
        why = ("no ledger access: the risk section needs the signed price history" if ledger is None
               else "no margin book")
        return [], {}, {t: why for t in TABLES}
    try:
        from por.risk.history import from_ledger

        inputs = check_book(book, from_ledger(ledger, risky_assets(book)))
        res = compute(inputs, ledger, settings)
        ts, params = tables(res, ccy)
    except PorError as exc:
        return [], {}, {t: f"risk: {exc.diagnostics()}" for t in TABLES}
    missing = {t: "not produced" for t in TABLES if t not in {x.name for x in ts}}
    return ts, params, missing


def headline(params: dict[str, str]) -> list[tuple[str, str]]:
    """The demo summary's risk lines, from the report parameters."""
    names = (("probability of exhausting the insurance fund", "risk.p_insurance_exhausted"),
             ("early warnings", "risk.early_warnings"), ("margin proposals", "risk.margin_proposals"),
             ("run risk", "risk.run"), ("basis", "risk.mc.model"))
    return [(label, params[k]) for label, k in names if k in params]


