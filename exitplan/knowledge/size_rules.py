"""Where each Terraform data store's size sits in the code, and how to measure it where it does not:
``providers/catalog/data-sizes.yaml``, validated on load (errors name file and key path)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from .catalog_document import CatalogDocument, KeyPath
from .data_path import data_path
from .datafile import read_yaml

#: Bytes per unit, for the units the catalog and people use. GB, MB, TB are decimal; GiB, MiB, TiB binary.
UNITS = {
    "B": 1,
    "KB": 10**3,
    "MB": 10**6,
    "GB": 10**9,
    "TB": 10**12,
    "PB": 10**15,
    "KiB": 2**10,
    "MiB": 2**20,
    "GiB": 2**30,
    "TiB": 2**40,
    "PiB": 2**50,
}
_CATALOG_UNITS = ("MB", "GB", "TB", "MiB", "GiB", "TiB")
_ENTRY_KEYS = frozenset({"size", "memory_of", "times", "grows_to", "name", "group", "measure", "note"})
_PLACEHOLDER = re.compile(r"\{(\w+)\}")

AttrPath = tuple[str | int, ...]


@dataclass(frozen=True)
class SizeAt:
    path: AttrPath
    unit: str


@dataclass(frozen=True)
class CountAt:
    path: AttrPath
    default: int


@dataclass(frozen=True)
class SizeRule:
    type: str
    sizes: tuple[SizeAt, ...] = ()
    memory_of: AttrPath | None = None
    times: tuple[CountAt, ...] = ()
    grows_to: SizeAt | None = None
    name: tuple[AttrPath, ...] = ()
    group: tuple[AttrPath, ...] = ()
    measure: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class SizeRules:
    terraform: Mapping[str, SizeRule]
    no_volume_kinds: Mapping[str, str]


def _path(doc: CatalogDocument, value: Any, where: KeyPath) -> AttrPath:
    text = doc.string(value, where)
    return tuple(int(step) if step.isdecimal() else step for step in text.split("."))


def _size_at(doc: CatalogDocument, value: Any, where: KeyPath) -> SizeAt:
    entry = doc.mapping(value, where)
    doc.known_keys(entry, frozenset({"path", "unit"}), where)
    unit = entry.get("unit")
    if unit not in _CATALOG_UNITS:
        doc.fail((*where, "unit"), f"must be one of {', '.join(_CATALOG_UNITS)}, found {unit!r}")
    return SizeAt(_path(doc, entry.get("path"), (*where, "path")), unit)


def _list(doc: CatalogDocument, value: Any, where: KeyPath) -> list:
    if not isinstance(value, list) or not value:
        doc.fail(where, "must be a non-empty list")
    return value


def _rule(doc: CatalogDocument, type_name: str, value: Any, where: KeyPath) -> SizeRule:
    entry = doc.mapping(value, where)
    doc.known_keys(entry, _ENTRY_KEYS, where)
    sizes = (
        tuple(
            _size_at(doc, item, (*where, "size", i))
            for i, item in enumerate(_list(doc, entry["size"], (*where, "size")))
        )
        if "size" in entry
        else ()
    )
    memory_of = None
    if "memory_of" in entry:
        memory = doc.mapping(entry["memory_of"], (*where, "memory_of"))
        doc.known_keys(memory, frozenset({"path"}), (*where, "memory_of"))
        memory_of = _path(doc, memory.get("path"), (*where, "memory_of", "path"))
    times = []
    for i, item in enumerate(_list(doc, entry["times"], (*where, "times")) if "times" in entry else []):
        count = doc.mapping(item, (*where, "times", i))
        doc.known_keys(count, frozenset({"path", "default"}), (*where, "times", i))
        default = count.get("default", 1)
        if isinstance(default, bool) or not isinstance(default, int) or default < 1:
            doc.fail((*where, "times", i, "default"), f"must be a whole number ≥ 1, found {default!r}")
        times.append(CountAt(_path(doc, count.get("path"), (*where, "times", i, "path")), default))
    names = {
        key: tuple(
            _path(doc, item, (*where, key, i)) for i, item in enumerate(_list(doc, entry[key], (*where, key)))
        )
        if key in entry
        else ()
        for key in ("name", "group")
    }
    measure = doc.string(entry["measure"], (*where, "measure")) if "measure" in entry else None
    for placeholder in _PLACEHOLDER.findall(measure or ""):
        if placeholder not in ("name", "group") or not names[placeholder]:
            doc.fail((*where, "measure"), f"{{{placeholder}}} has no attribute list to fill it")
    if not sizes and memory_of is None and measure is None:
        doc.fail(where, "needs size, memory_of or measure")
    return SizeRule(
        type_name,
        sizes,
        memory_of,
        tuple(times),
        _size_at(doc, entry["grows_to"], (*where, "grows_to")) if "grows_to" in entry else None,
        names["name"],
        names["group"],
        measure,
        doc.string(entry["note"], (*where, "note")) if "note" in entry else None,
    )


def load_size_rules_file(path: Path, kinds: frozenset[str] | None = None) -> SizeRules:
    doc = CatalogDocument(path, read_yaml(path))
    doc.known_keys(doc.data, frozenset({"schema_version", "terraform", "no_volume_kinds"}), ())
    terraform = {
        name: _rule(doc, name, value, ("terraform", name))
        for name, value in doc.mapping(doc.data.get("terraform"), ("terraform",)).items()
    }
    no_volume = doc.mapping(doc.data.get("no_volume_kinds", {}), ("no_volume_kinds",))
    for kind, text in no_volume.items():
        doc.string(text, ("no_volume_kinds", kind))
        if kinds is not None and kind not in kinds:
            doc.fail(("no_volume_kinds", kind), "unknown service kind")
    return SizeRules(terraform, no_volume)


@cache
def load_size_rules() -> SizeRules:
    catalog = data_path("providers") / "catalog"
    kinds = read_yaml(catalog / "service-kinds.yaml")
    known = frozenset(kinds.get("kinds", {})) if isinstance(kinds, dict) else None
    return load_size_rules_file(catalog / "data-sizes.yaml", known)
