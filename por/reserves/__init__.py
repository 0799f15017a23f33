"""Reserves: custodian attestations, price oracles, valuation and solvency (DESIGN.md section 5)."""
