"""Data stores run by an operator (``providers/catalog/operator-stores.yaml``), validated on load.

A CloudNativePG ``Cluster`` or a Strimzi ``Kafka`` is the whole data store as the repository states it:
the operator makes the StatefulSets, volumes, Services and Secrets, none of which are in the manifests.
:func:`operator_kind` tells such a resource by its apiVersion's group and kind; :func:`recognise_operator`
says which data-store role it plays and whether it keeps its data on volumes, with the lines that say so.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from ..model import Resource
from .catalog_document import CatalogDocument, format_path
from .data_path import data_path
from .data_store_catalog import Role, load_data_stores
from .data_stores import DataStore, Evidence
from .datafile import read_yaml
from .service_catalog import INTERFACES

_KEYS = frozenset({"schema_version", "operators"})
_ENTRY_KEYS = frozenset(
    {
        "operator",
        "api_group",
        "kind",
        "role",
        "interface",
        "storage",
        "persistent_without_storage",
        "services",
        "secrets",
        "parts",
        "move",
        "replicas",
        "backup",
    }
)
_PART_KEYS = frozenset({"kind", "name_at", "label", "storage", "secrets", "backup"})
_TEMPLATE = re.compile(r"^[a-z0-9{}.-]*\{name\}[a-z0-9{}.-]*$")
_PATH = re.compile(r"^[A-Za-z_][\w-]*(\[\])?(\.[A-Za-z_][\w-]*(\[\])?)*$")

#: A path into a resource: names, and ``None`` for "every item of this list".
Steps = tuple[str | None, ...]


@dataclass(frozen=True)
class Part:
    """A kind of the same operator that belongs to one store and names it (``name_at`` or ``label``)."""

    kind: str
    name_at: Steps | None
    label: str | None
    storage: tuple[Steps, ...] = ()
    secrets: tuple[str, ...] = ()  # what the operator writes for the part (a KafkaUser's credentials)
    backup: bool = False  # the part is a backup of the store (a CloudNativePG ScheduledBackup)


@dataclass(frozen=True)
class OperatorKind:
    operator: str
    api_group: str
    kind: str
    role: Role
    interface: str
    storage: tuple[Steps, ...]
    persistent_without_storage: bool
    services: tuple[str, ...]  # templates of the resource's name
    secrets: tuple[str, ...]
    parts: tuple[Part, ...]
    move: str
    replicas: Steps | None = None  # where it says how many instances run
    backup: tuple[Steps, ...] = ()  # paths whose presence means the operator takes backups


@dataclass(frozen=True)
class OperatorCatalog:
    kinds: Mapping[tuple[str, str], OperatorKind]  # (api group, kind)
    parts: Mapping[tuple[str, str], tuple[OperatorKind, Part]]  # (api group, the part's kind)


def catalog_path() -> Path:
    return data_path("providers") / "catalog" / "operator-stores.yaml"


@cache
def load_operator_stores() -> OperatorCatalog:
    return read_operator_stores(catalog_path())


def read_operator_stores(path: Path) -> OperatorCatalog:
    """The operator kinds in ``path``; a ``CatalogError`` naming the file and key path when one is wrong."""
    doc = CatalogDocument(path, read_yaml(path))
    doc.known_keys(doc.data, _KEYS, ())
    roles = {role.id: role for role in load_data_stores().roles}
    kinds: dict[tuple[str, str], OperatorKind] = {}
    parts: dict[tuple[str, str], tuple[OperatorKind, Part]] = {}
    entries = doc.data.get("operators")
    if not isinstance(entries, list) or not entries:
        doc.fail(("operators",), "must be a non-empty list")
    for index, raw in enumerate(entries):
        where = ("operators", index)
        data = doc.mapping(raw, where)
        doc.known_keys(data, _ENTRY_KEYS, where)
        role_id = doc.string(data.get("role"), (*where, "role"))
        if role_id not in roles:
            doc.fail((*where, "role"), f"unknown data-store role {role_id!r} (see data-stores.yaml)")
        if "persistent_without_storage" not in data:
            doc.fail((*where, "persistent_without_storage"), "must be true or false")
        persistent = _flag(doc, data, "persistent_without_storage", where)
        interface = doc.string(data.get("interface"), (*where, "interface"))
        if interface not in INTERFACES:
            doc.fail((*where, "interface"), f"unknown interface {interface!r}")
        entry = OperatorKind(
            operator=doc.string(data.get("operator"), (*where, "operator")),
            api_group=doc.string(data.get("api_group"), (*where, "api_group")),
            kind=doc.string(data.get("kind"), (*where, "kind")),
            role=roles[role_id],
            interface=interface,
            storage=_paths(doc, data.get("storage", []), (*where, "storage")),
            persistent_without_storage=persistent,
            services=_templates(doc, data.get("services", []), (*where, "services")),
            secrets=_templates(doc, data.get("secrets", []), (*where, "secrets")),
            parts=tuple(
                _part(doc, item, (*where, "parts", i)) for i, item in enumerate(data.get("parts") or [])
            ),
            move=doc.string(data.get("move"), (*where, "move")),
            replicas=_paths(doc, [data["replicas"]], (*where, "replicas"))[0] if "replicas" in data else None,
            backup=_paths(doc, data.get("backup", []), (*where, "backup")),
        )
        key = (entry.api_group, entry.kind)
        if key in kinds:
            doc.fail((*where, "kind"), f"{entry.kind} of {entry.api_group} is listed twice")
        kinds[key] = entry
        for part in entry.parts:
            parts.setdefault((entry.api_group, part.kind), (entry, part))
    return OperatorCatalog(kinds, parts)


def _paths(doc: CatalogDocument, value: Any, where: tuple) -> tuple[Steps, ...]:
    if not isinstance(value, list):
        doc.fail(where, "must be a list of dotted paths")
    found = []
    for index, item in enumerate(value):
        text = doc.string(item, (*where, index))
        if not _PATH.match(text):
            doc.fail((*where, index), f"must be a dotted path such as spec.storage, found {text!r}")
        found.append(_steps(text))
    return tuple(found)


def _steps(text: str) -> Steps:
    steps: list[str | None] = []
    for name in text.split("."):
        steps.append(name.removesuffix("[]"))
        if name.endswith("[]"):
            steps.append(None)
    return tuple(steps)


def _templates(doc: CatalogDocument, value: Any, where: tuple) -> tuple[str, ...]:
    if not isinstance(value, list):
        doc.fail(where, "must be a list of name templates")
    for index, item in enumerate(value):
        if not isinstance(item, str) or not _TEMPLATE.match(item):
            doc.fail((*where, index), f"must be a name with {{name}} in it, found {item!r}")
    return tuple(value)


def _part(doc: CatalogDocument, raw: Any, where: tuple) -> Part:
    data = doc.mapping(raw, where)
    doc.known_keys(data, _PART_KEYS, where)
    name_at, label = data.get("name_at"), data.get("label")
    if (name_at is None) == (label is None):
        doc.fail(where, "needs one of name_at (a path of its spec) or label")
    steps = _paths(doc, [name_at], (*where, "name_at"))[0] if name_at is not None else None
    return Part(
        kind=doc.string(data.get("kind"), (*where, "kind")),
        name_at=steps,
        label=doc.string(label, (*where, "label")) if label is not None else None,
        storage=_paths(doc, data.get("storage", []), (*where, "storage")),
        secrets=_templates(doc, data.get("secrets", []), (*where, "secrets")),
        backup=_flag(doc, data, "backup", where),
    )


def _flag(doc: CatalogDocument, data: Mapping[str, Any], key: str, where: tuple) -> bool:
    value = data.get(key, False)
    if not isinstance(value, bool):
        doc.fail((*where, key), f"must be true or false, found {value!r}")
    return value


def api_group(resource: Resource) -> str:
    version = resource.get("apiVersion")
    return version.rsplit("/", 1)[0] if isinstance(version, str) and "/" in version else ""


def operator_kind(resource: Resource) -> OperatorKind | None:
    """The operator kind ``resource`` is, or None (also for every object that is not Kubernetes)."""
    if resource.source != "kubernetes":
        return None
    return load_operator_stores().kinds.get((api_group(resource), resource.type))


def secrets_written(resource: Resource) -> tuple[str, ...]:
    """The names of the Secrets the operator writes for ``resource``, a store or a part of one."""
    entry = operator_kind(resource)
    if entry is not None:
        templates = entry.secrets
    else:
        found = load_operator_stores().parts.get((api_group(resource), resource.type))
        templates = found[1].secrets if found and resource.source == "kubernetes" else ()
    return tuple(template.replace("{name}", resource.name) for template in templates)


def operator_part(resource: Resource) -> tuple[OperatorKind, Part, str] | None:
    """The store kind ``resource`` is a part of, the part, and the name of the store it names."""
    if resource.source != "kubernetes":
        return None
    found = load_operator_stores().parts.get((api_group(resource), resource.type))
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


def _volumes(resource: Resource, paths: Iterable[Steps]) -> list[tuple[tuple, Any]]:
    """Where ``resource`` asks for volumes: each value at a storage path, but a mapping of ``type:
    ephemeral``."""
    return [
        (path, value)
        for steps in paths
        for path, value in _values(resource.attributes, steps, ())
        if not (isinstance(value, Mapping) and value.get("type") == "ephemeral")
        and not (isinstance(value, list) and not value)
    ]


def _size(value: Any) -> str:
    """`` (50Gi)`` where the storage asked for says its size (``size``, ``storage``, or a claim's request)."""
    if isinstance(value, list):
        sizes = [_size(item) for item in value]
        return sizes[0] if len(set(sizes)) == 1 else ""
    if not isinstance(value, Mapping):
        return f" ({value})" if isinstance(value, str | int) and not isinstance(value, bool) else ""
    for key in ("size", "storage", "diskSize"):
        if isinstance(value.get(key), str | int) and not isinstance(value.get(key), bool):
            return f" ({value[key]})"
    inner = value.get("spec", value)
    request = inner.get("resources", {}).get("requests", {}) if isinstance(inner, Mapping) else {}
    found = request.get("storage") if isinstance(request, Mapping) else None
    if isinstance(found, str | int) and not isinstance(found, bool):
        return f" ({found})"
    volumes = value.get("volumes")
    return _size(volumes) if isinstance(volumes, list) else ""


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
    volumes = [(resource, path, value) for path, value in _volumes(resource, entry.storage)]
    for part in parts:
        found = operator_part(part)
        if found is not None:
            volumes.extend((part, path, value) for path, value in _volumes(part, found[1].storage))
    for holder, path, value in volumes:
        asked = f"volumes asked for at {format_path(path)}{_size(value)}"
        text = f"{asked} of the {holder.type} {holder.name}" if holder is not resource else asked
        evidence.append(Evidence("storage", text, holder.file, holder.line_of(path)))
    if volumes:
        storage, persistent = "the volumes the operator claims for it", True
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


def instances(resource: Resource) -> int | None:
    """How many instances the operator runs, where the resource says."""
    entry = operator_kind(resource)
    found = (
        next((v for _, v in _values(resource.attributes, entry.replicas, ())), None)
        if entry and entry.replicas
        else None
    )
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
