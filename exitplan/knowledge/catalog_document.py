"""One catalog file under validation: typed accessors that fail with the file and the key path.

The service and module catalogs (``service_catalog``) read every file through it, so a broken catalog
always reads ``<file>: <key path>: <problem>``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..errors import CatalogError

SCHEMA_VERSION = 1


KeyPath = tuple[str | int, ...]


def format_path(path: KeyPath) -> str:
    text = ""
    for step in path:
        if isinstance(step, int):
            text += f"[{step}]"
        else:
            key = f'"{step}"' if re.search(r"[.\s/\"]", step) else step
            text += f".{key}" if text else key
    return text or "(top)"


class CatalogDocument:
    """One YAML document being validated; every complaint names the file and key path."""

    def __init__(self, path: Path, data: Any) -> None:
        self.path = path
        self.data = self.mapping(data, ())
        version = self.data.get("schema_version")
        if version != SCHEMA_VERSION:
            self.fail(("schema_version",), f"must be {SCHEMA_VERSION}, found {version!r}")

    def fail(self, path: KeyPath, problem: str) -> None:
        raise CatalogError(f"{self.path}: {format_path(path)}: {problem}")

    def mapping(self, value: Any, path: KeyPath) -> dict[str, Any]:
        if not isinstance(value, Mapping):
            self.fail(path, f"must be a mapping, found {kind_of(value)}")
        for key in value:
            if not isinstance(key, str):
                self.fail(path, f"keys must be strings, found {key!r}")
        return dict(value)

    def string(self, value: Any, path: KeyPath) -> str:
        if not isinstance(value, str) or not value.strip():
            self.fail(path, f"must be a non-empty string, found {kind_of(value)}")
        return value

    def strings(self, value: Any, path: KeyPath) -> tuple[str, ...]:
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list) or not items:
            self.fail(path, f"must be a string or a non-empty list of strings, found {kind_of(value)}")
        return tuple(self.string(item, (*path, index)) for index, item in enumerate(items))

    def flag(self, data: Mapping[str, Any], key: str, path: KeyPath, default: bool = False) -> bool:
        """``data[key]``, true or false (``default`` when absent)."""
        value = data.get(key, default)
        if not isinstance(value, bool):
            self.fail((*path, key), f"must be true or false, found {kind_of(value)}")
        return value

    def known_keys(self, data: Mapping[str, Any], allowed: frozenset[str], path: KeyPath) -> None:
        for key in data:
            if key not in allowed:
                self.fail((*path, key), f"unknown key (expected one of {', '.join(sorted(allowed))})")


def kind_of(value: Any) -> str:
    return "nothing" if value is None else f"{type(value).__name__} {value!r}"[:80]
