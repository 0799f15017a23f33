"""Low-level cryptography of por-v1 (hazmat layer): group, generators, transcript, Pedersen,
Bulletproofs, statements, BLS. Higher layers use the documented functions, never backend objects."""

import sys as _sys

# py_ecc raises the interpreter's recursion limit to 100,000 when imported. With that limit a deeply
# nested JSON file makes the C JSON parser overflow the thread's stack (a segmentation fault) before
# Python can raise RecursionError, so every verifier would crash on it. Import it here, once, and put
# the limit back: por's code needs no deep recursion.
_limit = _sys.getrecursionlimit()
import py_ecc  # noqa: E402,F401

_sys.setrecursionlimit(_limit)
del _limit
