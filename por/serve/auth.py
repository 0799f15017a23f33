"""Bearer tokens for the proof service: short-lived Ed25519 JWTs (docs/protocol.md §12.2).

The platform's own login vouches for a client by minting a token signed with the platform's auth
key; the service checks it against the pinned public key with PyJWT, the algorithm pinned to
``EdDSA``. Claims: ``sub`` (the client's account id, as in its proof), ``aud`` (``por-proof``),
``iat``, ``exp`` (at most :data:`MAX_TTL` seconds after ``iat``), optional ``nbf``.

The auth key signs JWS tokens only (RFC 7515 signing input ``header.payload``); it is a key of its
own, never a ledger or operator key, so no por signature domain (§1.1) is involved.
"""

from __future__ import annotations

import time
from pathlib import Path

import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from por.errors import PorError, UsageError
from por.ledger import keys

AUDIENCE = "por-proof"
ALGORITHM = "EdDSA"
#: the longest lifetime the service accepts (and ``por serve token --ttl`` mints)
MAX_TTL = 3600
DEFAULT_TTL = 600
#: clock skew tolerated on exp/nbf/iat (seconds)
LEEWAY = 30
#: tokens longer than this are refused before any parsing
MAX_TOKEN_CHARS = 2048
MAX_SUBJECT_CHARS = 256
PRIVATE_NAME = "keys/auth.key"
PUBLIC_NAME = "keys/auth.pub"


class AuthError(PorError):
    """A bearer token that is missing, malformed, expired, not yet valid, for another audience, or
    not signed by the pinned auth key. The service answers 401 and never says which."""


def keygen(workspace: Path) -> tuple[Path, Path]:
    """Create the platform's auth keypair in the workspace (``keys/auth.key`` 0600, ``keys/auth.pub``).

    Raises:
        UsageError: a key file already exists.
    """
    key = keys.generate()
    priv = keys.save(key, workspace / PRIVATE_NAME)
    return priv, keys.save_public(key, workspace / PUBLIC_NAME)


def load_public(spec: str | Path) -> Ed25519PublicKey:
    """The pinned public key: a file holding the hex key (``keys/auth.pub``) or the hex itself.

    Raises:
        UsageError: neither a readable file nor a valid hex Ed25519 key.
    """
    text = str(spec)
    p = Path(text)
    try:
        if p.is_file():
            text = p.read_text().strip()
    except OSError as exc:
        raise UsageError(f"cannot read auth public key {p}: {exc.strerror}") from None
    try:
        return keys.load_public(text)
    except PorError:
        raise UsageError(f"auth public key {str(spec)!r}: not a file or hex Ed25519 public key") from None


def mint(key: Ed25519PrivateKey, subject: str, *, ttl: int = DEFAULT_TTL, audience: str = AUDIENCE,
         now: float | None = None) -> str:
    """A token for ``subject`` valid for ``ttl`` seconds from ``now``.

    Raises:
        UsageError: an empty or over-long subject, or a ttl outside 1..MAX_TTL.
    """
    if not subject or len(subject) > MAX_SUBJECT_CHARS:
        raise UsageError(f"client id must have 1..{MAX_SUBJECT_CHARS} characters")
    if not 1 <= ttl <= MAX_TTL:
        raise UsageError(f"--ttl must be 1..{MAX_TTL} seconds (tokens are short-lived)")
    t = int(time.time() if now is None else now)
    return jwt.encode({"sub": subject, "aud": audience, "iat": t, "exp": t + ttl}, key, algorithm=ALGORITHM)


def check(token: str, public: Ed25519PublicKey, *, audience: str = AUDIENCE) -> str:
    """The client id a valid token vouches for.

    Raises:
        AuthError: any defect (the message says which, for the server's log; clients see only 401).
    """
    if not token or len(token) > MAX_TOKEN_CHARS or not token.isascii():
        raise AuthError("token missing or over-long")
    try:
        claims = jwt.decode(
            token, public, algorithms=[ALGORITHM], audience=audience, leeway=LEEWAY,
            options={"require": ["sub", "aud", "exp", "iat"], "verify_signature": True,
                     "verify_exp": True, "verify_nbf": True, "verify_iat": True, "verify_aud": True,
                     "strict_aud": True})
    except jwt.PyJWTError as exc:
        raise AuthError(f"token refused: {type(exc).__name__}") from None
    sub, iat, exp = claims.get("sub"), claims.get("iat"), claims.get("exp")
    if not isinstance(sub, str) or not 0 < len(sub) <= MAX_SUBJECT_CHARS:
        raise AuthError("token refused: bad subject")
    if not isinstance(iat, int) or not isinstance(exp, int) or exp - iat > MAX_TTL or exp > time.time() + MAX_TTL + LEEWAY:
        raise AuthError("token refused: lifetime longer than allowed")
    return sub
