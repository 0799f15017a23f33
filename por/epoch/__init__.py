"""The epoch pipeline and the published bundle (DESIGN.md section 7)."""
