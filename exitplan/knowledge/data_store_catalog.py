"""The data-store roles catalog (``providers/catalog/data-stores.yaml``), validated on load.

A role says how a database, broker, cache or search engine looks in a pod spec: images, ports and port
names, server settings, data paths. ``data_stores.recognise`` uses it; errors name the file and key path.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from .catalog_document import CatalogDocument
from .data_path import data_path
from .datafile import load_data_file, read_yaml


@dataclass(frozen=True)
class Role:
    id: str
    label: str
    kind: str
    images: frozenset[str]
    ports: frozenset[int]
    port_names: frozenset[str]
    env: tuple[str, ...]  # names, or NAME_* prefixes
    data_paths: tuple[str, ...]
    in_memory: bool = False  # keeps nothing on disk


@dataclass(frozen=True)
class DataStoreCatalog:
    roles: tuple[Role, ...]
    client_env: tuple[str, ...]
    persistent_volume_types: frozenset[str]


_KEYS = frozenset({"schema_version", "client_env", "persistent_volume_types", "roles"})
_ROLE_KEYS = frozenset({"label", "kind", "images", "ports", "port_names", "env", "data_paths", "in_memory"})


def catalog_path() -> Path:
    return data_path("providers") / "catalog" / "data-stores.yaml"


@cache
def load_data_stores() -> DataStoreCatalog:
    return read_data_stores(catalog_path())


def read_data_stores(path: Path) -> DataStoreCatalog:
    """The roles in ``path``; a ``CatalogError`` naming the file and key path when one is malformed."""
    doc = CatalogDocument(path, read_yaml(path))
    doc.known_keys(doc.data, _KEYS, ())
    kinds = frozenset(load_data_file(data_path("providers") / "catalog" / "service-kinds.yaml")["kinds"])
    roles = []
    for role_id, raw in doc.mapping(doc.data.get("roles"), ("roles",)).items():
        where = ("roles", role_id)
        data = doc.mapping(raw, where)
        doc.known_keys(data, _ROLE_KEYS, where)
        ports = _list(doc, data, "ports", where)
        for index, port in enumerate(ports):
            if not isinstance(port, int) or isinstance(port, bool) or not 0 < port < 65536:
                doc.fail((*where, "ports", index), f"must be a port number, found {port!r}")
        kind = doc.string(data.get("kind"), (*where, "kind"))
        if kind not in kinds:
            doc.fail((*where, "kind"), f"unknown service kind {kind!r} (see service-kinds.yaml)")
        roles.append(
            Role(
                role_id,
                doc.string(data.get("label"), (*where, "label")),
                kind,
                frozenset(s.lower() for s in _strings(doc, data, "images", where, required=True)),
                frozenset(ports),
                frozenset(s.lower() for s in _strings(doc, data, "port_names", where)),
                _strings(doc, data, "env", where),
                _strings(doc, data, "data_paths", where),
                doc.flag(data, "in_memory", where),
            )
        )
    for index, item in enumerate(_strings(doc, doc.data, "client_env", ())):
        if "*" not in item:
            doc.fail(("client_env", index), f"must be a pattern with *, found {item!r}")
    return DataStoreCatalog(
        tuple(roles),
        _strings(doc, doc.data, "client_env", ()),
        frozenset(_strings(doc, doc.data, "persistent_volume_types", (), required=True)),
    )


def _list(doc: CatalogDocument, data: Mapping[str, Any], key: str, where: tuple) -> list:
    value = data.get(key, [])
    if not isinstance(value, list):
        doc.fail((*where, key), "must be a list")
    return value


def _strings(
    doc: CatalogDocument, data: Mapping[str, Any], key: str, where: tuple, required: bool = False
) -> tuple[str, ...]:
    items = _list(doc, data, key, where)
    if required and not items:
        doc.fail((*where, key), "must be a non-empty list")
    return tuple(doc.string(item, (*where, key, index)) for index, item in enumerate(items))
