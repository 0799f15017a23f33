"""The detached signature of a regulator report, ``OUT.sig`` (``por-report-signature/2``,
docs/protocol.md §11.5).

The signature is Ed25519 over ``signing_input("v1/report", file bytes)``: the exact bytes of the
exported file, not a JSON body, and the document is flat (one key, one signature), so it is not a
:class:`por.bundle.signed.Signed` envelope; :meth:`ReportSignature.verifies` checks it the same way.
The file is canonical JSON followed by one newline.
"""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, Literal

from pydantic import ValidatorFunctionWrapHandler, WrapValidator
from pydantic_core import PydanticCustomError

from por import canonical
from por.bundle._model import Model, load_json, validate
from por.bundle._types import AnyText, Count, Hex8, Hex32, Hex64, explain
from por.bundle.signed import key_id, verify_ed25519
from por.signing import signing_input

SIG_FORMAT = "por-report-signature/2"
PURPOSE = "v1/report"
#: superseded: signed the bare file bytes, with no domain (refused, §11.5)
OLD_SIG_FORMATS = ("por-report-signature/1",)


def _format(value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
    if value in OLD_SIG_FORMATS:
        raise PydanticCustomError("por", "{message}", {"message": (
            f"{value} signed the bare file bytes, with no domain, so a signature made for another purpose "
            f"could pass as a report's; re-sign as {SIG_FORMAT}")})
    if value != SIG_FORMAT:
        raise PydanticCustomError("por", "{message}", {"message": f"must be {SIG_FORMAT} (found {str(value)[:40]!r})"})
    return handler(value)


class ReportSignature(Model):
    """``{algorithm, file, format, key_id, public_key, purpose, sha256, signature, size}`` (§11.5).

    ``file`` is informational (a renamed report still verifies); ``public_key``/``key_id`` must name
    the key the regulator trusts.
    """

    DOCUMENT: ClassVar[str] = "report signature"

    format: Annotated[Literal["por-report-signature/2"], WrapValidator(_format)]
    algorithm: Annotated[Literal["ed25519"], explain("must be ed25519")]
    purpose: Annotated[Literal["v1/report"], explain(f"must be {PURPOSE}")]
    file: AnyText
    size: Count
    sha256: Hex32
    public_key: Hex32
    key_id: Hex8
    signature: Hex64

    def names_key(self, public_key_hex: str) -> bool:
        """The file names ``public_key_hex`` and that key's id."""
        return isinstance(public_key_hex, str) and self.public_key == public_key_hex.lower() \
            and self.key_id == key_id(self.public_key)

    def verifies(self, data: bytes, public_key_hex: str) -> bool:
        """Ed25519 over ``signing_input("v1/report", data)`` verifies with ``public_key_hex``; never raises."""
        return verify_ed25519(public_key_hex, signing_input(PURPOSE, bytes(data)), self.signature)

    def to_bytes(self) -> bytes:
        """The file as ``por report export --key`` writes it: canonical JSON and a newline."""
        return canonical.dumps(self.to_json_value()) + b"\n"


def parse_report_signature(data: bytes) -> ReportSignature:
    """A ``.sig`` file from its bytes: canonical JSON, optionally followed by one newline (§11.5).

    Raises:
        DocumentError: not canonical JSON, or a field missing, unknown or malformed.
    """
    raw = bytes(data) if isinstance(data, (bytes, bytearray, memoryview)) else data
    body = raw[:-1] if isinstance(raw, bytes) and raw.endswith(b"\n") else raw
    value = load_json(body, ReportSignature.DOCUMENT, require_canonical=True)
    return validate(ReportSignature, value, ReportSignature.DOCUMENT)
