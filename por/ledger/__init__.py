"""The permissioned custody ledger (docs/protocol.md §10); the only package that touches SQL.

Public API::

    from por.ledger import Ledger, Signer, keys
    led = Ledger.open("sqlite:///ledger.db")            # or postgresql+psycopg://...
    led.genesis(operator, auditor)                        # Signer(member_id, Ed25519PrivateKey)
    led.add_asset(operator, "USD", 2, custodian="bank")   # after adding member "bank" (custodian)
    led.deposit(operator, "alice:cash", "USD", 1234)      # minor units, ints only
    with led.snapshot() as snap: ...                      # client liabilities at a journal sequence
    size, root = led.log_root(); led.consistency_proof(old, size)
    verify_consistency(old, old_root, size, root, proof)  # no database needed
"""

from por.ledger.api import DEFAULT_URL, Ledger, Request
from por.ledger.core import AssetInfo, Receipt
from por.ledger.journal import Entry, make_entry
from por.ledger.keys import Signer
from por.ledger.log import verify_consistency, verify_inclusion
from por.ledger.snapshot import Snapshot

__all__ = [
    "DEFAULT_URL", "Ledger", "Request", "AssetInfo", "Receipt", "Entry", "make_entry", "Signer", "Snapshot",
    "verify_consistency", "verify_inclusion",
]
