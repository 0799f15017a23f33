"""Early warning (protocol §11.6.3): each margin account's probability of a liquidation within the
horizon, the drivers behind it, and a backtest on the price history. Probabilities are **estimates**.

Model (explainable by hand). An account with positions worth ``w_j`` per risky asset, cash ``C``, debt
``D`` (in the reporting currency) and maintenance ``mm`` is liquidated when ``(1−mm)·V < D``. With
the risky part ``R = Σ w_j`` moving as one log-normal ``R·e^x``, ``x ~ N(0, σ_p²·t)`` and
``σ_p² = wᵀΣw / R²`` (Σ the EWMA daily covariance), the barrier is ``x* = ln(K/R)`` with
``K = D/(1−mm) − C``. The **distance to maintenance** is ``d = −x*/(σ_p·√h)`` standard deviations
over the horizon h, and the probability of touching the barrier within h (reflection principle,
driftless) is ``p = 2·Φ(−d)``, capped at 1. ``K ≤ 0`` means no price fall can liquidate (p = 0);
an account already below maintenance has p = 1. A debt in a risky asset enters ``K`` linearised
at today's price (noted as such).

Drivers per flagged account: leverage ``V/E``; the asset whose volatility dominates (largest share of
``wᵀΣw``); concentration (largest position ÷ risky value); the distance ``d``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np

from por.errors import RiskError
from por.report.stress import fixed
from por.risk.history import DEFAULT_LAMBDA, FloatArray, ewma_covariance, ewma_vol_series, norm_cdf
from por.risk.inputs import RiskInputs
from por.units import BPS

DEFAULT_THRESHOLD = 0.10


@dataclass(frozen=True, slots=True)
class Warning_:
    """One flagged account: probability (estimate) and its drivers."""

    account: str
    probability: float
    leverage: Fraction | None
    dominant_asset: str
    dominant_share: float
    concentration: float
    distance_sd: float
    equity: int
    debt: int

    def reasons(self) -> str:
        lev = "equity <= 0" if self.leverage is None else f"leverage {fixed(self.leverage, 2)}x"
        return (f"{lev}; {self.dominant_asset} drives {self.dominant_share:.0%} of the variance; largest position "
                f"{self.concentration:.0%} of risky value; {self.distance_sd:.2f} sd from maintenance")

    def to_dict(self) -> dict[str, Any]:
        return {"account": self.account, "probability": round(self.probability, 6),
                "leverage": None if self.leverage is None else fixed(self.leverage, 4),
                "dominant_asset": self.dominant_asset, "dominant_share": round(self.dominant_share, 4),
                "concentration": round(self.concentration, 4), "distance_sd": round(self.distance_sd, 4),
                "equity": self.equity, "debt": self.debt, "reasons": self.reasons()}


@dataclass(slots=True)
class Assessment:
    """Per-account probabilities (estimates) for the whole book, and the flagged list."""

    horizon_days: int
    threshold: float
    lam: float
    accounts: list[str]
    probability: FloatArray
    distance: FloatArray
    warnings: list[Warning_]
    in_breach: int
    backtest: dict[str, Any] | None = None

    def label(self) -> str:
        return (f"estimate: probability of a liquidation within {self.horizon_days} days (first passage of a "
                f"driftless log-normal portfolio, EWMA covariance lambda {self.lam}); flagged at >= "
                f"{self.threshold:.2%}")

    def to_dict(self, limit: int | None = None) -> dict[str, Any]:
        ws = self.warnings if limit is None else self.warnings[:limit]
        return {"estimate": True, "label": self.label(), "horizon_days": self.horizon_days,
                "threshold": self.threshold, "accounts": len(self.accounts), "flagged": len(self.warnings),
                "in_breach_now": self.in_breach, "warnings": [w.to_dict() for w in ws],
                "backtest": self.backtest}


def _exposures(inputs: RiskInputs) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """Per account: risky values ``w`` (n × risky), cash ``C``, currency debt plus risky debt ``Dt``
    (linearised at today's prices), and ``1 − mm``."""
    book = inputs.book
    base = book.base_prices()
    unit = {a.code: float(book.value_exact(a.code, 1, base[a.code])) for a in book.assets}
    codes = book.codes
    pos = np.asarray(book.positions, dtype=np.float64)
    deb = np.asarray(book.debts, dtype=np.float64)
    w = np.stack([pos[:, codes.index(a)] * unit[a] for a in inputs.risky], axis=1)
    cur = codes.index(book.currency)
    cash = pos[:, cur] * unit[book.currency]
    debt = (deb * np.array([unit[c] for c in codes])).sum(axis=1)
    keep = 1.0 - np.asarray(book.maintenance_bps, dtype=np.float64) / BPS
    return w, cash, debt, keep


def probabilities(w: FloatArray, cash: FloatArray, debt: FloatArray, keep: FloatArray, cov: FloatArray,
                  horizon: int) -> tuple[FloatArray, FloatArray]:
    """``(p, d)`` per account: probability of touching maintenance within ``horizon`` days and the
    distance in horizon standard deviations (see the module docstring). Vectorised."""
    r = w.sum(axis=1)
    var = np.einsum("ij,jk,ik->i", w, cov, w)
    with np.errstate(divide="ignore", invalid="ignore"):
        k = debt / keep - cash
        sig = np.sqrt(np.maximum(var, 0.0)) / np.where(r > 0, r, 1.0) * math.sqrt(horizon)
        x = np.log(np.where((k > 0) & (r > 0), k / np.where(r > 0, r, 1.0), 1.0))
        d = np.where(sig > 0, -x / np.where(sig > 0, sig, 1.0), np.inf)
    breach = (keep * (r + cash) < debt) & (r + cash > 0) | ((debt > 0) & (r + cash <= 0))
    safe = (k <= 0) | (r <= 0)
    p = np.minimum(1.0, 2.0 * norm_cdf(-np.where(np.isfinite(d), d, 40.0)))
    p = np.where(safe, 0.0, p)
    p = np.where(breach, 1.0, p)
    d = np.where(safe, np.inf, np.where(breach, np.minimum(d, 0.0), d))
    return np.asarray(p, dtype=np.float64), np.asarray(d, dtype=np.float64)


def assess(inputs: RiskInputs, horizon_days: int = 10, threshold: float = DEFAULT_THRESHOLD,
           lam: float = DEFAULT_LAMBDA, backtest: bool = True) -> Assessment:
    """Probabilities for every account, the ranked list above ``threshold``, and the backtest.

    Raises:
        RiskError: a horizon below 1 day, a threshold outside (0, 1], history without volatility.
    """
    if horizon_days < 1:
        raise RiskError(f"the horizon must be at least 1 day, got {horizon_days}")
    if not 0 < threshold <= 1:
        raise RiskError(f"the threshold is a probability in (0, 1], got {threshold}")
    book = inputs.book
    returns = inputs.history.returns()
    cov = ewma_covariance(returns, lam)
    w, cash, debt, keep = _exposures(inputs)
    p, d = probabilities(w, cash, debt, keep, cov, horizon_days)
    order = np.argsort(-p, kind="stable")
    flagged = [int(i) for i in order if p[i] >= threshold]
    contrib = w * (w @ cov)
    tot = contrib.sum(axis=1)
    r = w.sum(axis=1)
    warnings = []
    base = book.base_prices()
    for i in flagged:
        j = int(np.argmax(contrib[i])) if r[i] > 0 else 0
        v = book.value_of(book.currency, int(book.positions[i, book.codes.index(book.currency)]))
        v += sum(book.value_of(a, int(book.positions[i, book.codes.index(a)]), base[a]) for a in inputs.risky)
        dv = sum(book.value_of(c, int(book.debts[i, jj]), base[c], up=True) for jj, c in enumerate(book.codes))
        eq = v - dv
        warnings.append(Warning_(
            account=book.account_ids[i], probability=float(p[i]),
            leverage=None if eq <= 0 else Fraction(v, eq), dominant_asset=inputs.risky[j],
            dominant_share=float(contrib[i, j] / tot[i]) if tot[i] > 0 else 1.0,
            concentration=float(w[i].max() / r[i]) if r[i] > 0 else 0.0,
            distance_sd=float(d[i]), equity=eq, debt=dv))
    a = Assessment(horizon_days, threshold, lam, list(book.account_ids), p, d, warnings,
                   int((p >= 1.0).sum()))
    if backtest:
        a.backtest = run_backtest(inputs, horizon_days, threshold, lam)
    return a


def run_backtest(inputs: RiskInputs, horizon_days: int, threshold: float, lam: float = DEFAULT_LAMBDA) -> dict[str, Any]:
    """Replay today's book over the history: at each non-overlapping window start t, flag with the
    volatility known at t, then check with the realised prices of days t+1..t+h whether the account
    would have been liquidated (maintenance breached on any day). Counts over all windows.

    Raises:
        RiskError: a history shorter than 20 returns plus one horizon.
    """
    returns = inputs.history.returns()
    t_all = returns.shape[0]
    warm = min(20, t_all // 2)
    if t_all < warm + horizon_days or warm < 2:
        raise RiskError(f"the history ({t_all} returns) is too short to backtest a {horizon_days}-day horizon")
    w, cash, debt, keep = _exposures(inputs)
    vol = ewma_vol_series(returns, lam)
    corr = np.corrcoef(returns.T) if returns.shape[1] > 1 else np.ones((1, 1))
    corr = np.nan_to_num(np.atleast_2d(corr), nan=0.0)
    np.fill_diagonal(corr, 1.0)
    hits = false_alarms = misses = quiet = windows = 0
    for t in range(warm, t_all - horizon_days + 1, horizon_days):
        s = vol[t - 1]
        cov = corr * np.outer(s, s)
        p, _ = probabilities(w, cash, debt, keep, cov, horizon_days)
        flag = p >= threshold
        cum = np.cumsum(returns[t:t + horizon_days], axis=0)  # h × risky log moves since t
        liq = np.zeros(w.shape[0], dtype=bool)
        for k in range(horizon_days):
            v = w @ np.exp(cum[k]) + cash
            liq |= keep * v < debt
        now = keep * (w.sum(axis=1) + cash) < debt
        liq &= ~now  # already in breach today: not a prediction
        flag &= ~now
        hits += int((flag & liq).sum())
        false_alarms += int((flag & ~liq).sum())
        misses += int((~flag & liq).sum())
        quiet += int((~flag & ~liq).sum())
        windows += 1
    return {"windows": windows, "horizon_days": horizon_days, "threshold": threshold,
            "flagged_and_liquidated": hits, "flagged_not_liquidated": false_alarms,
            "liquidated_not_flagged": misses, "neither": quiet,
            "note": ("today's book replayed over non-overlapping windows of the signed price history; "
                     "volatility known at each window's start; liquidation = maintenance breached on any day")}
