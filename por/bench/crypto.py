"""``por bench crypto``: Bulletproofs prove / batch-verify per value and proof sizes, each beside its floor.

Floors are measured in the same run on the fast backend: for proving, ONE multi-scalar
multiplication of 2·n·m random points (the size the algorithm irreducibly touches); for batch
verification, ONE MSM of exactly the folded verification equation's size. Targets come from the
crypto issue (compressed: prove <= 6 ms per 64-bit value at m = 16, batch verify <= 0.6 ms per value)
and the linear-encoding issue (``range.*.linear.*``: prove <= 6 ms per value at m = 1, batch verify
<= 0.3 ms per value).
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable

from por.bench import Figure, best_of
from por.crypto import rangeproof
from por.crypto.backend import get_backend
from por.crypto.generators import bulletproof_gens
from por.crypto.pedersen import commit
from por.crypto.scalar import R

BITS = 64


def _msm_floor(points: int, repeat: int) -> float:
    """Milliseconds for one fast-backend MSM of ``points`` random scalars over the Bulletproofs vectors."""
    be = get_backend("fast")
    gens = bulletproof_gens(be)
    gens.ensure((points + 1) // 2)
    pts = (gens.G + gens.H)[:points]
    while len(pts) < points:
        pts += pts[: points - len(pts)]
    ks = [secrets.randbelow(R) for _ in range(points)]
    return best_of(lambda: be.msm(pts, ks), repeat) * 1e3


def _values(m: int) -> tuple[list[int], list[int]]:
    return [secrets.randbelow(2**BITS) for _ in range(m)], [secrets.randbelow(R) for _ in range(m)]


def run(quick: bool) -> list[Figure]:
    be = get_backend("fast")
    repeat = 2 if quick else 3
    bulletproof_gens(be).ensure(BITS * 64)  # hash-to-curve of the vectors is set-up, not proving
    figures: list[Figure] = []
    proofs: dict[int, tuple[list[bytes], bytes]] = {}
    for m in (1, 16, 64):
        vals, blinds = _values(m)
        out: list[bytes] = []

        def prove_once(out: list[bytes] = out, vals: list[int] = vals, blinds: list[int] = blinds) -> None:
            out.append(rangeproof.prove(vals, blinds, BITS))

        secs = best_of(prove_once, 1 if m == 64 else repeat)
        proofs[m] = ([commit(v, g) for v, g in zip(vals, blinds, strict=True)], out[-1])
        floor = _msm_floor(2 * BITS * m, repeat) / m
        figures.append(Figure(f"range.prove.per_value.m{m}", secs * 1e3 / m, "ms", floor,
                              6.0 if m == 16 else None,
                              note=f"one aggregated {BITS}-bit proof of m={m}; floor: one MSM of 2*n*m points / m"))
    for m in (1, 16):
        figures.append(Figure(f"range.proof_size.m{m}", float(len(proofs[m][1])), "bytes",
                              note=f"352 + 96*log2({BITS}*{m}) bytes"))

    # Batch verification: k aggregated m=16 proofs (the tree's node-range blocks) in one MSM; an
    # auditor batches thousands of blocks, so the shared generator terms amortise over many proofs.
    k = 8 if quick else 32
    batch: list[rangeproof.Item] = []
    for _ in range(k):
        vals, blinds = _values(16)
        batch.append(([commit(v, g) for v, g in zip(vals, blinds, strict=True)],
                      rangeproof.prove(vals, blinds, BITS), BITS))
    assert rangeproof.verify_batch(batch)
    secs = best_of(lambda: rangeproof.verify_batch(batch), repeat)
    lg = (BITS * 16).bit_length() - 1
    eq_size = 2 * BITS * 16 + 2 + k * (4 + 2 * lg + 16)
    n_values = 16 * k
    figures.append(Figure("range.verify_batch.per_value", secs * 1e3 / n_values, "ms",
                          _msm_floor(eq_size, repeat) / n_values, 0.6,
                          note=f"{k} proofs of m=16 x {BITS} bits batched; floor: one MSM of {eq_size} points"))
    figures += _linear(repeat, quick)
    # Batch of single-value proofs (the client's view: sibling proofs), for reference.
    k1 = 16 if quick else 64
    singles: list[rangeproof.Item] = []
    for _ in range(k1):
        vals, blinds = _values(1)
        singles.append(([commit(vals[0], blinds[0])], rangeproof.prove(vals, blinds, BITS), BITS))
    secs = best_of(lambda: rangeproof.verify_batch(singles), repeat)
    eq1 = 2 * BITS + 2 + k1 * (4 + 2 * 6 + 1)
    figures.append(Figure("range.verify_batch.per_value.m1", secs * 1e3 / k1, "ms",
                          _msm_floor(eq1, repeat) / k1, 0.6,
                          note=f"{k1} single-value proofs batched; floor: one MSM of {eq1} points"))
    return figures


def _interleaved(fn: Callable[[], object], floor_fn: Callable[[], object], repeat: int) -> tuple[float, float]:
    """Best wall times of ``fn`` and ``floor_fn`` run alternately (on a machine shared with other work,
    both then see the same disturbances, and their ratio means something)."""
    best, best_floor = float("inf"), float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        t1 = time.perf_counter()
        floor_fn()
        t2 = time.perf_counter()
        best, best_floor = min(best, t1 - t0), min(best_floor, t2 - t1)
    return best, best_floor


def _linear(repeat: int, quick: bool) -> list[Figure]:
    """The linear encoding (docs/protocol.md §4.5): prove per value at m = 1 and m = 8, the proof
    size, and batch verification per value (m = 16 proofs, as the compressed figure; and m = 1 proofs,
    the tree's default blocks of one node and one column)."""
    lin = rangeproof.LINEAR
    figures: list[Figure] = []
    reps = 15 if quick else 40  # short runs, interleaved with the floor's: each best is the least disturbed
    be = get_backend("fast")
    gens = bulletproof_gens(be)
    for m in (1, 8):
        vals, blinds = _values(m)
        out: list[bytes] = []
        pts = (gens.G[:BITS * m] + gens.H[:BITS * m])
        ks = [secrets.randbelow(R) for _ in pts]

        def prove_once(out: list[bytes] = out, vals: list[int] = vals, blinds: list[int] = blinds) -> None:
            out.append(rangeproof.prove(vals, blinds, BITS, encoding=lin))

        def floor_once(pts: list[object] = pts, ks: list[int] = ks) -> None:
            be.msm(pts, ks)

        prove_once()  # the fixed-base tables are set-up, not proving
        secs, floor_s = _interleaved(prove_once, floor_once, reps)
        floor = floor_s * 1e3 / m
        figures.append(Figure(f"range.prove.per_value.linear.m{m}", secs * 1e3 / m, "ms", floor,
                              6.0 if m == 1 else None,
                              note=f"one linear {BITS}-bit proof of m={m}; floor: one MSM of 2*n*m points / m"))
        if m == 1:
            figures.append(Figure("range.proof_size.linear.m1", float(len(out[-1])), "bytes",
                                  note=f"288 + 64*{BITS}*1 bytes (compressed: 352 + 96*log2({BITS}))"))
    for m, k in ((16, 8 if quick else 32), (1, 64 if quick else 256)):
        batch: list[rangeproof.Item] = []
        for _ in range(k):
            vals, blinds = _values(m)
            batch.append(([commit(v, g) for v, g in zip(vals, blinds, strict=True)],
                          rangeproof.prove(vals, blinds, BITS, encoding=lin), BITS, b"", lin))
        assert rangeproof.verify_batch(batch)
        def verify_once(batch: list[rangeproof.Item] = batch) -> None:
            rangeproof.verify_batch(batch)

        eq_size = 2 * BITS * m + 2 + k * (4 + m)
        fpts = (gens.G + gens.H) * (1 + eq_size // (len(gens.G) * 2))
        fks = [secrets.randbelow(R) for _ in range(eq_size)]

        def floor_v(fpts: list[object] = fpts[:eq_size], fks: list[int] = fks) -> None:
            be.msm(fpts, fks)

        secs, floor_s = _interleaved(verify_once, floor_v, max(3, reps // 8))
        n_values = m * k
        name = "range.verify_batch.per_value.linear" + ("" if m == 16 else ".m1")
        figures.append(Figure(name, secs * 1e3 / n_values, "ms", floor_s * 1e3 / n_values,
                              0.3 if m == 16 else None,
                              note=f"{k} linear proofs of m={m} x {BITS} bits batched; floor: one MSM of {eq_size} "
                                   "points (the folded equation; point decoding and scalar work are above it)"))
    return figures
