"""Generators of por-v1 (low-level), all derived by RFC 9380 hash-to-curve under ``H2C_DST``.

- ``G``: the standard BLS12-381 G1 generator (the value base of Pedersen commitments);
- ``H``: hash_to_curve("por/v1/pedersen/H") (the blinding base);
- ``G_i``, ``H_i``: hash_to_curve("por/v1/bp/G/" || u32be(i)) and "/H/" likewise (Bulletproofs).

Nobody knows a discrete-log relation between any two of them, which is what binding rests on.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from por.crypto.backend import GroupBackend, Point, get_backend

PEDERSEN_H_LABEL = b"por/v1/pedersen/H"
BP_G_LABEL = b"por/v1/bp/G/"
BP_H_LABEL = b"por/v1/bp/H/"
#: Largest n*m any por-v1 proof uses (n <= 128, m <= 64); vectors beyond are derived on demand.
DEFAULT_CAPACITY = 128 * 64


def bp_label(kind: bytes, i: int) -> bytes:
    return kind + i.to_bytes(4, "big")


@dataclass
class PedersenGens:
    backend: GroupBackend
    G: Point
    H: Point

    @classmethod
    def create(cls, backend: GroupBackend) -> PedersenGens:
        return cls(backend, backend.generator(), backend.hash_to_g1(PEDERSEN_H_LABEL))


@dataclass
class BulletproofGens:
    """The vectors G_i, H_i, grown lazily (hash-to-curve is the cost) and cached per backend."""

    backend: GroupBackend
    G: list[Point] = field(default_factory=list)
    H: list[Point] = field(default_factory=list)

    def ensure(self, size: int) -> None:
        be = self.backend
        while len(self.G) < size:
            i = len(self.G)
            self.G.append(be.hash_to_g1(bp_label(BP_G_LABEL, i)))
            self.H.append(be.hash_to_g1(bp_label(BP_H_LABEL, i)))

    def take(self, size: int) -> tuple[list[Point], list[Point]]:
        self.ensure(size)
        return self.G[:size], self.H[:size]


_PEDERSEN: dict[str, PedersenGens] = {}
_BP: dict[str, BulletproofGens] = {}


def pedersen_gens(backend: GroupBackend | None = None) -> PedersenGens:
    be = backend or get_backend()
    if be.name not in _PEDERSEN:
        _PEDERSEN[be.name] = PedersenGens.create(be)
    return _PEDERSEN[be.name]


def bulletproof_gens(backend: GroupBackend | None = None) -> BulletproofGens:
    be = backend or get_backend()
    if be.name not in _BP:
        _BP[be.name] = BulletproofGens(be)
    return _BP[be.name]
