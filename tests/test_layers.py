"""Issue 15 item 6: the packages keep their layers (docs/architecture.md).

``lint-imports`` checks the contracts in pyproject.toml (``[tool.importlinter]``): the layer order of
the por packages and that only the ledger and the tree store import SQLAlchemy. The cycle check below
is this repository's own, from the standard library's ``ast``: a cycle among por's packages is a
layer violation whatever the contract says, and it names the imports that close it.
"""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
POR = ROOT / "por"


def test_import_contracts_are_kept() -> None:
    script = Path(sys.executable).parent / "lint-imports"
    cmd = [str(script)] if script.exists() else [shutil.which("lint-imports") or "lint-imports"]
    cp = subprocess.run([*cmd, "--no-cache", "--no-logo"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert cp.returncode == 0, cp.stdout[-6000:] + cp.stderr[-2000:]


def _module(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> Iterator[tuple[str, int]]:
    """(imported module, line) for every import in the file, function-local ones included."""
    name = _module(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_bytes(), str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            yield target, node.lineno
            for alias in node.names:  # `from por import canonical` imports the module por.canonical
                yield f"{target}.{alias.name}", node.lineno


def _package(module: str) -> str | None:
    """The por package (or top-level module) ``module`` belongs to; None outside por or for por itself."""
    parts = module.split(".")
    return ".".join(parts[:2]) if parts[0] == "por" and len(parts) > 1 else None


def package_graph() -> dict[str, dict[str, list[str]]]:
    """package -> {package it imports -> ["module:line", ...]} over every file under por/."""
    known = {_package(_module(p)) for p in POR.rglob("*.py")}
    graph: dict[str, dict[str, list[str]]] = {}
    for path in sorted(POR.rglob("*.py")):
        src = _package(_module(path))
        if src is None:
            continue
        for target, line in _imports(path):
            dst = _package(target)
            if dst is not None and dst != src and dst in known:
                graph.setdefault(src, {}).setdefault(dst, []).append(f"{_module(path)}:{line}")
    return graph


def cycles(graph: dict[str, dict[str, list[str]]]) -> list[list[str]]:
    """The strongly connected components of more than one package (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in graph.get(v, {}):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def test_no_cycle_among_packages() -> None:
    graph = package_graph()
    assert graph.get("por.cli"), "the graph is empty: the import walk found nothing"
    found = cycles(graph)
    detail = [f"{a} -> {b}: {', '.join(graph[a][b][:4])}" for comp in found for a in comp for b in comp
              if b in graph.get(a, {})]
    assert not found, f"package cycles {found}:\n" + "\n".join(detail)


def test_the_cycle_check_finds_a_cycle() -> None:
    """Not vacuous: two packages importing each other are reported."""
    assert cycles({"por.a": {"por.b": ["por.a.x:1"]}, "por.b": {"por.a": ["por.b.y:2"]}}) == [["por.a", "por.b"]]
    assert cycles({"por.a": {"por.b": ["por.a.x:1"]}, "por.b": {}}) == []
