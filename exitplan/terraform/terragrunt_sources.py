"""Where a Terragrunt unit's module comes from, and what it reads of the units it depends on."""

from __future__ import annotations

import posixpath
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

from ..model import UnitDependency, Unknown

#: Where ``terragrunt init`` downloads a unit's remote module, in the unit's folder.
CACHE = ".terragrunt-cache"


def with_outputs(dependency: UnitDependency, inputs: dict[str, Any]) -> UnitDependency:
    """The dependency with the outputs the inputs read (``dependency.db.outputs.endpoint``, also inside a
    string); none when an input takes the whole object, or for ``dependencies`` (which reads no output)."""
    reads = re.compile(rf"\bdependency\.{re.escape(dependency.name)}\.outputs(?:\.([A-Za-z_][\w-]*))?")
    names: set[str] = set()
    for value in _unknowns(inputs, 0):
        for found in reads.finditer(value.expression):
            if found.group(1) is None:
                return dependency
            names.add(found.group(1))
    return replace(dependency, outputs=tuple(sorted(names)))


def _unknowns(value: Any, depth: int) -> list[Unknown]:
    if depth > 20:
        return []
    if isinstance(value, Unknown):
        return [value]
    items = value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
    return [u for item in items for u in _unknowns(item, depth + 1)]


def downloaded(root: Path, folder: str, source: str) -> str | None:
    """The copy of a remote module ``terragrunt init`` left in the unit's ``.terragrunt-cache``, as a path
    from the unit: ``.terragrunt-cache/<hash>/<hash>/<the source's //subdirectory>``. The first such copy
    in name order that holds ``.tf`` files, so that the same folder gives the same scan."""
    if source.startswith(("/", "./", "../")):
        return None
    address = source.split("?", 1)[0]
    scheme = address.find("://")
    subdir = address[scheme + 3 :].partition("//")[2] if scheme >= 0 else address.partition("//")[2]
    cache = root / folder / CACHE
    try:
        candidates = sorted(cache.glob("*/*")) if cache.is_dir() else []
    except OSError:
        return None
    for candidate in candidates:
        module = candidate / subdir.strip("/") if subdir.strip("/") else candidate
        if module.is_dir() and any(module.glob("*.tf")):
            return "./" + module.relative_to(root / folder).as_posix()
    return None


def local_source(source: str, folder: str) -> str:
    """A source under the scanned folder written as a path from ``/`` becomes relative to the unit."""
    path = source.split("?", 1)[0]
    if not path.startswith("/"):
        return source
    within = posixpath.normpath("/" + path.lstrip("/").replace("//", "/"))
    relative = posixpath.relpath(within, "/" + folder.strip("."))
    return relative if relative.startswith("..") else f"./{relative}"
