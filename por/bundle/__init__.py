"""The published documents of an epoch as typed, frozen models, and the bundle opened once.

Below ``epoch`` and ``verify`` (docs/architecture.md): the prover writes these documents and the
verifiers read them; neither defines their shape elsewhere. docs/protocol.md §9 is normative.
"""
