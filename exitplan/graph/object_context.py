"""What the Kubernetes edge functions share: the indexes of one scan's objects, and one way to link to an
object by kind and name."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from exitplan.graph.index import ObjectIndex, PodIndex, edge
from exitplan.model import Edge, Resource
from exitplan.model import Path as AttrPath


@dataclass
class Context:
    objects: ObjectIndex
    pods: PodIndex
    #: (configuration, namespace, secret name) → the ExternalSecret that creates that Secret.
    secret_sources: dict[tuple[str, str | None, str], Resource] = field(default_factory=dict)


def link(
    context: Context,
    source: Resource,
    kind: str,
    edge_kind: str,
    name: Any,
    path: AttrPath,
    namespace: Any = None,
) -> Iterator[Edge]:
    target = context.objects.get(source, kind, name, namespace)
    if target is not None:
        yield edge(source, target, edge_kind, path)
