"""Byte layouts of docs/protocol.md: derivations, hashes, contexts, fixed-base commitments."""

from __future__ import annotations

import hashlib
import hmac

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from por.crypto.pedersen import commit
from por.crypto.scalar import R, hash_to_scalar
from por.tree import leaf as L
from por.tree._commit import committer
from por.tree._hmac import HmacSha256

MASTER = bytes(range(32))


@given(st.text(min_size=1, max_size=40).filter(lambda s: len(s.encode()) <= 1024), st.text(min_size=1, max_size=20))
@settings(max_examples=30, deadline=None)
def test_leaf_secret_is_rfc5869_hkdf(account: str, epoch: str) -> None:
    assert L.leaf_secret(MASTER, epoch, account) == L.leaf_secret_reference(MASTER, epoch, account)


def test_hmac_helper_matches_stdlib() -> None:
    for key in (b"k", b"k" * 64, b"k" * 100):
        assert HmacSha256(key)(b"msg") == hmac.digest(key, b"msg", "sha256")


def test_leaf_id_blinding_and_hash_layouts() -> None:
    s = L.leaf_secret(MASTER, "e", "alice")
    lid = L.leaf_id("alice", s)
    # leaf format por-leaf/2: the account id is bound into the leaf (tag 0x00, length-prefixed)
    assert lid == hashlib.sha256(b"por/v2/leaf-id" + b"\x00" + b"\x00\x00\x00\x05alice" + s).digest()
    assert L.pad_leaf_id(1, s) == hashlib.sha256(b"por/v2/leaf-id" + b"\x01" + (1).to_bytes(8, "big") + s).digest()
    # the same secret under another account id, or as a pad, is another leaf
    assert len({lid, L.leaf_id("bob", s), L.leaf_id("alic", s), L.pad_leaf_id(0, s)}) == 4
    assert L.leaf_id_of("alice", s) == lid and L.leaf_id_of(1, s) == L.pad_leaf_id(1, s)
    assert L.blinding(s, 3) == hash_to_scalar(s + b"\x00\x00\x00\x03", b"por/v1/tree/blinding")
    c = bytes(48)
    assert L.leaf_hash("committed", lid, c) == hashlib.sha256(b"\x00por/v1/leaf" + lid + c).digest()
    h1, h2 = b"\x11" * 32, b"\x22" * 32
    assert L.node_hash("committed", h1, h2, c) == hashlib.sha256(b"\x01por/v1/node" + h1 + h2 + c).digest()
    assert L.leaf_hash("plain", lid, L.encode_sum(5)) == hashlib.sha256(
        b"\x00por/v1/plain-leaf" + lid + (5).to_bytes(16, "big")).digest()
    assert L.node_hash("plain", h1, h2, L.encode_sum(7)) == hashlib.sha256(
        b"\x01por/v1/plain-node" + h1 + h2 + (7).to_bytes(16, "big")).digest()


def test_pad_and_shuffle_domains_are_distinct() -> None:
    prk = L.prk(MASTER, "e")
    assert prk == hmac.digest(b"e", MASTER, "sha256")
    k = L.shuffle_key(prk)
    assert k == hmac.digest(prk, b"por/v1/shuffle\x01", "sha256")
    assert L.pad_secret_from_prk(prk, 0) == hmac.digest(prk, b"por/v1/pad" + bytes(8) + b"\x01", "sha256")
    assert L.sort_key_account(k, "a") == hmac.digest(k, b"\x00a", "sha256")
    assert L.sort_key_pad(k, 1) == hmac.digest(k, b"\x01" + (1).to_bytes(8, "big"), "sha256")


def test_proof_contexts_bind_epoch_level_block_and_position() -> None:
    c = L.block_context("e", b"ctx", 20, 3, 7)
    assert c == b"por/v1/tree/node-range" + b"\x00\x00\x00\x01e" + b"\x00\x00\x00\x03ctx" + bytes([20, 3]) + (7).to_bytes(8, "big")
    assert len({L.block_context("e", b"", 20, 3, 7), L.block_context("f", b"", 20, 3, 7),
                L.block_context("e", b"", 20, 4, 7), L.block_context("e", b"", 20, 3, 8),
                L.block_context("e", b"", 21, 3, 7), L.block_context("e", b"x", 20, 3, 7)}) == 6
    assert L.collateral_context("e", b"", 5, 9) == (b"por/v1/tree/collateral" + b"\x00\x00\x00\x01e" + bytes(4)
                                                     + bytes([5]) + (9).to_bytes(8, "big"))


@pytest.mark.parametrize("value", [0, 1, 255, 256, 2**63 + 5, 2**64 - 1])
def test_fixed_base_commit_equals_pedersen(backend, value: int) -> None:
    cm = committer(backend)
    g = hash_to_scalar(value.to_bytes(8, "big"), b"t")
    assert cm.encode(cm.commit(value, g)) == commit(value, g, backend)
    assert cm.encode(cm.commit(value, 0)) == commit(value, 0, backend)


def test_fixed_base_commit_wide_value(fast) -> None:
    cm = committer(fast)
    assert cm.encode(cm.commit(R - 5, 9)) == commit(R - 5, 9, fast)
