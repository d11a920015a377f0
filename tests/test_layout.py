"""The package's shape: no import circle between its modules (type-checking imports included), no module
over 400 lines, and the stages' input languages and knowledge in their own packages."""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx

PACKAGE = Path(__file__).resolve().parents[1] / "exitplan"
MAX_LINES = 400


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path, modules: set[str]) -> set[str]:
    """The package modules ``path`` imports, wherever the import statement stands."""
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                parts = parts[: len(parts) - node.level + 1]
                base = ".".join(parts + ([node.module] if node.module else []))
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return {module for module in found if module in modules and module != name}


def _graph() -> nx.DiGraph:
    paths = sorted(PACKAGE.rglob("*.py"))
    modules = {_module_name(path) for path in paths}
    graph = nx.DiGraph()
    for path in paths:
        graph.add_node(_module_name(path))
        for imported in _imports(path, modules):
            graph.add_edge(_module_name(path), imported)
    return graph


def test_no_import_circle():
    graph = _graph()
    # A package's __init__ importing its own modules is not a circle a reader has to untangle.
    graph.remove_edges_from(
        [(a, b) for a, b in graph.edges if b.startswith(a + ".") or a.startswith(b + ".")]
    )
    cycles = [
        sorted(component) for component in nx.strongly_connected_components(graph) if len(component) > 1
    ]
    assert cycles == []


def test_no_module_over_the_limit():
    long = {
        str(path.relative_to(PACKAGE.parent)): lines
        for path in PACKAGE.rglob("*.py")
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}


def test_stages_and_knowledge_have_their_own_packages():
    top = {path.stem for path in PACKAGE.glob("*.py")}
    knowledge = {"catalog", "datafile", "marker_catalog", "procedures", "resources", "service_catalog"}
    assert top & (knowledge | {"service_lookup", "plan_json", "kustomize", "helm", "yaml_safe"}) == set()
    assert not (PACKAGE / "loaders").exists()
    assert not any(path.stem.startswith(("tf_", "k8s_")) for path in PACKAGE.rglob("*.py"))
    for package in ("terraform", "kubernetes", "knowledge", "graph", "rules", "render"):
        assert (PACKAGE / package / "__init__.py").is_file()
