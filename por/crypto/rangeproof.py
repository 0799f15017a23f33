"""Bulletproofs range proofs, single and aggregated (low-level: statements use :mod:`.statements`).

A proof shows that each of m Pedersen commitments V_j = v_j·G + γ_j·H opens to a value in [0, 2^n),
n ∈ {8, 16, 32, 64, 128}, m a power of two ≤ 64 (Bünz et al. 2018, section 4.3, aggregated).

Two encodings (docs/protocol.md §4.3, §4.5), chosen by the caller and never guessed from the bytes:

- ``compressed`` (default): the inner-product argument of §4.2 of the paper; 352 + 96·log2(n·m) bytes.
- ``linear``: the same commitments and challenges up to x (its own domain separator), then the vectors
  l = l(x), r = r(x) in the clear (§4.1 of the paper, before the logarithmic compression); 288 + 64·n·m
  bytes, but the prover's group work is about one MSM of 2·n·m points and the verifier's per-proof
  work is scalar arithmetic plus a few points, folded into the batch MSM like the compressed one.

Public API (third-party verifiers rely on these names):

- :func:`prove` ``(values, blindings, bits, *, context=b"", rng=None, encoding="compressed") -> bytes``
- :func:`verify` ``(commitments, proof, bits, *, context=b"", encoding="compressed") -> bool``
  (False for anything invalid)
- :func:`verify_batch` ``(items, *, rng=None) -> bool``: one MSM for all items, random weights; an item
  is ``(commitments, proof, bits[, context[, encoding]])``, encodings may be mixed in one batch
- :func:`find_invalid` ``(items) -> list[int]``: bisection naming the failing items

Transcript (docs/protocol.md is normative): ``Transcript(b"por/v1/rangeproof")``,
then ``context``, ``n`` (u64), ``m`` (u64), every ``V`` (48 B, identity allowed), ``A``, ``S`` →
challenges ``y``, ``z``; ``T1``, ``T2`` → ``x``; ``tau_x``, ``mu``, ``t_hat`` → ``w``; then the inner
product argument (``ipa-n``, per round ``L``, ``R`` → ``u``). The verifier recomputes every challenge.

Compressed encoding: A ‖ S ‖ T1 ‖ T2 (48 B each) ‖ tau_x ‖ mu ‖ t_hat (32 B each) ‖ (L_k ‖ R_k) for
k = 1..log2(n·m) ‖ a ‖ b (32 B each); 352 + 96·log2(n·m) bytes exactly.

Linear encoding: transcript ``Transcript(b"por/v1/rangeproof/linear")``, then the same absorptions up to
the challenge x (no challenge after it); bytes A ‖ S ‖ T1 ‖ T2 ‖ tau_x ‖ mu ‖ t_hat ‖ l_0..l_{N−1} ‖
r_0..r_{N−1} (scalars 32 B each, N = n·m); 288 + 64·N bytes exactly.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import reduce
from typing import Any

from por.crypto import inner_product as ipa
from por.crypto.backend import POINT_BYTES, GroupBackend, Point, get_backend
from por.crypto.fixed_base import pedersen_tables
from por.crypto.generators import bulletproof_gens, pedersen_gens
from por.crypto.scalar import R, RandomSource, decode_scalar, encode_scalar, random_scalar
from por.crypto.transcript import Transcript
from por.errors import EncodingError, ProofError, RangeError

DOMAIN = b"por/v1/rangeproof"
DOMAIN_LINEAR = b"por/v1/rangeproof/linear"
COMPRESSED = "compressed"
LINEAR = "linear"
ENCODINGS = (COMPRESSED, LINEAR)
ALLOWED_BITS = (8, 16, 32, 64, 128)
MAX_M = 64
SCALAR_BYTES = 32

Item = (tuple[list[bytes], bytes, int] | tuple[list[bytes], bytes, int, bytes]
        | tuple[list[bytes], bytes, int, bytes, str])


def proof_size(bits: int, m: int, encoding: str = COMPRESSED) -> int:
    """Exact byte length of a proof for m values of ``bits`` bits in ``encoding``."""
    if encoding == LINEAR:
        return 4 * POINT_BYTES + 3 * SCALAR_BYTES + 2 * bits * m * SCALAR_BYTES
    if encoding != COMPRESSED:
        raise ValueError(f"unknown encoding {encoding!r}")
    lg = (bits * m).bit_length() - 1
    return 4 * POINT_BYTES + 3 * SCALAR_BYTES + 2 * lg * POINT_BYTES + 2 * SCALAR_BYTES


def _is_pow2(m: int) -> bool:
    return m >= 1 and m & (m - 1) == 0


def _start(context: bytes, n: int, m: int, v_encs: Sequence[bytes], domain: bytes = DOMAIN) -> Transcript:
    t = Transcript(domain)
    t.append(b"context", bytes(context))
    t.append_u64(b"n", n)
    t.append_u64(b"m", m)
    for v in v_encs:
        t.append_point_bytes(b"V", v)
    return t


def _delta(y: int, z: int, n: int, m: int) -> int:
    """δ(y, z) = (z − z²)·Σ_{i<nm} y^i − Σ_j z^{j+3}·(2^n − 1)."""
    nm = n * m
    sum_y = nm if y == 1 else (pow(y, nm, R) - 1) * pow(y - 1, -1, R) % R
    zz = z * z % R
    sum_z3 = 0
    zp = zz * z % R
    for _ in range(m):
        sum_z3 += zp
        zp = zp * z % R
    return ((z - zz) * sum_y - sum_z3 % R * ((1 << n) - 1)) % R


# --- prover ---------------------------------------------------------------------------------------


def _check_inputs(values: Sequence[int], blindings: Sequence[int], bits: int) -> None:
    if bits not in ALLOWED_BITS:
        raise RangeError(f"bit width {bits!r} not allowed; choose one of {ALLOWED_BITS}")
    m = len(values)
    if len(blindings) != m:
        raise RangeError(f"{m} values but {len(blindings)} blindings")
    if not _is_pow2(m) or m > MAX_M:
        raise RangeError(f"the count m = {m} must be a power of two between 1 and {MAX_M}")
    for j, v in enumerate(values):
        if isinstance(v, bool) or not isinstance(v, int):
            raise RangeError(f"value {j} is not an integer")
        if not 0 <= v < (1 << bits):
            raise RangeError(f"value {j} is outside [0, 2^{bits})")
    for j, g in enumerate(blindings):
        if isinstance(g, bool) or not isinstance(g, int):
            raise RangeError(f"blinding {j} is not an integer")


def prove(
    values: list[int],
    blindings: list[int],
    bits: int,
    *,
    context: bytes = b"",
    rng: RandomSource | None = None,
    backend: GroupBackend | None = None,
    encoding: str = COMPRESSED,
    commitments: Sequence[bytes] | None = None,
) -> bytes:
    """Prove that every ``values[j]`` (committed with ``blindings[j]``) lies in [0, 2^bits).

    Blinding randomness (α, ρ, s_L, s_R, τ1, τ2, drawn in that order) comes from the OS CSPRNG,
    or from ``rng`` in tests; never from public data, so two proofs of the same values differ.
    ``encoding`` is ``"compressed"`` or ``"linear"`` (docs/protocol.md §4.3, §4.5). ``commitments``
    (the V_j encodings, when the caller already has them) saves the linear prover recomputing them; a
    wrong one only makes the proof invalid.

    Raises:
        RangeError: a value outside [0, 2^bits), a bit width not allowed, lengths that differ, m
            not a power of two ≤ 64, or an unknown encoding.
    """
    _check_inputs(values, blindings, bits)
    if encoding not in ENCODINGS:
        raise RangeError(f"unknown range-proof encoding {encoding!r}; choose one of {ENCODINGS}")
    if commitments is not None and (len(commitments) != len(values)
                                    or not all(isinstance(c, bytes) and len(c) == POINT_BYTES for c in commitments)):
        raise RangeError("commitments: one 48-byte encoding per value")
    be = backend or get_backend()
    if encoding == LINEAR:
        return _prove_linear(list(values), [g % R for g in blindings], bits, context, rng, be, commitments)
    return _prove_unchecked(list(values), [g % R for g in blindings], bits, context, rng, be)


def _commitments(be: GroupBackend, values: list[int], blindings: list[int]) -> list[bytes]:
    """V_j = v_j·G + γ_j·H by the fixed-base tables."""
    tg, th = pedersen_tables(be)
    return [be.encode(be.add(tg.mul(v), th.mul(g))) for v, g in zip(values, blindings, strict=True)]


def _polynomials(be: GroupBackend, t: Transcript, a_l: list[int], s_l: list[int], s_r: list[int], y: int, z: int,
                 tau1: int, tau2: int, blindings: list[int], n: int, m: int,
                 ) -> tuple[Point, Point, int, list[int], list[int], int, int]:
    """The part both encodings share after the challenges y, z (docs/protocol.md §4.2): l(X) = l0 + l1·X,
    r(X) = r0 + r1·X, t1, t2, their commitments T1, T2 (appended), the challenge x, then
    (T1, T2, x, l = l(x), r = r(x), t̂ = <l, r>, τx)."""
    nm = n * m
    tg, th = pedersen_tables(be)
    zz = z * z % R
    l0 = [(b - z) % R for b in a_l]
    r0 = [0] * nm
    r1 = [0] * nm
    yi = 1
    zj = zz
    for j in range(m):
        for k in range(n):
            i = j * n + k
            r0[i] = (yi * (a_l[i] - 1 + z) + (zj << k)) % R
            r1[i] = yi * s_r[i] % R
            yi = yi * y % R
        zj = zj * z % R
    t1 = (sum(p * q for p, q in zip(l0, r1, strict=True)) + sum(p * q for p, q in zip(s_l, r0, strict=True))) % R
    t2 = sum(p * q for p, q in zip(s_l, r1, strict=True)) % R
    T1 = be.add(tg.mul(t1), th.mul(tau1))
    T2 = be.add(tg.mul(t2), th.mul(tau2))
    t.validate_and_append_point(be, b"T1", T1)
    t.validate_and_append_point(be, b"T2", T2)
    x = t.challenge(b"x")
    l_vec = [(p + x * q) % R for p, q in zip(l0, s_l, strict=True)]
    r_vec = [(p + x * q) % R for p, q in zip(r0, r1, strict=True)]
    t_hat = sum(p * q for p, q in zip(l_vec, r_vec, strict=True)) % R
    z_sum = 0
    zj = zz
    for g in blindings:
        z_sum += zj * g
        zj = zj * z % R
    tau_x = (tau2 * x % R * x + tau1 * x + z_sum) % R
    return T1, T2, x, l_vec, r_vec, t_hat, tau_x


def _prove_linear(values: list[int], blindings: list[int], bits: int, context: bytes,
                  rng: RandomSource | None, be: GroupBackend,
                  v_encs: Sequence[bytes] | None = None) -> bytes:
    """The linear encoding's prover, without the range check (the soundness tests call it directly).

    Group work: S = ONE MSM of 2·N points (the floor); A as sums of generators (no MSM: its bit
    scalars are 0/±1); V (when not given), ρ·H, α·H, T1, T2 by fixed-base tables (a few dozen point
    additions each). Everything else is scalar arithmetic, in one thread.
    """
    n, m = bits, len(values)
    nm = n * m
    tg, th = pedersen_tables(be)
    G_vec, H_vec = bulletproof_gens(be).take(nm)
    if v_encs is None:
        v_encs = _commitments(be, values, blindings)
    t = _start(context, n, m, list(v_encs), DOMAIN_LINEAR)

    a_l = [(values[j] >> k) & 1 for j in range(m) for k in range(n)]
    alpha = random_scalar(rng)
    rho = random_scalar(rng)
    s_l = [random_scalar(rng) for _ in range(nm)]
    s_r = [random_scalar(rng) for _ in range(nm)]
    tau1 = random_scalar(rng)
    tau2 = random_scalar(rng)

    # One thread on purpose: measured on the shared 2-core machine, splitting S over two threads costs
    # more (wake-ups, a second MSM's fixed cost) than it saves; the tree runs proofs in processes.
    A = reduce(be.add, [G_vec[i] for i in range(nm) if a_l[i]], th.mul(alpha))
    h_unset = [H_vec[i] for i in range(nm) if not a_l[i]]
    if h_unset:
        A = be.add(A, be.neg(reduce(be.add, h_unset)))
    S = be.add(be.msm(G_vec + H_vec, s_l + s_r), th.mul(rho))
    t.validate_and_append_point(be, b"A", A)
    t.validate_and_append_point(be, b"S", S)
    y = t.challenge(b"y")
    z = t.challenge(b"z")

    T1, T2, x, l_vec, r_vec, t_hat, tau_x = _polynomials(be, t, a_l, s_l, s_r, y, z, tau1, tau2, blindings, n, m)
    mu = (alpha + rho * x) % R
    head = [be.encode(A), be.encode(S), be.encode(T1), be.encode(T2)]
    scalars = [tau_x, mu, t_hat, *l_vec, *r_vec]
    return b"".join(head) + b"".join(k.to_bytes(SCALAR_BYTES, "big") for k in scalars)


def _prove_unchecked(values: list[int], blindings: list[int], bits: int, context: bytes,
                     rng: RandomSource | None, be: GroupBackend) -> bytes:
    """The compressed prover without the range check: only the soundness tests call it directly."""
    n, m = bits, len(values)
    nm = n * m
    pg = pedersen_gens(be)
    tg, th = pedersen_tables(be)
    G_vec, H_vec = bulletproof_gens(be).take(nm)

    def commit_range(lo: int, hi: int) -> list[bytes]:
        return [be.encode(be.msm([pg.G, pg.H], [values[j] % R, blindings[j]])) for j in range(lo, hi)]

    half_m = max(1, m // 2)
    v_encs = [e for part in ipa.run_parallel(
        [lambda: commit_range(0, half_m), lambda: commit_range(half_m, m)]) for e in part]
    t = _start(context, n, m, v_encs)

    a_l = [(values[j] >> k) & 1 for j in range(m) for k in range(n)]
    alpha = random_scalar(rng)
    rho = random_scalar(rng)
    s_l = [random_scalar(rng) for _ in range(nm)]
    s_r = [random_scalar(rng) for _ in range(nm)]
    tau1 = random_scalar(rng)
    tau2 = random_scalar(rng)

    # A = α·H + <a_L, G> + <a_R, H> with a_R = a_L − 1: sum G_i over set bits, subtract H_i over the
    # rest (0/1 scalars: the MSM skips the high zero bits), α·H on its own so it stays cheap.
    g_set = [G_vec[i] for i in range(nm) if a_l[i]]
    h_unset = [H_vec[i] for i in range(nm) if not a_l[i]]
    x1, y1, ah, s1, s2 = ipa.run_parallel([
        lambda: be.msm(g_set, [1] * len(g_set)),
        lambda: be.msm(h_unset, [1] * len(h_unset)),
        lambda: be.msm([pg.H], [alpha]),
        lambda: be.msm(G_vec + [pg.H], s_l + [rho]),
        lambda: be.msm(H_vec, s_r),
    ])
    A = be.add(be.add(x1, be.neg(y1)), ah)
    S = be.add(s1, s2)
    t.validate_and_append_point(be, b"A", A)
    t.validate_and_append_point(be, b"S", S)
    y = t.challenge(b"y")
    z = t.challenge(b"z")

    T1, T2, x, l_vec, r_vec, t_hat, tau_x = _polynomials(be, t, a_l, s_l, s_r, y, z, tau1, tau2, blindings, n, m)
    mu = (alpha + rho * x) % R
    t.append_scalar(b"tau_x", tau_x)
    t.append_scalar(b"mu", mu)
    t.append_scalar(b"t_hat", t_hat)
    w = t.challenge(b"w")
    Q = be.mul(pg.G, w)

    y_inv = pow(y, -1, R)
    h_factors = [1] * nm
    for i in range(1, nm):
        h_factors[i] = h_factors[i - 1] * y_inv % R
    rounds, a_fin, b_fin = ipa.prove(be, t, Q, G_vec, H_vec, h_factors, l_vec, r_vec)

    out = [be.encode(A), be.encode(S), be.encode(T1), be.encode(T2),
           encode_scalar(tau_x), encode_scalar(mu), encode_scalar(t_hat)]
    for l_enc, r_enc in rounds:
        out += [l_enc, r_enc]
    out += [encode_scalar(a_fin), encode_scalar(b_fin)]
    return b"".join(out)


# --- verifier -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Prepared:
    """One proof's contribution to the folded verification equation, already times its weight β."""

    nm: int
    g_coef: list[int]  # β-weighted coefficients of G_i, i < nm (not reduced)
    h_coef: list[int]
    points: list[Point]  # A, S, T1, T2, [L_k, R_k,] V_j
    scalars: list[int]
    g_scalar: int
    h_scalar: int
    g_const: int = 0  # added to each of the nm G_i coefficients
    h_const: int = 0


def _parse_item(be: GroupBackend, item: Any) -> tuple[list[bytes], list[Point], bytes, int, int, bytes, str]:
    """Shape checks common to both encodings; raise ValueError/TypeError/EncodingError."""
    if not isinstance(item, (tuple, list)) or len(item) not in (3, 4, 5):
        raise ValueError("an item is (commitments, proof, bits[, context[, encoding]])")
    commitments, proof, bits = item[0], item[1], item[2]
    context = item[3] if len(item) >= 4 else b""
    encoding = item[4] if len(item) == 5 else COMPRESSED
    if not isinstance(context, (bytes, bytearray)) or not isinstance(proof, (bytes, bytearray)):
        raise TypeError("proof and context are bytes")
    if not isinstance(encoding, str) or encoding not in ENCODINGS:
        raise ValueError("unknown encoding")
    if isinstance(bits, bool) or bits not in ALLOWED_BITS:
        raise ValueError("bit width not allowed")
    if not isinstance(commitments, (list, tuple)):
        raise TypeError("commitments are a list of bytes")
    m = len(commitments)
    if not _is_pow2(m) or m > MAX_M:
        raise ValueError("m must be a power of two <= 64")
    proof = bytes(proof)
    if len(proof) != proof_size(bits, m, encoding):
        raise ValueError("proof length does not match n, m and the encoding")
    v_encs = [bytes(v) for v in commitments]
    v_pts = [be.decode(v, allow_identity=True) for v in v_encs]
    return v_encs, v_pts, proof, bits, m, bytes(context), encoding


def _prepare(be: GroupBackend, item: Any, c: int, beta: int) -> _Prepared:
    """Parse and replay one item; raise EncodingError/ValueError/TypeError on anything malformed."""
    v_encs, v_pts, proof, n, m, context, encoding = _parse_item(be, item)
    if encoding == LINEAR:
        return _prepare_linear(be, v_encs, v_pts, proof, n, m, context, c, beta)
    nm = n * m
    lg = nm.bit_length() - 1

    pos = 0

    def take(k: int) -> bytes:
        nonlocal pos
        chunk = proof[pos:pos + k]
        pos += k
        return chunk

    encs = [take(POINT_BYTES) for _ in range(4)]
    pts = [be.decode(e) for e in encs]  # A, S, T1, T2: never the identity
    tau_x, mu, t_hat = (decode_scalar(take(SCALAR_BYTES)) for _ in range(3))
    rounds = [(take(POINT_BYTES), take(POINT_BYTES)) for _ in range(lg)]
    lr_pts = [(be.decode(le), be.decode(re)) for le, re in rounds]
    a = decode_scalar(take(SCALAR_BYTES))
    b = decode_scalar(take(SCALAR_BYTES))

    t = _start(context, n, m, v_encs)
    t.append_point_bytes(b"A", encs[0])
    t.append_point_bytes(b"S", encs[1])
    y = t.challenge(b"y")
    z = t.challenge(b"z")
    t.append_point_bytes(b"T1", encs[2])
    t.append_point_bytes(b"T2", encs[3])
    x = t.challenge(b"x")
    t.append_scalar(b"tau_x", tau_x)
    t.append_scalar(b"mu", mu)
    t.append_scalar(b"t_hat", t_hat)
    w = t.challenge(b"w")
    u_sq, u_inv_sq, s = ipa.verification_scalars(t, lg, rounds)

    zz = z * z % R
    y_inv = pow(y, -1, R)
    g_coef = [beta * ((-z - a * si) % R) for si in s]
    h_coef = [0] * nm
    yi = 1
    zj = zz
    for j in range(m):
        for k in range(n):
            i = j * n + k
            h_coef[i] = beta * ((z + yi * ((zj << k) - b * s[nm - 1 - i])) % R)
            yi = yi * y_inv % R
        zj = zj * z % R
    points = pts + [p for pair in lr_pts for p in pair] + v_pts
    scalars = [1, x, c * x % R, c * x % R * x % R]
    for k in range(lg):
        scalars += [u_sq[k], u_inv_sq[k]]
    cz = c * zz % R
    for _ in range(m):
        scalars.append(cz)
        cz = cz * z % R
    g_scalar = (w * (t_hat - a * b) + c * (_delta(y, z, n, m) - t_hat)) % R
    h_scalar = (-mu - c * tau_x) % R
    return _Prepared(nm, g_coef, h_coef, points, [beta * k % R for k in scalars],
                     beta * g_scalar % R, beta * h_scalar % R)


def _prepare_linear(be: GroupBackend, v_encs: list[bytes], v_pts: list[Point], proof: bytes, n: int, m: int,
                    context: bytes, c: int, beta: int) -> _Prepared:
    """The linear encoding (docs/protocol.md §4.5): lengths, canonical scalars, t_hat = ⟨l, r⟩, and the
    two group equations with weights β (the proof) and β·c (the polynomial commitment check)."""
    nm = n * m
    encs = [proof[i * POINT_BYTES:(i + 1) * POINT_BYTES] for i in range(4)]
    pts = [be.decode(e) for e in encs]  # A, S, T1, T2: never the identity
    off = 4 * POINT_BYTES
    from_bytes = int.from_bytes
    ks = [from_bytes(proof[o:o + SCALAR_BYTES], "big") for o in range(off, len(proof), SCALAR_BYTES)]
    if max(ks) >= R:
        raise EncodingError("non-canonical scalar (>= r)")
    tau_x, mu, t_hat = ks[0], ks[1], ks[2]
    l_vec, r_vec = ks[3:3 + nm], ks[3 + nm:]
    if sum(map(operator.mul, l_vec, r_vec)) % R != t_hat:
        raise ProofError("t_hat is not the inner product of l and r")

    t = _start(context, n, m, v_encs, DOMAIN_LINEAR)
    t.append_point_bytes(b"A", encs[0])
    t.append_point_bytes(b"S", encs[1])
    y = t.challenge(b"y")
    z = t.challenge(b"z")
    t.append_point_bytes(b"T1", encs[2])
    t.append_point_bytes(b"T2", encs[3])
    x = t.challenge(b"x")

    # A + x·S − mu·H + Σ_i (−z − l_i)·G_i + Σ_i (z + y^(−i)·(d_i − r_i))·H_i = 0, times β; the
    # constant parts ∓β·z of every coefficient are carried once (``g_const``/``h_const``)
    bz = beta * z % R
    g_coef = [-beta * li for li in l_vec]
    y_inv = pow(y, -1, R)
    w = [beta] * nm  # β·y^(−i)
    for i in range(1, nm):
        w[i] = w[i - 1] * y_inv % R
    h_coef: list[int] = []
    zz = z * z % R
    zj = zz
    for j in range(m):
        base = j * n
        h_coef += [wi * ((zj << k) - ri) for k, wi, ri in zip(range(n), w[base:base + n], r_vec[base:base + n],
                                                                strict=True)]
        zj = zj * z % R
    # t_hat·G + tau_x·H = Σ_j z^(2+j)·V_j + δ·G + x·T1 + x²·T2, times β·c
    bc = beta * c % R
    scalars = [beta, beta * x % R, bc * x % R, bc * x % R * x % R]
    cz = bc * zz % R
    for _ in range(m):
        scalars.append(cz)
        cz = cz * z % R
    g_scalar = bc * (_delta(y, z, n, m) - t_hat) % R
    h_scalar = (-beta * mu - bc * tau_x) % R
    return _Prepared(nm, g_coef, h_coef, pts + v_pts, scalars, g_scalar, h_scalar, -bz, bz)


def _fold_check(be: GroupBackend, prepared: list[_Prepared]) -> bool:
    """Σ_p β_p·(equation_p) = 0 as ONE MSM: G_i/H_i coefficients summed across proofs."""
    pg = pedersen_gens(be)
    n_max = max(p.nm for p in prepared)
    G_vec, H_vec = bulletproof_gens(be).take(n_max)
    g_tot = [0] * n_max
    h_tot = [0] * n_max
    g_s = h_s = 0
    pts: list[Point] = []
    scs: list[int] = []
    consts: dict[int, list[int]] = {}  # nm -> [g, h] constants of the proofs of that size
    for p in prepared:
        if p.g_const or p.h_const:
            acc = consts.setdefault(p.nm, [0, 0])
            acc[0] += p.g_const
            acc[1] += p.h_const
        if p.nm == n_max:
            g_tot = [u + v for u, v in zip(g_tot, p.g_coef, strict=True)]
            h_tot = [u + v for u, v in zip(h_tot, p.h_coef, strict=True)]
        else:
            g_tot[:p.nm] = [u + v for u, v in zip(g_tot[:p.nm], p.g_coef, strict=True)]
            h_tot[:p.nm] = [u + v for u, v in zip(h_tot[:p.nm], p.h_coef, strict=True)]
        g_s += p.g_scalar
        h_s += p.h_scalar
        pts += p.points
        scs += p.scalars
    for nm, (gc, hc) in consts.items():
        g_tot[:nm] = [u + gc for u in g_tot[:nm]]
        h_tot[:nm] = [u + hc for u in h_tot[:nm]]
    all_pts = list(G_vec) + list(H_vec) + [pg.G, pg.H] + pts
    all_sc = [k % R for k in g_tot] + [k % R for k in h_tot] + [g_s % R, h_s % R] + scs
    return be.is_identity(ipa.msm_parallel(be, all_pts, all_sc))


def verify_batch(items: list[Item], *, rng: RandomSource | None = None,
                 backend: GroupBackend | None = None) -> bool:
    """True iff every item verifies; items are (commitments, proof, bits[, context[, encoding]]).

    All verification equations, of either encoding, are folded into one multi-scalar multiplication
    with random weights (β_p and the per-proof c_p from the CSPRNG, or ``rng`` in tests; β_0 = 1).
    Never raises on bad input.
    """
    be = backend or get_backend()
    try:
        if not isinstance(items, (list, tuple)):
            return False
        if not items:
            return True
        prepared = [_prepare(be, item, random_scalar(rng), 1 if idx == 0 else random_scalar(rng))
                    for idx, item in enumerate(items)]
        return _fold_check(be, prepared)
    except (EncodingError, ValueError, TypeError, ProofError, IndexError, ZeroDivisionError):
        return False


def verify(commitments: list[bytes], proof: bytes, bits: int, *, context: bytes = b"",
           backend: GroupBackend | None = None, encoding: str = COMPRESSED) -> bool:
    """True iff ``proof`` (in ``encoding``) shows every commitment opens to a value in [0, 2^bits).

    The commitments may include the identity encoding (a zero commitment used as padding); the
    prover's points may not. False, never an exception, for any invalid or malformed input, and for a
    proof of the other encoding.
    """
    return verify_batch([(commitments, proof, bits, context, encoding)], backend=backend)


def find_invalid(items: list[Item], *, rng: RandomSource | None = None,
                 backend: GroupBackend | None = None) -> list[int]:
    """Indexes of the items that do not verify, found by bisection (whole halves that pass are
    cleared with one batch check)."""
    be = backend or get_backend()
    return bisect_failures(len(items), lambda lo, hi: verify_batch(list(items[lo:hi]), rng=rng, backend=be))


def bisect_failures(count: int, batch_ok: Callable[[int, int], bool]) -> list[int]:
    """Indexes in [0, count) of the items that fail, given ``batch_ok(lo, hi)`` for the batch
    [lo, hi): a failing batch is split in halves until each failure is alone (log-many checks)."""
    bad: list[int] = []

    def walk(lo: int, hi: int) -> None:
        if lo >= hi or batch_ok(lo, hi):
            return
        if hi - lo == 1:
            bad.append(lo)
            return
        mid = (lo + hi) // 2
        walk(lo, mid)
        walk(mid, hi)

    walk(0, count)
    return bad
