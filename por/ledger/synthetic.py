"""Deterministic synthetic activity (``por demo``, tests, benchmarks).

``populate(ledger, clients, seed)`` gives N clients a cash and a margin account in USD (2 decimals),
AAPL (4 decimals) and MSFT (0 decimals); deposits, margin purchases (so debt exists), oracle prices,
and withdrawals through the whole flow (some flagged and reviewed, some approved by 2 of 3 approvers,
settled in batches after the cooling period).

The margin book is a realistic margin-financing book (issue 18): a signed daily price history of
``history_days`` prices per asset (correlated, fat-tailed daily moves, integer arithmetic only) ends at
the opening prices; accounts fall in three tiers (:data:`TIERS`: maximum leverage and maintenance
margin per tier); leverage is spread over 1–9.7x (median about 3x, a tail to the limit); most
accounts are concentrated in one stock, some hold both, a few are large; the insurance fund is sized
by policy (:data:`INSURANCE_POLICY_BPS` of the margin debt) after the purchases. ``realistic=False``
keeps the former tame book (leverage at most 1.8x, maintenance 25%, no history). ``cash_only=True`` keeps only the USD cash accounts
(deposits and withdrawals; one liability column: the single-column benchmark). Same seed, same
journal bodies. Entries are appended in
batched transactions, so 1,000 clients take a few seconds on SQLite.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from por.errors import LedgerError, UsageError
from por.ledger.api import Ledger, Request
from por.ledger.keys import Signer, from_seed
from por.ledger.margin import trade_payload
from por.ledger.withdrawals import request_payload, settle_payload
from por.units import BPS, PRICE_SCALE

if TYPE_CHECKING:
    from por.ledger.core import Tx

START = 1_704_067_200  # 2024-01-01T00:00:00Z
US, MS = 1_000_000, 1_000  # microseconds per second, per millisecond
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
ASSETS = {"USD": (2, "cash", "bank"), "AAPL": (4, "security", "depository"), "MSFT": (0, "security", "depository")}
PRICES_E8 = {"AAPL": 185_00000000, "MSFT": 375_00000000}
#: Account tiers of the realistic book: name -> (max_leverage_bps, maintenance_bps, share of accounts in %).
TIERS = {"standard": (40_000, 2_000, 50), "professional": (60_000, 1_200, 35), "institutional": (100_000, 600, 15)}
#: The insurance fund's policy: this share (bps) of the margin book's debt, deposited after the purchases.
INSURANCE_POLICY_BPS = 300
#: Daily volatility (ppm) of the synthetic history, and the loading on the common factor (ppm).
_VOL_PPM = {"AAPL": 19_000, "MSFT": 16_000}
_COMMON_PPM = 775_000  # both load 0.775 on one factor: correlation about 0.6


@dataclass
class SyntheticLedger:
    """What :func:`populate` created: signers (keys) by role, accounts, and the journal head."""

    operator: Signer
    auditor: Signer
    custodians: dict[str, Signer]
    oracle: Signer
    approvers: list[Signer]
    clients: list[str]
    accounts: list[str]
    assets: dict[str, int]
    head_seq: int = 0
    entries: int = 0
    withdrawals: dict[str, int] = field(default_factory=dict)

    @property
    def governors(self) -> list[Signer]:
        return [self.operator, self.auditor]

    def signers(self) -> list[Signer]:
        return [self.operator, self.auditor, *self.custodians.values(), self.oracle, *self.approvers]


class _Clock:
    """Entry times in whole microseconds: repeated float additions drift (2,000 ticks of 0.001 s
    came out 145 µs short), and these times are signed into the journal."""

    def __init__(self, start: int) -> None:
        self.us = start * US

    def tick(self, micro: int = MS) -> str:
        self.us += micro
        return (_EPOCH + timedelta(microseconds=self.us)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _chunks(items: list[Any], n: int) -> list[list[Any]]:
    return [items[i:i + n] for i in range(0, len(items), n)]


def populate(ledger: Ledger, clients: int = 1000, seed: int = 0, *, batch: int = 500,
             operator: Signer | None = None, governors: list[Signer] | None = None,
             start: int = START, cash_only: bool = False, realistic: bool = True,
             history_days: int = 260) -> SyntheticLedger:
    """Fill ``ledger`` with deterministic activity for ``clients`` clients (see the module docstring).

    On an empty ledger the genesis and every member come from keys derived from ``seed``; on a ledger
    that already has a genesis, pass its ``operator`` and a quorum of ``governors``.

    Raises:
        UsageError: a non-empty ledger without the operator and governor keys.
    """
    if clients < 1:
        raise UsageError("clients must be at least 1")
    rng = random.Random(seed)
    clock = _Clock(start)
    tag = f"syn{seed}"
    op = operator or Signer("operator", from_seed(f"{tag}/operator"))
    au = Signer("auditor", from_seed(f"{tag}/auditor"))
    custodians = {n: Signer(n, from_seed(f"{tag}/{n}")) for n in ("bank", "depository")}
    oracle = Signer("oracle-1", from_seed(f"{tag}/oracle-1"))
    approvers = [Signer(f"approver-{i}", from_seed(f"{tag}/approver-{i}")) for i in (1, 2, 3)]
    if ledger.head()["seq"] == 0:
        ledger.genesis(op, au, time=clock.tick())
        govs = [op, au]
    else:
        if operator is None or not governors:
            raise UsageError("the ledger already has a genesis: pass its operator and governor signers")
        govs = governors
    existing = {m["id"] for m in ledger.members()}
    reqs: list[Request] = []
    for s, roles in [(custodians["bank"], ["custodian"]), (custodians["depository"], ["custodian"]),
                     (oracle, ["oracle"])] + [(a, ["approver"]) for a in approvers]:
        if s.member_id not in existing:
            reqs.append(Request(govs[0], "member.add", {"id": s.member_id, "roles": roles, "ed25519": s.public_hex},
                                time=clock.tick(), cosigners=govs[1:]))
    withdraw_cfg = {
        "cooling_s": 3600, "approvals_required": 2,
        "approval_threshold": {"USD": 500_000, "AAPL": 1_000_000, "MSFT": 100},
        "flag_amount": {"USD": 2_000_000, "AAPL": 5_000_000, "MSFT": 500},
        "velocity_count_24h": 3, "velocity_amount_24h": {"USD": 5_000_000},
        "deviation_factor": 10, "batch_cap": {"USD": 50_000_000, "AAPL": 50_000_000, "MSFT": 5_000},
        "daily_cap": {"USD": 500_000_000, "AAPL": 500_000_000, "MSFT": 50_000},
    }
    reqs.append(Request(govs[0], "config.set", {"key": "withdraw", "value": withdraw_cfg}, time=clock.tick(),
                        cosigners=govs[1:]))
    known_assets = ledger.assets()
    assets = {"USD": ASSETS["USD"]} if cash_only else ASSETS
    prices = {} if cash_only else PRICES_E8
    for code, (dec, kind, cust) in assets.items():
        if code not in known_assets:
            reqs.append(Request(op, "asset.add", {"code": code, "decimals": dec, "kind": kind, "custodian": cust},
                                time=clock.tick()))
    if prices and realistic and history_days > 1:
        ledger.submit_many(reqs)
        reqs = []
        # a signed daily history ending at the opening prices (one print per asset and day)
        for day_prices in price_history(prices, history_days, random.Random(f"{seed}/history")):
            clock.tick(86_400 * US)
            for asset, p in day_prices.items():
                reqs.append(Request(oracle, "price", {"asset": asset, "price_e8": p}, time=clock.tick()))
        for chunk in _chunks(reqs, batch):
            ledger.submit_many(chunk)
        reqs = []
    else:
        for asset, p in prices.items():
            reqs.append(Request(oracle, "price", {"asset": asset, "price_e8": p}, time=clock.tick()))
    ledger.submit_many(reqs)

    names = [f"{tag}-c{i:07d}" for i in range(clients)]
    cash = {n: f"{n}:cash" for n in names}
    marg = {n: f"{n}:margin" for n in names}
    # accounts: cash accounts 250 per entry, margin accounts one entry each
    reqs = [Request(op, "account.open", {"accounts": [{"id": cash[n], "kind": "cash", "owner": n} for n in chunk]},
                    time=clock.tick()) for chunk in _chunks(names, 250)]
    levs: dict[str, int] = {}
    tiers: dict[str, str] = {}
    for n in ([] if cash_only else names):
        if realistic:
            tiers[n] = _tier(rng)
            lev, mm = TIERS[tiers[n]][:2]
            levs[n] = lev
        else:
            lev, mm = rng.choice([15000, 20000, 30000]), 2500
            levs[n] = lev
        reqs.append(Request(op, "margin.open", {"account": marg[n], "owner": n, "max_leverage_bps": lev,
                                                "maintenance_bps": mm, "quote": "USD"}, time=clock.tick()))
    for chunk in _chunks(reqs, batch):
        ledger.submit_many(chunk)

    # deposits
    reqs = []
    usd_cash: dict[str, int] = {}
    m_cash: dict[str, int] = {}
    # the platform's insurance fund: its own capital (USD 100.00 per client) held at the bank; the
    # realistic book sizes it by policy after the purchases instead
    if not realistic or cash_only:
        reqs.append(_deposit(op, "insurance", "USD", 10_000 * clients, clock))
    for n in names:
        amt = rng.randint(10_000, 5_000_000)  # 100.00 .. 50,000.00 USD
        usd_cash[n] = amt
        reqs.append(_deposit(op, cash[n], "USD", amt, clock))
        if cash_only:
            continue
        if rng.random() < 0.4:
            reqs.append(_deposit(op, cash[n], "AAPL", rng.randint(1, 200) * 10_000 + rng.randint(0, 9999), clock))
        if rng.random() < 0.3:
            reqs.append(_deposit(op, cash[n], "MSFT", rng.randint(1, 100), clock))
        if rng.random() < (0.9 if realistic else 0.7):
            # the realistic book lends more, so margin deposits are smaller: the bank's cash (client
            # deposits plus the fund, less what was lent) stays positive
            m_cash[n] = rng.randint(50_000, 1_000_000) if realistic else rng.randint(100_000, 2_000_000)
            if realistic and rng.random() < 0.03:  # a few large accounts: concentration in the book
                m_cash[n] *= 10
            reqs.append(_deposit(op, marg[n], "USD", m_cash[n], clock))
    for chunk in _chunks(reqs, batch):
        ledger.submit_many(chunk)

    # margin purchases: realistic leverage 1-9.7x by tier (or the tame book's up to ~1.8x)
    reqs = []
    for n in names:
        if realistic and n in m_cash:
            lev_bps = _leverage_bps(rng, tiers[n])
            first = rng.choice(["AAPL", "MSFT"])
            if rng.random() < 0.2:  # split over both stocks
                share = rng.randint(40, 80)
                other = "MSFT" if first == "AAPL" else "AAPL"
                reqs.append(Request(op, "margin.trade", _budget_builder(marg[n], first, m_cash[n] * lev_bps
                                                                        * share // 1_000_000), time=clock.tick()))
                reqs.append(Request(op, "margin.trade", _budget_builder(marg[n], other, m_cash[n] * lev_bps
                                                                        * (100 - share) // 1_000_000),
                                    time=clock.tick()))
            else:
                reqs.append(Request(op, "margin.trade", _budget_builder(marg[n], first, m_cash[n] * lev_bps // BPS),
                                    time=clock.tick()))
        elif n in m_cash and rng.random() < 0.8:
            asset = rng.choice(["AAPL", "MSFT"])
            lev_bps = rng.randint(BPS, min(levs[n], 18_000)) * 95 // 100  # within the account's limit
            reqs.append(Request(op, "margin.trade", _buy_builder(marg[n], asset, lev_bps), time=clock.tick()))
    for chunk in _chunks(reqs, batch):
        ledger.submit_many(chunk)
    if realistic and not cash_only:
        debt = sum(int(a["debt"].get("USD", 0)) for a in ledger.margin_accounts())
        ledger.submit_many([_deposit(op, "insurance", "USD", max(10_000, debt * INSURANCE_POLICY_BPS // BPS),
                                     clock)])

    # withdrawals: ~25% of clients, some large (flagged / need approvals)
    reqs = []
    wids: list[str] = []
    for i, n in enumerate(names):
        if rng.random() < 0.25:
            bal = usd_cash[n]
            r = rng.random()
            if r < 0.15 and bal >= 2_000_000:
                amt = rng.randint(2_000_000, bal)           # flagged: above the review limit
            elif r < 0.45 and bal >= 500_000:
                amt = rng.randint(500_000, min(bal, 1_999_999))  # needs 2 approvals
            else:
                amt = rng.randint(1_000, max(1_000, min(bal, 499_999)))
            amt = min(amt, bal)
            wid = f"W-{tag}-{i:07d}"
            wids.append(wid)
            reqs.append(Request(op, "withdraw.request", _withdraw_builder(wid, cash[n], "USD", amt),
                                time=clock.tick()))
    for chunk in _chunks(reqs, batch):
        ledger.submit_many(chunk)

    # review flagged (approve 2 of 3), approvals (2 approvers) for pending
    reqs = []
    for w in ledger.withdrawals("flagged"):
        decision = "approve" if rng.random() < 0.67 else "reject"
        reqs.append(Request(approvers[0], "withdraw.review", {"id": w["id"], "decision": decision,
                                                              "reason": "synthetic review"}, time=clock.tick()))
    for chunk in _chunks(reqs, batch):
        ledger.submit_many(chunk)
    reqs = []
    for w in ledger.withdrawals("pending"):
        if rng.random() < 0.85:
            pair = rng.sample(approvers, 2)
            for a in pair:
                reqs.append(Request(a, "withdraw.approve", {"id": w["id"]}, time=clock.tick()))
    for chunk in _chunks(reqs, batch):
        ledger.submit_many(chunk)

    # settle in batches after the cooling period
    clock.tick(7200 * US)
    k = 0
    while True:
        pending = ledger.withdrawal_stats(now=clock.tick())["approved"]
        if not pending:
            break
        k += 1
        bid = f"B-{tag}-{k:04d}"

        def settle(tx: Tx, t: str, b: str = bid) -> dict[str, Any]:
            return settle_payload(tx, b, t, 200)

        try:
            ledger.submit(op, "withdraw.settle", settle, time=clock.tick())
        except LedgerError:
            # today's outflow cap is reached: the rest settles on later days (many clients only)
            clock.tick(86_400 * US)
            ledger.submit(op, "withdraw.settle", settle, time=clock.tick())
        if k > 10_000:  # pragma: no cover - caps would stop a runaway loop
            break

    # a later price print
    if prices:
        ledger.submit_many([Request(oracle, "price", {"asset": a, "price_e8": p * rng.randint(95, 105) // 100},
                                    time=clock.tick()) for a, p in prices.items()])
    head = ledger.head()["seq"]
    stats = ledger.withdrawal_stats(now=clock.tick())
    return SyntheticLedger(operator=op, auditor=au, custodians=custodians, oracle=oracle, approvers=approvers,
                           clients=names,
                           accounts=sorted(list(cash.values()) + ([] if cash_only else list(marg.values()))),
                           assets={a: d for a, (d, _, _) in assets.items()}, head_seq=head, entries=head,
                           withdrawals={k: v for k, v in stats.items() if isinstance(v, int)})


def _deposit(op: Signer, account: str, asset: str, amount: int, clock: _Clock) -> Request:
    cust = ASSETS[asset][2]
    return Request(op, "post", {"kind": "deposit", "request": {"account": account, "asset": asset, "amount": amount},
                                "postings": [[f"reserve:{cust}", asset, "main", -amount],
                                             [account, asset, "main", amount]]}, time=clock.tick())


def _buy_builder(account: str, asset: str, lev_bps: int) -> Any:
    def build(tx: Any, _t: str) -> dict[str, Any]:
        cash = tx.balance(account, "USD", "main")
        dec = ASSETS[asset][0]
        price = tx.ledger.current_price(asset)
        budget = cash * lev_bps // BPS  # positions worth lev x the cash: borrows the rest
        qty = max(1, budget * PRICE_SCALE * 10**dec // (price * 100))
        return trade_payload(tx, account, asset, qty, "buy")
    return build


def _budget_builder(account: str, asset: str, budget: int) -> Any:
    """Buy ``asset`` for about ``budget`` USD minor units (borrowing what the cash lacks)."""
    def build(tx: Any, _t: str) -> dict[str, Any]:
        dec = ASSETS[asset][0]
        price = tx.ledger.current_price(asset)
        qty = max(1, budget * PRICE_SCALE * 10**dec // (price * 100))
        return trade_payload(tx, account, asset, qty, "buy")
    return build


def _tier(rng: random.Random) -> str:
    r = rng.randint(1, 100)
    acc = 0
    for name, (_lev, _mm, share) in TIERS.items():
        acc += share
        if r <= acc:
            return name
    return "standard"  # pragma: no cover - the shares sum to 100


def _leverage_bps(rng: random.Random, tier: str) -> int:
    """Leverage (bps) within the tier: standard 1.5-4x, professional 2-6x (mode low), institutional
    3-10x (the lower of two draws); at most 97% of the tier's limit (room for rounding), which also
    keeps it below 9.7x so a 5% fall leaves every account with positive equity."""
    limit = TIERS[tier][0] * 97 // 100
    if tier == "standard":
        lev = rng.randint(15_000, 40_000)
    elif tier == "professional":
        lev = 20_000 + min(rng.randint(0, 40_000), rng.randint(0, 40_000) + 10_000)
    else:
        lev = 30_000 + min(rng.randint(0, 70_000), rng.randint(0, 70_000))
    return min(lev, limit)


def price_history(prices: dict[str, int], days: int, rng: random.Random) -> list[dict[str, int]]:
    """``days`` daily prices per asset ending exactly at ``prices`` (integers only, deterministic).

    Daily moves in ppm: a common factor and an idiosyncratic one, each the sum of 12 uniform draws (a
    near-normal with standard deviation 10^6), scaled by the asset's volatility; 3% of days are jumps
    (the move tripled): fat tails. The path is then rescaled so its last price is the opening price.
    """
    half = 500_000  # 12 uniforms on [-half, half]: standard deviation 2·half = 10^6
    idio = {a: _VOL_PPM.get(a, 18_000) * 632_000 // 10**6 for a in prices}
    path: list[dict[str, int]] = [dict(prices)]
    for _ in range(days - 1):
        common = sum(rng.randint(-half, half) for _ in range(12))
        jump = 3 if rng.random() < 0.03 else 1
        nxt = {}
        for a, p in path[-1].items():
            z = sum(rng.randint(-half, half) for _ in range(12))
            r = jump * (_VOL_PPM.get(a, 18_000) * _COMMON_PPM // 10**6 * common + idio[a] * z) // 10**6
            nxt[a] = max(1, p * (10**6 + max(r, -500_000)) // 10**6)
        path.append(nxt)
    last = path[-1]
    return [{a: max(1, p * prices[a] // last[a]) for a, p in day.items()} for day in path]


def _withdraw_builder(wid: str, account: str, asset: str, amount: int) -> Any:
    def build(tx: Any, t: str) -> dict[str, Any]:
        return request_payload(tx, wid, account, asset, amount, f"iban:{account}", t)
    return build
