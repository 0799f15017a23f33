"""por: proof of reserves and liabilities for custodial platforms (protocol ``por-v1``).

Layers, low to high: ``por.crypto`` (group, generators, transcript, Pedersen, Bulletproofs,
statements, BLS: low-level), ``por.tree`` (the liabilities sum tree), ``por.ledger`` (the custody
ledger), ``por.reserves`` (attestations, prices, solvency), ``por.epoch`` (pipeline and bundle),
``por.verify`` (structured verification results), ``por.report`` (regulator exports, stress tests),
``por.cli`` (the command line).
"""

PROTOCOL = "por-v1"
__version__ = "0.1.0"
