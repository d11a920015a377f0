"""``modules.yaml``: well-known registry modules and the service each stands for, and the module libraries
kept in one Git repository (``repositories``)."""

from __future__ import annotations

from typing import Any

from .catalog_document import CatalogDocument, KeyPath
from .service_lookup import ModuleEntry, normalise_module_source


def add_modules(builder: Any, doc: CatalogDocument) -> None:
    """Read ``modules.yaml`` into ``builder`` (``service_catalog._Builder``): the library repositories and
    the module entries, each validated."""
    doc.known_keys(doc.data, frozenset({"schema_version", "profiles", "repositories", "modules"}), ())
    for repository, address in doc.mapping(doc.data.get("repositories", {}), ("repositories",)).items():
        at: KeyPath = ("repositories", repository)
        if normalise_module_source(doc.string(address, at)) is None or "//" in address:
            doc.fail(at, "must map to a registry module address (namespace/name/provider)")
        if repository != repository.lower() or repository.count("/") != 2:
            doc.fail(at, "must be host/owner/name in lower case")
        builder.repositories[repository] = address.lower()
    profiles = builder._profiles(doc, doc.data.get("profiles", {}), ("profiles",), {})
    seen: set[str] = set()
    for source, raw in doc.mapping(doc.data.get("modules"), ("modules",)).items():
        path: KeyPath = ("modules", source)
        normalised = normalise_module_source(source)
        if normalised is None:
            doc.fail(path, "is not a registry module address (namespace/name/provider[//subpath])")
        builder._claim(doc, seen, normalised, path)
        data = doc.mapping(raw, path)
        as_type = data.pop("as", None)
        inputs = doc.mapping(data.pop("inputs", {}), (*path, "inputs"))
        defaults = doc.mapping(data.pop("defaults", {}), (*path, "defaults"))
        also = doc.strings(data.pop("also"), (*path, "also")) if "also" in data else ()
        for index, kind in enumerate(also):
            if kind not in builder.kinds:
                doc.fail((*path, "also", index), f"unknown service kind {kind!r}")
        if as_type is not None:
            doc.string(as_type, (*path, "as"))
            doc.known_keys(data, frozenset(), path)
            builder._module_types.append((doc, (*path, "as"), as_type))
            entry = None
        elif data:
            entry = builder._entry(doc, data, path, profiles)
        else:
            doc.fail(path, "needs 'as' (a resource type) or an entry of its own (kind, lockin, reason)")
        builder.modules[normalised] = ModuleEntry(
            normalised,
            as_type,
            entry,
            {k: doc.string(v, (*path, "inputs", k)) for k, v in inputs.items()},
            {k: doc.string(v, (*path, "defaults", k)) for k, v in defaults.items()},
            also,
        )
