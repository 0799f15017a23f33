"""The epoch pipeline and the published bundle (docs/protocol.md §9)."""
