"""Fixed-base Pedersen commitments for the tree builder (low-level: points are opaque backend values).

C = v*G + gamma*H computed from per-byte window tables of G (8 windows, v < 2^64) and H (32 windows),
i.e. at most 40 point additions instead of two full scalar multiplications. The result is the same
group element as :func:`por.crypto.pedersen.commit` (the tests check it byte for byte); only the
backend protocol (``add``, ``encode``, ``identity``) is used, so both backends work.
"""

from __future__ import annotations

from functools import reduce
from typing import Any

from por.crypto.backend import GroupBackend, get_backend
from por.crypto.generators import pedersen_gens
from por.crypto.scalar import R


def _table(be: GroupBackend, base: Any, nbytes: int) -> list[list[Any]]:
    rows = []
    for _ in range(nbytes):
        row = [be.identity()]
        acc = be.identity()
        for _j in range(255):
            acc = be.add(acc, base)
            row.append(acc)
        rows.append(row)
        base = be.add(acc, base)  # 256 * previous base
    return rows


class Committer:
    """Commitments and sums over one backend with cached tables (about 10 ms to build, per process)."""

    def __init__(self, backend: GroupBackend | None = None) -> None:
        self.be = backend or get_backend()
        g = pedersen_gens(self.be)
        self._tg = _table(self.be, g.G, 8)
        self._th = _table(self.be, g.H, 32)
        self._identity = self.be.identity()

    def commit(self, value: int, blinding: int) -> Any:
        """The point v*G + gamma*H for 0 <= v < 2^64 (``value`` is reduced mod r otherwise)."""
        be = self.be
        if 0 <= value < (1 << 64):
            vb = value.to_bytes(8, "little")
            pts = [row[x] for row, x in zip(self._tg, vb, strict=True) if x]
        else:
            pts = [be.mul(pedersen_gens(be).G, value % R)]
        gb = (blinding % R).to_bytes(32, "little")
        pts.extend(row[x] for row, x in zip(self._th, gb, strict=True) if x)
        if not pts:
            return self._identity
        return reduce(be.add, pts)

    def add(self, a: Any, b: Any) -> Any:
        return self.be.add(a, b)

    def encode(self, p: Any) -> bytes:
        return self.be.encode(p)

    def decode(self, data: bytes) -> Any:
        """Strict decoding (curve, subgroup, canonical); the identity is allowed (a zero node)."""
        return self.be.decode(data, allow_identity=True)


_CACHE: dict[str, Committer] = {}


def committer(backend: GroupBackend | None = None) -> Committer:
    be = backend or get_backend()
    if be.name not in _CACHE:
        _CACHE[be.name] = Committer(be)
    return _CACHE[be.name]
