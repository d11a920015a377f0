"""Build ``Resource`` records the way the loaders do, without parsing files."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from exitplan.graph.index import CLUSTER_SCOPED
from exitplan.model import Path as AttrPath
from exitplan.model import Resource

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "edges"


def k8s(
    manifest: Mapping[str, Any],
    file: str = "k8s/app.yaml",
    line: int = 1,
    configuration: str = "k8s",
    lines: Mapping[AttrPath, int] | None = None,
) -> Resource:
    kind = manifest["kind"]
    metadata = manifest.get("metadata", {})
    name = metadata["name"]
    namespace = None if kind in CLUSTER_SCOPED else metadata.get("namespace")
    address = f"{kind}/{namespace}/{name}" if namespace else f"{kind}/{name}"
    return Resource(
        id=f"{configuration}#{address}",
        address=address,
        configuration=configuration,
        source="kubernetes",
        type=kind,
        name=name,
        namespace=namespace,
        file=file,
        line=line,
        attributes=manifest,
        lines=dict(lines or {}),
    )


def tf(
    type: str,
    name: str,
    attributes: Mapping[str, Any] | None = None,
    configuration: str = "infra",
    cloud: str | None = None,
    service_kind: str | None = None,
    module: str | None = None,
    file: str | None = None,
    line: int = 1,
) -> Resource:
    address = f"{module}.{type}.{name}" if module else f"{type}.{name}"
    return Resource(
        id=f"{configuration}#{address}",
        address=address,
        configuration=configuration,
        source="terraform",
        type=type,
        name=name,
        module=module,
        file=file or f"{configuration}/main.tf",
        line=line,
        cloud=cloud or type.split("_", 1)[0].replace("azurerm", "azure").replace("google", "gcp"),
        service_kind=service_kind,
        attributes=dict(attributes or {}),
    )


def load_manifests(name: str, configuration: str = "k8s") -> list[Resource]:
    """Every document of ``tests/fixtures/edges/<name>``, with the line of every key and list item."""
    text = (FIXTURES / name).read_text(encoding="utf-8")
    yaml = YAML(typ="rt", pure=True)
    resources = []
    for document in yaml.load_all(text):
        if not document:
            continue
        lines = dict(_lines(document, ()))
        resources.append(k8s(_plain(document), f"k8s/{name}", document.lc.line + 1, configuration, lines))
    return resources


def _lines(node: Any, path: AttrPath) -> Iterator[tuple[AttrPath, int]]:
    if isinstance(node, Mapping):
        for key, item in node.items():
            line, _column = node.lc.key(key)
            yield (*path, str(key)), line + 1
            yield from _lines(item, (*path, str(key)))
    elif isinstance(node, list):
        for index, item in enumerate(node):
            line, _column = node.lc.item(index)
            yield (*path, index), line + 1
            yield from _lines(item, (*path, index))


def _plain(node: Any) -> Any:
    if isinstance(node, Mapping):
        return {str(k): _plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_plain(v) for v in node]
    if isinstance(node, str):
        return str(node)
    return node


def by_address(resources: list[Resource]) -> dict[str, Resource]:
    return {r.address: r for r in resources}
