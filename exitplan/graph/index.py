"""Lookup indexes built once per graph, so that each relation is a lookup instead of a scan.

- :class:`ObjectIndex`: Kubernetes objects by (configuration, kind, namespace, name);
- :class:`PodIndex`: pod templates by (configuration, namespace, label key, label value), with
  :meth:`PodIndex.select` answering a label selector by intersecting candidate sets.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from exitplan.knowledge.crossplane import cluster_scoped
from exitplan.markers import format_path
from exitplan.model import Edge, Resource
from exitplan.model import Path as AttrPath

#: Where each pod controller keeps its pod template (metadata + spec); a bare Pod is its own template.
POD_TEMPLATES: dict[str, AttrPath] = {
    "Pod": (),
    "Deployment": ("spec", "template"),
    "StatefulSet": ("spec", "template"),
    "DaemonSet": ("spec", "template"),
    "ReplicaSet": ("spec", "template"),
    "ReplicationController": ("spec", "template"),
    "Job": ("spec", "template"),
    "CronJob": ("spec", "jobTemplate", "spec", "template"),
    "Rollout": ("spec", "template"),
}

#: Kinds that live outside namespaces.
CLUSTER_SCOPED = frozenset(
    {
        "Namespace",
        "Node",
        "PersistentVolume",
        "StorageClass",
        "ClusterRole",
        "ClusterRoleBinding",
        "IngressClass",
        "GatewayClass",
        "PriorityClass",
        "RuntimeClass",
        "ClusterSecretStore",
        "CustomResourceDefinition",
        "CSIDriver",
        "VolumeSnapshotClass",
        "ClusterIssuer",
    }
)


def namespace_of(resource: Resource) -> str | None:
    """The namespace objects without one end up in (``default``); None for cluster-scoped kinds."""
    if resource.type in CLUSTER_SCOPED or (
        resource.namespace is None and cluster_scoped(resource.get("apiVersion"))
    ):
        return None
    return resource.namespace or "default"


def pod_template_path(resource: Resource) -> AttrPath | None:
    if resource.source != "kubernetes":
        return None
    path = POD_TEMPLATES.get(resource.type)
    if path is None or not isinstance(resource.get(*path), Mapping):
        return None
    return path


def pod_spec_path(resource: Resource) -> AttrPath | None:
    path = pod_template_path(resource)
    if path is None or not isinstance(resource.get(*path, "spec"), Mapping):
        return None
    return (*path, "spec")


def edge(
    source: Resource,
    target: Resource,
    kind: str,
    path: AttrPath,
    confidence: str = "explicit",
    note: str = "",
) -> Edge:
    """An edge produced by the value at ``path`` in ``source``, located where that value was written."""
    where = source.location_of(path)
    via = format_path(path) if path else ""
    if note:
        via = f"{via} ({note})" if via else note
    return Edge(source.id, target.id, kind, via, confidence, where.file, where.line)


class ObjectIndex:
    """Kubernetes objects by (configuration, kind, namespace, name); namespace None when cluster-scoped."""

    def __init__(self, resources: Iterable[Resource]) -> None:
        self._objects: dict[tuple[str, str, str | None, str], Resource] = {}
        for resource in resources:
            if resource.source == "kubernetes":
                key = (resource.configuration, resource.type, namespace_of(resource), resource.name)
                self._objects.setdefault(key, resource)

    def get(self, near: Resource, kind: str, name: Any, namespace: Any = None) -> Resource | None:
        """The object ``kind``/``name`` in ``near``'s configuration and namespace (or ``namespace``)."""
        if not isinstance(name, str) or not name:
            return None
        if kind in CLUSTER_SCOPED:
            space = None
        else:
            space = namespace if isinstance(namespace, str) and namespace else namespace_of(near)
        return self._objects.get((near.configuration, kind, space, name))


class PodIndex:
    """Pod templates by namespace and label, per configuration."""

    def __init__(self, resources: Iterable[Resource]) -> None:
        self._by_label: dict[tuple[str, str | None, str, str], set[str]] = defaultdict(set)
        self._by_key: dict[tuple[str, str | None, str], set[str]] = defaultdict(set)
        self._by_namespace: dict[tuple[str, str | None], set[str]] = defaultdict(set)
        self._labels: dict[str, Mapping[str, str]] = {}
        self._resources: dict[str, Resource] = {}
        for resource in resources:
            path = pod_template_path(resource)
            if path is not None:
                self._add(resource, resource.get(*path, "metadata", "labels", default={}))

    def _add(self, resource: Resource, labels: Any) -> None:
        labels = {str(k): str(v) for k, v in labels.items()} if isinstance(labels, Mapping) else {}
        space = (resource.configuration, namespace_of(resource))
        self._resources[resource.id] = resource
        self._labels[resource.id] = labels
        self._by_namespace[space].add(resource.id)
        for key, value in labels.items():
            self._by_label[(*space, key, value)].add(resource.id)
            self._by_key[(*space, key)].add(resource.id)

    def select(self, near: Resource, selector: Any, empty_selects_all: bool) -> list[Resource]:
        """Pod controllers in ``near``'s configuration and namespace whose pod labels match ``selector``.

        ``selector`` is a plain label map (Service) or a LabelSelector (``matchLabels`` and
        ``matchExpressions`` with In, NotIn, Exists, DoesNotExist). An empty selector selects every pod
        when ``empty_selects_all`` (NetworkPolicy, PDB) and none otherwise (a Service without one).
        Candidates come from the most selective positive term; negative terms only filter them.
        """
        terms = _terms(selector)
        if terms is None:
            return []
        space = (near.configuration, namespace_of(near))
        positive = [self._candidates(space, term) for term in terms if term[1] in ("In", "Exists")]
        if positive:
            candidates = set.intersection(*sorted(positive, key=len))
        elif terms or empty_selects_all:
            candidates = set(self._by_namespace.get(space, ()))
        else:
            return []
        chosen = (i for i in candidates if all(_holds(self._labels[i], term) for term in terms))
        return sorted((self._resources[i] for i in chosen), key=lambda r: r.id)

    def _candidates(self, space: tuple[str, str | None], term: tuple[str, str, tuple[str, ...]]) -> set[str]:
        key, operator, values = term
        if operator == "Exists":
            return self._by_key.get((*space, key), set())
        found: set[str] = set()
        for value in values:
            found |= self._by_label.get((*space, key, value), set())
        return found


Term = tuple[str, str, tuple[str, ...]]
_OPERATORS = ("In", "NotIn", "Exists", "DoesNotExist")


def _terms(selector: Any) -> list[Term] | None:
    """The selector as (key, operator, values) terms; None when it is not a selector at all."""
    if not isinstance(selector, Mapping):
        return None if selector is not None else []
    if "matchLabels" not in selector and "matchExpressions" not in selector:
        return [(str(k), "In", (str(v),)) for k, v in selector.items() if not isinstance(v, Mapping | list)]
    terms: list[Term] = []
    labels = selector.get("matchLabels") or {}
    if isinstance(labels, Mapping):
        terms += [(str(k), "In", (str(v),)) for k, v in labels.items()]
    for expression in selector.get("matchExpressions") or ():
        if not isinstance(expression, Mapping) or expression.get("operator") not in _OPERATORS:
            return None  # a selector we cannot read selects nothing rather than everything
        values = expression.get("values") or ()
        terms.append((str(expression.get("key")), expression["operator"], tuple(str(v) for v in values)))
    return terms


def _holds(labels: Mapping[str, str], term: Term) -> bool:
    key, operator, values = term
    if operator == "In":
        return labels.get(key) in values
    if operator == "NotIn":
        return labels.get(key) not in values
    if operator == "Exists":
        return key in labels
    return key not in labels
