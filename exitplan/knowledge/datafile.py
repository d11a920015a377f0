"""Load the project's YAML data files (catalogs, roles) with errors that name the file and the key path.

One reader for every data file: the safe loader (libyaml's C parser where ruamel.yaml.clib is installed),
so no tag ever constructs an object, and one wording for a file that cannot be read.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError
from ruamel.yaml.resolver import VersionedResolver

from ..errors import CatalogError


def read_yaml(path: Path, label: str | None = None, error: type[Exception] = CatalogError) -> Any:
    """The file's data; ``error`` naming ``label`` (default: the path) and the line when it is not YAML."""
    label = label or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise error(f"{label}: cannot read: {exc}") from None
    try:
        return _loader().load(text)
    except YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).strip().splitlines()[0]
        raise error(f"{label}: {where}invalid YAML: {problem}") from None


class _OneVersionResolver(VersionedResolver):
    """ruamel's resolver, asking the YAML version once per load, not once per scalar: with libyaml's parser
    the version never comes from the document (ruamel looks for a scanner it does not have, and each miss
    raises and catches AttributeError, a third of the load time of the catalogs)."""

    @property
    def processing_version(self) -> Any:
        version = self.__dict__.get("_version")
        if version is None:
            version = self.__dict__["_version"] = VersionedResolver.processing_version.fget(self)  # type: ignore[attr-defined]
        return version


def _loader() -> YAML:
    yaml = YAML(typ="safe")
    if not getattr(yaml.Parser, "__module__", "").startswith("ruamel.yaml.parser"):  # libyaml's CParser
        yaml.Resolver = _OneVersionResolver
    return yaml


def load_data_file(path: Path, schema_version: int = 1, label: str | None = None) -> dict[str, Any]:
    """The file's top-level mapping, after checking ``schema_version``."""
    label = label or str(path)
    data = read_yaml(path, label)
    if not isinstance(data, dict):
        raise CatalogError(f"{label}: expected a mapping at the top level")
    if data.get("schema_version") != schema_version:
        raise CatalogError(
            f"{label}: schema_version: expected {schema_version}, found {data.get('schema_version')!r}"
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
