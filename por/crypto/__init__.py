"""Low-level cryptography of por-v1 (hazmat layer): group, generators, transcript, Pedersen,
Bulletproofs, statements, BLS. Higher layers use the documented functions, never backend objects."""
