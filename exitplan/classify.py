"""Classification: give every resource its cloud, service kind, interface and lock-in from the catalog.

Terraform resources are looked up by type (data sources like their managed type), generic resources by
the type string they carry, unresolved registry modules by the module catalog. Kubernetes objects get
only what their kind says about state; cloud coupling in manifests is found by the graph stage.
A Terraform type the catalog does not know keeps its cloud and gets no service kind, so that the report
can list it as unclassified instead of dropping it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from .knowledge import crossplane
from .knowledge.data_store_catalog import load_data_stores
from .knowledge.operator_stores import operator_kind, parts_by_store, recognise_operator
from .knowledge.release_stores import recognise_release
from .knowledge.service_catalog import Classification, ServiceCatalog
from .kubernetes.gitops import RELEASE_KINDS, ChartSources
from .kubernetes.release_volumes import release_volumes
from .model import Resource

#: The type a Terraform resource record carries for a module call that was not expanded.
MODULE_TYPE = "module"
#: Attributes of a module call that are not inputs of the module.
_MODULE_META = frozenset({"source", "version", "providers", "count", "for_each", "depends_on"})


def classify(
    resources: Sequence[Resource], catalog: ServiceCatalog, charts: ChartSources | None = None
) -> tuple[Resource, ...]:
    """New records with ``cloud``, ``service_kind``, ``stateful``, ``interface`` and ``lockin`` filled."""
    charts = charts or ChartSources(resources)
    parts = parts_by_store(resources)
    return tuple(_classify_one(resource, catalog, charts, parts) for resource in resources)


def _classify_one(
    resource: Resource, catalog: ServiceCatalog, charts: ChartSources, parts: dict[str, tuple[Resource, ...]]
) -> Resource:
    if resource.source == "kubernetes":
        managed = crossplane.terraform_type(resource, lambda t: catalog.lookup(t)[0] is not None)
        if managed is None:
            return _classify_kubernetes(resource, charts, parts.get(resource.id, ()))
        found = catalog.classify_type(managed, crossplane.arguments(resource))
        return _with(_with_entry(resource, found), region=resource.region or crossplane.region(resource))
    if resource.type == MODULE_TYPE:
        source = resource.attributes.get("source")
        found = (
            catalog.classify_module(source, module_inputs(resource.attributes))
            if isinstance(source, str)
            else Classification(None, None)
        )
    else:
        found = catalog.classify_type(resource.type, resource.attributes)
    return _with_entry(resource, found)


def _with_entry(resource: Resource, found: Classification) -> Resource:
    entry = found.entry
    return _with(
        resource,
        cloud=found.cloud,
        service_kind=entry.kind if entry else None,
        stateful=entry.stateful if entry else False,
        interface=entry.interface if entry else None,
        lockin=entry.lockin if entry else None,
        lockin_reason=entry.reason if entry else None,
    )


def _with(resource: Resource, **values: Any) -> Resource:
    """``resource`` with ``values``: the same record where it has them already (most manifests)."""
    if all(getattr(resource, name) == value for name, value in values.items()):
        return resource
    return replace(resource, **values)


def module_inputs(attributes: Mapping[str, Any]) -> dict[str, Any]:
    """The inputs of a module call: its arguments, or an ``inputs`` mapping where the loader made one."""
    inputs = {key: value for key, value in attributes.items() if key not in _MODULE_META}
    nested = inputs.pop("inputs", None)
    if isinstance(nested, Mapping):
        inputs.update(nested)
    return inputs


def _classify_kubernetes(resource: Resource, charts: ChartSources, parts: tuple[Resource, ...]) -> Resource:
    kind, stateful, interface = None, False, None
    store = recognise_operator(resource, parts)  # a database an operator runs: a custom resource
    if store is not None:
        kind, stateful, interface = store.kind, store.persistent, operator_kind(resource).interface
    elif resource.type == "PersistentVolumeClaim":
        modes = resource.get("spec", "accessModes", default=[])
        shared = isinstance(modes, list) and "ReadWriteMany" in modes
        kind, stateful = ("file-storage" if shared else "block-volume"), True
        interface = None if shared else "block"
    elif resource.type == "StatefulSet":
        stateful = keeps_volumes(resource)
    elif resource.type in RELEASE_KINDS:
        stateful = release_keeps_data(resource, charts)
    return _with(
        resource,
        cloud=None,
        service_kind=kind,
        stateful=stateful,
        interface=interface,
        lockin=None,
        lockin_reason=None,
    )


def keeps_volumes(statefulset: Resource) -> bool:
    """A StatefulSet holds data that must be moved when it claims volumes (``volumeClaimTemplates``) or
    mounts a persistent pod volume; one whose data sits on ``emptyDir`` or the container's own
    filesystem holds none (a data store there is ephemeral state, see ``knowledge/data_stores.py``)."""
    if statefulset.get("spec", "volumeClaimTemplates"):
        return True
    persistent = load_data_stores().persistent_volume_types
    volumes = statefulset.get("spec", "template", "spec", "volumes")
    return isinstance(volumes, list) and any(
        isinstance(v, dict) and persistent.intersection(v) for v in volumes
    )


def release_keeps_data(release: Resource, charts: ChartSources | None = None) -> bool:
    """A release of a chart from outside the repository holds data when its values ask for persistent
    volumes (``kubernetes/release_volumes.py``), or when the chart is a data store's that persists
    (``knowledge/release_stores.py``)."""
    if release_volumes(release):
        return True
    store = recognise_release(release, load_data_stores(), charts)
    return store is not None and store.persistent


def unclassified_label(resource: Resource) -> str:
    """How an unclassified Terraform resource is named in coverage: its type, or its module source."""
    if resource.type == MODULE_TYPE:
        source = resource.attributes.get("source")
        return f"module {source}" if isinstance(source, str) else "module (source unknown)"
    return resource.type


def coverage(resources: Sequence[Resource]) -> dict[str, dict[str, Any]]:
    """Per cloud (``none`` for provider-neutral): Terraform resources, how many were classified, and the
    sorted types that were not."""
    totals: dict[str, dict[str, Any]] = {}
    for resource in resources:
        if resource.source != "terraform":
            continue
        row = totals.setdefault(
            resource.cloud or "none", {"resources": 0, "classified": 0, "unclassified": set()}
        )
        row["resources"] += 1
        if resource.service_kind is None:
            row["unclassified"].add(unclassified_label(resource))
        else:
            row["classified"] += 1
    return {
        cloud: {
            "resources": row["resources"],
            "classified": row["classified"],
            "unclassified_types": sorted(row["unclassified"]),
        }
        for cloud, row in sorted(totals.items())
    }
