"""Price reports: signatures (BLS and Ed25519), quorum median, freshness, dispersion, unknown signers."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from por.errors import EncodingError, PriceError, ReservesError
from por.reserves import oracle as O
from por.units import format_time

from .conftest import World

NOW = datetime(2024, 6, 30, 12, 0, 0, tzinfo=UTC)
EPOCH = ("2024-06", "2024-06-30T12:00:00Z")  # (epoch id, cut-off) every report here is bound to
POLICY = O.OraclePolicy("BTC", frozenset({"oracle-1", "oracle-2", "oracle-3", "oracle-4"}), quorum=3,
                        max_age_seconds=600, max_dispersion_bps=100)


def rep(w: World, oracle: str, price: int, age_s: int = 10, asset: str = "BTC",
        epoch: tuple[str, str] = EPOCH) -> O.SignedReport:
    r = O.PriceReport(oracle, asset, price, format_time(NOW - timedelta(seconds=age_s)), *epoch)
    if oracle in w.ed:
        return O.sign_report(r, ed25519_key=w.ed[oracle])
    return O.sign_report(r, bls_secret_key=w.secret.get(oracle) or w.secret["bank-a"])


def test_encoding() -> None:
    r = O.PriceReport("o1", "BTC", 6_500_000_000_000, "2024-06-30T11:59:30Z", "epoch-0002", "2024-06-30T12:00:00Z")
    body = (b"\x00\x00\x00\x0aepoch-0002" + b"\x00\x00\x00\x142024-06-30T12:00:00Z" + b"\x00\x00\x00\x02o1"
            + b"\x00\x00\x00\x03BTC" + (6_500_000_000_000).to_bytes(16, "big") + b"\x00\x00\x00\x142024-06-30T11:59:30Z")
    assert r.encode() == body
    assert r.message == b"por/v1/price-report\x00" + body and O.REPORT_DOMAIN == b"por/v1/price-report\x00"
    doc = (Path(__file__).resolve().parents[2] / "docs" / "protocol.md").read_text()
    assert r.message.hex() in doc.replace(" ", "").replace("\n", ""), "the §8.5 example is not this message"
    for bad in [dataclasses.replace(r, price_e8=0), dataclasses.replace(r, price_e8=1.5),
                dataclasses.replace(r, time="yesterday"), dataclasses.replace(r, epoch_id=""),
                dataclasses.replace(r, cutoff="2024-06-30 12:00")]:
        with pytest.raises(EncodingError):
            bad.encode()


def test_report_signature_does_not_verify_for_another_purpose(world: World) -> None:
    """An oracle's signature (Ed25519 and BLS) is over the v1/price-report signing input: the same
    key's signature over the same report bytes for any other purpose does not verify as a report,
    and the report's signature does not verify for any other purpose."""
    from cryptography.exceptions import InvalidSignature

    from por.crypto import bls
    from por.signing import PURPOSES, signing_input

    for oracle in ("oracle-1", "oracle-4"):
        sr = rep(world, oracle, 100_00000000)
        body = sr.report.encode()
        assert O.verify_report(sr, world.keyring) is None
        for purpose in PURPOSES:
            if purpose == "v1/price-report":
                continue
            if sr.scheme == "ed25519":
                other = world.ed[oracle].sign(signing_input(purpose, body))
                with pytest.raises(InvalidSignature):
                    world.ed[oracle].public_key().verify(sr.signature, signing_input(purpose, body))
            else:
                sk = world.secret.get(oracle) or world.secret["bank-a"]
                other = bls.sign(sk, signing_input(purpose, body))
                assert not bls.verify(bls.sk_to_pk(sk), signing_input(purpose, body), sr.signature)
            forged = dataclasses.replace(sr, signature=other)
            assert O.verify_report(forged, world.keyring) == f"bad-signature: {'BLS' if sr.scheme == 'bls' else 'Ed25519'} signature does not verify", purpose


def test_reports_for_another_epoch_or_cutoff_do_not_count(world: World) -> None:
    """Bound reports: the previous epoch's reports, or this epoch's id with another cut-off, are
    dropped as wrong-epoch (the stale-prices-after-a-crash attack), and their signatures cannot be
    moved onto another epoch (the epoch is in the signed bytes)."""
    fresh = [rep(world, o, 100_00000000) for o in ("oracle-1", "oracle-2", "oracle-4")]
    assert O.aggregate_price(fresh, POLICY, world.keyring, NOW, epoch=EPOCH).price_e8 == 100_00000000
    old = [rep(world, o, 179_00000000, epoch=("2024-05", "2024-06-30T12:00:00Z"))
           for o in ("oracle-1", "oracle-2", "oracle-4")]
    with pytest.raises(PriceError) as ei:
        O.aggregate_price(old, POLICY, world.keyring, NOW, epoch=EPOCH)
    assert ei.value.kind == "wrong-epoch" and "2024-05" in str(ei.value)
    moved = [rep(world, o, 179_00000000, epoch=("2024-06", "2024-06-29T12:00:00Z"))
             for o in ("oracle-1", "oracle-2", "oracle-4")]
    with pytest.raises(PriceError, match="wrong-epoch"):
        O.aggregate_price(moved, POLICY, world.keyring, NOW, epoch=EPOCH)
    relabelled = [dataclasses.replace(sr, report=dataclasses.replace(sr.report, epoch_id="2024-06"))
                  for sr in old]  # the old signatures on the new epoch's id
    with pytest.raises(PriceError, match="does not verify"):
        O.aggregate_price(relabelled, POLICY, world.keyring, NOW, epoch=EPOCH)


def test_quorum_median_of_ledger_observations() -> None:
    """The ledger's price entries go through the same freshness, dispersion and quorum steps."""
    obs = [O.Observation("oracle-1", 100, NOW - timedelta(seconds=5), 7),
           O.Observation("oracle-2", 101, NOW - timedelta(seconds=700), 8),  # stale (limit 600 s)
           O.Observation("oracle-3", 100, NOW, 9), O.Observation("oracle-4", 100, NOW, 10),
           O.Observation("oracle-9", 1, NOW, 11)]  # not an oracle of the policy
    price, latest, used, dropped = O.quorum_median(obs, POLICY, NOW)
    assert price == 100 and latest == NOW and [o.source for o in used] == [7, 9, 10]
    assert {o for o, _ in dropped} == {"oracle-2", "oracle-9"}
    with pytest.raises(PriceError) as ei:
        O.quorum_median(obs[:3], POLICY, NOW)
    assert ei.value.kind == "stale"


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
