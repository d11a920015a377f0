"""Edges to an operator's data store (``knowledge/operator_stores.py``) from its parts and its clients.

- ``part-of``      a CloudNativePG ScheduledBackup or Pooler → its Cluster (``spec.cluster.name``), a Strimzi
                   KafkaTopic, KafkaUser or KafkaNodePool → its Kafka (the ``strimzi.io/cluster`` label), …
- ``connects-to``  a pod controller whose env values, or a chart release whose values, name a Service the
                   operator makes for the store (``billing-db-rw``, ``events-kafka-bootstrap:9092``,
                   ``{{ .Release.Name }}-rw.db.svc``); inferred, as a match by name. A name with its
                   namespace may reach a store of another configuration (the cluster's DNS is shared)

A part moves no earlier than its store, and joins the store's workload unless a workload needs it (a
KafkaUser whose Secret a consumer reads). The Secrets the operator writes are linked in
``edges_kubernetes`` (``uses-secret``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from itertools import islice

from exitplan.graph.index import edge, namespace_of, pod_spec_path
from exitplan.knowledge.operator_stores import operator_kind, operator_part, parts_by_store
from exitplan.kubernetes.gitops import install_namespace, release_name, remote_chart
from exitplan.kubernetes.release_volumes import with_release_name
from exitplan.model import Edge, Resource, iter_strings

#: A host in a value: an optional scheme and user, then dotted DNS labels (``a-rw.db.svc.cluster.local``).
_HOST = re.compile(r"(?:[a-z][a-z0-9+.-]*://)?(?:[^@\s/]+@)?([a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*)", re.I)
_MAX_STRINGS = 5_000


def operator_edges(resources: Sequence[Resource]) -> Iterator[Edge]:
    by_id = {r.id: r for r in resources if r.source == "kubernetes"}
    for store, parts in sorted(parts_by_store(by_id.values()).items()):
        for part in parts:
            found = operator_part(part)
            if found is None:
                continue
            rule = found[1]
            path = (
                ("metadata", "labels", rule.label)
                if rule.label
                else tuple(s for s in rule.name_at or () if s)
            )
            yield edge(part, by_id[store], "part-of", path)
    yield from _client_edges(list(by_id.values()))


def _client_edges(resources: list[Resource]) -> Iterator[Edge]:
    services: dict[tuple[str, str | None, str], Resource] = {}
    anywhere: dict[tuple[str | None, str], list[Resource]] = {}  # for a name with its namespace in it
    for resource in resources:
        entry = operator_kind(resource)
        for template in entry.services if entry else ():
            name, space = template.replace("{name}", resource.name), namespace_of(resource)
            services.setdefault((resource.configuration, space, name), resource)
            anywhere.setdefault((space, name), []).append(resource)
    if not services:
        return
    services.update(
        {("*", space, name): found[0] for (space, name), found in anywhere.items() if len(found) == 1}
    )
    for resource in resources:
        seen: set[str] = set()
        for path, text, namespace in _values_naming_hosts(resource):
            for store in _stores_named(text, resource.configuration, namespace, services):
                if store.id not in seen:
                    seen.add(store.id)
                    yield edge(
                        resource,
                        store,
                        "connects-to",
                        path,
                        "inferred",
                        f"a Service of {store.type} {store.name}",
                    )


def _values_naming_hosts(resource: Resource) -> Iterator[tuple[tuple, str, str | None]]:
    """The env values of a pod controller's containers, and every string of a release's values (with
    ``{{ .Release.Name }}`` resolved), with the namespace a bare Service name is in."""
    spec = pod_spec_path(resource)
    if spec is not None:
        for containers in ("containers", "initContainers"):
            for i, container in enumerate(resource.get(*spec, containers, default=[]) or []):
                env = container.get("env") if isinstance(container, Mapping) else None
                for j, variable in enumerate(env if isinstance(env, list) else []):
                    value = variable.get("value") if isinstance(variable, Mapping) else None
                    if isinstance(value, str):
                        yield (*spec, containers, i, "env", j, "value"), value, namespace_of(resource)
        return
    chart = remote_chart(resource)
    if chart is None:
        return
    name, namespace = release_name(resource), install_namespace(resource) or namespace_of(resource)
    values = iter_strings(resource.get(*chart.values_path), chart.values_path)
    for path, text in islice(values, _MAX_STRINGS):
        yield path, with_release_name(text, name), namespace


def _stores_named(text: str, configuration: str, namespace: str | None, services: dict) -> Iterator[Resource]:
    """The stores whose Service a host in ``text`` is: ``svc``, ``svc.ns``, ``svc.ns.svc[.cluster.local]``.
    A bare name is looked up in the value's configuration; a name with its namespace is the cluster's DNS
    name, so it may be a store another configuration deploys (a shared database in ``databases``), when
    only one store in the scan has that Service."""
    for token in re.split(r"[\s,;\"'=()\[\]]+", text):
        match = _HOST.match(token)
        if match is None:
            continue
        labels = match.group(1).lower().split(".")
        if len(labels) > 2 and labels[2:] not in (["svc"], ["svc", "cluster", "local"]):
            continue
        space = labels[1] if len(labels) > 1 else namespace
        store = services.get((configuration, space, labels[0]))
        if store is None and len(labels) > 1:
            store = services.get(("*", space, labels[0]))
        if store is not None:
            yield store
