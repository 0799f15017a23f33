"""The Bulletproofs inner-product argument (low-level; use :mod:`por.crypto.rangeproof`).

Proves knowledge of vectors a, b (length N, a power of two) with
P = <a, G> + <b, H'> + <a, b>·Q, where H'_i = h_factor_i · H_i (the range proof passes y^-i, so
H' is never materialised). Round k (k = 1 .. log2 N) sends
L = <a_lo, G_hi> + <b_hi, H'_lo> + <a_lo, b_hi>·Q and R = <a_hi, G_lo> + <b_lo, H'_hi> + <a_hi, b_lo>·Q,
takes the challenge u and folds a' = u·a_lo + u⁻¹·a_hi, b' = u⁻¹·b_lo + u·b_hi,
G' = u⁻¹·G_lo + u·G_hi, H' = u·H_lo + u⁻¹·H_hi (Bünz et al. 2018, protocol 2, dalek's layout).

Why the prover is shaped as it is: on the fast backend one multi-scalar multiplication (MSM) call
costs ~0.2 ms however small, while a 1024-point MSM costs ~23 µs per point, and one MSM call
releases the GIL. Folding the generators point by point (2N scalar multiplications) would dominate
everything. So the folded generators are kept *lazily* as coefficient vectors over a materialised
level of generators, L and R are MSMs over that level, and the level is re-materialised (one MSM per
folded point, with the "scaling trick": the first term's coefficient is factored out) only at the
rounds a small cost model picks. L and R run on two threads. The bytes produced do not depend on the
schedule, only the time does.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from functools import cache, partial
from typing import TypeVar

from por.crypto.backend import GroupBackend, Point
from por.crypto.scalar import R
from por.crypto.transcript import Transcript

T = TypeVar("T")

# --- a tiny per-process thread pool (MSMs release the GIL on the fast backend) ---------------------

_POOL: dict[int, ThreadPoolExecutor] = {}


_CPUS = os.cpu_count() or 1


def _workers() -> int:
    env = os.environ.get("POR_THREADS")
    if env and env.isdigit() and int(env) > 0:
        return int(env)
    return max(1, min(2, _CPUS))


def pool() -> ThreadPoolExecutor | None:
    """The process's pool (keyed by pid: a forked child must not reuse its parent's dead threads)."""
    if _workers() == 1:
        return None
    pid = os.getpid()
    if pid not in _POOL:
        _POOL[pid] = ThreadPoolExecutor(max_workers=_workers(), thread_name_prefix="por-msm")
    return _POOL[pid]


def run_parallel(tasks: Sequence[Callable[[], T]]) -> list[T]:
    """Run the callables, concurrently where a pool exists; results in order."""
    ex = pool()
    if ex is None or len(tasks) < 2:
        return [t() for t in tasks]
    futures: list[Future[T]] = [ex.submit(t) for t in tasks[1:]]
    first = tasks[0]()
    return [first] + [f.result() for f in futures]


def msm_parallel(be: GroupBackend, points: list[Point], scalars: list[int], parts: int = 0,
                 min_points: int = 256) -> Point:
    """One MSM split into ``parts`` concurrent pieces when it has at least ``min_points`` points."""
    parts = parts or _workers()
    if parts < 2 or len(points) < min_points:
        return be.msm(points, scalars)
    step = -(-len(points) // parts)
    chunks = [(points[i:i + step], scalars[i:i + step]) for i in range(0, len(points), step)]
    results = run_parallel([partial(be.msm, p, s) for p, s in chunks])
    acc = results[0]
    for r in results[1:]:
        acc = be.add(acc, r)
    return acc


# --- cost model and schedule ----------------------------------------------------------------------

#: Wall time (ms) of one fast-backend MSM of 2^k random full-width scalars, measured on the 2-core
#: development machine; only the ratios matter (they pick the materialisation schedule).
_MSM_MS = {0: 0.23, 1: 0.32, 2: 0.45, 3: 0.67, 4: 1.04, 5: 1.74, 6: 2.9, 7: 4.58, 8: 7.9, 9: 13.8,
           10: 23.7, 11: 42.9, 12: 77.5, 13: 150.0}


def _msm_cost(n: int) -> float:
    if n <= 1:
        return _MSM_MS[0]
    k = min(13, math.floor(math.log2(n)))
    return _MSM_MS[k] * n / (1 << k)


@cache
def schedule(lg_n: int) -> frozenset[int]:
    """The rounds after which to materialise the folded generators (a small dynamic programme)."""
    n = 1 << lg_n

    @cache
    def best(done: int, level: int) -> tuple[float, tuple[int, ...]]:
        if done == lg_n:
            return 0.0, ()
        # do the next round over the generators materialised at ``level`` (L and R: 2 MSMs)
        cost, plan = best(done + 1, level)
        options = [(2 * _msm_cost((n >> level) + 1) + cost, plan)]
        if done > level:  # or first materialise at level ``done``
            outputs, width = n >> done, 1 << (done - level)
            c2, p2 = best(done, done)
            options.append((2 * outputs * _msm_cost(width - 1) + c2, (done,) + p2))
        return min(options)

    return frozenset(best(0, 0)[1])


# --- prover ---------------------------------------------------------------------------------------


def _materialise(be: GroupBackend, pts: list[Point], coef: list[int], n_new: int) -> list[Point]:
    """Points P_t = Σ_q (coef[t+q·n_new]/coef[t])·pts[t+q·n_new]; coef[t] stays as the residual factor."""
    width = len(pts) // n_new

    def one(t: int) -> Point:
        inv = pow(coef[t], -1, R)
        others = [pts[t + q * n_new] for q in range(1, width)]
        ks = [coef[t + q * n_new] * inv % R for q in range(1, width)]
        return be.add(pts[t], be.msm(others, ks))

    def chunk(lo: int, hi: int) -> list[Point]:
        return [one(t) for t in range(lo, hi)]

    parts = _workers()
    step = -(-n_new // parts)
    pieces = run_parallel([partial(chunk, lo, min(n_new, lo + step)) for lo in range(0, n_new, step)])
    return [p for piece in pieces for p in piece]


def prove(
    be: GroupBackend,
    transcript: Transcript,
    Q: Point,
    G: list[Point],
    H: list[Point],
    h_factors: list[int],
    a: list[int],
    b: list[int],
) -> tuple[list[tuple[bytes, bytes]], int, int]:
    """Run the argument; returns the (L, R) encodings per round and the final scalars a, b."""
    n = len(a)
    lg_n = n.bit_length() - 1
    if n != 1 << lg_n or len(b) != n or len(G) != n or len(H) != n or len(h_factors) != n:
        raise ValueError("inner product: lengths must be equal powers of two")
    plan = schedule(lg_n)
    transcript.append_u64(b"ipa-n", n)
    gm, hm = list(G), list(H)
    cg = [1] * n
    ch = [k % R for k in h_factors]
    a = [k % R for k in a]
    b = [k % R for k in b]
    rounds: list[tuple[bytes, bytes]] = []
    cur = n
    for rnd in range(1, lg_n + 1):
        half = cur // 2
        a_lo, a_hi, b_lo, b_hi = a[:half], a[half:], b[:half], b[half:]
        c_l = sum(x * y for x, y in zip(a_lo, b_hi, strict=True)) % R
        c_r = sum(x * y for x, y in zip(a_hi, b_lo, strict=True)) % R
        lp: list[Point] = []
        ls: list[int] = []
        rp: list[Point] = []
        rs: list[int] = []
        for base in range(0, len(gm), cur):
            lo, mid, hi = base, base + half, base + cur
            lp += gm[mid:hi]
            ls += [x * y % R for x, y in zip(a_lo, cg[mid:hi], strict=True)]
            lp += hm[lo:mid]
            ls += [x * y % R for x, y in zip(b_hi, ch[lo:mid], strict=True)]
            rp += gm[lo:mid]
            rs += [x * y % R for x, y in zip(a_hi, cg[lo:mid], strict=True)]
            rp += hm[mid:hi]
            rs += [x * y % R for x, y in zip(b_lo, ch[mid:hi], strict=True)]
        lp.append(Q)
        ls.append(c_l)
        rp.append(Q)
        rs.append(c_r)
        L, Rpt = run_parallel([partial(be.msm, lp, ls), partial(be.msm, rp, rs)])
        l_enc = transcript.validate_and_append_point(be, b"L", L)
        r_enc = transcript.validate_and_append_point(be, b"R", Rpt)
        rounds.append((l_enc, r_enc))
        u = transcript.challenge(b"u")
        u_inv = pow(u, -1, R)
        a = [(x * u + y * u_inv) % R for x, y in zip(a_lo, a_hi, strict=True)]
        b = [(x * u_inv + y * u) % R for x, y in zip(b_lo, b_hi, strict=True)]
        for base in range(0, len(gm), cur):
            for i in range(base, base + half):
                cg[i] = cg[i] * u_inv % R
                ch[i] = ch[i] * u % R
            for i in range(base + half, base + cur):
                cg[i] = cg[i] * u % R
                ch[i] = ch[i] * u_inv % R
        cur = half
        if rnd in plan and rnd < lg_n:
            gm = _materialise(be, gm, cg, cur)
            hm = _materialise(be, hm, ch, cur)
            cg, ch = cg[:cur], ch[:cur]
    return rounds, a[0], b[0]


# --- verifier helpers -----------------------------------------------------------------------------


def verification_scalars(transcript: Transcript, lg_n: int, rounds: Sequence[tuple[bytes, bytes]],
                         ) -> tuple[list[int], list[int], list[int]]:
    """Replay the challenges; return (u_k², u_k⁻², s) with s_i = Π_k u_k^{±1} (bit k of i, top first).

    The verifier derives every challenge from its own transcript: a proof carries none.
    """
    transcript.append_u64(b"ipa-n", 1 << lg_n)
    us: list[int] = []
    for l_enc, r_enc in rounds:
        transcript.append_point_bytes(b"L", l_enc)
        transcript.append_point_bytes(b"R", r_enc)
        us.append(transcript.challenge(b"u"))
    u_sq = [u * u % R for u in us]
    u_inv = [pow(u, -1, R) for u in us]
    u_inv_sq = [x * x % R for x in u_inv]
    prod_inv = 1
    for x in u_inv:
        prod_inv = prod_inv * x % R
    n = 1 << lg_n
    s = [prod_inv] * n
    for i in range(1, n):
        k = i.bit_length() - 1
        s[i] = s[i - (1 << k)] * u_sq[lg_n - 1 - k] % R
    return u_sq, u_inv_sq, s

