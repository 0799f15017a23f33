"""Step 13 of the auditor's verifier (docs/protocol.md §9.5): what the key-based and policy-based
checks rest on. Backed by what the verifier gives or by the ledger, they pass; resting on files the
operator writes, each such check is *untrusted* and fails unless the caller accepts that trust.
"""

from __future__ import annotations

from typing import Any

from por.reserves.policy import ReservesConfig
from por.result import Check, Result
from por.verify.context import Audit

#: checks whose verdict is only as good as the reserves configuration they used (decimals, haircuts,
#: reserve and price policies)
_CONFIGURED = ("reserves-config", "price.", "reserves.", "attestation.", "tree.collateral")
#: checks whose verdict is only as good as the keys they were checked with
_KEYED = ("price.", "reserves.", "attestation.", "signature.auditor.")
_NOT_KEYED = ("price.file", "price.collateral", "attestation.context")


def step_trust_keyring(a: Audit) -> None:
    """13. ``trust.keyring``: the keyring the verifier gives, or the ledger's members, or the bundle's own."""
    origin = "given" if a.given.keyring is not None else "ledger" if a.with_ledger else "bundle"
    _trust(a.res, origin, pinned=a.given.operator_key_pinned, accepted=a.given.trust_bundle_keyring,
           reporting=a.m.reporting_currency)


def step_trust_reserves_config(a: Audit) -> None:
    """13. ``trust.reserves-config``: the configuration the verifier gives, or the ledger's governed
    one, or the manifest's own (docs/protocol.md, threat model D).

    Why: the manifest carries its own reserves configuration; without the ledger's governed entry (or
    one the auditor holds) an operator could publish a quorum of one, a haircut of 10000 bps or an
    asset at 0 decimals, consistently everywhere, and every derived check would agree with it."""
    g, res, m = a.given, a.res, a.m
    check = "trust.reserves-config"
    if a.with_ledger:
        res.passed(check, "decimals, haircuts and policies are the manifest's reserves configuration, which "
                   "completeness.reserves-config compared with the ledger's governed one")
        return
    if g.reserves_config is not None:
        mine = ReservesConfig.from_dict(g.reserves_config.get()).to_dict()
        given = g.reserves_config_path
        published = m.reserves_config.to_json_value()
        if mine == published:
            res.passed(check, f"the manifest's reserves configuration is the one given by the verifier ({given})")
        else:
            differ = sorted(k for k in set(mine) | set(published) if mine.get(k) != published.get(k))
            res.failed(check, f"the manifest's reserves configuration differs from the one given by the verifier "
                       f"({given}; fields {differ})")
        return
    _untrusted_config(res, m.reporting_currency, g.trust_bundle_keyring)


def _untrusted_config(res: Result, reporting: str, accepted: bool) -> None:
    """Mark every configuration-based check untrusted, and say so in ``trust.reserves-config``."""
    check = "trust.reserves-config"
    note = " [checked only against the manifest's own reserves configuration, which the operator writes]"
    for i, c in enumerate(res.checks):
        if (c.ok and c.id.startswith(_CONFIGURED) and c.id not in _NOT_KEYED
                and not c.id.startswith("price.report.") and c.id != f"price.{reporting}"):
            res.checks[i] = Check(c.id, accepted, c.message if c.untrusted else c.message + note, untrusted=True)
    if accepted:
        res.checks.append(Check(check, True, "decimals, haircuts and reserve and price policies are the manifest's "
                                "own reserves configuration (the operator's word), accepted with "
                                "--trust-bundle-keyring", untrusted=True))
    else:
        res.checks.append(Check(check, False, "decimals, haircuts and reserve and price policies are the manifest's "
                                "own reserves configuration, which the operator writes: pass --reserves-config with "
                                "the governed configuration, or --ledger to check it against the journal, or accept "
                                "it with --trust-bundle-keyring", untrusted=True))


def _trust(res: Result, origin: str, *, pinned: bool, accepted: bool, reporting: str) -> None:
    """Say what the key-based checks rest on; without a keyring the verifier trusts, they are untrusted.

    Why: the bundle's ``keyring.json`` is written by the operator, who could list custodian and oracle
    keys of its own and sign any reserves and prices itself (docs/protocol.md, threat model F)."""
    if origin == "given":
        res.passed("trust.keyring", "attestations, prices and co-signatures were checked against the keyring "
                   "given by the verifier")
        return
    if origin == "ledger":
        res.passed("trust.keyring", "attestations, prices and co-signatures were checked against keyring.json, "
                   "which completeness.keyring compared with the ledger's governed members")
        return

    def keyed(c: Any) -> bool:
        if c.id in _NOT_KEYED or c.id.startswith("price.report.") or c.id == f"price.{reporting}":
            return False
        return c.id.startswith(_KEYED) or (c.id == "signature.operator" and not pinned)

    note = " [checked only against the bundle's own keyring.json, which the operator writes]"
    for i, c in enumerate(res.checks):
        if c.ok and keyed(c):
            res.checks[i] = Check(c.id, accepted, c.message + note, untrusted=True)
    what = "reserves, prices and co-signatures" + ("" if pinned else ", and the operator key itself,")
    if accepted:
        res.checks.append(Check("trust.keyring", True, f"{what} rest on the bundle's own keyring.json (the "
                                "operator's word), accepted with --trust-bundle-keyring", untrusted=True))
    else:
        res.checks.append(Check("trust.keyring", False, f"{what} rest on the bundle's own keyring.json, which "
                                "the operator writes: pass --keys with a keyring you trust, or --ledger to check it "
                                "against the governed members, or accept it with --trust-bundle-keyring",
                                untrusted=True))
