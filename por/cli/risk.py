"""``por risk simulate|warn|margins|run``: predictive risk of the margin book (estimates; protocol §11.6).

Each command reads the margin book and the signed price history from ``--ledger`` (or a seeded
synthetic book with ``--synthetic N``), prints a table or ``--json``, and labels every estimate with
its model, seed, paths and horizon. Bad inputs (no or too short history, zero volatility, an empty
book, a parameter out of range) are usage errors: exit 2 with a sentence.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
from rich.table import Table

from por.cli._output import console, open_existing_ledger, print_json
from por.errors import UsageError


def _source(f: Callable[..., Any]) -> Callable[..., Any]:
    f = click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")(f)
    f = click.option("--synthetic", type=click.IntRange(min=1), default=None,
                     help="A seeded synthetic book of N accounts with a synthetic history (no ledger).")(f)
    f = click.option("--schema", default=None, help="With a PostgreSQL --ledger: the ledger's schema.")(f)
    f = click.option("--ledger", "ledger_url", default=None, help="The ledger's database URL.")(f)
    return f


class _Source:
    """The inputs of a command: from the ledger (kept open for run risk) or synthetic."""

    def __init__(self, ledger_url: str | None, schema: str | None, synthetic: int | None, seed: int) -> None:
        if (ledger_url is None) == (synthetic is None):
            raise UsageError("give exactly one of --ledger URL or --synthetic N")
        if schema and not ledger_url:
            raise UsageError("--schema only applies with --ledger")
        self.ledger: Any = None
        if ledger_url:
            self.ledger = open_existing_ledger(ledger_url, schema)
        self.synthetic = synthetic
        self.seed = seed

    def inputs(self) -> Any:
        from por.risk.inputs import from_ledger_inputs, synthetic_inputs

        if self.ledger is not None:
            return from_ledger_inputs(self.ledger)
        assert self.synthetic is not None
        return synthetic_inputs(self.synthetic, self.seed)

    def __enter__(self) -> _Source:
        return self

    def __exit__(self, *exc: Any) -> None:
        if self.ledger is not None:
            self.ledger.close()


@click.group()
def risk() -> None:
    """Predictive risk of the margin book: Monte Carlo stress, early warning, dynamic margin, run risk."""


@risk.command()
@_source
@click.option("--paths", type=click.IntRange(min=10), default=10_000, show_default=True)
@click.option("--horizon", type=click.IntRange(min=1), default=10, show_default=True, help="Days.")
@click.option("--seed", type=int, default=1, show_default=True)
@click.option("--model", type=click.Choice(["ewma-t", "ewma-normal", "bootstrap"]), default="ewma-t",
              show_default=True)
@click.option("--df", type=click.IntRange(min=3), default=5, show_default=True,
              help="Student-t degrees of freedom (ewma-t).")
@click.option("--block", type=click.IntRange(min=1), default=5, show_default=True,
              help="Block length in days (bootstrap).")
@click.option("--impact", default="linear:0.1", show_default=True, help="Price impact: none, linear:K or sqrt:K.")
def simulate(ledger_url: str | None, schema: str | None, synthetic: int | None, as_json: bool, paths: int,
             horizon: int, seed: int, model: str, df: int, block: int, impact: str) -> None:
    """Correlated fat-tailed price paths through the liquidation cascade: P(insurance fund exhausted),
    bad-debt VaR and expected shortfall, expected liquidations (estimates)."""
    from por.risk.simulate import Spec
    from por.risk.simulate import simulate as run_sim

    spec = Spec(paths=paths, horizon_days=horizon, seed=seed, model=model, df=df, block=block, impact=impact)
    spec.check()
    with _Source(ledger_url, schema, synthetic, seed) as src:
        sim = run_sim(src.inputs(), spec)
    d = sim.to_dict()
    if as_json:
        print_json(d)
        return
    con = console()
    t = Table(title=d["label"])
    for c in ("figure", "estimate", "95% interval"):
        t.add_column(c)
    lo, hi = sim.p_exhaust_ci
    t.add_row("P(insurance fund exhausted)", f"{sim.p_exhaust:.4%}", f"{lo:.4%} to {hi:.4%}")
    for x in sim.tails:
        t.add_row(f"bad debt VaR {x['level']:.1%}", f"{x['var']:,.0f}", f"{x['var_lo']:,.0f} to {x['var_hi']:,.0f}")
        t.add_row(f"bad debt ES {x['level']:.1%}", f"{x['es']:,.0f}", f"{x['es_lo']:,.0f} to {x['es_hi']:,.0f}")
    a, b = sim.expected_liquidations_ci
    t.add_row("expected liquidations", f"{sim.expected_liquidations:,.2f}", f"{a:,.2f} to {b:,.2f}")
    if sim.coverage_worst:
        t.add_row("reserves coverage, worst 1% of paths", f"mean {sim.coverage_worst['mean']:.4f}",
                  f"min {sim.coverage_worst['min']:.4f}")
    con.print(t)
    ec = sim.exact_check
    con.print(f"insurance fund {sim.insurance_fund} (minor units); exact-engine check on {ec['paths']} paths: "
              f"liquidations differ by at most {ec['max_liquidation_count_diff']}, bad debt by at most "
              f"{ec['max_bad_debt_rel_diff']} (relative); {sim.seconds:.2f} s")


@risk.command()
@_source
@click.option("--horizon", type=click.IntRange(min=1), default=10, show_default=True, help="Days.")
@click.option("--threshold", type=click.FloatRange(0, 1, min_open=True), default=0.10, show_default=True,
              help="Flag accounts whose probability of liquidation is at least this.")
@click.option("--limit", type=click.IntRange(min=0), default=20, show_default=True, help="Rows to print.")
@click.option("--no-backtest", is_flag=True, help="Skip the backtest on the price history.")
@click.option("--seed", type=int, default=1, show_default=True, help="Seed of --synthetic.")
def warn(ledger_url: str | None, schema: str | None, synthetic: int | None, as_json: bool, horizon: int,
         threshold: float, limit: int, no_backtest: bool, seed: int) -> None:
    """Per-account probability of a liquidation within the horizon; the ranked list above the threshold
    with its drivers, and a backtest on the price history (estimates)."""
    from por.risk.warn import assess

    with _Source(ledger_url, schema, synthetic, seed) as src:
        a = assess(src.inputs(), horizon, threshold, backtest=not no_backtest)
    if as_json:
        print_json(a.to_dict(limit=limit))
        return
    con = console()
    t = Table(title=a.label())
    for c in ("#", "account", "probability", "drivers"):
        t.add_column(c)
    for i, w in enumerate(a.warnings[:limit]):
        t.add_row(str(i + 1), w.account, f"{w.probability:.2%}", w.reasons())
    con.print(t)
    con.print(f"{len(a.warnings)} of {len(a.accounts)} accounts flagged; {a.in_breach} already below maintenance")
    if a.backtest:
        b = a.backtest
        con.print(f"backtest over {b['windows']} windows: {b['flagged_and_liquidated']} flagged and liquidated, "
                  f"{b['flagged_not_liquidated']} flagged not liquidated, {b['liquidated_not_flagged']} liquidated "
                  f"not flagged")


@risk.command()
@_source
@click.option("--confidence", type=click.FloatRange(0.5, 1, min_open=True, max_open=True), default=0.99,
              show_default=True)
@click.option("--horizon", type=click.IntRange(min=1), default=2, show_default=True,
              help="Liquidation horizon in days.")
@click.option("--floor-bps", type=click.IntRange(1, 9999), default=500, show_default=True)
@click.option("--cap-bps", type=click.IntRange(1, 9999), default=5000, show_default=True)
@click.option("--out", type=click.Path(dir_okay=False), default=None,
              help="Write the proposal (the value for `por ledger config-set risk_margins FILE`).")
@click.option("--seed", type=int, default=1, show_default=True, help="Seed of --synthetic.")
def margins(ledger_url: str | None, schema: str | None, synthetic: int | None, as_json: bool, confidence: float,
            horizon: int, floor_bps: int, cap_bps: int, out: str | None, seed: int) -> None:
    """Maintenance margin per asset implied by its volatility, with a Kupiec backtest; a governed
    proposal written to --out (never applied by this command)."""
    from por.risk.margins import CONFIG_KEY, propose

    with _Source(ledger_url, schema, synthetic, seed) as src:
        p = propose(src.inputs(), confidence, horizon, floor_bps, cap_bps)
    if out:
        Path(out).write_text(json.dumps(p.config_value(), indent=2, sort_keys=True) + "\n")
    if as_json:
        print_json(dict(p.to_dict(), written=out))
        return
    con = console()
    t = Table(title=p.label())
    for c in ("asset", "daily vol", "tail", "proposed bps", "accounts below", "breaches / windows", "Kupiec p"):
        t.add_column(c)
    for x in p.assets:
        t.add_row(x.asset, f"{x.daily_vol:.4%}", f"{x.tail_factor:.3f}", str(x.proposed_bps), str(x.below_proposal),
                  f"{x.breaches} / {x.windows}", f"{x.kupiec_p:.4f} ({x.verdict})")
    con.print(t)
    con.print(f"proposal written to {out}: apply with `por ledger config-set {CONFIG_KEY} {out}` signed by a quorum"
              if out else "not written (give --out FILE to write the proposal for a governed config-set)")


@risk.command("run")
@click.option("--ledger", "ledger_url", required=True, help="The ledger's database URL.")
@click.option("--schema", default=None, help="With a PostgreSQL --ledger: the ledger's schema.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.option("--flagged-share", default="1", show_default=True, help="Share of cash the flagged clients withdraw.")
@click.option("--largest-share", default="0.5", show_default=True, help="Share the largest clients withdraw.")
@click.option("--largest-fraction", default="0.01", show_default=True, help="Which clients are the largest.")
@click.option("--base-share", default="0.1", show_default=True, help="Share every other client withdraws.")
@click.option("--wave-days", type=click.IntRange(min=1), default=3, show_default=True)
@click.option("--horizon", type=click.IntRange(min=1), default=10, show_default=True,
              help="Early-warning horizon (days) choosing the flagged clients.")
@click.option("--threshold", type=click.FloatRange(0, 1, min_open=True), default=0.10, show_default=True)
def run_cmd(ledger_url: str, schema: str | None, as_json: bool, flagged_share: str, largest_share: str,
            largest_fraction: str, base_share: str, wave_days: int, horizon: int, threshold: float) -> None:
    """Run risk: liquid reserves against the withdrawal queue plus a stressed wave; days of coverage
    and the day withdrawals would be batched or paused (exact integers)."""
    from por.report.stress import parse_decimal
    from por.risk.run import RunParams, inputs_from_ledger, run_risk
    from por.risk.warn import assess

    try:
        params = RunParams(parse_decimal(flagged_share, "--flagged-share"), parse_decimal(largest_share, "--largest-share"),
                           parse_decimal(largest_fraction, "--largest-fraction"), parse_decimal(base_share, "--base-share"),
                           wave_days)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    params.check()
    with _Source(ledger_url, schema, None, 0) as src:
        a = assess(src.inputs(), horizon, threshold, backtest=False)
        owners = {str(m["account"]): str(m["owner"]) for m in src.ledger.margin_accounts()}
        r = run_risk(inputs_from_ledger(src.ledger), [owners.get(w.account, w.account) for w in a.warnings], params)
    d = r.to_dict()
    if as_json:
        print_json(d)
        return
    con = console()
    t = Table(title=f"run risk ({d['scenario']}), {d['currency']} minor units")
    for c in ("day", "due", "paid", "backlog", "liquid after", "status"):
        t.add_column(c)
    for day in r.days:
        t.add_row(str(day.day), f"{day.due:,}", f"{day.paid:,}", f"{day.backlog:,}", f"{day.liquid_after:,}",
                  day.status)
    con.print(t)
    con.print(f"liquid reserves {r.inputs.liquid:,}; queue {r.inputs.queue:,}; stressed wave {r.wave:,} "
              f"({r.flagged_clients} flagged clients, {r.largest_clients} largest); coverage {d['coverage']}, "
              f"{d['days_of_coverage']} days of coverage; first batched day {d['first_batched_day']}, "
              f"first paused day {d['first_paused_day']}")
