"""Statement specifications of por-v1 (node-range, collateral, solvency) and their vectors."""
