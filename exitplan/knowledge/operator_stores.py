"""Data stores run by an operator (``providers/catalog/operator-stores.yaml``, read by ``operator_catalog``).

A CloudNativePG ``Cluster`` or a Strimzi ``Kafka`` is the whole data store as the repository states it:
the operator makes the StatefulSets, volumes, Services and Secrets, none of which are in the manifests.
:func:`operator_kind` tells such a resource by its apiVersion's group and kind; :func:`recognise_operator`
says which data-store role it plays and whether it keeps its data on volumes, with the lines that say so.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from ..model import Resource
from .catalog_document import format_path
from .data_stores import DataStore, Evidence
from .operator_catalog import OperatorKind, Part, Steps, load_operator_stores, read_operator_stores

__all__ = ["OperatorKind", "Part", "load_operator_stores", "read_operator_stores"]


def api_group(resource: Resource) -> str:
    version = resource.get("apiVersion")
    return version.rsplit("/", 1)[0] if isinstance(version, str) and "/" in version else ""


def operator_kind(resource: Resource) -> OperatorKind | None:
    """The operator kind ``resource`` is, or None (also for every object that is not Kubernetes)."""
    if resource.source != "kubernetes":
        return None
    return load_operator_stores().kinds.get((api_group(resource), resource.type))


def _part_rule(resource: Resource) -> tuple[OperatorKind, Part] | None:
    """The store kind and part rule of ``resource``'s kind, whatever store it names."""
    if resource.source != "kubernetes":
        return None
    return load_operator_stores().parts.get((api_group(resource), resource.type))


def secrets_written(resource: Resource) -> tuple[str, ...]:
    """The names of the Secrets the operator writes for ``resource``, a store or a part of one."""
    entry, rule = operator_kind(resource), _part_rule(resource)
    templates = entry.secrets if entry else rule[1].secrets if rule else ()
    return tuple(template.replace("{name}", resource.name) for template in templates)


def operator_part(resource: Resource) -> tuple[OperatorKind, Part, str] | None:
    """The store kind ``resource`` is a part of, the part, and the name of the store it names."""
    found = _part_rule(resource)
    if found is None:
        return None
    entry, part = found
    if part.label is not None:
        labels = resource.get("metadata", "labels")
        name = labels.get(part.label) if isinstance(labels, Mapping) else None
    else:
        name = next((v for _, v in _values(resource.attributes, part.name_at or (), ())), None)
    return (entry, part, name) if isinstance(name, str) and name else None


def _values(value: Any, steps: Steps, path: tuple) -> Iterator[tuple[tuple, Any]]:
    """The values at ``steps`` inside ``value``, with their paths; ``None`` steps into every list item."""
    if not steps:
        if value is not None:
            yield path, value
        return
    step, rest = steps[0], steps[1:]
    if step is None:
        if isinstance(value, list):
            for index, item in enumerate(value):
                yield from _values(item, rest, (*path, index))
    elif isinstance(value, Mapping) and step in value:
        yield from _values(value[step], rest, (*path, step))


def _storage(resource: Resource, paths: Iterable[Steps]) -> list[tuple[tuple, Any]]:
    """What ``resource`` writes at its storage paths, with where."""
    return [found for steps in paths for found in _values(resource.attributes, steps, ())]


_ZERO = re.compile(r"^0+(\.0*)?([KMGTPE]i?)?$")


def _no_volume(value: Any) -> bool:
    """False, empty, a size of 0 (RabbitMQ's ``0Gi``), or a mapping saying so: ``type: ephemeral``
    (Strimzi), ``ephemeral: true`` (MariaDB), ``enabled: false``, an ``emptyDir`` (Percona)."""
    if value is False or value in ("", 0) or (isinstance(value, list | dict) and not value):
        return True
    if isinstance(value, str):
        return bool(_ZERO.match(value.strip()))
    if isinstance(value, Mapping):
        size = value.get("storage", value.get("size"))
        return (
            value.get("type") == "ephemeral"
            or value.get("ephemeral") is True
            or value.get("enabled") is False
            or "emptyDir" in value
            or (size is not None and _no_volume(size))
        )
    return False


def _size(value: Any) -> str:
    """`` (50Gi)`` where the storage asked for says its size (``size``, ``storage``, or a claim's request)."""
    if isinstance(value, list):
        sizes = [_size(item) for item in value]
        return sizes[0] if len(set(sizes)) == 1 else ""
    if not isinstance(value, Mapping):
        return _shown(value)
    inner = value.get("spec", value)
    request = inner.get("resources", {}).get("requests", {}) if isinstance(inner, Mapping) else {}
    written = [value.get(key) for key in ("size", "storage", "diskSize")]
    written.append(request.get("storage") if isinstance(request, Mapping) else None)
    found = next((shown for item in written if (shown := _shown(item))), "")
    volumes = value.get("volumes")
    return found or (_size(volumes) if isinstance(volumes, list) else "")


def _shown(value: Any) -> str:
    return f" ({value})" if isinstance(value, str | int) and not isinstance(value, bool) else ""


def recognise_operator(resource: Resource, parts: Iterable[Resource] = ()) -> DataStore | None:
    """The data-store role an operator's resource plays; ``parts`` are its parts found in the manifests
    (a Strimzi node pool's storage is the brokers')."""
    entry = operator_kind(resource)
    if entry is None:
        return None
    evidence = [
        Evidence(
            "kind",
            f"the kind {entry.kind} of {entry.api_group} ({entry.operator})",
            resource.file,
            resource.line_of(("kind",)),
        )
    ]
    asked = [(resource, path, value) for path, value in _storage(resource, entry.storage)]
    for part in parts:
        found = operator_part(part)
        if found is not None:
            asked.extend((part, path, value) for path, value in _storage(part, found[1].storage))
    volumes = [(holder, path, value) for holder, path, value in asked if not _no_volume(value)]
    for holder, path, value in volumes:
        said = f"volumes asked for at {format_path(path)}{_size(value)}"
        text = f"{said} of the {holder.type} {holder.name}" if holder is not resource else said
        evidence.append(Evidence("storage", text, holder.file, holder.line_of(path)))
    if volumes:
        storage, persistent = "the volumes the operator claims for it", True
    elif asked:  # it says "no volume" where it could ask for one
        holder, path, _ = asked[0]
        evidence.append(
            Evidence("storage", f"no volume at {format_path(path)}", holder.file, holder.line_of(path))
        )
        storage, persistent = f"no volume ({format_path(path)} asks for none)", False
    elif entry.persistent_without_storage:
        storage, persistent = f"the volumes {entry.operator} claims when none are asked for", True
    else:
        storage, persistent = "no volume (the resource asks for none)", False
    return DataStore(
        resource=resource.id,
        role=entry.role.id,
        label=entry.role.label,
        kind=entry.role.kind,
        container="",
        evidence=tuple(evidence),
        data_path=None,
        data_path_from="operator",  # the operator decides where on its volumes the data lives
        storage=storage,
        persistent=persistent,
    )


def store_name(resource: Resource) -> str | None:
    """The workload name of an operator's store: its name, with the role after it unless a word of the
    name already says what it is (``store_words``); None for other objects."""
    entry = operator_kind(resource)
    if entry is None:
        return None
    words = set(re.split(r"[-_.]", resource.name.lower()))
    role = entry.role
    if words & (load_operator_stores().store_words | role.images | {role.id}):
        return resource.name
    return f"{resource.name}-{role.id}"


def instances(resource: Resource) -> int | None:
    """How many instances the operator runs, where the resource says."""
    entry = operator_kind(resource)
    if entry is None or entry.replicas is None:
        return None
    found = next((v for _, v in _values(resource.attributes, entry.replicas, ())), None)
    return found if isinstance(found, int) and not isinstance(found, bool) else None


def protection(resource: Resource, parts: Iterable[Resource]) -> list[str]:
    """What the code says protects the store's data: the backup it configures, its backup parts."""
    entry = operator_kind(resource)
    if entry is None:
        return []
    shown = [
        f"backups configured at {format_path(path)}"
        for steps in entry.backup
        for path, value in _values(resource.attributes, steps, ())
        if value not in ({}, [], "", False)
    ]
    for part in parts:
        found = operator_part(part)
        if found is not None and found[1].backup:
            schedule = part.get("spec", "schedule")
            shown.append(f"{part.type} {part.name}" + (f" ({schedule})" if isinstance(schedule, str) else ""))
    return shown


def parts_by_store(resources: Iterable[Resource]) -> dict[str, tuple[Resource, ...]]:
    """Each operator store's parts in the manifests (same configuration and namespace), by the store's id."""
    resources = [r for r in resources if r.source == "kubernetes"]
    stores = {}
    for resource in resources:
        entry = operator_kind(resource)
        if entry is not None:
            key = (resource.configuration, resource.namespace, entry.api_group, entry.kind, resource.name)
            stores.setdefault(key, resource.id)
    found: dict[str, list[Resource]] = {}
    for resource in resources if stores else ():
        part = operator_part(resource)
        if part is not None:
            entry, _, name = part
            key = (resource.configuration, resource.namespace, entry.api_group, entry.kind, name)
            if key in stores:
                found.setdefault(stores[key], []).append(resource)
    return {store: tuple(parts) for store, parts in found.items()}
