"""The governed reserves configuration: decimals and haircuts, its identity, and the collateral terms
derived from it (docs/protocol.md §8.8, §9.2; issue 14 row D)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from por.bundle._model import validate
from por.bundle.manifest import ManifestBody
from por.bundle.reserves import ReservesConfig as ReservesConfigModel
from por.errors import DocumentError, UsageError
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


def _manifest(**changes: Any) -> dict[str, Any]:
    """A manifest's signed body (plain tree, no files) carrying CFG and PRICES, with ``changes``."""
    cols = [["USD", "equity"], ["AAPL", "equity"], ["MSFT", "equity"], ["USD", "debt"]]
    body: dict[str, Any] = {
        "format": "por-manifest/1", "protocol": "por-v1", "epoch_id": "e1", "journal_seq": 1,
        "cutoff_time": "2024-06-30T12:00:00.000000Z", "nonce": "a1" * 32,
        "ledger_log": {"size": 1, "root": "00" * 32, "previous": None, "consistency_proof": None},
        "columns": [{"asset": a, "kind": k} for a, k in cols], "assets": {a: {"decimals": d} for a, d in CFG.decimals.items()},
        "reporting_currency": "USD", "reporting_decimals": 2,
        "tree": {"mode": "plain", "epoch_id": "e1", "columns": cols, "height": 1, "block_size": 1, "root_hash": "00" * 32,
                 "root": ["0"] * len(cols), "context": "", "statements": {}, "leaf_format": "por-leaf/2",
                 "store": "tree.sqlite"},
        "statements": {}, "disclosure": "hidden",
        "epoch_context": {"epoch_id": "e1", "nonce": "a1" * 32, "window_start": "2024-06-30T00:00:00Z",
                          "window_end": "2024-06-30T12:00:00Z"},
        "reserves_config": CFG.to_dict(), "reserves_config_ref": {"seq": 1, "entry_hash": "00" * 32, "sha256": CFG.sha256},
        "reserves": {}, "prices": PRICES, "haircuts_bps": haircuts_of(CFG, PRICES),
        "collateral_prices": collateral_prices_of(CFG, PRICES), "previous": None, "created_at": "2024-06-30T12:00:00Z",
        "files": {}}
    return {**body, **changes}


def test_collateral_terms_of_a_manifest_refuse_free_fields() -> None:
    """A verifier of collateral proofs takes prices and haircuts from the configuration; a manifest
    whose own fields say otherwise (AAPL at 0 decimals, a 10000 bps haircut) is refused. The terms
    are derived from the manifest's model: what it refuses (a price as a string) never gets there."""
    signed = _manifest()
    assert collateral_terms(validate(ManifestBody, signed, "manifest")) == (signed["collateral_prices"],
                                                                             signed["haircuts_bps"])
    inflated = _manifest(collateral_prices={**signed["collateral_prices"], "AAPL": 190 * 10**8 * 10**4})
    full = _manifest(haircuts_bps={**signed["haircuts_bps"], "AAPL": 10_000})
    no_decimals = copy.deepcopy(signed)
    del no_decimals["reserves_config"]["assets"]["MSFT"]
    for bad in (inflated, full, no_decimals):
        with pytest.raises(UsageError):
            collateral_terms(validate(ManifestBody, bad, "manifest"))
    for unparsed, field in ((_manifest(reserves_config={"format": "x"}), "reserves_config"),
                            (_manifest(prices=[1]), "prices"),
                            (_manifest(prices={**PRICES, "AAPL": str(PRICES["AAPL"])}), "prices.AAPL"),
                            (_manifest(prices={**PRICES, "AAPL": True}), "prices.AAPL")):
        with pytest.raises(DocumentError, match=field):
            validate(ManifestBody, unparsed, "manifest")


def test_the_written_form_reads_through_the_published_model() -> None:
    """A configuration as governors write it (defaults left out) resolves to the form a manifest
    publishes, and both read to the same configuration; a rule of the published model (an asset
    code, a member id, the decimals bound, an unknown field) holds for the written form too."""
    written = {"format": "por-reserves-config/1",
               "assets": {"USD": {"decimals": 2}, "AAPL": {"decimals": 4, "price": {"oracles": ["o1"]}},
                          "MSFT": {"decimals": 0, "haircut_bps": 5000, "price": {"oracles": ["o1"]}}}}
    cfg = ReservesConfig.from_dict(written)
    assert cfg == CFG and ReservesConfig.from_model(validate(ReservesConfigModel, cfg.to_dict(), "cfg")) == CFG
    for path, value, field in ((("AAPL", "decimals"), 19, "decimals"), (("AAPL", "price", "oracles"), [""], "oracles"),
                               (("AAPL", "price", "quorum"), 2, "quorum"), (("AAPL", "colour"), "red", "colour")):
        d = copy.deepcopy(written)
        spot = d["assets"]
        for key in path[:-1]:
            spot = spot[key]
        spot[path[-1]] = value
        with pytest.raises(UsageError, match=f"reserves configuration: assets.AAPL.*{field}"):
            ReservesConfig.from_dict(d)
    with pytest.raises(UsageError, match="assets"):
        ReservesConfig.from_dict({**written, "assets": {"not an asset!": {"decimals": 2}}})
