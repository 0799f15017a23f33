"""Bearer tokens: only a short-lived EdDSA token signed by the pinned auth key, for the right
audience, opens a proof; every other token is 401 with one body."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time

import jwt
import pytest

from por.ledger import keys
from por.serve import auth
from tests.serve.conftest import Server, clients

UNAUTHORIZED = b'{"error":"unauthorized"}'


def _b64(obj: object) -> str:
    raw = obj if isinstance(obj, bytes) else json.dumps(obj, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _hs256(secret: bytes, claims: dict[str, object]) -> str:
    head = _b64({"alg": "HS256", "typ": "JWT"}) + "." + _b64(claims)
    return head + "." + _b64(hmac.new(secret, head.encode(), hashlib.sha256).digest())


def _bad_tokens(server: Server, account: str) -> dict[str, str]:
    key = keys.load(server.root / auth.PRIVATE_NAME)
    now = int(time.time())
    good = {"sub": account, "aud": auth.AUDIENCE, "iat": now, "exp": now + 300}
    pub_hex = (server.root / auth.PUBLIC_NAME).read_text().strip()
    from cryptography.hazmat.primitives import serialization

    pub_pem = key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    valid = jwt.encode(good, key, algorithm="EdDSA")
    h, p, s = valid.split(".")
    return {
        "expired": auth.mint(key, account, ttl=600, now=now - 3600),
        "not yet valid (nbf)": jwt.encode({**good, "nbf": now + 600}, key, algorithm="EdDSA"),
        "not yet valid (iat)": jwt.encode({**good, "iat": now + 600, "exp": now + 900}, key, algorithm="EdDSA"),
        "wrong audience": auth.mint(key, account, audience="por-admin"),
        "audience list": jwt.encode({**good, "aud": [auth.AUDIENCE, "x"]}, key, algorithm="EdDSA"),
        "forged (another key)": auth.mint(keys.generate(), account),
        "alg none": _b64({"alg": "none", "typ": "JWT"}) + "." + _b64(good) + ".",
        "HS256 keyed with the public key (hex)": _hs256(pub_hex.encode(), good),
        "HS256 keyed with the public key (raw)": _hs256(bytes.fromhex(pub_hex), good),
        "HS256 keyed with the public key (PEM)": _hs256(pub_pem, good),
        "payload swapped under a valid signature": h + "." + _b64({**good, "sub": "someone-else"}) + "." + s,
        "signature of another token": h + "." + p + "." + auth.mint(key, "x").split(".")[2],
        "no exp": jwt.encode({k: v for k, v in good.items() if k != "exp"}, key, algorithm="EdDSA"),
        "no sub": jwt.encode({k: v for k, v in good.items() if k != "sub"}, key, algorithm="EdDSA"),
        "lifetime too long": jwt.encode({**good, "exp": now + 30 * 86400}, key, algorithm="EdDSA"),
        "subject not a string": jwt.encode({**good, "sub": 7}, key, algorithm="EdDSA"),
        "garbage": "not.a.token",
        "over-long": valid + "A" * 3000,
    }


def test_bad_tokens_are_401(server: Server) -> None:
    account = sorted(clients(server.root, "epoch-0001"))[0]
    with server.client() as c:
        ok = c.get("/v1/epochs/epoch-0001/proof", headers={"authorization": f"Bearer {server.token(account)}"})
        assert ok.status_code == 200
        for why, tok in _bad_tokens(server, account).items():
            r = c.get("/v1/epochs/epoch-0001/proof", headers={"authorization": f"Bearer {tok}"})
            assert (r.status_code, r.content) == (401, UNAUTHORIZED), why
            assert r.headers["www-authenticate"].startswith("Bearer"), why
        for header in ({}, {"authorization": "Bearer"}, {"authorization": f"Basic {server.token(account)}"},
                       {"authorization": server.token(account)}):
            r = c.get("/v1/epochs/epoch-0001/proof", headers=header)
            assert (r.status_code, r.content) == (401, UNAUTHORIZED), header
        # a token in the query string is not a credential
        r = c.get("/v1/epochs/epoch-0001/proof", params={"access_token": server.token(account)})
        assert r.status_code == 401


def test_check_pins_eddsa_and_the_key(tmp_path: object) -> None:
    key, other = keys.generate(), keys.generate()
    tok = auth.mint(key, "alice", ttl=60)
    assert auth.check(tok, key.public_key()) == "alice"
    with pytest.raises(auth.AuthError):
        auth.check(tok, other.public_key())
    with pytest.raises(auth.AuthError):
        auth.check(tok, key.public_key(), audience="por-admin")
    with pytest.raises(Exception, match="ttl"):
        auth.mint(key, "alice", ttl=auth.MAX_TTL + 1)
