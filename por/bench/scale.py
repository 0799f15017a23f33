"""``por bench scale``: Dask speed-up, PostgreSQL at volume, per-unit costs and the estimates built on them.

- ``scale.dask.speedup.2w`` (x): a committed tree with every range proof, built through a
  :class:`~por.parallel_dask.DaskExecutor` on a ``LocalCluster`` of 1, then 2 single-thread worker
  processes (cluster start-up excluded, workers warmed); value = t(1 worker) / t(2 workers). No
  floor (a ratio); target 1.8. Quick: 128 clients; full: 512.
- ``scale.pg.copy.1e6`` (s): COPY of 10^6 client accounts and balances into the ledger tables
  (:func:`por.ledger.bulk.load_balances`), quick: 10^5 scaled x10; floor: COPY of the same rows
  into an unindexed, unconstrained temporary table. Skipped when PostgreSQL is unreachable
  (``POR_BENCH_DATABASE_URL``, else ``POR_TEST_DATABASE_URL``, else the local test database).
- ``scale.pg.snapshot.1e6`` (s): streaming every row of a repeatable-read head snapshot over them;
  floor: ``COPY (SELECT ... FROM ledger_balance) TO STDOUT`` of the same balances.
- ``scale.cost.commit`` / ``scale.cost.prove.node`` / ``scale.cost.verify.node`` (ms): one
  Pedersen commitment (fixed-base tables), one node's share of an aggregated ``node-range`` block
  proof (default block size, one column), one node's share of a batch verification.
- ``scale.estimate.1e6.local`` / ``scale.estimate.1e8.64w`` (h): ESTIMATES, not measurements:
  ``nodes x (prove + commit) / workers`` for one column, nodes = 2^(H+1) - 2.

``python -m por.bench.scale plain|pg|dask|costs`` runs one heavy measurement on its own (the
commands recorded in docs/scale.md).
"""

from __future__ import annotations

import argparse
import math
import os
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from por.bench import Figure

EPOCH = "bench-scale"
MASTER = bytes(range(32))
SEED = b"bench-scale-seed"
TEST_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def _rows(n: int) -> Iterator[tuple[str, tuple[int]]]:
    return ((f"client-{i:08d}", ((i * 7919) % 1_000_000,)) for i in range(n))


# ---- Dask ------------------------------------------------------------------------------------

def _warm() -> int:
    """Load the statements and the fixed-base tables in a worker (per-process caches)."""
    from por.crypto import statements as st
    from por.tree._commit import committer

    st.load("node-range")
    st.load("node-range-linear")
    committer()
    return os.getpid()


def dask_build(n: int, workers: int, unit_bits: int) -> dict[str, float]:
    """A committed build with proofs on a fresh LocalCluster of ``workers`` single-thread processes.

    Returns the wall time, the CPU seconds each worker process spent during the build (largest and
    total) and the client process's CPU seconds: on a machine shared with other jobs the wall time
    measures the contention too, while ``max worker CPU + client CPU`` is what the build needs on
    ``workers`` idle cores (the "CPU-bound" figure reported beside it).
    """
    from distributed import Client, LocalCluster

    from por.parallel_dask import DaskExecutor
    from por.tree import build_tree

    # POR_THREADS=1: the prover's own MSM threads would otherwise let ONE worker use both cores,
    # and the 1-vs-2-worker comparison would measure nothing
    cluster_ = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,  # type: ignore[no-untyped-call]
                            dashboard_address=None, memory_limit=0, silence_logs=50, env={"POR_THREADS": "1"})
    client_ = Client(cluster_, set_as_default=False)  # type: ignore[no-untyped-call]
    with cluster_, client_ as client, tempfile.TemporaryDirectory() as d:
        client.wait_for_workers(workers, timeout=120)
        client.run(_warm)
        cpu0 = client.run(time.process_time)
        c0, t0 = time.process_time(), time.perf_counter()
        build_tree([("USD", "equity")], _rows(n), epoch_id=EPOCH, master_secret=MASTER, out_dir=Path(d),
                   executor=DaskExecutor(client=client), seed=SEED, unit_bits=unit_bits)
        wall, client_cpu = time.perf_counter() - t0, time.process_time() - c0
        cpu1 = client.run(time.process_time)
        used = [cpu1[w] - cpu0[w] for w in cpu1 if w in cpu0]
        return {"wall": wall, "worker_cpu_max": max(used), "worker_cpu_total": sum(used), "client_cpu": client_cpu}


def dask_build_seconds(n: int, workers: int, unit_bits: int) -> float:
    return dask_build(n, workers, unit_bits)["wall"]


def bench_dask(quick: bool) -> list[Figure]:
    n = 128 if quick else 512
    bits = max(2, math.ceil(math.log2(n)) - 4)  # 16 subtree units
    r1 = dask_build(n, 1, bits)
    r2 = dask_build(n, 2, bits)
    cpu_bound = (r1["worker_cpu_max"] + r1["client_cpu"]) / (r2["worker_cpu_max"] + r2["client_cpu"])
    note = (f"{n} clients x 1 column, all range proofs, units of 2^{bits} leaves; wall 1 worker {r1['wall']:.1f} s, "
            f"2 workers {r2['wall']:.1f} s; on idle cores (max worker CPU + client CPU) {cpu_bound:.2f}x; "
            f"LocalCluster processes")
    return [Figure("scale.dask.speedup.2w", r1["wall"] / r2["wall"], "x", None, 1.8, note)]


# ---- per-unit costs and estimates -----------------------------------------------------------

def unit_costs(blocks: int = 4) -> dict[str, float]:
    """Seconds per commitment, per proven node and per verified node (one column, default B)."""
    from por.crypto import statements as st
    from por.crypto.scalar import R, SeededRandom
    from por.tree import leaf as L
    from por.tree._commit import committer
    from por.tree.build import DEFAULT_BLOCK_SIZE, DEFAULT_PROOF_ENCODING, ENCODING_STATEMENTS
    from por.tree.prove import BlockUnit, prove_block

    cm = committer()
    rng = SeededRandom(b"costs")
    n_commit = 2000
    vals = [rng.randbelow(1 << 40) for _ in range(n_commit)]
    blinds = [rng.randbelow(R) for _ in range(n_commit)]
    t0 = time.perf_counter()
    encs = [cm.encode(cm.commit(v, g)) for v, g in zip(vals, blinds, strict=True)]
    commit_s = (time.perf_counter() - t0) / n_commit
    b = DEFAULT_BLOCK_SIZE
    blocks *= max(1, 8 // b)  # as many nodes whatever the block size
    node_stmt = ENCODING_STATEMENTS[DEFAULT_PROOF_ENCODING][0]
    units = [BlockUnit(0, j, 20, EPOCH, b"", tuple(encs[j * b:(j + 1) * b]), tuple(vals[j * b:(j + 1) * b]),
                       tuple(blinds[j * b:(j + 1) * b]), SEED, node_stmt) for j in range(blocks)]
    prove_block(units[0])  # warm caches
    t0 = time.perf_counter()
    proofs = [prove_block(u) for u in units]
    prove_s = (time.perf_counter() - t0) / (blocks * b)
    stmt = st.load(node_stmt)
    items = [(stmt, [st.Claim((c,), (1,)) for c in u.commitments], p, L.block_context(EPOCH, b"", 20, 0, u.block))
             for u, (_, _, p) in zip(units, proofs, strict=True)]
    t0 = time.perf_counter()
    ok = st.verify_batch(items)
    verify_s = (time.perf_counter() - t0) / (blocks * b)
    if not ok:  # pragma: no cover
        raise RuntimeError("cost probe: proofs do not verify")
    return {"commit": commit_s, "prove_node": prove_s, "verify_node": verify_s, "block_size": b}


def estimate_hours(clients: int, workers: int, costs: dict[str, float], columns: int = 1) -> dict[str, float]:
    """An ESTIMATE from per-unit costs: (build+prove, audit) hours on ``workers`` cores, perfect scaling."""
    height = max(1, math.ceil(math.log2(clients)))
    nodes = (1 << (height + 1)) - 2  # every node but the root is proven
    build = (nodes * costs["prove_node"] + (1 << height) * costs["commit"]) * columns / workers
    audit = (nodes * costs["verify_node"] + (1 << height) * costs["commit"]) * columns / workers
    return {"height": height, "nodes": nodes, "build_h": build / 3600, "audit_h": audit / 3600}


def bench_costs(quick: bool) -> list[Figure]:
    c = unit_costs(2 if quick else 8)
    e6 = estimate_hours(10**6, 2, c)
    e8 = estimate_hours(10**8, 64, c)
    est = "ESTIMATE from the per-unit costs above, perfect scaling, one column"
    return [
        Figure("scale.cost.commit", c["commit"] * 1e3, "ms", None, None, "one Pedersen commitment, fixed-base tables"),
        Figure("scale.cost.prove.node", c["prove_node"] * 1e3, "ms", None, None,
               f"one node's share of an aggregated node-range block (B = {c['block_size']}, 1 column)"),
        Figure("scale.cost.verify.node", c["verify_node"] * 1e3, "ms", None, None,
               "one node's share of a batch verification"),
        Figure("scale.estimate.1e6.local", e6["build_h"], "h", None, 3.0,
               f"{est}: 10^6 clients, 2 local workers, {e6['nodes']} proven nodes; audit {e6['audit_h']:.2f} h"),
        Figure("scale.estimate.1e8.64w", e8["build_h"], "h", None, None,
               f"{est}: 10^8 clients, 64 workers, {e8['nodes']} proven nodes; audit {e8['audit_h']:.2f} h"),
    ]


# ---- PostgreSQL ------------------------------------------------------------------------------

def pg_url() -> str:
    return os.environ.get("POR_BENCH_DATABASE_URL") or os.environ.get("POR_TEST_DATABASE_URL") or TEST_URL


@contextmanager
def pg_schema(url: str) -> Iterator[Any]:
    """An engine on a fresh schema, dropped afterwards."""
    from por.ledger.db import make_engine, scratch_schema

    with scratch_schema(url, "por_bench") as schema:
        eng = make_engine(url, schema)
        try:
            yield eng
        finally:
            eng.dispose()


def pg_measure(n: int, url: str | None = None, explain: bool = False) -> dict[str, Any]:
    """COPY ``n`` clients (bootstrap ledger, one asset, every 10th a margin account), its floor, a
    full snapshot stream, its floor, and (``explain``) the EXPLAIN ANALYZE of the hot queries."""
    from por.ledger import bulk
    from por.ledger.snapshot import Snapshot

    out: dict[str, Any] = {"n": n}
    with pg_schema(url or pg_url()) as eng:
        res = bulk.load_balances(eng, n, bootstrap=True, margin_every=10, analyze=True)
        out["copy_s"], out["balances"] = res.seconds, res.balances
        out.update(_copy_floor(eng))
        t0 = time.perf_counter()
        with Snapshot(eng) as snap:
            rows = sum(1 for _ in snap.rows())
        out["snapshot_s"], out["snapshot_rows"] = time.perf_counter() - t0, rows
        raw = eng.raw_connection()
        try:
            cur = raw.cursor()
            t0 = time.perf_counter()
            size = 0
            with cur.copy("COPY (SELECT account, asset, book, amount FROM ledger_balance) TO STDOUT") as cp:
                for chunk in cp:
                    size += len(chunk)
            out["snapshot_floor_s"] = time.perf_counter() - t0
            raw.rollback()
        finally:
            raw.close()
        if explain:
            out["explain"] = [(sql, p, bulk.explain(eng, sql, p, analyze=True))
                              for sql, p in bulk.snapshot_queries(eng)]
    return out


def _copy_floor(eng: Any) -> dict[str, float]:
    """Time to COPY the loaded rows' text into bare temporary tables (no index, no constraint)."""
    raw = eng.raw_connection()
    try:
        cur = raw.cursor()
        cur.execute("CREATE TEMP TABLE bare_account2 (id text, kind text, owner text, opened_seq bigint)")
        cur.execute("CREATE TEMP TABLE bare_balance2 (account text, asset text, book text, amount bigint, rule text)")
        blobs = []
        for src in ("ledger_account (id, kind, owner, opened_seq)", "ledger_balance (account, asset, book, amount, rule)"):
            buf = bytearray()
            with cur.copy(f"COPY {src} TO STDOUT") as cp:
                for chunk in cp:
                    buf += chunk
            blobs.append(bytes(buf))
        t0 = time.perf_counter()
        for dst, blob in zip(("bare_account2", "bare_balance2"), blobs, strict=True):
            with cur.copy(f"COPY {dst} FROM STDIN") as cp:
                cp.write(blob)
        t = time.perf_counter() - t0
        raw.rollback()
        return {"copy_floor_s": t}
    finally:
        raw.close()


def bench_pg(quick: bool) -> list[Figure]:
    from por.ledger.db import UnreachableError

    n = 100_000 if quick else 1_000_000
    scale = 1_000_000 / n
    try:
        m = pg_measure(n)
    except UnreachableError:
        return []
    note = f"{n} clients ({m['balances']} balances), ledger tables with their keys" + (
        f", scaled x{scale:g}" if scale != 1 else "")
    return [
        Figure("scale.pg.copy.1e6", m["copy_s"] * scale, "s", m["copy_floor_s"] * scale, None,
               note + "; floor: the same rows into bare temp tables"),
        Figure("scale.pg.snapshot.1e6", m["snapshot_s"] * scale, "s", m["snapshot_floor_s"] * scale, None,
               note + "; repeatable-read head snapshot streamed; floor: COPY TO of the balances"),
    ]


def run(quick: bool = False) -> list[Figure]:
    return bench_costs(quick) + bench_pg(quick) + bench_dask(quick)


# ---- one-off heavy measurements (docs/scale.md) ---------------------------------------------

def main(argv: list[str] | None = None) -> None:
    import json

    ap = argparse.ArgumentParser(prog="python -m por.bench.scale")
    ap.add_argument("what", choices=["plain", "pg", "dask", "costs"])
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--columns", type=int, default=1)
    ap.add_argument("--workers", default="1,2")
    ap.add_argument("--unit-bits", type=int, default=0)
    args = ap.parse_args(argv)
    if args.what == "plain":
        import resource

        from por.parallel import LocalExecutor
        from por.tree import build_tree

        cols = [(f"A{c}", "equity") for c in range(args.columns)]
        rows = ((f"client-{i:08d}", tuple((i * 7919 + c) % 1_000_000 for c in range(args.columns)))
                for i in range(args.n))
        with tempfile.TemporaryDirectory() as d, LocalExecutor() as ex:
            t0 = time.perf_counter()
            info = build_tree(cols, rows, epoch_id=EPOCH, master_secret=MASTER, out_dir=Path(d), mode="plain",
                              executor=ex)
            t = time.perf_counter() - t0
        ru_self = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        ru_kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(json.dumps({"n": args.n, "columns": args.columns, "height": info.height, "seconds": round(t, 2),
                          "workers": ex.workers, "peak_rss_main_mb": round(ru_self),
                          "peak_rss_largest_worker_mb": round(ru_kids)}))
    elif args.what == "pg":
        m = pg_measure(args.n, explain=True)
        for sql, p, plan in m.pop("explain"):
            print(sql.replace("\n", " "), p)
            print(plan)
            print()
        print(json.dumps(m))
    elif args.what == "dask":
        bits = args.unit_bits or max(2, math.ceil(math.log2(args.n)) - 4)
        res = {}
        for w in (int(x) for x in args.workers.split(",")):
            res[w] = dask_build(args.n, w, bits)
            print(json.dumps({"n": args.n, "workers": w, "unit_bits": bits,
                              **{k: round(v, 2) for k, v in res[w].items()}}), flush=True)
        if 1 in res and 2 in res:
            a, b = res[1], res[2]
            print(json.dumps({"speedup_2w_wall": round(a["wall"] / b["wall"], 3),
                              "speedup_2w_cpu_bound": round((a["worker_cpu_max"] + a["client_cpu"])
                                                            / (b["worker_cpu_max"] + b["client_cpu"]), 3)}))
    else:
        print(json.dumps({k: v for k, v in unit_costs(8).items()}))


if __name__ == "__main__":
    main()
