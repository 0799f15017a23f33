"""Reserves: custodian attestations, price oracles, valuation and solvency (docs/protocol.md §8).

Modules (pure code over plain data; ``ledger_adapter`` is the only one that knows the ledger):

- ``attestation``: the canonical statement, its byte encoding (the BLS message), attestation files,
  signing, co-signing and aggregation;
- ``keyring``: members, roles, BLS keys with proofs of possession, Ed25519 keys, key files;
- ``policy``: reserve policy per asset, the epoch context, :func:`policy.evaluate` (counted or not,
  and why), and the governed configuration file ``por-reserves-config/1``;
- ``oracle``: signed price reports, quorum median, freshness and dispersion, ``price_source``;
- ``valuation``: exact per-asset and overall coverage;
- ``solvency``: the per-asset solvency proof and its verification;
- ``ledger_adapter``: keyring, settings and price hook from and into ``por.ledger``.

A document that is also published (attestations, price reports, the configuration, the keyring,
the epoch context, solvency proofs) has one validator, its model in ``por.bundle``: the objects here
are built from the models the verifiers parsed (``from_model``), and the readers of JSON values and
files (``from_dict``, ``load``) parse through the same models first (``_read``).

The normative description is ``docs/protocol.md``.
"""
