"""The published documents of an epoch as typed, frozen models, and the bundle opened once.

Below ``epoch`` and ``verify`` (docs/architecture.md): the prover writes these documents and the
verifiers read them; neither defines their shape elsewhere. docs/protocol.md §9 is normative;
``docs/schemas/`` holds the JSON Schemas generated from these models (``python -m por.bundle.schemas``).

Every ``parse_*`` function takes the bytes received (so a verifier parses exactly what it hashed)
and returns a frozen model, or raises :class:`por.errors.DocumentError` naming the document and the
field path; nothing else escapes. Models serialise back with ``to_json_value()`` and ``to_bytes()``
(the writer's layout), byte for byte what they were read from. ``validate(model, value, document)``
parses a JSON value already in hand (an operator's file, a ledger payload) with the same rules.
"""

from por.bundle._model import Model, validate
from por.bundle.attestations import Attestation, AttestationSet, parse_attestation, parse_attestations
from por.bundle.documents import BUNDLE_DOCUMENTS, DOCUMENTS, DocumentType
from por.bundle.ledger_log import LedgerLog, parse_ledger_log
from por.bundle.manifest import ManifestBody, SignedManifest, parse_manifest
from por.bundle.prices import PriceReport, Prices, SignedPriceReport, parse_price_report, parse_prices
from por.bundle.report_signature import ReportSignature, parse_report_signature
from por.bundle.reserves import Keyring, ReservesConfig, parse_keyring
from por.bundle.signed import Signature, Signed, SignedBody, key_id, verify_ed25519
from por.bundle.solvency import SolvencySet, parse_solvency
from por.bundle.tree import ClientProof, TreeDescription, parse_client_proof
from por.errors import DocumentError

__all__ = [
    "BUNDLE_DOCUMENTS", "DOCUMENTS", "Attestation", "AttestationSet", "ClientProof", "DocumentError", "DocumentType",
    "Keyring", "LedgerLog", "ManifestBody", "Model", "PriceReport", "Prices", "ReportSignature", "ReservesConfig", "Signature",
    "Signed", "SignedBody", "SignedManifest", "SignedPriceReport", "SolvencySet", "TreeDescription", "key_id",
    "parse_attestation", "parse_attestations", "parse_client_proof", "parse_keyring", "parse_ledger_log",
    "parse_manifest", "parse_price_report", "parse_prices", "parse_report_signature", "parse_solvency",
    "validate", "verify_ed25519",
]
