"""Where Kubernetes workloads run: the node pool a pod selects and the cluster that hosts it.

- ``scheduled-on``: a node selector or required node affinity (``In``) on a label that a Terraform node
  pool carries, either in its labels map or as the label the cloud sets to the pool's name
  (``node_pools`` in ``providers/catalog/endpoint-patterns.yaml``);
- ``hosted-on``: every workload controller → the estate's only Kubernetes cluster, or, when there are
  several, the one whose name (or Terraform folder) matches a folder of the Kubernetes configuration;
  otherwise no edge. Always inferred: manifests never say which cluster they are applied to.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence

from exitplan.graph.build import named_addresses
from exitplan.graph.edges_endpoints import NameCatalog, resolved
from exitplan.graph.index import edge, pod_spec_path
from exitplan.model import Edge, Resource
from exitplan.model import Path as AttrPath

CLUSTER_KIND = "kubernetes-cluster"
_REQUIRED = (
    "affinity",
    "nodeAffinity",
    "requiredDuringSchedulingIgnoredDuringExecution",
    "nodeSelectorTerms",
)


def node_labels(terraform: Sequence[Resource], catalog: NameCatalog) -> dict[tuple[str, str], list[Resource]]:
    """(label key, value) → the node pools whose nodes carry that label."""
    index: dict[tuple[str, str], list[Resource]] = defaultdict(list)
    for pool in terraform:
        rule = catalog.node_pools.get(pool.type)
        if rule is None:
            continue
        for attribute in rule.labels:
            for labels in resolved(pool, attribute):
                if isinstance(labels, Mapping):
                    for key, value in labels.items():
                        if isinstance(value, str):
                            index[(str(key), value)].append(pool)
        for name in resolved(pool, rule.name):
            if isinstance(name, str) and name:
                index[(rule.name_label, name)].append(pool)
    return index


def scheduled_on(
    kubernetes: Sequence[Resource], terraform: Sequence[Resource], catalog: NameCatalog
) -> Iterator[Edge]:
    index = node_labels(terraform, catalog)
    if not index:
        return
    for workload in kubernetes:
        for path, key, value in node_requirements(workload):
            pools = {p.id: p for p in index.get((key, value), ())}
            confidence = "explicit" if len(pools) == 1 else "inferred"
            note = f"node label {key}={value}" + (
                "" if len(pools) == 1 else f"; {len(pools)} node pools carry it"
            )
            for pool in pools.values():
                yield edge(workload, pool, "scheduled-on", path, confidence, note)


def node_requirements(workload: Resource) -> Iterator[tuple[AttrPath, str, str]]:
    """(path, label key, value) a pod requires of its node: nodeSelector and required affinity ``In``."""
    spec = pod_spec_path(workload)
    if spec is None:
        return
    selector = workload.get(*spec, "nodeSelector")
    if isinstance(selector, Mapping):
        for key, value in selector.items():
            yield (*spec, "nodeSelector", str(key)), str(key), str(value)
    for t, term in enumerate(workload.get(*spec, *_REQUIRED, default=[]) or []):
        expressions = term.get("matchExpressions", []) if isinstance(term, Mapping) else []
        for e, expression in enumerate(expressions or []):
            if isinstance(expression, Mapping) and expression.get("operator") == "In":
                for v, value in enumerate(expression.get("values") or []):
                    path = (*spec, *_REQUIRED, t, "matchExpressions", e, "values", v)
                    yield path, str(expression.get("key")), str(value)


def hosted_on(kubernetes: Sequence[Resource], terraform: Sequence[Resource]) -> Iterator[Edge]:
    clusters = _clusters(terraform)
    if not clusters:
        return
    chosen: dict[str, tuple[Resource, str] | None] = {}
    for workload in kubernetes:
        if pod_spec_path(workload) is None:
            continue
        if workload.configuration not in chosen:
            chosen[workload.configuration] = _cluster_for(workload.configuration, clusters)
        found = chosen[workload.configuration]
        if found is not None:
            yield edge(workload, found[0], "hosted-on", (), "inferred", found[1])


def _clusters(terraform: Sequence[Resource]) -> list[Resource]:
    """Cluster resources, without their parts (an add-on or access entry names its cluster) and without
    data sources when the estate manages the cluster itself."""
    candidates = [r for r in terraform if r.service_kind == CLUSTER_KIND]
    addresses = {(r.configuration, r.address) for r in candidates}
    whole = [
        r
        for r in candidates
        if not any(
            (r.configuration, name) in addresses
            for ref in r.references
            for name in named_addresses(ref.target)
            if name != r.address
        )
    ]
    managed = [r for r in whole if not r.is_data_source]
    return sorted(managed or whole, key=lambda r: r.id)


def _cluster_for(configuration: str, clusters: list[Resource]) -> tuple[Resource, str] | None:
    if len(clusters) == 1:
        return clusters[0], "the only Kubernetes cluster in the estate"
    folders = set(configuration.split("/")) - {".", ""}
    candidates = []
    for cluster in clusters:
        name = cluster.get("name")
        name = name if isinstance(name, str) else cluster.name
        if name in folders:
            candidates.append((cluster, f'cluster name "{name}" matches folder of {configuration}'))
        elif cluster.configuration.rsplit("/", 1)[-1] in folders:
            candidates.append((cluster, f"Terraform folder {cluster.configuration} matches {configuration}"))
    return candidates[0] if len(candidates) == 1 else None
