"""``por bench serve``: the proof service under load (docs/protocol.md §12).

``por serve --workers 2`` (uvicorn, h11) on a fresh demo workspace (100 clients; quick: 30), then
10,000 proof requests (quick: 2,000) at 50 concurrent keep-alive connections over loopback, each
with a client's own bearer token, in random client order; every answer must be 200 and
byte-identical to the client's published proof file, else it counts as an error.

- ``serve.proof.rps``, ``serve.proof.p50_ms``, ``serve.proof.p99_ms``: throughput and latency;
  the floor is the same number of requests, same connections and headers, to a public bundle file
  (``manifest.json``) through the same server and middleware;
- ``serve.proof.errors``: answers that are not the right proof (target 0);
- ``serve.peak_rss_mb``: peak resident memory of the service (the supervisor and both workers,
  each process's high-water mark ``VmHWM``, summed).

The load generator is a raw asyncio HTTP/1.1 client in this process, on the same machine: on 2
cores it competes with the two workers, so the figures are a lower bound for the service itself.
Rate limits are off for the run (they would refuse the load by design); the access log is on.
"""

from __future__ import annotations

import asyncio
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from por.bench import Figure

CONCURRENCY = 50


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def _load(port: int, requests: list[tuple[bytes, bytes]], concurrency: int) -> tuple[list[float], int, float]:
    """Send every (raw request, expected body) over ``concurrency`` connections; returns the
    latencies (s), the error count and the wall time (s)."""
    latencies: list[float] = []
    errors = 0
    queue = iter(requests)

    async def conn() -> None:
        nonlocal errors
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            for raw, expected in queue:
                t0 = time.perf_counter()
                try:
                    writer.write(raw)
                    head = await reader.readuntil(b"\r\n\r\n")
                    length = 0
                    for line in head.split(b"\r\n")[1:]:
                        k, _, v = line.partition(b":")
                        if k.strip().lower() == b"content-length":
                            length = int(v)
                    body = await reader.readexactly(length)
                except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError):
                    errors += 1
                    writer.close()
                    reader, writer = await asyncio.open_connection("127.0.0.1", port)
                    continue
                latencies.append(time.perf_counter() - t0)
                if not head.startswith(b"HTTP/1.1 200 ") or body != expected:
                    errors += 1
        finally:
            writer.close()

    t0 = time.perf_counter()
    await asyncio.gather(*(conn() for _ in range(concurrency)))
    return latencies, errors, time.perf_counter() - t0


def _pct(sorted_values: list[float], q: float) -> float:
    return sorted_values[min(len(sorted_values) - 1, int(q * len(sorted_values)))] * 1000


def _descendants(pid: int) -> list[int]:
    parents: dict[int, list[int]] = {}
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                ppid = int((d / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            parents.setdefault(ppid, []).append(int(d.name))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(parents.get(p, []))
    return out


def _peak_rss_mb(pid: int) -> float:
    """The summed high-water resident memory (``VmHWM``) of ``pid`` and its descendants (Linux)."""
    total = 0
    for p in _descendants(pid):
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024


def measure(root: Path, *, requests: int = 10_000, concurrency: int = CONCURRENCY, workers: int = 2,
            epoch: str | None = None, seed: int = 1) -> dict[str, Any]:
    """Serve the workspace ``root`` (with its auth key) and load it; returns the measurements."""
    import json

    from por.ledger import keys
    from por.serve.auth import PRIVATE_NAME, mint

    epoch = epoch or sorted(p.name for p in (root / "epochs").iterdir())[-1]
    files = {}
    for p in (root / "client-proofs" / epoch).glob("*.json"):
        data = p.read_bytes()
        files[json.loads(data)["account_id"]] = data
    key = keys.load(root / PRIVATE_NAME)
    tokens = {a: mint(key, a, ttl=3600) for a in files}
    rng = random.Random(seed)
    order = [rng.choice(sorted(files)) for _ in range(requests)]
    proof_reqs = [(f"GET /v1/epochs/{epoch}/proof HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                   f"{tokens[a]}\r\n\r\n".encode(), files[a]) for a in order]
    manifest = (root / "epochs" / epoch / "manifest.json").read_bytes()
    floor_reqs = [(f"GET /epochs/{epoch}/manifest.json HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                   f"{tokens[a]}\r\n\r\n".encode(), manifest) for a in order]
    port = _free_port()
    log = tempfile.NamedTemporaryFile(prefix="por-serve-", suffix=".log", delete=False)  # noqa: SIM115
    proc = subprocess.Popen([sys.executable, "-m", "por.cli.main", "serve", "--dir", str(root), "--port", str(port),
                             "--workers", str(workers), "--address-rate", "0", "--token-rate", "0"],
                            stdout=log, stderr=subprocess.STDOUT)
    try:
        _wait(port, proc, Path(log.name))
        asyncio.run(_load(port, proof_reqs[: max(200, 2 * concurrency)], concurrency))  # warm both workers
        f_lat, f_err, f_wall = asyncio.run(_load(port, floor_reqs, concurrency))
        p_lat, p_err, p_wall = asyncio.run(_load(port, proof_reqs, concurrency))
        rss = _peak_rss_mb(proc.pid)
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
        os.unlink(log.name)
    f_lat.sort()
    p_lat.sort()
    return {
        "requests": requests, "concurrency": concurrency, "workers": workers, "clients": len(files),
        "proof_bytes": sum(len(b) for b in files.values()) // len(files),
        "proof": {"rps": len(p_lat) / p_wall, "p50_ms": _pct(p_lat, 0.50), "p99_ms": _pct(p_lat, 0.99),
                  "errors": p_err},
        "floor": {"rps": len(f_lat) / f_wall, "p50_ms": _pct(f_lat, 0.50), "p99_ms": _pct(f_lat, 0.99),
                  "errors": f_err},
        "peak_rss_mb": rss,
    }


def _wait(port: int, proc: subprocess.Popen[bytes], log: Path) -> None:
    from por.errors import PorError

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise PorError(f"por serve exited {proc.returncode}: {log.read_text()[-2000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise PorError("por serve did not start in 60 s")


def run(quick: bool, clients: int | None = None) -> list[Figure]:
    from por.epoch.demo import setup
    from por.epoch.pipeline import Pipeline
    from por.serve.auth import keygen
    from por.verify import verify_bundle

    n = clients or (30 if quick else 100)
    with tempfile.TemporaryDirectory(prefix="por-bench-serve-") as tmp:
        s = setup(Path(tmp) / "ws", n, 1)
        Pipeline(s.workspace, simulators=s.parties, seal_check=verify_bundle).run()
        keygen(s.workspace.root)
        m = measure(s.workspace.root, requests=2_000 if quick else 10_000)
    p, f = m["proof"], m["floor"]
    note = (f"{m['requests']} requests, {m['concurrency']} concurrent, {m['workers']} workers, {m['clients']} clients "
            f"(proof {m['proof_bytes']} bytes); floor: the same requests for manifest.json")
    return [
        Figure("serve.proof.rps", p["rps"], "req/s", floor=f["rps"], note=note),
        Figure("serve.proof.p50_ms", p["p50_ms"], "ms", floor=f["p50_ms"]),
        Figure("serve.proof.p99_ms", p["p99_ms"], "ms", floor=f["p99_ms"]),
        Figure("serve.proof.errors", float(p["errors"] + f["errors"]), "count", target=0.0,
               note="answers that were not the client's own proof, byte for byte (or the floor's file)"),
        Figure("serve.peak_rss_mb", m["peak_rss_mb"], "MB", note="supervisor + workers, VmHWM summed"),
    ]
