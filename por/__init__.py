"""por: proof of reserves and liabilities for custodial platforms (protocol ``por-v1``).

The packages are layered, lowest first: errors/result/units, crypto, canonical/signing/parallel,
bundle, ledger and tree, reserves, epoch, verify, report and risk, serve and bench, cli
(docs/architecture.md; ``lint-imports`` checks it).
"""

PROTOCOL = "por-v1"
__version__ = "0.1.0"
