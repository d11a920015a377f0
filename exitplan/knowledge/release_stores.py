"""Data stores installed as a chart from outside the repository: an Argo CD application of the ``redis``
chart or a Flux release of ``postgresql`` runs a data store whose pods the scan never sees.

The chart's name says the role, with the same words as a container image's (``images`` in
``data-stores.yaml``). Where its data lives is not in the repository; data-store charts keep it on a
PersistentVolumeClaim unless told otherwise, so the store is taken as persistent unless the release's
values switch persistence off (``persistence: {enabled: false}`` at any depth) and none switch it on.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from ..kubernetes.gitops import remote_chart
from ..model import Resource
from .data_stores import DataStore, DataStoreCatalog, Evidence

_WORDS = re.compile(r"[-_.]")
#: Where a release keeps its values: a Flux HelmRelease, an Argo CD application's Helm source.
_VALUES = (("spec", "values"), ("spec", "source", "helm", "valuesObject"))
_MAX_DEPTH = 20


def recognise_release(resource: Resource, catalog: DataStoreCatalog) -> DataStore | None:
    chart = remote_chart(resource)
    if chart is None:
        return None
    words = {chart.chart.lower(), *_WORDS.split(chart.chart.lower())}
    role = next((r for r in catalog.roles if words & r.images), None)
    if role is None:
        return None
    switches = {
        enabled
        for path in _VALUES
        for enabled in _persistence(resource.get(*path), 0)
        if isinstance(enabled, bool)
    }
    persistent = switches != {False}
    evidence = Evidence(
        "chart", f"the chart {chart.chart} ({chart.source})", resource.file, resource.line_of(chart.path)
    )
    storage = (
        "the chart's own volumes (the chart is not in the repository: most data-store charts keep their "
        "data on a PersistentVolumeClaim)"
        if persistent
        else "no volume (persistence.enabled: false in the release's values)"
    )
    return DataStore(
        resource=resource.id,
        role=role.id,
        label=role.label,
        kind=role.kind,
        container="",
        evidence=(evidence,),
        data_path=None,
        data_path_from="not known",
        storage=storage,
        persistent=persistent,
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
