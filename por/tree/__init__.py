"""The liabilities tree: Merkle sum tree of Pedersen commitments (DESIGN.md section 4)."""
