"""Dynamic maintenance margins (protocol §11.6.4): per asset, the margin implied by its volatility,
its backtest (Kupiec's proportion-of-failures test), and a governed proposal. Never applied silently:
the proposal is a file for ``por ledger config-set risk_margins FILE`` (a quorum of governors signs it).

Margin of asset a (bps, rounded up): ``mm_a = clamp(1 − exp(−z·τ·σ_a·√h), floor, cap)`` where σ_a is
the EWMA daily volatility (λ = 0.94), h the liquidation horizon in days (the time to close out a
position), z the normal quantile of the confidence level c, and τ ≥ 1 the **tail factor**: the
empirical (1−c) quantile of the standardised daily returns ``r_t/σ_{t−1}`` over the normal one (1 when
the history is thinner-tailed than normal). σ, z and τ are estimates; the proposed margins are
integers (bps) and the proposal holds no float.

Backtest: at each day t of the history with a known σ_{t−1}, the margin computed then is breached when
the next h-day loss exceeds it; with N windows and x breaches, Kupiec's likelihood ratio
``LR = −2·ln[(1−p)^(N−x)·p^x] + 2·ln[(1−x/N)^(N−x)·(x/N)^x]`` (p = 1 − c) is χ²(1) under a correct
margin; the p-value is ``erfc(√(LR/2))``. Non-overlapping windows keep them independent.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from por.errors import RiskError
from por.risk.history import DEFAULT_LAMBDA, ewma_vol_series, norm_ppf
from por.risk.inputs import RiskInputs
from por.units import BPS

PROPOSAL_FORMAT = "por-risk-margins/1"
CONFIG_KEY = "risk_margins"


def kupiec(n: int, x: int, p: float) -> tuple[float, float]:
    """Kupiec's proportion-of-failures test: ``(LR, p_value)`` for x breaches in n trials at rate p."""
    if n <= 0:
        return 0.0, 1.0
    if not 0 < p < 1:
        raise RiskError(f"the breach rate must lie in (0, 1), got {p}")

    def ll(q: float) -> float:
        out = 0.0
        if n - x:
            out += (n - x) * math.log(1 - q) if q < 1 else -math.inf
        if x:
            out += x * math.log(q) if q > 0 else -math.inf
        return out

    lr = max(0.0, -2 * (ll(p) - ll(x / n)))
    return lr, math.erfc(math.sqrt(lr / 2))


def margin_bps(sigma: float, z: float, tail: float, horizon: int, floor_bps: int, cap_bps: int) -> int:
    """``clamp(ceil(10000·(1 − exp(−z·τ·σ·√h))), floor, cap)``."""
    raw = math.ceil(BPS * (1 - math.exp(-z * tail * sigma * math.sqrt(horizon))) - 1e-9)
    return max(floor_bps, min(cap_bps, raw))


@dataclass(frozen=True, slots=True)
class AssetMargin:
    asset: str
    daily_vol: float
    tail_factor: float
    proposed_bps: int
    current_bps: dict[int, int]  # account maintenance bps -> accounts holding the asset
    below_proposal: int
    windows: int
    breaches: int
    kupiec_lr: float
    kupiec_p: float

    @property
    def verdict(self) -> str:
        return "rejected at 5%" if self.kupiec_p < 0.05 else "not rejected at 5%"

    def to_dict(self) -> dict[str, Any]:
        return {"asset": self.asset, "daily_vol": round(self.daily_vol, 6), "tail_factor": round(self.tail_factor, 4),
                "proposed_bps": self.proposed_bps,
                "current_bps": {str(k): v for k, v in sorted(self.current_bps.items())},
                "accounts_below_proposal": self.below_proposal,
                "backtest": {"windows": self.windows, "breaches": self.breaches,
                             "kupiec_lr": round(self.kupiec_lr, 4), "kupiec_p": round(self.kupiec_p, 4),
                             "verdict": self.verdict}}


@dataclass(frozen=True, slots=True)
class MarginProposal:
    confidence: float
    horizon_days: int
    floor_bps: int
    cap_bps: int
    lam: float
    assets: list[AssetMargin]

    def label(self) -> str:
        return (f"estimate: maintenance margin at {self.confidence:.2%} over a {self.horizon_days}-day liquidation "
                f"horizon from EWMA volatility (lambda {self.lam}) with an empirical tail factor; floor "
                f"{self.floor_bps} bps, cap {self.cap_bps} bps; Kupiec backtest on non-overlapping windows")

    def config_value(self) -> dict[str, Any]:
        """The governed setting (integers and strings only: it is signed into the journal)."""
        return {"format": PROPOSAL_FORMAT,
                "maintenance_bps": {a.asset: a.proposed_bps for a in self.assets},
                "confidence_bps": round(self.confidence * BPS), "horizon_days": self.horizon_days,
                "floor_bps": self.floor_bps, "cap_bps": self.cap_bps,
                "basis": self.label()}

    def to_dict(self) -> dict[str, Any]:
        return {"estimate": True, "label": self.label(), "config_key": CONFIG_KEY,
                "config_value": self.config_value(), "assets": [a.to_dict() for a in self.assets],
                "apply_with": f"por ledger config-set {CONFIG_KEY} FILE --sign MEMBER=KEYFILE ... (a quorum of governors)"}


def propose(inputs: RiskInputs, confidence: float = 0.99, horizon_days: int = 2, floor_bps: int = 500,
            cap_bps: int = 5_000, lam: float = DEFAULT_LAMBDA) -> MarginProposal:
    """Volatility-implied maintenance margin per risky asset of the book, with its backtest.

    Raises:
        RiskError: a confidence outside (0.5, 1), a horizon below 1, floor/cap outside 1..9999 or
            floor > cap, or a history too short for the backtest.
    """
    if not 0.5 < confidence < 1:
        raise RiskError(f"the confidence must lie in (0.5, 1), got {confidence}")
    if horizon_days < 1:
        raise RiskError(f"the liquidation horizon must be at least 1 day, got {horizon_days}")
    if not 1 <= floor_bps <= cap_bps <= 9_999:
        raise RiskError(f"need 1 <= floor ({floor_bps}) <= cap ({cap_bps}) <= 9999 bps")
    r = inputs.history.returns()
    t_all = r.shape[0]
    if t_all < 20 + horizon_days:
        raise RiskError(f"the history ({t_all} returns) is too short for a margin backtest "
                        f"(needs {20 + horizon_days})")
    vol = ewma_vol_series(r, lam)
    z = norm_ppf(confidence)
    book = inputs.book
    mm = np.asarray(book.maintenance_bps)
    out = []
    for j, a in enumerate(inputs.risky):
        std = r[20:, j] / vol[19:-1, j]
        q = float(np.quantile(-std, confidence))
        tail = max(1.0, q / z)
        sigma = float(vol[-1, j])
        prop = margin_bps(sigma, z, tail, horizon_days, floor_bps, cap_bps)
        holders = np.asarray(book.positions[:, book.codes.index(a)] != 0)
        cur: dict[int, int] = {}
        for v in mm[holders].tolist():
            cur[int(v)] = cur.get(int(v), 0) + 1
        below = int((mm[holders] < prop).sum())
        # backtest: margin known at t (σ_{t−1}... σ_t after day t) against the loss over t+1..t+h
        n = x = 0
        for t in range(19, t_all - horizon_days, horizon_days):
            m_t = margin_bps(float(vol[t, j]), z, tail, horizon_days, floor_bps, cap_bps)
            loss = 1 - math.exp(float(r[t + 1:t + 1 + horizon_days, j].sum()))
            n += 1
            x += int(loss * BPS > m_t)
        lr, pv = kupiec(n, x, 1 - confidence)
        out.append(AssetMargin(a, sigma, tail, prop, cur, below, n, x, lr, pv))
    return MarginProposal(confidence, horizon_days, floor_bps, cap_bps, lam, out)


def check_config(value: Any) -> None:
    """Validate a ``risk_margins`` setting before a quorum signs it (integers and strings only).

    Raises:
        RiskError: wrong format, a margin that is not an integer in 1..9999 bps, a float anywhere.
    """
    if not isinstance(value, dict) or value.get("format") != PROPOSAL_FORMAT:
        raise RiskError(f"a {CONFIG_KEY} setting is a {PROPOSAL_FORMAT!r} object (write one with `por risk margins --out`)")
    mm = value.get("maintenance_bps")
    if not isinstance(mm, dict) or not mm:
        raise RiskError(f"{CONFIG_KEY}: maintenance_bps must map each asset to an integer number of bps")
    for asset, bps in mm.items():
        if isinstance(bps, bool) or not isinstance(bps, int) or not 1 <= bps <= 9_999:
            raise RiskError(f"{CONFIG_KEY}: maintenance_bps.{asset} must be an integer in 1..9999, got {bps!r}")

    def no_float(x: Any, where: str) -> None:
        if isinstance(x, float):
            raise RiskError(f"{CONFIG_KEY}: {where} is a float; signed settings hold integers and strings only")
        if isinstance(x, dict):
            for k, v in x.items():
                no_float(v, f"{where}.{k}")
        elif isinstance(x, list):
            for i, v in enumerate(x):
                no_float(v, f"{where}[{i}]")

    no_float(value, CONFIG_KEY)
