"""Load the project's YAML data files (catalogs, roles) with errors that name the file and the key path."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from .errors import CatalogError


def load_data_file(path: Path, schema_version: int = 1) -> dict[str, Any]:
    """The file's top-level mapping, after checking ``schema_version``."""
    try:
        data = YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise CatalogError(f"{path}: cannot read: {exc}") from None
    except YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}" if mark is not None else ""
        raise CatalogError(f"{path}{where}: invalid YAML: {getattr(exc, 'problem', None) or exc}") from None
    if not isinstance(data, dict):
        raise CatalogError(f"{path}: expected a mapping at the top level")
    if data.get("schema_version") != schema_version:
        raise CatalogError(
            f"{path}: schema_version: expected {schema_version}, found {data.get('schema_version')!r}"
        )
    return data


def require(data: dict[str, Any], key: str, kind: type | tuple[type, ...], where: str) -> Any:
    """``data[key]`` checked against ``kind``; ``where`` is ``file: key.path`` for the error."""
    if key not in data:
        raise CatalogError(f"{where}.{key}: missing")
    value = data[key]
    if not isinstance(value, kind):
        names = " or ".join(k.__name__ for k in (kind if isinstance(kind, tuple) else (kind,)))
        raise CatalogError(f"{where}.{key}: expected {names}, found {type(value).__name__}")
    return value
