"""Charts of a :class:`ReportData` as PNG bytes (matplotlib, Agg). Floats appear here only to draw;
every figure printed next to a chart comes from the report's exact cells."""

from __future__ import annotations

import io
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from por.report.model import ReportData

if TYPE_CHECKING:
    from matplotlib.figure import Figure

DPI = 150


def _plt() -> Any:  # the matplotlib.pyplot module, imported lazily
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams.update({"font.size": 9, "axes.titlesize": 10, "axes.grid": True, "grid.alpha": 0.3,
                         "svg.hashsalt": "por", "figure.dpi": DPI})
    return plt


def _png(fig: Figure) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI, bbox_inches="tight", metadata={"Software": None})
    import matplotlib.pyplot as plt

    plt.close(fig)
    return buf.getvalue()


def _f(s: str | int | None) -> float | None:
    return None if s is None else float(Fraction(s))


def _major(x: int | None, decimals: int) -> float | None:
    return None if x is None else float(Fraction(x, 10**decimals))


def coverage_chart(report: ReportData) -> bytes | None:
    """Coverage ratio (%) per asset over the epochs; reserves value when liabilities are hidden."""
    if not report.has("coverage"):
        return None
    t = report.table("coverage")
    rows = t.records()
    if not rows:
        return None
    plt = _plt()
    epochs = list(report.epochs)
    series: dict[str, list[float | None]] = {}
    use_ratio = any(r["coverage"] is not None for r in rows)
    for r in rows:
        asset = str(r["asset"])
        val = _f(r["coverage"]) if use_ratio else _major(r["reserves_value"], report.currency_decimals)  # type: ignore[arg-type]
        if val is None:
            continue
        series.setdefault(asset, [None] * len(epochs))
        if r["epoch_id"] in epochs:
            series[asset][epochs.index(str(r["epoch_id"]))] = val * 100 if use_ratio else val
    if not series:
        return None
    fig, ax = plt.subplots(figsize=(9.5, 3.6))
    x = list(range(len(epochs)))
    for asset, ys in sorted(series.items()):
        pts = [(xi, y) for xi, y in zip(x, ys, strict=True) if y is not None]
        if not pts:
            continue
        lw = 2.5 if asset.startswith("TOTAL") else 1.4
        ax.plot([p[0] for p in pts], [p[1] for p in pts], marker="o", lw=lw, label=asset)
    if use_ratio:
        ax.axhline(100, color="#C62828", lw=1, ls="--", label="100% (fully covered)")
        ax.set_ylabel("coverage, % of net liabilities")
        ax.set_title("Reserve coverage by epoch (reserves / (equity - debt))")
    else:
        ax.set_ylabel(f"reserves value, {report.reporting_currency}")
        ax.set_title("Reserves value by epoch (liabilities not disclosed; solvency shown by proofs)")
        from matplotlib.ticker import FuncFormatter

        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:,.0f}"))
    ax.set_xticks(x)
    ax.set_xticklabels(epochs, rotation=20 if len(epochs) > 4 else 0, ha="right" if len(epochs) > 4 else "center")
    ax.set_xlabel("epoch")
    if len(x) == 1:
        ax.set_xlim(-0.5, 0.5)
    ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), fontsize=8)
    return _png(fig)


def leverage_chart(report: ReportData) -> bytes | None:
    """Histogram of margin accounts by leverage bucket."""
    if not report.has("leverage_distribution"):
        return None
    t = report.table("leverage_distribution")
    labels = [str(x) for x in t.column("leverage")]
    counts = [int(x or 0) for x in t.column("accounts")]
    plt = _plt()
    fig, ax = plt.subplots(figsize=(9.5, 3.4))
    colors = ["#C62828" if lab.startswith("equity") else "#1565C0" for lab in labels]
    bars = ax.bar(range(len(labels)), counts, color=colors)
    for b, c in zip(bars, counts, strict=True):
        ax.annotate(f"{c:,}", (b.get_x() + b.get_width() / 2, b.get_height()), ha="center", va="bottom", fontsize=8)
    ax.set_xticks(range(len(labels)))
    ax.set_xticklabels(labels, rotation=15, ha="right")
    ax.set_xlabel("leverage = position value / equity")
    ax.set_ylabel("margin accounts")
    title = "Leverage distribution of margin accounts"
    if report.has("margin_summary"):
        m = report.table("margin_summary").records()[0]
        if isinstance(m["active"], int) and isinstance(m["accounts"], int) and m["active"] != m["accounts"]:
            title += f" ({m['active']:,} active of {m['accounts']:,}; accounts with no position nor debt not shown)"
    ax.set_title(title)
    ax.set_ylim(0, max(counts + [1]) * 1.15)
    return _png(fig)


def stress_chart(report: ReportData) -> bytes | None:
    """Stress curve: bad debt against the insurance fund, and the percentages (equity lost, reserves
    coverage after, accounts liquidated) against the shock."""
    if not report.has("stress_curve"):
        return None
    t = report.table("stress_curve")
    recs = t.records()
    if not recs:
        return None
    cd = report.currency_decimals
    ccy = report.reporting_currency
    shock = [-(_f(r["shock"]) or 0.0) * 100 for r in recs]
    bad = [_major(r["bad_debt"], cd) or 0.0 for r in recs]  # type: ignore[arg-type]
    unc = [_major(r["uncovered"], cd) or 0.0 for r in recs]  # type: ignore[arg-type]
    fund = None
    if report.has("insurance_fund"):
        bal = report.table("insurance_fund").column("balance")
        fund = _major(bal[0], cd) if bal and isinstance(bal[0], int) else None
    accounts = None
    if report.has("margin_summary"):
        a = report.table("margin_summary").column("accounts")
        accounts = int(a[0]) if a and isinstance(a[0], int) else None
    plt = _plt()
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10.5, 3.8))
    scale, unit = 1.0, ccy
    peak = max(bad + [fund or 0.0])
    if peak >= 1e9:
        scale, unit = 1e9, f"{ccy} billion"
    elif peak >= 1e6:
        scale, unit = 1e6, f"{ccy} million"
    elif peak >= 1e3:
        scale, unit = 1e3, f"{ccy} thousand"
    ax1.plot(shock, [b / scale for b in bad], color="#C62828", lw=2, label="bad debt")
    ax1.plot(shock, [u / scale for u in unc], color="#6A1B9A", lw=1.5, ls="--", label="uncovered by insurance fund")
    if fund is not None:
        ax1.axhline(fund / scale, color="#2E7D32", lw=1.2, ls=":", label="insurance fund")
    if peak <= 0:
        ax1.set_ylim(-0.05, 1)
        ax1.text(0.5, 0.5, "no bad debt at any shock of the grid", transform=ax1.transAxes, ha="center",
                 va="center", fontsize=9, color="#2E7D32")
    ax1.set_xlabel("price fall of every non-cash asset, %")
    ax1.set_ylabel(unit)
    ax1.set_title("Bad debt after liquidation cascade")
    ax1.legend(fontsize=8, loc="upper left")
    eq = [(_f(r["equity_lost"]) or 0.0) * 100 for r in recs]
    ax2.plot(shock, eq, color="#EF6C00", lw=2, label="client equity lost, %")
    if accounts:
        liq = [100.0 * int(r["liquidated"] or 0) / accounts for r in recs]
        ax2.plot(shock, liq, color="#1565C0", lw=1.5, label="accounts liquidated, %")
    cov = [r["reserves_coverage_after"] for r in recs]
    if any(c is not None for c in cov):
        pts = [(s, (_f(c) or 0.0) * 100) for s, c in zip(shock, cov, strict=True) if c is not None]
        ax2.plot([p[0] for p in pts], [p[1] for p in pts], color="#2E7D32", lw=2, label="reserves coverage after, %")
        ax2.axhline(100, color="#2E7D32", lw=0.8, ls=":")
    ax2.set_xlabel("price fall of every non-cash asset, %")
    ax2.set_ylabel("%")
    ax2.set_title("Equity lost, liquidations, reserve coverage")
    ax2.legend(fontsize=8, loc="best")
    fig.tight_layout()
    return _png(fig)


# -------------------------------------------------------------------------------- risk (estimates)


def risk_loss_chart(report: ReportData) -> bytes | None:
    """Simulated bad-debt distribution (estimates) against the insurance fund."""
    if not report.has("risk_loss_distribution"):
        return None
    recs = report.table("risk_loss_distribution").records()
    if not recs:
        return None
    cd = report.currency_decimals
    lo = [float(Fraction(str(r["bin_low"]))) / 10**cd for r in recs]
    hi = [float(Fraction(str(r["bin_high"]))) / 10**cd for r in recs]
    counts = [int(r["paths"] or 0) for r in recs]
    plt = _plt()
    fig, ax = plt.subplots(figsize=(9.5, 3.4))
    ax.bar(lo, counts, width=[h - low for low, h in zip(lo, hi, strict=True)], align="edge", color="#C62828",
           edgecolor="white", log=True)
    if report.has("risk_simulation"):
        for r in report.table("risk_simulation").records():
            name = str(r["figure"])
            if name.startswith("bad debt VaR"):
                x = float(Fraction(str(r["estimate"]))) / 10**cd
                ax.axvline(x, color="#6A1B9A", lw=1, ls="--", label=name.replace("bad debt ", ""))
    if report.has("insurance_fund"):
        bal = report.table("insurance_fund").column("balance")
        if bal and isinstance(bal[0], int):
            ax.axvline(bal[0] / 10**cd, color="#2E7D32", lw=1.5, ls=":", label="insurance fund")
    ax.set_xlabel(f"bad debt after the liquidation cascade, {report.reporting_currency}")
    ax.set_ylabel("simulated paths (log scale)")
    ax.set_title("Monte Carlo: distribution of bad debt (estimate; " + report.parameters.get("risk.mc.paths", "?")
                 + " paths, horizon " + report.parameters.get("risk.mc.horizon_days", "?") + " days, seed "
                 + report.parameters.get("risk.mc.seed", "?") + ")")
    ax.legend(fontsize=8)
    return _png(fig)


def risk_warning_chart(report: ReportData) -> bytes | None:
    """Early warnings by driver (counts of flagged accounts)."""
    if not report.has("risk_warning_drivers"):
        return None
    recs = report.table("risk_warning_drivers").records()
    if not recs:
        return None
    plt = _plt()
    fig, ax = plt.subplots(figsize=(9.5, 3.4))
    labels = [f"{r['driver']}: {r['value']}" for r in recs]
    vals = [int(r["accounts"] or 0) for r in recs]
    palette = {"dominant asset": "#1565C0", "leverage": "#C62828", "concentration": "#EF6C00",
               "distance to maintenance": "#6A1B9A"}
    ax.barh(range(len(labels)), vals, color=[palette.get(str(r["driver"]), "#555555") for r in recs])
    ax.set_yticks(range(len(labels)))
    ax.set_yticklabels(labels, fontsize=7)
    ax.invert_yaxis()
    ax.set_xlabel("flagged accounts")
    ax.set_title("Early warning: flagged accounts by driver (" + report.parameters.get("risk.early_warnings", "") + ")")
    return _png(fig)


def risk_margin_chart(report: ReportData) -> bytes | None:
    """Proposed maintenance margin per asset beside the book's current margins (bps)."""
    if not report.has("risk_margin_proposals"):
        return None
    recs = report.table("risk_margin_proposals").records()
    if not recs:
        return None
    plt = _plt()
    fig, ax = plt.subplots(figsize=(9.5, 3.0))
    assets = [str(r["asset"]) for r in recs]
    prop = [int(r["proposed_bps"] or 0) for r in recs]
    ax.bar(range(len(assets)), prop, color="#1565C0", width=0.5, label="proposed (volatility-implied)")
    for i, r in enumerate(recs):
        for part in str(r["current_bps"] or "").split(", "):
            if " bps" in part:
                ax.plot([i - 0.3, i + 0.3], [int(part.split(" bps")[0])] * 2, color="#C62828", lw=1.5)
        ax.annotate(f"{prop[i]} bps; Kupiec p {r['kupiec_p']}", (i, prop[i]), ha="center", va="bottom", fontsize=8)
    ax.plot([], [], color="#C62828", lw=1.5, label="current account tiers")
    ax.set_xticks(range(len(assets)))
    ax.set_xticklabels(assets)
    ax.set_ylabel("maintenance margin, bps")
    ax.set_title("Dynamic margin: proposal per asset (estimate) against the current tiers")
    ax.legend(fontsize=8)
    return _png(fig)


def risk_run_chart(report: ReportData) -> bytes | None:
    """Run risk: liquid reserves left and withdrawals due, day by day."""
    if not report.has("risk_run_days"):
        return None
    recs = report.table("risk_run_days").records()
    if not recs:
        return None
    cd = report.currency_decimals
    days = [int(r["day"] or 0) for r in recs]
    plt = _plt()
    fig, ax = plt.subplots(figsize=(9.5, 3.0))
    ax.bar(days, [int(r["due"] or 0) / 10**cd for r in recs], color="#EF6C00", width=0.6, label="due")
    ax.plot(days, [int(r["liquid_after"] or 0) / 10**cd for r in recs], color="#2E7D32", marker="o",
            label="liquid reserves after the day")
    for d, r in zip(days, recs, strict=True):
        if r["status"] != "normal":
            ax.annotate(str(r["status"]), (d, int(r["due"] or 0) / 10**cd), ha="center", va="bottom", fontsize=8)
    ax.set_xlabel("day of the stressed withdrawal wave")
    ax.set_ylabel(report.reporting_currency)
    ax.set_title("Run risk: " + report.parameters.get("risk.run", ""))
    ax.legend(fontsize=8)
    return _png(fig)
