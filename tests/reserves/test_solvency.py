"""Solvency: prove per asset, disclosure modes, shortfall, and proofs that must not transfer."""

from __future__ import annotations

import copy

import pytest

from por.crypto import pedersen
from por.crypto.scalar import SeededRandom
from por.errors import ReservesError, ShortfallError, UsageError

statements = pytest.importorskip("por.crypto.statements")
from por.reserves.solvency import prove_solvency, verify_solvency  # noqa: E402

NONCE = "a1" * 32
EQ, DEBT = 1_000_000, 250_000
GE, GD = 12345, 67890
ROOTS = {"equity": pedersen.commit(EQ, GE), "debt": pedersen.commit(DEBT, GD)}
OPEN = {"equity": (EQ, GE), "debt": (DEBT, GD)}


def _prove(reserves: int = 800_000, disclosure: str = "hidden", **kw):  # type: ignore[no-untyped-def]
    return prove_solvency("BTC", reserves, kw.get("roots", ROOTS), kw.get("openings", OPEN), "2024-06", NONCE,
                          disclosure, rng=SeededRandom(7))


@pytest.fixture(scope="module")
def hidden():  # type: ignore[no-untyped-def]
    return _prove()


def test_hidden_proof_verifies_and_hides(hidden) -> None:  # type: ignore[no-untyped-def]
    doc, aud = hidden
    assert aud is None and "openings" not in doc and str(EQ) not in str(doc)
    res = verify_solvency(doc, epoch_id="2024-06", nonce=NONCE, root_commitments=ROOTS, reserves=800_000)
    assert res.ok, res.to_dict()


def test_auditor_and_public_disclosure() -> None:
    doc, aud = _prove(disclosure="auditor")
    assert aud is not None and "openings" not in doc
    assert verify_solvency(doc, epoch_id="2024-06", nonce=NONCE, opening=aud).ok
    bad = copy.deepcopy(aud)
    bad["openings"]["equity"]["value"] -= 1
    r = verify_solvency(doc, epoch_id="2024-06", nonce=NONCE, opening=bad)
    assert [c.id for c in r.failures] == ["solvency.BTC.auditor-opening"]
    pub, none = _prove(disclosure="public")
    assert none is None and pub["openings"]["debt"]["value"] == DEBT
    assert verify_solvency(pub, epoch_id="2024-06", nonce=NONCE).ok


def test_exact_cover_and_shortfall() -> None:
    net = EQ - DEBT
    assert verify_solvency(_prove(net)[0], epoch_id="2024-06", nonce=NONCE).ok
    with pytest.raises(ShortfallError) as ei:
        _prove(net - 1)
    assert ei.value.asset == "BTC" and ei.value.short == 1 and "BTC" in ei.value.diagnostics()
    assert isinstance(ei.value, ReservesError)


def test_proof_does_not_transfer(hidden) -> None:  # type: ignore[no-untyped-def]
    doc, _ = hidden
    ok = dict(epoch_id="2024-06", nonce=NONCE)
    for mutate, check in [
        (lambda d: d.update(reserves=d["reserves"] + 1), "proof"),
        (lambda d: d.update(asset="ETH"), "proof"),
        (lambda d: d["commitments"].update(debt=pedersen.commit(DEBT + 1, GD).hex()), "proof"),
    ]:
        d = copy.deepcopy(doc)
        mutate(d)
        r = verify_solvency(d, **ok)
        assert not r.ok and any(c.id.endswith(check) for c in r.failures)
    # another epoch or nonce
    assert not verify_solvency(doc, epoch_id="2024-07", nonce=NONCE).ok
    r = verify_solvency(doc, epoch_id="2024-06", nonce="b2" * 32)
    assert {c.id for c in r.failures} == {"solvency.BTC.epoch", "solvency.BTC.proof"}
    # a reserve figure other than the attested total, and other root commitments
    r = verify_solvency(doc, **ok, reserves=799_999)
    assert [c.id for c in r.failures] == ["solvency.BTC.reserves"]
    r = verify_solvency(doc, **ok, root_commitments={**ROOTS, "equity": pedersen.commit(EQ, GE + 1)})
    assert [c.id for c in r.failures] == ["solvency.BTC.commitments"]


def test_malformed_documents_fail_cleanly(hidden) -> None:  # type: ignore[no-untyped-def]
    doc, _ = hidden
    for bad in [None, [], {}, {**doc, "proof": "zz"}, {**doc, "reserves": -1}, {**doc, "commitments": {"x": "00"}},
                {**doc, "proof": doc["proof"][:-2]}, {**doc, "disclosure": "leak"}]:
        r = verify_solvency(bad, epoch_id="2024-06", nonce=NONCE)
        assert not r.ok


def test_missing_debt_column_and_bad_openings() -> None:
    roots, openings = {"equity": ROOTS["equity"]}, {"equity": OPEN["equity"]}
    doc, _ = prove_solvency("USD", EQ, roots, openings, "2024-06", NONCE, "hidden", rng=SeededRandom(1))
    assert set(doc["commitments"]) == {"equity"}
    assert verify_solvency(doc, epoch_id="2024-06", nonce=NONCE, root_commitments=roots).ok
    with pytest.raises(ReservesError, match="does not open"):
        _prove(openings={"equity": (EQ + 1, GE), "debt": OPEN["debt"]})
    with pytest.raises(UsageError):
        _prove(disclosure="everything")


# ---- keyed randomness (docs/protocol.md §8.7): the master secret's solvency key, not the OS ----------

def _keyed(asset: str = "BTC", epoch: str = "2024-06", key: bytes | None = None, reserves: int = 800_000,
           nonce: str = NONCE, blinding: int = GE):  # type: ignore[no-untyped-def]
    openings = {"equity": (EQ, blinding), "debt": (DEBT, GD)}
    roots = {c: pedersen.commit(v, g) for c, (v, g) in openings.items()}
    k = key if key is not None else _keyed_key(epoch)
    return prove_solvency(asset, reserves, roots, openings, epoch, nonce, "auditor", key=k)


def test_keyed_proofs_are_a_function_of_their_inputs() -> None:
    doc, aud = _keyed()
    again, aud2 = _keyed()
    assert doc == again and aud == aud2  # same inputs: the same proof bytes
    assert verify_solvency(doc, epoch_id="2024-06", nonce=NONCE, root_commitments=ROOTS, reserves=800_000,
                           opening=aud).ok
    others = {
        "asset": _keyed(asset="ETH")[0],
        "epoch": _keyed(epoch="2024-07")[0],  # another epoch: another key and another context
        "key only": _keyed(key=bytes(32))[0],
        "context only": _keyed(key=_keyed_key("2024-06"), nonce="b2" * 32)[0],
        "reserves": _keyed(reserves=800_001)[0],
        "witness": _keyed(blinding=GE + 1)[0],  # another equity blinding (hence root commitment)
    }
    proofs = {name: d["proof"] for name, d in others.items()}
    assert doc["proof"] not in proofs.values() and len(set(proofs.values())) == len(proofs), proofs
    for name, d in others.items():
        assert verify_solvency(d, epoch_id=d["epoch_id"], nonce=d["nonce"]).ok, name
    # the keyed proof is not the seeded or an OS-random one
    assert doc["proof"] != _prove(disclosure="auditor")[0]["proof"]


def _keyed_key(epoch: str) -> bytes:
    from por.tree.leaf import solvency_key

    return solvency_key(bytes(range(32)), epoch)


def test_the_solvency_key_has_its_own_label() -> None:
    from por.tree import leaf as L

    m, e = bytes(range(32)), "2026-11-25"
    s = L.solvency_key(m, e)
    assert len(s) == 32 and s != L.proof_key(m, e) and s != L.shuffle_key(L.prk(m, e))
    assert s != L.solvency_key(m, "2026-11-26") and s != L.solvency_key(bytes(32), e)
    assert L.SOLVENCY_INFO == b"por/v1/solvency-randomness"
    with pytest.raises(UsageError, match="master secret"):
        L.solvency_key(b"short", e)


def test_a_key_is_32_bytes_and_excludes_an_rng() -> None:
    with pytest.raises(UsageError, match="32 bytes"):
        prove_solvency("BTC", 800_000, ROOTS, OPEN, "2024-06", NONCE, key=b"short")
    with pytest.raises(UsageError, match="not both"):
        prove_solvency("BTC", 800_000, ROOTS, OPEN, "2024-06", NONCE, key=bytes(32), rng=SeededRandom(1))
