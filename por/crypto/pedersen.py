"""Pedersen commitments on BLS12-381 G1 (low-level): C = v*G + gamma*H, 48-byte compressed.

Public API kept stable for third-party verifiers: :func:`commit`, :func:`combine`, :func:`add`.
"""

from __future__ import annotations

from collections.abc import Sequence

from por.crypto.backend import GroupBackend, Point, get_backend
from por.crypto.generators import pedersen_gens
from por.crypto.scalar import R


def commit_point(value: int, blinding: int, backend: GroupBackend | None = None) -> Point:
    be = backend or get_backend()
    g = pedersen_gens(be)
    return be.msm([g.G, g.H], [value % R, blinding % R])


def commit(value: int, blinding: int, backend: GroupBackend | None = None) -> bytes:
    """The 48-byte commitment to ``value`` with ``blinding`` (both reduced mod r).

    The identity encoding (0xc0 || 0^47) is returned for value = blinding = 0 mod r.
    """
    be = backend or get_backend()
    return be.encode(commit_point(value, blinding, be))


def combine(
    commitments: Sequence[bytes], coefficients: Sequence[int], constant: int = 0,
    backend: GroupBackend | None = None,
) -> bytes:
    """Sum_i coefficient_i * C_i + constant*G: the commitment to the same combination of values
    (with the same combination of blindings). Inputs are strictly decoded (identity allowed)."""
    be = backend or get_backend()
    pts = [be.decode(c, allow_identity=True) for c in commitments]
    scalars = [k % R for k in coefficients]
    if constant % R:
        pts.append(pedersen_gens(be).G)
        scalars.append(constant % R)
    return be.encode(be.msm(pts, scalars))


def add(a: bytes, b: bytes, backend: GroupBackend | None = None) -> bytes:
    """Homomorphic sum of two commitments."""
    return combine([a, b], [1, 1], backend=backend)
