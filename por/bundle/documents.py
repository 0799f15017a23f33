"""The registry of published documents: one entry per format, with its parser and model.

``BUNDLE_DOCUMENTS`` is keyed by the file name in a bundle (docs/protocol.md §9.3); ``DOCUMENTS``
by the schema name under ``docs/schemas/`` and holds also the documents published outside a bundle
(client proofs, oracle price reports, attestation files, report signatures). Adding a published
document: write its model, add it here, regenerate the schemas (``python -m por.bundle.schemas``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from por.bundle.attestations import Attestation, AttestationSet, parse_attestation, parse_attestations
from por.bundle.ledger_log import LedgerLog, parse_ledger_log
from por.bundle.manifest import SignedManifest, parse_manifest
from por.bundle.prices import Prices, SignedPriceReport, parse_price_report, parse_prices
from por.bundle.report_signature import ReportSignature, parse_report_signature
from por.bundle.reserves import Keyring, parse_keyring
from por.bundle.solvency import SolvencySet, parse_solvency
from por.bundle.tree import ClientProof, parse_client_proof


@dataclass(frozen=True, slots=True)
class DocumentType:
    """A published document format: its schema name, bundle file (None outside a bundle), model and parser."""

    name: str
    file: str | None
    model: type[Any]
    parse: Callable[[bytes], Any]
    title: str
    description: str
    section: str


_ALL = (
    DocumentType("manifest", "manifest.json", SignedManifest, parse_manifest, "Epoch manifest (por-manifest/1)",
                 "The signed manifest of an epoch bundle: canonical JSON {signed, signatures}; every signature is "
                 "Ed25519 over \"por/v1/manifest\" || 0x00 || canonical(signed).", "§9.4"),
    DocumentType("ledger-log", "ledger-log.json", LedgerLog, parse_ledger_log, "Ledger log position",
                 "The ledger's transparency-log size and root at the cut-off, the previous epoch's position and "
                 "the RFC 9162 consistency proof between them.", "§9.3, §10.3"),
    DocumentType("prices", "prices.json", Prices, parse_prices, "Prices of an epoch (por-prices/2)",
                 "The epoch's cut-off, the quotes of record per asset with the ledger entries they rest on, and "
                 "every signed oracle report used.", "§8.5, §9.3"),
    DocumentType("attestations", "attestations.json", AttestationSet, parse_attestations,
                 "Reserve attestations of an epoch (por-attestations/1)",
                 "The epoch context and every reserve attestation collected, counted or not.", "§8.3, §9.3"),
    DocumentType("solvency", "solvency.json", SolvencySet, parse_solvency, "Solvency proofs (por-solvency-set/1)",
                 "One por-solvency/1 proof per asset that reserves cover equity minus debt at the tree root.",
                 "§8.7, §9.3"),
    DocumentType("keyring", "keyring.json", Keyring, parse_keyring, "Keyring (por-keyring/1)",
                 "The ledger's members: roles, Ed25519 keys, BLS keys with proofs of possession, revocation.",
                 "§8.4, §9.3"),
    DocumentType("client-proof", None, ClientProof, parse_client_proof, "Client inclusion proof (por-client-proof/2)",
                 "A client's proof that its leaf, bound to its account id, is in the published liabilities tree. "
                 "Private to the client: it carries the leaf secret.", "§7.10"),
    DocumentType("price-report", None, SignedPriceReport, parse_price_report,
                 "Oracle price report (por-price-report/2)",
                 "One oracle's signed price of one asset, bound to an epoch and its cut-off.", "§8.5"),
    DocumentType("attestation", None, Attestation, parse_attestation, "Reserve attestation (por-attestation/1)",
                 "A custodian's statement of its holding of one asset, with the BLS signatures collected on it.",
                 "§8.2, §8.3"),
    DocumentType("report-signature", None, ReportSignature, parse_report_signature,
                 "Report signature (por-report-signature/2)",
                 "The detached Ed25519 signature of an exported regulator report, over \"por/v1/report\" || 0x00 "
                 "|| the file's bytes.", "§11.5"),
)

#: every published document format, by schema name
DOCUMENTS: Mapping[str, DocumentType] = {d.name: d for d in _ALL}
#: the JSON documents of an epoch bundle, by file name (§9.3)
BUNDLE_DOCUMENTS: Mapping[str, DocumentType] = {d.file: d for d in _ALL if d.file is not None}
