"""``por bench epoch [--clients N]``: wall time of each epoch stage and of the full audit.

Two workloads per size N (quick: N = 100; default: N = 1,000; ``--clients`` picks another, e.g. the
issue's 10,000 and 100,000; ``--assets 1`` or ``--assets 3`` runs one of them):

- one column (``--assets 1``): ``epoch.<size>.<stage>``, ``epoch.<size>.total`` and
  ``audit.<size>.total`` (s): the whole pipeline on a synthetic SQLite ledger of N clients with a USD
  cash account each (one liability column), every proof, then the auditor's full verification of the
  bundle (with completeness against the ledger). The issue's targets apply at N = 100,000.
  ``audit.<size>.ledger`` (s) times apart the audit's replay of the ledger itself (step 12, what
  ``por ledger verify`` checks), which the issue's full audit does not include.
- three assets (``--assets 3``): the same names with ``.assets3`` after the size: cash and margin
  accounts in USD, AAPL and MSFT (four columns: three equity, USD debt), collateral proofs.

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


def run(quick: bool, clients: int | None = None, assets: int | None = None) -> list[Figure]:
    """Both workloads (or the one ``assets`` names: 1 or 3) at N clients."""
    n = clients or (100 if quick else 1_000)
    figures: list[Figure] = []
    for a in ((1, 3) if assets is None else (assets,)):
        figures.extend(_epoch(n, a))
    return figures


def _epoch(n: int, assets: int) -> list[Figure]:
    from por.epoch.demo import setup
    from por.epoch.pipeline import Pipeline
    from por.epoch.state import STAGES
    from por.ledger import Ledger
    from por.tree.secret_file import read_master_secret
    from por.verify import verify_bundle

    name = _size_name(n) + ("" if assets == 1 else ".assets3")
    figures: list[Figure] = []
    with tempfile.TemporaryDirectory(prefix="por-bench-epoch-") as tmp:
        t0 = time.perf_counter()
        s = setup(Path(tmp) / "ws", n, seed=7, cash_only=assets == 1)
        setup_s = time.perf_counter() - t0
        pipe = Pipeline(s.workspace, simulators=s.parties, seal_check=verify_bundle)
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
        target = n == 100_000 and assets == 1
        # issue 16's target for the linear default (the earlier 600 s target was issue 6's)
        figures.append(Figure(f"epoch.{name}.total", total, "s", floor=floor, target=1200.0 if target else None,
                              note=f"{n} clients, {len(tree['columns'])} column(s), height {tree['height']}, "
                                   f"{pipe.state.get('proof_encoding') or 'compressed'} proofs; "
                                   f"ledger set-up (not counted) {setup_s:.1f} s"))
        ws = s.workspace
        eid = pipe.epoch_id
        bundle_bytes = sum(p.stat().st_size for p in ws.bundle_dir(eid).rglob("*") if p.is_file())
        figures.append(Figure(f"epoch.{name}.bundle_bytes", bundle_bytes, "bytes",
                              note="every file of the published bundle (the tree store dominates)"))
        t = time.perf_counter()
        res = verify_bundle(ws.bundle_dir(eid), ledger_url=ws.db_url, ledger_integrity=False,
                            master_secret=read_master_secret(ws.private_dir(eid) / "master.secret"))
        audit_s = time.perf_counter() - t
        figures.append(Figure(f"audit.{name}.total", audit_s, "s", target=180.0 if target else None,
                              note=f"{len(res.checks)} checks of the bundle and completeness, "
                                   f"{'all passed' if res.ok else 'FAILED'}"))
        t = time.perf_counter()
        with Ledger.open(ws.db_url, create=False) as led:
            replay = led.verify()
            entries = led.head()["seq"]
        figures.append(Figure(f"audit.{name}.ledger", time.perf_counter() - t, "s",
                              note=f"the audit's ledger replay (por ledger verify), {entries} entries, "
                                   f"{'all passed' if replay.ok else 'FAILED'}"))
    return figures
