"""BLS (IETF POP ciphersuite): vectors on both implementations, published anchors, edge cases."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

from por.crypto import bls
from por.crypto.scalar import SeededRandom
from por.errors import EncodingError, UsageError

VEC = Path(__file__).resolve().parent.parent / "vectors" / "bls"


def _b(x: str) -> bytes:
    return bytes.fromhex(x[2:] if x.startswith("0x") else x)


def _load(name: str) -> list[dict[str, Any]]:
    return json.loads((VEC / f"{name}.json").read_text())["cases"]


def _representative(cases: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """py_ecc is slow (~0.3 s a pairing): the reference runs one case of each kind, not every key."""
    skip = ("sk1", "sk2", "msg1", "msg2")
    return [c for c in cases if not any(c["name"].endswith(s) or f"_{s}_" in c["name"] for s in skip)]


def _params(name: str) -> list[Any]:
    cs = _load(name)
    rep = {c["name"] for c in _representative(cs)}
    out = [pytest.param("fast", c, id=f"fast-{c['name']}") for c in cs]
    out += [pytest.param("reference", c, id=f"reference-{c['name']}") for c in cs if c["name"] in rep]
    return out


@pytest.mark.parametrize("impl,case", _params("sign"))
def test_sign_vectors(impl: str, case: dict[str, Any]) -> None:
    sk, msg = _b(case["input"]["privkey"]), _b(case["input"]["message"])
    if case["output"] is None:
        with pytest.raises(EncodingError):
            bls.sign(sk, msg, impl=impl)
    else:
        assert bls.sign(sk, msg, impl=impl) == _b(case["output"])


@pytest.mark.parametrize("impl,case", _params("verify"))
def test_verify_vectors(impl: str, case: dict[str, Any]) -> None:
    i = case["input"]
    assert bls.verify(_b(i["pubkey"]), _b(i["message"]), _b(i["signature"]), impl=impl) is case["output"]


@pytest.mark.parametrize("impl,case", _params("aggregate"))
def test_aggregate_vectors(impl: str, case: dict[str, Any]) -> None:
    sigs = [_b(s) for s in case["input"]]
    if case["output"] is None:
        with pytest.raises(EncodingError):
            bls.aggregate(sigs, impl=impl)
    else:
        assert bls.aggregate(sigs, impl=impl) == _b(case["output"])


@pytest.mark.parametrize("impl,case", _params("fast_aggregate_verify"))
def test_fast_aggregate_verify_vectors(impl: str, case: dict[str, Any]) -> None:
    i = case["input"]
    got = bls.fast_aggregate_verify([_b(p) for p in i["pubkeys"]], _b(i["message"]), _b(i["signature"]), impl=impl)
    assert got is case["output"]


@pytest.mark.parametrize("impl,case", _params("aggregate_verify"))
def test_aggregate_verify_vectors(impl: str, case: dict[str, Any]) -> None:
    i = case["input"]
    got = bls.aggregate_verify([_b(p) for p in i["pubkeys"]], [_b(m) for m in i["messages"]],
                               _b(i["signature"]), impl=impl)
    assert got is case["output"]


@pytest.mark.parametrize("impl,case", _params("pop"))
def test_pop_vectors(impl: str, case: dict[str, Any]) -> None:
    i = case["input"]
    if case["output"] is not None:
        proof = bls.pop_prove(_b(i["privkey"]), impl=impl)
        assert proof == _b(case["output"])
        assert bls.pop_verify(_b(i["pubkey"]), proof, impl=impl) is True
    else:
        assert bls.pop_verify(_b(i["pubkey"]), _b(i["proof"]), impl=impl) is case["verifies"]


@pytest.mark.parametrize("case", _load("keygen"), ids=lambda c: c["name"])
def test_keygen_vectors(case: dict[str, Any]) -> None:
    ikm, info = _b(case["input"]["ikm"]), _b(case["input"]["key_info"])
    if case["output"] is None:
        with pytest.raises(UsageError):
            bls.keygen(ikm, info)
        return
    sk = bls.keygen(ikm, info)
    assert sk == _b(case["output"]["privkey"])
    assert bls.sk_to_pk(sk) == _b(case["output"]["pubkey"])


@pytest.mark.parametrize("impl", ["fast", "reference"])
def test_published_anchors(impl: str) -> None:
    pub = json.loads((VEC / "published.json").read_text())
    for c in pub["sk_to_pk"]:
        assert bls.sk_to_pk(_b(c["privkey"]), impl=impl) == _b(c["pubkey"])
    for c in pub["sign"][: (3 if impl == "fast" else 1)]:
        assert bls.sign(_b(c["privkey"]), _b(c["message"]), impl=impl) == _b(c["signature"])


@pytest.mark.slow
def test_vectors_regenerate_identically() -> None:
    sys.path.insert(0, str(VEC.parent))
    try:
        import generate_bls
    finally:
        sys.path.pop(0)
    for name, text in generate_bls.files().items():
        assert (VEC / name).read_text() == text, f"{name} differs from what generate_bls.py writes"


# -------------------------------------------------------------------- properties on the fast path

SK1 = bls.keygen(b"\x01" * 32)
SK2 = bls.keygen(b"\x02" * 32)
PK1, PK2 = bls.sk_to_pk(SK1), bls.sk_to_pk(SK2)


def test_never_raises_on_garbage() -> None:
    sig = bls.sign(SK1, b"m")
    for junk in [b"", b"\x00", b"\xff" * 48, b"\xff" * 96, bls.G1_IDENTITY, bls.G2_IDENTITY, "str", None, 7]:
        assert bls.verify(junk, b"m", sig) is False  # type: ignore[arg-type]
        assert bls.verify(PK1, b"m", junk) is False  # type: ignore[arg-type]
        assert bls.verify(PK1, junk, sig) is False if not isinstance(junk, bytes) else True  # type: ignore[arg-type]
        assert bls.fast_aggregate_verify([PK1, junk], b"m", sig) is False  # type: ignore[list-item]
        assert bls.aggregate_verify([junk], [b"m"], sig) is False  # type: ignore[list-item]
        assert bls.pop_verify(junk, sig) is False  # type: ignore[arg-type]
        assert bls.batch_verify([(junk, b"m", sig)]) is False  # type: ignore[list-item]


def test_zero_and_out_of_range_secret_keys() -> None:
    for sk in [bytes(32), (bls.R).to_bytes(32, "big"), b"\x01" * 31, b"\xff" * 32]:
        with pytest.raises(EncodingError):
            bls.sign(sk, b"m")
        with pytest.raises(EncodingError):
            bls.sk_to_pk(sk)
        with pytest.raises(EncodingError):
            bls.pop_prove(sk)


def test_every_single_bit_flip_of_a_signature_fails() -> None:
    sig = bls.sign(SK1, b"statement")
    for i in range(0, len(sig), 7):
        for bit in (0, 5):
            bad = bytearray(sig)
            bad[i] ^= 1 << bit
            assert not bls.verify(PK1, b"statement", bytes(bad))


def test_batch_verify_accepts_good_and_rejects_one_bad() -> None:
    msgs = [b"a", b"b", b"a"]
    items = [(PK1, m, bls.sign(SK1, m)) for m in msgs] + [(PK2, b"a", bls.sign(SK2, b"a"))]
    assert bls.batch_verify(items, rng=SeededRandom(1))
    bad = items[:2] + [(PK2, b"b", items[2][2])] + items[3:]
    assert not bls.batch_verify(bad, rng=SeededRandom(1))
    assert not bls.batch_verify([])
    # swapping two signatures between keys on one message must fail too
    swapped = [(PK1, b"a", items[3][2]), (PK2, b"a", items[0][2])]
    assert not bls.batch_verify(swapped, rng=SeededRandom(2))


def test_rogue_key_is_stopped_by_pop() -> None:
    # pk_rogue = x*G - pk_victim: FastAggregateVerify on [victim, rogue] accepts x's lone signature.
    c = next(c for c in _load("fast_aggregate_verify") if "rogue" in c["name"])
    victim, rogue = (_b(p) for p in c["input"]["pubkeys"])
    assert bls.fast_aggregate_verify([victim, rogue], _b(c["input"]["message"]), _b(c["input"]["signature"]))
    # ... but nobody can produce a proof of possession for the rogue key.
    x = bls.keygen(b"\x07" * 32)
    assert not bls.pop_verify(rogue, bls.pop_prove(x))


def test_unknown_impl() -> None:
    with pytest.raises(UsageError):
        bls.get_bls("nope")
