"""Strict per-type schema of journal entry bodies (docs/protocol.md §10.4).

Every body is checked here before it touches the database (:meth:`por.ledger.core.Tx.append`) and
again by the replay (``ledger.schema`` in ``por ledger verify``). Pure: no SQL, no ledger state.

Why: a handler that reads ``p.get("withdrawals")`` and hands the values to SQL trusts their types.
``["1", true]`` passed a duplicate check done on ``str()`` (``"True" != "1"``) while SQLite
compared ``true`` equal to the id ``"1"``, paying one withdrawal twice. So ids are strings matching the
id pattern, amounts are integers and never booleans (``isinstance(True, int)`` holds in Python), lists
of ids hold ids only, and no payload carries a key its type does not define.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from por.errors import LedgerError
from por.ledger.canonical import MAX_AMOUNT, check_time
from por.units import BPS

ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:@/-]{0,127}\Z")
ASSET_RE = re.compile(r"^[A-Z0-9]{1,12}\Z")
HEX64_RE = re.compile(r"^[0-9a-f]{64}\Z")

Check = Callable[[Any, str], None]


def _fail(where: str, what: str, value: Any) -> LedgerError:
    return LedgerError(f"{where} must be {what}, got {type(value).__name__} {value!r:.60}")


def ident(value: Any, where: str) -> None:
    if not isinstance(value, str) or not ID_RE.match(value):
        raise _fail(where, "an identifier (letters, digits, _.:@/-; max 128)", value)


def asset(value: Any, where: str) -> None:
    if not isinstance(value, str) or not ASSET_RE.match(value):
        raise _fail(where, "an asset code (1-12 upper-case letters or digits)", value)


def integer(minimum: int | None = None, maximum: int = MAX_AMOUNT, *, nonzero: bool = False) -> Check:
    def check(value: Any, where: str) -> None:
        if isinstance(value, bool) or not isinstance(value, int):
            raise _fail(where, "an integer", value)
        if (minimum is not None and value < minimum) or value > maximum or value < -maximum:
            raise _fail(where, f"an integer in {minimum if minimum is not None else -maximum}..{maximum}", value)
        if nonzero and value == 0:
            raise _fail(where, "a non-zero integer", value)
    return check


def boolean(value: Any, where: str) -> None:
    if not isinstance(value, bool):
        raise _fail(where, "true or false", value)


def text(max_len: int = 1000, *, nonempty: bool = False) -> Check:
    def check(value: Any, where: str) -> None:
        if not isinstance(value, str) or len(value) > max_len or (nonempty and not value):
            raise _fail(where, f"a {'non-empty ' if nonempty else ''}string of at most {max_len} characters", value)
    return check


def hex_bytes(n: int) -> Check:
    pat = re.compile(rf"^[0-9a-fA-F]{{{2 * n}}}\Z")

    def check(value: Any, where: str) -> None:
        if not isinstance(value, str) or not pat.match(value):
            raise _fail(where, f"{n} bytes of hex", value)
    return check


def one_of(*values: str) -> Check:
    def check(value: Any, where: str) -> None:
        if not isinstance(value, str) or value not in values:
            raise _fail(where, "one of " + ", ".join(values), value)
    return check


def time(value: Any, where: str) -> None:
    try:
        check_time(value)
    except LedgerError as exc:
        raise LedgerError(f"{where}: {exc}") from exc


def nullable(inner: Check) -> Check:
    def check(value: Any, where: str) -> None:
        if value is not None:
            inner(value, where)
    return check


def list_of(inner: Check, *, nonempty: bool = False, distinct: bool = False, max_len: int = 100_000) -> Check:
    def check(value: Any, where: str) -> None:
        if not isinstance(value, list) or (nonempty and not value) or len(value) > max_len:
            raise _fail(where, f"a {'non-empty ' if nonempty else ''}list", value)
        for i, v in enumerate(value):
            inner(v, f"{where}[{i}]")
        if distinct and len({canonical_key(v) for v in value}) != len(value):
            raise LedgerError(f"{where} lists an item twice")
    return check


def canonical_key(value: Any) -> tuple[str, Any]:
    """A key that tells apart values Python compares equal (True == 1, 1 == 1.0)."""
    return (type(value).__name__, value if isinstance(value, (str, int)) else repr(value))


def map_of(key: Check, value: Check) -> Check:
    def check(v: Any, where: str) -> None:
        if not isinstance(v, dict):
            raise _fail(where, "an object", v)
        for k, x in v.items():
            key(k, f"{where} key")
            value(x, f"{where}.{k}")
    return check


def obj(required: Mapping[str, Check], optional: Mapping[str, Check] | None = None) -> Check:
    """An object with exactly the ``required`` keys and any of the ``optional`` ones, nothing else."""
    opt = dict(optional or {})

    def check(value: Any, where: str) -> None:
        if not isinstance(value, dict):
            raise _fail(where, "an object", value)
        missing = [k for k in required if k not in value]
        if missing:
            raise LedgerError(f"{where} lacks {', '.join(missing)}")
        unknown = sorted(k for k in value if k not in required and k not in opt)
        if unknown:
            raise LedgerError(f"{where} has unknown key(s) {unknown}")
        for k, c in (*required.items(), *opt.items()):
            if k in value:
                c(value[k], f"{where}.{k}")
    return check


def any_json(value: Any, where: str) -> None:
    """Any canonical JSON value (the body already parsed as canonical JSON: no floats); only where the
    value is checked elsewhere (a config value by its key, the reserves settings by por.reserves)."""


def posting(value: Any, where: str) -> None:
    if not isinstance(value, list) or len(value) != 4:
        raise _fail(where, "[account, asset, book, amount]", value)
    ident(value[0], f"{where} account")
    asset(value[1], f"{where} asset")
    one_of("main", "held", "debt")(value[2], f"{where} book")
    integer(nonzero=True)(value[3], f"{where} amount")


POSTINGS = list_of(posting, nonempty=True)
AMOUNT = integer(minimum=1)
COUNT = integer(minimum=0, maximum=1 << 31)
ROLES = list_of(one_of("operator", "custodian", "oracle", "auditor", "regulator", "approver", "governor"),
                nonempty=True, distinct=True)
MEMBER = obj({"id": ident, "roles": ROLES, "ed25519": hex_bytes(32)})
ASSET_AMOUNTS = map_of(asset, integer(minimum=0))

WITHDRAW_CONFIG = obj({}, {
    "cooling_s": integer(minimum=0, maximum=365 * 86400), "approvals_required": integer(minimum=1, maximum=100),
    "approval_threshold": ASSET_AMOUNTS, "flag_amount": ASSET_AMOUNTS, "velocity_count_24h": COUNT,
    "velocity_amount_24h": ASSET_AMOUNTS, "deviation_factor": integer(minimum=1, maximum=1 << 31),
    "batch_cap": ASSET_AMOUNTS, "daily_cap": ASSET_AMOUNTS})
BREAKER_CONFIG = obj({}, {"move_bps": integer(minimum=0), "window_s": integer(minimum=0),
                          "max_age_s": integer(minimum=0)})
CLOCK_CONFIG = obj({}, {"max_ahead_s": integer(minimum=0, maximum=86400)})
CONFIG_VALUES: dict[str, Check] = {
    "quote_asset": asset, "breaker": BREAKER_CONFIG, "withdraw": WITHDRAW_CONFIG,
    "governor_quorum": integer(minimum=1, maximum=1000), "clock": CLOCK_CONFIG,
    "reserves": map_of(text(200), any_json),  # validated by por.reserves.policy before it is signed
    "risk_margins": map_of(text(200), any_json),  # validated by por.risk.margins.check_config before it is signed
}


def _genesis_config(value: Any, where: str) -> None:
    if not isinstance(value, dict):
        raise _fail(where, "an object", value)
    for k, v in value.items():
        c = CONFIG_VALUES.get(k)
        if c is None:
            raise LedgerError(f"{where} has unknown key {k!r}; keys are {', '.join(CONFIG_VALUES)}")
        c(v, f"{where}.{k}")


def _config_set(value: Any, where: str) -> None:
    obj({"key": one_of(*CONFIG_VALUES), "value": any_json})(value, where)
    CONFIG_VALUES[value["key"]](value["value"], f"{where}.value")


SCREEN = obj({"flagged": boolean, "score": COUNT, "reasons": list_of(text(1000)), "approvals_needed": COUNT,
              "available_time": time})
ATTESTATION = obj({"statement_id": text(200), "label": text(200), "asset": text(12), "custodian": text(200),
                   "amount": integer(), "counted": boolean, "reason": text(1000), "signers": list_of(text(200))})

#: entry type -> the payload's schema
PAYLOADS: dict[str, Check] = {
    "genesis": obj({"protocol": text(50), "members": list_of(MEMBER, nonempty=True), "quorum": integer(minimum=1)},
                   {"config": _genesis_config}),
    "member.add": MEMBER,
    "member.roles": obj({"id": ident, "roles": ROLES}),
    "member.revoke": obj({"id": ident}),
    "member.rotate": obj({"id": ident, "ed25519": hex_bytes(32)}),
    "member.bls": obj({"id": ident, "bls_public_key": hex_bytes(48), "bls_pop": hex_bytes(96)}),
    "config.set": _config_set,
    "asset.add": obj({"code": asset, "decimals": integer(minimum=0, maximum=18), "custodian": ident},
                     {"kind": one_of("cash", "security", "crypto")}),
    "account.open": obj({"accounts": list_of(obj({"id": ident, "kind": one_of(
        "cash", "margin", "house", "insurance", "reserve", "street")}, {"owner": nullable(ident)}), nonempty=True)}),
    "margin.open": obj({"account": ident, "owner": ident, "max_leverage_bps": integer(minimum=BPS),
                        "maintenance_bps": integer(minimum=1)}, {"quote": asset}),
    "post": obj({"kind": one_of("deposit", "transfer", "fee", "adjust"), "postings": POSTINGS},
                {"request": obj({"account": ident, "asset": asset, "amount": AMOUNT})}),
    "price": obj({"asset": asset, "price_e8": AMOUNT}, {"quote": asset}),
    "margin.trade": obj({"request": obj({"account": ident, "asset": asset, "qty": AMOUNT,
                                         "side": one_of("buy", "sell")}),
                         "price_e8": AMOUNT, "postings": POSTINGS}),
    "margin.liquidate": obj({"request": obj({"account": ident}, {"override": boolean}),
                             "prices_e8": map_of(asset, AMOUNT), "equity_ratio_bps": integer(),
                             "shortfall": integer(minimum=0), "postings": POSTINGS}),
    "withdraw.request": obj({"request": obj({"id": ident, "account": ident, "asset": asset, "amount": AMOUNT,
                                             "destination": text(200, nonempty=True)}),
                             "screen": SCREEN, "postings": POSTINGS}),
    "withdraw.review": obj({"id": ident, "decision": one_of("approve", "reject")}, {"reason": text(1000)}),
    "withdraw.approve": obj({"id": ident}),
    "withdraw.reject": obj({"id": ident}, {"reason": text(1000)}),
    "withdraw.settle": obj({"batch": ident, "withdrawals": list_of(ident, nonempty=True, distinct=True),
                            "postings": POSTINGS}),
    "reserves.collect": obj({"epoch_id": ident, "totals": map_of(text(12), integer()),
                             "attestations": list_of(ATTESTATION)}),
    "epoch.publish": obj({"epoch_id": ident, "manifest_sha256": nullable(hex_bytes(32)),
                          "log_size": integer(minimum=0), "log_root": hex_bytes(32)}),
    "ledger.migrate": obj({"from_version": integer(minimum=1, maximum=1), "v1_seq": integer(minimum=1),
                           "v1_head": hex_bytes(32), "v1_log_root": hex_bytes(32)}),
}

BODY_KEYS = {"v", "type", "signer", "time", "payload", "idem"}


def check_body(body: Any) -> None:
    """Refuse a body that is not exactly its type's shape (``LedgerError`` naming the field)."""
    if not isinstance(body, dict):
        raise LedgerError("entry body is not a JSON object")
    extra = set(body) - BODY_KEYS
    if extra:
        raise LedgerError(f"unknown entry field(s) {sorted(extra)}")
    v = body.get("v")
    if isinstance(v, bool) or v not in (1, 2):
        raise LedgerError(f"unsupported entry version {v!r}")
    t = body.get("type")
    if not isinstance(t, str) or t not in PAYLOADS:
        raise LedgerError(f"unknown entry type {t!r:.60}")
    ident(body.get("signer"), "signer")
    time(body.get("time"), "entry time")
    if "idem" in body:
        text(200, nonempty=True)(body["idem"], "idempotency key")
    PAYLOADS[t](body.get("payload"), f"{t} payload")
