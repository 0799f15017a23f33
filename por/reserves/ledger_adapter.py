"""The thin seam between the pure reserves code and the custody ledger (``por.ledger``).

Everything in ``por.reserves`` works on plain data (keyrings, configurations, files); this module
reads that data out of a :class:`por.ledger.api.Ledger` and plugs the oracle quorum into the ledger:

- :func:`keyring_from_ledger` / :func:`keyring_from_members`: members, roles, Ed25519 keys, BLS keys
  with proofs of possession and revocation status, as a :class:`Keyring` (the PoP is re-verified by the keyring, not trusted);
- :func:`reserves_config` / :func:`set_reserves_config`: the reserve policy and oracle settings per
  asset, held as the governed configuration entry ``reserves`` (``config.set``, governor quorum);
- :func:`install_price_source`: the quorum median of signed price reports as the ledger's
  ``current_price`` hook; a :class:`PriceError` becomes the ledger's ``PriceUnavailableError``, which
  trips its liquidation circuit breaker;
- :func:`register_bls_key`: record a member's BLS key and PoP (refused here if the PoP fails);
- :func:`collection_record` / :func:`record_collection`: what an attestation collection recorded in
  the ledger says (statement ids, counted amounts, reasons); recorded as entry type
  ``reserves.collect`` when the ledger defines it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import Any

from por.crypto import bls
from por.errors import EncodingError, PriceError, UsageError
from por.reserves.keyring import Keyring, Member, _hex
from por.reserves.oracle import PriceSource, SignedReport
from por.reserves.policy import CONFIG_FORMAT, Evaluation, ReservesConfig
from por.units import PRICE_SCALE, format_time, parse_time

CONFIG_KEY = "reserves"
COLLECT_ENTRY = "reserves.collect"


def keyring_from_ledger(ledger: Any) -> Keyring:
    """The ledger's members as a keyring (revoked members keep their entry, marked revoked)."""
    return keyring_from_members(ledger.members())


def keyring_from_members(members: Iterable[dict[str, Any]]) -> Keyring:
    """Member records as :meth:`Ledger.members` gives them (or one state of
    :meth:`Ledger.member_history`) as a keyring. The ledger's schema checked each record's id, roles
    and keys when it was appended (and its replay checks them again); the keys' lengths are checked
    here once more (UsageError)."""
    def key(value: Any, what: str, length: int) -> bytes | None:
        return _hex(value, what, length) if value else None

    return Keyring.of(Member(
        id=str(m["id"]), roles=frozenset(m.get("roles") or []),
        bls_public_key=key(m.get("bls_public_key"), f"member {m['id']}: bls_public_key", bls.PK_BYTES),
        bls_pop=key(m.get("bls_pop"), f"member {m['id']}: bls_pop", bls.SIG_BYTES),
        ed25519_public_key=key(m.get("ed25519"), f"member {m['id']}: ed25519_public_key", 32),
        revoked_at=None if m.get("status", "active") == "active" else f"ledger seq {m.get('updated_seq')}")
        for m in members)


def reserves_config(ledger: Any, at_seq: int | None = None) -> ReservesConfig:
    """The governed reserves configuration (now, or in force after journal entry ``at_seq``); asset
    decimals default to the ledger's asset table.

    Raises:
        UsageError: the ledger holds no ``reserves`` configuration.
    """
    cfg = (ledger.config() if at_seq is None else ledger.config_at(at_seq)).get(CONFIG_KEY)
    if cfg is None:
        raise UsageError(f"the ledger has no {CONFIG_KEY!r} configuration (set it with config.set)")
    cfg = dict(cfg)
    assets = {a: dict(spec) for a, spec in dict(cfg.get("assets", {})).items()}
    try:
        ledger_assets = ledger.assets()
    except Exception:  # pragma: no cover - a ledger without an asset table
        ledger_assets = {}
    for code, spec in assets.items():
        if "decimals" not in spec and code in ledger_assets:
            spec["decimals"] = int(ledger_assets[code].decimals)
    cfg["assets"] = assets
    cfg.setdefault("format", CONFIG_FORMAT)
    return ReservesConfig.from_dict(cfg)


def set_reserves_config(ledger: Any, governors: Sequence[Any], config: ReservesConfig) -> Any:
    """Record the reserves configuration as a governed ``config.set`` entry (governor quorum)."""
    return ledger.set_config(governors, CONFIG_KEY, config.to_dict())


def register_bls_key(ledger: Any, signers: Sequence[Any], member_id: str, public_key: bytes, pop: bytes) -> Any:
    """Record a member's BLS key, after checking its proof of possession here (rogue-key defence).

    Raises:
        UsageError: the proof of possession does not verify.
    """
    if not bls.pop_verify(public_key, pop):
        raise UsageError(f"the BLS key of {member_id} has no valid proof of possession; not recorded")
    return ledger.set_bls_key(signers, member_id, public_key.hex(), pop.hex())


def install_price_source(ledger: Any, reports: Callable[[], Iterable[SignedReport]], *,
                         config: ReservesConfig | None = None, keyring: Keyring | None = None,
                         clock: Callable[[], datetime] | None = None) -> Callable[[str], int]:
    """Make the ledger price assets by the oracle quorum median (returns the installed function).

    The keyring and configuration are read from the ledger unless given. The quote asset itself (the
    reporting currency) is priced at 10^8 when it has no oracle policy.
    """
    from por.errors import PriceUnavailableError

    cfg = config or reserves_config(ledger)
    kr = keyring or keyring_from_ledger(ledger)
    source = PriceSource(reports, cfg.price, kr, clock)

    def current_price(asset: str) -> int:
        if asset == cfg.reporting_currency and asset not in cfg.price:
            return PRICE_SCALE
        try:
            return source(asset)
        except PriceError as exc:
            raise PriceUnavailableError(exc.diagnostics()) from exc

    ledger.set_price_source(current_price)
    return current_price


def collection_record(epoch_id: str, evaluation: Evaluation) -> dict[str, Any]:
    """The payload recorded for one attestation collection: every statement, counted or not, and why."""
    return {"epoch_id": epoch_id, "totals": evaluation.totals(),
            "attestations": [{"statement_id": o.statement_id, "label": o.label, "asset": o.asset,
                              "custodian": o.custodian_id, "amount": o.amount, "counted": o.counted,
                              "reason": o.reason, "signers": list(o.signers)} for o in evaluation.outcomes]}


def record_collection(ledger: Any, operator: Any, epoch_id: str, evaluation: Evaluation) -> Any:
    """Append the collection record as a ``reserves.collect`` entry signed by the operator.

    Raises:
        UsageError: the ledger does not define the ``reserves.collect`` entry type yet.
    """
    from por.ledger.journal import ENTRY_TYPES

    if COLLECT_ENTRY not in ENTRY_TYPES:
        raise UsageError(f"the ledger has no {COLLECT_ENTRY!r} entry type; record the collection with the epoch")
    return ledger.submit(operator, COLLECT_ENTRY, collection_record(epoch_id, evaluation))


# ----------------------------------------------------------- what an epoch reads from the journal
# These read the signed journal (entry bodies), never the derived tables: the auditor's ledger replay
# (protocol §9.5 step 12) checks the journal, while the tables are what a database writer could rewrite.


def ledger_time(text: Any) -> datetime:
    """A ledger entry time (``YYYY-MM-DDTHH:MM:SS.ffffffZ``, or whole seconds) as an aware datetime.

    Raises:
        UsageError: any other form.
    """
    try:
        return parse_time(text, "ledger time", fraction=True)
    except EncodingError:
        raise UsageError(f"{text!r} is not a ledger time (YYYY-MM-DDTHH:MM:SS.ffffffZ)") from None


def entry_time(ledger: Any, seq: int) -> str:
    """The signed time of journal entry ``seq`` (the epoch's cut-off when ``seq`` is its journal_seq)."""
    return str(ledger.entry(seq)["body"].get("time"))


def reserves_config_entry(ledger: Any, at_seq: int) -> dict[str, Any] | None:
    """``{"seq", "entry_hash"}`` of the journal entry that set the ``reserves`` configuration in force
    after entry ``at_seq`` (the last ``config.set`` of that key, or the genesis that carried it)."""
    found: dict[str, Any] | None = None
    for seq, h, body in ledger.journal_bodies(("genesis", "config.set"), at_seq):
        p = body.get("payload") or {}
        if (body.get("type") == "genesis" and CONFIG_KEY in dict(p.get("config") or {})) or (
                body.get("type") == "config.set" and p.get("key") == CONFIG_KEY):
            found = {"seq": seq, "entry_hash": h}
    return found


def config_ref(ledger: Any, config: ReservesConfig, at_seq: int) -> dict[str, Any]:
    """What the manifest carries as the reserves configuration's identity (protocol §9.4):
    ``{"seq", "entry_hash"}`` of its governing entry and the SHA-256 of its canonical JSON."""
    entry = reserves_config_entry(ledger, at_seq)
    if entry is None:
        raise UsageError(f"the ledger has no {CONFIG_KEY!r} configuration entry at or before entry {at_seq}")
    return {**entry, "sha256": config.sha256}


def ledger_price_observations(ledger: Any, at_seq: int) -> dict[str, list[Any]]:
    """Per asset, the oracles' signed ``price`` entries at or before entry ``at_seq`` as observations."""
    from por.reserves.oracle import Observation

    out: dict[str, list[Any]] = {}
    for seq, _, body in ledger.journal_bodies(("price",), at_seq):
        p = body.get("payload") or {}
        price = p.get("price_e8")
        if type(price) is not int or price <= 0 or not isinstance(p.get("asset"), str):
            continue  # the ledger refuses such an entry; its replay names it
        out.setdefault(p["asset"], []).append(Observation(str(body.get("signer")), price,
                                                          ledger_time(body.get("time")), seq))
    return out


def ledger_quotes(ledger: Any, config: ReservesConfig, assets: Iterable[str], at_seq: int,
                  cutoff_time: str) -> dict[str, dict[str, Any]]:
    """The prices of record of an epoch (protocol §9.2): per asset the quorum median, under the
    governed price policy, of the oracles' ``price`` entries in the journal at or before the cut-off
    entry ``at_seq``, judged at its time ``cutoff_time``; the reporting currency is 10^8.

    Raises:
        PriceError: an asset has no quorum price.
        UsageError: an asset has no price policy.
    """
    from por.reserves.oracle import quorum_median
    now = ledger_time(cutoff_time)
    obs = ledger_price_observations(ledger, at_seq)
    out: dict[str, dict[str, Any]] = {}
    for asset in sorted(set(assets)):
        if asset == config.reporting_currency and asset not in config.price:
            out[asset] = {"asset": asset, "price_e8": PRICE_SCALE, "time": format_time(now), "oracles": [],
                          "entries": [], "dropped": [], "reporting_currency": True}
            continue
        pol = config.price.get(asset)
        if pol is None:
            raise UsageError(f"no oracle policy for {asset}: set one in the reserves configuration")
        price, latest, used, dropped = quorum_median(obs.get(asset, []), pol, now)
        out[asset] = {"asset": asset, "price_e8": price, "time": format_time(latest),
                      "oracles": [o.oracle_id for o in used], "entries": [o.source for o in used],
                      "dropped": [{"oracle_id": o, "reason": why} for o, why in dropped]}
    return out
