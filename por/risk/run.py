"""Run risk (protocol §11.6.5): the liquid reserves against the withdrawal queue plus a stressed wave.

A deterministic scenario on exact integers (reporting-currency minor units); only the choice of who
runs comes from the early warning (an estimate). Steps:

1. **Liquid reserves** ``L``: the reporting currency held by its custodian, as the epoch asks it to
   attest (minus the ``reserve:<custodian>`` balance, minus what settled trades paid to the street).
2. **Queue** ``Q``: open withdrawals (flagged, pending, approved) in the reporting currency.
3. **Wave** ``W = Σ_c floor(b_c·s_c)`` over clients c with cash balance ``b_c`` (cash accounts and the
   free cash of margin accounts): ``s_c`` = ``flagged_share`` (default 100%) for the owners of
   early-warning accounts, ``largest_share`` (50%) for the largest ``largest_fraction`` (1%) of
   clients by balance, ``base_share`` (10%) for every other client. The wave arrives evenly over
   ``wave_days`` days (the remainder on day 1); the queue is due on day 1.
4. **Days.** Each day pays ``min(due, daily cap, what is left of L)``; what is not paid is carried.
   A day whose demand exceeds the withdrawal policy's daily cap is **batched**; the first day on which
   the liquid reserves cannot pay what is due is the day withdrawals would have to be **paused**.
5. **Figures.** ``coverage = L / (Q + W)`` (exact fraction) and **days of coverage** ``= L / (average
   daily demand)``, with the average over the wave's days.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from por.errors import RiskError
from por.report.stress import fixed

MAX_DAYS = 365


@dataclass(frozen=True, slots=True)
class RunParams:
    flagged_share: Fraction = Fraction(1)
    largest_share: Fraction = Fraction(1, 2)
    largest_fraction: Fraction = Fraction(1, 100)
    base_share: Fraction = Fraction(1, 10)
    wave_days: int = 3

    def check(self) -> None:
        for name in ("flagged_share", "largest_share", "largest_fraction", "base_share"):
            v = getattr(self, name)
            if not 0 <= v <= 1:
                raise RiskError(f"{name} must lie in [0, 1], got {fixed(v, 4)}")
        if self.wave_days < 1:
            raise RiskError(f"the wave must last at least 1 day, got {self.wave_days}")

    def to_dict(self) -> dict[str, Any]:
        return {"flagged_share": fixed(self.flagged_share, 4), "largest_share": fixed(self.largest_share, 4),
                "largest_fraction": fixed(self.largest_fraction, 4), "base_share": fixed(self.base_share, 4),
                "wave_days": self.wave_days}


@dataclass(frozen=True, slots=True)
class RunInputs:
    currency: str
    liquid: int
    queue: int
    balances: dict[str, int]  # client (owner) -> cash balance, reporting-currency minor units
    daily_cap: int | None


@dataclass(frozen=True, slots=True)
class Day:
    day: int
    due: int
    paid: int
    backlog: int
    liquid_after: int
    status: str  # normal | batched | paused


@dataclass(slots=True)
class RunRisk:
    inputs: RunInputs
    params: RunParams
    flagged_clients: int
    largest_clients: int
    wave: int
    days: list[Day] = field(default_factory=list)

    @property
    def demand(self) -> int:
        return self.inputs.queue + self.wave

    @property
    def coverage(self) -> Fraction | None:
        return None if self.demand == 0 else Fraction(self.inputs.liquid, self.demand)

    @property
    def days_of_coverage(self) -> Fraction | None:
        if self.demand == 0:
            return None
        return Fraction(self.inputs.liquid * self.params.wave_days, self.demand)

    def first(self, status: str) -> int | None:
        return next((d.day for d in self.days if d.status == status), None)

    def to_dict(self) -> dict[str, Any]:
        cov, doc = self.coverage, self.days_of_coverage
        return {"scenario": "deterministic stressed withdrawal wave (exact integers)", "currency": self.inputs.currency,
                "params": self.params.to_dict(), "liquid_reserves": self.inputs.liquid, "queue": self.inputs.queue,
                "wave": self.wave, "demand": self.demand, "clients": len(self.inputs.balances),
                "flagged_clients": self.flagged_clients, "largest_clients": self.largest_clients,
                "daily_cap": self.inputs.daily_cap,
                "coverage": None if cov is None else fixed(cov, 6),
                "days_of_coverage": None if doc is None else fixed(doc, 2),
                "first_batched_day": self.first("batched"), "first_paused_day": self.first("paused"),
                "days": [{"day": d.day, "due": d.due, "paid": d.paid, "backlog": d.backlog,
                          "liquid_after": d.liquid_after, "status": d.status} for d in self.days]}


def run_risk(inputs: RunInputs, flagged_owners: Iterable[str] = (), params: RunParams | None = None) -> RunRisk:
    """The run-risk scenario (see the module docstring).

    Raises:
        RiskError: a parameter out of range, negative liquid reserves or queue, no client.
    """
    params = params or RunParams()
    params.check()
    if inputs.liquid < 0 or inputs.queue < 0:
        raise RiskError("liquid reserves and the withdrawal queue must not be negative")
    if not inputs.balances:
        raise RiskError("no client cash balance: nothing could be withdrawn (an empty ledger?)")
    flagged = set(flagged_owners) & set(inputs.balances)
    ranked = sorted(inputs.balances, key=lambda c: (-inputs.balances[c], c))
    top_n = -(-len(ranked) * params.largest_fraction.numerator // params.largest_fraction.denominator)
    largest = {c for c in ranked[:top_n] if c not in flagged}
    wave = 0
    for c, b in inputs.balances.items():
        if b <= 0:
            continue
        s = params.flagged_share if c in flagged else params.largest_share if c in largest else params.base_share
        wave += b * s.numerator // s.denominator
    out = RunRisk(inputs, params, len(flagged), len(largest), wave)
    per_day, rem = divmod(wave, params.wave_days)
    liquid = inputs.liquid
    backlog = 0
    cap = inputs.daily_cap
    for day in range(1, MAX_DAYS + 1):
        arriving = (inputs.queue + per_day + rem if day == 1 else per_day) if day <= params.wave_days else 0
        due = backlog + arriving
        if due == 0 and day > params.wave_days:
            break
        pay = due if cap is None else min(due, cap)
        status = "batched" if cap is not None and due > cap else "normal"
        if pay > liquid:
            pay, status = liquid, "paused"
        liquid -= pay
        backlog = due - pay
        out.days.append(Day(day, due, pay, backlog, liquid, status))
        if status == "paused":
            break
    return out


def inputs_from_ledger(ledger: Any) -> RunInputs:
    """Liquid reserves, queue, client cash balances and the daily cap, read from ``ledger``.

    Raises:
        RiskError: the reporting currency has no custodian in the asset table.
    """
    cur = str(ledger.config().get("quote_asset") or "USD")
    assets = ledger.assets()
    if cur not in assets:
        raise RiskError(f"the reporting currency {cur} is not in the ledger's asset table")
    custodian = assets[cur].custodian
    reserve = ledger.balance(f"reserve:{custodian}").get(cur, {}).get("main", 0)
    ids = {a["id"] for a in ledger.accounts()}
    street = ledger.balance("street").get(cur, {}).get("main", 0) if "street" in ids else 0
    liquid = -int(reserve) - int(street)
    queue = sum(int(w["amount"]) for w in ledger.withdrawals()
                if w["status"] in ("flagged", "pending", "approved") and w["asset"] == cur)

    balances: dict[str, int] = ledger.owner_balances(cur, ("cash", "margin"), book="main")
    cap_cfg: Mapping[str, Any] = ledger.config().get("withdraw", {}).get("daily_cap", {})
    cap = cap_cfg.get(cur)
    return RunInputs(cur, max(0, liquid), queue, balances, None if cap is None else int(cap))
