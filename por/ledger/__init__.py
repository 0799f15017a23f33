"""The permissioned custody ledger (DESIGN.md section 6); the only package that touches SQL."""
