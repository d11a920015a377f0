"""Kustomize patches applied to manifests: strategic merge and JSON 6902.

Every value a patch adds or changes is recorded in the manifest's ``origins`` with the patch's file and
the line where that value is written, so a finding about it cites the patch, not the base.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from typing import Any

from ..model import Location, Path
from .manifests import Manifest

#: Lists that strategic merge combines item by item, and the key that identifies an item.
MERGE_KEYS: dict[str, tuple[str, ...]] = {
    "containers": ("name",),
    "initContainers": ("name",),
    "ephemeralContainers": ("name",),
    "env": ("name",),
    "volumes": ("name",),
    "volumeMounts": ("mountPath",),
    "volumeDevices": ("devicePath",),
    "imagePullSecrets": ("name",),
    "ports": ("containerPort", "port"),
    "hostAliases": ("ip",),
    "conditions": ("type",),
}


@dataclass(frozen=True)
class PatchSource:
    """Where a patch was written: its file and the line of every path in it."""

    file: str
    lines: dict[Path, int]
    line: int

    def location(self, path: Path) -> Location:
        for end in range(len(path), -1, -1):
            line = self.lines.get(path[:end])
            if line is not None:
                return Location(self.file, line)
        return Location(self.file, self.line)


class PatchError(Exception):
    pass


# --- strategic merge ------------------------------------------------------------------------------


def strategic_merge(target: Manifest, patch: dict[str, Any], source: PatchSource) -> None:
    _merge_map(target, target.value, patch, (), (), source)


def _merge_map(
    target: Manifest, into: dict, patch: dict, tpath: Path, ppath: Path, source: PatchSource
) -> None:
    for key, value in patch.items():
        if key.startswith("$"):
            continue
        tp, pp = (*tpath, key), (*ppath, key)
        current = into.get(key)
        if value is None:
            if key in into:
                del into[key]
                _forget(target, tp)
            continue
        if isinstance(value, dict) and isinstance(current, dict):
            directive = value.get("$patch")
            if directive == "delete":
                del into[key]
                _forget(target, tp)
            elif directive == "replace":
                into[key] = _clean(value)
                _record(target, tp, pp, source)
            else:
                _merge_map(target, current, value, tp, pp, source)
            continue
        if isinstance(value, list) and isinstance(current, list):
            merge_key = _merge_key(key, current + value)
            if merge_key is not None:
                _merge_list(target, current, value, merge_key, tp, pp, source)
                continue
        if current != value:
            into[key] = _clean(value)
            _record(target, tp, pp, source)


def _merge_key(key: str, items: list) -> str | None:
    if not items or not all(isinstance(item, dict) for item in items):
        return None
    for candidate in MERGE_KEYS.get(key, ()):
        if all(candidate in item for item in items if item.get("$patch") != "delete" or candidate in item):
            return candidate
    return None


def _merge_list(
    target: Manifest, into: list, patch: list, key: str, tpath: Path, ppath: Path, source: PatchSource
) -> None:
    for index, item in enumerate(patch):
        position = next((i for i, old in enumerate(into) if old.get(key) == item.get(key)), None)
        pp = (*ppath, index)
        if position is None:
            if item.get("$patch") != "delete":
                into.append(_clean(item))
                _record(target, (*tpath, len(into) - 1), pp, source)
        elif item.get("$patch") == "delete":
            del into[position]
            shift(target, tpath, position, -1)
        else:
            _merge_map(target, into[position], item, (*tpath, position), pp, source)


def _clean(value: Any) -> Any:
    """A copy of a patch value without its ``$patch`` directives."""
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items() if not str(k).startswith("$")}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value


# --- JSON 6902 ------------------------------------------------------------------------------------


def json6902(target: Manifest, operations: Any, source: PatchSource) -> None:
    """Apply a list of RFC 6902 operations; ``PatchError`` names the first one that cannot apply."""
    if not isinstance(operations, list):
        raise PatchError("a JSON 6902 patch must be a list of operations")
    for index, operation in enumerate(operations):
        if not isinstance(operation, dict):
            raise PatchError(f"operation {index + 1} is not a mapping")
        op, raw_path = operation.get("op"), operation.get("path")
        if not isinstance(raw_path, str):
            raise PatchError(f"operation {index + 1} has no path")
        steps = _pointer(raw_path)
        if op in ("add", "replace"):
            if "value" not in operation:
                raise PatchError(f"operation {index + 1} ({op} {raw_path}) has no value")
            where = _put(target, steps, copy.deepcopy(operation["value"]), insert=op == "add", raw=raw_path)
            _record(target, where, (index, "value"), source)
        elif op == "remove":
            _remove(target, steps, raw_path)
        elif op in ("copy", "move"):
            origin = _pointer(str(operation.get("from", "")))
            parent, last = _walk(target.value, origin, raw_path)
            value = copy.deepcopy(_get(parent, last, raw_path))
            if op == "move":
                _remove(target, origin, raw_path)
            where = _put(target, steps, value, insert=True, raw=raw_path)
            target.origins[where] = source.location((index,))
        elif op != "test":
            raise PatchError(f"operation {index + 1} has an unknown op {op!r}")


def _pointer(text: str) -> list[str]:
    if text in ("", "/"):
        return [] if text == "" else [""]
    return [part.replace("~1", "/").replace("~0", "~") for part in text.lstrip("/").split("/")]


def _walk(value: Any, steps: list[str], raw: str) -> tuple[Any, str]:
    if not steps:
        raise PatchError(f"path {raw!r} points at the whole object")
    for step in steps[:-1]:
        value = _get(value, step, raw)
    return value, steps[-1]


def _get(container: Any, step: str, raw: str) -> Any:
    if isinstance(container, dict) and step in container:
        return container[step]
    if isinstance(container, list) and re.fullmatch(r"\d+", step) and int(step) < len(container):
        return container[int(step)]
    raise PatchError(f"path {raw!r} does not exist")


def _resolved(value: Any, steps: list[str]) -> Path:
    path: list[str | int] = []
    for step in steps:
        if isinstance(value, list):
            path.append(len(value) if step == "-" else int(step))
            value = value[path[-1]] if isinstance(path[-1], int) and path[-1] < len(value) else None
        else:
            path.append(step)
            value = value.get(step) if isinstance(value, dict) else None
    return tuple(path)


def _put(target: Manifest, steps: list[str], value: Any, insert: bool, raw: str) -> Path:
    parent, last = _walk(target.value, steps, raw)
    where = _resolved(target.value, steps)
    if isinstance(parent, dict):
        if not insert and last not in parent:
            raise PatchError(f"path {raw!r} does not exist")
        parent[last] = value
        _forget(target, where)
        return where
    if not isinstance(parent, list):
        raise PatchError(f"path {raw!r} does not exist")
    if last == "-" and insert:
        parent.append(value)
        return (*where[:-1], len(parent) - 1)
    if not re.fullmatch(r"\d+", last) or int(last) > len(parent) or (not insert and int(last) == len(parent)):
        raise PatchError(f"path {raw!r} does not exist")
    index = int(last)
    if insert:
        shift(target, where[:-1], index, +1)
        parent.insert(index, value)
    else:
        parent[index] = value
        _forget(target, where)
    return where


def _remove(target: Manifest, steps: list[str], raw: str) -> None:
    parent, last = _walk(target.value, steps, raw)
    where = _resolved(target.value, steps)
    _get(parent, last, raw)
    if isinstance(parent, dict):
        del parent[last]
        _forget(target, where)
    else:
        del parent[int(last)]
        shift(target, where[:-1], int(last), -1)


# --- keeping lines and origins in step -----------------------------------------------------------


def _record(target: Manifest, tpath: Path, ppath: Path, source: PatchSource) -> None:
    """The value at ``tpath`` now comes from the patch value at ``ppath`` (and so does all below it)."""
    _forget(target, tpath)
    target.origins[tpath] = source.location(ppath)
    size = len(ppath)
    for path, line in source.lines.items():
        if len(path) > size and path[:size] == ppath:
            target.origins[(*tpath, *path[size:])] = Location(source.file, line)


def _forget(target: Manifest, tpath: Path) -> None:
    """Drop the lines and origins of a value that was removed or replaced."""
    size = len(tpath)
    for mapping in (target.lines, target.origins):
        for path in [p for p in mapping if len(p) > size and p[:size] == tpath]:
            del mapping[path]
    target.origins.pop(tpath, None)


def shift(target: Manifest, list_path: Path, index: int, delta: int) -> None:
    """Renumber the items of the list at ``list_path`` from ``index`` on after an insert or delete."""
    size = len(list_path)
    if delta < 0:
        _forget(target, (*list_path, index))
        target.lines.pop((*list_path, index), None)
    for mapping in (target.lines, target.origins):
        moved = {}
        for path in list(mapping):
            if len(path) > size and path[:size] == list_path:
                step = path[size]
                if isinstance(step, int) and step >= index:
                    moved[(*list_path, step + delta, *path[size + 1 :])] = mapping.pop(path)
        mapping.update(moved)
