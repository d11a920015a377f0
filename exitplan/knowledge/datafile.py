"""Load the project's YAML data files (catalogs, roles) with errors that name the file and the key path.

One reader for every data file: the safe loader (libyaml's C parser where ruamel.yaml.clib is installed),
so no tag ever constructs an object, and one wording for a file that cannot be read.

Building Python objects from YAML is most of what a small scan costs at start-up (the built-in catalogs are
some 20,000 nodes), so what a file's bytes parse to is kept, as ``marshal`` data, the way Python keeps
bytecode: in memory for the process and in ``data/`` of the cache folder, named by a digest of the bytes and
the loader's version. ``marshal`` holds plain data only and every read gives a fresh copy, so a caller may
change what it gets. A file whose data ``marshal`` cannot hold (a YAML timestamp) is parsed every time.
"""

from __future__ import annotations

import hashlib
import marshal
import os
from pathlib import Path
from typing import Any

import ruamel.yaml
from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError
from ruamel.yaml.resolver import VersionedResolver

from ..cache import cache_dir
from ..errors import CatalogError

#: Compiled data files kept in the cache folder; beyond this many, the oldest are removed.
MAX_COMPILED = 64

_SALT = f"exitplan-data/1 ruamel.yaml/{ruamel.yaml.__version__} marshal/{marshal.version}\0".encode()
_compiled: dict[str, bytes] = {}


def read_yaml(path: Path, label: str | None = None, error: type[Exception] = CatalogError) -> Any:
    """The file's data; ``error`` naming ``label`` (default: the path) and the line when it is not YAML."""
    label = label or str(path)
    try:
        raw = path.read_bytes()
        text = raw.decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise error(f"{label}: cannot read: {exc}") from None
    key = hashlib.sha256(_SALT + raw).hexdigest()
    data = _recall(key)
    if data is not None:
        return data
    try:
        data = _loader().load(text.replace("\r\n", "\n").replace("\r", "\n"))
    except YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).strip().splitlines()[0]
        raise error(f"{label}: {where}invalid YAML: {problem}") from None
    _keep(key, data)
    return data


def _folder() -> Path | None:
    """``data/`` of the cache folder, or None when there is no home folder to hold it (a user without a
    passwd entry and no ``HOME``): then nothing is kept on disk."""
    try:
        return cache_dir() / "data"
    except (RuntimeError, KeyError):
        return None


def _recall(key: str) -> Any:
    packed = _compiled.get(key)
    if packed is None:
        folder = _folder()
        try:
            packed = (folder / f"{key}.marshal").read_bytes() if folder else None
        except OSError:
            packed = None
    if packed is None:
        return None
    try:
        data = marshal.loads(packed)
    except (EOFError, ValueError, TypeError):
        return None  # a damaged entry is parsed again and rewritten
    _compiled[key] = packed
    return data


def _keep(key: str, data: Any) -> None:
    try:
        packed = marshal.dumps(data)
    except ValueError:
        return  # data marshal cannot hold
    _compiled[key] = packed
    folder = _folder()
    if folder is None:
        return
    try:
        folder.mkdir(parents=True, exist_ok=True)
        temporary = folder / f".{key}.{os.getpid()}.tmp"
        temporary.write_bytes(packed)
        os.replace(temporary, folder / f"{key}.marshal")
        entries = sorted(folder.glob("*.marshal"), key=lambda p: p.stat().st_mtime)
        for old in entries[:-MAX_COMPILED]:
            old.unlink(missing_ok=True)
    except OSError:
        return  # a folder that cannot be written keeps nothing; the file is parsed again next time


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
