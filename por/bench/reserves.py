"""``por bench reserves``: verifying 1,000 attestations with 3 signers each.

Figures (seconds, for the whole set of 1,000 statements):

- ``reserves.attest.verify_1000.individual``: 3,000 :func:`por.crypto.bls.verify` calls;
- ``reserves.attest.verify_1000.aggregated``: 1,000 :func:`fast_aggregate_verify` calls (one aggregate
  signature per statement);
- ``reserves.attest.verify_1000.batched``: one :func:`batch_verify` over the 1,000 aggregates (one
  multi-pairing with random weights), what :func:`por.reserves.policy.evaluate` does;
- ``reserves.attest.evaluate_1000``: the full policy evaluation (keys, PoP, roles, quorum, batch);
- ``reserves.attest.verify_1000.py_ecc`` and ``.py_ecc_aggregated``: the same individual and
  aggregated verification with py_ecc only, measured on a sample and scaled linearly (py_ecc takes
  about 0.3 s a verification, so the full set would take tens of minutes).

The floor of the fast figures is the pairing cost alone, measured in the same run: the number of
pairing checks the method needs times the time of one 2-pair ``GT.pairing_check`` on points already
decoded and hashed (so the ratio shows what hashing to G2, decoding and subgroup checks add). The
batched figure's floor is one multi-pairing of the same size on pre-decoded points. ``--quick`` runs
100 statements and scales to 1,000 (the note says so).
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, cast

from por.bench import Figure, best_of
from por.crypto import bls
from por.reserves.attestation import Attestation, aggregate, request, sign
from por.reserves.keyring import Keyring, Member
from por.reserves.policy import EpochContext, ReservePolicy, evaluate

if TYPE_CHECKING:
    from eth_typing import BLSPubkey, BLSSignature

FULL = 1000
SIGNERS = 3


def _setup(n: int) -> tuple[list[Attestation], Keyring, dict[str, ReservePolicy], EpochContext]:
    names = ["custodian-1", "custodian-2", "auditor"]
    sks = {m: bls.keygen(m.encode().ljust(32, b"\x00")) for m in names}
    kr = Keyring.of(Member(m, frozenset({"auditor"} if m == "auditor" else {"custodian"}), bls.sk_to_pk(k),
                           bls.pop_prove(k)) for m, k in sks.items())
    nonce = "5a" * 32
    ctx = EpochContext("bench", nonce, "2024-01-01T00:00:00Z", "2024-12-31T23:59:59Z")
    pol = {"BTC": ReservePolicy("BTC", frozenset({"custodian-1"}), frozenset(names), quorum=3)}
    atts = []
    for i in range(n):
        a = request("bench", "custodian-1", "BTC", 1000 + i, f"acct-{i}", "2024-06-30T00:00:00Z", nonce)
        for m in names:
            a = sign(a, m, sks[m])
        atts.append(a)
    return atts, kr, pol, ctx


def run(quick: bool = False) -> list[Figure]:
    from py_arkworks_bls12381 import GT, G1Point, G2Point
    from py_ecc.bls import G2ProofOfPossession as P

    n = 100 if quick else FULL
    scale = FULL / n
    sample = 2 if quick else 6
    atts, kr, pol, ctx = _setup(n)
    singles = [(pk, a.message, e.signature) for a in atts for e in a.signatures for _, pk in e.signers]
    aggs = [aggregate(a) for a in atts]
    agg_items = [([pk for _, pk in a.signatures[0].signers], a.message, a.signatures[0].signature) for a in aggs]
    repeat = 3 if quick else 2

    t_ind = best_of(lambda: all(bls.verify(pk, m, s) for pk, m, s in singles), repeat) * scale
    t_agg = best_of(lambda: all(bls.fast_aggregate_verify(pks, m, s) for pks, m, s in agg_items), repeat) * scale
    batch = [(bls.aggregate_pks(pks), m, s) for pks, m, s in agg_items]
    t_batch = best_of(lambda: bls.batch_verify(batch), repeat) * scale
    t_eval = best_of(lambda: evaluate(aggs, kr, pol, ctx), repeat) * scale

    # the pairing floor: one 2-pair check on pre-decoded, pre-hashed points, and one big multi-pairing
    pk, msg, sig = singles[0]
    p1, s2 = G1Point.from_compressed_bytes(pk), G2Point.from_compressed_bytes(sig)
    h2 = G2Point.hash_to_curve(msg, bls.SIG_DST)
    neg_g1 = -G1Point()
    reps = 50

    def pairing_checks() -> None:
        for _ in range(reps):
            GT.pairing_check([neg_g1, p1], [s2, h2])

    t_pair = best_of(pairing_checks, 3) / reps
    g1s = [neg_g1] + [p1] * n
    g2s = [s2] + [h2] * n
    t_multi = best_of(lambda: GT.pairing_check(g1s, g2s), repeat) * scale

    # py_ecc only, on a sample, scaled to the set
    t0 = time.perf_counter()
    for pk_, m_, s_ in cast("list[tuple[BLSPubkey, bytes, BLSSignature]]", singles[:sample]):
        P.Verify(pk_, m_, s_)
    t_py_ind = (time.perf_counter() - t0) / sample * SIGNERS * FULL
    t0 = time.perf_counter()
    for pks_, m_, s_ in cast("list[tuple[list[BLSPubkey], bytes, BLSSignature]]", agg_items[:sample]):
        P.FastAggregateVerify(pks_, m_, s_)
    t_py_agg = (time.perf_counter() - t0) / sample * FULL

    q = f"quick: measured on {n} statements and scaled x{scale:g} to 1,000; " if quick else ""
    floor_note = "floor = pairing cost only (2-pair pairing_check on pre-decoded points x number of checks)"
    return [
        Figure("reserves.attest.verify_1000.individual", t_ind, "s", floor=t_pair * SIGNERS * FULL,
               note=q + f"3,000 BLS verifications (fast backend); {floor_note}; "
                    f"py_ecc/fast = {t_py_ind / t_ind:.0f}x"),
        Figure("reserves.attest.verify_1000.aggregated", t_agg, "s", floor=t_pair * FULL,
               note=q + f"1,000 fast_aggregate_verify (3 keys each); {floor_note}; "
                    f"py_ecc/fast = {t_py_agg / t_agg:.0f}x"),
        Figure("reserves.attest.verify_1000.batched", t_batch, "s", floor=t_multi,
               note=q + "one random-weight batch over the 1,000 aggregates; floor = one multi-pairing of "
                        "1,001 pre-decoded pairs"),
        Figure("reserves.attest.evaluate_1000", t_eval, "s", floor=t_multi,
               note=q + "full policy evaluation (keys, PoP cached, roles, nonce, window, quorum, batch)"),
        Figure("reserves.attest.verify_1000.py_ecc", t_py_ind, "s",
               note=f"py_ecc only, 3,000 Verify: measured on {sample} and scaled linearly"),
        Figure("reserves.attest.verify_1000.py_ecc_aggregated", t_py_agg, "s",
               note=f"py_ecc only, 1,000 FastAggregateVerify: measured on {sample} and scaled linearly"),
    ]
