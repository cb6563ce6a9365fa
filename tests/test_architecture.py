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
import pytest

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


def test_the_cli_is_thin() -> None:
    """Each command parses, calls the library, prints: no function in cli.py over 25 lines (its decorators, the
    options, not counted), and no ``sys.exit``: the library raises TongbuError, mapped to exit codes in one place."""
    tree = ast.parse((ROOT / "cli.py").read_text(encoding="utf-8"))
    long = [f"{node.name}: {node.end_lineno - node.lineno + 1} lines" for node in ast.walk(tree)
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.end_lineno - node.lineno + 1 > 25]
    assert long == []
    assert sum(isinstance(node, ast.FunctionDef) for node in ast.walk(tree)) > 20  # the walk saw the commands
    exits = [node.lineno for node in ast.walk(tree) if isinstance(node, ast.Attribute) and node.attr == "exit"
             and isinstance(node.value, ast.Name) and node.value.id == "sys"]
    assert exits == []


def test_the_library_never_exits() -> None:
    """Only a script's ``if __name__ == "__main__":`` may call sys.exit (samples/generate.py is run as one)."""
    found = []
    for name, path in _modules().items():
        if name.split(".")[0] in ("cli", "bench"):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        script = {id(n) for top in tree.body if isinstance(top, ast.If) and "__main__" in ast.unparse(top.test)
                  for n in ast.walk(top)}
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr == "exit" and getattr(node.value, "id", "") == "sys" \
                    and id(node) not in script:
                found.append(f"{name}:{node.lineno}")
    assert found == []


def test_no_ortools_in_models() -> None:
    found = [f"{name} imports {target}" for name, path in _modules().items() if name.split(".")[0] == "models"
             for target in _all_imports(path) if target.split(".")[0] == "ortools"]
    assert found == []


def _all_imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and not node.level:
            found.add(node.module or "")
    return found


@pytest.mark.parametrize("package", ["models", "scheduler"])
def test_no_cycle_between_the_modules_of(package: str) -> None:
    """Inside the domain and the solver stack too, files read one way: no file imports, even lazily or for typing
    only, a file that imports it back (in models/: the loaders above the tables, validation above the loaders)."""
    graph = nx.DiGraph()
    for source, targets in _arrows().items():
        for target in targets:
            if source.startswith(package + ".") and target.startswith(package + "."):
                graph.add_edge(source, target)
    assert graph.number_of_edges() > 50  # the arrows were read
    assert list(nx.simple_cycles(graph)) == []
