"""Generate the BLS test vectors in ``tests/vectors/bls/`` with py_ecc (the reference).

The format is the Ethereum ``bls12-381-tests`` one (``{"input": ..., "output": ...}`` per case, hex
with ``0x``; ``output: null`` where the operation must fail), over the same private keys and messages
those published vectors use, plus por's own cases (proof of possession, KeyGen, strict decoding).
``published.json`` holds a few outputs copied from the published Ethereum vectors; the test suite
checks that py_ecc and the fast implementation reproduce them, which anchors everything generated
here to the published suite.

Run ``python tests/vectors/generate_bls.py`` to rewrite the files; ``tests/crypto/test_bls.py`` regenerates
them in memory and requires byte equality with what is committed.
"""

from __future__ import annotations

import functools
import json
import sys
from pathlib import Path
from typing import Any

from py_ecc.bls import G2ProofOfPossession as _P
from py_ecc.bls.g2_primitives import G1_to_pubkey, subgroup_check
from py_ecc.bls.point_compression import decompress_G1, decompress_G2
from py_ecc.optimized_bls12_381 import field_modulus as Q


class P:
    """py_ecc's G2ProofOfPossession with signing memoised (the same signatures recur across files)."""

    SkToPk = staticmethod(functools.cache(_P.SkToPk))
    Sign = staticmethod(functools.cache(_P.Sign))
    PopProve = staticmethod(functools.cache(_P.PopProve))
    KeyGen = staticmethod(_P.KeyGen)

    @staticmethod
    def Aggregate(sigs: list[bytes]) -> bytes:
        return _P.Aggregate(sigs)


OUT = Path(__file__).resolve().parent / "bls"
SUITE = "BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_"

PRIVKEYS = [
    0x263DBD792F5B1BE47ED85F8938C0F29586AF0D3AC7B977F21C278FE1462040E3,
    0x47B8192D77BF871B62E87859D653922725724A5C031AFEABC60BCEF5FF665138,
    0x328388AFF0D4A5B7DC9205ABD374E7E98F3CD9F3418EDB4EAFDA5FB16473D216,
]
MESSAGES = [b"\x00" * 32, b"\x56" * 32, b"\xab" * 32]
SAMPLE_MESSAGE = b"\x12" * 32
Z1_PUBKEY = b"\xc0" + b"\x00" * 47
Z2_SIGNATURE = b"\xc0" + b"\x00" * 95
NO_SIGNATURE = b"\x00" * 96


def h(b: bytes) -> str:
    return "0x" + b.hex()


def sk_hex(k: int) -> str:
    return "0x" + k.to_bytes(32, "big").hex()


def tamper(sig: bytes) -> bytes:
    return sig[:-4] + b"\xff\xff\xff\xff"


def _g1_not_in_subgroup() -> bytes:
    """The first compressed G1 point (smallest x) on the curve but outside the r-order subgroup."""
    for x in range(1, 1000):
        z = (0x80 << 376) | x
        try:
            pt = decompress_G1(z)
        except ValueError:
            continue
        if not subgroup_check(pt):
            return z.to_bytes(48, "big")
    raise AssertionError("no point found")


def _g2_not_in_subgroup() -> bytes:
    for x in range(1, 1000):
        z1, z2 = 0x80 << 376, x
        try:
            pt = decompress_G2((z1, z2))
        except ValueError:
            continue
        if not subgroup_check(pt):
            return z1.to_bytes(48, "big") + z2.to_bytes(48, "big")
    raise AssertionError("no point found")


def _g1_off_curve() -> bytes:
    for x in range(1, 1000):
        z = (0x80 << 376) | x
        try:
            decompress_G1(z)
        except ValueError:
            return z.to_bytes(48, "big")
    raise AssertionError("no x found")


def _non_canonical(pks: list[bytes]) -> bytes:
    """A key's encoding with x replaced by x + p (same flags): the same point, not canonical."""
    mask = (1 << 381) - 1
    for pk in pks:
        z = int.from_bytes(pk, "big")
        if (z & mask) + Q <= mask:
            return ((z & ~mask) | ((z & mask) + Q)).to_bytes(48, "big")
    raise AssertionError("no key with a small enough x")


def cases() -> dict[str, Any]:
    pks = [bytes(P.SkToPk(k)) for k in PRIVKEYS]
    out: dict[str, list[dict[str, Any]]] = {}

    # sign
    sign = []
    for i, k in enumerate(PRIVKEYS):
        for j, m in enumerate(MESSAGES):
            sign.append({"name": f"sign_case_sk{i}_msg{j}",
                         "input": {"privkey": sk_hex(k), "message": h(m)}, "output": h(P.Sign(k, m))})
    sign.append({"name": "sign_case_zero_privkey",
                 "input": {"privkey": sk_hex(0), "message": h(MESSAGES[0])}, "output": None})
    sign.append({"name": "sign_case_privkey_equal_to_r",
                 "input": {"privkey": "0x73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001",
                           "message": h(MESSAGES[0])}, "output": None})
    out["sign"] = sign

    # verify
    ver = []
    for i, k in enumerate(PRIVKEYS):
        for j, m in enumerate(MESSAGES):
            sig = bytes(P.Sign(k, m))
            ver.append({"name": f"verify_valid_case_sk{i}_msg{j}",
                        "input": {"pubkey": h(pks[i]), "message": h(m), "signature": h(sig)}, "output": True})
            wrong = pks[(i + 1) % 3]
            ver.append({"name": f"verify_wrong_pubkey_case_sk{i}_msg{j}",
                        "input": {"pubkey": h(wrong), "message": h(m), "signature": h(sig)}, "output": False})
            ver.append({"name": f"verify_tampered_signature_case_sk{i}_msg{j}",
                        "input": {"pubkey": h(pks[i]), "message": h(m), "signature": h(tamper(sig))},
                        "output": False})
    ver.append({"name": "verify_infinity_pubkey_and_infinity_signature",
                "input": {"pubkey": h(Z1_PUBKEY), "message": h(SAMPLE_MESSAGE), "signature": h(Z2_SIGNATURE)},
                "output": False})
    sig0 = bytes(P.Sign(PRIVKEYS[0], SAMPLE_MESSAGE))
    ver.append({"name": "verify_pubkey_not_in_subgroup",
                "input": {"pubkey": h(_g1_not_in_subgroup()), "message": h(SAMPLE_MESSAGE), "signature": h(sig0)},
                "output": False})
    ver.append({"name": "verify_pubkey_off_curve",
                "input": {"pubkey": h(_g1_off_curve()), "message": h(SAMPLE_MESSAGE), "signature": h(sig0)},
                "output": False})
    ver.append({"name": "verify_pubkey_non_canonical_x_plus_p",
                "input": {"pubkey": h(_non_canonical(pks)), "message": h(SAMPLE_MESSAGE), "signature": h(sig0)},
                "output": False})
    ver.append({"name": "verify_signature_not_in_subgroup",
                "input": {"pubkey": h(pks[0]), "message": h(SAMPLE_MESSAGE), "signature": h(_g2_not_in_subgroup())},
                "output": False})
    ver.append({"name": "verify_signature_uncompressed_flag",
                "input": {"pubkey": h(pks[0]), "message": h(SAMPLE_MESSAGE),
                          "signature": h(bytes([sig0[0] & 0x7F]) + sig0[1:])}, "output": False})
    ver.append({"name": "verify_signature_wrong_length",
                "input": {"pubkey": h(pks[0]), "message": h(SAMPLE_MESSAGE), "signature": h(sig0[:95])},
                "output": False})
    ver.append({"name": "verify_pop_is_not_a_message_signature",
                "input": {"pubkey": h(pks[0]), "message": h(pks[0]), "signature": h(P.PopProve(PRIVKEYS[0]))},
                "output": False})
    out["verify"] = ver

    # aggregate
    agg = []
    for j, m in enumerate(MESSAGES):
        sigs = [bytes(P.Sign(k, m)) for k in PRIVKEYS]
        agg.append({"name": f"aggregate_msg{j}", "input": [h(s) for s in sigs], "output": h(P.Aggregate(sigs))})
    agg.append({"name": "aggregate_single_signature", "input": [h(sig0)], "output": h(sig0)})
    agg.append({"name": "aggregate_na_signatures", "input": [], "output": None})
    agg.append({"name": "aggregate_infinity_signature", "input": [h(Z2_SIGNATURE)], "output": h(Z2_SIGNATURE)})
    agg.append({"name": "aggregate_signature_not_in_subgroup", "input": [h(sig0), h(_g2_not_in_subgroup())],
                "output": None})
    agg.append({"name": "aggregate_garbage_signature", "input": [h(sig0), h(NO_SIGNATURE)], "output": None})
    out["aggregate"] = agg

    # fast_aggregate_verify
    fav = []
    for j, m in enumerate(MESSAGES):
        sigs = [bytes(P.Sign(k, m)) for k in PRIVKEYS]
        a = bytes(P.Aggregate(sigs))
        fav.append({"name": f"fast_aggregate_verify_valid_msg{j}",
                    "input": {"pubkeys": [h(p) for p in pks], "message": h(m), "signature": h(a)}, "output": True})
        fav.append({"name": f"fast_aggregate_verify_extra_pubkey_msg{j}",
                    "input": {"pubkeys": [h(p) for p in pks] + [h(pks[0])], "message": h(m), "signature": h(a)},
                    "output": False})
        fav.append({"name": f"fast_aggregate_verify_tampered_signature_msg{j}",
                    "input": {"pubkeys": [h(p) for p in pks], "message": h(m), "signature": h(tamper(a))},
                    "output": False})
        fav.append({"name": f"fast_aggregate_verify_missing_pubkey_msg{j}",
                    "input": {"pubkeys": [h(p) for p in pks[:2]], "message": h(m), "signature": h(a)},
                    "output": False})
    sig_s = [bytes(P.Sign(k, SAMPLE_MESSAGE)) for k in PRIVKEYS]
    fav.append({"name": "fast_aggregate_verify_infinity_pubkey",
                "input": {"pubkeys": [h(p) for p in pks] + [h(Z1_PUBKEY)], "message": h(SAMPLE_MESSAGE),
                          "signature": h(P.Aggregate(sig_s))}, "output": False})
    fav.append({"name": "fast_aggregate_verify_na_pubkeys_and_infinity_signature",
                "input": {"pubkeys": [], "message": h(SAMPLE_MESSAGE), "signature": h(Z2_SIGNATURE)}, "output": False})
    fav.append({"name": "fast_aggregate_verify_na_pubkeys_and_na_signature",
                "input": {"pubkeys": [], "message": h(SAMPLE_MESSAGE), "signature": h(NO_SIGNATURE)}, "output": False})
    # the rogue-key attack: pk_rogue = x*G - pk_victim; without a PoP check the victim "co-signs".
    victim, x = pks[0], PRIVKEYS[1]
    from py_ecc.bls.g2_primitives import pubkey_to_G1
    from py_ecc.optimized_bls12_381 import G1, add, multiply, neg
    rogue = bytes(G1_to_pubkey(add(multiply(G1, x), neg(pubkey_to_G1(victim)))))
    fav.append({"name": "fast_aggregate_verify_rogue_key_without_pop_verifies",
                "comment": "IETF FastAggregateVerify requires PoP-checked keys; this is why por checks every PoP",
                "input": {"pubkeys": [h(victim), h(rogue)], "message": h(SAMPLE_MESSAGE),
                          "signature": h(P.Sign(x, SAMPLE_MESSAGE))}, "output": True})
    out["fast_aggregate_verify"] = fav

    # aggregate_verify
    av = []
    sigs = [bytes(P.Sign(k, m)) for k, m in zip(PRIVKEYS, MESSAGES, strict=True)]
    a = bytes(P.Aggregate(sigs))
    av.append({"name": "aggregate_verify_valid",
               "input": {"pubkeys": [h(p) for p in pks], "messages": [h(m) for m in MESSAGES], "signature": h(a)},
               "output": True})
    av.append({"name": "aggregate_verify_tampered_signature",
               "input": {"pubkeys": [h(p) for p in pks], "messages": [h(m) for m in MESSAGES], "signature": h(tamper(a))},
               "output": False})
    av.append({"name": "aggregate_verify_swapped_messages",
               "input": {"pubkeys": [h(p) for p in pks], "messages": [h(m) for m in reversed(MESSAGES)],
                         "signature": h(a)}, "output": False})
    same = bytes(P.Aggregate([bytes(P.Sign(k, SAMPLE_MESSAGE)) for k in PRIVKEYS]))
    av.append({"name": "aggregate_verify_repeated_message_allowed_under_pop",
               "input": {"pubkeys": [h(p) for p in pks], "messages": [h(SAMPLE_MESSAGE)] * 3, "signature": h(same)},
               "output": True})
    av.append({"name": "aggregate_verify_infinity_pubkey",
               "input": {"pubkeys": [h(p) for p in pks] + [h(Z1_PUBKEY)],
                         "messages": [h(m) for m in MESSAGES] + [h(SAMPLE_MESSAGE)], "signature": h(a)},
               "output": False})
    av.append({"name": "aggregate_verify_na_pubkeys_and_infinity_signature",
               "input": {"pubkeys": [], "messages": [], "signature": h(Z2_SIGNATURE)}, "output": False})
    av.append({"name": "aggregate_verify_na_pubkeys_and_na_signature",
               "input": {"pubkeys": [], "messages": [], "signature": h(NO_SIGNATURE)}, "output": False})
    av.append({"name": "aggregate_verify_length_mismatch",
               "input": {"pubkeys": [h(p) for p in pks], "messages": [h(m) for m in MESSAGES[:2]], "signature": h(a)},
               "output": False})
    out["aggregate_verify"] = av

    # proof of possession and key generation (por's own format)
    pop = []
    for i, k in enumerate(PRIVKEYS):
        proof = bytes(P.PopProve(k))
        pop.append({"name": f"pop_valid_sk{i}", "input": {"privkey": sk_hex(k), "pubkey": h(pks[i])},
                    "output": h(proof), "verifies": True})
        pop.append({"name": f"pop_for_other_key_sk{i}", "input": {"pubkey": h(pks[(i + 1) % 3]), "proof": h(proof)},
                    "output": None, "verifies": False})
        pop.append({"name": f"message_signature_is_not_a_pop_sk{i}",
                    "input": {"pubkey": h(pks[i]), "proof": h(P.Sign(k, pks[i]))}, "output": None, "verifies": False})
    pop.append({"name": "pop_rogue_key_cannot_prove", "input": {"pubkey": h(rogue), "proof": h(P.PopProve(x))},
                "output": None, "verifies": False})
    pop.append({"name": "pop_infinity_pubkey", "input": {"pubkey": h(Z1_PUBKEY), "proof": h(Z2_SIGNATURE)},
                "output": None, "verifies": False})
    out["pop"] = pop

    kg = []
    for n, ikm in enumerate([bytes(range(32)), b"\x00" * 32, bytes.fromhex(
            "c55257c360c07c72029aebc1b53c05ed0362ada38ead3e3e9efa3708e53495531f09a6987599d18264c1e1c92f2cf141630c7a3c4ab7c81b2f001698e7463b04")]):
        k = P.KeyGen(ikm)
        kg.append({"name": f"keygen_{n}", "input": {"ikm": h(ikm), "key_info": "0x"},
                   "output": {"privkey": sk_hex(k), "pubkey": h(P.SkToPk(k))}})
    kg.append({"name": "keygen_short_ikm", "input": {"ikm": h(b"\x01" * 31), "key_info": "0x"}, "output": None})
    out["keygen"] = kg
    return out


def render(obj: Any) -> str:
    return json.dumps(obj, indent=1, sort_keys=True) + "\n"


def files() -> dict[str, str]:
    return {f"{name}.json": render({"suite": SUITE, "generator": "tests/vectors/generate_bls.py", "cases": cs})
            for name, cs in cases().items()}


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, text in files().items():
        (OUT / name).write_text(text)
        print(f"wrote {OUT / name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
