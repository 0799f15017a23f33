"""``Signed[T]``: a body and the Ed25519 signatures over its canonical bytes (docs/protocol.md §1.1, §9.4).

The wire form is ``{"signed": BODY, "signatures": [{role, signer, public_key, key_id, signature}]}``;
each signature is Ed25519 over ``domain(purpose) || canonical(BODY)`` with the purpose the body's
class names (:attr:`SignedBody.PURPOSE`, registered in por/signing.py). A parsed envelope keeps the
body bytes it received, so what is verified is exactly what was read (a reader requires the file to
be canonical, so these are also the bytes its hash covers). ``key_id`` is the first 16 hex digits of
``SHA-256("por/v1/key-id" || public key)``.
"""

from __future__ import annotations

import hashlib
from typing import Annotated, ClassVar, Generic, Literal, TypeVar

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from pydantic import PrivateAttr, model_validator

from por import canonical
from por.bundle._model import Model, problem
from por.bundle._types import Hex8, Hex32, Hex64, MemberId, Seq, explain
from por.signing import domain

KEY_ID_LABEL = b"por/v1/key-id"
#: who signs a manifest: the operator at seal, an auditor's co-signature later (§9.4)
SIGNER_ROLES = ("operator", "auditor")

Role = Annotated[Literal["operator", "auditor"], explain("must be operator or auditor")]


def key_id(public_key_hex: str) -> str:
    """First 16 hex digits of ``SHA-256("por/v1/key-id" || public key)`` (§9.4); '' for a key that is not hex."""
    try:
        return hashlib.sha256(KEY_ID_LABEL + bytes.fromhex(public_key_hex)).hexdigest()[:16]
    except (ValueError, TypeError):  # boundary: bytes.fromhex on a key that is not hex (or not a string)
        return ""


def public_key_hex(key: Ed25519PrivateKey | Ed25519PublicKey) -> str:
    """The raw 32-byte public key, lower-case hex."""
    pub = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    return pub.public_bytes(Encoding.Raw, PublicFormat.Raw).hex()


def verify_ed25519(public_key_hex: str, message: bytes, signature_hex: str) -> bool:
    """True only for a well-formed key and signature that verify over ``message``; never raises."""
    try:
        pub = Ed25519PublicKey.from_public_bytes(bytes.fromhex(public_key_hex))
        pub.verify(bytes.fromhex(signature_hex), message)
        return True
    except (InvalidSignature, ValueError, TypeError):  # boundary: cryptography's and bytes.fromhex's errors
        return False


class SignedBody(Model):
    """A body that is signed inside :class:`Signed`; subclasses name their signature purpose."""

    PURPOSE: ClassVar[str]


BodyT = TypeVar("BodyT", bound=SignedBody)


class Signature(Model):
    """One signature over a signed body (§9.4)."""

    role: Role
    signer: MemberId
    public_key: Hex32
    key_id: Hex8
    signature: Hex64

    def verifies(self, message: bytes) -> bool:
        """The signature verifies over ``message`` with its own public key, and ``key_id`` is that key's."""
        return self.key_id == key_id(self.public_key) and verify_ed25519(self.public_key, message, self.signature)


class Signed(Model, Generic[BodyT]):
    """A body and the signatures on its canonical bytes (``Signed[ManifestBody]`` is the manifest)."""

    signed: BodyT
    signatures: Seq[Signature]

    @model_validator(mode="after")
    def _distinct(self) -> Signed[BodyT]:
        keys = [(s.role, s.public_key) for s in self.signatures]
        if len(set(keys)) != len(keys):
            raise problem("signatures", "repeat a signature by one key in one role (a signer signs once)")
        return self

    _body: bytes | None = PrivateAttr(default=None)

    @property
    def purpose(self) -> str:
        return type(self.signed).PURPOSE

    @property
    def body_bytes(self) -> bytes:
        """The canonical bytes of the body: as received when parsed, else the body's serialisation."""
        if self._body is None:
            self._body = canonical.dumps(self.signed.to_json_value())
        return self._body

    @property
    def sha256(self) -> str:
        """SHA-256 (hex) of the body bytes: for a manifest, what client proofs point at (§9.4)."""
        return hashlib.sha256(self.body_bytes).hexdigest()

    @property
    def message(self) -> bytes:
        """What every signature covers: ``domain(purpose) || body bytes`` (§1.1)."""
        return domain(self.purpose) + self.body_bytes

    def signatures_by(self, role: str) -> tuple[Signature, ...]:
        return tuple(s for s in self.signatures if s.role == role)

    def verify(self, public_key_hex: str, role: str | None = None) -> bool:
        """True when a signature by ``public_key_hex`` (of ``role``, when given) verifies; never raises."""
        want = public_key_hex.lower() if isinstance(public_key_hex, str) else None
        msg = self.message
        return any(s.public_key == want and (role is None or s.role == role) and s.verifies(msg)
                   for s in self.signatures)

    def verify_signature(self, signature: Signature) -> bool:
        """``signature`` verifies over this body with the key it names (a co-signature, §9.4)."""
        return signature.verifies(self.message)

    def sign(self, key: Ed25519PrivateKey, role: str, signer: str) -> Signed[BodyT]:
        """A new envelope with this key's signature for ``role`` added (replacing an earlier one by
        the same key and role); the body, hence its hash, is unchanged."""
        pub = public_key_hex(key)
        new = {"role": role, "signer": signer, "public_key": pub, "key_id": key_id(pub),
               "signature": key.sign(self.message).hex()}
        kept = [s.to_json_value() for s in self.signatures if (s.role, s.public_key) != (role, pub)]
        out = type(self).model_validate({"signed": self.signed, "signatures": [*kept, new]})
        out._body = self._body
        return out

    def to_bytes(self) -> bytes:
        """The canonical bytes of the envelope (what a signed document file holds)."""
        return canonical.dumps(self.to_json_value())

    @classmethod
    def of(cls, body: BodyT) -> Signed[BodyT]:
        """An envelope of ``body`` with no signature yet."""
        return cls.model_validate({"signed": body, "signatures": []})
