"""The ledger seam: keyring and governed reserves settings from a real (SQLite) ledger, price hook."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from por.crypto import bls
from por.errors import PriceUnavailableError, UsageError
from por.reserves import ledger_adapter as LA
from por.reserves.oracle import OraclePolicy, PriceReport, sign_report
from por.reserves.policy import ReservePolicy, ReservesConfig

ledger_api = pytest.importorskip("por.ledger.api")
keys = pytest.importorskip("por.ledger.keys")

NOW = datetime(2024, 6, 30, 12, 0, 0, tzinfo=UTC)


def test_ledger_round_trip(tmp_path: Path) -> None:
    S = keys.Signer
    op, aud = S("operator", keys.from_seed("op")), S("auditor", keys.from_seed("aud"))
    bank, o1 = S("bank-a", keys.from_seed("bank")), S("oracle-1", keys.from_seed("o1"))
    led = ledger_api.Ledger.open(f"sqlite:///{tmp_path / 'l.db'}")
    led.genesis(op, aud, others=[(bank, ["custodian"]), (o1, ["oracle"])], quorum=2)
    sk = bls.keygen(b"bank-a".ljust(32, b"\x00"))
    with pytest.raises(UsageError):  # a key whose PoP fails is refused before it reaches the ledger
        LA.register_bls_key(led, [bank], "bank-a", bls.sk_to_pk(sk), bls.pop_prove(bls.keygen(b"x" * 32)))
    LA.register_bls_key(led, [bank], "bank-a", bls.sk_to_pk(sk), bls.pop_prove(sk))
    osk = bls.keygen(b"oracle-1".ljust(32, b"\x00"))
    LA.register_bls_key(led, [o1], "oracle-1", bls.sk_to_pk(osk), bls.pop_prove(osk))
    kr = LA.keyring_from_ledger(led)
    assert kr.pop_ok(kr.members["bank-a"]) and kr.members["bank-a"].has_role("custodian")
    assert kr.members["oracle-1"].ed25519_public_key is not None

    cfg = ReservesConfig("USD", 2, {"BTC": 8, "USD": 2},
                         {"BTC": ReservePolicy("BTC", frozenset({"bank-a"}), frozenset({"auditor"}), 1)},
                         {"BTC": OraclePolicy("BTC", frozenset({"oracle-1"}), 1, 600, 100)})
    with pytest.raises(UsageError):  # nothing governed yet: a clear refusal
        LA.reserves_config(led)
    LA.set_reserves_config(led, [op, aud], cfg)
    assert LA.reserves_config(led) == cfg

    rep = sign_report(PriceReport("oracle-1", "BTC", 6_000_000_000_000, "2024-06-30T11:59:00Z", "2024-06",
                                  "2024-06-30T12:00:00Z"), bls_secret_key=osk)
    price = LA.install_price_source(led, lambda: [rep], config=cfg, clock=lambda: NOW)
    assert led.current_price("BTC") == 6_000_000_000_000 and price("USD") == 10**8
    LA.install_price_source(led, lambda: [], config=cfg, clock=lambda: NOW)
    with pytest.raises(PriceUnavailableError, match="BTC"):
        led.current_price("BTC")
    led.revoke_member([op, aud], "bank-a")
    assert LA.keyring_from_ledger(led).members["bank-a"].revoked
    led.close()
