"""The :class:`~por.ledger.api.Ledger` facade's facets, one concern each, over :class:`LedgerBase`.

``base`` (database, transactions, appending), ``governance`` (members, keys, settings), ``accounts``
(assets and accounts), ``postings`` (deposits, transfers, balances), ``prices`` (oracle prices and the
price source), ``margin``, ``withdrawals`` and ``journal`` (read-outs, log proofs, snapshot, verify,
migrate). Callers use :class:`~por.ledger.api.Ledger`, which combines them (docs/protocol.md §10).
"""
