"""Fixtures for the reserves tests: a keyring of custodians, an auditor, oracles and bad actors."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from por.crypto import bls
from por.reserves.keyring import Keyring, Member
from por.reserves.policy import EpochContext, ReservePolicy

NONCE = "a1" * 32
EPOCH = EpochContext("2024-06", NONCE, "2024-06-30T00:00:00Z", "2024-06-30T23:59:59Z")


def sk(name: str) -> bytes:
    return bls.keygen(name.encode().ljust(32, b"\x00"))


@dataclass
class World:
    keyring: Keyring
    secret: dict[str, bytes]
    ed: dict[str, Ed25519PrivateKey]
    policies: dict[str, ReservePolicy]
    epoch: EpochContext


def _member(name: str, roles: set[str], *, revoked: str | None = None, pop: bytes | None = None,
            pk: bytes | None = None) -> Member:
    k = sk(name)
    return Member(name, frozenset(roles), pk or bls.sk_to_pk(k), pop or bls.pop_prove(k), None, revoked)


def _build() -> World:
    secret = {n: sk(n) for n in ["bank-a", "bank-b", "bank-old", "auditor", "client-x", "oracle-1", "oracle-2",
                                 "oracle-3", "mallory"]}
    ed = {n: Ed25519PrivateKey.from_private_bytes(bytes([i + 1]) * 32) for i, n in enumerate(["oracle-4", "oracle-5"])}
    members = [
        _member("bank-a", {"custodian"}),
        _member("bank-b", {"custodian"}),
        _member("bank-old", {"custodian"}, revoked="2024-06-01T00:00:00Z"),
        _member("auditor", {"auditor"}),
        _member("client-x", {"client"}),
        _member("oracle-1", {"oracle"}),
        _member("oracle-2", {"oracle"}),
        _member("oracle-3", {"oracle"}),
    ]
    # mallory: the rogue key pk_m = x*G - pk_bank_a, registered with a "proof" that cannot verify
    from py_ecc.bls.g2_primitives import G1_to_pubkey, pubkey_to_G1
    from py_ecc.optimized_bls12_381 import G1, add, multiply, neg

    x = int.from_bytes(secret["mallory"], "big")
    rogue = bytes(G1_to_pubkey(add(multiply(G1, x), neg(pubkey_to_G1(members[0].bls_public_key)))))
    members.append(Member("mallory", frozenset({"custodian", "auditor"}), rogue, bls.pop_prove(secret["mallory"])))
    for n, k in ed.items():
        raw = k.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        members.append(Member(n, frozenset({"oracle"}), None, None, raw))
    policies = {
        "BTC": ReservePolicy("BTC", frozenset({"bank-a", "bank-b", "bank-old", "client-x"}),
                             frozenset({"auditor", "mallory"}), quorum=2),
        "USD": ReservePolicy("USD", frozenset({"bank-a"}), frozenset(), quorum=1),
    }
    return World(Keyring.of(members), secret, ed, policies, EPOCH)


_WORLD: World | None = None


@pytest.fixture
def world() -> World:
    global _WORLD
    if _WORLD is None:
        _WORLD = _build()
    return World(Keyring.of(_WORLD.keyring), _WORLD.secret, _WORLD.ed, _WORLD.policies, _WORLD.epoch)
