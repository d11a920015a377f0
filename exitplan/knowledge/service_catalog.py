"""The service catalog: what a Terraform resource type (or registry module) is, as data.

The catalog files live in ``providers/catalog``:

- ``services/*.yaml`` — resource types per provider: type prefixes (which cloud a type belongs to),
  exact types, and families (glob patterns) for the long tail;
- ``azapi-types.yaml`` — resource types written as strings inside a generic resource's attribute
  (Azure Resource Manager types such as ``Microsoft.ContainerService/managedClusters``);
- ``modules.yaml`` — well-known registry modules and the service they stand for;
- ``service-kinds.yaml`` — the vocabulary of service kinds.

Everything is validated on load; a problem raises :class:`CatalogError` naming the file and key path.
The code knows the shape of the data, never a product. The loaded :class:`ServiceCatalog` and its lookups
live in ``service_lookup``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from . import datafile
from .catalog_document import CatalogDocument, KeyPath, format_path, kind_of
from .data_path import data_path
from .module_catalog import add_modules
from .service_lookup import (
    Classification,
    Family,
    IndirectTypes,
    ModuleEntry,
    Section,
    ServiceCatalog,
    ServiceEntry,
    Variant,
    normalise_module_source,
)

LOCKIN_LEVELS = ("none", "low", "medium", "high")
#: Open protocols and de-facto standard APIs a service can be reached by; ``proprietary`` otherwise.
_INTERFACE_NAMES = """
    postgresql mysql tds oracle db2 redis memcached mongodb cassandra hbase elasticsearch opensearch
    clickhouse s3 swift nfs smb block sftp kafka amqp mqtt nats http smtp dns oci-registry kubernetes
    x509 vm ip ldap oidc saml prometheus airflow spark git proprietary
"""
INTERFACES = frozenset(_INTERFACE_NAMES.split())

_ENTRY_KEYS = frozenset(
    {"use", "kind", "lockin", "reason", "stateful", "interface", "equivalent", "stateful_note"}
    | {"variants", "attribute_defaults"}
)
_VARIANT_KEYS = frozenset(
    {"when", "use", "kind", "lockin", "reason", "stateful", "interface", "equivalent", "stateful_note"}
)
_SECTION_KEYS = frozenset(
    {"cloud", "jurisdiction", "saas", "prefixes", "providers", "profiles", "types", "families"}
)


def load_service_catalog(extra_dirs: Sequence[Path] = ()) -> ServiceCatalog:
    """The built-in catalogs, then each of ``extra_dirs``, whose entries override built-in ones.

    A directory holds the same layout as ``providers/catalog`` (``services/*.yaml``, ``modules.yaml``,
    ``azapi-types.yaml``), either directly or in a ``catalog`` folder.
    """
    builtin = data_path("providers") / "catalog"
    directories = tuple(
        directory / "catalog" if (directory / "catalog").is_dir() else directory
        for directory in map(Path, extra_dirs)
    )
    return _built(builtin, directories, _stamp((builtin, *directories)))


def _stamp(directories: Sequence[Path]) -> tuple[tuple[str, int, int], ...]:
    """Name, size and modification time of every file a build reads, so an edited catalog is built anew."""
    stamp = []
    for directory in directories:
        files = [*sorted((directory / "services").glob("*.yaml")), *(directory / n for n in _SINGLE_FILES)]
        for path in files:
            try:
                status = path.stat()
            except OSError:
                continue
            stamp.append((str(path), status.st_size, status.st_mtime_ns))
    return tuple(stamp)


_SINGLE_FILES = ("service-kinds.yaml", "azapi-types.yaml", "modules.yaml")


@lru_cache(maxsize=8)
def _built(builtin: Path, directories: tuple[Path, ...], stamp: tuple) -> ServiceCatalog:
    """One build per catalog state: a plan asks for the catalog twice (scan and data gravity)."""
    del stamp  # part of the cache key only
    builder = _Builder(_load_kinds(builtin / "service-kinds.yaml"))
    builder.add_directory(builtin)
    for directory in directories:
        builder.add_directory(directory)
    return builder.build()


def read_yaml(path: Path) -> Any:
    return datafile.read_yaml(path)


def _load_kinds(path: Path) -> dict[str, str]:
    doc = CatalogDocument(path, read_yaml(path))
    kinds = doc.mapping(doc.data.get("kinds"), ("kinds",))
    for name, text in kinds.items():
        doc.string(text, ("kinds", name))
    return dict(kinds)


class _Builder:
    """Collects validated entries from catalog directories; later directories override earlier ones."""

    def __init__(self, kinds: Mapping[str, str]) -> None:
        self.kinds = kinds
        self.prefixes: dict[str, Section] = {}
        self.types: dict[str, ServiceEntry] = {}
        self.families: list[Family] = []
        self._new_families: list[Family] = []
        self.indirect: list[IndirectTypes] = []
        self.modules: dict[str, ModuleEntry] = {}
        self.repositories: dict[str, str] = {}
        self._module_types: list[tuple[CatalogDocument, KeyPath, str]] = []

    def add_directory(self, directory: Path) -> None:
        seen: dict[str, set[str]] = {"prefix": set(), "type": set(), "family": set()}
        self._new_families = []
        for path in sorted((directory / "services").glob("*.yaml")):
            self._add_services(CatalogDocument(path, read_yaml(path)), seen)
        patterns = {family.pattern for family in self._new_families}
        self.families = self._new_families + [f for f in self.families if f.pattern not in patterns]
        if (directory / "azapi-types.yaml").is_file():
            path = directory / "azapi-types.yaml"
            self._add_indirect(CatalogDocument(path, read_yaml(path)))
        if (directory / "modules.yaml").is_file():
            path = directory / "modules.yaml"
            add_modules(self, CatalogDocument(path, read_yaml(path)))

    def build(self) -> ServiceCatalog:
        catalog = ServiceCatalog(
            self.kinds,
            self.prefixes,
            self.types,
            self.families,
            self.indirect,
            self.modules,
            self.repositories,
        )
        for doc, path, type_name in self._module_types:
            if catalog.lookup(type_name)[0] is None:
                doc.fail(path, f"{type_name!r} is not a type the service catalog knows")
        return catalog

    # -- service files

    def _add_services(self, doc: CatalogDocument, seen: dict[str, set[str]]) -> None:
        profiles = self._profiles(doc, doc.data.get("profiles", {}), ("profiles",), {})
        if "sections" in doc.data:
            doc.known_keys(doc.data, frozenset({"schema_version", "profiles", "sections"}), ())
            sections = doc.data["sections"]
            if not isinstance(sections, list) or not sections:
                doc.fail(("sections",), "must be a non-empty list of provider sections")
            for index, raw in enumerate(sections):
                self._add_section(
                    doc, doc.mapping(raw, ("sections", index)), ("sections", index), profiles, seen
                )
        else:
            data = {
                key: value for key, value in doc.data.items() if key not in ("schema_version", "profiles")
            }
            self._add_section(doc, data, (), profiles, seen)

    def _add_section(
        self,
        doc: CatalogDocument,
        data: dict[str, Any],
        path: KeyPath,
        profiles: dict[str, Any],
        seen: dict[str, set[str]],
    ) -> None:
        doc.known_keys(data, _SECTION_KEYS, path)
        if "cloud" not in data:
            doc.fail((*path, "cloud"), "is required (a cloud name, or null for provider-neutral types)")
        cloud = None if data["cloud"] is None else doc.string(data["cloud"], (*path, "cloud"))
        jurisdiction = data.get("jurisdiction")
        if jurisdiction is not None:
            doc.string(jurisdiction, (*path, "jurisdiction"))
        prefixes = doc.strings(data.get("prefixes"), (*path, "prefixes"))
        providers = doc.strings(data["providers"], (*path, "providers")) if "providers" in data else ()
        saas = data.get("saas", False)
        if not isinstance(saas, bool):
            doc.fail((*path, "saas"), "expected true or false")
        section = Section(cloud, jurisdiction, prefixes, providers, saas)
        for index, prefix in enumerate(prefixes):
            self._claim(doc, seen["prefix"], prefix, (*path, "prefixes", index))
            self.prefixes[prefix] = section
        profiles = self._profiles(doc, data.get("profiles", {}), (*path, "profiles"), profiles)
        for type_name, raw in doc.mapping(data.get("types", {}), (*path, "types")).items():
            where = (*path, "types", type_name)
            if not any(type_name == p or (p.endswith("_") and type_name.startswith(p)) for p in prefixes):
                doc.fail(where, "does not start with any of this section's prefixes")
            self._claim(doc, seen["type"], type_name, where)
            self.types[type_name] = self._entry(doc, raw, where, profiles)
        for family in self._families(doc, data.get("families", []), (*path, "families"), profiles):
            self._claim(doc, seen["family"], family.pattern, (*path, "families"))
            self._new_families.append(family)

    @staticmethod
    def _claim(doc: CatalogDocument, seen: set[str], name: str, path: KeyPath) -> None:
        if name in seen:
            doc.fail(path, f"{name!r} is defined twice")
        seen.add(name)

    def _profiles(
        self, doc: CatalogDocument, raw: Any, path: KeyPath, inherited: dict[str, Any]
    ) -> dict[str, Any]:
        profiles = dict(inherited)
        for name, value in doc.mapping(raw, path).items():
            body = doc.mapping(value, (*path, name))
            if "use" in body:
                doc.fail((*path, name, "use"), "profiles cannot use other profiles")
            self._entry(doc, body, (*path, name), {})
            profiles[name] = body
        return profiles

    def _families(
        self, doc: CatalogDocument, raw: Any, path: KeyPath, profiles: dict[str, Any], fold_case: bool = False
    ) -> list[Family]:
        """Families in file order (the first match wins); a pattern an earlier one covers is an error."""
        if not isinstance(raw, list):
            doc.fail(path, f"must be a list, found {kind_of(raw)}")
        families: list[Family] = []
        for index, item in enumerate(raw):
            body = doc.mapping(item, (*path, index))
            pattern = doc.string(body.pop("match", None), (*path, index, "match"))
            pattern = pattern.lower() if fold_case else pattern
            if "*" not in pattern:
                doc.fail((*path, index, "match"), f"{pattern!r} has no '*'; exact types belong under types")
            family = Family(pattern, self._entry(doc, body, (*path, index), profiles))
            for earlier in families:
                if earlier.shadows(family):
                    doc.fail(
                        (*path, index, "match"), f"never reached: {earlier.pattern!r} above matches first"
                    )
            families.append(family)
        return families

    # -- entries

    def _entry(
        self, doc: CatalogDocument, raw: Any, path: KeyPath, profiles: Mapping[str, Any]
    ) -> ServiceEntry:
        data = doc.mapping({"use": raw} if isinstance(raw, str) else raw, path)
        doc.known_keys(data, _ENTRY_KEYS, path)
        if "use" in data:
            name = data.pop("use")
            if name not in profiles:
                doc.fail((*path, "use"), f"no profile named {name!r}")
            data = {**profiles[name], **data}
        fields = self._fields(doc, data, path, required=True)
        defaults = doc.mapping(data.get("attribute_defaults", {}), (*path, "attribute_defaults"))
        for key, value in defaults.items():
            doc.string(value, (*path, "attribute_defaults", key))
        variants = data.get("variants", [])
        if not isinstance(variants, list):
            doc.fail((*path, "variants"), f"must be a list, found {kind_of(variants)}")
        return ServiceEntry(
            **fields,
            variants=tuple(
                self._variant(doc, v, (*path, "variants", i), profiles) for i, v in enumerate(variants)
            ),
            attribute_defaults=defaults,
            origin=f"{doc.path.name}: {format_path(path)}",
        )

    def _variant(self, doc: CatalogDocument, raw: Any, path: KeyPath, profiles: Mapping[str, Any]) -> Variant:
        data = doc.mapping(raw, path)
        doc.known_keys(data, _VARIANT_KEYS, path)
        if "use" in data:
            name = data.pop("use")
            if name not in profiles:
                doc.fail((*path, "use"), f"no profile named {name!r}")
            inherited = {
                k: v for k, v in profiles[name].items() if k not in ("variants", "attribute_defaults")
            }
            data = {**inherited, **data}
        when = doc.mapping(data.pop("when", None), (*path, "when"))
        if not when:
            doc.fail((*path, "when"), "must name at least one attribute")
        conditions = []
        for attribute, patterns in when.items():
            values = doc.strings(patterns, (*path, "when", attribute))
            for index, pattern in enumerate(values):
                if pattern.startswith("re:"):
                    try:
                        re.compile(pattern[3:])
                    except re.error as error:
                        doc.fail((*path, "when", attribute, index), f"invalid regular expression: {error}")
            conditions.append((attribute, values))
        doc.string(data.get("reason"), (*path, "reason"))
        return Variant(tuple(conditions), self._fields(doc, data, path, required=False))

    def _fields(
        self, doc: CatalogDocument, data: Mapping[str, Any], path: KeyPath, required: bool
    ) -> dict[str, Any]:
        fields: dict[str, Any] = {}
        for key in ("kind", "lockin", "reason"):
            if key in data or required:
                fields[key] = doc.string(data.get(key), (*path, key))
        if "kind" in fields and fields["kind"] not in self.kinds:
            doc.fail((*path, "kind"), f"unknown service kind {fields['kind']!r} (see service-kinds.yaml)")
        if "lockin" in fields and fields["lockin"] not in LOCKIN_LEVELS:
            doc.fail((*path, "lockin"), f"{fields['lockin']!r} is not one of {', '.join(LOCKIN_LEVELS)}")
        if "stateful" in data:
            if not isinstance(data["stateful"], bool):
                doc.fail((*path, "stateful"), f"must be true or false, found {kind_of(data['stateful'])}")
            fields["stateful"] = data["stateful"]
        if "interface" in data:
            interface = data["interface"]
            if interface is not None and interface not in INTERFACES:
                doc.fail((*path, "interface"), f"unknown interface {interface!r}")
            fields["interface"] = interface
        if "equivalent" in data:
            fields["equivalent"] = doc.strings(data["equivalent"], (*path, "equivalent"))
        if data.get("stateful_note") is not None:
            fields["stateful_note"] = doc.string(data["stateful_note"], (*path, "stateful_note"))
        return fields

    # -- attribute-named types and modules

    def _add_indirect(self, doc: CatalogDocument) -> None:
        allowed = {"schema_version", "resource_types", "attribute", "version_separator", "profiles"}
        doc.known_keys(doc.data, frozenset(allowed | {"types", "families"}), ())
        profiles = self._profiles(doc, doc.data.get("profiles", {}), ("profiles",), {})
        types: dict[str, ServiceEntry] = {}
        for name, raw in doc.mapping(doc.data.get("types", {}), ("types",)).items():
            if name.lower() in types:
                doc.fail(("types", name), "is defined twice (names are compared without case)")
            types[name.lower()] = self._entry(doc, raw, ("types", name), profiles)
        families = self._families(doc, doc.data.get("families", []), ("families",), profiles, fold_case=True)
        self.indirect.insert(
            0,
            IndirectTypes(
                resource_types=frozenset(doc.strings(doc.data.get("resource_types"), ("resource_types",))),
                attribute=doc.string(doc.data.get("attribute"), ("attribute",)),
                version_separator=doc.string(doc.data.get("version_separator", "@"), ("version_separator",)),
                types=types,
                families=tuple(families),
            ),
        )


__all__ = [
    "INTERFACES",
    "LOCKIN_LEVELS",
    "Classification",
    "Family",
    "IndirectTypes",
    "ModuleEntry",
    "Section",
    "ServiceCatalog",
    "ServiceEntry",
    "Variant",
    "load_service_catalog",
    "normalise_module_source",
    "read_yaml",
]
