"""Price reports: signatures (BLS and Ed25519), quorum median, freshness, dispersion, unknown signers."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime, timedelta

import pytest

from por.errors import EncodingError, PriceError, ReservesError
from por.reserves import oracle as O
from por.reserves.attestation import format_time

from .conftest import World

NOW = datetime(2024, 6, 30, 12, 0, 0, tzinfo=UTC)
POLICY = O.OraclePolicy("BTC", frozenset({"oracle-1", "oracle-2", "oracle-3", "oracle-4"}), quorum=3,
                        max_age_seconds=600, max_dispersion_bps=100)


def rep(w: World, oracle: str, price: int, age_s: int = 10, asset: str = "BTC") -> O.SignedReport:
    r = O.PriceReport(oracle, asset, price, format_time(NOW - timedelta(seconds=age_s)))
    if oracle in w.ed:
        return O.sign_report(r, ed25519_key=w.ed[oracle])
    return O.sign_report(r, bls_secret_key=w.secret.get(oracle) or w.secret["bank-a"])


def test_encoding() -> None:
    r = O.PriceReport("o1", "BTC", 6_500_000_000_000, "2024-06-30T12:00:00Z")
    assert r.encode() == (b"\x00\x00\x00\x13por/v1/price-report" + b"\x00\x00\x00\x02o1" + b"\x00\x00\x00\x03BTC"
                          + (6_500_000_000_000).to_bytes(16, "big") + b"\x00\x00\x00\x142024-06-30T12:00:00Z")
    for bad in [dataclasses.replace(r, price_e8=0), dataclasses.replace(r, price_e8=1.5),
                dataclasses.replace(r, time="yesterday")]:
        with pytest.raises(EncodingError):
            bad.encode()


def test_median_of_quorum_bls_and_ed25519(world: World) -> None:
    reports = [rep(world, "oracle-1", 100_00000000), rep(world, "oracle-2", 100_50000000),
               rep(world, "oracle-4", 99_90000000)]
    q = O.aggregate_price(reports, POLICY, world.keyring, NOW)
    assert q.price_e8 == 100_00000000 and len(q.used) == 3 and not q.dropped
    assert {r.scheme for r in q.used} == {"bls", "ed25519"}


def test_file_round_trip(world: World, tmp_path) -> None:  # type: ignore[no-untyped-def]
    sr = rep(world, "oracle-1", 123)
    (tmp_path / "r.json").write_text(json.dumps(sr.to_dict()))
    assert O.SignedReport.load(tmp_path / "r.json") == sr


def test_stale_report(world: World) -> None:
    reports = [rep(world, "oracle-1", 100_00000000), rep(world, "oracle-2", 100_00000000),
               rep(world, "oracle-3", 100_00000000, age_s=601)]
    with pytest.raises(PriceError) as ei:
        O.aggregate_price(reports, POLICY, world.keyring, NOW)
    assert ei.value.kind == "stale" and ei.value.asset == "BTC" and "oracle-3" in str(ei.value)
    # a report from the future beyond the skew allowance is refused too
    future = rep(world, "oracle-3", 100_00000000, age_s=-120)
    with pytest.raises(PriceError, match="future"):
        O.aggregate_price(reports[:2] + [future], POLICY, world.keyring, NOW)


def test_unknown_oracle(world: World) -> None:
    reports = [rep(world, "oracle-1", 100), rep(world, "oracle-2", 100), rep(world, "bank-a", 100)]
    with pytest.raises(PriceError) as ei:
        O.aggregate_price(reports, POLICY, world.keyring, NOW)
    assert ei.value.kind == "unknown-signer" and "bank-a" in str(ei.value)
    # listed by the policy but not a member with the oracle role: also an unknown signer
    pol = dataclasses.replace(POLICY, oracles=POLICY.oracles | {"bank-a"})
    with pytest.raises(PriceError) as ei:
        O.aggregate_price(reports, pol, world.keyring, NOW)
    assert ei.value.kind == "unknown-signer" and "oracle role" in str(ei.value)


def test_forged_report_does_not_count(world: World) -> None:
    good = rep(world, "oracle-1", 100)
    forged = dataclasses.replace(good, report=dataclasses.replace(good.report, price_e8=1))
    forged_ed = rep(world, "oracle-4", 100)
    forged_ed = dataclasses.replace(forged_ed, report=dataclasses.replace(forged_ed.report, price_e8=1))
    with pytest.raises(PriceError, match="does not verify"):
        O.aggregate_price([forged, forged_ed, rep(world, "oracle-2", 100)], POLICY, world.keyring, NOW)


def test_outlier_beyond_dispersion_limit(world: World) -> None:
    reports = [rep(world, "oracle-1", 100_00000000), rep(world, "oracle-2", 100_20000000),
               rep(world, "oracle-3", 102_00000000), rep(world, "oracle-4", 99_95000000)]
    q = O.aggregate_price(reports, POLICY, world.keyring, NOW)  # 4 reports, the outlier is dropped, 3 remain
    assert q.price_e8 == 100_00000000
    assert [o for o, _ in q.dropped] == ["oracle-3"] and "outlier" in q.dropped[0][1]
    with pytest.raises(PriceError) as ei:  # with only 3 reports, dropping the outlier breaks the quorum
        O.aggregate_price(reports[:3], POLICY, world.keyring, NOW)
    assert ei.value.kind == "dispersed" and "bps" in str(ei.value)


def test_too_few_and_newest_per_oracle(world: World) -> None:
    with pytest.raises(PriceError) as ei:
        O.aggregate_price([], POLICY, world.keyring, NOW)
    assert ei.value.kind == "too-few" and isinstance(ei.value, ReservesError)
    # one oracle reporting three times is one report (its newest), not a quorum
    same = [rep(world, "oracle-1", 100, age_s=a) for a in (30, 20, 10)]
    with pytest.raises(PriceError):
        O.aggregate_price(same, POLICY, world.keyring, NOW)
    q = O.aggregate_price(same + [rep(world, "oracle-2", 100), rep(world, "oracle-4", 100)], POLICY, world.keyring, NOW)
    assert q.time == format_time(NOW - timedelta(seconds=10))


def test_price_source_for_the_circuit_breaker(world: World) -> None:
    reports = [rep(world, o, 100_00000000) for o in ("oracle-1", "oracle-2", "oracle-4")]
    src = O.price_source(reports, {"BTC": POLICY}, world.keyring, clock=lambda: NOW)
    assert src("BTC") == 100_00000000
    with pytest.raises(PriceError):
        src("ETH")
    later = O.price_source(reports, {"BTC": POLICY}, world.keyring, clock=lambda: NOW + timedelta(hours=1))
    with pytest.raises(PriceError) as ei:
        later("BTC")
    assert ei.value.kind == "stale"
