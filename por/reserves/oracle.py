"""Price oracles: signed price reports, the quorum median, freshness and dispersion rules.

A :class:`PriceReport` says: for epoch ``epoch_id`` with cut-off ``cutoff``, oracle ``oracle_id``
saw one whole unit of ``asset`` worth ``price_e8 / 10^8`` units of the reporting currency at
``time``. It is signed over ``signing_input("v1/price-report", encode())`` (por/signing.py; the
byte layout is docs/protocol.md §8.5) with BLS or Ed25519, whichever key the oracle member holds
(``scheme`` says which). Binding the epoch and its cut-off means a report cannot be reused for
another epoch (the previous epoch's prices after a crash). A report file (``por-price-report/2``)::

    {"format": "por-price-report/2",
     "report": {"epoch_id": "epoch-0002", "cutoff": "...Z", "oracle_id": "o1", "asset": "BTC",
                "price_e8": 6500000000000, "time": "...Z"},
     "scheme": "bls" | "ed25519", "signature": "<hex>"}

:func:`aggregate_price` applies an :class:`OraclePolicy` (the asset's governed settings):

1. drop reports for another epoch or cut-off when the caller binds one (``wrong-epoch``), reports
   that do not verify, or whose signer is not a member with the oracle role listed by the policy
   (``unknown-signer``), or whose key is revoked;
2. drop reports older than ``max_age_seconds`` or more than ``max_skew_seconds`` in the future
   (``stale``); keep the newest report per oracle;
3. take the median (the lower middle value of the sorted prices, always a signed price);
4. drop reports further than ``max_dispersion_bps`` from that median (``outlier``), and take the
   median again over what is left;
5. if fewer than ``quorum`` reports remain, raise :class:`por.errors.PriceError` naming the asset and
   each dropped report with its reason. This stops the epoch and trips the ledger's circuit breaker.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from fractions import Fraction
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from por.bundle.prices import PriceReport as PriceReportModel
from por.bundle.prices import SignedPriceReport, parse_price_report
from por.bundle.reserves import PricePolicy
from por.crypto import bls
from por.errors import EncodingError, PriceError, UsageError
from por.reserves._read import from_bytes, from_value, with_defaults
from por.reserves.keyring import Keyring
from por.signing import domain, signing_input
from por.units import BPS, PRICE_SCALE, format_time, parse_time

REPORT_FORMAT = "por-price-report/2"
REPORT_PURPOSE = "v1/price-report"
REPORT_DOMAIN = domain(REPORT_PURPOSE)  # b"por/v1/price-report\x00" (protocol §1.1)
PRICES_FORMAT = "por-prices/2"  # the bundle's prices.json (docs/protocol.md §9.3)
SCHEMES = ("bls", "ed25519")


@dataclass(frozen=True, slots=True)
class PriceReport:
    """An oracle's report; its fields are validated and encoded by the published model
    (:class:`por.bundle.prices.PriceReport`), the one rule for a report wherever it is read or made."""

    oracle_id: str
    asset: str
    price_e8: int
    time: str
    epoch_id: str
    cutoff: str  # the epoch's cut-off, whole seconds (YYYY-MM-DDTHH:MM:SSZ)

    def model(self) -> PriceReportModel:
        """The report as its published model (docs/protocol.md §8.5).

        Raises:
            EncodingError: a field the model refuses (the message names it).
        """
        return from_value(PriceReportModel, self.to_dict(), "price report", EncodingError)

    def validate(self) -> None:
        self.model()

    def encode(self) -> bytes:
        """The report's fields (docs/protocol.md §8.5): ``lp(epoch_id) || lp(cutoff) || lp(oracle_id) ||
        lp(asset) || u128be(price_e8) || lp(time)``; what is signed is :meth:`message`."""
        return self.model().encode()

    @property
    def message(self) -> bytes:
        """The signed bytes: ``"por/v1/price-report" || 0x00 || encode()`` (protocol §1.1)."""
        return signing_input(REPORT_PURPOSE, self.encode())

    def to_dict(self) -> dict[str, Any]:
        return {"epoch_id": self.epoch_id, "cutoff": self.cutoff, "oracle_id": self.oracle_id,
                "asset": self.asset, "price_e8": self.price_e8, "time": self.time}

    @classmethod
    def from_model(cls, m: PriceReportModel) -> PriceReport:
        """A parsed report (its fields already validated by the model)."""
        return cls(m.oracle_id, m.asset, m.price_e8, m.time, m.epoch_id, m.cutoff)

    @classmethod
    def from_dict(cls, d: Any) -> PriceReport:
        """A report's JSON object, read through its model. Raises EncodingError naming the field."""
        return cls.from_model(from_value(PriceReportModel, d, "price report", EncodingError))


@dataclass(frozen=True, slots=True)
class SignedReport:
    report: PriceReport
    scheme: str
    signature: bytes

    def to_dict(self) -> dict[str, Any]:
        return {"format": REPORT_FORMAT, "report": self.report.to_dict(), "scheme": self.scheme,
                "signature": self.signature.hex()}

    @classmethod
    def from_model(cls, m: SignedPriceReport) -> SignedReport:
        """A parsed ``por-price-report/2`` (scheme and signature length already checked by the model):
        what the auditor reads from ``prices.json``."""
        return cls(PriceReport.from_model(m.report), m.scheme, bytes.fromhex(m.signature))

    @classmethod
    def from_dict(cls, d: Any) -> SignedReport:
        """A report file's JSON value, read through its model. Raises EncodingError naming the field."""
        return cls.from_model(from_value(SignedPriceReport, d, SignedPriceReport.DOCUMENT, EncodingError))

    @classmethod
    def load(cls, path: str | Path) -> SignedReport:
        """A report file, parsed by :func:`por.bundle.parse_price_report`.

        Raises:
            UsageError: the file cannot be read.
            EncodingError: it is not a well-formed report (the message names the field).
        """
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            raise UsageError(f"cannot read price report {path}: {exc}") from exc
        return cls.from_model(from_bytes(parse_price_report, data, EncodingError))


def sign_report(report: PriceReport, *, bls_secret_key: bytes | None = None,
                ed25519_key: Ed25519PrivateKey | None = None) -> SignedReport:
    """Sign with exactly one of a BLS secret key or an Ed25519 private key."""
    if (bls_secret_key is None) == (ed25519_key is None):
        raise UsageError("sign a price report with exactly one key (BLS or Ed25519)")
    msg = report.message
    if bls_secret_key is not None:
        return SignedReport(report, "bls", bls.sign(bls_secret_key, msg))
    assert ed25519_key is not None
    return SignedReport(report, "ed25519", ed25519_key.sign(msg))


def verify_report(sr: SignedReport, keyring: Keyring) -> str | None:
    """None when the report's signature verifies under its oracle's registered key, else a reason."""
    m = keyring.get(sr.report.oracle_id)
    if m is None:
        return f"unknown-signer: {sr.report.oracle_id} is not a member"
    if not m.has_role("oracle"):
        return f"unknown-signer: {sr.report.oracle_id} does not hold the oracle role"
    if m.revoked:
        return f"unknown-signer: {sr.report.oracle_id}'s key was revoked at {m.revoked_at}"
    msg = sr.report.message
    if sr.scheme == "bls":
        if m.bls_public_key is None or not keyring.pop_ok(m):
            return f"unknown-signer: {sr.report.oracle_id} has no BLS key with a valid proof of possession"
        return None if bls.verify(m.bls_public_key, msg, sr.signature) else "bad-signature: BLS signature does not verify"
    if m.ed25519_public_key is None:
        return f"unknown-signer: {sr.report.oracle_id} has no Ed25519 key"
    try:
        Ed25519PublicKey.from_public_bytes(m.ed25519_public_key).verify(sr.signature, msg)
    except (InvalidSignature, ValueError):
        return "bad-signature: Ed25519 signature does not verify"
    return None


#: the limits a written price policy may leave out, and what they then are
PRICE_POLICY_DEFAULTS: Mapping[str, int] = {"quorum": 1, "max_age_seconds": 3600, "max_dispersion_bps": 200,
                                            "max_skew_seconds": 60}


@dataclass(frozen=True, slots=True)
class OraclePolicy:
    """The governed price settings of one asset."""

    asset: str
    oracles: frozenset[str]
    quorum: int = 1
    max_age_seconds: int = 3600
    max_dispersion_bps: int = 200
    max_skew_seconds: int = 60

    def __post_init__(self) -> None:
        if not 1 <= self.quorum <= max(1, len(self.oracles)):
            raise UsageError(f"oracle policy for {self.asset}: quorum {self.quorum} is not in [1, {len(self.oracles)}]")
        if self.max_age_seconds <= 0 or self.max_dispersion_bps < 0 or self.max_skew_seconds < 0:
            raise UsageError(f"oracle policy for {self.asset}: limits must be positive")

    def to_dict(self) -> dict[str, Any]:
        return {"oracles": sorted(self.oracles), "quorum": self.quorum, "max_age_seconds": self.max_age_seconds,
                "max_dispersion_bps": self.max_dispersion_bps, "max_skew_seconds": self.max_skew_seconds}

    @classmethod
    def from_model(cls, asset: str, m: PricePolicy) -> OraclePolicy:
        """An asset's price policy as the published configuration holds it (already validated)."""
        return cls(asset, frozenset(m.oracles), m.quorum, m.max_age_seconds, m.max_dispersion_bps,
                   m.max_skew_seconds)

    @classmethod
    def from_dict(cls, asset: str, d: Any) -> OraclePolicy:
        """A price policy as written, its limits left out at :data:`PRICE_POLICY_DEFAULTS`, read
        through the published model. Raises UsageError naming the field."""
        return cls.from_model(asset, from_value(PricePolicy, with_defaults(d, PRICE_POLICY_DEFAULTS),
                                                f"oracle policy for {asset}", UsageError))


@dataclass(frozen=True, slots=True)
class PriceQuote:
    """The price an epoch uses, with the reports it rests on and those it dropped (and why)."""

    asset: str
    price_e8: int
    time: str  # the newest report used
    used: tuple[SignedReport, ...]
    dropped: tuple[tuple[str, str], ...] = field(default_factory=tuple)  # (oracle id, reason)

    @property
    def price(self) -> Fraction:
        return Fraction(self.price_e8, PRICE_SCALE)

    def to_dict(self) -> dict[str, Any]:
        return {"asset": self.asset, "price_e8": self.price_e8, "time": self.time,
                "oracles": [r.report.oracle_id for r in self.used],
                "dropped": [{"oracle_id": o, "reason": why} for o, why in self.dropped]}


def _lower_median(values: Sequence[int]) -> int:
    s = sorted(values)
    return s[(len(s) - 1) // 2]


@dataclass(frozen=True, slots=True)
class Observation:
    """One authenticated price: a verified report, or an oracle's ``price`` entry in the ledger."""

    oracle_id: str
    price_e8: int
    at: datetime
    source: Any = None  # the SignedReport, or the ledger entry's seq


def reporting_currency_quote(asset: str, cutoff: str) -> dict[str, Any]:
    """prices.json's quote of the reporting currency (docs/protocol.md §9.3): price 1 at the cut-off,
    marked, resting on no oracle and no ledger entry. The seal writes it; the auditor requires exactly it."""
    return {"asset": asset, "price_e8": PRICE_SCALE, "time": cutoff, "oracles": [], "dropped": [],
            "reporting_currency": True, "ledger_entries": []}


def quorum_median(observations: Iterable[Observation], policy: OraclePolicy, now: datetime,
                  dropped: list[tuple[str, str]] | None = None,
                  kinds: set[str] | None = None) -> tuple[int, datetime, list[Observation], list[tuple[str, str]]]:
    """Steps 2-5 of the module docstring over already authenticated observations of ``policy.asset``.

    Returns (price_e8, newest time used, observations used sorted by oracle, dropped).

    Raises:
        PriceError: fewer than ``policy.quorum`` observations survive.
    """
    asset = policy.asset
    dropped = list(dropped or [])
    kinds = set(kinds or set())
    newest: dict[str, Observation] = {}
    for o in observations:
        if o.oracle_id not in policy.oracles:
            dropped.append((o.oracle_id, f"unknown-signer: {o.oracle_id} is not an oracle for {asset}"))
            kinds.add("unknown-signer")
            continue
        age = (now - o.at).total_seconds()
        if age > policy.max_age_seconds:
            dropped.append((o.oracle_id, f"stale: {format_time(o.at)} is {int(age)} s old at "
                            f"{format_time(now)} (limit {policy.max_age_seconds} s)"))
            kinds.add("stale")
            continue
        if -age > policy.max_skew_seconds:
            dropped.append((o.oracle_id, f"stale: {format_time(o.at)} is {int(-age)} s in the future of {format_time(now)} "
                            f"(skew limit {policy.max_skew_seconds} s)"))
            kinds.add("stale")
            continue
        prev = newest.get(o.oracle_id)
        if prev is None or prev.at < o.at:
            newest[o.oracle_id] = o
    fresh = list(newest.values())
    if fresh:
        med = _lower_median([o.price_e8 for o in fresh])
        kept = []
        for o in fresh:
            dev_bps = Fraction(abs(o.price_e8 - med) * BPS, med)
            if dev_bps > policy.max_dispersion_bps:
                dropped.append((o.oracle_id, f"outlier: {o.price_e8} is {round(dev_bps)} bps from "
                                f"the median {med} (limit {policy.max_dispersion_bps} bps)"))
                kinds.add("dispersed")
            else:
                kept.append(o)
        fresh = kept
    if len(fresh) < policy.quorum:
        kind = next((k for k in ("dispersed", "stale", "wrong-epoch", "unknown-signer") if k in kinds), "too-few")
        detail = "; ".join(f"{o}: {why}" for o, why in dropped) or "no reports"
        raise PriceError(f"no price for {asset}: {len(fresh)} usable report(s), quorum {policy.quorum} "
                         f"({kind}; {detail})", asset=asset, kind=kind)
    fresh.sort(key=lambda o: o.oracle_id)
    return _lower_median([o.price_e8 for o in fresh]), max(o.at for o in fresh), fresh, dropped


def aggregate_price(reports: Iterable[SignedReport], policy: OraclePolicy, keyring: Keyring,
                    now: datetime, *, epoch: tuple[str, str] | None = None) -> PriceQuote:
    """The quorum median of fresh, valid, non-outlier reports for ``policy.asset`` (module docstring).

    ``epoch`` = (epoch id, cut-off): only reports bound to exactly that epoch and cut-off count
    (others are dropped as ``wrong-epoch``); ``now`` is then normally the cut-off.

    Raises:
        PriceError: fewer than ``policy.quorum`` reports survive; ``kind`` names the main cause.
    """
    asset = policy.asset
    dropped: list[tuple[str, str]] = []
    kinds: set[str] = set()
    obs: list[Observation] = []
    for sr in reports:
        r = sr.report
        if r.asset != asset:
            continue
        if epoch is not None and (r.epoch_id, r.cutoff) != epoch:
            dropped.append((r.oracle_id, f"wrong-epoch: the report is for {r.epoch_id} with cut-off {r.cutoff}, "
                            f"not {epoch[0]} with cut-off {epoch[1]}"))
            kinds.add("wrong-epoch")
            continue
        if r.oracle_id not in policy.oracles:
            dropped.append((r.oracle_id, f"unknown-signer: {r.oracle_id} is not an oracle for {asset}"))
            kinds.add("unknown-signer")
            continue
        why = verify_report(sr, keyring)
        if why is not None:
            dropped.append((r.oracle_id, why))
            kinds.add("unknown-signer" if why.startswith("unknown-signer") else "bad-signature")
            continue
        obs.append(Observation(r.oracle_id, r.price_e8, parse_time(r.time), sr))
    price, latest, used, dropped = quorum_median(obs, policy, now, dropped, kinds)
    return PriceQuote(asset, price, format_time(latest), tuple(o.source for o in used), tuple(dropped))


class PriceSource:
    """A callable ``asset -> price_e8`` for the ledger's circuit breaker (``current_price`` hook).

    ``reports`` is a function returning the current reports (so a live store can be re-read on each
    call); ``clock`` returns the current time. Raises :class:`PriceError` when no quorum price exists,
    which the ledger treats as "pause automated liquidation".
    """

    def __init__(self, reports: Callable[[], Iterable[SignedReport]], policies: Mapping[str, OraclePolicy],
                 keyring: Keyring, clock: Callable[[], datetime] | None = None) -> None:
        self._reports, self._policies, self._keyring = reports, policies, keyring
        self._clock = clock or (lambda: datetime.now(UTC))

    def quote(self, asset: str) -> PriceQuote:
        pol = self._policies.get(asset)
        if pol is None:
            raise PriceError(f"no oracle policy for {asset}", asset=asset, kind="too-few")
        return aggregate_price(self._reports(), pol, self._keyring, self._clock())

    def __call__(self, asset: str) -> int:
        return self.quote(asset).price_e8


def price_source(reports: Callable[[], Iterable[SignedReport]] | Iterable[SignedReport],
                 policies: Mapping[str, OraclePolicy], keyring: Keyring,
                 clock: Callable[[], datetime] | None = None) -> PriceSource:
    """Build a :class:`PriceSource` from a report provider (or a fixed list of reports)."""
    if callable(reports):
        return PriceSource(reports, policies, keyring, clock)
    fixed = list(reports)
    return PriceSource(lambda: fixed, policies, keyring, clock)


def ed25519_key_from_hex(hex_sk: str) -> Ed25519PrivateKey:
    try:
        return Ed25519PrivateKey.from_private_bytes(bytes.fromhex(hex_sk))
    except ValueError as exc:
        raise UsageError("an Ed25519 private key is 32 bytes of hex") from exc
