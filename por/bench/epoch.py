"""``por bench epoch [--clients N]``: wall time of each epoch stage and of the full audit.

Two workloads per size N (quick: N = 100; default: N = 1,000; ``--clients`` picks another, e.g. the
issue's 10,000 and 100,000):

- ``epoch.<size>.<stage>`` and ``epoch.<size>.total`` (s): the whole pipeline on a synthetic SQLite
  ledger of N clients with cash and margin accounts in three assets (six columns), every proof;
  ``audit.<size>.total`` (s): the auditor's full verification of that bundle (with completeness).
- ``epoch.<size>.1col.total`` / ``audit.<size>.1col.total`` (s): one column, N clients, the tree
  built, proven and verified directly (no ledger): the cost of the liabilities proof alone.

The floor of a stage total is the tree's own floor: one fast-backend MSM of the size the range
proofs of the tree irreducibly need (2·64 points per proven node value), measured in the same run.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from por.bench import Figure


def _size_name(n: int) -> str:
    e = len(str(n)) - 1
    return f"1e{e}" if n == 10**e else str(n)


def _msm_floor(points: int) -> float:
    from por.crypto.backend import get_backend
    from por.crypto.scalar import R

    be = get_backend("fast")
    pts = [be.hash_to_g1(i.to_bytes(4, "big"), b"por-bench-floor") for i in range(min(points, 4096))]
    reps = max(1, points // len(pts))
    scal = [(i * 0x9E3779B97F4A7C15 + 12345) % R for i in range(len(pts))]
    t0 = time.perf_counter()
    for _ in range(reps):
        be.msm(pts, scal)
    return (time.perf_counter() - t0) * points / (reps * len(pts))


def run(quick: bool, clients: int | None = None) -> list[Figure]:
    from por.epoch.audit import verify_bundle
    from por.epoch.demo import setup
    from por.epoch.pipeline import Pipeline
    from por.epoch.state import STAGES

    n = clients or (100 if quick else 1_000)
    name = _size_name(n)
    figures: list[Figure] = []
    with tempfile.TemporaryDirectory(prefix="por-bench-epoch-") as tmp:
        t0 = time.perf_counter()
        s = setup(Path(tmp) / "ws", n, seed=7)
        setup_s = time.perf_counter() - t0
        pipe = Pipeline(s.workspace)
        times: dict[str, float] = {}
        try:
            for stage in STAGES:
                t = time.perf_counter()
                pipe.run_stage(stage)
                times[stage] = time.perf_counter() - t
        finally:
            pipe.close()
        tree = pipe.state.get("tree")
        nodes = (2 << tree["height"]) - 2
        floor = _msm_floor(2 * 64 * nodes * len(tree["columns"]))
        total = sum(times.values())
        for stage, t in times.items():
            figures.append(Figure(f"epoch.{name}.{stage}", t, "s"))
        figures.append(Figure(f"epoch.{name}.total", total, "s", floor=floor,
                              target=600.0 if n == 100_000 else None,
                              note=f"{n} clients, {len(tree['columns'])} columns, height {tree['height']}; "
                                   f"ledger set-up (not counted) {setup_s:.1f} s"))
        ws = s.workspace
        eid = pipe.epoch_id
        t = time.perf_counter()
        res = verify_bundle(ws.bundle_dir(eid), ledger_url=ws.db_url,
                            master_secret=(ws.private_dir(eid) / "master.secret").read_bytes())
        audit_s = time.perf_counter() - t
        figures.append(Figure(f"audit.{name}.total", audit_s, "s", target=180.0 if n == 100_000 else None,
                              note=f"{len(res.checks)} checks, {'all passed' if res.ok else 'FAILED'}"))
        figures.extend(_one_column(n, name, Path(tmp)))
    return figures


def _one_column(n: int, name: str, tmp: Path) -> list[Figure]:
    from por.tree import build_tree, prove_tree, verify_tree

    rows = ((f"client-{i:08d}", ((i * 7919) % 1_000_000,)) for i in range(n))
    out = tmp / "one-column"
    t = time.perf_counter()
    build_tree([("USD", "equity")], rows, epoch_id="bench", master_secret=bytes(32), out_dir=out,
               range_proofs=False)
    prove_tree(out, master_secret=bytes(32))
    build_s = time.perf_counter() - t
    t = time.perf_counter()
    res = verify_tree(out)
    verify_s = time.perf_counter() - t
    return [Figure(f"epoch.{name}.1col.total", build_s, "s", note="tree built and proven, one column"),
            Figure(f"audit.{name}.1col.total", verify_s, "s",
                   note=f"verify_tree: {'passed' if res.ok else 'FAILED'}")]
