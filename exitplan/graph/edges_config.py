"""Route cloud endpoints found in a ConfigMap to the workloads that actually read them.

A ConfigMap shared by several services often holds every service's settings. An edge from the
ConfigMap to, say, a DynamoDB table would make every consumer depend on the table. Instead, each
ConfigMap → Terraform edge found on a key (``data.CARTS_TABLE``) becomes an edge from each workload
that reads that key: all keys through ``envFrom`` or a whole-ConfigMap volume, only the named ones
through ``configMapKeyRef`` or volume ``items``. ConfigMaps nobody reads keep their own edges.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import replace
from typing import Any

from ..model import Edge, Resource

ALL_KEYS = "*"


def pod_spec(resource: Resource) -> Mapping[str, Any] | None:
    if resource.source != "kubernetes":
        return None
    if resource.type == "Pod":
        spec = resource.get("spec")
    elif resource.type == "CronJob":
        spec = resource.get("spec", "jobTemplate", "spec", "template", "spec")
    else:
        spec = resource.get("spec", "template", "spec")
    return spec if isinstance(spec, Mapping) else None


def _items(value: Any) -> Iterator[Mapping[str, Any]]:
    for item in value if isinstance(value, list) else ():
        if isinstance(item, Mapping):
            yield item


def consumed_keys(resource: Resource) -> dict[str, set[str]]:
    """ConfigMap name → the keys this workload reads (``ALL_KEYS`` for all of them)."""
    spec = pod_spec(resource)
    if spec is None:
        return {}
    keys: dict[str, set[str]] = defaultdict(set)
    for container in [*_items(spec.get("containers")), *_items(spec.get("initContainers"))]:
        for source in _items(container.get("envFrom")):
            ref = source.get("configMapRef")
            if isinstance(ref, Mapping) and isinstance(ref.get("name"), str):
                keys[ref["name"]].add(ALL_KEYS)
        for env in _items(container.get("env")):
            ref = (
                env.get("valueFrom", {}).get("configMapKeyRef")
                if isinstance(env.get("valueFrom"), Mapping)
                else None
            )
            if (
                isinstance(ref, Mapping)
                and isinstance(ref.get("name"), str)
                and isinstance(ref.get("key"), str)
            ):
                keys[ref["name"]].add(ref["key"])
    volumes = list(_items(spec.get("volumes")))
    sources = [s for v in volumes for s in _items((v.get("projected") or {}).get("sources"))]
    for holder in [*volumes, *sources]:
        config_map = holder.get("configMap")
        if isinstance(config_map, Mapping) and isinstance(config_map.get("name"), str):
            items = [i.get("key") for i in _items(config_map.get("items")) if isinstance(i.get("key"), str)]
            keys[config_map["name"]].update(items or [ALL_KEYS])
    return keys


def _key_of(edge: Edge) -> str | None:
    """``data.CARTS_TABLE (…)`` → ``CARTS_TABLE``."""
    if not edge.via.startswith("data."):
        return None
    return edge.via[len("data.") :].split(" ", 1)[0]


def route_config_values(resources: Sequence[Resource], edges: Iterable[Edge]) -> list[Edge]:
    by_id = {r.id: r for r in resources}
    edges = list(edges)
    values: dict[tuple[str, str, str], list[tuple[str, Edge]]] = defaultdict(list)
    for edge in edges:
        source, target = by_id.get(edge.source), by_id.get(edge.target)
        key = _key_of(edge)
        if source and target and source.type == "ConfigMap" and target.source == "terraform" and key:
            values[(source.configuration, source.namespace or "", source.name)].append((key, edge))
    if not values:
        return edges
    routed: list[Edge] = []
    read: set[tuple[str, str, str]] = set()
    for resource in resources:
        for name, keys in consumed_keys(resource).items():
            scope = (resource.configuration, resource.namespace or "", name)
            if scope not in values:
                continue
            read.add(scope)
            for key, edge in values[scope]:
                if ALL_KEYS in keys or key in keys:
                    routed.append(replace(edge, source=resource.id, via=f"configmap {name}: {edge.via}"))
    kept = [
        e
        for e in edges
        if not (
            (s := by_id.get(e.source)) is not None
            and s.type == "ConfigMap"
            and (s.configuration, s.namespace or "", s.name) in read
            and _key_of(e) is not None
            and by_id.get(e.target) is not None
            and by_id[e.target].source == "terraform"
        )
    ]
    return kept + routed
