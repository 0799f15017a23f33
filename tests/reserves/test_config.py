"""The governed reserves configuration: decimals and haircuts, its identity, and the collateral terms
derived from it (docs/protocol.md §8.8, §9.2; issue 14 row D)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from por.errors import PorError, UsageError
from por.reserves.oracle import OraclePolicy
from por.reserves.policy import (
    DEFAULT_HAIRCUT_BPS,
    ReservesConfig,
    collateral_prices_of,
    collateral_terms,
    config_sha256,
    haircuts_of,
)

CFG = ReservesConfig("USD", 2, {"USD": 2, "AAPL": 4, "MSFT": 0}, {},
                     {a: OraclePolicy(a, frozenset({"o1"})) for a in ("AAPL", "MSFT")}, {"MSFT": 5000})
PRICES = {"USD": 10**8, "AAPL": 190 * 10**8, "MSFT": 400 * 10**8}


def test_haircuts_are_governed_with_defaults() -> None:
    assert haircuts_of(CFG, PRICES) == {"AAPL": DEFAULT_HAIRCUT_BPS, "MSFT": 5000, "USD": 10_000}
    d = CFG.to_dict()
    assert d["assets"]["AAPL"]["haircut_bps"] == 7500 and d["assets"]["USD"]["haircut_bps"] == 10_000
    assert ReservesConfig.from_dict(d) == CFG  # the resolved form reads back as the same configuration
    assert ReservesConfig.from_dict(d).sha256 == CFG.sha256 == config_sha256(d)


@pytest.mark.parametrize("value", [-1, 10_001, 1.5, "7500", True, None])
def test_bad_haircut_is_refused(value: Any) -> None:
    d = CFG.to_dict()
    d["assets"]["AAPL"]["haircut_bps"] = value
    with pytest.raises(UsageError, match="haircut_bps"):
        ReservesConfig.from_dict(d)


def test_identity_changes_with_any_figure() -> None:
    base = CFG.to_dict()
    for path in (("AAPL", "decimals", 0), ("AAPL", "haircut_bps", 10_000), ("MSFT", "decimals", 2)):
        d = copy.deepcopy(base)
        d["assets"][path[0]][path[1]] = path[2]
        assert config_sha256(d) != CFG.sha256


def test_collateral_prices_use_the_configurations_decimals() -> None:
    cp = collateral_prices_of(CFG, PRICES)
    assert cp == {"AAPL": 190 * 10**8, "MSFT": 400 * 10**8 * 10**4, "USD": 10**8 * 10**2}
    with pytest.raises(UsageError, match="BTC"):
        collateral_prices_of(CFG, {**PRICES, "BTC": 1})


def test_collateral_terms_of_a_manifest_refuse_free_fields() -> None:
    """A verifier of collateral proofs takes prices and haircuts from the configuration; a manifest
    whose own fields say otherwise (AAPL at 0 decimals, a 10000 bps haircut) is refused."""
    signed = {"reserves_config": CFG.to_dict(), "prices": PRICES,
              "collateral_prices": collateral_prices_of(CFG, PRICES), "haircuts_bps": haircuts_of(CFG, PRICES)}
    assert collateral_terms(signed) == (signed["collateral_prices"], signed["haircuts_bps"])
    inflated = {**signed, "collateral_prices": {**signed["collateral_prices"], "AAPL": 190 * 10**8 * 10**4}}
    full = {**signed, "haircuts_bps": {**signed["haircuts_bps"], "AAPL": 10_000}}
    as_text = {**signed, "prices": {**PRICES, "AAPL": str(PRICES["AAPL"])}}  # a price as a string, not a price_e8
    for bad in (inflated, full, {**signed, "reserves_config": {"format": "x"}}, {**signed, "prices": [1]}, as_text,
                {**signed, "prices": {**PRICES, "AAPL": True}}):
        with pytest.raises(PorError):
            collateral_terms(bad)
