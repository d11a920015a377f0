"""The catalog of data stores an operator runs (``providers/catalog/operator-stores.yaml``), validated on load.

Each entry says how one custom resource kind (matched on its apiVersion's group and its kind) is a data
store: its role, where it asks for volumes, its parts, the Secrets the operator writes, its instances and
backups. ``operator_stores`` reads resources with it; errors name the file and the key path.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from .catalog_document import CatalogDocument
from .data_path import data_path
from .data_store_catalog import Role, load_data_stores
from .datafile import read_yaml
from .service_catalog import INTERFACES

_KEYS = frozenset({"schema_version", "store_words", "operators"})
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
    store_words: frozenset[str] = frozenset()  # words of a name that say it is a store


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
        persistent = doc.flag(data, "persistent_without_storage", where)
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
    words = doc.strings(doc.data["store_words"], ("store_words",)) if "store_words" in doc.data else ()
    return OperatorCatalog(kinds, parts, frozenset(w.lower() for w in words))


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
        backup=doc.flag(data, "backup", where),
    )
