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
from por.errors import PriceError, UsageError
from por.reserves.keyring import Keyring, Member
from por.reserves.oracle import PriceSource, SignedReport
from por.reserves.policy import CONFIG_FORMAT, Evaluation, ReservesConfig

CONFIG_KEY = "reserves"
COLLECT_ENTRY = "reserves.collect"


def keyring_from_ledger(ledger: Any) -> Keyring:
    """The ledger's members as a keyring (revoked members keep their entry, marked revoked)."""
    return keyring_from_members(ledger.members())


def keyring_from_members(members: Iterable[dict[str, Any]]) -> Keyring:
    """Member records as :meth:`Ledger.members` gives them (or one state of
    :meth:`Ledger.member_history`) as a keyring."""
    out = []
    for m in members:
        d = {"id": m["id"], "roles": list(m.get("roles") or []), "bls_public_key": m.get("bls_public_key"),
             "bls_pop": m.get("bls_pop"), "ed25519_public_key": m.get("ed25519"),
             "revoked_at": None if m.get("status", "active") == "active" else f"ledger seq {m.get('updated_seq')}"}
        out.append(Member.from_dict(d))
    return Keyring.of(out)


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
            return 10**8
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
