"""``por bench tree``: the liabilities tree's figures, each beside a floor measured in the same run.

- ``tree.plain.build.1e6`` (s): a plain tree of 10^6 clients (quick: 10^5, scaled x10); floor: the
  same number of SHA-256 calls over the same byte counts in a tight loop.
- ``tree.committed.build.1e5`` (s): commitments and sums for 10^5 clients, no range proofs (quick:
  10^4, scaled x10); floor: one fast-backend MSM over two points per commitment.
- ``tree.inclusion.verify`` (ms) and ``tree.inclusion.size`` (bytes): one client's proof at height
  20, one column, default encoding and block size (``….compressed``/``….linear``: the other encoding). Building a 2^20-leaf committed tree with proofs takes hours
  in Python, so the bench synthesizes exactly the part a client sees: its leaf, and for each level a
  real block of B_l nodes (the path node, the sibling and B_l - 2 other nodes with known openings)
  with a real aggregated ``node-range`` proof; the sibling's children hashes are random. The file
  is byte-for-byte what :func:`por.tree.client_proof` writes and verifies with the same verifier.
- ``tree.prove.per_node`` (ms): a whole small committed tree built with proofs (local pool), time
  per proven node, default encoding (and the other one, suffixed).
"""

from __future__ import annotations

import hashlib
import json
import tempfile
import time
from pathlib import Path
from typing import Any

from por.bench import Figure, best_of

EPOCH = "bench-epoch"
MASTER = bytes(range(32))


def _rows(n: int, k: int = 1) -> list[tuple[str, tuple[int, ...]]]:
    return [(f"client-{i:08d}", tuple((i * 7919 + c) % 1_000_000 for c in range(k))) for i in range(n)]


def _sha_floor(n: int, height: int) -> float:
    """The plain build's SHA-256 calls in a tight loop: per leaf two HMACs (2 calls each, inner over
    the message, outer over 32 bytes), the leaf id and the leaf hash; one call per inner node."""
    sha = hashlib.sha256
    acct = b"\x00" + b"client-00000000"
    leaf_info = b"por/v1/leaf" + b"client-00000000" + b"\x01"
    d32, lid_in, leaf_in = bytes(32), bytes(14 + 32), bytes(18 + 32 + 16)
    node_in = bytes(18 + 64 + 16)
    inner = (1 << height) - 1
    pads = (1 << height) - n
    t0 = time.perf_counter()
    for _ in range(n):
        sha(acct).digest()
        sha(d32).digest()
    for _ in range(pads):
        sha(acct[:10]).digest()
        sha(d32).digest()
    for _ in range(1 << height):
        sha(leaf_info).digest()
        sha(d32).digest()
        sha(lid_in).digest()
        sha(leaf_in).digest()
    for _ in range(inner):
        sha(node_in).digest()
    return time.perf_counter() - t0


def bench_plain(quick: bool) -> list[Figure]:
    from por.parallel import LocalExecutor
    from por.tree import build_tree
    from por.tree.build import tree_height

    n = 100_000 if quick else 1_000_000
    scale = 1_000_000 / n
    rows = _rows(n)
    with tempfile.TemporaryDirectory() as d, LocalExecutor() as ex:
        def run() -> None:
            build_tree([("USD", "equity")], iter(rows), epoch_id=EPOCH, master_secret=MASTER, out_dir=Path(d),
                       mode="plain", executor=ex)
        t = best_of(run, 1 if not quick else 2)
    floor = _sha_floor(n, tree_height(n))
    note = f"{n} clients, local pool of {ex.workers}" + (f", scaled x{scale:g}" if scale != 1 else "")
    return [Figure("tree.plain.build.1e6", t * scale, "s", floor * scale, 6.0, note)]


def bench_committed(quick: bool) -> list[Figure]:
    from por.crypto.backend import get_backend
    from por.crypto.generators import pedersen_gens
    from por.crypto.scalar import SeededRandom, random_scalar
    from por.parallel import LocalExecutor
    from por.tree import build_tree

    n = 10_000 if quick else 100_000
    scale = 100_000 / n
    rows = _rows(n)
    with tempfile.TemporaryDirectory() as d, LocalExecutor() as ex:
        t0 = time.perf_counter()
        build_tree([("USD", "equity")], iter(rows), epoch_id=EPOCH, master_secret=MASTER, out_dir=Path(d),
                   executor=ex, range_proofs=False)
        t = time.perf_counter() - t0
    be = get_backend("fast")
    g = pedersen_gens(be)
    rng = SeededRandom(1)
    pts = [g.G, g.H] * n
    scalars = [random_scalar(rng) if i % 2 else i * 7919 for i in range(2 * n)]
    t0 = time.perf_counter()
    be.msm(pts, scalars)
    floor = time.perf_counter() - t0
    note = f"{n} clients, one column, no range proofs" + (f", scaled x{scale:g}" if scale != 1 else "")
    return [Figure("tree.committed.build.1e5", t * scale, "s", floor * scale, None, note)]


def synthesize_client_proof(height: int = 20, block_size: int | None = None, seed: int = 7,
                            encoding: str = "linear") -> dict[str, Any]:
    """A genuine client proof (``CLIENT_FORMAT``) for one client of a virtual height-``height`` tree (see
    the module docstring): real leaf, real blocks (the sibling's, §7.10) and proofs on the path, random
    hashes elsewhere; ``encoding`` names the statements (``linear``: ``node-range-linear``)."""
    from por.crypto import statements as st
    from por.crypto.pedersen import commit
    from por.crypto.scalar import R, SeededRandom
    from por.tree import leaf as L
    from por.tree.build import DEFAULT_BLOCK_SIZES, ENCODING_STATEMENTS, statement_refs
    from por.tree.proof import CLIENT_FORMAT, b64

    bsz = block_size or DEFAULT_BLOCK_SIZES[encoding]
    rng = SeededRandom(seed)
    s = L.leaf_secret(MASTER, EPOCH, "client-00000001")
    value = 123_456
    position = rng.randbelow(1 << height)
    node_stmt = ENCODING_STATEMENTS[encoding][0]
    stmt = st.load(node_stmt)
    own_v, own_g = value, L.blinding(s, 0)
    own_c = commit(own_v, own_g)
    h = L.leaf_hash("committed", L.leaf_id("client-00000001", s), own_c)
    path = []
    for level in range(height):
        bl = L.level_block_size(bsz, height, level)
        idx = position >> level
        j = (idx ^ 1) // bl
        vals, blinds = [], []
        for i in range(bl):
            if j * bl + i == idx:
                vals.append(own_v)
                blinds.append(own_g)
            else:
                vals.append(rng.randbelow(1 << 40))
                blinds.append(rng.randbelow(R))
        comms = [commit(v, g) for v, g in zip(vals, blinds, strict=True)]
        proof = st.prove(stmt, [st.Claim((c,), (1,)) for c in comms],
                         [st.Opening((v,), (g,)) for v, g in zip(vals, blinds, strict=True)],
                         context=L.block_context(EPOCH, b"", height, level, j), rng=rng)
        sib = (idx ^ 1) - j * bl
        if level == 0:
            sibling: dict[str, Any] = {"leaf_id": rng.randbelow(1 << 256).to_bytes(32, "big").hex()}
            sh = L.leaf_hash("committed", bytes.fromhex(sibling["leaf_id"]), comms[sib])
        else:
            ch = [rng.randbelow(1 << 256).to_bytes(32, "big") for _ in range(2)]
            sibling = {"children": [c.hex() for c in ch]}
            sh = L.node_hash("committed", ch[0], ch[1], comms[sib])
        sibling["columns"] = [comms[sib].hex()]
        path.append({"level": level, "sibling": sibling,
                     "block": {"index": j, "commitments": b64(b"".join(comms)), "proof": b64(proof)}})
        own_v += vals[sib]
        own_g = (own_g + blinds[sib]) % R
        own_c = commit(own_v, own_g)
        left, right = (h, sh) if not idx & 1 else (sh, h)
        h = L.node_hash("committed", left, right, own_c)
    return {
        "format": CLIENT_FORMAT, "leaf_format": L.LEAF_FORMAT, "protocol": "por-v1", "mode": "committed",
        "epoch_id": EPOCH,
        "columns": [["USD", "equity"]], "height": height, "block_size": bsz, "context": "",
        "account_id": "client-00000001", "values": [str(value)], "leaf_secret": s.hex(), "position": position,
        "statements": statement_refs([node_stmt]), "path": path, "collateral": None,
        "root": {"hash": h.hex(), "columns": [own_c.hex()]},
    }


def bench_inclusion(quick: bool, encoding: str | None = None) -> list[Figure]:
    from por.tree import verify_client_proof
    from por.tree.build import DEFAULT_BLOCK_SIZES, DEFAULT_PROOF_ENCODING, ENCODING_STATEMENTS

    enc = encoding or DEFAULT_PROOF_ENCODING
    proof = synthesize_client_proof(20, encoding=enc)
    text = json.dumps(proof, separators=(",", ":"), sort_keys=True)
    root = proof["root"]["hash"]
    res = verify_client_proof(json.loads(text), root_hash=root, epoch_id=EPOCH)
    if not res.ok:  # pragma: no cover - a bench that measures a failing check is meaningless
        raise RuntimeError(f"synthesized proof does not verify: {res.failures}")
    t = best_of(lambda: verify_client_proof(json.loads(text), root_hash=root, epoch_id=EPOCH), 3)
    # floor: the batch verification of the same 20 blocks alone
    from base64 import b64decode as _b64  # wireclient: the client path's private helper is gone

    from por.crypto import statements as st
    from por.tree import leaf as L

    items = []
    for e in proof["path"]:
        comms = _b64(e["block"]["commitments"])
        cs = [comms[i:i + 48] for i in range(0, len(comms), 48)]
        items.append((st.load(ENCODING_STATEMENTS[enc][0]), [st.Claim((c,), (1,)) for c in cs],
                      _b64(e["block"]["proof"]), L.block_context(EPOCH, b"", 20, e["level"], e["block"]["index"])))
    floor = best_of(lambda: st.verify_batch(items), 3)
    note = f"height 20, one column, {enc} proofs, B = {DEFAULT_BLOCK_SIZES[enc]}; path synthesized (see por/bench/tree.py)"
    suffix = "" if encoding is None else f".{enc}"
    return [Figure("tree.inclusion.verify" + suffix, t * 1e3, "ms", floor * 1e3, 150.0,
                   note + "; floor: the batch check alone"),
            Figure("tree.inclusion.size" + suffix, float(len(text)), "bytes", None, 131072.0, note + ", compact JSON")]


def bench_prove(quick: bool, encoding: str | None = None) -> list[Figure]:
    from por.parallel import LocalExecutor
    from por.tree import build_tree
    from por.tree.build import DEFAULT_BLOCK_SIZES, DEFAULT_PROOF_ENCODING

    enc = encoding or DEFAULT_PROOF_ENCODING
    height = 5 if quick else 7
    n = 1 << height
    with tempfile.TemporaryDirectory() as d, LocalExecutor() as ex:
        t0 = time.perf_counter()
        build_tree([("USD", "equity")], iter(_rows(n)), epoch_id=EPOCH, master_secret=MASTER, out_dir=Path(d),
                   executor=ex, unit_bits=max(3, height - 2), proof_encoding=enc)
        t = time.perf_counter() - t0
    nodes = (1 << (height + 1)) - 2
    suffix = "" if encoding is None else f".{enc}"
    return [Figure("tree.prove.per_node" + suffix, t / nodes * 1e3, "ms", None, None,
                   f"whole tree of {n} leaves ({nodes} proven nodes, one column, {enc} proofs, "
                   f"B = {DEFAULT_BLOCK_SIZES[enc]}), local pool of {ex.workers}")]


def run(quick: bool = False) -> list[Figure]:
    from por.tree.build import DEFAULT_PROOF_ENCODING

    other = "compressed" if DEFAULT_PROOF_ENCODING == "linear" else "linear"
    return (bench_plain(quick) + bench_committed(quick) + bench_inclusion(quick) + bench_inclusion(quick, other)
            + bench_prove(quick) + bench_prove(quick, other))
