"""Benchmarks (``por bench``): each figure is printed beside a floor measured in the same run.

Every area module ``por.bench.<area>`` exposes ``run(quick: bool) -> list[Figure]``. The JSON shape is
``{"machine": {...}, "figures": [{"name", "value", "unit", "floor", "ratio", "target"}]}``.
Timings are floats of seconds or milliseconds: they are measurements, not figures of record.
"""

from __future__ import annotations

import os
import platform
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

AREAS = ("crypto", "tree", "ledger", "reserves", "epoch", "scale", "risk", "serve")


@dataclass(frozen=True, slots=True)
class Figure:
    name: str
    value: float
    unit: str
    floor: float | None = None
    target: float | None = None
    note: str = ""

    @property
    def ratio(self) -> float | None:
        if self.floor is None or self.floor == 0:
            return None
        return round(self.value / self.floor, 3)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "value": round(self.value, 6),
            "unit": self.unit,
            "floor": None if self.floor is None else round(self.floor, 6),
            "ratio": self.ratio,
            "target": self.target,
            "note": self.note,
        }


def machine() -> dict[str, Any]:
    import importlib.metadata as md

    def ver(pkg: str) -> str:
        try:
            return md.version(pkg)
        except md.PackageNotFoundError:
            return "absent"

    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        "cpus": os.cpu_count(),
        "py_arkworks_bls12381": ver("py_arkworks_bls12381"),
        "py_ecc": ver("py_ecc"),
        "backend": os.environ.get("POR_BACKEND", "fast"),
    }


def best_of(fn: Callable[[], Any], repeat: int = 3) -> float:
    """Best wall time in seconds over ``repeat`` runs (the least disturbed by the other core's load)."""
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best
