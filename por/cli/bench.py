"""``por bench [AREA]... [--quick] [--json]``: figures beside floors measured in the same run."""

from __future__ import annotations

import importlib
import importlib.util
import json

import click
from rich.console import Console
from rich.table import Table

from por.bench import AREAS, Figure, machine


@click.command()
@click.argument("areas", nargs=-1, type=click.Choice(AREAS))
@click.option("--quick", is_flag=True, help="Smaller sizes; the whole report in under 2 minutes.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.option("--clients", type=click.IntRange(min=1), default=None,
              help="Client count for the epoch and serve benchmarks.")
@click.option("--assets", type=click.Choice(["1", "3"]), default=None,
              help="Epoch benchmark: only the one-column (1) or the three-asset (3) workload.")
def bench(areas: tuple[str, ...], quick: bool, as_json: bool, clients: int | None, assets: str | None) -> None:
    """Run the benchmarks of AREAS (all when none is named)."""
    chosen = areas or AREAS
    figures: list[Figure] = []
    for area in chosen:
        name = f"por.bench.{area}"
        if importlib.util.find_spec(name) is None:
            continue
        mod = importlib.import_module(name)
        kwargs: dict[str, int] = {}
        if area == "epoch":
            kwargs = {k: int(v) for k, v in (("clients", clients), ("assets", assets)) if v is not None}
        elif area == "serve" and clients is not None:
            kwargs = {"clients": clients}
        figures.extend(mod.run(quick, **kwargs))
    if as_json:
        click.echo(json.dumps({"machine": machine(), "figures": [f.to_dict() for f in figures]}, indent=2))
        return
    table = Table(title="por bench")
    for col in ("figure", "value", "unit", "floor", "ratio", "target"):
        table.add_column(col)
    for f in figures:
        d = f.to_dict()
        table.add_row(f.name, f"{d['value']:.4g}", f.unit, "" if d["floor"] is None else f"{d['floor']:.4g}",
                      "" if d["ratio"] is None else f"{d['ratio']:.3g}",
                      "" if d["target"] is None else f"{d['target']:.4g}")
    Console().print(table)
