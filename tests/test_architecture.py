"""The house runs one way (docs/architecture.md): every import of every module, read from its source.

Layers, low to high: ``models`` (the domain); ``constraints`` (families and their checks), ``reports``
and ``feeds`` (writers, which receive data), and ``samples`` (its generator), each importing only
``models``; ``scheduler`` (how a solve runs), importing any of those; ``cli.py`` and ``bench`` on top,
which nothing imports. Imports inside functions count too: a lazy import is still an arrow.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import networkx as nx

ROOT = Path(__file__).resolve().parent.parent
LAYER = {"models": 0, "constraints": 1, "reports": 1, "feeds": 1, "samples": 1, "scheduler": 2, "bench": 3, "cli": 4}


def _modules() -> dict[str, Path]:
    found = {"cli": ROOT / "cli.py"}
    for package in LAYER:
        if package == "cli":
            continue
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def _imports(path: Path, module: str) -> set[str]:
    """Project modules imported anywhere in the file (absolute names; relative imports resolved)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = module.split(".")[: -node.level] if path.name != "__init__.py" else \
                    module.split(".")[: len(module.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            found.add(base)
            found |= {f"{base}.{alias.name}" for alias in node.names}
    return {name for name in found if name.split(".")[0] in LAYER}


def _arrows() -> dict[str, set[str]]:
    modules = _modules()
    arrows: dict[str, set[str]] = defaultdict(set)
    for name, path in modules.items():
        for target in _imports(path, name):
            while target and target not in modules:  # "pkg.mod.Name" -> "pkg.mod"
                target = target.rpartition(".")[0]
            if target and target != name:
                arrows[name].add(target)
    return arrows


def test_every_import_runs_down_the_layers() -> None:
    wrong = []
    for source, targets in sorted(_arrows().items()):
        for target in sorted(targets):
            a, b = source.split(".")[0], target.split(".")[0]
            if a != b and LAYER[b] >= LAYER[a]:
                wrong.append(f"{source} -> {target}")
    assert wrong == [], "imports from a lower or equal layer to another package:\n" + "\n".join(wrong)


def test_no_cycle_between_packages() -> None:
    graph = nx.DiGraph()
    for source, targets in _arrows().items():
        for target in targets:
            a, b = source.split(".")[0], target.split(".")[0]
            if a != b:
                graph.add_edge(a, b)
    assert list(nx.simple_cycles(graph)) == []


def test_the_layers_cover_every_package_and_the_guard_sees_lazy_imports() -> None:
    modules = _modules()
    assert {"models.scenario", "constraints.index", "scheduler.timetable.part", "feeds.writer", "cli"} <= set(modules)
    # The guard must read imports inside functions: cli.py imports the library lazily.
    assert any(t.startswith("scheduler.") for t in _arrows()["cli"])
