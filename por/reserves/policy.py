"""Reserve policy per asset and the evaluation of attestations against it (counted or not, and why).

A :class:`ReservePolicy` names, for one asset, the custodians whose statements count, the signers
that may (co-)sign them, and the quorum k of those n signers each statement needs (the custodian
named in the statement must be one of them). An :class:`EpochContext` fixes what a statement must
match: the epoch id, the epoch's nonce (the challenge) and the window its as-of time must fall in.

:func:`evaluate` never raises on bad attestations: it returns an :class:`Evaluation` with one
:class:`Outcome` per attestation (counted, or not counted with a stable reason code) and a
structured :class:`por.result.Result`. Its steps, in order (the first that fails decides):

1. the file is well formed (``malformed``);
2. the statement is for this epoch (``wrong-epoch``) and carries this epoch's nonce (``wrong-nonce``);
3. its as-of time lies in the epoch window (``outside-window``);
4. a policy exists for the asset (``no-policy``) and lists the custodian (``custodian-not-in-policy``);
5. the custodian is a member (``unknown-custodian``) with the custodian role (``no-custodian-role``)
   whose key is not revoked (``revoked-key``);
6. each signature entry: every signer is a member (``unknown-signer``) listed by the policy
   (``signer-not-in-policy``) with the custodian or auditor role (``no-custodian-role``), the key in the
   file is the member's key (``key-mismatch``), not revoked (``revoked-key``), with a proof of
   possession that verifies (``no-pop``: the rogue-key defence); then the (aggregate) signature
   verifies over the canonical statement (``bad-signature``: e.g. a changed amount). All signature
   checks of all attestations are first batched into one multi-pairing; only a failing batch is
   re-checked one entry at a time;
7. the custodian itself signed (``custodian-did-not-sign``);
8. at least k distinct policy signers signed (``quorum-short``);
9. the statement, and the custodian's account, have not been counted already (``duplicate``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from por.bundle.manifest import ManifestBody
from por.bundle.reserves import EpochContext as EpochContextModel
from por.bundle.reserves import ReservePolicy as ReservePolicyModel
from por.bundle.reserves import ReservesConfig as ReservesConfigModel
from por.canonical import parse_json, read_json_file
from por.crypto import bls
from por.errors import EncodingError, PorError, UsageError
from por.reserves._read import from_value, with_defaults
from por.reserves.attestation import Attestation
from por.reserves.keyring import Keyring
from por.reserves.oracle import PRICE_POLICY_DEFAULTS, OraclePolicy
from por.result import Result
from por.units import BPS, collateral_prices, parse_time

POLICY_FORMAT = "por-reserve-policy/1"
SIGNER_ROLES = frozenset({"custodian", "auditor"})


#: what a written reserve policy may leave out, and what it then is
RESERVE_POLICY_DEFAULTS: Mapping[str, Any] = {"signers": (), "quorum": 1}


@dataclass(frozen=True, slots=True)
class ReservePolicy:
    asset: str
    custodians: frozenset[str]
    signers: frozenset[str]
    quorum: int = 1

    def __post_init__(self) -> None:
        if not self.custodians:
            raise UsageError(f"reserve policy for {self.asset}: no custodians")
        if not 1 <= self.quorum <= len(self.signers | self.custodians):
            raise UsageError(f"reserve policy for {self.asset}: quorum {self.quorum} is not in "
                             f"[1, {len(self.signers | self.custodians)}]")

    @property
    def all_signers(self) -> frozenset[str]:
        """The n signers: the named signers and the custodians themselves."""
        return self.signers | self.custodians

    def to_dict(self) -> dict[str, Any]:
        return {"custodians": sorted(self.custodians), "signers": sorted(self.signers), "quorum": self.quorum}

    @classmethod
    def from_model(cls, asset: str, m: ReservePolicyModel) -> ReservePolicy:
        """An asset's reserve policy as the published configuration holds it (already validated)."""
        return cls(asset, frozenset(m.custodians), frozenset(m.signers), m.quorum)

    @classmethod
    def from_dict(cls, asset: str, d: Any) -> ReservePolicy:
        """A reserve policy as written (``signers`` and ``quorum`` may be left out: none, 1), read
        through the published model. Raises UsageError naming the field."""
        return cls.from_model(asset, from_value(ReservePolicyModel, with_defaults(d, RESERVE_POLICY_DEFAULTS),
                                                f"reserve policy for {asset}", UsageError))


def policies_to_dict(policies: Mapping[str, ReservePolicy]) -> dict[str, Any]:
    return {"format": POLICY_FORMAT, "assets": {a: p.to_dict() for a, p in sorted(policies.items())}}


def policies_from_dict(d: Any) -> dict[str, ReservePolicy]:
    if not isinstance(d, dict) or d.get("format") != POLICY_FORMAT or not isinstance(d.get("assets"), dict):
        raise UsageError(f"not a reserve policy file (format {POLICY_FORMAT!r} with an assets object)")
    return {a: ReservePolicy.from_dict(a, p) for a, p in d["assets"].items()}


def load_policies(path: str | Path) -> dict[str, ReservePolicy]:
    try:
        return policies_from_dict(parse_json(Path(path).read_bytes()))
    except (OSError, ValueError) as exc:
        if isinstance(exc, PorError):
            raise
        raise UsageError(f"cannot read reserve policy {path}: {exc}") from exc


@dataclass(frozen=True, slots=True)
class EpochContext:
    """What every statement of an epoch must match."""

    epoch_id: str
    nonce: str  # lowercase hex
    window_start: str  # ISO-8601 UTC, inclusive
    window_end: str  # ISO-8601 UTC, inclusive

    def __post_init__(self) -> None:
        if parse_time(self.window_start, "window start") > parse_time(self.window_end, "window end"):
            raise UsageError("epoch window starts after it ends")

    def in_window(self, as_of: str) -> bool:
        t = parse_time(as_of)
        return parse_time(self.window_start) <= t <= parse_time(self.window_end)

    def to_dict(self) -> dict[str, Any]:
        return {"epoch_id": self.epoch_id, "nonce": self.nonce, "window_start": self.window_start,
                "window_end": self.window_end}

    @classmethod
    def from_model(cls, m: EpochContextModel) -> EpochContext:
        """The manifest's (or ``attestations.json``'s) epoch context, already validated by its model."""
        return cls(m.epoch_id, m.nonce, m.window_start, m.window_end)

    @classmethod
    def from_dict(cls, d: Any) -> EpochContext:
        """An epoch context as JSON (``--epoch-context``, e.g. a manifest's ``epoch_context``), read
        through the published model. Raises UsageError naming the field."""
        return cls.from_model(from_value(EpochContextModel, d, "epoch context", UsageError))


@dataclass(frozen=True, slots=True)
class Malformed:
    """An attestation that could not be read; it is reported, never counted."""

    label: str
    error: str


@dataclass(frozen=True, slots=True)
class Outcome:
    label: str
    counted: bool
    reason: str  # "counted" or a stable code (see the module docstring)
    message: str
    statement_id: str = ""
    asset: str = ""
    custodian_id: str = ""
    amount: int = 0
    signers: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"label": self.label, "counted": self.counted, "reason": self.reason, "message": self.message,
                "statement_id": self.statement_id, "asset": self.asset, "custodian_id": self.custodian_id,
                "amount": self.amount, "signers": list(self.signers)}


@dataclass(slots=True)
class Evaluation:
    result: Result
    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def counted(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.counted]

    def totals(self) -> dict[str, int]:
        """Counted reserves per asset, in minor units."""
        out: dict[str, int] = {}
        for o in self.counted:
            out[o.asset] = out.get(o.asset, 0) + o.amount
        return out

    def by_reason(self) -> dict[str, list[Outcome]]:
        out: dict[str, list[Outcome]] = {}
        for o in self.outcomes:
            out.setdefault(o.reason, []).append(o)
        return out

    def to_dict(self) -> dict[str, Any]:
        return {"result": self.result.to_dict(), "outcomes": [o.to_dict() for o in self.outcomes],
                "totals": self.totals()}


def reserves_section(totals: dict[str, int], outcomes: list[dict[str, Any]]) -> dict[str, Any]:
    """The manifest's reserves per asset: the counted total and every attestation's outcome."""
    out: dict[str, Any] = {}
    for o in outcomes:
        if o.get("asset"):
            out.setdefault(o["asset"], {"amount": 0, "custodians": []})["custodians"].append({
                "custodian_id": o["custodian_id"], "amount": o["amount"], "counted": o["counted"],
                "reason": o["reason"], "signers": sorted(o["signers"])})
    for asset, total in totals.items():
        out.setdefault(asset, {"amount": 0, "custodians": []})["amount"] = total
    return {a: out[a] for a in sorted(out)}


def load_attestations(paths: Iterable[str | Path]) -> list[tuple[str, Attestation | Malformed]]:
    """Read attestation files; a file that does not read becomes a :class:`Malformed` item."""
    out: list[tuple[str, Attestation | Malformed]] = []
    for p in paths:
        label = Path(p).name
        try:
            out.append((label, Attestation.load(p)))
        except PorError as exc:
            out.append((label, Malformed(label, exc.diagnostics())))
    return out


@dataclass(slots=True)
class _Pending:
    label: str
    att: Attestation
    policy: ReservePolicy
    entry_problems: list[tuple[str, str, str]] = field(default_factory=list)  # (signer ids, code, sentence)
    entries: list[tuple[tuple[str, ...], bytes, bytes]] = field(default_factory=list)  # ids, agg pk, sig


def _short(x: str, n: int = 16) -> str:
    return x if len(x) <= n else x[:n] + "…"


def evaluate(items: Sequence[Attestation | Malformed | tuple[str, Attestation | Malformed]], keyring: Keyring,
             policies: Mapping[str, ReservePolicy], epoch: EpochContext, *, now: datetime | None = None,
             impl: str | None = None) -> Evaluation:
    """Evaluate attestations against the policies, the keyring and the epoch (see the module docstring).

    ``items`` are attestations, :class:`Malformed` placeholders, or ``(label, either)`` pairs; labels
    name the attestation in every message (a file name, or its position). Never raises on bad input.
    """
    res = Result(f"reserve attestations for epoch {epoch.epoch_id}")
    ev = Evaluation(res)
    outcomes: dict[int, Outcome] = {}
    pending: dict[int, _Pending] = {}

    def decide(i: int, label: str, reason: str, message: str, att: Attestation | None = None,
               signers: tuple[str, ...] = ()) -> None:
        st = att.statement if att else None
        outcomes[i] = Outcome(label, reason == "counted", reason, message,
                              att.statement_id if att else "", st.asset if st else "",
                              st.custodian_id if st else "", st.amount if st else 0, signers)

    # steps 1-6 (structure, keys): everything up to the pairing checks
    for i, item in enumerate(items):
        label, obj = item if isinstance(item, tuple) else (f"#{i + 1}", item)
        if isinstance(obj, Malformed):
            decide(i, label, "malformed", f"cannot be read: {obj.error}")
            continue
        if not isinstance(obj, Attestation):
            decide(i, label, "malformed", f"not an attestation ({type(obj).__name__})")
            continue
        att = obj
        st = att.statement
        try:
            st.validate()
        except EncodingError as exc:
            decide(i, label, "malformed", f"statement does not encode: {exc}")
            continue
        if st.epoch_id != epoch.epoch_id:
            decide(i, label, "wrong-epoch", f"statement is for epoch {st.epoch_id!r}, not {epoch.epoch_id!r}", att)
            continue
        if st.challenge != epoch.nonce.lower():
            decide(i, label, "wrong-nonce", f"challenge {_short(st.challenge)} is not this epoch's nonce "
                   f"{_short(epoch.nonce)} (a stale or replayed statement)", att)
            continue
        if not epoch.in_window(st.as_of):
            decide(i, label, "outside-window", f"as-of time {st.as_of} is outside the epoch window "
                   f"[{epoch.window_start}, {epoch.window_end}]", att)
            continue
        pol = policies.get(st.asset)
        if pol is None:
            decide(i, label, "no-policy", f"no reserve policy for asset {st.asset}", att)
            continue
        if st.custodian_id not in pol.custodians:
            decide(i, label, "custodian-not-in-policy",
                   f"{st.custodian_id} is not a custodian that counts for {st.asset} under the policy", att)
            continue
        cust = keyring.get(st.custodian_id)
        if cust is None:
            decide(i, label, "unknown-custodian", f"custodian {st.custodian_id} is not a member", att)
            continue
        if not cust.has_role("custodian"):
            decide(i, label, "no-custodian-role",
                   f"{st.custodian_id} does not hold the custodian role (roles: {', '.join(sorted(cust.roles)) or 'none'})",
                   att)
            continue
        if cust.revoked:
            decide(i, label, "revoked-key", f"custodian {st.custodian_id}'s key was revoked at {cust.revoked_at}", att)
            continue
        p = _Pending(label, att, pol)
        for entry in att.signatures:
            ids = entry.signer_ids
            problem = _entry_problem(entry.signers, pol, keyring)
            if problem:
                p.entry_problems.append((", ".join(ids), *problem))
                continue
            try:
                agg_pk = bls.aggregate_pks([pk for _, pk in entry.signers], impl=impl)
            except EncodingError:
                p.entry_problems.append((", ".join(ids), "bad-signature", "the signers' keys do not aggregate"))
                continue
            p.entries.append((ids, agg_pk, entry.signature))
        pending[i] = p

    # step 6 (pairings): one batch for everything; re-check entry by entry only if the batch fails
    flat = [(i, k) for i, p in pending.items() for k in range(len(p.entries))]
    triples = [(pending[i].entries[k][1], pending[i].att.message, pending[i].entries[k][2]) for i, k in flat]
    verdict: dict[tuple[int, int], bool] = {}
    if triples and bls.batch_verify(triples, impl=impl):
        verdict = {ik: True for ik in flat}
    else:
        for ik, (pk, msg, sig) in zip(flat, triples, strict=True):
            verdict[ik] = bls.verify(pk, msg, sig, impl=impl)

    # steps 7-9
    seen_ids: dict[str, str] = {}
    seen_accounts: dict[tuple[str, str, str], str] = {}
    for i in sorted(pending):
        p = pending[i]
        att, st, pol = p.att, p.att.statement, p.policy
        valid: list[str] = []
        for k, (ids, _, _) in enumerate(p.entries):
            if verdict[(i, k)]:
                valid.extend(ids)
            else:
                p.entry_problems.append((", ".join(ids), "bad-signature",
                                         "the signature does not verify over this statement (the amount or "
                                         "another field changed after signing, or a wrong key)"))
        signers = tuple(sorted(set(valid)))
        problems = "; ".join(f"{who}: {why}" for who, _, why in p.entry_problems)
        if st.custodian_id not in signers:
            own = [(code, why) for who, code, why in p.entry_problems if st.custodian_id in who.split(", ")]
            if own:
                decide(i, p.label, own[0][0], f"custodian {st.custodian_id}'s signature does not count: {own[0][1]}",
                       att, signers)
            else:
                decide(i, p.label, "custodian-did-not-sign", f"{st.custodian_id} has not signed its statement"
                       + (f" ({problems})" if problems else ""), att, signers)
            continue
        count = len(set(signers) & pol.all_signers)
        if count < pol.quorum:
            decide(i, p.label, "quorum-short",
                   f"{count} of the {pol.quorum} signatures required ({pol.quorum} of {len(pol.all_signers)}) "
                   f"for {st.asset}: short by {pol.quorum - count}" + (f" ({problems})" if problems else ""),
                   att, signers)
            continue
        sid = att.statement_id
        if sid in seen_ids:
            decide(i, p.label, "duplicate", f"statement {_short(sid)} was already counted as {seen_ids[sid]}",
                   att, signers)
            continue
        acct = (st.custodian_id, st.asset, st.account_ref)
        if acct in seen_accounts:
            decide(i, p.label, "duplicate", f"account {st.account_ref} of {st.custodian_id} for {st.asset} was "
                   f"already counted as {seen_accounts[acct]}", att, signers)
            continue
        seen_ids[sid] = p.label
        seen_accounts[acct] = p.label
        decide(i, p.label, "counted", f"{st.custodian_id} attests {st.amount} minor units of {st.asset} in "
               f"{st.account_ref} as of {st.as_of}; signed by {', '.join(signers)} ({count} of quorum {pol.quorum})"
               + (f"; ignored: {problems}" if problems else ""), att, signers)

    for i in range(len(items)):
        o = outcomes[i]
        ev.outcomes.append(o)
        res.add(f"attestation.{o.label}", o.counted, o.message if o.counted else f"not counted ({o.reason}): {o.message}")
    return ev


def _entry_problem(signers: Sequence[tuple[str, bytes]], pol: ReservePolicy, keyring: Keyring) -> tuple[str, str] | None:
    for sid, pk in signers:
        m = keyring.get(sid)
        if m is None:
            return "unknown-signer", f"signer {sid} is not a member"
        if sid not in pol.all_signers:
            return "signer-not-in-policy", f"{sid} is not a signer for {pol.asset} under the policy"
        if not (m.roles & SIGNER_ROLES):
            return "no-custodian-role", f"{sid} holds neither the custodian nor the auditor role"
        if m.bls_public_key is None or m.bls_public_key != pk:
            return "key-mismatch", f"the key given for {sid} is not the member's registered BLS key"
        if m.revoked:
            return "revoked-key", f"{sid}'s key was revoked at {m.revoked_at}"
        if not keyring.pop_ok(m):
            return "no-pop", (f"{sid}'s key has no valid proof of possession (a rogue-key aggregate "
                              "cannot be accepted)")
    if len({s for s, _ in signers}) != len(signers):
        return "duplicate", "a signer appears twice in one aggregate"
    return None


# ------------------------------------------------------------------- the governed settings file

CONFIG_FORMAT = "por-reserves-config/1"
#: haircut of an asset whose configuration names none: the margin maintenance complement (protocol §9.2)
DEFAULT_HAIRCUT_BPS = 7_500


#: an asset's decimals, as the ledger admits them (docs/protocol.md §10.1); every reader uses this bound
MAX_DECIMALS = 18


@dataclass(frozen=True, slots=True)
class ReservesConfig:
    """All governed reserve settings in one document (the ledger holds it as a governed entry)::

        {"format": "por-reserves-config/1", "reporting_currency": "USD", "reporting_decimals": 2,
         "assets": {"BTC": {"decimals": 8, "haircut_bps": 7500,
                            "reserve": {"custodians": [...], "signers": [...], "quorum": 2},
                            "price": {"oracles": [...], "quorum": 2, "max_age_seconds": 3600,
                                      "max_dispersion_bps": 200, "max_skew_seconds": 60}}}}

    ``price`` may be omitted for the reporting currency itself (its price is 10^8). ``haircut_bps``
    (the share of a collateral asset's value counted against margin debt, in [0, 10000]) defaults to
    10000 for the reporting currency and :data:`DEFAULT_HAIRCUT_BPS` for any other asset; it is
    governed like the rest, so an operator cannot count collateral at a value its governors did not
    set (protocol §9.2). Asset decimals, haircuts and the collateral prices derived from them are read
    by the epoch pipeline and the auditor from this document only (protocol §9.5).
    """

    reporting_currency: str
    reporting_decimals: int
    decimals: Mapping[str, int]
    reserve: Mapping[str, ReservePolicy]
    price: Mapping[str, OraclePolicy]
    haircuts_bps: Mapping[str, int] = field(default_factory=dict)  # explicit ones; see haircut_bps()

    def haircut_bps(self, asset: str) -> int:
        """The governed haircut of ``asset`` (the configured one, else the default above)."""
        if asset in self.haircuts_bps:
            return int(self.haircuts_bps[asset])
        return default_haircut_bps(asset, self.reporting_currency)

    @property
    def sha256(self) -> str:
        """SHA-256 (hex) of the canonical JSON of :meth:`to_dict`: the configuration's identity, which
        the manifest carries (``reserves_config_ref``)."""
        return config_sha256(self.to_dict())

    def to_dict(self) -> dict[str, Any]:
        assets: dict[str, Any] = {}
        for a in sorted(set(self.decimals)):
            d: dict[str, Any] = {"decimals": self.decimals[a], "haircut_bps": self.haircut_bps(a)}
            if a in self.reserve:
                d["reserve"] = self.reserve[a].to_dict()
            if a in self.price:
                d["price"] = self.price[a].to_dict()
            assets[a] = d
        return {"format": CONFIG_FORMAT, "reporting_currency": self.reporting_currency,
                "reporting_decimals": self.reporting_decimals, "assets": assets}

    @classmethod
    def from_model(cls, m: ReservesConfigModel) -> ReservesConfig:
        """The configuration a manifest publishes (resolved form, already validated by its model).
        Only haircuts that differ from the default are kept, so equal configurations compare equal."""
        rc = m.reporting_currency
        return cls(rc, m.reporting_decimals, {a: spec.decimals for a, spec in m.assets.items()},
                   {a: ReservePolicy.from_model(a, spec.reserve) for a, spec in m.assets.items()
                    if spec.reserve is not None},
                   {a: OraclePolicy.from_model(a, spec.price) for a, spec in m.assets.items() if spec.price is not None},
                   {a: spec.haircut_bps for a, spec in m.assets.items()
                    if spec.haircut_bps != default_haircut_bps(a, rc)})

    @classmethod
    def from_dict(cls, d: Any) -> ReservesConfig:
        """The configuration as governors write it (a file, the ledger's ``config.set`` payload): the
        reporting currency (USD) and decimals (2), haircuts and policy limits may be left to their
        defaults. It is resolved, then read through the published model, so its rules are the
        manifest's. Raises UsageError naming the field."""
        if not isinstance(d, Mapping) or d.get("format") != CONFIG_FORMAT or not isinstance(d.get("assets"), Mapping):
            raise UsageError(f"not a reserves configuration (format {CONFIG_FORMAT!r} with an assets object)")
        rc = d.get("reporting_currency", "USD")
        resolved = {**d, "reporting_currency": rc, "reporting_decimals": d.get("reporting_decimals", 2),
                    "assets": {a: _resolved_asset(a, spec, rc) for a, spec in d["assets"].items()}}
        return cls.from_model(from_value(ReservesConfigModel, resolved, "reserves configuration", UsageError))

    @classmethod
    def load(cls, path: str | Path) -> ReservesConfig:
        return cls.from_dict(read_json_file(path, "reserves configuration"))


def default_haircut_bps(asset: str, reporting_currency: Any) -> int:
    """The haircut of an asset whose configuration names none: 10000 for the reporting currency,
    :data:`DEFAULT_HAIRCUT_BPS` for any other (protocol §9.2)."""
    return BPS if asset == reporting_currency else DEFAULT_HAIRCUT_BPS


def _resolved_asset(asset: str, spec: Any, reporting_currency: Any) -> Any:
    """A written asset entry with its defaults filled in (anything but an object as it is, for the
    model to refuse)."""
    if not isinstance(spec, Mapping):
        return spec
    out = {"haircut_bps": default_haircut_bps(asset, reporting_currency), **spec}
    if "reserve" in out:
        out["reserve"] = with_defaults(out["reserve"], RESERVE_POLICY_DEFAULTS)
    if "price" in out:
        out["price"] = with_defaults(out["price"], PRICE_POLICY_DEFAULTS)
    return out


def config_sha256(doc: Any) -> str:
    """SHA-256 (hex) of the canonical JSON (por/canonical.py) of a reserves configuration document."""
    import hashlib

    from por.canonical import dumps

    return hashlib.sha256(dumps(doc)).hexdigest()


def haircuts_of(cfg: ReservesConfig, prices: Mapping[str, Any]) -> dict[str, int]:
    """The governed haircut (bps) of every priced asset (docs/protocol.md §9.2)."""
    return {a: int(cfg.haircut_bps(a)) for a in sorted(prices)}


def collateral_prices_of(cfg: ReservesConfig, prices: Mapping[str, Any]) -> dict[str, int]:
    """Prices per MINOR unit on one common scale, so that columns of assets with different decimals
    compare: ``price_e8 · 10^(D − decimals)``, decimals from the governed configuration and ``D`` the
    largest of them over the priced assets (docs/protocol.md §9.2, docs/adr/0002;
    :func:`por.units.collateral_price`).

    Raises:
        UsageError: a priced asset has no decimals in the configuration.
    """
    missing = sorted(a for a in prices if a not in cfg.decimals)
    if missing:
        raise UsageError(f"the reserves configuration names no decimals for {missing}")
    return collateral_prices({a: int(p) for a, p in prices.items()}, cfg.decimals)


def collateral_terms(m: ManifestBody) -> tuple[dict[str, int], dict[str, int]]:
    """(collateral prices, haircuts) of a manifest's signed body, derived from its reserves
    configuration and prices, for a verifier that checks collateral proofs (the client's, the
    auditor's tree step): never the manifest's own ``collateral_prices``/``haircuts_bps`` fields,
    which must equal them (docs/protocol.md §9.5; issue 14 row D). The manifest's model has checked
    every field's type (a price is an integer price_e8).

    Raises:
        UsageError: the configuration names no decimals for a priced asset, or the manifest's fields
            differ from what it gives.
    """
    prices = dict(m.prices)
    cfg = ReservesConfig.from_model(m.reserves_config)
    cp, hc = collateral_prices_of(cfg, prices), haircuts_of(cfg, prices)
    if dict(m.collateral_prices) != cp or dict(m.haircuts_bps) != hc:
        raise UsageError(f"the manifest's collateral prices {dict(m.collateral_prices)} and haircuts "
                         f"{dict(m.haircuts_bps)} are not those of its reserves configuration ({cp}, {hc})")
    return cp, hc
