"""Where each Terraform resource names its machine size and count: ``providers/catalog/capacity-sources.yaml``,
validated on load (errors name file and key path)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from .catalog_document import CatalogDocument, KeyPath
from .data_path import data_path
from .datafile import read_yaml

AttrPath = tuple[str | int, ...]
_KEYS = frozenset(
    {"type", "default_type", "count", "desired", "min", "max", "standby_when", "replicas_plus_one"}
)


@dataclass(frozen=True)
class CapacitySource:
    type: str
    type_paths: tuple[AttrPath, ...]
    default_type: str | None = None
    count: tuple[AttrPath, ...] = ()
    desired: AttrPath | None = None
    min: AttrPath | None = None
    max: AttrPath | None = None
    standby_when: AttrPath | None = None
    replicas_plus_one: AttrPath | None = None


def _path(doc: CatalogDocument, value: Any, where: KeyPath) -> AttrPath:
    return tuple(int(s) if s.isdecimal() else s for s in doc.string(value, where).split("."))


def _paths(doc: CatalogDocument, value: Any, where: KeyPath) -> tuple[AttrPath, ...]:
    if not isinstance(value, list) or not value:
        doc.fail(where, "must be a non-empty list of attribute paths")
    return tuple(_path(doc, item, (*where, i)) for i, item in enumerate(value))


def _source(doc: CatalogDocument, name: str, value: Any, where: KeyPath) -> CapacitySource:
    entry = doc.mapping(value, where)
    doc.known_keys(entry, _KEYS, where)
    if "type" not in entry:
        doc.fail((*where, "type"), "missing")
    single = {
        key: _path(doc, entry[key], (*where, key)) if key in entry else None
        for key in ("desired", "min", "max", "standby_when", "replicas_plus_one")
    }
    default = entry.get("default_type")
    return CapacitySource(
        name,
        _paths(doc, entry["type"], (*where, "type")),
        doc.string(default, (*where, "default_type")) if default is not None else None,
        _paths(doc, entry["count"], (*where, "count")) if "count" in entry else (),
        **single,
    )


def load_capacity_sources_file(path: Path) -> Mapping[str, CapacitySource]:
    doc = CatalogDocument(path, read_yaml(path))
    doc.known_keys(doc.data, frozenset({"schema_version", "terraform"}), ())
    entries = doc.mapping(doc.data.get("terraform"), ("terraform",))
    return {name: _source(doc, name, value, ("terraform", name)) for name, value in entries.items()}


@cache
def load_capacity_sources() -> Mapping[str, CapacitySource]:
    return load_capacity_sources_file(data_path("providers") / "catalog" / "capacity-sources.yaml")
