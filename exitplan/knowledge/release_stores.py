"""Data stores installed as a chart from outside the repository: an Argo CD application of the ``redis``
chart or a Flux release of ``postgresql`` runs a data store whose pods the scan never sees.

The chart's name says the role, with the names of a container image's (``images`` in
``data-stores.yaml``), alone or followed by a topology (``redis-cluster``, ``postgresql-ha``). Where its data lives is not in the repository; data-store charts keep it on a
PersistentVolumeClaim unless told otherwise, so the store is taken as persistent unless the release's
values switch persistence off (``persistence: {enabled: false}`` at any depth) and none switch it on; a
store that keeps its data in memory (memcached) persists nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from ..kubernetes.gitops import ChartSources, remote_chart
from ..model import Resource
from .data_store_catalog import Role
from .data_stores import DataStore, DataStoreCatalog, Evidence

_WORDS = re.compile(r"[-_.]")
#: Words after a store's name that say how it is deployed, not what it is.
_TOPOLOGIES = frozenset({"ha", "cluster", "sharded", "galera", "single", "standalone", "replicaset"})
_MAX_DEPTH = 20


def recognise_release(
    resource: Resource, catalog: DataStoreCatalog, sources: ChartSources | None = None
) -> DataStore | None:
    chart = remote_chart(resource, sources)
    if chart is None:
        return None
    role = next((r for r in catalog.roles if _names(chart.chart, r)), None)
    if role is None:
        return None
    if role.in_memory:
        persistent, storage = False, f"no volume ({role.label} keeps its data in memory)"
    else:
        persistent, storage = _persistent(resource.get(*chart.values_path))
    evidence = Evidence(
        "chart", f"the chart {chart.chart} ({chart.source})", resource.file, resource.line_of(chart.path)
    )
    return DataStore(
        resource=resource.id,
        role=role.id,
        label=role.label,
        kind=role.kind,
        container="",
        evidence=(evidence,),
        data_path=None,
        data_path_from="none (kept in memory)" if role.in_memory else "not known",
        storage=storage,
        persistent=persistent,
    )


def _names(chart: str, role: Role) -> bool:
    """The chart is the role's: named as one of its images (redis), or as one with a topology after it
    (redis-cluster, postgresql-ha). One word of a longer name is no evidence: redis-commander and
    prometheus-redis-exporter are clients of a store, not one."""
    name = chart.lower().rsplit("/", 1)[-1]
    first, *rest = _WORDS.split(name)
    return name in role.images or (first in role.images and bool(rest) and set(rest) <= _TOPOLOGIES)


def _persistent(values: Any) -> tuple[bool, str]:
    switches = {enabled for enabled in _persistence(values, 0) if isinstance(enabled, bool)}
    if switches == {False}:
        return False, "no volume (persistence.enabled: false in the release's values)"
    return True, (
        "the chart's own volumes (the chart is not in the repository: most data-store charts keep their "
        "data on a PersistentVolumeClaim)"
    )


def _persistence(values: Any, depth: int) -> Iterator[Any]:
    """The ``enabled`` of every ``persistence`` mapping in a release's values."""
    if depth > _MAX_DEPTH:
        return
    if isinstance(values, Mapping):
        for key, item in values.items():
            if key == "persistence" and isinstance(item, Mapping):
                yield item.get("enabled")
            yield from _persistence(item, depth + 1)
    elif isinstance(values, list):
        for item in values:
            yield from _persistence(item, depth + 1)
